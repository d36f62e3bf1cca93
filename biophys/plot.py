"""Figures: traces of a simulation, and heatmaps, lines and traces of a sweep.

:func:`plot_traces` draws a :func:`biophys.simulate` result. :func:`heatmap`, :func:`lines` and
:func:`traces` take a sweep :class:`xarray.Dataset` (from :func:`biophys.sweep` or
:func:`biophys.open_sweep`), draw on ``ax`` (a matplotlib Axes; None: a new figure; anything
else is a ``ValueError``) and return the axes. Axis labels carry the units from the dataset.
Sweep points whose ``status`` is not ok (a blow-up, a step failure, not simulated) have no
value (a blank cell, a gap in a line) and are marked with an ``x`` (legend entry ``"status not
ok"``), so that a failed point neither vanishes nor looks like a metric that is undefined
there (NaN with status ok). Saving with ``path=`` never needs a display (the figure is drawn
with the Agg canvas).
"""

from __future__ import annotations

import numbers
import textwrap
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np

from ._checks import check_dataset, checked_axes, did_you_mean
from ._sweep_result import flag_names

if TYPE_CHECKING:
    import os

    import xarray as xr
    from matplotlib.axes import Axes
    from matplotlib.colors import Colormap
    from matplotlib.figure import Figure


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
    if "status" in ds:
        da = da.where(ds["status"] == 0)
    return da


#: Legend entry of the marks on sweep points whose ``status`` is not ok.
NOT_OK_LABEL = "status not ok"


def _not_ok(ds: xr.Dataset, da: xr.DataArray) -> xr.DataArray:
    """True where the point of ``da`` (a metric of ``ds``) has a ``status`` other than ok (0);
    all False without a ``status`` variable."""
    if "status" not in ds:
        return da.notnull() & False
    return (ds["status"] != 0).broadcast_like(da)


def _marked(ax) -> bool:
    """Whether ``ax`` holds the not-ok marks (a collection labelled :data:`NOT_OK_LABEL`)."""
    return any(c.get_label() == NOT_OK_LABEL for c in ax.collections)


def _mark_not_ok(ax, xs, ys, foot: bool = False, color="k") -> None:
    """An ``x`` at each position ``(xs, ys)`` of a point whose status is not ok (a scatter
    collection whose ``gid`` is :data:`NOT_OK_LABEL`; one legend entry however many; nothing
    when there are none). ``foot``: ``ys`` are fractions of the
    axes height (a line's failed point has no value), and the x range is widened to take them
    in (a line ending in failed points stops short of them)."""
    if len(xs) == 0:
        return
    kw = {"transform": ax.get_xaxis_transform()} if foot else {}
    ax.scatter(xs, ys, marker="x", s=64, linewidths=1.5, color=color, zorder=3,
               label="_nolegend_" if _marked(ax) else NOT_OK_LABEL, gid=NOT_OK_LABEL, **kw)
    if foot:
        xp = np.asarray(ax.xaxis.convert_units(xs), dtype=float)
        ax.update_datalim(np.column_stack([xp, np.zeros_like(xp)]), updatey=False)
        ax.autoscale_view()


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
        da = da.sel(exact).sel(nearest, method="nearest")
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


def _cell_edges(axis, values: np.ndarray) -> np.ndarray:
    """The ``n + 1`` cell edges of ``n`` ascending coordinate values on a heatmap axis.

    Inner edges are the midpoints between neighbouring values, outer edges mirror them. A lone
    value gets a cell of its own: +-5 % of its magnitude, or +-0.5 for 0 (matplotlib's
    ``shading="nearest"`` gives it a cell of zero size, an empty map). Strings (``direction``,
    ``parameter``) are placed by matplotlib's category units at 0, 1, ... on ``axis`` (which
    then labels the ticks with them) and get cells 1 wide.
    """
    pos = _positions(axis, values)
    if values.dtype.kind not in "iuf":
        half = 0.5
    else:
        half = 0.05 * abs(pos[0]) if pos.size == 1 and pos[0] != 0 else 0.5
    if pos.size == 1:
        return np.array([pos[0] - half, pos[0] + half])
    mid = (pos[1:] + pos[:-1]) / 2
    return np.concatenate([[2 * pos[0] - mid[0]], mid, [2 * pos[-1] - mid[-1]]])


def heatmap(ds: xr.Dataset, metric: str, x: str | None = None, y: str | None = None, *,
            sel: Mapping | None = None, ax: Axes | None = None,
            cmap: str | Colormap | None = None, **kwargs) -> Axes:
    """Colour map of ``metric`` over two swept axes.

    Parameters
    ----------
    ds : xarray.Dataset
        Sweep result.
    metric : str
        Metric variable to draw.
    x, y : str, optional
        Axes (default: the first two swept dimensions). Each value gets a cell reaching
        half-way to its neighbours (numbers in ascending order, strings in their order); an
        axis with a single value gets one cell of +-5 % of that value (+-0.5 for 0). For a
        table of points (dimension ``point``), the two swept names to use as coordinates;
        points are drawn as markers.
    sel : mapping, optional
        Values of further swept axes (the nearest value of a numeric axis, given as a finite
        number within the span of its values; the value itself of a string axis, e.g.
        ``{"direction": "up"}``): neither x nor y (axes left out are chosen among the others);
        not for a table of points. The title names the values drawn.
    ax : matplotlib Axes, optional
    cmap : str or matplotlib.colors.Colormap, optional
        Matplotlib colormap, by name or object (default ``viridis``). A coded metric (``regime``: CF
        ``flag_values`` 0..n-1 with ``flag_meanings``) gets one colour per category (default
        ``tab10``) and a colour bar labelled with the category names.
    **kwargs
        Passed to ``pcolormesh`` (grids) or ``scatter`` (tables).

    Returns
    -------
    matplotlib.axes.Axes
    """
    da = _metric(ds, metric)
    bad = _not_ok(ds, da)
    flags = _flags(ds[metric])
    if flags is not None:  # a coded metric (regime): one colour per category
        kwargs = {"cmap": _categorical_cmap("tab10" if cmap is None else cmap, len(flags)),
                  "norm": _categorical_norm(len(flags)), **kwargs}
    else:
        kwargs = {"cmap": "viridis" if cmap is None else cmap, **kwargs}
    if "point" in da.dims:
        names = [str(c) for c in ds.coords if ds.coords[c].dims == ("point",) and c != "point"]
        for arg, name in (("x", x), ("y", y)):
            if name is not None:
                _check_axis(arg, name, names, "a swept name of this table of points",
                            "names")
        if sel:
            raise ValueError("sel does not apply to a table of points (dimension 'point'): "
                             "every point is drawn")
        x, y = _two_axes(x, y, names, "swept names of the table", metric, [])
    else:
        dims = [str(d) for d in da.dims]
        for arg, name in (("x", x), ("y", y)):
            if name is not None:
                _check_axis(arg, name, dims)
        sel = _check_sel(sel, dims, {"x": x, "y": y})
        x, y = _two_axes(x, y, dims, "swept axes", metric, list(sel))
        da = _reduce(da, (x, y), sel).transpose(y, x)
        bad = _reduce(bad, (x, y), sel).transpose(y, x)
    ax = _new_axes(ax)
    if "point" in da.dims:
        mappable = ax.scatter(ds[x], ds[y], c=da, **kwargs)
        failed = bad.values
        _mark_not_ok(ax, ds[x].values[failed], ds[y].values[failed])
    else:
        numeric = [n for n in (x, y) if da[n].dtype.kind in "iuf"]
        da, bad = da.sortby(numeric), bad.sortby(numeric)
        mappable = ax.pcolormesh(_cell_edges(ax.xaxis, da[x].values),
                                 _cell_edges(ax.yaxis, da[y].values), da.values,
                                 shading="flat", **kwargs)
        iy, ix = np.nonzero(bad.values)
        _mark_not_ok(ax, _positions(ax.xaxis, da[x].values)[ix],
                     _positions(ax.yaxis, da[y].values)[iy])
    if _marked(ax):
        ax.legend(fontsize="small")
    cb = ax.figure.colorbar(mappable, ax=ax)
    if flags is not None:
        cb.set_ticks(range(len(flags)), labels=flags)
    cb.set_label(_label(ds[metric], ds[metric].attrs.get("long_name", metric)
                        if len(ds[metric].attrs.get("long_name", "")) <= 40 else metric))
    ax.set_xlabel(_label(ds[x], x))
    ax.set_ylabel(_label(ds[y], y))
    ax.set_title(_title(ds, metric, da))
    return ax


def lines(ds: xr.Dataset, metric: str, x: str | None = None, hue: str | None = None, *,
          sel: Mapping | None = None, ax: Axes | None = None, **kwargs) -> Axes:
    """``metric`` against one swept axis, one line per value of ``hue`` (optional).

    A coded metric (``regime``) is drawn on an axis labelled with its category names.

    Parameters
    ----------
    ds : xarray.Dataset
        Sweep result over a grid.
    metric : str
        Metric variable to draw.
    x : str, optional
        Axis on x (default: the first swept axis not fixed by ``sel`` nor used as ``hue``).
    hue : str, optional
        Axis drawn as one line per value (default: the next axis with more than one value,
        if any), labelled ``"I_app = 5 uA/cm^2"`` (a number with its unit) or
        ``"direction = up"`` (a string axis: a hysteresis's ``direction``, a sensitivity's
        ``parameter``).
    sel : mapping, optional
        Values of further swept axes (the nearest value of a numeric axis, given as a finite
        number within the span of its values; the value itself of a string axis, e.g.
        ``{"direction": "up"}``): neither x nor hue. The title names the values drawn.
    ax : matplotlib Axes, optional
    **kwargs
        Passed to ``plot``.

    Returns
    -------
    matplotlib.axes.Axes
    """
    da = _metric(ds, metric)
    if "point" in da.dims:
        raise ValueError("lines() needs a grid sweep; for a table of points use heatmap()")
    dims = [str(d) for d in da.dims]
    for arg, name in (("x", x), ("hue", hue)):
        if name is not None:
            _check_axis(arg, name, dims)
    if x is not None and x == hue:
        raise ValueError(f"x and hue are the same axis ({x!r}); give two different swept "
                         f"axes ({', '.join(dims)})")
    sel = _check_sel(sel, dims, {"x": x, "hue": hue})
    if x is None:
        free = [d for d in dims if d != hue and d not in sel]
        if not free:
            taken = [*([hue] if hue is not None else []), *sel]
            who = " and ".join(w for w, on in (("hue", hue is not None), ("sel", bool(sel)))
                               if on)
            raise ValueError(f"no axis left for x: {metric!r} has {', '.join(dims)}, all "
                             f"taken by {who} ({', '.join(taken)})")
        x = free[0]
    if hue is None:
        other = [d for d in dims if d != x and da.sizes[d] > 1 and d not in sel]
        hue = other[0] if other else None
    keep = (x,) if hue is None else (x, hue)
    bad = _reduce(_not_ok(ds, da), keep, sel)
    da = _reduce(da, keep, sel)
    ax = _new_axes(ax)
    kwargs.setdefault("marker", "o")
    # a point whose status is not ok has no value: an x at the foot of the axes, at its x, in
    # the colour of its line
    if hue is None:
        (line,) = ax.plot(da[x].values, da.values, **kwargs)
        failed = bad.values
        _mark_not_ok(ax, da[x].values[failed], np.full(failed.sum(), 0.03), True,
                     line.get_color())
    else:
        unit = ds[hue].attrs.get("units", "")
        for v in da[hue].values:
            (line,) = ax.plot(da[x].values, da.sel({hue: v}).values,
                              label=_coord_text(hue, v, unit), **kwargs)
            failed = bad.sel({hue: v}).transpose(x).values
            _mark_not_ok(ax, da[x].values[failed], np.full(failed.sum(), 0.03), True,
                     line.get_color())
    if hue is not None or _marked(ax):
        ax.legend(fontsize="small")
    ax.set_xlabel(_label(ds[x], x))
    ax.set_ylabel(_label(ds[metric], metric))
    flags = _flags(ds[metric])
    if flags is not None:  # a coded metric (regime): the codes named on the axis
        ax.set_yticks(range(len(flags)), labels=flags)
        ax.set_ylim(-0.5, len(flags) - 0.5)
    ax.set_title(_title(ds, metric, da))
    return ax


def _trace_status(ds: xr.Dataset, axes: list, i: int) -> str:
    """The status name of the point of trace ``i`` when it is not ok (``"non-finite state"``),
    else ``""`` (also when the dataset has no ``status`` to look it up in)."""
    if "status" not in ds:
        return ""
    st = ds["status"]
    at = {str(c)[6:]: ds[c].values[i] for c in axes}
    if at and set(st.dims) <= set(at):
        code = st.sel({d: at[d] for d in st.dims}).item()
    elif st.dims == ("point",) and "trace" in ds.coords:
        code = st.isel(point=int(ds["trace"].values[i])).item()
    else:
        return ""
    if code == 0:
        return ""
    names = flag_names(st) or {}
    return f"status: {names.get(float(code), code)}"


def traces(ds: xr.Dataset, var: str = "V", *, ax: Axes | None = None, **kwargs) -> Axes:
    """Recorded traces (``trace_<var>``, from ``sweep(..., traces=[...])``) against time.

    Each trace is labelled with its point's swept values and units (``"K_o = 8 mM"``) and, for
    a point whose ``status`` is not ok, that status (``"K_o = 8 mM (status: non-finite
    state)"``): its trace stops where the run failed.

    Returns
    -------
    matplotlib.axes.Axes
    """
    check_dataset(ds, "the result of biophys.sweep(..., traces=[...])")
    have = [str(v)[6:] for v in ds.data_vars if str(v).startswith("trace_")]
    if not isinstance(var, str) or var not in have:
        raise ValueError(f"no traces of {var!r} in this dataset{did_you_mean(var, have)} "
                         f"(traces of: {', '.join(have) or 'none'}; pass traces=[...] and "
                         "record=[...] to sweep)")
    name = f"trace_{var}"
    ax = _new_axes(ax)
    da = ds[name]
    axes = [c for c in ds.coords if str(c).startswith("trace_")]
    t = ds["time"]
    scale, tunit = (1e-3, "s") if float(t.max()) > 5000.0 else (1.0, "ms")
    for i in range(da.sizes["trace"]):
        label = ", ".join(_coord_text(str(c)[6:], ds[c].values[i], ds[c].attrs.get("units", ""))
                          for c in axes)
        bad = _trace_status(ds, axes, i)
        if bad:  # its trace stops where the run failed (or is empty): say so
            label = f"{label} ({bad})" if label else bad
        ax.plot(t.values * scale, da.isel(trace=i).values, label=label or None, **kwargs)
    ax.set_xlabel(f"time ({tunit})")
    ax.set_ylabel(_label(da, var))
    if any(line.get_label() and not line.get_label().startswith("_")
           for line in ax.get_lines()):
        ax.legend(fontsize="small")
    return ax


def plot_traces(ds: xr.Dataset, path: str | os.PathLike | None = None,
                variables: str | Sequence[str] | None = None) -> Figure:
    """One panel per recorded quantity of a :func:`biophys.simulate` result, against time.

    Parameters
    ----------
    ds : xarray.Dataset
        Result of :func:`biophys.simulate` (variables on the ``time`` dimension, ms).
    path : path-like, optional
        Save the figure there (PNG, ...), drawn off-screen, and close it.
    variables : str or sequence of str, optional
        Which variables (default: every variable on ``time``).

    A run whose ``status`` is not ok (a blow-up, a step failure) has NaN records from where it
    stopped: each panel then marks the first of them with a dashed line (legend: the status),
    the time axis still spans the whole run, and the title says the status.

    Returns
    -------
    matplotlib.figure.Figure
    """
    check_dataset(ds, "the result of biophys.simulate")
    status = str(ds.attrs.get("status", "ok"))
    recorded = [str(v) for v in ds.data_vars if ds[v].dims == ("time",)]
    if isinstance(variables, str):
        variables = [variables]
    names = list(variables) if variables is not None else recorded
    if not names:
        raise ValueError("nothing to plot: the dataset has no variable on the time axis")
    for v in names:
        if not isinstance(v, str) or v not in recorded:
            raise ValueError(f"variables: {v!r} is not a recorded trace of this dataset"
                             f"{did_you_mean(v, recorded)}; recorded: "
                             f"{', '.join(recorded) or 'none'}")
    if path is not None:
        from matplotlib.figure import Figure

        fig = Figure(figsize=(7.0, 1.8 + 1.6 * len(names)), layout="constrained")
    else:
        import matplotlib.pyplot as plt

        fig = plt.figure(figsize=(7.0, 1.8 + 1.6 * len(names)), layout="constrained")
    axes = fig.subplots(len(names), 1, sharex=True, squeeze=False)[:, 0]
    t = ds["time"]
    for ax, v in zip(axes, names, strict=True):
        ax.plot(t.values, ds[v].values, lw=1.0)
        ax.set_ylabel(_label(ds[v], v))
        bad = ~np.isfinite(ds[v].values)
        if status != "ok" and bad.any():  # where the run stopped
            ax.axvline(float(t.values[np.argmax(bad)]), color="tab:red", ls="--", lw=1.0,
                       label=f"run failed: {status}")
            ax.legend(fontsize="small", loc="best")
        # absolute tick labels: an offset axis makes a resting trace (microvolt changes)
        # look like a large excursion
        ax.ticklabel_format(axis="y", useOffset=False)
        lo, hi = np.nanmin(ds[v].values), np.nanmax(ds[v].values)
        if np.isfinite(lo) and np.isfinite(hi) and hi - lo < 1e-6 * max(abs(lo), abs(hi)):
            pad = 0.01 * max(abs(lo), abs(hi)) or 1.0  # flat trace: a 2% window around it
            ax.set_ylim(lo - pad, hi + pad)
    axes[-1].set_xlabel(_label(t, "time"))
    if status != "ok" and t.size > 1:  # the whole run, not only its finite part
        axes[-1].set_xlim(float(t.values[0]), float(t.values[-1]))
    title = textwrap.fill(str(ds.attrs.get("model_title", ds.attrs.get("model", ""))), 70)
    axes[0].set_title(title if status == "ok" else f"{title}\nstatus: {status}")
    if path is not None:
        fig.savefig(path, dpi=120)
    return fig


def save(ax: Axes, path: str | os.PathLike, dpi: int = 120) -> None:
    """Save the figure holding ``ax`` (Agg canvas, no display needed)."""
    fig = ax.figure
    if fig.canvas is None or type(fig.canvas).__name__ == "FigureCanvasBase":
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        FigureCanvasAgg(fig)
    fig.savefig(path, dpi=dpi)


__all__ = ["heatmap", "lines", "traces", "plot_traces", "save"]
