"""The constant-osmolarity and constant-ionic-strength substitution rules of
:class:`biophys.Solution`.

The invariants are computed here from every ion of the bath the Solution reports (ideal
osmolarity: the sum of all ion concentrations; ionic strength: 1/2 sum c z^2), not from the
rule's own formula, so a wrong coefficient or sign in the rule shows as a changed invariant.
"""

import itertools
import warnings

import numpy as np
import pytest

import biophys as bp
from biophys import _bath
from biophys._design import Mapper, make_design
from biophys.solution import Solution

RULES = ("constant_osmolarity", "constant_ionic_strength")
REF = (5.4, 140.0, 2.0, 1.0)   # K_ref, Na_ref, Ca_ref, Mg_ref, mM


def osmolarity(s: Solution) -> float:
    """Ideal osmolarity (mOsm/l, osmotic coefficients 1) of the bath's ions."""
    return s.Na_o + s.K_o + s.Ca_o + s.Mg_o + s.Cl_o


def ionic_strength(s: Solution) -> float:
    """Ionic strength (mM) 1/2 sum c z^2 of the bath's ions."""
    return 0.5 * (s.Na_o + s.K_o + 4.0 * s.Ca_o + 4.0 * s.Mg_o + s.Cl_o)


INVARIANT = {"constant_osmolarity": osmolarity, "constant_ionic_strength": ionic_strength}
CHANGES = [dict(zip(("K_o", "Ca_o", "Mg_o"), v, strict=True))
           for v in itertools.product((2.0, 5.4, 12.0), (0.5, 2.0, 3.0), (0.1, 1.0, 4.0))]


@pytest.mark.parametrize("rule", RULES)
def test_the_rule_keeps_its_quantity_at_every_bath(rule):
    ref = Solution(K_o=5.4, Na_o=140.0, Ca_o=2.0, Mg_o=1.0)
    for change in CHANGES:
        s = Solution(**change, substitution=rule, reference=REF)
        assert s._derived == ("Na_o", "Cl_o")
        assert INVARIANT[rule](s) == pytest.approx(INVARIANT[rule](ref), rel=1e-13), change
        # the bath stays electroneutral
        assert s.Cl_o == pytest.approx(s.Na_o + s.K_o + 2 * (s.Ca_o + s.Mg_o), rel=1e-13)


def test_the_rules_differ_only_where_divalent_salts_change():
    """For K+ alone the three NaCl rules give one bath (KCl and NaCl are both 1:1 salts, so
    equimolar replacement keeps osmolarity and ionic strength); a Mg2+ change is made up by
    1.5 mM NaCl per mM at constant osmolarity and 3 mM at constant ionic strength, and not at
    all by equimolar_Na, which then changes both quantities."""
    def ref(rule):
        return REF[:2] if rule == "equimolar_Na" else REF

    baths = {r: Solution(K_o=12.0, Ca_o=2.0, Mg_o=1.0, substitution=r, reference=ref(r))
             for r in ("equimolar_Na", *RULES)}
    assert len({b.Na_o for b in baths.values()}) == 1
    low_mg = {r: Solution(K_o=5.4, Ca_o=2.0, Mg_o=0.2, substitution=r, reference=ref(r))
              for r in ("equimolar_Na", *RULES)}
    assert low_mg["equimolar_Na"].Na_o == 140.0
    assert low_mg["constant_osmolarity"].Na_o == pytest.approx(140.0 + 1.5 * 0.8, rel=1e-15)
    assert low_mg["constant_ionic_strength"].Na_o == pytest.approx(140.0 + 3.0 * 0.8,
                                                                   rel=1e-15)
    ref = Solution(K_o=5.4, Na_o=140.0, Ca_o=2.0, Mg_o=1.0)
    eq = low_mg["equimolar_Na"]
    assert osmolarity(eq) != pytest.approx(osmolarity(ref), abs=1.0)
    assert ionic_strength(eq) != pytest.approx(ionic_strength(ref), abs=1.0)
    # each constant-bath rule keeps only its own quantity
    assert ionic_strength(low_mg["constant_osmolarity"]) != pytest.approx(
        ionic_strength(ref), abs=0.5)
    assert osmolarity(low_mg["constant_ionic_strength"]) != pytest.approx(
        osmolarity(ref), abs=0.5)


@pytest.mark.parametrize("rule", RULES)
def test_a_missing_reference_is_the_models_own_bath(rule):
    """With no reference (or a two-field one) the rule starts from the model's own bath, read
    here from the model's parameter defaults."""
    m = bp.model("beta_cell")
    own = {n: m.parameter(n).value for n in ("K_o", "Na_o", "Ca_o", "Mg_o")}
    coef = {"constant_osmolarity": 1.5, "constant_ionic_strength": 3.0}[rule]
    expect = own["Na_o"] - coef * (0.3 - own["Mg_o"])
    for sol in (Solution(Mg_o=0.3, substitution=rule),
                Solution(Mg_o=0.3, substitution=rule, reference=(own["K_o"], own["Na_o"]))):
        r = sol.resolve(m)
        assert r.reference == (own["K_o"], own["Na_o"], own["Ca_o"], own["Mg_o"])
        assert r.Na_o == pytest.approx(expect, rel=1e-14)
        assert sol.as_params(m)["Na_o"] == pytest.approx(expect, rel=1e-14)
    # the given bath is the reference: K_o, Na_o, Ca_o and Mg_o together
    s = Solution(K_o=4.0, Na_o=135.0, Ca_o=1.5, Mg_o=0.8, substitution=rule)
    assert s.reference == (4.0, 135.0, 1.5, 0.8) and s.Na_o == 135.0
    assert s.replace(Mg_o=0.3).Na_o == pytest.approx(135.0 + coef * 0.5, rel=1e-14)


def test_bad_baths_under_the_rules_are_refused_with_the_field_unit_and_range():
    with pytest.raises(ValueError, match=r"^Cl_o = 150.0 mM with substitution="
                                         r"'constant_osmolarity': the rule derives Cl_o"):
        Solution(Cl_o=150.0, substitution="constant_osmolarity")
    with pytest.raises(ValueError, match=r"Na_o = 130.0 mM with substitution="
                                         r"'constant_ionic_strength' needs Ca_o, Mg_o too"):
        Solution(K_o=5.0, Na_o=130.0, substitution="constant_ionic_strength")
    with pytest.raises(ValueError, match=r"conflicts with substitution='constant_osmolarity', "
                                         r"which sets Na_o = 140 - \(K_o - 5.4\) - 1.5 "
                                         r"\(Ca_o - 2\) - 1.5 \(Mg_o - 1\) = 141.2 mM"):
        Solution(K_o=5.4, Na_o=140.0, Ca_o=2.0, Mg_o=0.2, substitution="constant_osmolarity",
                 reference=REF)
    # 40 mM more MgCl2 at constant ionic strength takes out 120 mM NaCl; with K_o = 30 mM the
    # bath runs out of Na+: K_o must stay below 30 + (-4.6) = 25.4 mM at these Ca_o, Mg_o, and
    # Mg_o below 41 - 4.6 / 3 = 39.4667 mM at these K_o, Ca_o
    with pytest.raises(ValueError, match=r"^K_o = 30, Mg_o = 41 mM with NaCl substitution at "
                                         r"constant ionic strength from the reference bath "
                                         r"\(K_ref = 5.4, Na_ref = 140, Ca_ref = 2, Mg_ref = 1 "
                                         r"mM\) leaves Na_o = -4.6 mM; valid K_o range for this "
                                         r"rule at Ca_o = 2, Mg_o = 41 mM: \(0, 25.4\) mM; "
                                         r"valid Mg_o range for this rule at K_o = 30, Ca_o = 2 "
                                         r"mM: \[0, 39.4667\) mM$"), \
            warnings.catch_warnings():
        warnings.simplefilter("ignore")
        Solution(K_o=30.0, Ca_o=2.0, Mg_o=41.0, substitution="constant_ionic_strength",
                 reference=REF)
    with pytest.raises(ValueError, match=r"Mg_ref = -1 mM must be finite and >= 0 mM"):
        Solution(substitution="constant_osmolarity", reference=(5.4, 140.0, 2.0, -1))


def test_switching_to_a_constant_bath_rule_starts_from_this_bath():
    s = Solution(K_o=5.0, Na_o=130.0, Ca_o=2.0, Mg_o=1.0)
    on = s.replace(substitution="constant_osmolarity", Mg_o=0.2)
    assert on.reference == (5.0, 130.0, 2.0, 1.0)
    assert on.Na_o == pytest.approx(131.2, rel=1e-15)
    # fields left to the model stay the model's in the reference too
    part = Solution(K_o=5.0, Na_o=130.0).replace(substitution="constant_ionic_strength")
    assert part.reference == (5.0, 130.0, None, None)
    r = part.replace(Mg_o=0.5).resolve("beta_cell")
    mg_own = bp.model("beta_cell").parameter("Mg_o").value
    assert r.Na_o == pytest.approx(130.0 + 3.0 * (mg_own - 0.5), rel=1e-14)


def test_a_mg_sweep_under_the_rule_sets_na_o_at_each_point():
    m = bp.model("zg_cell")
    bath = Solution(substitution="constant_osmolarity", reference=(4.0, 140.0, 2.0, 1.0))
    d = make_design(m, {"Mg_o": [0.2, 1.0, 3.0], "K_o": [4.0, 8.0]}, None, bath)
    mp = Mapper(m, d, bath)
    vals = dict(zip(mp.names, mp.values(0, d.n_points), strict=True))
    mg = np.repeat([0.2, 1.0, 3.0], 2)
    k = np.tile([4.0, 8.0], 3)
    np.testing.assert_allclose(vals["Na_o"], 140.0 - (k - 4.0) - 1.5 * (mg - 1.0), rtol=1e-14)
    np.testing.assert_array_equal(vals["Mg_o"], mg)


def test_sweep_records_the_rule_and_refuses_derived_axes():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ds = bp.sweep("zg_cell", grid={"Mg_o": [0.2, 1.0]}, t_end=1.0, dry_run=True,
                      conditions=Solution(substitution="constant_ionic_strength"))
    assert ds.attrs["substitution_rule"].startswith(
        "constant_ionic_strength: Na_o = 140 - (K_o - 4) - 3 (Ca_o - 2) - 3 (Mg_o - 1) mM")
    assert "Na_o" in ds.attrs["varied_parameters"]
    # Cl_o is a sweepable name only where the bath gives it a number (the standard bath)
    for name in ("Na_o", "Cl_o"):
        with pytest.raises(ValueError, match=rf"grid axis '{name}': {name} is derived by "
                                             r"substitution='constant_osmolarity'"):
            bp.sweep("zg_cell", grid={name: [100.0, 120.0]}, t_end=1.0, dry_run=True,
                     conditions=Solution.standard(substitution="constant_osmolarity"))


def test_the_reference_bath_given_with_the_rule_may_be_swept_from():
    """``Solution(K_o, Na_o, Ca_o, Mg_o, substitution=...)`` is the reference bath: a sweep
    over Mg_o re-applies the rule from it instead of refusing Mg_o as set twice."""
    m = bp.model("zg_cell")
    s = Solution(K_o=4.0, Na_o=140.0, Ca_o=2.0, Mg_o=1.0, substitution="constant_osmolarity")
    assert "Mg_o" not in _bath.set_in_solution(m, s)
    assert "Mg_o" in _bath.set_in_solution(m, s.replace(Mg_o=0.5))


def test_a_solution_table_takes_the_four_field_reference():
    s = _bath.solution_from_table({"substitution": "constant_osmolarity", "Mg_o": 0.5,
                                   "reference": [4.0, 140.0, 2.0, 1.0]}, "[solution]")
    assert s.reference == (4.0, 140.0, 2.0, 1.0)
    assert s.resolve("zg_cell").Na_o == pytest.approx(140.75, rel=1e-15)


def test_the_k_only_rule_takes_a_two_field_reference():
    """equimolar_Na reads K_ref and Na_ref only: a four-field reference given with it is
    refused (it used to be accepted and crash later, in the rule's description), and
    switching to it from a constant-bath rule keeps the two fields it reads."""
    with pytest.raises(ValueError, match=r"^reference = \(5.0, 140.0, 1.0, 1.0\): "
                                         r"substitution='equimolar_Na' takes \(K_ref, Na_ref\)"):
        Solution(K_o=8.0, substitution="equimolar_Na", reference=(5, 140, 1, 1))
    s = Solution(K_o=8.0, Ca_o=2.0, Mg_o=1.0, substitution="constant_osmolarity", reference=REF)
    eq = s.replace(substitution="equimolar_Na")
    assert eq.reference == (5.4, 140.0) and eq.Na_o == pytest.approx(137.4, rel=1e-15)
    assert eq.describe_substitution().startswith("equimolar_Na: Na_o = 140 - (K_o - 5.4) mM")
