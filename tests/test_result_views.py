"""Results a user-level review found wrong (session 39): a heatmap with a single value on an
axis drew empty cells, ``status_text`` refused the ``status`` DataArray its sibling
``flag_text`` takes, and ``differs`` called a point bistable where one pass had failed."""

import matplotlib
import numpy as np
import pytest
import xarray as xr

import biophys as bp
from biophys import plot
from biophys.continuation import differs

matplotlib.use("Agg")


@pytest.fixture(scope="module")
def res21():
    return bp.sweep("hh1952", grid={"I_app": [5.0, 10.0], "g_K": [36.0]}, t_end=20.0,
                    metrics=["spike_count"], progress=False)


@pytest.fixture(scope="module")
def hyst():
    return bp.hysteresis("hh1952", "I_app", [5.0, 8.0], t_end=20.0, warmup=0.0,
                         metrics=["spike_count"], progress=False)


def _cells(ax):
    """The cell corners of the heatmap's QuadMesh, as (x edges, y edges)."""
    xy = ax.collections[0].get_coordinates()
    return xy[0, :, 0], xy[:, 0, 1]


# -- 1. a heatmap with one value on an axis draws cells of non-zero size -----------------------
def test_heatmap_of_a_2x1_grid_has_cells_of_non_zero_height(res21):
    ax = plot.heatmap(res21, "spike_count")  # x: I_app [5, 10], y: g_K [36]
    xe, ye = _cells(ax)
    np.testing.assert_allclose(xe, [2.5, 7.5, 12.5])  # a normal axis: as before
    assert ye.size == 2 and ye[0] < 36.0 < ye[1]
    np.testing.assert_allclose(ye, [36.0 * 0.95, 36.0 * 1.05])
    lo, hi = ax.get_ylim()
    assert hi - lo > 0 and lo <= ye[0] and ye[1] <= hi
    np.testing.assert_array_equal(np.asarray(ax.collections[0].get_array()).ravel(),
                                  res21.spike_count.transpose("g_K", "I_app").values.ravel())


def test_heatmap_of_a_1x1_grid_has_a_cell_of_non_zero_size():
    res = bp.sweep("hh1952", grid={"I_app": [0.0], "g_K": [36.0]}, t_end=20.0,
                   metrics=["spike_count"], progress=False)
    ax = plot.heatmap(res, "spike_count")
    xe, ye = _cells(ax)
    np.testing.assert_allclose(xe, [-0.5, 0.5])  # a lone 0: +-0.5
    np.testing.assert_allclose(ye, [34.2, 37.8])  # else +-5 %
    np.testing.assert_array_equal(np.asarray(ax.collections[0].get_array()).ravel(),
                                  res.spike_count.values.ravel())


def test_heatmap_of_an_unordered_axis_draws_each_value_in_its_own_cell():
    """Edges are the midpoints of the sorted values: in the given order (1, 3, 2) the cell of
    3 was [2, 2.5] and that of 2 was [2.5, 3.5]."""
    ds = xr.Dataset({"rate": (("x", "y"), np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]),
                              {"units": "Hz"})},
                    coords={"x": ("x", [1.0, 3.0, 2.0]), "y": ("y", [0.5, 1.0])})
    ax = plot.heatmap(ds, "rate")
    xe, ye = _cells(ax)
    np.testing.assert_allclose(xe, [0.5, 1.5, 2.5, 3.5])
    np.testing.assert_allclose(ye, [0.25, 0.75, 1.25])
    np.testing.assert_array_equal(np.asarray(ax.collections[0].get_array()),
                                  [[1.0, 5.0, 3.0], [2.0, 6.0, 4.0]])


def test_heatmap_with_a_single_string_value(hyst):
    ax = plot.heatmap(hyst.isel(direction=[1]), "spike_count", x="direction", y="I_app")
    xe, _ = _cells(ax)
    assert xe[1] - xe[0] > 0
    ax.figure.canvas.draw()
    assert [t.get_text() for t in ax.get_xticklabels()] == ["down"]


# -- 2. status_text takes the Dataset or its status ---------------------------------------------
def test_status_text_takes_the_status_dataarray(res21):
    from_ds = bp.status_text(res21)
    from_da = bp.status_text(res21.status)
    assert from_da.values.tolist() == from_ds.values.tolist() == [["ok"], ["ok"]]


def test_status_text_names_what_it_takes(res21):
    with pytest.raises(TypeError, match=r"status_text.*Dataset.*'status'.*DataArray"):
        bp.status_text(res21.status.values)
    with pytest.raises(ValueError, match=r"no 'status' variable"):
        bp.status_text(res21[["spike_count"]])


# -- 3. differs does not report a point where a pass failed -------------------------------------
def test_differs_masks_a_point_where_one_pass_failed(hyst):
    assert differs(hyst, "spike_count").values.tolist() == [True, True]  # up 1, 2; down 0, 1
    h = hyst.copy(deep=True)
    h["spike_count"].loc[{"direction": "down", "I_app": 8.0}] = np.nan
    h["status"].loc[{"direction": "down", "I_app": 8.0}] = 2  # step budget exhausted
    assert differs(h, "spike_count").values.tolist() == [True, False]
    assert differs(h, "spike_count", rtol=0.1).values.tolist() == [True, False]
    # a failed pass with a (stale) finite metric is masked too
    h["spike_count"].loc[{"direction": "down", "I_app": 8.0}] = 7.0
    assert differs(h, "spike_count").values.tolist() == [True, False]
