"""The points of a sweep: a full grid over named axes or an explicit table, checked up front.

A design maps a flat point index (C order over the grid axes, or the table row) to the values of
the swept names. :class:`Mapper` then turns those values into the model parameters that vary
from point to point, applying the bath's substitution rule when the conditions come from a
:class:`biophys.Solution` (for example raising K_o lowers Na_o by the same amount).
"""

from __future__ import annotations

import dataclasses
import itertools
import math
import reprlib
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from ._bath import swept_bath_warnings
from ._checks import REAL_NUMBERS, checked_number, did_you_mean, real_values, unit_text
from ._fields import _BATH, field_unit
from ._fields import _quiet as quiet_ranges
from ._model import Model
from ._warn import warn_user


@dataclass
class Design:
    """Swept names and their values.

    ``kind == "grid"``: ``axes[i]`` are the values of axis ``names[i]``; points enumerate the
    Cartesian product in C order (last axis fastest). ``kind == "points"``: ``axes[i]`` is
    column ``names[i]`` of the table, one entry per point.
    """

    kind: str
    names: tuple[str, ...]
    axes: tuple[np.ndarray, ...]

    @property
    def shape(self) -> tuple[int, ...]:
        if self.kind == "grid":
            return tuple(len(a) for a in self.axes)
        return (len(self.axes[0]),)

    @property
    def n_points(self) -> int:
        return int(np.prod(self.shape))

    @property
    def dims(self) -> tuple[str, ...]:
        """Dimensions of a per-point result: the grid's axes, or ``("point",)`` for a table."""
        return self.names if self.kind == "grid" else ("point",)

    def coords(self, attrs) -> dict[str, tuple]:
        """Coordinates of a per-point result, ``{name: (dim, values, attrs(name))}``: one per
        grid axis, or the point index and one column per swept name of a table."""
        named = zip(self.names, self.axes, strict=True)
        if self.kind == "grid":
            return {n: (n, a, attrs(n)) for n, a in named}
        out = {"point": ("point", np.arange(self.n_points), {"long_name": "point index"})}
        out.update({n: ("point", c, attrs(n)) for n, c in named})
        return out

    def axis_indices(self, lo: int, hi: int) -> tuple[np.ndarray, ...]:
        """Per-axis indices of points ``lo..hi-1`` (grid) or the row indices (points)."""
        flat = np.arange(lo, hi)
        if self.kind == "grid":
            return np.unravel_index(flat, self.shape)
        return tuple(flat for _ in self.names)

    def values(self, lo: int, hi: int) -> np.ndarray:
        """Values of the swept names at points ``lo..hi-1``, shape (n_names, hi - lo)."""
        idx = self.axis_indices(lo, hi)
        return np.stack([a[i] for a, i in zip(self.axes, idx, strict=True)])

    def point_values(self, flat: int) -> dict[str, float]:
        return {n: float(v) for n, v in zip(self.names, self.values(flat, flat + 1)[:, 0],
                                             strict=True)}


def _solution_fields(solution) -> set[str]:
    if dataclasses.is_dataclass(solution):
        return {f.name for f in dataclasses.fields(solution)}
    return {k for k in vars(solution) if not k.startswith("_")} if hasattr(solution, "__dict__") \
        else set()


def _valid_names(model: Model, solution) -> list[str]:
    """The names a sweep may vary: the model's conditions, its other parameters, then the
    fields of ``solution``: every bath field of a Solution and every field of a Cytosol, set or
    left to the model (so that a field its rules derive or the model lacks gets its own
    message), or the ones of another object that hold a number."""
    from .solution import Cytosol, Solution

    names = list(model.condition_names) + [p for p in model.parameter_names
                                           if p not in model.condition_names]
    if isinstance(solution, (Solution, Cytosol)):
        own = _BATH if isinstance(solution, Solution) else Cytosol._fields()
        names += sorted(set(own) - set(names))
    elif solution is not None:
        names += sorted(n for n in _solution_fields(solution) - set(names)
                        if isinstance(getattr(solution, n, None), (int, float)))
    return names


def _check_name(model: Model, name, solution, what: str) -> str:
    """``name`` if it can be swept (``what``: "grid axis" or "points column"), else a
    ``ValueError``: an unknown name, or Na_o under a substitution rule that derives it (a swept
    Na_o would replace the rule's reference bath at each point, switching the rule off while
    the provenance still records it), or Cl_o under a constant-osmolarity or
    constant-ionic-strength rule (which derive it)."""
    valid = _valid_names(model, solution)
    if not isinstance(name, str) or name not in valid:
        raise ValueError(
            f"unknown {what} name {name!r}{did_you_mean(name, valid)} for model "
            f"{model.name!r}; valid names (conditions first): {', '.join(valid)}"
        )
    from .solution import DIVALENT_RULES, NACL_PER_SALT

    rule = getattr(solution, "substitution", None)
    if name == "Na_o" and rule in NACL_PER_SALT:
        made_from = "K_o, Ca_o and Mg_o" if rule in DIVALENT_RULES else "K_o"
        raise ValueError(
            f"{what} 'Na_o': Na_o is derived by substitution={rule!r} from {made_from}: "
            f"sweep {made_from.replace(' and', ' or')}, or use substitution='none'")
    if name == "Cl_o" and rule in DIVALENT_RULES:
        raise ValueError(
            f"{what} 'Cl_o': Cl_o is derived by substitution={rule!r} (every salt a chloride); "
            "use substitution='none' or 'equimolar_Na' to set it")
    return name


def _as_1d(name: str, values, unit: str, what: str) -> np.ndarray:
    unit = unit_text(unit)
    a = real_values(values)
    if a is None:
        raise ValueError(f"{what} {name!r} must be {REAL_NUMBERS} in {unit}, got "
                         f"{reprlib.repr(values)}")
    a = np.atleast_1d(a)
    if a.ndim != 1:
        raise ValueError(f"{what} {name!r} must be one-dimensional, got shape {a.shape}")
    if a.size == 0:
        raise ValueError(f"{what} {name!r} is empty: give at least one value in {unit}")
    bad = ~np.isfinite(a)
    if bad.any():
        raise ValueError(f"{what} {name!r} has non-finite values ({float(a[bad][0])!r} at index "
                         f"{int(np.flatnonzero(bad)[0])}); all values must be finite, in {unit}")
    return a


def _check_distinct(name: str, axis: np.ndarray, unit: str) -> None:
    """A grid axis's values are distinct: a repeat would be the same points twice, under one
    coordinate value (a table of ``points`` may repeat a value in a column)."""
    unit = unit_text(unit)
    values, counts = np.unique(axis, return_counts=True)
    if (counts > 1).any():
        rep = ", ".join(f"{v:g}" for v in values[counts > 1])
        raise ValueError(f"grid axis {name!r} repeats the value(s) {rep} {unit}; give each "
                         "value once")


def _unit(model: Model | None, name: str) -> str:
    """The unit of swept name ``name`` for messages: the model parameter's, else the Solution
    or Cytosol field's, else "(its unit)"."""
    if model is not None and name in model.parameter_names:
        return model.parameter(name).unit
    return field_unit(name) or "(its unit)"


def make_design(model: Model, grid, points, solution=None) -> Design:
    """Check ``grid`` or ``points`` against ``model`` and return a :class:`Design`."""
    if (grid is None) == (points is None):
        raise ValueError("give exactly one of grid= (axes) or points= (a table of points)")
    if grid is not None:
        if not isinstance(grid, Mapping) or not grid:
            raise ValueError("grid must be a non-empty mapping {name: values}")
        names, cols = [], []
        for name, values in grid.items():
            _check_name(model, name, solution, "grid axis")
            names.append(name)
            cols.append(_as_1d(name, values, _unit(model, name), "grid axis"))
            _check_distinct(name, cols[-1], _unit(model, name))
        kind = "grid"
    else:
        table = _table(points, _valid_names(model, solution))
        if not table:
            raise ValueError("points must name at least one column")
        names, cols = [], []
        for name, values in table.items():
            _check_name(model, name, solution, "points column")
            names.append(name)
            cols.append(_as_1d(name, values, _unit(model, name), "points column"))
        lens = {len(c) for c in cols}
        if len(lens) != 1:
            raise ValueError("points columns must have equal lengths, got "
                             + ", ".join(f"{n}: {len(c)}" for n, c in zip(names, cols,
                                                                         strict=True)))
        kind = "points"
    what = "grid axis" if kind == "grid" else "points column"
    for name, col in zip(names, cols, strict=True):
        if name in model.parameter_names:
            model.parameter(name).check_array(col, what)
    return Design(kind, tuple(names), tuple(cols))


def _table(points, valid: list[str]) -> dict[str, object]:
    """The columns of a table of ``points``, ``{name: values}``; ``valid``: the swept names.

    A DataFrame's named index (each named level of a MultiIndex) and a Dataset's coordinates
    are columns too, placed first, when named with a swept name; otherwise they are row
    labels, skipped if they do not hold floats (integers such as the positions 0..n-1 of
    ``DataFrame.to_xarray()``'s ``index``, or strings), an error if they do (a misspelt swept
    name). An unnamed DataFrame index is never a column.
    """
    if hasattr(points, "data_vars"):  # xarray.Dataset
        return _dataset_columns(points, valid)
    if hasattr(points, "columns") and hasattr(points, "__getitem__"):  # pandas.DataFrame
        names = [str(c) for c in points.columns]
        twice = sorted({c for c in names if names.count(c) > 1})
        if twice:
            raise ValueError(f"points: column{'s' if len(twice) > 1 else ''} "
                             f"{', '.join(map(repr, twice))} appear"
                             f"{'' if len(twice) > 1 else 's'} more than once in the "
                             "DataFrame; give each swept name once")
        cols = {str(c): np.asarray(points[c]) for c in points.columns}
        index = {}
        for level, name in enumerate(getattr(points.index, "names", ())):
            if name is not None and _is_column(str(name), np.asarray(
                    points.index.get_level_values(level)), valid, "the DataFrame's index"):
                if str(name) in cols:
                    raise ValueError(f"points: {str(name)!r} is both a column and the name of "
                                     "the DataFrame's index; give it once")
                index[str(name)] = np.asarray(points.index.get_level_values(level))
        return {**index, **cols}
    if isinstance(points, np.ndarray) and points.dtype.names:
        return {n: points[n] for n in points.dtype.names}
    if isinstance(points, Mapping):
        return dict(points)
    raise ValueError("points must be a mapping {name: values}, a pandas DataFrame, an "
                     "xarray Dataset or a structured array")


def _is_column(name: str, values: np.ndarray, valid: list[str], what: str) -> bool:
    """Whether ``name`` (``what``: a DataFrame's named index, a Dataset coordinate) is a
    column of the table: yes if it is a swept name, no if it is a row label (values not
    floats: integers or strings); a ``ValueError`` otherwise (floats under another name)."""
    if name in valid:
        return True
    if values.dtype.kind not in "fc":
        return False
    raise ValueError(f"points: {what} {name!r} is not a swept name{did_you_mean(name, valid)} "
                     f"(valid names: {', '.join(valid)}) and holds floats, not row labels "
                     "(integers or strings): a table's named index and its coordinates are "
                     "columns of the table when named with a swept name; drop it, or rename "
                     "it to the swept name it holds")


def _dataset_columns(ds, valid: list[str]) -> dict[str, object]:
    """The columns of an ``xarray.Dataset`` table: its coordinates (a dimension coordinate
    over a MultiIndex, whose levels are coordinates themselves, and row labels skipped; see
    :func:`_is_column`), then its data variables, all 1-D on one dimension."""
    found = {**ds.coords, **ds.data_vars}
    for name, v in found.items():
        if v.ndim != 1:
            raise ValueError(f"points: {str(name)!r} of the xarray Dataset has dims "
                             f"{tuple(map(str, v.dims))}; a Dataset table is 1-D: every data "
                             "variable and coordinate lies on its one dimension, the points "
                             "(drop others with ds.drop_vars, e.g. a scalar coordinate left "
                             "by sel)")
    dims = sorted({str(v.dims[0]) for v in found.values()})
    if len(dims) > 1:
        raise ValueError(f"points: the xarray Dataset's variables lie on the dimensions "
                         f"{', '.join(map(repr, dims))}; a table of points lies on one "
                         "dimension (one value of each name per point): give independent "
                         "axes as grid=, or stack them into one dimension")
    out = {}
    for name, v in found.items():
        if name in ds.coords and (
                (name == v.dims[0] and getattr(ds.indexes.get(name), "nlevels", 1) > 1)
                or not _is_column(str(name), np.asarray(v.values), valid, "coordinate")):
            continue
        out[str(name)] = v.values
    return out


def _replace(solution, changes: dict[str, float]):
    if hasattr(solution, "replace") and callable(solution.replace):
        return solution.replace(**changes)
    if dataclasses.is_dataclass(solution):
        return dataclasses.replace(solution, **changes)
    raise TypeError(f"cannot vary {', '.join(changes)} of {type(solution).__name__}")


#: Distinct bath warnings a sweep gives at most (the rest are counted in one more warning).
MAX_BATH_WARNINGS = 5


def _replay_bath_warnings(caught, solution, model: Model) -> None:
    """Give each distinct message of ``caught`` once, prefixed "sweep: ".

    Parameters
    ----------
    caught : list of warnings.WarningMessage
        The warnings recorded while the bath of every point was resolved.
    solution : Solution or object with ``as_params``
        The base bath (``conditions=``). Its own messages are left out: the sweep has given
        them already (:func:`biophys._bath.conditions`).
    model : Model
        The model the bath is resolved against.

    Past :data:`MAX_BATH_WARNINGS` messages, one more warning counts the rest.
    """
    with warnings.catch_warnings(record=True) as base:
        warnings.simplefilter("always")
        if hasattr(solution, "as_params"):
            solution.as_params(model)
    said = {str(w.message) for w in base}
    new = list(dict.fromkeys(str(w.message) for w in caught if str(w.message) not in said))
    for msg in new[:MAX_BATH_WARNINGS]:
        warn_user(f"sweep: {msg}")
    if len(new) > MAX_BATH_WARNINGS:
        warn_user(f"sweep: {len(new) - MAX_BATH_WARNINGS} more warnings about the bath")


def _dead_axes(model: Model, design: Design, solution, sol_axes: list[int], combos: list,
               rows: list[dict]) -> list[str]:
    """The swept bath/cytosol fields (``design.names[i]`` for ``i`` in ``sol_axes``) that change
    no parameter of ``model``: at every combination of swept values (``combos``, whose
    parameters are ``rows``), setting the field to its first value instead leaves the
    parameters as they are. A field that is itself a model parameter is never dead. The
    combinations this makes that are not in ``combos`` (a table of points) are evaluated
    without warnings; one the bath refuses counts as a change."""
    known = {tuple(c): r for c, r in zip(combos, rows, strict=True)}
    dead = []
    for pos, i in enumerate(sol_axes):
        name = design.names[i]
        if name in model.parameter_names:
            continue
        first = float(design.axes[i][0])
        live = False
        for combo, row in zip(combos, rows, strict=True):
            alt = tuple(first if k == pos else v for k, v in enumerate(combo))
            if alt not in known:
                changes = {design.names[j]: float(v) for j, v in zip(sol_axes, alt,
                                                                     strict=True)}
                try:
                    with warnings.catch_warnings(), quiet_ranges():
                        warnings.simplefilter("ignore")
                        known[alt] = dict(_replace(solution, changes).as_params(model))
                except (TypeError, ValueError):
                    known[alt] = None
            if known[alt] != row:
                live = True
                break
        if not live:
            dead.append(name)
    return dead


def _check_condition(model: Model, name: str, col: np.ndarray, combos: list, baths: list,
                     swept: list[str]) -> None:
    """The model's valid range of condition ``name`` as the bath sets it at each combination of
    swept values (``col[i]`` from ``baths[i]``, made for ``combos[i]`` of the ``swept``
    fields). A value outside it that the sweep does not give directly (a Na_o the substitution
    rule derives) is a ``ValueError`` that says how the bath derived it and at which swept
    values."""
    q = model.parameter(name)
    try:
        q.check_array(col, "condition")
    except ValueError as exc:
        if name in swept:
            raise
        lo, hi = q.bounds
        i = int(np.flatnonzero(np.isinf(col) | (col < lo) | (col > hi))[0])
        bath = baths[i]
        rule = getattr(bath, "substitution", None)
        if name == "Na_o" and name in getattr(bath, "_derived", ()):
            how = f"derived by substitution={rule!r}"
        elif name == "Cl_o" and name in getattr(bath, "_derived", ()):
            how = "derived from the cations (Cl_o = Na_o + K_o + 2 Ca_o + 2 Mg_o)"
        else:
            how = f"set by the {type(bath).__name__} given as conditions="
        units = [unit_text(_unit(model, n)) for n in swept]
        at = ", ".join(f"{n} = {v:g}" + ("" if u == "(dimensionless)" else f" {u}")
                       for n, v, u in zip(swept, combos[i], units, strict=True))
        raise ValueError(f"{exc}; {name} is {how} at the swept values {at}") from None


class Mapper:
    """Turns swept values into the parameters that vary between points.

    With plain conditions each swept name is a parameter. With a Solution, the swept names it
    knows go through ``solution.replace(...).as_params(model)`` (all combinations are evaluated
    up front, so a substitution that leaves a valid range fails before any work), and every
    parameter that any combination changes becomes a varied parameter. A swept field that
    changes no parameter of the model (``Mg_o`` of a model without it) is a ``ValueError``,
    alone or next to other axes.
    """

    def __init__(self, model: Model, design: Design, solution=None) -> None:
        self.model = model
        self.design = design
        fields = _solution_fields(solution) if solution is not None else set()
        self.sol_axes = [i for i, n in enumerate(design.names)
                         if solution is not None and n in fields]
        self.direct = [i for i in range(len(design.names)) if i not in self.sol_axes]
        direct_names = [design.names[i] for i in self.direct]
        for i in self.direct:
            if design.names[i] not in model.parameter_names:  # pragma: no cover - checked before
                raise ValueError(f"{design.names[i]!r} is not a parameter of {model.name!r}")
        self.table = np.zeros((0, 0))
        #: parameters the bath rule sets to the same value at every point
        self.constants: dict[str, float] = {}
        #: bath and cytosol fields whose value differs between points (model condition or not)
        self.bath_varied: tuple[str, ...] = ()
        derived: list[str] = []
        if self.sol_axes:
            if design.kind == "grid":
                combos = list(itertools.product(*(design.axes[i] for i in self.sol_axes)))
                self._inverse = None
            else:
                cols = np.stack([design.axes[i] for i in self.sol_axes])
                uniq, inv = np.unique(cols, axis=1, return_inverse=True)
                combos = [tuple(u) for u in uniq.T]
                self._inverse = inv.reshape(-1)
            rows, baths = [], []
            # range warnings are given once per field for all points, the rest replayed
            with warnings.catch_warnings(record=True) as caught, quiet_ranges():
                warnings.simplefilter("always")
                for combo in combos:
                    changes = {design.names[i]: float(v) for i, v in zip(self.sol_axes, combo,
                                                                         strict=True)}
                    try:
                        baths.append(_replace(solution, changes))
                        rows.append(dict(baths[-1].as_params(model)))
                    except (TypeError, ValueError) as exc:
                        raise ValueError(f"bath/cytosol at {changes}: {exc}") from None
            _replay_bath_warnings(caught, solution, model)
            self.bath_varied = swept_bath_warnings(solution, baths, model)
            keys = [k for k in model.parameter_names if any(k in r for r in rows)]
            derived = [k for k in keys if k not in direct_names]
            self.table = np.array([[r.get(k, math.nan) for k in derived] for r in rows])
            dead = _dead_axes(model, design, solution, self.sol_axes, combos, rows)
            if dead:
                raise ValueError(
                    f"sweeping {', '.join(dead)} changes no parameter of model "
                    f"{model.name!r} (its conditions: "
                    f"{', '.join(model.condition_names) or 'none'})")
            for j, k in enumerate(derived):
                col = self.table[:, j]
                if np.isnan(col).any():  # pragma: no cover - defensive
                    raise ValueError(f"the solution does not set {k!r} for every point")
                _check_condition(model, k, col, combos, baths,
                                 [design.names[i] for i in self.sol_axes])
            axes = {design.names[i] for i in self.sol_axes}
            varies = [j for j, k in enumerate(derived)
                      if k in axes or np.any(self.table[:, j] != self.table[0, j])]
            self.constants = {k: float(self.table[0, j]) for j, k in enumerate(derived)
                              if j not in varies}
            derived = [derived[j] for j in varies]
            self.table = self.table[:, varies]
        self.derived = derived
        self.names = tuple(direct_names + derived)
        self.varied = tuple(model.parameter_index(n) for n in self.names)

    def values(self, lo: int, hi: int) -> np.ndarray:
        """Varied parameter values for points ``lo..hi-1``, shape (n_varied, hi - lo)."""
        d = self.design
        vals = d.values(lo, hi)
        out = [vals[i] for i in self.direct]
        if self.sol_axes:
            if d.kind == "grid":
                idx = d.axis_indices(lo, hi)
                combo = np.ravel_multi_index(tuple(idx[i] for i in self.sol_axes),
                                             tuple(d.shape[i] for i in self.sol_axes))
            else:
                combo = self._inverse[lo:hi]
            out.extend(self.table[combo, j] for j in range(len(self.derived)))
        if not out:
            return np.zeros((0, hi - lo))
        return np.stack(out)


def resolve_traces(design: Design, traces, model: Model | None = None) -> list[int]:
    """Flat point indices for ``traces`` (point indices, as ints or a 1-D integer array, or
    mappings {name: value}); ``model`` gives the swept names' units for messages.

    A value picks the point holding exactly that value, else the nearest one within a relative
    1e-9 (on a table: on every name, the row nearest in the largest relative difference).
    """
    if traces is None:
        return []
    units = {n: _unit(model, n) for n in design.names}
    if isinstance(traces, (int, np.integer, Mapping)):
        traces = [traces]
    elif hasattr(traces, "dtype") and hasattr(traces, "__array__"):  # an array of indices
        a = np.asarray(traces)
        if a.ndim > 1 or (a.size and a.dtype.kind not in "iu"):
            raise ValueError(f"traces as an array must be 1-D point indices (integers), got "
                             f"dtype {a.dtype} and shape {a.shape}")
        traces = [int(i) for i in a.reshape(-1)]
    if not isinstance(traces, Sequence):
        raise ValueError("traces must be a list of point indices or of {name: value} mappings")
    out = []
    n = design.n_points
    for t in traces:
        if isinstance(t, (int, np.integer)) and not isinstance(t, bool):
            if not 0 <= int(t) < n:
                raise ValueError(f"trace point index {int(t)} is outside [0, {n})")
            out.append(int(t))
            continue
        if not isinstance(t, Mapping) or set(t) != set(design.names):
            raise ValueError(f"a trace is a point index or a mapping giving every swept name "
                             f"({', '.join(design.names)}), got {t!r}")
        at = {name: checked_number(t[name], f"trace {name}", units[name])
              for name in design.names}
        if design.kind == "grid":
            idx = []
            for name, axis in zip(design.names, design.axes, strict=True):
                hit = _nearest(_distance([axis], [at[name]]))
                if hit is None:
                    raise ValueError(f"trace {name} = {t[name]!r} is not on the grid axis "
                                     f"({', '.join(f'{v:g}' for v in axis)} "
                                     f"{unit_text(units[name])})")
                idx.append(hit)
            out.append(int(np.ravel_multi_index(tuple(idx), design.shape)))
        else:
            hit = _nearest(_distance(design.axes, [at[name] for name in design.names]))
            if hit is None:
                raise ValueError(f"trace {t!r} is not one of the points")
            out.append(hit)
    repeated = sorted({i for i in out if out.count(i) > 1})
    if repeated:  # the trace coordinate would repeat a point
        raise ValueError(f"traces ask for point(s) {', '.join(map(str, repeated))} more than "
                         "once (by index or by values); list each point once")
    return out


#: Relative difference within which a trace's value picks a point that does not hold it exactly.
TRACE_RTOL = 1e-9


def _distance(cols, values) -> np.ndarray:
    """Per point, the largest relative difference between ``cols`` and ``values`` (0: exact;
    infinite where a value of 0 is not matched exactly)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.max([np.where(c == v, 0.0, np.abs(c - v) / abs(v))
                       for c, v in zip(cols, values, strict=True)], axis=0)


def _nearest(dist: np.ndarray) -> int | None:
    """The first point at the smallest distance, if within :data:`TRACE_RTOL`, else None."""
    i = int(np.argmin(dist))
    return i if dist[i] <= TRACE_RTOL else None
