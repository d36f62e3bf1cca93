"""``sel`` values of the sweep plots.

A numeric ``sel`` value takes the nearest value of its axis; a value beyond the axis (typed in M
for mM, or for another axis) silently drew the axis's last value, and NaN or None leaked
xarray's ``KeyError: not all values found in index``. The figure of a slice did not say which
slice it was (nor which value the nearest pick had drawn). The datasets are built by hand.
"""

import matplotlib
import numpy as np
import pytest
import xarray as xr

from biophys import plot

matplotlib.use("Agg")


@pytest.fixture(scope="module")
def res3():
    shape = (2, 2, 3)
    return xr.Dataset(
        {"mean_V": (("K_o", "Mg_o", "glucose"), np.arange(12.0).reshape(shape), {"units": "mV"}),
         "status": (("K_o", "Mg_o", "glucose"), np.zeros(shape, dtype=np.int8))},
        coords={"K_o": ("K_o", [4.0, 8.0], {"units": "mM"}),
                "Mg_o": ("Mg_o", [0.5, 1.0], {"units": "mM"}),
                "glucose": ("glucose", [8.0, 11.0, 15.0], {"units": "mM"})},
        attrs={"model": "beta_cell"})


@pytest.mark.parametrize("func, kw", [(plot.heatmap, dict(x="K_o", y="Mg_o")),
                                      (plot.lines, dict(x="K_o", hue="Mg_o"))])
@pytest.mark.parametrize("value", [100.0, 0.008, -8.0])
def test_a_value_beyond_the_axis_is_refused(res3, func, kw, value):
    with pytest.raises(ValueError, match=r"^sel\['glucose'\] = [-0-9.]+ mM is outside the values "
                                         r"of the axis 'glucose': \[8, 15\] mM$"):
        func(res3, "mean_V", sel={"glucose": value}, **kw)


@pytest.mark.parametrize("value", [np.nan, np.inf, None, "8", [8.0, 11.0], True])
def test_a_value_that_is_no_finite_number_is_refused(res3, value):
    with pytest.raises(ValueError, match=r"^sel\['glucose'\] = .* must be a finite number in mM "
                                         r"\(the axis 'glucose' spans \[8, 15\] mM\)$"):
        plot.lines(res3, "mean_V", x="K_o", hue="Mg_o", sel={"glucose": value})


def test_the_title_names_the_slice_drawn(res3):
    """Within the span the nearest value is still drawn (10 -> 11 mM), and the title says so."""
    ax = plot.lines(res3, "mean_V", x="K_o", hue="Mg_o", sel={"glucose": 10.0})
    np.testing.assert_array_equal(ax.get_lines()[0].get_ydata(),
                                  res3.mean_V.sel(glucose=11.0, Mg_o=0.5).values)
    assert ax.get_title() == "beta_cell: mean_V at glucose = 11 mM"
    ax = plot.heatmap(res3, "mean_V", sel={"glucose": 15.0 + 1e-12})  # rounding: accepted
    assert ax.get_title() == "beta_cell: mean_V at glucose = 15 mM"
    ax = plot.lines(res3, "mean_V", x="K_o", sel={"Mg_o": 1.0, "glucose": 8.0})
    assert ax.get_title() == "beta_cell: mean_V at Mg_o = 1 mM, glucose = 8 mM"
    # an axis of one value, dropped without sel, is named too
    ax = plot.lines(res3.isel(glucose=[0]), "mean_V", x="K_o", hue="Mg_o")
    assert ax.get_title() == "beta_cell: mean_V at glucose = 8 mM"
    ax = plot.heatmap(res3.isel(glucose=[0]), "mean_V", x="K_o", y="Mg_o")  # nothing fixed
    assert ax.get_title() == "beta_cell: mean_V at glucose = 8 mM"
    ax = plot.heatmap(res3, "mean_V", x="K_o", y="glucose", sel={"Mg_o": 0.5})
    assert ax.get_title() == "beta_cell: mean_V at Mg_o = 0.5 mM"


def test_a_string_axis_in_the_title():
    ds = xr.Dataset({"rate": (("direction", "I_app"), [[1.0, 2.0], [3.0, 4.0]], {"units": "Hz"})},
                    coords={"direction": ("direction", ["up", "down"]),
                            "I_app": ("I_app", [5.0, 8.0], {"units": "uA/cm^2"})})
    ax = plot.lines(ds, "rate", x="I_app", sel={"direction": "down"})
    assert ax.get_title() == "rate at direction = down"
    ax = plot.lines(ds, "rate", x="direction", sel={"I_app": 7.0})
    assert ax.get_title() == "rate at I_app = 8 uA/cm^2"
