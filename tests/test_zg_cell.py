"""Tests of ``zg_cell``, the adrenal zona glomerulosa cell built for biophys (issue 5): its
default calibration, in which the TASK knockout bursts.

The model is ours (no published ZG electrophysiology model exists as code). Its first
calibration (sessions 1-45, now the tonic calibration, :func:`biophys.zg.tonic_calibration`,
tests/test_zg_cell_tonic.py, whose docstring records how its values were fitted, and
tests/test_zg_cell_tonic_knockouts.py, whose docstring records every mechanism probed for
bursting) fits, besides the published data, numbers of its own (onset of firing at 4.5 mM
K_o, below 0.5 Hz; 0.5-2 Hz at 5 mM; silence at 8 mM; an after-hyperpolarisation below the
rest), and its TASK knockout fires tonically (a strict
xfail there). Session 46 refitted the model judged on the published data alone, with two K(Ca)
gates added to the kernel (both off in the tonic calibration), session 48 refined that refit
(its PMCA and the pump's Ca2+ sensitivity, below), and session 49 made it the default
(``biophys.models.zg_cell._REFIT``: the values it changed; the others are the tonic
calibration's):

- a K(Ca) gated by the CaV3.2 nanodomains (``g_KT``, gate ``k_T`` relaxing to
  ``u/(u + I_KT_half)`` with ``u`` the inward CaV3.2 current; a hypothesis of this model, after
  the CaV3-KCa complexes of neurons: CaV3.2-KCa3.1, Engbers et al. 2012 PNAS 109:2601;
  CaV3-KCa1.1, Rehak et al. 2013 PLoS One 8:e61844), which ends CaV3.2 spikes and falls silent
  while CaV3.2 is inactivated;
- a slow SK-like K(Ca) on bulk Ca2+ (``g_SK``, ``tau_SK`` 0.69 s), which holds the silences.

With the fast bulk K(Ca) desensitised (``K_KCa`` 0.38 -> 1.87 uM, ``g_KCa`` 5 -> 0.80
mS/cm^2), a delayed rectifier 13x larger (``g_Kv`` 2.68 mS/cm^2, which with the residual fast
K(Ca) ends the CaV1.3 events of cells without CaV3.2), less CaV1.3 (``P_CaL`` 0.96e-3 cm/s,
``dV_L_act`` -16 mV as in the tonic one), a weaker Ang II pump inhibition (``f_NaK_AngII``
0.79), ``P_TASK`` and ``P_TREK`` x0.91, a less saturable PMCA (``K_PMCA`` 0.34 -> 0.55 uM,
``I_PMCA_max`` 15.6 -> 34.2 uA/cm^2: 12% less extrusion at rest, 2.2x the capacity), a pump
whose Ca2+-dependent stimulation is half-maximal at 0.12 uM (``K_NaK_Ca``, chosen, 0.3 uM in
the tonic one; ``I_NaK_max`` 128.2 -> 102.65 keeps the resting pump current) and a refitted
read-out, the TASK knockout bursts: about 14 CaV3.2 spikes at about 10 Hz, each ended by the
nanodomain K(Ca), the last ones carried on by CaV1.3, then a silence of about 1.25 s held by
the SK gate (period 2.53 s at 4 mM K_o, regular to 0.2 ms).

How it was found (scripts in the helpers' scratch directories, not in the repository). Session 46:
helper 116, 600 random knockout sets, 100 bursting; the 47 with a knockout Ca2+ of 120-460 nM
evaluated on every data check below with the read-out refitted; random local search from the best
(candidate C: dV_L_act -18 mV, silences 1.04 s, two firing branches at 7.5 mM). Then margin searches
from C (helper 117, 292 sets: the session-46 calibration "S", which kept the tonic calibration's
PMCA and pump and K_KCa 2.15 uM) and from a neighbour (helper 118, 155 sets: a PMCA with K_PMCA 0.71
uM widens the ratio margins to 6% and the silences to 1.46 s, but its knockout bursts irregularly,
2.6-3.3 s, so that fixed step and Radau agree only on averages, and its wild type fires at 17-23 Hz
at 7.5-8 mM; not adopted). With the fast K(Ca) removed entirely the knockout makes plateau bursts,
but then nothing ends a CaV1.3 event in cells without CaV3.2 (the checks of Dinh et al. below fail).
A parallel search (helper 115) with a BK gate (voltage- and Ca2+-gated, as in Tabak et al. 2011 J
Neurosci 31:16855) and the slow SK instead of the nanodomain K(Ca), and the fast K(Ca) made
high-threshold (2.75 uM, Hill 8) rather than weak, on about 1 100 sets, also passed every check
below but the depolarisation: wider margins on the ratios (7.4%) but bursts of 2-3 spikes with
silences at -90 mV, so the knockout's mean V stays 2.6 mV above the wild type's rest. Its reading of
why: the read-out rises monotonically with Ca2+, so the ratios bound the knockout's Ca2+ to about
that of the 7.5 mM cell; a knockout on a -50 to -60 mV plateau has more (300-520 nM) and breaks
them. Here the knockout's mean V is raised by its bursts, with silences near -80 mV, not by a
plateau.

Session 47 ran S through the (then default) tonic calibration's other data checks: it failed three
it had never been fitted to (aldosterone at 8.7 mM K_o under pump block, +21%; the pump's
Ca2+-dependent stimulation at 10 mM K_o, x1.34 against Yingst et al.'s about x2; Ca2+ above 1 uM
from 9 mM K_o). Three searches followed (helpers 119-121). (1) Margins, about 200 sets from S: the
less saturable PMCA with K_KCa 1.87 uM ("C7") widens them and keeps Ca2+ below 1 uM over the
envelope. (2) The failed checks, about 400 sets: none with a bursting knockout passed Yingst's check
with the pump half-stimulated at 0.3 uM: at 20 mM Na_i the bursting family's 10 mM cell fires with
145-189 nM Ca2+, where that pump gives about x1.3; the 105 sets that pass hold the cell silent near
-69 mV with a K(Ca) half-active at 0.30-0.35 uM, as the tonic calibration does, and none bursts. A
steep slow SK (Hill 8, 0.45 uM, 3.3 mS/cm^2) passes the pump-block check with a bursting knockout,
but then the knockout sits at most 12.4 mV above rest, the CaV3.2-less cells fire below 0.5 Hz and 1
nM Ang II slows the knockout 18%. (3) The pump's Ca2+ sensitivity (helper 121, about 300 sets): with
``K_NaK_Ca`` 0.12 uM on C7 Yingst's check passes (x1.79 at the firing 10 mM cell's 0.17 uM) with
every check below and the envelope. That set ("H1") is this calibration (session 48). It still fails
the pump-block check (+12.3% at full block, tests/test_zg_cell_pump_block.py; a strict xfail): a
K(Ca) clamp of the depolarised 8.7 mM cell that passes it (Hill 8-9 SK at 0.40 uM) makes 1 nM Ang II
speed the knockout 45-53% and slows the CaV3.2-less cells below 0.5 Hz (264 sets). And this
calibration passes the knockout's Ang II check as an isolated point, not inside a region: 11 of the
13 neighbouring pump settings evaluated failed it (Ca2+ +15.3 to +20.1%, or the rate).

Session 48 (helper 122, about 340 sets) probed slow voltage-dependent CaV3.2 inactivation for
the pump-block check, a gate ``s_T`` scaling ``P_CaT`` (``s_T' = (s_inf(V) - s_T)/tau``; no
published steady-state curve for it was found, only a slow recovery component of 1.5-3 s,
PMC1805809). With half-inactivation at -62 mV, slope 3 mV and 1 s on this calibration the
8.7 mM output under 30-100% block stays within 1.5% and every check below passes, but the
8.7 mM cell holds less Ca2+ (321 nM; output x3.30 of the 4 mM cell's), the knockout's ratio
lands at +9.6% and the rat's at its 7.7 limit, and beyond the envelope Ca2+ reaches 2.8 uM
at 15 mM K_o and drifts 5.5% between windows. Not adopted (its parameters are chosen, not
measured); a weaker PMCA that raises the 8.7 mM Ca2+ makes the knockout fire continuously.

Each assertion below is published data or the issue's requirement (the sources are those of
tests/zg_cell_data.py). The numbers in comments were measured with the calibration; several
margins are thin: the canine ratios land at -8.5/+9.7/-8.4/-8.5% of the targets (tolerance
10%; every calibration of the searches that passed sat there: the 5 mM cell is silent, and no
read-out gives both x2.0 and x3.5 from its Ca2+ and the 7.5 mM cell's), the rat ratio x7.58
against at most 7.7, the knockout's Ca2+ change with 1 nM Ang II (+14.3% against 15%; +14.8
to +15.8% in later windows of longer runs), its silences at 1.25 s against the 1 s gap that
separates bursts. Not kept from the tonic calibration (its own numbers, not data): firing
starts at 5.5 mM K_o (0.39 Hz) instead of 4.5 mM (it settles at 8 mM, as the tonic one does,
but only after firing for about 18 s from rest); the CaV3.2 knockout fires at 0.61 Hz with
1 nM Ang II (tonic: 4.1 Hz) and the wild type is silent with 50 pM Ang II (tonic: 1.2 Hz).

Other modules run their data checks on both calibrations: the pump's direct and
Ca2+-dependent activation by K_o (Yingst et al.) and aldosterone under pump block
(Antonipillai et al.; a strict xfail for this calibration, +12.3% at full block, which the
tonic one passes) in tests/test_zg_cell_pump_block.py, and bounded Ca2+ over and beyond the
K_o x Mg_o envelope (tests/test_zg_cell_range.py). Within the refittable parameters of this
architecture no calibration has been found that bursts and passes every data check; this one
was made the default because it passes the issue's own checks (the knockout's bursting) and
Penton et al.'s depolarisation, which the tonic one fails, and fails only the pump-block one.
"""

from __future__ import annotations

import types

import numpy as np
import pytest
from zg_cell_data import (
    CANINE,
    RAT_ANGII_1NM,
    RATIO_TOL,
    TASK3_KO_V,
    TASK_KO_RATIO,
    assert_at_rest,
    ghk_voltage,
)
from zg_cell_data import CONDITIONS as ALL_CONDITIONS

import biophys as bp
from biophys import _engine, zg
from biophys.kernels.models import zg_cell as kz
from biophys.kernels.protocol import block_parameters
from biophys.models import get_model
from biophys.models.zg_cell import CAL, REST, TONIC_REST
from biophys.reference import solve

MODEL = get_model("zg_cell")
#: the conditions (tests/zg_cell_data.py) that the data checks below need
CONDITIONS = {key: ALL_CONDITIONS[key] for key in (
    "K2", "K2.5", "K3", "K4", "K4.5", "K5", "K5.5", "K6", "K7", "K7.5", "K8",
    "A2.5", "A5", "A7.5", "A1nM", "KO", "KO_AngII", "KOnoT", "KOnoTL", "Mg10",
    "T0_K4", "T0_K4_A", "T0L0_K4", "T0L0_K4_A", "B2", "B4", "B5", "B6", "B7.5", "B8")}
OSCILLATING_K = ("K5.5", "K6", "K7", "K7.5")


@pytest.fixture(scope="module")
def runs():
    ss = zg.steady_state(list(CONDITIONS.values()), t_end=30000.0, warmup=12000.0)
    assert (ss.status == 0).all()
    return {k: j for j, k in enumerate(CONDITIONS)}, ss


def _get(runs, field, key):
    idx, ss = runs
    return float(getattr(ss, field)[idx[key]])


def _silent(runs, key):
    return (_get(runs, "spike_rate", key) == 0.0
            and _get(runs, "max_V", key) - _get(runs, "min_V", key) < 0.1)


# -- the calibration and the tonic one ----------------------------------------------------------
def test_default_and_tonic_calibrations():
    """The defaults are CAL (the tonic calibration's values with the refitted ones); the tonic
    overrides are the declared TONIC values, under the caller's, with both new K(Ca) gates
    off; with those off, the gates' other parameters change nothing (bit for bit)."""
    from biophys.models.zg_cell import _REFIT, CAL, TONIC

    assert {n: MODEL.parameter(n).value for n in CAL} == CAL
    assert set(TONIC) <= set(_REFIT) and all(CAL[n] != v for n, v in TONIC.items())
    tonic = zg.tonic_calibration({"K_o": 4.0, "g_SK": 1.0})
    assert tonic["K_o"] == 4.0 and tonic["g_SK"] == 1.0 and tonic["g_KT"] == 0.0
    assert TONIC["g_KT"] == 0.0 and TONIC["g_SK"] == 0.0 < CAL["g_KT"] and CAL["g_SK"] > 0.0
    assert zg.task_knockout(zg.tonic_calibration())["P_TASK"] == 0.0
    prm = zg.tonic_calibration({"P_TASK": 0.0})
    other = {"I_KT_half": 5.0, "tau_KT": 50.0, "K_SK": 1e-4, "n_SK": 2.0, "tau_SK": 50.0}
    a = bp.simulate("zg_cell", 1500.0, params=prm, initial=TONIC_REST, record=("V", "Ca_i"),
                    record_every=1.0)
    b = bp.simulate("zg_cell", 1500.0, params={**prm, **other}, initial=TONIC_REST,
                    record=("V", "Ca_i"), record_every=1.0)
    assert len(a.spike_times) >= 10
    np.testing.assert_array_equal(a.V.values, b.V.values)
    np.testing.assert_array_equal(a.Ca_i.values, b.Ca_i.values)


def test_new_gates_relax_to_their_steady_states():
    """k_T relaxes to u/(u + I_KT_half) with u the inward CaV3.2 current, s_SK to the Hill
    function of bulk Ca2+, each with its time constant (kernel rates against expressions
    written here, at a depolarised state with the calibration's values)."""
    P0 = MODEL.parameter_vector({"P_TASK": 0.0})[:, None]
    P = block_parameters(kz, P0)
    y = MODEL.default_states()[:, None].copy()
    y[kz.V, 0], y[kz.MT, 0], y[kz.HT, 0], y[kz.CA, 0] = -40.0, 0.6, 0.3, 4e-4
    A = np.zeros_like(y)
    B = np.zeros_like(y)
    kz.rates(y, P, 0, 0.0, 0.0, A, B)
    out = np.zeros((len(MODEL.outputs), 1))
    kz.aux(y, P, 0, 0.0, 0.0, out)
    i_cat = out[MODEL.output_names.index("I_CaT"), 0]
    assert i_cat < -1.0
    q = {n: P0[MODEL.parameter_index(n), 0]
         for n in ("I_KT_half", "tau_KT", "K_SK", "n_SK", "tau_SK")}
    u = -i_cat
    assert A[kz.KT, 0] / B[kz.KT, 0] == pytest.approx(u / (u + q["I_KT_half"]), rel=1e-12)
    assert B[kz.KT, 0] == pytest.approx(1.0 / q["tau_KT"], rel=1e-12)
    ca = 4e-4
    s_inf = ca ** q["n_SK"] / (ca ** q["n_SK"] + q["K_SK"] ** q["n_SK"])
    assert A[kz.SSK, 0] / B[kz.SSK, 0] == pytest.approx(s_inf, rel=1e-12)
    assert B[kz.SSK, 0] == pytest.approx(1.0 / q["tau_SK"], rel=1e-12)


def test_rest_is_at_rest():
    """REST, the model's initial state, is the calibration's resting state at the default
    conditions: 10 s from it move no state by more than 1e-4 of its scale (V in mV, the rest
    relative; :func:`zg_cell_data.assert_at_rest`).

    A regression snapshot, not a data check: REST was computed by the model itself
    (integrated to rest) and is refreshed whenever the calibration changes, so this test
    detects a change to the model, not an error in it (it fails for a wrong parameter and a
    right one alike until REST is refreshed). The resting cell is checked against data and
    written-out formulas elsewhere: the -85 mV rest and the GHK tracking in
    :func:`test_rest_and_ghk_tracking`, the pump against the Na+ leak in
    :func:`test_pump_balances_na_leak`, the resting Ca2+ against rat cells in
    tests/test_zg_provenance_review55.py::test_resting_ca_i_against_rat_zg_cells (a strict
    xfail), and the parameters that review 55's mutation runs found guarded only by this
    snapshot or by a data check at the edge of its tolerance (Kir3.4's sqrt(K_o), the CaV3.2
    activation Q10, the surface charge, tau_avg) in tests/test_zg_mutation_review55.py."""
    assert MODEL.default_states().tolist() == [REST[name] for name in MODEL.state_names]
    assert_at_rest({}, REST)


def test_pump_balances_na_leak():
    """At rest the pump's 3 Na+ per cycle balance the background Na+ leak (measured: 3 I_NaK is
    0.985 of it), and ``I_NaK_max`` 102.65 keeps the tonic calibration's resting pump current
    with the pump half-stimulated at 0.12 uM Ca2+ instead of 0.3 (measured 0.757 against 0.762
    uA/cm^2)."""
    def resting(params, rest):
        y = np.array([[rest[name]] for name in MODEL.state_names])
        p = block_parameters(kz, MODEL.parameter_vector(params)[:, None])
        out = np.zeros((len(MODEL.outputs), 1))
        kz.aux(y, p, 0, 0.0, 0.0, out)
        return dict(zip(MODEL.output_names, out[:, 0], strict=True))

    own, tonic = resting({}, REST), resting(zg.tonic_calibration(), TONIC_REST)
    assert 3.0 * own["I_NaK"] == pytest.approx(-own["I_Na_b"], rel=0.02)
    assert own["I_NaK"] == pytest.approx(tonic["I_NaK"], rel=0.01)
    assert own["I_ion"] == pytest.approx(0.0, abs=1e-3)  # the declared state is at rest


def _from_each_start(conds, starts, **kw):
    """:func:`zg.steady_state` of ``conds`` from each of the initial states ``starts`` (name:
    state mapping), as one call: every start's runs are cells of one ensemble (10 cells fill
    the SIMD lanes that two calls of 5 leave empty, about 3x faster), each started from its
    state as a continued run is (a ``SteadyState`` carrying the initial states as its final
    ones). The cells of an ensemble are bit for bit the runs alone
    (tests/test_performance_driver.py::test_bit_identical_for_block_position). Returns, per
    start, the read-outs of its runs."""
    y0 = [np.array([[start[s]] * len(conds) for s in MODEL.state_names]) for start in
          starts.values()]
    n = len(conds) * len(starts)
    nan = np.full(n, np.nan)
    carrier = zg.SteadyState(tuple(dict(c) for c in conds) * len(starts), nan, nan, nan, nan,
                             nan, nan, np.hstack(y0), np.zeros(n, dtype=np.int8))
    ss = zg.steady_state(list(conds) * len(starts), initial=carrier, **kw)
    assert (ss.status == 0).all()
    fields = ("mean_Ca_i", "mean_V", "min_V", "max_V", "spike_rate", "aldosterone_rate")
    return {name: types.SimpleNamespace(**{f: getattr(ss, f)[i * len(conds):(i + 1) * len(conds)]
                                            for f in fields})
            for i, name in enumerate(starts)}


def test_same_state_from_either_start_at_7_5_to_8_7_mM():
    """At 7.5 mM K_o, started from REST or from the tonic calibration's rest, TONIC_REST, the cell
    reaches the same firing state (mean Ca2+ over 60-120 s: 307.10 and 307.03 nM, 0.024% apart:
    the firing is not periodic, so the two runs' averages differ a little; candidate C of the
    search had two branches 7% apart, 338 and 361 nM, and the canine ratio x4.06 on the
    second). Asserted: within 1%, and both ratios within tolerance (measured x3.83). At 8 and
    8.7 mM (the pump-block check's K_o, tests/test_zg_cell_pump_block.py) both starts reach
    the same depolarised state (331 and 377 nM), and it is not a steady one: the cell
    oscillates below the model's -50 mV spike threshold (8 mM: -73.0 to -50.0015 mV, about
    20 Hz, after about 18 s of threshold crossings from rest; 8.7 mM: -69.4 to -51.1 mV;
    9.5 mM: 8 mV), so no spike is counted, until it is steady at 10 mM (-58.6 mV, 520 nM).
    The spikes shrink continuously into that oscillation (peaks -21 mV at 5.5 mM, -41 mV at
    7.5 mM), so near 8 mM a spike count depends on where the threshold sits (at 8 mM the peaks
    are 1.5 uV below it). The session-46 calibration was bistable at 8.7 mM (silent from its
    rest, firing from the tonic one's)."""
    conds = [{"K_o": 2.5}, {"K_o": 7.5}, {"K_o": 8.0}, {"K_o": 8.7}, {"K_o": 10.0}]
    ss = _from_each_start(conds, {"own": REST, "tonic": TONIC_REST}, t_end=120000.0,
                          warmup=60000.0)
    own, other = ss["own"].mean_Ca_i, ss["tonic"].mean_Ca_i
    np.testing.assert_allclose(own, other, rtol=1e-2)
    assert ss["own"].spike_rate[1] > 5.0 and ss["tonic"].spike_rate[1] > 5.0
    for s in ss.values():  # 8 and 8.7 mM: depolarised, oscillating below the spike threshold
        # (at 8 mM within 0.1 mV of it: whether a peak 1.5 uV below it is counted is rounding)
        assert s.max_V[2] < -49.9 and s.spike_rate[3] == 0.0, (s.max_V, s.spike_rate)
        assert s.mean_V[2] > -70.0 and s.mean_V[3] > -70.0, s.mean_V
        assert np.all(s.max_V[2:4] - s.min_V[2:4] > 15.0), (s.max_V, s.min_V)
        assert s.max_V[4] - s.min_V[4] < 1e-3 and s.mean_V[4] > -60.0  # 10 mM: steady
    for s in ss.values():
        ratio = s.aldosterone_rate[1] / s.aldosterone_rate[0]
        assert ratio == pytest.approx(CANINE[("no AngII", 7.5)], rel=RATIO_TOL)


# -- rest and K+ sensing -----------------------------------------------------------------------
def test_rest_and_ghk_tracking(runs):
    """-85 mV at 4 mM K_o (measured -85.71), silent and rising with K_o over 2-4 mM; with the
    Ca2+ channels blocked, within 3 mV of the GHK voltage (P_Na/P_K 0.01) at 4-8 mM (0.85)."""
    assert _get(runs, "mean_V", "K4") == pytest.approx(-85.0, abs=1.0)
    vs = [_get(runs, "mean_V", f"K{k:g}") for k in (2.0, 2.5, 3.0, 4.0)]
    assert all(_silent(runs, f"K{k:g}") for k in (2.0, 2.5, 3.0, 4.0))
    assert all(a < b for a, b in zip(vs[:-1], vs[1:], strict=True))
    for k in (2.0, 4.0, 5.0, 6.0, 7.5, 8.0):
        assert _silent(runs, f"B{k:g}")
    for k in (4.0, 5.0, 6.0, 7.5, 8.0):
        assert _get(runs, "mean_V", f"B{k:g}") == pytest.approx(ghk_voltage(k, 0.01), abs=3.0)


def test_oscillations_appear_and_speed_up_with_K_o(runs):
    """Oscillations appear as K_o rises, faster with K_o (measured 0.39/1.39/7.0/9.39 Hz at
    5.5/6/7/7.5 mM), with mean Ca2+ rising from 2 to 7.5 mM; onset between 5 and 5.5 mM (the
    tonic calibration's fitted onset at 4.5 mM is not kept). At 8 mM these 30-s runs still
    count spikes from rest (5.9 Hz over 12-30 s): the peaks cross the -50 mV threshold for
    about 18 s, then the cell oscillates just below it
    (:func:`test_same_state_from_either_start_at_7_5_to_8_7_mM`)."""
    f = [_get(runs, "spike_rate", k) for k in OSCILLATING_K]
    assert all(x > 0.0 for x in f)
    assert all(a < b for a, b in zip(f[:-1], f[1:], strict=True)), f
    assert _silent(runs, "K5") and _silent(runs, "K4.5")
    keys = [f"K{k:g}" for k in (2.0, 2.5, 3.0, 4.0, 4.5, 5.0, 5.5, 6.0, 7.0, 7.5)]
    ca = [_get(runs, "mean_Ca_i", k) for k in keys]
    assert all(a < b for a, b in zip(ca[:-1], ca[1:], strict=True))
    # surface-charge screening: 10 mM Mg_o lowers Ca2+ entry at 7.5 mM (measured x0.25)
    assert _get(runs, "mean_Ca_i", "Mg10") < 0.7 * _get(runs, "mean_Ca_i", "K7.5")



def test_equimolar_Na_substitution_turns_the_rate_down_at_7_5_mM():
    """The rates above hold Na_o at 140 mM (K+ added on top). Replacing Na+ by K+ mole for mole
    (equimolar_Na, 3.5 mM less Na_o at 7.5 mM) makes 7.5 mM fire slower than 7 mM (measured
    7.72 and 6.89 Hz, against 7.0 and 9.39 Hz): near 7.5 mM the spikes shrink towards the
    sub-threshold oscillation, and the smaller Na+ leak tips them (README)."""
    kw = dict(grid={"K_o": [7.0, 7.5]}, t_end=30000.0, warmup=12000.0,
              metrics=["spike_rate"], progress=False)
    held = bp.sweep("zg_cell", **kw).spike_rate.values
    swapped = bp.sweep("zg_cell", conditions=bp.Solution(substitution="equimolar_Na"),
                       **kw).spike_rate.values
    assert held[0] < held[1] and swapped[0] > swapped[1] > 0.0, (held, swapped)


# -- aldosterone ---------------------------------------------------------------------------------
def test_aldosterone_ratios(runs):
    """Canine x2.0/x3.5 (5/7.5 vs 2.5 mM K_o), x4/x6 with 25 pM Ang II (measured x1.83/x3.84/
    x3.66/x5.49); TASK knockout x2.4 (x2.41); rat 1 nM Ang II 6-7x (x7.58), with the read-out
    refitted for this calibration."""
    r = {k: _get(runs, "aldosterone_rate", k) for k in CONDITIONS}
    ours = {("no AngII", 5.0): r["K5"] / r["K2.5"], ("no AngII", 7.5): r["K7.5"] / r["K2.5"],
            ("AngII", 5.0): r["A5"] / r["A2.5"], ("AngII", 7.5): r["A7.5"] / r["A2.5"]}
    for key, target in CANINE.items():
        assert ours[key] == pytest.approx(target, rel=RATIO_TOL), (key, ours[key])
    assert r["KO"] / r["K4"] == pytest.approx(TASK_KO_RATIO, rel=RATIO_TOL)
    lo, hi = RAT_ANGII_1NM
    assert lo * (1 - RATIO_TOL) <= r["A1nM"] / r["K4"] <= hi * (1 + RATIO_TOL)


# -- the TASK knockout ---------------------------------------------------------------------------
#: Parameters of the burst mechanism and the calibration's other refitted ones.
ROBUST_PARAMS = ("I_KT_half", "g_KT", "g_SK", "tau_SK", "K_SK", "K_KCa", "P_CaT", "g_Kv")

#: One change each that ends the knockout's bursting (measured: 387-481 spikes in 42 s, no
#: silence of a burst): the edges of the window, overrides of the knockout at 4 mM K_o.
WINDOW_EDGES = ({"I_KT_half": 0.9 * CAL["I_KT_half"]}, {"K_SK": 0.9 * CAL["K_SK"]},
                {"g_KT": 1.1 * CAL["g_KT"]}, {"P_CaT": 1.1 * CAL["P_CaT"]},
                {"P_TASK": 0.05 * CAL["P_TASK"]})


def _key(over):
    return tuple(sorted(over.items()))


@pytest.fixture(scope="module")
def knockout_bursts():
    """The knockout at 4 mM K_o and the variants of it that the tests below analyse (overrides
    of it: the 5% changes of ROBUST_PARAMS and WINDOW_EDGES), 42 s each from REST, as the cells
    of one ensemble (22 cells: 16 in SIMD lanes, about half the time of 22 single-cell runs;
    the cells of an ensemble are bit for bit the runs alone,
    tests/test_performance_driver.py::test_bit_identical_for_block_position, and
    :func:`test_task_knockout_bursts` checks it for the knockout against ``bp.simulate``):
    ``burst_metrics`` over 12-42 s of each, keyed by :func:`_key` of the overrides."""
    overs = [{}, *({name: CAL[name] * f} for f in (0.95, 1.05) for name in ROBUST_PARAMS),
             *WINDOW_EDGES]
    P = np.stack([MODEL.parameter_vector({**zg.task_knockout({"K_o": 4.0}), **over})
                  for over in overs], axis=1)
    Y0 = np.repeat(MODEL.default_states()[:, None], len(overs), axis=1)
    raw = _engine.run(MODEL, P, Y0, t_end=42000.0, dt=MODEL.dt, record=["V"],
                      record_every=1.0, spike_capacity=2000)
    assert (raw.status == 0).all() and (raw.spike_count < 2000).all()
    t = raw.times
    return {_key(over): bp.analysis.bursts(
                t, raw.rec[0, j], MODEL.spike_threshold, MODEL.burst_gap, t_start=12000.0,
                t_end=float(t[-1]), spike_times=raw.spike_times[j, :raw.spike_count[j]],
                plateau_V=MODEL.plateau_V)
            for j, over in enumerate(overs)}


def test_task_knockout_bursts(knockout_bursts):
    """The issue's item (PMC10167771): without TASK the cell bursts. burst_metrics (the model's
    1 s burst gap) over 30 s after a 12 s warm-up: bursts of several spikes (measured 14, at
    10.2 Hz; period 2.53 s), silences longer than the gap (1.25 s) near -80 mV. (Also: the
    ensemble of :func:`knockout_bursts` reads the same as this run of ``bp.simulate``.)"""
    ds = bp.simulate("zg_cell", 42000.0, params=zg.task_knockout({"K_o": 4.0}), record=("V",),
                     record_every=1.0)
    stats = bp.analysis.burst_metrics(ds, t_start=12000.0)
    assert stats.kind == "bursting", stats.as_dict()
    assert stats.n_bursts >= 10
    assert stats.spikes_per_burst >= 3.0
    assert 1000.0 < stats.period < 3000.0
    assert stats.silent_phase > 1000.0  # the burst gap (it would not be bursting otherwise)
    assert stats.silent_V_mean < -70.0
    np.testing.assert_equal(knockout_bursts[_key({})].as_dict(), stats.as_dict())  # NaN == NaN


@pytest.mark.parametrize("factor", [0.95, 1.05])
def test_knockout_bursting_survives_5_percent_changes(factor, knockout_bursts):
    """The knockout's bursting is not a knife edge: with any one of ROBUST_PARAMS 5% lower or
    higher it still bursts (measured: 10-27.6 spikes per burst, 7-13 bursts in 30 s, silences
    1.18-1.36 s, the shortest with g_KT x0.95). It is a narrow window all the same: at 10% the
    knockout fires continuously with I_KT_half x0.9, K_SK x0.9, g_KT x1.1 or P_CaT x1.1 (the
    other twelve 10% changes still burst); with 5% of TASK left instead of none it fires
    continuously (2% left: one burst of 115 spikes in 30 s). Within the bursting window the
    period is regular only in narrower windows (helper report, session 47, for the
    session-46 calibration: I_KT_half +-0.75% gives a period spread of 3-19% over 120 s)."""
    for name in ROBUST_PARAMS:
        stats = knockout_bursts[_key({name: CAL[name] * factor})]
        assert stats.kind == "bursting", (name, stats.as_dict())
        assert stats.n_bursts >= 3 and stats.spikes_per_burst >= 3.0, (name, stats.as_dict())
        assert stats.silent_phase > 1000.0, (name, stats.as_dict())


def test_bursting_window_is_narrow(knockout_bursts):
    """The narrow window the model description and README state: 10% less I_KT_half or K_SK,
    10% more g_KT or P_CaT, or 5% of TASK left instead of none, and the TASK-less cell fires
    continuously over 12-42 s (:func:`test_knockout_bursting_survives_5_percent_changes` has
    the 5% changes that keep it bursting)."""
    for over in WINDOW_EDGES:
        stats = knockout_bursts[_key(over)]
        assert stats.kind == "continuous", (over, stats.as_dict())


def test_task_knockout_depolarised_and_angii_insensitive(runs):
    """Penton et al.: TASK3-/- cells sit 27 mV above the wild type; asserted at least half
    (measured 16.1 mV). PMC10167771: TASK-loss activity does not respond to Ang II (1 nM:
    rate unchanged, Ca2+ +14.3% over this fixture's 12-30 s), while 1 nM Ang II makes the wild
    type fire (2.9 Hz, +9.4 mV). The Ca2+ bound is met only just: in later 60-s windows of
    longer runs (120-180, 240-300, 540-600 s) the change is +14.9/+15.8/+14.8% (the rate
    +2 to +4%), so at steady state this calibration sits on the 15% tolerance."""
    published = TASK3_KO_V[0] - TASK3_KO_V[1]
    assert _get(runs, "mean_V", "KO") - _get(runs, "mean_V", "K4") > 0.5 * published
    rate = _get(runs, "spike_rate", "KO")
    assert _get(runs, "spike_rate", "KO_AngII") == pytest.approx(rate, rel=0.10)
    assert _get(runs, "mean_Ca_i", "KO_AngII") == pytest.approx(
        _get(runs, "mean_Ca_i", "KO"), rel=0.15)
    assert _get(runs, "spike_rate", "A1nM") > 1.0
    assert _get(runs, "mean_V", "A1nM") > _get(runs, "mean_V", "K4") + 2.0


# -- CaV3.2 and CaV1.3 ---------------------------------------------------------------------------
def test_l_type_backup_and_cav32_knockout(runs):
    """Without CaV3.2 the TASK-less cell still fires through CaV1.3 (0.72 Hz, Ca2+ x7.3 of the
    wild type); T + L block abolishes it. Dinh et al.: the CaV3.2 knockout (TASK intact) rests
    at 4 mM K_o and 1 nM Ang II makes it oscillate through CaV1.3 (0.61 Hz, peaks +23 mV, Ca2+
    x21); with CaV1.3 removed too it stays silent and Ang II no longer raises Ca2+."""
    ca_wt = _get(runs, "mean_Ca_i", "K4")
    assert _get(runs, "spike_rate", "KOnoT") > 0.5
    assert _get(runs, "mean_Ca_i", "KOnoT") > 1.2 * ca_wt
    assert _silent(runs, "KOnoTL") and _get(runs, "mean_Ca_i", "KOnoTL") < ca_wt
    assert _silent(runs, "T0_K4")
    assert _get(runs, "spike_rate", "T0_K4_A") > 0.5
    assert _get(runs, "max_V", "T0_K4_A") > 0.0
    assert _get(runs, "mean_Ca_i", "T0_K4_A") > 5.0 * _get(runs, "mean_Ca_i", "T0_K4")
    assert _silent(runs, "T0L0_K4") and _silent(runs, "T0L0_K4_A")
    assert _get(runs, "mean_Ca_i", "T0L0_K4_A") < 1.05 * _get(runs, "mean_Ca_i", "T0L0_K4")


# -- numerics --------------------------------------------------------------------------------------
def _burst_starts(spikes, gap=500.0):
    s = np.asarray(spikes)
    return s[np.concatenate(([True], np.diff(s) > gap))]


def test_bursting_knockout_fixed_step_matches_radau(runs):
    """The bursting knockout (8 s from its state after 30 s) at the default step against Radau
    (rtol 1e-9): the same bursts, the burst period within 0.1% and mean Ca2+ within 0.2%
    (measured: burst onsets within 0.66 ms, period 0.004%, Ca2+ 0.002%; dt = 0.0125 ms:
    0.20 ms). For the session-46 calibration LSODA did not agree: at rtol 1e-9 its second
    burst started 27 ms early and at rtol 1e-11 it still drifted by 5 ms over 6 s (the burst
    onset is a slow passage through threshold)."""
    idx, ss = runs
    prm = dict(CONDITIONS["KO"])
    init = dict(zip(MODEL.state_names, map(float, ss.final_states[:, idx["KO"]]), strict=True))
    ref = solve("zg_cell", 8000.0, params=prm, initial=init, record=("V", "Ca_i"),
                record_every=1.0, method="Radau", rtol=1e-9, atol=1e-12)
    b_ref = _burst_starts(ref.spike_times.values)
    assert len(b_ref) >= 4
    for dt, onset, period_tol in ((None, 3.0, 1e-3), (0.0125, 1.0, 1e-4)):
        ds = bp.simulate("zg_cell", 8000.0, dt=dt, params=prm, initial=init,
                         record=("V", "Ca_i"), record_every=1.0)
        b = _burst_starts(ds.spike_times.values)
        assert len(b) == len(b_ref)
        assert np.diff(b).mean() == pytest.approx(np.diff(b_ref).mean(), rel=period_tol)
        assert np.max(np.abs(b - b_ref)) < onset
        assert ds.Ca_i.values.mean() == pytest.approx(ref.Ca_i.values.mean(), rel=2e-3)
