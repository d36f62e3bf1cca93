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
