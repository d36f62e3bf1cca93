"""Times far out of scale are refused with a ValueError naming the parameter and its unit,
not an OverflowError from inside the engine."""

import warnings

import numpy as np
import pytest

import biophys as bp


@pytest.mark.parametrize("kwargs", [dict(t_end=10.0, dt=5e-324), dict(t_end=10.0, dt=1e-310),
                                    dict(t_end=1e300, dt=1e-10)])
def test_a_step_too_small_to_count_is_a_value_error_naming_dt(kwargs):
    with pytest.raises(ValueError, match=r"^dt = .* ms must be at least t_end / 2\*\*62"):
        bp.simulate("hh1952", **kwargs)


@pytest.mark.parametrize("every", [1e300, 1e308])
def test_a_huge_record_every_records_t0_only(every):
    """record_every = 1e300 ms raised OverflowError (an int64 step count), 1e308 ms at dt 0.01
    ms as well (every / dt is inf); any interval longer than the run records t = 0 only, with
    the warning that says so."""
    with pytest.warns(UserWarning, match=r"record_every = .* ms is longer than the run"):
        ds = bp.simulate("hh1952", t_end=1.0, dt=0.01, record_every=every)
    assert ds.time.values.tolist() == [0.0] and np.isfinite(ds.V.values).all()


def test_the_smallest_step_allowed_is_accepted():
    """The bound is on t_end / dt: a short run at a step of 1e-9 ms is still fine."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ds = bp.simulate("hh1952", t_end=1e-7, dt=1e-9)
    assert ds.time.size == 101 and ds.attrs["status"] == "ok"
