"""The fields of :class:`biophys.Solution` and :class:`biophys.Cytosol`: their units, hard limits
and physiological ranges, the standard bath and cytosol, the checks and range warnings, and the
mapping of fields onto a model's condition parameters (shared by :mod:`biophys.solution` and
:mod:`biophys._cytosol`)."""

from __future__ import annotations

import contextlib
import contextvars
import dataclasses
import functools
from collections.abc import Mapping
from typing import Any

from ._checks import checked_number, did_you_mean, unit_text
from ._model import Model
from ._warn import warn_user

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
                 "free + ATP/ADP/Pi-bound Mg2+ (other buffers not included)"),
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


#: The classes :func:`_known_keywords` decorated (``Cytosol``, ``Solution``), by name: an
#: unknown keyword of one that is a field of another is pointed there.
_FIELD_CLASSES: dict[str, type] = {}


def _known_keywords(where: str):
    """Class decorator for :class:`Cytosol` and :class:`Solution`: an unknown keyword is a
    ``TypeError`` that lists the fields with their units, suggests the closest one, and points
    a field of the other class to it (``Solution(Mg_i=...)`` -> ``cytosol=Cytosol(Mg_i=...)``)."""

    def wrap(cls):
        _FIELD_CLASSES[cls.__name__] = cls
        init = cls.__init__
        public = _public_fields(cls)
        known = {f.name for f in dataclasses.fields(cls) if f.init}

        @functools.wraps(init)
        def __init__(self, *args, **kwargs):
            for name in kwargs:
                if name not in known:
                    hint = ""
                    for other in _FIELD_CLASSES.values():
                        if other is not cls and name in _public_fields(other):
                            hint = (f"; {name} is a field of biophys.{other.__name__}"
                                    + (f": Solution(cytosol=Cytosol({name}=...))"
                                       if other.__name__ == "Cytosol" else ""))
                    raise TypeError(f"biophys.{cls.__name__}: unknown field {name!r}"
                                    f"{did_you_mean(name, public)}; its fields are "
                                    f"{', '.join(public)} ({where}){hint}")
            init(self, *args, **kwargs)

        cls.__init__ = __init__
        return cls

    return wrap
