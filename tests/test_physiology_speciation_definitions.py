"""Definitions of biophys.physiology, kernels/speciation.py and kernels/surface.py that the other
tests left open (mutation review): input ranges and their messages, the 25 C and Lawson-Veech
constant sets, phosphate in the Mg2+ mass balance, the binding polynomial and the derivative
of bound Mg2+, the reference bath of the gating shift, specific binding, Woodhull defaults.

Every expected value is computed here independently of the code under test: the dissociation
constants are written out again from the cited source (Beard & Qian 2008 Table 5.6 at 25 C
and 38 C, and the Lawson & Veech 1979 set, as transcribed in
mkelb99/PHYSIOL-520/Analyze_Lawson_Veech.py), mass balances are solved with scipy's brentq,
and the Grahame equation is solved by bisection in 50-digit ``decimal`` arithmetic.
"""

import math
from decimal import Decimal, getcontext
from fractions import Fraction

import pytest
from scipy.optimize import brentq

from biophys import physiology as ph
from biophys.kernels import nak_pump as nk
from biophys.kernels import speciation as sp

# CODATA 2018 values (the ones biophys.kernels.constants documents), written out again.
R = 8.314462618  # J/(mol K)
F = 96485.33212  # C/mol
E_CHARGE = 1.602176634e-19  # C
EPS0 = 8.8541878128e-12  # F/m


def vt(t_c):
    """RT/F, mV."""
    return 1e3 * R * (t_c + 273.15) / F


# --------------------------------------------------------------------------------------------
# public names and input checks
# --------------------------------------------------------------------------------------------

def test_public_names():
    assert set(ph.__all__) == {
        "nernst", "ghk_current", "ghk_driving", "ghk_voltage", "mg_speciation", "free_mg",
        "surface_potential", "gating_shift", "woodhull_block", "nak_pump", "Speciation",
        "NaKPump", "DEFAULT_SIGMA", "SPECIATION_CONSTANTS", "PUMP_PARAMETERS"}
    assert all(hasattr(ph, n) for n in ph.__all__)


@pytest.mark.parametrize("call, message", [
    (lambda: ph.nernst(5.4, 0.0), r"c_in = 0.0 mM is outside its valid range \(0, inf\) mM"),
    (lambda: ph.nernst(5.4, 140.0, temperature=-300.0),
     r"temperature = -300.0 C is outside its valid range \(-273.15, "),
    (lambda: ph.ghk_current(-70.0, 140.0, 5.4, P=-1e-6),
     r"P = -1e-06 cm/s is outside its valid range \[0, inf\) cm/s"),
    (lambda: ph.ghk_voltage(K_o=5.4, K_i=140.0, Na_o=140.0, Na_i=10.0, P_Na=-0.04),
     r"P_Na = -0.04 \(permeability, any common unit\) is outside its valid range \[0, inf\)"),
    (lambda: ph.ghk_voltage(K_o=0.0, K_i=140.0, Na_o=0.0, Na_i=10.0, P_Na=0.04),
     r"ghk_voltage needs a positive permeability-weighted concentration"),
    (lambda: ph.free_mg(-1.0, 5.0, 0.5), r"Mg_total = -1.0 mM is outside its valid range \[0"),
    (lambda: ph.surface_potential(monovalent=150.0, Ca=2.0, Mg=1.0, temperature=310.15),
     r"temperature = 310.15 C is outside its valid range \[0, 100\] C"),
    (lambda: ph.woodhull_block(-70.0, 1.0, K0=5.0, delta=1.5),
     r"delta = 1.5 \(dimensionless\) is outside its valid range \[0, 1\]"),
], ids=["c_in_zero", "below_absolute_zero", "negative_P", "negative_P_Na", "no_ion_outside",
        "negative_Mg_total", "surface_kelvin", "delta_above_1"])
def test_out_of_range_input_is_refused(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_closed_range_ends_are_accepted():
    """pH 0 and 14 and delta = 1 are inside their closed ranges (values from the formulas)."""
    # pH 14: H+ = 1e-14 M; a lone ATP ligand with Beard & Qian 38 C constants
    kh, kmg, kmgh, kk = 3.6199e-7, 1.4287e-4, 0.039516, 0.12765
    h, mg, k = 1e-14, 0.5e-3, 0.14
    p = 1 + h / kh + mg / kmg + h * mg / (kh * kmgh) + k / kk
    s = ph.mg_speciation(0.5, 5.0, 0.0, pH=14.0, K=140.0)
    assert s.MgATP == pytest.approx(5.0 * (mg / kmg) / p, rel=1e-13)
    assert ph.mg_speciation(0.5, 5.0, 0.0, pH=0.0).MgATP > 0.0
    # delta = 1: K_D = K0 exp(2 F V / RT)
    kd = 5.0 * math.exp(2 * -40.0 / vt(37.0))
    assert ph.woodhull_block(-40.0, 1.0, K0=5.0, delta=1.0) == pytest.approx(
        1 / (1 + 1.0 / kd), rel=1e-12)


def test_ghk_voltage_with_only_chloride_outside_in_the_numerator():
    """K_o = Na_o = 0 is a valid bath when Cl- permeates: the numerator is P_Cl Cl_i."""
    v = ph.ghk_voltage(K_o=0.0, K_i=140.0, Na_o=0.0, Na_i=10.0, Cl_o=0.0, Cl_i=10.0,
                       P_K=1.0, P_Na=0.04, P_Cl=0.5)
    assert v == pytest.approx(vt(37.0) * math.log(0.5 * 10.0 / (140.0 + 0.04 * 10.0)),
                              rel=1e-13)


# --------------------------------------------------------------------------------------------
# speciation: constant sets, phosphate, binding polynomial, derivative of bound Mg2+
# --------------------------------------------------------------------------------------------

# (K_H, K_Mg, K_MgH, K_K) in M for ATP, ADP, and (K_H, K_Mg, K_K) for Pi
SETS = {
    "beard_qian_38C": dict(ATP=(3.6199e-7, 1.4287e-4, 0.039516, 0.12765),
                           ADP=(5.0335e-7, 1.0357e-3, 0.084579, 0.16312),
                           Pi=(2.4851e-7, 0.024585, 0.4382)),
    "beard_qian_25C": dict(ATP=(3.6894e-7, 1.879e-4, 0.051933, 0.12793),
                           ADP=(5.149e-7, 1.3045e-3, 0.10162, 0.16133),
                           Pi=(2.2829e-7, 0.028442, 0.43499)),
    "lawson_veech": dict(ATP=(1.08e-7, 7.19e-5, 0.0282, math.inf),
                         ADP=(1.20e-7, 7.58e-4, 0.0309, math.inf),
                         Pi=(1.76e-7, 0.0107, math.inf)),
}


def test_constant_sets_as_published():
    for name, c in SETS.items():
        flat = (*c["ATP"], *c["ADP"], *c["Pi"])
        assert tuple(ph.SPECIATION_CONSTANTS[name]) == flat, name


def _mg_bound(mg_mM, total_mM, pH, k_mM, consts):
    """Mg-bound part (Mg.X + MgH.X) of one ligand, mM, from the binding polynomial in M."""
    kh, kmg = consts[0], consts[1]
    kmgh = consts[2] if len(consts) == 4 else math.inf
    kk = consts[-1]
    h, mg, k = 10.0 ** -pH, mg_mM * 1e-3, k_mM * 1e-3
    bound = mg / kmg + h * mg / (kh * kmgh)
    return total_mM * bound / (1 + h / kh + k / kk + bound)


@pytest.mark.parametrize("name", list(SETS))
def test_mg_speciation_each_constant_set(name):
    c = SETS[name]
    mg, atp, adp, pH, k = 0.7, 4.0, 0.6, 7.1, 130.0
    h, m, kk = 10.0 ** -pH, mg * 1e-3, k * 1e-3
    got = ph.mg_speciation(mg, atp, adp, pH=pH, K=k, constants=name)
    for total, (kh, kmg, kmgh, k_k), mg_x, free_x in ((atp, c["ATP"], got.MgATP, got.ATP4),
                                                     (adp, c["ADP"], got.MgADP, got.ADP3)):
        p = 1 + h / kh + m / kmg + h * m / (kh * kmgh) + kk / k_k
        assert free_x == pytest.approx(total / p, rel=1e-13)
        assert mg_x == pytest.approx(total * (m / kmg) / p, rel=1e-13)


@pytest.mark.parametrize("name", list(SETS))
def test_free_mg_with_phosphate_against_brentq(name):
    """Total Mg2+ = free + bound to ATP, ADP and Pi (Pi: H+, Mg2+ and K+ binding)."""
    c = SETS[name]
    atp, adp, pi, pH, k = 5.0, 0.5, 10.0, 7.2, 140.0
    for total in (0.3, 2.0, 8.0):
        def balance(mg, t=total):
            return (mg + _mg_bound(mg, atp, pH, k, c["ATP"]) + _mg_bound(mg, adp, pH, k, c["ADP"])
                    + _mg_bound(mg, pi, pH, k, c["Pi"]) - t)
        ref = brentq(balance, 0.0, total, xtol=1e-300, rtol=1e-15)
        got = ph.free_mg(total, atp, adp, pH=pH, K=k, Pi=pi, constants=name)
        assert got == pytest.approx(ref, rel=1e-12)


def test_free_mg_default_is_pH_7_2_and_140_mM_K():
    c = SETS["beard_qian_38C"]

    def balance(mg):
        return (mg + _mg_bound(mg, 5.0, 7.2, 140.0, c["ATP"])
                + _mg_bound(mg, 0.5, 7.2, 140.0, c["ADP"]) - 3.0)

    ref = brentq(balance, 0.0, 3.0, xtol=1e-300, rtol=1e-15)
    assert ph.free_mg(3.0, 5.0, 0.5) == pytest.approx(ref, rel=1e-12)


def test_binding_polynomial_terms():
    """P = 1 + H/K_H + Mg/K_Mg + H Mg/(K_H K_MgH) + K/K_K, checked in exact rationals."""
    mg, h, k, kh, kmg, kmgh, kk = 2, 3, 5, 7, 11, 13, 17
    exact = 1 + Fraction(h, kh) + Fraction(mg, kmg) + Fraction(h * mg, kh * kmgh) + Fraction(k, kk)
    got = sp.binding_polynomial(float(mg), float(h), float(k), float(kh), float(kmg),
                                float(kmgh), float(kk))
    assert got == pytest.approx(float(exact), rel=1e-15)


def test_bound_mg_and_its_derivative():
    """bound = sum T a Mg / (p0 + a Mg), d(bound)/dMg = sum T a p0 / (p0 + a Mg)^2, with
    p0 = 1 + H/K_H + K/K_K and a = 1/K_Mg + H/(K_H K_MgH), all in mM."""
    c = SETS["beard_qian_38C"]
    mg, totals, pH, k = 0.8, (5.0, 0.5, 3.0), 7.0, 140.0
    h = 10.0 ** (3 - pH)
    bound = dbound = 0.0
    for tot, consts in zip(totals, (c["ATP"], c["ADP"], c["Pi"]), strict=True):
        kh, kmg = 1e3 * consts[0], 1e3 * consts[1]
        kmgh = 1e3 * consts[2] if len(consts) == 4 else math.inf
        kk = 1e3 * consts[-1]
        p0 = 1 + h / kh + k / kk
        a = 1 / kmg + h / (kh * kmgh)
        bound += tot * a * mg / (p0 + a * mg)
        dbound += tot * a * p0 / (p0 + a * mg) ** 2
    got_b, got_db = sp.bound_mg_with(mg, *totals, pH, k, sp.BEARD_QIAN_38C)
    assert got_b == pytest.approx(bound, rel=1e-13)
    assert got_db == pytest.approx(dbound, rel=1e-13)


# --------------------------------------------------------------------------------------------
# surface potential: Grahame equation solved in 50-digit decimal arithmetic
# --------------------------------------------------------------------------------------------

def eps_water(t):
    """Malmberg & Maryott (1956), t in C."""
    return 87.740 - 0.40008 * t + 9.398e-4 * t ** 2 - 1.410e-6 * t ** 3


def grahame_mV(sigma, mono, ca, mg, t_c, k_ca=0.0, k_mg=0.0):
    """psi0 (mV): sigma_eff^2 = 2 eps eps0 RT sum c_i (exp(-z_i F psi0/RT) - 1), with
    sigma_eff = sigma / (1 + (K_Ca Ca + K_Mg Mg) exp(-2 F psi0/RT)) on a negative surface
    (binding neutralises negative sites only). Bisection on u = F|psi0|/RT in Decimal."""
    getcontext().prec = 50
    d = Decimal
    s = d(repr(sigma)) * d(repr(E_CHARGE)) * d(10) ** 20  # C/m^2
    rt = d(repr(R)) * (d(repr(t_c)) + d("273.15"))
    big_s = s * s / (2 * d(repr(eps_water(t_c))) * d(repr(EPS0)) * rt)  # mol/m^3 = mM
    c1, c2 = d(repr(mono)), d(repr(ca)) + d(repr(mg))
    c_an = c1 + 2 * c2
    b = d(repr(k_ca)) * d(repr(ca)) + d(repr(k_mg)) * d(repr(mg)) if sigma < 0 else d(0)
    sgn = -1 if sigma < 0 else 1  # psi0 has the sign of sigma; u = F |psi0| / RT

    def resid(u):  # increasing in u, negative at 0
        x = sgn * u  # F psi0 / RT
        screen = c1 * ((-x).exp() - 1) + c2 * ((-2 * x).exp() - 1) + c_an * (x.exp() - 1)
        return screen - big_s / (1 + b * (-2 * x).exp()) ** 2

    lo, hi = d(0), d(1)
    while resid(hi) < 0:
        hi *= 2
    for _ in range(110):
        mid = (lo + hi) / 2
        if resid(mid) < 0:
            lo = mid
        else:
            hi = mid
    return sgn * float((lo + hi) / 2 * rt / d(repr(F)) * 1000)


@pytest.mark.parametrize("mono, ca, mg, sigma, t_c, k_ca, k_mg", [
    (150.0, 2.0, 10.0, -1 / 120, 37.0, 0.1, 0.01),  # K_Ca and K_Mg differ, Ca != Mg
    (0.0, 0.0, 1.0, -1 / 120, 37.0, 0.0, 0.0),  # Mg2+ chloride alone screens
    (150.0, 2.0, 1.0, 1 / 120, 37.0, 0.0, 0.0),  # a positive surface
    (150.0, 2.0, 1.0, 1 / 120, 37.0, 0.1, 0.05),  # binding has no effect on it
    (20.0, 0.5, 0.0, -1 / 50, 100.0, 0.1, 0.0),  # binding, converged to rounding
])
def test_surface_potential_against_decimal_grahame(mono, ca, mg, sigma, t_c, k_ca, k_mg):
    got = ph.surface_potential(monovalent=mono, Ca=ca, Mg=mg, sigma=sigma, temperature=t_c,
                               K_Ca=k_ca, K_Mg=k_mg)
    assert got == pytest.approx(grahame_mV(sigma, mono, ca, mg, t_c, k_ca, k_mg), rel=1e-12)


def test_gating_shift_uses_the_reference_bath():
    """psi0(bath) - psi0(reference), the reference with its own salt and the same binding."""
    s = -1 / 120
    got = ph.gating_shift(monovalent=150.0, Ca=2.0, Mg=1.0, monovalent_ref=100.0, Ca_ref=2.0,
                          Mg_ref=1.0, sigma=s)
    ref = grahame_mV(s, 150.0, 2.0, 1.0, 37.0) - grahame_mV(s, 100.0, 2.0, 1.0, 37.0)
    assert got == pytest.approx(ref, rel=1e-10)
    got = ph.gating_shift(monovalent=150.0, Ca=10.0, Mg=1.0, monovalent_ref=150.0, Ca_ref=2.0,
                          Mg_ref=1.0, sigma=s, K_Ca=0.1)
    ref = grahame_mV(s, 150.0, 10.0, 1.0, 37.0, 0.1) - grahame_mV(s, 150.0, 2.0, 1.0, 37.0, 0.1)
    assert got == pytest.approx(ref, rel=1e-10)


# --------------------------------------------------------------------------------------------
# Woodhull block and the pump wrapper
# --------------------------------------------------------------------------------------------

def test_woodhull_default_valence_is_two():
    kd = 3.0 * math.exp(2 * 0.4 * -60.0 / vt(37.0))
    assert ph.woodhull_block(-60.0, 1.5, K0=3.0, delta=0.4) == pytest.approx(
        1 / (1 + 1.5 / kd), rel=1e-12)


def test_nak_pump_parameter_sets_and_amplitude():
    kw = dict(Na_i=10.0, Na_o=140.0, K_i=140.0, K_o=5.4, MgATP=5.0, MgADP=0.05, Pi=1.9,
              pH=7.0, temperature=37.0)
    args = (10.0, 140.0, 140.0, 5.4, 5.0, 0.05, 1.9, 1e-4, 37.0)
    him = ph.nak_pump(-60.0, parameters="himeno2015", **kw)
    assert him.rate == nk.nak_himeno_rate(-60.0, *args)
    assert him.rate != nk.nak_cycle_rate(-60.0, *args)
    # the currents are outward positive (tests/test_physiology.py::
    # test_nak_pump_outputs_and_stoichiometry); a negative amplitude would flip them all
    # against their documented sign: refused
    with pytest.raises(ValueError, match=r"amplitude = -350.0 .*\[0, inf\)"):
        ph.nak_pump(-60.0, amplitude=-350.0, **kw)
