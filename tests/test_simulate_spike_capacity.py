"""simulate returns every spike time, however many there are."""

import numpy as np

import biophys as bp
from biophys.stimulus import VoltageClamp


def test_every_crossing_is_returned_beyond_one_per_half_ms():
    """200 clamp steps from -80 to 0 mV, 0.2 ms apart, in 40 ms: simulate's buffer holds
    t_end / 0.5 ms + 16 = 96 spike times, and it returned only those 96 of the 199 crossings
    (the step at t = 0 is not one: there is no sample before it) without saying so."""
    steps = [(0.0, 0.1), (-80.0, 0.1)] * 200
    ds = bp.simulate("hh1952", 40.0, 0.01, stimulus=VoltageClamp(-80.0, steps))
    v = ds.V.values
    thr = bp.model("hh1952").spike_threshold
    crossings = ds.time.values[1:][(v[:-1] < thr) & (v[1:] >= thr)]
    assert crossings.size == 199 > 40.0 / 0.5 + 16
    st = ds.spike_times.values
    assert st.size == crossings.size and np.isfinite(st).all()
    # each spike time lies in the step whose end sample is the crossing
    assert np.all((st > crossings - 0.01 - 1e-9) & (st <= crossings + 1e-9))
