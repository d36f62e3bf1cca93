"""Chay & Keizer (1983) minimal model of the bursting pancreatic beta-cell.

Transcribed from the Bertram lab's XPP file ``Models/ChayKeizer/ck.ode``
(github.com/artielbm/artielbm.github.io), which implements Chay TR, Keizer J (1983)
Biophys J 42:181-190. Units as in that file: V in mV, t in ms, conductances in mS/cm^2,
currents in uA/cm^2, capacitance in uF/cm^2, Ca_i in uM, cell radius in cm.

Equations (currents written outward-positive here; the file writes them inward-positive)::

    I_Ca  = g_Ca m^3 h (V - V_Ca)           HH-type Ca2+ current, gates shifted by V' (V_shift_Ca)
    I_K   = g_K n^4 (V - E_K)               delayed rectifier, gate shifted by V* (V_shift_K)
    I_KCa = g_KCa Ca_i/(Ca_i + K_d) (V - E_K)
    I_L   = g_L (V - V_L)
    C_m dV/dt = I_app + I_ext - 2 I_Ca - I_K - I_KCa - I_L      (factor 2 on I_Ca as in ck.ode)
    dCa_i/dt  = f (-3 I_Ca / (r F) - k_Ca Ca_i)
    dx/dt     = phi (alpha_x (1 - x) - beta_x x),  phi = 3^((T - 6.3)/10),  x = m, h, n

Difference from the file: the file fixes V_K = -75 mV; here ``E_K`` is the Nernst potential
of K_o/K_i at the model temperature, and the declaration chooses K_i so that E_K = -75 mV
exactly at the default K_o (see ``biophys.models.chay_keizer_1983``).

The alpha functions of m and n have removable singularities at V = -25 mV and V = -20 mV;
they are written with ``exprel`` (within 3 ulp there, and exactly the limit at them).
"""

from .. import fastmath as fm
from .._jit import jit
from ..constants import nernst
from ..gating import exprel, q10_factor

STATE_NAMES = ("V", "Ca_i", "m", "h", "n")
PARAM_NAMES = (
    "C_m", "g_Ca", "g_K", "g_KCa", "g_L", "V_Ca", "V_L", "K_o", "K_i", "temperature",
    "V_shift_Ca", "V_shift_K", "r_cell", "f_Ca", "K_d", "k_Ca", "I_app",
)
AUX_NAMES = ("I_Ca", "I_K", "I_KCa", "I_L", "E_K")

V, CA, M, H, N = range(5)
(C_M, G_CA, G_K, G_KCA, G_L, V_CA, V_L, K_O, K_I, TEMP, V_SHIFT_CA, V_SHIFT_K, R_CELL, F_CA,
 K_D, K_CA, I_APP) = range(17)

#: Faraday constant used in ck.ode (parameter ``fara``), C/mol. Kept at the file's value
#: rather than CODATA (96485.33) so that the port reproduces the published file.
FARADAY_CK = 96487.0


#: Derived parameters (see :mod:`biophys.kernels.protocol`), computed once per cell per run
#: instead of at every step: the rate factor phi (1) and E_K (mV).
DERIVED_NAMES = ("phi", "E_K")
PHI, EK = len(PARAM_NAMES), len(PARAM_NAMES) + 1


@jit
def derive(P, c):
    """``phi = 3^((T - 6.3)/10)`` and the Nernst ``E_K`` of cell ``c`` into rows ``PHI``, ``EK``."""
    P[PHI, c] = q10_factor(3.0, P[TEMP, c], 6.3)
    P[EK, c] = nernst(1.0, P[K_O, c], P[K_I, c], P[TEMP, c])


@jit
def gate_rates(V, v_shift_ca, v_shift_k, phi):
    """Rate constants (1/ms) of the m, h (Ca2+ channel) and n (K+ channel) gates at V (mV).

    Returns ``(am, bm, ah, bh, an, bn)``, already multiplied by the temperature factor phi.
    """
    u = V + v_shift_ca
    am = exprel(-(u - 25.0) / 10.0)  # -0.1 (u - 25) / (exp(-(u - 25)/10) - 1)
    bm = 4.0 * fm.exp(-u / 18.0)
    ah = 0.07 * fm.exp(-u / 20.0)
    bh = 1.0 / (fm.exp(-(u - 30.0) / 10.0) + 1.0)
    w = V + v_shift_k
    an = 0.1 * exprel(-(w - 10.0) / 10.0)  # -0.01 (w - 10) / (exp(-(w - 10)/10) - 1)
    bn = 0.125 * fm.exp(-w / 80.0)
    return phi * am, phi * bm, phi * ah, phi * bh, phi * an, phi * bn


@jit
def rates(Y, P, c, t, I_ext, A, B):
    v = Y[V, c]
    ca = Y[CA, c]
    m = Y[M, c]
    h = Y[H, c]
    n = Y[N, c]
    phi = P[PHI, c]
    am, bm, ah, bh, an, bn = gate_rates(v, P[V_SHIFT_CA, c], P[V_SHIFT_K, c], phi)
    e_k = P[EK, c]
    g_ca = P[G_CA, c] * m * m * m * h
    n2 = n * n
    g_k = P[G_K, c] * n2 * n2
    g_kca = P[G_KCA, c] * ca / (ca + P[K_D, c])
    g_l = P[G_L, c]
    cm = P[C_M, c]
    A[V, c] = (2.0 * g_ca * P[V_CA, c] + (g_k + g_kca) * e_k + g_l * P[V_L, c]
               + P[I_APP, c] + I_ext) / cm
    B[V, c] = (2.0 * g_ca + g_k + g_kca + g_l) / cm
    # Ca2+ balance: influx from the (inward-positive) Ca2+ current, first-order removal
    i_ca_in = g_ca * (P[V_CA, c] - v)
    f = P[F_CA, c]
    A[CA, c] = f * 3.0 * i_ca_in / (P[R_CELL, c] * FARADAY_CK)
    B[CA, c] = f * P[K_CA, c]
    A[M, c] = am
    B[M, c] = am + bm
    A[H, c] = ah
    B[H, c] = ah + bh
    A[N, c] = an
    B[N, c] = an + bn


@jit
def aux(Y, P, c, t, I_ext, OUT):
    v = Y[V, c]
    ca = Y[CA, c]
    m = Y[M, c]
    n = Y[N, c]
    e_k = P[EK, c]
    OUT[0, c] = P[G_CA, c] * m * m * m * Y[H, c] * (v - P[V_CA, c])
    OUT[1, c] = P[G_K, c] * n * n * n * n * (v - e_k)
    OUT[2, c] = P[G_KCA, c] * ca / (ca + P[K_D, c]) * (v - e_k)
    OUT[3, c] = P[G_L, c] * (v - P[V_L, c])
    OUT[4, c] = e_k
