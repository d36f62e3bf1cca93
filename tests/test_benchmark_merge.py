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


def _machine(brand, count=2):
    return {"node": "vm", "machine": "x86_64",
            "cpu": {"brand_raw": brand, "count": count, "arch_string_raw": "x86_64"}}


def _write_parts(tmp_path, brands):
    parts = []
    for (stem, names), brand in zip((("bench_a", ["x", "y"]), ("bench_b", ["z"])), brands,
                                    strict=True):
        p = tmp_path / f"{stem}.json"
        p.write_text(json.dumps({"machine_info": _machine(brand),
                                 "commit_info": {"id": f"c_{stem}"}, "datetime": f"t_{stem}",
                                 "version": "5", "benchmarks": [{"name": n} for n in names]}))
        parts.append(p)
    return parts


def test_merge_concatenates_parts_and_records_them(tmp_path):
    """Each part keeps its own date, commit and CPU in ``parts``; each benchmark its part."""
    mod = _run_all()
    dest = tmp_path / "latest.json"
    mod.merge(_write_parts(tmp_path, ["Xeon", "Xeon"]), dest)
    data = json.loads(dest.read_text())
    assert [(b["name"], b["part"]) for b in data["benchmarks"]] == [
        ("x", "bench_a"), ("y", "bench_a"), ("z", "bench_b")]
    assert [(p["file"], p["commit"], p["datetime"], p["machine_info"]["brand"],
             p["machine_info"]["count"]) for p in data["parts"]] == [
        ("bench_a", "c_bench_a", "t_bench_a", "Xeon", 2),
        ("bench_b", "c_bench_b", "t_bench_b", "Xeon", 2)]
    assert "mixed_cpus" not in data
    # every benchmark file of the suite is in the run order
    files = {p.stem for p in (ROOT / "benchmarks").glob("bench_*.py")}
    assert files == set(mod.ORDER)


def test_merge_refuses_parts_from_different_cpus(tmp_path):
    """Parts measured on different CPUs were merged under the first part's machine_info
    (review of session 52): now refused, naming them, unless explicitly allowed."""
    import pytest

    mod = _run_all()
    parts = _write_parts(tmp_path, ["Intel(R) Xeon(R) Processor", "AMD EPYC"])
    dest = tmp_path / "latest.json"
    with pytest.raises(SystemExit, match=r"different CPUs: Intel\(R\) Xeon\(R\) Processor x 2 "
                       r"\(x86_64\): bench_a; AMD EPYC x 2 \(x86_64\): bench_b"):
        mod.merge(parts, dest)
    assert not dest.exists()
    data = mod.merge(parts, dest, allow_mixed_cpus=True)
    assert data["mixed_cpus"] is True
    assert [p["machine_info"]["brand"] for p in data["parts"]] == [
        "Intel(R) Xeon(R) Processor", "AMD EPYC"]
    report = _load("report")
    assert "AMD EPYC x 2" in report.parts_lines(data).splitlines()[1]


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


def _w1_row(part, method, n, threads, rate, **info):
    return {"name": f"{method}-{n}-{threads}", "group": f"W1 N={n}", "part": part,
            "stats": {"mean": 1.0},
            "extra_info": {"method": method, "n_cells": n, "threads": threads,
                           "cell_steps_per_s": rate, **info}}


def _table_row(table, part, method, n, threads):
    (row,) = [r for r in table.splitlines()
              if r.startswith(f"| {part} | {method} | {n} | {threads} |")]
    return [c.strip() for c in row.strip("|").split("|")]


def test_report_divides_only_by_baselines_of_the_same_part():
    """Peer rows were divided by bench_w1's baselines, from another process and commit
    (review of session 52): a row gets ratios only from its own part; otherwise the other
    part's figures are printed as absolute figures."""
    report = _load("report")
    data = {"benchmarks": [_w1_row("bench_w1", "numba_loop", 1000, 1, 20e6),
                           _w1_row("bench_w1", "c_ceiling", 1000, 1, 80e6),
                           _w1_row("bench_peers", "neuron", 1000, 1, 10e6),
                           _w1_row("bench_peers", "arbor", 1000, 2, 12e6),
                           _w1_row("bench_peers", "numba_loop", 1000, 2, 24e6)]}
    table = report.w1_table(data)
    neuron = _table_row(table, "bench_peers", "neuron", 1000, 1)
    assert neuron[6:9] == ["", "", ""]  # x Numba loop, / C ceiling, x NumPy
    assert ("- bench_peers neuron (N = 1000, 1 thread(s)): 10.0 M; baselines only in another "
            "part: numba_loop 20.0 M (bench_w1), c_ceiling 80.0 M (bench_w1)") in table
    assert _table_row(table, "bench_peers", "arbor", 1000, 2)[6] == "0.50"  # its own part's
    assert _table_row(table, "bench_w1", "c_ceiling", 1000, 1)[6] == "4.00"
    # results merged before the part tag: the part is the file of the fullname
    old = {"benchmarks": [dict(b, part=None, fullname=f"benchmarks/{b['part']}.py::t")
                          for b in data["benchmarks"]]}
    assert report.w1_table(old) == table


def test_report_labels_fixed_step_equivalent_and_shows_adaptive_steps():
    """``cell_steps_per_s`` is N x 40 000 / wall whatever the method: the report says so and
    gives adaptive's accepted steps per second beside it."""
    report = _load("report")
    data = {"benchmarks": [_w1_row("bench_w1", "adaptive", 100, 1, 40e6,
                                   mean_steps_per_cell=8000.0)]}
    table = report.w1_table(data)
    assert "M cell-steps/s (fixed-step equiv.) | M accepted steps/s" in table
    assert _table_row(table, "bench_w1", "adaptive", 100, 1)[4:6] == ["40.0", "0.8"]


def _bench_modules():
    """``benchmarks/bench_w1.py`` and its imports (``w1``, ``ceiling``, the benchmarks'
    ``conftest``) loaded as the benchmark suite loads them."""
    import sys

    saved = {k: sys.modules.get(k) for k in ("conftest", "bench_w1")}
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        sys.modules["conftest"] = _load("conftest")
        if "w1" not in sys.modules:
            sys.modules["w1"] = _load("w1")
        bench = _load("bench_w1")
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
        for k, v in saved.items():
            if v is None:
                sys.modules.pop(k, None)
            else:
                sys.modules[k] = v
    return bench, sys.modules["w1"]


class _SmokeBenchmark:
    """Stands in for pytest-benchmark's fixture in smoke mode (one call, no stats)."""

    def __init__(self):
        self.extra_info, self.stats, self.group = {}, None, None

    def __call__(self, fn):
        return fn()


def test_w1_numpy_benchmark_checks_its_counts(monkeypatch, tmp_path):
    """test_w1_numpy recorded no spike counts, so a broken NumPy baseline published its speed
    (review of session 52): its counts are held to the reference like the other W1 runs."""
    import numpy as np
    import pytest

    bench, w1 = _bench_modules()
    monkeypatch.setattr(w1, "CACHE", tmp_path)
    bench.test_w1_numpy(_SmokeBenchmark(), False, 100)  # the real baseline passes
    monkeypatch.setattr(w1, "numpy_counts", lambda current, t_end: np.zeros(len(current), int))
    with pytest.raises(AssertionError, match="W1 numpy: within_one"):
        bench.test_w1_numpy(_SmokeBenchmark(), False, 100)


def test_w1_single_cell_fires():
    """``w1.currents(1)`` was ``np.linspace(0, 20, 1)`` = [0], the resting cell, so W1 at
    N = 1 measured a silent cell: it is the range's midpoint, a firing one."""
    _, w1 = _bench_modules()
    assert w1.currents(1).tolist() == [10.0]
    assert w1.rk4_counts(w1.currents(1), 20.0)[0] >= 1
    assert w1.currents(3).tolist() == [0.0, 10.0, 20.0]


def test_w1_reference_key_covers_the_whole_file(tmp_path):
    """The reference cache was keyed on some functions only, not ``currents`` (review of
    session 52): any change to ``w1.py`` changes the key."""
    import importlib.util

    src = (ROOT / "benchmarks" / "w1.py").read_text()
    keys = []
    for i, text in enumerate((src, src.replace("np.linspace(0.0, 20.0, n_cells)",
                                               "np.linspace(0.0, 21.0, n_cells)"))):
        path = tmp_path / f"w1_copy{i}.py"
        path.write_text(text)
        spec = importlib.util.spec_from_file_location(f"w1_copy{i}", path)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        keys.append(mod._reference_key())
    assert text != src and keys[0] != keys[1]


def test_c_ceiling_library_is_keyed_on_compiler_and_cpu(monkeypatch, tmp_path):
    """The C ceiling's .so (built with -march=native) was keyed on source and flags only, in
    ``.benchmarks/`` whatever BIOPHYS_BENCH_CACHE said (review of session 52)."""
    ceiling = _load("ceiling")
    assert ceiling.host_cpu()  # LLVM's name and features of this CPU
    monkeypatch.setenv("BIOPHYS_BENCH_CACHE", str(tmp_path))
    monkeypatch.setattr(ceiling, "compiler_version", lambda cc: "gcc 12.2.0")
    monkeypatch.setattr(ceiling, "host_cpu", lambda: "znver4 +avx512f")
    base = ceiling.library_path("gcc")
    assert base.parent == tmp_path
    monkeypatch.setattr(ceiling, "compiler_version", lambda cc: "gcc 13.1.0")
    other_cc = ceiling.library_path("gcc")
    monkeypatch.setattr(ceiling, "host_cpu", lambda: "sapphirerapids +avx512f")
    assert len({base, other_cc, ceiling.library_path("gcc")}) == 3
