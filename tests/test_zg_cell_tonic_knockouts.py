"""The knockouts of the tonic calibration of ``zg_cell`` (issue 5;
:func:`biophys.zg.tonic_calibration`), the search for its TASK knockout's bursting, and the
fixed step against LSODA and Radau on their firing.

Split from tests/test_zg_cell_tonic.py, whose docstring records how the calibration was fitted
(steps 1-9, to which "step" below refers) and which holds the wild type's checks (rest, K_o
series, aldosterone ratios, Ang II). As there, every run applies
:data:`biophys.models.zg_cell.TONIC` and starts from its rest,
:data:`biophys.models.zg_cell.TONIC_REST`, and the time-averaged read-outs come from the one
ensemble run both modules share (tests/zg_tonic_common.py). Here: the TASK knockout
(``P_TASK`` = 0; it fires and raises aldosterone, and departs from the data in two strict
xfails), the L-type backup, the CaV3.2 knockout (:func:`biophys.zg.cav32_knockout`, fitted in
steps 5 and 6), and the default fixed step against LSODA (rtol 1e-9) and Radau.

Not achieved: burst grouping of the TASK knockout's spikes (it fires tonically, 8.7 Hz at 4 mM
K_o; slices show bursts, PMC10167771; strict xfail :func:`test_task_knockout_bursts`). Probes
run on the calibration of step 8 (before the pump of step 9), none kept (scripts not in the
repository):

- An added slow K(Ca) gate, ``s' = (hill(Ca_i) - s)/tau``, with conductance 0.1-6 mS/cm^2,
  half-activation 90-400 nM, Hill 4 or 8, tau 0.3-5 s and ``g_Kir`` up to 10x: 393
  combinations. It only slows the knockout's rate (adaptation) or silences it. No
  combination showed a rest state beside spiking, which square-wave bursting needs.
- A K(Ca) reading a lagged Ca2+ (``Ca_s' = (Ca_i - Ca_s)/tau``, steep Hill on ``Ca_s``), with
  0.1-2 mS/cm^2, 150-220 nM, Hill 4 or 8 and tau 0.3-3 s (90 combinations): tonic in every
  case.
- Slow inactivation of the Ca2+ channels (session 19): a gate ``s' = (s_inf - s)/tau``
  scaling ``P_CaT`` or ``P_CaL``, voltage dependent (half-inactivation -80 to -50 mV, slope 3-6
  mV, tau 0.5-4 s; 30 combinations on CaV3.2, 8 on CaV1.3) or Ca2+ dependent (half 0.2-0.5
  uM, Hill 4, tau 1-4 s, on CaV1.3 alone or on both; 12). The knockout stays tonic (8.3-9.5
  Hz, mean Ca2+ 175-190 nM) even where the gate takes 38% of a channel away: its rate is set by
  K(Ca) and the clearance of each spike's Ca2+, not by channel availability (without CaV3.2 it
  still fires at 4.7 Hz, without CaV1.3 at 12.4 Hz).
- Slower cytosolic Ca2+ for every Ca2+-dependent process (``f_i`` 0.002, with ``g_KCa`` 1
  mS/cm^2, ``K_KCa`` 0.2 uM, ``n_KCa`` 8) makes the knockout burst: 4 spikes per burst, period
  1.9 s. But it fails 13 of 46 checks of the assertions of both modules, among them the CaV3.2
  knockout's Ang II responses and the slow onset at 4.5 mM, and a least-squares refit of
  the read-out misses a ratio by 57%.

Why they fail was worked out in session 9 (CHANGELOG): each spike's after-hyperpolarisation
reaches -93 mV, below any resting state, and every process that outlasts a spike opposes
firing. The one bistable candidate then was a Kir3.4 whose block relaxes over 1-3 s (an
unverified time constant), which breaks the wild type's K_o series. The numbers of session 15
agree (knockout at 4 mM K_o, gates at steady state, bulk Ca2+ held fixed). With Ca2+ at 50-100
nM there is no equilibrium below -40 mV: at -85 mV the Na+ leak (2.3 uA/cm^2) and the CaV3.2
window current (0.8) outweigh the pump, TREK and Kir currents (0.8 together). A rest state
appears only from about 175 nM Ca2+, held by K(Ca), so the Ca2+ of each spike is its recovery
variable. The ``g_Kir`` of the first probe above went only up to 0.05 mS/cm^2, too small to
matter. An instantaneous Kir does hold a rest state, but there is no hysteresis. Raising
``g_Kir`` from 0.60 to 0.66 mS/cm^2 (120-132x the calibrated value) lowers the knockout's rate
continuously: 1.40, 1.16, 0.92, then 0.64 Hz. From about 0.677 it is silent. The rates are the
same whether each step starts from the spiking or from the resting state: firing starts on an
invariant circle. A slow negative feedback can then only move the cell along this curve, which
is the adaptation the first two probes found. What is left is a slow positive feedback beside a
slow negative one. The slowly unblocking Kir of session 9 is one. Session 16 tried another: K+
accumulating in a cleft (Frankenhaeuser-Hodgkin space: width 10-1000 nm, clearance 0.1-10 s;
every K+ current, the pump and E_K see the cleft). Alone it only raises the rate, or at strong
accumulation holds the cell depolarised and silent (-48 to -56 mV, 0.4-3 uM Ca2+). With a
frozen slow K(Ca) (0.1-0.6 mS/cm^2; 280 combinations, started at rest and with cleft K+
raised) a rest state coexists only with that depolarised state, never with spiking; with a
dynamic one (144 combinations) the knockout stays tonic or silent. No ZG measurement of
either was retrieved.

Session 22 (on the calibration of step 9, scratch simulator checked against the kernel's
``rates``) made cytosolic Na+ a state: leak, 3 x pump and 3 x exchanger currents, Na+ space
1-0.003 of the cytosol, pump Na+ affinity x1-x2 with I_NaK_max rescaled to keep the resting
pump current (18 runs). The knockout stays tonic (8.88-8.98 Hz, interspike-interval CV <=
0.001). Firing lowers Na_i (at 10 mM Na_i the firing cell loses 0.64 uA/cm^2 of Na+ current,
a silenced one gains 0.66, because the pump is Ca2+-stimulated), so Na+ is a slow positive
feedback, but without hysteresis: held with -0.5 to -3 uA/cm^2, started from spiking or from
rest, the knockout reaches the same state (1.2 Hz at -1.75, silent at -1.77). In the wild type
dynamic Na_i keeps the rest (-85.13 mV at 4 mM) but raises every rate by 10-100% (2.12 Hz at 5
mM K_o, above the 2 Hz bound of tests/test_zg_cell_tonic.py::test_oscillation_onset_with_K_o)
and largely undoes the Ang II pump action of step 6 (25 pM: 0.02 Hz instead of 0.15), so it
is not adopted.

Session 23 tried the two-slow-variable (parabolic) route: dynamic Na_i (the slow positive
feedback above) with one slower negative feedback, in the same scratch simulator (checked: the
knockout's 8.7000 Hz equals ``biophys.simulate``'s; Na+ bookkeeping to 6e-4). (a) A slow K(Ca)
gate (0.05-2 mS/cm^2, half 0.1-0.4 uM, Hill 4, tau 2-10x the Na_i relaxation time of 16.5 s x
the Na+ space fraction; 100 runs) and (b) slow voltage-dependent CaV3.2 inactivation (half -90
to -55 mV; 28 runs): 112 tonic (ISI CV <= 0.0006), 16 silent, none bursting; the slow pair
never oscillated. Near firing onset the slow K(Ca) is no negative feedback: mean Ca2+ at rest
(87-90 nM, held by the CaV3.2 window current) is as high as in slow firing, so K(Ca) and Na_i
both push the cell further into the state it is in. New on this calibration: with the gate at
0.1 uM and 0.50-0.55 mS/cm^2, rest and tonic spiking coexist (1.76 Hz or silent at -83.6 mV,
by start; also with Na_i fixed), contrary to the first probe above (run on step 8).
A second session-23 probe (Na_i fixed) added to that bistable gate (s1; with tau 1 s bistable
at 0.55 but not 0.50 mS/cm^2) a slower K(Ca) s2 that opens more during firing (half 0.25-0.4 uM,
tau 20-50 s). With Hill 4 (66 runs) the knockout was tonic or silent. With Hill 6-8, s1 at
0.35 mS/cm^2, s2 half 0.25 uM and g2 s2 between 0.04 and 0.10 mS/cm^2, 10 of 12 runs burst by
the probe's classifier and 6 of them also by the burst analysis of the earlier probes (the
other 4 spike in irregular clusters): periods 38-87 s, 12-64 spikes per burst at about 2 Hz,
active fraction 0.11-0.58, mean Ca2+ 86-89 nM. With Hill 4 it bursts only at s1 0.25
mS/cm^2 (3 runs; e.g. 60 spikes per burst, period 67.6 s). But the wild type with either
burster's gates is silent at 4, 5, 6 and 7.5 mM K_o (rest -87.06 mV at 4 mM): s1, half-active
at 0.1 uM, is partly open at resting Ca2+. So it is not adopted; a refit that restores the wild
type's K_o series was not tried.

Session 24 tried the last candidate named above, a slow positive feedback that leaves the wild
type's rest alone: a Kv1.4-type A-current (human ZG cells express Kv1.4) whose inactivation
recovers slowly (0.5-5 s; no source for seconds was found), closed at -85 mV, accumulating
inactivation during firing, with a slow K(Ca) s2 to end bursts (672 knockout runs; scripts in
``/work/scratch/s24/atype``, not in the repository). With the Channelpedia Kv1.4 gating
(Ranjan et al. 2019: activation -17.5 mV, inactivation -35.3 mV) the knockout stays tonic
(8.6-9.1 Hz): between spikes it sits where this current is closed. With the shallower oocyte
gating of Stuhmer et al. 1989 (EMBO J 8:3235: activation -21.7 mV, slope 16.9 mV,
inactivation -73.6 mV) a little A-current is open near -83 mV, rest and firing coexist
(g_A 6-9 mS/cm^2) and, with s2 (half 0.25-0.3 uM, Hill 6, tau 30-100 s), the knockout bursts
regularly: 144-246 spikes per burst, periods 112-172 s, active fraction 0.40-0.69. But the
firing rate falls along the burst to 2.6-3.2 Hz (not 8.7), mean Ca2+ is 101-105 nM and the
knockout's aldosterone ratio x1.25-1.30 (x2.4 needs a mean Ca2+ of at least 182 nM, the tonic
knockout's level, so any burster with long silences falls short under this read-out); and the
wild type with the same currents is silent at every K_o from 2.5 to 7.5 mM (-88.4 mV at 4 mM;
rescaling P_TASK to restore -85 mV leaves it silent at 4.5-7.5 mM). Not adopted. Both routes
found so far (K(Ca) and A-current bistability) fail the same three ways: the bistability sits
within 2-3 mV of the wild type's rest, the burst terminator is stronger in the firing wild
type (135-205 nM Ca2+ at 6-7.5 mM K_o) than at the knockout's burst Ca2+ (about 108 nM), and
the firing branch slows towards its end so that mean Ca2+ stays low.

Session 28 tried a slow oscillator that needs no rest/spike bistability (slow-wave bursting):
an ER Ca2+ store, filled by a SERCA (Hill 2, 0.2-0.4 uM) and emptied by a leak and a Ca2+-
activated release channel (Hill 4) with slow Ca2+-dependent inactivation (0.5-20 s) and
optionally a luminal Ca2+ gate; each release opens the existing K(Ca) and pauses firing
(scratch simulator matching ``zg.steady_state`` to every printed digit with the store off;
402 knockout runs, 231 wild-type runs; scripts in ``/work/scratch/s28/er``, not in the
repository). The knockout bursts by the probes' classifier in 63 sets (e.g. period 2.65 s,
24 spikes per burst at 10.5 Hz, active fraction 0.83), but only with a SERCA 3-8x the PMCA's
capacity, and the bursts are tonic firing with 0.3-0.45 s pauses (longer silences only with
6-18 uM release peaks). The wild type keeps its rest (-85.08 mV at 4 mM; the store starts at
its resting fixed point) but fires at 0.9-1.2 Hz at 4.5 mM K_o instead of 0.22 Hz, even
where the store never releases (the SERCA's buffering), and makes 1.5-3.7 uM release events at
6-7.5 mM, whose Ca2+ (196 nM tonic at 7.5 mM) is that of the firing knockout (189 nM): a store
that reads only Ca_i cannot tell them apart. The knockout's mean Ca2+ rises to 277 nM (the
read-out would need a refit). P_CaT x0.8 or a larger g_KCa do not restore the slow onset.
Not adopted.

Session 35 tried pseudo-plateau bursting, the pituitary mechanism (Tabak et al. 2011 J
Neurosci 31:16855: a fast BK current, gate half-activation -20 mV, slope 2 mV, tau 5 ms, as in
a public NEURON reimplementation, turns spikes into plateau bursts); BK is expressed in ZG cells
(BK-/- mice have hyperaldosteronism, Sausbier et al. 2005). A BK gate and, optionally, a slow
Ca2+-gated SK gate were added to a copy of the kernel (about 5 500 knockout runs of 30 s; about
1 000 wild-type checks; scripts in ``/work/scratch/s35/bk``, not in the repository). (a) BK beside
the shipped K(Ca) (g_BK 0.5-64 mS/cm^2, half-activation -40 to 0 mV, tau 1-5 ms; 312 runs):
tonic in every run, 8.2-11.4 Hz. BK truncates the spike (peaks of +13 to -35 mV), but the
instantaneous K(Ca), not the Kv, ends it, and a truncated spike lets in as much Ca2+ (182-207 nM
mean), so each spike still ends in the -93 mV after-hyperpolarisation. With any instantaneous
K(Ca) of 0.5 mS/cm^2 or more (half 380 nM, Hill 4; 1 728 runs) no event lasted beyond 24 ms.
(b) With that K(Ca) desensitised (10 mS/cm^2, half 1.5 uM), a slow SK gate (1 mS/cm^2, half 0.7
uM, Hill 2, tau 1 s) and a strong BK (4 mS/cm^2, half-activation -30 mV) the knockout bursts as
a pseudo-plateau cell: a spike truncated near -10 mV, then a -45 to -50 mV plateau of 403 ms
with damped oscillations (3 peaks), period 710 ms, active fraction 0.57, mean Ca2+ 279 nM,
carried by the CaV3.2 window current against SK. But the same change breaks the wild type:
6 tests of the two modules fail (0.78 Hz at 4.5 mM K_o, no after-hyperpolarisation
below the rest at 5 mM, firing at 8 mM (in all 432 quick checks), the CaV3.2 knockout at 1.06 Hz
with 1 nM Ang II and 0.5 Hz at 0.3 nM, and, with the shipped read-out, the canine K_o 7.5
ratio x4.07 and the TASK-knockout ratio x3.98; a refit of the read-out misses a ratio by 17.8%
at best). The reason is the one of the slower-Ca2+ probe above: Ca2+ is the wild type's spike
terminator (a fast K(Ca) near 300 nM gives its after-hyperpolarisation and holds the 8 mM
steady state) and is too fast to be the slow variable of a plateau; the slow SK that makes the
plateau removes both. Not adopted.

Session 41 tried the split named in session 35's conclusion: a submembrane Ca2+ compartment
(``Ca_sm``: volume fraction 0.01-0.3 of the cytosol, chosen here; exchange with bulk Ca2+ over
2-500 ms, around the 1-10 ms of submembrane shells in the Destexhe cad.mod notes and the 5 ms
of Chen et al. 2008) that receives the channels' Ca2+ and feeds the fast K(Ca) (and, by switch,
the CaV1.3 inactivation, PMCA and exchanger), with bulk Ca2+ (buffering ``f_i`` 0.002-0.01)
driving a slow SK-like gate (0-4 mS/cm^2, half 0.2-0.45 uM, tau 5 ms-2 s) and the aldosterone
read-out; an extra high-threshold K(Ca) on ``Ca_sm`` in some screens (scratch clone checked
against the shipped numbers: knockout 8.67 Hz, wild type 0.22/1.50/4.28/9.22 Hz; 3 164
parameter sets, 21 488 runs of 30 s; scripts in ``/work/scratch/s41/split``, not in the
repository). Knockout "bursts" appear in 255 sets and the wild type's K_o series survives in 12,
never both. The bursters are session 35's pseudo-plateaus (one or two spikes, then a -45 to
-50 mV plateau with damped oscillations, about 1.5 s at -92 mV; e.g. period 1.9 s, 190 nM,
x2.62 with the shipped read-out), found only with a desensitised terminator (3-10 uM) or a slow
bulk (``f_i`` <= 0.004); then the wild type loses its slow onset (under 0.5 Hz at 4.5 mM K_o in
1 of the 255; 0.7-1 Hz in the best three, which also fire at 8 mM), and those three's CaV3.2
knockout fails its Ang II checks. With the shipped Ca2+ handling kept, the
slow SK on bulk Ca2+ only slows the knockout (the adaptation of the first probes). A split
does not separate the K(Ca)'s two roles, spike terminator and sensitive recovery variable. Not
adopted.

Session 46 refitted the model judged on the published data alone (not on the fitted numbers
of this calibration: the onset below 0.5 Hz at 4.5 mM, 0.5-2 Hz at 5 mM, 5-12 Hz at 7.5 mM,
silence at 8 mM, the after-hyperpolarisation below the rest), with a K(Ca) gated by CaV3.2
nanodomains and a slow SK-like K(Ca) added to the kernel (off here). The result, in which the
TASK knockout bursts, was offered as a second calibration (sessions 46-48) and became the
default in session 49 (``tests/test_zg_cell.py``, whose docstring records the searches and its
thin margins); this calibration is unchanged.
"""

from __future__ import annotations

import numpy as np
import pytest
from zg_cell_data import CONDITIONS, RATIO_TOL, TASK3_KO_V, TASK_KO_RATIO
from zg_tonic_common import MODEL, TONIC, tonic_runs
from zg_tonic_common import run_value as _get

import biophys as bp
from biophys import zg
from biophys.models.zg_cell import TONIC_REST
from biophys.reference import solve


@pytest.fixture(scope="module")
def runs():
    """The ensemble run of every condition of :data:`CONDITIONS`, shared with
    tests/test_zg_cell_tonic.py (:func:`zg_tonic_common.tonic_runs`)."""
    return tonic_runs()


# -- TASK and CaV3.2 knockouts -----------------------------------------------------------------
def test_task_knockout_fires_and_raises_aldosterone(runs):
    assert _get(runs, "spike_rate", "K4") == 0.0
    assert _get(runs, "spike_rate", "KO") > 1.0
    assert _get(runs, "max_V", "KO") > -30.0  # CaV3.2-driven spikes, not a ripple
    ratio = _get(runs, "aldosterone_rate", "KO") / _get(runs, "aldosterone_rate", "K4")
    assert ratio == pytest.approx(TASK_KO_RATIO, rel=RATIO_TOL)
    # Ang II acts mainly on TASK: without TASK little of its electrical effect is left
    # (PMC10167771: TASK-LOF activity is unresponsive to Ang II); 1 nM Ang II turns the silent
    # wild type into a 7.6 Hz oscillator, while the TASK knockout only speeds up through the
    # pump inhibition (f_NaK_AngII; measured +8.3% in rate, +5.8% in mean Ca2+). The synthesis
    # read-out still responds
    rate_ko = _get(runs, "spike_rate", "KO")
    assert _get(runs, "spike_rate", "KO_AngII") == pytest.approx(rate_ko, rel=0.1)
    assert _get(runs, "mean_Ca_i", "KO_AngII") == pytest.approx(_get(runs, "mean_Ca_i", "KO"),
                                                                rel=0.1)
    assert _get(runs, "spike_rate", "A1nM") - _get(runs, "spike_rate", "K4") > 5.0 * abs(
        _get(runs, "spike_rate", "KO_AngII") - rate_ko)


@pytest.mark.xfail(strict=True, raises=AssertionError,
                   reason="the tonic calibration's TASK knockout fires tonically (8.7 Hz "
                   "at 4 mM K_o): it bursts in the default calibration "
                   "(tests/test_zg_cell.py)")
def test_task_knockout_bursts():
    """The issue's validation item: loss of the background K+ channels gives spontaneous
    oscillatory bursting (zG-TASK loss of function and TASK inhibition in mouse adrenal slices,
    PMC10167771). The model departs (the module docstring records the mechanisms probed):
    its knockout spikes without a silence longer than the model's ``burst_gap`` (1 s), which
    :func:`biophys.analysis.burst_metrics` calls ``"continuous"``. Asserted: ``"bursting"``
    (at least two burst starts separated by silences of more than 1 s) over 30 s after a 12 s
    warm-up."""
    ds = bp.simulate("zg_cell", 42000.0, params={**TONIC, "K_o": 4.0, "P_TASK": 0.0},
                     initial=TONIC_REST, record=("V",), record_every=1.0)
    stats = bp.analysis.burst_metrics(ds, t_start=12000.0)
    if stats.n_spikes < 30:  # precondition, the firing knockout of the test above: not the xfail
        pytest.fail(f"the knockout fired {stats.n_spikes} spikes in 30 s, not tonically")
    assert stats.kind == "bursting", stats.as_dict()


@pytest.mark.xfail(strict=True, raises=AssertionError,
                   reason="the tonic calibration's TASK knockout is a spiking oscillator "
                   "whose mean V is 4 mV above the wild type's rest, not a cell depolarised "
                   "by ~27 mV (the default calibration's: 16.1 mV, "
                   "tests/test_zg_cell.py)")
def test_task_loss_depolarises_the_cell(runs):
    """Loss of TASK3 depolarises isolated mouse adrenocortical cells by 27 mV
    (:data:`TASK3_KO_V`). The model departs: without TASK (``P_TASK`` = 0, TASK-1 and TASK-3
    lumped, so a larger loss than TASK3's alone) it fires, and each spike's K(Ca)
    after-hyperpolarisation to -93 mV keeps its time-averaged V at -81.0 mV, 4 mV above the
    wild type (measured). Asserted: at least half of the published depolarisation."""
    v_wt = _get(runs, "mean_V", "K4")
    if abs(v_wt + 85.0) > 0.5:  # precondition, the calibrated resting cell: not the xfail
        pytest.fail(f"wild type at {v_wt:.2f} mV, not the calibrated -85 mV")
    published = TASK3_KO_V[0] - TASK3_KO_V[1]
    assert _get(runs, "mean_V", "KO") - v_wt > 0.5 * published


def test_l_type_backup(runs):
    """Without CaV3.2 the cell still fires through CaV1.3; blocking both abolishes the rise."""
    assert _get(runs, "spike_rate", "KOnoT") > 0.5
    assert _get(runs, "mean_Ca_i", "KOnoT") > 1.2 * _get(runs, "mean_Ca_i", "K4")
    assert _get(runs, "spike_rate", "KOnoTL") == 0.0
    assert _get(runs, "mean_Ca_i", "KOnoTL") < _get(runs, "mean_Ca_i", "K4")


def test_cav32_knockout_oscillates_through_cav13(runs):
    """Dinh et al. (Cacna1h-/- mouse glomerulosa, abstract only): without CaV3.2 the cells
    still oscillate, through L-type channels, at Ang II concentrations similar to the wild
    type, with no compensatory up-regulation; only T + L block abolishes the Ang II-evoked
    Ca2+ rise. The knockout here is P_CaT = 0 with TASK intact (biophys.zg.cav32_knockout).
    Like the wild type, it rests at 4 mM K_o, and 1 nM Ang II (the condition that makes the
    wild type oscillate, test_angii_1nM_aldosterone) evokes repetitive spikes, here through
    CaV1.3 (fitted here: P_CaL, dV_L_act, I_T_CDI). The window of 18 s after the warm-up
    holds about 74 spikes (4.1 Hz; the wild type: 7.6 Hz). The Ang II threshold:
    test_cav32_knockout_angii_threshold."""
    ko = zg.cav32_knockout({"K_o": 10.0})
    assert ko == {"K_o": 10.0, "P_CaT": 0.0}
    # 4 mM K_o: the knockout rests (2.1 mV below the wild type, whose CaV3.2 window current
    # it lacks); 1 nM Ang II evokes repetitive CaV1.3 spikes, as in the wild type
    assert _get(runs, "spike_rate", "T0_K4") == 0.0
    assert _get(runs, "max_V", "T0_K4") - _get(runs, "min_V", "T0_K4") < 0.1
    assert _get(runs, "mean_V", "T0_K4") < _get(runs, "mean_V", "K4")
    assert _get(runs, "spike_rate", "A1nM") > 1.0
    assert _get(runs, "spike_rate", "T0_K4_A") > 1.5  # > 27 spikes in 18 s
    assert _get(runs, "max_V", "T0_K4_A") > 0.0  # full spikes, not a ripple
    # the Ang II Ca2+ rise: more than 5x the resting knockout's Ca2+ (Ca2+ transients of each
    # spike: test_cav32_knockout_fixed_step_matches_lsoda)
    assert _get(runs, "mean_Ca_i", "T0_K4_A") > 5.0 * _get(runs, "mean_Ca_i", "T0_K4")
    # still at 10 mM K_o with 1 nM Ang II
    assert _get(runs, "spike_rate", "T0_K10_A") > 2.0
    assert _get(runs, "max_V", "T0_K10_A") > 0.0
    # CaV1.3 removed as well (T + L): silent, and Ang II no longer raises Ca2+ (less than 5%)
    for key in ("T0L0_K4", "T0L0_K4_A"):
        assert _get(runs, "spike_rate", key) == 0.0
        assert _get(runs, "max_V", key) - _get(runs, "min_V", key) < 0.1
    assert _get(runs, "mean_Ca_i", "T0L0_K4_A") < 1.05 * _get(runs, "mean_Ca_i", "T0L0_K4")
    # the mechanism: CaV3.2 nanodomains inactivate most CaV1.3 in the intact resting cell
    # (state c_TL); without CaV3.2 all of it is available
    idx, ss = runs
    c_tl = MODEL.state_names.index("c_TL")
    assert ss.final_states[c_tl, idx["K4"]] < 0.5
    assert ss.final_states[c_tl, idx["T0_K4"]] == pytest.approx(1.0, abs=1e-9)
    # and that masking is what keeps the intact cell in its depolarised steady state at 8 mM
    assert _get(runs, "spike_rate", "K8") == 0.0
    assert _get(runs, "spike_rate", "K8_noTL") > 1.0


def test_cav32_knockout_fixed_step_matches_lsoda(runs):
    """The knockout's CaV1.3 spikes (4 mM K_o, 1 nM Ang II) against LSODA (rtol 1e-9), with
    Ca2+ transients (over the 2 s, peak at least 4x the trough; measured 6.2x). The CaV1.3
    spike (peak about +37 mV) is sharper than the CaV3.2-driven ones: the default step (0.05
    ms) gives the interval and the mean Ca2+ within 0.5% (measured 0.31% and 0.37%; second
    order: 0.09% and 0.11% at 0.025 ms), dt = 0.0125 ms within 0.1% (measured 0.02% and
    0.03%)."""
    ds = _compare_with_lsoda(runs, 2000.0, "LSODA", key="T0_K4_A", rel=5e-3)
    assert ds.V.values.max() > 0.0
    assert ds.Ca_i.values.max() > 4.0 * ds.Ca_i.values.min()
    _compare_with_lsoda(runs, 2000.0, "LSODA", key="T0_K4_A", dt=0.0125)


def test_cav32_knockout_angii_threshold(runs):
    """The CaV3.2 knockout (TASK intact, 4 mM K_o) fires with 0.3 nM Ang II and rests with
    0.2 nM and without Ang II (threshold 0.22-0.225 nM; the wild type fires from 20-25 pM).
    Dinh et al. report knockout oscillations at Ang II concentrations similar to the wild
    type's (the lab's raw, unpublished slice notebooks: Cacna1h-/- cells spiking at 200-500
    pM). What brings the knockout there is the second Ang II action, the pump inhibition
    (f_NaK_AngII): without it the knockout is silent at 0.3 nM (its threshold 0.35-0.355 nM).
    The spikes at 0.3 nM are checked against LSODA (rtol 1e-9) at dt = 0.0125 ms to 0.1%
    (measured 0.02% interval, 0.04% mean Ca2+; the default step: 0.25% and 0.46%)."""
    assert _get(runs, "spike_rate", "A50_K4") > 0.5  # the wild type at 50 pM: 1.2 Hz
    assert _get(runs, "spike_rate", "T0_K4") == 0.0
    for key in ("T0_K4_A200", "T0_K4_A300_pump"):
        assert _get(runs, "spike_rate", key) == 0.0
        assert _get(runs, "max_V", key) - _get(runs, "min_V", key) < 0.1  # steady, silent
    assert _get(runs, "spike_rate", "T0_K4_A300") > 1.5  # measured 3.1 Hz
    assert _get(runs, "max_V", "T0_K4_A300") > 0.0  # CaV1.3 spikes, not a ripple
    assert _get(runs, "mean_Ca_i", "T0_K4_A300") > 3.0 * _get(runs, "mean_Ca_i", "T0_K4_A300_pump")
    ds = _compare_with_lsoda(runs, 2500.0, "LSODA", key="T0_K4_A300", dt=0.0125)
    assert ds.Ca_i.values.max() > 4.0 * ds.Ca_i.values.min()


# -- numerics ----------------------------------------------------------------------------------
def _start(runs, key):
    idx, ss = runs
    y = ss.final_states[:, idx[key]]
    return dict(zip(MODEL.state_names, map(float, y), strict=True))


def _compare_with_lsoda(runs, t_end, method, key="KO", dt=None, rel=1e-3):
    prm = {**TONIC, **CONDITIONS[key]}
    init = _start(runs, key)
    ref = solve("zg_cell", t_end, params=prm, initial=init, record=("V", "Ca_i"),
                record_every=1.0, method=method, rtol=1e-9, atol=1e-12)
    ds = bp.simulate("zg_cell", t_end, dt=dt, params=prm, initial=init, record=("V", "Ca_i"),
                     record_every=1.0)
    s_ref = ref.spike_times.values
    s = ds.spike_times.values
    assert len(s_ref) >= 5 and len(s) == len(s_ref)
    # inter-spike intervals (TASK knockout ~116 ms, CaV3.2 knockout 244-328 ms) agree to rel
    # (0.1% by default); spike times drift by at most that
    isi, isi_ref = np.diff(s).mean(), np.diff(s_ref).mean()
    assert isi == pytest.approx(isi_ref, rel=rel)
    assert np.max(np.abs(s - s_ref)) < 1.0 + rel * t_end
    assert ds.Ca_i.values.mean() == pytest.approx(ref.Ca_i.values.mean(), rel=rel)
    return ds


def test_fixed_step_matches_lsoda(runs):
    """The default fixed step (dt = 0.05 ms, RL2) against LSODA (rtol 1e-9) on 2 s of firing."""
    _compare_with_lsoda(runs, 2000.0, "LSODA")


@pytest.mark.slow
def test_fixed_step_matches_radau_long(runs):
    _compare_with_lsoda(runs, 20000.0, "Radau")
