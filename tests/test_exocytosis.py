"""Chen, Wang & Sherman 2008 granule exocytosis: voltage-clamp fusion against an in-test LSODA
solution of the published equations (Models/Chen08/fast.ode, steps.ode), pool bookkeeping and
read-outs of the ``chen_2008_exocytosis`` model.

The reference below is written independently of the kernels, in the published units (time s,
current fA, fluxes uM/s), from the XPP files.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.integrate import solve_ivp

import biophys as bp
from biophys.conservation import check_balance
from biophys.models.chen_2008_exocytosis import F_V_RTOL, MODEL, STEPS_ODE_PARAMS

NAME = "chen_2008_exocytosis"
DURATIONS_MS = (50.0, 100.0, 200.0, 500.0, 1000.0)
#: granules fused during -70 -> -20 mV steps from the files' initial pools, computed from the
#: published model file steps.ode (issue 4 / research notes 2.1; not numbers printed in the
#: paper); reproduced here by the in-test reference as well
FUSED_FROM_MODEL_FILE = (2.8, 12.2, 15.1, 15.6, 16.3)

# initial state of every Chen08 .ode file: Cmd, Ci, N1..N6, NF, NR, SE, cumulative fusion
Y0_FILE = np.array([0.0674, 0.06274, 14.71376, 0.612519, 0.0084499, 5.098857e-6, 24.539936,
                    218.017777, 0.003399, 0.50988575, 0.0, 0.0])


def chen_rhs(t, y, v, r1):
    """Chen 2008 right-hand side, per second (fast.ode with r1 as given)."""
    cmd, ci, n1, n2, n3, n4, n5, n6, nf, nr, se, cum = y
    i_l = 250.0 * (v - 25.0) / (1.0 + np.exp((-20.0 - v) / 5.0))  # fA
    j_l = 5.18e-15 * i_l / 4.2e-15
    j_r = 5.18e-15 * 0.25 * i_l / 1.15e-12
    removal = (41.0 * ci**2 / (0.27**2 + ci**2) + 21.0 * ci / (0.5 + ci)
               + 18.67 * (ci - 0.25) - 0.94)
    r2 = 0.006 * ci / (ci + 2.3)
    r3 = 1.205 * ci / (ci + 2.3)
    kc = 20.0 * cmd
    return [
        -0.01 * j_l - 0.01 * 200.0 * (cmd - ci),
        -0.01 * j_r + 0.00365 * 0.01 * 200.0 * (cmd - ci) - 0.01 * removal,
        -(3 * kc + 1.0) * n1 + 100.0 * n2 + r1 * n5,
        3 * kc * n1 - (2 * kc + 100.0) * n2 + 200.0 * n3,
        2 * kc * n2 - (200.0 + kc) * n3 + 300.0 * n4,
        kc * n3 - (300.0 + 2000.0) * n4,
        1.0 * n1 - (r1 + 0.001) * n5 + r2 * n6,
        r3 + 0.001 * n5 - (1e-4 + r2) * n6,
        2000.0 * n4 - 3.0 * nf,
        3.0 * nf - 0.02 * nr,
        0.02 * nr,
        2000.0 * n4,
    ]


def reference_fused(duration_ms, r1, hold_before_ms=0.0):
    """Granules fused during one -20 mV step, LSODA rtol 1e-10."""
    y = Y0_FILE.copy()
    opts = dict(method="LSODA", rtol=1e-10, atol=1e-12)
    if hold_before_ms > 0:
        y = solve_ivp(chen_rhs, (0, hold_before_ms / 1e3), y, args=(-70.0, r1), **opts).y[:, -1]
    sol = solve_ivp(chen_rhs, (0, duration_ms / 1e3), y, args=(-20.0, r1), **opts)
    return sol.y[-1, -1] - y[-1]


def simulated_fused(duration_ms, params=None, start=0.0, dt=None):
    ds = bp.simulate(NAME, t_end=start + duration_ms, dt=dt, params=params or {},
                     stimulus=bp.VoltageClamp(holding=-70.0, steps=[(-20.0, duration_ms)],
                                              start=start),
                     record=["fused_total", "V"])
    f = ds.fused_total.interp(time=[start, start + duration_ms]).values
    return float(f[1] - f[0])


@pytest.mark.parametrize("duration, from_file",
                         list(zip(DURATIONS_MS, FUSED_FROM_MODEL_FILE, strict=True)))
def test_voltage_clamp_fusion_steps_ode(duration, from_file):
    """steps.ode parameters (r1 = 0.06/s): 2.8, 12.2, 15.1, 15.6, 16.3 granules.

    The in-test LSODA reference gives 2.8327, 12.171, 15.109, 15.561, 16.282 and the model
    2.8318, 12.171, 15.111, 15.563, 16.284 (measured), within 1.2% of the published numbers;
    their rounding to one decimal allows 1.8% (0.05/2.8), so 2%.
    """
    ref = reference_fused(duration, r1=0.06)
    ours = simulated_fused(duration, params=STEPS_ODE_PARAMS)
    assert abs(ref / from_file - 1) < 0.02
    assert abs(ours / from_file - 1) < 0.02
    assert abs(ours / ref - 1) < 0.01  # the default dt is accurate to 1 %


@pytest.mark.parametrize("duration", DURATIONS_MS)
def test_voltage_clamp_fusion_default_parameters(duration):
    """Default (fast.ode, r1 = 0.6/s) against the reference; the step starts after 20 ms."""
    ref = reference_fused(duration, r1=0.6, hold_before_ms=20.0)
    ours = simulated_fused(duration, start=20.0)
    assert abs(ours / ref - 1) < 0.01


def test_fusion_after_the_pulse_and_rates_match_reference():
    """Fusion rate trace during and after a 100-ms step (Cmd relaxes in ~0.5 s)."""
    ds = bp.simulate(NAME, t_end=600.0, record=["fusion_rate", "fused_total", "Cmd"],
                     stimulus=bp.VoltageClamp(-70.0, [(-20.0, 100.0)], start=0.0))
    opts = dict(method="LSODA", rtol=1e-10, atol=1e-12)
    s1 = solve_ivp(chen_rhs, (0, 0.1), Y0_FILE, args=(-20.0, 0.6), dense_output=True, **opts)
    s2 = solve_ivp(chen_rhs, (0.1, 0.6), s1.y[:, -1], args=(-70.0, 0.6), dense_output=True,
                   **opts)
    t = ds.time.values
    ref = np.where(t <= 100.0, s1.sol(np.minimum(t, 100.0) / 1e3)[5],
                   s2.sol(np.maximum(t, 100.0) / 1e3)[5]) * 2000.0
    peak = ref.max()
    assert np.max(np.abs(ds.fusion_rate.values - ref)) < 0.01 * peak
    total_ref = s2.y[-1, -1]
    assert abs(float(ds.fused_total[-1]) / total_ref - 1) < 0.01
    assert float(ds.fused_total[-1]) > 1.3 * float(ds.fused_total.interp(time=100.0))


def test_immediately_releasable_pool_is_about_15():
    # N1 at the files' initial state, which is the -70 mV rest state of the defaults
    assert 13.5 < MODEL.states[MODEL.state_index("N1")].value < 16.5
    ds = bp.simulate(NAME, t_end=5000.0, record=["N1", "N5", "N6", "Cmd"], record_every=100.0)
    assert np.allclose(ds.N1.values, 14.71376, rtol=1e-3)
    assert np.allclose(ds.N5.values, 24.539936, rtol=1e-3)
    ref = solve_ivp(chen_rhs, (0, 5.0), Y0_FILE, args=(-70.0, 0.6), method="LSODA",
                    rtol=1e-10, atol=1e-12).y[:, -1]
    assert abs(float(ds.N1[-1]) / ref[2] - 1) < 1e-3
    # with steps.ode's r1, fusion saturates near the IRP for long pulses
    sat = [simulated_fused(d, params=STEPS_ODE_PARAMS) for d in (200.0, 500.0, 1000.0)]
    assert all(13.5 < s < 17.5 for s in sat)


def test_granule_balance_along_a_trajectory():
    """d(N1+..+N6+NF+NR+SE)/dt = r3 - rm3*N6, integrated along a simulated trajectory."""
    pools = ["N1", "N2", "N3", "N4", "N5", "N6", "NF", "NR", "SE"]
    amp = 50.0  # amplified resupply, so the balance is a sizeable number
    ds = bp.simulate(NAME, t_end=3000.0, params={"amplification": amp},
                     record=pools + ["Ci"],
                     stimulus=bp.VoltageClamp(-70.0, [(-20.0, 500.0), (-70.0, 500.0),
                                                      (-10.0, 1000.0)], start=200.0))
    total = sum(ds[p].values for p in pools)
    ci = ds.Ci.values
    source = (amp * 1.205 * ci / (ci + 2.3) - 1e-4 * ds.N6.values) / 1e3  # granules/ms
    integral = np.trapezoid(source, ds.time.values)
    assert integral > 1.0
    assert abs((total[-1] - total[0]) / integral - 1) < 1e-3
    assert float(ds.SE[-1]) > 0


def test_readouts_are_exact_multiples():
    ds = bp.simulate(NAME, t_end=2000.0,
                     record=["fused_total", "capacitance", "SE", "insulin_secreted", "NR",
                             "insulin_rate", "N4", "fusion_rate", "I_CaL", "V", "N1", "N5",
                             "N6", "primed", "docked"],
                     stimulus=bp.VoltageClamp(-70.0, [(-20.0, 500.0)], start=100.0))
    assert np.allclose(ds.capacitance, 3.5 * ds.fused_total, rtol=1e-14, atol=0)
    assert np.allclose(ds.insulin_secreted, 9.0 * ds.SE, rtol=1e-14, atol=0)
    assert np.allclose(ds.insulin_rate, 9.0 * 0.02 * ds.NR, rtol=1e-14, atol=0)
    assert np.allclose(ds.fusion_rate, 2000.0 * ds.N4, rtol=1e-14, atol=0)
    assert np.allclose(ds.primed, ds.N1 + ds.N5, rtol=1e-14)
    assert np.allclose(ds.docked, ds.N1 + ds.N5 + ds.N6, rtol=1e-14)
    v = ds.V.values
    i_ref = 1e-3 * 250.0 * (v - 25.0) / (1.0 + np.exp((-20.0 - v) / 5.0))
    assert np.allclose(ds.I_CaL, i_ref, rtol=1e-12)
    assert float(ds.I_CaL.min()) == pytest.approx(-5.625, rel=1e-9)  # 250 pS * 0.5 * -45 mV
    assert float(ds.capacitance[-1]) > 3.5 * 15  # more than the IRP has fused
    assert MODEL.roles == {"Ca_i": "Ci", "secretion": "fusion_rate", "insulin": "insulin_rate"}


def test_V_is_constant_without_clamp():
    ds = bp.simulate(NAME, t_end=200.0, initial={"V": -20.0}, record=["V", "Cmd"])
    assert np.all(ds.V.values == -20.0)
    assert float(ds.Cmd[-1]) > 5.0  # the held depolarisation still drives Ca2+ entry
    ds = bp.simulate(NAME, t_end=200.0, record=["V"])
    assert np.all(ds.V.values == -70.0)


def test_bad_parameter_is_a_clear_error():
    with pytest.raises(ValueError, match=r"'r1'.*1/s"):
        bp.simulate(NAME, t_end=10.0, params={"r1": -1.0})
    with pytest.raises(ValueError, match=r"'s_L'.*mV"):
        bp.simulate(NAME, t_end=10.0, params={"s_L": 0.0})


# ---------------------------------------------------------------------------------------------
# Ca2+ conservation between the microdomain and the cytosol (f_v = v_md/v_cell)
# ---------------------------------------------------------------------------------------------
PAR = {q.name: q.value for q in MODEL.parameters}
#: SERCA and PMCA off, exchanger through zero, no leak: the cytosolic removal is then linear in
#: Ci (J_ncx0 Ci), which check_balance can express; V held at -20 mV (no clamp: V is constant)
#: drives L-type Ca2+ into the microdomain, Ci rises from 0.063 to 0.24 uM in 1 s
LINEAR_REMOVAL = {"J_serca_max": 0.0, "J_pmca_max": 0.0, "C_ncx": 0.0, "J_leak": 0.0}
CA_RUN = dict(initial={"V": -20.0}, t_end=1000.0)


def _ca_fluxes(p, ratio):
    """Balances of Cmd and Ci (uM/ms), written from fast.ode with the Ca2+ that leaves the
    microdomain reaching the cytosol diluted by ``ratio`` (conservation: v_md/v_cell).

    With both balances, the total Ca2+ ``v_md Cmd/f_md + v_cell Ci/f_i`` changes only by the
    L- and R-type entry (``-alpha (I_CaL + I_CaR)``) and the removal ``v_cell J_ncx0 Ci``.
    """
    b = p["B_md"] * 1e-3  # 1/ms
    cmd = {"I_CaL": -p["f_md"] * p["alpha"] / p["v_md"], "Cmd": -p["f_md"] * b,
           "Ci": p["f_md"] * b}
    ci = {"I_CaR": -p["f_i"] * p["alpha"] / p["v_cell"], "Cmd": p["f_i"] * ratio * b,
          "Ci": -p["f_i"] * (ratio * b + p["J_ncx0"] * 1e-3)}
    return cmd, ci


@pytest.mark.parametrize("f_v, most", [
    (PAR["v_md"] / PAR["v_cell"], 1e-12),  # exact: holds to rounding (measured 1.7e-15)
    (PAR["f_v"], 6e-4),                    # published 0.00365: measured 4.72e-4
])
def test_total_calcium_balance(f_v, most):
    """Total Ca2+ is conserved at f_v = v_md/v_cell (the microdomain balance holds for any
    f_v; the cytosol's, written with the microdomain's outflow diluted by v_md/v_cell, holds
    to rounding); at the published f_v = 0.00365, 6.0e-4 below v_md/v_cell = 0.0036522, the
    cytosolic balance is off by 4.7e-4 of its gross flux, as expected (the exchange return
    is most of Ci's gain)."""
    par = {**LINEAR_REMOVAL, "f_v": f_v}
    cmd, ci = _ca_fluxes({**PAR, **par}, PAR["v_md"] / PAR["v_cell"])
    r = check_balance(MODEL, "Cmd", cmd, params=par, **CA_RUN)
    assert r.error < 1e-12 and r.change > 1.0, str(r)  # Cmd rises by ~3 uM
    r = check_balance(MODEL, "Ci", ci, params=par, **CA_RUN)
    assert r.change > 0.15, str(r)
    assert r.error < most, str(r)
    if most > 1e-12:
        assert r.error > 0.5 * abs(f_v * PAR["v_cell"] / PAR["v_md"] - 1), str(r)


@pytest.mark.parametrize("ratio", [0.0, 1.01 * PAR["v_md"] / PAR["v_cell"]])
def test_total_calcium_balance_fails_for_wrong_bookkeeping(ratio):
    """Negative control: the exchange return left out (error 0.79) or diluted 1% too little
    (8.3e-3), both far above the 4.7e-4 of the published f_v."""
    par = {**LINEAR_REMOVAL, "f_v": PAR["v_md"] / PAR["v_cell"]}
    _, ci = _ca_fluxes({**PAR, **par}, ratio)
    assert check_balance(MODEL, "Ci", ci, params=par, **CA_RUN).error > 5e-3


def test_microdomain_volume_ratio_must_follow_the_volumes():
    """f_v, v_md and v_cell are separate parameters, but Ca2+ is conserved only if f_v =
    v_md/v_cell: changing one without the others is refused (tolerance F_V_RTOL = 1e-3 on
    |f_v/(v_md/v_cell) - 1|; the published 0.00365 is 6.0e-4 off and stays the default)."""
    assert F_V_RTOL == 1e-3
    assert abs(PAR["f_v"] * PAR["v_cell"] / PAR["v_md"] - 1) == pytest.approx(5.95e-4, rel=1e-3)
    msg = (r"f_v = .* \(dimensionless\), v_md = .* L, v_cell = .* L .*f_v = v_md/v_cell.*"
           r"\|f_v/\(v_md/v_cell\) - 1\| must be <= 0\.001")
    for bad in ({"v_md": 5e-15}, {"v_cell": 1.2e-12}, {"f_v": 0.004},
                {"f_v": 1.0011 * PAR["v_md"] / PAR["v_cell"]}):
        with pytest.raises(ValueError, match=msg):
            bp.simulate(NAME, t_end=1.0, params=bad)
    for good in ({"v_md": 5e-15, "f_v": 5e-15 / PAR["v_cell"]},
                 {"v_cell": 2.3e-12, "f_v": PAR["v_md"] / 2.3e-12},
                 {"f_v": 1.0009 * PAR["v_md"] / PAR["v_cell"]}):
        MODEL.parameter_vector(good)
    ds = bp.simulate(NAME, t_end=1.0, params={"v_md": 5e-15, "f_v": 5e-15 / PAR["v_cell"]},
                     record=["Ci"])
    assert ds.attrs["status"] == "ok"


def test_microdomain_volume_ratio_is_checked_at_every_sweep_point():
    """A swept volume whose points break f_v = v_md/v_cell is refused up front, naming the
    first such point (the shared parameters alone pass)."""
    with pytest.raises(ValueError, match=r"v_md = 5e-15 L, v_cell = .* \(at point 1\) are "
                                         r"inconsistent"):
        bp.sweep(NAME, {"v_md": [PAR["v_md"], 5e-15]}, t_end=1.0, dry_run=True)
