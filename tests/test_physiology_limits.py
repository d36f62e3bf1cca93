"""biophys.physiology at the edges of its inputs: concentration ratios beyond the double range,
the "looks like kelvin" hint, and the cause named when the pump's cycle rate is not finite.

References are computed here in 60-digit decimal arithmetic from the defining formulas, with
R and F as kernels/constants.py truncates them (CODATA 2018; asserted equal below).
"""

import warnings
from decimal import Decimal, localcontext

import numpy as np
import pytest

from biophys import physiology as ph
from biophys.kernels import constants as kc

R, F = Decimal("8.314462618"), Decimal("96485.33212")


def nernst_decimal(num, den, z, T_C):
    """(RT/zF) ln(num/den) in mV; ``num``, ``den`` exact decimals of doubles (or sums)."""
    assert (kc.GAS_CONSTANT, kc.FARADAY) == (float(R), float(F))
    with localcontext() as ctx:
        ctx.prec = 60
        rt_f = R * (Decimal(repr(T_C)) + Decimal("273.15")) / F * 1000
        return float(rt_f / z * (Decimal(num) / Decimal(den)).ln())


@pytest.mark.parametrize("co, ci, z", [
    (1e308, 1e-308, 1),                      # ratio 1e616 overflows: was inf
    (1e-308, 1e308, 1),                      # ratio underflows to 0: was -inf
    (5e-324, 1.7976931348623157e308, -1),    # smallest over largest double
    (1e300, 1e-300, 2),
    (2.5e-200, 3e150, 1),                    # 8.3e-351: below the subnormals
    (1e-300, 3e20, 1),                       # deep subnormal ratio: was 6 digits good
])
def test_nernst_of_ratios_beyond_the_double_range(co, ci, z):
    ref = nernst_decimal(co, ci, z, 37.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow / divide-by-zero RuntimeWarning
        got = ph.nernst(co, ci, z=z, temperature=37.0)
    assert got == pytest.approx(ref, rel=4e-15, abs=0)


def test_nernst_arrays_mix_ordinary_and_extreme_ratios():
    co = np.array([5.4, 1e308, 140.0])
    ci = np.array([140.0, 1e-308, 1e-320])
    got = ph.nernst(co, ci, z=np.array([1, 1, 2]), temperature=20.0)
    ref = [nernst_decimal(o, i, z, 20.0) for o, i, z in zip(co, ci, (1, 1, 2), strict=True)]
    np.testing.assert_allclose(got, ref, rtol=4e-15, atol=0)


@pytest.mark.parametrize("kw", [
    # P_K K_o = 1e600 overflows a double: was +inf
    dict(P_K=1e300, K_o=1e300, K_i=1.0, Na_o=0.0, Na_i=0.0, P_Na=0.0),
    # every product underflows to 0: was "no permeant ion is present on that side"
    dict(P_K=1e-200, K_o=1e-200, K_i=3e-200, Na_o=0.0, Na_i=0.0, P_Na=0.0),
    # both sums overflow, their ratio is ordinary: was inf/inf = nan
    dict(P_K=1e200, K_o=5.4e200, K_i=140e200, Na_o=140e200, Na_i=10e200, P_Na=5e198),
    # mixed: one ordinary term, one 1e-400 term (negligible), ratio 1e-300 * 1e-100
    dict(P_K=1.0, K_o=1e-300, K_i=1e100, Na_o=1e-200, Na_i=0.0, P_Na=1e-200),
])
def test_ghk_voltage_without_overflow_of_products_or_sums(kw):
    full = dict(dict(Cl_o=0.0, Cl_i=0.0, P_Cl=0.0), **kw)
    with localcontext() as ctx:
        ctx.prec = 60
        d = {k: Decimal(v) for k, v in full.items()}
        num = d["P_K"] * d["K_o"] + d["P_Na"] * d["Na_o"] + d["P_Cl"] * d["Cl_i"]
        den = d["P_K"] * d["K_i"] + d["P_Na"] * d["Na_i"] + d["P_Cl"] * d["Cl_o"]
    ref = nernst_decimal(num, den, 1, 37.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = ph.ghk_voltage(**full, temperature=37.0)
    assert got == pytest.approx(ref, rel=4e-15, abs=0)


def test_kelvin_hint_only_for_the_liquid_water_range_in_kelvin():
    """The hint is for 273.15-373.15 only: 150 "looked like kelvin: -123.15 C", 1e6 like
    "999727 C"."""
    for T, celsius in ((150.0, None), (1e6, None), (272.0, None), (374.0, None),
                       ([37.0, 150.0], None), (273.15, "0"), (310.15, "37"), (373.15, "100"),
                       ([150.0, 310.15], "37")):
        with pytest.raises(ValueError, match=r"outside its valid range \(-273.15, 100\] C") as e:
            ph.nernst(5.4, 140.0, 1, T)
        if celsius is None:
            assert "kelvin" not in str(e.value), T
        else:
            assert str(e.value).endswith(f"looks like kelvin: {celsius} C)"), T


PUMP = dict(Na_i=10.0, Na_o=140.0, K_i=140.0, K_o=5.4, MgATP=5.0)


def test_nak_pump_voltage_range():
    """V = 1e5 mV was reported as "0/0 ... with no Na_i to bind" (exp overflow in Kd(V)).
    [-1000, 1000] mV is accepted whole from 0 to 100 C."""
    for V, bad in ((1e5, 1e5), (-1e5, -1e5), (1000.5, 1000.5),
                   (np.array([-60.0, 2000.0]), 2000.0)):
        with pytest.raises(ValueError, match=rf"^V = {bad!r} mV is outside its valid range "
                                             r"\[-1000, 1000\] mV$"):
            ph.nak_pump(V, **PUMP)
    for p in ph.PUMP_PARAMETERS:
        for T in (0.0, 37.0, 100.0):
            r = ph.nak_pump(np.array([-1000.0, 1000.0]), **PUMP, temperature=T, parameters=p).rate
            assert np.all(np.isfinite(r)) and np.all(r > 0)


def test_nak_pump_overflow_names_voltage_and_temperature_not_concentrations():
    """Near absolute zero FV/RT overflows inside the range; MgADP = Pi = 0 (the defaults) are
    not to blame: the rate is finite at V = 0 with the same concentrations."""
    with pytest.raises(ValueError, match=r"not finite at V = -1000 mV and temperature = -260 C: "
                                         r"the exponentials of FV/RT = -882\.5 ") as e:
        ph.nak_pump(-1000.0, **PUMP, temperature=-260.0)
    assert "Na_i" not in str(e.value) and "0/0" not in str(e.value)


def test_nak_pump_zero_concentrations_are_named():
    with pytest.raises(ValueError, match=r"0/0 at Na_i = 10, Na_o = 140, K_i = 140, K_o = 0 mM: "
                                         r"with K_o, MgATP, MgADP, Pi all 0 mM"):
        ph.nak_pump(-60.0, **dict(PUMP, K_o=0.0, MgATP=0.0))
