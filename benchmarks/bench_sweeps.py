"""Sweep throughput of the beta-cell and zona glomerulosa models, in simulated seconds per wall
second per grid point (the figure the issue asks for); skipped when a model is absent."""

import pytest
from conftest import run

import biophys as bp

CASES = {
    "beta_cell": {"grid": {"K_o": [4.0, 5.4, 8.0, 12.0], "Mg_o": [0.5, 1.0, 2.0, 4.0]},
                  "metrics": ["mean_V", "spike_count"]},
    "zg_cell": {"grid": {"K_o": [3.0, 4.0, 5.0, 6.0], "Mg_o": [0.5, 1.0, 2.0, 4.0]},
                "metrics": ["mean_V", "spike_count"]},
}


@pytest.mark.parametrize("method", ["rl2", "rl2ab", "adaptive", "rosenbrock"])
@pytest.mark.parametrize("name", sorted(CASES))
def test_sweep_throughput(benchmark, full, name, method):
    if name not in bp.list_models():
        pytest.skip(f"model {name} not available")
    if not full and method != "rl2":
        pytest.skip("smoke mode: the default method only")
    case = CASES[name]
    grid = case["grid"] if full else {k: v[:1] for k, v in case["grid"].items()}
    t_end = 10_000.0 if full else 20.0  # ms
    n_points = 1
    for v in grid.values():
        n_points *= len(v)
    kw = dict(grid=grid, t_end=t_end, metrics=case["metrics"], method=method, progress=False)
    bp.sweep(name, **{**kw, "t_end": 2 * bp.model(name).dt})  # compile / load
    benchmark.group = f"sweep {name}"
    benchmark.extra_info.update(model=name, method=method, n_points=n_points, t_end_ms=t_end)
    run(benchmark, lambda: bp.sweep(name, **kw), full=full, rounds=1)
    if benchmark.stats:
        wall = benchmark.stats.stats.mean
        benchmark.extra_info["sim_s_per_wall_s_per_point"] = t_end / 1000.0 / wall / n_points
        benchmark.extra_info["sim_s_per_wall_s"] = t_end / 1000.0 * n_points / wall
