"""Definitions of the sweep read-outs (``biophys.metrics``) and of ``differs``/the lag check of
``biophys.hysteresis``, on hand-made accumulators and results (no simulation).

Every expected value is worked out by hand from the documented definitions: the burst
accumulator a driver leaves for a given spike train (columns of ``biophys.kernels.bursts``),
unit conversions to per second, and the comparison rule of ``differs``. Each test kills a
mutant that survived the existing tests (mutation review, session 42, helper D).
"""

from __future__ import annotations

import dataclasses
import math
from types import SimpleNamespace

import numpy as np
import pytest
import xarray as xr

from biophys import continuation, metrics
from biophys.analysis import KINDS
from biophys.continuation import differs
from biophys.kernels import bursts as kb
from biophys.models import get_model

HH = get_model("hh1952")  # spike_threshold 0 mV, burst_gap 50 ms, no plateau_V
BS = get_model("bertram_sherman_2004")  # plateau_V -50 mV


# --- units of the rate read-outs -------------------------------------------------------------

def _hh_with(units: dict[str, str], roles: dict[str, str]):
    outs = tuple(dataclasses.replace(o, unit=units[o.name]) if o.name in units else o
                 for o in HH.outputs)
    return dataclasses.replace(HH, outputs=outs, roles=roles)


def test_rates_per_minute_and_per_hour_are_expressed_per_second():
    """x/min is x/60 per second, x/h is x/3600 per second."""
    m = _hh_with({"I_K": "granules/min", "I_L": "fg/h"},
                 {"secretion": "I_K", "insulin": "I_L"})
    sec, ins = metrics.plan(m, ["secretion_rate", "insulin_rate"]).specs
    assert (sec.kind, sec.var, sec.units) == ("mean", "I_K", "granules/s")
    assert sec.scale == pytest.approx(1.0 / 60.0, rel=1e-15)
    assert (ins.kind, ins.var, ins.units) == ("mean", "I_L", "fg/s")
    assert ins.scale == pytest.approx(1.0 / 3600.0, rel=1e-15)
    # the shipped case: zg_cell's aldosterone_rate is in a.u./min
    (ald,) = metrics.plan(get_model("zg_cell"), ["aldosterone_rate"]).specs
    assert ald.units == "a.u./s" and ald.scale == pytest.approx(1.0 / 60.0, rel=1e-15)


def test_a_state_declared_as_a_rate_role_is_time_averaged_not_differenced():
    """A state playing ``insulin_rate`` is a rate (its mean); playing ``insulin`` it is a
    cumulative amount (increase per second: scale 1000 from ms)."""
    (rate,) = metrics.plan(_hh_with({}, {"insulin_rate": "n"}), ["insulin_rate"]).specs
    assert (rate.kind, rate.var, rate.scale, rate.units) == ("mean", "n", 1.0, "1")
    (amount,) = metrics.plan(_hh_with({}, {"insulin": "n"}), ["insulin_rate"]).specs
    assert (amount.kind, amount.var, amount.scale, amount.units) == ("increase", "n", 1000.0,
                                                                      "1/s")


def test_burst_times_are_in_seconds_and_the_regime_names_its_codes():
    specs = {s.name: s for s in metrics.plan(HH, ["burst_period", "active_phase",
                                                  "regime"]).specs}
    assert specs["burst_period"].units == "s" and specs["active_phase"].units == "s"
    assert ("0 silent, 1 depolarised, 2 continuous, 3 bursting, 4 irregular, 5 single spikes"
            in specs["regime"].long_name)
    assert specs["regime"].flags == KINDS


def test_a_metric_listed_twice_is_refused():
    with pytest.raises(ValueError, match="metric 'mean_V' is listed twice"):
        metrics.plan(HH, ["mean_V", "spike_rate", "mean_V"])


def test_spikes_per_burst_alone_asks_for_the_plateau_test():
    """Which intervals are silent phases decides the bursts, so spikes_per_burst needs the
    per-silence plateau test as much as burst_period does."""
    assert metrics.plan(BS, ["spikes_per_burst"]).plateau_V == -50.0
    assert metrics.plan(BS, ["burst_period"]).plateau_V == -50.0


# --- the burst accumulator reduced -----------------------------------------------------------

def _two_bursts(t_warm: float = 200.0) -> np.ndarray:
    """The driver's accumulator for spikes at 300, 310, 320 ms and 600, 610 ms after a warm-up
    ending at 200 ms (burst_gap 50 ms): two burst starts, the first burst complete, the second
    still open at its last spike."""
    b = np.zeros((kb.N_BURST, 1))
    b[kb.B_NSPK] = 5
    b[kb.B_LAST] = 610.0
    b[kb.B_NSTART] = 2
    b[kb.B_FIRST_START], b[kb.B_LAST_START] = 300.0, 600.0
    b[kb.B_CUR_FIRST], b[kb.B_CUR_N] = 600.0, 2
    b[kb.B_SUM_DUR], b[kb.B_NDONE], b[kb.B_SUM_SPK] = 20.0, 1, 3
    b[kb.B_IN_BURST] = b[kb.B_CUR_VALID] = 1.0
    b[kb.B_PEND_MIN] = b[kb.B_SIL_MIN] = math.inf
    return b


def test_compute_gives_burst_times_in_seconds_and_the_rate_over_the_window():
    """t_end 1000 ms, warm-up 200 ms: 5 spikes in 0.8 s = 6.25 Hz; starts 300 and 600 ms: period
    0.3 s; the last burst is closed by the 390 ms silence to the end: active phases 20 and
    10 ms, mean 0.015 s; plateau fraction 0.015 / 0.3 = 0.05; 2.5 spikes per burst."""
    plan = metrics.plan(HH, ["spike_rate", "burst_period", "active_phase", "plateau_fraction",
                             "spikes_per_burst", "regime"])
    raw = SimpleNamespace(n_steps=1000, dt=1.0, t_warm=200.0, burst=_two_bursts(),
                          obs=np.zeros((0, 3, 1)), n_obs_samples=801)
    out = metrics.compute(plan, raw, 50.0)
    assert out["spike_rate"][0] == pytest.approx(6.25, rel=1e-14)
    assert out["burst_period"][0] == pytest.approx(0.3, rel=1e-14)
    assert out["active_phase"][0] == pytest.approx(0.015, rel=1e-14)
    assert out["plateau_fraction"][0] == pytest.approx(0.05, rel=1e-14)
    assert out["spikes_per_burst"][0] == 2.5
    assert KINDS[int(out["regime"][0])] == "bursting"


def test_a_silence_to_the_end_exactly_one_gap_long_does_not_close_the_last_burst():
    """The last spike at 610 ms, t_end 660 ms: 50 ms is not longer than the 50 ms gap."""
    st = metrics.burst_statistics(_two_bursts(), 660.0, 50.0)
    assert st["n_bursts"][0] == 1 and st["active_phase"][0] == 20.0
    assert st["spikes_per_burst"][0] == 3.0
    longer = metrics.burst_statistics(_two_bursts(), 660.5, 50.0)
    assert longer["n_bursts"][0] == 2 and longer["active_phase"][0] == 15.0


def test_the_tail_plateau_test_is_at_or_below_plateau_V():
    """V below threshold after the last spike averaging exactly plateau_V: a silent phase (the
    docstring's 'at or below'), so the last burst is closed."""
    b = _two_bursts()
    b[kb.B_PEND_N], b[kb.B_PEND_SUM], b[kb.B_PEND_MIN] = 4.0, -200.0, -55.0  # mean -50 mV
    st = metrics.burst_statistics(b, 1000.0, 50.0, plateau_V=-50.0)
    assert st["n_bursts"][0] == 2 and st["active_phase"][0] == 15.0
    above = metrics.burst_statistics(b, 1000.0, 50.0, plateau_V=-50.5)  # mean above it
    assert above["n_bursts"][0] == 1 and above["active_phase"][0] == 20.0


def test_a_tail_never_below_threshold_is_no_silent_phase_whatever_plateau_V():
    """No sample below threshold after the last spike: V stayed up, the burst goes on, even
    against a plateau_V of 0 mV (no mean to compare, not a mean of 0 mV)."""
    b = _two_bursts()  # B_PEND_N = 0
    st = metrics.burst_statistics(b, 1000.0, 50.0, plateau_V=0.0)
    assert st["n_bursts"][0] == 1 and st["active_phase"][0] == 20.0
    assert st["regime"][0] == KINDS.index("bursting")


def test_spikes_then_a_silence_to_the_end_without_a_burst_start_are_irregular():
    """Three spikes of a burst under way at the end of the warm-up (no start after it), then
    V rests for 800 ms to the end: a silence, fewer than two starts: irregular, no plateau
    fraction (continuous needs no silence after the last spike)."""
    b = np.zeros((kb.N_BURST, 1))
    b[kb.B_NSPK], b[kb.B_LAST] = 3, 200.0
    b[kb.B_CUR_FIRST], b[kb.B_CUR_N], b[kb.B_IN_BURST] = 180.0, 3, 1.0
    b[kb.B_PEND_MIN] = b[kb.B_SIL_MIN] = math.inf
    st = metrics.burst_statistics(b, 1000.0, 50.0)
    assert KINDS[int(st["regime"][0])] == "irregular"
    assert math.isnan(st["plateau_fraction"][0]) and math.isnan(st["active_phase"][0])
    cont = metrics.burst_statistics(b, 240.0, 50.0)  # 40 ms to the end: no silence
    assert KINDS[int(cont["regime"][0])] == "continuous" and cont["plateau_fraction"][0] == 1.0


def test_silent_phase_potential_of_cells_without_spikes():
    """Cell 0: no spike and never below threshold (held above it, no block test): NaN, not
    the +inf of an empty minimum. Cell 1: no spike, in depolarisation block (mean V -30 mV
    above plateau_V -50 mV): no silent phase, both NaN. Cell 2: at rest, 10 samples of -70
    mV with a minimum of -71 mV."""
    b = np.zeros((kb.N_BURST, 3))
    b[kb.B_PEND_MIN] = b[kb.B_SIL_MIN] = math.inf
    b[kb.B_PEND_N, 1:] = 10.0
    b[kb.B_PEND_SUM, 1:] = [-400.0, -700.0]
    b[kb.B_PEND_MIN, 1:] = [-41.0, -71.0]
    plain = metrics.burst_statistics(b[:, :1], 1000.0, 50.0)
    assert math.isnan(plain["silent_phase_V"][0]) and math.isnan(plain["silent_phase_min_V"][0])
    st = metrics.burst_statistics(b, 1000.0, 50.0, mean_V=np.array([0.0, -30.0, -70.0]),
                                  plateau_V=-50.0)
    assert [KINDS[int(k)] for k in st["regime"]] == ["depolarised", "depolarised", "silent"]
    assert np.isnan(st["silent_phase_V"][:2]).all() and np.isnan(st["silent_phase_min_V"][:2]).all()
    assert (st["silent_phase_V"][2], st["silent_phase_min_V"][2]) == (-70.0, -71.0)


# --- differs ---------------------------------------------------------------------------------

def _result(up, down, status=None, attrs=None) -> xr.Dataset:
    """A hysteresis-shaped result over three steps."""
    dims = ("direction", "I_app")
    ds = xr.Dataset(coords={"direction": ["up", "down"], "I_app": [1.0, 2.0, 3.0]})
    ds["mean_V"] = (dims, np.array([up, down], dtype=float), attrs or {"units": "mV"})
    ds["status"] = (dims, np.zeros((2, 3), np.int8) if status is None
                    else np.array(status, np.int8))
    ds["warm_start"] = (dims, np.array([[False, True, True], [True, True, True]]))
    return ds


def test_differs_nan_on_one_pass_is_a_difference_on_both_is_not():
    ds = _result([math.nan, math.nan, 1.0], [math.nan, -60.0, 1.0])
    assert differs(ds, "mean_V").values.tolist() == [False, True, False]
    assert differs(ds, "mean_V", rtol=0.1).values.tolist() == [False, True, False]


def test_differs_relative_tolerance_is_inclusive_and_against_the_larger_value():
    """|4 - 3| = 1 is 0.25 of the larger value 4 (not of the smaller, 3): equal at rtol 0.25,
    different at 0.24; two zeros are equal at any rtol."""
    ds = _result([4.0, 0.0, -4.0], [3.0, 0.0, -3.0])
    assert differs(ds, "mean_V", rtol=0.25).values.tolist() == [False, False, False]
    assert differs(ds, "mean_V", rtol=0.24).values.tolist() == [True, False, True]


def test_differs_is_false_where_either_pass_did_not_finish():
    ds = _result([-60.0, -60.0, -60.0], [-20.0, -20.0, -20.0],
                 status=[[0, 1, 0], [0, 0, 1]])
    assert differs(ds, "mean_V").values.tolist() == [True, False, False]


def test_differs_refuses_a_relative_tolerance_on_coded_patterns():
    """regime codes are categories: continuous (2) against bursting (3) is within rtol 0.5 of
    3, which reported no bistability where the patterns differ."""
    attrs = {"units": "1", "flag_values": np.arange(6.0), "flag_meanings": " ".join(KINDS)}
    ds = _result([2.0, 3.0, 3.0], [3.0, 3.0, 3.0], attrs=attrs).rename({"mean_V": "regime"})
    assert differs(ds).values.tolist() == [True, False, False]
    with pytest.raises(ValueError, match=r"differs\('regime'\): rtol = 0.5 .*coded"):
        differs(ds, rtol=0.5)


def test_differs_refuses_variables_that_are_not_metrics():
    """warm_start differs between the passes at the first step by construction (the first
    run starts from the initial state): it is no evidence of bistability."""
    ds = _result([1.0, 2.0, 3.0], [1.0, 2.0, 3.0])
    for name in ("warm_start", "status"):
        with pytest.raises(ValueError, match=rf"no metric '{name}' in this hysteresis result; "
                                             r"metrics: mean_V$"):
            differs(ds, name)


# --- the lag check of a continuation ---------------------------------------------------------

@pytest.mark.parametrize("where", ["axis", "grid"])
def test_the_lag_check_takes_the_slowest_time_constant_of_the_runs(where):
    """zg_cell's aldosterone_rate lags through tau_avg. Stepping (or gridding) tau_avg over
    1 s and 120 s with a 10 s warm-up: the 120 s runs are unsettled (3 tau = 360 s), although
    the 1 s runs are (3 s)."""
    zg = get_model("zg_cell")
    taus = np.array([1000.0, 120_000.0])
    axis, steps, others = (("tau_avg", taus, {}) if where == "axis"
                           else ("K_o", np.array([6.0, 7.0]), {"tau_avg": taus}))
    with pytest.warns(UserWarning, match=r"tau_avg = 120000 ms"):
        notes = continuation._lagging(zg, ["mean_V", "aldosterone_rate"], axis, steps, others,
                                      None, 10_000.0)
    assert list(notes) == ["aldosterone_rate"] and "use warmup >= 3 tau_avg (360000 ms)" in (
        notes["aldosterone_rate"])


# --- a lost branch starts afresh from the given initial state --------------------------------

def test_after_a_failed_run_the_next_starts_from_the_given_initial_state_not_the_default():
    """A cell with no conductance: at -1e4 uA/cm^2 V runs away (the run fails); at 0 nothing
    moves V, so its mean is the potential the run started from: the given -60 mV (the model's
    default is -65 mV), on the way up (started afresh after the failure) and on the way down
    (continued from the run at 0)."""
    from biophys import hysteresis

    ds = hysteresis("hh1952", "I_app", [-1.0e4, 0.0], t_end=5.0, warmup=1.0,
                    params={"g_Na": 0.0, "g_K": 0.0, "g_L": 0.0, "C_m": 1e-3},
                    initial={"V": -60.0}, metrics=["mean_V"], progress=False)
    assert ds["status"].values.tolist() == [[1, 0], [1, 0]]
    assert ds["warm_start"].values.tolist() == [[False, False], [True, True]]
    assert ds["mean_V"].sel(I_app=0.0).values.tolist() == [-60.0, -60.0]


def test_stopped_points_counts_the_runs_that_stopped_at_rest():
    """HH at 0 uA/cm^2 comes to rest (on both passes); at 10, above the Hopf point near 9.78,
    it fires on both and never rests: 2 of the 4 runs stopped."""
    from biophys import hysteresis

    ds = hysteresis("hh1952", "I_app", [0.0, 10.0], t_end=300.0, warmup=0.0,
                    metrics=["spike_count"], stop_at_rest=True, progress=False)
    stopped = np.isfinite(ds["t_rest"].transpose("direction", "I_app").values)
    assert stopped.tolist() == [[True, False], [True, False]]
    assert ds.attrs["stopped_points"] == 2 and ds.attrs["n_runs"] == 4
