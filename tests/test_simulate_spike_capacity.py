"""simulate returns every spike time, however many there are."""

import importlib

import numpy as np

import biophys as bp

#: the module (``biophys.simulate`` is also the function's name in the package)
simulate_module = importlib.import_module("biophys.simulate")


def test_every_spike_is_returned_beyond_the_first_buffer(monkeypatch):
    """simulate sizes its spike-time buffer from t_end (one spike per 0.5 ms, plus 16) and
    runs again with a larger one when the run had more; it once returned only the first
    buffer's worth without saying so. A buffer of 2 here, for 10 paced spikes."""
    monkeypatch.setattr(simulate_module, "_spike_capacity", lambda t_end: 2)
    times = [t for b in np.arange(5.0, 200.0, 20.0) for t in (b, b + 1.0)]
    stim = bp.Steps(times, [20.0, 0.0] * (len(times) // 2))
    ds = bp.simulate("hh1952", 200.0, 0.01, stimulus=stim)
    v = ds.V.values
    thr = bp.model("hh1952").spike_threshold
    crossings = ds.time.values[1:][(v[:-1] < thr) & (v[1:] >= thr)]
    assert crossings.size == 10
    st = ds.spike_times.values
    assert st.size == crossings.size and np.isfinite(st).all()
    # each spike time lies in the step whose end sample is the crossing
    assert np.all((st > crossings - 0.01 - 1e-9) & (st <= crossings + 1e-9))


def test_the_first_buffer_holds_one_spike_per_half_ms():
    assert simulate_module._spike_capacity(40.0) == 96
