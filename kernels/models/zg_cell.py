"""Adrenal zona glomerulosa (ZG) cell: K+ sensing, CaV3.2/CaV1.3, Ang II and aldosterone.

A model built for biophys (not a published model). Channel gating is taken from the cited
recordings; conductance densities, Ca2+ handling, the Ang II efficacy and the aldosterone
read-out are fitted here to cell-level data (see ``biophys.models.zg_cell`` for every value,
unit and source). Exponentials, powers and the Na+/K+-ATPase use the vectorisable functions of
:mod:`biophys.kernels.fastmath` (no libm call per step), so the driver's loop over the cells
of a block runs in SIMD registers; what depends only on the parameters is computed once per
cell per run (:func:`derive`).

Membrane (current densities in uA/cm^2, outward positive; C dV/dt = -sum I + I_app + I_ext)::

    I_TASK = (1 - E_AngII) P_TASK F G_K(V)         TASK-1/3 background K+ (GHK), Ang II target
    I_TREK = P_TREK F G_K(V)                       other K2P background K+ (GHK), Ang II-insensitive
    I_Na_b = P_Na_b F G_Na(V)                      background Na+ leak (GHK)
    I_Kir  = g_Kir sqrt(K_o/5.4) r(V - E_K) (V - E_K)      Kir3.4; r = Luo-Rudy (1991) rectification
    I_CaT  = P_CaT m_T^2 h_T 2F G_Ca(V)            CaV3.2 (GHK Ca2+); Vitko et al. (2005) gating
                                                   with m shifted by dV_T_act, h by dV_T_inact
    I_CaL  = P_CaL d_L^2 f_L K_CDI/(K_CDI + Ca_i) c_TL 2F G_Ca(V)     CaV1.3 with Ca2+-dependent
                                                   inactivation by bulk Ca2+ and (c_TL) by CaV3.2
                                                   nanodomains; activation shifted by dV_L_act
    I_Ca_b = P_Ca_b 2F G_Ca(V)                     background Ca2+ entry (GHK)
    I_KCa  = [g_KCa Ca_i^n/(Ca_i^n + K_KCa^n) + g_KT k_T + g_SK s_SK] (V - E_K)
                                                   Ca2+-activated K+: fast on bulk Ca2+ (lumped
                                                   BK/SK), CaV3.2-nanodomain (k_T) and slow
                                                   SK-like on bulk Ca2+ (s_SK); the last two are
                                                   on in the default calibration and off
                                                   (g_KT = g_SK = 0) in the tonic one
                                                   (``biophys.zg.tonic_calibration``)
    I_Kv   = g_Kv n_Kv (V - E_K)                 delayed-rectifier K+; n_Kv: HH gate with the rates
                                                   of Mainen's kv.mod (23 C, Q10 2.3; n_inf V1/2
                                                   +4.3 mV, slope 9 mV), see :func:`kv_gate`
    I_NaK  = (1 - f_NaK_AngII E_AngII) (1 + A_NaK_Ca Ca_i^2/(Ca_i^2 + K_NaK_Ca^2))
             I_NaK_max v_NaK(V, Na_i, Na_o, K_i/f_NaK_K, K_o/f_NaK_K, MgATP, MgADP, Pi, H)
                                                   shared Na+/K+-ATPase cycle with both K+
                                                   dissociation constants scaled by f_NaK_K,
                                                   Ca2+-stimulated, Ang II-inhibited
    I_NaCa = I_NCX_max (k1 pE1Na E1 - k2 pE2Na E2)   Na+/Ca2+ exchanger: the shared carrier of
                                                   Cha et al. (2011), :mod:`biophys.kernels.ncx`
                                                   (states E1, I1, I2; E2 = 1 - E1 - I1 - I2);
                                                   3 Na+ in, 1 Ca2+ out per forward cycle

with ``G_X(V) = c_i g(x) - c_o g(-x)``, ``x = z F V/RT`` (:func:`biophys.kernels.ghk.ghk_driving`).
The voltage-gated channels see ``V - dV_surface`` where ``dV_surface`` is the Gouy-Chapman-
Grahame gating shift of the bath (Ca_o, Mg_o, Na_o + K_o) relative to a reference bath
(:func:`biophys.kernels.surface.gating_shift`, pure screening), computed once per cell per run
(:func:`derive`). Ang II acts through an operational-model AT1
response ``E = tau occ/(1 + tau occ)``, ``occ = AngII/(AngII + K_AT1)``: it inhibits TASK by
the fraction E, the Na+/K+-ATPase by the fraction ``f_NaK_AngII E`` (electrogenic effect only:
Na_i is fixed) and raises the Ca2+ sensitivity of aldosterone synthesis (below).

The Na+/K+-ATPase of glomerulosa cells (Yingst et al., rat cells, 20 mM Na_i) is activated by
K_o in two ways: directly, about +30% from 4 to 10 mM K_o, and through cytosolic Ca2+ and
CaMKII, up to +100% at the Ca2+ of a 10 mM K_o cell. For the direct part (20 mM Na_i, no Ca2+
entry, the cell at its own potential) Cha et al.'s cycle alone (``f_NaK_K`` = 1) gives x2.62
at the calibrated amplitude (x2.68 in the tonic calibration); the calibrated ``f_NaK_K`` = 0.35
gives x1.31 (x1.34). Dividing both K+
concentrations by ``f_NaK_K`` is the same as multiplying both K+ dissociation constants of the
cycle (``Kd_Ko0``, ``Kd_Ki0``) by it: the cycle's K_o dependence flattens and its equilibrium
constant is unchanged (K_o and K_i enter it only as K_o^2/K_i^2). The Ca2+-dependent
stimulation is instantaneous (Hill 2 in Ca_i); CaMKII's own kinetics are not modelled.

CaV3.2-nanodomain inactivation of CaV1.3 (a hypothesis of this model, see
``biophys.models.zg_cell``): the fraction ``c_TL`` of CaV1.3 channels free of it relaxes to
``I_T_CDI/(I_T_CDI + max(-I_CaT, 0))`` with time constant ``tau_T_CDI``: the inward CaV3.2
current sets the Ca2+ in the nanodomains that neighbouring CaV1.3 channels see. Without CaV3.2
(``P_CaT = 0``: knockout or block) ``c_TL`` relaxes to 1 and the whole CaV1.3 population is
available.

Ca2+ (mM; rapid buffering with a constant free fraction f_i)::

    dCa_i/dt   = f_i [ -(I_CaT + I_CaL + I_Ca_b - 2 I_NaCa) A/(2 F vol) - J_PMCA ],
    J_PMCA     = J_max Ca_i^2/(Ca_i^2 + K_PMCA^2)   (electroneutral; J_max from I_PMCA_max)
    dCa_avg/dt = (Ca_i - Ca_avg)/tau_avg             running average driving aldosterone synthase
    dk_T/dt    = (u/(u + I_KT_half) - k_T)/tau_KT,  u = max(-I_CaT, 0)   nanodomain K(Ca) gate
    ds_SK/dt   = (Ca_i^n_SK/(Ca_i^n_SK + K_SK^n_SK) - s_SK)/tau_SK       slow SK-like gate

The CaV3.2-nanodomain K(Ca) (a hypothesis of this model, like ``c_TL``; CaV3-KCa complexes are
published in neurons) reads the inward CaV3.2 current, as ``c_TL`` does: it ends CaV3.2 spikes
and falls silent when CaV3.2 is inactivated, so that a depolarised TASK-less cell can hold a
CaV1.3 event, ended by the desensitised fast K(Ca) and the delayed rectifier, after which the
slow SK gate holds a silence: the bursts of the TASK knockout in the default calibration.

Aldosterone (phenomenological, arbitrary units per minute)::

    aldosterone_rate = aldo_max [b + (1 - b) Ca_avg^n/(Ca_avg^n + K_eff^n)],
    K_eff = K_aldo/(1 + aldo_AngII_gain E)

Na_i and K_i are fixed parameters (no Na+/K+ bookkeeping). The exchanger, whose Na+-dependent
inactivation keeps it nearly off below 0.3 uM Ca2+ (Cha et al.'s carrier), is the low-affinity,
high-capacity second sink that bounds Ca2+ where the CaV3.2 window current exceeds the PMCA's
capacity (depolarised steady states above about 11 mM K_o). With the calibrated values the cell
is silent at low K_o and becomes a relaxation oscillator once K_o depolarises it into the CaV3.2
window (low-threshold spike, Ca2+ entry, K(Ca) after-hyperpolarisation, recovery). The delayed
rectifier opens little during these spikes (default calibration, 30-s runs: peaks below -21 mV,
n_Kv at most 0.02 from 5.5 to 7.5 mM K_o and with 1 nM Ang II at 4 mM, at most 3 uA/cm^2; TASK
knockout: peaks near -13 mV, n_Kv 0.13, 27 uA/cm^2). The CaV1.3 spikes of the cells without
CaV3.2 (peaks +23 to +27 mV) open it to 0.40-0.44, and with 105-116 uA/cm^2, against 40-45
uA/cm^2 of K(Ca), it carries most of the current that ends them. It also bounds the
depolarisation by large depolarising currents, where TREK, K(Ca) and the exchanger's reverse
mode alone do not: without it a TASK-knockout cell driven by 12 uA/cm^2 sits near +156 mV over
3-5 s (tests/test_zg_cell_kv.py::test_kv_bounds_depolarisation). In the tonic calibration
(:func:`biophys.zg.tonic_calibration`; its g_Kv 13x smaller) the CaV1.3 spikes peak at +37 to
+41 mV and open it to 0.8-0.9 (about 20 uA/cm^2, against up to 260 uA/cm^2 of K(Ca)), and the
driven knockout without it sits near +96 mV (+267 mV without the exchanger).
"""

import math

from .. import fastmath as fm
from .._jit import jit
from ..constants import FARADAY, nernst, thermal_voltage
from ..gating import exprel, q10_factor
from ..ghk import ghk_driving
from ..ion_balance import dconc_dt
from ..nak_pump import nak_cycle_rate
from ..ncx import ncx_carrier_rates, ncx_current, ncx_rates, ncx_slope
from ..speciation import mg_speciation
from ..surface import gating_shift

STATE_NAMES = ("V", "m_T", "h_T", "d_L", "f_L", "Ca_i", "Ca_avg", "c_TL", "n_Kv", "E1_NCX",
               "I1_NCX", "I2_NCX", "k_T", "s_SK")
PARAM_NAMES = (
    "K_o", "Na_o", "Ca_o", "Mg_o", "temperature", "AngII",
    "K_i", "Na_i", "Mg_i", "ATP", "ADP", "Pi", "pH",
    "C_m", "area", "volume",
    "P_TASK", "P_TREK", "P_Na_b", "g_Kir", "P_CaT", "dV_T_act", "dV_T_inact", "P_CaL",
    "dV_L_act", "P_Ca_b",
    "g_KCa", "K_KCa", "n_KCa", "g_Kv",
    "I_NaK_max", "f_NaK_K", "A_NaK_Ca", "K_NaK_Ca",
    "I_PMCA_max", "K_PMCA", "f_i", "K_CDI", "I_T_CDI", "tau_T_CDI",
    "I_NCX_max", "K_NCX_Nai", "K_NCX_Cai", "K_NCX_Nao", "K_NCX_Cao", "partition_NCX",
    "sigma", "monovalent_ref", "Ca_o_ref", "Mg_o_ref",
    "K_AT1", "tau_AT1", "f_NaK_AngII",
    "tau_avg", "aldo_max", "aldo_basal", "K_aldo", "n_aldo", "aldo_AngII_gain",
    "g_KT", "I_KT_half", "tau_KT", "g_SK", "K_SK", "n_SK", "tau_SK",
    "I_app",
)
AUX_NAMES = (
    "I_TASK", "I_TREK", "I_Na_b", "I_Kir", "I_CaT", "I_CaL", "I_Ca_b", "I_KCa", "I_Kv", "I_NaK",
    "I_NaCa", "J_PMCA", "I_ion", "E_K", "dV_surface", "AngII_response", "aldosterone_rate",
)

V, MT, HT, DL, FL, CA, CAAVG, CTL, NKV, E1_NCX, I1_NCX, I2_NCX, KT, SSK = range(14)
(K_O, NA_O, CA_O, MG_O, TEMP, ANG, K_I, NA_I, MG_I, ATP, ADP, PI, PH_I,
 C_M, AREA, VOL,
 P_TASK, P_TREK, P_NAB, G_KIR, P_CAT, DV_TA, DV_TI, P_CAL, DV_LA, P_CAB,
 G_KCA, K_KCA, N_KCA, G_KV,
 I_NAK_MAX, F_NAK_K, A_NAK_CA, K_NAK_CA, I_PMCA_MAX, K_PMCA, F_I, K_CDI, I_T_CDI, TAU_T_CDI,
 I_NCX_MAX, K_NCX_NAI, K_NCX_CAI, K_NCX_NAO, K_NCX_CAO, PARTITION_NCX,
 SIGMA, MONO_REF, CA_REF, MG_REF,
 K_AT1, TAU_AT1, F_NAK_ANG,
 TAU_AVG, ALDO_MAX, ALDO_BASAL, K_ALDO, N_ALDO, ALDO_GAIN,
 G_KT, I_KT_HALF, TAU_KT, G_SK, K_SK, N_SK, TAU_SK,
 I_APP) = range(67)

#: Reference temperature of the CaV3.2 fits (Vitko et al. 2005 recordings, 23-25 C), C.
T_REF_CAV32 = 24.0
#: Reference temperature of the CaV1.3 fits (Wolf et al. 2005 caL13.mod: 22 C), C.
T_REF_CAV13 = 22.0
#: Reference temperature and Q10 of the delayed-rectifier rates (Mainen kv.mod: 23 C, 2.3).
T_REF_KV = 23.0
Q10_KV = 2.3
#: Delayed-rectifier rate constants of Mainen's kv.mod: threshold (mV), slope (mV), maximal
#: opening and closing rates per mV (1/(ms mV)).
KV_THA = 25.0
KV_QA = 9.0
KV_RA = 0.02
KV_RB = 0.002
#: |x| below which :func:`ghk_g_slope` uses its Taylor series (x = z V F/RT; 0.01 is 0.13 mV
#: for Ca2+ at 37 C).
GHK_SLOPE_SERIES = 1e-2
#: x below which :func:`ghk_g_slope` uses the closed form multiplied through by e^(2x), since
#: (1 - e^-x)^2 overflows below x = -354.9 (-300 is |V| = 4 V for Ca2+ at 37 C).
GHK_SLOPE_NEGATIVE = -300.0


@jit
def ghk_g_slope(x):
    """Derivative of ``g(x) = x/(1 - exp(-x))`` (> 0 for every real x; 0 once it underflows).

    The closed form's numerator ``1 - e^-x - x e^-x`` is ~x^2/2, so it cancels for small x
    (relative error ~ eps/|x|); below :data:`GHK_SLOPE_SERIES` the Taylor series of
    ``g = 1 + x/2 + x^2/12 - x^4/720 + x^6/30240 - ...`` is used, whose first omitted term
    (x^7/151200) is below 1e-18 there. Below :data:`GHK_SLOPE_NEGATIVE`, where ``e^-x``
    squared overflows, the same closed form is written ``e^x (e^x - 1 - x)/(e^x - 1)^2``,
    which tends to ``-x e^x`` and underflows to 0 below about x = -740. All three are within
    1e-13 of the exact value
    (``tests/test_zg_cell_parts.py::test_ghk_g_slope_series_and_exact_form``).
    """
    if abs(x) < GHK_SLOPE_SERIES:
        x2 = x * x
        return 0.5 + x * (1.0 / 6.0 + x2 * (-1.0 / 180.0 + x2 * (1.0 / 5040.0)))
    if x < GHK_SLOPE_NEGATIVE:
        em = fm.expm1(x)  # e^x - 1, about -1 here
        return fm.exp(x) * (em - x) / (em * em)
    d = -fm.expm1(-x)  # 1 - e^{-x}
    return (d - x * (1.0 - d)) / (d * d)


@jit
def ghk_chord_free_slope(z, V, c_in, c_out, vt):
    """d/dV of the GHK driving concentration at fixed concentrations, mM/mV (>= 0)."""
    x = z * V / vt
    return z / vt * (c_in * ghk_g_slope(x) + c_out * ghk_g_slope(-x))


@jit
def cav32_gates(Vg, T_C, dV_act, dV_inact):
    """CaV3.2 steady states and time constants (ms) at gating voltage ``Vg`` (mV).

    Fits of Vitko et al. (2005) (human CaV3.2 in HEK-293, 23-25 C) as in the NEURON mechanism
    ``it2``; temperature factors 5^((T-24)/10) (activation) and 3^((T-24)/10) (inactivation).
    ``dV_act`` and ``dV_inact`` (mV) shift the activation (m_inf, tau_m) and inactivation
    (h_inf, tau_h) curves along the voltage axis (positive: to more depolarised voltages).
    """
    return cav32_gates_q(Vg, cav32_q10_act(T_C), cav32_q10_inact(T_C), dV_act, dV_inact)


@jit
def cav32_q10_act(T_C):
    """Temperature factor ``5^((T - 24)/10)`` of the CaV3.2 activation rates (1)."""
    return q10_factor(5.0, T_C, T_REF_CAV32)


@jit
def cav32_q10_inact(T_C):
    """Temperature factor ``3^((T - 24)/10)`` of the CaV3.2 inactivation rates (1)."""
    return q10_factor(3.0, T_C, T_REF_CAV32)


@jit
def cav32_gates_q(Vg, phm, phh, dV_act, dV_inact):
    """:func:`cav32_gates` with its temperature factors ``phm`` (activation) and ``phh``
    (inactivation) given (the model computes them once per run: :func:`derive`)."""
    va = Vg - dV_act
    vi = Vg - dV_inact
    m_inf = 1.0 / (1.0 + fm.exp(-(va + 59.36) / 7.53))
    h_inf = 1.0 / (1.0 + fm.exp((vi + 85.5) / 7.18))
    tau_m = (1.52 + 1.0 / (fm.exp((va + 40.3) / 10.06) + fm.exp(-(va + 144.3) / 28.6))) / phm
    tau_h = (13.7 + (1943.0 + fm.exp((vi + 164.0) / 9.2))
             / (1.0 + fm.exp((vi + 89.3) / 3.7))) / phh
    return m_inf, tau_m, h_inf, tau_h


@jit
def cav13_gates(Vg, T_C, dV_act):
    """CaV1.3 steady states and time constants (ms) at gating voltage ``Vg`` (mV).

    Activation: Boltzmann V1/2 = -33 mV, k = 6.7 mV (Xu & Lipscombe 2001 / Churchill &
    MacVicar 1998); kinetics of Kasai & Neher (1992). Voltage-dependent inactivation: V1/2 =
    -13.4 mV, k = 11.9 mV, tau = 44.3 ms (Bell et al. 2001). As in Wolf et al. (2005)
    caL13.mod (22 C, Q10 = 3). ``dV_act`` (mV) shifts the activation curve and its time
    constant along the voltage axis (positive: depolarised); inactivation is not shifted.
    """
    return cav13_gates_q(Vg, cav13_q10(T_C), dV_act)


@jit
def cav13_q10(T_C):
    """Temperature factor ``3^((T - 22)/10)`` of the CaV1.3 rates (1)."""
    return q10_factor(3.0, T_C, T_REF_CAV13)


@jit
def cav13_gates_q(Vg, q, dV_act):
    """:func:`cav13_gates` with its temperature factor ``q`` given (see :func:`derive`)."""
    va = Vg - dV_act
    d_inf = 1.0 / (1.0 + fm.exp(-(va + 33.0) / 6.7))
    a = 0.0398 * 9.005 * exprel((va + 8.124) / 9.005)
    b = 0.99 * fm.exp(va / 31.4)
    tau_d = 1.0 / ((a + b) * q)
    f_inf = 1.0 / (1.0 + fm.exp((Vg + 13.4) / 11.9))
    tau_f = 44.3 / q
    return d_inf, tau_d, f_inf, tau_f


@jit
def kv_gate(Vg, T_C):
    """Delayed-rectifier activation ``n_inf`` and time constant ``tau_n`` (ms) at ``Vg`` (mV).

    The rates of Z. Mainen's ``kv.mod`` (Mainen & Sejnowski 1996, 23 C, Q10 2.3)::

        a = Ra qa exprel(-(Vg - tha)/qa),   b = Rb qa exprel((Vg - tha)/qa),
        n_inf = a/(a + b),   tau_n = 1/(phi (a + b)),   phi = 2.3^((T - 23)/10)

    with tha = 25 mV, qa = 9 mV, Ra = 0.02 and Rb = 0.002 /(ms mV). Since a/b = (Ra/Rb)
    exp((Vg - tha)/qa), ``n_inf`` is the Boltzmann curve of slope qa centred at
    tha - qa ln(Ra/Rb) = +4.28 mV (the file's "v 1/2 for inf", tha, is the centre of the
    rates, not of n_inf).
    """
    return kv_gate_q(Vg, kv_q10(T_C))


@jit
def kv_q10(T_C):
    """Temperature factor ``2.3^((T - 23)/10)`` of the delayed-rectifier rates (1)."""
    return q10_factor(Q10_KV, T_C, T_REF_KV)


@jit
def kv_gate_q(Vg, phi):
    """:func:`kv_gate` with its temperature factor ``phi`` given (see :func:`derive`)."""
    x = (Vg - KV_THA) / KV_QA
    a = KV_RA * KV_QA * exprel(-x)
    b = KV_RB * KV_QA * exprel(x)
    return a / (a + b), 1.0 / (phi * (a + b))


@jit
def kir_rectification(dV):
    """Open fraction of the inward rectifier at ``dV = V - E_K`` (mV), Luo & Rudy (1991)."""
    a = 1.02 / (1.0 + fm.exp(0.2385 * (dV - 59.215)))
    b = ((0.49124 * fm.exp(0.08032 * (dV + 5.476)) + fm.exp(0.06175 * (dV - 594.31)))
         / (1.0 + fm.exp(-0.5143 * (dV + 4.753))))
    return a / (a + b)


#: Derived parameters, computed once per cell per run (see :mod:`biophys.kernels.protocol`),
#: so that a step evaluates no function of the parameters alone: the surface-charge gating
#: shift of the Ca2+ channels and the Kv gate (mV), RT/F (mV), E_K (mV), the Kir3.4
#: conductance with its sqrt(K_o/5.4) factor (mS/cm^2), the AT1 response E (1), Mg.ATP and
#: Mg.ADP (mM), free H+ (mM), the channels' temperature factors (1), the maximal PMCA rate
#: (mM/ms), K_KCa^n_KCa (mM^n_KCa), the K+ concentrations the pump's cycle sees (K_o/f_NaK_K
#: and K_i/f_NaK_K, mM), K_NaK_Ca^2 (mM^2) and K_SK^n_SK (mM^n_SK).
DERIVED_NAMES = ("V_shift", "RT_F", "E_K", "g_Kir_K_o", "AngII_response", "MgATP", "MgADP",
                 "H_i", "q10_T_act", "q10_T_inact", "q10_L", "q10_Kv", "J_PMCA_max",
                 "K_KCa_n", "K_o_NaK", "K_i_NaK", "K_NaK_Ca_2", "K_SK_n")
(V_SHIFT, VT_ROW, EK_ROW, GKIR_ROW, E_ROW, MGATP_ROW, MGADP_ROW, H_ROW, PHM_ROW, PHH_ROW,
 QL_ROW, PHIKV_ROW, PMCA_ROW, KCA_N_ROW, KO_NAK_ROW, KI_NAK_ROW,
 KNAKCA2_ROW, KSK_N_ROW) = range(len(PARAM_NAMES), len(PARAM_NAMES) + len(DERIVED_NAMES))


@jit
def derive(P, c):
    """Derived parameters of cell ``c`` (rows ``DERIVED_NAMES``). ``V_shift`` is the shared
    :func:`biophys.kernels.surface.gating_shift` of the bath (Na_o + K_o monovalent, Ca_o,
    Mg_o) relative to the model's reference bath (``mono_ref``, ``Ca_ref``, ``Mg_ref``),
    depolarising; the others are the quantities :func:`membrane` and :func:`rates` would
    otherwise compute from the parameters at every step, computed here by the same
    expressions."""
    T = P[TEMP, c]
    k_o = P[K_O, c]
    k_i = P[K_I, c]
    P[V_SHIFT, c] = gating_shift(P[NA_O, c] + k_o, P[CA_O, c], P[MG_O, c], P[SIGMA, c],
                                 T, P[MONO_REF, c], P[CA_REF, c], P[MG_REF, c])
    vt = thermal_voltage(T)
    P[VT_ROW, c] = vt
    P[EK_ROW, c] = nernst(1.0, k_o, k_i, T)
    P[GKIR_ROW, c] = P[G_KIR, c] * math.sqrt(k_o / 5.4)
    P[E_ROW, c] = angii_response(P[ANG, c], P[K_AT1, c], P[TAU_AT1, c])
    mgatp, _, mgadp, _ = mg_speciation(P[MG_I, c], P[ATP, c], P[ADP, c], P[PH_I, c], k_i)
    P[MGATP_ROW, c] = mgatp
    P[MGADP_ROW, c] = mgadp
    P[H_ROW, c] = 10.0 ** (3.0 - P[PH_I, c])
    P[PHM_ROW, c] = cav32_q10_act(T)
    P[PHH_ROW, c] = cav32_q10_inact(T)
    P[QL_ROW, c] = cav13_q10(T)
    P[PHIKV_ROW, c] = kv_q10(T)
    P[PMCA_ROW, c] = pmca_max_rate(P, c)
    P[KCA_N_ROW, c] = hill_power(P[K_KCA, c], P[N_KCA, c])
    f_k = P[F_NAK_K, c]
    P[KO_NAK_ROW, c] = k_o / f_k
    P[KI_NAK_ROW, c] = k_i / f_k
    k_ca = P[K_NAK_CA, c]
    P[KNAKCA2_ROW, c] = k_ca * k_ca
    P[KSK_N_ROW, c] = hill_power(P[K_SK, c], P[N_SK, c])


@jit
def angii_response(AngII, K_AT1, tau_AT1):
    """Operational-model AT1 response ``tau occ/(1 + tau occ)`` (0..tau/(1+tau)), 1."""
    occ = AngII / (AngII + K_AT1)
    return tau_AT1 * occ / (1.0 + tau_AT1 * occ)


@jit
def hill_power(x, n):
    """``x^n`` for x >= 0 (exact products for n = 4 and n = 2)."""
    if n == 4.0:
        x2 = x * x
        return x2 * x2
    if n == 2.0:
        return x * x
    return fm.pow_pos(x, n)


@jit
def hill(x, K, n):
    """``x^n/(x^n + K^n)`` for x >= 0 (see :func:`hill_power`)."""
    xn = hill_power(x, n)
    return xn / (xn + hill_power(K, n))


@jit
def membrane(Y, P, c):
    """All membrane currents of cell ``c`` (uA/cm^2) and the total slope conductance.

    Returns ``(I_TASK, I_TREK, I_Na_b, I_Kir, I_CaT, I_CaL, I_Ca_b, I_KCa, I_Kv, I_NaK,
    I_NaCa, I_ion, g_slope, E_K, E, ncx)`` with ``g_slope`` (mS/cm^2, >= 0) the V-derivative
    of the currents at frozen gates (chord conductance for the Kir, K(Ca) and Kv terms), ``E_K``
    (mV), ``E`` the AT1 response (1) and ``ncx`` the exchanger's carrier rates ``(kf, kb, al1,
    be1, al2, be2)`` (1/ms) for its state equations.
    """
    v = Y[V, c]
    ca = Y[CA, c]
    T = P[TEMP, c]
    vt = P[VT_ROW, c]
    k_o = P[K_O, c]
    k_i = P[K_I, c]
    na_o = P[NA_O, c]
    na_i = P[NA_I, c]
    ca_o = P[CA_O, c]
    e = P[E_ROW, c]
    # K+ and Na+ background channels (GHK)
    p_k_task = (1.0 - e) * P[P_TASK, c]
    p_k_trek = P[P_TREK, c]
    drv_k = ghk_driving(1.0, v, k_i, k_o, T)
    i_task = p_k_task * FARADAY * drv_k
    i_trek = p_k_trek * FARADAY * drv_k
    g = (p_k_task + p_k_trek) * FARADAY * ghk_chord_free_slope(1.0, v, k_i, k_o, vt)
    p_na = P[P_NAB, c]
    i_nab = p_na * FARADAY * ghk_driving(1.0, v, na_i, na_o, T)
    g += p_na * FARADAY * ghk_chord_free_slope(1.0, v, na_i, na_o, vt)
    # Kir3.4
    e_k = P[EK_ROW, c]
    g_kir = P[GKIR_ROW, c] * kir_rectification(v - e_k)
    i_kir = g_kir * (v - e_k)
    g += g_kir
    # Ca2+ channels (GHK Ca2+)
    m = Y[MT, c]
    d = Y[DL, c]
    kc = P[K_CDI, c]
    p_t = P[P_CAT, c] * m * m * Y[HT, c]
    p_b = P[P_CAB, c]
    f2 = 2.0 * FARADAY * ghk_driving(2.0, v, ca, ca_o, T)
    i_cat = p_t * f2
    # c_TL: CaV1.3 not inactivated by the Ca2+ nanodomains of neighbouring CaV3.2 channels
    p_l = P[P_CAL, c] * d * d * Y[FL, c] * kc / (kc + ca) * Y[CTL, c]
    i_cal = p_l * f2
    i_cab = p_b * f2
    g += (p_t + p_l + p_b) * 2.0 * FARADAY * ghk_chord_free_slope(2.0, v, ca, ca_o, vt)
    # Ca2+-activated K+
    ca_n = hill_power(ca, P[N_KCA, c])
    g_kca = P[G_KCA, c] * ca_n / (ca_n + P[KCA_N_ROW, c])  # hill(ca, K_KCa, n_KCa)
    # CaV3.2-nanodomain K(Ca) (gate k_T reads the inward CaV3.2 current) and slow SK-like
    # K(Ca) on bulk Ca2+ (gate s_SK); lumped into the I_KCa output
    g_kca += P[G_KT, c] * Y[KT, c] + P[G_SK, c] * Y[SSK, c]
    i_kca = g_kca * (v - e_k)
    g += g_kca
    # delayed-rectifier K+ (voltage-gated)
    g_kv = P[G_KV, c] * Y[NKV, c]
    i_kv = g_kv * (v - e_k)
    g += g_kv
    # Na+/K+-ATPase
    mgatp = P[MGATP_ROW, c]
    mgadp = P[MGADP_ROW, c]
    h_mM = P[H_ROW, c]
    # Ang II inhibits the pump by the fraction f_NaK_AngII E (second AT1 action); Ca2+
    # stimulates it (CaMKII, instantaneous here); the cycle sees K+/f_NaK_K
    ca2 = ca * ca
    s_ca = 1.0 + P[A_NAK_CA, c] * ca2 / (ca2 + P[KNAKCA2_ROW, c])
    i_nak = ((1.0 - P[F_NAK_ANG, c] * e) * s_ca * P[I_NAK_MAX, c]
             * nak_cycle_rate(v, na_i, na_o, P[KI_NAK_ROW, c], P[KO_NAK_ROW, c], mgatp, mgadp,
                              P[PI, c], h_mM, T))
    # Na+/Ca2+ exchanger (Cha et al. 2011 carrier; outward = 3 Na+ out, 1 Ca2+ in)
    k1p, k2p, kf, kb, al1, be1, al2, be2 = ncx_rates(
        v, na_i, ca, na_o, ca_o, vt, P[K_NCX_NAI, c], P[K_NCX_CAI, c], P[K_NCX_NAO, c],
        P[K_NCX_CAO, c], P[PARTITION_NCX, c])
    e1 = Y[E1_NCX, c]
    i_ncx_max = P[I_NCX_MAX, c]
    i_naca, e2 = ncx_current(i_ncx_max, k1p, k2p, e1, Y[I1_NCX, c], Y[I2_NCX, c])
    g += ncx_slope(i_ncx_max, k1p, k2p, e1, e2, P[PARTITION_NCX, c], vt)
    i_ion = (i_task + i_trek + i_nab + i_kir + i_cat + i_cal + i_cab + i_kca + i_kv + i_nak
             + i_naca)
    return (i_task, i_trek, i_nab, i_kir, i_cat, i_cal, i_cab, i_kca, i_kv, i_nak, i_naca, i_ion,
            g, e_k, e, (kf, kb, al1, be1, al2, be2))


@jit
def pmca_max_rate(P, c):
    """Maximal PMCA Ca2+ removal from the free cytosolic Ca2+, mM/ms (>= 0)."""
    return -dconc_dt(P[I_PMCA_MAX, c], 2.0, P[AREA, c], P[VOL, c], P[F_I, c])


@jit
def rates(Y, P, c, t, I_ext, A, B):
    v = Y[V, c]
    (i_task, i_trek, i_nab, i_kir, i_cat, i_cal, i_cab, i_kca, i_kv, i_nak, i_naca, i_ion, g,
     e_k, e, ncx) = membrane(Y, P, c)
    cm = P[C_M, c]
    b_v = g / cm
    B[V, c] = b_v
    A[V, c] = (P[I_APP, c] + I_ext - i_ion) / cm + b_v * v
    vg = v - P[V_SHIFT, c]
    m_inf, tau_m, h_inf, tau_h = cav32_gates_q(vg, P[PHM_ROW, c], P[PHH_ROW, c], P[DV_TA, c],
                                               P[DV_TI, c])
    A[MT, c] = m_inf / tau_m
    B[MT, c] = 1.0 / tau_m
    A[HT, c] = h_inf / tau_h
    B[HT, c] = 1.0 / tau_h
    d_inf, tau_d, f_inf, tau_f = cav13_gates_q(vg, P[QL_ROW, c], P[DV_LA, c])
    A[DL, c] = d_inf / tau_d
    B[DL, c] = 1.0 / tau_d
    A[FL, c] = f_inf / tau_f
    B[FL, c] = 1.0 / tau_f
    n_inf, tau_n = kv_gate_q(vg, P[PHIKV_ROW, c])
    A[NKV, c] = n_inf / tau_n
    B[NKV, c] = 1.0 / tau_n
    ca = Y[CA, c]
    kp = P[K_PMCA, c]
    # the exchanger moves one Ca2+ per net charge: Ca2+-current equivalent -2 I_NaCa
    A[CA, c] = dconc_dt(i_cat + i_cal + i_cab - 2.0 * i_naca, 2.0, P[AREA, c], P[VOL, c],
                        P[F_I, c])
    B[CA, c] = P[PMCA_ROW, c] * ca / (ca * ca + kp * kp)
    u = max(-i_cat, 0.0)  # inward CaV3.2 current, the nanodomains' Ca2+ source (uA/cm^2)
    it = P[I_T_CDI, c]
    ttl = P[TAU_T_CDI, c]
    A[CTL, c] = it / (it + u) / ttl
    B[CTL, c] = 1.0 / ttl
    ikh = P[I_KT_HALF, c]
    tkt = P[TAU_KT, c]
    A[KT, c] = u / (u + ikh) / tkt
    B[KT, c] = 1.0 / tkt
    tsk = P[TAU_SK, c]
    ca_n_sk = hill_power(ca, P[N_SK, c])
    A[SSK, c] = ca_n_sk / (ca_n_sk + P[KSK_N_ROW, c]) / tsk  # hill(ca, K_SK, n_SK)
    B[SSK, c] = 1.0 / tsk
    tavg = P[TAU_AVG, c]
    A[CAAVG, c] = ca / tavg
    B[CAAVG, c] = 1.0 / tavg
    # exchanger carrier states (E2 = 1 - E1 - I1 - I2; Cha et al. 2011)
    kf, kb, al1, be1, al2, be2 = ncx
    ncx_carrier_rates(Y, c, E1_NCX, I1_NCX, I2_NCX, kf, kb, al1, be1, al2, be2, A, B)


@jit
def aldosterone_rate(Ca_avg, E, aldo_max, basal, K_aldo, n_aldo, gain):
    """Phenomenological aldosterone synthesis rate (units of ``aldo_max``).

    ``aldo_max [basal + (1 - basal) h(Ca_avg; K_aldo/(1 + gain E), n_aldo)]`` with ``h`` the
    Hill function and ``E`` the AT1 response: Ang II raises the Ca2+ sensitivity of synthesis.
    """
    return aldo_max * (basal + (1.0 - basal) * hill(Ca_avg, K_aldo / (1.0 + gain * E), n_aldo))


@jit
def aux(Y, P, c, t, I_ext, OUT):
    (i_task, i_trek, i_nab, i_kir, i_cat, i_cal, i_cab, i_kca, i_kv, i_nak, i_naca, i_ion, _,
     e_k, e, _) = membrane(Y, P, c)
    ca = Y[CA, c]
    kp = P[K_PMCA, c]
    OUT[0, c] = i_task
    OUT[1, c] = i_trek
    OUT[2, c] = i_nab
    OUT[3, c] = i_kir
    OUT[4, c] = i_cat
    OUT[5, c] = i_cal
    OUT[6, c] = i_cab
    OUT[7, c] = i_kca
    OUT[8, c] = i_kv
    OUT[9, c] = i_nak
    OUT[10, c] = i_naca
    # PMCA flux as total (free + bound) Ca2+ per cytosolic volume, mM/ms
    OUT[11, c] = P[PMCA_ROW, c] / P[F_I, c] * ca * ca / (ca * ca + kp * kp)
    OUT[12, c] = i_ion
    OUT[13, c] = e_k
    OUT[14, c] = P[V_SHIFT, c]
    OUT[15, c] = e
    OUT[16, c] = aldosterone_rate(Y[CAAVG, c], e, P[ALDO_MAX, c], P[ALDO_BASAL, c],
                                  P[K_ALDO, c], P[N_ALDO, c], P[ALDO_GAIN, c])
