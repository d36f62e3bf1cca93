"""Tests of the delayed-rectifier K+ current of ``zg_cell`` (issue 5, calibration step 7 in
the module docstring of ``tests/test_zg_cell_tonic.py``): its gate against Mainen's kv.mod, the
bound it puts on large depolarisations, and the fixed-step solver against LSODA with it engaged."""

from __future__ import annotations

import math

import numpy as np
import pytest
from zg_cell_data import CALIBRATIONS

import biophys as bp
from biophys import zg
from biophys.kernels.models import zg_cell as kz
from biophys.kernels.protocol import block_parameters
from biophys.models import get_model
from biophys.models.zg_cell import TONIC_REST
from biophys.reference import solve

MODEL = get_model("zg_cell")
FARADAY = 96485.33212
GAS = 8.314462618

# -- delayed-rectifier K+ current (Kv) -----------------------------------------------------------
#: Rates of Z. Mainen's kv.mod (Mainen & Sejnowski 1996, ModelDB 2488), its PARAMETER block.
KV_MOD = {"tha": 25.0, "qa": 9.0, "Ra": 0.02, "Rb": 0.002, "temp": 23.0, "q10": 2.3}
#: Upper bound of the membrane potential under the depolarising currents of
#: :func:`test_kv_bounds_depolarisation`, mV: below E_Na (+70.5 mV with 140/10 mM Na+ at 37 C)
#: and far below E_Ca (+135 mV at 2 mM/80 nM Ca2+). The model's own CaV1.3 spikes peak below it:
#: in the default calibration at +23 mV (the CaV3.2 knockout with 1 nM Ang II), in the tonic
#: one at +37 to +41 mV (before the Kv: +39 to +44 mV).
V_BOUND = 60.0


def _kv_rates(v):
    """Opening and closing rates of kv.mod (1/ms at 23 C), its trap0 form (v != tha)."""
    tha, qa = KV_MOD["tha"], KV_MOD["qa"]
    a = KV_MOD["Ra"] * (v - tha) / (1.0 - math.exp(-(v - tha) / qa))
    b = -KV_MOD["Rb"] * (v - tha) / (1.0 - math.exp((v - tha) / qa))
    return a, b


def test_kv_gating_matches_kv_mod():
    """The Kv gate is the kv.mod gate: n_inf = a/(a + b), tau = 1/(phi (a + b)), phi =
    2.3^((T - 23)/10). Its published-form numbers, computed here from the file's constants:
    n_inf = 1/2 at tha - qa ln(Ra/Rb) = +4.28 mV, e-fold per qa = 9 mV; tau = 1/(qa (Ra + Rb))
    = 5.05 ms at tha = 25 mV and 23 C (1.57 ms at 37 C). The current is g_Kv n (V - E_K) and
    its chord conductance enters the V equation's B (kernel protocol)."""
    tha, qa, ra, rb = KV_MOD["tha"], KV_MOD["qa"], KV_MOD["Ra"], KV_MOD["Rb"]
    for temp in (23.0, 37.0):
        phi = KV_MOD["q10"] ** ((temp - KV_MOD["temp"]) / 10.0)
        for v in (-100.0, -85.0, -60.0, -30.0, 0.0, 24.9, 25.1, 40.0, 60.0, 100.0):
            a, b = _kv_rates(v)
            n_inf, tau = kz.kv_gate(v, temp)
            assert n_inf == pytest.approx(a / (a + b), rel=1e-10)
            assert tau == pytest.approx(1.0 / (phi * (a + b)), rel=1e-10)
    v_half = tha - qa * math.log(ra / rb)  # +4.277 mV
    assert kz.kv_gate(v_half, 37.0)[0] == pytest.approx(0.5, rel=1e-12)
    assert kz.kv_gate(v_half + qa, 37.0)[0] == pytest.approx(1 / (1 + math.exp(-1)), rel=1e-12)
    tau_tha = 1.0 / (qa * (ra + rb))  # 5.0505 ms; both rates' removable singularity at tha
    assert kz.kv_gate(tha, 23.0)[1] == pytest.approx(tau_tha, rel=1e-12)
    assert kz.kv_gate(tha, 37.0)[1] == pytest.approx(tau_tha / 2.3 ** 1.4, rel=1e-12)
    # at rest the delayed rectifier is closed; at +40 mV nearly fully activated
    assert kz.kv_gate(-85.0, 37.0)[0] < 1e-4 and kz.kv_gate(40.0, 37.0)[0] > 0.97
    # current, Nernst potential and slope conductance, from the kernel at V = +10 mV, n = 0.3
    y = MODEL.default_states()[:, None].copy()
    y[MODEL.state_names.index("V"), 0] = 10.0
    y[MODEL.state_names.index("n_Kv"), 0] = 0.3
    e_k = 1000.0 * GAS * 310.15 / FARADAY * math.log(4.0 / 140.0)  # written here, mV
    g_kv = MODEL.parameter("g_Kv").value
    out = np.zeros((len(MODEL.outputs), 1))
    kz.aux(y, block_parameters(kz, MODEL.default_parameters()[:, None]), 0, 0.0, 0.0, out)
    o = dict(zip(MODEL.output_names, out[:, 0], strict=True))
    assert o["E_K"] == pytest.approx(e_k, rel=1e-6)
    assert o["I_Kv"] == pytest.approx(g_kv * 0.3 * (10.0 - e_k), rel=1e-6)

    def b_v(params):
        a_ = np.zeros((len(MODEL.states), 1))
        b_ = np.zeros((len(MODEL.states), 1))
        kz.rates(y, block_parameters(kz, MODEL.parameter_vector(params)[:, None]), 0, 0.0, 0.0,
                 a_, b_)
        return b_[0, 0]

    assert b_v({}) - b_v({"g_Kv": 0.0}) == pytest.approx(g_kv * 0.3, rel=1e-9)


@pytest.mark.parametrize("calibration", list(CALIBRATIONS))
def test_kv_bounds_depolarisation(calibration):
    """With the delayed rectifier, large depolarising currents leave V in the physiological
    range: the TASK knockout driven by 12 and 16 uA/cm^2 (74 and 99 pA in this 6.2 pF cell),
    the wild type driven by 20 uA/cm^2 and the TASK and CaV3.2 double knockout driven by
    16 uA/cm^2 stay below V_BOUND (+60 mV, see its comment), over the whole 5 s (peak) and
    after 3 s. Without it (g_Kv = 0) only TREK, K(Ca) and the Na+/Ca2+ exchanger repolarise
    above 0 mV (the exchanger's reverse mode brings in the Ca2+ that keeps K(Ca) open) and the
    knockout settles far above (asserted: above +80 mV, beyond E_Na). Measured peaks (the four
    driven cells; then the two knockouts without the Kv, over 3-5 s): default 8.5/10.1/-0.4/
    14.9 mV, +156 and +185 mV; tonic calibration (for which g_Kv was fitted; the default's is
    13x larger) 36/39/11/43 mV, +96 and +105 mV (before the exchanger was added, near +272 and
    +496 mV)."""
    params, initial = CALIBRATIONS[calibration]
    conds = [{"P_TASK": 0.0, "I_app": 12.0}, {"P_TASK": 0.0, "I_app": 16.0}, {"I_app": 20.0},
             {"P_TASK": 0.0, "P_CaT": 0.0, "I_app": 16.0}]
    no_kv = [{**c, "g_Kv": 0.0} for c in conds[:2]]
    runs = conds + no_kv
    whole = zg.steady_state(runs, params=params, initial=initial, t_end=5000.0, warmup=0.0)
    late = zg.steady_state(runs, params=params, initial=initial, t_end=5000.0, warmup=3000.0)
    n = len(conds)
    assert np.all(whole.max_V[:n] < V_BOUND), whole.max_V
    assert np.all(late.max_V[:n] < V_BOUND), late.max_V
    assert np.all(late.max_V[n:] > 80.0), late.max_V  # the depolarisation the Kv prevents
    assert np.all(late.min_V[n:] > 80.0), late.min_V
    # the driven knockouts keep firing Ca2+ spikes rather than sitting depolarised
    assert np.all(late.spike_rate[[0, 1, 3]] > 2.0), late.spike_rate


def test_kv_fixed_step_matches_lsoda():
    """The TASK knockout driven from rest by 16 uA/cm^2 against LSODA (rtol 1e-9) on 1 s: the
    first spike opens the delayed rectifier (n_Kv up to 0.93) and peaks at +39.0 mV, then the
    cell fires small spikes (about 20 Hz). Peak V, peak n_Kv, spike count and mean Ca2+ agree
    at the default step (0.05 ms); the interval, 0.18% long there (second order: 0.05% at
    0.025 ms), within 0.25%, and within 0.1% at 0.025 ms. In the tonic calibration (for which
    g_Kv was fitted, calibration step 7), from its rest."""
    prm = zg.tonic_calibration({"P_TASK": 0.0, "I_app": 16.0})
    rec = ("V", "Ca_i", "n_Kv")
    ref = solve("zg_cell", 1000.0, params=prm, initial=TONIC_REST, record=rec,
                record_every=0.05, method="LSODA", rtol=1e-9, atol=1e-12)
    s_ref = ref.spike_times.values
    assert len(s_ref) >= 15
    assert ref.n_Kv.values.max() > 0.8  # the Kv is engaged
    for dt, rel in ((None, 2.5e-3), (0.025, 1e-3)):
        ds = bp.simulate("zg_cell", 1000.0, dt=dt, params=prm, initial=TONIC_REST, record=rec,
                         record_every=0.05)
        s = ds.spike_times.values
        assert len(s) == len(s_ref)
        assert np.diff(s).mean() == pytest.approx(np.diff(s_ref).mean(), rel=rel)
        assert ds.V.values.max() == pytest.approx(ref.V.values.max(), abs=0.05)
        assert ds.n_Kv.values.max() == pytest.approx(ref.n_Kv.values.max(), abs=1e-3)
        assert ds.Ca_i.values.mean() == pytest.approx(ref.Ca_i.values.mean(), rel=1e-3)
    assert ref.V.values.max() < V_BOUND
