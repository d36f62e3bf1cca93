"""Summarise a pytest-benchmark JSON file of this suite as ratios (markdown).

    python benchmarks/report.py benchmarks/results/latest.json

W1 throughputs are divided only by baselines of the same part (one ``bench_*.py`` file, run
in one process at one commit; ``run_all.py`` tags every benchmark with its ``part``): the
straightforward Numba loop (one cell per ``prange`` iteration), the C code and plain NumPy, at
the same N and thread count. A row whose baseline exists only in another part (the peer rows of
a ``bench_peers`` part measured without its own baselines) gets no ratio: the report lists the
other part's absolute figures beside it and says they are not from the same session.

Throughputs are *fixed-step-equivalent* cell-steps per second (N x 40 000 / wall, whatever the
method); for ``adaptive``, which takes about 7 900 longer steps per W1 cell, the accepted steps
per second are printed beside it. The list of parts printed first gives each file's date,
commit and CPU, and flags a part whose latest measurement failed (its numbers are older).
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from pathlib import Path


def _rows(data):
    for b in data["benchmarks"]:
        info = b.get("extra_info", {})
        yield b["name"], b["group"], b["stats"], info


def _fmt(x, spec):
    return "" if x is None else format(x, spec)


def part_of(bench: dict) -> str:
    """The part (benchmark file) a merged benchmark came from: its ``part`` tag, else the file
    of its ``fullname`` (results merged before the tag was written)."""
    if bench.get("part"):
        return bench["part"]
    return Path(bench.get("fullname", "?").split("::")[0]).stem


BASELINES = (("numba_loop", "x Numba loop", ".2f"), ("c_ceiling", "/ C ceiling", ".2f"),
             ("numpy", "x NumPy", ".1f"))


def w1_table(data) -> str:
    """W1 rows with their ratios to baselines of the same part; rows whose baseline is only in
    another part are listed below the table with that part's absolute figures."""
    rate: dict = {}
    acc: dict = {}
    accepted: dict = {}
    for b in data["benchmarks"]:
        group, info = b.get("group"), b.get("extra_info", {})
        if not group or not group.startswith("W1 N=") or "cell_steps_per_s" not in info:
            continue
        key = (part_of(b), info["method"], info.get("n_cells"), info.get("threads", 1))
        rate[key] = info["cell_steps_per_s"]
        if "exact" in info:
            acc[key] = (info["exact"], info["within_one"])
        if "accepted_steps_per_s" in info:
            accepted[key] = info["accepted_steps_per_s"]
        elif "mean_steps_per_cell" in info and b.get("stats", {}).get("mean"):
            accepted[key] = info["mean_steps_per_cell"] * info["n_cells"] / b["stats"]["mean"]
    lines = ["| part | method | N | threads | M cell-steps/s (fixed-step equiv.) "
             "| M accepted steps/s | " + " | ".join(h for _, h, _ in BASELINES)
             + " | exact | within 1 |", "|---" * (8 + len(BASELINES)) + "|"]
    elsewhere = []
    order = sorted(rate.items(), key=lambda kv: (kv[0][2], kv[0][3], kv[0][0], -kv[1]))
    for (part, method, n, th), r in order:
        cells, other = [], []
        for base, _head, spec in BASELINES:
            bth = 1 if base == "numpy" else th
            ref = rate.get((part, base, n, bth))
            cells.append(_fmt(ref and r / ref, spec))
            if ref is None and method != base:
                other += [f"{base} {v / 1e6:.1f} M ({p})" for (p, m, nn, t), v in rate.items()
                          if m == base and nn == n and t == bth and p != part]
        if other:
            elsewhere.append(f"- {part} {method} (N = {n}, {th} thread(s)): {r / 1e6:.1f} M; "
                             f"baselines only in another part: {', '.join(other)}")
        exact, within = acc.get((part, method, n, th), (None, None))
        acc_rate = accepted.get((part, method, n, th))
        lines.append(f"| {part} | {method} | {n} | {th} | {r / 1e6:.1f} "
                     f"| {_fmt(acc_rate and acc_rate / 1e6, '.1f')} | " + " | ".join(cells)
                     + f" | {_fmt(exact, '.4f')} | {_fmt(within, '.4f')} |")
    if elsewhere:
        lines += ["", "No baseline in their own part, so no ratio: the other part's figures "
                  "(another process, possibly another commit) are absolute figures, not "
                  "same-session ratios:", "", *elsewhere]
    return "\n".join(lines)


def extrapolated_lines(data) -> str:
    """Serial per-cell peers (libRoadRunner): measured wall time and its W1 extrapolation."""
    out = []
    for _name, group, _stats, info in _rows(data):
        if group and group.startswith("W1 N=") and "extrapolated_w1_s" in info:
            out.append(f"- {info['method']} (N = {info['n_cells']}, {info.get('threads', 1)} "
                       f"thread): {info['wall_s']:.1f} s, x 10 000 / N = "
                       f"{info['extrapolated_w1_s']:.0f} s for W1 (rtol {info.get('rtol')}, "
                       f"atol {info.get('atol')}; exact {_fmt(info.get('exact'), '.4f')})")
    return "\n".join(out)


def lsoda_lines(data) -> str:
    """The LSODA baseline: wall time and spike-count agreement on its subset of W1."""
    out = []
    for _name, group, stats, info in _rows(data):
        if group == "W1 LSODA subset":
            out.append(f"- LSODA (rtol 1e-8), {info.get('n_cells')} cells of W1, one at a time: "
                       f"{stats['mean']:.1f} s ({stats['mean'] / info['n_cells']:.2f} s per "
                       f"cell); exact {_fmt(info.get('exact'), '.4f')}, within 1 "
                       f"{_fmt(info.get('within_one'), '.4f')}")
    return "\n".join(out)


def parts_lines(data) -> str:
    """Each measured file with its date and commit; stale parts flagged."""
    out = []
    for p in data.get("parts", []):
        flag = " **stale: its latest measurement failed**" if p.get("stale") else ""
        cpu = p.get("machine_info") or {}
        on = f", {cpu['brand']} x {cpu.get('count')}" if cpu.get("brand") else ""
        out.append(f"- {p['file']}: {p.get('datetime')}, commit {str(p.get('commit'))[:7]}"
                   f"{on}{flag}")
    return "\n".join(out)


def other_tables(data) -> str:
    out = defaultdict(list)
    for name, group, stats, info in _rows(data):
        if group and group.startswith("W1"):
            continue
        keep = {k: v for k, v in info.items() if not isinstance(v, (list, dict))}
        out[group or "other"].append(f"- `{name}`: mean {stats['mean']:.3g} s; {keep}")
    return "\n".join(f"\n### {g}\n" + "\n".join(v) for g, v in sorted(out.items()))


def main(path: str) -> None:
    with open(path) as f:
        data = json.load(f)
    m = data.get("machine_info", {})
    if data.get("mixed_cpus"):
        print("Machine: parts measured on different CPUs (see the parts); absolute figures "
              "of different parts do not compare\n")
    else:
        print(f"Machine: {m.get('cpu', {}).get('brand_raw', '?')}, "
              f"{m.get('cpu', {}).get('count', '?')} CPUs; {data.get('datetime', '')}\n")
    parts = parts_lines(data)
    if parts:
        print("Parts (each measured in its own process):\n")
        print(parts + "\n")
    failed = data.get("failed_parts", [])
    if failed:  # a file whose first measurement failed has no numbers here at all
        print("Failed (no numbers from this run):\n")
        print("\n".join(f"- {f.get('file', '?')}: failed at {f.get('failed_at', '?')}"
                        for f in failed) + "\n")
    print("### W1 (HH 1952, I_app over 0..20 uA/cm^2, dt = 0.025 ms)\n")
    print("Cell-steps/s are fixed-step equivalent (N x 40 000 / wall) for every method; "
          "ratios compare results of the same part (one process) only.\n")
    print(w1_table(data))
    lsoda = lsoda_lines(data)
    if lsoda:
        print("\nBaseline for exactness:\n")
        print(lsoda)
    extra = extrapolated_lines(data)
    if extra:
        print("\nSerial per-cell peers, extrapolated linearly to N = 10 000:\n")
        print(extra)
    print(other_tables(data))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "benchmarks/results/latest.json")
