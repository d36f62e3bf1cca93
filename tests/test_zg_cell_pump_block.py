"""``zg_cell``'s Na+/K+-ATPase against two studies of adrenal glomerulosa cells (issue 5).

**Ouabain:** Antonipillai I, Schick K, Horton R (1996) J Clin Endocrinol Metab 81:2335,
abstract (PubMed 8964873). Isolated rat and human glomerulosa cells; aldosterone output.

1. Human cells: ouabain at 1e-8 to 1e-7 M did not alter the aldosterone response to 8.7 mM
   K+ (:func:`test_k_stimulated_aldosterone_ignores_pump_block`: the tonic calibration
   passes, the default fails, a strict xfail).
2. Rat cells: ouabain up to 1e-4 M had no effect on basal aldosterone but inhibited the Ang II
   response, dose-dependently. In human cells the same doses as above reduced basal and Ang
   II-stimulated output. :func:`test_basal_aldosterone_does_not_rise_under_pump_block` is a
   strict xfail: both calibrations fail it (the default: +9.1% / +19.4% / +22.5% at 50% / 90%
   / 100% block, the cell depolarising from -85.7 to -82.3 mV, silent).

Measured with this module's runs on the tonic calibration (30 s, averages over the last 18 s),
pump block 50% / 90% / 100%:

- at 8.7 mM K_o aldosterone changes by +1.6% / +2.9% / +3.2% (the cell sits silent at -71
  mV, above its oscillation range);
- at 4 mM K_o it rises by 23% / 30% / 31%, the cell depolarising from -85.1 to -82.7 / -82.0
  / -81.9 mV (firing at 0.5-0.7 Hz from 90% block). At 7.5 mM K_o it rises by 16% / 54%
  (from 90% block the oscillation stops and the cell settles depolarised);
- with 1 nM Ang II at 4 mM K_o it changes by less than 0.4%: Ang II already inhibits the
  pump by 57% (``f_NaK_AngII``), and the synthesis read-out is near its maximum.

In the model, blocking the pump can only depolarise the cell (its current is outward and
``Na_i``/``K_i`` are fixed), so aldosterone output can only rise. That Na+ and K+ redistribute
over an hour of incubation would not reverse this: a higher Na_i and a lower K_i depolarise
too. The measured fall must come from a step that is not modelled, downstream of the membrane.
Nor does the study support the model's hypothesis that Ang II stimulates by inhibiting the
pump (``f_NaK_AngII``, Hajnoczky et al. 1992, not retrieved). If inhibiting the pump stimulated
output, ouabain would mimic Ang II, but it opposes it. The hypothesis stays for the CaV3.2
knockout's Ang II threshold (``tests/test_zg_cell_tonic.py``, calibration step 6). Ouabain's degree
of block is not known here, since the abstract gives no current measurements; block fractions
of 30-100% are used.

**Both calibrations.** The data checks below run on the default calibration and on the tonic
one (:func:`biophys.zg.tonic_calibration`, tests/test_zg_cell_tonic.py), whose values they
were fitted with (the default, tests/test_zg_cell.py, was fitted to other data and never to
these). The default passes the direct K_o activation of the pump (x1.31) and, since session
48 (its pump half-stimulated at 0.12 uM Ca2+, ``K_NaK_Ca``, instead of 0.3 uM), the
Ca2+-dependent stimulation; it fails observation 1 (a strict xfail; numbers in its reason).

**Pump activation by K_o:** Yingst DR, Davis J, Schiebinger R (2001) "Effects of extracellular
calcium and potassium on the sodium pump of rat adrenal glomerulosa cells", Am J Physiol Cell
Physiol 280:C119, abstract (PubMed 11121383). Ouabain-sensitive 86Rb uptake was measured in
rat glomerulosa cells with 20 mM Na_i. Raising K_o from 4 to 10 mM stimulated the pump by about
30% without extracellular Ca2+ (direct binding), and by up to 165% with 1.8 mM Ca_o, through
Ca2+, calmodulin and CaMKII; isradipine (T- and L-type block) removed the Ca2+-dependent part.
With an ionophore, raising Ca2+ to the level of the 10 mM K_o cells stimulated the pump by 100%.

The model's pump is Cha et al.'s (2011) cycle with two changes fitted to these numbers (with
the tonic calibration)
(``biophys.models.zg_cell``): both K+ dissociation constants scaled by ``f_NaK_K`` = 0.35 (with Cha
et al.'s values the direct part is x2.7, x2.55 at the earlier calibration's amplitude: the
cycle was fitted to cardiac data), and a
Ca2+-dependent stimulation ``1 + A_NaK_Ca Ca_i^2/(Ca_i^2 + K_NaK_Ca^2)`` with ``A_NaK_Ca`` =
1.2, ``K_NaK_Ca`` = 0.3 uM. ``I_NaK_max`` keeps the resting pump current of the earlier
calibration. Measured here on the tonic calibration (30 s runs, 20 mM Na_i, means over the
last 10 s): x1.34 without
Ca2+ entry, x2.48 with 1.8 mM Ca_o, x1.34 with 1.8 mM Ca_o and the Ca2+ channels blocked; the
Ca2+-dependent factor at the 10 mM cell's Ca2+ (0.43 uM) is x1.81. ``A_NaK_Ca`` above about
1.3 lowers that factor: the stronger pump turns the 10 mM cell from a depolarised steady state
(0.43 uM Ca2+) into an oscillator with less Ca2+ (0.17 uM; x1.35 at 1.4). Not reproduced: adding
Ca_o at 4 mM K_o stimulated the pump "up to 100%" in some of Yingst's experiments; in the model
the cell then holds 18 nM Ca2+ (at -98 mV with 20 mM Na_i): the Ca2+-dependent factor is
x1.004, and the pump current (with the small change of V) 0.5% larger than without Ca_o (the
default calibration: 24 nM at -96 mV, its pump current 4.4% larger).
"""

from __future__ import annotations

import contextlib
import functools

import numpy as np
import pytest
from zg_cell_data import CALIBRATIONS, CANINE, default_fails

import biophys as bp
from biophys import zg
from biophys.kernels.models import zg_cell as kz
from biophys.kernels.nak_pump import CHA_2011, nak_cycle_rate_with, nak_log_equilibrium_ratio
from biophys.kernels.protocol import block_parameters
from biophys.models import get_model
from biophys.models.zg_cell import REST

MODEL = get_model("zg_cell")
I_NAK = MODEL.parameter("I_NaK_max").value
#: Fractions of the Na+/K+-ATPase left by the block (1 = no block).
PUMP_LEFT = (1.0, 0.7, 0.5, 0.1, 0.0)
#: Largest relative change still read as "not altered": the tolerance of the model's fitted
#: aldosterone ratios (``RATIO_TOL`` of ``tests/zg_cell_data.py``, 10%).
NOT_ALTERED = 0.10

def _aldosterone_under_block(cond, cal="default"):
    params, initial = CALIBRATIONS[cal]
    i_nak = params.get("I_NaK_max", I_NAK)  # the calibration's own pump
    conds = [{**cond, "I_NaK_max": i_nak * f} for f in PUMP_LEFT]
    ss = zg.steady_state(conds, params=params, initial=initial, t_end=30000.0, warmup=12000.0)
    return np.asarray(ss.aldosterone_rate, dtype=float), np.asarray(ss.mean_V, dtype=float)


@pytest.mark.parametrize("cal", default_fails(
    "at 8.7 mM K_o its cell oscillates below the spike threshold (mean -63.3 mV, 377 nM "
    "Ca2+), and output rises "
    "+3.8/+6.2/+11.1/+12.3% with 30/50/90/100% of the pump blocked (within 10% up to 80% "
    "block: +9.9%); with the tonic calibration's fast K(Ca), 5 mS/cm^2 at 0.38 uM, the "
    "session-46 form of this calibration sat at -71.3 mV there and full block added 3.8%"))
def test_k_stimulated_aldosterone_ignores_pump_block(cal):
    """Observation 1 of the module docstring: at 8.7 mM K_o, aldosterone output with 30-100%
    of the pump blocked stays within 10% of the unblocked cell (measured, tonic calibration: at
    most +3.2%), while the membrane does feel the block (it depolarises, by 0.4 mV at full
    block), and the response left unaltered is a large one: the 8.7 mM cell's output is more
    than x1.75 the 4 mM cell's (measured x4.98; default x3.75). The bound is the canine
    cells' (``CANINE``): output rises with K_o, x2.0 at 5 mM and x3.5 at 7.5 mM relative to
    2.5 mM, so 8.7 over 4 mM exceeds 3.5/2.0. (Until session 48 the bound was x4, a margin
    below the tonic calibration's own value rather than data.)"""
    aldo, v = _aldosterone_under_block({"K_o": 8.7}, cal)
    rel = aldo / aldo[0]
    assert np.all(np.abs(rel - 1.0) < NOT_ALTERED), rel
    assert np.all(np.diff(v) > 0.0), v  # more block, more depolarised
    # the ratio the study reports as unchanged is a large one: 8.7 mM K_o stimulates
    params, initial = CALIBRATIONS[cal]
    basal = zg.steady_state([{"K_o": 4.0}], params=params, initial=initial, t_end=30000.0,
                            warmup=12000.0)
    least = CANINE[("no AngII", 7.5)] / CANINE[("no AngII", 5.0)]
    assert aldo[0] > least * float(basal.aldosterone_rate[0])


@pytest.mark.xfail(strict=True, raises=AssertionError,
                   reason="the model's pump block can only depolarise: basal aldosterone "
                   "rises 23% (tonic calibration) or 9% (default) at half block, 31% or 22% "
                   "at full block (see the module docstring)")
@pytest.mark.parametrize("cal", CALIBRATIONS)
def test_basal_aldosterone_does_not_rise_under_pump_block(cal):
    """Observation 2 of the module docstring, the rat form: at 4 mM K_o, with half to all of the
    pump blocked, basal aldosterone stays within 10% of the unblocked cell. The model fails this
    (tonic calibration +23% / +30% / +31% at 50% / 90% / 100% block; default +9.1% / +19.4% /
    +22.5%)."""
    aldo, v = _aldosterone_under_block({"K_o": 4.0}, cal)
    v_rest = (CALIBRATIONS[cal][1] or REST)["V"]
    if abs(v[0] - v_rest) > 0.1:  # precondition, the calibrated resting cell: not the xfail
        pytest.fail(f"unblocked cell at {v[0]:.2f} mV, not the calibration's {v_rest:.2f} mV")
    assert np.all(aldo[2:] / aldo[0] < 1.0 + NOT_ALTERED), aldo / aldo[0]


#: Yingst et al.'s conditions: 20 mM Na_i; every Ca2+ entry removed (the Ca2+ channels and the
#: background entry blocked, Ca_o at its lower bound, 1 nM, so the exchanger brings in none).
YINGST_NA_I = 20.0
NO_CA = {"P_CaT": 0.0, "P_CaL": 0.0, "P_Ca_b": 0.0, "Ca_o": 1e-6}


def _pump_k_o_ratio(extra, cal="default"):
    """Mean pump current at 10 mM over that at 4 mM K_o (30 s runs, last 10 s), and the runs,
    with the calibration ``cal``'s parameters under ``extra``."""
    params, initial = CALIBRATIONS[cal]
    out = []
    for k_o in (4.0, 10.0):
        ca_free = extra.get("Ca_o", 1.0) < 0.5  # Yingst's Ca2+-free bath: warned about, as meant
        with pytest.warns(UserWarning, match="Ca_o = 1e-06 mM is outside the physiological") \
                if ca_free else contextlib.nullcontext():
            ds = bp.simulate("zg_cell", 30000.0,
                             params={**params, "K_o": k_o, "Na_i": YINGST_NA_I, **extra},
                             initial=initial, record=("I_NaK", "Ca_i", "V"), record_every=100.0)
        out.append({k: float(ds[k].values.ravel()[-100:].mean()) for k in ("I_NaK", "Ca_i", "V")})
    if not out[0]["I_NaK"] > 0.0:  # precondition, a forward-running pump
        pytest.fail(f"pump current {out[0]['I_NaK']} at 4 mM K_o is not outward")
    return out[1]["I_NaK"] / out[0]["I_NaK"], out


@functools.cache
def _direct_ratio(cal):
    """The pump's K_o 4 -> 10 mM ratio without Ca2+ entry (shared by the two Yingst tests)."""
    return _pump_k_o_ratio(NO_CA, cal)[0]


def _kernel_pump_current(y, cal="default"):
    """The kernel's I_NaK (uA/cm^2) for each column of the state block ``y``, with the
    calibration ``cal``'s parameters."""
    model = get_model("zg_cell")
    n = y.shape[1]
    p0 = model.parameter_vector(CALIBRATIONS[cal][0])
    p = np.repeat(block_parameters(kz, p0[:, None]), n, axis=1)
    out = np.zeros((len(model.outputs), n))
    for c in range(n):
        kz.aux(y, p, c, 0.0, 0.0, out)
    return out[model.output_names.index("I_NaK")], p[:, 0]


def _default_states(n):
    """``n`` columns of the default (resting) states of ``zg_cell``."""
    return np.repeat(get_model("zg_cell").default_states()[:, None], n, axis=1)


@pytest.mark.parametrize("cal", CALIBRATIONS)
def test_direct_k_o_activation_of_the_pump(cal):
    """Yingst et al.: without Ca2+ entry, K_o 4 -> 10 mM raises the pump rate of rat
    glomerulosa cells (Na_i 20 mM) by about 30%. Asserted: between x1.15 and x1.45, for the
    cell at its own potential (measured x1.31 in the default calibration; the tonic one x1.34,
    -98.4 -> -76.6 mV). With Cha et al.'s K+ constants (``f_NaK_K`` = 1) the cycle gives
    x2.62 in the default calibration and x2.68 in the tonic one (kernel docstring), which
    this test rejects (asserted: above x2)."""
    direct_ratio = _direct_ratio(cal)
    assert 1.15 < direct_ratio < 1.45, direct_ratio
    cha, _ = _pump_k_o_ratio({**NO_CA, "f_NaK_K": 1.0}, cal)
    assert cha > 2.0, cha  # the unmodified cycle is the steep one the fit replaced


@pytest.mark.parametrize("cal", CALIBRATIONS)
def test_ca_dependent_pump_stimulation(cal):
    """Yingst et al., the Ca2+-dependent part: with 1.8 mM Ca_o, K_o 4 -> 10 mM stimulates the
    pump by up to 165% (x2.65), and a T/L-type blocker (isradipine) removes the Ca2+-dependent
    part; at the Ca2+ of the 10 mM cells it is +100% (ionophore). Measured, tonic calibration:
    x2.48 with Ca2+ entry, x1.34 with the channels blocked (as without Ca2+), factor x1.81 at
    0.43 uM, the 10 mM cell silent at -69.6 mV. Default: x2.22, x1.31 (direct x1.31), factor
    x1.79 at 0.17 uM; its 10 mM cell fires (5.4 Hz, mean V -75.6 mV): its pump, half-
    stimulated at 0.12 uM, reaches x1.8 at the lower Ca2+ of a firing cell (at 0.3 uM, its
    session-46 value, the factor there was x1.34)."""
    direct = _direct_ratio(cal)
    with_ca, runs = _pump_k_o_ratio({"Ca_o": 1.8}, cal)
    assert 1.3 * direct < with_ca <= 2.65, (direct, with_ca)
    assert runs[1]["Ca_i"] > 5.0 * runs[0]["Ca_i"]  # through the rise of cytosolic Ca2+
    blocked, _ = _pump_k_o_ratio({"Ca_o": 1.8, "P_CaT": 0.0, "P_CaL": 0.0}, cal)
    assert blocked == pytest.approx(direct, rel=0.05), (blocked, direct)
    # the 'ionophore' comparison: the pump at the 10 mM cell's Ca2+ over the pump at no Ca2+,
    # all else (V, gates, concentrations) equal, from the kernel's own current
    y = _default_states(2)
    y[kz.CA, 0], y[kz.CA, 1] = runs[1]["Ca_i"], 0.0
    i_nak, _ = _kernel_pump_current(y, cal)
    assert i_nak[0] / i_nak[1] == pytest.approx(2.0, rel=0.15), i_nak[0] / i_nak[1]


def test_pump_kernel_scales_the_k_constants_and_stimulates_by_ca():
    """The kernel's pump against Cha et al.'s cycle with both K+ dissociation constants
    multiplied by ``f_NaK_K`` (written here from :data:`CHA_2011`): equal currents at every V;
    the cycle's equilibrium (zero-current) condition is Cha et al.'s; at ``Ca_i = K_NaK_Ca`` the
    Ca2+-dependent factor is ``1 + A_NaK_Ca/2``."""
    model = get_model("zg_cell")
    f = model.parameter("f_NaK_K").value
    prm = list(CHA_2011)
    prm[10] *= f  # Kd_Ki0
    prm[11] *= f  # Kd_Ko0
    prm = tuple(prm)
    volts = np.array([-120.0, -85.0, -40.0, 0.0, 30.0])
    y = _default_states(len(volts))
    y[kz.V] = volts
    y[kz.CA] = 0.0
    i_nak, q = _kernel_pump_current(y)
    conc = (q[kz.NA_I], q[kz.NA_O], q[kz.K_I], q[kz.K_O], q[kz.MGATP_ROW], q[kz.MGADP_ROW],
            q[kz.PI], q[kz.H_ROW], q[kz.TEMP])
    expected = [q[kz.I_NAK_MAX] * nak_cycle_rate_with(v, *conc, prm) for v in volts]
    np.testing.assert_allclose(i_nak, expected, rtol=1e-12)
    for v in volts:  # same free-energy balance: the scaling leaves K_o^2/K_i^2 and Keq alone
        assert nak_log_equilibrium_ratio(v, *conc, prm) == pytest.approx(
            nak_log_equilibrium_ratio(v, *conc, CHA_2011), abs=1e-9)
    y[kz.CA] = model.parameter("K_NaK_Ca").value
    stim, _ = _kernel_pump_current(y)
    a = model.parameter("A_NaK_Ca").value
    np.testing.assert_allclose(stim, (1.0 + a / 2.0) * i_nak, rtol=1e-12)
