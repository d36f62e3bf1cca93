"""Bath and cytosol values set directly (``params=``, a mapping ``conditions=``, sweep axes)
draw the physiological-range warning a :class:`biophys.Solution` gives for its fields, once per
parameter and call, naming the caller's line. Before, only a Solution warned: a K_o typed in M
(``params={"K_o": 0.008}``) ran silently.

A Solution that sets a swept name to a value the sweep does not contain is an error, as a
mapping that fixes it is. Before, ``sweep(grid={"K_o": [4, 8]}, conditions=Solution(K_o=5))``
dropped the 5 mM silently.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pytest

import biophys as bp
from biophys.cli import main as cli_main

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
RANGE = "is outside the physiological range"
DRY = dict(t_end=2.0, metrics=["mean_V"], dry_run=True, progress=False)


def _caught(action) -> list[str]:
    """The messages of the warnings ``action()`` gives; each must name the line of the lambda
    ``action`` (the user's line, not one inside biophys)."""
    with warnings.catch_warnings(record=True) as got:
        warnings.simplefilter("always")
        action()
    line = action.__code__.co_firstlineno
    for w in got:
        assert (w.filename, w.lineno) == (__file__, line), str(w.message)
        assert w.category is UserWarning
    return [str(w.message) for w in got]


# -- defect 1: values set directly are range-checked like a Solution's ----------------------

@pytest.mark.parametrize("action, message", [
    # K_o typed in M instead of mM
    (lambda: bp.simulate("beta_cell", 1.0, params={"K_o": 0.008}),
     f"K_o = 0.008 mM {RANGE} [1, 60] mM"),
    (lambda: bp.simulate("beta_cell", 1.0, params={"Ca_o": 26.0}),
     f"Ca_o = 26 mM {RANGE} [0.5, 10] mM"),
    (lambda: bp.simulate("beta_cell", 1.0, conditions={"Ca_o": 0.0026}),
     f"Ca_o = 0.0026 mM {RANGE} [0.5, 10] mM"),
    # a cytosol field under the model's name for it
    (lambda: bp.simulate("beta_cell", 1.0, params={"pH_i": 8.5}),
     f"pH_i = 8.5 (dimensionless) {RANGE} [6.5, 7.8] (dimensionless)"),
    (lambda: bp.simulate("zg_cell", 1.0, conditions={"Na_i": 100.0}),
     f"Na_i = 100 mM {RANGE} [2, 40] mM"),
    (lambda: bp.simulate("zg_cell", 1.0, params={"ATP": 0.004}),
     f"ATP = 0.004 mM {RANGE} [0.5, 10] mM"),
    (lambda: bp.simulate("hh1952", 1.0, params={"temperature": 45.0}),
     f"temperature = 45 C {RANGE} [4, 42] C"),
    # protocol inputs that no Solution field sets, typed in M: Ang II 1 nM, glucose 11.1 mM
    (lambda: bp.simulate("zg_cell", 1.0, params={"AngII": 1e-9}),
     f"AngII = 1e-09 pM {RANGE} [0.1, 1e+07] pM"),
    (lambda: bp.simulate("beta_cell", 1.0, conditions={"glucose": 0.0111}),
     f"glucose = 0.0111 mM {RANGE} [1, 50] mM"),
])
def test_simulate_warns_as_a_solution_does(action, message):
    assert _caught(action) == [message]


def test_a_protocol_input_absent_is_not_warned_about():
    """Ang II or glucose 0 (the input absent, a common condition) draws no warning, in a sweep
    axis beside values in the range either; a value below the range among them does."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        bp.sweep("zg_cell", grid={"AngII": [0.0, 25.0, 1000.0]}, **DRY)
        bp.sweep("beta_cell", grid={"glucose": [0.0, 5.6, 11.1]}, **DRY)
    said = _caught(lambda: bp.sweep("zg_cell", grid={"AngII": [0.0, 2.5e-11, 1e-9]}, **DRY))
    assert said == [f"AngII = 2.5e-11 to 1e-09 pM (2 of 3 values) {RANGE} [0.1, 1e+07] pM"]


def test_the_text_is_the_solutions():
    with pytest.warns(UserWarning) as sol:
        bp.Solution(Ca_o=26.0)
    assert _caught(lambda: bp.simulate("zg_cell", 1.0, params={"Ca_o": 26.0})) == [
        str(sol[0].message)]


def test_a_sweep_warns_once_per_parameter():
    said = _caught(lambda: bp.sweep("beta_cell", grid={"K_o": [0.003, 0.006, 0.009]}, **DRY))
    assert said == [f"K_o = 0.003 to 0.009 mM (3 of 3 values) {RANGE} [1, 60] mM"]
    # a hundred values: one warning; below and above the range, and how many are outside
    k_o = np.concatenate([np.linspace(0.001, 0.009, 50), np.linspace(61.0, 100.0, 50)])
    said = _caught(lambda: bp.sweep("beta_cell", grid={"K_o": k_o}, **DRY))
    assert said == [f"K_o = 0.001 to 0.009 and 61 to 100 mM (100 of 100 values) {RANGE} "
                    "[1, 60] mM"]
    said = _caught(lambda: bp.sweep("beta_cell", grid={"K_o": [5.0, 100.0]}, **DRY))
    assert said == [f"K_o = 100 mM (1 of 2 values) {RANGE} [1, 60] mM"]
    # a points column (repeated values counted once), params= and conditions= of a sweep
    said = _caught(lambda: bp.sweep(
        "zg_cell", points={"Mg_o": [20.0, 20.0, 1.0], "K_o": [4.0, 5.0, 6.0]},
        params={"Ca_o": 26.0}, conditions={"temperature": 45.0}, **DRY))
    assert sorted(said) == [f"Ca_o = 26 mM {RANGE} [0.5, 10] mM",
                            f"Mg_o = 20 mM (1 of 2 values) {RANGE} [0.1, 10] mM",
                            f"temperature = 45 C {RANGE} [4, 42] C"]


def test_a_real_sweep_warns_once_not_per_chunk():
    said = _caught(lambda: bp.sweep("hh1952", grid={"temperature": [1.0, 2.0, 3.0, 6.3]},
                                    t_end=1.0, metrics=["mean_V"], chunk_size=1,
                                    progress=False))
    assert said == [f"temperature = 1 to 3 C (3 of 4 values) {RANGE} [4, 42] C"]


def test_a_solution_swept_together_with_a_direct_axis_warns_once_each():
    """Swept through the Solution, K_o draws one warning for it and one for the Na_o the rule
    derives; Mg_i, a direct axis, one of its own; nothing twice, all in the same form."""
    bath = bp.Solution(substitution="equimolar_Na")
    said = _caught(lambda: bp.sweep("beta_cell", grid={"K_o": [5.0, 100.0], "Mg_i": [0.7, 5.0]},
                                    conditions=bath, **DRY))
    assert sorted(said) == sorted([
        f"sweep: K_o = 100 mM (1 of 2 values) {RANGE} [1, 60] mM",
        f"sweep: Na_o = 45.4 mM (1 of 2 values) {RANGE} [100, 170] mM",
        f"Mg_i = 5 mM (1 of 2 values) {RANGE} [0.1, 3] mM"])


def test_values_inside_the_range_and_other_parameters_draw_no_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for name in bp.list_models():
            m = bp.model(name)
            own = {q: m.parameter(q).value for q in m.condition_names}
            bp.simulate(name, 0.5, params=own)
            if own:
                bp.sweep(name, points={q: [v] for q, v in own.items()}, **DRY)
        bp.simulate("hh1952", 0.5, params={"I_app": 1000.0})  # not a bath field
        bp.sweep("beta_cell", grid={"K_o": [1.0, 60.0], "Mg_o": [0.1, 10.0]}, **DRY)
        bp.sweep("beta_cell", grid={"K_o": np.linspace(2.0, 12.0, 21)},
                 conditions=bp.Solution(K_o=5.4, Na_o=140.0, Ca_o=2.6, Mg_o=1.0,
                                        substitution="equimolar_Na"), **DRY)


def test_the_models_valid_range_is_an_error_first():
    """Below the model's own bound (zg_cell: K_o >= 0.01 mM) the error, without a warning."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError, match=r"'K_o' = 0.008 mM is outside its valid range"):
            bp.simulate("zg_cell", 1.0, params={"K_o": 0.008})
        with pytest.raises(ValueError, match=r"'K_o' = 0.004 mM is outside its valid range"):
            bp.sweep("zg_cell", grid={"K_o": [0.004, 4.0]}, **DRY)


def _stderr_warnings(argv, capsys) -> list[str]:
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        assert cli_main(argv) == 0
    return [ln for ln in capsys.readouterr().err.splitlines() if ": warning: " in ln]


def test_the_command_line_warns_once(tmp_path, capsys):
    said = _stderr_warnings(["simulate", "beta_cell", "--t-end", "1", "--condition",
                             "K_o=0.008"], capsys)
    assert said == [f"biophys simulate: warning: K_o = 0.008 mM {RANGE} [1, 60] mM"]
    cfg = tmp_path / "k.toml"
    cfg.write_text('model = "beta_cell"\nt_end = 2.0\nmetrics = ["mean_V"]\n'
                   "[grid]\nK_o = [0.004, 0.008]\n")
    said = _stderr_warnings(["sweep", str(cfg), "--dry-run"], capsys)
    assert said == [f"biophys sweep: warning: K_o = 0.004 to 0.008 mM (2 of 2 values) {RANGE} "
                    "[1, 60] mM"]


# -- defect 2: a Solution's own value of a swept name ---------------------------------------

@pytest.mark.parametrize("model, grid, bath, field", [
    ("zg_cell", {"K_o": [4.0, 8.0]}, bp.Solution(K_o=5.0), "K_o = 5 mM"),
    # away from the reference bath of the rule: the 5 mM would be lost too
    ("zg_cell", {"K_o": [4.0, 8.0]},
     bp.Solution(K_o=5.0, substitution="equimolar_Na", reference=(5.4, 140.0)), "K_o = 5 mM"),
    ("zg_cell", {"K_o": [4.0], "Mg_o": [0.5, 2.0]},
     bp.Solution(Mg_o=1.0, substitution="equimolar_Na"), "Mg_o = 1 mM"),
    # a cytosol field, under the model's parameter name
    ("zg_cell", {"Mg_i": [0.3, 0.7]}, bp.Solution(cytosol=bp.Cytosol(Mg_i=0.5)), "Mg_i = 0.5 mM"),
    ("beta_cell", {"pH_i": [6.8, 7.4]}, bp.Cytosol(pH=7.1), "pH = 7.1,"),
])
def test_a_swept_name_the_solution_sets_is_an_error(model, grid, bath, field):
    what = type(bath).__name__
    with pytest.raises(ValueError, match=rf"is swept and also fixed in conditions=: the {what} "
                                         rf"sets {field}.* not among the swept values"):
        bp.sweep(model, grid=grid, conditions=bath, **DRY)
    # as a mapping that fixes it
    name = next(iter(grid))
    with pytest.raises(ValueError, match=f"'{name}' is swept and also fixed in params/conditions"):
        bp.sweep(model, grid=grid, conditions={name: grid[name][0] + 0.5}, **DRY)


def test_the_brief_case_and_its_remedy():
    bath = bp.Solution(K_o=5.0)
    with pytest.raises(ValueError, match=r"^'K_o' is swept and also fixed in conditions=: the "
                                         r"Solution sets K_o = 5 mM, which is not among the "
                                         r"swept values \(4 to 8 mM\) and would be dropped; "
                                         r"leave K_o out of the Solution \(e.g. conditions="
                                         r"bath.replace\(K_o=None\)\) or sweep values that "
                                         r"include 5 mM$"):
        bp.sweep("zg_cell", grid={"K_o": [4, 8]}, conditions=bath, t_end=200, progress=False)
    res = bp.sweep("zg_cell", grid={"K_o": [4, 8]}, conditions=bath.replace(K_o=None), **DRY)
    assert res["K_o"].values.tolist() == [4.0, 8.0]


def test_the_documented_sweeps_through_a_solution_keep_working():
    """The rule re-applied at each swept K_o (derived Na_o and Cl_o), the README's bath (its
    K_o and Na_o are the reference of the rule; its Mg_o, one of the swept values, the base
    point) and the example configurations' ``[solution]`` tables."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        rule = bp.Solution(substitution="equimolar_Na", Ca_o=2.6, reference=(5.4, 140.0))
        res = bp.sweep("beta_cell", grid={"K_o": [5.4, 10.4]}, conditions=rule, **DRY)
        assert sorted(json.loads(res.attrs["varied_parameters"])) == ["K_o", "Na_o"]
        readme = bp.Solution(K_o=5.4, Na_o=140.0, Ca_o=2.6, Mg_o=1.0,
                             substitution="equimolar_Na")
        res = bp.sweep("beta_cell", grid={"K_o": np.linspace(2.0, 12.0, 21),
                                          "Mg_o": [0.25, 0.5, 1.0, 2.0]},
                       conditions=readme, **DRY)
        assert res.sizes == {"K_o": 21, "Mg_o": 4}
        # a Solution at one of the swept values: the base point of the sweep
        bp.sweep("zg_cell", grid={"K_o": [4.0, 8.0]},
                 conditions=bp.Solution(K_o=8.0, substitution="equimolar_Na"), **DRY)
        bp.sweep("zg_cell", grid={"Mg_i": [0.3, 0.5]},
                 conditions=bp.Solution(cytosol=bp.Cytosol(Mg_i=0.5)), **DRY)
        for name in ("beta_cell_K_Mg.toml", "zg_K_Mg.toml"):  # [solution] Mg_o, Mg_o swept
            assert cli_main(["sweep", str(EXAMPLES / name), "--dry-run"]) == 0
    # the derived Na_o at each K_o, from the README bath's reference (5.4, 140) mM
    from biophys._design import Mapper, make_design

    m = bp.model("beta_cell")
    d = make_design(m, {"K_o": [2.0, 5.4, 12.0]}, None, readme)
    mp = Mapper(m, d, readme)
    vals = dict(zip(mp.names, mp.values(0, 3), strict=True))
    np.testing.assert_allclose(vals["Na_o"], [143.4, 140.0, 133.4], rtol=1e-15)


def test_a_parameter_in_another_unit_is_not_compared_with_the_field_range():
    """A model parameter named like a bath field but in another unit (a future model's K_o in
    M, temperature in K) is not compared with the field's range in mM or C."""
    from biophys._bath import warn_outside_range

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert warn_outside_range("K_o", 0.008, "M") is False
        assert warn_outside_range("temperature", 310.0, "K") is False
    with pytest.warns(UserWarning, match=r"K_o = 0.008 mM is outside the physiological range"):
        assert warn_outside_range("K_o", 0.008, "mM") is True
