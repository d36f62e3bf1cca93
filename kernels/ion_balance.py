"""Ion bookkeeping: concentration derivatives from membrane currents, charge-conserving.

A current ``I`` carried by an ion of valence ``z`` (outward positive, the membrane
convention) changes the free intracellular concentration at the rate

    dc_i/dt = -beta I A / (z F vol)

with ``A`` the membrane area, ``vol`` the compartment (accessible cytosolic) volume and
``beta`` the buffer factor (fraction of the ion's total change that stays free: 1 without
buffering, e.g. 0.01 for Ca2+ in Cha et al. 2011 ``fi``; see :func:`rapid_buffer_factor`).
For an extracellular or luminal compartment that the current flows into, use the opposite
sign (``-dconc_dt``).

Two unit conventions are supported (every function says which):

* density models: I in uA/cm^2, area in um^2, volume in um^3 (= fL), giving mM/ms:
  ``dc/dt = -10 beta I A / (z F vol)`` since 1 uA/cm^2 * 1 um^2 = 1e-14 A and 1 um^3 = 1e-15 L.
* whole-cell (Kyoto-style) models: I in pA, volume in fL, giving mM/ms:
  ``dc/dt = -1000 beta I / (z F vol)``; for currents in pA/pF multiply by the capacitance (pF).

Exact conservation under the exponential integrators. The invariant
``Q = C V - sum_ion q_ion z_ion c_ion`` (``q_ion`` from :func:`charge_per_mM_density` or
:func:`charge_per_mM_pA`, divided by beta for buffered ions) is conserved by the ODEs when
every current is carried by a tracked ion. The drivers update every state as
``y += h (A - B y) phi1(-B h)``; ``Q`` is then conserved to rounding at every step when all
tracked concentrations use the same ``B`` as V (both 0, i.e. forward Euler, or both the V
value), because each increment is then ``h phi1(-B h)`` times a conserved combination of
right-hand sides. :func:`quasi_linear_like` writes a concentration's right-hand side ``f``
with a prescribed ``B`` (``A = f + B c``) for that purpose.
"""

from ._jit import jit
from .constants import FARADAY


@jit
def dconc_dt(I, z, area_um2, volume_um3, buffer_factor):
    """Rate of change of a free intracellular concentration from a current density, mM/ms.

    Parameters
    ----------
    I : float
        Current density carried by the ion, uA/cm^2 (outward positive).
    z : float
        Valence of the ion (non-zero).
    area_um2 : float
        Membrane area, um^2.
    volume_um3 : float
        Compartment volume, um^3 (= fL).
    buffer_factor : float
        Fraction of the change that stays free (1 = unbuffered).
    """
    return -10.0 * buffer_factor * I * area_um2 / (z * FARADAY * volume_um3)


@jit
def dconc_dt_pA(I, z, volume_fL, buffer_factor):
    """Rate of change of a free intracellular concentration from a whole-cell current, mM/ms.

    ``I`` in pA (outward positive), ``volume_fL`` in fL; other arguments as
    :func:`dconc_dt`.
    """
    return -1000.0 * buffer_factor * I / (z * FARADAY * volume_fL)


@jit
def charge_per_mM_density(area_um2, volume_um3):
    """Membrane charge per mM of a monovalent ion in the compartment, (uA/cm^2) ms = nC/cm^2.

    ``F vol / (10 A)``: a 1 mM loss of a monovalent cation from ``volume_um3`` through
    ``area_um2`` of membrane moves this much charge per cm^2 of membrane.
    """
    return FARADAY * volume_um3 / (10.0 * area_um2)


@jit
def charge_per_mM_pA(volume_fL):
    """Charge per mM of a monovalent ion in ``volume_fL`` (fL), pA ms = fC: ``F vol / 1000``."""
    return FARADAY * volume_fL / 1000.0


@jit
def rapid_buffer_factor(c, B_total, K_D):
    """Free fraction of an ion's change with a rapid (equilibrium) buffer, dimensionless.

    ``1 / (1 + B_total K_D / (K_D + c)^2)`` (Wagner & Keizer 1994 Biophys J 67:447); ``c``,
    ``B_total``, ``K_D`` in one concentration unit.
    """
    d = K_D + c
    return 1.0 / (1.0 + B_total * K_D / (d * d))


@jit
def quasi_linear_like(f, y, B):
    """Return ``(A, B)`` with ``A - B y = f``: the protocol's quasi-linear form of ``dy/dt = f``
    with a prescribed ``B >= 0`` (e.g. the V equation's B for exact charge conservation)."""
    return f + B * y, B
