"""``beta_cell`` exocytosis wiring: microdomain Ca2+ and the Chen et al. (2008) granule pools.

The kernel's rates of ``Cmd``, the granule pools N1..N6, NF, NR and the accumulators SE and
``fused_total`` are compared with the equations written out below, at random physiological
states and for several values of ``amplification``, glucose and the bath Ca2+. The equations
are those of the authors' XPP file (Chen YD, Wang S, Sherman A (2008) Biophys J 95:2226;
``artielbm/artielbm.github.io Models/Chen08/fast.ode``); the numbers are the ``par`` lines
of that file, not the declaration's defaults, so a changed default is caught as well as a
changed kernel. The L-type Ca2+ current that fills the microdomain is that of Cha et al.
(2011) (``ICaL3`` of ``bcell_cha.mod``). Units: fast.ode rates are per s and the kernel's
per ms (factor 1e-3).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from biophys.kernels.protocol import block_parameters
from biophys.models import get_model

MODEL = get_model("beta_cell")
KERNEL = MODEL.kernel
F = 96485.33212  # C/mol (CODATA 2018)
R = 8.314462618  # J/(mol K)
PER_MS = 1e-3  # s per ms: fast.ode rates (1/s) -> kernel rates (1/ms)
RTOL = 1e-12  # relative to the gross flux of a row (sum of |terms|): see _check

#: fast.ode ``par`` lines (also models.md section 2.1): k1 in 1/(uM s), Kp, Kp2 in uM, r30 in
#: granules/s, the other rates in 1/s; microdomain fmd, B (1/s) and vmd (L).
CHEN = dict(k1=20.0, km1=100.0, r1=0.6, rm1=1.0, r20=0.006, rm2=0.001, r30=1.205,
            rm3=1e-4, u1=2000.0, u2=3.0, u3=0.02, Kp=2.3, Kp2=2.3, f_md=0.01, B_md=200.0,
            v_md=4.2e-15)
#: fast.ode initial pools N1(0) .. NR(0), granules.
CHEN_POOLS0 = dict(N1=14.71376, N2=0.612519, N3=0.0084499, N4=5.098857e-6, N5=24.539936,
                   N6=218.017777, NF=0.003399, NR=0.50988575)
POOLS = ("N1", "N2", "N3", "N4", "N5", "N6", "NF", "NR", "SE", "fused_total")
#: Parameter cases: published numbers; glucose and amplification changed together; no
#: resupply in a low-Ca2+ bath; every exocytosis parameter moved (Kp != Kp2, so a swap shows).
CASES = {
    "published": {},
    "amplified": {"amplification": 2.5, "glucose": 20.0},
    "no_resupply": {"amplification": 0.0, "glucose": 5.6, "Ca_o": 1.5},
    "moved": "random",
}


def l_type_ca_current(s, ca_o, T_C=37.0):
    """Ca2+ component of the L-type current, pA (Cha et al. 2011 ``bcell_cha.mod``:
    ``ICaL3 = PCaL pO CaCF``, PCaL = 48.9 pA/mM, ``pO = d^2 U (0.4 + 0.6 fus) /
    (1 + (1.4/ATP)^3)``, CaCF the constant-field factor with z = 2). V avoids 0 here."""
    x = 2.0 * s["V"] / (R * (T_C + 273.15) / F * 1e3)
    cacf = x / (1.0 - math.exp(-x)) * (s["Ca_i"] - ca_o * math.exp(-x))
    po = s["d_CaL"] ** 2 * s["U_CaL"] * (0.4 + 0.6 * s["f_us"]) / (1.0 + (1.4 / s["ATP"]) ** 3)
    return 48.9 * po * cacf


def chen_terms(s, q, i_ca_pA, gluc_fact):
    """Right-hand-side terms (per s) of ``Cmd`` and the pools, fast.ode (models.md 2.1).

    ``JL = alpha IL/vmd`` (uM/s, IL in fA) and ``Cmd' = -fmd JL - fmd B (Cmd - Ci)``; alpha
    = 1e-9/(2F) umol s^-1 fA^-1 exactly (fast.ode rounds it to 5.18e-15, 4e-4 smaller; the
    kernel documents the exact value). Vesicles: ``N1' .. N6'``, ``NF' = u1 N4 - u2 NF``,
    ``NR' = u2 NF - u3 NR``, ``SE' = u3 NR``, ``cumf' = u1 N4`` (``fused_total``), with
    ``r2 = r20 Ci/(Ci + Kp2)`` and ``r3 = GlucFact r30 Ci/(Ci + Kp)``.

    Returns
    -------
    dict
        Row name -> tuple of terms (1/s units of the row), and ``"r3"``, the resupply.
    """
    cmd, ci = s["Cmd"], 1e3 * s["Ca_i"]
    n1, n2, n3, n4, n5, n6, nf, nr = (s[k] for k in POOLS[:8])
    k1c, km1, r1, rm1, rm2, rm3, u1, u2, u3 = (
        q["k1"] * cmd, q["km1"], q["r1"], q["rm1"], q["rm2"], q["rm3"], q["u1"], q["u2"],
        q["u3"])
    r2 = q["r20"] * ci / (ci + q["Kp2"])
    r3 = gluc_fact * q["r30"] * ci / (ci + q["Kp"])
    jl = 1e-9 / (2.0 * F) * (1e3 * i_ca_pA) / q["v_md"]
    fmd, b = q["f_md"], q["B_md"]
    return {
        "Cmd": (-fmd * jl, -fmd * b * cmd, fmd * b * ci),
        "N1": (-(3 * k1c + rm1) * n1, km1 * n2, r1 * n5),
        "N2": (3 * k1c * n1, -(2 * k1c + km1) * n2, 2 * km1 * n3),
        "N3": (2 * k1c * n2, -(2 * km1 + k1c) * n3, 3 * km1 * n4),
        "N4": (k1c * n3, -(3 * km1 + u1) * n4),
        "N5": (rm1 * n1, -(r1 + rm2) * n5, r2 * n6),
        "N6": (r3, rm2 * n5, -(rm3 + r2) * n6),
        "NF": (u1 * n4, -u2 * nf),
        "NR": (u2 * nf, -u3 * nr),
        "SE": (u3 * nr,),
        "fused_total": (u1 * n4,),
        "r3": r3,
    }


def _random_state(rng):
    """Physiological state: V -75..+10 mV (|V| >= 2), Ca_i 0.05-1.6 uM, Cmd 0.1-50 uM,
    L-type gates and ATP inside their ranges, pools 0.3-3x the fast.ode initial pools."""
    v = rng.uniform(-75.0, 10.0)
    s = {"V": v - 4.0 if abs(v) < 2.0 else v, "Ca_i": 1e-3 * 10 ** rng.uniform(-1.3, 0.2),
         "Cmd": 10 ** rng.uniform(-1.0, 1.7), "d_CaL": rng.uniform(0.02, 0.9),
         "U_CaL": rng.uniform(0.2, 0.9), "f_us": rng.uniform(0.3, 0.95),
         "ATP": rng.uniform(1.0, 3.5), "SE": rng.uniform(0.0, 500.0),
         "fused_total": rng.uniform(0.0, 500.0)}
    s.update({k: v0 * 10 ** rng.uniform(-0.5, 0.5) for k, v0 in CHEN_POOLS0.items()})
    return s


def _kernel(columns):
    """Kernel rates ``A - B y`` (per ms) and outputs for ``[(params, states), ...]``, one cell
    per pair (the calling pattern of tests/test_beta_cell.py::_eval)."""
    p = np.column_stack([MODEL.parameter_vector(q) for q, _ in columns])
    y = np.column_stack([MODEL.state_vector(s) for _, s in columns])
    p = block_parameters(KERNEL, p)
    A, B = np.zeros_like(y), np.zeros_like(y)
    out = np.zeros((len(MODEL.outputs), y.shape[1]))
    for c in range(y.shape[1]):
        KERNEL.rates(y, p, c, 0.0, 0.0, A, B)
        KERNEL.aux(y, p, c, 0.0, 0.0, out)
    assert np.all(B >= 0.0)
    rows = {n: (A - B * y)[MODEL.state_index(n)] for n in ("Cmd",) + POOLS}
    return rows, {n: out[i] for i, n in enumerate(MODEL.output_names)}


def _check(got, terms, what, gross=None):
    """``got`` (per ms) equals the sum of ``terms`` (per s) x 1e-3 within RTOL of the gross
    flux (default sum|terms|): the kernel forms ``A - B y``, whose rounding scales with the
    terms, not with their (possibly near-zero) net sum."""
    expect = PER_MS * math.fsum(terms)
    tol = RTOL * PER_MS * (sum(abs(t) for t in terms) if gross is None else gross)
    assert abs(got - expect) <= tol, f"{what}: kernel {got!r}, Chen 2008 {expect!r}"


def _case(name, rng):
    case = CASES[name]
    if case != "random":
        return dict(case)
    q = {k: v * 10 ** rng.uniform(-0.3, 0.3) for k, v in CHEN.items()}
    return q | {"amplification": 0.4, "Ca_o": 5.0, "glucose": 8.0}


@pytest.mark.parametrize("name", list(CASES))
def test_granule_rates_match_chen_2008(name):
    """Every exocytosis row (Cmd, N1..N6, NF, NR, SE, fused_total) equals fast.ode at six
    random states; also the kernel's I_CaL_Ca, ``fusion_rate = u1 N4`` (granules/s) and
    ``insulin_rate = 9 fg x u3 NR`` (fast.ode ``JF``, ``JR``; 9 fg/granule, models.md 2.1), and
    the pool total N1+..+NR+SE changes only by ``r3 - rm3 N6``."""
    rng = np.random.default_rng([40, list(CASES).index(name)])
    params = _case(name, rng)
    q = CHEN | {k: v for k, v in params.items() if k in CHEN}
    gluc_fact = params.get("amplification", 1.0)
    ca_o = params.get("Ca_o", 2.6)
    states = [_random_state(rng) for _ in range(6)]
    rows, out = _kernel([(params, s) for s in states])
    for c, s in enumerate(states):
        i_ca = l_type_ca_current(s, ca_o)
        assert i_ca < 0.0  # Ca2+ enters at every sampled V (E_Ca >> +10 mV)
        assert out["I_CaL_Ca"][c] == pytest.approx(i_ca, rel=1e-12, abs=0.0)
        terms = chen_terms(s, q, i_ca, gluc_fact)
        for row in ("Cmd",) + POOLS:
            _check(rows[row][c], terms[row], f"{name} state {c} d{row}/dt")
        assert out["fusion_rate"][c] == pytest.approx(q["u1"] * s["N4"], rel=1e-14)
        assert out["insulin_rate"][c] == pytest.approx(9.0 * q["u3"] * s["NR"], rel=1e-14)
        # a sum of nine rows: its rounding scales with all their terms
        total = math.fsum(rows[k][c] for k in POOLS[:9])
        gross = sum(abs(t) for k in POOLS[:9] for t in terms[k])
        _check(total, (terms["r3"], -q["rm3"] * s["N6"]), f"{name} state {c} pool total",
               gross)


def test_amplification_multiplies_resupply_r3_only():
    """``amplification`` is the "multiplier of the granule resupply rate r3" (declaration;
    fast.ode ``r3 = GlucFact r30 Ci/(Ci + Kp)``): at 0, 0.3, 3 and 20 the N6 rate differs
    from its value at 1 by exactly ``(a - 1) r30 Ci/(Ci + Kp)``, and every other exocytosis row
    (and the whole rest of the state) is bit-for-bit unchanged."""
    assert "r3" in MODEL.parameter("amplification").description
    amps = (1.0, 0.0, 0.3, 3.0, 20.0)
    rng = np.random.default_rng(41)
    states = [_random_state(rng) for _ in range(4)]
    columns = [({"amplification": a}, s) for s in states for a in amps]
    p = np.column_stack([MODEL.parameter_vector(q) for q, _ in columns])
    y = np.column_stack([MODEL.state_vector(s) for _, s in columns])
    p = block_parameters(KERNEL, p)
    A, B = np.zeros_like(y), np.zeros_like(y)
    for c in range(y.shape[1]):
        KERNEL.rates(y, p, c, 0.0, 0.0, A, B)
    dy = A - B * y
    i6 = MODEL.state_index("N6")
    others = np.arange(y.shape[0]) != i6
    for j, s in enumerate(states):
        base = j * len(amps)
        ci = 1e3 * s["Ca_i"]
        r3_1 = CHEN["r30"] * ci / (ci + CHEN["Kp"])
        gross = chen_terms(s, CHEN, 0.0, 1.0)["N6"]
        for k, a in enumerate(amps[1:], start=1):
            np.testing.assert_array_equal(dy[others, base + k], dy[others, base])
            diff = dy[i6, base + k] - dy[i6, base]
            scale = sum(abs(t) for t in gross) + abs(a - 1.0) * r3_1
            assert diff == pytest.approx((a - 1.0) * r3_1 * PER_MS,
                                         abs=4 * RTOL * PER_MS * scale), (j, a)


def test_declared_exocytosis_numbers_are_fast_ode():
    """The declared defaults are fast.ode's ``par`` values, ``amplification`` defaults to its
    ``GlucFact`` (``Grest = Gburst = 1``) and the pools start at its initial conditions."""
    for name, value in CHEN.items():
        assert MODEL.parameter(name).value == value, name
    assert MODEL.parameter("amplification").value == 1.0
    y0 = {q.name: q.value for q in MODEL.states}
    for name, value in CHEN_POOLS0.items():
        assert y0[name] == value, name
