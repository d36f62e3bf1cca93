"""Status 4 ("V out of range") for an excursion that comes back: V was tested at the end of the
run only, so a cell driven far outside the range its model declares for V (hh1952: [-300, 300]
mV) by a strong pulse, and back, finished with status ok.

A pulse of -600 uA/cm^2 for 1 ms on the resting axon (C_m = 1 uF/cm^2) moves V by about
-600 mV before any conductance can act (the currents at rest are a few uA/cm^2): it must leave
[-300, 300] mV, whatever the integrator does afterwards.
"""

from __future__ import annotations

import numpy as np
import pytest

import biophys as bp

KICK = bp.Pulse(-600.0, 5.0, 1.0)  # uA/cm^2, start 5 ms, 1 ms


def test_a_sweep_marks_an_excursion_seen_by_its_observed_V():
    """The point at I_app = 0 goes below -300 mV during the pulse and recovers (final V at
    rest); it was status 0. The point of a gentle pulse stays ok."""
    for metrics in (["min_V"], ["mean_V"], ["spike_rate"]):  # V's range whatever the metrics
        ds = bp.sweep("hh1952", {"I_app": [0.0]}, t_end=60.0, stimulus=KICK, method="rl2",
                      metrics=metrics, final_state=False, progress=False)
        assert ds.status.values.tolist() == [4]
    calm = bp.sweep("hh1952", {"I_app": [0.0]}, t_end=60.0, stimulus=bp.Pulse(-20.0, 5.0, 1.0),
                    method="rl2", metrics=["min_V"], progress=False)
    assert calm.status.values.tolist() == [0]
    assert -300.0 < float(calm.min_V[0]) < -65.0


def test_simulate_reports_when_the_recorded_V_left_its_range():
    with pytest.warns(UserWarning, match=r"reached V = -3\d\d\.\d+ mV at t = 5\.\d+ ms, "
                                         r"outside the range \[-300, 300\] mV"):
        ds = bp.simulate("hh1952", 60.0, stimulus=KICK)
    assert ds.attrs["status"] == "V out of range"
    v = ds.V.values
    assert v.min() < -300.0 and -300.0 < v[-1] < 300.0
    # the first sample below the range is the one named, just after the pulse starts
    t_first = float(ds.time[np.flatnonzero(v < -300.0)[0]])
    assert 5.0 < t_first < 6.0
