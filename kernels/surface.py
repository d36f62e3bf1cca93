"""Divalent cations at the membrane surface: Gouy-Chapman-Grahame potential, gating shift,
and Woodhull pore block.

A fixed negative surface charge density ``sigma`` attracts cations; the potential at the
outer surface ``psi0`` satisfies the Grahame equation (Grahame 1947 Chem Rev 41:441;
McLaughlin 1989 Annu Rev Biophys Biophys Chem 18:113)::

    sigma^2 = 2 eps_r eps_0 R T sum_i c_i (exp(-z_i F psi0 / R T) - 1)

over every ion of the bath. The bath is ``monovalent`` mM of a 1:1 salt (e.g. NaCl + KCl:
``monovalent`` mM of cations and as many anions) plus ``Ca_o`` and ``Mg_o`` mM of divalent
chlorides (each adds twice its concentration of Cl-). Voltage sensors feel the transmembrane
field ``V - psi0``, so every gating curve shifts along V by ``psi0 - psi0_ref`` when the bath
changes (Frankenhaeuser & Hodgkin 1957 J Physiol 137:218; Hille B, *Ion Channels of
Excitable Membranes*, 3rd ed. 2001, ch. 20): raising a divalent cation makes ``psi0`` less
negative and shifts activation to more depolarised potentials.

Water permittivity is temperature dependent (Malmberg CG, Maryott AA (1956) J Res Natl Bur
Stand 56:1): ``eps_r = 87.740 - 0.40008 t + 9.398e-4 t^2 - 1.410e-6 t^3`` (t in C), 74.2 at
37 C. Default surface charge: ``DEFAULT_SIGMA = -1/120`` e per A^2, an order-of-magnitude value
chosen here: it is not a measurement for beta or zona glomerulosa cells, and no paper reporting
this number was checked. With it, raising Ca_o from 2 to 10 mM (150 mM salt, 1 mM Mg) shifts
gating by +9.9 mV at 20 C (+10.5 mV at 37 C), just below the 10-15 mV per 5-fold Ca_o change
attributed to Frankenhaeuser B, Hodgkin AL (1957) J Physiol 137:218-244 for squid axon (the
figure is not re-checked against the paper here). The match is one of size only: the squid
data were taken in sea water, and in a sea-water-like bath (470 mM 1:1 salt, 53 mM Mg, an
assumed composition) the same sigma gives only +4.0 mV for Ca_o 10 -> 50 mM at 20 C.

Units: concentrations mM (= mol/m^3), sigma in elementary charges per A^2 (negative for a
negative surface), temperature C, potentials mV.
"""

import math

from ._jit import jit
from .constants import (
    ELEMENTARY_CHARGE,
    GAS_CONSTANT,
    VACUUM_PERMITTIVITY,
    ZERO_CELSIUS,
    thermal_voltage,
)

#: Default surface charge density, e/A^2 (see module docstring).
DEFAULT_SIGMA = -1.0 / 120.0


@jit
def water_permittivity(T_C):
    """Relative permittivity of water at ``T_C`` (C), Malmberg & Maryott (1956), 0-100 C."""
    t = T_C
    return 87.740 - 0.40008 * t + 9.398e-4 * t * t - 1.410e-6 * t * t * t


@jit
def grahame_rhs(sigma, T_C):
    """``sigma^2 / (2 eps_r eps_0 R T)`` in mM, sigma in e/A^2."""
    s = sigma * ELEMENTARY_CHARGE * 1.0e20  # C/m^2
    rt = GAS_CONSTANT * (T_C + ZERO_CELSIUS)
    return s * s / (2.0 * water_permittivity(T_C) * VACUUM_PERMITTIVITY * rt)


#: Largest ``|u|`` at which :func:`_exp_m1_mu` sums its Taylor series (see there).
_SERIES_CUTOFF = 0.5


@jit
def _exp_m1_mu(u):
    """``E(u) = exp(u) - 1 - u`` without cancellation, for any finite ``u``.

    For ``|u| <= 0.5`` the Taylor series ``sum_{k=2}^{15} u^k / k!`` in nested (Horner) form
    ``(u^2/2) (1 + u/3 (1 + u/4 (... (1 + u/15))))``: the omitted tail, ``sum_{k>=16} |u|^k /
    k!``, is below ``8e-18 E(u)`` there (``E(u) >= 0.85 u^2/2`` for ``|u| <= 0.5``), under 0.1
    ulp. Above the cut-off ``expm1(u) - u``, where the subtraction magnifies the rounding of
    ``expm1`` by at most ``|expm1(u)| / E(u) <= 4.4`` (at u = 0.5): a few ulp. ``E(u) >= 0``
    for every u.
    """
    if abs(u) <= _SERIES_CUTOFF:
        p = 1.0
        for k in range(15, 2, -1):
            p = 1.0 + u * p / k
        return 0.5 * u * u * p
    return math.expm1(u) - u


@jit
def _grahame_g(x, c1, c2, ca, S):
    """Grahame residual at reduced potential ``x = F psi0/RT`` and its derivative ``dg/dx``.

    ``g = c1 (e^-x - 1) + c2 (e^-2x - 1) + ca (e^x - 1) - S`` with ``c1`` mM of monovalent
    cations, ``c2`` of divalent cations and ``ca = c1 + 2 c2`` of monovalent anions. The bath
    is electroneutral, so the linear terms ``(-c1 - 2 c2 + ca) x`` sum to zero and are dropped
    exactly: ``g = c1 E(-x) + c2 E(-2x) + ca E(x) - S`` with ``E(u) = e^u - 1 - u``
    (:func:`_exp_m1_mu`). Every ``E`` term is >= 0, so ``g + S`` keeps its relative accuracy
    as ``x -> 0`` (where it is O(x^2)), and psi0 keeps its own for a weak surface charge.
    """
    g = c1 * _exp_m1_mu(-x) + c2 * _exp_m1_mu(-2.0 * x) + ca * _exp_m1_mu(x) - S
    dg = -c1 * math.expm1(-x) - 2.0 * c2 * math.expm1(-2.0 * x) + ca * math.expm1(x)
    return g, dg


@jit
def _reduced_screening(monovalent, divalent, sigma, T_C):
    """Reduced surface potential ``F psi0 / RT`` for pure screening (Newton, no allocation)."""
    if sigma == 0.0:
        return 0.0
    S = grahame_rhs(sigma, T_C)
    c1 = monovalent
    c2 = divalent
    ca = monovalent + 2.0 * divalent
    sgn = -1.0 if sigma < 0.0 else 1.0
    # 1:1 Gouy-Chapman solution with the dominant counter-ion concentration as a start; g is
    # convex with g(0) = -S < 0, so Newton from any point where g >= 0 on the correct side
    # decreases |x| monotonically to the root.
    cref = c1 + c2 if sigma < 0.0 else ca
    if cref <= 0.0:
        cref = 1e-300
    x = sgn * 2.0 * math.asinh(math.sqrt(S / (4.0 * cref)))
    for _ in range(200):
        g, _dg = _grahame_g(x, c1, c2, ca, S)
        if g >= 0.0:
            break
        x *= 2.0
    for _ in range(200):
        g, dg = _grahame_g(x, c1, c2, ca, S)
        if g == 0.0 or dg == 0.0:
            break
        x_new = x - g / dg
        if abs(x_new - x) <= 1e-15 * abs(x):
            x = x_new
            break
        x = x_new
    return x


@jit
def surface_potential(monovalent, Ca_o, Mg_o, sigma, T_C):
    """Outer surface potential by pure screening (Grahame equation), mV.

    Parameters
    ----------
    monovalent : float
        Total 1:1 salt of the bath, mM (cations; the same amount of anions is added).
    Ca_o, Mg_o : float
        Bath Ca2+ and Mg2+ (as chlorides), mM.
    sigma : float
        Surface charge density, elementary charges per A^2 (negative surface < 0).
    T_C : float
        Temperature, C.

    Returns
    -------
    float
        ``psi0``, mV (same sign as ``sigma``; 0 when sigma = 0).
    """
    x = _reduced_screening(monovalent, Ca_o + Mg_o, sigma, T_C)
    return x * thermal_voltage(T_C)


@jit
def surface_potential_binding(monovalent, Ca_o, Mg_o, sigma, T_C, K_Ca, K_Mg):
    """Surface potential with screening and specific binding of Ca2+ and Mg2+, mV.

    Binding neutralises charges (Gilbert & Ehrenstein 1969 Biophys J 9:447; McLaughlin et
    al. 1971 J Gen Physiol 58:667): ``sigma_eff = sigma / (1 + K_Ca [Ca]_s + K_Mg [Mg]_s)``
    with surface concentrations ``[X]_s = [X]_o exp(-2 F psi0 / RT)``; the Grahame equation
    is then solved for ``psi0`` with ``sigma_eff`` (safeguarded Newton on a bracket).
    Binding is applied to negative surfaces only (``sigma < 0``); otherwise this returns the
    screening result.

    Parameters
    ----------
    K_Ca, K_Mg : float
        Association constants of Ca2+ and Mg2+ with a surface site, 1/mM (0 = no binding).
    Other parameters as :func:`surface_potential`.
    """
    x_s = _reduced_screening(monovalent, Ca_o + Mg_o, sigma, T_C)
    b = K_Ca * Ca_o + K_Mg * Mg_o
    if b == 0.0 or sigma >= 0.0:
        return x_s * thermal_voltage(T_C)
    S0 = grahame_rhs(sigma, T_C)
    c1 = monovalent
    c2 = Ca_o + Mg_o
    ca = monovalent + 2.0 * c2
    # With y = -F psi0/RT >= 0, h(y) = g(-y) - S(-y) increases with y, h(0) < 0 and
    # h(y_s) >= 0 at the screening-only root y_s: bracketed Newton with bisection fallback.
    lo = 0.0
    hi = -x_s
    y = 0.5 * hi
    for _ in range(300):
        e2 = math.exp(2.0 * y)
        q = 1.0 + b * e2
        S = S0 / (q * q)
        dS_dy = -4.0 * S0 * b * e2 / (q * q * q)
        g, dg_dx = _grahame_g(-y, c1, c2, ca, 0.0)
        h = g - S
        dh = -dg_dx - dS_dy
        if h == 0.0:
            break
        if h < 0.0:
            lo = y
        else:
            hi = y
        y_new = y - h / dh if dh > 0.0 else 0.5 * (lo + hi)
        if not (lo <= y_new <= hi):
            y_new = 0.5 * (lo + hi)
        if abs(y_new - y) <= 1e-15 * y_new or hi - lo <= 1e-15 * hi:
            y = y_new
            break
        y = y_new
    return -y * thermal_voltage(T_C)


@jit
def gating_shift(monovalent, Ca_o, Mg_o, sigma, T_C, monovalent_ref, Ca_ref, Mg_ref):
    """Depolarising shift of voltage-dependent gating relative to a reference bath, mV.

    ``psi0(bath) - psi0(reference)`` by pure screening (:func:`surface_potential`): add it to
    every half-activation/inactivation voltage of the channels concerned. Zero at the
    reference; positive when divalent cations are raised on a negative surface.
    """
    return (surface_potential(monovalent, Ca_o, Mg_o, sigma, T_C)
            - surface_potential(monovalent_ref, Ca_ref, Mg_ref, sigma, T_C))


@jit
def gating_shift_binding(monovalent, Ca_o, Mg_o, sigma, T_C, monovalent_ref, Ca_ref, Mg_ref,
                         K_Ca, K_Mg):
    """As :func:`gating_shift` with specific binding (:func:`surface_potential_binding`), mV."""
    return (surface_potential_binding(monovalent, Ca_o, Mg_o, sigma, T_C, K_Ca, K_Mg)
            - surface_potential_binding(monovalent_ref, Ca_ref, Mg_ref, sigma, T_C, K_Ca, K_Mg))


@jit
def woodhull_block(V, Mg_o, K0, delta, z, T_C):
    """Unblocked fraction of a channel under voltage-dependent external pore block.

    Woodhull AM (1973) J Gen Physiol 61:687: an external blocker of valence ``z`` reaching a
    site at electrical distance ``delta`` from the outside has ``K_D(V) = K0 exp(z delta F V /
    R T)``, so block grows with hyperpolarisation; returns ``1 / (1 + Mg_o / K_D(V))``.

    Parameters
    ----------
    V : float
        Membrane potential, mV.
    Mg_o : float
        External blocker concentration, mM.
    K0 : float
        Dissociation constant at 0 mV, mM (> 0).
    delta : float
        Electrical distance of the site from the outside (0-1).
    z : float
        Blocker valence (2 for Mg2+).
    T_C : float
        Temperature, C.
    """
    kd = K0 * math.exp(z * delta * V / thermal_voltage(T_C))
    return 1.0 / (1.0 + Mg_o / kd)
