"""Every unit a built-in model declares (parameters, states, outputs) is a product of powers of
known unit symbols, so a typo ("mS/cm2", "mv", "uA/cm^2 ") or an undefined unit cannot reach a
result's ``units`` attribute; quantities named as a conductance (``g_``) or a reversal
potential (``E_``) carry a unit of that kind. The vocabulary below is written here; a new
model with a new unit extends it deliberately."""

from __future__ import annotations

import re

import biophys as bp

#: Unit symbols (SI prefixes written out per symbol): amount, concentration, voltage, time,
#: length, volume, capacitance, current, conductance, charge (``e``: elementary charges; ``A``
#: in ``e/A^2`` is the angstrom), mass, count, arbitrary units.
SYMBOLS = {
    "1", "M", "mM", "uM", "nM", "pM", "mol", "umol", "nmol", "amol",
    "V", "mV", "s", "ms", "min", "Hz", "cm", "um", "nm", "A", "L", "fL",
    "F", "uF", "pF", "fF", "pA", "fA", "uA", "nA", "S", "mS", "uS", "nS", "pS", "C", "e",
    "g", "fg", "granule", "granules", "a.u.",
}
#: A factor: a symbol with an optional (signed, decimal) power, e.g. ``cm^2``, ``uM^0.5``.
FACTOR = re.compile(r"^(?P<sym>[A-Za-z.]+|1)(\^(?P<pow>-?\d+(\.\d+)?))?$")

CONDUCTANCE = {"mS/cm^2", "nS", "pS", "uS"}
VOLTAGE = {"mV"}


def _factors(unit: str) -> list[str]:
    """The factors of ``unit`` (``a/(b*c)`` -> a, b, c), or a ValueError for bad syntax."""
    if unit != unit.strip() or not unit or " " in unit:
        raise ValueError(f"unit {unit!r} has blanks or is empty")
    flat = unit.replace("(", "").replace(")", "")
    if unit.count("(") != unit.count(")"):
        raise ValueError(f"unit {unit!r}: unbalanced parentheses")
    return re.split(r"[*/]", flat)


def _declared():
    for name in bp.list_models():
        m = bp.model(name)
        for kind, items in (("parameter", m.parameters), ("state", m.states),
                            ("output", m.outputs)):
            for q in items:
                yield name, kind, q.name, q.unit


DECLARED = list(_declared())


def test_the_vocabulary_check_rejects_typos():
    """The check itself can fail: the typos it is for are refused."""
    for bad in ("mS/cm2", "mv", "uA/cm^2 ", "", "pA/(mM", "um^x", "mS/cm^2/"):
        assert not _known(bad), bad
    for good in ("1/(uM*s)", "uM^0.5/ms", "e/A^2", "a.u./min", "fg/granule"):
        assert _known(good), good


def _known(unit: str) -> bool:
    try:
        return all((m := FACTOR.match(f)) and m["sym"] in SYMBOLS for f in _factors(unit))
    except ValueError:
        return False


def test_every_declared_unit_is_made_of_known_symbols():
    assert len(DECLARED) > 400  # every model's parameters, states and outputs were read
    bad = [d for d in DECLARED if not _known(d[3])]
    assert bad == []


def test_conductances_and_reversal_potentials_carry_units_of_their_kind():
    for model, kind, name, unit in DECLARED:
        if kind == "parameter" and name.startswith("g_"):
            assert unit in CONDUCTANCE, (model, name, unit)
        if name.startswith("E_") and kind != "state":
            assert unit in VOLTAGE, (model, name, unit)
