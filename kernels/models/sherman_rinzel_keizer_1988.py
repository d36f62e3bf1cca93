"""Sherman, Rinzel & Keizer (1988) single-cell beta-cell burster.

Transcribed from the Bertram lab's XPP file ``Models/SRK/srk.ode``
(github.com/artielbm/artielbm.github.io), the single-cell model of Sherman A, Rinzel J,
Keizer J (1988) Biophys J 54:411-425 (their Fig. 5). Units as in that file: V in mV, t in ms,
conductances in pS, currents in fA, capacitance in fF, Ca_i in uM.

Equations (currents outward positive)::

    I_Ca  = g_Ca m_inf(V) h_inf(V) (V - V_Ca)     instantaneous activation and inactivation
    I_K   = g_K n (V - E_K)
    I_KCa = g_KCa Ca_i / (K_d + Ca_i) (V - E_K)
    C_m dV/dt = I_app + I_ext - I_Ca - I_K - I_KCa
    dn/dt     = lambda (n_inf(V) - n) / tau_n(V)
    tau_n     = c / (exp((V - V_bar)/a) + exp((V_bar - V)/b))
    dCa_i/dt  = f (-alpha I_Ca - k_Ca Ca_i)

Differences from the file: V_K (fixed at -75 mV there) is the Nernst potential ``E_K`` of
K_o/K_i (the declaration's defaults give E_K = -75 mV exactly); the file's 10 fA kick during
the first 50 ms (``ibar``, ``ttest``) is a protocol, available as a stimulus, not built in.
"""

from .. import fastmath as fm
from .._jit import jit
from ..constants import nernst

STATE_NAMES = ("V", "n", "Ca_i")
PARAM_NAMES = (
    "C_m", "g_Ca", "g_K", "g_KCa", "V_Ca", "K_o", "K_i", "temperature",
    "V_m", "s_m", "V_h", "s_h", "V_n", "s_n", "lambda_n", "V_bar", "a_n", "b_n", "c_n",
    "f_Ca", "alpha", "k_Ca", "K_d", "I_app",
)
AUX_NAMES = ("I_Ca", "I_K", "I_KCa", "E_K")

V, N, CA = range(3)
(C_M, G_CA, G_K, G_KCA, V_CA, K_O, K_I, TEMP, V_M, S_M, V_H, S_H, V_N, S_N, LAMBDA_N, V_BAR,
 A_N, B_N, C_N, F_CA, ALPHA, K_CA, K_D, I_APP) = range(24)

#: Derived parameter (see :mod:`biophys.kernels.protocol`), computed once per cell per run
#: instead of at every step: the Nernst E_K (mV).
DERIVED_NAMES = ("E_K",)
EK = len(PARAM_NAMES)


@jit
def derive(P, c):
    """The Nernst ``E_K`` of cell ``c`` (mV) into row ``EK``."""
    P[EK, c] = nernst(1.0, P[K_O, c], P[K_I, c], P[TEMP, c])


@jit
def ca_gating(V, v_m, s_m, v_h, s_h):
    """Instantaneous activation times inactivation of the Ca2+ current (dimensionless)."""
    m_inf = 1.0 / (1.0 + fm.exp((v_m - V) / s_m))
    h_inf = 1.0 / (1.0 + fm.exp((V - v_h) / s_h))
    return m_inf * h_inf


@jit
def rates(Y, P, c, t, I_ext, A, B):
    v = Y[V, c]
    n = Y[N, c]
    ca = Y[CA, c]
    e_k = P[EK, c]
    g_ca = P[G_CA, c] * ca_gating(v, P[V_M, c], P[S_M, c], P[V_H, c], P[S_H, c])
    g_k = P[G_K, c] * n
    g_kca = P[G_KCA, c] * ca / (P[K_D, c] + ca)
    cm = P[C_M, c]
    A[V, c] = (g_ca * P[V_CA, c] + (g_k + g_kca) * e_k + P[I_APP, c] + I_ext) / cm
    B[V, c] = (g_ca + g_k + g_kca) / cm
    n_inf = 1.0 / (1.0 + fm.exp((P[V_N, c] - v) / P[S_N, c]))
    vb = P[V_BAR, c]
    tau_n = P[C_N, c] / (fm.exp((v - vb) / P[A_N, c]) + fm.exp((vb - v) / P[B_N, c]))
    k_n = P[LAMBDA_N, c] / tau_n
    A[N, c] = k_n * n_inf
    B[N, c] = k_n
    i_ca = g_ca * (v - P[V_CA, c])
    A[CA, c] = -P[F_CA, c] * P[ALPHA, c] * i_ca
    B[CA, c] = P[F_CA, c] * P[K_CA, c]


@jit
def aux(Y, P, c, t, I_ext, OUT):
    v = Y[V, c]
    ca = Y[CA, c]
    e_k = P[EK, c]
    g_ca = P[G_CA, c] * ca_gating(v, P[V_M, c], P[S_M, c], P[V_H, c], P[S_H, c])
    OUT[0, c] = g_ca * (v - P[V_CA, c])
    OUT[1, c] = P[G_K, c] * Y[N, c] * (v - e_k)
    OUT[2, c] = P[G_KCA, c] * ca / (P[K_D, c] + ca) * (v - e_k)
    OUT[3, c] = e_k
