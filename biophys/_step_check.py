"""A sweep's step check: rerun a sample of points with finer integration settings, compare.

A fixed step can be too coarse without any error: the run finishes with status ok and its
metrics are off (``hh1952`` at 0.5 ms, 50x its own step, fires 60-90 Hz over 100 ms at
I_app 10-40 uA/cm^2 where 0.25 ms gives 70-110 Hz; ``beta_cell`` at 5.4 mM K_o, 0.25 mM Mg_o
and 0.5 ms, five times its own step, reads a spike rate 8 % off that at 0.25 ms; README,
Numerics). :func:`biophys.sweep`'s ``step_check`` reruns a few of the sweep's points with half
the step (fixed-step methods) or a tenth of both tolerances (the error-controlled methods,
``adaptive`` and ``rosenbrock``) and compares every metric: what changes then estimates the
sweep's own error there (for a second-order method the error of the sweep's value is about
4/3 of the change, for a first-order one about 2x, once the results converge).

A metric *changes* at a point when the two values differ by more than ``rtol`` times the
larger of their magnitudes and of the metric's spread over the sweep's ok points (the spread
keeps a metric near zero at one point, such as a spike rate, from being judged on its own tiny
value), when one of the two is NaN and the other not (a burst period that exists at one step
only), or, for the coded ``regime``, when the codes differ. The counts of the integrator's own
steps (``steps``, ``rejected_steps``) are not compared: they change with the step by design.
A check rerun that does not finish (its status not ok) counts as a change.

The points checked are spread evenly over the sweep's ok points in flat order (first and last
included), or given. Points retried with the ``retry`` settings are left out (their values come
from other settings). The reruns take one chunk in this process, whatever the backend.

What it cannot see: points not checked; a step at which both runs agree on a wrong answer;
and history. A cell with two coexisting patterns (``beta_cell`` at 5.4 mM K_o, 0.25 mM Mg_o:
bursts of 88 s and of 44 s) can be tipped from one into the other by a coarse step, and its
rerun at half the step, from the same start, may be tipped too (0.5 and 0.25 ms both end in
the 44 s bursts where 0.1 ms keeps the 88 s ones).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np

from . import _engine
from ._checks import checked_number
from ._chunk import compute_chunk, gather
from ._design import resolve_traces
from ._labelled import variable
from ._sweep_result import _axis_attrs, _metric_attrs, add_point_coords
from ._warn import warn_user

if TYPE_CHECKING:
    import xarray as xr

    from ._chunk import SweepSpec
    from ._design import Design
    from ._model import Model
    from .metrics import MetricPlan

#: Points checked by ``step_check=True``: one block of the ensemble driver's SIMD lanes.
DEFAULT_POINTS = 8
#: Largest relative change of a metric that passes (of the larger magnitude or the spread).
DEFAULT_RTOL = 0.02
#: Metric kinds not compared (they count the integrator's steps).
NOT_COMPARED = ("steps", "rejected_steps")
#: Factors of the finer rerun: the fixed step divided by ``STEP_FACTOR``, the tolerances of the
#: error-controlled methods by ``TOLERANCE_FACTOR``.
STEP_FACTOR = 2
TOLERANCE_FACTOR = 10


@dataclasses.dataclass(frozen=True)
class StepCheck:
    """The checked ``step_check`` option: how many points (or which) and the tolerance."""

    count: int  # points to spread over the ok points (when ``points`` is empty)
    points: tuple[int, ...]  # flat indices given by the caller (empty: spread ``count``)
    rtol: float

    def record(self) -> dict:
        """The option as the result's ``step_check`` attribute records it."""
        return {"points": list(self.points) if self.points else self.count, "rtol": self.rtol}


def options(step_check, design: Design, model: Model) -> StepCheck | None:
    """Check the ``step_check`` option of :func:`biophys.sweep`: None when off.

    ``step_check`` is a bool (a NumPy bool too), None (off) or a mapping with ``points`` (a
    count >= 1 of points to spread over the sweep, or a list of points as ``traces`` takes
    them: flat indices or ``{name: value}`` mappings) and/or ``rtol`` (in (0, 1],
    dimensionless; default :data:`DEFAULT_RTOL`).
    """
    if step_check is None or isinstance(step_check, (bool, np.bool_)) and not step_check:
        return None
    if isinstance(step_check, (bool, np.bool_)):
        return StepCheck(DEFAULT_POINTS, (), DEFAULT_RTOL)
    if not isinstance(step_check, Mapping):
        raise ValueError(f"step_check = {step_check!r:.60} must be True, False or a mapping with "
                         "'points' (a count, or a list of points) and/or 'rtol' (relative, in "
                         "(0, 1])")
    unknown = sorted(set(map(str, step_check)) - {"points", "rtol"})
    if unknown:
        raise ValueError(f"step_check: unknown key(s) {', '.join(map(repr, unknown))}; it takes "
                         "'points' (a count, or a list of points) and 'rtol' (relative, in "
                         "(0, 1])")
    rtol = checked_number(step_check.get("rtol", DEFAULT_RTOL), "step_check rtol",
                          "1 (relative change)", 0.0, 1.0, low_open=True)
    pts = step_check.get("points", DEFAULT_POINTS)
    if isinstance(pts, (int, np.integer)) and not isinstance(pts, (bool, np.bool_)):
        if pts < 1:
            raise ValueError(f"step_check points = {int(pts)} must be a count >= 1 of points "
                             "to check, or a list of points (flat indices or {name: value})")
        return StepCheck(int(pts), (), rtol)
    if isinstance(pts, (str, bytes, bool, np.bool_)) or not (
            isinstance(pts, (Sequence, Mapping)) or hasattr(pts, "__array__")):
        raise ValueError(f"step_check points = {pts!r:.60} must be a count >= 1 of points to "
                         "check, or a list of points (flat indices or {name: value} mappings)")
    try:
        idx = resolve_traces(design, pts, model)
    except ValueError as e:  # its words say "trace"
        msg = str(e).replace("trace point", "point").replace("trace", "point")
        raise ValueError(f"step_check points: {msg}") from None
    if not idx:
        raise ValueError("step_check points is an empty list: give at least one point, or a "
                         "count")
    return StepCheck(len(idx), tuple(idx), rtol)


def finer(spec: SweepSpec, model: Model) -> tuple[SweepSpec, str]:
    """The sweep's settings made finer for the check, and their description."""
    base = dataclasses.replace(spec, retry=None, final_state=False)
    if _engine.METHODS[spec.method] > 0:  # a fixed step: the grid of the step taken, halved
        h = _engine.step_grid(spec.t_end, spec.dt)[1]  # (its steps and stimulus edges on it)
        dt = h / STEP_FACTOR
        return dataclasses.replace(base, dt=dt), f"dt {dt:g} ms instead of {h:g} ms"
    tol = dict(spec.tolerances)
    r, a = _engine.checked_tolerances(tol.get("rtol"), tol.get("atol"), len(model.state_names))
    r2, a2 = r / TOLERANCE_FACTOR, tuple(x / TOLERANCE_FACTOR for x in a)
    atol_text = f"{a2[0]:g}" if len(set(a2)) == 1 else "each state's / " + str(TOLERANCE_FACTOR)
    return (dataclasses.replace(base, tolerances=(("rtol", r2), ("atol", a2))),
            f"rtol {r2:g}, atol {atol_text} instead of rtol {r:g}")


def sample(check: StepCheck, status: np.ndarray, retried: np.ndarray | None) -> np.ndarray:
    """Flat indices of the points to check: the given ones that are ok and not retried, or
    ``check.count`` spread evenly over those (first and last included)."""
    usable = status == 0
    if retried is not None:
        usable &= ~retried
    if check.points:
        return np.array([i for i in check.points if usable[i]], dtype=np.int64)
    ok = np.flatnonzero(usable)
    if ok.size <= check.count:
        return ok
    return ok[np.unique(np.round(np.linspace(0, ok.size - 1, check.count)).astype(np.int64))]


def relative_changes(plan: MetricPlan, results: dict[str, np.ndarray], ok: np.ndarray,
                     idx: np.ndarray, again: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Per compared metric, each checked point's change relative to the larger of the two
    values' magnitudes and the metric's spread over the sweep's ``ok`` points (0 where equal,
    also both NaN; inf where one is NaN, or a coded metric's code differs, or the rerun failed).
    """
    failed = again["status"] != 0
    out = {}
    for s in plan.specs:
        if s.kind in NOT_COMPARED:
            continue
        a, b = results[s.name][idx], again[s.name]
        nan_a, nan_b = np.isnan(a), np.isnan(b)
        with np.errstate(invalid="ignore", divide="ignore"):
            if s.flags:  # a coded metric: the same code or not
                rel = np.where(a == b, 0.0, np.inf)
            else:
                vals = results[s.name][ok]
                vals = vals[np.isfinite(vals)]
                spread = float(vals.max() - vals.min()) if vals.size else 0.0
                scale = np.maximum(np.maximum(np.abs(a), np.abs(b)), spread)
                diff = np.abs(a - b)
                rel = np.where(diff == 0, 0.0, diff / scale)
        rel = np.where(nan_a & nan_b, 0.0, np.where(nan_a ^ nan_b, np.inf, rel))
        out[s.name] = np.where(failed, np.inf, rel)
    return out


def add_check(ds: xr.Dataset, m: Model, design: Design, plan: MetricPlan, check: StepCheck,
              idx: np.ndarray, results: dict[str, np.ndarray], again: dict[str, np.ndarray],
              rel: dict[str, np.ndarray], how: str) -> dict:
    """Add the check's variables on a ``step_check`` dimension to ``ds``; warn when a point
    changes beyond ``check.rtol``. Returns the result's attributes (``step_check`` and
    ``step_check_changed``)."""
    add_point_coords(ds, m, design, "step_check", idx, "flat point index of the step check")
    for s in plan.specs:
        attrs = _metric_attrs(s)
        attrs["long_name"] = f"{attrs['long_name']}; rerun by the step check with {how}"
        ds[f"step_check_{s.name}"] = variable("step_check", again[s.name], attrs)
    largest = (np.max(np.stack(list(rel.values())), axis=0) if rel
               else np.zeros(idx.size))
    ds["step_check_change"] = variable("step_check", largest, {
        "units": "1", "long_name": "largest change of a metric in the step check, relative to "
        "the larger of the two values' magnitudes and the metric's spread over the sweep (inf: "
        "a value became NaN or a code changed, or the rerun failed)"})
    ds["step_check_status"] = variable("step_check", again["status"].astype(np.int8), {
        "long_name": "integration status of the step check's rerun (0 ok)"})
    changed = largest > check.rtol
    record = {**check.record(), "finer": how, "checked_points": int(idx.size),
              "compared": list(rel)}
    if not idx.size:
        warn_user("step check: no point to check (none of the points asked for finished ok "
                  "with the sweep's own settings)")
    elif changed.any():
        _warn_changed(m, design, plan, check, idx, results, again, rel, how, changed)
    return {"step_check": record, "step_check_changed": int(changed.sum())}


def _warn_changed(m, design, plan, check, idx, results, again, rel, how, changed) -> None:
    """One warning: how many points changed, which metrics, and the largest change."""
    j, name = max(((j, k) for k in rel for j in range(idx.size)),
                  key=lambda jk: rel[jk[1]][jk[0]])
    where = ", ".join(f"{k} = {v:g} {_axis_attrs(m, k).get('units', '')}".rstrip()
                      for k, v in design.point_values(int(idx[j])).items())
    if again["status"][j] != 0:
        what = f"the rerun did not finish (status {int(again['status'][j])})"
    else:
        unit = next(s.units for s in plan.specs if s.name == name)
        unit = "" if unit == "1" else f" {unit}"
        what = (f"{name} {results[name][int(idx[j])]:.4g}{unit} with the sweep's settings, "
                f"{again[name][j]:.4g}{unit} with the finer ones")
    names = [k for k in rel if (rel[k][changed] > check.rtol).any()]
    warn_user(
        f"step check: {int(changed.sum())} of {idx.size} points checked change by more than "
        f"{check.rtol:g} (relative) when rerun with {how} ({', '.join(names)}); the largest at "
        f"{where}: {what}. The sweep's integration is not converged there: use a smaller dt "
        "(or tighter tolerances) and check again (step_check_* hold the rerun's values)")


def run(ds: xr.Dataset, m: Model, design: Design, plan: MetricPlan, check: StepCheck,
        spec: SweepSpec, values, results: dict[str, np.ndarray], status: np.ndarray,
        retried: np.ndarray | None) -> dict:
    """Run the step check of a finished sweep and add it to ``ds``.

    ``values(lo, hi)`` gives the varied values of points ``lo .. hi-1`` (as for a chunk);
    ``results`` and ``status`` are the sweep's per-point outputs, ``retried`` its retried
    points (None without a retry). Returns the attributes to record (:func:`add_check`).
    """
    idx = sample(check, status, retried)
    fine, how = finer(spec, m)
    how = f"method {spec.method!r}, {how}"
    if idx.size:
        again = compute_chunk(fine, gather(values, idx))
    else:
        again = {s.name: np.empty(0) for s in plan.specs}
        again["status"] = np.empty(0, dtype=np.int8)
    rel = relative_changes(plan, results, status == 0, idx, again)
    return add_check(ds, m, design, plan, check, idx, results, again, rel, how)
