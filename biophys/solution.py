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
* a value outside the physiological range that is still physical gives a ``UserWarning``;
* a ``reference`` given with ``substitution="none"`` (no rule reads it) is a ``ValueError``.

:func:`biophys.simulate` and :func:`biophys.sweep` give the same warning for the parameters
of those names set directly (``params=``, a mapping ``conditions=``, sweep axes), once per
parameter and call (:func:`biophys._bath.warn_outside_range`).

Baths are changed the way they are in the laboratory, by a substitution rule that says how
NaCl makes up for a change of the other salts relative to a reference bath (by default the
model's own bath). Every salt is a chloride, and Cl_o follows the cations:

* ``"none"``: K+ (or any ion) is added or removed alone, Na_o stays.
* ``"equimolar_Na"``: KCl replaces NaCl, ``Na_o = Na_ref - (K_o - K_ref)``; Ca2+ and Mg2+
  changes are not made up for.
* ``"constant_osmolarity"``: NaCl keeps the bath's ideal osmolarity (every salt fully
  dissociated, osmotic coefficients 1: 2 osmol per mol of NaCl or KCl, 3 of CaCl2 or MgCl2),
  ``Na_o = Na_ref - (K_o - K_ref) - 1.5 (Ca_o - Ca_ref) - 1.5 (Mg_o - Mg_ref)``.
* ``"constant_ionic_strength"``: NaCl keeps the ionic strength ``I = 1/2 sum c z^2`` (1 per mM
  of NaCl or KCl, 3 of CaCl2 or MgCl2), ``Na_o = Na_ref - (K_o - K_ref) - 3 (Ca_o - Ca_ref)
  - 3 (Mg_o - Mg_ref)``.

For K+ changes the last three agree (KCl and NaCl are both 1:1 salts); they differ when Ca2+
or Mg2+ changes (a Mg2+-free bath at constant osmolarity has 1.5 mM more NaCl per mM of MgCl2
left out). The two constant-bath rules derive Cl_o themselves (a given Cl_o is refused: the
rules hold for chloride salts). These are bookkeeping rules of the bath's composition, chosen
here; laboratories also keep osmolarity with sucrose or mannitol, which no model here sees.
The rule travels with the solution (:meth:`Solution.record`) into the results' provenance, and
:meth:`Solution.replace` re-applies it, which is how sweeps over K_o, Ca_o and Mg_o use it.

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
import math
import numbers
from dataclasses import dataclass, field
from typing import Any

from ._checks import checked_number
from ._cytosol import Cytosol
from ._fields import (
    _BATH,
    _BATH_LIMITS,
    STANDARD_BATH,
    STANDARD_CYTOSOL,
    _check,
    _known_keywords,
    _map_params,
    _own_values,
    _param_name,
    _quiet,
    _quiet_then_check,
    declared_unit,
    field_unit,
)
from ._model import Model

__all__ = ["SUBSTITUTIONS", "STANDARD_BATH", "STANDARD_CYTOSOL", "Cytosol", "Solution",
           "declared_unit", "field_unit", "gating_shift"]

#: Substitution rules: how NaCl makes up for changes of K_o (and Ca_o, Mg_o); see the module
#: docstring.
SUBSTITUTIONS = ("none", "equimolar_Na", "constant_osmolarity", "constant_ionic_strength")

#: mM of NaCl taken out per mM of KCl, CaCl2 and MgCl2 added, under each rule that derives Na_o:
#: equal ideal osmolarity (2 osmol/mol for NaCl and KCl, 3 for CaCl2 and MgCl2) or equal ionic
#: strength (1 per mM for NaCl and KCl, 1/2 (4 + 2) = 3 for CaCl2 and MgCl2).
NACL_PER_SALT: dict[str, tuple[float, float, float]] = {
    "equimolar_Na": (1.0, 0.0, 0.0),
    "constant_osmolarity": (1.0, 1.5, 1.5),
    "constant_ionic_strength": (1.0, 3.0, 3.0),
}
#: The rules that make up for Ca2+ and Mg2+ changes too (their reference has four fields).
DIVALENT_RULES = ("constant_osmolarity", "constant_ionic_strength")
_REF_FIELDS = ("K_o", "Na_o", "Ca_o", "Mg_o")
_RULE_NAMES = {"equimolar_Na": "equimolar Na+ substitution",
               "constant_osmolarity": "NaCl substitution at constant osmolarity",
               "constant_ionic_strength": "NaCl substitution at constant ionic strength"}

# True while standard(), resolve() and replace() build a bath with a reference they carry
# along themselves (under "none" it is recorded and kept for a later switch to a rule); a
# reference the user gives with substitution="none" is refused (no rule reads it)
_CARRIED: contextvars.ContextVar[bool] = contextvars.ContextVar("biophys_reference_carried",
                                                                default=False)


@contextlib.contextmanager
def _carried(on: bool = True):
    """Inside the block (if ``on``) a reference with ``substitution="none"`` is accepted."""
    token = _CARRIED.set(on)
    try:
        yield
    finally:
        _CARRIED.reset(token)


def _checked_reference(reference: Any, substitution: str) -> tuple:
    """``reference`` as a tuple of floats (None kept for Ca_ref, Mg_ref), padded to four
    fields under :data:`DIVALENT_RULES`; a ``ValueError`` names what is wrong."""
    form = ("must be (K_ref, Na_ref) or (K_ref, Na_ref, Ca_ref, Mg_ref), numbers in mM "
            "(Ca_ref, Mg_ref may be None: the model's own), or None for the model's own bath")
    try:
        ref = tuple(reference)
    except TypeError:
        ref = ()
    if len(ref) not in (2, 4):
        raise ValueError(f"reference = {reference!r} {form}")
    out = []
    for i, x in enumerate(ref):
        if x is None and i >= 2:
            out.append(None)
            continue
        if not isinstance(x, numbers.Real) or isinstance(x, bool):
            raise ValueError(f"reference = {reference!r} {form}")
        v = float(x)
        low_ok = v > 0 if i < 2 else v >= 0
        if not (math.isfinite(v) and low_ok):
            raise ValueError(
                f"reference = {reference!r}: {_REF_FIELDS[i][:-2]}_ref = {x!r} mM must be "
                f"finite and {'> 0' if i < 2 else '>= 0'} mM")
        out.append(v)
    if substitution in DIVALENT_RULES and len(out) == 2:
        out += [None, None]
    return tuple(out)

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
        Bath Na+, mM. Under a rule that derives it (all but ``"none"``) it is
        ``Na_ref - (K_o - K_ref)`` (and, under the constant-bath rules, minus the Ca_o and
        Mg_o terms); given with K_o (and Ca_o, Mg_o) and no ``reference``, they are the
        reference bath; given with a ``reference`` it is an error unless it agrees.
    Cl_o : float or None
        Bath Cl-, mM. Default: electroneutral with every cation as its chloride,
        ``Na_o + K_o + 2 Ca_o + 2 Mg_o`` (re-derived whenever the bath is changed; always so
        under the constant-osmolarity and constant-ionic-strength rules).
    temperature : float or None
        Degrees C.
    substitution : {"none", "equimolar_Na", "constant_osmolarity", "constant_ionic_strength"}
        How NaCl makes up for changes of K_o (and, under the last two, Ca_o and Mg_o): see
        the module docstring.
    reference : tuple or None
        The reference bath of the substitution, mM: ``(K_ref, Na_ref)``, or
        ``(K_ref, Na_ref, Ca_ref, Mg_ref)`` for the constant-osmolarity and
        constant-ionic-strength rules (a missing or None Ca_ref, Mg_ref is the model's own).
        None: the given ``(K_o, Na_o[, Ca_o, Mg_o])`` when all are given with Na_o, else the
        model's own bath (:data:`STANDARD_BATH` for a model without those conditions).
        Given with ``substitution="none"``, which reads none, it is a ``ValueError`` (it
        would be recorded and not used); :meth:`standard`, :meth:`resolve` and
        :meth:`replace` carry theirs along under "none" (recorded, and the reference of a
        later ``replace(substitution=...)`` that switches a rule on).
    cytosol : Cytosol, optional
        Intracellular inputs passed along by :meth:`as_params`.

    Examples
    --------
    >>> high_k = Solution(K_o=20.0, substitution="equimolar_Na", reference=(5.4, 140.0))
    >>> high_k.Na_o
    125.4
    >>> low_mg = Solution.standard(Mg_o=0.2, substitution="constant_osmolarity")
    >>> low_mg.Na_o, low_mg.Cl_o   # 1.5 mM NaCl made up per mM of MgCl2 left out
    (141.2, 151.0)
    """

    K_o: float | None = None
    Na_o: float | None = None
    Ca_o: float | None = None
    Mg_o: float | None = None
    Cl_o: float | None = None
    temperature: float | None = None
    substitution: str = "none"
    reference: tuple[float | None, ...] | None = None
    cytosol: Cytosol | None = None
    _derived: tuple[str, ...] = field(default=(), repr=False, compare=False)
    #: fields that :meth:`resolve` filled with the model's values (provenance only)
    _from_model: tuple[str, ...] = field(default=(), init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.substitution not in SUBSTITUTIONS:
            raise ValueError(f"substitution = {self.substitution!r} must be one of "
                             f"{SUBSTITUTIONS}")
        if self.reference is not None:
            object.__setattr__(self, "reference",
                               _checked_reference(self.reference, self.substitution))
            if self.substitution == "none" and not _CARRIED.get():
                raise ValueError(
                    f"reference = {self.reference!r} mM with substitution='none': no rule reads "
                    "it (under 'none' K_o, Ca_o and Mg_o change alone and Na_o stays, given or "
                    "the model's own), so it would be recorded and not used; give substitution="
                    "'equimolar_Na', 'constant_osmolarity' or 'constant_ionic_strength' with "
                    "it, or leave reference out")
            if self.substitution == "equimolar_Na" and len(self.reference) == 4:
                raise ValueError(
                    f"reference = {self.reference!r}: substitution='equimolar_Na' takes "
                    "(K_ref, Na_ref) in mM; (K_ref, Na_ref, Ca_ref, Mg_ref) is the reference "
                    "of 'constant_osmolarity' and 'constant_ionic_strength'")
        for name in ("K_o", "Ca_o", "Mg_o", "temperature"):
            if getattr(self, name) is not None:
                object.__setattr__(self, name, _check(name, getattr(self, name), _BATH_LIMITS))
        derived = []
        na = None if "Na_o" in self._derived else self.Na_o
        if na is not None:  # a given Na_o is a number in range before any rule reads it
            na = _check("Na_o", na, _BATH_LIMITS, warn=False)  # warned below
        rule_name = self.substitution
        if rule_name in DIVALENT_RULES and self.Cl_o is not None and "Cl_o" not in self._derived:
            raise ValueError(
                f"Cl_o = {self.Cl_o!r} mM with substitution={rule_name!r}: the rule derives "
                "Cl_o (every salt a chloride, Cl_o = Na_o + K_o + 2 Ca_o + 2 Mg_o); omit Cl_o, "
                "or use substitution='none' or 'equimolar_Na'")
        if rule_name in NACL_PER_SALT:
            derived.append("Na_o")
            needs = ("K_o", "Ca_o", "Mg_o") if rule_name in DIVALENT_RULES else ("K_o",)
            missing = [f for f in needs if getattr(self, f) is None]
            if na is not None and missing:
                raise ValueError(
                    f"Na_o = {na!r} mM with substitution={rule_name!r} needs "
                    f"{', '.join(missing)} too: with no reference, "
                    f"{', '.join(('Na_o',) + needs)} are the reference bath of the rule, "
                    "with one Na_o is checked against it (or omit Na_o: the rule derives it)")
            if na is not None and self.reference is None:
                ref = (self.K_o, na) + tuple(getattr(self, f) for f in needs[1:])
                object.__setattr__(self, "reference", ref)
            rule = self._rule_Na_o()
            if rule is not None:
                na_ref = self.reference[1]
                if rule <= 0:
                    raise ValueError(self._no_na_left(rule))
                if na is not None and abs(na - rule) > 1e-9 * na_ref:
                    raise ValueError(
                        f"Na_o = {na!r} mM conflicts with substitution={rule_name!r}, which "
                        f"sets Na_o = {self._rule_text()} = {rule:g} mM; omit Na_o or use "
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

    # -- the substitution rule --------------------------------------------------------------
    def _reference4(self) -> tuple:
        """``(K_ref, Na_ref, Ca_ref, Mg_ref)``, None where not given (mM)."""
        ref = tuple(self.reference or ())
        return ref + (None,) * (4 - len(ref))

    def _rule_Na_o(self) -> float | None:
        """Na_o (mM) the rule derives, or None where it cannot yet (no reference, or a field
        it needs left to the model)."""
        if self.substitution not in NACL_PER_SALT or self.reference is None:
            return None
        ref = self._reference4()
        na = ref[1]
        for coef, name, x_ref in zip(NACL_PER_SALT[self.substitution], ("K_o", "Ca_o", "Mg_o"),
                                     (ref[0], ref[2], ref[3]), strict=True):
            if coef:
                x = getattr(self, name)
                if x is None or x_ref is None:
                    return None
                na -= coef * (x - x_ref)
        return na

    def _no_na_left(self, na: float) -> str:
        """The error text for a rule that derives ``na`` <= 0 mM: the fields the rule reads
        that differ from its reference, and the valid range of each with the others kept."""
        ref = self._reference4()
        reads = [(name, coef, x_ref) for coef, name, x_ref in zip(
            NACL_PER_SALT[self.substitution], ("K_o", "Ca_o", "Mg_o"), (ref[0], ref[2], ref[3]),
            strict=True) if coef]
        changed = [r for r in reads if getattr(self, r[0]) != r[2]] or reads
        ranges = []
        for name, coef, _ in changed:
            others = ", ".join(f"{n} = {getattr(self, n):g}" for n, _, _ in reads if n != name)
            at = f" at {others} mM" if others else ""
            hi = getattr(self, name) + na / coef  # where the rule's Na_o reaches 0 mM
            low_incl = _BATH_LIMITS[name][2]
            if hi < 0 or hi == 0 and not low_incl:
                ranges.append(f"no {name} leaves Na_o > 0 mM under this rule{at}")
            else:
                ranges.append(f"valid {name} range for this rule{at}: "
                              f"{'[' if low_incl else '('}0, {hi:g}) mM")
        given = ", ".join(f"{n} = {getattr(self, n):g}" for n, _, _ in changed)
        return (f"{given} mM with {_RULE_NAMES[self.substitution]} from the reference bath "
                f"({self._reference_text()}) leaves Na_o = {na:g} mM; {'; '.join(ranges)}")

    def _rule_text(self) -> str:
        """The rule's formula with the reference's numbers where known."""
        ref = self._reference4()

        def num(i: int, name: str) -> str:
            return f"{ref[i]:g}" if ref[i] is not None else name
        text = f"{num(1, 'Na_ref')} - (K_o - {num(0, 'K_ref')})"
        b, c = NACL_PER_SALT[self.substitution][1:]
        if b:
            text += f" - {b:g} (Ca_o - {num(2, 'Ca_ref')}) - {c:g} (Mg_o - {num(3, 'Mg_ref')})"
        return text

    def _reference_text(self) -> str:
        """``K_ref = ..., Na_ref = ... mM`` (the reference's given fields)."""
        ref = self.reference or ()
        return ", ".join(f"{n[:-2]}_ref = {v:g}" for n, v in zip(_REF_FIELDS, ref, strict=False)
                         if v is not None) + " mM"

    @classmethod
    def standard(cls, **changes: Any) -> Solution:
        """The fully specified :data:`STANDARD_BATH` (reference (5.4, 140) mM; with Ca2+ and
        Mg2+, (5.4, 140, 2, 1) mM, under the constant-bath rules), with ``changes``."""
        kw: dict[str, Any] = dict(STANDARD_BATH)
        rule = changes.get("substitution")
        kw["Na_o"] = None if rule in NACL_PER_SALT else kw["Na_o"]
        kw["reference"] = tuple(STANDARD_BATH[n] for n in _REF_FIELDS[
            :4 if rule in DIVALENT_RULES else 2])
        kw.update(changes)
        with _carried("reference" not in changes):  # the standard bath's, kept for a rule
            return cls(**kw)

    # -- changing the bath ----------------------------------------------------------------
    def replace(self, **changes: Any) -> Solution:
        """A copy with ``changes`` applied and the substitution rule re-applied.

        Derived fields (Na_o under a rule that derives it, Cl_o when not given) are recomputed;
        fields of the :class:`Cytosol` (``Mg_i``, ``ATP``, ...) are routed to it.

        ``substitution="none"`` keeps the Na_o the rule derived (the bath's Na+ stays where
        the rule left it). A Solution whose rule has no reference yet (``reference=None``,
        K_o given without Na_o) has derived no Na_o: the rule's reference is the model's own
        bath, known only after :meth:`resolve`. Its ``replace(substitution="none")`` leaves
        Na_o to the model (the model's own Na_o, not lowered by the K_o change); use
        ``resolve(model).replace(substitution="none")`` to keep the derived value.
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
            if rule in NACL_PER_SALT:
                # the rule derives Na_o; without a reference it starts from this bath (a None
                # Ca_o, Mg_o there is the model's own, as in the bath; with neither a reference
                # nor K_o, Na_o stays given and the rule refuses it, as
                # Solution(Na_o=..., substitution="equimolar_Na") does)
                if self.reference is None and self.K_o is not None:
                    kw["reference"] = (self.K_o, self.Na_o) + (
                        (self.Ca_o, self.Mg_o) if rule in DIVALENT_RULES else ())
                if kw["reference"] is not None:
                    kw["Na_o"] = None
            elif rule == "none":
                # the bath's Na+ stays where the rule left it (a rule with no reference has
                # derived no Na_o: Na_o is then the model's own, see the docstring)
                kw["Na_o"] = self.Na_o
        if rule == "equimolar_Na" and "reference" not in changes and kw["reference"]:
            kw["reference"] = tuple(kw["reference"])[:2]  # the fields its rule reads
        kw.update(changes)
        if cyt:
            kw["cytosol"] = (self.cytosol or Cytosol()).replace(**cyt)
        with _carried("reference" not in changes):  # this bath's, kept for a rule
            return _quiet_then_check(lambda: Solution(**kw), self, _BATH, _BATH_LIMITS)

    def resolve(self, model: Model | str | None) -> Solution:
        """A fully specified copy: each None field takes ``model``'s own value, or the
        :data:`STANDARD_BATH` value if the model has no such condition (``model=None``: the
        standard bath for all); a None ``reference`` becomes the model's own (K_o, Na_o), and
        (under the constant-bath rules) a missing Ca_ref, Mg_ref the model's own Ca_o, Mg_o.
        The rule and electroneutrality are then re-applied. The cytosol is resolved too."""
        m, own = _own_values(model)
        kw: dict[str, Any] = {n: getattr(self, n) for n in _BATH}
        for d in self._derived:
            kw[d] = None
        base = {n: own.get(n, STANDARD_BATH.get(n)) for n in STANDARD_BATH}
        from_model = []
        for n in ("K_o", "Ca_o", "Mg_o", "temperature", "Na_o", "Cl_o"):
            rule_sets_it = (n == "Na_o" and self.substitution in NACL_PER_SALT
                            or n == "Cl_o" and ("Cl_o" not in own
                                                or self.substitution in DIVALENT_RULES))
            if kw[n] is None and not rule_sets_it:
                kw[n] = base.get(n, own.get(n))
                if n in own:
                    from_model.append(n)
        ref = self.reference if self.reference is not None else (base["K_o"], base["Na_o"])
        if self.substitution in DIVALENT_RULES:  # a missing Ca_ref, Mg_ref: the model's own
            ref = tuple(ref) + (None,) * (4 - len(ref))
            ref = ref[:2] + tuple(base[n] if r is None else r
                                  for n, r in zip(("Ca_o", "Mg_o"), ref[2:], strict=True))
        cyt = self.cytosol.resolve(m) if (self.cytosol is not None and m is not None) \
            else self.cytosol
        with _quiet(), _carried():  # values already checked, or the model's own
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
        """Overrides for ``model``'s condition parameters: the given fields, the ones the
        rules derive (computed with the model's own values where a field is None), and the
        cytosol's fields that a :meth:`Cytosol.resolve` filled.

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
        # the cytosol's fields taken from a model's own values are applied, not reported
        keep = given | {d for d in r._derived if getattr(r, d) is not None} | set(
            self.cytosol._from_model if self.cytosol is not None else ())
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
        if self.substitution in DIVALENT_RULES:
            what = ("ideal osmolarity" if self.substitution == "constant_osmolarity"
                    else "ionic strength")
            ref = (f"the reference bath {self._reference_text()}" if self.reference is not None
                   else "the model's own bath")
            missing = ("; a Ca_ref, Mg_ref not given: the model's own"
                       if self.reference is not None and None in self.reference else "")
            return (f"{self.substitution}: Na_o = {self._rule_text()} mM (NaCl makes up for "
                    f"KCl, CaCl2 and MgCl2 changes at constant {what} relative to {ref}"
                    f"{missing})")
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
        ref = self._reference4()
        rec["reference_K_o"], rec["reference_Na_o"] = ref[:2]
        if len(self.reference or ()) == 4 or self.substitution in DIVALENT_RULES:
            rec["reference_Ca_o"], rec["reference_Mg_o"] = ref[2:]
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
    :data:`STANDARD_BATH` values. Both surface potentials are computed at the solution's
    temperature (0-100 C, the range of the permittivity fit), as a model does with its
    reference bath; the reference's own temperature is not used."""
    from .kernels.surface import DEFAULT_SIGMA
    from .kernels.surface import gating_shift as _shift

    sol = solution.resolve(None)
    ref = Solution.standard() if reference is None else reference.resolve(None)
    # the range physiology.surface_potential takes
    s = DEFAULT_SIGMA if sigma is None else checked_number(sigma, "sigma", "e/A^2", -1.0, 1.0)
    checked_number(sol.temperature, "temperature", "C", 0.0, 100.0,
                   note=" (the water permittivity fit of the surface potential)")
    return _shift(sol.monovalent, sol.Ca_o, sol.Mg_o, s, sol.temperature,
                  ref.monovalent, ref.Ca_o, ref.Mg_o)
