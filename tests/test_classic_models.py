"""The classic published beta-cell models against their model files, solved in this test.

Each reference below is written here, independently of ``biophys.kernels``, from the Bertram
lab's XPP files (github.com/artielbm/artielbm.github.io): ``Models/ChayKeizer/ck.ode``,
``Models/SRK/srk.ode``, ``Models/Phantom_II/figure13.ode``, ``Models/IOM1.7/IOM_1_7.ode``,
with the published fixed V_K = -75 mV. Each is solved with SciPy, its burst period and plateau
fraction are compared with the numbers of issue 4 (computed from the same files with a
tight-tolerance solver: CK 11.98 s / 0.28, SRK 14.26 s / 0.27, BS2004 fig. 13 ~277 s / 0.32,
IOM1.7 405 s / 0.30 at 8 mM and 356 s / 0.44 at 20 mM glucose; 3%), and our fixed-step
``bp.simulate`` at each model's default ``dt`` is compared with the reference.

Note on the slow models: the end of a long active phase is a slow passage whose timing is
very sensitive to integration error (one more or fewer spike among ~1000). LSODA at
rtol = 1e-8 ends the IOM bursts 2-3% early; the slow tests therefore use DOP853 at
rtol = 1e-10, which agrees with our fixed step to within about 1%.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from scipy.integrate import solve_ivp

import biophys as bp
from biophys import metrics
from biophys.analysis import bursts_from_spike_times
from biophys.models import get_model
from biophys.stimulus import Pulse

CLASSIC = ("chay_keizer_1983", "sherman_rinzel_keizer_1988", "bertram_sherman_2004", "iom_1_7")
VK = -75.0  # mV, fixed in every published file


# ---------------------------------------------------------------------------------------------
# Independent reference equations (units of the files: ms, mV; CK uA/cm^2; others fA, pS, fF)
# ---------------------------------------------------------------------------------------------
def _vtrap(x: float) -> float:
    """x / (exp(x) - 1) with its limit 1 at x = 0."""
    return 1.0 if x == 0.0 else x / math.expm1(x)


CK_PHI = 3.0 ** ((20.0 - 6.3) / 10.0)
CK_Y0 = [-54.774, 0.10749, 0.027532, 0.086321, 0.00044035]  # v, ca, mca, hca, n


def ck_rhs(t, y):
    v, ca, m, h, n = y
    u = v + 50.0  # V' = 50
    am = _vtrap(-(u - 25.0) / 10.0)
    bm = 4.0 * math.exp(-u / 18.0)
    ah = 0.07 * math.exp(-u / 20.0)
    bh = 1.0 / (math.exp(-(u - 30.0) / 10.0) + 1.0)
    w = v + 30.0  # V* = 30
    an = 0.1 * _vtrap(-(w - 10.0) / 10.0)
    bn = 0.125 * math.exp(-w / 80.0)
    i_ca = 6.5 * m ** 3 * h * (100.0 - v)
    i_k = 12.0 * n ** 4 * (VK - v)
    i_kca = 0.09 * ca / (ca + 1.0) * (VK - v)
    i_l = 0.04 * (-40.0 - v)
    return [(2.0 * i_ca + i_k + i_kca + i_l) / 1.0,
            0.004 * (3.0 / (8.9e-4 * 96487.0) * i_ca - 0.04 * ca),
            CK_PHI * (am * (1.0 - m) - bm * m),
            CK_PHI * (ah * (1.0 - h) - bh * h),
            CK_PHI * (an * (1.0 - n) - bn * n)]


SRK_Y0 = [-65.0, 0.001, 0.5]  # v, n, ca


def srk_rhs(t, y):
    v, n, ca = y
    phik = 1.0 / (1.0 + math.exp((-15.0 - v) / 5.6))
    phica = 1.0 / (1.0 + math.exp((4.0 - v) / 14.0))
    phih = 1.0 / (1.0 + math.exp((v + 10.0) / 10.0))
    ica = 1400.0 * phica * phih * (v - 110.0)
    taun = 60.0 / (math.exp((v + 75.0) / 65.0) + math.exp((-75.0 - v) / 20.0))
    gkca = 30000.0 * ca / (100.0 + ca)
    iapp = 10.0 if t < 50.0 else 0.0  # the file's kick: ibar*heav(ttest - t)
    return [(-ica + 2500.0 * n * (VK - v) + gkca * (VK - v) + iapp) / 5309.3,
            1.6 * (phik - n) / taun,
            0.001 * (-4.506e-6 * ica - 0.03 * ca)]


BS_Y0 = [-80.0, 0.01, 0.10, 80.0, 0.48]  # v, n, c, cer, a


def bs_rhs(t, y):
    v, n, c, cer, a = y
    minf = 1.0 / (1.0 + math.exp((-20.0 - v) / 12.0))
    ninf = 1.0 / (1.0 + math.exp((-16.0 - v) / 5.0))
    ainf = 1.0 / (1.0 + math.exp((0.14 - c) / 0.1))
    ica = 1200.0 * minf * (v - 25.0)
    ik = 3000.0 * n * (v - VK)
    ikca = 100.0 * c ** 5 / (c ** 5 + 0.3 ** 5) * (v - VK)
    ikatp = 500.0 * a * (v - VK)
    jmem = -(4.5e-6 * ica + 0.2 * c)
    jer = 0.0005 * (cer - c) - 0.4 * c  # ip3 = 0
    return [-(ica + ik + ikca + ikatp) / 5300.0, (ninf - n) / 16.0, 0.01 * (jmem + jer),
            -0.01 * 5.0 * jer, (ainf - a) / 300000.0]


IOM_Y0 = [-64.3581, 0.0001, 460.4832, 0.0959, 839.3863, 60.1374, 110.4577]  # .m yinit


def iom_rhs_factory(G: float):
    gk17 = G ** 1.7 / (G ** 1.7 + 8.0 ** 1.7)

    def rhs(t, y):
        v, n, cer, c, adp, f6p, fbp = y
        ica = 1000.0 / (1.0 + math.exp((-20.0 - v) / 12.0)) * (v - 25.0)
        jpmca = 0.042 * c * c / (c * c + 0.1 ** 2)
        jserca = 0.125 * c * c / (c * c + 0.2 ** 2)
        jleak = 7.5e-5 * (cer - c)
        atot = 3000.0
        atp = 0.5 * (atot - adp + math.sqrt(adp * atot)
                     * math.sqrt(-2.0 + atot / adp - 3.0 * adp / atot))
        amp = adp * adp / atp
        k1, k2, k3, k4 = 30.0, 1.0, 50000.0, 1000.0
        famp, fatp, ffbp, fbt, fmt = 0.02, 20.0, 0.2, 20.0, 20.0
        # the 16 PFK states (alpha, beta, gamma, delta) = (AMP, FBP, F6P, ATP) bound
        w = {}
        for al in (0, 1):
            for be in (0, 1):
                for ga in (0, 1):
                    for de in (0, 1):
                        x = ((amp / k1) ** al * (fbp / k2) ** be * (f6p ** 2 / k3) ** ga
                             * (atp ** 2 / k4) ** de)
                        x /= (famp ** (al * ga) * ffbp ** (be * ga) * fatp ** (ga * de)
                              * fbt ** (be * de) * fmt ** (al * de))
                        w[al, be, ga, de] = x
        top_b = w[1, 1, 1, 0]
        top_a = sum(x for k, x in w.items() if k[2] == 1 and k != (1, 1, 1, 0))
        jpfk = 0.01 * (top_b + 0.05 * top_a) / sum(w.values())
        jgk = 0.005 * gk17
        jpdh = 0.005 * (400.0 * c / (400.0 * c + 300.0)) * math.sqrt(fbp)
        jprod = math.exp(0.7 + 20.0 * jpdh) * adp
        jhyd = (0.8 + 6.0 * (jpmca + jserca / 2.0)) * atp  # vhyd = 6 in the .ode
        mgadp, adp3, atp4 = 0.165 * adp, 0.135 * adp, 0.05 * atp
        po = ((0.08 * (1.0 + 2.0 * mgadp / 17.0) + 0.89 * (mgadp / 17.0) ** 2)
              / ((1.0 + mgadp / 17.0) ** 2 * (1.0 + adp3 / 26.0 + atp4 / 1.0)))
        ik = 2700.0 * n * (v - VK)
        ikca = 50.0 * c ** 4 / (0.3 ** 4 + c ** 4) * (v - VK)
        ikatp = 27000.0 * po * (v - VK)
        ninf = 1.0 / (1.0 + math.exp((-16.0 - v) / 5.0))
        return [-(ica + ik + ikca + ikatp) / 5300.0,
                (ninf - n) / 20.0,
                0.01 * 30.0 * (jserca - jleak),
                0.01 * (-4.5e-6 * ica - jpmca - (jserca - jleak)),
                (jhyd - jprod) / 300000.0,
                0.3 * (jgk - jpfk),
                jpfk - 0.5 * jpdh]

    return rhs


# ---------------------------------------------------------------------------------------------
def reference(rhs, y0, t_end, threshold, method="LSODA", rtol=1e-8, atol=1e-10):
    """Spike times (upward crossings, located exactly by event detection) and final state."""
    def crossing(t, y):
        return y[0] - threshold
    crossing.direction = 1
    sol = solve_ivp(rhs, (0.0, t_end), y0, method=method, rtol=rtol, atol=atol,
                    events=crossing)
    assert sol.status == 0, sol.message
    return sol.t_events[0], sol.y[:, -1]


def ours(name, t_end, params=None, stimulus=None, record_every=None):
    ds = bp.simulate(name, t_end, params=params or {}, stimulus=stimulus, record=["V"],
                     record_every=record_every or t_end / 10.0)
    assert ds.attrs["status"] == "ok"
    st = ds["spike_times"].values
    return st[np.isfinite(st)], ds


def _stats(spikes, model, t_end):
    return bursts_from_spike_times(spikes, model.burst_gap, 0.0, t_end)


# ---------------------------------------------------------------------------------------------
# Fast models: full validation in the default suite
# ---------------------------------------------------------------------------------------------
def test_chay_keizer_1983_period_and_plateau_fraction():
    m = get_model("chay_keizer_1983")
    t_end = 40000.0  # burst starts near 12.4, 24.4 and 36.4 s
    ref_spk, _ = reference(ck_rhs, CK_Y0, t_end, m.spike_threshold)
    ref = _stats(ref_spk, m, t_end)
    assert ref.kind == "bursting" and ref.n_bursts >= 2
    assert ref.period == pytest.approx(11980.0, rel=0.03)
    assert ref.plateau_fraction == pytest.approx(0.28, rel=0.03)
    assert ref.active_phase == pytest.approx(3340.0, rel=0.03)

    spk, ds = ours("chay_keizer_1983", t_end, record_every=1.0)
    got = _stats(spk, m, t_end)
    assert got.period == pytest.approx(ref.period, rel=0.01)
    assert got.plateau_fraction == pytest.approx(ref.plateau_fraction, rel=0.01)
    assert got.spikes_per_burst == pytest.approx(ref.spikes_per_burst, abs=2)
    assert got.period == pytest.approx(11980.0, rel=0.03)
    assert got.plateau_fraction == pytest.approx(0.28, rel=0.03)
    # silent-phase floor of the published model: -58.8 mV
    assert float(ds.V.values[ds.time.values > 10000.0].min()) == pytest.approx(-58.8, abs=0.2)


def test_sherman_rinzel_keizer_1988_period_and_plateau_fraction():
    m = get_model("sherman_rinzel_keizer_1988")
    t_end = 50000.0  # burst starts near 15.7, 30.0 and 44.2 s
    ref_spk, _ = reference(srk_rhs, SRK_Y0, t_end, m.spike_threshold)
    ref = _stats(ref_spk, m, t_end)
    assert ref.kind == "bursting" and ref.n_bursts >= 2
    assert ref.period == pytest.approx(14260.0, rel=0.03)
    assert ref.plateau_fraction == pytest.approx(0.27, rel=0.03)

    # the file's 10 fA kick during the first 50 ms, as a stimulus
    spk, _ = ours("sherman_rinzel_keizer_1988", t_end, stimulus=Pulse(10.0, 0.0, 50.0))
    got = _stats(spk, m, t_end)
    assert got.period == pytest.approx(ref.period, rel=0.01)
    assert got.plateau_fraction == pytest.approx(ref.plateau_fraction, rel=0.01)
    assert got.spikes_per_burst == pytest.approx(ref.spikes_per_burst, abs=1)
    assert got.period == pytest.approx(14260.0, rel=0.03)
    assert got.plateau_fraction == pytest.approx(0.27, rel=0.03)


# ---------------------------------------------------------------------------------------------
# Slow models: a quick window in the default suite, the full validation marked slow
# ---------------------------------------------------------------------------------------------
def _compare_window(name, rhs, y0, t_end, slow_states, params=None):
    """Fixed step vs tight LSODA over a window that ends a few seconds into the first burst:
    the timing of the first spike checks the slow (minutes) dynamics of the silent phase,
    the spikes that follow check the fast dynamics."""
    m = get_model(name)
    ref_spk, ref_y = reference(rhs, y0, t_end, m.spike_threshold, rtol=1e-10, atol=1e-12)
    spk, ds = ours(name, t_end, params=params)
    assert 50 < ref_spk.size
    assert spk[0] == pytest.approx(ref_spk[0], rel=2e-6)
    assert abs(spk.size - ref_spk.size) <= 1
    assert np.mean(np.diff(spk)) == pytest.approx(np.mean(np.diff(ref_spk)), rel=0.01)
    final = json.loads(ds.attrs["final_state"])
    for s in slow_states:
        i = m.state_index(s)
        assert final[s] == pytest.approx(ref_y[i], rel=1e-3), s


def test_bertram_sherman_2004_fixed_step_matches_lsoda_over_first_burst_onset():
    _compare_window("bertram_sherman_2004", bs_rhs, BS_Y0, 45000.0, ("Ca_ER", "a"))


@pytest.mark.parametrize("glucose, t_end", [(8.0, 210000.0), (20.0, 150000.0)])
def test_iom_1_7_fixed_step_matches_lsoda_over_first_burst_onset(glucose, t_end):
    _compare_window("iom_1_7", iom_rhs_factory(glucose), IOM_Y0, t_end,
                    ("Ca_ER", "ADP", "F6P", "FBP"), params={"glucose": glucose})


@pytest.mark.slow
def test_bertram_sherman_2004_period_and_plateau_fraction():
    m = get_model("bertram_sherman_2004")
    t_end = 1_200_000.0  # burst starts near 39, 317, 595, 873 and 1150 s
    ref_spk, _ = reference(bs_rhs, BS_Y0, t_end, m.spike_threshold, method="DOP853",
                           rtol=1e-10, atol=1e-12)
    ref = _stats(ref_spk, m, t_end)
    assert ref.kind == "bursting" and ref.n_bursts >= 3
    assert ref.period == pytest.approx(277000.0, rel=0.03)
    assert ref.plateau_fraction == pytest.approx(0.32, rel=0.03)
    spk, _ = ours("bertram_sherman_2004", t_end)
    got = _stats(spk, m, t_end)
    assert got.period == pytest.approx(ref.period, rel=0.01)
    assert got.plateau_fraction == pytest.approx(ref.plateau_fraction, rel=0.02)
    assert got.period == pytest.approx(277000.0, rel=0.03)
    assert got.plateau_fraction == pytest.approx(0.32, rel=0.03)


@pytest.mark.slow
@pytest.mark.parametrize("glucose, t_end, period, plateau", [
    (8.0, 1_100_000.0, 405000.0, 0.30),   # burst starts near 199, 604 and 1009 s
    (20.0, 900_000.0, 356000.0, 0.44),    # burst starts near 141, 501 and 858 s
])
def test_iom_1_7_period_and_plateau_fraction(glucose, t_end, period, plateau):
    m = get_model("iom_1_7")
    ref_spk, _ = reference(iom_rhs_factory(glucose), IOM_Y0, t_end, m.spike_threshold,
                           method="DOP853", rtol=1e-10, atol=1e-12)
    ref = _stats(ref_spk, m, t_end)
    assert ref.kind == "bursting" and ref.n_bursts >= 2
    assert ref.period == pytest.approx(period, rel=0.03)
    assert ref.plateau_fraction == pytest.approx(plateau, rel=0.03)
    spk, _ = ours("iom_1_7", t_end, params={"glucose": glucose})
    got = _stats(spk, m, t_end)
    assert got.period == pytest.approx(ref.period, rel=0.01)
    assert got.plateau_fraction == pytest.approx(ref.plateau_fraction, rel=0.02)
    assert got.period == pytest.approx(period, rel=0.03)
    assert got.plateau_fraction == pytest.approx(plateau, rel=0.03)


# ---------------------------------------------------------------------------------------------
# K_o, E_K, roles, singularities, bad input
# ---------------------------------------------------------------------------------------------
def _rt_over_f(temperature_C):
    return 8.314462618 * (temperature_C + 273.15) / 96485.33212 * 1000.0  # mV


@pytest.mark.parametrize("name", CLASSIC)
def test_E_K_equals_the_published_value_at_default_K_o_and_follows_nernst(name):
    m = get_model(name)
    assert m.parameter("K_o").condition
    ds = bp.simulate(name, 1.0, record=["E_K"])
    assert float(ds.E_K.values[0]) == pytest.approx(VK, abs=1e-9)
    ds = bp.simulate(name, 1.0, params={"K_o": 10.0}, record=["E_K"])
    T = m.parameter("temperature").value
    k_i = m.parameter("K_i").value
    assert float(ds.E_K.values[0]) == pytest.approx(_rt_over_f(T) * math.log(10.0 / k_i),
                                                    abs=1e-9)
    assert float(ds.E_K.values[0]) == pytest.approx(VK + _rt_over_f(T) * math.log(2.0),
                                                    abs=1e-9)


def test_raising_K_o_depolarises_the_silent_phase():
    from biophys.analysis import burst_metrics

    res = {}
    for ko in (5.0, 5.5):
        ds = bp.simulate("sherman_rinzel_keizer_1988", 60000.0, params={"K_o": ko},
                         record=["V"], record_every=1.0)
        res[ko] = burst_metrics(ds, t_start=5000.0)
    assert res[5.0].kind == res[5.5].kind == "bursting"
    assert res[5.5].silent_V_mean > res[5.0].silent_V_mean + 1.0
    assert res[5.5].silent_V_min > res[5.0].silent_V_min + 1.0
    # Chay-Keizer: the silent-phase floor rises too
    lo = {}
    for ko in (5.0, 5.5):
        ds = bp.simulate("chay_keizer_1983", 30000.0, params={"K_o": ko}, record=["V"],
                         record_every=1.0)
        lo[ko] = float(ds.V.values[ds.time.values > 5000.0].min())
    assert lo[5.5] > lo[5.0] + 0.05


@pytest.mark.parametrize("name", CLASSIC)
def test_roles_have_calcium_but_no_secretion(name):
    m = get_model(name)
    assert m.roles == {"Ca_i": "Ca_i"}
    assert m.variable_meta("Ca_i")[0] == "uM"
    for role in ("secretion", "insulin"):
        assert role not in m.roles
    for metric in ("insulin_rate", "secretion_rate"):
        with pytest.raises(ValueError, match="lacks metric"):
            metrics.plan(m, [metric])
    with pytest.raises(ValueError, match="cannot record 'insulin'"):
        bp.simulate(name, 1.0, record=["insulin"])


@pytest.mark.parametrize("name", CLASSIC)
def test_every_parameter_has_unit_and_source(name):
    m = get_model(name)
    for q in m.parameters + m.states:
        assert q.unit and q.source and q.description, q.name
        lo, hi = q.bounds
        assert lo <= q.value <= hi, q.name
    assert "I_ext in " in m.description  # the unit of the stimulus current


def test_chay_keizer_rates_are_smooth_at_their_removable_singularities():
    from biophys.kernels.models.chay_keizer_1983 import gate_rates

    for v0, idx in ((-25.0, 0), (-20.0, 4)):  # alpha_m at V = -25 mV, alpha_n at -20 mV
        at = gate_rates(v0, 50.0, 30.0, 1.0)[idx]
        near = [gate_rates(v0 + d, 50.0, 30.0, 1.0)[idx] for d in (-1e-7, 1e-7)]
        assert math.isfinite(at)
        assert at == pytest.approx(0.5 * (near[0] + near[1]), rel=1e-9)
    # the limits: alpha_m -> 1, alpha_n -> 0.1 (1/ms)
    assert gate_rates(-25.0, 50.0, 30.0, 1.0)[0] == 1.0
    assert gate_rates(-20.0, 50.0, 30.0, 1.0)[4] == pytest.approx(0.1)


def test_bad_glucose_and_concentrations_are_clear_errors():
    with pytest.raises(ValueError, match="glucose.*mM"):
        bp.simulate("iom_1_7", 1.0, params={"glucose": -1.0})
    with pytest.raises(ValueError, match="K_o.*mM"):
        bp.simulate("chay_keizer_1983", 1.0, params={"K_o": 0.0})
    with pytest.raises(ValueError, match="ADP.*uM"):
        bp.simulate("iom_1_7", 1.0, initial={"ADP": 1500.0})


def test_glucose_shortens_the_silent_phase_of_iom():
    """Higher glucose: the first burst starts earlier (faster metabolic depolarisation)."""
    first = {}
    for g in (8.0, 20.0):
        spk, _ = ours("iom_1_7", 210000.0, params={"glucose": g})
        first[g] = spk[0]
    assert first[20.0] < first[8.0] - 30000.0
