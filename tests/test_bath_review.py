"""Review fixes of the bath inputs of a sweep: Na_o under the equimolar rule, the record of
swept cytosol parameters, dead Solution axes, the messages of the [solution] and [dask]
tables of a sweep file, and the conflict message of a Cytosol."""

import json
import warnings

import pytest

from biophys import Cytosol, Solution, sweep
from biophys._bath import SWEPT
from biophys._design import Mapper, make_design
from biophys._sweep_config import load_config
from biophys.models import get_model

DERIVED_NA = ("Na_o is derived by substitution='equimolar_Na' from K_o: sweep K_o, or use "
              "substitution='none'")


def _dry(model, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return sweep(model, t_end=10.0, dry_run=True, progress=False, **kw)


# -- 1. Na_o is not a swept name under substitution="equimolar_Na" -----------------------------
@pytest.mark.parametrize("grid, points, what", [
    ({"Na_o": [120.0, 140.0], "K_o": [4.0, 8.0]}, None, "grid axis 'Na_o'"),
    ({"K_o": [4.0, 8.0], "Na_o": [120.0, 140.0]}, None, "grid axis 'Na_o'"),
    ({"Na_o": [120.0, 140.0]}, None, "grid axis 'Na_o'"),
    (None, {"K_o": [4.0, 8.0], "Na_o": [136.0, 140.0]}, "points column 'Na_o'"),
])
def test_na_o_is_refused_as_a_swept_name_under_the_equimolar_rule(grid, points, what):
    """Before: the Mapper called replace(K_o=k, Na_o=n) on a Solution with no reference, so
    each point took its own (K_o, Na_o) as the reference bath and the rule did nothing, while
    the provenance still recorded it."""
    m = get_model("zg_cell")
    sol = Solution(substitution="equimolar_Na")
    with pytest.raises(ValueError, match=f"{what}: {DERIVED_NA}"):
        make_design(m, grid, points, sol)
    with pytest.raises(ValueError, match=DERIVED_NA):
        _dry("zg_cell", grid=grid, points=points, conditions=sol)


def test_na_o_stays_a_swept_name_without_the_rule():
    m = get_model("zg_cell")
    sol = Solution()
    grid = {"Na_o": [120.0, 140.0], "K_o": [4.0, 8.0]}
    mp = Mapper(m, make_design(m, grid, None, sol), sol)
    vals = dict(zip(mp.names, mp.values(0, 4).tolist(), strict=True))
    assert vals["Na_o"] == [120.0, 120.0, 140.0, 140.0]
    assert vals["K_o"] == [4.0, 8.0, 4.0, 8.0]


# -- 2. the record of swept pH_i / Pi_i ------------------------------------------------------
@pytest.mark.parametrize("cond", [Cytosol(), Solution(cytosol=Cytosol()), Cytosol(ATP=3.0)],
                         ids=["Cytosol", "Solution", "Cytosol-ATP"])
def test_swept_cytosol_parameters_are_recorded_as_swept(cond):
    """beta_cell's pH_i and Pi_i are set by the Cytosol fields pH and Pi: swept by their
    parameter names they were recorded as the model's own values (7.0 and 1.9)."""
    ds = _dry("beta_cell", grid={"pH_i": [6.8, 7.3], "Pi_i": [1.0, 2.0]}, conditions=cond)
    rec = json.loads(ds.attrs["solution"])
    rec = rec.get("cytosol", rec)
    assert rec["pH"] == SWEPT
    assert rec["Pi"] == SWEPT
    assert "pH" not in rec["from_model"] and "Pi" not in rec["from_model"]
    assert "Mg_i" in rec["from_model"]  # not swept: still the model's own


# -- 5. a Solution axis that changes no parameter, next to a live one -------------------------
@pytest.mark.parametrize("model, grid", [
    ("bertram_sherman_2004", {"Mg_o": [0.5, 1.0], "K_o": [4.0, 6.0]}),
    ("bertram_sherman_2004", {"K_o": [4.0, 6.0], "Mg_o": [0.5, 1.0]}),
    ("hh1952", {"Mg_o": [0.5, 1.0], "temperature": [6.3, 10.0]}),
])
def test_a_dead_solution_axis_is_refused_next_to_a_live_one(model, grid):
    """Before: refused only when it was the only axis; next to a live axis the sweep ran
    every point twice under a coordinate that changed nothing."""
    with pytest.raises(ValueError, match=f"sweeping Mg_o changes no parameter of model "
                                         f"'{model}'"):
        _dry(model, grid=grid, conditions=Solution(Mg_o=1.0))


def test_a_dead_solution_column_is_refused_in_a_table_of_points():
    with pytest.raises(ValueError, match="sweeping Mg_o changes no parameter of model "
                                         "'bertram_sherman_2004'"):
        _dry("bertram_sherman_2004", points={"K_o": [4.0, 6.0, 4.0], "Mg_o": [0.5, 1.0, 1.0]},
             conditions=Solution(Mg_o=1.0))


def test_live_solution_axes_are_still_accepted():
    ds = _dry("beta_cell", grid={"K_o": [4.0, 8.0], "Mg_o": [0.5, 1.0]},
              conditions=Solution(substitution="equimolar_Na"))
    assert {"K_o", "Na_o", "Mg_o"} <= set(json.loads(ds.attrs["varied_parameters"]))


# -- 6. the conflict message names the object given -----------------------------------------
def test_conflict_message_names_the_cytosol():
    with pytest.raises(ValueError, match=r"'Mg_i' is a condition of the Cytosol given as "
                                         r"conditions=: give it in the Cytosol, not in params "
                                         r"\(its record would not see"):
        _dry("zg_cell", grid={"K_o": [2.0, 4.0]}, conditions=Cytosol(), params={"Mg_i": 0.6})


# -- 3, 4. sweep files: [solution] and [dask] errors name the file, the table and the key ------
def _toml(tmp_path, body):
    p = tmp_path / "sweep.toml"
    p.write_text('model = "zg_cell"\nt_end = 100.0\n[grid]\nK_o = [2.0, 4.0]\n' + body)
    return p


@pytest.mark.parametrize("body, words", [
    ('[solution]\nMg_o = "1.0"\n', "Mg_o = '1.0' must be a real number"),
    ('[solution]\nATP = "4"\n', "ATP = '4' must be a real number"),
    ("[solution]\nCa_o = true\n", "Ca_o = True must be a real number"),
    ("[solution]\nsubstitution = 1\n", "substitution = 1 must be one of"),
    ('[solution]\nsubstitution = "equimolar_Na"\nreference = ["5.4", 140]\n',
     "reference = ('5.4', 140) must be (K_ref, Na_ref)"),
    ("[solution]\nK_o = -1.0\n", "K_o = -1"),
])
def test_solution_table_errors_name_the_file_and_table(tmp_path, body, words):
    p = _toml(tmp_path, body)
    with pytest.raises(ValueError) as exc:
        load_config(p)
    assert str(exc.value).startswith(f"{p}: [solution] ")
    assert words in str(exc.value)


@pytest.mark.parametrize("body, key", [
    ("address = 8786", "address = 8786"),
    ('address = ""', "address = ''"),
    ("n_workers = 1.5", "n_workers = 1.5"),
    ('n_workers = "2"', "n_workers = '2'"),
    ("n_workers = 0", "n_workers = 0"),
    ("n_workers = true", "n_workers = True"),
])
def test_dask_table_is_type_checked(tmp_path, body, key):
    """Before: address = 8786 passed the dry run, then failed with a TypeError at run time;
    a bad n_workers was refused by sweep without naming the file."""
    p = _toml(tmp_path, f"[dask]\n{body}\n")
    with pytest.raises(ValueError) as exc:
        load_config(p)
    assert str(exc.value).startswith(f"{p}: [dask] {key} must be")


def test_good_dask_table_is_passed_on(tmp_path):
    kw = load_config(_toml(tmp_path, '[dask]\naddress = "tcp://host:8786"\n'))
    assert kw["address"] == "tcp://host:8786"
    assert load_config(_toml(tmp_path, "[dask]\nn_workers = 2\n"))["n_workers"] == 2
