"""The legend of ``plot.traces``: each trace's swept values carry their
units (they read ``"K_o = 4"`` while ``lines`` writes ``"K_o = 4 mM"``), and a trace of a point
whose status is not ok says so (it stops where the run failed, or is empty, and looked like a
trace of a good point). The datasets are built by hand: nothing is simulated."""

import matplotlib
import numpy as np
import xarray as xr

from biophys import plot
from biophys._sweep_result import STATUS, _flag_attrs

matplotlib.use("Agg")

STATUS_ATTRS = _flag_attrs(np.array(sorted(STATUS), dtype=np.int8),
                           [v for _, v in sorted(STATUS.items())])


def _legend(ax) -> list[str]:
    return [t.get_text() for t in ax.get_legend().get_texts()]


def _traces(status, point=False):
    """Two traces of V, of the points K_o = 4 and 8 mM (the second blows up at t = 2 ms)."""
    v = np.array([[-70.0, -70.0, -70.0, -70.0], [-70.0, -60.0, np.nan, np.nan]])
    dims = ("point",) if point else ("K_o",)
    coords = {"trace": ("trace", [0, 1]), "time": ("time", [0.0, 1.0, 2.0, 3.0], {"units": "ms"}),
              "trace_K_o": ("trace", [4.0, 8.0], {"units": "mM"})}
    if point:
        coords["K_o"] = ("point", [4.0, 8.0], {"units": "mM"})
    else:
        coords["K_o"] = ("K_o", [4.0, 8.0], {"units": "mM"})
    return xr.Dataset({"mean_V": (dims, [-70.0, np.nan], {"units": "mV"}),
                       "status": (dims, np.array(status, dtype=np.int8), STATUS_ATTRS),
                       "trace_V": (("trace", "time"), v, {"units": "mV"})}, coords=coords)


def test_trace_labels_carry_units():
    ax = plot.traces(_traces([0, 0]), "V")
    assert _legend(ax) == ["K_o = 4 mM", "K_o = 8 mM"]
    assert ax.get_xlabel() == "time (ms)" and ax.get_ylabel() == "V (mV)"


def test_a_failed_point_is_named_in_the_legend():
    ax = plot.traces(_traces([0, 1]), "V")
    assert _legend(ax) == ["K_o = 4 mM", "K_o = 8 mM (status: non-finite state)"]
    ax = plot.traces(_traces([0, 3], point=True), "V")  # a table of points: by point index
    assert _legend(ax) == ["K_o = 4 mM", "K_o = 8 mM (status: step failure: step size "
                                         "underflow)"]
    ax.figure.canvas.draw()
