"""benchmarks/run_all.py merges per-file pytest-benchmark JSON into one file."""

import importlib.util
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _run_all():
    spec = importlib.util.spec_from_file_location("run_all", ROOT / "benchmarks" / "run_all.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_merge_concatenates_parts_and_records_them(tmp_path):
    mod = _run_all()
    parts = []
    for stem, names in (("bench_a", ["x", "y"]), ("bench_b", ["z"])):
        p = tmp_path / f"{stem}.json"
        p.write_text(json.dumps({"machine_info": {"cpu": stem}, "commit_info": {"id": "abc"},
                                 "datetime": "t", "version": "5",
                                 "benchmarks": [{"name": n} for n in names]}))
        parts.append(p)
    dest = tmp_path / "latest.json"
    mod.merge(parts, dest)
    data = json.loads(dest.read_text())
    assert [b["name"] for b in data["benchmarks"]] == ["x", "y", "z"]
    assert data["machine_info"] == {"cpu": "bench_a"}
    assert [p["file"] for p in data["parts"]] == ["bench_a", "bench_b"]
    # every benchmark file of the suite is in the run order
    files = {p.stem for p in (ROOT / "benchmarks").glob("bench_*.py")}
    assert files == set(mod.ORDER)


def test_unknown_file_is_a_clear_error(capsys):
    import pytest

    mod = _run_all()
    with pytest.raises(SystemExit):
        mod.main(["bench_nope"])
    assert "unknown benchmark file(s) bench_nope; valid: bench_kernels" in capsys.readouterr().err


def _load(name):
    spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_a_failed_measurement_marks_its_kept_part_stale(tmp_path, monkeypatch, capsys):
    """A file whose measurement fails keeps its earlier part (by design: an interrupted run
    keeps what it finished), which was merged as if current (found in review, helper 89)."""
    mod = _run_all()
    parts = tmp_path / "parts"
    parts.mkdir()
    for stem in mod.ORDER[:2]:
        (parts / f"{stem}.json").write_text(json.dumps(
            {"commit_info": {"id": "old"}, "datetime": "2020-01-01T00:00:00",
             "benchmarks": [{"name": stem, "group": "g", "stats": {"mean": 1.0},
                             "extra_info": {}}]}))
    monkeypatch.setattr(mod, "PARTS", parts)
    monkeypatch.setattr(mod, "LATEST", tmp_path / "latest.json")
    monkeypatch.setattr(mod, "run_part", lambda stem: stem != mod.ORDER[1])
    assert mod.main(list(mod.ORDER[:2])) == 1
    data = json.loads((tmp_path / "latest.json").read_text())
    assert [(p["file"], p["stale"]) for p in data["parts"]] == [(mod.ORDER[0], False),
                                                               (mod.ORDER[1], True)]
    assert [f["file"] for f in data["failed_parts"]] == [mod.ORDER[1]]
    assert "stale (their last measurement failed" in capsys.readouterr().out
    report = _load("report")
    assert f"- {mod.ORDER[1]}: 2020-01-01T00:00:00, commit old **stale" in \
        report.parts_lines(data)
    assert "stale" not in report.parts_lines(data).splitlines()[0]


def test_report_shows_the_lsoda_baseline():
    report = _load("report")
    data = {"benchmarks": [{"name": "test_w1_lsoda_subset", "group": "W1 LSODA subset",
                            "stats": {"mean": 4.0},
                            "extra_info": {"method": "lsoda", "n_cells": 8, "exact": 1.0,
                                           "within_one": 1.0}}]}
    assert report.lsoda_lines(data) == ("- LSODA (rtol 1e-8), 8 cells of W1, one at a time: "
                                        "4.0 s (0.50 s per cell); exact 1.0000, within 1 1.0000")


def test_w1_agreement_check_fails_short_runs():
    """The W1 benchmarks' agreement figures are asserted, not only stored: each method's
    bound passes the recorded measurement and fails a run that counts worse."""
    import sys

    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        w1 = _load("w1")
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    import pytest

    ok = {"exact": 0.96, "within_one": 0.9995, "max_abs_diff": 30}
    w1.check_agreement("rl2", ok)
    with pytest.raises(AssertionError, match="W1 rl2: within_one = 0.9980"):
        w1.check_agreement("rl2", {**ok, "within_one": 0.998})
    with pytest.raises(AssertionError, match="W1 adaptive: exact = 0.9999"):
        w1.check_agreement("adaptive", {**ok, "exact": 0.9999, "within_one": 1.0})
    w1.check_agreement("rl1", {**ok, "within_one": 0.967})


def test_report_names_a_file_whose_first_measurement_failed(tmp_path, capsys):
    """A file that failed without an earlier part has no numbers in the merged JSON, only an
    entry in ``failed_parts``: the report says so (it printed nothing about it)."""
    path = tmp_path / "latest.json"
    path.write_text(json.dumps({"benchmarks": [], "parts": [],
                                "failed_parts": [{"file": "bench_rest",
                                                  "failed_at": "2026-11-25T09:00:00"}]}))
    _load("report").main(str(path))
    assert "- bench_rest: failed at 2026-11-25T09:00:00" in capsys.readouterr().out
