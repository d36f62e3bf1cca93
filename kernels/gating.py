"""Hodgkin-Huxley gating helpers: removable singularities, alpha/beta and inf/tau forms, Q10,
and the Rush-Larsen (exponential) gate update.

All functions are scalar ``@njit`` kernels; voltages in mV, times in ms, rates in 1/ms. The
exponentials are the vectorisable ones of :mod:`biophys.kernels.fastmath` (within 2 ulp), so
these helpers do not stop LLVM from vectorising the driver's loop over cells.
"""

from . import fastmath as fm
from ._jit import jit


@jit
def exprel(x):
    """``x / (exp(x) - 1)`` with the limit 1 at x = 0: :func:`.fastmath.exprel`.

    Within 3 ulp for x below 709.78 (where e^x overflows); above it the result is 0, where the
    exact value, x e^-x, is below 3.95e-306.

    HH rates of the form ``a (V - V0) / (1 - exp(-(V - V0)/k))`` equal
    ``a k exprel(-(V - V0)/k)``.
    """
    return fm.exprel(x)


@jit
def boltzmann(V, V_half, k):
    """Steady-state ``1 / (1 + exp(-(V - V_half)/k))``; k > 0 activates with depolarisation."""
    return 1.0 / (1.0 + fm.exp(-(V - V_half) / k))


@jit
def inf_from_rates(alpha, beta):
    """Steady state ``alpha / (alpha + beta)`` of a two-state gate (dimensionless)."""
    return alpha / (alpha + beta)


@jit
def tau_from_rates(alpha, beta):
    """Time constant ``1 / (alpha + beta)``, ms (rates in 1/ms)."""
    return 1.0 / (alpha + beta)


@jit
def q10_factor(q10, temperature_C, reference_C):
    """Rate factor ``q10 ** ((T - T_ref) / 10)`` (q10 > 0; exactly 1 at T = T_ref)."""
    return fm.exp(fm.log(q10) * ((temperature_C - reference_C) / 10.0))


@jit
def rush_larsen(x, x_inf, tau, dt):
    """Advance a gate ``dx/dt = (x_inf - x)/tau`` exactly over ``dt`` (Rush & Larsen 1978).

    Written as ``x + (x_inf - x) (1 - exp(-dt/tau))`` with ``expm1`` so that it stays accurate
    when ``dt << tau``; the result stays in [min(x, x_inf), max(x, x_inf)].
    """
    return x + (x_inf - x) * (-fm.expm1(-dt / tau))


@jit
def rush_larsen_rates(x, alpha, beta, dt):
    """Rush-Larsen update of a gate given in alpha/beta form (rates in 1/ms)."""
    s = alpha + beta
    return x + (alpha / s - x) * (-fm.expm1(-dt * s))
