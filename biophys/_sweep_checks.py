"""Checks of a sweep's arguments against each other (helpers of :func:`biophys.sweep`)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from . import _engine
from ._fields import field_unit

if TYPE_CHECKING:
    from ._design import Design


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


#: Largest per-point result (metrics, final states, status) a sweep may hold in memory, bytes:
#: the engine's buffer limit (:data:`biophys._engine.MAX_BUFFER_BYTES`, 4 GiB).
MAX_RESULT_BYTES = _engine.MAX_BUFFER_BYTES


def _check_result_size(design: Design, n_outputs: int) -> None:
    """``ValueError`` naming the grid's size when ``n_outputs`` float64 values per point (and
    the status) of ``design`` need more than :data:`MAX_RESULT_BYTES`, before anything of the
    sweep's size is allocated (the point count in Python ints: no int64 overflow)."""
    n = math.prod(design.shape)
    need = n * (8 * n_outputs + 1)
    if need > MAX_RESULT_BYTES:
        size = " x ".join(map(str, design.shape)) if design.kind == "grid" else str(n)
        raise ValueError(
            f"the sweep's {design.kind} of {size} = {n:.3g} points with {n_outputs} output(s) "
            f"each needs {need / 2**30:.3g} GiB (limit {MAX_RESULT_BYTES / 2**30:g} GiB): "
            "sweep fewer points (fewer values per axis, or several sweeps of parts of the "
            "grid), or fewer metrics")
