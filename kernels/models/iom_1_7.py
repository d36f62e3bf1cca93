"""Integrated Oscillator Model 1.7 (IOM1.7) of the pancreatic beta-cell, Bertram lab.

Transcribed from the XPP file ``Models/IOM1.7/IOM_1_7.ode`` (github.com/artielbm/artielbm.
github.io; the MATLAB twin ``IOM_1_7.m`` gives the initial V), the version of the IOM of
Fletcher PA, Marinelli I, Bertram R, Satin LS, Sherman AS (2022) Physiology 37 (pulsatile
basal insulin secretion) with I_SOC added and the glucose pulse and secretion module removed,
as used in Fletcher et al. (2023, "Ca2+ release or Ca2+ entry") and Corradi et al. (2023)
J Physiol 601:5655. Units as in the file: V in mV, t in ms, conductances in pS, currents in
fA, capacitance in fF, all concentrations in uM except glucose (mM).

Structure::

    electrical:  C_m dV/dt = I_app + I_ext - (I_Ca + I_K + I_KCa + I_KATP + I_SOC)
                 I_KATP = g_KATP P_O(MgADP, ADP3-, ATP4-) (V - E_K)   (Magnus-Keizer P_O)
    Ca2+:        dc/dt = f_Ca (J_in - J_PMCA - J_SERCA + J_leak),  J_in = -alpha (I_Ca + I_SOC)
                 dc_ER/dt = f_Ca sigma_ER (J_SERCA - J_leak)
    glycolysis:  dF6P/dt = 0.3 k_GO (J_GK - J_PFK),  dFBP/dt = k_GO (J_PFK - 0.5 J_PDH)
                 J_PFK from the 16-state PFK model (AMP activation, ATP inhibition, FBP
                 autocatalysis), J_PDH = v_PDH s_inf(c) sqrt(FBP)
    nucleotides: dADP/dt = k_ADP (J_hyd - J_prod)/tau_a,
                 J_prod = exp((r + k_y J_PDH)(1 - k_KM Ca_i)) ADP,
                 J_hyd = (v_hyd_bas + v_hyd (J_PMCA + J_SERCA/2)) ATP,
                 ATP and AMP from A_tot = ATP + ADP + AMP and adenylate-kinase equilibrium
                 AMP = ADP^2/ATP (closed form valid for ADP <= A_tot/3).

Differences from the file: V_K (fixed at -75 mV there) is the Nernst potential ``E_K`` of
K_o/K_i (the declaration's defaults give E_K = -75 mV exactly); the file's ``freezeprod``
switch (0) and the commented-out IP3 receptor are omitted. The .ode (used here) has
``vhyd = 6``; the MATLAB twin has 5.
"""

import math

from .. import fastmath as fm
from .._jit import jit
from ..constants import nernst

STATE_NAMES = ("V", "n", "Ca_ER", "Ca_i", "ADP", "F6P", "FBP")
PARAM_NAMES = (
    "C_m", "g_Ca", "V_Ca", "V_m", "s_m", "g_K", "V_n", "s_n", "tau_n",
    "g_KCa", "K_KCa", "n_KCa", "g_KATP", "k_dd", "k_td", "k_tt",
    "frac_MgADP", "frac_ADP3", "frac_ATP4", "g_SOC", "V_SOC", "K_SOC",
    "K_o", "K_i", "temperature",
    "alpha", "v_PMCA", "K_PMCA", "v_SERCA", "K_SERCA", "p_leak", "f_Ca", "sigma_ER",
    "glucose", "v_GK", "K_GK", "n_GK",
    "k1_PFK", "k2_PFK", "k3_PFK", "k4_PFK", "f_AMP", "f_ATP", "f_FBP", "f_BT", "f_MT",
    "k_PFK", "v_PFK", "v_PDH", "K_CaPDH", "k_CaM", "k_y", "k_KM", "r_phos",
    "v_hyd", "v_hyd_bas", "A_tot", "tau_a", "k_GO", "k_ADP", "I_app",
)
AUX_NAMES = (
    "I_Ca", "I_K", "I_KCa", "I_KATP", "I_SOC", "P_KATP", "ATP", "AMP", "ATP_ADP",
    "J_GK", "J_PFK", "J_PDH", "J_prod", "J_hyd", "J_PMCA", "J_SERCA", "J_leak", "E_K",
)

V, N, CA_ER, CA, ADP, F6P, FBP = range(7)
(C_M, G_CA, V_CA, V_M, S_M, G_K, V_N, S_N, TAU_N,
 G_KCA, K_KCA, N_KCA, G_KATP, K_DD, K_TD, K_TT,
 FR_MGADP, FR_ADP3, FR_ATP4, G_SOC, V_SOC, K_SOC,
 K_O, K_I, TEMP,
 ALPHA, V_PMCA, K_PMCA, V_SERCA, K_SERCA, P_LEAK, F_CA, SIGMA_ER,
 GLUCOSE, V_GK, K_GK, N_GK,
 K1, K2, K3, K4, F_AMP, F_ATP, F_FBP, F_BT, F_MT,
 K_PFK, V_PFK, V_PDH, K_CAPDH, K_CAM, K_Y, K_KM, R_PHOS,
 V_HYD, V_HYD_BAS, A_TOT, TAU_A, K_GO, K_ADP, I_APP) = range(61)

#: Derived parameters (see :mod:`biophys.kernels.protocol`), computed once per cell per run
#: instead of at every step: the Nernst E_K (mV), the glucokinase rate ``J_GK`` (uM/ms; it
#: depends on glucose only) and ``K_KCa^n_KCa`` (uM^n_KCa).
DERIVED_NAMES = ("E_K", "J_GK", "K_KCa_n")
EK, J_GK_ROW, K_KCA_N_ROW = range(len(PARAM_NAMES), len(PARAM_NAMES) + 3)


@jit
def derive(P, c):
    """Derived parameters of cell ``c`` (rows ``DERIVED_NAMES``)."""
    P[EK, c] = nernst(1.0, P[K_O, c], P[K_I, c], P[TEMP, c])
    gn = P[GLUCOSE, c] ** P[N_GK, c]
    P[J_GK_ROW, c] = P[V_GK, c] * gn / (gn + P[K_GK, c] ** P[N_GK, c])
    P[K_KCA_N_ROW, c] = P[K_KCA, c] ** P[N_KCA, c]


@jit
def atp_from_adp(adp, a_tot):
    """ATP (uM) from ADP (uM) with A_tot = ATP + ADP + AMP and AMP = ADP^2/ATP.

    The larger root of ATP^2 - (A_tot - ADP) ATP + ADP^2 = 0, defined for
    0 <= ADP <= A_tot/3 (NaN beyond; ATP = A_tot at ADP = 0). IOM_1_7.ode writes the same
    root as ``0.5 (atot - adp + sqrt(adp atot) sqrt(-2 + atot/adp - 3 adp/atot))``, which is
    0 * inf at ADP = 0; here the radicand is factored, (A_tot - ADP)^2 - 4 ADP^2 =
    (A_tot - 3 ADP)(A_tot + ADP) (the two agree to 1e-15 relative for ADP <= 0.99 A_tot/3;
    closer to A_tot/3 both carry the cancellation error of A_tot - 3 ADP).
    """
    return 0.5 * (a_tot - adp + math.sqrt((a_tot - 3.0 * adp) * (a_tot + adp)))


@jit
def katp_open(adp, atp, fr_mgadp, fr_adp3, fr_atp4, k_dd, k_td, k_tt):
    """Magnus-Keizer K(ATP) open probability from total ADP and ATP (uM)."""
    mgadp = fr_mgadp * adp / k_dd
    top = 0.08 * (1.0 + 2.0 * mgadp) + 0.89 * mgadp * mgadp
    bottom = (1.0 + mgadp) * (1.0 + mgadp) * (1.0 + fr_adp3 * adp / k_td + fr_atp4 * atp / k_tt)
    return top / bottom


@jit
def pfk_rate(P, c, atp, amp, f6p, fbp):
    """J_PFK (uM/ms) of the 16-state phosphofructokinase model of IOM_1_7.ode."""
    k1 = P[K1, c]
    k2 = P[K2, c]
    k3 = P[K3, c]
    k4 = P[K4, c]
    famp = P[F_AMP, c]
    fatp = P[F_ATP, c]
    ffbp = P[F_FBP, c]
    fbt = P[F_BT, c]
    fmt = P[F_MT, c]
    a2 = atp * atp
    f2 = f6p * f6p
    # weights of the 16 enzyme states (AMP bound, FBP bound, F6P bound, ATP bound)
    w2 = a2 / k4
    w3 = f2 / k3
    w4 = f2 * a2 / (fatp * k3 * k4)
    w5 = fbp / k2
    w6 = fbp * a2 / (k2 * k4 * fbt)
    w7 = fbp * f2 / (k2 * k3 * ffbp)
    w8 = fbp * f2 * a2 / (k2 * k3 * k4 * ffbp * fbt * fatp)
    w9 = amp / k1
    w10 = amp * a2 / (k1 * k4 * fmt)
    w11 = amp * f2 / (k1 * k3 * famp)
    w12 = amp * f2 * a2 / (k1 * k3 * k4 * famp * fmt * fatp)
    w13 = amp * fbp / (k1 * k2)
    w14 = amp * fbp * a2 / (k1 * k2 * k4 * fbt * fmt)
    w15 = amp * fbp * f2 / (k1 * k2 * k3 * ffbp * famp)  # the most active state
    w16 = amp * fbp * f2 * a2 / (k1 * k2 * k3 * k4 * ffbp * famp * fbt * fmt * fatp)
    bottom = (1.0 + w2 + w3 + w4 + w5 + w6 + w7 + w8 + w9 + w10 + w11 + w12 + w13 + w14
              + w15 + w16)
    top_a = w3 + w4 + w7 + w8 + w11 + w12 + w16
    return P[V_PFK, c] * (w15 + P[K_PFK, c] * top_a) / bottom


@jit
def fluxes(Y, P, c):
    """Metabolic and Ca2+ fluxes of cell c.

    Returns ``(atp, amp, j_gk, j_pfk, j_pdh, v_phos, j_hyd, j_pmca, j_serca)``; fluxes in
    uM/ms except ``v_phos`` (dimensionless phosphorylation factor) and ``j_hyd`` (uM, the
    file's J_hyd before division by tau_a).
    """
    ca = Y[CA, c]
    adp = Y[ADP, c]
    fbp = Y[FBP, c]
    atp = atp_from_adp(adp, P[A_TOT, c])
    amp = adp * adp / atp
    j_gk = P[J_GK_ROW, c]
    j_pfk = pfk_rate(P, c, atp, amp, Y[F6P, c], fbp)
    cam = P[K_CAM, c] * ca
    j_pdh = P[V_PDH, c] * cam / (cam + P[K_CAPDH, c]) * math.sqrt(fbp)
    v_phos = fm.exp((P[R_PHOS, c] + P[K_Y, c] * j_pdh) * (1.0 - P[K_KM, c] * ca))
    c2 = ca * ca
    kp = P[K_PMCA, c]
    ks = P[K_SERCA, c]
    j_pmca = P[V_PMCA, c] * c2 / (c2 + kp * kp)
    j_serca = P[V_SERCA, c] * c2 / (c2 + ks * ks)
    j_hyd = (P[V_HYD_BAS, c] + P[V_HYD, c] * (j_pmca + 0.5 * j_serca)) * atp
    return atp, amp, j_gk, j_pfk, j_pdh, v_phos, j_hyd, j_pmca, j_serca


@jit
def conductances(Y, P, c, atp):
    """(g_Ca m_inf, g_K n, g_KCa q_inf, g_KATP P_O, g_SOC o_SOC) of cell c, pS."""
    v = Y[V, c]
    ca = Y[CA, c]
    cer = Y[CA_ER, c]
    g_ca = P[G_CA, c] / (1.0 + fm.exp((P[V_M, c] - v) / P[S_M, c]))
    g_k = P[G_K, c] * Y[N, c]
    cn = fm.pow_pos(ca, P[N_KCA, c])  # ca^n_KCa (0 at ca = 0)
    g_kca = P[G_KCA, c] * cn / (P[K_KCA_N_ROW, c] + cn)
    p_o = katp_open(Y[ADP, c], atp, P[FR_MGADP, c], P[FR_ADP3, c], P[FR_ATP4, c],
                    P[K_DD, c], P[K_TD, c], P[K_TT, c])
    ks4 = P[K_SOC, c] ** 4
    g_soc = P[G_SOC, c] * ks4 / (ks4 + cer ** 4)
    return g_ca, g_k, g_kca, P[G_KATP, c] * p_o, g_soc


@jit
def rates(Y, P, c, t, I_ext, A, B):
    v = Y[V, c]
    ca = Y[CA, c]
    cer = Y[CA_ER, c]
    e_k = P[EK, c]
    atp, amp, j_gk, j_pfk, j_pdh, v_phos, j_hyd, j_pmca, j_serca = fluxes(Y, P, c)
    g_ca, g_k, g_kca, g_katp, g_soc = conductances(Y, P, c, atp)
    g_kk = g_k + g_kca + g_katp
    cm = P[C_M, c]
    A[V, c] = (g_ca * P[V_CA, c] + g_kk * e_k + g_soc * P[V_SOC, c] + P[I_APP, c]
               + I_ext) / cm
    B[V, c] = (g_ca + g_kk + g_soc) / cm
    n_inf = 1.0 / (1.0 + fm.exp((P[V_N, c] - v) / P[S_N, c]))
    A[N, c] = n_inf / P[TAU_N, c]
    B[N, c] = 1.0 / P[TAU_N, c]
    p_leak = P[P_LEAK, c]
    f_ca = P[F_CA, c]
    s_er = f_ca * P[SIGMA_ER, c]
    A[CA_ER, c] = s_er * (j_serca + p_leak * ca)
    B[CA_ER, c] = s_er * p_leak
    # cytosolic Ca2+: pumps written as ca * (rate/ca) >= 0 so that B is a removal rate
    j_in = -P[ALPHA, c] * (g_ca * (v - P[V_CA, c]) + g_soc * (v - P[V_SOC, c]))
    A[CA, c] = f_ca * (j_in + p_leak * cer)
    if ca > 0.0:
        B[CA, c] = f_ca * (p_leak + (j_pmca + j_serca) / ca)
    else:
        B[CA, c] = f_ca * p_leak
    k_adp = P[K_ADP, c] / P[TAU_A, c]
    A[ADP, c] = k_adp * j_hyd
    B[ADP, c] = k_adp * v_phos
    A[F6P, c] = 0.3 * P[K_GO, c] * (j_gk - j_pfk)
    B[F6P, c] = 0.0
    A[FBP, c] = P[K_GO, c] * (j_pfk - 0.5 * j_pdh)
    B[FBP, c] = 0.0


@jit
def aux(Y, P, c, t, I_ext, OUT):
    v = Y[V, c]
    ca = Y[CA, c]
    e_k = P[EK, c]
    atp, amp, j_gk, j_pfk, j_pdh, v_phos, j_hyd, j_pmca, j_serca = fluxes(Y, P, c)
    g_ca, g_k, g_kca, g_katp, g_soc = conductances(Y, P, c, atp)
    adp = Y[ADP, c]
    OUT[0, c] = g_ca * (v - P[V_CA, c])
    OUT[1, c] = g_k * (v - e_k)
    OUT[2, c] = g_kca * (v - e_k)
    OUT[3, c] = g_katp * (v - e_k)
    OUT[4, c] = g_soc * (v - P[V_SOC, c])
    OUT[5, c] = katp_open(adp, atp, P[FR_MGADP, c], P[FR_ADP3, c], P[FR_ATP4, c],
                          P[K_DD, c], P[K_TD, c], P[K_TT, c])
    OUT[6, c] = atp
    OUT[7, c] = amp
    OUT[8, c] = atp / adp
    OUT[9, c] = j_gk
    OUT[10, c] = j_pfk
    OUT[11, c] = j_pdh
    k_adp = P[K_ADP, c] / P[TAU_A, c]
    OUT[12, c] = k_adp * v_phos * adp
    OUT[13, c] = k_adp * j_hyd
    OUT[14, c] = j_pmca
    OUT[15, c] = j_serca
    OUT[16, c] = P[P_LEAK, c] * (Y[CA_ER, c] - ca)
    OUT[17, c] = e_k
