"""simulate names how a run failed, and says so when it did."""

import json
import math

import pytest

import biophys as bp
from biophys.stimulus import Pulse


@pytest.mark.parametrize("method", ["adaptive", "rosenbrock"])
def test_a_stopped_error_controlled_run_is_not_called_non_finite(method):
    """A -1e9 uA/cm^2 pulse stops hh1952's error-controlled run by step size underflow with a
    finite state (driver status 3); simulate called it "non-finite state" and did not warn."""
    with pytest.warns(UserWarning, match=r"ended with status 'step failure"):
        ds = bp.simulate("hh1952", 3.0, 0.01, stimulus=Pulse(-1e9, 1.0, 1.0), method=method)
    final = json.loads(ds.attrs["final_state"])
    assert all(math.isfinite(v) for v in final.values())
    assert ds.attrs["status"] == "step failure: step size underflow"


@pytest.mark.filterwarnings("ignore:dt = 100 ms is 1000x")
def test_a_blow_up_is_named_and_warned_about():
    """beta_cell at 1000x its step blows up (the CLI test's case, shortened to 600 ms)."""
    with pytest.warns(UserWarning, match=r"ended with status 'non-finite state'"):
        ds = bp.simulate("beta_cell", 600.0, 100.0)
    assert ds.attrs["status"] == "non-finite state"


def test_a_run_ending_outside_the_range_of_V_is_marked():
    """zg_cell's resting conductance is about 0.08 mS/cm^2 (no Kir to speak of below E_K), so
    -30 uA/cm^2 holds it near -380 mV, outside the [-300, 300] mV it declares for V: the run
    finished (finite, records kept) but was called ok. -10 uA/cm^2 (about -147 mV) stays ok."""
    with pytest.warns(UserWarning, match=r"V = -3\d\d\.\d+ mV at the end of the run, outside the "
                                         r"range \[-300, 300\]"):
        ds = bp.simulate("zg_cell", 3000.0, params={"I_app": -30.0})
    assert ds.attrs["status"] == "V out of range"
    assert -400.0 < float(ds.V[-1]) < -300.0 and math.isfinite(float(ds.V.min()))
    assert bp.simulate("zg_cell", 3000.0, params={"I_app": -10.0}).attrs["status"] == "ok"


def test_a_sweep_marks_the_point_and_keeps_the_others():
    """beta_cell (no Kir) under -20 pA ends near -420 mV: status 4, its metrics NaN, the other
    point untouched; status_text names it."""
    ds = bp.sweep("beta_cell", grid={"I_app": [-20.0, 0.0]}, t_end=3000.0,
                  metrics=["mean_V"], progress=False)
    assert ds.status.values.tolist() == [4, 0]
    assert math.isnan(float(ds.mean_V[0])) and -60.0 < float(ds.mean_V[1]) < -20.0
    assert bp.status_text(ds).values.tolist() == ["V out of range", "ok"]
