"""Results do not depend on the thread count, checked on one Numba thread.

The thread count changes two things in :func:`biophys._engine.run`: the block size
(:func:`biophys.kernels.ensemble_source.block_size_for`) and, for the error-controlled methods,
whether the cells run in :func:`biophys._engine.spread_order`. The tests that set two threads
(``test_performance_driver.py``, ``test_block_lanes.py``) skip where Numba has one thread, as
under the project's ``NUMBA_NUM_THREADS=1``; here ``run`` is told 1, 2, 3 and 8 threads
(``numba.get_num_threads`` replaced), so every layout runs on the one thread there is, and
every method, ``rl1`` and ``rosenbrock`` included, must give the same bits.
"""

import numba
import numpy as np
import pytest

import biophys as bp
from biophys import _engine
from biophys.kernels.ensemble_source import block_size_for

HH = bp.model("hh1952")
FIELDS = ("Y", "spike_times", "spike_count", "obs", "burst", "status", "n_accepted",
          "n_rejected")


def _run(n, record):
    P = np.repeat(HH.default_parameters()[:, None], n, axis=1)
    P[HH.parameter_index("I_app")] = np.linspace(-2.0, 20.0, n)
    Y0 = np.repeat(HH.default_states()[:, None], n, axis=1)
    return lambda method: _engine.run(
        HH, P, Y0, t_end=30.0, dt=0.025, method=method, record=record,
        record_every=0.5 if record else None, observe=["V", "I_K"], warmup=5.0,
        spike_capacity=40, stimulus=bp.Pulse(5.0, 2.0, 1.0))


@pytest.mark.parametrize("method", list(_engine.METHODS))
@pytest.mark.parametrize("record", [(), ("V",)])
def test_same_bits_for_every_threads_layout(method, record, monkeypatch):
    n = 100  # one block of 64 cells at 1 thread, 2 of 56 at 2, 3 at 3 (spread), 7 at 8
    run = _run(n, record)
    spread = []
    monkeypatch.setattr(_engine, "spread_order",
                        lambda k, f=_engine.spread_order: spread.append(k) or f(k))
    results = {}
    for threads in (1, 2, 3, 8):
        monkeypatch.setattr(numba, "get_num_threads", lambda t=threads: t)
        results[threads] = run(method)
    assert len({block_size_for(n, t) for t in results}) == 4
    # the layouts with fewer than two blocks per thread ran the cells in spread order
    assert bool(spread) == (_engine.METHODS[method] <= 0 and not record)
    ref = results[1]
    for threads, raw in results.items():
        for name in FIELDS + (("rec",) if record else ()):
            assert np.array_equal(getattr(ref, name), getattr(raw, name), equal_nan=True), (
                threads, name)
    assert ref.spike_count.max() >= 2 and ref.spike_count.min() == 0
