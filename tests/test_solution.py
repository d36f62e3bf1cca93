"""Solution (bath) and Cytosol: validation, substitution rules, model parameters, provenance."""

import dataclasses
import json
import math
import warnings

import pytest

from biophys import physiology
from biophys._design import Mapper, make_design
from biophys.conservation import conservation_demo_model
from biophys.solution import Cytosol, Solution, gating_shift

MODEL = conservation_demo_model()  # conditions: Na_o, K_o, pH, temperature


def test_defaults_leave_every_field_to_the_model():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s = Solution()
        c = Cytosol()
        std = Solution.standard()
        cstd = Cytosol.standard()
    assert (s.K_o, s.Na_o, s.Ca_o, s.Mg_o, s.Cl_o, s.temperature, s.reference) == (None,) * 7
    assert all(getattr(c, f) is None for f in ("Mg_i", "ATP", "ADP", "Pi", "pH", "Na_i", "K_i"))
    assert s.values() == {} and c.values() == {}
    assert s.substitution == "none"
    # the standard bath and cytosol are physiological (no warnings above)
    assert (std.K_o, std.Na_o, std.Ca_o, std.Mg_o, std.temperature) == (5.4, 140.0, 2.0, 1.0,
                                                                        37.0)
    assert std.Cl_o == pytest.approx(140 + 5.4 + 2 * 2.0 + 2 * 1.0)
    assert cstd.H == pytest.approx(10 ** (3 - 7.2))
    with pytest.raises(ValueError, match="pH"):
        c.H  # noqa: B018
    with pytest.raises(ValueError, match="ATP, ADP"):
        Cytosol(Mg_i=0.5).speciation()


@pytest.mark.parametrize("field, value, unit", [
    ("K_o", -1.0, "mM"), ("K_o", 0.0, "mM"), ("Na_o", math.nan, "mM"), ("Ca_o", 0.0, "mM"),
    ("Mg_o", -0.5, "mM"), ("Cl_o", math.inf, "mM"), ("temperature", 150.0, "C"),
    ("K_o", "high", "mM"),
])
def test_invalid_bath_is_value_error_naming_field_unit_range(field, value, unit):
    with pytest.raises(ValueError) as e:
        Solution(**{field: value})
    msg = str(e.value)
    assert field in msg and unit in msg
    lo = "[" if field in ("Mg_o", "temperature") else "("
    assert f"must be in {lo}" in msg or f", in {lo}" in msg  # the valid range


def test_ca_free_message_suggests_small_value():
    with pytest.raises(ValueError, match="Ca2\\+-free"):
        Solution(Ca_o=0.0)


@pytest.mark.parametrize("field, value", [("K_o", 100.0), ("Mg_o", 0.0), ("Na_o", 50.0),
                                          ("temperature", 20.0 - 17.0), ("Ca_o", 20.0)])
def test_unphysiological_but_physical_warns(field, value):
    with pytest.warns(UserWarning, match=field):
        s = Solution(**{field: value})
    assert getattr(s, field) == value


def test_invalid_cytosol():
    with pytest.raises(ValueError, match="Mg_i.*mM"):
        Cytosol(Mg_i=-0.1)
    with pytest.raises(ValueError, match="pH"):
        Cytosol(pH=15.0)
    with pytest.raises(ValueError, match="Na_i"):
        Cytosol(Na_i=0.0)
    with pytest.warns(UserWarning, match="ATP"):
        Cytosol(ATP=0.1)
    with pytest.warns(UserWarning, match=r"pH = 6 \(dimensionless\) is outside the "
                      r"physiological range \[6.5, 7.8\] \(dimensionless\)$"):
        Cytosol(pH=6.0)


@pytest.mark.parametrize("cls, kw, expect", [
    (Solution, "Mg", ["unknown field 'Mg'", "did you mean 'Mg_o'?", "Mg_o", "cytosol"]),
    (Solution, "Mg_i", ["unknown field 'Mg_i'", "Solution(cytosol=Cytosol(Mg_i=...))"]),
    (Cytosol, "atp", ["did you mean 'ATP'?", "Mg_i, ATP, ADP, Pi, pH, Na_i, K_i", "mM"]),
    (Cytosol, "K_o", ["unknown field 'K_o'", "K_o is a field of biophys.Solution"]),
])
def test_unknown_field_lists_the_fields(cls, kw, expect):
    """A mistyped field names itself, the closest field and every field (Python's bare
    "unexpected keyword argument" said none of this); the keyword signature is kept."""
    with pytest.raises(TypeError) as err:
        cls(**{kw: 0.5})
    for text in expect:
        assert text in str(err.value)
    import inspect
    assert "Mg_o" in inspect.signature(Solution).parameters
    assert Solution(Mg_o=0.5).Mg_o == 0.5 and Cytosol(ATP=3.0).ATP == 3.0


def test_equimolar_substitution():
    s = Solution(K_o=20.0, substitution="equimolar_Na", reference=(5.4, 140.0))
    assert s.Na_o == pytest.approx(140.0 - (20.0 - 5.4), rel=1e-15)
    assert s.Na_o + s.K_o == pytest.approx(145.4, rel=1e-15)
    # Cl- unchanged by KCl-for-NaCl substitution
    assert s.Cl_o is None  # Ca_o and Mg_o are the model's: Cl_o is derived on resolve
    full = Solution.standard(K_o=20.0, substitution="equimolar_Na")
    assert full.Na_o == s.Na_o
    assert full.Cl_o == pytest.approx(Solution.standard().Cl_o, rel=1e-15)
    # replace re-applies the rule relative to the reference bath, not to the current one
    t = s.replace(K_o=40.0)
    assert t.Na_o == pytest.approx(140.0 - 34.6, rel=1e-15)
    assert t.replace(K_o=5.4).Na_o == pytest.approx(140.0, rel=1e-15)
    assert dataclasses.replace(s, K_o=40.0).Na_o == pytest.approx(t.Na_o, rel=1e-15)
    # lowering K_o raises Na_o; a custom reference bath
    assert s.replace(K_o=2.0).Na_o == pytest.approx(143.4, rel=1e-15)
    u = Solution(K_o=10.0, substitution="equimolar_Na", reference=(4.0, 145.0))
    assert u.Na_o == pytest.approx(139.0, rel=1e-15)


def test_no_substitution_adds_kcl():
    s = Solution.standard(K_o=20.0)
    assert s.Na_o == 140.0
    assert s.Cl_o == pytest.approx(Solution.standard().Cl_o + 14.6, rel=1e-15)
    assert s.replace(K_o=5.4, Na_o=130.0).Na_o == 130.0
    given = Solution(Cl_o=120.0)
    assert given.replace(K_o=10.0).Cl_o == 120.0  # a given Cl_o is kept
    # with fields left to the model, Cl_o is derived once they are known
    part = Solution(K_o=20.0)
    assert part.Na_o is None and part.Cl_o is None
    r = part.resolve("beta_cell")  # the beta-cell's own Na_o 140, Ca_o 2.6, Mg_o 1.0 mM
    assert r.Cl_o == pytest.approx(140.0 + 20.0 + 2 * (2.6 + 1.0), rel=1e-15)


def test_substitution_errors():
    ref = (5.4, 140.0)
    with pytest.raises(ValueError, match="conflicts"):
        Solution(K_o=20.0, Na_o=140.0, substitution="equimolar_Na", reference=ref)
    with pytest.raises(ValueError, match="valid K_o range"), pytest.warns(UserWarning):
        Solution(K_o=150.0, substitution="equimolar_Na", reference=ref)
    # without a reference, a given K_o and Na_o are the reference bath; Na_o alone is an error
    own = Solution(K_o=20.0, Na_o=130.0, substitution="equimolar_Na")
    assert own.reference == (20.0, 130.0) and own.replace(K_o=30.0).Na_o == 120.0
    with pytest.raises(ValueError, match="needs K_o too"):
        Solution(Na_o=130.0, substitution="equimolar_Na")
    # with the model's own bath as reference the range is checked once the model is known
    with pytest.warns(UserWarning):
        high = Solution(K_o=150.0, substitution="equimolar_Na")
    with pytest.raises(ValueError, match=r"valid K_o range for this rule: \(0, 144\)"):
        high.as_params("zg_cell")  # zg_cell's own bath: K_o 4, Na_o 140 mM
    with pytest.raises(ValueError, match="substitution"):
        Solution(substitution="equimolar_NMDG")
    with pytest.raises(ValueError, match="no field"):
        Solution().replace(K_out=3.0)


def test_record_is_json_provenance():
    s = Solution(K_o=20.0, Mg_o=3.0, substitution="equimolar_Na", cytosol=Cytosol(Mg_i=0.4),
                 reference=(5.4, 140.0))
    rec = s.record()
    json.dumps(rec)
    assert rec["substitution"] == "equimolar_Na"
    assert rec["reference_K_o"] == 5.4 and rec["reference_Na_o"] == 140.0
    assert "Na_o" in rec["derived"] and "Cl_o" in rec["derived"]
    assert rec["cytosol"]["Mg_i"] == 0.4
    assert "Na_o = 140 - (K_o - 5.4)" in s.describe_substitution()


def test_as_params_maps_condition_names():
    s = Solution(K_o=8.0, Mg_o=0.5, temperature=30.0, cytosol=Cytosol(pH=7.0))
    p = s.as_params(MODEL)
    assert p == {"K_o": 8.0, "temperature": 30.0, "pH": 7.0}
    assert s.unused(MODEL) == ["Mg_o"]  # derived Cl_o is not the user's
    with pytest.raises(ValueError,
                       match="Mg_o = 0.5 mM not applied: model .* has no such condition"):
        s.as_params(MODEL, on_unused="raise")
    with pytest.warns(UserWarning, match="Mg_o"):
        s.as_params(MODEL, on_unused="warn")
    assert Solution(temperature=10.0).as_params("hh1952") == {"temperature": 10.0}
    # the overrides are accepted by the model
    MODEL.parameter_vector(p)


def test_cytosol_speciation_and_total_mg():
    c = Cytosol(Mg_i=0.5, ATP=4.0, ADP=0.4, pH=7.1, K_i=130.0)
    sp = c.speciation()
    ref = physiology.mg_speciation(0.5, 4.0, 0.4, pH=7.1, K=130.0)
    assert sp["MgATP"] == ref.MgATP and sp["ADP3"] == ref.ADP3
    c2 = Cytosol.from_total_mg(5.0, ATP=4.0, ADP=0.4, pH=7.1, K_i=130.0)
    assert c2.Mg_i == pytest.approx(physiology.free_mg(5.0, 4.0, 0.4, pH=7.1, K=130.0),
                                    rel=1e-15)
    s = Solution(cytosol=c).replace(Mg_i=1.0)
    assert s.cytosol.Mg_i == 1.0 and s.cytosol.ATP == 4.0


def test_sweep_mapper_applies_rule():
    """The sweep machinery (biophys._design) varies K_o through Solution.replace."""
    s = Solution(substitution="equimolar_Na")
    design = make_design(MODEL, {"K_o": [5.4, 20.0, 40.0]}, None, s)
    mp = Mapper(MODEL, design, s)
    vals = dict(zip(mp.names, mp.values(0, 3), strict=True))
    assert list(vals["Na_o"]) == pytest.approx([140.0, 125.4, 105.4], rel=1e-15)


def test_gating_shift_of_solutions():
    assert gating_shift(Solution()) == 0.0
    hi_mg = Solution(Mg_o=10.0)
    ref = physiology.gating_shift(monovalent=145.4, Ca=2.0, Mg=10.0, monovalent_ref=145.4,
                                  Ca_ref=2.0, Mg_ref=1.0)
    assert gating_shift(hi_mg) == pytest.approx(ref, rel=1e-14)
    assert gating_shift(hi_mg) > 0


def test_review_fixes_of_the_cytosol_and_bath_helpers():
    """From_total_mg counts the Mg2+ bound to a given Pi (it dropped it: 0.17932 mM free Mg2+
    instead of 0.17351 with 10 mM Pi) and names Mg_total when the free Mg2+ it leaves is out
    of range (it named Mg_i, which the caller did not give); gating_shift refuses a
    temperature outside the permittivity fit's 0-100 C (physiology already did); the pump's
    0/0 cycle (no Na_i, no K_o) is a ValueError, not NaN."""
    from biophys import physiology as ph
    from biophys.solution import gating_shift

    with_pi = Cytosol.from_total_mg(2.0, ATP=5.0, ADP=0.5, pH=7.2, Pi=10.0).Mg_i
    without = Cytosol.from_total_mg(2.0, ATP=5.0, ADP=0.5, pH=7.2).Mg_i
    assert with_pi == pytest.approx(float(ph.free_mg(2.0, 5.0, 0.5, pH=7.2, Pi=10.0)), rel=1e-12)
    assert with_pi == pytest.approx(0.17351, abs=1e-5) and without == pytest.approx(0.17932,
                                                                                    abs=1e-5)
    with (pytest.warns(UserWarning, match="outside the physiological range"),
          pytest.raises(ValueError, match=r"^Mg_total = 200\.0 mM leaves 199\.9 mM free Mg2\+")):
        Cytosol.from_total_mg(200.0, ATP=0.1, ADP=0.0, pH=7.2)
    with (pytest.warns(UserWarning, match="outside the physiological range"),
          pytest.raises(ValueError, match=r"^temperature = -4\.0 C must be in \[0, 100\]")):
        gating_shift(Solution(temperature=-4.0, Mg_o=10.0))
    with pytest.raises(ValueError, match=r"cycle rate is 0/0 at Na_i = 0, .* K_o = 0 mM"):
        ph.nak_pump(0.0, Na_i=0.0, Na_o=140.0, K_i=140.0, K_o=0.0, MgATP=5.0)
