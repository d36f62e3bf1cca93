"""The fixed-step methods other than the default ``rl2`` (``rl2ab``, ``rl1``, ``staggered``;
``biophys._engine.METHODS``) on ``beta_cell`` and ``zg_cell``, against tight LSODA solutions.

``hh1952`` checks every method (``tests/test_hh1952.py``, ``tests/test_staggered.py``); the
spike trains of ``beta_cell`` and ``zg_cell`` were checked only with ``rl2``
(``tests/test_beta_cell.py::test_fixed_step_matches_tight_lsoda``,
``tests/test_zg_cell_tonic_knockouts.py::_compare_with_lsoda``). Expected values always come
from the references, never from a fixed-step run:

* ``beta_cell``: 10 s at the default parameters (11.1 mM glucose, bursting, 55 spikes), the
  independent implementation ``tests/beta_cell_reference.py`` (written from the published
  NEURON file, sharing no code with biophys) of the ``beta_cell`` equations, LSODA rtol 1e-9,
  atol 1e-11, max_step 0.5 ms, exactly as in ``test_beta_cell.py``;
* ``zg_cell``: 2 s of its tonic calibration (:func:`biophys.zg.tonic_calibration`, tonic
  firing; the default calibration is silent at 6 mM K_o for the first seconds) at K_o = 6 mM
  from that calibration's rest (9 spikes), :func:`biophys.reference.solve` (the model's
  right-hand side under scipy's LSODA, rtol 1e-9, atol 1e-12, spike times located as solver
  events), as in ``test_zg_cell_tonic_knockouts.py``.

Each reference is computed once per module. Numbers quoted as "measured" were measured with
this file's runs (script kept out of the tree). ``rl1`` is first order (README, Numerics);
``staggered`` is second order only for HH-type gates and first order where the V row is
nonlinear in V or the states are coupled, which is the case in both models (GHK currents,
Ca2+ coupling; ``tests/test_staggered.py::test_models_without_rates_V`` shows order 1 for
``zg_cell`` on V at one time). Here the order is measured on the spike-time drift: with
first-order local errors the spike-time error is C dt + O(dt^2), so each halving of dt divides
it by 2 (by 4 for a second-order method, by at most about 1.5 for an order-0.6 scheme).
"""

from __future__ import annotations

import warnings

import beta_cell_reference as bref
import numpy as np
import pytest

import biophys as bp
from biophys import zg
from biophys.models.zg_cell import TONIC_REST
from biophys.reference import solve

T_END = {"beta_cell": 10000.0, "zg_cell": 2000.0}
PARAMS = {"beta_cell": {}, "zg_cell": zg.tonic_calibration({"K_o": 6.0})}
INITIAL = {"beta_cell": None, "zg_cell": TONIC_REST}
#: step refinements (divisors of the declared step) of the order checks; the finest is the
#: step at which the spike trains are compared with the reference
REFINE = (1, 2, 4, 8)


@pytest.fixture(scope="module")
def reference():
    """Spike times (ms) and, for zg_cell, the mean Ca_i (mM) of the LSODA references."""
    out = {}
    sol = bref.solve(bref.model_params(), T_END["beta_cell"], rtol=1e-9, atol=1e-11,
                     max_step=0.5)
    out["beta_cell"] = {"spikes": bref.spike_times(sol.t, sol.y[0])}
    ref = solve("zg_cell", T_END["zg_cell"], params=PARAMS["zg_cell"], initial=TONIC_REST,
                record=("V", "Ca_i"), record_every=1.0, method="LSODA", rtol=1e-9, atol=1e-12)
    out["zg_cell"] = {"spikes": ref.spike_times.values, "Ca_i": float(ref.Ca_i.values.mean())}
    # the trains these tests are about (measured: 55 spikes, mean interval 183.1 ms; 9 spikes,
    # 229.9 ms)
    assert out["beta_cell"]["spikes"].size > 30
    assert out["zg_cell"]["spikes"].size >= 5
    return out


_RUNS: dict = {}


def _run(name, method, divisor):
    """Fixed-step run of ``name`` at the declared step / ``divisor`` (memoised per module:
    the order check and the accuracy check share the runs)."""
    key = (name, method, divisor)
    if key not in _RUNS:
        record = ("V", "Ca_i") if name == "zg_cell" else ("V",)
        every = 1.0 if name == "zg_cell" else 100.0
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            _RUNS[key] = bp.simulate(name, T_END[name], dt=bp.model(name).dt / divisor,
                                     params=PARAMS[name], initial=INITIAL[name],
                                     record=record, record_every=every, method=method)
    return _RUNS[key]


def _spike_error(spikes, ref):
    """Largest spike-time shift (ms) over the spikes present in both trains. The shift grows
    steadily along the train (phase drift), so the largest is that of the last common spike;
    where a coarse step loses the last spike of the window (beta_cell with rl1 at dt to dt/4,
    staggered at dt: the drift pushes it past t_end) the common spikes still pair up (the
    shifts are then 133 ms and 44 ms, each twice that at half the step)."""
    n = min(spikes.size, ref.size)
    return float(np.max(np.abs(spikes[:n] - ref[:n])))


def _isi_error(spikes, ref):
    """Relative error of the mean inter-spike interval (same spike count required)."""
    assert spikes.size == ref.size
    return float(np.diff(spikes).mean() / np.diff(ref).mean() - 1.0)


# -- rl2ab at the declared step: tighter than rl2's own tests ---------------------------------
def test_rl2ab_beta_cell_at_declared_step(reference):
    """rl2ab at dt = 0.1 ms: the same spikes as LSODA, each within 1 ms over 10 s of bursting,
    deliberately tighter than the 1.5 ms that
    ``test_beta_cell.py::test_fixed_step_matches_tight_lsoda`` allows rl2 (measured: rl2ab
    0.76 ms; rl2 0.9988 ms, the figure that test quotes)."""
    ref = reference["beta_cell"]["spikes"]
    s = _run("beta_cell", "rl2ab", 1).spike_times.values
    assert bp.model("beta_cell").dt == 0.1
    assert s.size == ref.size
    assert _spike_error(s, ref) < 1.0


def test_rl2ab_zg_cell_at_declared_step(reference):
    """rl2ab at dt = 0.05 ms, the criteria of
    ``test_zg_cell_tonic_knockouts.py::_compare_with_lsoda`` with its default rel = 1e-3: same
    spike count, mean interval and mean Ca_i within 0.1%, spike times within 1 ms + rel t_end =
    3 ms (measured: -4.9e-5, 0.075 ms; rl2 1.7e-4, 0.32 ms)."""
    ref = reference["zg_cell"]
    ds = _run("zg_cell", "rl2ab", 1)
    s = ds.spike_times.values
    assert s.size == ref["spikes"].size
    assert abs(_isi_error(s, ref["spikes"])) < 1e-3
    assert _spike_error(s, ref["spikes"]) < 1.0 + 1e-3 * T_END["zg_cell"]
    assert float(ds.Ca_i.values.mean()) == pytest.approx(ref["Ca_i"], rel=1e-3)


@pytest.mark.parametrize("name", ["zg_cell", "beta_cell"])
def test_rl2ab_second_order(reference, name):
    """rl2ab's spike-time error shrinks 4x from dt to dt/2 (second order; measured 4.02 for
    beta_cell, 3.92 for zg_cell); accepted 3.3-4.7 (a first-order error would give 2)."""
    ref = reference[name]["spikes"]
    e = [_spike_error(_run(name, "rl2ab", k).spike_times.values, ref) for k in (1, 2)]
    assert 3.3 < e[0] / e[1] < 4.7, e


# -- rl1 and staggered: first order, and accurate at dt/8 ----------------------------------------
#: largest spike-time shift (ms) and |relative error of the mean interval| accepted at dt/8,
#: about 1.5x what was measured there (measured: beta_cell rl1 16.75 ms / 1.68e-3, staggered
#: 5.48 ms / 5.5e-4; zg_cell rl1 1.005 ms / 5.3e-4, staggered 0.528 ms / 2.9e-4). At the
#: declared step these methods are far less accurate (beta_cell rl1 133 ms and staggered 44 ms,
#: each with the last spike of the 10 s lost; zg_cell 8.2 ms and 4.3 ms).
FINE_TOL = {
    ("beta_cell", "rl1"): (25.0, 2.5e-3),
    ("beta_cell", "staggered"): (8.0, 8e-4),
    ("zg_cell", "rl1"): (1.5, 8e-4),
    ("zg_cell", "staggered"): (0.8, 4.5e-4),
}


@pytest.mark.parametrize("method", ["rl1", "staggered"])
@pytest.mark.parametrize("name", ["zg_cell", "beta_cell"])
def test_first_order_methods_converge_at_order_one(reference, name, method):
    """Spike-time error at dt, dt/2, dt/4, dt/8 of the declared step: each halving divides it
    by 1.8-2.2 (theory: 2 for a first-order method, 4 for a second-order one; measured
    1.97-2.03 for both models and both methods, e.g. zg_cell rl1 8.22, 4.06, 2.02, 1.005 ms,
    beta_cell staggered 44.2, 22.0, 11.0, 5.48 ms). The band excludes order 1.15 and above
    (ratio 2.22) and order 0.85 and below (1.80)."""
    ref = reference[name]["spikes"]
    e = np.array([_spike_error(_run(name, method, k).spike_times.values, ref) for k in REFINE])
    ratios = e[:-1] / e[1:]
    assert np.all((ratios > 1.8) & (ratios < 2.2)), (e, ratios)


@pytest.mark.parametrize("method", ["rl1", "staggered"])
@pytest.mark.parametrize("name", ["zg_cell", "beta_cell"])
def test_first_order_methods_accurate_at_an_eighth_of_the_step(reference, name, method):
    """At dt/8 of the declared step (0.0125 ms for beta_cell, 0.00625 ms for zg_cell) the
    same spike count as the reference, spike times and mean interval within :data:`FINE_TOL`."""
    ref = reference[name]["spikes"]
    s = _run(name, method, REFINE[-1]).spike_times.values
    shift_tol, isi_tol = FINE_TOL[(name, method)]
    assert s.size == ref.size
    assert _spike_error(s, ref) < shift_tol
    assert abs(_isi_error(s, ref)) < isi_tol
