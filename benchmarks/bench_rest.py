"""``stop_at_rest`` against the same sweep run to ``t_end``, in the same session.

Workload: the zona glomerulosa K_o x Mg_o grid of ``bench_sweeps`` (16 x 16, K_o 2.5-8 mM),
continued for 60 s from the final states of a first 60 s sweep of the same points (not timed):
the situation of warm-started sweeps and hysteresis steps, where resting points start at
rest and oscillating ones keep oscillating. Reported: wall time of each, the speed-up
``wall(full) / wall(stop_at_rest)`` (``extra_info["speedup"]`` of the ``stop_at_rest``
benchmark), and the fraction of points stopped. Smoke mode: 2 x 1 points, 200 ms.
"""

import numpy as np
import pytest
from conftest import run

import biophys as bp

GRID = {"K_o": np.linspace(2.5, 8.0, 16), "Mg_o": np.linspace(0.25, 4.0, 16)}
T_END = 60_000.0  # ms
_WALL: dict[bool, float] = {}


@pytest.fixture(scope="module")
def start(full):
    """The points and their states after a first run (the warm start)."""
    grid = {k: (v if full else v[:2 if k == "K_o" else 1]).tolist() for k, v in GRID.items()}
    t_end = T_END if full else 200.0
    first = bp.sweep("zg_cell", grid=grid, t_end=t_end, metrics=["mean_V"], final_state=True,
                     progress=False)
    return grid, t_end, first


@pytest.mark.parametrize("stop", [False, True], ids=["full", "stop_at_rest"])
def test_stop_at_rest_speedup(benchmark, full, start, stop):
    grid, t_end, first = start
    kw = dict(grid=grid, t_end=t_end, metrics=["mean_V", "spike_count", "mean_Ca_i"],
              initial=first, stop_at_rest=stop, progress=False)
    benchmark.group = "stop_at_rest zg_cell"
    n_points = int(np.prod([len(v) for v in grid.values()]))
    benchmark.extra_info.update(model="zg_cell", n_points=n_points, t_end_ms=t_end,
                                stop_at_rest=stop)
    res = run(benchmark, lambda: bp.sweep("zg_cell", **kw), full=full, rounds=1)
    if stop:
        benchmark.extra_info["stopped_fraction"] = res.attrs["stopped_points"] / n_points
    if benchmark.stats:
        _WALL[stop] = benchmark.stats.stats.mean
        benchmark.extra_info["wall_s"] = _WALL[stop]
        if stop and False in _WALL:
            benchmark.extra_info["speedup"] = _WALL[False] / _WALL[True]
