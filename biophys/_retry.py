"""Retrying the points of a sweep that did not finish, with other integration settings.

``sweep(retry={...})`` runs the points whose status is not ok once more, right after their
chunk and wherever it runs (this process, a Dask worker, a shard), with the settings given
(``method``, ``dt``, ``rtol``, ``atol``; those left out are the sweep's, tolerances only where
the retry's method takes them). Typical uses: ``{"method": "rosenbrock"}`` (the L-stable
implicit method) for a stiff point that blew up under a fixed step, or ``{"dt": model.dt}``
after a coarse-step survey. Retried points then differ from the others in how they were
integrated, so the result marks them (``retried``) and records the settings. A chunk is
checkpointed with its retried points, so a resumed sweep does not retry them again.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping

import numpy as np

from . import _engine

__all__ = ["retry_spec", "counts"]

KEYS = ("method", "dt", "rtol", "atol")


def retry_spec(m, spec, retry: Mapping | None):
    """The sweep spec of the retry and its record, or ``(None, "none")`` without a retry.

    Checked up front: unknown keys, a method name, the step (as ``sweep`` checks ``dt``) and
    the tolerances (an error with a fixed-step method) are named errors; a coarse step and
    stimulus edges between the retry's steps draw the sweep's warnings.
    """
    if retry is None:
        return None, "none"
    if not isinstance(retry, Mapping) or not retry:
        raise ValueError(f"retry = {retry!r} must be a non-empty mapping with keys from {KEYS}")
    unknown = [k for k in retry if k not in KEYS]
    if unknown:
        raise ValueError(f"retry key {unknown[0]!r} is not one of {KEYS}")
    n_states = len(m.state_names)
    first = dict(spec.tolerances)
    method = retry.get("method", spec.method)
    try:
        _engine.check_method(method)
    except ValueError as exc:
        raise ValueError(f"retry: {exc}") from None
    dt = retry.get("dt", spec.dt)
    takes_tol = _engine.METHODS.get(method, 1) <= 0
    rtol = retry.get("rtol", first.get("rtol") if takes_tol else None)
    atol = retry.get("atol", first.get("atol") if takes_tol else None)
    try:
        _, dt, _ = _engine.check_time(spec.t_end, dt, spec.warmup)
        tol = _engine.tolerance_kwargs(method, rtol, atol, n_states)
    except ValueError as exc:
        raise ValueError(f"retry: {exc}") from None
    _engine.warn_coarse_dt(m, dt, method)
    _engine.warn_stimulus_off_grid(spec.stimulus, spec.t_end, dt, method)
    # stop_at_rest goes on with a fixed-step retry; the error-controlled methods do not take it
    new = dataclasses.replace(spec, method=method, dt=dt, tolerances=tuple(tol.items()),
                              rest=spec.rest if not takes_tol else ())
    rec = {"method": str(method), "dt": dt,
           **{k: (list(v) if isinstance(v, tuple) else v) for k, v in tol.items()}}
    def effective(sp) -> tuple:  # the tolerances a run uses, defaults included
        if _engine.METHODS.get(sp.method, 1) > 0:
            return ()
        given = dict(sp.tolerances)
        return _engine.checked_tolerances(given.get("rtol"), given.get("atol"), n_states)

    # the steps actually taken: t_end in whole steps of at most dt (another dt may give the same)
    (n_new, h_new), (_, h_old) = (_engine.step_grid(spec.t_end, d) for d in (new.dt, spec.dt))
    if (new.method, h_new, effective(new)) == (spec.method, h_old, effective(spec)):
        same = "" if new.dt == spec.dt else (
            f" (dt = {new.dt:g} ms runs t_end = {spec.t_end:g} ms in the same {n_new} steps of "
            f"{h_new:g} ms as the sweep's dt = {spec.dt:g} ms)")
        raise ValueError(f"retry = {dict(retry)!r} repeats the sweep's own settings{same}: a "
                         "failed point would fail again")
    return new, json.dumps(rec)


def counts(retried: np.ndarray, status: np.ndarray) -> dict[str, int]:
    """The ``retried_points`` and ``recovered_points`` records of a sweep."""
    return {"retried_points": int(retried.sum()),
            "recovered_points": int((retried & (status == 0)).sum())}
