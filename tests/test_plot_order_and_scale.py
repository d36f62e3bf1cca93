"""Figures of sweeps whose axes are not in ascending order, heatmaps on log axes, and
sensitivity results (a ``parameter`` dimension, ``status_perturbed``).

A grid keeps its axes in the order given; lines joined points in that order (a zig-zag) and
``sel`` on such an axis raised pandas' "index must be monotonic". Heatmap cells on a log axis
were arithmetic midpoints (the lowest cell's left edge negative, its value off the axis). A
sensitivity's derivative whose perturbed run failed was a blank cell with no mark, and a
sensitivity on a table of points could not be drawn. The datasets are built by hand: nothing
is simulated.
"""

import matplotlib
import numpy as np
import pytest
import xarray as xr

from biophys import plot

matplotlib.use("Agg")


def _marks(ax) -> list[tuple[float, float]]:
    return sorted((float(x), float(y)) for c in ax.collections if c.get_gid() == plot.NOT_OK_LABEL
                  for x, y in c.get_offsets())


def _unordered():
    i_app = [5.0, 0.0, 10.0]
    g_l = [0.3, 0.1, 0.5]
    values = np.array([[100 * i + g for g in g_l] for i in i_app])  # value = 100 I_app + g_L
    return xr.Dataset(
        {"mean_V": (("I_app", "g_L"), values, {"units": "mV"}),
         "status": (("I_app", "g_L"), np.zeros((3, 3), dtype=np.int8))},
        coords={"I_app": ("I_app", i_app, {"units": "uA/cm^2"}),
                "g_L": ("g_L", g_l, {"units": "mS/cm^2"})})


def test_a_line_joins_neighbours_on_x_whatever_the_grid_order():
    ax = plot.lines(_unordered(), "mean_V", x="I_app", sel={"g_L": 0.1})
    x, y = ax.lines[0].get_data()
    assert list(x) == [0.0, 5.0, 10.0]
    np.testing.assert_array_equal(y, [0.1, 500.1, 1000.1])


@pytest.mark.parametrize("draw", ["heatmap", "lines"])
def test_sel_on_an_unordered_axis_picks_the_nearest_value(draw):
    ds = _unordered()
    if draw == "heatmap":
        ds = ds.expand_dims(K_o=[4.0, 8.0])
        ds["K_o"].attrs["units"] = "mM"
        ax = plot.heatmap(ds, "mean_V", x="I_app", y="K_o", sel={"g_L": 0.31})
        values = ax.collections[0].get_array().reshape(2, 3)
        np.testing.assert_array_equal(values[0], [0.3, 500.3, 1000.3])
    else:
        ax = plot.lines(ds, "mean_V", x="I_app", sel={"g_L": 0.31})
        np.testing.assert_array_equal(ax.lines[0].get_data()[1], [0.3, 500.3, 1000.3])
    assert "g_L = 0.3 mS/cm^2" in ax.get_title()


def _log_grid():
    i_app = np.geomspace(0.1, 100.0, 4)
    return xr.Dataset(
        {"mean_V": (("I_app", "C_m"), np.arange(8.0).reshape(4, 2), {"units": "mV"})},
        coords={"I_app": ("I_app", i_app, {"units": "uA/cm^2"}),
                "C_m": ("C_m", [1.0, 2.0], {"units": "uF/cm^2"})})


def test_heatmap_cells_on_a_log_axis_are_centred_in_log_space():
    import matplotlib.pyplot as plt

    _, ax = plt.subplots()
    ax.set_xscale("log")
    plot.heatmap(_log_grid(), "mean_V", x="I_app", y="C_m", ax=ax)
    edges = np.unique(ax.collections[0].get_coordinates()[..., 0])
    # geometric midpoints of 0.1, 1, 10, 100 and their mirrors: 10^(-1.5), ..., 10^2.5
    np.testing.assert_allclose(edges, 10.0 ** np.arange(-1.5, 3.0, 1.0), rtol=1e-12)
    # a linear axis keeps arithmetic midpoints (the first edge below 0 there)
    ax2 = plot.heatmap(_log_grid(), "mean_V", x="I_app", y="C_m")
    assert np.unique(ax2.collections[0].get_coordinates()[..., 0])[0] < 0
    plt.close("all")


def test_a_log_axis_refuses_values_at_or_below_zero():
    import matplotlib.pyplot as plt

    ds = _log_grid().assign_coords(I_app=("I_app", [0.0, 1.0, 10.0, 100.0], {"units": "uA/cm^2"}))
    _, ax = plt.subplots()
    ax.set_xscale("log")
    with pytest.raises(ValueError, match=r"I_app has values <= 0 \(0\).*log-scaled"):
        plot.heatmap(ds, "mean_V", x="I_app", y="C_m", ax=ax)
    plt.close("all")


def _sensitivity(status, status_perturbed, table=False):
    """Shaped like biophys.sensitivity's result: d_mean_V over (parameter, I_app, C_m), or over
    (parameter, point) for a table."""
    params = np.array(["I_app", "g_K"], dtype=object)
    if table:
        dims, coords = ("point",), {"I_app": ("point", [-1.0, -2.0, -2.6], {"units": "uA/cm^2"}),
                                    "C_m": ("point", [1.0, 1.0, 1.05], {"units": "uF/cm^2"})}
        shape = (3,)
    else:
        dims, coords = ("I_app", "C_m"), {"I_app": ("I_app", [-1.0, -2.0, -2.6],
                                                     {"units": "uA/cm^2"}),
                                           "C_m": ("C_m", [1.0, 1.05], {"units": "uF/cm^2"})}
        shape = (3, 2)
    d = np.arange(2.0 * np.prod(shape)).reshape(2, *shape) + 1.0
    d[np.asarray(status_perturbed) != 0] = np.nan  # as sensitivity leaves it
    return xr.Dataset(
        {"mean_V": (dims, np.zeros(shape), {"units": "mV"}),
         "d_mean_V": (("parameter", *dims), d, {"units": "mV"}),
         "status": (dims, np.asarray(status, dtype=np.int8)),
         "status_perturbed": (("parameter", *dims), np.asarray(status_perturbed, dtype=np.int8))},
        coords={"parameter": ("parameter", params), **coords})


def test_a_derivative_whose_perturbed_run_failed_is_marked():
    base = [[0, 0], [0, 0], [1, 0]]
    pert = [[[0, 0], [0, 0], [1, 1]], [[0, 0], [0, 0], [1, 0]]]  # I_app's at (-2.6, 1.05) too
    ds = _sensitivity(base, pert)
    ax = plot.heatmap(ds, "d_mean_V", x="I_app", y="C_m", sel={"parameter": "I_app"})
    assert _marks(ax) == [(-2.6, 1.0), (-2.6, 1.05)]
    ax = plot.heatmap(ds, "d_mean_V", x="I_app", y="C_m", sel={"parameter": "g_K"})
    assert _marks(ax) == [(-2.6, 1.0)]
    ax = plot.lines(ds, "d_mean_V", x="I_app", sel={"parameter": "I_app", "C_m": 1.05})
    assert [x for x, _ in _marks(ax)] == [-2.6]
    # the metric itself (no parameter dimension) follows the base run's status only
    ax = plot.heatmap(ds, "mean_V", x="I_app", y="C_m")
    assert _marks(ax) == [(-2.6, 1.0)]


def test_a_sensitivity_on_a_table_of_points_is_drawn_per_parameter():
    ds = _sensitivity([0, 0, 0], [[0, 0, 0], [0, 0, 1]], table=True)
    ax = plot.heatmap(ds, "d_mean_V", x="I_app", y="C_m", sel={"parameter": "g_K"})
    np.testing.assert_array_equal(ax.collections[0].get_array(), [4.0, 5.0, np.nan])
    assert _marks(ax) == [(-2.6, 1.05)]
    assert "parameter = g_K" in ax.get_title()
    with pytest.raises(ValueError, match=r"varies 'parameter' \(2 values\).*sel=\{'parameter'"):
        plot.heatmap(ds, "d_mean_V", x="I_app", y="C_m")
    with pytest.raises(ValueError, match="a swept name of this table of points"):
        plot.heatmap(ds, "d_mean_V", x="I_app", y="C_m", sel={"I_app": -1.0})
    # a table without another dimension: sel has nothing to pick (the list of axes was empty)
    with pytest.raises(ValueError, match=r"^sel does not apply to this table of points "
                                         r"\(dimension 'point', no other\).*sel got 'K_o'$"):
        plot.heatmap(ds, "mean_V", x="I_app", y="C_m", sel={"K_o": 5.0})
