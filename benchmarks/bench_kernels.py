"""Kernel micro-benchmarks: nanoseconds per right-hand-side evaluation (the model's ``rates``
for one cell) per model, evaluated the way the driver does it (a loop over the 64 cells of a
block, vectorised where the model's kernels allow it).

``ns_per_evaluation`` is from the *fastest* of the 5 rounds (``stats.min``), where the other
benchmarks use the mean: a micro-benchmark of a few milliseconds per round is the kernel's
cost plus whatever else the machine did meanwhile, and the minimum is the estimate least
disturbed by that (pytest-benchmark's mean is in the JSON's ``stats`` too)."""

import time

import numpy as np
import pytest
from conftest import run

import biophys as bp
from biophys import _compile

MODELS = bp.list_models()


@pytest.mark.parametrize("name", MODELS)
def test_rhs_evaluation(benchmark, full, name):
    if not full and name != "hh1952":
        pytest.skip("smoke mode: hh1952 only")
    m = bp.model(name)
    n = _compile.BLOCK
    P = np.repeat(m.default_parameters()[:, None], n, axis=1)
    Y = np.repeat(m.default_states()[:, None], n, axis=1)
    fn = _compile.load_driver(m).bench_rates
    with _compile.scoped_numba_cache():
        fn(Y, P, 1)
    reps = 20000 if full else 10
    benchmark.group = "RHS evaluation"
    benchmark.extra_info.update(model=name, n_states=len(m.states), evaluations=reps * n)
    run(benchmark, lambda: fn(Y, P, reps), full=full, rounds=5)
    if benchmark.stats:
        benchmark.extra_info["ns_per_evaluation"] = benchmark.stats.stats.min / (reps * n) * 1e9
    else:
        t = time.perf_counter()
        fn(Y, P, reps)
        benchmark.extra_info["ns_per_evaluation"] = (time.perf_counter() - t) / (reps * n) * 1e9
