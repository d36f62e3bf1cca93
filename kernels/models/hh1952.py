"""Hodgkin & Huxley (1952) squid giant axon, space-clamped, modern sign convention.

Rates are those of Hodgkin & Huxley (1952) J Physiol 117:500, eqs. 7-14 and 20-24, shifted so
that the paper's V = 0 (the axon's resting potential) is at -65 mV; with the published leak
reversal E_L = -54.387 mV the model itself rests at -64.9964 mV. Temperature enters through
``phi = 3^((T - 6.3)/10)``, a derived parameter (computed once per cell per run by
:func:`derive`, not at every step).
Membrane potential uses the exponential update with frozen conductances (exact for V given the
gates); the gates use Rush-Larsen. Exponentials are the vectorisable ones of
:mod:`biophys.kernels.fastmath`, so the driver's loop over cells runs in SIMD registers.
"""

from .._jit import jit
from ..fastmath import exp, expm1
from ..gating import exprel, q10_factor

STATE_NAMES = ("V", "m", "h", "n")
PARAM_NAMES = ("C_m", "g_Na", "g_K", "g_L", "E_Na", "E_K", "E_L", "I_app", "temperature")
AUX_NAMES = ("I_Na", "I_K", "I_L")

V, M, H, N = 0, 1, 2, 3
C_M, G_NA, G_K, G_L, E_NA, E_K, E_L, I_APP, TEMP = range(9)


#: Derived parameters (see :mod:`biophys.kernels.protocol`): the temperature factor of the rates
#: and the inverse capacitance, so that a step evaluates neither a power nor this division.
DERIVED_NAMES = ("phi", "inv_C_m")
PHI, INV_CM = len(PARAM_NAMES), len(PARAM_NAMES) + 1


@jit
def derive(P, c):
    """Rate factor ``phi = 3^((T - 6.3)/10)`` (1) and ``1/C_m`` (cm^2/uF) of cell ``c``, into
    rows ``PHI`` and ``INV_CM``."""
    P[PHI, c] = q10_factor(3.0, P[TEMP, c], 6.3)
    P[INV_CM, c] = 1.0 / P[C_M, c]


#: e^(1/2): exp(-(V + 35)/10) = exp(-(V + 40)/10) e^(1/2)
E_HALF = 1.6487212707001282


@jit
def gate_rates(V, phi):
    """HH 1952 rate constants (1/ms) at V (mV): (am, bm, ah, bh, an, bn).

    Written for speed (vectorisable, 4 exponentials instead of 6, no division by constants)
    but algebraically identical to the published forms given in the comments; every rate is
    within a few ulp of its direct evaluation.
    """
    x_m = -(V + 40.0) * 0.1
    em_m = expm1(x_m)
    am = phi * exprel(x_m)  # 0.1 (V+40) / (1 - exp(-(V+40)/10))
    u = -(V + 65.0)
    e_80 = exp(u * 0.0125)  # exp(-(V+65)/80)
    e_40 = e_80 * e_80
    bm = phi * 4.0 * exp(u * (1.0 / 18.0))  # 4 exp(-(V+65)/18)
    ah = phi * 0.07 * (e_40 * e_40)  # 0.07 exp(-(V+65)/20)
    bh = phi / (1.0 + (1.0 + em_m) * E_HALF)  # 1 / (1 + exp(-(V+35)/10))
    an = phi * 0.1 * exprel(-(V + 55.0) * 0.1)  # 0.01 (V+55) / (1 - exp(-(V+55)/10))
    bn = phi * 0.125 * e_80  # 0.125 exp(-(V+65)/80)
    return am, bm, ah, bh, an, bn


@jit
def rates_V(Y, P, c, t, I_ext, A, B):
    """Row ``V`` of :func:`rates` alone (the conductances at the current gates), for the
    ``staggered`` method."""
    m = Y[M, c]
    n2 = Y[N, c] * Y[N, c]
    g_na = P[G_NA, c] * m * m * m * Y[H, c]
    g_k = P[G_K, c] * n2 * n2
    g_l = P[G_L, c]
    inv_cm = P[INV_CM, c]
    A[V, c] = (g_na * P[E_NA, c] + g_k * P[E_K, c] + g_l * P[E_L, c] + P[I_APP, c] + I_ext) * inv_cm
    B[V, c] = (g_na + g_k + g_l) * inv_cm


@jit
def rates(Y, P, c, t, I_ext, A, B):
    am, bm, ah, bh, an, bn = gate_rates(Y[V, c], P[PHI, c])
    rates_V(Y, P, c, t, I_ext, A, B)
    A[M, c] = am
    B[M, c] = am + bm
    A[H, c] = ah
    B[H, c] = ah + bh
    A[N, c] = an
    B[N, c] = an + bn


@jit
def aux(Y, P, c, t, I_ext, OUT):
    v = Y[V, c]
    m = Y[M, c]
    n = Y[N, c]
    OUT[0, c] = P[G_NA, c] * m * m * m * Y[H, c] * (v - P[E_NA, c])
    OUT[1, c] = P[G_K, c] * n * n * n * n * (v - P[E_K, c])
    OUT[2, c] = P[G_L, c] * (v - P[E_L, c])
