"""Review 55: burst read-outs of a window no longer than ``burst_gap``, ``stop_at_rest`` in a
model with a ``plateau_V``, and sweep-vs-trace agreement in chay_keizer_1983's continuous
range."""

import warnings

import numpy as np
import pytest

import biophys as bp
from biophys.analysis import KINDS, burst_metrics, bursts
from biophys.models import get_model

CK = get_model("chay_keizer_1983")  # burst_gap 1000 ms, plateau_V -45 mV
BURST = ["spike_count", "burst_period", "active_phase", "plateau_fraction",
         "spikes_per_burst", "regime"]


def _trace_row(s):
    """The sweep's read-outs from a :class:`biophys.analysis.BurstStats` (times in s)."""
    return {"spike_count": s.n_spikes, "burst_period": s.period / 1000.0,
            "active_phase": s.active_phase / 1000.0, "plateau_fraction": s.plateau_fraction,
            "spikes_per_burst": s.spikes_per_burst, "regime": KINDS.index(s.kind)}


def test_a_window_no_longer_than_burst_gap_reads_irregular_in_sweep_and_trace():
    """chay_keizer_1983 bursts at 3 mM K_o (period 8 s, plateau fraction 0.15) and spikes
    continuously at 6 mM; an 800 ms window (burst_gap 1000 ms) cannot show a silent phase, yet
    both read "continuous", plateau fraction 1, before. Now both are irregular with plateau
    fraction NaN, the same online and on the trace."""
    t_end, warm = 1800.0, 1000.0
    assert t_end - warm <= CK.burst_gap
    res = bp.sweep("chay_keizer_1983", {"K_o": [3.0, 6.0]}, t_end=t_end, warmup=warm,
                   metrics=BURST, progress=False)
    assert np.all(res["spike_count"].values > 0)  # both spike in the window
    assert list(bp.flag_text(res["regime"]).values) == ["irregular", "irregular"]
    assert np.all(np.isnan(res["plateau_fraction"].values))
    assert "no longer than burst_gap = 1000 ms" in res["plateau_fraction"].attrs["long_name"]
    for i, k in enumerate((3.0, 6.0)):
        ds = bp.simulate("chay_keizer_1983", t_end, CK.dt, conditions={"K_o": k}, record=["V"])
        s = burst_metrics(ds, t_start=warm)
        assert (s.kind, s.n_spikes) == ("irregular", res["spike_count"].values[i])
        assert np.isnan(s.plateau_fraction)
        # the plain trace function, with the model's threshold, gap and plateau_V
        plain = bursts(ds.time.values, ds.V.values, CK.spike_threshold, CK.burst_gap,
                       t_start=warm, plateau_V=CK.plateau_V)
        assert plain.kind == "irregular" and np.isnan(plain.plateau_fraction)


def test_a_window_one_sample_longer_than_burst_gap_can_read_continuous():
    """The rule is ``window > burst_gap``: hh1952 (burst_gap 50 ms) firing at 10 uA/cm^2
    (interspike interval 14.6 ms) reads continuous in a 50.5 ms window, irregular in 50 ms."""
    reg = [bp.sweep("hh1952", {"I_app": [10.0]}, t_end=100.0, warmup=w, metrics=["regime"],
                    progress=False)["regime"].values[0] for w in (50.0, 49.5)]
    assert [KINDS[int(r)] for r in reg] == ["irregular", "continuous"]


def test_stop_at_rest_after_a_burst_in_a_model_with_plateau_V():
    """chay_keizer_1983 at 1 mM K_o, kicked by 1 uA/cm^2 from 2 to 5 s: one burst of 46 spikes
    after the warm-up, then it rests and stop_at_rest freezes it (17.75 s of the 20 s run).
    The silence after the burst is finished in closed form, with the plateau_V test of the
    tail (its below-threshold sums continued linearly): the same read-outs as the full run."""
    kw = dict(grid={"K_o": [1.0]}, t_end=20_000.0, warmup=1000.0,
              stimulus=bp.Pulse(1.0, 2000.0, 3000.0), progress=False,
              metrics=[*BURST, "silent_phase_V", "mean_V"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the short warm-up's notes are not under test here
        full = bp.sweep("chay_keizer_1983", **kw)
        rest = bp.sweep("chay_keizer_1983", stop_at_rest=True, **kw)
    t_rest = rest["t_rest"].values[0]
    assert 5000.0 < t_rest < 20_000.0, t_rest
    assert full["spike_count"].values[0] == rest["spike_count"].values[0] > 20
    assert bp.flag_text(rest["regime"]).values[0] == "irregular"  # one complete burst
    for name in BURST:
        np.testing.assert_allclose(rest[name].values, full[name].values, rtol=1e-9,
                                   equal_nan=True, err_msg=name)
    assert rest["spikes_per_burst"].values[0] == rest["spike_count"].values[0]
    np.testing.assert_allclose(rest["mean_V"].values, full["mean_V"].values, rtol=1e-6)


def test_sweep_and_trace_agree_in_the_continuous_range():
    """chay_keizer_1983 at 6 mM K_o spikes continuously: over a 4 s window (four burst_gap)
    the sweep and burst_metrics on bp.simulate at the same dt give the same read-outs."""
    t_end, warm = 6000.0, 2000.0
    res = bp.sweep("chay_keizer_1983", {"K_o": [6.0]}, t_end=t_end, dt=CK.dt, warmup=warm,
                   metrics=[*BURST, "spike_rate"], progress=False)
    ds = bp.simulate("chay_keizer_1983", t_end, CK.dt, conditions={"K_o": 6.0}, record=["V"])
    s = burst_metrics(ds, t_start=warm)
    assert s.kind == "continuous" and s.plateau_fraction == 1.0 and s.n_spikes > 50
    for name, want in _trace_row(s).items():
        np.testing.assert_allclose(res[name].values[0], want, rtol=1e-12, equal_nan=True,
                                   err_msg=name)
    assert res["spike_rate"].values[0] == pytest.approx(s.spike_rate, rel=1e-12)
