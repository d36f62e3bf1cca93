"""``sweep(stop_at_rest=...)``: the option, checked, and its record.

A point whose fixed-step run reaches a stable steady state stops there and its read-outs are
finished in closed form (the test and the bookkeeping: :mod:`biophys.kernels.rest`). The
result gains ``t_rest`` (ms): when each point was found at rest, NaN for a point integrated to
``t_end``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from . import _engine

__all__ = ["rest_tolerances", "record", "T_REST_ATTRS"]

KEYS = ("rtol", "atol")

T_REST_ATTRS = {
    "units": "ms",
    "long_name": "time from which the point was at rest and its run was finished in closed "
                 "form (stop_at_rest); NaN: integrated to t_end",
}


def rest_tolerances(method: str, option, n_states: int) -> tuple:
    """``(rtol, atol per state)`` of ``stop_at_rest`` (``()`` when off).

    ``True`` takes the defaults of the error-controlled methods (``rtol`` 1e-6, ``atol``
    1e-8 in each state's unit); a mapping may give ``rtol`` (dimensionless) and ``atol``
    (state units, a scalar or one value per state).
    """
    if option is None or option is False:
        return ()
    if option is True:
        given: Mapping = {}
    elif isinstance(option, Mapping):
        unknown = [k for k in option if k not in KEYS]
        if unknown:
            raise ValueError(f"stop_at_rest key {unknown[0]!r} is not one of {KEYS}")
        given = option
    else:
        raise ValueError(f"stop_at_rest = {option!r} must be True, False or a mapping with keys "
                         "rtol (dimensionless) and atol (state units)")
    if _engine.METHODS.get(method, 1) <= 0:
        raise ValueError(
            f"stop_at_rest applies to the fixed-step methods (rl1, rl2, rl2ab, staggered), not "
            f"method = {method!r}, whose step-size control already takes long steps at rest "
            "(up to max_step)")
    rtol = given.get("rtol", _engine.RTOL)
    atol = given.get("atol", _engine.ATOL)
    if isinstance(atol, bool):
        raise ValueError(f"stop_at_rest: atol = {atol!r} must be a number (state units)")
    try:
        r, a = _engine._tolerances(rtol, atol, n_states)
    except ValueError as exc:
        raise ValueError(f"stop_at_rest: {exc}") from None
    return (r, tuple(float(x) for x in a))


def record(rest: tuple) -> str:
    """The ``stop_at_rest`` provenance attribute (JSON, or ``"none"``)."""
    if not rest:
        return "none"
    return json.dumps({"rtol": rest[0], "atol": list(rest[1]),
                       "check_every_ms": _engine.REST_CHECK_MS})
