"""Burst analysis on synthetic traces with known answers, and agreement with the driver's
online burst accumulators."""

from __future__ import annotations

import numpy as np
import pytest

from biophys import _engine, zg
from biophys.analysis import (
    KINDS,
    burst_metrics,
    bursts,
    bursts_from_spike_times,
    detect_spikes,
)
from biophys.metrics import burst_statistics
from biophys.models import get_model
from biophys.models.zg_cell import TONIC_REST

THR = -30.0
GAP = 1000.0
ISI = 150.0  # ms between spikes inside a burst
N_SPK = 21  # spikes per full burst -> active phase 20 * 150 = 3000 ms
PERIOD = 10000.0
SILENT_LO, SILENT_HI = -66.0, -58.0  # first and second half of each silence
PLATEAU = -45.0


def _burster_breakpoints(burst_starts, t_end):
    """Piecewise-linear burster: spikes cross THR upward exactly at their nominal times."""
    pts = []
    for b in burst_starts:
        spikes = b + ISI * np.arange(N_SPK)
        first, last = spikes[0], spikes[-1]
        pts += [(first - 30.0, SILENT_HI), (first - 20.0, PLATEAU)]
        for s in spikes:
            # rise -45 -> -15 over [s - 1, s + 1] (crosses -30 at s), fall back by s + 3
            pts += [(s - 1.0, PLATEAU), (s + 1.0, -15.0), (s + 3.0, PLATEAU)]
        pts += [(last + 20.0, PLATEAU), (last + 30.0, SILENT_LO)]
        # silence: -66 for the first half, -58 for the second half (sharp step at the middle)
        mid = last + 0.5 * (PERIOD - (last - first))
        pts += [(mid - 0.001, SILENT_LO), (mid + 0.001, SILENT_HI)]
    pts.sort()
    tp = np.array([p[0] for p in pts])
    vp = np.array([p[1] for p in pts])
    return tp, vp


def _trace(burst_starts, t_end, dt=0.1, nonuniform=False):
    tp, vp = _burster_breakpoints(burst_starts, t_end)
    t = np.arange(0.0, t_end + 0.5 * dt, dt)
    if nonuniform:
        # very dense sampling in the first half of silences: a sample mean would be biased
        rng = np.random.default_rng(1)
        active = ISI * (N_SPK - 1)
        extra = [rng.uniform(b + active + 40.0, b + active + 0.5 * (PERIOD - active) - 10.0,
                             20000) for b in burst_starts]
        t = np.unique(np.r_[t, np.concatenate(extra)])
        t = t[(t >= 0.0) & (t <= t_end)]
    return t, np.interp(t, tp, vp)


# bursts start at -2000 (partial, in progress at t = 0), 8000, ..., 48000 (cut by the end)
STARTS = -2000.0 + PERIOD * np.arange(6)
T_END = 49000.0


def _expected_spikes(t0=0.0, t1=T_END):
    s = np.concatenate([b + ISI * np.arange(N_SPK) for b in STARTS])
    return s[(s >= t0) & (s <= t1)]


def test_detect_spikes_interpolates_linearly():
    t = np.array([0.0, 1.0, 2.0, 3.0, 4.0])
    V = np.array([-50.0, -10.0, -50.0, -30.0, -20.0])
    # crossing of -30 at 0.5 (linear), none on the way down, V[3] == threshold counts at t = 3
    np.testing.assert_allclose(detect_spikes(t, V, -30.0), [0.5, 3.0])
    assert detect_spikes(t, V, 0.0).size == 0


def test_detect_spikes_on_synthetic_burster_is_exact():
    t, V = _trace(STARTS, T_END)
    st = detect_spikes(t, V, THR)
    np.testing.assert_allclose(st, _expected_spikes(), atol=1e-9)


def test_bursts_known_answers_with_partial_first_and_last_bursts():
    t, V = _trace(STARTS, T_END)
    s = bursts(t, V, THR, GAP)
    assert s.kind == "bursting"
    assert s.n_spikes == 7 + 4 * N_SPK + 7
    assert s.spike_rate == pytest.approx(1000.0 * s.n_spikes / T_END)
    # starts at 8000, ..., 48000 (the burst under way at t = 0 has no start)
    assert s.period == pytest.approx(PERIOD, abs=1e-9)
    assert s.period_std == pytest.approx(0.0, abs=1e-9)
    # complete bursts: 8000, 18000, 28000, 38000 (48000 is cut by the end of the trace)
    assert s.n_bursts == 4
    np.testing.assert_allclose(s.burst_starts, [8000.0, 18000.0, 28000.0, 38000.0], atol=1e-9)
    assert s.active_phase == pytest.approx((N_SPK - 1) * ISI, abs=1e-9)
    assert s.silent_phase == pytest.approx(PERIOD - (N_SPK - 1) * ISI, abs=1e-9)
    assert s.plateau_fraction == pytest.approx(0.3, abs=1e-12)
    assert s.spikes_per_burst == N_SPK
    assert s.intraburst_frequency == pytest.approx(1000.0 / ISI)
    assert s.silent_V_min == pytest.approx(SILENT_LO)


def test_silent_potential_is_a_time_average_over_complete_silences():
    t, V = _trace(STARTS, T_END)
    s = bursts(t, V, THR, GAP)
    # independent: integrate the piecewise-linear trace on a fine grid over the complete
    # silences (last spike of a burst to first spike of the next) where V < threshold
    tp, vp = _burster_breakpoints(STARTS, T_END)
    num = den = 0.0
    for b in STARTS[:-1]:
        a, z = b + ISI * (N_SPK - 1), b + PERIOD
        tt = np.linspace(a, z, 2_000_001)
        vv = np.interp(tt, tp, vp)
        w = (vv < THR).astype(float)
        num += np.trapezoid(w * vv, tt)
        den += np.trapezoid(w, tt)
    expected = num / den
    assert expected == pytest.approx(-62.0, abs=0.2)  # halves at -66 and -58
    assert s.silent_V_mean == pytest.approx(expected, abs=0.01)
    # irregular sampling gives the same time average (a plain sample mean would not)
    tn, Vn = _trace(STARTS, T_END, dt=1.0, nonuniform=True)
    sn = bursts(tn, Vn, THR, GAP)
    assert sn.silent_V_mean == pytest.approx(expected, abs=0.05)
    assert np.mean(Vn[(Vn < THR) & (tn > 1000) & (tn < 8000)]) < expected - 1.0


def test_window_start_inside_a_burst_drops_that_burst():
    t, V = _trace(STARTS, T_END)
    s = bursts(t, V, THR, GAP, t_start=9000.0)
    np.testing.assert_allclose(s.burst_starts, [18000.0, 28000.0, 38000.0], atol=1e-9)
    assert s.period == pytest.approx(PERIOD)
    assert s.plateau_fraction == pytest.approx(0.3)
    # spikes detected elsewhere give the same answer
    s2 = bursts(t, V, THR, GAP, t_start=9000.0, spike_times=_expected_spikes())
    for key in ("period", "active_phase", "plateau_fraction", "silent_V_mean", "n_bursts"):
        assert getattr(s2, key) == pytest.approx(getattr(s, key), abs=1e-6)
    # and so do spike times alone (no potentials then)
    s3 = bursts_from_spike_times(_expected_spikes(), GAP, 9000.0, T_END)
    for key in ("period", "active_phase", "plateau_fraction", "spikes_per_burst", "n_spikes"):
        assert getattr(s3, key) == pytest.approx(getattr(s, key), abs=1e-6)
    assert np.isnan(s3.silent_V_mean)


def test_last_burst_counts_once_the_silence_after_it_exceeds_the_gap():
    t, V = _trace(STARTS, T_END)
    # end 1500 ms after the burst at 38000 ends (41000): silence > gap -> complete
    s = bursts(t, V, THR, GAP, t_end=42500.0)
    assert s.n_bursts == 4
    # end 500 ms after: not yet known to be over
    s = bursts(t, V, THR, GAP, t_end=41500.0)
    assert s.n_bursts == 3


def test_continuous_spiker_silent_cell_and_irregular():
    t = np.arange(0.0, 10000.0, 0.1)
    V = -50.0 + 40.0 * np.maximum(0.0, np.sin(2 * np.pi * t / 100.0)) ** 8  # 10 Hz spikes
    s = bursts(t, V, THR, GAP)
    assert s.kind == "continuous"
    assert s.n_spikes == 100
    assert s.spike_rate == pytest.approx(10.0, rel=1e-3)
    assert s.intraburst_frequency == pytest.approx(10.0, rel=1e-6)
    assert s.plateau_fraction == 1.0
    assert np.isnan(s.period) and np.isnan(s.silent_V_mean)

    V0 = -70.0 + 2.0 * np.sin(2 * np.pi * t / 3000.0)
    s = bursts(t, V0, THR, GAP)
    assert s.kind == "silent" and s.n_spikes == 0 and s.plateau_fraction == 0.0
    assert s.silent_V_mean == pytest.approx(np.mean(V0), abs=0.01)
    assert s.silent_V_min == pytest.approx(-72.0, abs=1e-3)

    # a single burst inside the window: no period
    t1, V1 = _trace([3000.0], 9000.0)
    s = bursts(t1, V1, THR, GAP)
    assert s.kind == "irregular" and np.isnan(s.period) and np.isnan(s.plateau_fraction)
    assert s.n_bursts == 1 and s.active_phase == pytest.approx(3000.0)


def test_spikes_spaced_by_silences_are_single_spikes_not_bursting():
    """Regular spikes 2.5 s apart (gap 1 s): every "burst" would be one spike, which the
    kind says ("single spikes"; it read "bursting"), with the period of the spikes, active
    phase and plateau fraction 0; one pair among them makes it bursting again. The trace
    analysis and the online read-outs of a run (zg_cell's tonic calibration at 4.75 mM K_o,
    0.75 Hz) agree."""
    t = np.arange(0.0, 20000.0, 0.1)
    V = -70.0 + 60.0 * np.maximum(0.0, np.sin(2 * np.pi * t / 2500.0)) ** 50
    s = bursts(t, V, THR, GAP)
    assert s.kind == "single spikes" and s.spikes_per_burst == 1.0
    assert s.period == pytest.approx(2500.0, rel=1e-6)
    assert s.active_phase == 0.0 and s.plateau_fraction == 0.0
    st = detect_spikes(t, V, THR)
    paired = bursts_from_spike_times(np.sort(np.r_[st, st[3] + 200.0]), GAP, 0.0, 20000.0)
    assert paired.kind == "bursting" and paired.spikes_per_burst > 1.0

    m = get_model("zg_cell")
    rest = np.array([[TONIC_REST[s]] for s in m.state_names])
    raw = _engine.run(m, m.parameter_vector(zg.tonic_calibration({"K_o": 4.75}))[:, None],
                      rest, t_end=30000.0, dt=m.dt, record=["V"],
                      record_every=1.0, warmup=10000.0, spike_capacity=1000)
    on = burst_statistics(raw.burst, 30000.0, m.burst_gap)
    tr = bursts_from_spike_times(raw.spike_times[0, : raw.spike_count[0]], m.burst_gap,
                                 raw.t_warm, 30000.0)
    assert tr.kind == "single spikes" == KINDS[int(on["regime"][0])]
    assert on["plateau_fraction"][0] == tr.plateau_fraction == 0.0
    assert on["burst_period"][0] == pytest.approx(tr.period, rel=1e-12)


def test_bad_input_is_a_clear_error():
    t = np.arange(10.0)
    with pytest.raises(ValueError, match="equal length"):
        bursts(t, t[:-1], THR, GAP)
    with pytest.raises(ValueError, match=r"gap = -1.0 ms must be finite and > 0"):
        bursts(t, t, THR, -1.0)
    with pytest.raises(ValueError, match="increasing"):
        detect_spikes(t[::-1], t, THR)
    with pytest.raises(ValueError, match="finite"):
        detect_spikes(t, np.r_[t[:-1], np.nan], THR)
    # NumPy's cast took numeric strings and bools as samples
    with pytest.raises(ValueError, match=r"t = \['0', '1'\] must be real numbers .*, finite ms"):
        detect_spikes(["0", "1"], [-70.0, 10.0], THR)
    with pytest.raises(ValueError, match=r"V = \[-70.0, True\] must be real numbers .*, finite mV"):
        bursts([0.0, 1.0], [-70.0, True], THR, GAP)
    with pytest.raises(ValueError, match=r"spike_times = \['1.0', '2.0'\] must be real "
                       r"numbers .*, finite or NaN \(no spike\) ms"):
        bursts_from_spike_times(["1.0", "2.0"], GAP, 0.0, 10.0)
    with pytest.raises(ValueError, match=r"spike_times = \[1.0, True\] must be real numbers"):
        bursts(t, t, THR, GAP, spike_times=[1.0, True])


def test_online_accumulators_agree_with_trace_analysis():
    """Chay-Keizer, 40 s after a 5 s warm-up: the driver's online burst metrics and the
    trace-based metrics of the same run are identical."""
    m = get_model("chay_keizer_1983")
    t_end, warm = 45000.0, 5000.0
    raw = _engine.run(m, m.default_parameters()[:, None], m.default_states()[:, None],
                      t_end=t_end, dt=m.dt, record=["V"], record_every=1.0, warmup=warm,
                      spike_capacity=20000)
    on = burst_statistics(raw.burst, t_end, m.burst_gap)
    st = raw.spike_times[0, : raw.spike_count[0]]
    tr = bursts(raw.times, raw.rec[0, 0], m.spike_threshold, m.burst_gap, t_start=raw.t_warm,
                t_end=t_end, spike_times=st)
    assert tr.kind == "bursting"
    assert on["spike_count"][0] == tr.n_spikes
    assert on["n_bursts"][0] == tr.n_bursts >= 2
    assert on["burst_period"][0] == pytest.approx(tr.period, rel=1e-12)
    assert on["active_phase"][0] == pytest.approx(tr.active_phase, rel=1e-12)
    assert on["plateau_fraction"][0] == pytest.approx(tr.plateau_fraction, rel=1e-12)
    assert on["spikes_per_burst"][0] == pytest.approx(tr.spikes_per_burst, rel=1e-12)
    # the same rules on a window that ends inside a burst and starts inside another
    raw2 = _engine.run(m, m.default_parameters()[:, None], m.default_states()[:, None],
                       t_end=38000.0, dt=m.dt, warmup=13000.0, spike_capacity=20000)
    on2 = burst_statistics(raw2.burst, 38000.0, m.burst_gap)
    st2 = raw2.spike_times[0, : raw2.spike_count[0]]
    tr2 = bursts_from_spike_times(st2, m.burst_gap, raw2.t_warm, 38000.0)
    assert on2["spike_count"][0] == tr2.n_spikes
    assert on2["n_bursts"][0] == tr2.n_bursts
    for k_on, k_tr in (("burst_period", "period"), ("active_phase", "active_phase"),
                       ("plateau_fraction", "plateau_fraction")):
        a, b = float(on2[k_on][0]), getattr(tr2, k_tr)
        assert (np.isnan(a) and np.isnan(b)) or a == pytest.approx(b, rel=1e-12)


def test_burst_metrics_of_a_simulate_result():
    import biophys as bp

    ds = bp.simulate("chay_keizer_1983", 30000.0, record=["V"], record_every=2.0)
    s = burst_metrics(ds, t_start=5000.0)
    assert s.kind in ("bursting", "irregular")
    assert s.n_spikes > 0
    assert s.silent_V_min < -55.0


def test_intraburst_frequency_counts_a_plateau_interval_kept_in_the_burst():
    """Spikes at 1000 and 1100 ms, a 2 s spike-free plateau at -45 mV (above plateau_V =
    -50 mV, so not a silence), spikes at 3100 and 3200 ms, then rest at -70 mV: one burst of
    four spikes whose intervals are 100, 2000 and 100 ms, so 3000/2200 Hz (the intervals of
    at most the gap alone would give 10 Hz)."""
    pts = [(0.0, -70.0), (900.0, -70.0), (950.0, -45.0)]
    for s in (1000.0, 1100.0, 3100.0, 3200.0):
        pts += [(s - 1.0, -45.0), (s + 1.0, -15.0), (s + 3.0, -45.0)]
    pts += [(3250.0, -45.0), (3300.0, -70.0), (10000.0, -70.0)]
    tp, Vp = np.array(pts).T
    t = np.arange(0.0, 10000.5, 0.5)
    V = np.interp(t, tp, Vp)
    s = bursts(t, V, THR, 500.0, plateau_V=-50.0)
    assert s.n_spikes == 4 and s.n_bursts == 1 and s.spikes_per_burst == 4
    assert s.intraburst_frequency == pytest.approx(3000.0 / 2200.0, rel=1e-9)
    # without the plateau test the 2 s interval is a silence: two bursts of two, 10 Hz
    s = bursts(t, V, THR, 500.0)
    assert s.n_bursts == 2 and s.intraburst_frequency == pytest.approx(10.0, rel=1e-9)


@pytest.mark.parametrize("bad", [np.inf, -np.inf])
def test_infinite_spike_times_are_refused(bad):
    with pytest.raises(ValueError, match=r"spike_times \(ms\) must be finite or NaN.*index 1"):
        bursts_from_spike_times([10.0, bad], 100.0, 0.0, 1000.0)
