"""``sweep(stop_at_rest=...)``: the option, checked, and its record.

A point whose fixed-step run reaches a stable steady state stops there and its read-outs are
finished in closed form (the test and the bookkeeping: :mod:`biophys.kernels.rest`). The
result gains ``t_rest`` (ms): when each point was frozen (the second passed test in a row),
NaN for a point integrated to ``t_end``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

import numpy as np

from . import _engine
from .kernels.rest import REST_HORIZON

__all__ = ["KEYS", "T_REST_ATTRS", "rest_tolerances", "settings", "record"]

KEYS = ("rtol", "atol")

T_REST_ATTRS = {
    "units": "ms",
    "long_name": "time at which the point passed the rest test of stop_at_rest the second "
                 "time in a row and its run was finished in closed form; NaN: integrated to "
                 "t_end",
}


def rest_tolerances(method: str, option, n_states: int) -> tuple:
    """``(rtol, atol per state)`` of ``stop_at_rest`` (``()`` when off: False or None).

    ``True`` takes the defaults of the error-controlled methods (``rtol`` 1e-6, ``atol``
    1e-8 in each state's unit); a mapping may give ``rtol`` (dimensionless) and ``atol``
    (state units, a scalar or one value per state).
    """
    if option is None or (isinstance(option, (bool, np.bool_)) and not option):
        return ()
    if isinstance(option, (bool, np.bool_)):
        given: Mapping = {}
    elif isinstance(option, Mapping):
        unknown = [k for k in option if k not in KEYS]
        if unknown:
            raise ValueError(f"stop_at_rest key {unknown[0]!r} is not one of {KEYS}")
        given = option
    else:
        raise ValueError(f"stop_at_rest = {option!r} must be True, False or a mapping with keys "
                         "rtol (dimensionless) and atol (state units)")
    _engine.check_rest_method(method)
    try:
        return _engine.checked_tolerances(given.get("rtol"), given.get("atol"), n_states)
    except ValueError as exc:
        raise ValueError(f"stop_at_rest: {exc}") from None


def settings(m, rest: tuple, t_end: float, dt: float) -> dict:
    """What of the option changes results (checkpoint key and record; empty when off): the
    tolerances, the test interval actually used (whole steps of the step the engine takes for
    ``t_end`` and ``dt``, ms) and the states left out as accumulators."""
    if not rest:
        return {}
    h = _engine.step_grid(t_end, dt)[1]
    return {"rtol": rest[0], "atol": list(rest[1]),
            "check_every_ms": _engine.rest_every(h) * h,
            "horizon_ms": REST_HORIZON, "accumulators": list(m.accumulators)}


def record(m, rest: tuple, t_end: float, dt: float) -> str:
    """The ``stop_at_rest`` provenance attribute (JSON, or ``"none"``)."""
    return json.dumps(settings(m, rest, t_end, dt)) if rest else "none"
