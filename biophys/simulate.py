"""``simulate``: integrate one cell of a built-in model and return a labelled trace."""

from __future__ import annotations

import datetime as _dt
import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numba
import numpy as np

from . import _bath, _engine
from ._checks import record_names
from ._labelled import dataset
from ._model import Model
from ._sweep_result import STATUS
from ._version import __version__
from ._warn import warn_user
from .models import get_model
from .stimulus import check_stimulus, warn_after_end

if TYPE_CHECKING:
    import xarray as xr

    from ._cytosol import Cytosol
    from .solution import Solution
    from .stimulus import Pulse, Steps, VoltageClamp


def changed_parameters(model: Model, p: np.ndarray) -> dict[str, float]:
    """Parameters whose value differs from the model default."""
    d = model.default_parameters()
    return {q.name: float(p[i]) for i, q in enumerate(model.parameters) if p[i] != d[i]}


def provenance(model: Model, **extra) -> dict[str, str | float | int]:
    """Provenance attributes shared by simulate and sweep results (netCDF-safe types)."""
    attrs: dict[str, str | float | int] = {
        "model": model.name,
        "model_title": model.title,
        "references": "; ".join(model.references),
        "biophys_version": __version__,
        "numba_version": numba.__version__,
        "numpy_version": np.__version__,
        "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
    }
    for k, v in extra.items():
        attrs[k] = json.dumps(v) if isinstance(v, (dict, list, tuple)) else v
    return attrs


def trace_dataset(model: Model, times: np.ndarray, traces: np.ndarray, record: Sequence[str],
                  spikes: np.ndarray, spike_method: str, final_state: np.ndarray,
                  **attrs) -> xr.Dataset:
    """The Dataset of one cell's recorded traces, shared by :func:`simulate` and
    :func:`biophys.reference.solve`.

    Parameters
    ----------
    model : Model
        The model simulated.
    times : numpy.ndarray
        Sample times, ms, shape ``(n_t,)``.
    traces : numpy.ndarray
        Recorded values, shape ``(len(record), n_t)``, each in its variable's unit.
    record : sequence of str
        Names of the recorded states or outputs.
    spikes : array_like
        Upward crossings of the model's spike threshold, ms.
    spike_method : str
        How the crossings were located (goes into the ``long_name`` of ``spike_times``).
    final_state : numpy.ndarray
        State vector at ``t_end``, each in its state's unit.
    **attrs
        Provenance attributes (see :func:`provenance`).

    Returns
    -------
    xarray.Dataset
    """
    data_vars = {}
    for name, trace in zip(record, traces, strict=True):
        unit, desc = model.variable_meta(name)
        data_vars[name] = ("time", trace, {"units": unit, "long_name": desc})
    data_vars["spike_times"] = (
        "spike", np.asarray(spikes, dtype=float),
        {"units": "ms", "long_name": f"upward crossings of V = {model.spike_threshold:g} mV "
                                    f"({spike_method})"},
    )
    ds = dataset({"time": ("time", times, {"units": "ms", "long_name": "time"})}, data_vars)
    ds.attrs.update(provenance(model, **attrs))
    ds.attrs["final_state"] = json.dumps(
        dict(zip(model.state_names, map(float, final_state), strict=True)))
    return ds


def _spike_capacity(t_end: float) -> int:
    """Spike times a single run's first buffer holds: one per 0.5 ms of ``t_end`` (ms), plus 16
    (a run with more is run again with room for all: :func:`simulate`)."""
    return int(t_end / 0.5) + 16


def v_out_of_range(m: Model, v_end: float, times: Any = None, v: Any = None) -> str:
    """Why a run of ``m`` has status 4, as a clause: V at the end (``v_end``, mV) if that is
    outside the model's declared range of V, else the first recorded sample of the trace
    ``v`` (mV) at ``times`` (ms) that is."""
    lo, hi = m.states[0].bounds
    when = "at the end of the run"
    if lo <= v_end <= hi and v is not None:
        v = np.asarray(v, dtype=float)
        with np.errstate(invalid="ignore"):
            out = np.flatnonzero((v < lo) | (v > hi))
        if out.size:
            v_end, when = float(v[out[0]]), f"at t = {float(np.asarray(times)[out[0]]):g} ms"
    return (f"V = {v_end:.6g} mV {when}, outside the range [{lo:g}, {hi:g}] mV the model "
            "declares for V: it has left the domain it describes (e.g. too large an applied "
            "current for its conductances)")


def simulate(
    model: str | Model,
    t_end: float,
    dt: float | None = None,
    *,
    params: Mapping[str, float] | None = None,
    conditions: Mapping[str, float] | Solution | Cytosol | None = None,
    initial: Mapping[str, float] | None = None,
    stimulus: Pulse | Steps | VoltageClamp | None = None,
    record: Sequence[str] = ("V",),
    record_every: float | None = None,
    method: str = _engine.DEFAULT_METHOD,
    rtol: float | None = None,
    atol: float | Sequence[float] | None = None,
) -> xr.Dataset:
    """Simulate one cell of a built-in model.

    Parameters
    ----------
    model : str or Model
        Model name (see :func:`biophys.list_models`).
    t_end : float
        Duration, ms (> 0).
    dt : float, optional
        Fixed step, ms; default: the model's declared accurate step. ``t_end`` is run in whole
        steps of at most ``dt`` (the step taken is the ``dt`` attribute: 0.00995 ms for
        ``t_end`` 1.005 ms at ``dt`` 0.01 ms). With ``"adaptive"`` and ``"rosenbrock"`` it is
        not a step: it is the output grid (the records, and the ``dt`` attribute, on whole
        intervals of at most ``dt`` in the same way) and the first trial step; the steps taken
        follow ``rtol``/``atol``.
    params : mapping, optional
        Parameter overrides by name (units as in ``model.parameters``). A value outside the
        physiological range of the bath or cytosol field of its name (``K_o`` 1-60 mM ...,
        :mod:`biophys.solution`) draws the ``UserWarning`` a Solution gives (e.g. a
        concentration typed in M instead of mM); outside the model's valid range it is an
        error.
    conditions : Solution or mapping, optional
        The bath (and cytosol), as in :func:`biophys.sweep`: a :class:`biophys.Solution`
        (its fields left out are the model's own values; its substitution rule applies), or a
        mapping of the model's conditions (``model.condition_names``) set one by one. A
        parameter a Solution sets cannot also be given in ``params``. A mapping's values are
        range-checked as ``params`` are. Fields given in a Solution (or Cytosol) that the
        model has no condition for are not applied: one ``UserWarning`` names them, and the
        ``solution`` attribute lists them as ``unused`` (and under ``not_in_model``, with the
        left-out fields the model has no condition for).
    initial : mapping, optional
        Initial-state overrides by name.
    stimulus : Pulse, Steps or VoltageClamp, optional
        Applied protocol.
    record : sequence of str
        States or algebraic outputs to record.
    record_every : float, optional
        Recording interval, ms (default: every step); rounded to whole steps, with a
        ``UserWarning`` when that changes it.
    method : {"rl2", "rl1", "rl2ab", "staggered", "adaptive", "rosenbrock"}
        Integration method: ``"rl2"`` (default) the second-order exponential midpoint
        (Rush-Larsen 2), ``"rl1"`` the classic first-order Rush-Larsen, ``"rl2ab"`` second-order
        Rush-Larsen with one right-hand side per step, ``"staggered"`` V half a step apart
        from the other states (after Hines 1984), ``"adaptive"`` and ``"rosenbrock"``
        error-controlled (see ``biophys._engine.METHODS``). ``rl1`` is first order on every
        model; ``staggered`` is second order on ``hh1952`` and ``chay_keizer_1983`` (HH-type
        gates) and first order on ``beta_cell``, ``zg_cell``, ``sherman_rinzel_keizer_1988``,
        ``bertram_sherman_2004`` and ``iom_1_7``. A model's default ``dt`` is chosen for
        ``rl2`` and ``rl2ab``; at it the first-order methods finish with status ``"ok"`` and
        no warning but can be far off (measured against DOP853, rtol 1e-10):
        ``bertram_sherman_2004`` over 45 s, 89 spikes (``rl2`` 89), ``staggered`` 7 (its
        interspike troughs, -39.9 to -39.1 mV, stay above the -40 mV spike threshold),
        ``rl1`` 80; ``sherman_rinzel_keizer_1988``, burst period 14.26 s with 22 spikes per
        burst (``rl2`` 14.28 s, 22), ``staggered`` 15.65 s (+9.8%, 25), ``rl1`` 12.64 s
        (-11%, 18); ``iom_1_7`` at 20 mM glucose over 150 s, 82 spikes (``rl2`` 82),
        ``staggered`` 85 with spikes shifted by up to 322 ms, ``rl1`` 75; ``beta_cell`` over
        10 s, spikes shifted by up to 44 ms (``staggered``) and 133 ms (``rl1``). Use ``rl2``
        or ``rl2ab`` at the default ``dt``, or ``staggered`` at ``dt`` <= ``Model.dt / 8``
        and ``rl1`` at ``dt`` <= ``Model.dt / 16`` (there, in the same order: 89 and 88
        spikes, the 89th of ``rl1`` drifted 41 ms past the end; 14.20 s and 14.41 s, 22
        spikes per burst; 82 and 82 spikes, shifted by up to 41 and 45 ms; the errors halve
        with each further halving of ``dt``; ``tests/test_first_order_methods.py``).
    rtol, atol : float, optional
        Local error tolerances of ``"adaptive"`` and ``"rosenbrock"``: ``rtol`` dimensionless in
        [1e-14, 0.1] (default 1e-6), ``atol`` > 0 in each state's own unit, a scalar or one value
        per state (default 1e-8). An error with a fixed-step method.

    Returns
    -------
    xarray.Dataset
        ``time`` coordinate (ms), one variable per recorded quantity (``units``, ``long_name``
        attrs), ``spike_times`` (ms, dimension ``spike``; empty under a
        :class:`~biophys.VoltageClamp`, whose command steps are not spikes, whatever the method)
        and provenance attrs, among them ``status``: ``"ok"``, or how the run failed
        (``"non-finite state"``: a blow-up; ``"step failure: step size underflow"`` or ``"...
        step budget exhausted"``: an error-controlled method stopped the cell; ``"V out of
        range"``: the run finished, but V left the model's declared range of V, at the end or at
        a recorded sample, e.g. under too large an applied current, records kept), with a
        ``UserWarning``. After a failure the records are NaN from where the run stopped, and
        ``final_state`` is the state there, not at ``t_end``.
    """
    m = get_model(model)
    dt = m.dt if dt is None else dt
    record = record_names(record)
    check_stimulus(stimulus, m)
    overrides, solution, rule, resolved = _bath.overrides(m, conditions, params)
    p = m.parameter_vector(overrides)
    _bath.range_warnings(m, params, conditions)  # a Solution has warned about its own fields
    y0 = m.state_vector(initial)
    for r in record:
        m.variable_index(r)
    t_end_f, dt_f, _ = _engine.check_time(t_end, dt)
    tol = _engine.tolerance_kwargs(method, rtol, atol, len(m.state_names))
    _engine.warn_coarse_dt(m, dt_f, method)
    _engine.warn_record_grid(t_end_f, dt_f, record_every)
    _engine.warn_stimulus_off_grid(stimulus, t_end_f, dt_f, method)
    warn_after_end(stimulus, t_end_f)
    def run(spike_capacity: int) -> _engine.RawRun:
        return _engine.run(
            m, p[:, None], y0[:, None], t_end=t_end_f, dt=dt_f, stimulus=stimulus,
            record=record, record_every=record_every, spike_capacity=spike_capacity,
            method=method, **tol,
        )

    capacity = _spike_capacity(t_end_f)
    raw = run(capacity)
    if raw.spike_count[0] > capacity:
        # more spikes than one per 0.5 ms (a user model firing faster): the buffer kept only
        # the first ones; the run is deterministic, so run it again with room for all of them
        raw = run(int(raw.spike_count[0]))
    n = int(raw.spike_count[0])
    tol_attrs = ({"rtol": tol.get("rtol", _engine.RTOL), "atol": tol.get("atol", _engine.ATOL)}
                 if _engine.METHODS[method] <= 0 else {})
    # the driver's code (0 ok, 1 non-finite state, 2 step budget, 3 step size underflow, 4 V
    # out of range): codes 2 and 3 end with a finite state and were called "non-finite state"
    status = STATUS.get(int(raw.status[0]), f"failed (code {int(raw.status[0])})")
    if int(raw.status[0]) == 4:
        v_rec = raw.rec[list(record).index("V"), 0] if "V" in record else None
        warn_user(f"{m.name}: the run reached {v_out_of_range(m, raw.Y[0, 0], raw.times, v_rec)}"
                  f" (status {status!r}); the records are kept")
    elif status != "ok":
        warn_user(f"{m.name}: the run ended with status {status!r}; the records are NaN from "
                  f"where it stopped on and final_state is the state there (t_end = "
                  f"{t_end_f:g} ms); try a smaller dt (ms) or, for a stiff model, "
                  "method='rosenbrock'")
    return trace_dataset(
        m, raw.times, raw.rec[:, 0], record, raw.spike_times[0, : min(n, raw.spike_times.shape[1])],
        "cubic Hermite interpolation in the step" if method in ("adaptive", "rosenbrock")
        else "linear interpolation in the step", raw.Y[:, 0],
        changed_parameters=changed_parameters(m, p), dt=raw.dt, t_end=t_end_f,
        integrator=_engine.METHOD_DESCRIPTIONS[method],
        stimulus=repr(stimulus) if stimulus is not None else "none",
        conditions={q: float(p[m.parameter_index(q)]) for q in m.condition_names},
        substitution_rule=rule, solution=_bath.solution_record(solution, m, res=resolved),
        status=status, **tol_attrs,
    )
