"""The online silent-phase potential (``silent_phase_V``, ``silent_phase_min_V``).

The driver accumulates V below threshold between spikes and keeps the intervals that turn out
to be silent phases (longer than the model's ``burst_gap``). Checked against the trace-based
definition of :mod:`biophys.analysis` on the same run (identical), against the same analysis
of an independent LSODA solution of the Chay-Keizer equations, and at its limits (silent cell,
continuous spiker).
"""

import math

import numpy as np
import pytest
import test_classic_models as cm
from scipy.integrate import solve_ivp

import biophys as bp
from biophys import _engine
from biophys.analysis import bursts
from biophys.metrics import burst_statistics
from biophys.models import get_model

CK = get_model("chay_keizer_1983")
T_END, WARM = 30000.0, 5000.0


def _ck_online(method="rl2", record=False):
    kw = {"record": ["V"], "record_every": CK.dt} if record else {}
    if method == "adaptive":
        kw.update(rtol=1e-8, atol=1e-10)
    raw = _engine.run(CK, CK.default_parameters()[:, None], CK.default_states()[:, None],
                      t_end=T_END, dt=CK.dt, warmup=WARM, spike_capacity=20000,
                      silent_phase=True, method=method, **kw)
    return raw, burst_statistics(raw.burst, T_END, CK.burst_gap)


def test_online_silent_phase_equals_the_trace_analysis_of_the_same_run():
    raw, on = _ck_online(record=True)
    st = raw.spike_times[0, : raw.spike_count[0]]
    tr = bursts(raw.times, raw.rec[0, 0], CK.spike_threshold, CK.burst_gap, t_start=raw.t_warm,
                t_end=T_END, spike_times=st)
    assert tr.kind == "bursting"
    assert on["silent_phase_V"][0] == pytest.approx(tr.silent_V_mean, rel=1e-10)
    assert on["silent_phase_min_V"][0] == tr.silent_V_min


def test_silent_phase_matches_an_independent_lsoda_solution():
    sol = solve_ivp(cm.ck_rhs, (0.0, T_END), cm.CK_Y0, method="LSODA", rtol=1e-8, atol=1e-10,
                    dense_output=True)
    assert sol.status == 0
    t = np.arange(0.0, T_END + 0.5, 0.5)
    v = sol.sol(t)[0]
    ref = bursts(t, v, CK.spike_threshold, CK.burst_gap, t_start=WARM, t_end=T_END)
    assert ref.kind == "bursting"
    _, on = _ck_online()
    assert on["silent_phase_V"][0] == pytest.approx(ref.silent_V_mean, abs=0.2)
    assert on["silent_phase_min_V"][0] == pytest.approx(ref.silent_V_min, abs=0.05)
    # the published model's silent-phase floor (see test_classic_models)
    assert on["silent_phase_min_V"][0] == pytest.approx(-58.8, abs=0.2)
    # the time average lies between the floor and the threshold
    assert ref.silent_V_min < on["silent_phase_V"][0] < CK.spike_threshold


def test_adaptive_method_agrees_with_the_fixed_step():
    _, fixed = _ck_online()
    _, adapt = _ck_online("adaptive")
    assert adapt["silent_phase_V"][0] == pytest.approx(fixed["silent_phase_V"][0], abs=0.2)
    assert adapt["silent_phase_min_V"][0] == pytest.approx(fixed["silent_phase_min_V"][0],
                                                           abs=0.05)


def test_limits_silent_cell_and_continuous_spiker():
    ds = bp.sweep("hh1952", grid={"I_app": [0.0, 10.0]}, t_end=300.0, warmup=100.0,
                  metrics=["silent_phase_V", "silent_phase_min_V", "mean_V", "min_V",
                           "spike_count"], progress=False)
    rest = ds.sel(I_app=0.0)
    assert float(rest.spike_count) == 0
    # no spike: the whole window is silent (the resting potential)
    assert float(rest.silent_phase_V) == pytest.approx(float(rest.mean_V), rel=1e-12)
    assert float(rest.silent_phase_min_V) == float(rest.min_V)
    fire = ds.sel(I_app=10.0)
    assert float(fire.spike_count) > 5
    assert math.isnan(float(fire.silent_phase_V)) and math.isnan(float(fire.silent_phase_min_V))
    assert ds.silent_phase_V.attrs["units"] == "mV"


def test_sweep_reports_a_higher_silent_phase_potential_in_hyperkalaemia():
    # Sherman-Rinzel-Keizer: E_K follows K_o, so the silent phase depolarises by > 1 mV from
    # 5 to 5.5 mM (the trace-based twin of this check is in test_classic_models)
    ds = bp.sweep("sherman_rinzel_keizer_1988", grid={"K_o": [5.0, 5.5]}, t_end=60000.0,
                  warmup=WARM, metrics=["silent_phase_V", "silent_phase_min_V", "burst_period"],
                  progress=False)
    assert np.all(ds.status.values == 0)
    assert np.all(np.isfinite(ds.burst_period.values))
    lo, hi = ds.sel(K_o=5.0), ds.sel(K_o=5.5)
    assert float(hi.silent_phase_min_V) > float(lo.silent_phase_min_V) + 1.0
    assert float(hi.silent_phase_V) > float(lo.silent_phase_V) + 1.0


def test_without_the_flag_nothing_is_accumulated():
    raw = _engine.run(CK, CK.default_parameters()[:, None], CK.default_states()[:, None],
                      t_end=T_END, dt=CK.dt, warmup=WARM, spike_capacity=20000)
    on = burst_statistics(raw.burst, T_END, CK.burst_gap)
    assert on["spike_count"][0] > 0
    assert math.isnan(on["silent_phase_V"][0])
