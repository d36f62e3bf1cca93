"""The record grid ends at t_end exactly, and every method records its last sample."""

import numpy as np
import pytest

import biophys as bp


@pytest.mark.parametrize("method", ["rl2", "adaptive", "rosenbrock"])
@pytest.mark.parametrize(("t_end", "dt"), [(0.7, 0.01), (0.86, 0.1)])
def test_last_sample_is_at_t_end_and_recorded(method, t_end, dt):
    """0.7 ms in 70 steps: 70 * (0.7 / 70) is 0.7000000000000001 ms, one ulp past t_end, and
    the error-controlled methods, which stop at t_end, never wrote that sample (it stayed NaN
    with status "ok"; the fixed-step methods recorded it at a time past t_end)."""
    ds = bp.simulate("hh1952", t_end, dt, method=method)
    assert ds.time.values[-1] == t_end == ds.attrs["t_end"]
    assert np.all(np.diff(ds.time.values) > 0)
    assert np.isfinite(ds.V.values).all() and ds.attrs["status"] == "ok"
