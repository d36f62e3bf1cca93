"""Mg2+, H+ and K+ binding to ATP and ADP: nucleotide speciation and free Mg2+.

Each nucleotide (ATP, ADP) exists as the free anion (ATP4-, ADP3-) and as complexes with H+,
Mg2+, Mg2+ + H+ and K+. With dissociation constants ``K_H``, ``K_Mg``, ``K_MgH`` (Mg2+ binding
to the protonated species) and ``K_K``, and free concentrations ``H``, ``Mg``, ``K`` the
binding polynomial is (Beard & Qian 2008, eq. 5.65; Alberty 2003)::

    P = 1 + H/K_H + Mg/K_Mg + H Mg/(K_H K_MgH) + K/K_K

and ``[free anion] = total / P``, ``[Mg.X] = [free anion] Mg / K_Mg``, and so on. The five
species sum to the total exactly (up to rounding).

Default constants: Beard DA, Qian H (2008) *Chemical Biophysics: Quantitative Analysis of
Cellular Systems*, Cambridge University Press, Table 5.6, at 38 C and ionic strength 0.25 M
(values as transcribed in the course code ``mkelb99/PHYSIOL-520/Analyze_Lawson_Veech.py``;
that file lists the same table at 5, 15, 25 and 38 C). Alternative set: Lawson JW, Veech RL
(1979) J Biol Chem 254:6528 (38 C, I = 0.25 M; no K+ binding). Constants are tuples in M in
the order ``(K_H_ATP, K_Mg_ATP, K_MgH_ATP, K_K_ATP, K_H_ADP, K_Mg_ADP, K_MgH_ADP, K_K_ADP,
K_H_Pi, K_Mg_Pi, K_K_Pi)``; ``inf`` means no binding.

Units at the interface: all concentrations in mM; pH dimensionless. The constants are
converted from M to mM inside. The temperature dependence of the constants is not modelled:
they are the 38 C values (use the 25 C set for room-temperature work).
"""

import math

from ._jit import jit

_INF = math.inf

#: Beard & Qian (2008) Table 5.6, 38 C, I = 0.25 M (M).
BEARD_QIAN_38C = (
    3.6199e-7, 1.4287e-4, 0.039516, 0.12765,  # ATP: H, Mg, MgH, K
    5.0335e-7, 1.0357e-3, 0.084579, 0.16312,  # ADP: H, Mg, MgH, K
    2.4851e-7, 0.024585, 0.4382,              # Pi:  H, Mg, K
)
#: Beard & Qian (2008) Table 5.6, 25 C, I = 0.25 M (M).
BEARD_QIAN_25C = (
    3.6894e-7, 1.879e-4, 0.051933, 0.12793,
    5.149e-7, 1.3045e-3, 0.10162, 0.16133,
    2.2829e-7, 0.028442, 0.43499,
)
#: Lawson & Veech (1979) J Biol Chem 254:6528, 38 C, I = 0.25 M (M); no K+ binding.
LAWSON_VEECH_1979 = (
    1.08e-7, 7.19e-5, 0.0282, _INF,
    1.20e-7, 7.58e-4, 0.0309, _INF,
    1.76e-7, 0.0107, _INF,
)


@jit
def binding_polynomial(Mg, H, K, K_H, K_Mg, K_MgH, K_K):
    """Binding polynomial ``P`` of one ligand (all arguments in the same unit, e.g. mM)."""
    return 1.0 + H / K_H + Mg / K_Mg + H * Mg / (K_H * K_MgH) + K / K_K


@jit
def nucleotide_species(total, Mg, H, K, K_H, K_Mg, K_MgH, K_K):
    """The five species of one nucleotide, same unit as ``total``.

    Returns ``(free, H_bound, Mg_bound, MgH_bound, K_bound)``: e.g. for ATP
    ``(ATP4-, HATP3-, MgATP2-, MgHATP-, KATP3-)``. Concentrations ``Mg``, ``H``, ``K`` and the
    constants must share one unit.
    """
    h = H / K_H
    m = Mg / K_Mg
    hm = h * Mg / K_MgH
    k = K / K_K
    free = total / (1.0 + h + m + hm + k)
    return free, free * h, free * m, free * hm, free * k


@jit
def mg_speciation_with(Mg_free, ATP_total, ADP_total, pH, K_i, constants):
    """:func:`mg_speciation` with an explicit constant set (tuple in M, see module doc)."""
    return mg_speciation_at_H(Mg_free, ATP_total, ADP_total, 10.0 ** (3.0 - pH), K_i, constants)


@jit
def mg_speciation_at_H(Mg_free, ATP_total, ADP_total, H, K_i, constants):
    """:func:`mg_speciation_with` at a given free H+ concentration ``H`` (mM, i.e.
    ``10^(3 - pH)``) instead of pH: for model kernels that compute ``H`` once per run, so that
    no power function is evaluated per time step."""
    c = constants
    atp4, _, mgatp, _, _ = nucleotide_species(
        ATP_total, Mg_free, H, K_i, 1e3 * c[0], 1e3 * c[1], 1e3 * c[2], 1e3 * c[3])
    adp3, _, mgadp, _, _ = nucleotide_species(
        ADP_total, Mg_free, H, K_i, 1e3 * c[4], 1e3 * c[5], 1e3 * c[6], 1e3 * c[7])
    return mgatp, atp4, mgadp, adp3


@jit
def mg_speciation(Mg_free, ATP_total, ADP_total, pH, K_i):
    """Mg.ATP2-, ATP4-, Mg.ADP- and ADP3- from free Mg2+ and total nucleotides.

    Parameters
    ----------
    Mg_free : float
        Free cytosolic Mg2+, mM (>= 0).
    ATP_total, ADP_total : float
        Total ATP and ADP (all bound forms), mM (>= 0).
    pH : float
        Cytosolic pH.
    K_i : float
        Free cytosolic K+, mM (competes with Mg2+ and H+ for the nucleotides).

    Returns
    -------
    MgATP, ATP4, MgADP, ADP3 : float
        mM. The remaining parts of the totals are the H+-, MgH- and K+-bound forms (see
        :func:`nucleotide_species`). Constants: Beard & Qian (2008) Table 5.6, 38 C.
    """
    return mg_speciation_with(Mg_free, ATP_total, ADP_total, pH, K_i, BEARD_QIAN_38C)


@jit
def bound_mg_with(Mg, ATP_total, ADP_total, Pi_total, pH, K_i, constants):
    """Mg2+ bound to ATP, ADP and Pi at free ``Mg`` (mM) and its derivative d(bound)/dMg.

    MgH-nucleotide complexes count as Mg-bound. Returns ``(bound, dbound_dMg)``, mM and 1.
    """
    H = 10.0 ** (3.0 - pH)
    c = constants
    bound = 0.0
    dbound = 0.0
    for j in range(3):
        if j == 0:
            tot = ATP_total
            kh, kmg, kmgh, kk = 1e3 * c[0], 1e3 * c[1], 1e3 * c[2], 1e3 * c[3]
        elif j == 1:
            tot = ADP_total
            kh, kmg, kmgh, kk = 1e3 * c[4], 1e3 * c[5], 1e3 * c[6], 1e3 * c[7]
        else:
            tot = Pi_total
            kh, kmg, kmgh, kk = 1e3 * c[8], 1e3 * c[9], _INF, 1e3 * c[10]
        if tot == 0.0:
            continue
        # P = p0 + a Mg with p0 = 1 + H/K_H + K/K_K, a = 1/K_Mg + H/(K_H K_MgH)
        p0 = 1.0 + H / kh + K_i / kk
        a = 1.0 / kmg + H / (kh * kmgh)
        den = p0 + a * Mg
        bound += tot * a * Mg / den
        dbound += tot * a * p0 / (den * den)
    return bound, dbound


#: Newton's iteration cap in :func:`free_mg_iterate` (never reached over the documented range,
#: see there; a safety net only).
FREE_MG_MAX_ITER = 100
#: Machine epsilon of float64 (2^-52).
_EPS = 2.0 ** -52


@jit
def free_mg_iterate(Mg_total, ATP_total, ADP_total, Pi_total, pH, K_i, constants, guess):
    """Free Mg2+ by Newton's method on the mass balance, and the number of iterations.

    Solves ``g(Mg) = Mg + bound(Mg) - Mg_total = 0`` where ``bound`` is the Mg2+ bound to ATP,
    ADP and Pi (:func:`bound_mg_with`), starting at ``guess`` clipped to ``[0, Mg_total]``.

    Parameters
    ----------
    Mg_total : float
        Total Mg2+ (free + bound to ATP, ADP and Pi), mM; 0 or less gives ``(0.0, 0)``.
    ATP_total, ADP_total, Pi_total : float
        Total ATP, ADP and Pi, mM (>= 0).
    pH : float
        Cytosolic pH.
    K_i : float
        Free cytosolic K+, mM.
    constants : tuple
        Dissociation constants in M (see the module docstring).
    guess : float
        Start of the iteration, mM.

    Returns
    -------
    Mg : float
        Free Mg2+, mM.
    n_iter : int
        Evaluations of the balance (1 to :data:`FREE_MG_MAX_ITER`).

    Notes
    -----
    ``g`` is increasing and concave (each bound term is ``T a Mg/(p0 + a Mg)``), so from a
    start below the root every Newton iterate stays below it and increases, and from a start
    above it the first iterate lands below it (clipped at 0). Near the root the computed ``g``
    is a difference of numbers of size ``Mg_total`` and carries a rounding error of a few ulp
    of ``Mg_total``, not of ``Mg``: the last steps are noise of up to ``~3 eps Mg_total/g'``.
    That can exceed a relative test ``1e-15 Mg`` when most Mg2+ is bound (``g'`` of order 1,
    ``Mg_total/Mg`` ~ 4-5: two floats a few ulp apart then alternate up to the iteration cap).
    So the iteration stops (i) when a step is at most ``4 eps Mg_total`` (the size of that
    noise; the Newton error left after a step ``s`` is of order ``s^2 g''/g'``, far below one
    ulp of ``Mg``), or (ii) from the second iterate on, when a step does not increase ``Mg``:
    in exact arithmetic the iterates below the root rise monotonically, so a non-increasing
    step is rounding noise (a safety net: rule (i) stopped every point of the sample below).
    The returned value is the last iterate.

    Measured iteration counts (20 000 random points: total Mg2+ log-uniform in 0.01-20 mM; ATP
    0.5-10, ADP 0-2, Pi 0-10 and K+ 0-140 mM and pH 6.8-7.6 uniform; Beard & Qian 38 C; checked
    in tests/test_kinetics_review55.py): at most 8 from a start at 0 and 1 from a start at the
    root. From the root of a neighbouring problem (total Mg2+ or ATP changed by 0.1 %, 1 % or
    10 %): at most 4, 5 and 6. No allocation.
    """
    if Mg_total <= 0.0:
        return 0.0, 0
    tol = 4.0 * _EPS * Mg_total
    mg = min(max(guess, 0.0), Mg_total)
    for n in range(1, FREE_MG_MAX_ITER + 1):
        b, db = bound_mg_with(mg, ATP_total, ADP_total, Pi_total, pH, K_i, constants)
        mg_new = mg - (mg + b - Mg_total) / (1.0 + db)
        mg_new = min(max(mg_new, 0.0), Mg_total)
        if abs(mg_new - mg) <= tol or (n > 1 and mg_new <= mg):
            return mg_new, n
        mg = mg_new
    return mg, FREE_MG_MAX_ITER


@jit
def free_mg_from(Mg_total, ATP_total, ADP_total, Pi_total, pH, K_i, constants, guess):
    """Free Mg2+ (mM) by Newton's method on the mass balance, started at ``guess`` (mM).

    Solves ``Mg + bound(Mg) = Mg_total`` where ``bound`` is Mg2+ bound to ATP, ADP and Pi
    (:func:`bound_mg_with`); the iteration and its stopping rule are those of
    :func:`free_mg_iterate` (this returns its ``Mg``; iteration counts measured there).
    Callers: :func:`free_mg_with` (from 0), which :func:`free_mg`,
    :func:`biophys.physiology.free_mg` and ``Cytosol.from_total_mg`` (biophys/_cytosol.py)
    call from Python; no model kernel calls it. No allocation.
    """
    return free_mg_iterate(Mg_total, ATP_total, ADP_total, Pi_total, pH, K_i, constants,
                           guess)[0]


@jit
def free_mg_with(Mg_total, ATP_total, ADP_total, Pi_total, pH, K_i, constants):
    """Free Mg2+ (mM) from total Mg2+ with Pi and an explicit constant set: Newton from 0
    (:func:`free_mg_iterate`, which gives the measured iteration counts)."""
    return free_mg_from(Mg_total, ATP_total, ADP_total, Pi_total, pH, K_i, constants, 0.0)


@jit
def free_mg(Mg_total, ATP_total, ADP_total, pH, K_i):
    """Free cytosolic Mg2+ from total Mg2+, ATP and ADP, mM.

    Parameters
    ----------
    Mg_total : float
        Total Mg2+ (free + bound to ATP and ADP), mM.
    ATP_total, ADP_total : float
        Total nucleotides, mM.
    pH : float
        Cytosolic pH.
    K_i : float
        Free cytosolic K+, mM.

    Returns
    -------
    float
        Free Mg2+, mM, with the Beard & Qian (2008) Table 5.6 constants at 38 C. Use
        :func:`free_mg_with` to include Pi or another constant set.
    """
    return free_mg_with(Mg_total, ATP_total, ADP_total, 0.0, pH, K_i, BEARD_QIAN_38C)
