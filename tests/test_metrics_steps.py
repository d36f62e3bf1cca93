"""The integrator's own statistics as sweep read-outs: ``steps`` (accepted) and
``rejected_steps``, per point, over the whole run. References: the fixed-step count t_end / dt
computed here, the Dormand-Prince step-count law (steps ~ rtol^(-1/5) for a 5th-order method),
and the step counts of the engine's own run of the same cells."""

import numpy as np
import pytest

import biophys as bp
from biophys import _engine

HH = bp.model("hh1952")
METRICS = ["steps", "rejected_steps", "spike_count"]


def _sweep(**kw):
    return bp.sweep("hh1952", grid={"I_app": [0.0, 10.0, 20.0]}, metrics=METRICS,
                    progress=False, **kw)


def test_fixed_step_counts_are_t_end_over_dt_and_nothing_rejected():
    ds = _sweep(t_end=10.0, dt=0.025, method="rl2")
    assert ds["steps"].values.tolist() == [400.0, 400.0, 400.0]
    assert ds["rejected_steps"].values.tolist() == [0.0, 0.0, 0.0]
    assert ds["steps"].attrs["units"] == "1"
    assert "warm-up included" in ds["steps"].attrs["long_name"]


@pytest.mark.parametrize("method", ["adaptive", "rosenbrock"])
def test_error_controlled_counts_are_the_engines_and_grow_as_rtol_tightens(method):
    loose = _sweep(t_end=50.0, method=method, rtol=1e-4)
    tight = _sweep(t_end=50.0, method=method, rtol=1e-7)
    assert loose["spike_count"].values[0] <= 1 < loose["spike_count"].values[2]
    # firing cells take more steps than the silent one
    assert loose["steps"].values[2] > loose["steps"].values[0]
    # order p: steps ~ rtol^(-1/(p+1)) for the error estimate's order p (4 for Dormand-Prince,
    # 2 for ROS34PW2's embedded solution): 1000x tighter -> about 4x and 10x more steps
    expect = 1000.0 ** (1 / 5 if method == "adaptive" else 1 / 3)
    ratio = tight["steps"].values[1:] / loose["steps"].values[1:]
    assert np.all((ratio > expect / 2) & (ratio < expect * 2)), (ratio, expect)
    assert np.all(loose["rejected_steps"].values >= 0)
    assert loose["rejected_steps"].values.sum() > 0  # spikes make the controller reject steps
    # the engine's own counts for the same cells
    P = np.repeat(HH.default_parameters()[:, None], 3, axis=1)
    P[HH.parameter_index("I_app")] = [0.0, 10.0, 20.0]
    Y0 = np.repeat(HH.default_states()[:, None], 3, axis=1)
    raw = _engine.run(HH, P, Y0, t_end=50.0, dt=HH.dt, method=method, rtol=1e-4)
    assert loose["steps"].values.tolist() == raw.n_accepted.astype(float).tolist()
    assert loose["rejected_steps"].values.tolist() == raw.n_rejected.astype(float).tolist()


def test_stop_at_rest_counts_the_steps_up_to_the_freeze():
    ds = bp.sweep("hh1952", grid={"I_app": [0.0, 1.0]}, t_end=400.0, dt=0.025,
                  metrics=["steps"], stop_at_rest=True, progress=False)
    t_rest = ds["t_rest"].values
    assert np.all(np.isfinite(t_rest)) and np.all(t_rest < 400.0)
    np.testing.assert_allclose(ds["steps"].values, t_rest / 0.025, rtol=0, atol=1e-9)
