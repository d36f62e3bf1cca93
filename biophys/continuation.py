"""Hysteresis sweeps: step a condition up and back down, each run continuing the previous one.

A plain :func:`biophys.sweep` starts every point from the same initial state, so where a cell is
bistable (for example resting or firing at the same current) it reports only the state that
initial state leads to. :func:`hysteresis` steps one quantity through its values, starting each
run from the final state of the run before (a warm start, ``sweep(..., final_state=True)``), first
upwards and then back down from the top. Where the two passes differ the cell is bistable: the
pattern it shows depends on where it came from. Other axes (``grid=``) run side by side: at
each step every point of their grid continues its own run (per-point initial states), so one
call maps bistability over, say, K_o x Mg_o.
"""

from __future__ import annotations

import json
import os
import re
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from . import _bath, _retry, _warmup
from . import metrics as _metrics
from ._checkpoint import SettingsMismatch
from ._checks import checked_directory, checked_flag, checked_number, range_text, unit_text
from ._design import Mapper, _as_1d, _check_name, _unit, make_design
from ._initial import check_shared
from ._model import SumLimit
from ._progress import progress_bar
from ._sweep_result import not_ok_tally, retry_notes, status_counts
from ._warn import warn_user
from .models import get_model
from .sweep import DEFAULT_METRICS, sweep

if TYPE_CHECKING:
    import xarray as xr

    from ._model import Model

__all__ = ["hysteresis", "differs"]

DIRECTIONS = ("up", "down")
#: Per-run diagnostics of the integration in a result (not readouts of the cell).
_DIAGNOSTICS = ("t_rest", "charge_drift")
#: The entries of a hysteresis checkpoint: one sweep checkpoint per step and direction.
_STEP_DIR = re.compile(r"(up|down)_\d{4}")
#: The start of the warning :func:`hysteresis` gives when runs did not finish ok (a pattern for
#: ``warnings.filterwarnings(message=...)``); the steps' sweeps give none of their own.
HYSTERESIS_NOT_OK_WARNING = r"hysteresis: \d+ of \d+ runs did not finish ok"
#: At most this many values of the stepped axis are listed per pass in that warning.
_SHOWN_STEPS = 6


def _check_checkpoint_root(checkpoint) -> None:
    """A ``ValueError`` unless ``checkpoint`` (a checked path, or None) is new, or a directory
    holding only the step directories of a hysteresis (``up_0000``, ``down_0003``, ...): the
    steps' checkpoints are not written among other files, nor under a file."""
    if checkpoint is None:
        return
    root = Path(checkpoint)
    if root.exists() and not root.is_dir():
        raise ValueError(f"checkpoint = {str(root)!r} exists and is not a directory (give a "
                         "new or empty directory for the finished steps of the hysteresis)")
    if root.is_dir():
        foreign = sorted(e.name for e in root.iterdir() if not _STEP_DIR.fullmatch(e.name))
        if foreign:
            shown = ", ".join(map(repr, foreign[:3])) + (", ..." if len(foreign) > 3 else "")
            raise ValueError(
                f"checkpoint = {str(root)!r} is a directory with {len(foreign)} entries that "
                f"are not steps of a hysteresis (up_NNNN, down_NNNN), e.g. {shown}; give a "
                "new or empty directory, so that the steps are not written among other files")


def hysteresis(
    model: str | Model,
    axis: str,
    values: Sequence[float],
    *,
    grid: Mapping[str, Sequence[float]] | None = None,
    t_end: float,
    warmup: float,
    metrics: Sequence[str] = DEFAULT_METRICS,
    params: Mapping[str, float] | None = None,
    conditions=None,
    initial: Mapping[str, float] | None = None,
    checkpoint: str | os.PathLike | None = None,
    progress: bool = True,
    **sweep_kwargs,
) -> xr.Dataset:
    """Step ``axis`` through ``values`` and back, each run starting where the last one ended.

    Each step is an abrupt change of ``axis`` at t = 0 of its run, and such a jump can itself
    act as a stimulus: the Hodgkin-Huxley axon at rest at 6.6 uA/cm^2 (reached through the
    values 5, 6, 6.6) and stepped to 9.0 uA/cm^2 fires and stays on the firing branch,
    although 9.0 is below its Hopf point (about 9.78 uA/cm^2) and steps of 1 uA/cm^2 from 5
    leave it at rest. Keep the steps small next to the distance to threshold, or a branch
    seen on the upward pass may be one the step kicked the cell onto. That includes the
    first jump, from ``initial`` (default: the model's initial state, for ``hh1952`` its
    rest at ``I_app`` = 0) to ``values[0]``: ``values`` = [6.6, 9.0] finds the axon firing
    at 6.6 on the upward pass, kicked there from rest at 0, where [5, 6, 6.6, 9.0] finds it
    at rest; start the values near the condition ``initial`` settled at, or give an
    ``initial`` state that is settled at ``values[0]``. Time starts at 0 in every run, so a
    ``stimulus=`` is replayed from its start at every step.

    A point continues from the final state of its run before only if that run finished
    (``status`` ok) and that state is a valid initial state at the new step: every state in
    its valid range and every pool of the model's joint limits (e.g. ``ATP + ADP <= A_tot``
    of ``beta_cell``) within its cap at the new step's parameters. Otherwise that point
    alone starts afresh from ``initial`` (``warm_start`` False; ``restarted`` True where the
    run before had finished) and the other points carry on. Stepping a pool's cap (``A_tot``,
    ``N_tot``) down below what the cell holds thus restarts those points: the pool cannot
    shrink under the state, and the run from ``initial`` (checked against every step before
    any run) is the only start the step allows. The model's accumulators (cumulative
    counters such as exocytosed granules, :attr:`biophys.Model.accumulators`; no rate
    depends on them) restart from their values in ``initial`` at every step, so that their
    metrics read each run alone and not the sum of the runs before it.

    Parameters
    ----------
    model : str or Model
    axis : str
        The quantity stepped (a parameter or a :class:`biophys.Solution` field, as a sweep axis).
    values : sequence of float
        The steps of the upward pass, in the axis's unit: at least two, strictly ascending
        (descending or unordered values are an error, as the passes are labelled ``"up"``
        then ``"down"``). The downward pass runs them in reverse, starting from the final
        state of the upward pass's last run.
    grid : mapping {name: values}, optional
        Other axes, run side by side at every step (each of their points continues its own
        run); ``axis`` must not be among them.
    t_end : float
        Duration of each run, ms.
    warmup : float
        The start of each run excluded from its metrics, ms: the settling time after each
        step. Required: every run starts from the state the step left behind, and a metric
        that counts the transient after the step (spikes of a cell settling into a steady
        state, say) can differ between the passes where the cell is not bistable.
    metrics : sequence of str
        Readouts (:mod:`biophys.metrics`); ``regime`` shows bistability most directly.
    params, conditions : optional
        As for :func:`biophys.sweep`, shared by every run.
    initial : mapping, optional
        Initial-state overrides of the first run (default: the model's initial state).
    checkpoint : path-like, optional
        A directory that keeps every finished step: each step's sweep is checkpointed in a
        subdirectory ``up_<k>`` or ``down_<k>`` (``k`` the step's index in ``values``, four
        digits). Run the same call again after an interruption and the finished steps are read
        back instead of run: each run's final state is bit-identical to the first time, so the
        steps after it continue from the same states and their own checkpoints match. Other
        settings are refused (by the first step whose sweep differs).
    progress : bool
        Show a progress bar over the ``2 n`` steps along ``axis`` (each a sweep over the
        ``grid``).
    **sweep_kwargs
        Passed to each :func:`biophys.sweep` call (``dt``, ``method``, ``rtol``, ``atol``,
        ``stimulus`` (replayed from t = 0 in every run), ``retry``, ``stop_at_rest``,
        ``audit``...).

    Returns
    -------
    xarray.Dataset
        Dimensions ``direction`` (``"up"``: the first pass, ascending; ``"down"``: the second,
        from the top), ``axis`` (ascending) and the ``grid`` axes; the
        metrics, ``status``, ``warm_start`` (False where a run started from ``initial``: the
        first run, a run after one at that point that did not finish, where the branch was
        lost, and a restarted run) and ``restarted`` (True where the run before finished in
        a state that is not a valid initial state at this step; its ``first_reason``
        attribute says why for the first such run, and a warning is given);
        with ``stop_at_rest``, ``t_rest`` of every run and ``stopped_points`` (runs); with
        ``audit``, ``charge_drift`` (mV) of every run and ``charge_drift_points`` (runs
        beyond the tolerance; a warning is given if any).
        Attributes: the provenance of the runs, ``continuation``, the order of the values,
        ``restarted_runs`` and ``status_counts``.

    Warns
    -----
    UserWarning
        Once for the whole call, when runs did not finish ok: how many of the ``2 n`` runs
        (times the points of ``grid``), by status, and on each pass how many at which values
        of ``axis`` (its message starts as :data:`HYSTERESIS_NOT_OK_WARNING` says; the steps'
        sweeps give no warning of their own). Also when runs restarted, when the audit flags
        runs, and for a metric that lags the cell (see ``warmup``).
    """
    m = get_model(model)
    for key in ("points", "final_state", "traces", "dry_run", "shard"):
        if key in sweep_kwargs:
            raise ValueError(f"{key}= is not available in hysteresis(); it steps one axis, "
                             "each step a sweep of the other axes (grid=)")
    if "step_check" in sweep_kwargs:
        raise ValueError("step_check= is not available in hysteresis(); check the step with "
                         "biophys.sweep(..., step_check=True) over the axis's values first")
    steps = _check_values(m, axis, values, conditions)
    checked_flag(progress, "progress")
    check_shared(initial, "hysteresis()")
    checked_directory(checkpoint, "checkpoint",
                      "a directory that keeps the finished steps of the hysteresis")
    _check_checkpoint_root(checkpoint)
    if grid is not None and not isinstance(grid, Mapping):
        raise ValueError(f"grid = {grid!r} must be a mapping {{name: values}} of the other axes")
    others = dict(grid or {})
    if axis in others:
        raise ValueError(f"{axis!r} is the stepped axis; it cannot also be a grid= axis")
    metrics = (metrics,) if isinstance(metrics, str) else tuple(metrics)
    common = dict(t_end=t_end, warmup=warmup, metrics=metrics, params=params,
                  conditions=conditions, final_state=True, progress=False, **sweep_kwargs)
    # every step checked (and the record of the whole set of runs made) before any run; a
    # lagging metric is warned about below, in the terms of a continuation
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=_warmup.LAG_WARNING)
        plan = sweep(m, grid={axis: steps, **others}, initial=initial, dry_run=True, **common)
    lagging = _lagging(m, metrics, axis, steps, others, params, warmup)
    # a bath field set to one of the steps is the base point of the plan's sweep (checked
    # there); each step sweeps one value of the axis, so the field is left to that value
    fixed = _bath.set_in_solution(m, conditions).get(axis)
    if fixed is not None:
        common["conditions"] = conditions.replace(**{fixed[0]: None})
    n = steps.size
    shape = plan["status"].shape[1:]  # the other axes
    out = {name: np.full((2, n, *shape), np.nan) for name in metrics}
    status = np.full((2, n, *shape), -1, dtype=np.int8)
    warm = np.zeros((2, n, *shape), dtype=bool)
    retried = (np.zeros((2, n, *shape), dtype=bool)
               if sweep_kwargs.get("retry") is not None else None)
    t_rest = np.full((2, n, *shape), np.nan) if "t_rest" in plan else None
    drift = np.full((2, n, *shape), np.nan) if "charge_drift" in plan else None
    drift_points = 0
    restarted = np.zeros((2, n, *shape), dtype=bool)
    first_restart = None  # why the first restarted run could not continue
    first = m.state_vector(initial)  # where each point starts afresh
    prev = None  # the sweep of the run before (None: the first run starts from `initial`)
    root = None if checkpoint is None else Path(checkpoint)
    bar = progress_bar(total=2 * n, unit="step", desc=f"hysteresis {m.name} {axis}",
                       disable=not progress, dynamic_ncols=True)
    try:
        for d, order in enumerate((range(n), range(n - 1, -1, -1))):
            for j in order:
                start = initial
                if prev is not None:
                    y, go_on, lost, why = _carry(
                        m, prev, first, lambda j=j: _step_parameters(
                            m, axis, steps[j], others, params, common["conditions"]))
                    warm[d, j], restarted[d, j] = go_on.reshape(shape), lost.reshape(shape)
                    start = {s: y[i].reshape(1, *shape) for i, s in enumerate(m.state_names)}
                    if why is not None and first_restart is None:
                        first_restart = (f"{DIRECTIONS[d]} pass, {axis} = {steps[j]:g}"
                                         f"{_grid_point(plan, why[0])}: {why[1]}")
                step_dir = None if root is None else root / f"{DIRECTIONS[d]}_{j:04d}"
                with warnings.catch_warnings():  # the plan above gave every warning once
                    warnings.simplefilter("ignore")
                    try:
                        ds = sweep(m, grid={axis: [steps[j]], **others}, initial=start,
                                   checkpoint=step_dir, **common)
                    except SettingsMismatch as exc:
                        raise _step_checkpoint_error(exc, root) from None
                for name in metrics:
                    out[name][d, j] = ds[name].values[0]
                status[d, j] = ds["status"].values[0]
                if retried is not None:
                    retried[d, j] = ds["retried"].values[0]
                if t_rest is not None:
                    t_rest[d, j] = ds["t_rest"].values[0]
                if drift is not None:
                    drift[d, j] = ds["charge_drift"].values[0]
                    drift_points += int(ds.attrs.get("charge_drift_points", 0))
                prev = ds
                bar.update(1)
    finally:
        bar.close()
    ds = _dataset(axis, steps, metrics, out, status, warm, plan, retried, t_rest)
    _warn_not_ok(ds, axis, retried is not None)
    _add_restarts(ds, plan, restarted, first_restart)
    if drift is not None:
        _add_drift(ds, plan, drift, drift_points)
    if checkpoint is not None:
        ds.attrs["checkpoint"] = str(checkpoint)
    for name, note in lagging.items():
        ds[name].attrs["unsettled_lag"] = note
    return ds


def _carry(m: Model, prev: xr.Dataset, first: np.ndarray, parameters):
    """The start of every point's next run from the sweep ``prev`` of the run before.

    A point continues from its final state there (its :attr:`Model.accumulators` reset to
    ``first``: cumulative counters restart at each step, so that their metrics read this step
    alone) if that run finished and the state is a valid initial state at the next step: each
    state in its valid range and the :class:`SumLimit` pools of :attr:`Model.joint_limits`
    within their caps at the next step's parameters (``parameters()``: an ``(n_parameters,
    n_points)`` array, built only when the model has such a pool). Any other point starts
    afresh from ``first``.

    Returns
    -------
    y : ndarray, shape (n_states, n_points)
        The initial states of the next run, in the states' units.
    warm, restarted : ndarray of bool, shape (n_points,)
        Where the point continues; where its run finished but the state it ended in is not a
        valid start at the next step (the point restarts from ``first``).
    why : tuple (int, str) or None
        The first restarted point (flat index over the grid) and why.
    """
    ok = np.ravel(prev["status"].values[0] == 0)
    y = np.stack([np.ravel(prev[f"final_{s}"].values[0]) for s in m.state_names])
    for name in m.accumulators:
        y[m.state_index(name)] = first[m.state_index(name)]
    valid, why = ok.copy(), None
    for q, row in zip(m.states, y, strict=True):
        lo, hi = q.bounds
        bad = valid & (np.isinf(row) | (row < lo) | (row > hi))
        if bad.any():
            k = int(np.flatnonzero(bad)[0])
            unit = unit_text(q.unit)
            why = why or (k, f"the run before ended with {q.name} = {row[k]:.6g} {unit}, "
                             f"which as an initial state must be {range_text(*q.bounds)} "
                             f"{unit} ({q.description})")
            valid &= ~bad
    if valid.any() and any(isinstance(lim, SumLimit) for lim in m.joint_limits):
        P = parameters()
        try:  # every point at once; point by point only where a pool is over its cap
            m.check_joint(P[:, valid], y[:, valid], what="its final")
        except ValueError:
            for k in np.flatnonzero(valid):
                try:
                    m.check_joint(P[:, k], y[:, k], what="its final")
                except ValueError as exc:
                    valid[k] = False
                    why = why or (int(k), "the run before ended outside the limits of this "
                                             f"step: {exc}")
    y = np.where(valid, y, first[:, None])
    lost = ok & ~valid
    if why is not None:
        why = (why[0], f"{why[1]}; the run restarted from the initial state")
    return y, valid, lost, why


def _step_parameters(m: Model, axis: str, value: float, others, params, conditions):
    """The parameters of every point of the step ``axis = value`` (over the ``others`` grid),
    ``(n_parameters, n_points)``, as that step's sweep resolves them (bath rule included)."""
    with warnings.catch_warnings():  # the plan's sweep gave these warnings
        warnings.simplefilter("ignore")
        over, solution, _, _ = _bath.overrides(m, conditions, params, warn=False)
        design = make_design(m, {axis: [value], **others}, None, solution)
        mapper = Mapper(m, design, solution)
    over.update(mapper.constants)
    n = design.n_points
    P = np.repeat(m.parameter_vector(over)[:, None], n, axis=1)
    if mapper.varied:
        P[list(mapper.varied)] = mapper.values(0, n)
    return P


def _grid_point(plan: xr.Dataset, k: int) -> str:
    """`` (name = value, ...)``: the point ``k`` (flat) of the other axes, or "" without."""
    dims = plan["status"].dims[1:]
    if not dims:
        return ""
    idx = np.unravel_index(k, plan["status"].shape[1:])
    return " (" + ", ".join(f"{d} = {plan[d].values[i]:g}"
                            for d, i in zip(dims, idx, strict=True)) + ")"


def _step_checkpoint_error(exc: SettingsMismatch, root: Path) -> ValueError:
    """The refusal ``exc`` of a step's checkpoint with advice about the hysteresis's
    checkpoint ``root`` (the step directory is only a part of it)."""
    return ValueError(
        f"checkpoint {str(exc.path)!r} was written for different settings (differing: "
        f"{', '.join(exc.differing) or 'format'}); refusing to mix results. That is a step of "
        f"the hysteresis checkpoint {str(root)!r}: give another checkpoint directory, or "
        f"delete {str(root)!r} (all its steps) to start the hysteresis afresh")


def _warn_not_ok(ds: xr.Dataset, axis: str, retry: bool) -> None:
    """One ``UserWarning`` (naming the caller's line) when runs of the hysteresis ``ds`` did
    not finish ok: how many of all its runs, by status, and on each pass how many at which
    values of ``axis``; nothing when every run is ok. ``retry``: whether the steps retried
    their failed runs (those still not ok failed the retry too)."""
    status = ds["status"].transpose("direction", axis, ...).values
    bad = status > 0
    if not bad.any():
        return
    which, retryable = not_ok_tally(status[bad])
    unit = unit_text(ds[axis].attrs.get("units", ""))
    passes = []
    for d, name in enumerate(DIRECTIONS):
        per_step = bad[d].reshape(bad.shape[1], -1).sum(axis=1)
        if not per_step.any():
            continue
        at = [f"{v:g}" for v in np.asarray(ds[axis].values)[per_step > 0]]
        shown = ", ".join(at[:_SHOWN_STEPS]) + (", ..." if len(at) > _SHOWN_STEPS else "")
        k = int(per_step.sum())
        passes.append(f"{name} pass: {k} run{'s' * (k != 1)} at {len(at)} step"
                      f"{'s' * (len(at) != 1)}, {axis} = {shown} {unit}")
    after, hint = retry_notes(retry, retryable, "hysteresis(..., retry={...}), or a [retry] "
                              "table in a biophys hysteresis configuration,", "runs")
    warn_user(f"hysteresis: {int(bad.sum())} of {bad.size} runs did not finish ok{after} "
              f"({'; '.join(passes)}): {which}. Their metrics are NaN, and the next step of "
              "each such point starts afresh from the initial state (warm_start False: the "
              "branch is lost there); the status variable marks them (0 ok; bp.status_text(ds) "
              f"names each run's status, ds.status > 0 selects them).{hint}")


def _add_restarts(ds: xr.Dataset, plan: xr.Dataset, restarted: np.ndarray, why) -> None:
    """Add ``restarted`` (per run) and ``restarted_runs``; warn once if any."""
    ds["restarted"] = (ds["status"].dims, restarted, {
        "long_name": "run started from the initial state because the run before finished in "
                     "a state that is not a valid initial state at this step (a state outside "
                     "its valid range, or a pool over its cap at this step's parameters)",
        **({} if why is None else {"first_reason": why})})
    ds.attrs["restarted_runs"] = int(restarted.sum())
    if why is not None:
        warn_user(f"hysteresis: {int(restarted.sum())} run(s) restarted from the initial "
                  f"state (see the restarted variable); the first at {why}")


def _add_drift(ds: xr.Dataset, plan: xr.Dataset, drift: np.ndarray, flagged: int) -> None:
    """Add each run's ``charge_drift`` (mV) and ``charge_drift_points`` (runs flagged by the
    audit); warn once if any."""
    ds["charge_drift"] = (ds["status"].dims, drift, plan["charge_drift"].attrs)
    ds.attrs["charge_drift_points"] = flagged
    if flagged:
        k = np.unravel_index(int(np.nanargmax(np.abs(drift))), drift.shape)
        warn_user(f"hysteresis audit: {flagged} of {drift.size} runs drift beyond the charge "
                  f"tolerance (largest {drift[k]:.3g} mV, {DIRECTIONS[k[0]]} pass); see "
                  "charge_drift")


def _lagging(m: Model, metrics, axis, steps, others, params, warmup) -> dict[str, str]:
    """The metrics that read a lagging variable with ``warmup`` under three of its time
    constants, each with a note (also given as a warning): in a continuation such a metric
    carries the previous step's value, so the two passes differ by their history."""
    p0 = m.parameter_vector(params)

    def tau_of(name):
        if name == axis:
            return np.max(steps)
        if name in others:
            return np.max(np.asarray(others[name], dtype=float))
        return p0[m.parameter_index(name)]

    notes = {}
    specs = _metrics.plan(m, metrics).specs
    for spec, tau_name, tau in _warmup.unsettled_lags(m, specs, tau_of, warmup):
        notes[spec.name] = (
            f"{spec.name} reads {spec.var}, which follows the cell with a lag of {tau_name} = "
            f"{tau:g} ms; with warmup = {warmup:g} ms each step's value still carries "
            f"{100 * np.exp(-warmup / tau) if tau > 0 else 0.0:.0f}% of the previous step's "
            "deviation, so the two passes differ by their history, not only by their state; "
            f"use warmup >= 3 {tau_name} ({3 * tau:g} ms), or a metric that does not lag")
        warn_user(f"hysteresis: metric {notes[spec.name]}")
    return notes


def _check_values(m: Model, axis: str, values, conditions=None) -> np.ndarray:
    if not isinstance(axis, str):
        raise ValueError(f"axis must be the name of one quantity, got {axis!r}")
    # the plan's sweep checks the name too, but would call the stepped axis a grid axis
    _check_name(m, axis, _bath.conditions(m, conditions, warn=False)[1], "stepped axis")
    steps = _as_1d(axis, values, _unit(m, axis), "hysteresis values of")
    if steps.size < 2:
        raise ValueError(f"hysteresis values of {axis!r} need at least two steps")
    if axis in m.parameter_names:
        # the plan's sweep checks again, but its error would call the stepped axis a grid axis
        m.parameter(axis).check_array(steps, "hysteresis values of")
    if np.unique(steps).size != steps.size:
        raise ValueError(f"hysteresis values of {axis!r} repeat a step: {steps.tolist()}")
    if (np.diff(steps) < 0).any():
        k = int(np.flatnonzero(np.diff(steps) < 0)[0])
        unit = unit_text(_unit(m, axis))
        unit = unit if unit.startswith("(") else f"({unit})"  # "(dimensionless)" already is
        raise ValueError(
            f"hysteresis values of {axis!r} {unit} must be ascending: they are the steps of the "
            "upward pass (direction 'up', run first), and the downward pass runs them in "
            f"reverse; got {steps[k + 1]:g} after {steps[k]:g} in {steps.tolist()}")
    return steps


def _dataset(axis, steps, metrics, out, status, warm, plan, retried=None,
             t_rest=None) -> xr.Dataset:
    import xarray as xr  # deferred: `import biophys` stays light

    dims = ("direction", *plan["status"].dims)
    ds = xr.Dataset(coords={
        "direction": ("direction", np.array(DIRECTIONS, dtype=object),
                      {"long_name": "pass: up through the values, then back down"}),
        **{name: (name, plan[name].values if name != axis else steps, plan[name].attrs)
           for name in plan["status"].dims}})
    for name in metrics:
        ds[name] = (dims, out[name], plan[name].attrs)
    ds["status"] = (dims, status, plan["status"].attrs)
    ds["warm_start"] = (dims, warm, {
        "long_name": "run started from the final state of the run before (False: from the "
                     "initial state, at the first run, after a run that did not finish, or "
                     "where that state is not a valid start at this step: see restarted)"})
    if t_rest is not None:
        ds["t_rest"] = (dims, t_rest, plan["t_rest"].attrs)
    if retried is not None:
        ds["retried"] = (dims, retried, {"long_name": "run repeated with the retry settings "
                                                      "(see the retry attribute)"})
    # the record of the whole set of runs (one run's own record shows a single step)
    ds.attrs.update({k: v for k, v in plan.attrs.items()
                     if k not in ("dry_run", "n_points", "sweep_design", "sweep_axes",
                                  "settings_hash")})
    ds.attrs.update(
        continuation="each run starts from the final state of the run before it (its "
                     "accumulators reset to the initial state; from the initial state where "
                     "that run failed or its state is not valid at this step); up through "
                     "the values in the given order, then down from the top",
        steps=json.dumps(steps.tolist()), n_runs=int(2 * plan["status"].size),
        **({} if retried is None else _retry.counts(retried, status)),
        **({} if t_rest is None else {"stopped_points": int(np.isfinite(t_rest).sum())}),
        status_counts=json.dumps(status_counts(status)))
    return ds


def differs(ds: xr.Dataset, metric: str = "regime", *, rtol: float = 0.0) -> xr.DataArray:
    """Where the upward and downward passes disagree on ``metric`` (bistability).

    Parameters
    ----------
    ds : xarray.Dataset
        Result of :func:`hysteresis`.
    metric : str
        A metric of the result (default ``regime``).
    rtol : float
        Relative tolerance for a continuous metric (dimensionless, finite and >= 0; 0: any
        difference; NaN on both passes counts as equal). A coded metric (``regime``, with
        ``flag_values``) is compared exactly: ``rtol`` > 0 is a ``ValueError`` for it.
        A window average of an oscillating state (``mean_V`` of a firing cell) depends on the
        phase of the cycle the window catches, so two passes on the same branch can differ
        at a small ``rtol`` (the firing HH axon's ``mean_V`` by up to about 1%, against 6-7%
        between its rest and firing branches): use an ``rtol`` above that phase scatter, or
        a metric of the pattern (``regime``, ``spike_rate``).

    Raises
    ------
    ValueError
        For a dataset without the ``direction`` dimension (not a :func:`hysteresis` result,
        or one pass of it); for a name that is not a metric of the result (``status``,
        ``warm_start`` and ``retried`` are not; the diagnostics ``t_rest`` and
        ``charge_drift`` are compared, though not listed as metrics); for ``rtol`` > 0 on a
        coded metric; and for a metric the result
        marks ``unsettled_lag``: it reads a variable that lags the cell (e.g. ``zg_cell``'s
        ``aldosterone_rate``, through ``Ca_avg``) and the warm-up was under three of its time
        constants, so each step still carries the step before it.

    Returns
    -------
    xarray.DataArray of bool
        True where the passes differ, over the dimensions of ``metric`` but ``direction``.
        False where the run of either pass did not finish (``status`` not ok, e.g. a step
        failure): a NaN or stale metric there is no evidence of bistability; see ``status``
        (:func:`biophys.status_text`) for those points.
    """
    r = checked_number(rtol, "rtol", "1", 0.0)
    if "direction" not in ds.dims:
        raise ValueError(
            "differs() needs a result of hysteresis() with its 'direction' dimension (the up "
            "and down passes); this dataset has none (dimensions: "
            f"{', '.join(map(str, ds.dims)) or 'none'}): pass the whole result, not one pass "
            "of it (ds.sel(direction=...))")
    # the read-outs of the runs: not status, nor the per-run flags (warm_start, retried), nor
    # the diagnostics of the integration (t_rest, charge_drift), which can still be compared
    names = [v for v in ds.data_vars if "direction" in ds[v].dims and v != "status"
             and ds[v].dtype != bool]
    if metric not in names:
        shown = [v for v in names if v not in _DIAGNOSTICS]
        raise ValueError(f"no metric {metric!r} in this hysteresis result; metrics: "
                         f"{', '.join(map(str, shown))}")
    if "unsettled_lag" in ds[metric].attrs:
        raise ValueError(f"differs({metric!r}): {ds[metric].attrs['unsettled_lag']}")
    if r and "flag_values" in ds[metric].attrs:
        raise ValueError(f"differs({metric!r}): rtol = {r:g} on a coded metric; its values are "
                         "categories (flag_meanings), compared exactly: leave rtol at 0")
    up, down = ds[metric].sel(direction="up"), ds[metric].sel(direction="down")
    both_nan = up.isnull() & down.isnull()
    if r:
        close = abs(up - down) <= r * np.maximum(abs(up), abs(down))
    else:
        close = up == down
    out = ~(close | both_nan)
    if "status" in ds.data_vars and "direction" in ds["status"].dims:
        ok = (ds["status"] == 0).all("direction")  # both passes finished
        out = out.where(ok, False)
    return out
