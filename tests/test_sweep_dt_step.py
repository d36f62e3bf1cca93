"""A sweep records the step it took (``dt_step``) beside the ``dt`` given: ``t_end`` runs in
whole steps of at most ``dt``, so 1.005 ms at 0.01 ms is 101 steps of 0.00995 ms, the step
``simulate`` reports as its ``dt``. The expected steps come from exact decimal arithmetic."""

import math
from fractions import Fraction

import pytest

import biophys as bp


@pytest.mark.parametrize(("t_end", "dt"), [("1.005", "0.01"), ("1.0", "0.01"), ("7.3", "0.025")])
def test_dt_step_is_the_step_taken(t_end, dt):
    n = math.ceil(Fraction(t_end) / Fraction(dt))
    ds = bp.sweep("hh1952", {"I_app": [0.0]}, t_end=float(t_end), dt=float(dt),
                  metrics=["mean_V"], progress=False)
    assert ds.attrs["dt"] == float(dt)
    assert ds.attrs["dt_step"] == pytest.approx(float(Fraction(t_end) / n), rel=1e-15)
    assert ds.attrs["dt_step"] == bp.simulate("hh1952", float(t_end), float(dt)).attrs["dt"]
    plan = bp.sweep("hh1952", {"I_app": [0.0]}, t_end=float(t_end), dt=float(dt),
                    metrics=["mean_V"], dry_run=True)
    assert plan.attrs["dt_step"] == ds.attrs["dt_step"]
