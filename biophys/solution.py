"""The bath and the cytosol as first-class inputs: :class:`Solution` and :class:`Cytosol`.

A :class:`Solution` is an extracellular bath (K+, Na+, Ca2+, Mg2+, Cl-, temperature) and a
:class:`Cytosol` the intracellular inputs (free Mg2+, ATP, ADP, Pi, pH, and Na+/K+ where a
model takes them as fixed). Both are frozen dataclasses in mM and degrees C, validated on
construction:

* a negative or non-finite value, or zero where a logarithm needs it (K_o, Na_o, Ca_o, Cl_o
  enter Nernst potentials), is a ``ValueError`` that names the field, its unit and the valid
  range;
* a value outside the physiological range that is still physical gives a ``UserWarning``.

Baths are changed the way they are in the laboratory, by a substitution rule:
``substitution="equimolar_Na"`` lowers Na_o by the increase of K_o relative to a reference
bath (KCl replacing NaCl), ``"none"`` adds or removes K+ alone. The rule travels with the
solution (:meth:`Solution.record`) into the results' provenance, and :meth:`Solution.replace`
re-applies it, which is how sweeps over K_o use it.

:meth:`Solution.as_params` maps fields onto a model's condition parameters of the same name
(``K_o``, ``Na_o``, ``Ca_o``, ``Mg_o``, ``Cl_o``, ``temperature``, ``Mg_i``, ``ATP``, ...).
Fields the model does not have are ignored (or reported: ``on_unused="warn"``/``"raise"``).
"""

from __future__ import annotations

import dataclasses
import math
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ._model import Model

#: Substitution rules for changes of K_o.
SUBSTITUTIONS = ("none", "equimolar_Na")

# name: (unit, hard_low, low_inclusive, hard_high, physiological_low, physiological_high, why)
_BATH_LIMITS: dict[str, tuple] = {
    "K_o": ("mM", 0.0, False, 2000.0, 1.0, 60.0, "enters E_K = (RT/F) ln(K_o/K_i)"),
    "Na_o": ("mM", 0.0, False, 2000.0, 100.0, 170.0, "enters E_Na = (RT/F) ln(Na_o/Na_i)"),
    "Ca_o": ("mM", 0.0, False, 1000.0, 0.5, 10.0,
             "enters E_Ca = (RT/2F) ln(Ca_o/Ca_i); for a nominally Ca2+-free bath use a "
             "small value such as 0.001 mM"),
    "Mg_o": ("mM", 0.0, True, 1000.0, 0.1, 10.0, "may be 0 (Mg2+-free bath)"),
    "Cl_o": ("mM", 0.0, False, 2000.0, 80.0, 180.0, "enters E_Cl = -(RT/F) ln(Cl_o/Cl_i)"),
    "temperature": ("C", -5.0, True, 100.0, 4.0, 42.0, "aqueous solution"),
}
_CYTOSOL_LIMITS: dict[str, tuple] = {
    "Mg_i": ("mM", 0.0, True, 100.0, 0.1, 3.0, "free cytosolic Mg2+"),
    "ATP": ("mM", 0.0, True, 100.0, 0.5, 10.0, "total ATP"),
    "ADP": ("mM", 0.0, True, 100.0, 0.005, 3.0, "total ADP"),
    "Pi": ("mM", 0.0, True, 200.0, 0.1, 20.0, "inorganic phosphate"),
    "pH": ("1", 0.0, True, 14.0, 6.5, 7.8, "cytosolic pH"),
    "Na_i": ("mM", 0.0, False, 2000.0, 2.0, 40.0, "enters E_Na"),
    "K_i": ("mM", 0.0, False, 2000.0, 80.0, 170.0, "enters E_K"),
    "Mg_total": ("mM", 0.0, True, 200.0, 1.0, 12.0,
                 "free + ATP/ADP-bound Mg2+ (other buffers not included)"),
}


def _check(name: str, value: Any, limits: dict[str, tuple], warn: bool = True) -> float:
    unit, lo, lo_incl, hi, plo, phi, why = limits[name]
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number in {unit}, got {value!r}") from None
    lo_txt = f"{'[' if lo_incl else '('}{lo:g}, {hi:g}] {unit}"
    ok = math.isfinite(v) and (v >= lo if lo_incl else v > lo) and v <= hi
    if not ok:
        raise ValueError(f"{name} = {value!r} {unit} is outside its valid range {lo_txt} "
                         f"({why})")
    if warn and not plo <= v <= phi:
        warnings.warn(f"{name} = {v:g} {unit} is outside the physiological range "
                      f"[{plo:g}, {phi:g}] {unit}", UserWarning, stacklevel=4)
    return v


def _map_params(values: Mapping[str, float], model: Model | str, on_unused: str,
                what: str) -> dict[str, float]:
    from .models import get_model

    if on_unused not in ("ignore", "warn", "raise"):
        raise ValueError(f"on_unused = {on_unused!r} must be 'ignore', 'warn' or 'raise'")
    m = get_model(model)
    cond = set(m.condition_names)
    out = {k: float(v) for k, v in values.items() if k in cond}
    unused = sorted(k for k in values if k not in cond)
    if unused and on_unused != "ignore":
        msg = (f"{what} fields {', '.join(unused)} are not conditions of model {m.name!r} "
               f"(its conditions: {', '.join(m.condition_names) or 'none'})")
        if on_unused == "raise":
            raise ValueError(msg)
        warnings.warn(msg, UserWarning, stacklevel=3)
    return out


@dataclass(frozen=True)
class Cytosol:
    """Intracellular inputs (mM; pH dimensionless).

    Parameters
    ----------
    Mg_i : float
        Free cytosolic Mg2+, mM (textbook 0.5-1 mM).
    ATP, ADP : float
        Total ATP and ADP (all Mg2+/H+/K+-bound forms), mM.
    Pi : float
        Inorganic phosphate, mM (1.9 mM in Cha et al. 2011).
    pH : float
        Cytosolic pH.
    Na_i, K_i : float or None
        Cytosolic Na+ and K+, mM, for models that take them as fixed inputs (None: the model's
        own value or state). ``K_i`` also sets the K+ competition in the speciation (140 mM
        when None).
    """

    Mg_i: float = 0.7
    ATP: float = 3.0
    ADP: float = 0.3
    Pi: float = 1.9
    pH: float = 7.2
    Na_i: float | None = None
    K_i: float | None = None

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):
            v = getattr(self, f.name)
            if v is None and f.name in ("Na_i", "K_i"):
                continue
            object.__setattr__(self, f.name, _check(f.name, v, _CYTOSOL_LIMITS))

    @property
    def H(self) -> float:
        """Free H+, mM (``10**(3 - pH)``)."""
        return 10.0 ** (3.0 - self.pH)

    def speciation(self) -> dict[str, float]:
        """Mg.ATP, ATP4-, Mg.ADP, ADP3- in mM (:func:`biophys.physiology.mg_speciation`)."""
        from .kernels.speciation import mg_speciation

        k = 140.0 if self.K_i is None else self.K_i
        mgatp, atp4, mgadp, adp3 = mg_speciation(self.Mg_i, self.ATP, self.ADP, self.pH, k)
        return {"MgATP": mgatp, "ATP4": atp4, "MgADP": mgadp, "ADP3": adp3}

    @classmethod
    def from_total_mg(cls, Mg_total: float, **kwargs: Any) -> Cytosol:
        """Cytosol whose free Mg2+ solves the mass balance for ``Mg_total`` (mM) with ATP and
        ADP (:func:`biophys.physiology.free_mg`).

        ``Mg_total`` is free plus nucleotide-bound Mg2+ only; the cell's total Mg2+ (15-20 mM)
        also includes protein, phospholipid and other buffers that are not modelled.
        """
        from .kernels.speciation import free_mg

        base = cls(**kwargs)
        mt = _check("Mg_total", Mg_total, _CYTOSOL_LIMITS)
        k = 140.0 if base.K_i is None else base.K_i
        return dataclasses.replace(base, Mg_i=free_mg(mt, base.ATP, base.ADP, base.pH, k))

    def values(self) -> dict[str, float]:
        """Fields and derived species (``MgATP``, ``ATP4``, ``MgADP``, ``ADP3``, ``H_i``)."""
        d = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)
             if getattr(self, f.name) is not None}
        d.update(self.speciation())
        d["H_i"] = self.H
        return d

    def replace(self, **changes: Any) -> Cytosol:
        """A copy with ``changes`` applied (validated)."""
        return dataclasses.replace(self, **changes)

    def as_params(self, model: Model | str, on_unused: str = "ignore") -> dict[str, float]:
        """Condition-parameter overrides for ``model`` (fields and derived species by name)."""
        return _map_params(self.values(), model, on_unused, "cytosol")

    def record(self) -> dict[str, Any]:
        """Plain dict for provenance."""
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}


@dataclass(frozen=True)
class Solution:
    """Extracellular bath (mM, degrees C) with its substitution rule.

    Parameters
    ----------
    K_o, Ca_o, Mg_o : float
        Bath K+, Ca2+ and Mg2+, mM.
    Na_o : float, optional
        Bath Na+, mM. With ``substitution="none"`` the default is 140 mM. With
        ``"equimolar_Na"`` it is derived: ``Na_ref - (K_o - K_ref)``; giving it too is an error
        unless it agrees.
    Cl_o : float, optional
        Bath Cl-, mM. Default: electroneutral with every cation as its chloride,
        ``Na_o + K_o + 2 Ca_o + 2 Mg_o`` (re-derived whenever the bath is changed).
    temperature : float
        Degrees C.
    substitution : {"none", "equimolar_Na"}
        How K_o changes are made (see module docstring).
    reference : tuple of float
        ``(K_ref, Na_ref)`` of the reference bath of the substitution, mM (default 5.4, 140).
    cytosol : Cytosol, optional
        Intracellular inputs passed along by :meth:`as_params`.

    Examples
    --------
    >>> high_k = Solution(K_o=20.0, substitution="equimolar_Na")
    >>> high_k.Na_o
    125.4
    """

    K_o: float = 5.4
    Na_o: float | None = None
    Ca_o: float = 2.0
    Mg_o: float = 1.0
    Cl_o: float | None = None
    temperature: float = 37.0
    substitution: str = "none"
    reference: tuple[float, float] = (5.4, 140.0)
    cytosol: Cytosol | None = None
    _derived: tuple[str, ...] = field(default=(), repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.substitution not in SUBSTITUTIONS:
            raise ValueError(f"substitution = {self.substitution!r} must be one of "
                             f"{SUBSTITUTIONS}")
        try:
            k_ref, na_ref = (float(x) for x in self.reference)
        except (TypeError, ValueError):
            raise ValueError(f"reference = {self.reference!r} must be (K_ref, Na_ref) in mM") \
                from None
        if not (math.isfinite(k_ref) and math.isfinite(na_ref) and k_ref > 0 and na_ref > 0):
            raise ValueError(f"reference = {self.reference!r} must be two finite values > 0 mM")
        object.__setattr__(self, "reference", (k_ref, na_ref))
        derived = []
        k_o = _check("K_o", self.K_o, _BATH_LIMITS)
        if self.substitution == "equimolar_Na":
            na = na_ref - (k_o - k_ref)
            if na <= 0:
                raise ValueError(
                    f"K_o = {k_o:g} mM with equimolar Na+ substitution from the reference bath "
                    f"(K_ref = {k_ref:g}, Na_ref = {na_ref:g} mM) leaves Na_o = {na:g} mM; "
                    f"valid K_o range for this rule: (0, {k_ref + na_ref:g}) mM")
            if self.Na_o is not None and abs(float(self.Na_o) - na) > 1e-9 * na_ref \
                    and "Na_o" not in self._derived:
                raise ValueError(
                    f"Na_o = {self.Na_o!r} mM conflicts with substitution='equimolar_Na', which "
                    f"sets Na_o = Na_ref - (K_o - K_ref) = {na:g} mM; omit Na_o or use "
                    f"substitution='none'")
            derived.append("Na_o")
        else:
            na = 140.0 if self.Na_o is None or "Na_o" in self._derived else self.Na_o
            if self.Na_o is None or "Na_o" in self._derived:
                derived.append("Na_o")
        object.__setattr__(self, "K_o", k_o)
        object.__setattr__(self, "Na_o", _check("Na_o", na, _BATH_LIMITS))
        for name in ("Ca_o", "Mg_o", "temperature"):
            object.__setattr__(self, name, _check(name, getattr(self, name), _BATH_LIMITS))
        if self.Cl_o is None or "Cl_o" in self._derived:
            cl = self.Na_o + self.K_o + 2.0 * (self.Ca_o + self.Mg_o)
            derived.append("Cl_o")
        else:
            cl = self.Cl_o
        # a derived Cl_o follows the cations: no physiological-range warning of its own
        object.__setattr__(self, "Cl_o", _check("Cl_o", cl, _BATH_LIMITS,
                                                warn="Cl_o" not in derived))
        if self.cytosol is not None and not isinstance(self.cytosol, Cytosol):
            raise ValueError("cytosol must be a biophys.Cytosol or None")
        object.__setattr__(self, "_derived", tuple(derived))

    # -- changing the bath ----------------------------------------------------------------
    def replace(self, **changes: Any) -> Solution:
        """A copy with ``changes`` applied and the substitution rule re-applied.

        Derived fields (Na_o under ``"equimolar_Na"``, Cl_o when not given) are recomputed;
        fields of the :class:`Cytosol` (``Mg_i``, ``ATP``, ...) are routed to it.
        """
        cyt_names = {f.name for f in dataclasses.fields(Cytosol)}
        cyt = {k: changes.pop(k) for k in list(changes) if k in cyt_names}
        names = {f.name for f in dataclasses.fields(self)} - {"_derived"}
        bad = sorted(set(changes) - names)
        if bad:
            raise ValueError(f"Solution has no field(s) {', '.join(bad)}; fields: "
                             f"{', '.join(sorted(names | cyt_names))}")
        kw = {n: getattr(self, n) for n in names}
        keep = [d for d in self._derived if d not in changes]
        for d in keep:
            kw[d] = None
        kw.update(changes)
        if cyt:
            kw["cytosol"] = (self.cytosol or Cytosol()).replace(**cyt)
        return Solution(**kw)

    # -- model parameters -----------------------------------------------------------------
    @property
    def monovalent(self) -> float:
        """Total 1:1 salt (Na+ + K+), mM, for the surface-potential calculation."""
        return self.Na_o + self.K_o

    def values(self) -> dict[str, float]:
        """Bath fields, plus the cytosol's (and its derived species) when present."""
        d = {n: getattr(self, n) for n in ("K_o", "Na_o", "Ca_o", "Mg_o", "Cl_o",
                                           "temperature")}
        if self.cytosol is not None:
            d.update(self.cytosol.values())
        return d

    def as_params(self, model: Model | str, on_unused: str = "ignore") -> dict[str, float]:
        """Overrides for ``model``'s condition parameters whose names match a field.

        Parameters
        ----------
        model : Model or str
        on_unused : {"ignore", "warn", "raise"}
            What to do with fields the model has no condition parameter for.
        """
        return _map_params(self.values(), model, on_unused, "solution")

    def unused(self, model: Model | str) -> list[str]:
        """Fields that ``model`` has no condition parameter for."""
        from .models import get_model

        cond = set(get_model(model).condition_names)
        return sorted(k for k in self.values() if k not in cond)

    # -- provenance ------------------------------------------------------------------------
    def describe_substitution(self) -> str:
        """One-line description of the substitution rule."""
        k_ref, na_ref = self.reference
        if self.substitution == "equimolar_Na":
            return (f"equimolar_Na: Na_o = {na_ref:g} - (K_o - {k_ref:g}) mM (KCl replaces "
                    f"NaCl relative to the reference bath K_o = {k_ref:g}, Na_o = {na_ref:g} mM)")
        return "none: K_o changed alone, Na_o fixed"

    def record(self) -> dict[str, Any]:
        """Plain (JSON-serialisable) dict of the bath, the rule and what was derived."""
        k_ref, na_ref = self.reference
        rec: dict[str, Any] = {k: getattr(self, k) for k in ("K_o", "Na_o", "Ca_o", "Mg_o",
                                                             "Cl_o", "temperature")}
        rec["units"] = "mM; temperature C"
        rec["substitution"] = self.substitution
        rec["substitution_rule"] = self.describe_substitution()
        rec["reference_K_o"] = k_ref
        rec["reference_Na_o"] = na_ref
        rec["derived"] = list(self._derived)
        if "Cl_o" in self._derived:
            rec["Cl_o_rule"] = "electroneutral: Na_o + K_o + 2 Ca_o + 2 Mg_o (all chlorides)"
        if self.cytosol is not None:
            rec["cytosol"] = self.cytosol.record()
        return rec


def gating_shift(solution: Solution, reference: Solution | None = None,
                 sigma: float | None = None) -> float:
    """Depolarising gating shift (mV) of ``solution`` relative to ``reference`` (default: the
    standard ``Solution()``) by Grahame screening (:func:`biophys.physiology.gating_shift`)."""
    from .kernels.surface import DEFAULT_SIGMA
    from .kernels.surface import gating_shift as _shift

    ref = Solution() if reference is None else reference
    s = DEFAULT_SIGMA if sigma is None else float(sigma)
    return _shift(solution.monovalent, solution.Ca_o, solution.Mg_o, s, solution.temperature,
                  ref.monovalent, ref.Ca_o, ref.Mg_o)
