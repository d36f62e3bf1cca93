"""Review 56 of the API: a sweep with points not ok says so (one ``UserWarning``), a Mg2+-free
bath's range warning reads as information, and a ``reference`` that no rule reads is refused.

The failing points: hh1952 at a 1 ms fixed step (100x its own) with ``rl2ab`` blows up at the
larger applied currents and not at 0 (``tests/test_sweep_shard.py``), while ``rl2`` at that
step finishes every point; the leak-only cell driven by -1e4 uA/cm^2 has no bounded solution
(``tests/test_sweep_retry.py``), so it fails whatever the method.
"""

from __future__ import annotations

import collections
import json
import re
import warnings

import numpy as np
import pytest
from sweep_cli_data import run, write

import biophys as bp
from biophys import Solution
from biophys._bath import solution_from_table
from biophys.sweep import open_sweep

NOT_OK = "did not finish ok"
COARSE = dict(grid={"I_app": np.linspace(0.0, 200.0, 8)}, t_end=50.0, dt=1.0, method="rl2ab",
              metrics=["mean_V"], progress=False)
LEAK = dict(points={"g_L": [0.0, 1.0e4]}, t_end=5.0, metrics=["mean_V"], progress=False,
            params={"g_Na": 0.0, "g_K": 0.0, "C_m": 1e-3, "I_app": -1.0e4})


def _sweep(**kw):
    """``bp.sweep("hh1952", **kw)`` and the warnings it gave that are about points not ok."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ds = bp.sweep("hh1952", **kw)
    return ds, [w for w in caught if NOT_OK in str(w.message)]


def _by_name(ds) -> dict[str, int]:
    """How many points not ok end with each status, by the name status_text gives it."""
    names = bp.status_text(ds).values.ravel()[np.ravel(ds["status"].values) > 0]
    return dict(collections.Counter(names))


# -- 1. points not ok: one warning, by status, with where to find them -------------------------
def test_points_not_ok_draw_one_warning_with_their_count_by_status():
    """Before: nothing was said; a user reading only the metric maps saw NaN holes."""
    ds, said = _sweep(**COARSE)
    n_bad = int((ds["status"] != 0).sum())
    assert 0 < n_bad < ds["status"].size  # the premise: some points blew up, not all
    assert len(said) == 1 and said[0].category is UserWarning
    assert said[0].filename == __file__  # the caller's line, not biophys internals
    msg = str(said[0].message)
    assert msg.startswith(f"{n_bad} of {ds['status'].size} points {NOT_OK}: ")
    for name, count in _by_name(ds).items():
        assert f"{count} {name!r}" in msg
    assert "status variable" in msg and "bp.status_text(ds)" in msg
    assert "retry=" in msg  # a step failure, no retry given: how to rerun them


def test_recovered_points_are_ok_and_dry_runs_say_nothing():
    """Points whose retry succeeded end ok: no warning; nor from a dry run (status -1)."""
    ds, said = _sweep(**COARSE, retry={"method": "rl2"})
    assert ds["retried"].any() and (ds["status"] == 0).all()  # the premise
    assert said == []
    dry, said = _sweep(**COARSE, dry_run=True)
    assert (dry["status"] == -1).all() and said == []


def test_a_point_that_fails_its_retry_too_is_counted_after_the_retry():
    ds, said = _sweep(**LEAK, retry={"method": "rosenbrock"})
    assert ds["retried"].values.tolist() == [True, False] and ds["status"].values[0] > 0
    assert len(said) == 1
    msg = str(said[0].message)
    name = bp.status_text(ds).values[0]
    assert msg.startswith(f"1 of 2 points {NOT_OK}, after a retry with the retry settings: "
                          f"1 {name!r}")
    assert "retry={...}" not in msg  # it was retried: no advice to retry


def test_a_caller_running_sweeps_inside_can_filter_the_warning():
    """``NOT_OK_WARNING`` is the filter a caller that reports the points itself (hysteresis,
    settled_state) gives ``warnings.filterwarnings``: it silences this warning only."""
    from biophys._sweep_result import NOT_OK_WARNING

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warnings.filterwarnings("ignore", message=NOT_OK_WARNING)
        ds = bp.sweep("hh1952", **COARSE)
    assert (ds["status"] != 0).any()  # the premise
    assert not any(NOT_OK in str(w.message) for w in caught)
    assert any("coarse" in str(w.message) or "dt" in str(w.message) for w in caught)


def test_a_shard_counts_its_own_points_and_the_assembling_run_all(tmp_path):
    """A shard's result also holds the points other shards had stored (and -1 for those still
    missing): its warning counts only its own points, as its ``shard_not_ok`` does."""
    kw = dict(COARSE, checkpoint=tmp_path / "ck", chunk_size=2)  # 4 chunks of 2 points
    plain, _ = _sweep(**COARSE)
    first, said = _sweep(**kw, shard="0/2")
    assert (first["status"] == -1).sum() == 4  # shard 1's points not yet there
    assert first.attrs["shard_not_ok"] > 0  # the premise
    assert len(said) == 1 and str(said[0].message).startswith(
        f"{first.attrs['shard_not_ok']} of {first.attrs['shard_points']} points of shard 0/2 "
        f"{NOT_OK}: ")
    second, said = _sweep(**kw, shard="1/2")
    assert (second["status"] != -1).all()  # it read shard 0's points too
    assert len(said) == 1 and str(said[0].message).startswith(
        f"{second.attrs['shard_not_ok']} of {second.attrs['shard_points']} points of shard "
        f"1/2 {NOT_OK}: ")
    # a shard with no chunk of its own ran nothing: no warning about points not ok
    _, said = _sweep(**kw, shard="5/8")
    assert said == []
    whole, said = _sweep(**kw)
    np.testing.assert_array_equal(whole["status"].values, plain["status"].values)
    n_bad = int((plain["status"] != 0).sum())
    assert len(said) == 1 and str(said[0].message).startswith(f"{n_bad} of 8 points {NOT_OK}")


def test_the_cli_gives_the_warning_once_and_its_summary_line(tmp_path, capsys):
    """``biophys sweep``: one warning line on stderr (by status), then the summary line on
    stdout with the same count."""
    cfg = write(tmp_path, 'model = "hh1952"\nt_end = 50.0\ndt = 1.0\nmethod = "rl2ab"\n'
                'metrics = ["mean_V"]\n[grid]\nI_app = {start = 0.0, stop = 200.0, num = 8}\n')
    nc = tmp_path / "res.nc"
    with warnings.catch_warnings():  # pyproject.toml ignores it for the tests that fail points
        warnings.filterwarnings("default", message=r"\d+ of \d+ points")
        assert run([str(cfg), "--out", str(nc), "--no-progress"]) == 0
    out, err = capsys.readouterr()
    n_bad = int((open_sweep(nc)["status"] != 0).sum())
    assert 0 < n_bad
    lines = [line for line in err.splitlines() if NOT_OK in line]
    assert lines == [line for line in lines if line.startswith(
        f"biophys sweep: warning: {n_bad} of 8 points {NOT_OK}: ")] and len(lines) == 1
    assert f"hh1952: 8 points, {n_bad} not ok" in out


# -- 2. a Mg2+-free bath: information, no hint of a unit slip ----------------------------------
@pytest.mark.parametrize("make", [
    lambda: Solution(Mg_o=0.0),
    lambda: Solution.standard(Mg_o=0.0, substitution="constant_osmolarity"),
    lambda: bp.sweep("beta_cell", grid={"Mg_o": [0.0, 1.0]}, t_end=10.0, dry_run=True),
    lambda: bp.sweep("beta_cell", grid={"Mg_o": [0.0, 1.0]}, t_end=10.0, dry_run=True,
                     conditions=Solution.standard(substitution="constant_osmolarity")),
    lambda: bp.sweep("zg_cell", params={"Mg_o": 0.0}, t_end=10.0, grid={"K_o": [4.0]},
                     dry_run=True),
])
def test_a_mg_free_bath_is_valid_and_its_warning_suggests_no_unit_slip(make):
    """Mg_o = 0 mM is a standard protocol: accepted, with one UserWarning that states the
    physiological range and suggests neither an error nor a unit typed wrong."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        make()
    said = [str(w.message) for w in caught if "Mg_o" in str(w.message)]
    assert len(said) == 1 and all(w.category is UserWarning for w in caught)
    assert re.search(r"Mg_o = 0 mM( \(1 of 2 values\))? is outside the physiological range "
                     r"\[0\.1, 10\] mM$", said[0])
    for slip in ("instead of", "typed", " M ", "error", "invalid"):
        assert slip not in said[0]


# -- 3. a reference no rule reads ----------------------------------------------------------------
NO_RULE = (r"reference = \(5\.4, 140\.0\) mM with substitution='none': no rule reads it .* "
           r"give substitution='equimolar_Na', 'constant_osmolarity' or "
           r"'constant_ionic_strength' with it, or leave reference out")


@pytest.mark.parametrize("make", [
    lambda: Solution(K_o=20.0, reference=(5.4, 140.0)),
    lambda: Solution(K_o=20.0, substitution="none", reference=(5.4, 140.0)),
    lambda: Solution.standard(K_o=20.0, reference=(5.4, 140.0)),
    lambda: Solution(K_o=20.0).replace(reference=(5.4, 140.0)),
    lambda: Solution(K_o=20.0, substitution="equimolar_Na", reference=(5.0, 140.0)).replace(
        substitution="none", reference=(5.4, 140.0)),
    lambda: solution_from_table({"K_o": 20.0, "reference": [5.4, 140.0]}, "[solution]"),
])
def test_a_reference_given_with_substitution_none_is_refused(make):
    """Before: accepted silently; Na_o stayed the model's own (a forgotten substitution= went
    unnoticed) and the record listed a reference that nothing read (``biophys simulate
    --reference`` without a rule was already refused)."""
    with pytest.raises(ValueError, match=NO_RULE):
        make()


def test_references_carried_along_under_none_are_kept():
    """The standard bath, a resolved bath and a rule switched off keep the reference they
    carry (recorded, and the reference of a rule switched on again)."""
    std = Solution.standard()
    assert std.substitution == "none" and std.reference == (5.4, 140.0)
    assert std.replace(K_o=20.0).reference == (5.4, 140.0)
    assert Solution(K_o=20.0).resolve("beta_cell").reference is not None
    rule = Solution(K_o=20.0, substitution="equimolar_Na", reference=(5.0, 140.0))
    off = rule.replace(substitution="none")
    assert off.reference == (5.0, 140.0) and off.Na_o == rule.Na_o
    on = off.replace(substitution="equimolar_Na", K_o=10.0)
    assert on.Na_o == pytest.approx(140.0 - (10.0 - 5.0), rel=1e-15)
    assert json.loads(json.dumps(off.record()))["reference_K_o"] == 5.0
