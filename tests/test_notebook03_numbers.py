"""The numbers notebook 03's text quotes from its full-mode runs, recomputed.

``tests/test_notebooks.py`` runs every notebook in quick mode only, and notebook 03 prints few of
the numbers its markdown quotes, so a change of ``zg_cell`` could leave its text wrong with
every other test passing. Each test here repeats the notebook's full-mode computation for the
points a sentence quotes (60 s runs, 20 s warm-up, as the notebook's full mode; 120 s runs with
a 30 s warm-up for its firing-against-K_o panel) and checks the number to the precision it is
quoted with (:func:`_quoted`: within half a unit of the quoted last digit). The expected values
are the notebook's words, not numbers computed by these tests. Assertions marked
"precondition" check the state a sentence speaks of (firing, silent), not its number.
"""

from __future__ import annotations

import warnings

import numpy as np

import biophys as bp
from biophys import zg
from biophys.models.zg_cell import TONIC_REST

T_END, WARMUP = 60_000.0, 20_000.0  # ms: the notebook's full mode
T_OSC, W_OSC = 120_000.0, 30_000.0  # ms: its firing-against-K_o panel (cell 5)


def _steady(conditions, **kw):
    kw.setdefault("t_end", T_END)
    kw.setdefault("warmup", WARMUP)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return zg.steady_state(conditions, **kw)


def _quoted(value, text):
    """``value`` as the notebook quotes it, ``text``: within half a unit of its last digit."""
    decimals = len(text.split(".")[1]) if "." in text else 0
    return abs(float(value) - float(text)) <= 0.5 * 10.0 ** -decimals + 1e-12


def _state(ss, j):
    return dict(zip(bp.model("zg_cell").state_names, map(float, ss.final_states[:, j]),
                    strict=True))


def _silent(ss, j):
    return ss.spike_rate[j] == 0.0 and ss.max_V[j] - ss.min_V[j] < 0.1


def _rate(spikes, t0, t1):
    s = np.asarray(spikes)
    return np.count_nonzero((s >= t0) & (s < t1)) / ((t1 - t0) / 1000.0)


def test_rest_onset_and_ratios_of_the_default():
    """Cells 0, 4, 6 and 16 (60-s runs from rest): rest -85.7 mV at 4 mM K_o; silent from 2 to 5
    mM (and at 5.25 mM), firing from 5.5 mM (0.4 Hz), about 9 Hz at 7.5 mM, about 18 Hz at 7.75
    mM; peaks -21 mV at 5.5 mM, -41 mV at 7.5 mM, within 0.2 mV of the -50 mV spike threshold at
    7.75 and 8 mM; from 8 mM no spike counted, the potential oscillating below the threshold up
    to 9.5 mM (by 23 mV at 8 mM, 8 mV at 9.5 mM) around a depolarised mean, steady at 9.75 and
    10 mM; aldosterone x1.8 / x3.8 at 5 / 7.5 mM and x4.1 at 8 mM (relative to 2.5 mM), x3.7 /
    x5.5 with 25 pM Ang II (relative to 2.5 mM with Ang II)."""
    K = [2.0, 2.5, 3.0, 4.0, 5.0, 5.25, 5.5, 7.5, 7.75, 8.0, 8.5, 9.0, 9.5, 9.75, 10.0]
    s = _steady([{"K_o": k} for k in K])
    i = {k: j for j, k in enumerate(K)}
    assert _quoted(s.mean_V[i[4.0]], "-85.7"), s.mean_V[i[4.0]]
    for k in (2.0, 2.5, 3.0, 4.0, 5.0, 5.25):
        assert _silent(s, i[k]), (k, s.spike_rate[i[k]])
    assert _quoted(s.spike_rate[i[5.5]], "0.4"), s.spike_rate[i[5.5]]
    assert _quoted(s.spike_rate[i[7.5]], "9"), s.spike_rate[i[7.5]]
    assert _quoted(s.spike_rate[i[7.75]], "18"), s.spike_rate[i[7.75]]
    assert _quoted(s.max_V[i[5.5]], "-21"), s.max_V[i[5.5]]
    assert _quoted(s.max_V[i[7.5]], "-41"), s.max_V[i[7.5]]
    for k in (7.75, 8.0):
        assert abs(s.max_V[i[k]] + 50.0) < 0.2, (k, s.max_V[i[k]])
    for k in (8.0, 8.5, 9.0, 9.5):  # oscillating below the spike threshold: no spike counted
        assert s.spike_rate[i[k]] == 0.0 and s.max_V[i[k]] < -50.0, (k, s.max_V[i[k]])
        assert s.max_V[i[k]] - s.min_V[i[k]] > 1.0, (k, s.min_V[i[k]])
    assert _quoted(s.max_V[i[8.0]] - s.min_V[i[8.0]], "23")
    assert _quoted(s.max_V[i[9.5]] - s.min_V[i[9.5]], "8")
    for k in (9.75, 10.0):
        assert _silent(s, i[k]), (k, s.max_V[i[k]] - s.min_V[i[k]])
    for k in (8.0, 8.5, 9.0, 9.5, 9.75, 10.0):  # depolarised
        assert s.mean_V[i[k]] > s.mean_V[i[4.0]] + 15.0, (k, s.mean_V[i[k]])
    a = s.aldosterone_rate / s.aldosterone_rate[i[2.5]]
    assert _quoted(a[i[5.0]], "1.8"), a[i[5.0]]
    assert _quoted(a[i[7.5]], "3.8"), a[i[7.5]]
    assert _quoted(a[i[8.0]], "4.1"), a[i[8.0]]
    an = _steady([{"K_o": k, "AngII": 25.0} for k in (2.5, 5.0, 7.5)])
    r = an.aldosterone_rate / an.aldosterone_rate[0]
    assert _quoted(r[1], "3.7"), r[1]
    assert _quoted(r[2], "5.5"), r[2]


def test_no_depolarised_branch_below_8_mM():
    """Cells 0, 4 and 6: at 8 mM K_o the oscillation's peaks cross the spike threshold for about
    18 s from rest, then stay below it; brought down from that state to 7 or 7.5 mM the cell
    fires again, at 7.5 mM with x3.8 (relative to 2.5 mM K_o from rest), the value it reaches
    from rest."""
    ds = bp.simulate("zg_cell", t_end=30_000.0, params={"K_o": 8.0}, record=["V"],
                     record_every=1.0)
    spikes = np.asarray(ds.spike_times.values)
    assert len(spikes) > 50, "precondition: fires from rest at 8 mM"
    assert _quoted(spikes[-1] / 1000.0, "18"), spikes[-1]
    up = _steady([{"K_o": 2.5}, {"K_o": 8.0}])
    assert up.spike_rate[1] == 0.0, "precondition: no spike counted at 8 mM"
    down = _steady([{"K_o": 7.0}, {"K_o": 7.5}], initial=_state(up, 1))
    assert down.spike_rate[0] > 1.0 and down.spike_rate[1] > 1.0, down.spike_rate
    assert _quoted(down.aldosterone_rate[1] / up.aldosterone_rate[0], "3.8")


def test_firing_near_onset_and_at_7_75_mM():
    """Cell 4: in the 120-s runs (90-s windows) the cell is silent at 5.25 mM K_o and fires at
    5.5 mM; at 7.75 mM it fires from rest at about 18 Hz for about 80 s, then at about 9 Hz."""
    s = _steady([{"K_o": 5.25}, {"K_o": 5.5}], t_end=T_OSC, warmup=W_OSC)
    assert _silent(s, 0), s.spike_rate
    assert s.spike_rate[1] > 0.0, s.spike_rate
    ds = bp.simulate("zg_cell", t_end=120_000.0, params={"K_o": 7.75}, record=["V"],
                     record_every=1.0)
    spikes = np.asarray(ds.spike_times.values)
    early = _rate(spikes, 20_000.0, 60_000.0)
    assert _quoted(early, "18"), early
    isi = np.diff(spikes)
    slow = np.flatnonzero((spikes[1:] > 20_000.0) & (isi > 1.5 * 1000.0 / early))
    assert len(slow), "precondition: the rhythm changes within 120 s"
    t_change = spikes[1:][slow[0]] / 1000.0
    assert abs(t_change - 80.0) <= 5.0, t_change  # "about 80 s": to the nearest 10 s
    late = _rate(spikes, 90_000.0, 120_000.0)
    assert _quoted(late, "9"), late


def test_task_knockout_fires_from_2_to_6_mM():
    """Cell 4: the TASK knockout fires at every K_o of the panel, 2 to 6 mM."""
    K = np.linspace(2.0, 6.0, 9)
    s = _steady([{"K_o": float(k), "P_TASK": 0.0} for k in K])
    assert np.all(s.spike_rate > 0.0), s.spike_rate


def test_magnesium_step_and_the_depolarised_corner():
    """Cell 8: the in-vivo step of free Mg2+ (0.5 -> 0.75 mM) changes synthesis by x0.907 to
    x0.965 at 4-5 mM K_o, with and without 25 pM Ang II; without Ang II no spike is counted from
    7.5 mM K_o at 0.25-0.5 mM Mg2+_o and from 8 mM at 0.75-1 mM, the cell fires 0.5 mM below
    those, and there makes 7-11% more aldosterone than the firing cell 0.5 mM K_o below."""
    K = [4.0, 4.5, 5.0]
    ds = bp.sweep("zg_cell", grid={"K_o": K, "Mg_o": [0.5, 0.75], "AngII": [0.0, 25.0]},
                  t_end=T_END, warmup=WARMUP, metrics=["mean_Ca_i"], progress=False)
    aldo = np.stack([zg.synthesis_rate(ds.mean_Ca_i.sel(AngII=a).values, params={"AngII": a})
                     for a in ds.AngII.values], axis=-1)  # (K_o, Mg_o, AngII)
    step = aldo[:, 1, :] / aldo[:, 0, :]
    assert _quoted(step.min(), "0.907"), step
    assert _quoted(step.max(), "0.965"), step
    corner = bp.sweep("zg_cell", points={"K_o": [7.0, 7.5, 7.0, 7.5, 7.5, 8.0, 7.5, 8.0],
                                         "Mg_o": [0.25, 0.25, 0.5, 0.5, 0.75, 0.75, 1.0, 1.0]},
                      t_end=T_END, warmup=WARMUP, metrics=["spike_rate", "mean_Ca_i"],
                      progress=False)
    rate = corner.spike_rate.values
    assert np.all(rate[0::2] > 0.0), rate  # fires below the edge
    assert np.all(rate[1::2] == 0.0), rate  # no spike counted at and above it
    a = zg.synthesis_rate(corner.mean_Ca_i.values)
    rise = 100.0 * (a[1::2] / a[0::2] - 1.0)
    assert _quoted(rise.min(), "7"), rise
    assert _quoted(rise.max(), "11"), rise


def test_knockouts_at_4_mM():
    """Cell 10 (4 mM K_o): the TASK knockout's mean potential about 16 mV above the wild type's
    rest and x2.4 its aldosterone; without CaV3.2 the TASK-less cell fires at 0.75 Hz with 546 nM
    Ca2+ (the knockout: 239 nM); without CaV3.2 and CaV1.3 it is silent at -46.5 mV with less
    Ca2+ than the wild type."""
    cases = [{}, zg.task_knockout(), zg.task_knockout({"P_CaT": 0.0}),
             zg.task_knockout({"P_CaT": 0.0, "P_CaL": 0.0})]
    s = _steady([{"K_o": 4.0, **c} for c in cases])
    assert _silent(s, 0) and s.spike_rate[1] > 1.0, "precondition: wild type rests, KO fires"
    assert _quoted(s.mean_V[1] - s.mean_V[0], "16"), s.mean_V
    assert _quoted(s.aldosterone_rate[1] / s.aldosterone_rate[0], "2.4")
    assert _quoted(s.spike_rate[2], "0.75"), s.spike_rate[2]
    assert _quoted(s.mean_Ca_i[2] * 1e6, "546"), s.mean_Ca_i[2]
    assert _quoted(s.mean_Ca_i[1] * 1e6, "239"), s.mean_Ca_i[1]
    assert _silent(s, 3), s.spike_rate[3]
    assert _quoted(s.mean_V[3], "-46.5"), s.mean_V[3]
    assert s.mean_Ca_i[3] < s.mean_Ca_i[0]


def test_cav32_knockout_and_angii_thresholds():
    """Cell 12 (4 mM K_o, TASK intact): the CaV3.2 knockout rests without Ang II and fires with
    1 nM (0.6 Hz, peaks above 0 mV), as the wild type does; with CaV1.3 removed too it stays
    silent with 1 nM, with less Ca2+ than the knockout without Ang II. The wild type is silent
    at 0.15 nM and fires at 0.2 nM; the knockout is silent at 0.2 nM and fires at 0.3 nM,
    without the pump inhibition (f_NaK_AngII = 0) silent at 0.4 nM and firing at 0.5 nM. The
    silent wild type at 0.15 nM makes x6.5 the output of the wild type at rest, the silent
    knockout at 0.2 nM x3.3. The mechanism quoted: the nanodomain inactivation of CaV1.3 (c_TL)
    is partial in the resting wild type and absent without CaV3.2."""
    ko = zg.cav32_knockout
    conds = [{"K_o": 4.0}, ko({"K_o": 4.0}), ko({"K_o": 4.0, "AngII": 1000.0}),
             ko({"K_o": 4.0, "AngII": 1000.0, "P_CaL": 0.0}),
             {"K_o": 4.0, "AngII": 150.0}, {"K_o": 4.0, "AngII": 200.0},
             ko({"K_o": 4.0, "AngII": 200.0}), ko({"K_o": 4.0, "AngII": 300.0}),
             ko({"K_o": 4.0, "AngII": 400.0, "f_NaK_AngII": 0.0}),
             ko({"K_o": 4.0, "AngII": 500.0, "f_NaK_AngII": 0.0}),
             {"K_o": 4.0, "AngII": 1000.0}]
    s = _steady(conds)
    assert _silent(s, 0) and _silent(s, 1)
    assert _quoted(s.spike_rate[2], "0.6") and s.max_V[2] > 0.0, (s.spike_rate[2], s.max_V[2])
    assert s.spike_rate[10] > 0.0, s.spike_rate[10]  # the wild type with 1 nM
    assert _silent(s, 3) and s.mean_Ca_i[3] < s.mean_Ca_i[1]
    for silent, firing in ((4, 5), (6, 7), (8, 9)):
        assert _silent(s, silent), (silent, s.spike_rate[silent])
        assert s.spike_rate[firing] > 0.0, (firing, s.spike_rate[firing])
    a = s.aldosterone_rate / s.aldosterone_rate[0]
    assert _quoted(a[4], "6.5"), a[4]
    assert _quoted(a[6], "3.3"), a[6]
    c_tl = bp.model("zg_cell").state_names.index("c_TL")
    assert s.final_states[c_tl, 0] < 0.9 and s.final_states[c_tl, 1] > 1.0 - 1e-9


def test_task_knockout_in_both_calibrations():
    """Cell 14 (4 mM K_o, burst_metrics over 12-42 s from rest): the default knockout bursts, 14
    spikes at 10.2 Hz, silences of 1.25 s near -80 mV, period 2.53 s; the tonic calibration's
    fires tonically at 8.7 Hz."""
    runs = {"default": (zg.task_knockout({"K_o": 4.0}), None),
            "tonic": (zg.task_knockout(zg.tonic_calibration({"K_o": 4.0})), TONIC_REST)}
    stats = {}
    for name, (params, init) in runs.items():
        ds = bp.simulate("zg_cell", t_end=42_000.0, params=params, initial=init, record=["V"],
                         record_every=1.0)
        stats[name] = bp.analysis.burst_metrics(ds, t_start=12_000.0)
    b = stats["default"]
    assert b.kind == "bursting", b.as_dict()
    assert _quoted(b.spikes_per_burst, "14"), b.as_dict()
    assert _quoted(b.intraburst_frequency, "10.2"), b.as_dict()
    assert _quoted(b.silent_phase / 1000.0, "1.25"), b.as_dict()
    assert _quoted(b.silent_V_mean, "-80"), b.as_dict()
    assert _quoted(b.period / 1000.0, "2.53"), b.as_dict()
    t = stats["tonic"]
    assert t.kind == "continuous", t.as_dict()
    assert _quoted(t.spike_rate, "8.7"), t.as_dict()


def test_tonic_calibration_across_K_o():
    """Cell 16 (60-s runs from its rest): the tonic calibration fires from 4.5 mM K_o (silent at
    4.25 mM), is silent and depolarised from 8 mM up, its synthesis x3.6 at 7.5 mM and x5.9 at 8
    mM (relative to 2.5 mM); brought down from its 8 mM state to 7.5 mM it stays depolarised and
    silent, at x5.3."""
    tonic = zg.tonic_calibration()
    K = [2.5, 4.0, 4.25, 4.5, 7.5, 8.0, 9.0, 10.0]
    s = _steady([{"K_o": k} for k in K], params=tonic, initial=TONIC_REST)
    i = {k: j for j, k in enumerate(K)}
    assert _silent(s, i[4.25]) and s.spike_rate[i[4.5]] > 0.0, s.spike_rate
    for k in (8.0, 9.0, 10.0):
        assert _silent(s, i[k]), (k, s.spike_rate[i[k]])
        assert s.mean_V[i[k]] > s.mean_V[i[4.0]] + 10.0, (k, s.mean_V[i[k]])
    a = s.aldosterone_rate / s.aldosterone_rate[i[2.5]]
    assert _quoted(a[i[7.5]], "3.6"), a[i[7.5]]
    assert _quoted(a[i[8.0]], "5.9"), a[i[8.0]]
    down = _steady([{"K_o": 7.5}], params=tonic, initial=_state(s, i[8.0]))
    assert _silent(down, 0), down.spike_rate
    assert _quoted(down.aldosterone_rate[0] / s.aldosterone_rate[i[2.5]], "5.3")
