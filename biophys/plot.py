"""Figures: traces of a simulation, and heatmaps, lines and traces of a sweep.

:func:`plot_traces` draws a :func:`biophys.simulate` result. :func:`heatmap`, :func:`lines` and
:func:`traces` take a sweep :class:`xarray.Dataset` (from :func:`biophys.sweep` or
:func:`biophys.open_sweep`), draw on ``ax`` (a matplotlib Axes; None: a new figure; anything
else is a ``ValueError``) and return the axes. Axis labels carry the units from the dataset.
Sweep points whose ``status`` is not ok (a blow-up, a step failure, not simulated) have no
value (a blank cell, a gap in a line) and are marked with an ``x`` (legend entry ``"status not
ok"``; a sensitivity's derivatives also where a perturbed run's ``status_perturbed`` is not
ok), so that a failed point neither vanishes nor looks like a metric that is undefined
there (NaN with status ok). Saving with ``path=`` never needs a display (the figure is drawn
with the Agg canvas).
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np

from ._checks import check_dataset, did_you_mean
from ._plot_parts import (
    NOT_OK_LABEL,
    _categorical_cmap,
    _categorical_norm,
    _cell_edges,
    _check_axis,
    _check_overdrawn,
    _check_sel,
    _coord_text,
    _flags,
    _label,
    _mark_not_ok,
    _marked,
    _metric,
    _new_axes,
    _no_offset,
    _not_ok,
    _not_ok_handle,
    _note_no_finite,
    _positions,
    _reduce,
    _title,
    _two_axes,
)
from ._sweep_result import flag_names

if TYPE_CHECKING:
    import os

    import xarray as xr
    from matplotlib.axes import Axes
    from matplotlib.colors import Colormap
    from matplotlib.figure import Figure


def heatmap(ds: xr.Dataset, metric: str, x: str | None = None, y: str | None = None, *,
            sel: Mapping | None = None, ax: Axes | None = None,
            cmap: str | Colormap | None = None, **kwargs) -> Axes:
    """Colour map of ``metric`` over two swept axes.

    The colour bar has absolute tick labels (no offset); a metric with no finite value at any
    point drawn (undefined or failed everywhere) gets a note instead of a colour bar.

    Parameters
    ----------
    ds : xarray.Dataset
        Sweep result.
    metric : str
        Metric variable to draw.
    x, y : str, optional
        Axes (default: the first two swept dimensions). Each value gets a cell reaching
        half-way to its neighbours (numbers in ascending order, strings in their order; on an
        axis of ``ax`` already log-scaled, half-way in log space); an axis with a single value
        gets one cell of +-5 % of that value (+-0.5 for 0). For a
        table of points (dimension ``point``), the two swept names to use as coordinates;
        points are drawn as markers (a ``ValueError`` if points at the same x and y differ in
        another swept name: they would be drawn over each other).
    sel : mapping, optional
        Values of further swept axes (the nearest value of a numeric axis, given as a finite
        number within the span of its values; the value itself of a string axis, e.g.
        ``{"direction": "up"}``): neither x nor y (axes left out are chosen among the others).
        For a table of points, only a dimension other than ``point`` (a sensitivity's
        ``{"parameter": "g_K"}``): every point is drawn. The title names the values drawn.
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
        for key in sel or {}:
            if key in names:
                raise ValueError(f"sel names {key!r}, a swept name of this table of points "
                                 "(dimension 'point'): every point is drawn")
        # a further dimension (a sensitivity's ``parameter``) is picked with sel
        extra = [str(d) for d in da.dims if d != "point"]
        if sel and not extra:
            raise ValueError("sel does not apply to this table of points (dimension 'point', "
                             "no other): every point is drawn; sel got "
                             f"{', '.join(map(repr, sel))}")
        sel = _check_sel(sel, extra, {})
        x, y = _two_axes(x, y, names, "swept names of the table", metric, [])
        _check_overdrawn(ds, x, y, names)
        da, bad = _reduce(da, ("point",), sel), _reduce(bad, ("point",), sel)
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
        mappable = ax.pcolormesh(_cell_edges(ax.xaxis, da[x].values, x),
                                 _cell_edges(ax.yaxis, da[y].values, y), da.values,
                                 shading="flat", **kwargs)
        iy, ix = np.nonzero(bad.values)
        _mark_not_ok(ax, _positions(ax.xaxis, da[x].values)[ix],
                     _positions(ax.yaxis, da[y].values)[iy])
    if _marked(ax):
        ax.legend(fontsize="small")
    if not np.isfinite(da.values).any():  # no colour scale to show: say so, invent none
        _note_no_finite(ax, metric)
    else:
        cb = ax.figure.colorbar(mappable, ax=ax)
        if flags is not None:
            cb.set_ticks(range(len(flags)), labels=flags)
        else:  # absolute values: an offset makes a nearly constant metric look varied
            _no_offset(cb.ax.yaxis if cb.orientation == "vertical" else cb.ax.xaxis)
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

    A point whose status is not ok is marked with an ``x`` in the colour of its line at the foot
    of the axes (each line's marks a little higher than the previous line's); the legend entry
    ``"status not ok"`` is a black ``x``, after the lines'. A numeric ``hue`` is drawn in
    ascending order. A metric with no finite value at any point gets a note instead of a y scale.

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
        if not dims:
            raise ValueError(f"{metric!r} has no swept axis left (a single point): nothing to "
                             "draw against")
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
    # a line joins neighbours on x, whatever the grid's order; numeric hue values ascend
    numeric = [d for d in keep if da[d].dtype.kind in "iuf"]
    da, bad = da.sortby(numeric), bad.sortby(numeric)
    ax = _new_axes(ax)
    kwargs.setdefault("marker", "o")
    # a point whose status is not ok has no value: an x at the foot of the axes, at its x, in
    # the colour of its line, each line's a step higher (marks at one x do not overlap)
    values = [None] if hue is None else list(da[hue].values)
    step = min(0.035, 0.45 / len(values))
    unit = "" if hue is None else ds[hue].attrs.get("units", "")
    any_failed = False
    for i, v in enumerate(values):
        one, failed = (da, bad) if v is None else (da.sel({hue: v}), bad.sel({hue: v}))
        label = None if v is None else _coord_text(hue, v, unit)
        (line,) = ax.plot(da[x].values, one.transpose(x).values, label=label, **kwargs)
        failed = failed.transpose(x).values
        any_failed |= bool(failed.any())
        _mark_not_ok(ax, da[x].values[failed], np.full(failed.sum(), 0.03 + step * i), True,
                     line.get_color(), legend=False)
    if hue is not None or any_failed:
        handles, labels = ax.get_legend_handles_labels()
        if any_failed:  # one neutral entry for the marks of every line, after the lines'
            handles, labels = [*handles, _not_ok_handle()], [*labels, NOT_OK_LABEL]
        ax.legend(handles, labels, fontsize="small")
    ax.set_xlabel(_label(ds[x], x))
    ax.set_ylabel(_label(ds[metric], metric))
    flags = _flags(ds[metric])
    if flags is not None:  # a coded metric (regime): the codes named on the axis
        ax.set_yticks(range(len(flags)), labels=flags)
        ax.set_ylim(-0.5, len(flags) - 0.5)
    else:  # absolute values: an offset makes a nearly constant metric look varied
        _no_offset(ax.yaxis)
    if not np.isfinite(da.values).any():  # no y range to show: say so, invent none
        _note_no_finite(ax, metric)
        if flags is None:
            ax.set_yticks([])
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

    Each trace is labelled with its point's swept values and units (``"K_o = 8 mM"``) and, for a
    point whose ``status`` is not ok, that status (``"K_o = 8 mM (status: non-finite state)"``):
    its trace stops where the run failed. The time axis is in ms, or in s when the traces run
    beyond 5000 ms.

    Parameters
    ----------
    ds : xarray.Dataset
        Sweep result with recorded traces (``trace_<var>`` on ``(trace, time)``, time in ms).
    var : str, optional
        Recorded quantity to draw (default ``"V"``): ``trace_<var>`` must be in ``ds``.
    ax : matplotlib Axes, optional
        Axes to draw on (default: a new figure).
    **kwargs
        Passed to ``plot`` (each trace).

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
        Save the figure there (PNG, ...), drawn off-screen: the figure is then not
        registered with pyplot (it neither shows nor stays open there; it is freed with the
        returned Figure). Without ``path``, a pyplot figure (open until closed).
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
        finite = ds[v].values[np.isfinite(ds[v].values)]  # none when all NaN (a failed run)
        lo, hi = (finite.min(), finite.max()) if finite.size else (np.nan, np.nan)
        if finite.size and hi - lo < 1e-6 * max(abs(lo), abs(hi)):
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
    """Save the figure holding ``ax`` (Agg canvas, no display needed).

    Parameters
    ----------
    ax : matplotlib Axes
        Any axes of the figure to save (e.g. the return value of :func:`heatmap`).
    path : path-like
        File to write; the format follows its extension (``.png``, ``.pdf``, ``.svg``, ...).
    dpi : int, optional
        Resolution in dots per inch (default 120).
    """
    fig = ax.figure
    if fig.canvas is None or type(fig.canvas).__name__ == "FigureCanvasBase":
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        FigureCanvasAgg(fig)
    fig.savefig(path, dpi=dpi)


__all__ = ["NOT_OK_LABEL", "heatmap", "lines", "traces", "plot_traces", "save"]
