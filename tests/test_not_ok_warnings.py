"""Runs not ok inside :func:`biophys.sensitivity` and :func:`biophys.hysteresis`: one warning per
call, in the caller's terms, instead of the inner sweeps' warnings.

``sensitivity`` runs its base points and perturbed runs as one sweep, whose warning counted
every run as a "point" (``7 of 10 points did not finish ok`` for 2 points); ``hysteresis``
silenced every warning of its step sweeps, so a run not ok went unmentioned.

The failing runs (as in ``tests/test_api_review56.py``): a membrane without conductances,
``C_m`` = 2e-3 uF/cm^2, moves ``V`` by ``I_app * 5 ms / C_m``: at -5e3 uA/cm^2 it has no
bounded solution and fails whatever the parameter; at 0.12 uA/cm^2 it climbs 300 mV from
-65 mV (ok, V's valid range ends at 300 mV), so the runs that raise ``I_app / C_m`` by
``e^0.5`` (``rel_step`` 0.5) leave the range and the others stay in it. The expected counts are
read from plain sweeps of the same runs, not from the code under test.
"""

from __future__ import annotations

import collections
import math
import re
import warnings

import numpy as np

import biophys as bp
from biophys._sweep_result import NOT_OK_WARNING, STATUS
from biophys.cli import main as cli_main
from biophys.continuation import HYSTERESIS_NOT_OK_WARNING
from biophys.sensitivity import SENSITIVITY_NOT_OK_WARNING, sensitivity

NOT_OK = "did not finish ok"
H = 0.5  # rel_step
I_APP, C_M = [-5.0e3, 0.12], 2.0e-3  # uA/cm^2, uF/cm^2
BARE = {"g_Na": 0.0, "g_K": 0.0, "g_L": 0.0}
SENS = dict(points={"I_app": I_APP}, t_end=5.0, rel_step=H, params={**BARE, "C_m": C_M},
            metrics=["mean_V"], progress=False)
# a lost branch of the leak-only membrane (tests/test_continuation.py): g_L = 0 fails
HYST = dict(t_end=5.0, warmup=1.0, metrics=["mean_V"], progress=False,
            params={"g_Na": 0.0, "g_K": 0.0, "C_m": 1e-3, "I_app": -1.0e4})


def _caught(call, *args, **kw):
    """``call(*args, **kw)`` and the warnings it gave that are about runs not ok (the filter
    pyproject.toml sets for the sweep's warning overridden: every warning is seen)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = call(*args, **kw)
    return out, [w for w in caught if NOT_OK in str(w.message)]


def _runs():
    """The runs of ``sensitivity("hh1952", ["I_app", "C_m"], **SENS)`` in its order (base
    points, then each parameter at p e^-h and p e^h), run by a plain sweep: their statuses."""
    i, c = np.array(I_APP), np.full(2, C_M)
    down, up = math.exp(-H), math.exp(H)
    table = {"I_app": np.concatenate([i, i * down, i * up, i, i]),
             "C_m": np.concatenate([c, c, c, c * down, c * up])}
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=NOT_OK_WARNING)
        ds = bp.sweep("hh1952", points=table, t_end=SENS["t_end"], params=BARE,
                      metrics=["mean_V"], progress=False)
    return ds["status"].values.reshape(5, 2), bp.status_text(ds).values.reshape(5, 2)


def _tally(names) -> str:
    """``"k 'name', ..."`` in the order of the status codes, as the warnings write it."""
    order = {v: k for k, v in STATUS.items()}
    counts = collections.Counter(names)
    return ", ".join(f"{counts[n]} {n!r}" for n in sorted(counts, key=order.__getitem__))


# -- sensitivity ---------------------------------------------------------------------------------
def test_sensitivity_counts_points_and_perturbed_runs_by_parameter_once():
    """Before: the sweep's "7 of 10 points did not finish ok", 2 points asked for."""
    status, names = _runs()
    bad = status != 0
    # the premise: a point failing everywhere, and one whose base run is ok but not all of
    # its perturbed runs
    assert bad[0].tolist() == [True, False] and bad[1:, 0].all() and 0 < bad[1:, 1].sum() < 4
    ds, said = _caught(sensitivity, "hh1952", ["I_app", "C_m"], **SENS)
    assert len(said) == 1 and said[0].category is UserWarning
    assert said[0].filename == __file__  # the caller's line
    msg = str(said[0].message)
    by = ", ".join(f"{q}: {int(bad[1 + 2 * k:3 + 2 * k].sum())} of 4"
                   for k, q in enumerate(["I_app", "C_m"]))
    assert msg.startswith(
        f"sensitivity: {int(bad[0].sum())} of 2 points {NOT_OK} in their unperturbed run, and "
        f"{int(bad[1:].sum())} of 8 perturbed runs did not ({by}): {_tally(names[bad])}. ")
    assert "status_perturbed" in msg and "retry={...}" in msg
    assert re_match(SENSITIVITY_NOT_OK_WARNING, msg)
    # what the message points at holds them
    assert ds["status"].values.tolist() == status[0].tolist()
    assert (ds["status_perturbed"].values > 0).tolist() == [
        (bad[1 + 2 * k] | bad[2 + 2 * k]).tolist() for k in range(2)]


def test_sensitivity_after_a_retry_and_dry_runs():
    """A run that failed its retry too is counted after the retry (no advice to retry); a dry
    run simulates nothing and says nothing."""
    ds, said = _caught(sensitivity, "hh1952", "I_app", **SENS, retry={"method": "rosenbrock"})
    assert ds["retried"].values[0] and ds["status"].values[0] > 0  # the premise
    assert len(said) == 1
    msg = str(said[0].message)
    assert msg.startswith("sensitivity: 1 of 2 points") and ", after a retry with the retry " \
        "settings: " in msg and "retry={...}" not in msg
    dry, said = _caught(sensitivity, "hh1952", "I_app", **SENS, dry_run=True)
    assert (dry["status"] == -1).all() and said == []


def test_sensitivity_shards_count_their_own_runs(tmp_path):
    """A shard's result also holds the runs other shards had stored: its warning counts its
    own runs only (round robin over chunks of 3 of the 10 runs), the assembling run all."""
    status, names = _runs()
    flat = status.ravel()  # run r: row r // 2, point r % 2
    kw = dict(SENS, checkpoint=tmp_path / "ck", chunk_size=3)  # chunks 0-2, 3-5, 6-8, 9
    for i in (0, 1):
        own = np.zeros(10, dtype=bool)
        for c in range(i, 4, 2):
            own[3 * c:3 * c + 3] = True
        mine = own.reshape(5, 2)
        bad = mine & (status != 0)
        ds, said = _caught(sensitivity, "hh1952", ["I_app", "C_m"], **kw, shard=f"{i}/2")
        assert ds.attrs["shard_points"] == own.sum()  # the premise: the layout assumed
        assert len(said) == 1
        msg = str(said[0].message)
        by = ", ".join(f"{q}: {int(bad[1 + 2 * k:3 + 2 * k].sum())} of "
                       f"{int(mine[1 + 2 * k:3 + 2 * k].sum())}"
                       for k, q in enumerate(["I_app", "C_m"]) if bad[1 + 2 * k:3 + 2 * k].any())
        assert msg.startswith(
            f"sensitivity: {int(bad[0].sum())} of {int(mine[0].sum())} points of shard {i}/2 "
            f"{NOT_OK} in their unperturbed run, and {int(bad[1:].sum())} of "
            f"{int(mine[1:].sum())} perturbed runs of shard {i}/2 did not ({by}): "
            f"{_tally(names.ravel()[own & (flat != 0)])}. ")
    whole, said = _caught(sensitivity, "hh1952", ["I_app", "C_m"], **kw)
    assert (whole["status"] != -1).all() and len(said) == 1
    assert str(said[0].message).startswith(
        f"sensitivity: {int((status[0] != 0).sum())} of 2 points {NOT_OK} in their unperturbed "
        f"run, and {int((status[1:] != 0).sum())} of 8 perturbed runs did not (")


def test_sensitivity_all_ok_says_nothing():
    _, said = _caught(sensitivity, "hh1952", "I_app", **{**SENS, "points": {"I_app": [0.01]}})
    assert said == []


# -- hysteresis ----------------------------------------------------------------------------------
def test_hysteresis_warns_once_for_the_whole_call_by_pass():
    """Before: the step sweeps' warnings were all silenced; nothing said a run was not ok."""
    ds, said = _caught(bp.hysteresis, "hh1952", "g_L", [0.0, 1.0e4], **HYST)
    st = ds["status"].values  # (direction, g_L)
    assert (st[:, 0] > 0).all() and (st[:, 1] == 0).all()  # the premise: g_L = 0 fails twice
    assert len(said) == 1 and said[0].category is UserWarning
    assert said[0].filename == __file__
    msg = str(said[0].message)
    names = bp.status_text(ds).values[st > 0]
    assert msg.startswith(
        f"hysteresis: 2 of {st.size} runs {NOT_OK} (up pass: 1 run at 1 step, g_L = 0 "
        f"mS/cm^2; down pass: 1 run at 1 step, g_L = 0 mS/cm^2): {_tally(names)}. ")
    assert "warm_start" in msg and "retry={...}" in msg
    assert re_match(HYSTERESIS_NOT_OK_WARNING, msg)


def test_hysteresis_counts_runs_over_its_grid_and_after_a_retry():
    """With other axes a step is several runs: the count is of runs, of all 2 x 2 x 2."""
    ds, said = _caught(bp.hysteresis, "hh1952", "g_L", [0.0, 1.0e4],
                       grid={"I_app": [-1.0e4, -5.0e3]}, retry={"method": "rosenbrock"},
                       **{**HYST, "params": {k: v for k, v in HYST["params"].items()
                                             if k != "I_app"}})
    st = ds["status"].transpose("direction", "g_L", "I_app").values
    assert (st[:, 0] > 0).all() and (st[:, 1] == 0).all()  # the premise
    assert len(said) == 1
    msg = str(said[0].message)
    assert msg.startswith(f"hysteresis: 4 of 8 runs {NOT_OK}, after a retry with the retry "
                          "settings (up pass: 2 runs at 1 step, g_L = 0 mS/cm^2; down pass: 2 "
                          "runs at 1 step, g_L = 0 mS/cm^2): ")
    assert "retry={...}" not in msg


def test_hysteresis_all_ok_says_nothing():
    ds, said = _caught(bp.hysteresis, "hh1952", "I_app", [0.0, 1.0], t_end=5.0, warmup=1.0,
                       metrics=["mean_V"], progress=False)
    assert (ds["status"] == 0).all() and said == []


def test_the_hysteresis_command_gives_the_warning_once(tmp_path, capsys):
    """``biophys hysteresis``: one warning line on stderr, the summary line with the same
    count on stdout."""
    cfg = tmp_path / "h.toml"
    cfg.write_text('model = "hh1952"\nt_end = 5.0\nwarmup = 1.0\nmetrics = ["mean_V"]\n'
                   '[params]\ng_Na = 0.0\ng_K = 0.0\nC_m = 1e-3\nI_app = -1e4\n'
                   '[hysteresis]\naxis = "g_L"\nvalues = [0.0, 1e4]\n')
    with warnings.catch_warnings():  # seen even if pyproject.toml comes to ignore it
        warnings.filterwarnings("default", message=HYSTERESIS_NOT_OK_WARNING)
        assert cli_main(["hysteresis", str(cfg), "--no-progress"]) == 0
    out, err = capsys.readouterr()
    lines = [line for line in err.splitlines() if NOT_OK in line]
    assert len(lines) == 1 and lines[0].startswith(
        f"biophys hysteresis: warning: hysteresis: 2 of 4 runs {NOT_OK} (")
    assert "(4 runs), 2 not ok" in out


def re_match(pattern: str, text: str) -> bool:
    """Whether ``warnings.filterwarnings(message=pattern)`` would catch ``text``."""
    return re.compile(pattern, re.I).match(text) is not None
