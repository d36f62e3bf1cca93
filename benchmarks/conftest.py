"""Shared fixtures of the benchmark suite.

``pytest benchmarks`` (the default suite, ``--benchmark-disable``) runs every benchmark once as
a fast smoke test on small problems; with ``--benchmark-enable`` the full workloads run and
their timings and ``extra_info`` go to the JSON file given by ``--benchmark-json``.
"""

import sys
from pathlib import Path

import numba
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))


@pytest.fixture(scope="session")
def full(request) -> bool:
    """True when benchmarks are enabled (real measurement), False in smoke mode."""
    cfg = request.config
    disabled = cfg.getoption("benchmark_disable", default=True)
    return not disabled or bool(cfg.getoption("benchmark_enable", default=False))


@pytest.fixture
def threads(request):
    """Numba threads for one benchmark (``indirect`` parametrisation), restored after it."""
    old = numba.get_num_threads()
    numba.set_num_threads(request.param)
    yield request.param
    numba.set_num_threads(old)


def run(benchmark, fn, *, full: bool, rounds: int = 3):
    """Time ``fn`` (one warm-up call first); in smoke mode call it once."""
    if not full:
        return benchmark(fn)
    return benchmark.pedantic(fn, rounds=rounds, iterations=1, warmup_rounds=1)
