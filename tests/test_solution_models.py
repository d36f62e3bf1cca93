"""Solution and Cytosol against real models: a field left out is the model's own value.

Before this rule a bath given only to choose the substitution rule (``Solution(substitution=
"equimolar_Na")``) also imposed its default fields: the hh1952 axon was run at 37 C instead of
its 6.3 C (and fell silent), the beta-cell at 2.0 mM Ca_o instead of its 2.6, and
``Cytosol(Mg_i=...)`` reset zg_cell's ATP, ADP and Pi.
"""

import dataclasses
import json
import warnings

import numpy as np
import pytest

import biophys as bp
from biophys import physiology
from biophys.models import get_model
from biophys.solution import Cytosol, Solution


@pytest.mark.parametrize("model, bath, expected", [
    ("hh1952", Solution(substitution="equimolar_Na"), {}),
    ("hh1952", Solution(Mg_o=0.5, cytosol=Cytosol(Mg_i=0.3)), {}),
    ("chay_keizer_1983", Solution(Mg_o=2.0), {}),
    ("beta_cell", Solution(Mg_o=0.5), {"Mg_o": 0.5}),
    ("beta_cell", Solution(substitution="equimolar_Na"), {"Na_o": 140.0}),
    ("zg_cell", Solution(cytosol=Cytosol(Mg_i=0.25)), {"Mg_i": 0.25}),
    ("zg_cell", Solution(K_o=6.0, substitution="equimolar_Na"), {"K_o": 6.0, "Na_o": 138.0}),
])
def test_a_left_out_field_keeps_the_models_value(model, bath, expected):
    assert bath.as_params(model) == expected
    m = get_model(model)
    p = m.parameter_vector(bath.as_params(model))
    for name in m.condition_names:
        if name not in expected:
            assert p[m.parameter_index(name)] == m.parameter(name).value, name


def test_cytosol_ph_and_pi_map_onto_the_beta_cells_names():
    c = Cytosol(pH=6.8, Pi=3.0)
    assert c.as_params("beta_cell") == {"pH_i": 6.8, "Pi_i": 3.0}
    assert c.as_params("zg_cell") == {"pH": 6.8, "Pi": 3.0}
    assert Solution(cytosol=c).unused("beta_cell") == []
    assert Solution(cytosol=c).unused("hh1952") == ["Pi", "pH"]


def test_the_substitution_reference_is_the_models_own_bath():
    rule = Solution(substitution="equimolar_Na")
    zg = rule.replace(K_o=8.0).resolve("zg_cell")
    assert zg.reference == (4.0, 140.0)  # zg_cell: K_o 4, Na_o 140 mM
    assert zg.Na_o == 136.0 and zg.Ca_o == 2.0
    beta = rule.replace(K_o=10.4).resolve("beta_cell")
    assert beta.reference == (5.4, 140.0) and beta.Na_o == 135.0 and beta.Ca_o == 2.6
    rec = beta.record()
    json.dumps(rec)
    assert set(rec["from_model"]) == {"Ca_o", "Mg_o", "temperature"}
    assert rec["reference_K_o"] == 5.4 and "Na_o" in rec["derived"]
    # a model without K_o or Na_o: the standard bath is the reference
    assert rule.resolve("hh1952").reference == (5.4, 140.0)
    assert rule.resolve("hh1952").temperature == 6.3


def test_total_mg_uses_the_models_nucleotides():
    c = Cytosol.from_total_mg(2.0, model="zg_cell")
    m = get_model("zg_cell")
    atp, adp, ph = (m.parameter(n).value for n in ("ATP", "ADP", "pH"))
    assert (c.ATP, c.ADP, c.pH) == (atp, adp, ph) == (4.0, 0.05, 7.2)
    # with the model's Pi, which binds Mg2+ too (1 mM here: 0.5% less free Mg2+ than without)
    assert c.Mg_i == pytest.approx(physiology.free_mg(2.0, atp, adp, pH=ph, K=140.0,
                                                      Pi=m.parameter("Pi").value), rel=1e-15)
    assert c.as_params("zg_cell")["Mg_i"] == c.Mg_i


def test_a_sweep_with_the_rule_alone_runs_the_models_own_cell():
    """hh1952 with only a substitution rule: bit-identical to no bath, provenance says so."""
    kw = dict(grid={"I_app": [10.0]}, t_end=60.0, metrics=["mean_V", "spike_rate"],
              progress=False)
    plain = bp.sweep("hh1952", **kw)
    bath = bp.sweep("hh1952", conditions=Solution(substitution="equimolar_Na"), **kw)
    np.testing.assert_array_equal(bath.mean_V.values, plain.mean_V.values)
    assert float(bath.spike_rate.values.ravel()[0]) > 0  # the 6.3 C axon fires
    sol = json.loads(bath.attrs["solution"])
    assert sol["temperature"] == 6.3 and "temperature" in sol["from_model"]
    assert json.loads(bath.attrs["conditions"]) == {"temperature": 6.3}


def test_swept_conditions_are_not_recorded_as_their_base_value():
    ds = bp.sweep("zg_cell", grid={"K_o": [4.0, 5.0]}, t_end=50.0, metrics=["mean_V"],
                  conditions=Solution(substitution="equimolar_Na"), progress=False)
    cond = json.loads(ds.attrs["conditions"])
    assert cond["K_o"] == "varied (see the coordinates)"
    assert cond["Na_o"].startswith("derived per point")
    assert cond["Ca_o"] == 2.0 and cond["temperature"] == 37.0
    sol = json.loads(ds.attrs["solution"])
    assert sol["K_o"] == cond["K_o"] and sol["Na_o"] == cond["Na_o"]
    assert "K_o" not in sol["from_model"] and "Ca_o" in sol["from_model"]
    assert ds.attrs["substitution_rule"].startswith("equimolar_Na: Na_o = 140 - (K_o - 4) mM")


def test_derived_cl_o_of_a_swept_cation_is_recorded_as_varying():
    """zg_cell has no Cl_o condition, so Cl_o was recorded as one number (150 mM) although the
    electroneutral rule gives 148.5-152 mM across a swept Mg_o (found in review, helper 89)."""
    kw = dict(t_end=100.0, dry_run=True, progress=False)
    for grid in ({"Mg_o": [0.25, 2.0]}, {"Ca_o": [1.0, 2.0]}):
        sol = json.loads(bp.sweep("zg_cell", grid=grid, conditions=Solution(), **kw)
                         .attrs["solution"])
        assert sol["Cl_o"].startswith("derived per point"), (grid, sol["Cl_o"])
    sol = json.loads(bp.sweep("zg_cell", grid={"g_KCa": [0.1, 0.2]}, conditions=Solution(),
                              **kw).attrs["solution"])
    assert sol["Cl_o"] == 150.0  # nothing it is derived from varies


def test_the_readme_bath_is_its_own_reference():
    """README: Solution(K_o=5.4, Na_o=140, ..., substitution="equimolar_Na") swept over K_o."""
    from biophys._design import Mapper, make_design

    m = get_model("beta_cell")
    bath = Solution(K_o=5.4, Na_o=140.0, Ca_o=2.6, Mg_o=1.0, substitution="equimolar_Na")
    d = make_design(m, {"K_o": [2.0, 5.4, 12.0]}, None, bath)
    mp = Mapper(m, d, bath)
    vals = dict(zip(mp.names, mp.values(0, 3), strict=True))
    np.testing.assert_allclose(vals["Na_o"], [143.4, 140.0, 133.4], rtol=1e-15)


def test_a_resolved_bath_or_cytosol_keeps_later_changes():
    """Review of session 22: fields filled by resolve() were skipped by as_params even after
    they had been changed."""
    c = Cytosol().resolve("zg_cell")
    assert c.replace(Mg_i=0.3).as_params("zg_cell")["Mg_i"] == 0.3
    s = Solution(cytosol=Cytosol(ATP=3.0)).resolve("zg_cell").replace(Mg_i=0.3)
    assert s.as_params("zg_cell")["Mg_i"] == 0.3
    r = Solution(substitution="equimolar_Na").resolve("beta_cell")
    p = dataclasses.replace(r, K_o=10.0).as_params("beta_cell")
    assert p["K_o"] == 10.0 and p["Na_o"] == 135.4
    # a bath resolved for one model is explicit numbers for another
    assert Solution().resolve("beta_cell").as_params("zg_cell")["Ca_o"] == 2.6


def test_na_o_under_the_rule_needs_k_o():
    with pytest.raises(ValueError, match="needs K_o too"):
        Solution(Na_o=100.0, reference=(5.4, 140.0), substitution="equimolar_Na")


def test_switching_the_rule_on_and_off():
    on = Solution.standard().replace(substitution="equimolar_Na", K_o=20.0)
    assert on.reference == (5.4, 140.0) and on.Na_o == pytest.approx(125.4, rel=1e-15)
    on = Solution().resolve("beta_cell").replace(substitution="equimolar_Na", K_o=8.0)
    assert on.Na_o == pytest.approx(137.4, rel=1e-15)
    off = Solution(K_o=20.0, Na_o=130.0, substitution="equimolar_Na").replace(
        substitution="none")
    assert off.as_params("beta_cell") == {"K_o": 20.0, "Na_o": 130.0}


def test_bath_warnings_are_not_repeated_by_resolving():
    with pytest.warns(UserWarning) as caught:
        s = Solution(K_o=70.0, substitution="equimolar_Na")
    assert [str(w.message)[:4] for w in caught] == ["K_o "]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        s.resolve("zg_cell")
        s.resolve("zg_cell").record()
        assert caught == []
        s.as_params("zg_cell")  # Na_o = 74 mM is derived only now: said once
    assert [str(w.message)[:5] for w in caught] == ["Na_o "]


def test_total_mg_needs_the_nucleotides():
    with pytest.raises(ValueError, match="ATP, ADP, pH not given and no model"):
        Cytosol.from_total_mg(2.0)
    # the beta-cell's ATP and ADP are states, not conditions
    with pytest.raises(ValueError, match="ATP, ADP not given and model 'beta_cell'"):
        Cytosol.from_total_mg(2.0, model="beta_cell")
    c = Cytosol.from_total_mg(2.0, model="beta_cell", ATP=3.0, ADP=0.3)
    assert c.pH == 7.0  # the beta-cell's own pH_i, carried with the Mg2+ it was solved with
    own = get_model("beta_cell")
    p = c.as_params("beta_cell")
    assert p["pH_i"] == own.parameter("pH_i").value and p["Pi_i"] == own.parameter("Pi_i").value
    assert p["Mg_i"] == pytest.approx(physiology.free_mg(2.0, 3.0, 0.3, pH=7.0, K=140.0,
                                                         Pi=own.parameter("Pi_i").value),
                                      rel=1e-15)


def test_a_model_with_its_own_cl_o_keeps_it():
    """Cl_o left out is the model's own when the model has one (electroneutral otherwise)."""
    from biophys._fields import _own_values

    m, own = _own_values("beta_cell")
    assert "Cl_o" not in own  # no built-in model has Cl_o: derived from the cations
    assert Solution(Mg_o=0.5).resolve("beta_cell").Cl_o == pytest.approx(
        140.0 + 5.4 + 2 * (2.6 + 0.5), rel=1e-15)


def test_simulate_takes_the_bath_as_sweep_does():
    """simulate(conditions=) sets the parameters a Solution sets in a sweep (substitution rule
    and cytosol included), runs the same cell as those parameters given one by one, and
    records the bath; before, simulate had no conditions= and a bath had to be spelt out as
    parameters (without its rule)."""
    bath = Solution(K_o=8.0, Mg_o=0.5, substitution="equimolar_Na",
                    cytosol=Cytosol(Mg_i=0.4))
    ds = bp.simulate("zg_cell", t_end=200.0, conditions=bath)
    pars = bath.as_params("zg_cell")
    assert pars["Na_o"] == pytest.approx(136.0)  # 140 - (8 - 4): zg_cell's own reference bath
    same = bp.simulate("zg_cell", t_end=200.0, params=pars)
    np.testing.assert_array_equal(ds.V.values, same.V.values)
    rec = json.loads(ds.attrs["conditions"])
    assert (rec["K_o"], rec["Na_o"], rec["Mg_o"], rec["Mg_i"]) == (8.0, 136.0, 0.5, 0.4)
    assert json.loads(ds.attrs["solution"])["substitution"] == "equimolar_Na"
    assert ds.attrs["substitution_rule"].startswith("equimolar_Na")
    point = bp.sweep("zg_cell", grid={"K_o": [8.0]}, t_end=200.0, metrics=["mean_V"],
                     conditions=bath.replace(K_o=None), progress=False)
    # the sweep records its swept K_o as a coordinate, the rest as changed parameters
    assert {**json.loads(point.attrs["changed_parameters"]), "K_o": 8.0} == json.loads(
        ds.attrs["changed_parameters"])
    # a mapping of conditions, and no conditions (the model's own bath, recorded)
    m = get_model("zg_cell")
    plain = bp.simulate("zg_cell", t_end=1.0, conditions={"K_o": 8.0})
    assert json.loads(plain.attrs["conditions"])["Na_o"] == m.parameter("Na_o").value
    assert bp.simulate("zg_cell", t_end=1.0).attrs["solution"] == "none"


@pytest.mark.parametrize("kw, message", [
    (dict(conditions=Solution(K_o=8.0), params={"Na_o": 130.0}),
     "'Na_o' is a condition of the Solution given as conditions="),
    # Na_o derived by the rule: the Solution's message, not "given in both" (reordered, s30)
    (dict(conditions=Solution(K_o=8.0, substitution="equimolar_Na"), params={"Na_o": 130.0}),
     "'Na_o' is a condition of the Solution given as conditions=: give it in the Solution"),
    (dict(conditions={"K_o": 8.0}, params={"K_o": 3.0}), "'K_o' is given in both"),
    (dict(conditions={"g_TASK": 1.0}), "'g_TASK' is not a condition of model 'zg_cell'"),
    (dict(conditions=3), "conditions must be a mapping"),
])
def test_simulate_bath_errors_are_those_of_sweep(kw, message):
    with pytest.raises(ValueError, match=message):
        bp.simulate("zg_cell", t_end=1.0, **kw)


# --------------------------------------------------------------------------------------------
# session 32: given fields a model has no condition for are warned about once and recorded
# --------------------------------------------------------------------------------------------

def _warned(action) -> tuple[list[str], object]:
    """Every warning of ``action()`` (the runs below give no other), and its result."""
    with warnings.catch_warnings(record=True) as got:
        warnings.simplefilter("always")
        out = action()
    return [str(w.message) for w in got], out


def test_simulate_warns_about_and_records_the_fields_the_model_does_not_use():
    """hh1952 has no Ca_o or Mg_o (its only condition is the temperature): the bath was
    recorded as if applied, with no hint (a Mg2+ comparison across models got identical
    runs)."""
    assert get_model("hh1952").condition_names == ("temperature",)
    said, ds = _warned(lambda: bp.simulate(
        "hh1952", t_end=1.0, conditions=Solution(Ca_o=2.0, Mg_o=0.5)))
    assert len(said) == 1, said
    for words in ("Ca_o = 2 mM", "Mg_o = 0.5 mM", "model 'hh1952'", "temperature"):
        assert words in said[0], (words, said[0])
    assert json.loads(ds.attrs["solution"])["unused"] == ["Ca_o", "Mg_o"]
    # a Cytosol alone: its fields, pH without a unit
    said, ds = _warned(lambda: bp.simulate(
        "hh1952", t_end=1.0, conditions=Cytosol(Mg_i=0.3, pH=7.0)))
    assert len(said) == 1 and "Mg_i = 0.3 mM, pH = 7 not applied" in said[0], said
    assert json.loads(ds.attrs["solution"])["unused"] == ["Mg_i", "pH"]


def test_a_sweep_warns_once_and_records_the_unused_fields_of_bath_and_cytosol():
    """One warning per call, not per point or chunk; the cytosol's unused fields in its own
    record. chay_keizer_1983 takes K_o (swept through the Solution) but no Mg_o or pH."""
    bath = Solution(K_o=5.0, Mg_o=0.5, cytosol=Cytosol(pH=7.0))
    said, ds = _warned(lambda: bp.sweep(
        "chay_keizer_1983", grid={"K_o": [4.0, 5.0, 6.0]}, t_end=2.0, metrics=["mean_V"],
        conditions=bath, chunk_size=1, progress=False))
    assert len(said) == 1 and "Mg_o = 0.5 mM, pH = 7 not applied" in said[0], said
    sol = json.loads(ds.attrs["solution"])
    assert sol["unused"] == ["Mg_o"] and sol["cytosol"]["unused"] == ["pH"]
    # hysteresis (a plan, then one sweep per step) and sensitivity (its own checks, then a
    # sweep): once too
    said, ds = _warned(lambda: bp.hysteresis(
        "hh1952", "I_app", [0.0, 1.0], t_end=2.0, warmup=0.0, metrics=["mean_V"],
        conditions=Solution(Mg_o=0.5), progress=False))
    assert len(said) == 1 and json.loads(ds.attrs["solution"])["unused"] == ["Mg_o"], said
    said, ds = _warned(lambda: bp.sensitivity(
        "hh1952", "g_K", grid={"I_app": [0.0]}, t_end=2.0, metrics=["mean_V"],
        conditions=Solution(Mg_o=0.5), progress=False))
    assert len(said) == 1 and json.loads(ds.attrs["solution"])["unused"] == ["Mg_o"], said


@pytest.mark.parametrize("model, bath", [
    # Na_o derived by the rule, Cl_o by electroneutrality: neither model has them
    ("chay_keizer_1983", Solution(K_o=8.0, substitution="equimolar_Na")),
    ("hh1952", Solution(substitution="equimolar_Na")),
    # a Na_o given with K_o is the rule's reference bath; Cl_o derived from all four cations
    ("beta_cell", Solution(K_o=8.0, Na_o=140.0, Ca_o=2.6, Mg_o=1.0,
                           substitution="equimolar_Na")),
    ("zg_cell", Solution(cytosol=Cytosol(Mg_i=0.3, pH=7.1))),
    ("beta_cell", Cytosol(pH=7.1, Pi=2.0)),  # pH_i and Pi_i
])
def test_derived_and_left_out_fields_are_not_reported(model, bath):
    said, ds = _warned(lambda: bp.simulate(model, t_end=0.5, conditions=bath))
    assert said == []
    assert json.loads(ds.attrs["solution"])["unused"] == []


def test_the_record_names_every_field_the_model_has_no_condition_for():
    """The record shows a full bath (a left-out field at the standard bath's value, from which
    the derived Cl_o is computed), so ``not_in_model`` says which of its fields were not
    applied, given or not; ``unused`` stays the given ones."""
    said, ds = _warned(lambda: bp.simulate("hh1952", t_end=0.5,
                                           conditions=Solution(K_o=10.0)))
    sol = json.loads(ds.attrs["solution"])
    assert sol["Ca_o"] == 2.0 and sol["temperature"] == 6.3  # shown, but only one applied
    assert sol["not_in_model"] == ["K_o", "Na_o", "Ca_o", "Mg_o", "Cl_o"]
    assert sol["unused"] == ["K_o"] and len(said) == 1
    # zg_cell takes every bath field but Cl_o, and every cytosol field
    said, ds = _warned(lambda: bp.simulate("zg_cell", t_end=0.5, conditions=Solution(
        K_o=6.0, cytosol=Cytosol(pH=7.0))))
    sol = json.loads(ds.attrs["solution"])
    assert said == [] and sol["not_in_model"] == ["Cl_o"]
    assert sol["cytosol"]["not_in_model"] == [] and sol["cytosol"]["unused"] == []
    # a Cytosol alone: its own fields; beta_cell's pH and Pi are pH_i and Pi_i
    said, ds = _warned(lambda: bp.simulate("beta_cell", t_end=0.5, conditions=Cytosol(pH=7.0)))
    sol = json.loads(ds.attrs["solution"])
    assert said == [] and sol["not_in_model"] == ["ATP", "ADP", "Na_i", "K_i"]
