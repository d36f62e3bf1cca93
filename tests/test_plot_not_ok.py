"""A sweep point whose ``status`` is not ok is marked in the figures.

Its metric is masked (NaN): the table's scatter dropped the point altogether, a line lost its
marker (invisible at the end of a line) and a grid cell was blank like a metric that is merely
undefined there (NaN with status ok). Each is now marked with an ``x`` (legend entry
``plot.NOT_OK_LABEL``). The datasets are built by hand: nothing is simulated.
"""

import matplotlib
import numpy as np
import pytest
import xarray as xr

from biophys import plot

matplotlib.use("Agg")

K = [4.0, 8.0, 12.0]
MG = [0.5, 1.0]


def _grid(status, values=None):
    values = np.arange(6.0).reshape(3, 2) - 60.0 if values is None else values
    return xr.Dataset(
        {"mean_V": (("K_o", "Mg_o"), values, {"units": "mV"}),
         "status": (("K_o", "Mg_o"), np.asarray(status, dtype=np.int8))},
        coords={"K_o": ("K_o", K, {"units": "mM"}), "Mg_o": ("Mg_o", MG, {"units": "mM"})})


def _mark_sets(ax) -> list:
    """The not-ok marks: scatter collections whose gid is ``plot.NOT_OK_LABEL``."""
    return [c for c in ax.collections if c.get_gid() == plot.NOT_OK_LABEL]


def _marks(ax) -> list[tuple[float, float]]:
    """Positions of the not-ok marks (data coordinates, or the axes fraction for y in lines)."""
    return sorted((float(x), float(y)) for c in _mark_sets(ax) for x, y in c.get_offsets())


def _legend(ax) -> list[str]:
    leg = ax.get_legend()
    return [] if leg is None else [t.get_text() for t in leg.get_texts()]


FAILED = [[0, 0], [1, 0], [0, 0]]  # K_o = 8 mM, Mg_o = 0.5 mM blew up


def test_a_failed_grid_cell_is_marked():
    ax = plot.heatmap(_grid(FAILED), "mean_V", x="K_o", y="Mg_o")
    assert _marks(ax) == [(8.0, 0.5)]
    assert _legend(ax) == [plot.NOT_OK_LABEL]
    ax.figure.canvas.draw()


def test_a_failed_point_of_a_table_does_not_vanish():
    ds = xr.Dataset(
        {"mean_V": ("point", [-60.0, -50.0, -40.0], {"units": "mV"}),
         "status": ("point", np.array([0, 1, 0], dtype=np.int8))},
        coords={"K_o": ("point", K, {"units": "mM"}), "Mg_o": ("point", [0.5, 1.0, 1.5],
                                                               {"units": "mM"})})
    ax = plot.heatmap(ds, "mean_V", x="K_o", y="Mg_o")
    assert _marks(ax) == [(8.0, 1.0)]
    assert _legend(ax) == [plot.NOT_OK_LABEL]
    ax.figure.canvas.draw()


def test_a_failed_point_of_a_line_is_marked_at_its_x_in_the_line_colour():
    ax = plot.lines(_grid(FAILED), "mean_V", x="K_o", hue="Mg_o")
    data = ax.get_lines()
    assert len(data) == 2  # the marks are no extra lines
    assert [x for x, _ in _marks(ax)] == [8.0]
    np.testing.assert_array_equal(_mark_sets(ax)[0].get_facecolor()[0],  # Mg_o = 0.5 mM's
                                  matplotlib.colors.to_rgba(data[0].get_color()))
    assert sorted(_legend(ax)) == sorted(["Mg_o = 0.5 mM", "Mg_o = 1 mM", plot.NOT_OK_LABEL])
    # the failed point at the end of a line, with no hue: marked, and inside the x range (the
    # line alone stops at K_o = 8 mM)
    last = _grid([[0, 0], [0, 0], [1, 1]])
    ax = plot.lines(last, "mean_V", x="K_o", sel={"Mg_o": 1.0})
    assert [x for x, _ in _marks(ax)] == [12.0]
    ax.figure.canvas.draw()
    lo, hi = ax.get_xlim()
    assert lo < 4.0 and hi > 12.0


@pytest.mark.parametrize("func", [plot.heatmap, plot.lines])
def test_undefined_metric_with_status_ok_is_not_marked(func):
    """NaN with status ok (a metric undefined at that point, e.g. no bursts) is no failure."""
    values = np.arange(6.0).reshape(3, 2)
    values[1, 0] = np.nan
    ax = func(_grid(np.zeros((3, 2)), values), "mean_V")
    assert _marks(ax) == []
    assert plot.NOT_OK_LABEL not in _legend(ax)


def test_marks_on_a_string_axis():
    ds = xr.Dataset(
        {"rate": (("direction", "I_app"), [[1.0, 2.0], [3.0, 4.0]], {"units": "Hz"}),
         "status": (("direction", "I_app"), np.array([[0, 0], [0, 1]], dtype=np.int8))},
        coords={"direction": ("direction", ["up", "down"]),
                "I_app": ("I_app", [5.0, 8.0], {"units": "uA/cm^2"})})
    ax = plot.heatmap(ds, "rate", x="direction", y="I_app")
    assert _marks(ax) == [(1.0, 8.0)]  # "down": the second category
    ax.figure.canvas.draw()
    assert [t.get_text() for t in ax.get_xticklabels()] == ["up", "down"]
