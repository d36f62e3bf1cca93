"""Goldman-Hodgkin-Katz (constant-field) flux, current and voltage equations.

With ``x = z F V / (R T)`` the GHK current density is

    I = P z F x (c_i - c_o e^{-x}) / (1 - e^{-x}) = P z F [c_i g(x) - c_o g(-x)],

where ``g(x) = x / (1 - e^{-x}) = x / (-expm1(-x))``. Written this way each term keeps full
relative precision for every V: ``expm1`` removes the cancellation near V = 0, where the exact
limit ``g(0) = 1`` is used (V is never nudged), and ``g(-x) = x / expm1(x)`` is evaluated
directly (forming ``e^{-x}`` as ``1 + expm1(-x)`` would cancel for large x). ``expm1`` is the
vectorisable one of :mod:`biophys.kernels.fastmath` (branch-free selects instead of early
returns), so these kernels do not stop the driver's loop over cells from vectorising.

Units: V in mV, concentrations in mM, permeability P in cm/s, current density in uA/cm^2
(P [cm/s] * F [C/mol] * c [mM = 1e-6 mol/cm^3] gives 1e-6 A/cm^2), temperature in degrees C.

References
----------
Goldman DE (1943) J Gen Physiol 27:37. Hodgkin AL, Katz B (1949) J Physiol 108:37.
"""


from . import fastmath as fm
from ._jit import jit
from .constants import FARADAY, thermal_voltage


@jit
def ghk_g(x):
    """``x / (1 - exp(-x))`` within 3 ulp for x above -709.78, exactly 1 at x = 0.

    The same arithmetic as ``fastmath.exprel(-x)`` (the negations are exact), so the accuracy
    is the one tested for ``exprel`` in ``tests/test_performance_fastmath.py``.

    Below -709.78 (where e^-x overflows; V below -18 V for z = 1 at 37 C) the result is 0,
    where the exact value, |x| e^x, is below 3.95e-306.
    """
    em = fm.expm1(-x)
    em = -1.0 if x == 0.0 else em  # 0/0 is never evaluated (no invalid-operation flag)
    return 1.0 if x == 0.0 else x / (-em)


@jit
def ghk_driving(z, V, c_in, c_out, temperature_C):
    """Constant-field driving concentration ``c_i g(x) - c_o g(-x)``, mM.

    This is the factor the Kyoto models (e.g. Cha et al. 2011) call ``CF``: the GHK current
    divided by ``P z F``. It equals ``c_i - c_o`` at V = 0 and vanishes at the Nernst potential.
    """
    x = z * V / thermal_voltage(temperature_C)
    # c_i g(x) - c_o g(-x), each factor from its own expm1: no cancellation for any x (forming
    # e^{-x} as 1 + expm1(-x) would cancel for large x); selects instead of an early return
    em_neg = fm.expm1(-x)
    em_pos = fm.expm1(x)
    em_neg = -1.0 if x == 0.0 else em_neg  # 0/0 is never evaluated (no invalid-operation flag)
    em_pos = 1.0 if x == 0.0 else em_pos
    d = c_in * (x / -em_neg) - c_out * (x / em_pos)
    return c_in - c_out if x == 0.0 else d


@jit
def ghk_current(P, z, V, c_in, c_out, temperature_C):
    """GHK current density, uA/cm^2 (outward positive).

    Parameters
    ----------
    P : float
        Permeability, cm/s.
    z : float
        Valence (non-zero).
    V : float
        Membrane potential, mV.
    c_in, c_out : float
        Intracellular and extracellular concentration, mM.
    temperature_C : float
        Temperature, degrees C.
    """
    return P * z * FARADAY * ghk_driving(z, V, c_in, c_out, temperature_C)


@jit
def ghk_flux(P, z, V, c_in, c_out, temperature_C):
    """Outward GHK molar flux density, nmol/(cm^2 s) (P in cm/s, concentrations in mM)."""
    return 1.0e3 * P * ghk_driving(z, V, c_in, c_out, temperature_C)


@jit
def ghk_voltage(P_K, P_Na, P_Cl, K_o, K_i, Na_o, Na_i, Cl_o, Cl_i, temperature_C):
    """GHK voltage equation for K+, Na+ and Cl-, mV (permeabilities in any common unit)."""
    num = P_K * K_o + P_Na * Na_o + P_Cl * Cl_i
    den = P_K * K_i + P_Na * Na_i + P_Cl * Cl_o
    return thermal_voltage(temperature_C) * fm.log(num / den)
