"""``plot.plot_traces`` of a simulate run that failed: its records are NaN from where it
stopped, and the figure says where and why (it showed a line that simply ended). The datasets
are built by hand: nothing is simulated."""

import matplotlib
import numpy as np
import xarray as xr

from biophys import plot

matplotlib.use("Agg")


def _run(status: str, stop: int | None) -> xr.Dataset:
    t = np.arange(0.0, 10.5, 0.5)
    v = -65.0 + np.sin(t)
    ca = 0.1 + 0.01 * t
    if stop is not None:
        v[stop:] = np.nan
        ca[stop:] = np.nan
    return xr.Dataset({"V": ("time", v, {"units": "mV"}), "Ca_i": ("time", ca, {"units": "uM"})},
                      coords={"time": ("time", t, {"units": "ms"})},
                      attrs={"model": "hh1952", "status": status})


def _dashed(ax) -> list[float]:
    return [float(line.get_xdata()[0]) for line in ax.get_lines()
            if line.get_linestyle() == "--"]


def test_a_failed_run_is_marked_where_it_stopped():
    fig = plot.plot_traces(_run("non-finite state", 9))  # NaN from t = 4.5 ms on
    for ax in fig.axes:
        assert _dashed(ax) == [4.5]
        assert [t.get_text() for t in ax.get_legend().get_texts()] == [
            "run failed: non-finite state"]
        assert ax.get_xlim()[1] >= 10.0  # the whole run, not only its finite part
    assert fig.axes[0].get_title().endswith("status: non-finite state")


def test_an_ok_run_has_no_mark():
    fig = plot.plot_traces(_run("ok", None))
    for ax in fig.axes:
        assert _dashed(ax) == [] and ax.get_legend() is None
    assert "status" not in fig.axes[0].get_title()
