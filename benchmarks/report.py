"""Summarise a pytest-benchmark JSON file of this suite as ratios (markdown).

    python benchmarks/report.py benchmarks/results/latest.json

W1 throughputs are divided by the baselines measured in the same process (``bench_w1``): the
straightforward Numba loop (one cell per ``prange`` iteration), the C code and plain NumPy, at
the same N and thread count. Peer rows (``bench_peers``, another process) are divided by the
same ``bench_w1`` baselines; the list of parts printed first gives each file's date and
commit, and flags a part whose latest measurement failed (its numbers are older).
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict


def _rows(data):
    for b in data["benchmarks"]:
        info = b.get("extra_info", {})
        yield b["name"], b["group"], b["stats"], info


def _fmt(x, spec):
    return "" if x is None else format(x, spec)


def w1_table(data) -> str:
    rate: dict = {}
    acc: dict = {}
    for _name, group, _stats, info in _rows(data):
        if not group or not group.startswith("W1 N=") or "cell_steps_per_s" not in info:
            continue
        key = (info["method"], info.get("n_cells"), info.get("threads", 1))
        rate[key] = info["cell_steps_per_s"]
        if "exact" in info:
            acc[key] = (info["exact"], info["within_one"])
    lines = ["| method | N | threads | M cell-steps/s | x Numba loop | / C ceiling | x NumPy "
             "| exact | within 1 |", "|---|---|---|---|---|---|---|---|---|"]
    order = sorted(rate.items(), key=lambda kv: (kv[0][1], kv[0][2], -kv[1]))
    for (method, n, th), r in order:
        loop = rate.get(("numba_loop", n, th))
        ceil = rate.get(("c_ceiling", n, th))
        npy = rate.get(("numpy", n, 1))
        exact, within = acc.get((method, n, th), (None, None))
        lines.append(f"| {method} | {n} | {th} | {r / 1e6:.1f} "
                     f"| {_fmt(loop and r / loop, '.2f')} | {_fmt(ceil and r / ceil, '.2f')} "
                     f"| {_fmt(npy and r / npy, '.1f')} "
                     f"| {_fmt(exact, '.4f')} | {_fmt(within, '.4f')} |")
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
        out.append(f"- {p['file']}: {p.get('datetime')}, commit {str(p.get('commit'))[:7]}{flag}")
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
