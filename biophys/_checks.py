"""Argument checks shared across the package.

This module imports nothing else from ``biophys``, so every module can use it (the checks
are needed by :mod:`biophys.analysis` and :mod:`biophys._model`, which the engine imports).
"""

from __future__ import annotations

import math

import numpy as np


def unit_text(unit: str) -> str:
    """A unit as it reads in a message: ``"1"`` (a ratio or fraction) as "(dimensionless)"."""
    return "(dimensionless)" if unit in ("1", "") else unit


def _numeric(x) -> bool:
    """A real number or an array of them (not a bool, string or bool array)."""
    a = np.asarray(x)
    return a.dtype.kind in "iuf"


def _scalar(x) -> float:
    """``x`` as a float if it is one real number, else NaN (for the range messages)."""
    return float(x) if _numeric(x) and np.ndim(x) == 0 else math.nan


def _range_text(low: float, high: float, low_open: bool, high_open: bool) -> str:
    if math.isinf(low) and math.isinf(high):
        return "finite"
    if math.isinf(high):
        return f"finite and {'>' if low_open else '>='} {low:g}"
    if math.isinf(low):
        return f"finite and {'<' if high_open else '<='} {high:g}"
    return f"in {'(' if low_open else '['}{low:g}, {high:g}{')' if high_open else ']'}"


def checked_number(value, name: str, unit: str, low: float = -math.inf,
                   high: float = math.inf, *, low_open: bool = False, high_open: bool = False,
                   note: str = "") -> float:
    """``value`` as a float if it is one real number (not a bool or a string), finite and in
    the range from ``low`` to ``high`` (closed ends unless ``low_open``/``high_open``).

    Otherwise a ``ValueError`` naming ``name``, the value given, its ``unit`` (``"1"``:
    dimensionless) and the valid range, followed by ``note``, e.g.
    ``rel_step = 0.7 (dimensionless) must be in (0, 0.5]``.
    """
    v = _scalar(value)
    above = v > low if low_open else v >= low
    below = v < high if high_open else v <= high
    if math.isfinite(v) and above and below:
        return v
    raise ValueError(f"{name} = {value!r} {unit_text(unit)} must be "
                     f"{_range_text(low, high, low_open, high_open)}{note}")
