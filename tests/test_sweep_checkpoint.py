"""Checkpoint/resume: atomic chunk files, resume after Ctrl-C or a killed process computes only
the missing chunks and gives the same result, other settings are refused."""

import dataclasses
import json
import os
import signal
import stat
import subprocess
import sys
import textwrap

import numpy as np
import pytest
import xarray as xr

from biophys.models import get_model
from biophys.sweep import default_chunk_size, sweep

GRID = {"I_app": np.linspace(0.0, 20.0, 20), "g_K": [30.0, 36.0, 42.0]}  # 60 points
KW = dict(grid=GRID, t_end=30.0, warmup=5.0, metrics=["mean_V", "spike_count", "max_I_Na"],
          progress=False)


def _same_numbers(a: xr.Dataset, b: xr.Dataset) -> None:
    for v in (*KW["metrics"], "status"):
        np.testing.assert_array_equal(a[v].values, b[v].values)
    for c in a.coords:
        np.testing.assert_array_equal(a[c].values, b[c].values)


@pytest.fixture(scope="module")
def uninterrupted():
    return sweep("hh1952", **KW)


class Stop(KeyboardInterrupt):
    pass


def test_interrupt_then_resume_computes_only_missing_chunks(tmp_path, uninterrupted):
    ck = tmp_path / "run"
    seen = []

    def stop_after_three(k, n_done, n_chunks):
        seen.append(k)
        if len(seen) == 3:
            raise Stop

    with pytest.raises(KeyboardInterrupt):
        sweep("hh1952", checkpoint=ck, chunk_size=8, callback=stop_after_three, **KW)
    files = sorted(p.name for p in ck.iterdir())
    assert files == ["chunk_000000.npz", "chunk_000001.npz", "chunk_000002.npz",
                     "manifest.json"]  # three chunks, no temporary files left
    resumed = []
    res = sweep("hh1952", checkpoint=ck, callback=lambda k, d, n: resumed.append((k, d, n)),
                **KW)
    assert [k for k, _, _ in resumed] == list(range(3, 8))  # 60 points / 8 = 8 chunks
    assert resumed[-1][1:] == (8, 8)
    _same_numbers(res, uninterrupted)
    again = []
    res2 = sweep("hh1952", checkpoint=ck, callback=lambda *a: again.append(a), **KW)
    assert again == []  # everything on disk: nothing recomputed
    _same_numbers(res2, uninterrupted)
    man = json.loads((ck / "manifest.json").read_text())
    assert man["chunk_size"] == 8 and man["n_points"] == 60 and len(man["hash"]) == 64
    assert man["settings"]["model"] == "hh1952"


def test_new_checkpoint_without_chunk_size_takes_the_default(tmp_path, uninterrupted):
    """A checkpoint can be started without ``chunk_size`` (the README's call): it takes the
    sweep's default layout, and a rerun finds every chunk on disk."""
    ck = tmp_path / "run"
    res = sweep("hh1952", checkpoint=ck, **KW)
    _same_numbers(res, uninterrupted)
    man = json.loads((ck / "manifest.json").read_text())
    assert man["chunk_size"] == default_chunk_size(60)
    again = []
    _same_numbers(sweep("hh1952", checkpoint=ck, callback=lambda *a: again.append(a), **KW),
                  uninterrupted)
    assert again == []


def test_checkpoint_for_other_settings_is_refused(tmp_path):
    ck = tmp_path / "run"
    sweep("hh1952", checkpoint=ck, chunk_size=32, **KW)
    for change, field in ((dict(t_end=31.0), "t_end"), (dict(params={"g_L": 0.2}), "parameters"),
                          (dict(metrics=["mean_V"]), "metrics"), (dict(dt=0.02), "dt"),
                          (dict(grid={**GRID, "g_K": [30.0, 36.0, 43.0]}), "values")):
        with pytest.raises(ValueError, match=f"different settings.*{field}"):
            sweep("hh1952", checkpoint=ck, **{**KW, **change})
    with pytest.raises(ValueError, match="chunk_size = 32"):
        sweep("hh1952", checkpoint=ck, chunk_size=16, **KW)
    other = dataclasses.replace(get_model("hh1952"), name="hh1952_copy")
    with pytest.raises(ValueError, match="different settings.*model"):
        sweep(other, checkpoint=ck, **KW)  # refused before anything is compiled


def test_directory_of_other_files_is_not_taken_over(tmp_path):
    """A new checkpoint in a directory that already holds other files (the user's data) is
    refused before anything is written there; an empty directory, and the manifest's own
    temporary file left by a run starting the same checkpoint, are accepted."""
    ck = tmp_path / "data"
    ck.mkdir()
    (ck / "notes.txt").write_text("mine")
    with pytest.raises(ValueError, match=r"'notes.txt'.*new or empty directory"):
        sweep("hh1952", checkpoint=ck, chunk_size=32, **KW)
    assert sorted(p.name for p in ck.iterdir()) == ["notes.txt"]
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / ".manifest.json.abc123.tmp").write_bytes(b"")  # a concurrent shard's
    sweep("hh1952", checkpoint=empty, chunk_size=32, **KW)
    assert (empty / "manifest.json").exists()


def test_damaged_chunk_is_recomputed(tmp_path, uninterrupted):
    ck = tmp_path / "run"
    sweep("hh1952", checkpoint=ck, chunk_size=16, **KW)
    (ck / "chunk_000001.npz").write_bytes(b"not an npz file")
    os.remove(ck / "chunk_000002.npz")
    redone = []
    res = sweep("hh1952", checkpoint=ck, callback=lambda k, *a: redone.append(k), **KW)
    assert redone == [1, 2]
    _same_numbers(res, uninterrupted)


SCRIPT = textwrap.dedent("""
    import sys, time
    import numpy as np
    from biophys.sweep import sweep
    grid = {"I_app": np.linspace(0.0, 20.0, 20), "g_K": [30.0, 36.0, 42.0]}
    def slow(k, n_done, n_chunks):
        print("chunk", k, flush=True)
        time.sleep(0.5)  # leave time for the kill between chunks
    sweep("hh1952", grid=grid, t_end=30.0, warmup=5.0, progress=False, chunk_size=4,
          metrics=["mean_V", "spike_count", "max_I_Na"], checkpoint=sys.argv[1], callback=slow)
    print("finished", flush=True)
""")


def test_killed_process_resumes(tmp_path, uninterrupted):
    ck = tmp_path / "run"
    proc = subprocess.Popen([sys.executable, "-c", SCRIPT, str(ck)], stdout=subprocess.PIPE,
                            text=True)
    try:
        n = 0
        while n < 2:  # wait for two chunks on disk, then kill -9
            line = proc.stdout.readline()  # "" once the process has ended
            assert line, "the sweep process ended early"
            n += line.startswith("chunk")
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
    finally:
        if proc.poll() is None:
            proc.kill()
    done = sorted(p.name for p in ck.glob("chunk_*.npz"))
    assert 2 <= len(done) < 15  # interrupted part-way (15 chunks in all)
    assert not list(ck.glob("*.tmp"))
    redone = []
    res = sweep("hh1952", checkpoint=ck, callback=lambda k, *a: redone.append(k), **KW)
    assert len(redone) == 15 - len(done)
    _same_numbers(res, uninterrupted)


SMALL = dict(grid={"I_app": [0.0, 5.0, 10.0, 15.0]}, t_end=2.0, metrics=["mean_V"],
             chunk_size=2, progress=False)


def _unknown_compression(data: bytes) -> bytes:
    """The archive with every member's compression method (local and central headers) set to
    99, which zipfile does not know: reading a member raises NotImplementedError."""
    b = bytearray(data)
    for sig, off in ((b"PK\x03\x04", 8), (b"PK\x01\x02", 10)):
        i = b.find(sig)
        assert i >= 0
        while i >= 0:
            b[i + off:i + off + 2] = (99).to_bytes(2, "little")
            i = b.find(sig, i + 4)
    return bytes(b)


@pytest.mark.parametrize("damage", ["truncated", "empty", "header"])
def test_truncated_or_empty_chunk_is_recomputed(tmp_path, damage):
    """A chunk file cut short (a copy or transfer of the directory that stopped part-way),
    empty, or with a damaged member header is unreadable: recomputed (it raised
    zipfile.BadZipFile, EOFError and, for the header, NotImplementedError on every resume,
    which the load did not catch)."""
    ck = tmp_path / "run"
    first = sweep("hh1952", checkpoint=ck, **SMALL)
    f = ck / "chunk_000001.npz"
    data = f.read_bytes()
    f.write_bytes({"truncated": data[: len(data) // 2], "empty": b"",
                   "header": _unknown_compression(data)}[damage])
    redone = []
    res = sweep("hh1952", checkpoint=ck, callback=lambda k, *a: redone.append(k), **SMALL)
    assert redone == [1]
    np.testing.assert_array_equal(res["mean_V"].values, first["mean_V"].values)


@pytest.mark.parametrize("content", ['["not", "a", "checkpoint"]',
                                     '{"name": "my-web-app", "version": "1.0"}'])
def test_a_manifest_of_another_program_is_named(tmp_path, content):
    """A directory holding another program's manifest.json (a common name) is not a biophys
    checkpoint: a named error (a JSON list raised AttributeError; a mapping was refused as
    "written for different settings", listing every setting as differing)."""
    ck = tmp_path / "run"
    ck.mkdir()
    (ck / "manifest.json").write_text(content)
    with pytest.raises(ValueError, match=r"manifest.json is not that of a biophys checkpoint"):
        sweep("hh1952", checkpoint=ck, **SMALL)
    assert sorted(p.name for p in ck.iterdir()) == ["manifest.json"]


def test_a_difference_in_the_sign_of_a_zero_is_named(tmp_path):
    """Settings are compared as hashed (JSON text): I_app = -0.0 against 0.0 differs there but
    compared equal as numbers, so the refusal named no setting ("differing: format")."""
    kw = dict(grid={"g_K": [36.0]}, t_end=1.0, metrics=["mean_V"], progress=False)
    sweep("hh1952", checkpoint=tmp_path / "run", params={"I_app": 0.0}, **kw)
    with pytest.raises(ValueError, match=r"different settings \(differing: parameters\)"):
        sweep("hh1952", checkpoint=tmp_path / "run", params={"I_app": -0.0}, **kw)



def test_checkpoint_files_get_the_umask_mode(tmp_path):
    """Chunks and the manifest were written through mkstemp, mode 0600 whatever the umask:
    the shards of a job run by several users of a group could not read each other's chunks.
    They get 0666 & ~umask, as open() would create them (0644 under the usual umask 022)."""
    umask = os.umask(0o022)
    os.umask(umask)
    ck = tmp_path / "run"
    sweep("hh1952", checkpoint=ck, **SMALL)
    files = sorted(ck.glob("*"))
    assert any(f.name == "manifest.json" for f in files) and len(files) >= 3
    for f in files:
        assert stat.S_IMODE(f.stat().st_mode) == 0o666 & ~umask, (f.name, oct(f.stat().st_mode))
