"""Test cell for charge conservation (built here; not a published model; not registered).

A spherical-compartment cell with GHK Na+ and K+ leak currents, the Na+/K+-ATPase
(:func:`biophys.kernels.nak_pump.nak_cycle_rate`) and tracked Na_i, K_i
(:func:`biophys.kernels.ion_balance.dconc_dt`). Every membrane current is carried by a tracked
ion, so ``C_m V - q (Na_i + K_i)`` is an exact invariant of the ODEs (``q`` = charge per mM,
:func:`biophys.kernels.ion_balance.charge_per_mM_density`).

``B_mode`` selects the quasi-linear split handed to the integrator:
0: ``B = 0`` for every state (forward-Euler-like steps; the invariant is kept to rounding);
1: V gets a positive ``B`` (GHK chord-like slope) and Na_i, K_i share it (kept to rounding);
2: V gets that ``B`` but the ions ``B = 0`` (a deliberately non-conserving discretisation,
used to show that the conservation check can fail).
Units: mV, ms, uA/cm^2, uF/cm^2, mM, cm/s, um^2, um^3.
"""

from .._jit import jit
from ..constants import FARADAY, thermal_voltage
from ..ghk import ghk_current
from ..ion_balance import dconc_dt
from ..nak_pump import nak_cycle_rate

STATE_NAMES = ("V", "Na_i", "K_i")
PARAM_NAMES = ("C_m", "P_Na", "P_K", "Na_o", "K_o", "MgATP", "MgADP", "Pi", "pH",
               "pump_amplitude", "area", "volume", "temperature", "I_app", "B_mode")
AUX_NAMES = ("I_Na", "I_K", "I_NaK", "I_ion")

V, NA, K = 0, 1, 2
(C_M, P_NA, P_K, NA_O, K_O, MGATP, MGADP, PI, PH, AMP, AREA, VOL, TEMP, I_APP,
 B_MODE) = range(15)


@jit
def currents(Y, P, c):
    """(I_Na, I_K, I_NaK), uA/cm^2, outward positive."""
    v = Y[V, c]
    t = P[TEMP, c]
    i_na = ghk_current(P[P_NA, c], 1.0, v, Y[NA, c], P[NA_O, c], t)
    i_k = ghk_current(P[P_K, c], 1.0, v, Y[K, c], P[K_O, c], t)
    h = 10.0 ** (3.0 - P[PH, c])
    rate = nak_cycle_rate(v, Y[NA, c], P[NA_O, c], Y[K, c], P[K_O, c], P[MGATP, c],
                          P[MGADP, c], P[PI, c], h, t)
    return i_na, i_k, P[AMP, c] * rate


@jit
def rates(Y, P, c, t, I_ext, A, B):
    i_na, i_k, i_nak = currents(Y, P, c)
    cm = P[C_M, c]
    f_v = (-(i_na + i_k + i_nak) + P[I_APP, c] + I_ext) / cm
    f_na = dconc_dt(i_na + 3.0 * i_nak, 1.0, P[AREA, c], P[VOL, c], 1.0)
    f_k = dconc_dt(i_k - 2.0 * i_nak, 1.0, P[AREA, c], P[VOL, c], 1.0)
    mode = P[B_MODE, c]
    b = 0.0
    if mode > 0.5:
        vt = thermal_voltage(P[TEMP, c])
        g = FARADAY * (P[P_NA, c] * (Y[NA, c] + P[NA_O, c])
                              + P[P_K, c] * (Y[K, c] + P[K_O, c])) / (2.0 * vt)
        b = g / cm
    A[V, c] = f_v + b * Y[V, c]
    B[V, c] = b
    b_ion = b if mode < 1.5 else 0.0
    A[NA, c] = f_na + b_ion * Y[NA, c]
    B[NA, c] = b_ion
    A[K, c] = f_k + b_ion * Y[K, c]
    B[K, c] = b_ion


@jit
def aux(Y, P, c, t, I_ext, OUT):
    i_na, i_k, i_nak = currents(Y, P, c)
    OUT[0, c] = i_na
    OUT[1, c] = i_k
    OUT[2, c] = i_nak
    OUT[3, c] = i_na + i_k + i_nak
