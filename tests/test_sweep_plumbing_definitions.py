"""Sweep plumbing (``biophys._retry``, ``biophys._checkpoint``, ``biophys._chunk``) at the
points that surviving mutants changed without any other test noticing (helper s42 mutB's
mutation review): the settings a retry inherits and its warnings, the failure codes that are
retried, the checkpoint's hashes and file handling, its refusal of a manifest of another format,
chunk files that do not fit, traces asked for out of order, and the default chunk size.

Expected values are worked out by hand (hashes from ``hashlib`` on the JSON text written out
here, chunk counts by ceiling division) or taken from a run where the property under test
cannot matter (one trace at a time, a plain sweep at the retry's settings).
"""

from __future__ import annotations

import hashlib
import json
import warnings

import numpy as np
import pytest

import biophys as bp
from biophys._checkpoint import (
    MANIFEST,
    Checkpoint,
    _atomic_write,
    array_digest,
    settings_hash,
    stored_chunks,
)
from biophys.sweep import default_chunk_size

#: hh1952 has four states (V, m, h, n) and a 0.01 ms step of its own
N_STATES = 4
DRY = dict(grid={"I_app": [0.0]}, t_end=1.0, dry_run=True, progress=False)


# -- retry settings ---------------------------------------------------------------------------
def test_an_error_controlled_retry_inherits_the_sweeps_tolerances():
    """Keys left out of ``retry`` are the sweep's own: a rosenbrock sweep at rtol 1e-7, atol
    1e-9 retried with ``adaptive`` runs the retry at those tolerances, not the defaults
    (1e-6, 1e-8)."""
    ds = bp.sweep("hh1952", method="rosenbrock", rtol=1e-7, atol=1e-9,
                  retry={"method": "adaptive"}, **DRY)
    assert json.loads(ds.attrs["retry"]) == {"method": "adaptive", "dt": 0.01, "rtol": 1e-7,
                                             "atol": [1e-9] * N_STATES}


def test_a_retry_at_other_tolerances_of_the_same_method_is_a_retry():
    """An adaptive sweep at the default tolerances retried at rtol 1e-8 integrates differently:
    accepted (not "repeats the sweep's own settings"), with the default atol filled in."""
    ds = bp.sweep("hh1952", method="adaptive", retry={"rtol": 1e-8}, **DRY)
    assert json.loads(ds.attrs["retry"]) == {"method": "adaptive", "dt": 0.01, "rtol": 1e-8,
                                             "atol": [1e-8] * N_STATES}


def test_a_coarse_retry_step_draws_the_coarse_step_warning():
    """The retry's fixed step is checked as the sweep's is: 0.5 ms is 50x hh1952's 0.01 ms."""
    with pytest.warns(UserWarning, match=r"dt = 0.5 ms is 50x the step of hh1952"):
        bp.sweep("hh1952", retry={"dt": 0.5}, **DRY)


def test_a_point_failing_with_a_step_size_underflow_is_retried():
    """Every status that is not ok is retried, not only 1 (non-finite): the runaway leak-only
    cell (no bounded solution) ends rosenbrock with status 3 (step size underflow); retried
    with rl2 it is marked, counted, and carries the retry's status, 1 (non-finite)."""
    res = bp.sweep("hh1952", points={"g_L": [0.0, 1.0e4]}, t_end=5.0, metrics=["mean_V"],
                   params={"g_Na": 0.0, "g_K": 0.0, "C_m": 1e-3, "I_app": -1.0e4},
                   method="rosenbrock", progress=False)
    assert res["status"].values.tolist() == [3, 0]  # the premise
    again = bp.sweep("hh1952", points={"g_L": [0.0, 1.0e4]}, t_end=5.0, metrics=["mean_V"],
                     params={"g_Na": 0.0, "g_K": 0.0, "C_m": 1e-3, "I_app": -1.0e4},
                     method="rosenbrock", retry={"method": "rl2"}, progress=False)
    assert again["retried"].values.tolist() == [True, False]
    assert again["status"].values.tolist() == [1, 0]
    assert (again.attrs["retried_points"], again.attrs["recovered_points"]) == (1, 0)


def test_a_checkpoint_is_refused_for_other_retry_settings(tmp_path):
    """The retry settings are part of what determines the numbers: a checkpoint written with
    one retry step is refused for another, naming ``retry``."""
    kw = dict(grid={"I_app": [0.0, 10.0]}, t_end=2.0, metrics=["mean_V"], progress=False)
    bp.sweep("hh1952", retry={"dt": 0.005}, checkpoint=tmp_path / "ck", **kw)
    with pytest.raises(ValueError, match=r"different settings \(differing: retry\)"):
        bp.sweep("hh1952", retry={"dt": 0.002}, checkpoint=tmp_path / "ck", **kw)


# -- checkpoint hashes ------------------------------------------------------------------------
def test_settings_hash_is_sha256_of_the_sorted_compact_json():
    """Key order is irrelevant (documented): both orders hash the text written out here."""
    text = '{"a":1,"b":[2.5,"x"]}'
    expected = hashlib.sha256(text.encode()).hexdigest()
    assert settings_hash({"a": 1, "b": [2.5, "x"]}) == expected
    assert settings_hash({"b": [2.5, "x"], "a": 1}) == expected


def test_array_digest_tells_shapes_and_dtypes_apart():
    """The same bytes in other shapes or another dtype are other arrays (design axes of 2 + 1
    values against 1 + 2; eight zero bytes as float64 or int64)."""
    one, two, three = np.array([1.0]), np.array([1.0, 2.0]), np.array([3.0])
    assert array_digest(two, three) != array_digest(one, np.array([2.0, 3.0]))
    flat = np.arange(6.0)
    assert array_digest(flat.reshape(2, 3)) != array_digest(flat.reshape(3, 2))
    assert array_digest(np.zeros(1)) != array_digest(np.zeros(1, dtype=np.int64))
    assert array_digest(two, three) == array_digest(two.copy(), three.copy())
    assert len(array_digest(two)) == 32


# -- checkpoint files -------------------------------------------------------------------------
def test_a_failed_write_leaves_no_file(tmp_path):
    """A write that fails part-way leaves neither the target nor its temporary file."""
    def fail(f):
        f.write(b"partial")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError, match="disk full"):
        _atomic_write(tmp_path / "chunk_000000.npz", fail)
    assert list(tmp_path.iterdir()) == []


def test_stored_chunks_counts_the_last_partial_chunk(tmp_path):
    """5 points in chunks of 2 are 3 chunks (the last holds one point)."""
    man = {"n_points": 5, "chunk_size": 2}
    (tmp_path / "chunk_000000.npz").write_bytes(b"")
    (tmp_path / "chunk_000002.npz").write_bytes(b"")
    assert stored_chunks(tmp_path, man) == (2, 3)


def test_open_sweep_counts_the_chunks_of_a_checkpoint(tmp_path):
    ck = tmp_path / "ck"
    bp.sweep("hh1952", grid={"I_app": [0.0, 5.0, 10.0]}, t_end=2.0, metrics=["mean_V"],
             chunk_size=2, checkpoint=ck, progress=False)
    with pytest.raises(ValueError, match=r"3 points: 2 of 2 chunks stored"):
        bp.open_sweep(ck)


def test_a_checkpoint_path_that_is_a_file_is_named(tmp_path):
    afile = tmp_path / "results.nc"
    afile.write_text("not a directory")
    with pytest.raises(ValueError, match=r"checkpoint = '.*results.nc' exists and is not a "
                                         r"directory"):
        bp.sweep("hh1952", grid={"I_app": [0.0]}, t_end=1.0, checkpoint=afile, progress=False)
    assert afile.read_text() == "not a directory"


def test_a_new_checkpoint_needs_a_chunk_size(tmp_path):
    with pytest.raises(ValueError, match="chunk_size is needed to start a new checkpoint"):
        Checkpoint(tmp_path / "ck", {"t_end": 1.0}, 4, None, ("status",))
    assert not (tmp_path / "ck" / MANIFEST).exists()


def test_a_manifest_of_another_format_is_refused(tmp_path):
    """Same settings hash, other format number: refused, the difference named as the format."""
    Checkpoint(tmp_path, {"t_end": 1.0}, 4, 2, ("status",))
    man = json.loads((tmp_path / MANIFEST).read_text())
    (tmp_path / MANIFEST).write_text(json.dumps({**man, "format": man["format"] + 1}))
    with pytest.raises(ValueError, match=r"different settings \(differing: format\)"):
        Checkpoint(tmp_path, {"t_end": 1.0}, 4, 2, ("status",))


def _chunks_recomputed(ck, kw) -> list[int]:
    done: list[int] = []
    bp.sweep("hh1952", checkpoint=ck, callback=lambda k, *a: done.append(k), **kw)
    return done


@pytest.mark.parametrize("damage", ["short", "missing_array"])
def test_a_chunk_file_that_does_not_fit_is_recomputed(tmp_path, damage):
    """A chunk file whose arrays are one point short, or which lacks an array, is not taken:
    that chunk alone is computed again, and the result is the uninterrupted one."""
    kw = dict(grid={"I_app": [0.0, 5.0, 10.0, 15.0]}, t_end=2.0, metrics=["mean_V"],
              chunk_size=2, progress=False)
    ck = tmp_path / "ck"
    first = bp.sweep("hh1952", checkpoint=ck, **kw)
    f = ck / "chunk_000001.npz"
    with np.load(f) as z:
        arrays = {k: z[k] for k in z.files}
    assert sorted(arrays) == ["mean_V", "status"]
    if damage == "short":
        arrays = {k: v[:1] for k, v in arrays.items()}
    else:
        del arrays["mean_V"]
    with f.open("wb") as fh:
        np.savez(fh, **arrays)
    assert _chunks_recomputed(ck, kw) == [1]
    again = bp.sweep("hh1952", checkpoint=ck, **kw)
    np.testing.assert_array_equal(again["mean_V"].values, first["mean_V"].values)
    np.testing.assert_array_equal(again["status"].values, first["status"].values)


# -- traces and chunks ------------------------------------------------------------------------
def test_traces_asked_for_out_of_order_belong_to_their_points():
    """``traces=[2, 0]``: the first trace is point 2's, the second point 0's, each equal to the
    trace of that point asked for alone: when point 2 is a retried one (recorded apart), and
    when both are recorded in one run."""
    kw = dict(grid={"I_app": [0.0, 10.0, 200.0]}, t_end=20.0, dt=1.0, method="rl2ab",
              metrics=["mean_V"], retry={"method": "rl2"}, progress=False, record=["V"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the coarse-step warning
        both = bp.sweep("hh1952", traces=[2, 0], **kw)
        alone = [bp.sweep("hh1952", traces=[i], **kw)["trace_V"].values[0] for i in (2, 0)]
    assert both["retried"].values[[2, 0]].tolist() == [True, False]  # the premise
    assert both["trace"].values.tolist() == [2, 0]
    np.testing.assert_array_equal(both["trace_V"].values[0], alone[0])
    np.testing.assert_array_equal(both["trace_V"].values[1], alone[1])
    assert not np.array_equal(alone[0], alone[1])
    np.testing.assert_array_equal(both["trace_I_app"].values, [200.0, 0.0])
    # both points run with the sweep's settings (one batch of traces, out of order)
    plain = dict(grid={"I_app": [0.0, 10.0, 20.0]}, t_end=20.0, metrics=["mean_V"],
                 progress=False)
    both = bp.sweep("hh1952", traces=[2, 0], **plain)["trace_V"].values
    alone = [bp.sweep("hh1952", traces=[i], **plain)["trace_V"].values[0] for i in (2, 0)]
    assert not np.array_equal(alone[0], alone[1])
    np.testing.assert_array_equal(both, np.stack(alone))


def test_traces_default_to_2000_intervals_or_every_step():
    """``record_every`` defaults to max(dt, t_end / 2000): 100 ms at hh1952's 0.01 ms step is
    sampled every 0.05 ms (2001 samples, not all 10 001 steps); 10 ms every step (1001)."""
    kw = dict(grid={"I_app": [0.0]}, metrics=["mean_V"], traces=[0], progress=False)
    long = bp.sweep("hh1952", t_end=100.0, **kw)
    assert long.sizes["time"] == 2001
    np.testing.assert_allclose(long["time"].values[[1, -1]], [0.05, 100.0], rtol=1e-12)
    short = bp.sweep("hh1952", t_end=10.0, **kw)
    assert short.sizes["time"] == 1001
    np.testing.assert_allclose(short["time"].values[[1, -1]], [0.01, 10.0], rtol=1e-12)


@pytest.mark.parametrize("n_points, size", [(1, 128), (6400, 128), (6401, 192), (9600, 192),
                                            (9601, 256), (10_000, 256)])
def test_default_chunk_size(n_points, size):
    """About 50 chunks, whole 64-cell blocks, at least two blocks: ceil(n / 50) rounded up to
    a multiple of 64, at least 128 (6401 points: ceil = 129 -> 192; 9601: 193 -> 256)."""
    assert default_chunk_size(n_points) == size
