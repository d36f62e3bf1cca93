"""The bath and cytosol of a run: ``conditions=`` and ``params=`` turned into parameter values.

Shared by :func:`biophys.simulate` (one cell) and :func:`biophys.sweep` (many), so that a
:class:`biophys.Solution` sets the same parameters, under the same rules and with the same
errors, in both; :func:`solution_from_table` builds the Solution of a sweep's ``[solution]``
table and of ``biophys simulate --condition ... --substitution``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ._model import Model, mapping_items
from ._warn import warn_user

if TYPE_CHECKING:
    from .solution import Solution

#: Provenance values of conditions that differ between the points of a sweep.
SWEPT = "varied (see the coordinates)"
DERIVED = "derived per point from the swept quantities (see substitution_rule)"
#: The substitution rule recorded when the conditions are set one by one (or not at all).
INDEPENDENT = "none (conditions set independently)"


def varying(q: str, swept: Sequence[str], varied: Sequence[str]) -> str | None:
    """How condition ``q`` differs between points (:data:`SWEPT`, :data:`DERIVED`) or None."""
    return SWEPT if q in swept else DERIVED if q in varied else None


def resolved(solution, model: Model):
    """``solution`` resolved against ``model`` when the object can be, else itself."""
    return solution.resolve(model) if hasattr(solution, "resolve") else solution


#: How the two inputs are named in messages: the keywords of the Python API (``biophys
#: simulate`` passes its options ``--set`` and ``--condition``).
API_NAMES = ("params", "conditions")


def _as_given(name: str) -> str:
    """An input's name as the user writes it: ``params=`` for a keyword, an option as is."""
    return f"{name}=" if name.isidentifier() else name


def conditions(model: Model, given, names: tuple[str, str] = API_NAMES,
               warn: bool = True) -> tuple[dict[str, float], Any, str, Any]:
    """``(overrides, solution or None, substitution rule text, the solution resolved against
    ``model`` or None)`` of ``conditions=``: a :class:`biophys.Solution` (or an object with
    ``as_params``), a mapping of the model's conditions, or None. ``names``: the parameter and
    condition inputs as messages name them. ``warn``: warn about the given fields that
    ``model`` does not use (``as_params(on_unused="warn")`` of a Solution or Cytosol; off where
    the caller's run warns itself)."""
    if given is None:
        return {}, None, INDEPENDENT, None
    if hasattr(given, "as_params"):
        rule = None
        for attr in ("substitution", "substitution_rule", "rule"):
            rule = getattr(given, attr, None)
            if rule is not None:
                break
        res = resolved(given, model)
        desc = getattr(res, "describe_substitution", None)
        text = desc() if callable(desc) else str(rule if rule is not None else "none")
        from .solution import Cytosol, Solution

        own = warn and isinstance(given, (Solution, Cytosol))
        out = dict(given.as_params(model, on_unused="warn") if own else given.as_params(model))
        return out, given, text, res
    if not isinstance(given, Mapping):
        raise ValueError("conditions must be a mapping {name: value} or a biophys.Solution")
    for name in given:
        if name not in model.condition_names:
            raise ValueError(
                f"{name!r} is not a condition of model {model.name!r}; conditions: "
                f"{', '.join(model.condition_names) or '(none)'} (other parameters go in "
                f"{_as_given(names[0])})"
            )
    return dict(given), None, INDEPENDENT, None


def covered(model: Model, solution, res=None) -> set[str]:
    """The model parameters a Solution sets (its fields left out are the model's own values,
    so the resolved Solution names them all; ``res``: that resolution, already made)."""
    if solution is None or not hasattr(solution, "resolve"):
        return set()
    return set((solution.resolve(model) if res is None else res).as_params(model))


def overrides(model: Model, given_conditions, params: Mapping[str, Any] | None,
              names: tuple[str, str] = API_NAMES, warn: bool = True
              ) -> tuple[dict[str, Any], Any, str, Any]:
    """:func:`conditions` with ``params=`` added to its overrides (the bath is resolved once);
    a name given twice, or a parameter a Solution sets given in ``params``, is an error
    (``names``: the two inputs as the messages name them; ``warn``: as for
    :func:`conditions`)."""
    p_name, c_name = names
    cond, solution, rule, res = conditions(model, given_conditions, names, warn)
    out = dict(cond)
    set_by_solution = covered(model, solution, res)
    for name, value in mapping_items(params, p_name, "parameter"):
        # an unknown name: a ValueError (also a KeyError) that lists the valid names
        model.parameter_index(name)
        if name in set_by_solution:
            kind = type(solution).__name__
            sees = ("its substitution rule and its record" if hasattr(solution, "substitution")
                    else "its record")
            raise ValueError(
                f"{name!r} is a condition of the {kind} given as {_as_given(c_name)}: give it "
                f"in the {kind}, not in {p_name} ({sees} would not see the {p_name} value)")
        if name in cond:
            raise ValueError(f"{name!r} is given in both {p_name} and {c_name}")
        out[name] = value
    return out, solution, rule, res


#: Ranges of protocol inputs that no Solution field sets, ``(unit, low, high)``, checked like
#: a bath field's physiological range except that 0 (the input absent) is never warned about.
#: Their job is to catch a unit slip (Ang II typed in M, glucose in M), not to police doses.
INPUT_RANGES = {
    # plasma ~10-100 pM; slices up to 3 uM (PMC10167771); at 0.1 pM zg_cell's AT1 response
    # is below 1e-3 (EC50 = K_AT1/(1 + tau_AT1) = 125 pM)
    "AngII": ("pM", 0.1, 1e7),
    # islet and beta-cell work uses 0-30 mM (0 exempt); plasma 3-10 mM in health
    "glucose": ("mM", 1.0, 50.0),
}


def physiological_range(name: str) -> tuple[str, float, float] | None:
    """``(unit, low, high)`` of the physiological range of the :class:`biophys.Solution` or
    :class:`biophys.Cytosol` field that model parameter ``name`` sets (``K_o``, ``Mg_i``;
    ``pH_i`` and ``Pi_i`` for ``pH`` and ``Pi``), or of the protocol input ``name``
    (:data:`INPUT_RANGES`: ``AngII``, ``glucose``), or None."""
    from ._fields import _ALIASES, _BATH_LIMITS, _CYTOSOL_LIMITS

    if name in INPUT_RANGES:
        return INPUT_RANGES[name]
    fields = [f for f, aliases in _ALIASES.items() if name in aliases] or [name]
    for table in (_BATH_LIMITS, _CYTOSOL_LIMITS):
        if fields[0] in table:
            unit, _, _, _, plo, phi, _ = table[fields[0]]
            return unit, plo, phi
    return None


def warn_outside_range(name: str, values: Any, unit: str | None = None, prefix: str = ""
                       ) -> bool:
    """Warn if values of model parameter ``name`` leave the physiological range of the bath or
    cytosol field it sets: the ``UserWarning`` a :class:`biophys.Solution` gives for that field
    (naming the caller's line), given once for all of ``values``.

    For ``params=``, ``conditions=`` mappings and sweep axes, which set the parameters
    directly (a Solution checks its own fields). The valid range, an error, is the model's
    (:meth:`biophys.Model.parameter_vector`) and is checked before.

    Parameters
    ----------
    name : str
        Model parameter name; one that sets no field of the tables and is no protocol input
        of :data:`INPUT_RANGES` (``g_K``) is not checked.
    values : float or array_like
        Its value, or the values of a sweep axis, in ``unit``.
    unit : str, optional
        The parameter's unit; one other than the field's (mM; C; pH units) is not checked.
    prefix : str, optional
        Put before the message (``"sweep: "`` for values a sweep's bath rule derived).

    Returns
    -------
    bool
        Whether a warning was given. One value outside the range [1, 60] mM reads
        ``K_o = 0.008 mM is outside the physiological range [1, 60] mM``; of several
        values, the span of those below it and of those above, and how many of the distinct
        values are outside: ``K_o = 0.003 to 0.009 mM (3 of 3 values) is outside ...``.
    """
    from ._fields import _range_text

    rng = physiological_range(name)
    if rng is None or (unit is not None and unit != rng[0]):
        return False
    u, plo, phi = rng
    v = np.unique(np.asarray(values, dtype=float).ravel())
    v = v[np.isfinite(v)]
    checked = v[v != 0] if name in INPUT_RANGES else v
    below, above = checked[checked < plo], checked[checked > phi]
    if not below.size and not above.size:
        return False
    spans = [f"{g[0]:g}" if g.size == 1 else f"{g[0]:g} to {g[-1]:g}"
             for g in (below, above) if g.size]
    k = below.size + above.size
    note = f" ({k} of {v.size} values)" if v.size > 1 else ""
    warn_user(prefix + _range_text(name, " and ".join(spans), u, plo, phi, note))
    return True


def swept_bath_warnings(base, baths: Sequence[Any], model: Model) -> tuple[str, ...]:
    """One physiological-range warning per field for the baths of a sweep's points; returns
    the fields whose value at some point is not the base bath's (derived ones included, e.g.
    a ``Cl_o`` that follows a swept ``Mg_o``: :func:`solution_record` records them as derived
    per point).

    The fields of the baths a sweep made from ``base`` (one :class:`biophys.Solution` or
    :class:`biophys.Cytosol` per combination of swept values, built without their own
    warnings), as resolved against ``model``, are compared with their range
    (:func:`warn_outside_range`, prefixed "sweep: "): ``K_o = 70 to 80 mM (2 of 7 values)``,
    and a derived ``Na_o`` likewise. A field that keeps the base bath's value at every point
    is left out (the base has warned about it); so is a ``Cl_o`` derived from the cations, as
    a Solution does. Baths of other types are not checked.
    """
    if not hasattr(base, "resolve") or not hasattr(base, "values"):
        return ()
    own = base.resolve(model).values()
    found: dict[str, list[float]] = {}
    skip: set[str] = set()
    for bath in baths:
        r = bath.resolve(model)
        skip.update(d for d in getattr(r, "_derived", ()) if d != "Na_o")
        for name, v in r.values().items():
            found.setdefault(name, []).append(v)
    # a field that differs between points differs from the base at some point
    differ = tuple(name for name, values in found.items()
                   if any(v != own.get(name) for v in values))
    for name in differ:
        if name not in skip:
            warn_outside_range(name, found[name], prefix="sweep: ")
    return differ


def range_warnings(model: Model, params: Mapping[str, Any] | None, given_conditions,
                   axes: Mapping[str, Any] | None = None) -> None:
    """Warn about bath and cytosol values, and protocol inputs (:data:`INPUT_RANGES`), set
    directly that leave the physiological range.

    The parameters ``params=``, a mapping ``conditions=`` and the sweep ``axes`` set (a
    Solution or Cytosol warns about its own fields itself) are compared with the physiological
    range of the field of the same name (:func:`warn_outside_range`: ``K_o``
    typed in M instead of mM, ...); one ``UserWarning`` per parameter, naming the caller's
    line. Call after the values have passed the model's valid range.

    Parameters
    ----------
    model : Model
        The model run (its parameters' units).
    params : mapping or None
        ``params=``, by parameter name.
    given_conditions : Solution, mapping or None
        ``conditions=``; only a mapping is checked here.
    axes : mapping, optional
        Swept parameters that are set directly (not through a Solution), by name: each
        axis's (or points column's) values.
    """
    direct = dict(params or {})
    if isinstance(given_conditions, Mapping):
        direct.update(given_conditions)
    direct.update(axes or {})
    for name, values in direct.items():
        if name in model.parameter_names:
            warn_outside_range(name, values, model.parameter(name).unit)


def set_in_solution(model: Model, solution) -> dict[str, tuple[str, float]]:
    """The values a user gave a :class:`biophys.Solution` (or :class:`biophys.Cytosol`) for
    ``model``'s conditions, as ``{parameter: (field, value)}`` (``pH_i``: ``("pH", 7.1)``).

    Left out: fields the model has no condition for (not applied: reported as unused),
    fields derived by the bath's rules (Na_o under a substitution rule that derives it, Cl_o),
    fields left as None (the model's own values), and a K_o (and, under the constant-osmolarity
    and constant-ionic-strength rules, a Ca_o or Mg_o) equal to the rule's reference value (the
    reference bath, as when ``Solution(K_o=5.4, Na_o=140, substitution="equimolar_Na")`` is
    given: a sweep over K_o re-applies the rule from it).
    Another object with ``as_params`` gives ``{}``.
    """
    from ._fields import _BATH, _param_name
    from .solution import DIVALENT_RULES, NACL_PER_SALT, Cytosol, Solution

    if not isinstance(solution, (Solution, Cytosol)):
        return {}
    bath = solution if isinstance(solution, Solution) else None
    cytosol = solution.cytosol if bath is not None else solution
    names = set(model.condition_names)
    out = {}
    for f in solution._given():
        value = getattr(bath if f in _BATH and bath is not None else cytosol, f)
        p = _param_name(f, names)
        if p is None:
            continue
        if bath is not None and bath.substitution in NACL_PER_SALT and bath.reference:
            at = {"K_o": 0, **({"Ca_o": 2, "Mg_o": 3} if bath.substitution in DIVALENT_RULES
                               else {})}.get(f)
            if at is not None and value == bath.reference[at]:
                continue
        out[p] = (f, float(value))
    return out


def solution_record(solution, model: Model, swept: Sequence[str] = (),
                    varied: Sequence[str] = (), res=None) -> dict | str:
    """Provenance of the bath, resolved against ``model`` when the object can be (``res``: that
    resolution, already made); fields that differ between points say so instead of giving the
    base value. A Solution's or Cytosol's record lists under ``not_in_model`` every field
    ``model`` has no condition for (none of them applied: a left-out bath field shows the
    standard bath's value, from which derived fields such as Cl_o are computed, a left-out
    cytosol field None), and under ``unused`` those of them the user gave (the cytosol's in
    its own record)."""
    from ._fields import _BATH, _param_name
    from .solution import Cytosol, Solution

    if solution is None or not hasattr(solution, "record"):
        return "none"
    rec = (resolved(solution, model) if res is None else res).record()
    cond = set(model.condition_names)
    for part in (rec, rec.get("cytosol") or {}):
        for q in list(part):
            # swept and varied names are fields (pH) or the parameters they set (pH_i)
            p = _param_name(q, cond)
            how = varying(q, swept, varied) or (varying(p, swept, varied)
                                                if p not in (None, q) else None)
            if how is not None:
                part[q] = how
                if q in part.get("from_model", []):
                    part["from_model"].remove(q)
    if isinstance(solution, (Solution, Cytosol)):
        fields = set(_BATH) | set(Cytosol._fields())
        given = set(solution._given())
        for part in (rec, rec.get("cytosol") or {}):
            part["not_in_model"] = [q for q in part
                                    if q in fields and _param_name(q, cond) is None]
            part["unused"] = sorted(set(part["not_in_model"]) & given)
    return rec


def solution_from_table(table: Mapping[str, Any], where: str, note: str = ""
                        ) -> Solution:
    """A :class:`biophys.Solution` from a flat table of its fields, its cytosol's among them:
    the ``[solution]`` table of a sweep configuration and ``biophys simulate --condition`` with
    ``--substitution`` or ``--reference``.

    Parameters
    ----------
    table : mapping
        Bath fields (``K_o``, ``Na_o``, ``Ca_o``, ``Mg_o``, ``Cl_o``, mM; ``temperature``, C),
        ``substitution`` and ``reference`` (``(K_ref, Na_ref)`` or ``(K_ref, Na_ref, Ca_ref,
        Mg_ref)``, mM; a list is taken as the tuple) as :class:`biophys.Solution` takes them,
        and :class:`biophys.Cytosol` fields (``Mg_i``, ``ATP``, ... mM; ``pH``), which go to its
        cytosol. Fields left out are the model's own values.
    where : str
        Where the table comes from, for the message of a name that is no field.
    note : str, optional
        Appended to that message.

    Returns
    -------
    Solution

    Raises
    ------
    ValueError
        A name that is not a field (the message lists the fields), or a value the Solution or
        Cytosol refuses (its message names the field, its unit and the valid range).
    """
    from .solution import Cytosol, Solution

    bath = [f.name for f in dataclasses.fields(Solution)
            if not f.name.startswith("_") and f.name != "cytosol"]
    cytosol = Cytosol._fields()
    bad = sorted(set(table) - set(bath) - set(cytosol))
    if bad:
        verb = "is not a field" if len(bad) == 1 else "are not fields"
        raise ValueError(f"{where}: {', '.join(bad)} {verb} of biophys.Solution "
                         f"({', '.join(bath)}) or biophys.Cytosol ({', '.join(cytosol)}){note}")
    sol = {k: v for k, v in table.items() if k in bath}
    if isinstance(sol.get("reference"), list):  # a TOML array
        sol["reference"] = tuple(sol["reference"])
    cyt = {k: v for k, v in table.items() if k in cytosol}
    if cyt:
        sol["cytosol"] = Cytosol(**cyt)
    return Solution(**sol)
