"""The lanes of an error-controlled block (``adaptive``, ``rosenbrock``).

Cells of one block run in lock step, each with its own time and step. A cell that reaches
``t_end`` stores its state and hands its lane to the last running cell
(:func:`biophys.kernels.ensemble_adaptive.retire_lanes`), the Rosenbrock method differences
only the lanes whose Jacobian is due (gathered into columns of their own), and
:func:`biophys._engine.run` gives these methods their cells in
:func:`biophys._engine.spread_order` where there are fewer than two blocks per thread
(:func:`biophys._engine.spreads_cells`). None of this may change a single bit of any cell's
results: each cell run here in a heterogeneous block (cells needing very different numbers of
steps, so lanes retire and move while others run, with records, spikes, observables, burst
sums and a stimulus whose segments move every lane to its next one) is compared with the same
cell run alone, where nothing moves. What it buys is measured in ``benchmarks/bench_sweeps.py``.
"""

import numba
import numpy as np
import pytest

import biophys as bp
from biophys import _engine
from biophys.kernels.ensemble_source import block_size_for

HH = bp.model("hh1952")
#: cells from silent (hyperpolarised) to fast firing: the step counts differ several-fold
I_APP = np.array([-4.0, 20.0, 0.0, 12.0, -2.0, 7.0, 2.0, 15.0, -1.0, 9.0, 4.0, 18.0, 1.0, 6.0])
FIELDS = ("Y", "rec", "spike_times", "spike_count", "obs", "burst", "status", "n_accepted",
          "n_rejected")


def _hh(currents, *, record=("V", "I_Na"), method="adaptive"):
    n = len(currents)
    P = np.repeat(HH.default_parameters()[:, None], n, axis=1)
    P[HH.parameter_index("I_app")] = currents
    Y0 = np.repeat(HH.default_states()[:, None], n, axis=1)
    return _engine.run(HH, P, Y0, t_end=40.0, dt=0.025, method=method, record=list(record),
                       record_every=0.5 if record else None, observe=["V", "I_K"],
                       spike_capacity=50, warmup=5.0, silent_phase=True,
                       stimulus=bp.Pulse(8.0, 10.0, 5.0))


def _column(raw, name, c):
    a = getattr(raw, name)
    return {"Y": lambda: a[:, c], "rec": lambda: a[:, c], "obs": lambda: a[:, :, c],
            "burst": lambda: a[:, c]}.get(name, lambda: a[c])()


@pytest.mark.parametrize("method", ["adaptive", "rosenbrock"])
def test_every_cell_of_a_block_is_bit_identical_to_the_cell_alone(method):
    old = numba.get_num_threads()
    try:
        numba.set_num_threads(1)  # one block of all the cells
        assert block_size_for(len(I_APP), 1) >= len(I_APP)
        block = _hh(I_APP, method=method)
        steps = block.n_accepted + block.n_rejected
        # the lanes retire at very different times, and not in lane order, so running cells
        # are moved into the lanes of finished ones
        assert steps.max() > 2 * steps.min(), steps
        assert np.argmin(steps) < len(I_APP) - 1
        assert block.spike_count.max() >= 3 and block.spike_count.min() <= 1
        # the final states are the states at t_end (the last record), stored by every lane
        assert block.times[-1] == 40.0
        np.testing.assert_allclose(block.Y[0], block.rec[0, :, -1], rtol=1e-12, atol=0)
        assert np.all(block.Y[0] != HH.default_states()[0])
        for c, i_app in enumerate(I_APP):
            alone = _hh([i_app], method=method)
            for name in FIELDS:
                assert np.array_equal(_column(alone, name, 0), _column(block, name, c),
                                      equal_nan=True), (c, name)
        # and in the reverse order: every cell in another lane, retiring at another position
        rev = _hh(I_APP[::-1], method=method)
        for name in FIELDS:
            for c in range(len(I_APP)):
                assert np.array_equal(_column(rev, name, len(I_APP) - 1 - c),
                                      _column(block, name, c), equal_nan=True), (c, name)
    finally:
        numba.set_num_threads(old)


def test_spread_order_samples_the_whole_range_in_every_run_of_cells():
    for n in range(1, 300):
        assert sorted(_engine.spread_order(n)) == list(range(n)), n
    n = 256
    order = _engine.spread_order(n)
    for b in range(4):  # each 64-cell block takes about 16 cells of each quarter of the range
        counts = np.bincount(order[64 * b:64 * (b + 1)] // 64, minlength=4)
        assert counts.min() >= 14 and counts.max() <= 18, (b, counts)
    # in the caller's order a block would take one quarter only
    assert np.bincount(np.arange(64) // 64, minlength=4).tolist() == [64, 0, 0, 0]


def test_cells_are_spread_only_where_threads_run_too_few_blocks_to_balance():
    """The spread order balances threads that run fewer than two blocks each; with two or more
    blocks per thread the order of the blocks does that, and the cells keep the caller's
    order."""
    spreads = _engine.spreads_cells
    assert spreads(150, 64, 2, False)  # three blocks on two threads
    assert spreads(128, 64, 2, False)  # a sweep's default chunk on two threads
    assert not spreads(256, 64, 2, False)  # two blocks per thread
    assert not spreads(200, 64, 2, False)  # four blocks, the last one partial
    assert not spreads(10_000, 64, 2, False)
    assert not spreads(150, 64, 1, False)  # one thread: nothing to balance
    assert not spreads(64, 64, 2, False)  # one block
    assert not spreads(150, 64, 2, True)  # a run that records traces


@pytest.mark.parametrize("method", ["adaptive", "rosenbrock"])
def test_spread_cells_come_back_in_the_callers_order(method, monkeypatch):
    """Three blocks on two threads: without records the method runs the cells in spread
    order, with a record in the caller's order; both results are the same, bit for bit, in
    every field."""
    if numba.config.NUMBA_NUM_THREADS < 2:
        pytest.skip("needs two Numba threads")
    currents = np.linspace(-4.0, 20.0, 150)
    orders = []
    monkeypatch.setattr(_engine, "spread_order",
                        lambda n, f=_engine.spread_order: orders.append(f(n)) or orders[-1])
    old = numba.get_num_threads()
    try:
        numba.set_num_threads(2)
        spread = _hh(currents, record=(), method=method)
        assert len(orders) == 1  # this run was spread
        plain = _hh(currents, record=("V",), method=method)
        assert len(orders) == 1  # this one was not
        _hh(currents, record=(), method="rl2")
        assert len(orders) == 1  # nor a fixed-step run
        numba.set_num_threads(1)
        _hh(currents[:130], record=(), method=method)
        assert len(orders) == 1  # nor a run on one thread
    finally:
        numba.set_num_threads(old)
    assert not np.array_equal(_engine.spread_order(150), np.arange(150))
    for name in FIELDS:
        if name != "rec":
            assert np.array_equal(getattr(spread, name), getattr(plain, name),
                                  equal_nan=True), name
    # the caller's order: the current rises along the cells, in the records too (a run that
    # records is not spread; if it were, its traces would have to be put back as well)
    assert plain.spike_count[-10:].sum() > plain.spike_count[:10].sum()
    np.testing.assert_allclose(plain.rec[0, :, -1], plain.Y[0], rtol=1e-12, atol=0)


def test_a_stopped_cell_keeps_its_status_state_and_segment():
    """A cell stopped by step-size underflow (a non-finite gate) after another cell retired,
    so that it runs in another lane than its own, under a voltage clamp whose steps move the
    other lane to its next segment in the same iteration: its status, and its clamped V, are
    those of the cell alone."""
    old = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        P = np.repeat(HH.default_parameters()[:, None], 3, axis=1)
        rest = _engine.run(HH, P[:, :1], HH.default_states()[:, None], t_end=500.0, dt=0.025,
                           method="adaptive").Y[:, 0]
        Y0 = np.repeat(rest[:, None], 3, axis=1)
        Y0[0, 1] += 5.0
        Y0[HH.state_index("m"), 2] = np.nan
        clamp = bp.VoltageClamp(-70.0, steps=[(-20.0, 2.0), (10.0, 3.0), (-40.0, 4.0)],
                                start=0.08)
        for stimulus in (None, clamp):
            kw = dict(t_end=20.0, dt=0.025, method="rosenbrock", stimulus=stimulus)
            block = _engine.run(HH, P, Y0, **kw)
            assert block.status.tolist() == [0, 0, 1]
            for c in range(3):
                alone = _engine.run(HH, P[:, [c]], Y0[:, [c]], **kw)
                for name in FIELDS:
                    if name != "rec":
                        assert np.array_equal(_column(alone, name, 0), _column(block, name, c),
                                              equal_nan=True), (stimulus, c, name)
    finally:
        numba.set_num_threads(old)
