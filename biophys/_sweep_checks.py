"""Checks of a sweep's arguments against each other (helpers of :func:`biophys.sweep`)."""

from __future__ import annotations

import numpy as np

from ._fields import field_unit


def swept_and_in_solution(name: str, axis: np.ndarray, field: str, value: float,
                          what: str) -> None:
    """``ValueError`` if swept ``name`` is set to ``value`` by the Solution (or Cytosol) given
    as ``conditions=`` (its ``field``) and that is none of the swept values: the sweep would
    silently drop it. A value among them is the sweep's base point (a bath given whole, with
    one of its fields varied around it)."""
    if np.isclose(axis, value, rtol=1e-12, atol=0.0).any():
        return
    u = field_unit(field)
    unit = "" if u in (None, "(dimensionless)") else f" {u}"
    span = f"{axis.min():g}" if axis.min() == axis.max() else f"{axis.min():g} to {axis.max():g}"
    raise ValueError(
        f"{name!r} is swept and also fixed in conditions=: the {what} sets {field} = {value:g}"
        f"{unit}, which is not among the swept values ({span}{unit}) and would be dropped; "
        f"leave {field} out of the {what} (e.g. conditions=bath.replace({field}=None)) or "
        f"sweep values that include {value:g}{unit}")


def check_trace_options(trace_idx, record, record_every) -> None:
    """``ValueError`` if ``record`` or ``record_every`` is given while no traces are requested
    (``trace_idx`` empty: ``traces`` None or empty): they shape the traces, and only them."""
    if trace_idx:
        return
    for key, value in (("record", record), ("record_every", record_every)):
        if value is not None:
            raise ValueError(f"{key} = {value!r} is given without traces=; it only applies "
                             "to the traces: give traces= (the points whose traces to "
                             f"return), or leave {key} out")
