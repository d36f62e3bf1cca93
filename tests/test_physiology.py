"""biophys.physiology: the user-facing, vectorised entry points.

GHK references are computed here with Python's ``decimal`` at 50 significant digits.
"""

from decimal import Decimal, getcontext

import numpy as np
import pytest

from biophys import physiology as ph
from biophys.kernels import constants as kc
from biophys.kernels import nak_pump as nk
from biophys.kernels import surface as sf

getcontext().prec = 50
F = Decimal(repr(kc.FARADAY))
R = Decimal(repr(kc.GAS_CONSTANT))


def ghk_reference(P, z, x, ci, co):
    """uA/cm^2 from an exact Decimal x: P z F (ci g(x) - co g(-x)), g(x) = x/(1 - e^-x)."""
    P, z, ci, co = (Decimal(repr(float(v))) for v in (P, z, ci, co))
    if x == 0:
        return P * z * F * (ci - co), P * F * (ci + co)
    e = (-x).exp()
    g_pos = x / (1 - e)
    g_neg = g_pos * e
    return P * z * F * (ci * g_pos - co * g_neg), abs(P * z * F) * (ci * g_pos + co * g_neg)


ALL = [(z, V, ci, co) for z in (1, -1, 2)
       for V in (-120.0, -80.0, -1e-3, -1e-9, 1e-12, 1e-6, 0.5, 30.0, 60.0)
       for ci, co in ((140.0, 5.4), (1e-4, 2.0), (10.0, 0.0), (0.0, 140.0))]
P_TEST, T_TEST = 3.7e-6, 36.6


def _outer_term_dominant_large_x(z, V, ci, co):
    """x = zFV/RT > 2 with the c_o g(-x) term at least 1% of the current: see
    test_ghk_outer_term_at_large_x (kernels/ghk.py forms e^-x as 1 + expm1(-x))."""
    x = z * V / kc.thermal_voltage(T_TEST)
    if x <= 2.0 or co == 0.0:
        return False
    g = x / -np.expm1(-x)
    return co * g * np.exp(-x) >= 0.01 * abs(ci * g - co * g * np.exp(-x))


CASES = [c for c in ALL if not _outer_term_dominant_large_x(*c)]


@pytest.mark.parametrize("z, V, ci, co", CASES)
def test_ghk_current_precision(z, V, ci, co):
    P, T = P_TEST, T_TEST
    got = ph.ghk_current(V, ci, co, P=P, z=z, temperature=T)
    # (a) the formula alone: x exactly as the kernel forms it
    x_kernel = z * V / kc.thermal_voltage(T)
    ref, scale = ghk_reference(P, z, Decimal(repr(x_kernel)), ci, co)
    assert abs(Decimal(repr(got)) - ref) <= Decimal("1e-15") * scale
    # (b) end to end, x = zFV/RT in 50-digit arithmetic
    x_exact = Decimal(z) * Decimal(repr(V)) * F / (1000 * R * (Decimal(repr(T))
                                                                + Decimal("273.15")))
    ref2, scale2 = ghk_reference(P, z, x_exact, ci, co)
    assert abs(Decimal(repr(got)) - ref2) <= Decimal("1e-14") * scale2


def test_ghk_outer_term_at_large_x():
    """The c_o term keeps full precision where e^-x is small (x >> 1)."""
    bad = [c for c in ALL if _outer_term_dominant_large_x(*c)]
    assert bad
    for z, V, ci, co in bad:
        got = ph.ghk_current(V, ci, co, P=P_TEST, z=z, temperature=T_TEST)
        x_kernel = z * V / kc.thermal_voltage(T_TEST)
        ref, scale = ghk_reference(P_TEST, z, Decimal(repr(x_kernel)), ci, co)
        assert abs(Decimal(repr(got)) - ref) <= Decimal("1e-15") * scale


def test_ghk_zero_voltage_exact_limit():
    for z in (1, 2, -1):
        got = ph.ghk_current(0.0, 12.0, 140.0, P=1e-6, z=z)
        assert got == 1e-6 * z * kc.FARADAY * (12.0 - 140.0)
        assert ph.ghk_driving(0.0, 12.0, 140.0, z=z) == 12.0 - 140.0
        # continuous through 0 (no nudging): relative change ~ x/2
        near = ph.ghk_current(1e-9, 12.0, 140.0, P=1e-6, z=z)
        assert near == pytest.approx(got, rel=1e-10)


@pytest.mark.parametrize("z, co, ci, tol", [
    (1, 5.4, 140.0, 1e-14), (1, 140.0, 10.0, 1e-14), (-1, 120.0, 10.0, 1e-14),
    # E_Ca = +132 mV, x = 9.9: both terms are computed without cancellation
    (2, 2.0, 1e-4, 1e-14)])
def test_nernst_is_zero_current(z, co, ci, tol):
    e = ph.nernst(co, ci, z=z, temperature=37.0)
    d = ph.ghk_driving(e, ci, co, z=z, temperature=37.0)
    x = z * e / kc.thermal_voltage(37.0)
    scale = ci * x / -np.expm1(-x)
    assert abs(d) <= tol * abs(scale)
    assert ph.ghk_driving(e + 1.0, ci, co, z=z) * z > 0  # outward above E (cations)
    # independent Nernst: (RT/zF) ln(co/ci) in Decimal
    ref = (1000 * R * (Decimal(37) + Decimal("273.15")) / (z * F)
           * (Decimal(repr(co)) / Decimal(repr(ci))).ln())
    assert abs(Decimal(repr(e)) - ref) <= Decimal("1e-13") * abs(ref)


def test_ghk_voltage_zero_net_current():
    P_K, P_Na, P_Cl = 1e-6, 4e-8, 2e-7  # cm/s
    conc = dict(K_o=5.4, K_i=140.0, Na_o=140.0, Na_i=10.0, Cl_o=120.0, Cl_i=10.0)
    v = ph.ghk_voltage(P_K=P_K, P_Na=P_Na, P_Cl=P_Cl, **conc)
    parts = [ph.ghk_current(v, conc["K_i"], conc["K_o"], P=P_K),
             ph.ghk_current(v, conc["Na_i"], conc["Na_o"], P=P_Na),
             ph.ghk_current(v, conc["Cl_i"], conc["Cl_o"], P=P_Cl, z=-1)]
    assert abs(sum(parts)) <= 1e-13 * sum(abs(p) for p in parts)
    assert -90 < v < -50
    # vectorised over K_o, and with K+ alone it is the Nernst potential
    vs = ph.ghk_voltage(P_K=1.0, P_Na=0.0, K_o=[5.4, 20.0], K_i=140.0, Na_o=140.0, Na_i=10.0)
    assert vs == pytest.approx(ph.nernst(np.array([5.4, 20.0]), 140.0), rel=1e-14)


def test_speciation_and_free_mg_vectorised():
    mg = np.array([0.1, 0.5, 2.0])
    s = ph.mg_speciation(mg, 5.0, 0.5, pH=7.2, K=140.0)
    assert isinstance(s, ph.Speciation) and s.MgATP.shape == (3,)
    assert np.all(np.diff(s.MgATP) > 0) and np.all(np.diff(s.ATP4) < 0)
    one = ph.mg_speciation(0.5, 5.0, 0.5)
    assert isinstance(one.MgATP, float) and one.MgATP == s.MgATP[1]
    lv = ph.mg_speciation(0.5, 5.0, 0.5, constants="lawson_veech")
    assert lv.MgATP > one.MgATP
    free = ph.free_mg(np.array([1.0, 5.0, 15.0]), 5.0, 0.5)
    back = ph.mg_speciation(free, 5.0, 0.5)
    assert np.all(free > 0) and np.all(back.MgATP <= 5.0)
    assert ph.free_mg(5.0, 5.0, 0.5, Pi=5.0) < ph.free_mg(5.0, 5.0, 0.5)


def test_surface_and_shift():
    s = ph.surface_potential(monovalent=150.0, Ca=2.0, Mg=[0.5, 10.0])
    assert s.shape == (2,) and s[1] > s[0] and np.all(s < 0)
    sh = ph.gating_shift(monovalent=150.0, Ca=2.0, Mg=10.0, monovalent_ref=150.0, Ca_ref=2.0,
                         Mg_ref=0.5, sigma=-1 / 120)
    assert sh == pytest.approx(s[1] - s[0], rel=1e-13)
    # the wrapper gives the kernel's value, and the +12.3 mV (within 0.3) that
    # tests/kernels/test_surface.py::test_mg_shift_12_3_mV derives from the Grahame equation
    assert sh == pytest.approx(sf.gating_shift(150.0, 2.0, 10.0, -1 / 120, 37.0, 150.0, 2.0, 0.5),
                               rel=0, abs=1e-12)
    assert abs(sh - 12.3) <= 0.3
    bound = ph.surface_potential(monovalent=150.0, Ca=2.0, Mg=1.0, K_Ca=0.05, K_Mg=0.02)
    assert bound > ph.surface_potential(monovalent=150.0, Ca=2.0, Mg=1.0)
    assert ph.woodhull_block(-80.0, 1.0, K0=5.0, delta=0.4) < ph.woodhull_block(
        0.0, 1.0, K0=5.0, delta=0.4) < 1.0


def test_nak_pump_outputs_and_stoichiometry():
    kw = dict(Na_i=10.0, Na_o=140.0, K_i=140.0, K_o=5.4, MgATP=5.0, MgADP=0.05, Pi=1.9,
              pH=7.0, temperature=37.0)
    v = np.linspace(-100.0, 40.0, 15)
    out = ph.nak_pump(v, amplitude=350.0, **kw)
    ref = np.array([nk.nak_cycle_rate(x, 10.0, 140.0, 140.0, 5.4, 5.0, 0.05, 1.9, 1e-4, 37.0)
                    for x in v])
    assert np.array_equal(out.rate, ref)
    assert np.array_equal(out.current, 350.0 * out.rate)
    assert np.array_equal(out.I_Na, 3.0 * out.current)  # exactly 3 Na+ out ...
    assert np.array_equal(out.I_K, -2.0 * out.current)  # ... and 2 K+ in per cycle
    assert out.I_Na + out.I_K == pytest.approx(out.current, rel=1e-15)  # net: 1 charge out
    assert np.array_equal(out.Na_efflux, 3.0 * out.rate)
    assert np.array_equal(out.K_influx, 2.0 * out.rate)
    assert np.array_equal(out.ATP_use, out.rate)
    assert np.all(np.diff(out.current) > 0)
    for p in ("himeno2015", "pan2019"):
        assert ph.nak_pump(-60.0, parameters=p, **kw).rate > 0
    zero = ph.nak_pump(-60.0, **dict(kw, MgATP=0.0, MgADP=0.0))
    assert zero.rate == 0.0 and zero.current == 0.0


@pytest.mark.parametrize("call, match", [
    (lambda: ph.nernst(0.0, 140.0), "c_out = 0.0 mM"),
    (lambda: ph.nernst(5.4, 140.0, z=0), "valence"),
    (lambda: ph.nernst(5.4, 140.0, z="2"), "valence"),
    (lambda: ph.nernst(5.4, 140.0, z=True), "valence"),
    (lambda: ph.ghk_current(-70.0, -1.0, 5.0, P=1e-6), "c_in .* mM"),
    (lambda: ph.ghk_current(np.nan, 1.0, 5.0, P=1e-6), "V = nan mV"),
    (lambda: ph.mg_speciation(-1.0, 5.0, 0.5), "Mg_free .* mM"),
    (lambda: ph.mg_speciation(0.5, 5.0, 0.5, pH=20.0), "pH"),
    (lambda: ph.mg_speciation(0.5, 5.0, 0.5, constants="x"), "constants"),
    (lambda: ph.surface_potential(monovalent=-1.0, Ca=2.0, Mg=1.0), "monovalent"),
    (lambda: ph.surface_potential(monovalent=0.0, Ca=0.0, Mg=0.0), "screening"),
    (lambda: ph.nak_pump(0.0, Na_i=10, Na_o=140, K_i=140, K_o=-5, MgATP=5), "K_o"),
    (lambda: ph.nak_pump(0.0, Na_i=10, Na_o=140, K_i=140, K_o=5, MgATP=5, parameters="x"),
     "parameters"),
    (lambda: ph.woodhull_block(0.0, 1.0, K0=0.0, delta=0.4), "K0"),
    # not real numbers (float() or NumPy's cast took "140" and True before)
    (lambda: ph.nernst("140", 5.0), r"c_out = '140' must be real numbers .*, in \(0, inf\) mM"),
    (lambda: ph.ghk_current(True, 1.0, 5.0, P=1e-6), r"V = True must be real numbers"),
    (lambda: ph.ghk_current([-70.0, 1j], 1.0, 5.0, P=1e-6), r"V = .* must be real numbers"),
    (lambda: ph.mg_speciation(0.5, 5.0, 0.5, pH=20.0), r"pH = 20.0 \(dimensionless\)"),
    # a temperature in kelvin (ran silently: Nernst K+ -163.6 mV instead of -87.0)
    (lambda: ph.nernst(5.4, 140.0, 1, 310.15),
     r"temperature = 310.15 C .*\(-273.15, 100\] C.* looks like kelvin: 37 C"),
    (lambda: ph.ghk_current(-70.0, 140.0, 5.4, P=1e-6, temperature=[37.0, 310.0]), "kelvin"),
    (lambda: ph.woodhull_block(-70.0, 1.0, K0=1.0, delta=0.4, temperature=298.15), "kelvin"),
    (lambda: ph.nak_pump(0.0, Na_i=10, Na_o=140, K_i=140, K_o=5, MgATP=5, temperature=310.0),
     "kelvin"),
])
def test_validation_messages(call, match):
    with pytest.raises(ValueError, match=match):
        call()


_BATH = dict(monovalent=150.0, Ca=2.0, Mg=1.0)
_GHK = dict(K_o=5.4, K_i=140.0, Na_o=140.0, Na_i=10.0, P_Na=0.04)


@pytest.mark.parametrize("call, match", [
    # the reference bath's errors named the bath's arguments (monovalent, Ca, Mg)
    (lambda: ph.gating_shift(**_BATH, monovalent_ref=-1.0, Ca_ref=2.0, Mg_ref=1.0),
     r"^monovalent_ref = -1.0 mM is outside its valid range \[0, inf\) mM"),
    (lambda: ph.gating_shift(**_BATH, monovalent_ref=150.0, Ca_ref=np.nan, Mg_ref=1.0),
     r"^Ca_ref = nan mM"),
    (lambda: ph.gating_shift(**_BATH, monovalent_ref=0.0, Ca_ref=0.0, Mg_ref=0.0),
     r"^monovalent_ref \+ Ca_ref \+ Mg_ref must be > 0 mM"),
    # ghk_voltage did not say which side is empty
    (lambda: ph.ghk_voltage(**dict(_GHK, K_o=0.0, Na_o=0.0)),
     r"P_K K_o \+ P_Na Na_o \+ P_Cl Cl_i = 0"),
    (lambda: ph.ghk_voltage(**dict(_GHK, K_i=0.0, Na_i=0.0)),
     r"P_K K_i \+ P_Na Na_i \+ P_Cl Cl_o = 0"),
    # below absolute zero, NaN or a string: the range said (-273.15, inf) C
    (lambda: ph.nernst(5.4, 140.0, temperature=-300.0),
     r"temperature = -300.0 C is outside its valid range \(-273.15, 100\] C"),
    (lambda: ph.nernst(5.4, 140.0, temperature=np.inf),
     r"temperature = inf C is outside its valid range \(-273.15, 100\] C"),
    (lambda: ph.nernst(5.4, 140.0, temperature="37"),
     r"temperature = '37' must be real numbers .*, in \(-273.15, 100\] C"),
], ids=["monovalent_ref", "Ca_ref", "empty_ref", "ghk_outside", "ghk_inside",
        "below_absolute_zero", "infinite_temperature", "string_temperature"])
def test_messages_name_the_argument_and_its_range(call, match):
    """Review of physiology.py: error messages name the argument given and its whole range."""
    with pytest.raises(ValueError, match=match):
        call()


def test_woodhull_without_blocker_is_unblocked_at_any_voltage():
    """Mg_o = 0: the unblocked fraction is exactly 1, also at -10 V where K_D(V) underflows to 0
    (it was 0/0 = NaN with a RuntimeWarning); with Mg2+ present the block is unchanged."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = ph.woodhull_block([-1e4, -70.0, 0.0, 1e4], 0.0, K0=1.0, delta=1.0)
    assert np.array_equal(got, [1.0, 1.0, 1.0, 1.0])
    # 1 mM at 0 mV with K0 = 1 mM: half blocked, by hand
    assert ph.woodhull_block(0.0, 1.0, K0=1.0, delta=1.0) == 0.5


def test_woodhull_limits_at_volts():
    """With 1 mM Mg2+ the fraction reaches its limits without a warning: fully blocked at -10 V
    (K_D -> 0), unblocked at +10 V (K_D -> infinity)."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = ph.woodhull_block([-1e4, 1e4], 1.0, K0=1.0, delta=1.0)
    assert np.array_equal(got, [0.0, 1.0])
