"""The bath and the cytosol as first-class inputs: :class:`Solution` and :class:`Cytosol`.

A :class:`Solution` is an extracellular bath (K+, Na+, Ca2+, Mg2+, Cl-, temperature) and a
:class:`Cytosol` the intracellular inputs (free Mg2+, ATP, ADP, Pi, pH, and Na+/K+ where a
model takes them as fixed). Both are frozen dataclasses in mM and degrees C.

**A field left out is the model's own value.** Every field defaults to ``None``, and
:meth:`Solution.resolve` fills it from the condition parameter of the same name of the model
being run (``Solution(Mg_o=0.5)`` changes the bath's Mg2+ and nothing else: the hh1952 axon
keeps its 6.3 C, the beta-cell its 2.6 mM Ca2+). Where a model has no such parameter the field
does not affect it; derivations that need it then use :data:`STANDARD_BATH`.

Given values are validated on construction:

* a negative or non-finite value, or zero where a logarithm needs it (K_o, Na_o, Ca_o, Cl_o
  enter Nernst potentials), is a ``ValueError`` that names the field, its unit and the valid
  range;
* a value outside the physiological range that is still physical gives a ``UserWarning``.

:func:`biophys.simulate` and :func:`biophys.sweep` give the same warning for the parameters
of those names set directly (``params=``, a mapping ``conditions=``, sweep axes), once per
parameter and call (:func:`biophys._bath.warn_outside_range`).

Baths are changed the way they are in the laboratory, by a substitution rule:
``substitution="equimolar_Na"`` lowers Na_o by the increase of K_o relative to a reference
bath (KCl replacing NaCl; by default the reference is the model's own bath), ``"none"`` adds or
removes K+ alone. The rule travels with the solution (:meth:`Solution.record`) into the
results' provenance, and :meth:`Solution.replace` re-applies it, which is how sweeps over K_o
use it.

:meth:`Solution.as_params` maps the given and derived fields onto a model's condition
parameters of the same name (``K_o``, ``Na_o``, ``Ca_o``, ``Mg_o``, ``Cl_o``,
``temperature``, ``Mg_i``, ``ATP``, ...; a cytosol's ``pH`` and ``Pi`` also map onto
``pH_i`` and ``Pi_i``). Fields the model does not have are ignored (or reported:
``on_unused="warn"``/``"raise"``); the runs (:func:`biophys.simulate`, :func:`biophys.sweep`
...) warn about the given ones and record them as ``unused``.
"""

from __future__ import annotations

import contextlib
import contextvars
import dataclasses
import functools
import math
import numbers
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ._checks import checked_number, did_you_mean, unit_text
from ._model import Model
from ._warn import warn_user

#: Substitution rules for changes of K_o.
SUBSTITUTIONS = ("none", "equimolar_Na")

#: A standard bath (mM; temperature C): the reference of :func:`gating_shift`, and the values
#: used for a field that neither the user nor the model gives (mammalian Krebs-Ringer-type
#: saline, chosen here).
STANDARD_BATH: dict[str, float] = {"K_o": 5.4, "Na_o": 140.0, "Ca_o": 2.0, "Mg_o": 1.0,
                                   "temperature": 37.0}

#: A standard cytosol (mM; pH), used only by :meth:`Cytosol.standard` (Pi from Cha et al.
#: 2011; the others textbook values chosen here).
STANDARD_CYTOSOL: dict[str, float] = {"Mg_i": 0.7, "ATP": 3.0, "ADP": 0.3, "Pi": 1.9,
                                      "pH": 7.2}

#: Cytosol fields that models name differently (field: parameter names tried in order).
_ALIASES: dict[str, tuple[str, ...]] = {"pH": ("pH", "pH_i"), "Pi": ("Pi", "Pi_i")}

_BATH = ("K_o", "Na_o", "Ca_o", "Mg_o", "Cl_o", "temperature")

# True while resolve() rebuilds a bath or cytosol from values already checked (or the
# model's own): no range warnings then (they were given when the user's object was made).
_QUIET: contextvars.ContextVar[bool] = contextvars.ContextVar("biophys_solution_quiet",
                                                               default=False)

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


def declared_unit(name: str) -> str | None:
    """The unit of a :class:`Solution` or :class:`Cytosol` field as declared (``"mM"``,
    ``"1"``), or None if ``name`` is not a field."""
    for table in (_BATH_LIMITS, _CYTOSOL_LIMITS):
        if name in table:
            return table[name][0]
    return None


def field_unit(name: str) -> str | None:
    """The unit of a :class:`Solution` or :class:`Cytosol` field as a message prints it, or
    None if ``name`` is not a field."""
    unit = declared_unit(name)
    return None if unit is None else unit_text(unit)


def _range_text(name: str, shown: str, unit: str, plo: float, phi: float,
                note: str = "") -> str:
    """The physiological-range warning: ``name = shown unit[note] is outside ...``."""
    u = unit_text(unit)
    return f"{name} = {shown} {u}{note} is outside the physiological range [{plo:g}, {phi:g}] {u}"


def _check(name: str, value: Any, limits: dict[str, tuple], warn: bool = True) -> float:
    unit, lo, lo_incl, hi, plo, phi, why = limits[name]
    v = checked_number(value, name, unit, lo, hi, low_open=not lo_incl, note=f" ({why})")
    if warn and not _QUIET.get() and not plo <= v <= phi:
        warn_user(_range_text(name, f"{v:g}", unit, plo, phi))
    return v


@contextlib.contextmanager
def _quiet():
    """No physiological-range warnings inside the block."""
    token = _QUIET.set(True)
    try:
        yield
    finally:
        _QUIET.reset(token)


def _quiet_then_check(make, old, names, limits: dict[str, tuple]):
    """``make()`` without range warnings, then warn for the fields whose value differs from
    ``old``'s (a sweep changing one field is not warned again about the others)."""
    with _quiet():
        new = make()
    derived = getattr(new, "_derived", ())
    for n in names:
        v = getattr(new, n)
        # a derived Cl_o follows the cations and is not warned about (as on construction)
        if v is not None and v != getattr(old, n) and (n == "Na_o" or n not in derived):
            _check(n, v, limits)
    return new


def _own_values(model: Model | str | None) -> tuple[Model | None, dict[str, float]]:
    """The model and its own values of the condition parameters (by parameter name)."""
    if model is None:
        return None, {}
    from .models import get_model

    m = get_model(model)
    return m, {n: m.parameter(n).value for n in m.condition_names}


def _param_name(name: str, cond: Mapping[str, Any] | set[str]) -> str | None:
    """The model parameter a field maps onto (``pH`` -> ``pH_i`` ...), or None."""
    for p in _ALIASES.get(name, (name,)):
        if p in cond:
            return p
    return None


def _map_params(values: Mapping[str, float], model: Model | str, on_unused: str,
                what: str, report: set[str]) -> dict[str, float]:
    """``values`` by the model's parameter names; fields the model lacks are dropped and, if
    in ``report`` (the fields the user gave), reported as ``on_unused`` says."""
    from .models import get_model

    if on_unused not in ("ignore", "warn", "raise"):
        raise ValueError(f"on_unused = {on_unused!r} must be 'ignore', 'warn' or 'raise'")
    m = get_model(model)
    cond = set(m.condition_names)
    out = {}
    unused = []
    for k, v in values.items():
        p = _param_name(k, cond)
        if p is None:
            if k in report:
                unused.append(k)
        else:
            out[p] = float(v)
    if unused and on_unused != "ignore":
        units = {k: field_unit(k) for k in unused}
        shown = [f"{k} = {values[k]:g}" + ("" if units[k] in (None, "(dimensionless)")
                                           else f" {units[k]}") for k in sorted(unused)]
        msg = (f"{what} field{'s' if len(unused) > 1 else ''} {', '.join(shown)} not applied: "
               f"model {m.name!r} has no such condition (its conditions: "
               f"{', '.join(m.condition_names) or 'none'})")
        if on_unused == "raise":
            raise ValueError(msg)
        warn_user(msg)
    return out


def _public_fields(cls) -> list[str]:
    return [f.name for f in dataclasses.fields(cls) if f.init and not f.name.startswith("_")]


def _known_keywords(where: str):
    """Class decorator for :class:`Cytosol` and :class:`Solution`: an unknown keyword is a
    ``TypeError`` that lists the fields with their units, suggests the closest one, and points
    a field of the other class to it (``Solution(Mg_i=...)`` -> ``cytosol=Cytosol(Mg_i=...)``)."""

    def wrap(cls):
        init = cls.__init__
        public = _public_fields(cls)
        known = {f.name for f in dataclasses.fields(cls) if f.init}

        @functools.wraps(init)
        def __init__(self, *args, **kwargs):
            for name in kwargs:
                if name not in known:
                    other = Solution if cls is Cytosol else Cytosol
                    hint = ""
                    if name in _public_fields(other):
                        hint = (f"; {name} is a field of biophys.{other.__name__}"
                                + ("" if cls is Cytosol
                                   else f": Solution(cytosol=Cytosol({name}=...))"))
                    raise TypeError(f"biophys.{cls.__name__}: unknown field {name!r}"
                                    f"{did_you_mean(name, public)}; its fields are "
                                    f"{', '.join(public)} ({where}){hint}")
            init(self, *args, **kwargs)

        cls.__init__ = __init__
        return cls

    return wrap


@_known_keywords("mM; pH dimensionless")
@dataclass(frozen=True)
class Cytosol:
    """Intracellular inputs (mM; pH dimensionless). A field left as None is the model's own
    value (see the module docstring).

    Parameters
    ----------
    Mg_i : float or None
        Free cytosolic Mg2+, mM (textbook 0.5-1 mM).
    ATP, ADP : float or None
        Total ATP and ADP (all Mg2+/H+/K+-bound forms), mM.
    Pi : float or None
        Inorganic phosphate, mM (1.9 mM in Cha et al. 2011); maps onto ``Pi`` or ``Pi_i``.
    pH : float or None
        Cytosolic pH; maps onto ``pH`` or ``pH_i``.
    Na_i, K_i : float or None
        Cytosolic Na+ and K+, mM, for models that take them as fixed inputs. ``K_i`` also sets
        the K+ competition in the speciation (140 mM when None).
    """

    Mg_i: float | None = None
    ATP: float | None = None
    ADP: float | None = None
    Pi: float | None = None
    pH: float | None = None
    Na_i: float | None = None
    K_i: float | None = None
    #: fields that :meth:`resolve` filled with the model's values (provenance only)
    _from_model: tuple[str, ...] = field(default=(), init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for f in self._fields():
            v = getattr(self, f)
            if v is not None:
                object.__setattr__(self, f, _check(f, v, _CYTOSOL_LIMITS))

    @classmethod
    def _fields(cls) -> list[str]:
        return _public_fields(cls)

    @classmethod
    def standard(cls) -> Cytosol:
        """A fully specified cytosol with :data:`STANDARD_CYTOSOL`."""
        return cls(**STANDARD_CYTOSOL)

    @property
    def H(self) -> float:
        """Free H+, mM (``10**(3 - pH)``)."""
        if self.pH is None:
            raise ValueError("H needs pH (None: the model's own value; use resolve(model))")
        return 10.0 ** (3.0 - self.pH)

    def _missing(self, names: tuple[str, ...]) -> list[str]:
        return [n for n in names if getattr(self, n) is None]

    def speciation(self) -> dict[str, float]:
        """Mg.ATP, ATP4-, Mg.ADP, ADP3- in mM (:func:`biophys.physiology.mg_speciation`).

        Needs Mg_i, ATP, ADP and pH: give them, or :meth:`resolve` against a model that has
        them, or start from :meth:`standard`.
        """
        from .kernels.speciation import mg_speciation

        missing = self._missing(("Mg_i", "ATP", "ADP", "pH"))
        if missing:
            raise ValueError(f"speciation needs Mg_i, ATP, ADP and pH; {', '.join(missing)} "
                             "not given (None means the model's own value: use "
                             "resolve(model), or Cytosol.standard().replace(...))")
        k = 140.0 if self.K_i is None else self.K_i
        mgatp, atp4, mgadp, adp3 = mg_speciation(self.Mg_i, self.ATP, self.ADP, self.pH, k)
        return {"MgATP": mgatp, "ATP4": atp4, "MgADP": mgadp, "ADP3": adp3}

    @classmethod
    def from_total_mg(cls, Mg_total: float, model: Model | str | None = None,
                      **kwargs: Any) -> Cytosol:
        """Cytosol whose free Mg2+ solves the mass balance for ``Mg_total`` (mM) with ATP and
        ADP (:func:`biophys.physiology.free_mg`).

        ATP, ADP and pH come from ``kwargs``, else from ``model``'s own condition parameters;
        one known from neither is an error (a model whose ATP and ADP are states, like
        ``beta_cell``, needs them given). ``Mg_total`` is free plus nucleotide-bound Mg2+
        only; the cell's total Mg2+ (15-20 mM) also includes protein, phospholipid and other
        buffers that are not modelled.
        """
        from .kernels.speciation import free_mg

        base = cls(**kwargs)
        if model is not None:
            base = base.resolve(model)
        missing = base._missing(("ATP", "ADP", "pH"))
        if missing:
            where = (f"model {model if isinstance(model, str) else model.name!r} has no such "
                     "condition" if model is not None else "no model= given")
            raise ValueError(f"from_total_mg needs ATP, ADP and pH (mM, mM, pH units); "
                             f"{', '.join(missing)} not given and {where}")
        mt = _check("Mg_total", Mg_total, _CYTOSOL_LIMITS)
        k = 140.0 if base.K_i is None else base.K_i
        return dataclasses.replace(base, Mg_i=free_mg(mt, base.ATP, base.ADP, base.pH, k))

    def resolve(self, model: Model | str) -> Cytosol:
        """A copy whose None fields hold ``model``'s own values (fields the model has no
        condition parameter for stay None)."""
        _, own = _own_values(model)
        fill = {}
        for n in self._fields():
            p = _param_name(n, own)
            if getattr(self, n) is None and p is not None:
                fill[n] = own[p]
        with _quiet():
            out = dataclasses.replace(self, **fill)
        object.__setattr__(out, "_from_model", tuple(fill))
        return out

    def values(self) -> dict[str, float]:
        """Given fields, and the derived species (``MgATP``, ``ATP4``, ``MgADP``, ``ADP3``,
        ``H_i``) when Mg_i, ATP, ADP and pH are all known."""
        d = {n: getattr(self, n) for n in self._fields() if getattr(self, n) is not None}
        if not self._missing(("Mg_i", "ATP", "ADP", "pH")):
            d.update(self.speciation())
            d["H_i"] = self.H
        return d

    def replace(self, **changes: Any) -> Cytosol:
        """A copy with ``changes`` applied (validated; only changed values are range-warned)."""
        return _quiet_then_check(lambda: dataclasses.replace(self, **changes), self,
                                 self._fields(), _CYTOSOL_LIMITS)

    def as_params(self, model: Model | str, on_unused: str = "ignore") -> dict[str, float]:
        """Condition-parameter overrides for ``model``: the given fields, and derived species
        that the model takes as conditions (computed with the model's own values for the
        fields not given)."""
        given = set(self._given())
        vals = {k: v for k, v in self.resolve(model).values().items()
                if k in given or k not in self._fields()}  # given fields, derived species
        return _map_params(vals, model, on_unused, "Cytosol", report=given)

    def _given(self) -> list[str]:
        return [n for n in self._fields() if getattr(self, n) is not None]

    def record(self) -> dict[str, Any]:
        """Plain dict for provenance (None: the model's own value)."""
        rec: dict[str, Any] = {n: getattr(self, n) for n in self._fields()}
        if self._from_model:
            rec["from_model"] = list(self._from_model)
        return rec


@_known_keywords("mM; temperature in degrees C")
@dataclass(frozen=True)
class Solution:
    """Extracellular bath (mM, degrees C) with its substitution rule. A field left as None is
    the model's own value (see the module docstring).

    Parameters
    ----------
    K_o, Ca_o, Mg_o : float or None
        Bath K+, Ca2+ and Mg2+, mM.
    Na_o : float or None
        Bath Na+, mM. With ``substitution="equimolar_Na"`` it is derived:
        ``Na_ref - (K_o - K_ref)``; given with K_o and no ``reference``, the two are the
        reference bath; given with a ``reference`` it is an error unless it agrees.
    Cl_o : float or None
        Bath Cl-, mM. Default: electroneutral with every cation as its chloride,
        ``Na_o + K_o + 2 Ca_o + 2 Mg_o`` (re-derived whenever the bath is changed).
    temperature : float or None
        Degrees C.
    substitution : {"none", "equimolar_Na"}
        How K_o changes are made (see module docstring).
    reference : tuple of float or None
        ``(K_ref, Na_ref)`` of the reference bath of the substitution, mM. None: the given
        ``(K_o, Na_o)`` when both are given, else the model's own K_o and Na_o
        (:data:`STANDARD_BATH` for a model without them).
    cytosol : Cytosol, optional
        Intracellular inputs passed along by :meth:`as_params`.

    Examples
    --------
    >>> high_k = Solution(K_o=20.0, substitution="equimolar_Na", reference=(5.4, 140.0))
    >>> high_k.Na_o
    125.4
    """

    K_o: float | None = None
    Na_o: float | None = None
    Ca_o: float | None = None
    Mg_o: float | None = None
    Cl_o: float | None = None
    temperature: float | None = None
    substitution: str = "none"
    reference: tuple[float, float] | None = None
    cytosol: Cytosol | None = None
    _derived: tuple[str, ...] = field(default=(), repr=False, compare=False)
    #: fields that :meth:`resolve` filled with the model's values (provenance only)
    _from_model: tuple[str, ...] = field(default=(), init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.substitution not in SUBSTITUTIONS:
            raise ValueError(f"substitution = {self.substitution!r} must be one of "
                             f"{SUBSTITUTIONS}")
        if self.reference is not None:
            try:
                pair = tuple(self.reference)
            except TypeError:
                pair = ()
            if len(pair) != 2 or not all(isinstance(x, numbers.Real)
                                         and not isinstance(x, bool) for x in pair):
                raise ValueError(f"reference = {self.reference!r} must be (K_ref, Na_ref), two "
                                 "numbers in mM, or None for the model's own bath")
            k_ref, na_ref = (float(x) for x in pair)
            if not (math.isfinite(k_ref) and math.isfinite(na_ref) and k_ref > 0
                    and na_ref > 0):
                raise ValueError(f"reference = {self.reference!r} must be two finite values "
                                 "> 0 mM")
            object.__setattr__(self, "reference", (k_ref, na_ref))
        for name in ("K_o", "Ca_o", "Mg_o", "temperature"):
            if getattr(self, name) is not None:
                object.__setattr__(self, name, _check(name, getattr(self, name), _BATH_LIMITS))
        derived = []
        na = None if "Na_o" in self._derived else self.Na_o
        if na is not None:  # a given Na_o is a number in range before any rule reads it
            na = _check("Na_o", na, _BATH_LIMITS, warn=False)  # warned below
        if self.substitution == "equimolar_Na":
            derived.append("Na_o")
            if na is not None and self.K_o is None:
                raise ValueError(
                    f"Na_o = {na!r} mM with substitution='equimolar_Na' needs K_o too: with "
                    "no reference the two are the reference bath of the rule, with one Na_o is "
                    "checked against it (or omit Na_o: the rule derives it)")
            if na is not None and self.reference is None:
                object.__setattr__(self, "reference", (self.K_o, na))
            if self.K_o is not None and self.reference is not None:
                k_ref, na_ref = self.reference
                rule = na_ref - (self.K_o - k_ref)
                if rule <= 0:
                    raise ValueError(
                        f"K_o = {self.K_o:g} mM with equimolar Na+ substitution from the "
                        f"reference bath (K_ref = {k_ref:g}, Na_ref = {na_ref:g} mM) leaves "
                        f"Na_o = {rule:g} mM; valid K_o range for this rule: "
                        f"(0, {k_ref + na_ref:g}) mM")
                if na is not None and abs(na - rule) > 1e-9 * na_ref:
                    raise ValueError(
                        f"Na_o = {na!r} mM conflicts with substitution='equimolar_Na', which "
                        f"sets Na_o = Na_ref - (K_o - K_ref) = {rule:g} mM; omit Na_o or use "
                        f"substitution='none'")
                na = rule
        if na is not None:
            na = _check("Na_o", na, _BATH_LIMITS)
        object.__setattr__(self, "Na_o", na)
        cl = None if "Cl_o" in self._derived else self.Cl_o
        if cl is None:
            derived.append("Cl_o")
            parts = (self.Na_o, self.K_o, self.Ca_o, self.Mg_o)
            if all(p is not None for p in parts):
                cl = self.Na_o + self.K_o + 2.0 * (self.Ca_o + self.Mg_o)
        if cl is not None:
            # a derived Cl_o follows the cations: no physiological-range warning of its own
            cl = _check("Cl_o", cl, _BATH_LIMITS, warn="Cl_o" not in derived)
        object.__setattr__(self, "Cl_o", cl)
        if self.cytosol is not None and not isinstance(self.cytosol, Cytosol):
            raise ValueError("cytosol must be a biophys.Cytosol or None")
        object.__setattr__(self, "_derived", tuple(derived))

    @classmethod
    def standard(cls, **changes: Any) -> Solution:
        """The fully specified :data:`STANDARD_BATH` (reference (5.4, 140) mM), with
        ``changes``."""
        kw: dict[str, Any] = dict(STANDARD_BATH)
        kw["Na_o"] = None if changes.get("substitution") == "equimolar_Na" else kw["Na_o"]
        kw["reference"] = (STANDARD_BATH["K_o"], STANDARD_BATH["Na_o"])
        kw.update(changes)
        return cls(**kw)

    # -- changing the bath ----------------------------------------------------------------
    def replace(self, **changes: Any) -> Solution:
        """A copy with ``changes`` applied and the substitution rule re-applied.

        Derived fields (Na_o under ``"equimolar_Na"``, Cl_o when not given) are recomputed;
        fields of the :class:`Cytosol` (``Mg_i``, ``ATP``, ...) are routed to it.
        """
        cyt_names = set(Cytosol._fields())
        cyt = {k: changes.pop(k) for k in list(changes) if k in cyt_names}
        names = {f.name for f in dataclasses.fields(self)} - {"_derived", "_from_model"}
        bad = sorted(set(changes) - names)
        if bad:
            raise ValueError(f"Solution has no field(s) {', '.join(bad)}; fields: "
                             f"{', '.join(sorted(names | cyt_names))}")
        kw = {n: getattr(self, n) for n in names}
        for d in self._derived:
            if d not in changes:
                kw[d] = None
        rule = changes.get("substitution", self.substitution)
        if rule != self.substitution and "Na_o" not in changes and self.Na_o is not None:
            if rule == "equimolar_Na":
                # the rule derives Na_o; without a reference it starts from this bath (with
                # neither a reference nor K_o, Na_o stays given and the rule refuses it, as
                # Solution(Na_o=..., substitution="equimolar_Na") does)
                if self.reference is None and self.K_o is not None:
                    kw["reference"] = (self.K_o, self.Na_o)
                if kw["reference"] is not None:
                    kw["Na_o"] = None
            elif rule == "none":
                kw["Na_o"] = self.Na_o  # the bath's Na+ stays where the rule left it
        kw.update(changes)
        if cyt:
            kw["cytosol"] = (self.cytosol or Cytosol()).replace(**cyt)
        return _quiet_then_check(lambda: Solution(**kw), self, _BATH, _BATH_LIMITS)

    def resolve(self, model: Model | str | None) -> Solution:
        """A fully specified copy: each None field takes ``model``'s own value, or the
        :data:`STANDARD_BATH` value if the model has no such condition (``model=None``: the
        standard bath for all); a None ``reference`` becomes the model's own (K_o, Na_o).
        The rule and electroneutrality are then re-applied. The cytosol is resolved too."""
        m, own = _own_values(model)
        kw: dict[str, Any] = {n: getattr(self, n) for n in _BATH}
        for d in self._derived:
            kw[d] = None
        base = {n: own.get(n, STANDARD_BATH.get(n)) for n in STANDARD_BATH}
        from_model = []
        for n in ("K_o", "Ca_o", "Mg_o", "temperature", "Na_o", "Cl_o"):
            rule_sets_it = (n == "Na_o" and self.substitution == "equimolar_Na"
                            or n == "Cl_o" and "Cl_o" not in own)
            if kw[n] is None and not rule_sets_it:
                kw[n] = base.get(n, own.get(n))
                if n in own:
                    from_model.append(n)
        ref = self.reference if self.reference is not None else (base["K_o"], base["Na_o"])
        cyt = self.cytosol.resolve(m) if (self.cytosol is not None and m is not None) \
            else self.cytosol
        with _quiet():  # values already checked, or the model's own
            out = Solution(**kw, substitution=self.substitution, reference=ref, cytosol=cyt)
        object.__setattr__(out, "_from_model", tuple(from_model))
        return out

    # -- model parameters -----------------------------------------------------------------
    @property
    def monovalent(self) -> float:
        """Total 1:1 salt (Na+ + K+), mM, for the surface-potential calculation."""
        if self.Na_o is None or self.K_o is None:
            raise ValueError("monovalent needs Na_o and K_o (None means the model's own "
                             "value: use resolve(model))")
        return self.Na_o + self.K_o

    def values(self) -> dict[str, float]:
        """Given and derived bath fields (None ones left out), plus the cytosol's."""
        d = {n: getattr(self, n) for n in _BATH if getattr(self, n) is not None}
        if self.cytosol is not None:
            d.update(self.cytosol.values())
        return d

    def as_params(self, model: Model | str, on_unused: str = "ignore") -> dict[str, float]:
        """Overrides for ``model``'s condition parameters: the given fields and the ones the
        rules derive (computed with the model's own values where a field is None).

        Parameters
        ----------
        model : Model or str
        on_unused : {"ignore", "warn", "raise"}
            What to do with given fields the model has no condition parameter for.
        """
        r = self.resolve(model)
        if self.Na_o is None and "Na_o" in r._derived:  # derived only now: check its range
            _check("Na_o", r.Na_o, _BATH_LIMITS)
        given = set(self._given())
        keep = given | {d for d in r._derived if getattr(r, d) is not None}
        vals = {k: v for k, v in r.values().items()
                if k in keep or k not in _BATH and k not in Cytosol._fields()}
        return _map_params(vals, model, on_unused, "Solution", report=given)

    def _given(self) -> list[str]:
        """Fields given by the user (not derived), the cytosol's included."""
        out = [n for n in _BATH if getattr(self, n) is not None and n not in self._derived]
        return out + (self.cytosol._given() if self.cytosol is not None else [])

    def unused(self, model: Model | str) -> list[str]:
        """Given fields that ``model`` has no condition parameter for."""
        _, own = _own_values(model)
        return sorted(k for k in self._given() if _param_name(k, own) is None)

    # -- provenance ------------------------------------------------------------------------
    def describe_substitution(self) -> str:
        """One-line description of the substitution rule."""
        if self.substitution == "equimolar_Na":
            if self.reference is None:
                return ("equimolar_Na: Na_o = Na_ref - (K_o - K_ref) (KCl replaces NaCl "
                        "relative to the model's own bath K_ref, Na_ref)")
            k_ref, na_ref = self.reference
            return (f"equimolar_Na: Na_o = {na_ref:g} - (K_o - {k_ref:g}) mM (KCl replaces "
                    f"NaCl relative to the reference bath K_o = {k_ref:g}, Na_o = {na_ref:g} mM)")
        return "none: K_o changed alone, Na_o fixed"

    def record(self) -> dict[str, Any]:
        """Plain (JSON-serialisable) dict of the bath, the rule and what was derived (a None
        field is the model's own value; after :meth:`resolve`, ``from_model`` lists them)."""
        rec: dict[str, Any] = {k: getattr(self, k) for k in _BATH}
        rec["units"] = "mM; temperature C"
        rec["substitution"] = self.substitution
        rec["substitution_rule"] = self.describe_substitution()
        k_ref, na_ref = self.reference if self.reference is not None else (None, None)
        rec["reference_K_o"] = k_ref
        rec["reference_Na_o"] = na_ref
        rec["derived"] = list(self._derived)
        rec["from_model"] = list(self._from_model)
        if "Cl_o" in self._derived:
            rec["Cl_o_rule"] = "electroneutral: Na_o + K_o + 2 Ca_o + 2 Mg_o (all chlorides)"
        if self.cytosol is not None:
            rec["cytosol"] = self.cytosol.record()
        return rec


def gating_shift(solution: Solution, reference: Solution | None = None,
                 sigma: float | None = None) -> float:
    """Depolarising gating shift (mV) of ``solution`` relative to ``reference`` (default: the
    standard bath, :meth:`Solution.standard`) by Grahame screening
    (:func:`biophys.physiology.gating_shift`). Fields left as None take the
    :data:`STANDARD_BATH` values."""
    from .kernels.surface import DEFAULT_SIGMA
    from .kernels.surface import gating_shift as _shift

    sol = solution.resolve(None)
    ref = Solution.standard() if reference is None else reference.resolve(None)
    # the range physiology.surface_potential takes
    s = DEFAULT_SIGMA if sigma is None else checked_number(sigma, "sigma", "e/A^2", -1.0, 1.0)
    return _shift(sol.monovalent, sol.Ca_o, sol.Mg_o, s, sol.temperature,
                  ref.monovalent, ref.Ca_o, ref.Mg_o)
