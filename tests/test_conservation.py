"""Charge conservation: C dV = -integral(I dt) = sum q z dc, through the real engine.

The test cell (biophys.kernels.models._conservation_demo, built here) carries every membrane
current on a tracked ion (GHK Na+ and K+ leaks and the Na+/K+-ATPase), so both identities must
hold to rounding for every integration method when the ions share V's quasi-linear B. Negative
controls show that the check fails when a current is left out or when the discretisation of
the ions differs from that of V.
"""

import math

import pytest

from biophys.conservation import check_conservation, conservation_demo_model
from biophys.kernels.ion_balance import (
    charge_per_mM_density,
    charge_per_mM_pA,
    dconc_dt,
    dconc_dt_pA,
    quasi_linear_like,
    rapid_buffer_factor,
)

F = 96485.33212
MODEL = conservation_demo_model()
Q = charge_per_mM_density(1.0, 0.1)  # area 1 um^2, volume 0.1 um^3 (model defaults)
IONS = [("Na_i", 1, Q), ("K_i", 1, Q)]
CURRENTS = ["I_Na", "I_K", "I_NaK"]


def run(method, mode, currents=CURRENTS, **kw):
    return check_conservation(MODEL, currents=currents, capacitance="C_m", ions=IONS,
                              params={"B_mode": mode}, initial={"V": -20.0}, t_end=20.0,
                              dt=0.01, method=method, **kw)


@pytest.mark.parametrize("method", ["rl1", "rl2"])
@pytest.mark.parametrize("mode", [0, 1])
def test_exact_conservation(method, mode):
    r = run(method, mode)
    assert abs(r.charge_membrane) > 40.0  # V relaxes from -20 mV by ~50 mV: a real test
    assert r.error_currents < 1e-12, str(r)
    assert r.error_ions < 1e-9, str(r)
    assert r.ok(1e-9)
    # the plain trapezoid rule of the recorded currents is only first/second order
    trap = abs(r.charge_currents_trapezoid - r.charge_membrane) / abs(r.charge_membrane)
    assert 0 < trap < 1e-2


@pytest.mark.parametrize("method, floor", [("rl1", 1e-3), ("rl2", 1e-6)])
def test_check_detects_inconsistent_discretisation(method, floor):
    """B_mode 2 steps V exponentially but the ions by Euler: charge leaks at O(dt^order)."""
    r = run(method, 2)
    assert r.error_currents < 1e-12
    assert r.error_ions > floor
    assert not r.ok(1e-9)


def test_check_detects_missing_current():
    r = run("rl2", 0, currents=["I_Na", "I_K"])  # the pump current left out
    assert r.error_currents > 1e-4
    assert not r.ok()


def test_hh1952_membrane_identity():
    """Any model: HH 1952 (exponential V update, no ions tracked) satisfies identity (1)."""
    r = check_conservation("hh1952", currents=["I_Na", "I_K", "I_L"], capacitance="C_m",
                           initial={"V": -50.0}, t_end=10.0, dt=0.01)
    assert abs(r.charge_membrane) > 10.0
    assert r.error_currents < 1e-11, str(r)
    assert math.isnan(r.error_ions) and r.ok()


def test_argument_errors():
    with pytest.raises(ValueError, match="not an output"):
        check_conservation(MODEL, currents=["I_X"], capacitance="C_m")
    with pytest.raises(ValueError, match="capacitance"):
        check_conservation(MODEL, currents=CURRENTS, capacitance=-1.0)


def test_ion_balance_units():
    """1 uA/cm^2 on 1 um^2 into 1 um^3 = 1e-14 A into 1e-15 L: 1e-14/(F 1e-15) M/s."""
    ref = -1e-14 / (F * 1e-15) / 1e3 * 1e3  # mol/L/s -> mM/ms: x 1e3 (mM) / 1e3 (ms)
    assert dconc_dt(1.0, 1.0, 1.0, 1.0, 1.0) == pytest.approx(ref, rel=1e-14)
    # 1 pA into 764 fL (Cha et al. 2011 cytosol): 1e-12/(F 764e-15) M/s
    ref_pa = -1e-12 / (F * 764e-15)  # mol/L/s == mM/ms
    assert dconc_dt_pA(1.0, 1.0, 764.0, 1.0) == pytest.approx(ref_pa, rel=1e-14)
    assert dconc_dt_pA(2.0, 2.0, 764.0, 0.01) == pytest.approx(0.01 * ref_pa, rel=1e-14)
    # charge per mM: integral of I dt that moves 1 mM of a monovalent ion
    assert charge_per_mM_density(2.0, 3.0) * dconc_dt(1.0, 1.0, 2.0, 3.0, 1.0) == \
        pytest.approx(-1.0, rel=1e-14)
    assert charge_per_mM_pA(764.0) * dconc_dt_pA(1.0, 1.0, 764.0, 1.0) == \
        pytest.approx(-1.0, rel=1e-14)
    a, b = quasi_linear_like(2.5, 3.0, 0.7)
    assert a - b * 3.0 == pytest.approx(2.5, rel=1e-15) and b == 0.7
    # rapid buffer: 1/(1 + B K/(K + c)^2)
    assert rapid_buffer_factor(0.1e-3, 0.1, 1e-3) == pytest.approx(
        1 / (1 + 0.1 * 1e-3 / (1.1e-3) ** 2), rel=1e-14)
