"""Sweep throughput of the beta-cell and zona glomerulosa models (a 16 x 16 K_o x Mg_o grid of
10 s runs), in simulated seconds per wall second per grid point (the figure the issue asks
for): each point's simulated time divided by its share of the sweep's wall time,
``t_end / (wall / n_points)``. Skipped when a model is absent."""

import numpy as np
import pytest
from conftest import run

import biophys as bp

CASES = {
    "beta_cell": {"grid": {"K_o": np.linspace(3.0, 12.0, 16), "Mg_o": np.linspace(0.25, 4.0, 16)},
                  "metrics": ["mean_V", "spike_count"]},
    "zg_cell": {"grid": {"K_o": np.linspace(2.5, 8.0, 16), "Mg_o": np.linspace(0.25, 4.0, 16)},
                "metrics": ["mean_V", "spike_count"]},
}


@pytest.mark.parametrize("method", ["rl2", "rl2ab", "staggered", "adaptive", "rosenbrock"])
@pytest.mark.parametrize("name", sorted(CASES))
def test_sweep_throughput(benchmark, full, name, method):
    if name not in bp.list_models():
        pytest.skip(f"model {name} not available")
    if not full and method != "rl2":
        pytest.skip("smoke mode: the default method only")
    case = CASES[name]
    grid = {k: (v if full else v[:1]).tolist() for k, v in case["grid"].items()}
    t_end = 10_000.0 if full else 20.0  # ms
    n_points = 1
    for v in grid.values():
        n_points *= len(v)
    kw = dict(grid=grid, t_end=t_end, metrics=case["metrics"], method=method, progress=False)
    bp.sweep(name, **{**kw, "t_end": 2 * bp.model(name).dt})  # compile / load
    benchmark.group = f"sweep {name}"
    benchmark.extra_info.update(model=name, method=method, n_points=n_points, t_end_ms=t_end)
    res = run(benchmark, lambda: bp.sweep(name, **kw), full=full, rounds=1)
    # a method that stopped points early would look fast: every point must have finished
    assert int((res["status"] != 0).sum()) == 0, res.attrs.get("status_counts")
    if benchmark.stats:
        wall = benchmark.stats.stats.mean
        # each point's simulated seconds per wall second of its share of the sweep (with all
        # points, this is also the sweep's total simulated seconds per wall second)
        benchmark.extra_info["wall_s"] = wall
        benchmark.extra_info["wall_s_per_point"] = wall / n_points
        benchmark.extra_info["sim_s_per_wall_s_per_point"] = t_end / 1000.0 / (wall / n_points)
