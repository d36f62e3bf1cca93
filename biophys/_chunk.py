"""What one chunk of a sweep runs: the settings every point shares (:class:`SweepSpec`), the
per-chunk worker (:func:`compute_chunk`, also run by Dask workers) and the decimated traces of
chosen points.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import _engine
from . import metrics as _metrics
from ._labelled import variable
from ._model import Model
from ._sweep_result import add_point_coords
from .models import get_model

__all__ = ["SweepSpec", "compute_chunk", "warm", "gather", "trace_every", "add_traces"]


@dataclass(frozen=True)
class SweepSpec:
    """Everything a chunk needs besides its varied values (picklable when ``model`` is a name)."""

    model: str | Model
    p0: np.ndarray  # parameters shared by all points (n_params,)
    y0: np.ndarray  # initial states (n_states,)
    varied: tuple[int, ...]  # parameter indices whose values vary between points
    t_end: float
    dt: float
    warmup: float
    metrics: tuple[str, ...]
    method: str | None
    stimulus: object = None
    tolerances: tuple = ()  # (("rtol", r), ("atol", (a, ...))) when set by the caller
    final_state: bool = False  # also return every state at t_end (final_<state>)
    state_rows: tuple[int, ...] = ()  # states whose initial values vary between points
    rest: tuple = ()  # (rtol, atol per state) of stop_at_rest, () when off
    retry: SweepSpec | None = None  # settings to run the chunk's failed points with again

    def split(self, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """A chunk's ``values`` as (varied parameters, per-point initial states)."""
        k = len(self.varied)
        return values[:k], values[k:]

    def outputs(self, model: Model) -> tuple[str, ...]:
        """Names of the per-point float arrays a chunk returns (besides ``status``)."""
        finals = tuple(f"final_{s}" for s in model.state_names) if self.final_state else ()
        return (*self.metrics, *finals, *(("t_rest",) if self.rest else ()))


def _run_kwargs(spec: SweepSpec) -> dict:
    kw = {"t_end": spec.t_end, "dt": spec.dt, "warmup": spec.warmup, "stimulus": spec.stimulus,
          **dict(spec.tolerances)}
    if spec.method is not None:
        kw["method"] = spec.method
    if spec.rest:
        kw["stop_at_rest"] = spec.rest
    return kw


def _arrays(spec: SweepSpec, values) -> tuple[np.ndarray, np.ndarray]:
    """Parameter and initial-state arrays (n, n_points) of the points whose ``values`` (varied
    parameters, then per-point initial states) are given."""
    params, states = spec.split(np.asarray(values, dtype=np.float64))
    n = params.shape[1]
    P = np.repeat(spec.p0[:, None], n, axis=1)
    if spec.varied:
        P[list(spec.varied), :] = params
    Y0 = np.repeat(spec.y0[:, None], n, axis=1)
    if spec.state_rows:
        Y0[list(spec.state_rows), :] = states
    return P, Y0


def compute_chunk(spec: SweepSpec, values: np.ndarray) -> dict[str, np.ndarray]:
    """Run one chunk of points; ``values`` is (n_varied + n_state_rows, n_points): the varied
    parameters in ``spec.varied`` order, then the per-point initial states in
    ``spec.state_rows`` order.

    Returns ``{metric: float64 array, "status": int8 array}`` (and ``final_<state>`` arrays
    with ``spec.final_state``); metrics and final states of points whose status is not ok are
    NaN. With ``spec.retry`` the points that did not finish are run once more with those
    settings, and ``"retried"`` (bool array) marks them.
    """
    m = get_model(spec.model)
    P, Y0 = _arrays(spec, values)
    plan = _metrics.plan(m, spec.metrics)
    raw = _engine.run(m, P, Y0, observe=plan.observe, silent_phase=plan.silent,
                      plateau_V=plan.plateau_V, **_run_kwargs(spec))
    out = _metrics.compute(plan, raw, m.burst_gap)
    if spec.final_state:
        for i, s in enumerate(m.state_names):
            out[f"final_{s}"] = raw.Y[i]
    if spec.rest:
        out["t_rest"] = raw.t_rest
    status = raw.status.astype(np.int8)
    bad = status != 0
    for name in spec.outputs(m):
        a = np.array(out[name], dtype=np.float64)
        a[bad] = np.nan
        out[name] = a
    out["status"] = status
    if spec.retry is not None:
        retried = status != 0
        idx = np.flatnonzero(retried)
        if idx.size:
            again = compute_chunk(spec.retry, np.asarray(values)[:, idx])
            for name in spec.outputs(m):  # t_rest is NaN where the retry does not stop at rest
                out[name][idx] = again[name] if name in again else np.nan
            status[idx] = again["status"]
        out["retried"] = retried
    return out


def warm(spec: SweepSpec) -> None:
    """Compile (or load from the disk cache) the model's driver: one point, one step; and the
    retry's (``spec.retry``), which may be another integrator (``rosenbrock`` after a fixed
    step): left to the first failed point, each worker would compile it on its own."""
    m = get_model(spec.model)
    plan = _metrics.plan(m, spec.metrics)
    kw = _run_kwargs(spec)
    kw.update(t_end=spec.dt, warmup=0.0)
    _engine.run(m, spec.p0[:, None].copy(), spec.y0[:, None].copy(), observe=plan.observe, **kw)
    if spec.retry is not None:
        warm(spec.retry)


def gather(values, idx) -> np.ndarray:
    """A chunk's values (varied parameters, per-point initial states) for the points ``idx``
    (flat indices, any order), from ``values(lo, hi)``, which gives those of ``lo .. hi-1``."""
    return np.concatenate([values(i, i + 1) for i in idx], axis=1)


def trace_every(spec: SweepSpec, record_every) -> float:
    """Trace sampling interval, ms; with a retry (``spec.retry``), checked to give the same
    sampling times under both steps (a retried point's trace is recorded with the retry's
    settings)."""
    spec_retry = spec.retry
    every = float(record_every) if record_every is not None else max(spec.dt,
                                                                     spec.t_end / 2000.0)
    if spec_retry is not None:
        # the grids the engine records on (its step is t_end in whole steps of at most dt)
        (_, na, a), (_, nb, b) = (_engine.record_grid(s.t_end, s.dt, every)
                                  for s in (spec, spec_retry))
        if na != nb or abs(a - b) > 1e-9 * a:
            raise ValueError(
                f"traces with retry: record_every = {every:g} ms samples every {a:g} ms at dt "
                f"= {spec.dt:g} ms but every {b:g} ms at the retry's dt = {spec_retry.dt:g} "
                "ms; give a record_every (ms) that is a whole number of both steps")
    return every


def add_traces(ds, m, design, values, spec, idx, record, every, retried=None) -> None:
    """Traces of the points ``idx``; those in ``retried`` recorded with ``spec.retry``."""
    groups = [(spec, [i for i in idx if retried is None or not retried[i]])]
    if retried is not None:
        groups.append((spec.retry, [i for i in idx if retried[i]]))
    rec, times = {}, None
    for sp, ids in groups:
        if not ids:
            continue
        P, Y0 = _arrays(sp, gather(values, ids))
        raw = _engine.run(m, P, Y0, record=record, record_every=every, **_run_kwargs(sp))
        times = raw.times if times is None else times  # equal: see trace_every
        rec.update({i: raw.rec[:, j] for j, i in enumerate(ids)})
    rec = np.stack([rec[i] for i in idx], axis=1)  # (n_record, n_traces, n_times)
    add_point_coords(ds, m, design, "trace", idx, "flat point index of the trace")
    ds.coords["time"] = variable("time", times, {"units": "ms", "long_name": "time"})
    for i, var in enumerate(record):
        unit, desc = m.variable_meta(var)
        ds[f"trace_{var}"] = variable(("trace", "time"), rec[i],
                                      {"units": unit, "long_name": desc})
