"""Limits of ``zg_cell``'s membrane currents: the GHK currents at exactly V = 0 and every
K+, Na+ and Ca2+ current at its own Nernst potential.

The model's currents are read from its kernel (``biophys.kernels.models.zg_cell.aux``, which
calls :func:`membrane`, the function ``rates`` also uses for dV/dt). The expected values are
computed here, independently of the package, from the GHK current equation (Goldman 1943;
Hodgkin & Katz 1949)

    I = P z F x (c_i - c_o e^-x) / (1 - e^-x),   x = z F V / (R T),

whose limit at V = 0 is ``P z F (c_i - c_o)`` and whose first-order term is
``P z F (c_i + c_o) x / 2``. Units of the model's parameters (``bp.model("zg_cell")``): P in
cm/s, concentrations in mM (1 mM = 1e-6 mol/cm^3), F in C/mol, so P F c is in 1e-6 A/cm^2 =
uA/cm^2, the unit of the model's currents (no further factor). R, F and 0 C are the CODATA
2018 / SI values, written here. The Nernst potential is ``(R T / z F) ln(c_o / c_i)``.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import biophys as bp
from biophys import zg
from biophys.kernels.models import zg_cell as kz
from biophys.kernels.protocol import block_parameters

MODEL = bp.model("zg_cell")
F = 96485.33212  # C/mol (CODATA 2018, exact)
R = 8.314462618  # J/(mol K) (CODATA 2018, exact)
ZERO_C = 273.15  # K

#: gates away from rest so that every Ca2+ current is sizeable (m_T, h_T, d_L, f_L, c_TL) and
#: a cytosolic Ca2+ of 0.3 uM
STATES = {"m_T": 0.6, "h_T": 0.7, "d_L": 0.5, "f_L": 0.8, "c_TL": 0.9, "Ca_i": 3e-4}
#: conditions: the defaults (4 mM K_o, 37 C, no Ang II), a depolarising bath with Ang II (TASK
#: partly inhibited), and a cool bath with other Ca2+ and Na+
CONDITIONS = [
    {},
    {"K_o": 6.0, "AngII": 300.0},
    {"K_o": 2.5, "temperature": 25.0, "Ca_o": 5.0, "Na_o": 120.0, "Na_i": 15.0},
]
GHK = ("I_TASK", "I_TREK", "I_Na_b", "I_CaT", "I_CaL", "I_Ca_b")


def _outputs(V, params=None, states=None):
    """The model's outputs (by name) of one cell at membrane potential ``V`` (mV)."""
    y = MODEL.state_vector({**STATES, **(states or {})})[:, None].copy()
    y[MODEL.state_index("V"), 0] = V
    p = block_parameters(kz, MODEL.parameter_vector(params)[:, None])
    out = np.zeros((len(MODEL.outputs), 1))
    kz.aux(y, p, 0, 0.0, 0.0, out)
    return dict(zip(MODEL.output_names, out[:, 0], strict=True))


def _ghk_terms(params=None, states=None):
    """For each GHK current: (P_eff in cm/s, z, c_i, c_o), written from the model's equations
    (module docstring of ``kernels/models/zg_cell.py``) with the parameter values by name."""
    p = dict(zip(MODEL.parameter_names, MODEL.parameter_vector(params), strict=True))
    y = dict(zip(MODEL.state_names, MODEL.state_vector({**STATES, **(states or {})}),
                 strict=True))
    occ = p["AngII"] / (p["AngII"] + p["K_AT1"])
    e = p["tau_AT1"] * occ / (1.0 + p["tau_AT1"] * occ)  # operational-model AT1 response
    ca = y["Ca_i"]
    k = (p["K_i"], p["K_o"])
    na = (p["Na_i"], p["Na_o"])
    cal = (ca, p["Ca_o"])
    p_l = p["P_CaL"] * y["d_L"] ** 2 * y["f_L"] * p["K_CDI"] / (p["K_CDI"] + ca) * y["c_TL"]
    return {
        "I_TASK": ((1.0 - e) * p["P_TASK"], 1, *k),
        "I_TREK": (p["P_TREK"], 1, *k),
        "I_Na_b": (p["P_Na_b"], 1, *na),
        "I_CaT": (p["P_CaT"] * y["m_T"] ** 2 * y["h_T"], 2, *cal),
        "I_CaL": (p_l, 2, *cal),
        "I_Ca_b": (p["P_Ca_b"], 2, *cal),
    }, p


def _vt(T_C):
    """RT/F, mV."""
    return 1000.0 * R * (T_C + ZERO_C) / F


@pytest.mark.parametrize("params", CONDITIONS)
def test_ghk_currents_at_exactly_zero_volts(params):
    """At V = 0 exactly each GHK current equals its limit P z F (c_i - c_o) (uA/cm^2 with P in
    cm/s and c in mM) to 1e-12 relative; the model must not evaluate it at a nudged V (a
    1e-6 mV nudge changes the K+ currents by 2e-8 and the Ca2+ currents by 4e-8 relative)."""
    terms, _ = _ghk_terms(params)
    o = _outputs(0.0, params)
    for name, (perm, z, ci, co) in terms.items():
        expect = perm * z * F * (ci - co)
        assert expect != 0.0
        assert o[name] == pytest.approx(expect, rel=1e-12, abs=0.0), name


@pytest.mark.parametrize("params", CONDITIONS)
def test_ghk_currents_continuous_through_zero_volts(params):
    """At V = +-1e-9 mV each GHK current equals the limit plus its first-order term,
    P z F [(c_i - c_o) + (c_i + c_o) x/2] with x = z F V/(R T) (the next term, x^2/12, is
    below 1e-21 relative), to 1e-12 relative: the value at 0 joins its neighbours (the
    first-order term itself is 2e-11 to 4e-11 relative, so the slope is checked too), and
    the current rises through V = 0 (dI/dV > 0 for a GHK current)."""
    terms, p = _ghk_terms(params)
    o0 = _outputs(0.0, params)
    for dv in (-1e-9, 1e-9):
        o = _outputs(dv, params)
        for name, (perm, z, ci, co) in terms.items():
            x = z * dv / _vt(p["temperature"])
            expect = perm * z * F * ((ci - co) + (ci + co) * x / 2.0)
            assert o[name] == pytest.approx(expect, rel=1e-12, abs=0.0), (name, dv)
            assert (o[name] - o0[name]) * dv > 0.0, (name, dv)


@pytest.mark.parametrize("params", CONDITIONS)
def test_k_currents_vanish_at_e_k(params):
    """At V = E_K = (RT/F) ln(K_o/K_i), computed here, the K+ currents vanish: TASK and TREK
    (GHK, K+ only; the Na+ leak is the separate I_Na_b, set to zero here by P_Na_b = 0 so the
    total current of the K+ pathways can be checked as well) and the driving-force currents
    Kir, K(Ca) and Kv (g (V - E_K)). "Vanish" means below 1e-10 of their change over +-1 mV
    (the model's E_K and ours differ by rounding, ~1e-14 mV). One mV away they are outward
    above E_K and inward below. The model's E_K output equals ours to 1e-13."""
    prm = {**params, "P_Na_b": 0.0}
    _, p = _ghk_terms(prm)
    e_k = _vt(p["temperature"]) * math.log(p["K_o"] / p["K_i"])
    # n_Kv open and Ca2+ high so that Kv and K(Ca) carry current
    st = {"n_Kv": 0.5, "Ca_i": 1e-3}
    o = _outputs(e_k, prm, st)
    above = _outputs(e_k + 1.0, prm, st)
    below = _outputs(e_k - 1.0, prm, st)
    assert o["E_K"] == pytest.approx(e_k, rel=1e-13, abs=0.0)
    assert o["I_Na_b"] == 0.0
    for name in ("I_TASK", "I_TREK", "I_Kir", "I_KCa", "I_Kv"):
        scale = above[name] - below[name]
        assert above[name] > 0.0 > below[name], name
        assert abs(o[name]) < 1e-10 * scale, (name, o[name], scale)
    k_total = sum(o[n] for n in ("I_TASK", "I_TREK", "I_Na_b", "I_Kir", "I_KCa", "I_Kv"))
    assert abs(k_total) < 1e-10 * (above["I_TASK"] - below["I_TASK"])


@pytest.mark.parametrize("params", CONDITIONS)
def test_na_and_ca_ghk_currents_vanish_at_their_nernst_potentials(params):
    """I_Na_b vanishes at E_Na = (RT/F) ln(Na_o/Na_i) and the three Ca2+ currents at
    E_Ca = (RT/2F) ln(Ca_o/Ca_i) (GHK currents of one ion are zero at its Nernst potential),
    below 1e-10 of their change over +-1 mV; outward above, inward below."""
    terms, p = _ghk_terms(params)
    vt = _vt(p["temperature"])
    for names, (_, z, ci, co) in ((("I_Na_b",), terms["I_Na_b"]),
                                  (("I_CaT", "I_CaL", "I_Ca_b"), terms["I_CaT"])):
        e = vt / z * math.log(co / ci)
        o, above, below = (_outputs(e + d, params) for d in (0.0, 1.0, -1.0))
        for name in names:
            scale = above[name] - below[name]
            assert above[name] > 0.0 > below[name], name
            assert abs(o[name]) < 1e-10 * scale, (name, o[name], scale)


def test_impossible_exchanger_states_are_refused():
    """The exchanger's carrier states E1, I1, I2 are each in [0, 1], but E2 = 1 - E1 - I1 - I2
    must not be negative either: their sum is checked before any run (simulate, sweep,
    zg.steady_state)."""
    msg = r"initial E1_NCX \+ I1_NCX \+ I2_NCX = 1\.4\d* \(dimensionless\) must be <= 1"
    with pytest.raises(ValueError, match=msg):
        bp.simulate("zg_cell", 1.0, initial={"E1_NCX": 0.5})
    with pytest.raises(ValueError, match=msg):
        zg.steady_state([{"K_o": 4.0}], initial={"E1_NCX": 0.5}, t_end=10.0, warmup=0.0)
    bp.simulate("zg_cell", 1.0, initial={"E1_NCX": 0.5, "I1_NCX": 0.3, "I2_NCX": 0.1})
