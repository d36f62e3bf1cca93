"""Bath machinery (biophys.solution, biophys._bath): behaviour that mutation testing showed no
test pinned down (session 41, helper 98). Each test fails when the rule it names is
broken; every expected value is worked out by hand here from the documented rules:

* equimolar Na+ substitution: ``Na_o = Na_ref - (K_o - K_ref)``;
* electroneutral Cl-: ``Cl_o = Na_o + K_o + 2 Ca_o + 2 Mg_o``;
* physiological ranges (closed): K_o [1, 60], Na_o [100, 170], Ca_o [0.5, 10], Mg_o [0.1, 10],
  Cl_o [80, 180] mM, temperature [4, 42] C; Mg_i [0.1, 3] mM, pH [6.5, 7.8].
"""

from __future__ import annotations

import json
import math
import warnings

import pytest

import biophys as bp
from biophys._bath import warn_outside_range
from biophys.solution import Cytosol, Solution

RANGE = "is outside the physiological range"
DRY = dict(t_end=2.0, metrics=["mean_V"], dry_run=True, progress=False)


def _messages(action) -> list[str]:
    with warnings.catch_warnings(record=True) as got:
        warnings.simplefilter("always")
        action()
    return [str(w.message) for w in got]


def test_replace_rederives_cl_o_from_the_changed_cations():
    """A derived Cl_o follows every change made by replace() (not only K_o under the rule)."""
    std = Solution.standard()  # 5.4 K, 140 Na, 2 Ca, 1 Mg: Cl = 140 + 5.4 + 4 + 2
    assert std.Cl_o == pytest.approx(151.4, rel=1e-12)
    hi_mg = std.replace(Mg_o=5.0)
    assert hi_mg.Cl_o == pytest.approx(140.0 + 5.4 + 2 * (2.0 + 5.0), rel=1e-12)  # 159.4
    lo_ca = std.replace(Ca_o=1.0)
    assert lo_ca.Cl_o == pytest.approx(140.0 + 5.4 + 2 * (1.0 + 1.0), rel=1e-12)  # 149.4
    # and after a second change (the first copy's Cl_o must not stick either)
    assert hi_mg.replace(Mg_o=0.5).Cl_o == pytest.approx(140.0 + 5.4 + 2 * 2.5, rel=1e-12)
    # under the rule: Na_o = 140 - (20 - 5.4) = 125.4, Cl = 125.4 + 20 + 2 (2 + 0.5) = 150.4
    rule = Solution.standard(substitution="equimolar_Na").replace(K_o=20.0, Mg_o=0.5)
    assert rule.Na_o == pytest.approx(125.4, rel=1e-12)
    assert rule.Cl_o == pytest.approx(150.4, rel=1e-12)
    for s in (hi_mg, lo_ca, rule):
        rec = s.record()
        assert "Cl_o" in rec["derived"] and "Cl_o_rule" in rec


@pytest.mark.parametrize("name, end, outside", [
    ("K_o", 1.0, 0.9), ("K_o", 60.0, 61.0), ("Na_o", 100.0, 99.0), ("Na_o", 170.0, 171.0),
    ("Ca_o", 0.5, 0.4), ("Ca_o", 10.0, 11.0), ("Mg_o", 0.1, 0.09), ("Mg_o", 10.0, 11.0),
    ("Cl_o", 80.0, 79.0), ("Cl_o", 180.0, 181.0), ("temperature", 4.0, 3.0),
    ("temperature", 42.0, 43.0),
])
def test_the_ends_of_the_physiological_range_draw_no_warning(name, end, outside):
    """The ranges are closed, as for values set directly (``warn_outside_range``); just
    outside, the warning names the field, the value, the unit and the range."""
    unit = "C" if name == "temperature" else "mM"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert getattr(Solution(**{name: end}), name) == end
        assert warn_outside_range(name, [end], unit) is False
    with pytest.warns(UserWarning, match=rf"^{name} = {outside:g} {unit} {RANGE}"):
        Solution(**{name: outside})


@pytest.mark.parametrize("kw", [{"Mg_i": 0.1}, {"Mg_i": 3.0}, {"pH": 6.5}, {"pH": 7.8}])
def test_the_ends_of_the_cytosol_range_draw_no_warning(kw):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        Cytosol(**kw)


def test_the_rule_range_error_names_k_o_its_unit_and_valid_range():
    """K_o at or above K_ref + Na_ref leaves no Na+ to replace: the error is the rule's, about
    the K_o the user gave (not a Na_o = 0 the user never typed), in mM."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # K_o far outside [1, 60] mM also warns
        for k_o, na in ((145.0, "0"), (150.0, "-5")):  # 140 - (K_o - 5) mM
            with pytest.raises(ValueError, match=(
                    rf"^K_o = {k_o:g} mM with equimolar Na\+ substitution from the reference "
                    rf"bath \(K_ref = 5, Na_ref = 140 mM\) leaves Na_o = {na} mM; valid K_o "
                    r"range for this rule: \(0, 145\) mM$")):
                Solution(K_o=k_o, substitution="equimolar_Na", reference=(5.0, 140.0))
        # the model's own bath as reference (zg_cell: K_o 4, Na_o 140 mM): checked on use
        high = Solution(K_o=150.0, substitution="equimolar_Na")
        with pytest.raises(ValueError, match=r"valid K_o range for this rule: \(0, 144\) mM$"):
            high.as_params("zg_cell")
    # just inside the range: Na_o = 140 - (144 - 5) = 1 mM is physical (a warning only)
    said = _messages(lambda: Solution(K_o=144.0, substitution="equimolar_Na",
                                      reference=(5.0, 140.0)))
    assert said == [f"K_o = 144 mM {RANGE} [1, 60] mM", f"Na_o = 1 mM {RANGE} [100, 170] mM"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert Solution(K_o=144.0, substitution="equimolar_Na",
                        reference=(5.0, 140.0)).Na_o == 1.0


@pytest.mark.parametrize("reference", [(5.4, 0.0), (5.4, -140.0), (0.0, 140.0), (-5.4, 140.0),
                                       (5.4, math.nan), (math.inf, 140.0)])
def test_a_reference_bath_without_na_or_k_is_refused(reference):
    """The reference is refused on construction, before any K_o makes the rule fail (with
    K_o left to the model the rule is first applied much later, in a sweep or a run)."""
    with pytest.raises(ValueError, match=r"^reference = .*: (K|Na)_ref = .* mM must be "
                                         r"finite and > 0 mM$"):
        Solution(substitution="equimolar_Na", reference=reference)


def test_replace_warns_about_the_na_o_the_rule_derives():
    """Raising K_o through replace() lowers Na_o by the rule: 140 - (100 - 5.4) = 45.4 mM,
    outside [100, 170] mM, said as a Solution says it (the user never typed that Na_o)."""
    rule = Solution.standard(substitution="equimolar_Na")
    said = _messages(lambda: rule.replace(K_o=100.0))
    assert sorted(said) == [f"K_o = 100 mM {RANGE} [1, 60] mM",
                            f"Na_o = 45.4 mM {RANGE} [100, 170] mM"]
    # K_o 35.4 mM, Na_o 140 - (35.4 - 5.4) = 110 mM: both in range, no warning
    assert _messages(lambda: rule.replace(K_o=35.4)) == []


def test_switching_the_rule_on_takes_the_bath_as_its_reference():
    """A bath made without the rule and then switched to it is the rule's reference bath:
    reference (K_ref, Na_ref) = (10, 135) mM, recorded and described in that order, and its
    own K_o (the reference K_o) may be left in the Solution of a K_o sweep."""
    base = Solution(K_o=10.0, Na_o=135.0).replace(substitution="equimolar_Na")
    assert base.reference == (10.0, 135.0)
    moved = base.replace(K_o=20.0)
    assert moved.Na_o == 125.0  # 135 - (20 - 10)
    assert moved.reference == (10.0, 135.0)
    rec = moved.record()
    assert (rec["reference_K_o"], rec["reference_Na_o"]) == (10.0, 135.0)
    assert "Na_o = 135 - (K_o - 10) mM" in rec["substitution_rule"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = bp.sweep("zg_cell", grid={"K_o": [5.0, 20.0]}, conditions=base, **DRY)
    assert res["K_o"].values.tolist() == [5.0, 20.0]
    assert json.loads(res.attrs["solution"])["reference_K_o"] == 10.0


def test_from_model_lists_only_the_fields_the_model_filled():
    """``from_model`` names the fields that took the model's own value; hh1952 has only a
    temperature, so a left-out K_o, Na_o, Ca_o or Mg_o (shown at the standard bath's value)
    is not the model's."""
    assert Solution().resolve("hh1952").record()["from_model"] == ["temperature"]
    beta = Solution(K_o=8.0).resolve("beta_cell").record()
    assert sorted(beta["from_model"]) == ["Ca_o", "Mg_o", "Na_o", "temperature"]
    ds = bp.simulate("hh1952", t_end=0.5, conditions=Solution())
    sol = json.loads(ds.attrs["solution"])
    assert sol["from_model"] == ["temperature"] and sol["temperature"] == 6.3


def test_a_derived_cl_o_is_not_range_warned_but_a_given_one_is():
    """Cl_o derived from the cations follows them and draws no warning of its own (the module
    docstring); the same value given draws the Cl_o warning."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        high_k = Solution.standard(K_o=40.0)  # K_o in range; Cl = 140 + 40 + 4 + 2 = 186
        assert high_k.Cl_o == pytest.approx(186.0, rel=1e-12)
        assert Solution(K_o=40.0, Na_o=140.0, Ca_o=2.0, Mg_o=1.0).Cl_o == pytest.approx(
            186.0, rel=1e-12)
        Solution.standard().replace(K_o=40.0)
    with pytest.warns(UserWarning, match=rf"^Cl_o = 186 mM {RANGE} \[80, 180\] mM$"):
        Solution(Cl_o=186.0)


def test_a_mg_free_bath_set_directly_is_warned_about_as_a_solutions():
    """Mg_o = 0 is valid (a Mg2+-free bath) but below the physiological [0.1, 10] mM: a
    Solution warns, and so must a sweep axis or params= setting Mg_o directly (only protocol
    inputs such as glucose and Ang II are exempt at 0)."""
    with pytest.warns(UserWarning, match=rf"^Mg_o = 0 mM {RANGE} \[0\.1, 10\] mM$"):
        Solution(Mg_o=0.0)
    said = _messages(lambda: warn_outside_range("Mg_o", [0.0, 1.0], "mM"))
    assert said == [f"Mg_o = 0 mM (1 of 2 values) {RANGE} [0.1, 10] mM"]
    said = _messages(lambda: bp.sweep("beta_cell", grid={"Mg_o": [0.0, 1.0]}, **DRY))
    assert said == [f"Mg_o = 0 mM (1 of 2 values) {RANGE} [0.1, 10] mM"]


def test_replace_warns_only_about_the_fields_it_changes():
    """A bath outside the range is warned about once, when made; a copy that changes another
    field is not warned about it again (a K_o series on a Mg2+-rich bath), nor is a cytosol."""
    assert _messages(lambda: Solution(Mg_o=20.0)) == [f"Mg_o = 20 mM {RANGE} [0.1, 10] mM"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        hi_mg = Solution.standard(Mg_o=20.0)
        acid = Cytosol(pH=6.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert hi_mg.replace(K_o=8.0).Mg_o == 20.0
        assert hi_mg.replace(Mg_i=0.5).cytosol.Mg_i == 0.5
        assert acid.replace(Mg_i=0.5).pH == 6.0
    # the changed field itself is warned about
    assert _messages(lambda: hi_mg.replace(Mg_o=30.0)) == [f"Mg_o = 30 mM {RANGE} [0.1, 10] mM"]


# ---------------------------------------------------------------------------------------------
# defects the same review found in the unmutated code (each test failed before its fix)
# ---------------------------------------------------------------------------------------------

REF = (5.4, 140.0)


def test_a_given_na_o_is_checked_before_the_rule_reads_it():
    """With the rule and a reference a NaN Na_o was replaced by the rule's 125.4 mM (the
    conflict test is False for NaN), and a string gave a bare float() error or was taken."""
    for bad in (math.nan, "high", "125.4", True):
        with pytest.raises(ValueError, match=r"Na_o = .* mM|Na_o = .* must be a real number"):
            Solution(K_o=20.0, Na_o=bad, substitution="equimolar_Na", reference=REF)
    assert Solution(K_o=20.0, Na_o=125.4, substitution="equimolar_Na",
                    reference=REF).Na_o == 125.4  # 140 - (20 - 5.4), agreeing: accepted


def test_switching_the_rule_on_never_drops_a_given_na_o():
    """Solution(Na_o=130).replace(substitution="equimolar_Na") lost the 130 mM (the model's
    140 mM was used); made directly the same bath is refused: now both are."""
    with pytest.raises(ValueError, match="needs K_o too"):
        Solution(Na_o=130.0, substitution="equimolar_Na")
    with pytest.raises(ValueError, match="needs K_o too"):
        Solution(Na_o=130.0).replace(substitution="equimolar_Na")
    # with K_o the two become the rule's reference, as before
    s = Solution(K_o=5.0, Na_o=130.0).replace(substitution="equimolar_Na", K_o=10.0)
    assert s.reference == (5.0, 130.0) and s.Na_o == 125.0


@pytest.mark.parametrize("ref", [("5.4", "140"), (True, 140.0), (5.4,), (5.4, 140.0, 1.0),
                                 (5.4, 140.0, 2.0, 1.0, 0.5), (5.4, None), (None, 140.0),
                                 (5.4, 140.0, "2", 1.0), "5.4,140", 5.4])
def test_reference_takes_two_or_four_numbers_only(ref):
    with pytest.raises(ValueError, match=r"reference = .* must be \(K_ref, Na_ref\) or "
                                         r"\(K_ref, Na_ref, Ca_ref, Mg_ref\), numbers in mM"):
        Solution(K_o=20.0, substitution="equimolar_Na", reference=ref)
