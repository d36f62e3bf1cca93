"""Figure-layer defects found in review 54.

Points of a table that differ only in a third swept name were drawn over each other; failed
points of different lines overlapped at the foot of the axes under a legend entry in the first
line's colour; a nearly constant metric got offset tick labels; a metric NaN everywhere got an
invented colour scale or y range; empty or single-point input gave garbled errors; an all-NaN
record warned; a numeric hue was drawn in grid order; two functions lacked a Parameters
section. The datasets are built by hand: nothing is simulated.
"""

import inspect
import warnings

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest
import xarray as xr
from matplotlib.colors import to_rgba
from matplotlib.lines import Line2D

from biophys import plot

matplotlib.use("Agg")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _grid(values=None, status=None, mg=(0.5, 1.0)):
    """mean_V over K_o (3 values) x Mg_o (``mg``), with a status."""
    shape = (3, len(mg))
    values = np.arange(float(np.prod(shape))).reshape(shape) - 60.0 if values is None else values
    status = np.zeros(shape) if status is None else status
    return xr.Dataset(
        {"mean_V": (("K_o", "Mg_o"), np.asarray(values, dtype=float), {"units": "mV"}),
         "status": (("K_o", "Mg_o"), np.asarray(status, dtype=np.int8))},
        coords={"K_o": ("K_o", [4.0, 8.0, 12.0], {"units": "mM"}),
                "Mg_o": ("Mg_o", list(mg), {"units": "mM"})},
        attrs={"model": "zg_cell"})


def _legend(ax) -> list[str]:
    leg = ax.get_legend()
    return [] if leg is None else [t.get_text() for t in leg.get_texts()]


def _numbers(labels) -> list[float]:
    return [float(t.get_text().replace("\N{MINUS SIGN}", "-")) for t in labels if t.get_text()]


def test_points_at_the_same_x_and_y_that_differ_in_another_name_are_refused():
    """Two points at I_app = 10 differing in g_K: only the last one showed."""
    table = xr.Dataset(
        {"mean_V": ("point", [-60.0, -50.0, -65.0], {"units": "mV"}),
         "status": ("point", np.zeros(3, dtype=np.int8))},
        coords={"I_app": ("point", [10.0, 10.0, 0.0], {"units": "uA/cm^2"}),
                "temperature": ("point", [6.3, 6.3, 6.3], {"units": "degC"}),
                "g_K": ("point", [36.0, 20.0, 36.0], {"units": "mS/cm^2"})})
    with pytest.raises(ValueError, match=r"^the sweep also varies 'g_K' \(2 values\) at the "
                                         r"same \(I_app, temperature\): .*drawn over each other; "
                                         r"draw 'g_K' as x or y, or pick one value first"):
        plot.heatmap(table, "mean_V", x="I_app", y="temperature")
    ax = plot.heatmap(table, "mean_V", x="I_app", y="g_K")  # every point at its own place
    assert sorted(ax.collections[0].get_array().tolist()) == [-65.0, -60.0, -50.0]
    # the hint works: one value of g_K, both of its points drawn
    ax = plot.heatmap(table.where(table["g_K"] == 36.0, drop=True), "mean_V", x="I_app",
                      y="temperature")
    assert sorted(ax.collections[0].get_array().tolist()) == [-65.0, -60.0]
    # a repeated point (equal in every name) hides nothing: drawn
    ax = plot.heatmap(table.isel(point=[0, 0, 2]), "mean_V", x="I_app", y="temperature")
    assert len(ax.collections[0].get_offsets()) == 3


def test_failed_points_of_lines_are_staggered_and_the_legend_entry_is_neutral_and_last():
    status = [[0, 0], [1, 1], [0, 0]]  # K_o = 8 mM failed on both lines
    ax = plot.lines(_grid(status=status), "mean_V", x="K_o", hue="Mg_o")
    marks = [c for c in ax.collections if c.get_gid() == plot.NOT_OK_LABEL]
    feet = [tuple(map(float, off)) for c in marks for off in c.get_offsets()]
    assert sorted(x for x, _ in feet) == [8.0, 8.0]
    assert feet[0][1] != feet[1][1]  # not drawn over each other
    for c, line in zip(marks, ax.get_lines(), strict=True):  # each in its line's colour
        assert to_rgba(c.get_facecolor()[0]) == to_rgba(line.get_color())
    assert _legend(ax) == ["Mg_o = 0.5 mM", "Mg_o = 1 mM", plot.NOT_OK_LABEL]
    handle = ax.get_legend().legend_handles[-1]
    color = handle.get_markeredgecolor() if isinstance(handle, Line2D) else \
        handle.get_edgecolor()[0]
    assert to_rgba(color) == to_rgba("k")
    ax.figure.canvas.draw()


def test_a_nearly_constant_metric_has_absolute_tick_labels():
    values = -65.0 + 1e-4 * np.arange(6.0).reshape(3, 2)
    ds = _grid(values)
    ax = plot.heatmap(ds, "mean_V", x="K_o", y="Mg_o")
    ax.figure.canvas.draw()
    cax = ax.figure.axes[-1]
    assert cax.yaxis.get_offset_text().get_text() == ""
    ticks = _numbers(cax.get_yticklabels())
    assert ticks and all(-65.01 < t < -64.99 for t in ticks)
    ax = plot.lines(ds, "mean_V", x="K_o", hue="Mg_o")
    ax.figure.canvas.draw()
    assert ax.yaxis.get_offset_text().get_text() == ""
    ticks = _numbers(ax.get_yticklabels())
    assert ticks and all(-65.01 < t < -64.99 for t in ticks)


@pytest.mark.parametrize("failed", [False, True])
def test_a_metric_finite_nowhere_gets_a_note_not_an_invented_scale(failed):
    status = np.ones((3, 2)) if failed else None
    ds = _grid(np.full((3, 2), np.nan), status)
    ax = plot.heatmap(ds, "mean_V", x="K_o", y="Mg_o")
    assert ax.figure.axes == [ax]  # no colour bar with matplotlib's +-0.1 ticks
    assert [t.get_text() for t in ax.texts] == ["no finite mean_V at any point"]
    assert (_legend(ax) == [plot.NOT_OK_LABEL]) == failed  # the x marks stay
    ax = plot.lines(ds, "mean_V", x="K_o", hue="Mg_o")
    assert [t.get_text() for t in ax.texts] == ["no finite mean_V at any point"]
    assert list(ax.get_yticks()) == []  # no y range 0..1 in mV
    assert (plot.NOT_OK_LABEL in _legend(ax)) == failed
    ax.figure.canvas.draw()


def test_a_single_point_or_an_empty_axis_is_a_clear_error():
    ds = _grid()
    with pytest.raises(ValueError, match=r"^'mean_V' has no swept axis left \(a single "
                                         r"point\): nothing to draw against$"):
        plot.lines(ds.isel(K_o=0, Mg_o=0), "mean_V")
    empty = r"^'mean_V' has no values: its axis 'K_o' is empty \(0 values\); nothing to draw$"
    with pytest.raises(ValueError, match=empty):
        plot.heatmap(ds.isel(K_o=[]), "mean_V")
    with pytest.raises(ValueError, match=empty):
        plot.lines(ds.isel(K_o=[]), "mean_V", x="K_o", sel={"Mg_o": 1.0})
    with pytest.raises(ValueError, match=empty):
        plot.lines(ds.isel(K_o=[]), "mean_V", x="Mg_o", sel={"K_o": 1.0})
    table = ds.stack(point=("K_o", "Mg_o")).reset_index("point")
    with pytest.raises(ValueError, match=r"its axis 'point' is empty"):
        plot.heatmap(table.isel(point=[]), "mean_V", x="K_o", y="Mg_o")


def test_plot_traces_of_an_all_nan_record_does_not_warn(tmp_path):
    t = np.arange(0.0, 10.5, 0.5)
    ds = xr.Dataset({"V": ("time", -65.0 + np.sin(t), {"units": "mV"}),
                     "m": ("time", np.full(t.size, np.nan), {"units": "1"})},
                    coords={"time": ("time", t, {"units": "ms"})},
                    attrs={"model": "hh1952", "status": "non-finite state"})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig = plot.plot_traces(ds, path=tmp_path / "f.png")
    assert (tmp_path / "f.png").stat().st_size > 0
    assert len(fig.axes) == 2


def test_a_numeric_hue_is_drawn_in_ascending_order():
    ds = _grid(mg=(2.0, 0.5, 1.0))
    ax = plot.lines(ds, "mean_V", x="K_o", hue="Mg_o")
    assert _legend(ax) == ["Mg_o = 0.5 mM", "Mg_o = 1 mM", "Mg_o = 2 mM"]
    for line, mg in zip(ax.get_lines(), (0.5, 1.0, 2.0), strict=True):
        np.testing.assert_array_equal(line.get_ydata(), ds.mean_V.sel(Mg_o=mg).values)


@pytest.mark.parametrize("func", [plot.traces, plot.save])
def test_every_parameter_is_documented(func):
    doc = inspect.getdoc(func)
    assert "Parameters\n----------" in doc, func.__name__
    section = doc.split("Parameters\n----------", 1)[1].split("\nReturns", 1)[0]
    documented = set()
    for line in section.splitlines():
        if line and not line[0].isspace():
            documented |= {n.strip("* ") for n in line.split(":")[0].split(",")}
    for name, p in inspect.signature(func).parameters.items():
        assert name in documented, (func.__name__, name)
        if p.kind is p.VAR_KEYWORD:
            assert f"**{name}" in section
