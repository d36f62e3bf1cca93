"""``sweep(..., step_check=...)``: a sample of points rerun with finer settings and compared.

The rerun values are checked against plain sweeps of the same points at half the step (or a
tenth of the tolerances), not against the code under test; the relative changes are recomputed
here from those values by the rule the docstring states.
"""

from __future__ import annotations

import json
import re
import warnings
from pathlib import Path

import numpy as np
import pytest

import biophys as bp
from biophys import _step_check
from biophys import metrics as _metrics
from biophys._sweep_result import NOT_OK_WARNING
from biophys.cli import main as cli_main

I_APP = [0.0, 10.0, 20.0, 40.0]  # uA/cm^2: rest, then three firing rates
RUN = dict(t_end=100.0, progress=False)
METRICS = ["mean_V", "max_V", "spike_rate", "regime", "steps"]


def _sweep(*args, about="step check", **kw):
    """A sweep and its warnings whose text holds ``about`` (every warning seen)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ds = bp.sweep(*args, **kw)
    return ds, [str(w.message) for w in caught if about in str(w.message)]


def _expected_change(ds, fine, names):
    """The largest relative change per checked point, by the documented rule, from the sweep's
    values and an independent sweep ``fine`` of the checked points."""
    idx = ds.step_check.values
    ok = ds.status.values.reshape(-1) == 0
    out = np.zeros(idx.size)
    for name in names:
        a, b = ds[name].values.reshape(-1)[idx], fine[name].values
        if name == "regime":
            rel = np.where(a == b, 0.0, np.inf)
        else:
            vals = ds[name].values.reshape(-1)[ok]
            spread = np.nanmax(vals) - np.nanmin(vals)
            scale = np.maximum(np.maximum(abs(a), abs(b)), spread)
            rel = np.where(a == b, 0.0, abs(a - b) / np.where(scale > 0, scale, 1.0))
        out = np.maximum(out, rel)
    return out


def test_converged_step_passes_and_reruns_match_a_sweep_at_half_the_step():
    ds, warned = _sweep("hh1952", {"I_app": I_APP}, dt=0.1, metrics=METRICS, step_check=True,
                        **RUN)
    assert not warned
    assert list(ds.step_check.values) == [0, 1, 2, 3]  # fewer points than 8: all of them
    np.testing.assert_array_equal(ds.step_check_I_app.values, I_APP)
    fine = bp.sweep("hh1952", points={"I_app": I_APP}, dt=0.05, metrics=METRICS, **RUN)
    for name in METRICS:
        np.testing.assert_array_equal(ds[f"step_check_{name}"].values, fine[name].values)
    # the step counts differ by design and are not compared
    assert (ds.step_check_steps.values == 2 * ds.steps.values).all()
    rec = json.loads(ds.attrs["step_check"])
    assert rec["compared"] == ["mean_V", "max_V", "spike_rate", "regime"]
    assert rec["finer"] == "method 'rl2', dt 0.05 ms instead of 0.1 ms"
    assert rec["checked_points"] == 4 and ds.attrs["step_check_changed"] == 0
    change = _expected_change(ds, fine, rec["compared"])
    np.testing.assert_allclose(ds.step_check_change.values, change, rtol=1e-12)
    assert 1e-3 < change.max() < 0.02  # dt 0.1 ms, ten times hh1952's own step: within 2 %
    assert (ds.step_check_status.values == 0).all()


def test_a_tighter_rtol_flags_the_points_that_change_and_warns_once():
    ds, warned = _sweep("hh1952", {"I_app": I_APP}, dt=0.1, metrics=METRICS,
                        step_check={"rtol": 2e-3}, **RUN)
    change = ds.step_check_change.values
    assert ds.attrs["step_check_changed"] == int((change > 2e-3).sum()) == 2
    assert len(warned) == 1
    msg = warned[0]
    assert msg.startswith("step check: 2 of 4 points checked change by more than 0.002")
    assert "dt 0.05 ms instead of 0.1 ms" in msg
    # the largest change is named with its point and both values
    j = int(np.argmax(change))
    assert f"I_app = {I_APP[j]:g} uA/cm^2" in msg
    assert re.search(r"max_V [-\d.]+ mV with the sweep's settings, [-\d.]+ mV with the finer",
                     msg)


def test_a_coarse_step_that_misses_spikes_is_flagged_at_the_default_tolerance():
    ds, warned = _sweep("hh1952", {"I_app": I_APP}, dt=0.5, metrics=["spike_rate"],
                        step_check=True, about="", **RUN)
    assert any("fixed steps this coarse" in w for w in warned)  # 50x hh1952's step
    warned = [w for w in warned if "step check" in w]
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="dt = 0.25 ms is 25x")
        fine = bp.sweep("hh1952", points={"I_app": I_APP}, dt=0.25, metrics=["spike_rate"],
                        **RUN)
    changed = _expected_change(ds, fine, ["spike_rate"]) > 0.02
    assert changed.any()
    assert ds.attrs["step_check_changed"] == int(changed.sum())
    assert len(warned) == 1 and "spike_rate" in warned[0]


def test_error_controlled_methods_rerun_with_a_tenth_of_the_tolerances():
    kw = dict(method="adaptive", rtol=1e-5, atol=1e-7, metrics=["mean_V", "max_V"])
    ds, warned = _sweep("hh1952", {"I_app": I_APP}, step_check={"points": 2}, **kw, **RUN)
    assert list(ds.step_check.values) == [0, 3]  # two points: the first and the last ok one
    fine = bp.sweep("hh1952", points={"I_app": [I_APP[0], I_APP[3]]}, method="adaptive",
                    rtol=1e-5 / 10, atol=1e-7 / 10, metrics=["mean_V", "max_V"], **RUN)
    np.testing.assert_array_equal(ds.step_check_max_V.values, fine.max_V.values)
    assert "rtol 1e-06, atol 1e-08 instead of rtol 1e-05" in ds.attrs["step_check"]
    assert not warned


def test_the_rerun_halves_the_step_taken():
    """t_end 10 ms at dt 0.3 ms runs 34 steps of 0.294 ms: the rerun takes 68 of half that
    (dt/2 = 0.15 ms would take 67 steps of 0.149 ms, a grid that does not hold the first)."""
    ds, _ = _sweep("hh1952", {"I_app": [10.0]}, t_end=10.0, dt=0.3, metrics=["steps"],
                   step_check=True, progress=False, about="")
    assert int(ds.steps[0]) == 34 and int(ds.step_check_steps[0]) == 68
    assert "dt 0.147059 ms instead of 0.294118 ms" in ds.attrs["step_check"]


def test_points_spread_over_ok_points_and_skip_failed_and_retried_ones():
    status = np.zeros(20, dtype=np.int8)
    status[[0, 7]] = 1
    retried = np.zeros(20, dtype=bool)
    retried[19] = True
    check = _step_check.StepCheck(4, (), 0.02)
    ok = [i for i in range(20) if i not in (0, 7, 19)]  # 17 usable points
    assert list(_step_check.sample(check, status, retried)) == [ok[0], ok[5], ok[11], ok[16]]
    given = _step_check.StepCheck(3, (7, 3, 19), 0.02)
    assert list(_step_check.sample(given, status, retried)) == [3]
    assert list(_step_check.sample(given, status, None)) == [3, 19]


def test_failed_points_are_not_checked_and_a_failed_rerun_counts_as_a_change():
    bare = {"g_Na": 0.0, "g_K": 0.0, "g_L": 0.0, "C_m": 2e-3}  # V moves by I_app t / C_m
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=NOT_OK_WARNING)
        ds, warned = _sweep("hh1952", {"I_app": [-5e3, 0.05, 0.1]}, t_end=5.0, params=bare,
                            metrics=["mean_V"], step_check=True, progress=False)
    assert ds.status.values[0] != 0
    assert list(ds.step_check.values) == [1, 2]
    assert not warned
    # relative_changes: a rerun that failed is a change whatever its values
    plan = _metrics.plan(bp.model("hh1952"), ["mean_V", "regime"])
    results = {"mean_V": np.array([-60.0, -50.0]), "regime": np.array([1.0, 2.0])}
    again = {"mean_V": np.array([-60.0, np.nan]), "regime": np.array([1.0, 2.0]),
             "status": np.array([0, 2], dtype=np.int8)}
    rel = _step_check.relative_changes(plan, results, np.ones(2, bool), np.arange(2), again)
    assert list(rel["mean_V"]) == [0.0, np.inf] and list(rel["regime"]) == [0.0, np.inf]


def test_relative_changes_use_the_spread_nan_and_codes():
    plan = _metrics.plan(bp.model("hh1952"), ["spike_rate", "burst_period", "regime"])
    results = {"spike_rate": np.array([0.0, 0.5, 100.0]),
               "burst_period": np.array([np.nan, 2.0, np.nan]),
               "regime": np.array([0.0, 3.0, 2.0])}
    again = {"spike_rate": np.array([1.0, 0.5, 99.0]),
             "burst_period": np.array([np.nan, np.nan, np.nan]),
             "regime": np.array([0.0, 4.0, 2.0]), "status": np.zeros(3, dtype=np.int8)}
    rel = _step_check.relative_changes(plan, results, np.ones(3, bool), np.arange(3), again)
    # 0 -> 1 Hz is 1 % of the spread (100 Hz), not 100 % of the value
    np.testing.assert_allclose(rel["spike_rate"], [0.01, 0.0, 0.01])
    assert list(rel["burst_period"]) == [0.0, np.inf, 0.0]  # NaN on one side only
    assert list(rel["regime"]) == [0.0, np.inf, 0.0]


def test_points_by_value_dry_run_and_shard():
    ds, _ = _sweep("hh1952", {"I_app": I_APP}, dt=0.1, metrics=["mean_V"],
                   step_check={"points": [{"I_app": 20.0}, 0]}, **RUN)
    assert list(ds.step_check.values) == [2, 0]
    dry = bp.sweep("hh1952", {"I_app": I_APP}, dry_run=True, step_check=True, **RUN)
    assert "step_check" not in dry.dims and json.loads(dry.attrs["step_check"]) == {
        "points": 8, "rtol": 0.02}


def test_shard_leaves_the_check_to_the_assembling_run(tmp_path):
    kw = dict(dt=0.1, metrics=["mean_V"], checkpoint=tmp_path / "c", chunk_size=2,
              step_check=True, **RUN)
    part = bp.sweep("hh1952", {"I_app": I_APP}, shard="0/2", **kw)
    assert "step_check" not in part.dims
    full = bp.sweep("hh1952", {"I_app": I_APP}, **kw)
    assert list(full.step_check.values) == [0, 1, 2, 3]


@pytest.mark.parametrize(("value", "match"), [
    ("yes", "step_check = 'yes' must be True, False or a mapping"),
    ({"points": 0}, "step_check points = 0 must be a count >= 1"),
    ({"points": "all"}, "step_check points = 'all' must be a count"),
    ({"points": []}, "step_check points is an empty list"),
    ({"points": [9]}, r"step_check points: point index 9 is outside \[0, 4\)"),
    ({"rtol": 0.0}, "step_check rtol"),
    ({"rtol": 2.0}, "step_check rtol"),
    ({"tolerance": 0.1}, "unknown key.*'tolerance'"),
])
def test_bad_step_check_is_a_named_error(value, match):
    with pytest.raises(ValueError, match=match):
        bp.sweep("hh1952", {"I_app": I_APP}, dry_run=True, step_check=value, **RUN)


def test_hysteresis_and_sensitivity_refuse_it():
    with pytest.raises(ValueError, match="step_check= is not available in hysteresis"):
        bp.hysteresis("hh1952", "I_app", [0.0, 10.0], t_end=10.0, warmup=1.0,
                      step_check=True, progress=False)
    with pytest.raises(ValueError, match="step_check= is not available in sensitivity"):
        bp.sensitivity("hh1952", ["g_K"], points={"I_app": [10.0]}, t_end=10.0,
                       step_check=True, progress=False)


def test_cli_reads_step_check_and_reports_it(tmp_path, capsys):
    cfg = tmp_path / "s.toml"
    cfg.write_text('model = "hh1952"\nt_end = 100.0\ndt = 0.1\nmetrics = ["max_V"]\n'
                   'step_check = {rtol = 0.002}\n[grid]\nI_app = [0.0, 10.0, 20.0, 40.0]\n')
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="step check")
        assert cli_main(["sweep", str(cfg), "--out", str(tmp_path / "r.nc"),
                         "--no-progress"]) == 0
    res = bp.open_sweep(tmp_path / "r.nc")
    fine = bp.sweep("hh1952", points={"I_app": I_APP}, dt=0.05, metrics=["max_V"], **RUN)
    n = int((_expected_change(res, fine, ["max_V"]) > 0.002).sum())
    assert n >= 1 and res.attrs["step_check_changed"] == n
    assert f"hh1952: 4 points, 0 not ok, {n} of 4 checked changed with a finer step" in \
        capsys.readouterr().out
    cfg.write_text('model = "hh1952"\nt_end = 10.0\nstep_check = 3\n[grid]\nI_app = [0.0]\n')
    assert cli_main(["sweep", str(cfg), "--dry-run"]) != 0
    assert "step_check = 3 must be true, false or a table" in capsys.readouterr().err


def test_the_main_job_checks_its_step():
    """The README says the main job runs the step check (examples/beta_cell_K_Mg.toml)."""
    from biophys._sweep_config import load_config

    kw = load_config(Path(__file__).parents[1] / "examples" / "beta_cell_K_Mg.toml")
    assert kw["step_check"] is True
