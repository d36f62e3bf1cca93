"""Summarise a pytest-benchmark JSON file of this suite as ratios (markdown).

    python benchmarks/report.py benchmarks/results/latest.json

Every throughput is divided by the baselines measured in the same session: the straightforward
Numba loop (one cell per ``prange`` iteration) and plain NumPy, at the same N and thread count.
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
    print("### W1 (HH 1952, I_app over 0..20 uA/cm^2, dt = 0.025 ms)\n")
    print(w1_table(data))
    extra = extrapolated_lines(data)
    if extra:
        print("\nSerial per-cell peers, extrapolated linearly to N = 10 000:\n")
        print(extra)
    print(other_tables(data))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "benchmarks/results/latest.json")
