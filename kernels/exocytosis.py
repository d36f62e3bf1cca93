"""Granule exocytosis of the beta cell (Chen, Wang & Sherman 2008), as embeddable components.

Chen YD, Wang S, Sherman A (2008) Biophys J 95:2226-2241. Equations and numbers are those of
the authors' XPP files ``Models/Chen08/*.ode`` (Bertram-lab repository
``artielbm/artielbm.github.io``); this is an independent re-implementation.

Any model kernel can embed the granule model and drive it with its own Ca2+ current. The
components write the quasi-linear right-hand side ``dy/dt = A - B*y`` (see
:mod:`biophys.kernels.protocol`) straight into the host's ``A``/``B`` arrays, always **per ms**.

Units
-----
Time ms (kernels); concentrations uM; fluxes ``J`` in uM/ms; currents in pA (inward
negative); volumes in L. Parameters are declared in the units of the published files
(rates per s, pump fluxes in uM/s) and converted here with ``MS_PER_S = 1e-3``.

Layout convention (offsets)
---------------------------
The components read states from ``Y[s0 + k, c]`` and parameters from ``P[p0 + k, c]``: a host
lists the names below *contiguously and in this order* in its ``STATE_NAMES`` /
``PARAM_NAMES`` and passes the offset of the first one. Only the order matters; a host may
prefix the names (``"exo_k1"``) to avoid clashes.

``GRANULE_STATE_NAMES`` = N1, N2, N3, N4 (primed granules next to Ca2+ channels with 0..3 Ca2+
bound to the sensor; N1 is the immediately releasable pool, IRP), N5 (primed, not yet in a
microdomain), N6 (docked, unprimed reserve), NF (fused), NR (releasing), SE (secreted,
cumulative), fused_total (cumulative fusion events, = integral of u1*N4); all in granules.

``GRANULE_PARAM_NAMES`` = k1 (uM^-1 s^-1), km1, r1, rm1, r20, rm2 (1/s), r30 (granules/s),
rm3, u1, u2, u3 (1/s), Kp, Kp2 (uM), C_granule (fF/granule), insulin_granule (fg/granule).

``MICRODOMAIN_PARAM_NAMES`` = f_md (1, free fraction of Ca2+ in the microdomain), B_md (1/s,
microdomain-to-cytosol exchange rate).

``CHEN_CA_PARAM_NAMES`` = f_i (1), f_v (1, v_md/v_cell: Ca2+ is conserved between the
microdomain and the cytosol only at f_v = v_md/v_cell; ``chen_2008_exocytosis`` keeps the
published 0.00365 and refuses a mismatch over 1e-3), J_serca_max (uM/s), K_serca (uM),
J_pmca_max (uM/s), K_pmca (uM), J_ncx0 (1/s), C_ncx (uM), J_leak (uM/s).

Embedding recipe (host kernel ``rates``)
----------------------------------------
::

    from ..exocytosis import (ca_current_to_flux, microdomain_rates, granule_rates,
                              granule_outputs)
    # I_CaL_pA: the host's L-type Ca2+ current of the whole cell, pA (inward < 0);
    # convert with the microdomain volume v_md (L; Chen 2008: 4.2e-15 L) and
    # alpha = 1/(2F) in umol s^-1 fA^-1 (Chen: 5.18e-15; exact: ALPHA_CA)
    J_md = ca_current_to_flux(I_CaL_pA, v_md, ALPHA_CA)          # uM/ms into the microdomain
    J_exch = microdomain_rates(Y, P, c, i_Cmd, p_md, J_md, Ci, A, B)
    fusion = granule_rates(Y, P, c, s_gran, p_gran, Y[i_Cmd, c], Ci, 1.0, A, B)

``J_exch = B_md*(Cmd - Ci)`` (uM/ms, referred to the microdomain volume) is the Ca2+ that
leaves the microdomain for the cytosol. Two ways to couple it to the host's bulk Ca2+:

1. *Sensor compartment* (recommended for a host whose bulk Ca2+ is already calibrated with
   the whole Ca2+ current entering the cytosol, e.g. Cha et al. 2011): do **not** add
   ``J_exch`` to the host's Ca_i; the microdomain is then a small side compartment that reads
   the channel flux and the cytosolic Ca2+, and the host's Ca2+ balance is untouched.
2. *Chen routing* (mass-conserving, as in the 2008 files): the L-type flux enters the
   microdomain only, and the host adds ``f_i * (v_md/v_cyt) * J_exch`` to dCa_i/dt instead
   of the direct L-type influx (``chen_bulk_ca_rates`` does exactly this for Chen's own
   cytosol).

In the host's ``aux``, ``granule_outputs`` returns the fusion rate, capacitance increase and
insulin outputs. A host driven by glucose can scale the resupply ``r3`` with the ``r3_factor``
argument (Chen 2008 ``fast.ode``: ``r3 = GlucFact*r30*Ci/(Ci + Kp)``); pass 1.0 otherwise.

Default numbers (for the host's declarations; sources in
``biophys/models/chen_2008_exocytosis.py``): k1 20, km1 100, r1 0.6 (``fast.ode`` and five
other files; ``steps.ode`` has 0.06), rm1 1, r20 0.006, rm2 0.001, r30 1.205, rm3 1e-4,
u1 2000, u2 3, u3 0.02, Kp = Kp2 = 2.3, C_granule 3.5, insulin_granule 9; f_md 0.01,
B_md 200; initial pools N1..NR = 14.71376, 0.612519, 0.0084499, 5.098857e-6, 24.539936,
218.017777, 0.003399, 0.50988575, SE = fused_total = 0.
"""

from ._jit import jit
from .constants import FARADAY

#: ms per s: converts the published per-second rates to the kernels' per-ms rates.
MS_PER_S = 1e-3
#: Exact 1/(2F) in umol s^-1 fA^-1 (Chen 2008 rounds it to 5.18e-15).
ALPHA_CA = 1e-9 / (2.0 * FARADAY)

GRANULE_STATE_NAMES = ("N1", "N2", "N3", "N4", "N5", "N6", "NF", "NR", "SE", "fused_total")
GRANULE_PARAM_NAMES = ("k1", "km1", "r1", "rm1", "r20", "rm2", "r30", "rm3", "u1", "u2", "u3",
                       "Kp", "Kp2", "C_granule", "insulin_granule")
MICRODOMAIN_PARAM_NAMES = ("f_md", "B_md")
CHEN_CA_PARAM_NAMES = ("f_i", "f_v", "J_serca_max", "K_serca", "J_pmca_max", "K_pmca",
                       "J_ncx0", "C_ncx", "J_leak")

# offsets inside the granule state block
N1, N2, N3, N4, N5, N6, NF, NR, SE, FUSED = range(10)
# offsets inside the granule parameter block
K1, KM1, R1, RM1, R20, RM2, R30, RM3, U1, U2, U3, KP, KP2, C_GRAN, INS_GRAN = range(15)
# offsets inside the microdomain and Chen cytosol parameter blocks
F_MD, B_MD = range(2)
F_I, F_V, J_SERCA, K_SERCA, J_PMCA, K_PMCA, J_NCX0, C_NCX, J_LEAK = range(9)


@jit
def ca_current_to_flux(I_Ca, volume, alpha):
    """Ca2+ entry rate into a compartment, uM/ms, from a Ca2+ current.

    Parameters
    ----------
    I_Ca : float
        Ca2+ current, pA (inward, i.e. Ca2+ entry, negative).
    volume : float
        Compartment volume, L.
    alpha : float
        1/(zF) for Ca2+, umol s^-1 fA^-1 (``ALPHA_CA`` = 5.1822e-15; Chen 2008: 5.18e-15).

    Returns
    -------
    float
        ``-alpha*I_Ca/volume`` in uM/ms (positive for entry). With I in pA and time in ms the
        factors 1e3 fA/pA and 1e-3 s/ms cancel, so Chen's ``J = alpha*I/v`` in uM/s with I in
        fA is the same number as this one in uM/ms with I in pA.
    """
    return -alpha * I_Ca / volume


@jit
def microdomain_rates(Y, P, c, i_cmd, p_md, J_in, Ci, A, B):
    """Microdomain Ca2+ ``Cmd`` (uM): write ``A[i_cmd, c]``, ``B[i_cmd, c]`` (per ms).

    ``dCmd/dt = f_md*(J_in - B_md*(Cmd - Ci))`` (Chen 2008 ``fast.ode``: ``Cmd' =
    -fmd*JL - fmd*B*(Cmd - Ci)`` with ``JL`` the inward flux, negative).

    Parameters
    ----------
    Y, P : ndarray
        Host state and parameter arrays ``(n, n_cells)``.
    c : int
        Cell column.
    i_cmd : int
        Row of ``Cmd`` in ``Y``.
    p_md : int
        Row of ``f_md`` in ``P`` (``B_md`` follows).
    J_in : float
        Ca2+ entry into the microdomain, uM/ms (see :func:`ca_current_to_flux`).
    Ci : float
        Cytosolic (bulk) Ca2+, uM.
    A, B : ndarray
        Host quasi-linear arrays (written at row ``i_cmd``).

    Returns
    -------
    float
        ``J_exch = B_md*(Cmd - Ci)`` in uM/ms (microdomain volume), the exchange flux toward
        the cytosol.
    """
    f_md = P[p_md + F_MD, c]
    b_md = P[p_md + B_MD, c] * MS_PER_S
    cmd = Y[i_cmd, c]
    A[i_cmd, c] = f_md * (J_in + b_md * Ci)
    B[i_cmd, c] = f_md * b_md
    return b_md * (cmd - Ci)


@jit
def chen_ca_removal(Ci, P, c, p_ci):
    """Net Ca2+ removal from the cytosol by SERCA, PMCA, NCX and leak (Chen 2008 ``L``), uM/s."""
    k2 = P[p_ci + K_SERCA, c] ** 2
    j_serca = P[p_ci + J_SERCA, c] * Ci * Ci / (k2 + Ci * Ci)
    j_pmca = P[p_ci + J_PMCA, c] * Ci / (P[p_ci + K_PMCA, c] + Ci)
    j_ncx = P[p_ci + J_NCX0, c] * (Ci - P[p_ci + C_NCX, c])
    return j_serca + j_pmca + j_ncx + P[p_ci + J_LEAK, c]


@jit
def chen_bulk_ca_rates(Y, P, c, i_ci, p_ci, J_in, J_exch, A, B):
    """Chen 2008 cytosolic Ca2+ ``Ci`` (uM): write ``A[i_ci, c]``, ``B[i_ci, c]`` (per ms).

    ``dCi/dt = f_i*(J_in + f_v*J_exch - L(Ci))`` with ``L`` from :func:`chen_ca_removal`.
    ``J_in`` (uM/ms) is the direct entry into the cytosol (Chen: the R-type current,
    ``-JR``), ``J_exch`` (uM/ms) the return of :func:`microdomain_rates`. The removal is
    split as ``L = Ci*g(Ci) - (J_ncx0*C_ncx - J_leak)`` with ``g >= 0``, so ``B = f_i*g``.
    """
    ci = Y[i_ci, c]
    f_i = P[p_ci + F_I, c]
    k2 = P[p_ci + K_SERCA, c] ** 2
    g = (P[p_ci + J_SERCA, c] * ci / (k2 + ci * ci)
         + P[p_ci + J_PMCA, c] / (P[p_ci + K_PMCA, c] + ci)
         + P[p_ci + J_NCX0, c])
    const = P[p_ci + J_NCX0, c] * P[p_ci + C_NCX, c] - P[p_ci + J_LEAK, c]
    A[i_ci, c] = f_i * (J_in + P[p_ci + F_V, c] * J_exch + MS_PER_S * const)
    B[i_ci, c] = f_i * MS_PER_S * g


@jit
def granule_rates(Y, P, c, s0, p0, Cmd, Ci, r3_factor, A, B):
    """Granule pools of Chen 2008: write ``A``/``B`` rows ``s0 .. s0+9`` (per ms).

    Quasi-linear form with ``B`` = total outflow rate of each pool and ``A`` = inflow::

        N1' = km1 N2 + r1 N5                 - (3 k1 Cmd + rm1) N1
        N2' = 3 k1 Cmd N1 + 2 km1 N3         - (2 k1 Cmd + km1) N2
        N3' = 2 k1 Cmd N2 + 3 km1 N4         - (k1 Cmd + 2 km1) N3
        N4' = k1 Cmd N3                      - (3 km1 + u1) N4
        N5' = rm1 N1 + r2 N6                 - (r1 + rm2) N5
        N6' = r3 + rm2 N5                    - (r2 + rm3) N6
        NF' = u1 N4 - u2 NF;   NR' = u2 NF - u3 NR;   SE' = u3 NR;   fused_total' = u1 N4
        r2 = r20 Ci/(Ci + Kp2);   r3 = r3_factor r30 Ci/(Ci + Kp)

    The pool total N1+...+N6+NF+NR+SE changes only by ``r3 - rm3*N6``.

    Parameters
    ----------
    Y, P : ndarray
        Host state and parameter arrays.
    c : int
        Cell column.
    s0 : int
        Row of ``N1`` in ``Y`` (the ``GRANULE_STATE_NAMES`` block follows).
    p0 : int
        Row of ``k1`` in ``P`` (the ``GRANULE_PARAM_NAMES`` block follows).
    Cmd, Ci : float
        Microdomain and cytosolic Ca2+, uM.
    r3_factor : float
        Dimensionless multiplier of the resupply rate ``r3`` (1 = as published).
    A, B : ndarray
        Host quasi-linear arrays.

    Returns
    -------
    float
        Fusion rate ``u1*N4``, granules/ms.
    """
    s = MS_PER_S
    k1c = P[p0 + K1, c] * Cmd
    km1 = P[p0 + KM1, c]
    r1 = P[p0 + R1, c]
    rm1 = P[p0 + RM1, c]
    rm2 = P[p0 + RM2, c]
    rm3 = P[p0 + RM3, c]
    u1 = P[p0 + U1, c]
    u2 = P[p0 + U2, c]
    u3 = P[p0 + U3, c]
    r2 = P[p0 + R20, c] * Ci / (Ci + P[p0 + KP2, c])
    r3 = r3_factor * P[p0 + R30, c] * Ci / (Ci + P[p0 + KP, c])
    n1 = Y[s0 + N1, c]
    n2 = Y[s0 + N2, c]
    n3 = Y[s0 + N3, c]
    n4 = Y[s0 + N4, c]
    n5 = Y[s0 + N5, c]
    n6 = Y[s0 + N6, c]
    nf = Y[s0 + NF, c]
    nr = Y[s0 + NR, c]
    fusion = s * u1 * n4
    A[s0 + N1, c] = s * (km1 * n2 + r1 * n5)
    B[s0 + N1, c] = s * (3.0 * k1c + rm1)
    A[s0 + N2, c] = s * (3.0 * k1c * n1 + 2.0 * km1 * n3)
    B[s0 + N2, c] = s * (2.0 * k1c + km1)
    A[s0 + N3, c] = s * (2.0 * k1c * n2 + 3.0 * km1 * n4)
    B[s0 + N3, c] = s * (k1c + 2.0 * km1)
    A[s0 + N4, c] = s * k1c * n3
    B[s0 + N4, c] = s * (3.0 * km1 + u1)
    A[s0 + N5, c] = s * (rm1 * n1 + r2 * n6)
    B[s0 + N5, c] = s * (r1 + rm2)
    A[s0 + N6, c] = s * (r3 + rm2 * n5)
    B[s0 + N6, c] = s * (r2 + rm3)
    A[s0 + NF, c] = fusion
    B[s0 + NF, c] = s * u2
    A[s0 + NR, c] = s * u2 * nf
    B[s0 + NR, c] = s * u3
    A[s0 + SE, c] = s * u3 * nr
    B[s0 + SE, c] = 0.0
    A[s0 + FUSED, c] = fusion
    B[s0 + FUSED, c] = 0.0
    return fusion


@jit
def granule_outputs(Y, P, c, s0, p0):
    """Read-outs of the granule block of cell ``c``.

    Returns
    -------
    fusion_rate : float
        ``u1*N4``, granules/s.
    capacitance : float
        Capacitance increase since t = 0, ``C_granule*fused_total``, fF.
    insulin_rate : float
        Insulin secretion rate ``insulin_granule*u3*NR``, fg/s.
    insulin_secreted : float
        Cumulative insulin ``insulin_granule*SE``, fg.
    """
    fusion_rate = P[p0 + U1, c] * Y[s0 + N4, c]
    capacitance = P[p0 + C_GRAN, c] * Y[s0 + FUSED, c]
    insulin_rate = P[p0 + INS_GRAN, c] * P[p0 + U3, c] * Y[s0 + NR, c]
    insulin_secreted = P[p0 + INS_GRAN, c] * Y[s0 + SE, c]
    return fusion_rate, capacitance, insulin_rate, insulin_secreted
