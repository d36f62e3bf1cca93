"""Sharded sweeps (``sweep(shard=...)``, ``biophys sweep --shard``): shards fill one checkpoint,
the assembling run computes nothing they did and equals the unsharded sweep bit for bit."""

from __future__ import annotations

import json
import subprocess
import sys
import warnings

import numpy as np
import pytest

import biophys as bp
from biophys import _shard
from biophys.cli import main
from biophys.sweep import STATUS, status_text

KW = dict(grid={"I_app": np.linspace(0.0, 20.0, 40)}, t_end=60.0,
          metrics=["spike_count", "mean_V"], progress=False, chunk_size=8)  # 5 chunks


def _same(a, b) -> None:
    for v in ("spike_count", "mean_V", "status"):
        np.testing.assert_array_equal(a[v].values, b[v].values)


@pytest.fixture(scope="module")
def full():
    return bp.sweep("hh1952", **KW)


def test_parse_shard_forms():
    assert _shard.parse_shard(None) is None
    assert _shard.parse_shard("3/16") == (3, 16)
    assert _shard.parse_shard(" 0 / 1 ") == (0, 1)
    assert _shard.parse_shard((2, 5)) == (2, 5)
    assert _shard.parse_shard((np.int64(1), np.int32(2))) == (1, 2)
    for bad in ("16/16", "-1/4", "1/0", "a/b", "3", "1/2/3", (1,), (True, 2), (0.5, 2),
                (1, 2, 3), 7):
        with pytest.raises(ValueError, match="shard"):
            _shard.parse_shard(bad)


def test_slurm_environment():
    env = {"SLURM_ARRAY_TASK_ID": "5", "SLURM_ARRAY_TASK_MIN": "1",
           "SLURM_ARRAY_TASK_MAX": "16", "SLURM_ARRAY_TASK_COUNT": "16"}
    assert _shard.parse_shard("slurm", env) == (4, 16)  # counted from the lowest index
    assert _shard.parse_shard("SLURM", {**env, "SLURM_ARRAY_TASK_ID": "16"}) == (15, 16)
    # --array=0-30:2 (16 tasks over 31 indices) and --array=1,5,9 cannot be placed
    stepped = {**env, "SLURM_ARRAY_TASK_MIN": "0", "SLURM_ARRAY_TASK_MAX": "30",
               "SLURM_ARRAY_TASK_ID": "4"}
    with pytest.raises(ValueError, match="consecutive indices"):
        _shard.parse_shard("slurm", stepped)
    listed = {"SLURM_ARRAY_TASK_ID": "5", "SLURM_ARRAY_TASK_MIN": "1",
              "SLURM_ARRAY_TASK_MAX": "9", "SLURM_ARRAY_TASK_COUNT": "3"}
    with pytest.raises(ValueError, match="consecutive indices"):
        _shard.parse_shard("slurm", listed)
    with pytest.raises(ValueError, match="not set: SLURM_ARRAY_TASK_ID"):
        _shard.parse_shard("slurm", {k: v for k, v in env.items()
                                     if k != "SLURM_ARRAY_TASK_ID"})
    with pytest.raises(ValueError, match="not integers"):
        _shard.parse_shard("slurm", {**env, "SLURM_ARRAY_TASK_ID": "x"})


def test_shards_fill_the_checkpoint_and_the_assembly_equals_the_plain_sweep(tmp_path, full):
    calls: list[tuple[int, int, int]] = []
    a = bp.sweep("hh1952", **KW, checkpoint=tmp_path, shard="1/2",
                 callback=lambda *c: calls.append(c))
    assert calls == [(1, 1, 2), (3, 2, 2)]  # chunks 1 and 3 of 0..4, counted per shard
    assert a.attrs["shard"] == "1/2" and a.attrs["pending_points"] == 24
    assert a.attrs["shard_points"] == 16 and a.attrs["shard_not_ok"] == 0
    assert json.loads(a.attrs["status_counts"]) == {"not simulated": 24, "ok": 16}
    mine = np.zeros(40, bool)
    mine[8:16] = mine[24:32] = True
    np.testing.assert_array_equal(a["status"].values == 0, mine)
    assert set(status_text(a).values[~mine]) == {"not simulated"}
    assert np.isnan(a["mean_V"].values[~mine]).all()
    np.testing.assert_array_equal(a["mean_V"].values[mine], full["mean_V"].values[mine])
    # the other shard finds shard 1's chunks and leaves them alone; then nothing is pending
    calls.clear()
    b = bp.sweep("hh1952", **KW, checkpoint=tmp_path, shard=(0, 2),
                 callback=lambda *c: calls.append(c))
    assert [c[0] for c in calls] == [0, 2, 4] and b.attrs["pending_points"] == 0
    _same(b, full)
    calls.clear()
    c = bp.sweep("hh1952", **KW, checkpoint=tmp_path, callback=lambda *c: calls.append(c))
    assert calls == []  # the assembling run simulates nothing
    assert "shard" not in c.attrs and "pending_points" not in c.attrs
    _same(c, full)


def test_assembly_computes_what_the_shards_left(tmp_path, full):
    bp.sweep("hh1952", **KW, checkpoint=tmp_path, shard="2/3")  # chunk 2 only
    calls: list[tuple[int, int, int]] = []
    c = bp.sweep("hh1952", **KW, checkpoint=tmp_path, callback=lambda *c: calls.append(c))
    assert [k for k, _, _ in calls] == [0, 1, 3, 4]
    _same(c, full)


def test_more_shards_than_chunks_and_rerun_shard(tmp_path, full):
    with pytest.warns(UserWarning, match="only 5 chunks of 8 points, so this shard has none"):
        empty = bp.sweep("hh1952", **KW, checkpoint=tmp_path, shard="6/7")  # no chunk 6
    assert (empty["status"].values == -1).all() and empty.attrs["pending_points"] == 40
    bp.sweep("hh1952", **KW, checkpoint=tmp_path, shard="0/1")
    calls: list = []
    again = bp.sweep("hh1952", **KW, checkpoint=tmp_path, shard="0/1",
                     callback=lambda *c: calls.append(c))
    assert calls == []  # a rerun (e.g. after pre-emption) redoes nothing
    _same(again, full)


def test_shards_retry_their_points_and_leave_traces_to_the_assembling_run(tmp_path):
    """The retry runs inside each shard, right after the chunk, and is checkpointed with it:
    the assembling run computes (and retries) nothing, and equals the unsharded sweep."""
    # hh1952 at dt = 1 ms: rl2ab blows up at the larger currents, rl2 does not
    kw = dict(grid={"I_app": np.linspace(0.0, 200.0, 16)}, t_end=300.0, dt=1.0,
              method="rl2ab", metrics=["mean_V"], progress=False, chunk_size=4,
              retry={"method": "rl2"}, traces=[0, 15])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the coarse-step warning
        plain = bp.sweep("hh1952", **kw)
        assert 0 < int(plain["retried"].sum()) < 16 and (plain["status"] == 0).all()
        a = bp.sweep("hh1952", **kw, checkpoint=tmp_path, shard="0/2")
        assert not any(str(v).startswith("trace_") for v in a.data_vars)
        done = a["status"].values != -1
        np.testing.assert_array_equal(a["retried"].values[done], plain["retried"].values[done])
        assert a.attrs["retried_points"] == int(plain["retried"].values[done].sum())
        bp.sweep("hh1952", **kw, checkpoint=tmp_path, shard="1/2")
        calls: list = []
        c = bp.sweep("hh1952", **kw, checkpoint=tmp_path, callback=lambda *x: calls.append(x))
    assert calls == []
    for v in ("mean_V", "status", "retried", "trace_V"):
        np.testing.assert_array_equal(c[v].values, plain[v].values)
    assert c.attrs["retried_points"] == plain.attrs["retried_points"]


def test_shard_errors(tmp_path):
    with pytest.raises(ValueError, match="needs checkpoint="):
        bp.sweep("hh1952", **KW, shard="0/2")
    with pytest.raises(ValueError, match=r"0 <= i < n"):
        bp.sweep("hh1952", **KW, checkpoint=tmp_path, shard="2/2")
    bp.sweep("hh1952", **KW, checkpoint=tmp_path, shard="0/2")
    with pytest.raises(ValueError, match="different settings"):  # another sweep's shard
        bp.sweep("hh1952", **dict(KW, t_end=50.0), checkpoint=tmp_path, shard="1/2")


def test_sensitivity_shards_and_hysteresis_refuses_them(tmp_path):
    kw = dict(grid={"I_app": np.linspace(5.0, 20.0, 6)}, t_end=60.0, metrics=["mean_V"],
              parameters=["g_Na"], progress=False, chunk_size=4)  # 18 runs, 5 chunks
    full = bp.sensitivity("hh1952", **kw)
    part = bp.sensitivity("hh1952", **kw, checkpoint=tmp_path, shard="0/2")
    assert part.attrs["shard"] == "0/2" and part.attrs["pending_points"] == 8  # runs
    # rows: 6 base runs, 6 at 1 - h, 6 at 1 + h; shard 0 ran rows 0-3, 8-11 and 16-17
    st = part["status_perturbed"].values[0]
    np.testing.assert_array_equal(st, [-1, -1, -1, -1, 0, 0])  # either perturbed run missing
    assert np.isnan(part["d_mean_V"].values[0, :4]).all()
    whole = bp.sensitivity("hh1952", **kw, checkpoint=tmp_path)
    for v in full.data_vars:
        np.testing.assert_array_equal(whole[v].values, full[v].values)
    with pytest.raises(ValueError, match="shard= is not available in hysteresis"):
        bp.hysteresis("hh1952", "I_app", [0.0, 10.0], t_end=20.0, warmup=0.0, shard="0/2")


def test_dry_run_names_the_not_simulated_status():
    ds = bp.sweep("hh1952", **KW, dry_run=True)
    assert set(status_text(ds).values.ravel()) == {"not simulated"}
    assert STATUS[-1] == "not simulated"


CONFIG = """
model = "hh1952"
t_end = 60.0
metrics = ["spike_count", "mean_V"]
chunk_size = 8
checkpoint = "{ckpt}"
[grid]
I_app = {{start = 0.0, stop = 20.0, num = 40}}
[output]
out = "{out}"
"""


def test_cli_shards_run_concurrently_then_assemble(tmp_path, full):
    """Two shard processes started together on a fresh checkpoint (both create it), then the
    assembling command: same numbers as the plain sweep, and the shards wrote no results
    file although the configuration names one."""
    cfg = tmp_path / "s.toml"
    out = tmp_path / "r.nc"
    cfg.write_text(CONFIG.format(ckpt=tmp_path / "ckpt", out=out))
    procs = [subprocess.Popen([sys.executable, "-m", "biophys.cli", "sweep", str(cfg),
                               "--shard", f"{i}/2", "--no-progress"], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for i in range(2)]
    outs = [p.communicate(timeout=600) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    for i, (stdout, _) in enumerate(outs):
        assert f"hh1952 shard {i}/2: {(24, 16)[i]} points (0 not ok); the checkpoint" in stdout
    assert not out.exists()
    assert main(["sweep", str(cfg), "--no-progress"]) == 0
    _same(bp.open_sweep(out), full)


def test_cli_shard_errors(tmp_path, capsys, monkeypatch):
    for var in _shard.SLURM_VARS:
        monkeypatch.delenv(var, raising=False)
    cfg = tmp_path / "s.toml"
    cfg.write_text(CONFIG.format(ckpt=tmp_path / "ckpt", out=tmp_path / "r.nc"))
    assert main(["sweep", str(cfg), "--shard", "0/2", "--out", str(tmp_path / "x.nc")]) == 2
    assert "give --out and --plot to the assembling run" in capsys.readouterr().err
    nock = tmp_path / "n.toml"
    nock.write_text(cfg.read_text().replace(f'checkpoint = "{tmp_path / "ckpt"}"', ""))
    assert main(["sweep", str(nock), "--shard", "0/2"]) == 2
    assert "--shard needs a checkpoint directory" in capsys.readouterr().err
    assert main(["sweep", str(cfg), "--shard", "slurm"]) == 2  # not inside a job array
    assert "not set: SLURM_ARRAY_TASK_ID" in capsys.readouterr().err
    assert main(["sweep", str(cfg), "--shard", "3of4"]) == 2
    assert "shard = '3of4' must be" in capsys.readouterr().err
    assert not (tmp_path / "ckpt").exists()  # every error comes before anything is written


def test_two_runs_starting_one_checkpoint_cannot_both_write_the_manifest(tmp_path,
                                                                         monkeypatch):
    """The race of two shards with different settings on a fresh directory: both find no
    manifest; the second to write must then check against the first's, not replace it."""
    from pathlib import Path

    from biophys._checkpoint import MANIFEST, Checkpoint

    Checkpoint(tmp_path, {"t_end": 60.0}, 40, None, ("a", "status"), new_chunk_size=8)
    real = Path.exists
    monkeypatch.setattr(Path, "exists", lambda p: False if p.name == MANIFEST else real(p))
    with pytest.raises(ValueError, match=r"different settings \(differing: t_end\)"):
        Checkpoint(tmp_path, {"t_end": 50.0}, 40, None, ("a", "status"), new_chunk_size=8)
    # same settings, no chunk size asked for: the first run's layout is adopted
    same = Checkpoint(tmp_path, {"t_end": 60.0}, 40, None, ("a", "status"), new_chunk_size=5)
    assert same.chunk_size == 8
    monkeypatch.undo()
    assert json.loads((tmp_path / MANIFEST).read_text())["settings"] == {"t_end": 60.0}
    assert not list(tmp_path.glob(".*tmp"))  # no temporary file left behind


def test_pending_points_count_the_chunks_missing_at_the_end(tmp_path, full):
    """A shard counted pending points from what the checkpoint held when it started: chunks
    another shard wrote meanwhile stayed "missing". Here shard 1/2 finishes while shard 0/2
    runs (from its first chunk's callback), so nothing is pending at the end."""
    def other_shard(k, n_done, n_mine):
        if n_done == 1:
            bp.sweep("hh1952", **KW, checkpoint=tmp_path, shard="1/2")

    b = bp.sweep("hh1952", **KW, checkpoint=tmp_path, shard="0/2", callback=other_shard)
    assert b.attrs["pending_points"] == 0
    assert b.attrs["shard_points"] == 24 and b.attrs["shard_not_ok"] == 0
    assert (b["status"].values == -1).sum() == 16  # shard 1's values are the assembly's to read
