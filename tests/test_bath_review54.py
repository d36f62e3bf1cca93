"""Review fixes (session 54) of the bath inputs of a sweep: a Cytosol from total Mg2+ keeps
what the model filled as the model's own, the substitution rule's range error names the field
that changed, a derived condition outside the model's range says how it was derived and where,
duplicate DataFrame columns, and every Solution/Cytosol field reaches its own message."""

import warnings

import pandas as pd
import pytest

from biophys import Cytosol, Solution, sweep

# zg_cell's own cytosol: ATP 4, ADP 0.05, Pi 1 mM, pH 7.2, Na_i 10, K_i 140 mM
ZG_FILLED = ["ATP", "ADP", "Pi", "pH", "Na_i", "K_i"]
IS = "constant_ionic_strength"


def _dry(model, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return sweep(model, t_end=10.0, dry_run=True, progress=False, **kw)


# -- 1. Cytosol.from_total_mg(..., model=...) -----------------------------------------------------
def test_from_total_mg_keeps_the_fields_the_model_filled_as_the_models_own():
    """Only the derived free Mg2+ (and what the caller gave) counts as given; the model's values
    stay ``from_model``, and the total is in the record."""
    c = Cytosol.from_total_mg(3.0, model="zg_cell")
    assert c._given() == ["Mg_i"]
    rec = c.record()
    assert rec["from_model"] == ZG_FILLED and rec["Mg_total"] == 3.0
    assert c.resolve("zg_cell").record()["from_model"] == ZG_FILLED  # kept on re-resolving
    atp = Cytosol.from_total_mg(3.0, model="zg_cell", ATP=5.0)
    assert atp._given() == ["Mg_i", "ATP"] and "ATP" not in atp.record()["from_model"]
    # zg_cell's Na_i, K_i, ATP, ADP are not beta-cell conditions: nothing the user gave
    assert Solution(cytosol=c).unused("beta_cell") == []
    # the values Mg_i was solved with are still applied (here the model's own)
    assert c.as_params("zg_cell")["ATP"] == 4.0


def test_a_field_the_model_filled_may_be_swept():
    """Na_i (not read by the Mg2+ mass balance) was never given: sweeping it is no conflict,
    and the sweep's record keeps the total."""
    c = Cytosol.from_total_mg(3.0, model="zg_cell")
    ds = _dry("zg_cell", grid={"Na_i": [8.0, 12.0]}, conditions=c)
    assert '"Mg_total": 3.0' in ds.attrs["solution"]


def test_changing_what_the_mass_balance_reads_is_refused():
    """Sweeping ATP would hold the free Mg2+ and let the total change: a ValueError that says
    so and how to hold either fixed; holding the free Mg2+ explicitly drops the total."""
    c = Cytosol.from_total_mg(3.0, model="zg_cell")
    with pytest.raises(ValueError, match=r"bath/cytosol at \{'ATP': 2.0\}: changing ATP of a "
                                         r"Cytosol built by from_total_mg\(Mg_total = 3 mM\) "
                                         r"would keep its free Mg_i = 0.5175 mM and change the "
                                         r"total Mg2\+"):
        _dry("zg_cell", grid={"ATP": [2.0, 6.0]}, conditions=c)
    for field in ("ADP", "Pi", "pH", "K_i"):
        with pytest.raises(ValueError, match=f"changing {field} of a Cytosol built by "):
            c.replace(**{field: 0.5 * getattr(c, field)})
    assert c.replace(Na_i=12.0).record()["Mg_total"] == 3.0
    free = c.replace(Mg_i=c.Mg_i)
    assert "Mg_total" not in free.record()
    assert "Mg_total" not in _dry("zg_cell", grid={"ATP": [2.0, 6.0]},
                                  conditions=free).attrs["solution"]
    with pytest.raises(ValueError, match=r"from_total_mg derives Mg_i .* Mg_i = 0.5 mM given"):
        Cytosol.from_total_mg(3.0, model="zg_cell", Mg_i=0.5)


# -- 2. the substitution rule's messages -----------------------------------------------------------
def test_the_rule_range_error_names_the_field_that_changed():
    """At constant ionic strength from zg_cell's bath (K_o 4, Na_o 140, Ca_o 2, Mg_o 1 mM),
    Ca_o = 49 mM takes out 3 x 47 = 141 mM NaCl: Ca_o must stay below 2 + 140/3 = 48.6667 mM;
    Mg_o likewise below 1 + 140/3 = 47.6667 mM (from 0 mM, a Mg2+-free bath)."""
    with pytest.raises(ValueError, match=r"^bath/cytosol at \{'Ca_o': 49.0\}: Ca_o = 49 mM with "
                                         r"NaCl substitution at constant ionic strength from "
                                         r"the reference bath \(K_ref = 4, Na_ref = 140, Ca_ref "
                                         r"= 2, Mg_ref = 1 mM\) leaves Na_o = -1 mM; valid Ca_o "
                                         r"range for this rule at K_o = 4, Mg_o = 1 mM: "
                                         r"\(0, 48.6667\) mM$"):
        _dry("zg_cell", grid={"Ca_o": [2.0, 49.0]}, conditions=Solution(substitution=IS))
    with pytest.raises(ValueError, match=r"^Mg_o = 50 mM .* leaves Na_o = -7 mM; valid Mg_o "
                                         r"range for this rule at K_o = 4, Ca_o = 2 mM: "
                                         r"\[0, 47.6667\) mM$"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        Solution(K_o=4.0, Ca_o=2.0, Mg_o=50.0, substitution=IS, reference=(4.0, 140.0, 2.0, 1.0))


def test_a_derived_na_o_outside_the_models_range_names_the_rule_and_the_point():
    """Na_o = 140 - 3 (48.4 - 2) = 0.8 mM at K_o = 4 mM is > 0 (a Solution allows it) but below
    zg_cell's 1 mM: the error says the rule derived it, and at which swept values."""
    with pytest.raises(ValueError, match=r"^condition 'Na_o' = 0.8\d* mM is outside its valid "
                                         r"range: it must be in \[1, 1000\] mM \(extracellular "
                                         r"Na\+\); Na_o is derived by substitution="
                                         r"'constant_ionic_strength' at the swept values "
                                         r"K_o = 4 mM, Ca_o = 48.4 mM$"):
        _dry("zg_cell", grid={"K_o": [4.0, 4.2], "Ca_o": [2.0, 48.4]},
             conditions=Solution(substitution=IS))


# -- 4. a DataFrame with a column twice ------------------------------------------------------------
def test_a_dataframe_column_given_twice_is_named():
    df = pd.DataFrame([[4.0, 5.0], [6.0, 7.0]], columns=["K_o", "K_o"])
    with pytest.raises(ValueError, match=r"^points: column 'K_o' appears more than once in the "
                                         r"DataFrame; give each swept name once$"):
        _dry("chay_keizer_1983", points=df)


# -- 5. every Solution/Cytosol field is a known name -----------------------------------------------
@pytest.mark.parametrize("model, kw, message", [
    # a field left to the model (None) that the model lacks: as when it is given
    ("chay_keizer_1983", dict(grid={"Mg_o": [0.5, 1.0]}, conditions=Solution()),
     r"^sweeping Mg_o changes no parameter of model 'chay_keizer_1983'"),
    ("chay_keizer_1983", dict(points={"Mg_o": [0.5, 1.0]}, conditions=Solution()),
     r"^sweeping Mg_o changes no parameter of model 'chay_keizer_1983'"),
    ("chay_keizer_1983", dict(grid={"ATP": [2.0, 3.0]}, conditions=Cytosol()),
     r"^sweeping ATP changes no parameter of model 'chay_keizer_1983'"),
    # a field the rule derives, left None: the rule's own message
    ("beta_cell", dict(grid={"Cl_o": [100.0, 120.0]}, conditions=Solution(substitution=IS)),
     r"^grid axis 'Cl_o': Cl_o is derived by substitution='constant_ionic_strength'"),
])
def test_a_solution_field_left_to_the_model_reaches_its_own_message(model, kw, message):
    with pytest.raises(ValueError, match=message):
        _dry(model, **kw)
