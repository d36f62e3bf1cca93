"""Mouse pancreatic beta cell after Cha et al. (2011), with Mg2+-dependent nucleotide
speciation, divalent surface charge and embedded Chen-Wang-Sherman (2008) exocytosis.

Cha CY et al. (2011) J Gen Physiol 138:21-37; equations from the NEURON port
``chonlei/bHub_sim/models/betacell_cha2011_v3/bcell_cha.mod`` (initial conditions
``betacell.hoc``), re-implemented. Membrane currents (pA, outward positive): L-type Ca2+ with
voltage-, Ca2+- and ATP-dependent gating (``I_CaL``, constant field), delayed rectifier
(``I_KDr``), transient outward K+ (``I_Kto``), Ca2+-activated K-slow (``I_Kslow``), TRPM
(``I_TRPM``), store-operated (``I_SOC``), background non-selective (``I_bNSC``), K-ATP
(``I_KATP``), Na+/K+-ATPase (``I_NaK``), Na+/Ca2+ exchanger (``I_NaCa``) and plasma-membrane
Ca2+-ATPase (``I_PMCA``); SERCA and an ER leak; ATP production by oxidative phosphorylation
driven by glucose, and ATP use by the pumps and by basal and Ca2+-dependent consumption.
See :mod:`biophys.kernels.beta_cell_currents` for the individual gates.

Changes from the published file (all documented in ``biophys/models/beta_cell.py``):

* Nucleotide speciation. The states are total ATP and total free ADP (Cha's ``MgADP/0.55``);
  Mg.ATP, ATP4-, Mg.ADP and ADP3- come from :func:`biophys.kernels.speciation.mg_speciation`
  at the free Mg2+ ``Mg_i`` (a condition), ``pH_i`` and K_i. The Na+/K+-ATPase uses Mg.ATP and
  Mg.ADP (:func:`biophys.kernels.nak_pump.nak_cycle_rate`); K-ATP is activated by Mg.ADP and
  inhibited by ADP3- and ATP4- (Magnus-Keizer), with constants converted from Cha's so that
  K-ATP is the published one at the default Mg_i. Oxidative phosphorylation keeps Cha's ADP
  dependence (``f_MgADP_op * ADP`` with Cha's fixed fraction 0.55): the mitochondrial carrier
  takes up free nucleotides, so this is not a membrane Mg.ADP effect. The slower Mg.ATP-driven
  pump is compensated by one re-fitted parameter, ``K_op``.
* ER Ca2+ is a state (``dCa_ER/dt = f_ER (J_SERCA - J_leak)/vol_ER``) instead of the port's
  algebraic charge-conservation expression (identical solutions without applied current).
* Extracellular Ca2+ and Mg2+ (and monovalent ions) shift the voltage-dependent gates of the
  L-type channel (``d``, ``f_us``) by the Grahame surface-charge shift relative to the model's
  default bath (:func:`biophys.kernels.surface.gating_shift`; zero at the defaults).
* Temperature (37 C default) enters through RT/F, as in the original (constant-field
  currents, reversal potentials, the pump's ``F V/RT``), and, beyond it, through the
  surface-charge shift of the L-type gating (RT and the permittivity of water in the Grahame
  equation: at 10 mM Mg_o ``V_shift`` is 10.732 mV at 37 C, 10.281 mV at 25 C). Gate and
  transport rate constants do not change with it, and the nucleotide speciation keeps its
  38 C constants (``BEARD_QIAN_38C``) at any temperature.
* Exocytosis: the Ca2+ carried by ``I_CaL`` fills a Chen et al. (2008) microdomain (a sensor
  compartment that does not feed back on Ca_i), which drives the granule pools of
  :mod:`biophys.kernels.exocytosis` together with the cytosolic Ca_i.

Units: V mV, time ms, currents pA, capacitance pF, concentrations mM (the microdomain ``Cmd``
uM), volumes fL, granule pools in granules. ``I_ext`` is in pA (depolarising positive).
"""

from .. import fastmath as fm
from .._jit import jit
from ..beta_cell_currents import (
    cal_ca_gate_rates,
    cal_gate_rates,
    glucose_activation,
    glucose_metabolism,
    hill_activation,
    katp_open_probability,
    kdr_gate_rates,
    kto_gate_rates,
)
from ..constants import FARADAY, nernst, thermal_voltage
from ..exocytosis import (
    ALPHA_CA,
    GRANULE_PARAM_NAMES,
    GRANULE_STATE_NAMES,
    MICRODOMAIN_PARAM_NAMES,
    ca_current_to_flux,
    granule_outputs,
    granule_rates,
    microdomain_rates,
)
from ..ghk import ghk_driving
from ..ion_balance import quasi_linear_like
from ..nak_pump import nak_cycle_rate
from ..ncx import ncx_carrier_rates, ncx_current, ncx_rates
from ..speciation import BEARD_QIAN_38C, mg_speciation_at_H
from ..surface import gating_shift

STATE_NAMES = (
    "V", "Na_i", "K_i", "Ca_i", "Ca_ER", "ATP", "ADP", "Re",
    "d_CaL", "U_CaL", "f_us", "r_KDr", "q_KDr", "m_Kto", "h_Kto",
    "E1_NCX", "I1_NCX", "I2_NCX", "Cmd",
) + GRANULE_STATE_NAMES

PARAM_NAMES = (
    # cell and conditions
    "C_m", "vol_i", "vol_ER", "f_i", "f_ER",
    "Na_o", "K_o", "Ca_o", "Mg_o", "Mg_i", "pH_i", "Pi_i", "glucose", "temperature",
    "sigma", "I_app",
    # channels
    "P_CaL", "r_Na_CaL", "r_K_CaL", "K_CaL_ATP",
    "P_KDr", "g_Kto",
    "P_Kslow", "K_Kslow", "n_Kslow",
    "P_TRPM", "K_TRPM", "r_Na_TRPM",
    "P_SOC", "K_SOC", "r_Na_SOC", "r_Ca_SOC",
    "P_bNSC_Na", "P_bNSC_K",
    "g_KATP", "K_dd", "K_td", "K_tt",
    # transporters and pumps
    "I_NCX_max", "K_NCX_Nai", "K_NCX_Cai", "K_NCX_Nao", "K_NCX_Cao", "partition_NCX",
    "I_PMCA_max", "K_PMCA",
    "P_NaK", "K_NaK_glucose",
    "P_SERCA", "K_SERCA", "P_leak_ER",
    # metabolism
    "A_tot", "N_tot", "K_m_ATP_glc", "h_glc", "K_glc", "P_op", "K_op", "f_MgADP_op",
    "k_Re", "k_fa", "stoich_op", "R_vol", "k_ATP", "k_ATP_Ca", "k_ADP_f", "k_ADP_b",
    # exocytosis
    "v_md", "amplification",
) + MICRODOMAIN_PARAM_NAMES + GRANULE_PARAM_NAMES

AUX_NAMES = (
    "I_CaL", "I_CaL_Ca", "I_KDr", "I_Kto", "I_Kslow", "I_TRPM", "I_SOC", "I_bNSC", "I_KATP",
    "I_NaK", "I_NaCa", "I_PMCA", "I_ion", "J_SERCA", "J_ER_leak", "J_OP", "ATP_use",
    "pO_KATP", "E_K", "MgATP", "MgADP", "ATP4", "ADP3", "V_shift",
    "fusion_rate", "capacitance", "insulin_rate", "insulin_secreted",
)

(V, NA_I, K_I, CA_I, CA_ER, ATP, ADP, RE, D_CAL, U_CAL, F_US, R_KDR, Q_KDR, M_KTO, H_KTO,
 E1_NCX, I1_NCX, I2_NCX, CMD) = range(19)
S_GRAN = 19

(C_M, VOL_I, VOL_ER, F_I, F_ER, NA_O, K_O, CA_O, MG_O, MG_I, PH_I, PI_I, GLUCOSE, TEMP, SIGMA,
 I_APP, P_CAL, R_NA_CAL, R_K_CAL, K_CAL_ATP, P_KDR, G_KTO, P_KSLOW, K_KSLOW, N_KSLOW, P_TRPM,
 K_TRPM, R_NA_TRPM, P_SOC, K_SOC, R_NA_SOC, R_CA_SOC, P_BNSC_NA, P_BNSC_K, G_KATP, K_DD, K_TD,
 K_TT, I_NCX_MAX, K_NCX_NAI, K_NCX_CAI, K_NCX_NAO, K_NCX_CAO, PARTITION_NCX, I_PMCA_MAX,
 K_PMCA, P_NAK, K_NAK_GLUCOSE, P_SERCA, K_SERCA, P_LEAK_ER, A_TOT, N_TOT, K_M_ATP_GLC, H_GLC,
 K_GLC, P_OP, K_OP, F_MGADP_OP, K_RE, K_FA, STOICH_OP, R_VOL, K_ATP, K_ATP_CA, K_ADP_F,
 K_ADP_B, V_MD, AMPLIFICATION) = range(69)
P_MD = 69
P_GRAN = P_MD + len(MICRODOMAIN_PARAM_NAMES)

#: Reference bath of the surface-charge gating shift: the model's default bath (Cha et al.
#: 2011: Na_o 140 + K_o 5.4 mM monovalent, Ca_o 2.6 mM; Mg_o 1.0 mM, the default of
#: ``biophys/models/beta_cell.py``), so that the shift is zero at the defaults.
MONOVALENT_REF = 140.0 + 5.4
CA_REF = 2.6
MG_REF = 1.0

#: F in C/mmol (= pA ms / amol): converts pA to amol/ms of a monovalent ion.
F_MMOL = FARADAY * 1e-3

#: Derived parameters, computed once per cell per run (see :mod:`biophys.kernels.protocol`):
#: the surface-charge shift of the L-type gating (mV), free cytosolic H+ (mM), the glucose
#: factor of the Na+/K+-ATPase (dimensionless) and the glucose factor of ``fGlu``
#: (dimensionless).
DERIVED_NAMES = ("V_shift", "H_i", "f_NaK_glucose", "f_glucose")
V_SHIFT, H_ROW, F_NAK_GLC_ROW, F_GLC_ROW = range(len(PARAM_NAMES), len(PARAM_NAMES) + 4)


@jit
def derive(P, c):
    """Derived parameters of cell ``c`` (rows ``DERIVED_NAMES``).

    ``V_shift``: surface-charge shift of the L-type gating (mV, depolarising), the Grahame
    surface potential in the cell's bath minus that in the reference bath
    (:func:`biophys.kernels.surface.gating_shift`); exactly zero in the reference bath, where
    the two Newton solves are skipped. ``H_i = 10^(3 - pH_i)`` (mM). ``f_NaK_glucose = 0.4 +
    0.6 exp(-glucose/K_NaK_glucose)`` (Cha et al. 2011 glucose inhibition of the pump).
    ``f_glucose``: :func:`biophys.kernels.beta_cell_currents.glucose_activation`.
    """
    P[H_ROW, c] = 10.0 ** (3.0 - P[PH_I, c])
    glc = P[GLUCOSE, c]
    P[F_NAK_GLC_ROW, c] = 0.4 + 0.6 * fm.exp(-glc / P[K_NAK_GLUCOSE, c])
    P[F_GLC_ROW, c] = glucose_activation(glc, P[H_GLC, c], P[K_GLC, c])
    mono = P[NA_O, c] + P[K_O, c]
    ca_o = P[CA_O, c]
    mg_o = P[MG_O, c]
    if mono == MONOVALENT_REF and ca_o == CA_REF and mg_o == MG_REF:
        P[V_SHIFT, c] = 0.0
    else:
        P[V_SHIFT, c] = gating_shift(mono, ca_o, mg_o, P[SIGMA, c], P[TEMP, c], MONOVALENT_REF,
                                     CA_REF, MG_REF)


@jit
def _cell(Y, P, c, I_ext):
    """Currents (pA), fluxes (amol/ms) and gate rates of cell ``c`` (see AUX_NAMES)."""
    v = Y[V, c]
    na_i = Y[NA_I, c]
    k_i = Y[K_I, c]
    ca_i = Y[CA_I, c]
    ca_er = Y[CA_ER, c]
    atp = Y[ATP, c]
    adp = Y[ADP, c]
    re = Y[RE, c]
    d = Y[D_CAL, c]
    T_C = P[TEMP, c]
    rtf = thermal_voltage(T_C)
    na_o = P[NA_O, c]
    k_o = P[K_O, c]
    ca_o = P[CA_O, c]

    # constant-field driving concentrations (mM) and K+ reversal potential
    na_cf = ghk_driving(1.0, v, na_i, na_o, T_C)
    k_cf = ghk_driving(1.0, v, k_i, k_o, T_C)
    ca_cf = ghk_driving(2.0, v, ca_i, ca_o, T_C)
    e_k = nernst(1.0, k_o, k_i, T_C)

    # nucleotide species (mM)
    h_mM = P[H_ROW, c]
    mgatp, atp4, mgadp, adp3 = mg_speciation_at_H(P[MG_I, c], atp, adp, h_mM, k_i,
                                                  BEARD_QIAN_38C)

    # surface-charge shift of the L-type gating (mV, depolarising; see derive)
    v_shift = P[V_SHIFT, c]

    # L-type Ca2+ current
    rundown = 1.0 / (1.0 + (P[K_CAL_ATP, c] / atp) ** 3)
    po_cal = d * d * Y[U_CAL, c] * (0.4 + 0.6 * Y[F_US, c]) * rundown
    g_cal = P[P_CAL, c] * po_cal
    i_cal_ca = g_cal * ca_cf
    i_cal_na = P[R_NA_CAL, c] * g_cal * na_cf
    i_cal_k = P[R_K_CAL, c] * g_cal * k_cf

    # K+ currents
    i_kdr = P[P_KDR, c] * Y[R_KDR, c] * (0.6 * Y[Q_KDR, c] + 0.4) * k_cf
    g_kto = P[G_KTO, c] * Y[M_KTO, c] * Y[H_KTO, c]
    po_kslow = hill_activation(ca_i, P[K_KSLOW, c], P[N_KSLOW, c])
    i_kslow = P[P_KSLOW, c] * po_kslow * k_cf
    po_katp = katp_open_probability(mgadp, adp3, atp4, P[K_DD, c], P[K_TD, c], P[K_TT, c])
    g_katp = P[G_KATP, c] * po_katp

    # non-selective cation currents
    po_trpm = hill_activation(ca_i, P[K_TRPM, c], 1.7)
    i_trpm_na = P[P_TRPM, c] * P[R_NA_TRPM, c] * po_trpm * na_cf
    i_trpm_k = P[P_TRPM, c] * po_trpm * k_cf
    po_soc = 1.0 / (1.0 + fm.exp((ca_er - P[K_SOC, c]) * (1.0 / 0.003)))
    i_soc_na = P[P_SOC, c] * P[R_NA_SOC, c] * po_soc * na_cf
    i_soc_k = P[P_SOC, c] * po_soc * k_cf
    i_soc_ca = P[P_SOC, c] * P[R_CA_SOC, c] * po_soc * ca_cf
    i_bnsc_na = P[P_BNSC_NA, c] * na_cf
    i_bnsc_k = P[P_BNSC_K, c] * k_cf

    # Na+/K+-ATPase (Mg.ATP-driven cycle), inhibited by glucose as in Cha et al. 2011
    cyc = nak_cycle_rate(v, na_i, na_o, k_i, k_o, mgatp, mgadp, P[PI_I, c], h_mM, T_C)
    i_nak = P[P_NAK, c] * cyc * P[F_NAK_GLC_ROW, c]

    # Na+/Ca2+ exchanger
    e1 = Y[E1_NCX, c]
    i1 = Y[I1_NCX, c]
    i2 = Y[I2_NCX, c]
    k1p, k2p, kf, kb, al1, be1, al2, be2 = ncx_rates(
        v, na_i, ca_i, na_o, ca_o, rtf, P[K_NCX_NAI, c], P[K_NCX_CAI, c], P[K_NCX_NAO, c],
        P[K_NCX_CAO, c], P[PARTITION_NCX, c])
    i_naca, _ = ncx_current(P[I_NCX_MAX, c], k1p, k2p, e1, i1, i2)

    # PMCA (1 Ca2+ out per cycle; the counter-ion is booked as Na+ as in the port)
    ca2 = ca_i * ca_i
    i_pmca = P[I_PMCA_MAX, c] * ca2 / (ca2 + P[K_PMCA, c] ** 2)

    # ER: SERCA uptake and passive leak, amol/ms
    k_s = P[K_SERCA, c]
    j_serca = P[P_SERCA, c] * ca2 / (ca2 + k_s * k_s)
    j_leak = P[P_LEAK_ER, c] * (ca_er - ca_i)

    # metabolism (mM/ms): oxidative phosphorylation on Cha's ADP substrate
    adp_op = P[F_MGADP_OP, c] * adp
    h_op = adp_op * adp_op / (adp_op * adp_op + P[K_OP, c] ** 2)
    j_op = P[P_OP, c] * re * h_op
    vol_i = P[VOL_I, c]
    atp_pumps = ((i_nak + i_pmca) / F_MMOL + 0.5 * j_serca) / vol_i
    k_use = P[K_ATP, c] + P[K_ATP_CA, c] * ca_i

    i_na = i_bnsc_na + i_trpm_na + i_cal_na + 3.0 * i_nak + 3.0 * i_naca - i_pmca + i_soc_na
    i_k_ghk = i_bnsc_k + i_kdr + i_trpm_k + i_cal_k - 2.0 * i_nak + i_kslow + i_soc_k
    i_ca = i_cal_ca - 2.0 * i_naca + 2.0 * i_pmca + i_soc_ca
    return (v, e_k, g_kto, g_katp, i_na, i_k_ghk, i_ca, mgatp, atp4, mgadp, adp3, v_shift,
            ca_cf, i_cal_ca, i_cal_na + i_cal_k + i_cal_ca, i_kdr, i_kslow,
            i_trpm_na + i_trpm_k, i_soc_na + i_soc_k + i_soc_ca, i_bnsc_na + i_bnsc_k, i_nak,
            i_naca, i_pmca, j_serca, j_leak, j_op, h_op, atp_pumps, k_use, po_katp,
            kf, kb, al1, be1, al2, be2)


@jit
def _gate(x, alpha, beta):
    """Two-state gate ``x' = alpha (1 - x) - beta x`` as the protocol's ``(A, B)`` pair.

    Exponential (Rush-Larsen) form ``A = alpha``, ``B = alpha + beta``. Only the Ca2+ gate
    ``U`` can have ``alpha + beta < 0`` (beta_U < 0 needs V above E_Ca, e.g. under voltage
    clamp); the derivative is then written with ``B = 0`` (forward Euler) to keep ``B >= 0``.
    (It takes the gate's value, not its row index: Numba would compile a separate copy of the
    function for every literal index passed to it.)
    """
    s = alpha + beta
    if s >= 0.0:
        return alpha, s
    return alpha - s * x, 0.0


@jit
def rates(Y, P, c, t, I_ext, A, B):
    (v, e_k, g_kto, g_katp, i_na, i_k_ghk, i_ca, mgatp, atp4, mgadp, adp3, v_shift,
     ca_cf, i_cal_ca, i_cal, i_kdr, i_kslow, i_trpm, i_soc, i_bnsc, i_nak, i_naca, i_pmca,
     j_serca, j_leak, j_op, h_op, atp_pumps, k_use, po_katp,
     kf, kb, al1, be1, al2, be2) = _cell(Y, P, c, I_ext)
    cm = P[C_M, c]
    vol_i = P[VOL_I, c]
    g_ohm = g_kto + g_katp
    # membrane potential: ohmic K+ currents in B, constant-field currents explicit
    A[V, c] = (g_ohm * e_k - (i_na + i_k_ghk + i_ca) + P[I_APP, c] + I_ext) / cm
    B[V, c] = g_ohm / cm
    # ions (mM/ms); I_Kto and I_KATP are carried by K+. Every charge-carrying concentration
    # (Na_i, K_i, Ca_i and, through SERCA and the leak, Ca_ER) takes V's B, so that the
    # exponential integrators conserve charge exactly (biophys.kernels.ion_balance).
    b_v = B[V, c]
    A[NA_I, c], B[NA_I, c] = quasi_linear_like(-i_na / (F_MMOL * vol_i), Y[NA_I, c], b_v)
    A[K_I, c], B[K_I, c] = quasi_linear_like(
        -(i_k_ghk + g_ohm * (v - e_k)) / (F_MMOL * vol_i), Y[K_I, c], b_v)
    A[CA_I, c], B[CA_I, c] = quasi_linear_like(
        P[F_I, c] * (-i_ca / (2.0 * F_MMOL) + j_leak - j_serca) / vol_i, Y[CA_I, c], b_v)
    A[CA_ER, c], B[CA_ER, c] = quasi_linear_like(
        P[F_ER, c] * (j_serca - j_leak) / P[VOL_ER, c], Y[CA_ER, c], b_v)
    # nucleotides: total ATP, and free ADP (Cha's MgADP/0.55); the rest of A_tot is bound ADP
    datp_src = j_op - atp_pumps
    A[ATP, c] = datp_src
    B[ATP, c] = k_use
    atp = Y[ATP, c]
    A[ADP, c] = -datp_src + k_use * atp + P[K_ADP_B, c] * (P[A_TOT, c] - atp)
    B[ADP, c] = P[K_ADP_B, c] + P[K_ADP_F, c]
    # reducing equivalents
    f_glu = glucose_metabolism(atp, P[K_M_ATP_GLC, c], P[F_GLC_ROW, c])
    supply = P[K_RE, c] * f_glu + P[K_FA, c]
    A[RE, c] = supply * P[N_TOT, c]
    B[RE, c] = supply + P[P_OP, c] * h_op * P[R_VOL, c] / P[STOICH_OP, c]
    # L-type gates (voltage gates see the surface-charge shift)
    a_d, b_d, a_f, b_f = cal_gate_rates(v - v_shift)
    A[D_CAL, c], B[D_CAL, c] = _gate(Y[D_CAL, c], a_d, b_d)
    A[F_US, c], B[F_US, c] = _gate(Y[F_US, c], a_f, b_f)
    a_u, b_u = cal_ca_gate_rates(ca_cf, Y[D_CAL, c], Y[CA_I, c])
    A[U_CAL, c], B[U_CAL, c] = _gate(Y[U_CAL, c], a_u, b_u)
    a_r, b_r, a_q, b_q = kdr_gate_rates(v)
    A[R_KDR, c], B[R_KDR, c] = _gate(Y[R_KDR, c], a_r, b_r)
    A[Q_KDR, c], B[Q_KDR, c] = _gate(Y[Q_KDR, c], a_q, b_q)
    a_m, b_m, a_h, b_h = kto_gate_rates(v)
    A[M_KTO, c], B[M_KTO, c] = _gate(Y[M_KTO, c], a_m, b_m)
    A[H_KTO, c], B[H_KTO, c] = _gate(Y[H_KTO, c], a_h, b_h)
    # Na+/Ca2+ exchanger carrier states (E2 = 1 - E1 - I1 - I2)
    ncx_carrier_rates(Y, c, E1_NCX, I1_NCX, I2_NCX, kf, kb, al1, be1, al2, be2, A, B)
    # exocytosis: I_CaL's Ca2+ fills the microdomain; granules see Cmd and Ca_i (uM)
    ci_um = 1000.0 * Y[CA_I, c]
    j_md = ca_current_to_flux(i_cal_ca, P[V_MD, c], ALPHA_CA)
    microdomain_rates(Y, P, c, CMD, P_MD, j_md, ci_um, A, B)
    granule_rates(Y, P, c, S_GRAN, P_GRAN, Y[CMD, c], ci_um, P[AMPLIFICATION, c], A, B)


@jit
def aux(Y, P, c, t, I_ext, OUT):
    (v, e_k, g_kto, g_katp, i_na, i_k_ghk, i_ca, mgatp, atp4, mgadp, adp3, v_shift,
     ca_cf, i_cal_ca, i_cal, i_kdr, i_kslow, i_trpm, i_soc, i_bnsc, i_nak, i_naca, i_pmca,
     j_serca, j_leak, j_op, h_op, atp_pumps, k_use, po_katp,
     kf, kb, al1, be1, al2, be2) = _cell(Y, P, c, I_ext)
    i_kto = g_kto * (v - e_k)
    i_katp = g_katp * (v - e_k)
    OUT[0, c] = i_cal
    OUT[1, c] = i_cal_ca
    OUT[2, c] = i_kdr
    OUT[3, c] = i_kto
    OUT[4, c] = i_kslow
    OUT[5, c] = i_trpm
    OUT[6, c] = i_soc
    OUT[7, c] = i_bnsc
    OUT[8, c] = i_katp
    OUT[9, c] = i_nak
    OUT[10, c] = i_naca
    OUT[11, c] = i_pmca
    OUT[12, c] = i_na + i_k_ghk + i_ca + i_kto + i_katp
    OUT[13, c] = j_serca
    OUT[14, c] = j_leak
    OUT[15, c] = j_op
    OUT[16, c] = atp_pumps + k_use * Y[ATP, c]
    OUT[17, c] = po_katp
    OUT[18, c] = e_k
    OUT[19, c] = mgatp
    OUT[20, c] = mgadp
    OUT[21, c] = atp4
    OUT[22, c] = adp3
    OUT[23, c] = v_shift
    fusion_rate, capacitance, insulin_rate, insulin_secreted = granule_outputs(
        Y, P, c, S_GRAN, P_GRAN)
    OUT[24, c] = fusion_rate
    OUT[25, c] = capacitance
    OUT[26, c] = insulin_rate
    OUT[27, c] = insulin_secreted
