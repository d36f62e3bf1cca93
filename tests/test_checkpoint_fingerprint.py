"""A checkpoint is never reused for inputs or code that would give other numbers: the stimulus
is fingerprinted by its exact waveform (not its rounded, elided ``repr``), the package's Python
sources are in the settings hash, every chunk carries the hash and its points (chunks without a
manifest, or of another checkpoint, are not adopted), and a dry run checks the checkpoint as the
run would, writing nothing."""

import json
import shutil
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from sweep_cli_data import run, write

from biophys import Steps, VoltageClamp
from biophys.sweep import sweep

KW = dict(grid={"I_app": [0.0, 5.0, 10.0, 20.0]}, t_end=5.0, metrics=["mean_V"], chunk_size=2,
          progress=False)


def _chunks_run(ck, **kw):
    """The sweep of ``KW`` (updated by ``kw``) with checkpoint ``ck``, and the chunks it
    computed (not read from the checkpoint)."""
    done = []
    ds = sweep("hh1952", checkpoint=ck, callback=lambda k, *a: done.append(k), **{**KW, **kw})
    return ds, done


@pytest.mark.parametrize("first, second", [
    # differ in the 10th significant digit: equal reprs (8 digits)
    (Steps(np.array([0.0, 2.0]), np.array([10.0, 20.0])),
     Steps(np.array([0.0, 2.0]), np.array([10.0, 20.000000001]))),
    # 2000 samples, one per 0.01 ms step: both reprs elide the middle, where they differ
    (Steps(np.arange(2000) * 0.01, np.zeros(2000)),
     Steps(np.arange(2000) * 0.01, np.where((np.arange(2000) >= 200)
                                            & (np.arange(2000) < 1500), 30.0, 0.0))),
], ids=["tenth_digit", "long_arrays"])
def test_a_stimulus_with_the_same_repr_is_not_the_same_checkpoint(tmp_path, first, second):
    assert repr(first) == repr(second)  # what the checkpoint used to compare
    sweep("hh1952", checkpoint=tmp_path / "ck", stimulus=first, **KW)
    with pytest.raises(ValueError, match=r"different settings \(differing: stimulus\)"):
        sweep("hh1952", checkpoint=tmp_path / "ck", stimulus=second, **KW)
    a, b = (sweep("hh1952", stimulus=s, dry_run=True, **KW) for s in (first, second))
    assert a.attrs["stimulus_digest"] != b.attrs["stimulus_digest"]
    assert a.attrs["settings_hash"] != b.attrs["settings_hash"]
    assert a.attrs["stimulus"] == repr(first)  # the description, still readable


def test_the_same_stimulus_as_list_or_tuple_resumes_the_checkpoint(tmp_path):
    """The same waveform given as a list, a tuple or an array is the same stimulus: its
    repr differed, so a resume was refused."""
    first, done = _chunks_run(tmp_path / "ck", stimulus=Steps([0.0, 2.0], [10.0, 20.0]))
    assert done == [0, 1]
    for same in (Steps((0.0, 2.0), (10.0, 20.0)), Steps(np.array([0, 2]), np.array([10, 20]))):
        again, done = _chunks_run(tmp_path / "ck", stimulus=same)
        assert done == []  # everything read from the checkpoint
        np.testing.assert_array_equal(again["mean_V"].values, first["mean_V"].values)
        assert again.attrs["stimulus_digest"] == first.attrs["stimulus_digest"]


def test_clamp_steps_in_the_tenth_digit_are_other_settings(tmp_path):
    """Clamp steps given as an array: its repr rounds the levels to 8 digits."""
    first, second = (VoltageClamp(-65.0, np.array([[level, 2.0]]))
                     for level in (-20.0, -20.000000001))
    assert repr(first) == repr(second)
    sweep("hh1952", checkpoint=tmp_path / "ck", stimulus=first, **KW)
    with pytest.raises(ValueError, match=r"different settings \(differing: stimulus\)"):
        sweep("hh1952", checkpoint=tmp_path / "ck", stimulus=second, **KW)


SCRIPT = textwrap.dedent("""
    import sys, warnings
    warnings.simplefilter("ignore")
    sys.path.insert(0, sys.argv[1])
    import biophys
    assert biophys.__file__.startswith(sys.argv[1]), biophys.__file__
    kw = dict(grid={"I_app": [0.0, 10.0]}, t_end=2.0, metrics=["mean_V"], progress=False)
    ds = biophys.sweep("hh1952", dry_run=True, **kw)
    print(ds.attrs.get("biophys_source_hash"), ds.attrs["settings_hash"])
    try:
        biophys.sweep("hh1952", checkpoint=sys.argv[2], **kw)
        print("ran")
    except ValueError as exc:
        print(exc)
""")


def test_an_edit_to_the_python_sources_refuses_the_checkpoint(tmp_path):
    """Two copies of the package, one with an edited metrics.py (Python code that shapes the
    numbers, outside the kernels): other sources hash, other settings, the checkpoint that
    the first wrote is refused by the second."""
    import biophys

    src = biophys.__file__.rsplit("/", 1)[0]
    copies = [tmp_path / name for name in ("same", "edited")]
    for c in copies:
        shutil.copytree(src, c / "biophys", ignore=shutil.ignore_patterns("__pycache__"))
    with open(copies[1] / "biophys" / "metrics.py", "a") as f:
        f.write("\n_EDITED = True\n")
    ck = tmp_path / "ck"
    out = [subprocess.run([sys.executable, "-c", SCRIPT, str(c), str(ck)], capture_output=True,
                          text=True, timeout=600) for c in copies]
    for o in out:
        assert o.returncode == 0, o.stderr
    (h1, s1), ran1 = out[0].stdout.splitlines()[0].split(), out[0].stdout.splitlines()[1]
    (h2, s2), ran2 = out[1].stdout.splitlines()[0].split(), out[1].stdout.splitlines()[1]
    assert ran1 == "ran"
    assert "different settings (differing: sources)" in ran2
    assert s1 != s2 and h1 != h2 and len(h1) == 16  # recorded in the result


def test_chunks_without_their_manifest_are_refused(tmp_path):
    """Chunk files left in a directory whose manifest was deleted were adopted by a run of
    other settings (a new manifest written beside them): their numbers were returned."""
    ck = tmp_path / "ck"
    sweep("hh1952", checkpoint=ck, **KW)
    (ck / "manifest.json").unlink()
    with pytest.raises(ValueError, match=r"2 chunk file\(s\) .*'chunk_000000.npz'.* but no "
                                         r"manifest.json.*delete the directory"):
        sweep("hh1952", checkpoint=ck, params={"g_K": 1.0}, **KW)
    with pytest.raises(ValueError, match=r"but no manifest.json"):  # the same settings too
        sweep("hh1952", checkpoint=ck, **KW)
    assert sorted(p.name for p in ck.iterdir()) == ["chunk_000000.npz", "chunk_000001.npz"]


def test_a_chunk_of_another_checkpoint_or_place_is_recomputed(tmp_path):
    """Only a chunk written for this checkpoint's settings and at its own place is read:
    one copied in from another checkpoint, or moved to another index, is recomputed (both
    have the right arrays and shapes, which was all that was checked)."""
    mine, done = _chunks_run(tmp_path / "mine")
    other, _ = _chunks_run(tmp_path / "other", params={"g_K": 1.0})
    assert not np.array_equal(mine["mean_V"].values[2:], other["mean_V"].values[2:])
    shutil.copy(tmp_path / "other" / "chunk_000001.npz", tmp_path / "mine" / "chunk_000001.npz")
    again, done = _chunks_run(tmp_path / "mine")
    assert done == [1]
    np.testing.assert_array_equal(again["mean_V"].values, mine["mean_V"].values)
    shutil.copy(tmp_path / "mine" / "chunk_000000.npz", tmp_path / "mine" / "chunk_000001.npz")
    again, done = _chunks_run(tmp_path / "mine")
    assert done == [1]
    np.testing.assert_array_equal(again["mean_V"].values, mine["mean_V"].values)


def test_a_dry_run_checks_the_checkpoint_and_writes_nothing(tmp_path):
    ck = tmp_path / "ck"
    sweep("hh1952", checkpoint=ck, **KW)
    before = {p.name: p.read_bytes() for p in ck.iterdir()}
    with pytest.raises(ValueError, match=r"different settings \(differing: t_end\)"):
        sweep("hh1952", checkpoint=ck, dry_run=True, **{**KW, "t_end": 6.0})
    with pytest.raises(ValueError, match=r"uses chunk_size = 2; resume with chunk_size = 2"):
        sweep("hh1952", checkpoint=ck, dry_run=True, **{**KW, "chunk_size": 4})
    sweep("hh1952", checkpoint=ck, dry_run=True, **KW)  # the same settings: fine
    assert {p.name: p.read_bytes() for p in ck.iterdir()} == before
    (ck / "manifest.json").unlink()  # chunks without a manifest
    with pytest.raises(ValueError, match=r"but no manifest.json"):
        sweep("hh1952", checkpoint=ck, dry_run=True, **KW)
    data = tmp_path / "data"
    data.mkdir()
    (data / "notes.txt").write_text("mine")
    with pytest.raises(ValueError, match=r"'notes.txt'.*new or empty directory"):
        sweep("hh1952", checkpoint=data, dry_run=True, **KW)
    new = tmp_path / "new"
    sweep("hh1952", checkpoint=new, dry_run=True, **KW)
    assert not new.exists() and sorted(p.name for p in data.iterdir()) == ["notes.txt"]


CONFIG = """
model = "hh1952"
t_end = 5.0
metrics = ["mean_V"]
chunk_size = 2

[grid]
I_app = [0.0, 5.0, 10.0, 20.0]
"""


def test_cli_dry_run_refuses_what_the_run_refuses(tmp_path, capsys):
    """``biophys sweep b.toml --dry-run`` said "configuration ok" for a checkpoint that the
    real run refuses; a --chunk-size that the checkpoint refuses is named as the option."""
    a = write(tmp_path, CONFIG, "a.toml")
    b = write(tmp_path, CONFIG.replace("t_end = 5.0", "t_end = 6.0"), "b.toml")
    ck = str(tmp_path / "ck")
    assert run([str(a), "--checkpoint", ck, "--no-progress"]) == 0
    manifest = json.loads((tmp_path / "ck" / "manifest.json").read_text())
    capsys.readouterr()
    assert run([str(b), "--checkpoint", ck, "--dry-run"]) == 2
    captured = capsys.readouterr()
    assert "configuration ok" not in captured.out
    assert "b.toml: checkpoint" in captured.err and "differing: t_end" in captured.err
    assert run([str(a), "--checkpoint", ck, "--dry-run", "--chunk-size", "4"]) == 2
    err = capsys.readouterr().err
    assert "--chunk-size = 4: the checkpoint" in err and "--chunk-size 2" in err
    assert run([str(a), "--checkpoint", ck, "--dry-run"]) == 0
    assert "configuration ok" in capsys.readouterr().out
    assert json.loads((tmp_path / "ck" / "manifest.json").read_text()) == manifest
