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
