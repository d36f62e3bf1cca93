"""``stop_at_rest`` against the same sweep run to ``t_end``, in the same session.

Each workload is continued from the final states of a first sweep of the same points (not
timed): the situation of warm-started sweeps and hysteresis steps, where resting points start
near their rest and oscillating ones keep oscillating.

- ``zg_cell``: the K_o x Mg_o grid of ``bench_sweeps`` (16 x 16, K_o 2.5-8 mM), 60 s after a
  first 60 s;
- ``hh1952``: 256 points of I_app from 0 to 12 uA/cm^2 (resting below the rheobase, firing
  above it), 2 s after a first 1 s.

Reported: wall time of each, the speed-up ``wall(full) / wall(stop_at_rest)``
(``extra_info["speedup"]`` of the ``stop_at_rest`` benchmark), and the fraction of points
stopped. Smoke mode: two points, a few steps.

The speed-up comes from one round of each, run one after the other (the full run, then the
``stop_at_rest`` run; not interleaved), so it carries the machine's run-to-run spread (up to
30% for a two-thread figure on a shared 2-vCPU VM): read a speed-up near 1 as "no measurable
gain", not as a small gain or loss.
"""

import bench_sweeps
import numpy as np
import pytest
from conftest import run

import biophys as bp

CASES = {
    "zg_cell": (bench_sweeps.CASES["zg_cell"]["grid"], 60_000.0, 60_000.0),
    "hh1952": ({"I_app": np.linspace(0.0, 12.0, 256)}, 1_000.0, 2_000.0),
}
_WALL: dict[tuple[str, bool], float] = {}


@pytest.fixture(scope="module", params=sorted(CASES))
def start(request, full):
    """The case, its points and their states after a first run (the warm start)."""
    name = request.param
    axes, t_first, t_end = CASES[name]
    grid = {k: (v if full else v[:2] if i == 0 else v[:1]).tolist()
            for i, (k, v) in enumerate(axes.items())}
    if not full:
        t_first = t_end = 200.0
    first = bp.sweep(name, grid=grid, t_end=t_first, metrics=["mean_V"], final_state=True,
                     progress=False)
    return name, grid, t_end, first


@pytest.mark.parametrize("stop", [False, True], ids=["full", "stop_at_rest"])
def test_stop_at_rest_speedup(benchmark, full, start, stop):
    name, grid, t_end, first = start
    kw = dict(grid=grid, t_end=t_end, metrics=["mean_V", "spike_count"], initial=first,
              stop_at_rest=stop, progress=False)
    benchmark.group = f"stop_at_rest {name}"
    n_points = int(np.prod([len(v) for v in grid.values()]))
    benchmark.extra_info.update(model=name, n_points=n_points, t_end_ms=t_end,
                                stop_at_rest=stop)
    res = run(benchmark, lambda: bp.sweep(name, **kw), full=full, rounds=1)
    if stop:
        benchmark.extra_info["stopped_fraction"] = res.attrs["stopped_points"] / n_points
    if benchmark.stats:
        _WALL[name, stop] = benchmark.stats.stats.mean
        benchmark.extra_info["wall_s"] = _WALL[name, stop]
        if stop and (name, False) in _WALL:
            benchmark.extra_info["speedup"] = _WALL[name, False] / _WALL[name, True]
