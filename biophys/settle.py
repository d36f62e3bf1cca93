"""Settle a model's slow reservoir pool by projection: a warm start for a sweep.

The reserve granule pool of ``beta_cell`` (``N6``, Chen et al. 2008) relaxes with a time
constant of 25-56 min, so a sweep that measures insulin output after a 300 s warm-up reads
the pool's transient (14-54 % above its steady state; README, "``beta_cell``: the insulin
read-out"). Waiting several time constants costs hours of simulated time per point. The
pools are linear, however, and do not act back on the cell, which gives their steady state
from a short window (:class:`biophys._reservoir.Reservoir`)::

    dR/dt = s(t) - k R - J,     J = phi(t) R once the fast followers have settled

Over a window of length ``W`` at the end of a run of ``t_end`` ms, the reservoir's drift
``D = (R(t_end) - R(t_end - W)) / W``, its mean ``<R>`` and the mean outflow ``<J>`` give
``lambda = k + <J>/<R>`` (1/s, the inverse of the reservoir's time constant) and the steady
state ``R* = <R> + D / lambda`` (exact when ``R`` changes linearly over the window and
``phi`` and ``s`` are stationary). :func:`settled_state` sets ``R`` to ``R*`` and scales the
followers by ``R*/R(t_end)``. It is not a model change: the same equations, started closer to
their steady state. ``tests/test_settle.py`` checks it against 3 h runs.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np

from ._checks import checked_number
from ._model import Model
from ._sweep_result import NOT_OK_WARNING
from ._warmup import SETTLING_WARNING
from ._warn import warn_user
from .models import get_model
from .solution import Cytosol, Solution

if TYPE_CHECKING:  # xarray is imported by the sweep, not by `import biophys`
    import xarray as xr

__all__ = ["settled_state", "check_times", "T_SETTLE", "WINDOW"]

#: Default length of the settling run, ms (chosen here: 200 s for the fast pools and the cell,
#: then the measured window).
T_SETTLE = 300_000.0
#: Default measured window at its end, ms (chosen here: two to three bursts of ``beta_cell`` at
#: 11.1 mM glucose; with bursts of 88 s, at 0.25 mM Mg_o, windows of 200 and 300 s gave N6*
#: within 0.4 % of this one's, and 0.2 % at 1 mM; session 56, README).
WINDOW = 100_000.0


def _per_point(ds: xr.Dataset, name: str, params: Mapping[str, float] | None,
               default: float, shape: tuple[int, ...]) -> np.ndarray:
    """Values of parameter ``name`` at each point: a sweep axis or points column, else the
    shared value of ``params``, else the model's."""
    if name in ds.coords or name in ds.data_vars:
        return np.broadcast_to(np.asarray(ds[name].broadcast_like(ds["status"]).values,
                                          dtype=float), shape)
    value = (params or {}).get(name, default)
    return np.full(shape, float(value))


def check_times(t_end: float = T_SETTLE, window: float = WINDOW) -> tuple[float, float]:
    """``(t_end, window)`` as floats if ``t_end > 0`` and ``0 < window < t_end`` (ms), else a
    ``ValueError`` naming the value, its unit and the valid range."""
    t_end = checked_number(t_end, "settling t_end", "ms", 0.0, low_open=True)
    window = checked_number(window, "settling window", "ms", 0.0, t_end, low_open=True,
                            high_open=True, note=" (the measured end of the settling run)")
    return t_end, window


def settled_state(
    model: str | Model,
    *,
    grid: Mapping[str, Sequence[float]] | None = None,
    points=None,
    params: Mapping[str, float] | None = None,
    conditions: Mapping[str, float] | Solution | Cytosol | None = None,
    initial: Mapping[str, float] | xr.Dataset | None = None,
    t_end: float = T_SETTLE,
    window: float = WINDOW,
    dt: float | None = None,
    method: str | None = None,
    rtol: float | None = None,
    atol: float | Sequence[float] | None = None,
    backend: str = "threads",
    client=None,
    address: str | None = None,
    n_workers: int | None = None,
    chunk_size: int | None = None,
    progress: bool = False,
    retry: Mapping[str, object] | None = None,
) -> xr.Dataset:
    """Run every point to ``t_end`` and return its final state with the reservoir settled.

    Two sweeps of the same points (:func:`biophys.sweep`; the same ``grid`` or ``points``,
    ``params``, ``conditions``, step and method): one to ``t_end - window``, one continuing
    it over ``window`` that measures the reservoir (``Model.reservoir``; ``N6`` of
    ``beta_cell``) and its outflow. The reservoir is then set to its steady state and its
    followers scaled with it (module docstring). Pass the result as ``initial=`` to a sweep of
    the same points: it starts every point there (``warm_start`` True), so a short warm-up
    reads the settled output.

    Parameters
    ----------
    model : str or Model
        A model that declares a reservoir (``beta_cell``).
    grid, points, params, conditions, initial, dt, method, rtol, atol, backend, client, \
address, n_workers, chunk_size, progress, retry
        As for :func:`biophys.sweep` (the same points must be given to the sweep that uses
        the result).
    t_end : float
        Length of the settling run, ms (default 300 000: 300 s).
    window : float
        The measured window at its end, ms (default 100 000); ``0 < window < t_end``. It
        should span several bursts: the projection averages the outflow over it.

    Returns
    -------
    xarray.Dataset
        The second sweep's result: ``final_<state>`` for every state (the reservoir and its
        followers projected), ``status`` (not 0 where either run did not finish: those points
        have NaN final states and start a later sweep from the model's initial state), and
        per point ``reservoir_tau`` (s, ``1/lambda``), ``reservoir_drift`` (reservoir unit per
        s, over the window) and ``reservoir_ratio`` (``R*/R(t_end)``, the factor applied).

    Raises
    ------
    ValueError
        If the model declares no reservoir, or ``t_end``/``window`` are out of range.
    """
    from .sweep import sweep  # imported here: it imports xarray, which `import biophys` defers

    m = model if isinstance(model, Model) else get_model(model)
    res = m.reservoir
    if res is None:
        raise ValueError(f"model {m.name!r} declares no reservoir pool to settle "
                         "(Model.reservoir); settled_state applies to e.g. 'beta_cell'")
    t_end, window = check_times(t_end, window)
    kw = dict(grid=grid, points=points, params=params, conditions=conditions, dt=dt,
              method=method, rtol=rtol, atol=atol, backend=backend, client=client,
              address=address, n_workers=n_workers, chunk_size=chunk_size,
              progress=progress, retry=retry)
    unit = m.states[m.state_index(res.state)].unit
    with warnings.catch_warnings():  # points not ok: counted once, below (the second run
        warnings.filterwarnings("ignore", message=NOT_OK_WARNING)  # starts them cold)
        warnings.filterwarnings("ignore", message=SETTLING_WARNING)
        first = sweep(m, t_end=t_end - window, initial=initial, metrics=["steps"],
                      final_state=True, **kw)
        second = sweep(m, t_end=window, initial=first, final_state=True,
                       metrics=[f"mean_{res.state}", f"mean_{res.outflow}"], **kw)
    ds = second.copy()
    shape = ds["status"].shape
    failed = np.asarray(first["status"].values) != 0
    r_start = np.asarray(first[f"final_{res.state}"].values, dtype=float)
    r_end = np.asarray(second[f"final_{res.state}"].values, dtype=float)
    r_mean = np.asarray(second[f"mean_{res.state}"].values, dtype=float)
    outflow = np.asarray(second[f"mean_{res.outflow}"].values, dtype=float)
    loss = _per_point(ds, res.loss_rate, params, m.parameter(res.loss_rate).value, shape)
    drift = (r_end - r_start) / (window / 1000.0)  # per s (window in ms)
    with np.errstate(divide="ignore", invalid="ignore"):
        lam = loss + outflow / r_mean
        target = r_mean + drift / lam
        ratio = target / r_end
    good = (~failed & np.isfinite(ratio) & (lam > 0.0) & (target > 0.0)
            & np.isfinite(r_end) & (r_end > 0.0))
    n_bad = int((~good & ~failed & (np.asarray(ds["status"].values) == 0)).sum())
    if n_bad:
        warn_user(f"settled_state: at {n_bad} of {good.size} points the reservoir {res.state} "
                  "has no positive steady state from the window (e.g. no outflow and no "
                  "loss); "
                  "their final states are left as run, not settled")
    for name in res.followers:
        v = ds[f"final_{name}"]
        ds[f"final_{name}"] = v.copy(data=np.where(good, v.values * ratio, v.values))
    v = ds[f"final_{res.state}"]
    ds[f"final_{res.state}"] = v.copy(data=np.where(good, target, v.values))
    n_failed = int((failed | (np.asarray(ds["status"].values) != 0)).sum())
    if n_failed:
        warn_user(f"settled_state: {n_failed} of {failed.size} points did not finish ok in "
                  "the settling run (status in the result); a sweep from the result starts "
                  "them from the model's initial state")
    if failed.any():  # the second run started cold there: its states are not a warm start
        for s in m.state_names:
            v = ds[f"final_{s}"]
            ds[f"final_{s}"] = v.copy(data=np.where(failed, np.nan, v.values))
        ds["status"] = ds["status"].copy(data=np.where(failed, first["status"].values,
                                                       ds["status"].values))
    dims = ds["status"].dims
    ds["reservoir_tau"] = (dims, np.where(good, 1.0 / lam, np.nan), {
        "units": "s", "long_name": f"time constant of the reservoir {res.state} over the "
                                   "window, 1/(loss + outflow/mean)"})
    ds["reservoir_drift"] = (dims, np.where(failed, np.nan, drift), {
        "units": f"{unit}/s", "long_name": f"drift of {res.state} over the window"})
    ds["reservoir_ratio"] = (dims, np.where(good, ratio, np.nan), {
        "units": "1", "long_name": f"factor applied to {res.state} and its followers "
                                   "(steady state / value at the end of the run)"})
    ds.attrs["settled"] = json.dumps({
        "reservoir": res.state, "followers": list(res.followers), "t_end_ms": t_end,
        "window_ms": window, "points_settled": int(good.sum()),
        "points_failed": int(failed.sum())})
    return ds

