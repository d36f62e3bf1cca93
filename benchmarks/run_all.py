"""Run the full benchmark measurement file by file and merge the results.

    python benchmarks/run_all.py            # every file, then benchmarks/results/latest.json
    python benchmarks/run_all.py --resume   # keep the parts already measured
    python benchmarks/run_all.py bench_w1   # only some files (merged with the other parts)

Each ``bench_*.py`` file runs in its own ``pytest --benchmark-enable`` process and writes
``benchmarks/results/parts/<file>.json``, so an interrupted measurement keeps what it finished
(one pytest session writes its JSON only at the end). The parts are then merged into one
pytest-benchmark JSON, ``benchmarks/results/latest.json``, which ``benchmarks/report.py`` and
``notebooks/05_performance.ipynb`` read. Baselines and the runs they are compared with are in
the same file, so every ratio the report prints comes from one process (each benchmark is
tagged with its ``part``; the report never divides one part's figure by another's). Each
part's date, commit and CPU (``machine_info``: brand, count, architecture) are recorded in
``parts``; parts measured on different CPUs are refused (their absolute figures do not compare)
unless ``--allow-mixed-cpus`` is given, which records ``"mixed_cpus": true``. A part whose
latest measurement failed is merged with ``"stale": true`` (its numbers are from its earlier,
successful run) and the failure is listed in ``failed_parts``. The top-level
``machine_info``, ``commit_info`` and ``datetime`` are the first part's.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
PARTS = HERE / "results" / "parts"
LATEST = HERE / "results" / "latest.json"
#: quick files first, W1 (the longest) last
ORDER = ("bench_kernels", "bench_compile", "bench_memory", "bench_sweeps", "bench_rest",
         "bench_bursters", "bench_peers", "bench_w1")


def run_part(stem: str) -> bool:
    """Measure one benchmark file into ``parts/<stem>.json``; True on success."""
    PARTS.mkdir(parents=True, exist_ok=True)
    out = PARTS / f"{stem}.json"
    tmp = out.with_suffix(".partial.json")
    cmd = [sys.executable, "-m", "pytest", str(HERE / f"{stem}.py"), "--benchmark-enable",
           "-p", "no:randomly", "-q", f"--benchmark-json={tmp}"]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=HERE.parent)
    ok = proc.returncode in (0, 5)  # 5: nothing collected
    what = "ok" if ok else f"FAILED (exit {proc.returncode})"
    if ok and tmp.exists():
        tmp.replace(out)
    elif ok:  # every benchmark skipped (e.g. no peers installed): no JSON is written
        out.unlink(missing_ok=True)
        what = "ok, nothing measured (all skipped)"
    print(f"{stem}: {what} in {time.perf_counter() - t0:.0f} s", flush=True)
    return ok


def cpu_of(data: dict) -> dict:
    """The CPU a pytest-benchmark JSON was measured on (from its ``machine_info``)."""
    m = data.get("machine_info") or {}
    cpu = m.get("cpu") if isinstance(m.get("cpu"), dict) else {}
    return {"brand": cpu.get("brand_raw"), "count": cpu.get("count"),
            "arch": cpu.get("arch_string_raw") or m.get("machine"), "node": m.get("node")}


def _cpu_name(cpu: dict) -> str:
    return f"{cpu['brand']} x {cpu['count']} ({cpu['arch']})"


def merge(parts: list[Path], dest: Path = LATEST, failed: tuple[str, ...] = (),
          allow_mixed_cpus: bool = False) -> dict:
    """Concatenate the ``benchmarks`` lists of pytest-benchmark JSON files into ``dest``; the
    parts of the files in ``failed`` (stems whose measurement just failed) are marked stale.
    Parts measured on different CPUs (brand, count, architecture) raise ``SystemExit`` naming
    them, unless ``allow_mixed_cpus``."""
    merged: dict | None = None
    for p in parts:
        data = json.loads(p.read_text())
        for b in data["benchmarks"]:
            b["part"] = p.stem
        if merged is None:
            merged = data
            merged["parts"] = []
        else:
            merged["benchmarks"].extend(data["benchmarks"])
        merged["parts"].append({"file": p.stem, "datetime": data.get("datetime"),
                                "commit": data.get("commit_info", {}).get("id"),
                                "machine_info": cpu_of(data), "stale": p.stem in failed})
    if merged is None:
        raise SystemExit("no benchmark results to merge")
    cpus: dict[str, list[str]] = {}
    for part in merged["parts"]:
        c = part["machine_info"]
        cpus.setdefault(_cpu_name(c), []).append(part["file"])
    if len(cpus) > 1:
        if not allow_mixed_cpus:
            raise SystemExit(
                "refusing to merge parts measured on different CPUs: "
                + "; ".join(f"{name}: {', '.join(files)}" for name, files in cpus.items())
                + " (re-run the other parts on this machine, or pass --allow-mixed-cpus)")
        merged["mixed_cpus"] = True
    now = time.strftime("%Y-%m-%dT%H:%M:%S")
    merged["failed_parts"] = [{"file": stem, "failed_at": now} for stem in failed]
    dest.write_text(json.dumps(merged, indent=1))
    return merged


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="*", help="bench_* files to run (default: all)")
    ap.add_argument("--resume", action="store_true", help="skip files already measured")
    ap.add_argument("--allow-mixed-cpus", action="store_true",
                    help="merge parts measured on different CPUs (recorded as mixed_cpus)")
    args = ap.parse_args(argv)
    todo = [f.removesuffix(".py") for f in args.files] or list(ORDER)
    unknown = [f for f in todo if f not in ORDER]
    if unknown:
        ap.error(f"unknown benchmark file(s) {', '.join(unknown)}; valid: {', '.join(ORDER)}")
    failed = []
    for stem in todo:
        if args.resume and (PARTS / f"{stem}.json").exists():
            print(f"{stem}: kept", flush=True)
            continue
        if not run_part(stem):
            failed.append(stem)
    parts = [PARTS / f"{s}.json" for s in ORDER if (PARTS / f"{s}.json").exists()]
    merged = merge(parts, LATEST, failed=tuple(failed), allow_mixed_cpus=args.allow_mixed_cpus)
    print(f"{LATEST}: {len(merged['benchmarks'])} benchmarks from {len(parts)} files")
    stale = [p["file"] for p in merged["parts"] if p["stale"]]
    if stale:
        print(f"stale (their last measurement failed; earlier numbers kept, marked in the "
              f"file): {', '.join(stale)}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
