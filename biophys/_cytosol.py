"""The cytosol as an input: :class:`Cytosol` (free Mg2+, ATP, ADP, Pi, pH, fixed Na+/K+).

Documented with :class:`biophys.Solution` in :mod:`biophys.solution`, which re-exports it
(``biophys.Cytosol``, ``biophys.solution.Cytosol``)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from ._fields import (
    _CYTOSOL_LIMITS,
    STANDARD_CYTOSOL,
    _check,
    _known_keywords,
    _map_params,
    _own_values,
    _param_name,
    _public_fields,
    _quiet,
    _quiet_then_check,
)
from ._model import Model

#: The fields the free-Mg2+ mass balance of :meth:`Cytosol.from_total_mg` reads besides Mg_total.
_MG_BALANCE = ("ATP", "ADP", "Pi", "pH", "K_i")


@_known_keywords("mM; pH dimensionless")
@dataclass(frozen=True)
class Cytosol:
    """Intracellular inputs (mM; pH dimensionless). A field left as None is the model's own
    value (see :mod:`biophys.solution`).

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
    #: fields that :meth:`resolve` filled with the model's values (not given by the user)
    _from_model: tuple[str, ...] = field(default=(), init=False, repr=False, compare=False)
    #: the total Mg2+ (mM) that :meth:`from_total_mg` derived Mg_i from (provenance)
    _Mg_total: float | None = field(default=None, init=False, repr=False, compare=False)

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
        """Cytosol whose free Mg2+ solves the mass balance for ``Mg_total`` (mM) with ATP, ADP
        and, when given, Pi (:func:`biophys.physiology.free_mg`).

        ATP, ADP and pH come from ``kwargs``, else from ``model``'s own condition parameters;
        one known from neither is an error (a model whose ATP and ADP are states, like
        ``beta_cell``, needs them given). ``Mg_total`` is free plus nucleotide- and Pi-bound
        Mg2+ only; the cell's total Mg2+ (15-20 mM) also includes protein, phospholipid and other
        buffers that are not modelled.

        The result holds the free Mg2+ (``Mg_i``, given); the fields taken from ``model`` stay
        the model's own values (``record()["from_model"]``, not counted as given), and
        ``record()["Mg_total"]`` keeps ``Mg_total``. The total is not kept when the cytosol
        changes: :meth:`replace` of ATP, ADP, Pi, pH or K_i without Mg_i, and so a sweep over one
        of them with this cytosol as ``conditions=``, is a ``ValueError`` (it would hold the
        free Mg2+ fixed while the total changes). Sweep the total by building one cytosol per
        value, or hold the free Mg2+ fixed explicitly with ``cytosol.replace(Mg_i=cytosol.Mg_i)``.

        Parameters
        ----------
        Mg_total : float
            Free plus ATP-, ADP- and Pi-bound Mg2+, mM, in [0, 200] mM.
        model : Model or str, optional
            The model whose own ATP, ADP, Pi, pH, K_i (condition parameters) fill the fields
            not in ``kwargs``.
        **kwargs
            Other :class:`Cytosol` fields (not ``Mg_i``, which is derived).

        Returns
        -------
        Cytosol
        """
        from .kernels.speciation import BEARD_QIAN_38C, free_mg_with

        if "Mg_i" in kwargs:
            raise ValueError(f"from_total_mg derives Mg_i (free Mg2+, mM) from Mg_total; "
                             f"Mg_i = {kwargs['Mg_i']!r} mM given too: give one of them")
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
        pi = 0.0 if base.Pi is None else base.Pi
        mg_i = free_mg_with(mt, base.ATP, base.ADP, pi, base.pH, k, BEARD_QIAN_38C)
        unit, lo, _, hi = _CYTOSOL_LIMITS["Mg_i"][:4]
        if not lo <= mg_i <= hi:  # named as what the caller gave, not the derived Mg_i
            raise ValueError(
                f"Mg_total = {Mg_total!r} mM leaves {mg_i:.4g} mM free Mg2+ with ATP = "
                f"{base.ATP:g}, ADP = {base.ADP:g} and Pi = {pi:g} mM; free Mg2+ must be in "
                f"[{lo:g}, {hi:g}] {unit}: give less total Mg2+ or more nucleotide")
        out = dataclasses.replace(base, Mg_i=mg_i)
        # replace resets it; Mg_i is the one derived here, not the model's
        object.__setattr__(out, "_from_model", tuple(n for n in base._from_model if n != "Mg_i"))
        object.__setattr__(out, "_Mg_total", mt)
        return out

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
        object.__setattr__(out, "_from_model", self._from_model + tuple(fill))
        object.__setattr__(out, "_Mg_total", self._Mg_total)
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
        """A copy with ``changes`` applied (validated; only changed values are range-warned).

        Fields taken from the model stay so unless changed. A cytosol from
        :meth:`from_total_mg` keeps its ``Mg_total`` unless Mg_i changes (then it is dropped:
        the free Mg2+ is given); changing ATP, ADP, Pi, pH or K_i of it without Mg_i is a
        ``ValueError``, since the free Mg2+ would stay while the total changed.
        """
        moved = [n for n in _MG_BALANCE if n in changes and changes[n] != getattr(self, n)]
        if self._Mg_total is not None and moved and "Mg_i" not in changes:
            given = ", ".join(f"{n}={getattr(self, n)!r}" for n in self._given())
            raise ValueError(
                f"changing {', '.join(moved)} of a Cytosol built by from_total_mg(Mg_total = "
                f"{self._Mg_total:g} mM) would keep its free Mg_i = {self.Mg_i:.4g} mM and "
                f"change the total Mg2+: build one with Cytosol.from_total_mg for each "
                f"{moved[0]} value to keep the total, or hold the free Mg2+ fixed explicitly "
                f"(cytosol.replace(Mg_i=cytosol.Mg_i), or Cytosol({given}))")
        out = _quiet_then_check(lambda: dataclasses.replace(self, **changes), self,
                                self._fields(), _CYTOSOL_LIMITS)
        object.__setattr__(out, "_from_model",
                           tuple(n for n in self._from_model if n not in changes))
        if "Mg_i" not in changes:
            object.__setattr__(out, "_Mg_total", self._Mg_total)
        return out

    def as_params(self, model: Model | str, on_unused: str = "ignore") -> dict[str, float]:
        """Condition-parameter overrides for ``model``: the given fields and those a
        :meth:`resolve` filled (as they are; only the given ones are reported as unused), and
        derived species that the model takes as conditions (computed with the model's own
        values for the fields left None)."""
        given = set(self._given())
        held = given | set(self._from_model)  # applied, but not reported as unused
        vals = {k: v for k, v in self.resolve(model).values().items()
                if k in held or k not in self._fields()}  # held fields, derived species
        return _map_params(vals, model, on_unused, "Cytosol", report=given)

    def _given(self) -> list[str]:
        """Fields given by the user (not None, and not filled from a model's own values)."""
        return [n for n in self._fields()
                if getattr(self, n) is not None and n not in self._from_model]

    def record(self) -> dict[str, Any]:
        """Plain dict for provenance (None: the model's own value; after :meth:`resolve`,
        ``from_model`` lists the fields that took it; a cytosol from :meth:`from_total_mg`
        adds ``Mg_total``, mM)."""
        rec: dict[str, Any] = {n: getattr(self, n) for n in self._fields()}
        if self._from_model:
            rec["from_model"] = list(self._from_model)
        if self._Mg_total is not None:
            rec["Mg_total"] = self._Mg_total
            rec["Mg_i_rule"] = ("free Mg2+ of the mass balance for Mg_total with ATP, ADP, Pi, "
                                "pH and K_i (Cytosol.from_total_mg)")
        return rec


# its public home (repr, pickles and documentation name biophys.solution.Cytosol, where it is
# re-exported; it lives here only to keep modules small)
Cytosol.__module__ = "biophys.solution"
