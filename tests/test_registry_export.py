"""``biophys info MODEL --format csv|json``: the provenance table of every built-in model.

Each exported row must give back the declaration exactly (value, unit, valid range, condition
flag, source), JSON must be strict (no NaN or Infinity tokens), and every parameter and state
must name a source.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import math
import re

import pytest

import biophys as bp
from biophys.cli import main
from biophys.models import list_models

MODELS = list_models()


def _export(capsys, name: str, fmt: str) -> str:
    assert main(["info", name, "--format", fmt]) == 0
    return capsys.readouterr().out


def _declared(m):
    return ([("parameter", q) for q in m.parameters] + [("state", q) for q in m.states]
            + [("output", o) for o in m.outputs])


@pytest.mark.parametrize("name", MODELS)
def test_csv_gives_back_every_declaration(capsys, name):
    """One row per parameter, state and output, in declaration order; numbers read back
    bit for bit (shortest round-trip repr), NaN left empty for outputs."""
    m = bp.model(name)
    rows = list(csv.DictReader(io.StringIO(_export(capsys, name, "csv"))))
    declared = _declared(m)
    assert [(r["kind"], r["name"]) for r in rows] == [(k, q.name) for k, q in declared]
    for r, (kind, q) in zip(rows, declared, strict=True):
        assert r["unit"] == q.unit and r["description"] == q.description
        if kind == "output":
            assert r["value"] == r["low"] == r["high"] == "" and r["source"] == ""
            continue
        assert float(r["value"]) == q.value
        assert (float(r["low"]), float(r["high"])) == tuple(q.bounds)
        assert r["condition"] == str(bool(q.condition))
        assert r["source"] == q.source and r["source"].strip(), (name, q.name)


@pytest.mark.parametrize("name", MODELS)
def test_json_is_strict_and_complete(capsys, name):
    """Strict JSON (NaN/Infinity refused by the parser here); outputs' value and range are
    null, as is an infinite bound; title and references are the model's."""
    m = bp.model(name)

    def refuse(token):
        raise AssertionError(f"non-standard JSON token {token}")

    doc = json.loads(_export(capsys, name, "json"), parse_constant=refuse)
    assert doc["model"] == m.name and doc["title"] == m.title
    assert doc["references"] == list(m.references)
    rows = doc["quantities"]
    assert len(rows) == len(m.parameters) + len(m.states) + len(m.outputs)
    for row, (kind, q) in zip(rows, _declared(m), strict=True):
        assert row["kind"] == kind and row["name"] == q.name
        if kind == "output":
            assert row["value"] is None and row["low"] is None and row["high"] is None
            continue
        assert row["value"] == q.value
        for key, bound in zip(("low", "high"), q.bounds, strict=True):
            assert row[key] == (bound if math.isfinite(bound) else None)


def test_registry_rows_and_an_open_range(capsys, monkeypatch):
    """``Model.registry`` rows as declared (hh1952's C_m: 1 uF/cm^2, valid 1e-3 to 1e3, Hodgkin
    & Huxley 1952 p. 505); NaN only for outputs. A range open above (high = inf) is kept
    infinite by ``registry`` and written as null by the JSON export."""
    m = bp.model("hh1952")
    rows = m.registry()
    assert rows[0] == {"kind": "parameter", "name": "C_m", "value": 1.0, "unit": "uF/cm^2",
                       "low": 1e-3, "high": 1e3, "condition": False,
                       "description": "membrane capacitance",
                       "source": "Hodgkin AL, Huxley AF (1952) J Physiol 117:500-544, p. 505"}
    outs = [r for r in rows if r["kind"] == "output"]
    assert outs and all(math.isnan(r["value"]) for r in outs)
    assert not any(math.isnan(r["value"]) for r in rows if r["kind"] != "output")
    open_c = dataclasses.replace(m.parameters[0], bounds=(1e-3, math.inf))
    m2 = dataclasses.replace(m, parameters=(open_c, *m.parameters[1:]))
    assert m2.registry()[0]["high"] == math.inf
    monkeypatch.setattr(bp, "model", lambda name: m2)
    doc = json.loads(_export(capsys, "hh1952", "json"))
    assert doc["quantities"][0]["low"] == 1e-3 and doc["quantities"][0]["high"] is None
    rows = list(csv.DictReader(io.StringIO(_export(capsys, "hh1952", "csv"))))
    assert float(rows[0]["high"]) == math.inf


def test_unknown_format_is_refused(capsys):
    """argparse refuses a format outside text/csv/json with status 2 and names the choices."""
    with pytest.raises(SystemExit) as exc:
        main(["info", "hh1952", "--format", "xml"])
    assert exc.value.code == 2
    assert "csv" in capsys.readouterr().err


_DOI = re.compile(r"doi:(\S+?)(?:[,;]?\s|[,;]?$)")
_DOI_SYNTAX = re.compile(r"10\.\d{4,9}/[-._;()/:A-Za-z0-9]+")


@pytest.mark.parametrize("name", MODELS)
def test_references_name_a_well_formed_doi(name):
    """Every built-in model cites at least one publication by DOI, and each DOI has the
    registry syntax (10.<registrant>/<suffix>, no trailing punctuation)."""
    dois = [d for r in bp.model(name).references for d in _DOI.findall(r)]
    assert dois, name
    for d in dois:
        assert _DOI_SYNTAX.fullmatch(d), (name, d)
