"""Bertram & Sherman (2004) calcium-based phantom burster, ER/ATP model (slow mode, Fig. 13).

Transcribed from the Bertram lab's XPP file ``Models/Phantom_II/figure13.ode``
(github.com/artielbm/artielbm.github.io), used in Bertram R, Sherman A (2004) Bull Math Biol
66:1313-1344. Units as in that file: V in mV, t in ms, conductances in pS, currents in fA,
capacitance in fF, Ca2+ in uM.

Equations (currents outward positive)::

    I_Ca   = g_Ca m_inf(V) (V - V_Ca)
    I_K    = g_K n (V - E_K)
    I_KCa  = g_KCa w (V - E_K),       w = c^5 / (c^5 + K_d^5)
    I_KATP = g_KATP a (V - E_K),      da/dt = (a_inf(c) - a)/tau_a
    a_inf  = 1/(1 + exp((r_a - c)/s_a))
    C_m dV/dt = I_app + I_ext - (I_Ca + I_K + I_KCa + I_KATP)
    J_mem = -(alpha I_Ca + k_PMCA c);  J_ER = p_leak (c_ER - c) + O_IP3 (c_ER - c) - k_SERCA c
    dc/dt = f_cyt (J_mem + J_ER);      dc_ER/dt = -f_ER (V_cyt/V_ER) J_ER
    O_IP3 = c/(d_act + c) * IP3/(d_IP3 + IP3) * d_inact/(d_inact + c)   (zero at IP3 = 0)

Difference from the file: V_K (fixed at -75 mV there) is the Nernst potential ``E_K`` of
K_o/K_i; the declaration's defaults give E_K = -75 mV exactly. The file also declares an
unused ``gkatp = 230``; the K(ATP) conductance actually used is ``ggkatp = 500`` pS.
"""

from .. import fastmath as fm
from .._jit import jit
from ..constants import nernst

STATE_NAMES = ("V", "n", "Ca_i", "Ca_ER", "a")
PARAM_NAMES = (
    "C_m", "g_Ca", "g_K", "g_KCa", "g_KATP", "V_Ca", "K_o", "K_i", "temperature",
    "V_m", "s_m", "V_n", "s_n", "tau_n", "K_d", "alpha", "f_cyt", "k_PMCA", "k_SERCA",
    "p_leak", "f_ER", "V_cyt_over_V_ER", "IP3", "d_act", "d_inact", "d_IP3",
    "r_a", "s_a", "tau_a", "I_app",
)
AUX_NAMES = ("I_Ca", "I_K", "I_KCa", "I_KATP", "J_SERCA", "J_leak", "J_IP3", "E_K")

V, N, CA, CA_ER, A_ATP = range(5)
(C_M, G_CA, G_K, G_KCA, G_KATP, V_CA, K_O, K_I, TEMP, V_M, S_M, V_N, S_N, TAU_N, K_D, ALPHA,
 F_CYT, K_PMCA, K_SERCA, P_LEAK, F_ER, VOL_RATIO, IP3, D_ACT, D_INACT, D_IP3, R_A, S_A, TAU_A,
 I_APP) = range(30)

#: Derived parameter (see :mod:`biophys.kernels.protocol`), computed once per cell per run
#: instead of at every step: the Nernst E_K (mV).
DERIVED_NAMES = ("E_K",)
EK = len(PARAM_NAMES)


@jit
def derive(P, c):
    """The Nernst ``E_K`` of cell ``c`` (mV) into row ``EK``."""
    P[EK, c] = nernst(1.0, P[K_O, c], P[K_I, c], P[TEMP, c])


@jit
def kca_activation(c, k_d):
    """Fraction of K(Ca) channels activated by cytosolic Ca2+, c^5/(c^5 + K_d^5)."""
    c5 = c * c * c * c * c
    k5 = k_d * k_d * k_d * k_d * k_d
    return c5 / (c5 + k5)


@jit
def ip3r_open(c, ip3, d_act, d_inact, d_ip3):
    """Open fraction of IP3 receptors (zero when IP3 = 0)."""
    if ip3 == 0.0:
        return 0.0
    return (c / (d_act + c)) * (ip3 / (d_ip3 + ip3)) * (d_inact / (d_inact + c))


@jit
def rates(Y, P, c, t, I_ext, A, B):
    v = Y[V, c]
    n = Y[N, c]
    ca = Y[CA, c]
    cer = Y[CA_ER, c]
    a = Y[A_ATP, c]
    e_k = P[EK, c]
    m_inf = 1.0 / (1.0 + fm.exp((P[V_M, c] - v) / P[S_M, c]))
    g_ca = P[G_CA, c] * m_inf
    g_kk = P[G_K, c] * n + P[G_KCA, c] * kca_activation(ca, P[K_D, c]) + P[G_KATP, c] * a
    cm = P[C_M, c]
    A[V, c] = (g_ca * P[V_CA, c] + g_kk * e_k + P[I_APP, c] + I_ext) / cm
    B[V, c] = (g_ca + g_kk) / cm
    n_inf = 1.0 / (1.0 + fm.exp((P[V_N, c] - v) / P[S_N, c]))
    A[N, c] = n_inf / P[TAU_N, c]
    B[N, c] = 1.0 / P[TAU_N, c]
    # cytosolic Ca2+: linear removal (PMCA, SERCA, leak back-flux) in B, the rest in A
    i_ca = g_ca * (v - P[V_CA, c])
    p_leak = P[P_LEAK, c]
    j_ip3 = ip3r_open(ca, P[IP3, c], P[D_ACT, c], P[D_INACT, c], P[D_IP3, c]) * (cer - ca)
    f_cyt = P[F_CYT, c]
    A[CA, c] = f_cyt * (-P[ALPHA, c] * i_ca + p_leak * cer + j_ip3)
    B[CA, c] = f_cyt * (P[K_PMCA, c] + P[K_SERCA, c] + p_leak)
    # ER Ca2+: dc_ER/dt = -f_ER (V_cyt/V_ER) (p_leak (c_ER - c) + J_IP3 - k_SERCA c)
    s = P[F_ER, c] * P[VOL_RATIO, c]
    A[CA_ER, c] = s * (p_leak * ca + P[K_SERCA, c] * ca - j_ip3)
    B[CA_ER, c] = s * p_leak
    a_inf = 1.0 / (1.0 + fm.exp((P[R_A, c] - ca) / P[S_A, c]))
    A[A_ATP, c] = a_inf / P[TAU_A, c]
    B[A_ATP, c] = 1.0 / P[TAU_A, c]


@jit
def aux(Y, P, c, t, I_ext, OUT):
    v = Y[V, c]
    ca = Y[CA, c]
    cer = Y[CA_ER, c]
    e_k = P[EK, c]
    m_inf = 1.0 / (1.0 + fm.exp((P[V_M, c] - v) / P[S_M, c]))
    OUT[0, c] = P[G_CA, c] * m_inf * (v - P[V_CA, c])
    OUT[1, c] = P[G_K, c] * Y[N, c] * (v - e_k)
    OUT[2, c] = P[G_KCA, c] * kca_activation(ca, P[K_D, c]) * (v - e_k)
    OUT[3, c] = P[G_KATP, c] * Y[A_ATP, c] * (v - e_k)
    OUT[4, c] = P[K_SERCA, c] * ca
    OUT[5, c] = P[P_LEAK, c] * (cer - ca)
    OUT[6, c] = ip3r_open(ca, P[IP3, c], P[D_ACT, c], P[D_INACT, c], P[D_IP3, c]) * (cer - ca)
    OUT[7, c] = e_k
