"""Plain-Python, numpy-vectorised physiology: the same kernels the models use, for notebooks.

Units throughout: mV, mM, degrees C, permeability cm/s, current density uA/cm^2, rates 1/ms.
Every function accepts scalars or arrays (broadcast together) and returns a float for scalar
input, else an array. Inputs are validated: a ``ValueError`` names the argument, its unit and
its valid range.

Sources: constants and GHK, :mod:`biophys.kernels.constants` and :mod:`biophys.kernels.ghk`
(Goldman 1943; Hodgkin & Katz 1949); nucleotide speciation, Beard & Qian (2008) Table 5.6
(:mod:`biophys.kernels.speciation`); surface potential, Grahame (1947) with the water
permittivity of Malmberg & Maryott (1956) (:mod:`biophys.kernels.surface`); Na+/K+-ATPase,
Smith & Crampin (2004) reduced cycle with the Cha et al. (2011), Himeno et al. (2015) or Pan
et al. (2019) parameters (:mod:`biophys.kernels.nak_pump`).
"""

from __future__ import annotations

import functools
from typing import NamedTuple

import numpy as np

from ._checks import checked_values, real_values, unit_text
from .kernels import constants as _c
from .kernels import ghk as _ghk
from .kernels import nak_pump as _nak
from .kernels import speciation as _sp
from .kernels import surface as _sf

__all__ = [
    "nernst", "ghk_current", "ghk_driving", "ghk_voltage", "mg_speciation", "free_mg",
    "surface_potential", "gating_shift", "woodhull_block", "nak_pump", "Speciation", "NaKPump",
    "DEFAULT_SIGMA", "SPECIATION_CONSTANTS", "PUMP_PARAMETERS",
]

#: Default surface charge density, e/A^2 (:data:`biophys.kernels.surface.DEFAULT_SIGMA`).
DEFAULT_SIGMA = _sf.DEFAULT_SIGMA
#: Named dissociation-constant sets for :func:`mg_speciation` and :func:`free_mg`.
SPECIATION_CONSTANTS = {
    "beard_qian_38C": _sp.BEARD_QIAN_38C,
    "beard_qian_25C": _sp.BEARD_QIAN_25C,
    "lawson_veech": _sp.LAWSON_VEECH_1979,
}
#: Named Na+/K+-ATPase parameter sets for :func:`nak_pump`.
PUMP_PARAMETERS = ("cha2011", "himeno2015", "pan2019")


def _arr(name: str, x, unit: str, *, lo: float | None = None, lo_open: bool = False,
         hi: float | None = None) -> np.ndarray:
    """``x`` as a float array if every entry is a real number (not a bool or a string),
    finite and in the range (else a ``ValueError`` naming ``name``, ``unit`` and the range)."""
    lo_txt = "-inf" if lo is None else f"{lo:g}"
    hi_txt = "inf" if hi is None else f"{hi:g}"
    br = "(" if (lo is None or lo_open) else "["
    valid = f"{br}{lo_txt}, {hi_txt}{')' if hi is None else ']'}"
    a = checked_values(x, name, unit, f"in {valid}")
    bad = ~np.isfinite(a)
    if lo is not None:
        bad |= (a <= lo) if lo_open else (a < lo)
    if hi is not None:
        bad |= a > hi
    if np.any(bad):
        first = float(a[bad].flat[0] if a.ndim else a)
        raise ValueError(f"{name} = {first!r} {unit_text(unit)} is outside its valid range "
                         f"{valid} {unit_text(unit)}")
    return a


def _out(a):
    a = np.asarray(a, dtype=np.float64)
    return float(a) if a.ndim == 0 else a


#: Highest temperature the functions accept, C: water boils; a value above is most likely
#: a temperature in kelvin (310.15 for 37 C), which would run silently otherwise.
MAX_TEMPERATURE = 100.0


#: Temperatures (C) that read as kelvin in the liquid-water range, 0-100 C: above
#: :data:`MAX_TEMPERATURE` only these get the "looks like kelvin" hint.
KELVIN_HINT_RANGE = (273.15, 373.15)


def _temperature(t) -> np.ndarray:
    a = checked_values(t, "temperature", "C", f"in (-273.15, {MAX_TEMPERATURE:g}]")
    lo, hi = KELVIN_HINT_RANGE
    kelvin = a[np.isfinite(a) & (a >= lo) & (a <= hi)]
    if kelvin.size:
        k = float(np.max(kelvin))
        raise ValueError(f"temperature = {k:g} C is outside its valid range (-273.15, "
                         f"{MAX_TEMPERATURE:g}] C; the unit is degrees Celsius ({k:g} looks "
                         f"like kelvin: {k - 273.15:g} C)")
    return _arr("temperature", a, "C", lo=-273.15, lo_open=True, hi=MAX_TEMPERATURE)


def _valence(z) -> np.ndarray:
    a = real_values(z)
    if a is None or np.any(~np.isfinite(a)) or np.any(a == 0):
        raise ValueError(f"z = {z!r} (valence, dimensionless) must be a non-zero finite number")
    return a


def _scaled_sum(terms) -> tuple[np.ndarray, np.ndarray]:
    """``sum_j prod_i f_ij`` of finite factors >= 0 as ``(M, E)``, the sum being ``M 2**E``
    with ``M`` in [0.25, 3) (0 for a zero sum): binary mantissas and exponents (``np.frexp``)
    are multiplied and added apart, so no product over- or underflows. Where the plain sum
    has no over- or underflow, ``M 2**E`` is exactly it (scaling by 2**n commutes with
    rounding)."""
    parts = []
    for factors in terms:
        m, e = 1.0, 0
        for f in factors:
            fm, fe = np.frexp(f)
            m, e = m * fm, e + fe
        parts.append((m, e))
    top = functools.reduce(np.maximum, [np.where(m > 0, e, -(2**20)) for m, e in parts])
    with np.errstate(under="ignore"):  # terms 2**-1000 below the largest: negligible
        total = sum(np.ldexp(m, np.where(m > 0, e - top, 0)) for m, e in parts)
    return total, top


def _nernst_of(z, num, den, t) -> np.ndarray:
    """``(RT/zF) ln(num/den)``, mV, for ``num`` and ``den`` as :func:`_scaled_sum` gives them.

    Where the ratio ``r`` is a normal double, the kernel :func:`biophys.kernels.constants.nernst`
    of ``r`` (bit for bit the plain evaluation); where it would overflow or underflow (beyond
    about 1e+-308), ``ln(q) + k ln 2`` with ``r = q 2**k``, ``q`` in (1/12, 12): there ``|k| >
    1000``, so the sum loses no accuracy."""
    (mn, en), (md, ed) = num, den
    q, k = mn / md, en - ed
    with np.errstate(over="ignore", under="ignore"):
        r = np.ldexp(q, k)
    normal = np.isfinite(r) & (r >= np.finfo(float).tiny)
    with np.errstate(over="ignore"):  # fastmath.log's branch-free x * 2**54 for x > 1e292
        near = np.vectorize(_c.nernst, otypes=[float])(z, np.where(normal, r, 1.0), 1.0, t)
    far = (np.vectorize(_c.thermal_voltage, otypes=[float])(t) / z
           * (np.log(q) + k * np.log(2.0)))
    return np.where(normal, near, far)


def nernst(c_out, c_in, z=1, temperature=37.0):
    """Nernst equilibrium potential, mV.

    Parameters
    ----------
    c_out, c_in : float or array
        Extracellular and intracellular concentration, mM (> 0, finite; any such values: a
        ratio ``c_out/c_in`` beyond the double range, about 1e+-308, is taken as mantissa and
        binary exponent apart instead of overflowing).
    z : int or array
        Valence (non-zero): +1 K+/Na+, +2 Ca2+, -1 Cl-.
    temperature : float or array
        Degrees C (at most :data:`MAX_TEMPERATURE`, 100).

    Returns
    -------
    float or ndarray
        ``(RT/zF) ln(c_out/c_in)``, mV.
    """
    co = _arr("c_out", c_out, "mM", lo=0.0, lo_open=True)
    ci = _arr("c_in", c_in, "mM", lo=0.0, lo_open=True)
    zz, t = _valence(z), _temperature(temperature)
    return _out(_nernst_of(zz, _scaled_sum([(co,)]), _scaled_sum([(ci,)]), t))


def ghk_driving(V, c_in, c_out, z=1, temperature=37.0):
    """Constant-field driving concentration ``c_i g(x) - c_o g(-x)``, mM (Kyoto "CF").

    Parameters
    ----------
    V : float or array
        Membrane potential, mV.
    c_in, c_out : float or array
        Intracellular and extracellular concentration, mM (>= 0).
    z : int, float or array
        Valence (non-zero).
    temperature : float or array
        Degrees C (at most :data:`MAX_TEMPERATURE`, 100).

    Returns
    -------
    float or ndarray
        ``c_in g(x) - c_out g(-x)`` with ``x = zFV/RT`` and ``g(x) = x / (1 - exp(-x))``, mM:
        exactly ``c_in - c_out`` at V = 0 and zero at the Nernst potential.
    """
    v = _arr("V", V, "mV")
    ci = _arr("c_in", c_in, "mM", lo=0.0)
    co = _arr("c_out", c_out, "mM", lo=0.0)
    return _out(np.vectorize(_ghk.ghk_driving, otypes=[float])(
        _valence(z), v, ci, co, _temperature(temperature)))


def ghk_current(V, c_in, c_out, *, P, z=1, temperature=37.0):
    """GHK current density, uA/cm^2 (outward positive).

    Parameters
    ----------
    V : float or array
        Membrane potential, mV.
    c_in, c_out : float or array
        Intracellular and extracellular concentration, mM (>= 0).
    P : float or array
        Permeability, cm/s (>= 0).
    z : int, float or array
        Valence (non-zero).
    temperature : float or array
        Degrees C (at most :data:`MAX_TEMPERATURE`, 100).

    Returns
    -------
    float or ndarray
        ``P z F [c_i g(x) - c_o g(-x)]``, uA/cm^2 (Goldman 1943; Hodgkin & Katz 1949), exact
        limit ``P z F (c_i - c_o)`` at V = 0.
    """
    p = _arr("P", P, "cm/s", lo=0.0)
    v = _arr("V", V, "mV")
    ci = _arr("c_in", c_in, "mM", lo=0.0)
    co = _arr("c_out", c_out, "mM", lo=0.0)
    return _out(np.vectorize(_ghk.ghk_current, otypes=[float])(
        p, _valence(z), v, ci, co, _temperature(temperature)))


def ghk_voltage(*, K_o, K_i, Na_o, Na_i, P_Na, P_K=1.0, Cl_o=0.0, Cl_i=0.0, P_Cl=0.0,
                temperature=37.0):
    """GHK voltage equation: the potential of zero net K+, Na+ and Cl- GHK current, mV.

    Parameters
    ----------
    K_o, K_i, Na_o, Na_i, Cl_o, Cl_i : float or array
        Extracellular (``_o``) and intracellular (``_i``) concentrations, mM (>= 0, finite).
    P_Na, P_K, P_Cl : float or array
        Permeabilities, any common unit (>= 0, finite; only their ratios matter).
    temperature : float or array
        Degrees C (at most :data:`MAX_TEMPERATURE`, 100).

    Returns
    -------
    float or ndarray
        ``(RT/F) ln((P_K K_o + P_Na Na_o + P_Cl Cl_i) / (P_K K_i + P_Na Na_i + P_Cl Cl_o))``,
        mV: bit for bit :func:`biophys.kernels.ghk.ghk_voltage` wherever that has no over- or
        underflow, as both sums are formed from binary mantissas and exponents (no product
        or ratio over- or underflows; see :func:`nernst`). Each sum must be > 0 (a
        ``ValueError`` otherwise).
    """
    vals = {}
    for name, x in (("K_o", K_o), ("K_i", K_i), ("Na_o", Na_o), ("Na_i", Na_i),
                    ("Cl_o", Cl_o), ("Cl_i", Cl_i)):
        vals[name] = _arr(name, x, "mM", lo=0.0)
    perms = {n: _arr(n, x, "(permeability, any common unit)", lo=0.0)
             for n, x in (("P_K", P_K), ("P_Na", P_Na), ("P_Cl", P_Cl))}
    num = _scaled_sum([(perms["P_K"], vals["K_o"]), (perms["P_Na"], vals["Na_o"]),
                       (perms["P_Cl"], vals["Cl_i"])])
    den = _scaled_sum([(perms["P_K"], vals["K_i"]), (perms["P_Na"], vals["Na_i"]),
                       (perms["P_Cl"], vals["Cl_o"])])
    for total, terms in ((num[0], "P_K K_o + P_Na Na_o + P_Cl Cl_i"),
                         (den[0], "P_K K_i + P_Na Na_i + P_Cl Cl_o")):
        if np.any(total <= 0):
            raise ValueError("ghk_voltage needs a positive permeability-weighted concentration "
                             f"on each side: {terms} = 0 (permeability x mM), no permeant ion "
                             "is present on that side")
    return _out(_nernst_of(1.0, num, den, _temperature(temperature)))


class Speciation(NamedTuple):
    """Nucleotide species, mM."""

    MgATP: float | np.ndarray
    ATP4: float | np.ndarray
    MgADP: float | np.ndarray
    ADP3: float | np.ndarray


def _constants(constants: str) -> tuple:
    try:
        return SPECIATION_CONSTANTS[constants]
    except KeyError:
        raise ValueError(f"constants = {constants!r} must be one of "
                         f"{tuple(SPECIATION_CONSTANTS)}") from None


def mg_speciation(Mg_free, ATP_total, ADP_total, pH=7.2, K=140.0,
                  constants: str = "beard_qian_38C") -> Speciation:
    """Mg.ATP2-, ATP4-, Mg.ADP- and ADP3- from free Mg2+ and total nucleotides.

    Parameters
    ----------
    Mg_free : float or array
        Free Mg2+, mM (>= 0).
    ATP_total, ADP_total : float or array
        Total ATP and ADP, mM (>= 0).
    pH : float or array
        Cytosolic pH (0-14).
    K : float or array
        Free K+, mM (>= 0; competes for the nucleotides).
    constants : str
        ``"beard_qian_38C"`` (default; Beard & Qian 2008 Table 5.6), ``"beard_qian_25C"`` or
        ``"lawson_veech"`` (Lawson & Veech 1979, no K+ binding).

    Returns
    -------
    Speciation
        Named tuple ``(MgATP, ATP4, MgADP, ADP3)``, mM. The rest of each total is bound to
        H+, Mg2+ + H+ and K+.
    """
    c = _constants(constants)
    mg = _arr("Mg_free", Mg_free, "mM", lo=0.0)
    atp = _arr("ATP_total", ATP_total, "mM", lo=0.0)
    adp = _arr("ADP_total", ADP_total, "mM", lo=0.0)
    ph = _arr("pH", pH, "", lo=0.0, hi=14.0)
    k = _arr("K", K, "mM", lo=0.0)
    fn = np.vectorize(lambda *a: _sp.mg_speciation_with(*a, c), otypes=[float] * 4)
    return Speciation(*(_out(x) for x in fn(mg, atp, adp, ph, k)))


def free_mg(Mg_total, ATP_total, ADP_total, pH=7.2, K=140.0, Pi=0.0,
            constants: str = "beard_qian_38C"):
    """Free Mg2+ (mM) from total Mg2+, ATP, ADP (and Pi) by Newton on the mass balance.

    Parameters as :func:`mg_speciation`; ``Mg_total`` and ``Pi`` in mM (>= 0). Robust over
    0.01-20 mM total Mg2+ (tests/kernels/test_speciation.py).
    """
    c = _constants(constants)
    mt = _arr("Mg_total", Mg_total, "mM", lo=0.0)
    atp = _arr("ATP_total", ATP_total, "mM", lo=0.0)
    adp = _arr("ADP_total", ADP_total, "mM", lo=0.0)
    pi = _arr("Pi", Pi, "mM", lo=0.0)
    ph = _arr("pH", pH, "", lo=0.0, hi=14.0)
    k = _arr("K", K, "mM", lo=0.0)
    fn = np.vectorize(lambda a, b, d, e, f, g: _sp.free_mg_with(a, b, d, e, f, g, c),
                      otypes=[float])
    return _out(fn(mt, atp, adp, pi, ph, k))


def surface_potential(*, monovalent, Ca, Mg, sigma=DEFAULT_SIGMA, temperature=37.0,
                      K_Ca=0.0, K_Mg=0.0):
    """Outer surface potential from the Grahame equation, mV.

    Parameters
    ----------
    monovalent : float or array
        Total 1:1 salt of the bath (e.g. Na_o + K_o), mM (>= 0).
    Ca, Mg : float or array
        Bath Ca2+ and Mg2+ (as chlorides), mM (>= 0).
    sigma : float
        Surface charge density, elementary charges per A^2 (negative surface < 0; default
        -1/120).
    temperature : float
        Degrees C (0-100; water permittivity of Malmberg & Maryott 1956).
    K_Ca, K_Mg : float
        Association constants of specific binding, 1/mM (>= 0; 0 = pure screening). Binding
        neutralises negative sites, so it applies to a negative surface only: for
        ``sigma >= 0`` they have no effect.
    """
    return _out(_surface(monovalent, Ca, Mg, sigma, temperature, K_Ca, K_Mg))


def _surface(monovalent, Ca, Mg, sigma, temperature, K_Ca, K_Mg, ref: str = "") -> np.ndarray:
    """:func:`surface_potential` as an array; ``ref`` ("_ref") suffixes the bath's names in
    the error messages."""
    m = _arr("monovalent" + ref, monovalent, "mM", lo=0.0)
    ca = _arr("Ca" + ref, Ca, "mM", lo=0.0)
    mg = _arr("Mg" + ref, Mg, "mM", lo=0.0)
    s = _arr("sigma", sigma, "e/A^2", lo=-1.0, hi=1.0)
    t = _arr("temperature", temperature, "C", lo=0.0, hi=100.0)
    kc = _arr("K_Ca", K_Ca, "1/mM", lo=0.0)
    km = _arr("K_Mg", K_Mg, "1/mM", lo=0.0)
    if np.any((m + ca + mg) <= 0):
        raise ValueError(f"monovalent{ref} + Ca{ref} + Mg{ref} must be > 0 mM (no ions: no "
                         "screening)")
    return np.vectorize(_sf.surface_potential_binding, otypes=[float])(m, ca, mg, s, t, kc, km)


def gating_shift(*, monovalent, Ca, Mg, monovalent_ref, Ca_ref, Mg_ref, sigma=DEFAULT_SIGMA,
                 temperature=37.0, K_Ca=0.0, K_Mg=0.0):
    """Depolarising shift of voltage-gated channel gating relative to a reference bath, mV.

    Parameters
    ----------
    monovalent, Ca, Mg : float or array
        The bath: total 1:1 salt, Ca2+ and Mg2+ (as chlorides), mM (>= 0, sum > 0).
    monovalent_ref, Ca_ref, Mg_ref : float or array
        The reference bath, the same way, mM.
    sigma, temperature, K_Ca, K_Mg
        As :func:`surface_potential` (e/A^2, degrees C 0-100, 1/mM).

    Returns
    -------
    float or ndarray
        ``psi0(bath) - psi0(reference)`` (:func:`surface_potential`), mV: add it to the
        half-activation and half-inactivation voltages of the channels that sense the outer
        surface. 0 at the reference; +12.5 mV for Mg 0.5 -> 10 mM at 150 mM salt, 2 mM Ca,
        sigma = -1/120 e/A^2, 37 C.
    """
    a = _surface(monovalent, Ca, Mg, sigma, temperature, K_Ca, K_Mg)
    b = _surface(monovalent_ref, Ca_ref, Mg_ref, sigma, temperature, K_Ca, K_Mg, "_ref")
    return _out(a - b)


def woodhull_block(V, Mg_o, *, K0, delta, z=2.0, temperature=37.0):
    """Unblocked fraction under external voltage-dependent pore block (Woodhull 1973).

    Parameters
    ----------
    V : float or array
        Membrane potential, mV.
    Mg_o : float or array
        External blocker concentration, mM (>= 0).
    K0 : float or array
        Dissociation constant at 0 mV, mM (> 0).
    delta : float or array
        Electrical distance of the site from the outside, dimensionless, [0, 1].
    z : float or array
        Blocker valence (non-zero; 2 for Mg2+).
    temperature : float or array
        Degrees C (at most :data:`MAX_TEMPERATURE`, 100).

    Returns
    -------
    float or ndarray
        ``1 / (1 + Mg_o / (K0 exp(z delta F V / RT)))``, dimensionless, in [0, 1]: exactly 1
        when ``Mg_o = 0``; its limit 0 or 1 where ``K_D(V)`` over- or underflows (volts).
    """
    v = _arr("V", V, "mV")
    mg = _arr("Mg_o", Mg_o, "mM", lo=0.0)
    k0 = _arr("K0", K0, "mM", lo=0.0, lo_open=True)
    d = _arr("delta", delta, "", lo=0.0, hi=1.0)
    zz, tc = _valence(z), _temperature(temperature)
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        # at volts K_D(V) over- or underflows: the fraction goes to its limit, 1 or 0
        frac = np.vectorize(_sf.woodhull_block, otypes=[float])(v, mg, k0, d, zz, tc)
    # no blocker, no block: exactly 1 (where K_D underflows to 0 the kernel gives 0/0)
    return _out(np.where(np.broadcast_to(mg, np.shape(frac)) == 0.0, 1.0, frac))


class NaKPump(NamedTuple):
    """Na+/K+-ATPase outputs (see :func:`nak_pump`)."""

    rate: float | np.ndarray  #: net cycle rate, 1/ms per pump
    current: float | np.ndarray  #: amplitude * rate (outward positive), amplitude's unit / ms
    I_Na: float | np.ndarray  #: Na+ component, 3 * current
    I_K: float | np.ndarray  #: K+ component, -2 * current
    Na_efflux: float | np.ndarray  #: 3 * rate, Na+ per ms per pump
    K_influx: float | np.ndarray  #: 2 * rate, K+ per ms per pump
    ATP_use: float | np.ndarray  #: 1 * rate, Mg.ATP per ms per pump


#: Largest ``|V|`` that :func:`nak_pump` accepts, mV: far outside any membrane's range, and
#: far inside the |V| where the exponentials of its voltage-dependent constants overflow (about
#: 12600 mV at 0 C for every parameter set; within 1000 mV only below about -250 C, where
#: :func:`nak_pump` names V and the temperature).
MAX_PUMP_VOLTAGE = 1000.0

_PUMPS = {
    "cha2011": _nak.nak_cycle_rate,
    "himeno2015": _nak.nak_himeno_rate,
    "pan2019": _nak.nak_pan_rate,
}


def nak_pump(V, *, Na_i, Na_o, K_i, K_o, MgATP, MgADP=0.0, Pi=0.0, pH=7.2, temperature=37.0,
             amplitude=1.0, parameters: str = "cha2011") -> NaKPump:
    """Na+/K+-ATPase cycle rate, current and fluxes (reduced Post-Albers cycle).

    Parameters
    ----------
    V : float or array
        Membrane potential, mV (``|V| <=`` :data:`MAX_PUMP_VOLTAGE`, 1000).
    Na_i, Na_o, K_i, K_o : float or array
        Na+ and K+ concentrations, mM (>= 0).
    MgATP, MgADP, Pi : float or array
        Mg.ATP, Mg.ADP and phosphate, mM (>= 0); use :func:`mg_speciation` for the first two.
    pH : float or array
        Cytosolic pH (H+ = 10**(3 - pH) mM).
    temperature : float
        Degrees C (at most :data:`MAX_TEMPERATURE`, 100).
    amplitude : float
        Current per unit cycle rate (>= 0): the pump current is ``amplitude * rate``,
        outward positive (3 Na+ out, 2 K+ in per cycle). Its unit is the current unit times ms
        (e.g. 350 pA per 1/ms in Cha et al. 2011).
    parameters : {"cha2011", "himeno2015", "pan2019"}
        Parameter set (:mod:`biophys.kernels.nak_pump`). For ``"pan2019"`` ``Pi`` is that
        model's free phosphate (:func:`biophys.kernels.nak_pump.pan_free_pi`) and its rates
        are fitted to cardiac data (turnover differs from the Kyoto sets).

    Returns
    -------
    NaKPump
        ``rate`` (1/ms), ``current`` (amplitude's unit / ms), ``I_Na = 3 current``,
        ``I_K = -2 current``, ``Na_efflux = 3 rate``, ``K_influx = 2 rate``,
        ``ATP_use = rate`` (per ms per pump).
    """
    try:
        fn = _PUMPS[parameters]
    except KeyError:
        raise ValueError(f"parameters = {parameters!r} must be one of {PUMP_PARAMETERS}") \
            from None
    v = _arr("V", V, "mV", lo=-MAX_PUMP_VOLTAGE, hi=MAX_PUMP_VOLTAGE)
    names = ("Na_i", "Na_o", "K_i", "K_o", "MgATP", "MgADP", "Pi")
    args = [_arr(n, x, "mM", lo=0.0) for n, x in zip(
        names, (Na_i, Na_o, K_i, K_o, MgATP, MgADP, Pi), strict=True)]
    h = 10.0 ** (3.0 - _arr("pH", pH, "", lo=0.0, hi=14.0))
    amp = _arr("amplitude", amplitude, "(current unit) ms", lo=0.0)
    t = _temperature(temperature)
    rate = np.vectorize(fn, otypes=[float])
    with np.errstate(all="ignore"):  # a non-finite rate is reported below, by its cause
        r = np.asarray(rate(v, *args, h, t))
    if not np.isfinite(r).all():
        k = int(np.flatnonzero(~np.isfinite(r))[0])
        at = [float(np.broadcast_to(a, r.shape).flat[k]) for a in (v, *args, h, t)]
        with np.errstate(all="ignore"):
            structural = not np.isfinite(rate(0.0, *at[1:]))
        if structural:  # 0/0 at any V: e.g. Na_i = K_o = MgADP = Pi = 0
            conc = ", ".join(f"{n} = {x:g}" for n, x in zip(names[:4], at[1:5], strict=True))
            zero = ", ".join(n for n, x in zip(names, at[1:8], strict=True) if x == 0.0)
            raise ValueError(f"the pump's cycle rate is 0/0 at {conc} mM: with {zero} all 0 "
                             "mM no state of the cycle is occupied; make some of them > 0 mM")
        raise ValueError(f"the pump's cycle rate is not finite at V = {at[0]:g} mV and "
                         f"temperature = {at[-1]:g} C: the exponentials of FV/RT = "
                         f"{at[0] / _c.thermal_voltage(at[-1]):.4g} in its voltage-dependent "
                         "constants overflow; bring |V| (mV) down or the temperature (C) up")
    cur = amp * r
    return NaKPump(_out(r), _out(cur), _out(3.0 * cur), _out(-2.0 * cur), _out(3.0 * r),
                   _out(2.0 * r), _out(r))
