"""``zg_cell`` part by part (issue 5): its declaration, input checks, the surface-charge shift,
the AT1 response, the pump's Ang II inhibition, the CaV3.2 gates and the running average of
Ca2+ behind the aldosterone read-out.

The first two tests check the declaration (units, sources, bounds, the fitted parameters'
tests) and the input errors; the others check one piece of the kernel against an expression
written here, independently of the package, or against the shared kernel it must equal, and
the running average against the mean Ca2+ of a run. The cell-level calibration and
validation (resting potential, K_o series, aldosterone ratios, knockouts, LSODA) is in
``tests/test_zg_cell.py``; the delayed rectifier in ``tests/test_zg_cell_kv.py``; the pump
against two glomerulosa studies in ``tests/test_zg_cell_pump_block.py``; the behaviour beyond
the calibrated K_o range in ``tests/test_zg_cell_range.py``.
"""

from __future__ import annotations

import dataclasses
import json
import math
import re

import numpy as np
import pytest

import biophys as bp
from biophys import zg
from biophys.kernels.models import zg_cell as kz
from biophys.kernels.protocol import block_parameters
from biophys.kernels.surface import DEFAULT_SIGMA, gating_shift
from biophys.models import get_model
from biophys.models.zg_cell import TONIC_REST

MODEL = get_model("zg_cell")


# -- declaration and input ---------------------------------------------------------------------
def test_declared_as_ours_with_units_and_sources():
    assert "NOT a published model" in MODEL.description
    assert "phenomenological" in MODEL.description
    for q in MODEL.parameters + MODEL.states:
        assert q.unit and q.source and q.description, q.name
        lo, hi = q.bounds
        assert lo <= q.value <= hi, q.name
    fitted = [q.name for q in MODEL.parameters if q.source.startswith("fitted here")]
    assert {"P_TASK", "P_Na_b", "I_NaK_max", "aldo_basal", "K_aldo", "tau_AT1"} <= set(fitted)
    for name in fitted:  # each names its test (that it exists: test_layout.py)
        assert re.search(r"tests/test_zg_cell\w*\.py::test_\w+", MODEL.parameter(name).source), name
    assert set(MODEL.condition_names) >= {"K_o", "Na_o", "Ca_o", "Mg_o", "temperature", "AngII"}
    assert MODEL.roles["aldosterone"] == "aldosterone_rate"


def test_bad_input_is_a_clear_value_error():
    with pytest.raises(ValueError, match=r"K_o.*mM"):
        bp.simulate("zg_cell", 10.0, params={"K_o": -1.0})
    with pytest.raises(ValueError, match=r"AngII.*pM"):
        bp.simulate("zg_cell", 10.0, params={"AngII": float("nan")})
    with pytest.raises(ValueError, match="Ca_avg"):
        zg.synthesis_rate(-1.0)
    # the exchanger's parameters and states (session 18) go through the same checks
    with pytest.raises(ValueError, match=r"I_NCX_max.*uA/cm\^2"):
        bp.simulate("zg_cell", 10.0, params={"I_NCX_max": -1.0})
    with pytest.raises(ValueError, match=r"partition_NCX.*\[0, 1\]"):
        bp.simulate("zg_cell", 10.0, params={"partition_NCX": 1.5})
    with pytest.raises(ValueError, match="I2_NCX"):
        bp.simulate("zg_cell", 10.0, initial={"I2_NCX": 1.5})
    # the glomerulosa pump's parameters (session 20): f_NaK_K divides K+ in the kernel
    with pytest.raises(ValueError, match=r"f_NaK_K.*\[0\.001, 1000"):
        bp.simulate("zg_cell", 10.0, params={"f_NaK_K": 0.0})
    with pytest.raises(ValueError, match=r"A_NaK_Ca.*\[0, 100\]"):
        bp.simulate("zg_cell", 10.0, params={"A_NaK_Ca": -0.5})
    with pytest.raises(ValueError, match=r"K_NaK_Ca.*mM"):
        bp.simulate("zg_cell", 10.0, params={"K_NaK_Ca": float("inf")})


# -- kernels -----------------------------------------------------------------------------------
def _derived_shift(params):
    """The kernel's derived surface-charge shift (mV) for parameter overrides ``params``."""
    p = block_parameters(kz, MODEL.parameter_vector(params)[:, None])
    return p[kz.V_SHIFT, 0]


def test_surface_shift_equals_shared_gating_shift():
    """The derived shift is the shared Grahame shift of the bath (Na_o + K_o, Ca_o, Mg_o) vs the
    reference bath 144 mM monovalent, 2 mM Ca2+, 1 mM Mg2+ (kernels.surface, validated against
    brentq in tests/kernels/test_surface.py)."""
    for ca in (0.0, 0.5, 2.0, 10.0):
        for mg in (0.0, 1.0, 10.0):
            for ko in (2.0, 8.0):
                for sigma in (DEFAULT_SIGMA, -1.0 / 250.0):
                    ours = _derived_shift({"Ca_o": max(ca, 1e-6), "Mg_o": mg, "K_o": ko,
                                           "sigma": sigma})
                    shared = gating_shift(140.0 + ko, max(ca, 1e-6), mg, sigma, 37.0, 144.0, 2.0,
                                          1.0)
                    assert ours == pytest.approx(shared, abs=1e-9)
    # the driver computes it once per cell (kernel derive) and applies it every step
    params = {"Mg_o": 10.0, "Ca_o": 0.5}
    expect = _derived_shift(params)
    assert abs(expect) > 1.0
    ds = bp.simulate("zg_cell", 1.0, params=params, record=["dV_surface"], record_every=0.5)
    np.testing.assert_array_equal(ds["dV_surface"].values, expect)


def test_angii_response_operational_model():
    """At AngII = K_AT1/(1 + tau) the AT1 response is half its maximum tau/(1 + tau)."""
    tau = MODEL.parameter("tau_AT1").value
    k_at1 = MODEL.parameter("K_AT1").value
    ec50 = k_at1 / (1.0 + tau)
    assert kz.angii_response(ec50, k_at1, tau) == pytest.approx(0.5 * tau / (1.0 + tau),
                                                                rel=1e-12)
    assert kz.angii_response(0.0, k_at1, tau) == 0.0


def test_pump_inhibition_by_angii():
    """The kernel scales the pump current by 1 - f_NaK_AngII E (E the AT1 response)."""
    y = MODEL.default_states()[:, None].copy()
    i_nak = MODEL.output_names.index("I_NaK")
    e_out = MODEL.output_names.index("AngII_response")

    def outputs(params):
        # the AT1 constants are set here, so that E below does not depend on the defaults
        params = {"tau_AT1": 3.0, "K_AT1": 500.0, **params}
        out = np.zeros((len(MODEL.outputs), 1))
        kz.aux(y, block_parameters(kz, MODEL.parameter_vector(params)[:, None]), 0, 0.0, 0.0,
               out)
        return out[:, 0]

    base = outputs({})[i_nak]
    for ang, f in ((300.0, 0.85), (1000.0, 0.5), (1e6, 1.0)):
        o = outputs({"AngII": ang, "f_NaK_AngII": f})
        e = 3.0 * (ang / (ang + 500.0)) / (1.0 + 3.0 * ang / (ang + 500.0))  # written here
        assert o[e_out] == pytest.approx(e, rel=1e-12)
        assert o[i_nak] == pytest.approx((1.0 - f * e) * base, rel=1e-12)
    assert outputs({"AngII": 1000.0, "f_NaK_AngII": 0.0})[i_nak] == pytest.approx(base,
                                                                                  rel=1e-12)


def test_cav32_gating_shifts():
    """The shifted CaV3.2 gates are the Vitko et al. (2005) fits evaluated at V - shift."""
    for v in (-100.0, -85.0, -70.0, -55.0, -30.0, 0.0):
        for da, di in ((0.0, 0.0), (-1.5, 13.0), (5.0, -7.0)):
            m_inf, tau_m, h_inf, tau_h = kz.cav32_gates(v, 24.0, da, di)
            va, vi = v - da, v - di
            assert m_inf == pytest.approx(1 / (1 + math.exp(-(va + 59.36) / 7.53)), rel=1e-12)
            assert h_inf == pytest.approx(1 / (1 + math.exp((vi + 85.5) / 7.18)), rel=1e-12)
            assert tau_m == pytest.approx(1.52 + 1 / (math.exp((va + 40.3) / 10.06)
                                                      + math.exp(-(va + 144.3) / 28.6)),
                                          rel=1e-12)
            assert tau_h == pytest.approx(13.7 + (1943 + math.exp((vi + 164) / 9.2))
                                          / (1 + math.exp((vi + 89.3) / 3.7)), rel=1e-12)


# -- running average of Ca2+ (aldosterone read-out) --------------------------------------------
def test_running_average_gives_the_steady_rate():
    """Ca_avg (time constant tau_avg) converges to the mean of Ca_i, so the aldosterone output
    equals the synthesis function of the mean (the shortcut used by biophys.zg). On the tonic
    calibration's TASK knockout, whose tonic firing (8.7 Hz) a 3 s average smooths; the default
    knockout's bursts (period 2.5 s) would need a longer one."""
    prm = zg.tonic_calibration({"P_TASK": 0.0, "tau_avg": 3000.0})
    ds = bp.simulate("zg_cell", 40000.0, params=prm, initial=TONIC_REST,
                     record=("Ca_i", "Ca_avg", "aldosterone_rate"), record_every=1.0)
    t = ds.time.values
    late = t >= 20000.0
    mean_ca = float(ds.Ca_i.values[late].mean())
    assert ds.Ca_avg.values[-1] == pytest.approx(mean_ca, rel=0.03)
    rate = zg.synthesis_rate(ds.Ca_avg.values[-1], params=prm)
    assert ds.aldosterone_rate.values[-1] == pytest.approx(float(rate), rel=1e-12)
    # the read-out itself, written here (no Ang II: the Hill constant is K_aldo itself)
    q = {n: prm.get(n, MODEL.parameter(n).value)
         for n in ("aldo_max", "aldo_basal", "K_aldo", "n_aldo")}
    assert MODEL.parameter("AngII").value == 0.0
    x = (ds.Ca_avg.values[-1] / q["K_aldo"]) ** q["n_aldo"]
    hill = q["aldo_max"] * (q["aldo_basal"] + (1.0 - q["aldo_basal"]) * x / (1.0 + x))
    assert ds.aldosterone_rate.values[-1] == pytest.approx(hill, rel=1e-12)
    assert json.loads(ds.attrs["final_state"])["Ca_avg"] == pytest.approx(
        ds.Ca_avg.values[-1], rel=1e-12)


@pytest.mark.slow
def test_running_average_default_tau_long():
    """With the default tau_avg (2 min) the output after 12 min matches biophys.zg's estimate."""
    prm = {"P_TASK": 0.0}
    ds = bp.simulate("zg_cell", 720000.0, params=prm, record=("aldosterone_rate",),
                     record_every=1000.0)
    est = zg.steady_state([prm], t_end=60000.0, warmup=20000.0).aldosterone_rate[0]
    assert ds.aldosterone_rate.values[-1] == pytest.approx(est, rel=0.03)


def test_steady_state_continues_from_an_earlier_result():
    """``initial=`` an earlier SteadyState continues each run from its final state: 2 s and then
    2 s more give the final states of one 4 s run bit for bit, and its averages over the last
    2 s (one run oscillating at 6 mM K_o, one TASK knockout firing). A result of other
    conditions is refused."""
    conds = [{"K_o": 6.0}, {"K_o": 4.0, "P_TASK": 0.0}]
    first = zg.steady_state(conds, t_end=2000.0, warmup=0.0)
    more = zg.steady_state(conds, t_end=2000.0, warmup=0.0, initial=first)
    whole = zg.steady_state(conds, t_end=4000.0, warmup=2000.0)
    assert np.all(whole.spike_rate > 0.0)
    assert np.array_equal(more.final_states, whole.final_states)
    for name in ("mean_Ca_i", "mean_V", "min_V", "max_V", "spike_rate", "aldosterone_rate"):
        assert np.array_equal(getattr(more, name), getattr(whole, name)), name
    assert not np.array_equal(first.mean_Ca_i, whole.mean_Ca_i)
    with pytest.raises(ValueError, match="initial: a SteadyState continues only the runs"):
        zg.steady_state(conds[::-1], t_end=10.0, warmup=0.0, initial=first)
    # not valid states to continue from (a hand-made or altered result): named, not run
    Y = first.final_states.copy()
    Y[0, 1] = np.nan
    with pytest.raises(ValueError, match=r"initial: .*\{'K_o': 4.0, 'P_TASK': 0.0\}\] are not "
                                         "finite"):
        zg.steady_state(conds, t_end=10.0, warmup=0.0,
                        initial=dataclasses.replace(first, final_states=Y))
    with pytest.raises(ValueError, match="initial: the SteadyState's final_states have shape"):
        zg.steady_state(conds, t_end=10.0, warmup=0.0,
                        initial=dataclasses.replace(first, final_states=Y[:-1]))


# -- CaV1.3 gates and the GHK slope, against their sources ------------------------------------
#: caL13.mod (Wolf et al. 2005, ModelDB; as in vividn/DBS_NAcc): constants with the file's
#: sources. m' = (minf - m)/(mtau/qfact), qfact = 3 at 22 C; mtau = 1/(malpha + mbeta).
CAL13_MOD = {"mvhalf": -33.0, "mslope": -6.7,  # mV; Xu & Lipscombe 2001 / Churchill 1998
             "vm": -8.124, "k": 9.005, "kpr": 31.4,  # mV; Kasai & Neher 1992 fig 15
             "c": 0.0398, "cpr": 0.99,  # /(ms mV), /ms; Kasai & Neher 1992 fig 15
             "hvhalf": -13.4, "hslope": 11.9, "htau": 44.3,  # mV, mV, ms; Bell et al. 2001
             "qfact": 3.0, "temp": 22.0}


def _cal13_mod(v):
    """minf, mtau (ms), hinf, htau (ms) of caL13.mod at 22 C, as the file writes them (its
    exp(z) - 1 evaluated with expm1, which the double 0/0 form near vm is not)."""
    p = CAL13_MOD
    minf = 1.0 / (1.0 + math.exp((v - p["mvhalf"]) / p["mslope"]))
    hinf = 1.0 / (1.0 + math.exp((v - p["hvhalf"]) / p["hslope"]))
    if v == p["vm"]:  # the file's 0/0; its limit
        malpha = p["c"] * p["k"]
    else:
        malpha = p["c"] * (v - p["vm"]) / math.expm1((v - p["vm"]) / p["k"])
    mbeta = p["cpr"] * math.exp(v / p["kpr"])
    return minf, 1.0 / (malpha + mbeta), hinf, p["htau"]


def test_cav13_gates_match_cal13_mod():
    """The CaV1.3 gates are caL13.mod's (activation m^2 -> d, inactivation h -> f; tau =
    file tau at 22 C divided by 3^((T - 22)/10): Q10 3, a choice of this model, where the file
    divides by a fixed qfact = 3 for 35 C; see test_zg_provenance_review55.py), with the
    activation and its time constant shifted by ``dV_act`` (a choice of this model: the file
    shifts minf alone). The rate's removable singularity at vm = -8.124 mV gives c k (the
    kernel's exprel), and is continuous there."""
    p = CAL13_MOD
    for v in (-100.0, -85.0, -60.0, -33.0, -20.0, -8.124 - 1e-3, -8.124, -8.124 + 1e-9, 0.0,
              20.0, 60.0):
        for temp in (22.0, 37.0):
            q = p["qfact"] ** ((temp - p["temp"]) / 10.0)
            minf, mtau, hinf, htau = _cal13_mod(v)
            d_inf, tau_d, f_inf, tau_f = kz.cav13_gates(v, temp, 0.0)
            assert d_inf == pytest.approx(minf, rel=1e-12)
            assert f_inf == pytest.approx(hinf, rel=1e-12)
            assert tau_d == pytest.approx(mtau / q, rel=1e-12)
            assert tau_f == pytest.approx(htau / q, rel=1e-12)
        for shift in (-16.0, 5.0):  # activation and its tau move with the shift; f does not
            d_inf, tau_d, f_inf, _ = kz.cav13_gates(v, 22.0, shift)
            minf, mtau, hinf, _ = _cal13_mod(v - shift)
            assert (d_inf, tau_d) == pytest.approx((minf, mtau), rel=1e-12)
            assert f_inf == pytest.approx(_cal13_mod(v)[2], rel=1e-12)
    at_vm = 1.0 / (p["c"] * p["k"] + p["cpr"] * math.exp(p["vm"] / p["kpr"]))  # 0.89 ms
    assert kz.cav13_gates(p["vm"], 22.0, 0.0)[1] == pytest.approx(at_vm, rel=1e-14)


def _ghk_g_slope_exact(x: float) -> float:
    """d/dx [x / (1 - e^-x)] = (1 - e^-x - x e^-x) / (1 - e^-x)^2, in 50-digit decimals
    (exact enough at |x| = 1e-9, where doubles cancel); 1/2 at x = 0."""
    from decimal import Decimal, localcontext

    with localcontext() as ctx:
        ctx.prec = 50
        d = Decimal(x)
        if d == 0:
            return 0.5
        e = (-d).exp()
        return float((1 - e - d * e) / (1 - e) ** 2)


def test_ghk_g_slope_series_and_exact_form():
    """The slope of the GHK driving function on both sides of its series switch (|x| =
    GHK_SLOPE_SERIES, 1e-2) and of its switch for large negative x (GHK_SLOPE_NEGATIVE, where
    the plain closed form would overflow: it returned 0 below about -355 and NaN below about
    -703), and far out, against the exact derivative: within 1e-13 relative everywhere, 0 where
    the exact value underflows. (With the series 1/2 + x/6 below |x| = 1e-4 the closed form
    just above the switch lost 2e-12 to cancellation, its numerator being ~x^2/2.) The chord
    slope of a divalent ion stays finite at +-10 V."""
    for x in (0.0, 1e-12, -1e-9, 5e-5, -9.99e-5, 1e-4, -1.0001e-4, 2e-4, 3e-3, -9e-3, 1.1e-2,
              -0.05, -0.5, 1.0, 5.0, -5.0, 30.0, -30.0, 200.0, -200.0, -299.0, -301.0, -360.0,
              -400.0, -700.0, -710.0, -800.0, -1e4, 400.0, 800.0, 1e4):
        assert kz.ghk_g_slope(x) == pytest.approx(_ghk_g_slope_exact(x), rel=1e-13, abs=1e-300)
    edge = kz.GHK_SLOPE_NEGATIVE
    assert kz.ghk_g_slope(edge * (1 + 1e-12)) == pytest.approx(kz.ghk_g_slope(edge), rel=1e-13)
    for v in (-1e4, 1e4):  # mV
        slope = kz.ghk_chord_free_slope(2.0, v, 1e-4, 2.0, 26.7)
        assert math.isfinite(slope) and slope >= 0.0, (v, slope)
    # no jump at the switch beyond the closed form's rounding there (~eps/|x| = 2e-14)
    for edge in (kz.GHK_SLOPE_SERIES, -kz.GHK_SLOPE_SERIES):
        below, above = kz.ghk_g_slope(edge * (1 - 1e-12)), kz.ghk_g_slope(edge * (1 + 1e-12))
        assert abs(above - below) < 5e-14
        assert kz.ghk_g_slope(edge) == pytest.approx(_ghk_g_slope_exact(edge), rel=1e-14)


# -- the biophys.zg helpers -------------------------------------------------------------------
def test_zg_helpers_are_reachable_and_define_the_knockouts():
    """``bp.zg`` works after ``import biophys as bp`` (the model description points to it);
    the TASK knockout is P_TASK = 0 with TREK, leak and the rest kept, as the CaV3.2 one is
    P_CaT = 0."""
    assert bp.zg is zg
    ko = zg.task_knockout({"K_o": 4.0, "P_TASK": 1e-6, "P_TREK": 2e-8})
    assert ko == {"K_o": 4.0, "P_TASK": 0.0, "P_TREK": 2e-8}
    assert zg.task_knockout() == {"P_TASK": 0.0}
    assert zg.cav32_knockout({"K_o": 4.0}) == {"K_o": 4.0, "P_CaT": 0.0}


def test_steady_state_warns_about_out_of_range_bath_values():
    """K_o typed in M and a 50 mM Mg_o draw the Solution's range warnings, once each, from
    the conditions and from params (they ran silently through the zg helpers)."""
    with pytest.warns(UserWarning) as got:
        zg.steady_state([{"K_o": 0.05}, {"K_o": 0.04}], params={"Mg_o": 50.0},
                        t_end=200.0, warmup=100.0)
    said = sorted(str(w.message) for w in got)
    assert said == ["K_o = 0.04 to 0.05 mM (2 of 2 values) is outside the physiological "
                    "range [1, 60] mM",
                    "Mg_o = 50 mM is outside the physiological range [0.1, 10] mM"]
