"""``biophys.settled_state``: the reserve granule pool of ``beta_cell`` projected to its steady
state (:mod:`biophys.settle`).

The projection is checked two ways: on short runs, against the formula written out again here
from the Chen et al. (2008) pool balance (``N6' = r3 - rm3 N6 - fusion``; the fast pools
proportional to N6), computed from two sweeps run independently of ``settled_state``; and
(slow) against runs of 3 h, where the pool has relaxed by itself.
"""

from __future__ import annotations

import re
import sys
import warnings

import numpy as np
import pytest

import biophys as bp

BATH = bp.Solution(K_o=5.4, Na_o=140.0, Ca_o=2.6, Mg_o=1.0, substitution="equimolar_Na")
FOLLOWERS = ("N1", "N2", "N3", "N4", "N5", "NF", "NR")
MODEL = bp.get_model("beta_cell")
#: short runs (ms) for the fast tests: the formula, not the physiology
T_SHORT, W_SHORT = 20_000.0, 10_000.0


def test_beta_cell_declares_chen_reserve_pool():
    """The reservoir is Chen's N6, drained by undocking rm3 (1/s) and feeding fusion."""
    r = MODEL.reservoir
    assert (r.state, r.loss_rate, r.outflow) == ("N6", "rm3", "fusion_rate")
    assert set(r.followers) == set(FOLLOWERS)
    assert MODEL.parameter("rm3").unit == "1/s"


def test_refused_without_reservoir_and_for_bad_times():
    with pytest.raises(ValueError, match="'hh1952' declares no reservoir"):
        bp.settled_state("hh1952", grid={"I_app": [0.0]})
    with pytest.raises(ValueError, match=r"settling window = 300000.0 ms must be in \(0, 300000"):
        bp.settled_state("beta_cell", grid={"K_o": [5.4]}, window=300_000.0)
    with pytest.raises(ValueError, match="settling t_end = -1.0 ms must be"):
        bp.settled_state("beta_cell", grid={"K_o": [5.4]}, t_end=-1.0)


@pytest.fixture(scope="module")
def short():
    """settled_state on two points with rm3 swept (its per-point value must enter the rate),
    and the same two sweeps run here independently."""
    grid = {"glucose": [11.1], "rm3": [1e-4, 2e-3]}
    kw = dict(grid=grid, conditions=BATH, progress=False)
    got = bp.settled_state("beta_cell", t_end=T_SHORT, window=W_SHORT, **kw)
    a = bp.sweep("beta_cell", t_end=T_SHORT - W_SHORT, metrics=["steps"], final_state=True,
                 **kw)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        b = bp.sweep("beta_cell", t_end=W_SHORT, initial=a, final_state=True,
                     metrics=["mean_N6", "mean_fusion_rate"], **kw)
    return got, a, b


def test_projection_is_the_pool_balance_steady_state(short):
    """N6* = <N6> + D/lambda, lambda = rm3 + <fusion>/<N6> (1/s), D the drift over the window;
    the followers scaled by N6*/N6(end); every other state left as run, bit for bit."""
    got, a, b = short
    rm3 = np.array([1e-4, 2e-3])[None, :]
    mean = b.mean_N6.values
    lam = rm3 + b.mean_fusion_rate.values / mean
    drift = (b.final_N6.values - a.final_N6.values) / (W_SHORT / 1000.0)
    target = mean + drift / lam
    assert np.allclose(got.final_N6.values, target, rtol=1e-12)
    assert np.allclose(got.reservoir_tau.values, 1.0 / lam, rtol=1e-12)
    ratio = target / b.final_N6.values
    assert np.allclose(got.reservoir_ratio.values, ratio, rtol=1e-12)
    for s in FOLLOWERS:
        assert np.allclose(got[f"final_{s}"].values, b[f"final_{s}"].values * ratio,
                           rtol=1e-12), s
    for s in MODEL.state_names:
        if s not in FOLLOWERS and s != "N6":
            assert np.array_equal(got[f"final_{s}"].values, b[f"final_{s}"].values), s
    # a larger undocking rate gives a faster, lower reservoir: the swept rm3 was used
    assert got.reservoir_tau.values[0, 1] < got.reservoir_tau.values[0, 0]
    assert got.final_N6.values[0, 1] < got.final_N6.values[0, 0]
    assert (got.status.values == 0).all()


def test_result_starts_a_sweep_warm_without_the_settling_warning(short):
    got = short[0]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = bp.sweep("beta_cell", grid={"glucose": [11.1], "rm3": [1e-4, 2e-3]},
                       conditions=BATH, t_end=1000.0, initial=got, metrics=["insulin_rate"],
                       progress=False)
    assert res.warm_start.values.all()
    assert "settled" in got.attrs


def test_cold_sweep_warns_and_names_settled_state():
    with pytest.warns(UserWarning, match="settled_state"):
        bp.sweep("beta_cell", grid={"K_o": [5.4]}, conditions=BATH, t_end=1000.0,
                 metrics=["insulin_rate"], progress=False, dry_run=True)


def test_point_failed_in_the_first_run_is_not_handed_on(monkeypatch):
    """A point whose first run did not finish has NaN final states and that run's status, so
    that a sweep from the result starts it from the model's initial state (warm_start False)
    instead of from a short cold run presented as settled."""
    sweep_module = sys.modules["biophys.sweep"]
    real = sweep_module.sweep
    calls = []

    def fake(*args, **kw):
        ds = real(*args, **kw)
        calls.append(kw["t_end"])
        if len(calls) == 1:  # the first run: point 0 "blew up"
            ds["status"].values[0] = 1
            for s in MODEL.state_names:
                ds[f"final_{s}"].values[0] = np.nan
        return ds

    monkeypatch.setattr(sweep_module, "sweep", fake)
    with pytest.warns(UserWarning, match="settled_state: 1 of 2 points did not finish ok"):
        got = bp.settled_state("beta_cell", grid={"K_o": [5.4, 8.0]}, conditions=BATH,
                               t_end=T_SHORT, window=W_SHORT, progress=False)
    monkeypatch.undo()
    assert calls == [T_SHORT - W_SHORT, W_SHORT]
    assert got.status.values.tolist() == [1, 0]
    assert np.isnan(got.final_V.values[0]) and np.isnan(got.final_N6.values[0])
    assert np.isfinite(got.reservoir_ratio.values[1]) and np.isnan(got.reservoir_ratio.values[0])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = bp.sweep("beta_cell", grid={"K_o": [5.4, 8.0]}, conditions=BATH, t_end=100.0,
                       initial=got, metrics=["mean_V"], progress=False)
    assert res.warm_start.values.tolist() == [False, True]


#: Step of the 3 h continuation, ms: 0.25 ms gives insulin within 0.2 % and burst periods
#: within 0.3 % of 0.1 ms at all three points over 9000-10 800 s (review 57), 2.5x cheaper;
#: 0.5 ms does not do at low Mg_o (tests/test_beta_cell_low_mg_step.py).
DT_LATE = 0.25


@pytest.mark.slow
def test_settled_insulin_matches_three_hour_runs():
    """After settled_state (300 s) and the main job's 480 s run (metrics over 300-480 s),
    insulin is within 2 % of its value over 9000-10 800 s of a cold run (the reserve pool
    relaxed by itself), where the cold 480 s run reads more than 10 % above. Points: 5.4 mM
    K_o at 0.25 and 0.1 mM Mg_o (bursts of about 88 s and longer) and 8 mM K_o. Measured in
    review 57 with the 3 h runs at 0.1 ms: settled -0.14, +1.06, +0.002 % against cold
    +19, +19, +15 %. (Session 56 measured +4.1 and +1.8 % at low Mg_o against continuations at
    0.5 ms, which at 0.25 mM Mg_o had tipped the cell into its second, coexisting pattern of
    43-44 s bursts (tests/test_beta_cell_low_mg_step.py); the burst-period check below guards
    against comparing across the two patterns.)"""
    pts = {"K_o": [5.4, 5.4, 8.0], "Mg_o": [0.25, 0.1, 1.0]}
    kw = dict(points=pts, conditions=BATH, progress=False)
    metrics = ["insulin_rate", "burst_period"]
    settled = bp.settled_state("beta_cell", **kw)
    warm = bp.sweep("beta_cell", t_end=480e3, warmup=300e3, initial=settled, metrics=metrics,
                    **kw)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the cold runs warn that they read the transient
        cold = bp.sweep("beta_cell", t_end=480e3, warmup=300e3, metrics=metrics,
                        final_state=True, **kw)
        late = bp.sweep("beta_cell", t_end=10_800e3 - 480e3, warmup=9000e3 - 480e3,
                        dt=DT_LATE, initial=cold, metrics=metrics, **kw)
    ref = late.insulin_rate.values
    assert np.all(np.abs(warm.insulin_rate.values / ref - 1.0) < 0.02), (
        warm.insulin_rate.values, ref)
    assert np.all(cold.insulin_rate.values / ref - 1.0 > 0.1), (cold.insulin_rate.values, ref)
    # 0.25 mM Mg_o: the 3 h run keeps the bursts measured after settling (about 88 s)
    assert late.burst_period.values[0] == pytest.approx(warm.burst_period.values[0], rel=0.01)


# ---- the [settle] table of `biophys sweep` ----------------------------------------------------
BETA_SETTLE = """
model = "beta_cell"
t_end = 1000.0
metrics = ["insulin_rate"]

[settle]
t_end = 2000.0
window = 1000.0

[grid]
K_o = [5.4, 8.0]
"""


def test_cli_settles_before_the_sweep(tmp_path, capsys):
    """The CLI runs settled_state with the [settle] times and the sweep's points, then the
    sweep from its result: the same numbers as those two calls made directly."""
    from sweep_cli_data import run, write

    out = tmp_path / "r.nc"
    assert run([str(write(tmp_path, BETA_SETTLE)), "--out", str(out), "--no-progress"]) == 0
    assert "settling the reserve pool: 2 s per point" in capsys.readouterr().err
    got = bp.open_sweep(out)
    assert got.warm_start.values.all()
    kw = dict(grid={"K_o": [5.4, 8.0]}, progress=False)
    settled = bp.settled_state("beta_cell", t_end=2000.0, window=1000.0, **kw)
    direct = bp.sweep("beta_cell", t_end=1000.0, metrics=["insulin_rate"], initial=settled,
                      **kw)
    assert np.array_equal(got.insulin_rate.values, direct.insulin_rate.values)


@pytest.mark.parametrize("extra, args, message", [
    ('checkpoint = "ck/"\n', [], r"\[settle\] runs every point before the sweep"),
    ("", ["--checkpoint", "ck"], r"--checkpoint with \[settle\]"),
    ("", ["--shard", "1/2", "--checkpoint", "ck"], r"with \[settle\] in .*: the settling run"),
])
def test_cli_settle_refused_with_a_checkpoint(tmp_path, capsys, extra, args, message):
    from sweep_cli_data import run, write

    cfg = write(tmp_path, extra + BETA_SETTLE)
    assert run([str(cfg), *args]) != 0
    assert re.search(message, capsys.readouterr().err)


def test_cli_settle_bad_times_are_named(tmp_path, capsys):
    from sweep_cli_data import run, write

    cfg = write(tmp_path, BETA_SETTLE.replace("window = 1000.0", "window = 5000.0"))
    assert run([str(cfg)]) != 0
    err = capsys.readouterr().err
    assert "[settle] settling window = 5000.0 ms must be in (0, 2000)" in err, err
    cfg = write(tmp_path, BETA_SETTLE.replace("window = 1000.0", 'window = "1s"'))
    assert run([str(cfg)]) != 0
    assert "[settle] window = '1s' must be a number (ms)" in capsys.readouterr().err


def test_cli_ctrl_c_while_settling_does_not_suggest_a_checkpoint(tmp_path, capsys,
                                                                 monkeypatch):
    """Ctrl-C during the [settle] run said "with --checkpoint DIR the finished chunks are
    kept", an option the same command then refuses with [settle]; the line names the way
    that works (settled_state in Python, its result as initial= with a checkpoint)."""
    from sweep_cli_data import run, write

    import biophys.settle

    def ctrl_c(*a, **k):
        raise KeyboardInterrupt

    monkeypatch.setattr(biophys.settle, "settled_state", ctrl_c)
    assert run([str(write(tmp_path, BETA_SETTLE)), "--out", str(tmp_path / "r.nc"),
                "--no-progress"]) == 130
    last = capsys.readouterr().err.splitlines()[-1]
    assert last.startswith("biophys sweep: interrupted; nothing was saved"), last
    assert "--checkpoint" not in last and "biophys.settled_state" in last, last
    assert "initial=" in last and "checkpoint=" in last, last
