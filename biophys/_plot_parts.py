"""The pieces :mod:`biophys.plot` builds its figures from: labels, the not-ok marks, coded
(categorical) metrics, the checks of ``x``/``y``/``hue``/``sel``, reducing a sweep to the
plotted axes, and heatmap cells."""

from __future__ import annotations

import numbers
from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np

from ._checks import check_dataset, checked_axes, did_you_mean
from ._sweep_result import flag_names

if TYPE_CHECKING:
    import xarray as xr
    from matplotlib.axes import Axes


def _label(da: xr.DataArray | xr.Variable, name: str) -> str:
    unit = da.attrs.get("units", "")
    return f"{name} ({unit})" if unit and unit != "1" else name


def _is_number(v) -> bool:
    """A real number (int, float or NumPy number; not a bool or string)."""
    return isinstance(v, (numbers.Real, np.number)) and not isinstance(v, (bool, np.bool_))


def _value_text(v) -> str:
    """A coordinate value as it reads in a label: a float with ``:g``, an integer in full, a
    string (``direction = up``, ``parameter = g_K``) or anything else as its text."""
    if isinstance(v, bytes):
        return v.decode()
    if isinstance(v, (numbers.Integral, np.integer)) and not isinstance(v, (bool, np.bool_)):
        return str(int(v))
    return f"{v:g}" if _is_number(v) else str(v)


def _coord_text(name: str, v, unit: str = "") -> str:
    """``"I_app = 5 uA/cm^2"``: a coordinate's name, value and unit (the unit only for a number,
    and not the dimensionless ``"1"``); ``"direction = up"`` for a string."""
    unit = unit if _is_number(v) and unit != "1" else ""
    return f"{name} = {_value_text(v)} {unit}".strip()


def _new_axes(ax: Axes | None) -> Axes:
    if checked_axes(ax) is not None:  # a ValueError unless None or an Axes
        return ax
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(figsize=(6.0, 4.5), layout="constrained")
    return ax


def _metric(ds: xr.Dataset, metric: str) -> xr.DataArray:
    check_dataset(ds, "the result of biophys.sweep")
    names = [str(v) for v in ds.data_vars if v != "status" and not str(v).startswith("trace_")]
    if not isinstance(metric, str) or metric not in names:
        raise ValueError(f"no metric {metric!r} in this sweep{did_you_mean(metric, names)}; "
                         f"metrics: {', '.join(names) or 'none'}")
    da = ds[metric]
    empty = [str(d) for d in da.dims if da.sizes[d] == 0]
    if empty:  # e.g. ds.isel(K_o=[]): an IndexError or an empty figure further on
        raise ValueError(f"{metric!r} has no values: its axis {empty[0]!r} is empty (0 values); "
                         "nothing to draw")
    return da.where(~_not_ok(ds, da))


#: Legend entry of the marks on sweep points whose ``status`` is not ok.
NOT_OK_LABEL = "status not ok"


def _not_ok(ds: xr.Dataset, da: xr.DataArray) -> xr.DataArray:
    """True where the point of ``da`` (a metric of ``ds``) has a ``status`` other than ok (0);
    all False without a ``status`` variable. A sensitivity's derivatives (``d_M``,
    ``elasticity_M``: a ``parameter`` dimension) also need their perturbed runs ok
    (``status_perturbed``)."""
    if "status" not in ds:
        return da.notnull() & False
    bad = (ds["status"] != 0).broadcast_like(da)
    if "parameter" in da.dims and "status_perturbed" in ds:
        bad = bad | (ds["status_perturbed"] != 0).broadcast_like(da)
    return bad


def _marked(ax) -> bool:
    """Whether ``ax`` holds the not-ok marks (a collection labelled :data:`NOT_OK_LABEL`)."""
    return any(c.get_label() == NOT_OK_LABEL for c in ax.collections)


def _mark_not_ok(ax, xs, ys, foot: bool = False, color="k", legend: bool = True) -> None:
    """An ``x`` at each position ``(xs, ys)`` of a point whose status is not ok (a scatter
    collection whose ``gid`` is :data:`NOT_OK_LABEL`; one legend entry however many, none if
    not ``legend``; nothing when there are none). ``foot``: ``ys`` are fractions of the
    axes height (a line's failed point has no value), and the x range is widened to take them
    in (a line ending in failed points stops short of them)."""
    if len(xs) == 0:
        return
    kw = {"transform": ax.get_xaxis_transform()} if foot else {}
    label = NOT_OK_LABEL if legend and not _marked(ax) else "_nolegend_"
    ax.scatter(xs, ys, marker="x", s=64, linewidths=1.5, color=color, zorder=3,
               label=label, gid=NOT_OK_LABEL, **kw)
    if foot:
        xp = np.asarray(ax.xaxis.convert_units(xs), dtype=float)
        ax.update_datalim(np.column_stack([xp, np.zeros_like(xp)]), updatey=False)
        ax.autoscale_view()


def _not_ok_handle():
    """The legend entry of the not-ok marks drawn in the colours of their lines: a black ``x``
    (a neutral colour: it stands for the marks of every line)."""
    from matplotlib.lines import Line2D

    return Line2D([], [], ls="none", marker="x", markersize=8, markeredgewidth=1.5, color="k",
                  label=NOT_OK_LABEL)


def _no_offset(axis) -> None:
    """Absolute tick labels on ``axis`` (a plain number formatter): an offset (``-6.4999e1``
    with ticks ``-0.001 .. 0``) makes a nearly constant metric look like a large change."""
    from matplotlib.ticker import ScalarFormatter

    fmt = axis.get_major_formatter()
    if isinstance(fmt, ScalarFormatter):
        fmt.set_useOffset(False)


def _note_no_finite(ax, metric: str) -> None:
    """Say on ``ax`` that ``metric`` has no finite value at any point drawn (undefined or
    failed everywhere): an empty figure would otherwise look like a drawing error."""
    ax.text(0.5, 0.5, f"no finite {metric} at any point", transform=ax.transAxes,
            ha="center", va="center", gid="no finite value")


def _check_overdrawn(ds: xr.Dataset, x: str, y: str, names: list[str]) -> None:
    """A ``ValueError`` if points of a table sit at the same ``(x, y)`` but differ in another
    swept name (``names``): a scatter draws them over each other and only the last shows.
    Points equal in every name (repeats) are allowed."""
    at: dict = {}
    for i, key in enumerate(zip(map(_value_text, ds[x].values), map(_value_text, ds[y].values),
                                strict=True)):
        at.setdefault(key, []).append(i)
    shared = [idx for idx in at.values() if len(idx) > 1]
    varying = [n for n in names if n not in (x, y) and any(
        len({_value_text(ds[n].values[i]) for i in idx}) > 1 for idx in shared)]
    if varying:
        which = ", ".join(f"{n!r} ({len(set(map(_value_text, ds[n].values)))} values)"
                          for n in varying)
        raise ValueError(
            f"the sweep also varies {which} at the same ({x}, {y}): those points would be drawn "
            f"over each other; draw {' or '.join(map(repr, varying))} as x or y, or pick one "
            f"value first, e.g. ds.where(ds[{varying[0]!r}] == value, drop=True)")


def _flags(da: xr.DataArray) -> list[str] | None:
    """Category names of a coded variable (CF flag attributes, codes 0..n-1), else None."""
    try:
        names = flag_names(da)
    except (KeyError, ValueError):  # flag attributes that do not pair up
        return None
    if names is None or list(names) != list(range(len(names))):
        return None  # not codes 0..n-1: drawn as numbers
    return list(names.values())


def _categorical_cmap(cmap, n: int):
    """``n`` colours of ``cmap`` (a name or a Colormap): the first ``n`` of a qualitative map
    (fewer than 256 colours, repeated if needed), else ``n`` spread over the whole map."""
    from matplotlib import colormaps
    from matplotlib.colors import Colormap, ListedColormap

    base = cmap if isinstance(cmap, Colormap) else colormaps[cmap]
    colors = base(np.arange(n) % base.N) if base.N < 256 else base(np.linspace(0, 1, n))
    return ListedColormap(colors)


def _categorical_norm(n: int):
    from matplotlib.colors import BoundaryNorm

    return BoundaryNorm(np.arange(n + 1) - 0.5, n)


def _check_axis(arg: str, name, axes: list[str], what: str = "a swept axis",
                listed: str = "axes") -> str:
    """``name`` if it is one of ``axes``, else a ``ValueError`` naming the argument ``arg``
    (e.g. ``hue``), the name given, what it must be (``what``) and the valid ``axes``."""
    if not isinstance(name, str) or name not in axes:
        raise ValueError(f"{arg} = {name!r} is not {what}{did_you_mean(name, axes)}; "
                         f"{listed}: {', '.join(axes)}")
    return name


def _check_sel(sel, axes: list[str], plotted: Mapping[str, str | None]) -> dict:
    """``sel`` as a dict after checking that each key is one of ``axes`` and none is a plotted
    axis (``plotted``: ``{argument: axis}``, e.g. ``{"x": "K_o"}``; None: not given)."""
    if sel is None:
        return {}
    if not isinstance(sel, Mapping):
        raise ValueError(f"sel = {sel!r} must be a mapping {{axis: value}} over the swept axes "
                         f"({', '.join(axes)})")
    for key in sel:
        if not isinstance(key, str) or key not in axes:
            raise ValueError(f"sel names {key!r}, which is not a swept axis"
                             f"{did_you_mean(key, axes)}; axes: {', '.join(axes)}")
        for arg, axis in plotted.items():
            if key == axis:
                free = [d for d in axes if d not in plotted.values()]
                raise ValueError(
                    f"sel fixes {key!r}, the axis plotted as {arg}; an axis cannot be both "
                    f"plotted and selected: give sel only for the other axes "
                    f"({', '.join(free) or 'none'}), or plot another axis as {arg}")
    return dict(sel)


def _checked_sel_number(coord: xr.DataArray, name: str, v) -> float:
    """A ``sel`` value for the numeric axis ``name``: a finite real number within the span of
    the axis's values (the nearest value is drawn), else a ``ValueError`` naming the key, the
    unit and the span (a value beyond the axis, e.g. typed in M for mM, silently drew the
    axis's last value)."""
    unit = coord.attrs.get("units", "")
    unit = "" if unit in ("", "1") else f" {unit}"
    lo, hi = float(coord.min()), float(coord.max())
    span = f"[{_value_text(lo)}, {_value_text(hi)}]{unit}" if lo < hi else \
        f"{_value_text(lo)}{unit}, its only value"
    if not _is_number(v) or not np.isfinite(v):
        raise ValueError(f"sel[{name!r}] = {v!r} must be a finite number{unit and ' in' + unit} "
                         f"(the axis {name!r} spans {span})")
    slack = 1e-9 * max(abs(lo), abs(hi), hi - lo)  # rounding of a value given in full
    if not lo - slack <= v <= hi + slack:
        raise ValueError(f"sel[{name!r}] = {_value_text(v)}{unit} is outside the values of the "
                         f"axis {name!r}: {span}")
    return float(v)


def _fixed_text(ds: xr.Dataset, da: xr.DataArray) -> str:
    """The axes ``da`` was reduced over (by ``sel`` or as single values) with the value drawn,
    ``"Mg_o = 0.5 mM, direction = up"``: a figure of a slice says which."""
    return ", ".join(_coord_text(str(c), da[c].values.item(), da[c].attrs.get("units", ""))
                     for c in da.coords if c in ds.dims and da[c].ndim == 0)


def _title(ds: xr.Dataset, metric: str, da: xr.DataArray) -> str:
    fixed = _fixed_text(ds, da)
    title = f"{ds.attrs.get('model', '')}: {metric}".strip(": ")
    return f"{title} at {fixed}" if fixed else title


def _reduce(da: xr.DataArray, keep: tuple[str, ...], sel: Mapping | None) -> xr.DataArray:
    """``da`` on the axes ``keep`` only: ``sel`` picks the nearest value of a numeric axis (a
    finite number within the axis's span: :func:`_checked_sel_number`) and the value itself of
    any other (``direction``, ``parameter``: a ``ValueError`` listing the
    values if it is not one); an axis left over must have a single value."""
    if sel:
        nearest, exact = {}, {}
        for k, v in sel.items():
            if da[k].dtype.kind in "iuf":  # numbers: the nearest value, within the axis
                nearest[k] = _checked_sel_number(da[k], k, v)
                continue
            if da[k].dtype.kind in "mM":  # times: the nearest value
                nearest[k] = v
                continue
            values = [_value_text(c) for c in da[k].values]
            if _value_text(v) not in values:  # e.g. direction = "Up"
                raise ValueError(f"sel[{k!r}] = {v!r} is not a value of the axis {k!r}"
                                 f"{did_you_mean(v, values)}; values: {', '.join(values)}")
            exact[k] = da[k].values[values.index(_value_text(v))]
        da = da.sel(exact)
        if nearest:  # nearest needs a monotonic index; a grid keeps the order it was given in
            da = da.sortby(list(nearest)).sel(nearest, method="nearest")
    extra = [d for d in da.dims if d not in keep]
    for d in extra:
        if da.sizes[d] != 1:
            raise ValueError(f"the sweep also varies {d!r} ({da.sizes[d]} values); pick one with "
                             f"sel={{{d!r}: value}}")
        da = da.isel({d: 0})
    return da


def _two_axes(x: str | None, y: str | None, axes: list[str], what: str, metric: str,
              fixed: list[str]) -> tuple[str, str]:
    """The heatmap's axes: ``x`` and ``y`` as given (checked before), the ones left out the
    first of ``axes`` not already used nor ``fixed`` by ``sel``; a ``ValueError`` if x and y
    are the same or fewer than two axes are left."""
    if x is not None and x == y:
        raise ValueError(f"x and y are the same axis ({x!r}); a heatmap needs two different "
                         f"{what} ({', '.join(axes)})")
    free = [d for d in axes if d not in (x, y) and d not in fixed]
    x = x if x is not None else (free.pop(0) if free else None)
    y = y if y is not None else (free.pop(0) if free else None)
    if x is None or y is None:
        if fixed:
            left = [d for d in axes if d not in fixed]
            raise ValueError(f"a heatmap needs two {what} not fixed by sel; {metric!r} has "
                             f"{', '.join(axes)}, and sel fixes {', '.join(fixed)}, leaving "
                             f"{', '.join(left) or 'none'}; use lines(), or select fewer axes")
        raise ValueError(f"a heatmap needs two {what}; {metric!r} has only {', '.join(axes)}"
                         + ("; use lines()" if what == "swept axes" else ""))
    return x, y


def _positions(axis, values: np.ndarray) -> np.ndarray:
    """Where coordinate values sit on ``axis``: numbers as they are, strings at matplotlib's
    category positions 0, 1, ... (registered on ``axis``, which then names the ticks)."""
    if values.dtype.kind not in "iuf":
        axis.update_units(values)
        return np.asarray(axis.convert_units(values), dtype=float)
    return values.astype(float)


def _cell_edges(axis, values: np.ndarray, name: str = "") -> np.ndarray:
    """The ``n + 1`` cell edges of ``n`` ascending coordinate values on a heatmap axis.

    Inner edges are the midpoints between neighbouring values, outer edges mirror them. A lone
    value gets a cell of its own: +-5 % of its magnitude, or +-0.5 for 0 (matplotlib's
    ``shading="nearest"`` gives it a cell of zero size, an empty map). On an ``axis`` already
    log-scaled the midpoints and mirrors are taken in log space (geometric means; a lone value
    gets [v / 1.05, 1.05 v]), so that every cell lies on the axis (it is centred on its value
    in log space, like a linear axis's cell in linear space, only where the values are evenly
    spaced there); a value <= 0 there is a ``ValueError`` naming the axis ``name``. Strings
    (``direction``, ``parameter``) are placed by matplotlib's category units at 0, 1, ... on
    ``axis`` (which then labels the ticks with them) and get cells 1 wide.
    """
    pos = _positions(axis, values)
    if values.dtype.kind in "iuf" and axis.get_scale() == "log":
        if not np.all(pos > 0):
            raise ValueError(f"{name} has values <= 0 ({_value_text(pos.min())}), which a "
                             "log-scaled axis cannot show; use a linear axis or select > 0")
        if pos.size == 1:
            return np.array([pos[0] / 1.05, pos[0] * 1.05])
        return np.exp(_cell_edges_linear(np.log(pos)))
    if pos.size == 1:
        half = 0.05 * abs(pos[0]) if values.dtype.kind in "iuf" and pos[0] != 0 else 0.5
        return np.array([pos[0] - half, pos[0] + half])
    return _cell_edges_linear(pos)


def _cell_edges_linear(pos: np.ndarray) -> np.ndarray:
    """Edges of cells around two or more ascending positions: midpoints, mirrored outside."""
    mid = (pos[1:] + pos[:-1]) / 2
    return np.concatenate([[2 * pos[0] - mid[0]], mid, [2 * pos[-1] - mid[-1]]])
