"""Argument checks shared across the package.

This module imports nothing else from ``biophys``, so every module can use it (the checks
are needed by :mod:`biophys.analysis` and :mod:`biophys._model`, which the engine imports).
"""

from __future__ import annotations

import math
import numbers
import os
import reprlib

import numpy as np


def unit_text(unit: str) -> str:
    """A unit as it reads in a message: ``"1"`` (a ratio or fraction) as "(dimensionless)"."""
    return "(dimensionless)" if unit in ("1", "") else unit


#: What a single value must be, and what every entry of an array of values must be, as the
#: error messages say it.
REAL_NUMBER = "a real number (not a bool, string or array)"
REAL_NUMBERS = "real numbers (not bools, strings, complex numbers or None)"


def did_you_mean(name, valid, prefixes: bool = False) -> str:
    """" (did you mean 'K_o'?)" for the valid names closest to a mistyped ``name``, or "".

    Case, underscores and a zero typed for the letter o are ignored first (``k_o``, ``Ko``,
    ``K_0`` -> ``K_o``; ``mean_v`` -> ``mean_V``), then :func:`difflib.get_close_matches`
    picks up to three close spellings (``Mg_out`` -> ``Mg_o``, ``adaptiv`` -> ``adaptive``).
    With ``prefixes``, a name of two or more characters that has no close spelling also finds
    the valid names that it, or one of their ``_``-separated words, begins (case ignored;
    model names: ``hh`` -> ``hh1952``, ``keizer`` -> ``chay_keizer_1983``), up to three.
    A name that is not a string gets "".
    """
    if not isinstance(name, str):
        return ""
    valid = list(dict.fromkeys(v for v in valid if isinstance(v, str)))

    def folded(s: str) -> str:
        return s.replace("_", "").lower().replace("0", "o")

    hits = [v for v in valid if folded(v) == folded(name)]
    if not hits:
        import difflib

        keys = {folded(v): v for v in valid}
        hits = [keys[k] for k in difflib.get_close_matches(folded(name), list(keys), n=3,
                                                             cutoff=0.75)]
    if not hits and prefixes and len(name.strip("_")) >= 2:
        stem = name.lower()
        hits = [v for v in valid if v.lower().startswith(stem)
                or any(w.startswith(stem) for w in v.lower().split("_"))][:3]
    if not hits:
        return ""
    return f" (did you mean {' or '.join(repr(h) for h in hits)}?)"


def to_float(x) -> float:
    """``float(x)`` of a real number, with an int too large for a float as +-inf (so that the
    range check, not an ``OverflowError``, reports it)."""
    try:
        return float(x)
    except OverflowError:
        return math.inf if x > 0 else -math.inf


def is_numeric(x) -> bool:
    """A real number or an array of them (not a bool, string or bool array)."""
    a = np.asarray(x)
    return a.dtype.kind in "iuf"


def is_real(x) -> bool:
    """One real number: an int, float, numpy number, 0-d array or :class:`numbers.Real` such as
    a Fraction (not a bool, string, Decimal or array of several)."""
    if isinstance(x, (bool, np.bool_)):
        return False
    return isinstance(x, numbers.Real) or (is_numeric(x) and np.ndim(x) == 0)


def _is_bool(x) -> bool:
    """A bool, or an array-like (ndarray, DataArray, Series, ...) of bools."""
    if isinstance(x, (bool, np.bool_)):
        return True
    dtype = getattr(x, "dtype", None)
    try:
        return dtype is not None and np.dtype(dtype).kind == "b"
    except TypeError:  # a dtype NumPy does not know (e.g. pandas' nullable "boolean")
        return "bool" in str(dtype)


def checked_flag(value, name: str) -> bool:
    """``value`` if it is True or False (a bool or a NumPy bool), else a ``ValueError`` naming
    ``name``."""
    if not isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{name} = {reprlib.repr(value)} must be True or False")
    return bool(value)


def checked_names(value, name: str, what: str) -> tuple:
    """One name (a ``str``) or an iterable of names, as a tuple; anything else (a number,
    None) is a ``ValueError`` naming the argument ``name`` and saying what one name is
    (``what``). Whether each name exists is for the caller to check."""
    if isinstance(value, str):
        return (value,)
    try:
        return tuple(value)
    except TypeError:
        raise ValueError(f"{name} = {reprlib.repr(value)} must be {what} or a sequence of "
                         "names") from None


def record_names(record) -> tuple:
    """``record=`` as a tuple of names (:func:`checked_names`)."""
    return checked_names(record, "record", "the name of a state or output")


def checked_directory(value, name: str, what: str = "a directory"):
    """``value`` if it is None or a non-empty path (``str`` or ``os.PathLike``), else a
    ``ValueError`` naming ``name`` and saying what the directory is for (``what``)."""
    if value is not None and (not isinstance(value, (str, os.PathLike))
                              or not os.fspath(value)):
        raise ValueError(f"{name} = {value!r} must be a path (str or os.PathLike) to {what}, "
                         "or None")
    return value


def _has_bool(values) -> bool:
    """Whether any entry of the sequence ``values`` is a bool (:func:`_is_bool`). The types of
    the entries are collected first (a loop in C): only if one of them is not a plain number
    (an array, a DataArray, ...) are the entries tested one by one (a Python list of 10 000
    floats: 0.27 ms instead of 1.7 ms)."""
    entries = np.asarray(values, dtype=object)
    kinds = set(map(type, entries.flat))
    if any(issubclass(t, (bool, np.bool_)) for t in kinds):
        return True
    plain = all(issubclass(t, numbers.Number) for t in kinds)
    return not plain and any(map(_is_bool, entries.flat))


def real_values(values) -> np.ndarray | None:
    """``values`` as a float array if every entry is a real number (ints, floats, numpy numbers
    or :class:`numbers.Real` objects such as Fractions; not bools, strings or complex numbers),
    else ``None`` (also for a ragged nesting of sequences)."""
    try:
        a = np.asarray(values)
    except (TypeError, ValueError):  # ragged
        return None
    if a.dtype.kind == "O" and all(is_real(x) for x in a.flat):
        return np.array([to_float(x) for x in a.flat], dtype=np.float64).reshape(a.shape)
    if not is_numeric(a):
        return None
    if a.size and not hasattr(values, "dtype"):
        # a Python sequence: NumPy casts a bool among numbers to 0 or 1 ([1.0, True] -> [1, 1])
        if _has_bool(values):
            return None
    return a.astype(np.float64)


def checked_values(values, name: str, unit: str, valid: str = "finite") -> np.ndarray:
    """``values`` as a float array (:func:`real_values`), else a ``ValueError`` naming ``name``,
    the values given, what they must be (``valid``, e.g. "finite and >= 0") and ``unit``. The
    range itself is the caller's to check."""
    a = real_values(values)
    if a is None:
        raise ValueError(f"{name} = {reprlib.repr(values)} must be {REAL_NUMBERS}, {valid} "
                         f"{unit_text(unit)}")
    return a


def range_text(low: float, high: float, low_open: bool = False,
               high_open: bool = False) -> str:
    """The valid range in words: "in [0, 1]", "finite and >= 0", "finite"."""
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
    ``rel_step = 0.7 (dimensionless) must be in (0, 0.5]``, or for a value that is not one
    real number ``rel_step = '0.01' must be a real number (not a bool, string or array), in
    (0, 0.5] (dimensionless)``.
    """
    valid = range_text(low, high, low_open, high_open)
    if not is_real(value):
        raise ValueError(f"{name} = {reprlib.repr(value)} must be {REAL_NUMBER}, {valid} "
                         f"{unit_text(unit)}{note}")
    v = to_float(value)
    above = v > low if low_open else v >= low
    below = v < high if high_open else v <= high
    if math.isfinite(v) and above and below:
        return v
    raise ValueError(f"{name} = {value!r} {unit_text(unit)} must be {valid}{note}")


def checked_axes(ax, name: str = "ax"):
    """``ax`` if it is None or a :class:`matplotlib.axes.Axes` (matplotlib is imported only
    for one that is not None), else a ``ValueError`` naming ``name``."""
    if ax is not None:
        from matplotlib.axes import Axes

        if not isinstance(ax, Axes):
            raise ValueError(f"{name} = {reprlib.repr(ax)} must be a matplotlib.axes.Axes to "
                             "draw on, or None (a new figure)")
    return ax


def check_dataset(ds, what: str) -> None:
    """A ``ValueError`` naming ``ds`` unless it is an xarray Dataset (``what``: whose, for the
    message; tested by its attributes, so that xarray need not be imported)."""
    if not (hasattr(ds, "data_vars") and hasattr(ds, "attrs")):
        raise ValueError(f"ds = {ds!r:.60} must be {what} (an xarray.Dataset)")
