"""Independent NumPy/SciPy implementation of the Hodgkin-Huxley 1952 equations for tests.

Written from the paper's equations (modern sign convention), sharing no code with biophys, and
solved with scipy's LSODA at tight tolerance.
"""

import math

import numpy as np
from scipy.integrate import solve_ivp

G_NA, G_K, G_L = 120.0, 36.0, 0.3
E_NA, E_K, E_L = 50.0, -77.0, -54.387
C_M = 1.0


def _vt(u):
    """u / (1 - exp(-u)) with the limit 1 at u = 0."""
    return 1.0 if u == 0.0 else u / -math.expm1(-u)


def rates(v):
    am = 1.0 * _vt((v + 40.0) / 10.0)
    bm = 4.0 * math.exp(-(v + 65.0) / 18.0)
    ah = 0.07 * math.exp(-(v + 65.0) / 20.0)
    bh = 1.0 / (1.0 + math.exp(-(v + 35.0) / 10.0))
    an = 0.1 * _vt((v + 55.0) / 10.0)
    bn = 0.125 * math.exp(-(v + 65.0) / 80.0)
    return am, bm, ah, bh, an, bn


def steady_state(v=-65.0):
    am, bm, ah, bh, an, bn = rates(v)
    return np.array([v, am / (am + bm), ah / (ah + bh), an / (an + bn)])


def rhs_factory(current):
    def rhs(t, y):
        v, m, h, n = y
        am, bm, ah, bh, an, bn = rates(v)
        i_ion = G_NA * m**3 * h * (v - E_NA) + G_K * n**4 * (v - E_K) + G_L * (v - E_L)
        return [
            (current(t) - i_ion) / C_M,
            am * (1 - m) - bm * m,
            ah * (1 - h) - bh * h,
            an * (1 - n) - bn * n,
        ]

    return rhs


def solve(current, t_end, y0=None, max_step=0.05, t_eval=None, rtol=1e-9, atol=1e-11):
    """LSODA solution; ``current(t)`` in uA/cm^2."""
    y0 = steady_state() if y0 is None else y0
    return solve_ivp(rhs_factory(current), (0.0, t_end), y0, method="LSODA", rtol=rtol,
                     atol=atol, max_step=max_step, t_eval=t_eval, dense_output=t_eval is None)


def pulse(amplitude, start, duration):
    return lambda t: amplitude if start <= t < start + duration else 0.0


def spike_times(t, v, threshold=0.0):
    up = np.nonzero((v[:-1] < threshold) & (v[1:] >= threshold))[0]
    return t[up] + (threshold - v[up]) * (t[up + 1] - t[up]) / (v[up + 1] - v[up])
