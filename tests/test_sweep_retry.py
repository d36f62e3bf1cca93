"""``sweep(retry=...)``: points that did not finish are run again with other settings.

The failing point is a beta-cell at 12 mM K_o integrated with a 10 ms fixed step (100x the
model's step): its state becomes non-finite. Retried with the model's own step it must equal a
plain sweep of that point at that step, bit for bit, while the points that finished keep their
first results bit for bit.
"""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest

import biophys as bp

PTS = {"K_o": [2.0, 5.0, 12.0]}
KW = dict(points=PTS, t_end=20_000.0, warmup=5_000.0, metrics=["mean_V", "spike_rate"],
          progress=False)


def _sweep(**kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the coarse-step warning
        return bp.sweep("beta_cell", **{**KW, **kw})


@pytest.fixture(scope="module")
def coarse():
    return _sweep(dt=10.0)


def test_a_failed_point_is_recovered_with_a_smaller_step(coarse):
    assert coarse["status"].values.tolist() == [0, 0, 1]  # the premise: 12 mM blows up
    res = _sweep(dt=10.0, retry={"dt": 0.1})
    assert res["status"].values.tolist() == [0, 0, 0]
    assert res["retried"].values.tolist() == [False, False, True]
    fine = _sweep(points={"K_o": [12.0]}, dt=0.1)
    for name in KW["metrics"]:
        assert res[name].values[2] == fine[name].values[0]
        np.testing.assert_array_equal(res[name].values[:2], coarse[name].values[:2])
    assert json.loads(res.attrs["retry"]) == {"method": "rl2", "dt": 0.1}
    assert (res.attrs["retried_points"], res.attrs["recovered_points"]) == (1, 1)
    assert json.loads(res.attrs["status_counts"]) == {"ok": 3}


def test_retry_with_another_method_keeps_the_sweeps_step(coarse):
    res = _sweep(dt=10.0, retry={"method": "rosenbrock", "rtol": 1e-7})
    rec = json.loads(res.attrs["retry"])
    assert rec["method"] == "rosenbrock" and rec["dt"] == 10.0 and rec["rtol"] == 1e-7
    assert res["status"].values.tolist() == [0, 0, 0]
    ref = _sweep(points={"K_o": [12.0]}, dt=10.0, method="rosenbrock", rtol=1e-7)
    assert res["mean_V"].values[2] == ref["mean_V"].values[0]


def test_a_point_that_fails_again_stays_marked():
    """A leak-only cell without leak driven by -1e4 uA/cm^2 has no bounded solution."""
    res = bp.sweep("hh1952", points={"g_L": [0.0, 1.0e4]}, t_end=5.0, metrics=["mean_V"],
                   params={"g_Na": 0.0, "g_K": 0.0, "C_m": 1e-3, "I_app": -1.0e4},
                   retry={"method": "rosenbrock"}, progress=False)
    assert res["status"].values[0] != 0 and res["status"].values[1] == 0
    assert res["retried"].values.tolist() == [True, False]
    assert (res.attrs["retried_points"], res.attrs["recovered_points"]) == (1, 0)
    assert np.isnan(res["mean_V"].values[0])


def test_no_retry_without_failures_and_with_a_checkpoint(tmp_path):
    kw = dict(grid={"I_app": [0.0, 10.0]}, t_end=20.0, metrics=["mean_V"], progress=False)
    plain = bp.sweep("hh1952", **kw)
    res = bp.sweep("hh1952", retry={"dt": 0.005}, checkpoint=tmp_path / "ck", **kw)
    assert not res["retried"].values.any() and res.attrs["retried_points"] == 0
    np.testing.assert_array_equal(res["mean_V"].values, plain["mean_V"].values)
    assert plain.attrs["retry"] == "none" and "retried" not in plain


def test_traces_of_retried_points_are_recorded_with_the_retry_settings(coarse):
    res = _sweep(dt=10.0, retry={"dt": 0.1}, traces=[0, 2], record=["V"])
    fine = _sweep(points={"K_o": [12.0]}, dt=0.1, traces=[0], record=["V"], record_every=10.0)
    assert np.isfinite(res["trace_V"].values).all()
    np.testing.assert_array_equal(res["trace_V"].values[1], fine["trace_V"].values[0])
    np.testing.assert_array_equal(res["time"].values, np.arange(2001) * 10.0)
    with pytest.raises(ValueError, match="record_every .* whole number of both steps"):
        _sweep(dt=10.0, retry={"dt": 3.0}, traces=[2], record_every=10.0)


NOT_REAL = r"must be a real number \(not a bool, string or array\)"


@pytest.mark.parametrize("retry, match", [
    ({"step": 0.1}, "retry key 'step' is not one of"),
    ({}, "non-empty mapping"),
    (0.1, "non-empty mapping"),
    ({"method": "euler"}, "retry: method = 'euler' is not one of"),
    ({"dt": -1.0}, r"retry: dt = -1.0 ms must be finite and > 0$"),
    ({"rtol": 1e-6}, "retry: .*rtol"),
    ({"method": "rl2"}, "repeats the sweep's own settings"),
    ({"dt": True}, rf"retry: dt = True {NOT_REAL}, finite and > 0 ms$"),
    ({"dt": "abc"}, rf"retry: dt = 'abc' {NOT_REAL}, finite and > 0 ms$"),
    ({"dt": None}, rf"retry: dt = None {NOT_REAL}, finite and > 0 ms$"),
])
def test_bad_retry_is_named(retry, match):
    with pytest.raises(ValueError, match=match):
        bp.sweep("hh1952", grid={"I_app": [0.0]}, t_end=1.0, retry=retry, progress=False,
                 method="rl2", dry_run=True)


@pytest.mark.parametrize("retry", [{"rtol": 1e-6}, {"atol": 1e-8}, {"method": "adaptive"}])
def test_a_retry_with_the_default_tolerances_is_no_retry(retry):
    with pytest.raises(ValueError, match="repeats the sweep's own settings"):
        bp.sweep("hh1952", grid={"I_app": [0.0]}, t_end=1.0, retry=retry, progress=False,
                 method="adaptive", dry_run=True)


def test_dry_run_records_the_retry():
    dry = bp.sweep("hh1952", grid={"I_app": [0.0]}, t_end=1.0, retry={"dt": 0.005},
                   dry_run=True, progress=False)
    assert json.loads(dry.attrs["retry"]) == {"method": "rl2", "dt": 0.005}


@pytest.mark.filterwarnings("ignore:dt = 0.3 ms is 30x")  # coarse on purpose: grid only
def test_trace_grids_compared_as_the_engine_records():
    """The engine records on t_end in whole steps of at most dt: at t_end 10 ms a 0.3 ms step
    is 10/34 ms, so record_every 0.9 ms samples every 30/34 ms there but every 0.9 ms at the
    retry's 0.1 ms: refused (the check used to compare the nominal steps and let it pass). At
    t_end 9 ms both grids are 0.9 ms."""
    kw = dict(grid={"I_app": [0.0]}, traces=[0], record_every=0.9, retry={"dt": 0.1},
              dt=0.3, dry_run=True, progress=False)
    with pytest.raises(ValueError, match=r"samples every 0.882353 ms at dt = 0.3 ms but every "
                                         r"0.9 ms at the retry's dt = 0.1 ms"):
        bp.sweep("hh1952", t_end=10.0, **kw)
    bp.sweep("hh1952", t_end=9.0, **kw)


def test_sweep_warmup_must_be_a_number():
    with pytest.raises(ValueError, match=rf"warmup = None {NOT_REAL}, in \[0, 10\) ms \(the "
                       r"end is t_end\)"):
        bp.sweep("hh1952", grid={"I_app": [0.0]}, t_end=10.0, warmup=None, dry_run=True)


def test_a_method_that_is_not_a_name_is_named():
    """A list is not a method (it was an unhashable-type TypeError in sweep and retry)."""
    for kw in (dict(method=["rl2"]), dict(retry={"method": ["rl2"]})):
        with pytest.raises(ValueError, match=r"method = \['rl2'\] is not one of"):
            bp.sweep("hh1952", grid={"I_app": [0.0]}, t_end=10.0, dry_run=True, **kw)


@pytest.mark.filterwarnings("ignore:dt = ")  # coarse on purpose: the step grid only
def test_a_retry_step_giving_the_sweeps_steps_repeats_its_settings():
    """t_end 3 ms at dt 1 ms is 3 steps of 1 ms; at dt 1.2 ms also (ceil(2.5) = 3): the retry
    would integrate exactly as the sweep did, so it is refused as a repeat (it was accepted
    and every failed point failed again). dt 0.9 ms takes 4 steps of 0.75 ms: a retry."""
    kw = dict(grid={"I_app": [0.0]}, t_end=3.0, dt=1.0, dry_run=True, progress=False)
    with pytest.raises(ValueError, match=r"repeats the sweep's own settings \(dt = 1.2 ms runs "
                                         r"t_end = 3 ms in the same 3 steps of 1 ms as the "
                                         r"sweep's dt = 1 ms\): a failed point would fail"):
        bp.sweep("hh1952", retry={"dt": 1.2}, **kw)
    ds = bp.sweep("hh1952", retry={"dt": 0.9}, **kw)
    assert json.loads(ds.attrs["retry"]) == {"method": "rl2", "dt": 0.9}


def test_stimulus_edges_between_the_retrys_steps_draw_the_warning():
    """A pulse from 1.05 to 1.55 ms is on the grid of the sweep's 0.01 ms step but between the
    steps of a 0.1 ms retry: the retry draws the sweep's off-grid warning (it drew none)."""
    pulse = bp.stimulus.Pulse(amplitude=10.0, start=1.05, duration=0.5)
    kw = dict(grid={"I_app": [0.0]}, t_end=5.0, stimulus=pulse, dry_run=True, progress=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        bp.sweep("hh1952", **kw)  # on the sweep's grid: no warning
    with pytest.warns(UserWarning, match=r"stimulus changes at 1.05, 1.55 ms, between the fixed "
                                         r"steps \(dt = 0.1 ms\)"):
        bp.sweep("hh1952", retry={"dt": 0.1}, **kw)
