"""Run the compiled ensemble driver of a model: argument checks, buffers, and raw results.

Shared by :func:`biophys.simulate` (one or a few cells, traces) and :func:`biophys.sweep`
(many cells, online metrics).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numba
import numpy as np

from ._checks import checked_number, did_you_mean, real_values
from ._compile import (
    INTEGRATORS,
    block_function,
    block_integrator,
    parallel_runner,
    single_block_runner,
)
from ._model import Model
from ._warn import warn_user
from .analysis import check_plateau_V
from .kernels.bursts import B_LAST, B_PEND_MIN, B_SIL_MIN, N_BURST
from .kernels.ensemble_adaptive import H_MIN, SNAP
from .kernels.ensemble_source import (
    F_ATOL,
    F_DT,
    F_GAP,
    F_H0,
    F_HMAX,
    F_PLATEAU,
    F_REST_RTOL,
    F_RTOL,
    F_T0,
    F_TEND,
    F_TWARM,
    F_VTHR,
    I_CLAMP,
    I_MAXITER,
    I_NSTEPS,
    I_ORDER,
    I_REC_EVERY,
    I_REST,
    I_SILENT,
    I_WARM,
    N_FPAR,
    N_IPAR,
    N_STATS,
    S_ACCEPTED,
    S_REJECTED,
    S_STATUS,
    block_size_for,
    golden_stride,
)
from .stimulus import NO_STIMULUS

#: Smallest ``dt`` (first trial step) and ``max_step`` of the error-controlled methods, ms:
#: twice the drivers' step-size floor ``H_MIN`` (a first step of ``H_MIN`` itself may be
#: stopped at once, its proposal a rounding below the floor).
MIN_STEP = 2.0 * H_MIN

#: Integration methods accepted by ``method=`` (value: the driver's scheme code, ``I_ORDER``:
#: 1-4 the fixed-step schemes, 0 and -1 the error-controlled ones).
#: ``"rl1"``: Rush-Larsen / exponential Euler (first order on every model; Rush & Larsen 1978).
#: ``"rl2"``: exponential midpoint, second-order Rush-Larsen (Sundnes et al. 2009).
#: ``"rl2ab"``: second-order Rush-Larsen in Adams-Bashforth form, one rates call per step
#: (Coudiere, Douanla-Lontsi & Pierre 2018, ETNA 48:342).
#: ``"staggered"``: the states other than V half a step apart from V (Hines 1984, Int J Biomed
#: Comput 15:69, the staggering NEURON uses), each advanced by the exponential step of ``rl1``
#: with the rates at the other group's midpoint value: second order where the V row is
#: linear in V and the other states depend on V only (HH gates: ``hh1952``,
#: ``chay_keizer_1983``), otherwise first order (``beta_cell``, ``zg_cell``,
#: ``sherman_rinzel_keizer_1988``, ``bertram_sherman_2004``, ``iom_1_7``); one ``rates`` and
#: one ``rates_V`` call per step. Records, observables, algebraic outputs and the final states
#: are synchronous with V (the other states advanced half a step with the rates of the step's
#: update). ``Model.dt`` is chosen for ``rl2``/``rl2ab``: at it the first-order methods finish
#: with status ok and no warning yet can be far off (``bertram_sherman_2004``, 45 s:
#: ``staggered`` 7 spikes, ``rl1`` 80, the reference 89; more in ``simulate``'s ``method``).
#: Run them at dt <= ``Model.dt``/8 (``staggered``) or /16 (``rl1``).
#: ``"adaptive"``: Dormand-Prince 5(4) with per-cell step-size control against ``rtol``/``atol``.
#: ``"rosenbrock"``: the stiff option, Rosenbrock-W ROS34PW2 (order 3(2), L-stable; Rang &
#: Angermann 2005) with the same per-cell step-size control.
METHODS = {"rl1": 1, "rl2": 2, "rl2ab": 3, "staggered": 4, "adaptive": 0, "rosenbrock": -1}

#: The method of :func:`run`, :func:`biophys.simulate`, :func:`biophys.sweep` and the checks
#: when none is given.
DEFAULT_METHOD = "rl2"

METHOD_DESCRIPTIONS = {
    "rl1": "rl1: Rush-Larsen gates, exponential Euler for V and other states (1st order; "
           "dt <= Model.dt/16 advised)",
    "rl2": "rl2: exponential midpoint (2nd-order Rush-Larsen, Sundnes et al. 2009)",
    "rl2ab": "rl2ab: 2nd-order Rush-Larsen, Adams-Bashforth form, one rates call per step "
             "(Coudiere, Douanla-Lontsi & Pierre 2018)",
    "staggered": "staggered: states half a step apart from V (Hines 1984), exponential steps; "
                 "2nd order for HH-type gates, else 1st (dt <= Model.dt/8 advised)",
    "adaptive": "adaptive: Dormand-Prince 5(4), per-cell error control (rtol, atol), spike times "
                "on the cubic Hermite interpolant",
    "rosenbrock": "rosenbrock: Rosenbrock-W ROS34PW2 (Rang & Angermann 2005), order 3(2), "
                  "L-stable, forward-difference Jacobian, per-cell error control (rtol, atol)",
}
#: Largest buffer (records, spike times) a run may allocate, bytes; beyond it :func:`run`
#: raises a ``ValueError`` that says what to change instead of failing in ``numpy``.
MAX_BUFFER_BYTES = 4 * 2**30
#: Default tolerances of the error-controlled methods (``atol`` in each state's own unit).
RTOL = 1e-6
ATOL = 1e-8


@dataclass
class RawRun:
    """Raw arrays returned by one driver call (cells along the last axis)."""

    Y: np.ndarray  # final states (n_states, n_cells)
    times: np.ndarray  # record times, ms
    rec: np.ndarray  # (n_record, n_cells, n_times)
    spike_times: np.ndarray  # (n_cells, capacity), NaN padded
    spike_count: np.ndarray  # (n_cells,) all spikes, including those beyond capacity
    obs: np.ndarray  # (n_observed, 3, n_cells): sum, min, max after warm-up
    n_obs_samples: int
    burst: np.ndarray  # (N_BURST, n_cells) burst and silent-phase accumulators
    status: np.ndarray  # (n_cells,) 0 ok, 1 non-finite state, 2 step budget, 3 step underflow,
    #                     4 V outside its declared range (final, recorded or observed V)
    dt: float
    n_steps: int
    t_warm: float  # end of the warm-up, ms (error-controlled: at a stimulus edge within
    #                the snap of it, see _segments)
    method: str = DEFAULT_METHOD
    n_accepted: np.ndarray | None = None  # (n_cells,) steps taken (fixed: n_steps)
    n_rejected: np.ndarray | None = None  # (n_cells,) rejected steps (error-controlled only)
    t_rest: np.ndarray | None = None  # (n_cells,) with stop_at_rest: time of the freeze, ms
    # (NaN: integrated to t_end)


#: The waveform of :data:`biophys.stimulus.NO_STIMULUS` (a run without a stimulus), made once.
_NO_WAVEFORM = NO_STIMULUS.waveform()

#: Simulated time between two rest tests of ``stop_at_rest``, ms (see
#: :mod:`biophys.kernels.rest`; at least one step). Chosen here, not tuned: with no cell
#: frozen the tests cost 0-2% (measured in the session-27 review), and a resting cell stops at
#: most about two intervals (20 ms) after it first could.
REST_CHECK_MS = 10.0

#: A fixed step more than this many times the model's own step (``Model.dt``) draws a warning.
COARSE_DT_FACTOR = 10.0


def warn_coarse_dt(model: Model, dt: float, method: str) -> None:
    """``UserWarning`` when a fixed step ``dt`` (ms) is more than :data:`COARSE_DT_FACTOR`
    times ``model``'s own step. Such runs can end with status ok and still be wrong (hh1952 at
    dt = 5 ms fires no spike at I_app = 10 uA/cm^2); error-controlled methods, whose ``dt`` is
    only the output grid, are not checked."""
    if METHODS.get(method, 1) <= 0 or not float(dt) > COARSE_DT_FACTOR * model.dt:
        return
    warn_user(f"dt = {float(dt):g} ms is {float(dt) / model.dt:.0f}x the step of "
              f"{model.name} ({model.dt:g} ms); fixed steps this coarse can give wrong "
              "results without any error (e.g. missed spikes); check against a smaller dt")


def reads_outputs(model: Model, names) -> bool:
    """Whether any of the variables ``names`` is an algebraic output of ``model`` (a current, a
    flux), so that a run reading them uses the driver's ``_aux`` variant."""
    n_states = len(model.state_names)
    return any(model.variable_index(n) >= n_states for n in names)


#: Most steps (fixed steps, or intervals of an error-controlled method's output grid) a run
#: may take: a ``dt`` below ``t_end / MAX_STEPS`` is refused (the driver counts steps and
#: samples in int64; a run that long would never end anyway, and one that records is refused
#: earlier by :data:`MAX_BUFFER_BYTES`).
MAX_STEPS = 2**62


def check_time(t_end: float, dt: float, warmup: float = 0.0) -> tuple[float, float, float]:
    """Validate t_end, dt and warm-up (all ms; a bool or a string is not a time): ``dt`` in
    ``[t_end / MAX_STEPS, t_end]``, and a warm-up that, rounded to whole steps as :func:`run`
    rounds it, leaves at least one step before ``t_end`` (else the metrics window is empty)."""
    t_end_f = checked_number(t_end, "t_end", "ms", 0.0, low_open=True)
    dt_f = checked_number(dt, "dt", "ms", 0.0, low_open=True)
    if dt_f > t_end_f:
        raise ValueError(f"dt = {dt!r} ms must not exceed t_end = {t_end!r} ms")
    if not t_end_f / dt_f <= MAX_STEPS:  # (a quotient of inf: a subnormal dt)
        raise ValueError(f"dt = {dt!r} ms must be at least t_end / 2**62 = "
                         f"{t_end_f / MAX_STEPS:.3g} ms (t_end = {t_end!r} ms): more steps "
                         "than a run can count")
    w = checked_number(warmup, "warmup", "ms", 0.0, t_end_f, high_open=True,
                       note=" (the end is t_end)")
    n_steps, h = step_grid(t_end_f, dt_f)
    if round(w / h) >= n_steps:  # the warm-up ends at t_end: nothing left to measure
        raise ValueError(
            f"warmup = {warmup!r} ms must be in [0, {t_end_f - h:g}] ms (at most t_end - dt: "
            f"t_end = {t_end_f:g} ms, dt = {h:g} ms): the warm-up is rounded to whole steps "
            f"of dt, and {w:g} ms rounds to t_end, which leaves no step for the metrics")
    return t_end_f, dt_f, w


def checked_atol(atol, n_states: int) -> np.ndarray:
    """``atol`` (state units) as one value per state: finite and > 0, a scalar or one value
    per state, else a ``ValueError`` naming it."""
    a = real_values(atol)
    ok = a is not None and (a.ndim == 0 or a.shape == (n_states,))
    if ok:
        a = np.broadcast_to(a, (n_states,)).copy()
    if not ok or not np.all(np.isfinite(a)) or np.any(a <= 0):
        raise ValueError(f"atol = {atol!r} (state units) must be finite and > 0, a scalar or one "
                         f"value per state ({n_states})")
    return a


def _tolerances(rtol, atol, n_states: int) -> tuple[float, np.ndarray]:
    return checked_number(rtol, "rtol", "1", 1e-14, 0.1), checked_atol(atol, n_states)


def tolerance_kwargs(method: str, rtol, atol, n_states: int) -> dict:
    """Checked ``rtol``/``atol`` keywords for :func:`run` (empty when both are ``None``).

    They apply only to the error-controlled methods (``"adaptive"``, ``"rosenbrock"``); given
    with a fixed-step method they are an error rather than silently ignored. ``atol`` comes
    back as a tuple of floats (picklable, hashable).
    """
    check_method(method)
    if rtol is None and atol is None:
        return {}
    if METHODS[method] > 0:
        raise ValueError(f"rtol/atol apply only to method 'adaptive' or 'rosenbrock' (method = "
                         f"{method!r} takes fixed steps of dt)")
    return dict(zip(("rtol", "atol"), checked_tolerances(rtol, atol, n_states), strict=True))


def check_method(method) -> None:
    """A named error unless ``method`` is the name of an integration method."""
    if not isinstance(method, str) or method not in METHODS:
        raise ValueError(f"method = {method!r} is not one of {tuple(METHODS)}"
                         f"{did_you_mean(method, METHODS)}")


def checked_tolerances(rtol, atol, n_states: int) -> tuple[float, tuple[float, ...]]:
    """``(rtol, atol per state)`` checked, :data:`RTOL`/:data:`ATOL` where ``None``; ``atol``
    as a tuple of floats (picklable, hashable)."""
    r, a = _tolerances(RTOL if rtol is None else rtol, ATOL if atol is None else atol, n_states)
    return r, tuple(float(x) for x in a)


def check_rest_method(method: str) -> None:
    """``stop_at_rest`` needs a fixed-step method (the test sits in the fixed-step driver)."""
    if METHODS.get(method, 1) <= 0:
        raise ValueError(
            f"stop_at_rest applies to the fixed-step methods (rl1, rl2, rl2ab, staggered), not "
            f"method = {method!r}, whose step-size control already takes long steps at rest "
            "(up to max_step)")


def spread_order(n_cells: int) -> np.ndarray:
    """An order of ``n_cells`` cells in which every run of consecutive cells samples the whole
    range evenly: position ``i`` holds cell ``(i * golden_stride(n_cells)) % n_cells``, the
    golden-ratio permutation by which :func:`biophys.kernels.ensemble_source.run_blocks`
    orders its blocks.

    The error-controlled methods run their cells in blocks of consecutive columns, a block as
    long as its slowest cell and a thread as long as its blocks; along a sweep axis neighbouring
    cells often cost alike (silent cells take few steps, firing cells many), so in the sweep's
    order some blocks get all the costly cells. Where that unbalances the threads
    (:func:`spreads_cells`), :func:`run` gives these methods their cells in this order and puts
    the results back; a cell's arithmetic does not depend on its column, so the results are
    the same bit for bit.
    """
    return np.arange(n_cells) * golden_stride(n_cells) % n_cells


#: Blocks per thread below which :func:`run` spreads an error-controlled run's cells (see
#: :func:`spreads_cells`).
SPREAD_BELOW_BLOCKS_PER_THREAD = 2


def spreads_cells(n_cells: int, block: int, n_threads: int, records: bool) -> bool:
    """Whether :func:`run` gives an error-controlled method its ``n_cells`` cells in
    :func:`spread_order` (blocks of ``block`` cells, ``n_threads`` threads; not when it
    records traces, whose reordering would copy them).

    Only with fewer than :data:`SPREAD_BELOW_BLOCKS_PER_THREAD` blocks per thread and more
    than one block: the threads then run one block or two each, too few for any order of
    blocks to balance them (a sweep's chunk of 128 or 192 points on two threads; sweeps of more
    than 9 600 points get chunks of 256 and are not spread there). With more blocks
    the driver's golden-ratio order of blocks balances the threads, and spreading the cells
    only mixes cheap and costly cells in every block, which then iterates until its slowest
    cell (each iteration has a cost per block besides the one per running lane). Measured
    (session 36, 2-vCPU AMD EPYC): over a 16 x 16 K_o x Mg_o grid of 10 s (chunks of two
    64-cell blocks; best of four rounds, run alternately in one process), ``zg_cell`` with
    ``rosenbrock`` 3.46 s spread against 3.99 s in the caller's order, with ``adaptive`` 2.24
    against 2.24 s, ``beta_cell`` with these 8.42 against 8.60 s and 1.36 against 1.35 s; the
    HH 1952 W1 population (I_app over 0-20 uA/cm^2, 1000 ms, ``adaptive``; best of three)
    of 10 000 cells 3.61 s spread against 2.74 s in order on two threads and 7.20 against
    5.37 s on one, and in 7-35% less time in order at every size tried from 128 to 10 000
    cells (at 128 cells, two blocks on two threads, the rule still spreads: that population
    loses 7% where the ``zg_cell`` sweep's chunks gain 13%).
    """
    n_blocks = -(-n_cells // block)
    return (not records and n_blocks > 1
            and n_blocks < SPREAD_BELOW_BLOCKS_PER_THREAD * n_threads)


def step_grid(t_end: float, dt: float) -> tuple[int, float]:
    """Number of fixed steps and the step actually taken, ms: ``t_end`` (ms) in whole steps of
    at most ``dt`` (ms).

    A ``t_end`` that is a whole number of steps to within the rounding of ``t_end / dt`` (a
    few ulp of the quotient, so a tolerance relative to it, not 1e-9 steps alone: 1269735.86
    ms at 0.02 ms is 63486793 steps, not one more of 0.0199999997 ms) is run in exactly those
    steps; the step returned gives back the same grid (``step_grid(t_end, h)``).
    """
    q = t_end / dt
    n = round(q)
    n_steps = n if abs(q - n) <= 1e-9 + 1e-12 * q else math.ceil(q)
    n_steps = max(1, int(n_steps))
    return n_steps, t_end / n_steps


def record_grid(t_end: float, dt: float, record_every: float | None) -> tuple[int, int, float]:
    """Steps between two samples, number of samples and sampling interval (ms) of a record
    every ``record_every`` ms (rounded to whole steps; None: every step) of a run of ``t_end``
    ms at step ``dt`` ms: the one grid :func:`run` records on (sample ``j`` at ``j`` times the
    interval)."""
    n_steps, h = step_grid(t_end, dt)
    every = h if record_every is None else checked_number(record_every, "record_every", "ms",
                                                           0.0, low_open=True)
    # an interval longer than the run records t = 0 only (k > n_steps; every / h can be too
    # large for an int64, or inf)
    k = n_steps + 1 if every / h > n_steps + 1 else max(1, int(round(every / h)))
    return k, n_steps // k + 1, k * h


def record_times(t_end: float, n_steps: int, k: int, n: int, interval: float) -> np.ndarray:
    """Times (ms) of the ``n`` samples ``k`` steps (``interval`` ms) apart of :func:`record_grid`
    in a run of ``n_steps`` steps to ``t_end`` ms; a sample that ends the run is at ``t_end``
    exactly, not one ulp past it (``(n - 1) * interval``, which the error-controlled drivers,
    stopping at t_end, would never reach: the sample stayed NaN)."""
    times = np.arange(n) * interval
    if n and (n - 1) * k == n_steps:
        times[-1] = t_end
    return times


def warn_record_grid(t_end: float, dt: float, record_every: float | None) -> None:
    """Warn (naming the caller's line) when a requested ``record_every`` (ms) is not a whole
    number of the steps of a ``t_end`` ms run at ``dt`` ms (the samples are then
    :func:`record_grid`'s rounded interval apart, not the one asked for), or leaves only the
    sample at t = 0."""
    if record_every is None:
        return
    k, n_samples, got = record_grid(t_end, dt, record_every)
    every = float(record_every)  # a real number (record_grid checked it); a Fraction has no :g
    if n_samples == 1:
        warn_user(f"record_every = {every:g} ms is longer than the run (t_end = "
                  f"{t_end:g} ms): only t = 0 is recorded")
    elif abs(got - record_every) > 1e-6 * record_every:
        warn_user(f"record_every = {every:g} ms is not a whole number of steps "
                  f"(dt = {got / k:g} ms): the samples are {got:g} ms apart ({k} step"
                  f"{'s' if k > 1 else ''}); give a multiple of dt (ms)")


def warn_stimulus_off_grid(stimulus, t_end: float, dt: float, method: str) -> None:
    """Warn (naming the caller's line) when a fixed-step run's stimulus changes between step
    boundaries: the fixed steps evaluate the waveform at each step's midpoint, so the step that
    holds such an edge takes one segment's value throughout (a pulse shorter than ``dt`` is
    lost, or delivered for a whole step). The error-controlled methods stop at every edge."""
    if stimulus is None or METHODS.get(method, 1) <= 0:
        return
    _, h = step_grid(t_end, dt)
    t = np.asarray(stimulus.waveform()[0], dtype=float)
    t = t[(t > 0.0) & (t < t_end)]
    off = t[np.abs(t / h - np.round(t / h)) > 1e-6]
    if off.size:
        shown = ", ".join(f"{x:g}" for x in off[:3]) + (", ..." if off.size > 3 else "")
        warn_user(f"the stimulus changes at {shown} ms, between the fixed steps (dt = {h:g} "
                  "ms), which take the value at each step's midpoint: a step holding an edge "
                  "delivers one segment's value for the whole step (a pulse shorter than dt "
                  "can be lost or lengthened); put the edges on multiples of dt, or use "
                  "method='adaptive'")


def rest_every(dt: float) -> int:
    """Steps between two rest tests at step ``dt`` (ms): :data:`REST_CHECK_MS` rounded to
    whole steps, at least one."""
    return max(1, int(round(REST_CHECK_MS / dt)))


def _segments(stim_t, stim_v, t_warm: float,
              t_end: float) -> tuple[np.ndarray, np.ndarray, float]:
    """Ends and stimulus values of the segments an error-controlled step may not cross, and
    the end of the warm-up the driver uses, all ms.

    The segment ends are the stimulus edges in (0, ``t_end``), the end of the warm-up
    ``t_warm`` and ``t_end``. A ``t_warm`` within the drivers' snap of a stimulus edge
    (``max(SNAP, 1e-12 |t|)`` ms, :mod:`biophys.kernels.ensemble_adaptive`) is that edge: it
    is no segment end of its own, and the driver ends the warm-up at the edge (``warmup=100``
    at ``dt=0.07``, ``t_end=200`` is 1429 steps, 99.99999999999999 ms, against a pulse edge at
    100 ms; a segment of one ulp between them made the cells fail with a step size underflow).
    The edge, not ``t_warm``, is kept, as the stimulus changes there; the driver's warm-up end
    then differs from ``t_warm`` by at most the snap. Stimulus edges are all kept, however
    close (the driver takes a segment shorter than its step size in one step).
    """
    edges = [float(x) for x in stim_t if 0.0 < x < t_end]
    t_w = float(t_warm)
    if 0.0 < t_w < t_end:
        near = [e for e in edges if abs(e - t_w) <= max(SNAP, 1e-12 * abs(t_w))]
        if near:
            t_w = min(near, key=lambda e: abs(e - t_w))
        else:
            edges.append(t_w)
    ends = np.unique(np.array(edges + [t_end], dtype=np.float64))
    starts = np.concatenate([[0.0], ends[:-1]])
    mid = 0.5 * (starts + ends)
    j = np.searchsorted(stim_t, mid, side="right") - 1
    vals = np.where(j >= 0, np.asarray(stim_v, dtype=np.float64)[np.maximum(j, 0)], 0.0)
    return ends, np.ascontiguousarray(vals, dtype=np.float64), t_w


def run(
    model: Model,
    P: np.ndarray,
    Y0: np.ndarray,
    *,
    t_end: float,
    dt: float,
    stimulus=None,
    record: Sequence[str] = (),
    record_every: float | None = None,
    warmup: float = 0.0,
    observe: Sequence[str] = (),
    spike_capacity: int = 0,
    method: str = DEFAULT_METHOD,
    rtol: float = RTOL,
    atol: float | Sequence[float] = ATOL,
    max_step: float | None = None,
    silent_phase: bool = False,
    plateau_V: float | None = None,
    stop_at_rest: tuple[float, Sequence[float]] | None = None,
) -> RawRun:
    """Integrate ``P.shape[1]`` independent cells of ``model``.

    ``P`` is ``(n_params, n_cells)``, ``Y0`` is ``(n_states, n_cells)``; both are copied.
    With ``method="adaptive"`` or ``"rosenbrock"``, ``dt`` (ms) is the output grid (records,
    warm-up) and the first trial step, at least :data:`MIN_STEP` (2e-9 ms, twice the
    drivers' step-size floor ``H_MIN``, :mod:`biophys.kernels.ensemble_adaptive`); ``rtol``
    (dimensionless) and ``atol`` (state units, scalar or per state) bound the local error of
    every cell, and ``max_step`` (ms, at least :data:`MIN_STEP`) caps its step size.
    ``silent_phase=True`` accumulates the silent-phase potential (V below ``spike_threshold``
    between bursts) into the burst accumulator; see :func:`biophys.metrics.burst_statistics`.
    ``plateau_V`` (mV; the model's ``plateau_V`` for burst read-outs, default None: no test)
    makes the burst accumulator test every spike-free interval longer than ``burst_gap``: it
    is a silent phase only if V falls below ``spike_threshold`` in it and the time average of
    those samples is at most ``plateau_V``, otherwise a plateau inside the burst under way
    (the sums of V below threshold are then kept, as with ``silent_phase``); reduce the
    accumulator with the same ``plateau_V`` (:func:`biophys.metrics.burst_statistics`).
    ``stop_at_rest = (rtol, atol)`` (dimensionless; one value per state, in its unit) stops
    each cell of a fixed-step run once it is at rest and finishes its read-outs in closed
    form (:mod:`biophys.kernels.rest`); ``t_rest`` of the result says when.
    """
    check_method(method)
    t_end, dt, warmup = check_time(t_end, dt, warmup)
    dt_asked = dt  # the record grid is the caller's (record_grid), not one of the step taken
    n_steps, dt = step_grid(t_end, dt)
    if stimulus:
        stim_t, stim_v, clamp = stimulus.waveform()
    else:  # NO_STIMULUS, checked once (copies: each run's arrays are its own)
        stim_t, stim_v, clamp = (_NO_WAVEFORM[0].copy(), _NO_WAVEFORM[1].copy(),
                                 _NO_WAVEFORM[2])
    stim_t = np.ascontiguousarray(stim_t, dtype=np.float64)
    stim_v = np.ascontiguousarray(stim_v, dtype=np.float64)
    P = np.array(P, dtype=np.float64, order="C", copy=True)
    Y = np.array(Y0, dtype=np.float64, order="C", copy=True)
    n_states = len(model.states)
    if P.ndim != 2 or P.shape[0] != len(model.parameters):
        raise ValueError(f"parameters must have shape ({len(model.parameters)}, n_cells)")
    n_cells = P.shape[1]
    if Y.shape != (n_states, n_cells):
        raise ValueError(f"initial states must have shape {(n_states, n_cells)}")
    model.check_joint(P, Y)  # pools and ratios the per-quantity ranges cannot bound
    rec_idx = np.array([model.variable_index(r) for r in record], dtype=np.int64)
    obs_idx = np.array([model.variable_index(o) for o in observe], dtype=np.int64)
    if len(rec_idx):
        rec_every, n_rec_t, rec_dt = record_grid(t_end, dt_asked, record_every)
    else:
        rec_every, n_rec_t, rec_dt = 0, 0, 0.0
    n_rec_bytes = 8 * len(rec_idx) * n_cells * n_rec_t
    n_spk_bytes = 8 * n_cells * max(int(spike_capacity), 1)
    if n_rec_bytes > MAX_BUFFER_BYTES:
        raise ValueError(
            f"recording {len(rec_idx)} variable(s) of {n_cells} cell(s) every "
            f"{rec_every * dt:g} ms for t_end = {t_end:g} ms needs {n_rec_bytes / 2**30:.3g} GiB "
            f"(limit {MAX_BUFFER_BYTES / 2**30:g} GiB): record fewer variables or cells, or set "
            "a larger record_every (ms)")
    if n_spk_bytes > MAX_BUFFER_BYTES:
        raise ValueError(
            f"spike-time buffer for t_end = {t_end:g} ms ({spike_capacity} spikes x {n_cells} "
            f"cells) needs {n_spk_bytes / 2**30:.3g} GiB (limit {MAX_BUFFER_BYTES / 2**30:g} "
            "GiB): simulate a shorter t_end (ms)")
    times = record_times(t_end, n_steps, rec_every, n_rec_t, rec_dt)
    rec = np.full((len(rec_idx), n_cells, n_rec_t), np.nan)
    spk_t = np.full((n_cells, max(int(spike_capacity), 1)), np.nan)
    spk_n = np.zeros(n_cells, dtype=np.int64)
    obs = np.zeros((len(obs_idx), 3, n_cells))
    obs[:, 1] = np.inf
    obs[:, 2] = -np.inf
    warm_steps = int(round(warmup / dt))
    t_warm = warm_steps * dt
    adaptive = METHODS[method] <= 0
    if adaptive:  # the segments no step crosses (t_warm moved onto a stimulus edge at it)
        if dt_asked < MIN_STEP:
            raise ValueError(
                f"dt = {dt_asked!r} ms must be in [{MIN_STEP:g}, t_end] ms with method = "
                f"{method!r}: dt is its first trial step, and {H_MIN:g} ms the smallest "
                "step the error-controlled methods take")
        stim_t, stim_v, t_warm = _segments(stim_t, stim_v, t_warm, t_end)
    burst = np.zeros((N_BURST, n_cells))
    burst[B_LAST] = t_warm
    burst[B_PEND_MIN] = np.inf
    burst[B_SIL_MIN] = np.inf
    stats = np.zeros((n_cells, N_STATS), dtype=np.int64)
    r_tol, a_tol = _tolerances(rtol, atol, n_states) if adaptive else (0.0, np.zeros(n_states))
    if max_step is None:
        h_max = t_end
    else:
        h_max = checked_number(max_step, "max_step", "ms", MIN_STEP,
                               note=" (the smallest step of the error-controlled methods is "
                               f"{H_MIN:g} ms)")
    fpar = np.zeros(N_FPAR + 2 * n_states)
    fpar[[F_T0, F_DT, F_TEND, F_VTHR, F_GAP, F_TWARM, F_RTOL, F_ATOL, F_HMAX, F_H0,
          F_PLATEAU]] = (
        0.0, dt, t_end, float(model.spike_threshold), float(model.burst_gap), t_warm, r_tol,
        float(a_tol[0]), h_max, min(dt, h_max),
        math.nan if plateau_V is None else check_plateau_V(plateau_V))
    fpar[N_FPAR:N_FPAR + n_states] = a_tol
    n_rest = 0
    if stop_at_rest is not None:
        check_rest_method(method)
        rest_rtol, rest_atol = stop_at_rest
        fpar[F_REST_RTOL] = rest_rtol
        fpar[N_FPAR + n_states:] = rest_atol
        for name in model.accumulators:
            fpar[N_FPAR + n_states + model.state_index(name)] = -1.0
        n_rest = rest_every(dt)
    ipar = np.zeros(N_IPAR, dtype=np.int64)
    ipar[[I_NSTEPS, I_CLAMP, I_ORDER, I_REC_EVERY, I_WARM, I_MAXITER, I_SILENT, I_REST]] = (
        n_steps, int(bool(clamp)), METHODS[method], rec_every, warm_steps, 200_000_000,
        int(bool(silent_phase) or plateau_V is not None), n_rest)
    need_aux = reads_outputs(model, (*record, *observe))
    name = INTEGRATORS[method] + ("_aux" if need_aux else "")
    args = (fpar, ipar, stim_t, stim_v, rec_idx, times, rec, spk_t, spk_n, obs_idx, obs, burst,
            stats)
    n_threads = numba.get_num_threads()
    bs = block_size_for(n_cells, n_threads)
    spread = adaptive and spreads_cells(n_cells, bs, n_threads, len(rec_idx) > 0)
    order = spread_order(n_cells) if spread else None
    if order is not None:  # cells in spread order (see spread_order); P and Y are copies
        P = np.ascontiguousarray(P[:, order])
        Y = np.ascontiguousarray(Y[:, order])
    if numba.config.DISABLE_JIT:
        fn = block_integrator(model, name)
        for c0 in range(0, n_cells, bs):
            fn(Y, P, c0, min(bs, n_cells - c0), *args)
    elif n_cells > bs:
        parallel_runner()(block_function(model, name), bs, Y, P, *args)
    else:
        single_block_runner()(block_function(model, name), Y, P, *args)
    if order is not None:  # back to the caller's order
        back = np.argsort(order)
        Y, spk_t, spk_n, obs, burst, stats = (
            np.ascontiguousarray(a) for a in (Y[:, back], spk_t[back], spk_n[back],
                                              obs[:, :, back], burst[:, back], stats[back]))
    n_samples = n_steps - warm_steps + 1
    if adaptive and len(obs_idx) and t_end > t_warm:
        obs[:, 0] *= n_samples / (t_end - t_warm)  # time integral -> sum over the dt grid
    status = stats[:, S_STATUS].copy()
    bad = ~np.all(np.isfinite(Y), axis=0)
    status[bad] = 1
    # finished, but V (state 0 of every model) left its declared range: the model left the
    # domain it describes (e.g. a large hyperpolarising I_app on a cell without Kir). Tested on
    # the final V, on every recorded sample of V and, where V is observed, on its minimum and
    # maximum after the warm-up (an excursion that came back, e.g. during a strong pulse)
    lo, hi = model.states[0].bounds
    v_lo, v_hi = Y[0].copy(), Y[0].copy()
    for k in np.flatnonzero(rec_idx == 0):
        with np.errstate(invalid="ignore"):  # samples after a failure stay NaN
            v_lo = np.fmin(v_lo, np.nanmin(rec[k], axis=1, initial=np.inf))
            v_hi = np.fmax(v_hi, np.nanmax(rec[k], axis=1, initial=-np.inf))
    for k in np.flatnonzero(obs_idx == 0):
        v_lo, v_hi = np.fmin(v_lo, obs[k, 1]), np.fmax(v_hi, obs[k, 2])
    status[(status == 0) & ((v_lo < lo) | (v_hi > hi))] = 4
    accepted = stats[:, S_ACCEPTED].copy()
    t_rest = None
    if n_rest:
        t_rest = np.where(accepted < n_steps, accepted * dt, np.nan)
    return RawRun(Y, times, rec, spk_t, spk_n, obs, n_samples, burst, status, dt, n_steps, t_warm,
                  method, accepted, stats[:, S_REJECTED].copy(), t_rest)
