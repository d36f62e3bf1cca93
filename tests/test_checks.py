"""The shared number check (:func:`biophys._checks.checked_number`) and the places that use it:
the engine's ``rtol``, ``plateau_V``, ``sensitivity(rel_step=)`` and ``differs(rtol=)``.

Each must name the parameter, the value given, its unit and the valid range, and agree on what
a number is: a real number or a 0-d array of one, not a bool or a string (not even a numeric
one).
"""

from __future__ import annotations

import dataclasses
import math
import re
from fractions import Fraction

import numpy as np
import pytest
import xarray as xr

import biophys as bp
from biophys import _engine, zg
from biophys import physiology as ph
from biophys._checks import checked_number, did_you_mean
from biophys.analysis import check_plateau_V
from biophys.conservation import check_conservation
from biophys.continuation import differs
from biophys.reference import solve
from biophys.sensitivity import sensitivity
from biophys.solution import gating_shift

NOT_REAL = "must be a real number (not a bool, string or array)"
NR = re.escape(NOT_REAL)


@pytest.mark.parametrize("value, kwargs, message", [
    (0.5, dict(low=1e-14, high=0.1), r"x = 0.5 \(dimensionless\) must be in [1e-14, 0.1]"),
    (0.0, dict(low=0.0, high=0.5, low_open=True),
     r"x = 0.0 \(dimensionless\) must be in (0, 0.5]"),
    (0.5, dict(low=0.0, high=0.5, high_open=True),
     r"x = 0.5 \(dimensionless\) must be in [0, 0.5)"),
    (-1.0, dict(low=0.0), r"x = -1.0 \(dimensionless\) must be finite and >= 0"),
    (0.0, dict(low=0.0, low_open=True), r"x = 0.0 \(dimensionless\) must be finite and > 0"),
    (math.inf, dict(high=2.0), r"x = inf \(dimensionless\) must be finite and <= 2"),
    (math.nan, {}, r"x = nan \(dimensionless\) must be finite"),
    (True, {}, f"x = True {NOT_REAL}, finite (dimensionless)"),
    ("1", dict(low=0.0), f"x = '1' {NOT_REAL}, finite and >= 0 (dimensionless)"),
    (np.array([1.0]), dict(high=2.0), f"x = array([1.]) {NOT_REAL}, finite and <= 2 "
     "(dimensionless)"),
    (None, dict(low=0.0, high=1.0), f"x = None {NOT_REAL}, in [0, 1] (dimensionless)"),
])
def test_checked_number_names_the_value_unit_and_range(value, kwargs, message):
    with pytest.raises(ValueError) as err:
        checked_number(value, "x", "1", **kwargs)
    assert str(err.value) == message.replace("\\", "")


def test_checked_number_takes_real_numbers_and_adds_the_note():
    assert checked_number(3, "n", "1") == 3.0 and type(checked_number(3, "n", "1")) is float
    assert checked_number(np.float32(0.25), "h", "1", 0.0, 0.5) == 0.25
    assert checked_number(np.array(-40.0), "V", "mV") == -40.0
    assert checked_number(Fraction(1, 100), "h", "1", 0.0, 0.5) == 0.01  # a numbers.Real
    assert checked_number(0.1, "rtol", "1", 1e-14, 0.1) == 0.1  # closed ends
    with pytest.raises(ValueError, match=r"^V = nan mV must be finite \(a potential\)$"):
        checked_number(math.nan, "V", "mV", note=" (a potential)")


@pytest.mark.parametrize("call, message", [
    (lambda: _engine.checked_tolerances("1e-3", None, 4),
     r"rtol = '1e-3' must be a real number .*, in \[1e-14, 0.1\] \(dimensionless\)"),
    (lambda: check_plateau_V("-40"),
     r"plateau_V = '-40' must be a real number .*, finite mV \(a potential"),
    (lambda: sensitivity("hh1952", "g_K", grid={"I_app": [0.0]}, t_end=1.0, rel_step="0.01",
                         dry_run=True, progress=False),
     r"rel_step = '0.01' must be a real number .*, in \[1e-06, 0\.5\] \(dimensionless\)"),
    (lambda: differs(xr.Dataset(), "mean_V", rtol="0.1"),
     r"rtol = '0.1' must be a real number .*, finite and >= 0 \(dimensionless\)"),
], ids=["engine_rtol", "plateau_V", "rel_step", "differs_rtol"])
def test_a_numeric_string_is_not_a_number_anywhere(call, message):
    """The engine's rtol always refused '1e-3'; plateau_V, rel_step and differs' rtol took a
    numeric string through float()."""
    with pytest.raises(ValueError, match=message):
        call()


def test_an_unbounded_quantity_states_its_range_in_words():
    """Bounds (0, inf) read "finite and >= 0", not "[0, inf]" (chen_2008_exocytosis pools)."""
    m = bp.model("chen_2008_exocytosis")
    q = m.states[m.state_index("N1")]
    assert q.bounds[1] == math.inf
    with pytest.raises(ValueError, match=r"outside its valid range: it must be finite and >= 0 "
                       r"granules") as err:
        q.check_array(np.array([1.0, math.inf]), "initial state", at_point=True)
    assert "inf]" not in str(err.value)
    with pytest.raises(ValueError, match=r"must be a real number \(not a bool, string or "
                       r"array\), finite and >= 0 granules"):
        q.validate("x", "initial state")


@pytest.mark.parametrize("call, message", [
    (lambda: bp.simulate("hh1952", params={"temperature": "6.3"}, t_end=1.0),
     r"parameter 'temperature' must be a real number \(not a bool, string or array\), in "
     r"\[-5, 50\] C .*got '6.3'"),
    (lambda: bp.simulate("hh1952", params={"g_K": True}, t_end=1.0),
     r"parameter 'g_K' must be a real number .*got True"),
    (lambda: bp.simulate("hh1952", initial={"V": "-65"}, t_end=1.0),
     r"initial state 'V' must be a real number .*got '-65'"),
    (lambda: bp.sweep("hh1952", grid={"temperature": ["6.3", "10"]}, t_end=1.0,
                      dry_run=True, progress=False),
     r"grid axis 'temperature' must be real numbers \(not bools, strings, complex numbers "
     r"or None\) in C, got \['6.3', '10'\]"),
    (lambda: bp.sweep("hh1952", grid={"I_app": [True, False]}, t_end=1.0, dry_run=True,
                      progress=False),
     r"grid axis 'I_app' must be real numbers"),
    (lambda: bp.sweep("hh1952", grid={"I_app": np.array([1.0 + 2.0j])}, t_end=1.0,
                      dry_run=True, progress=False),
     r"grid axis 'I_app' must be real numbers"),
    (lambda: bp.sweep("hh1952", points={"I_app": ["1", "2"]}, t_end=1.0, dry_run=True,
                      progress=False),
     r"points column 'I_app' must be real numbers"),
    (lambda: bp.sweep("hh1952", grid={"I_app": [0.0, 1.0]}, initial={"V": ["-65", "-60"]},
                      t_end=1.0, dry_run=True, progress=False),
     r"initial state 'V' must be a real number or an array of real numbers"),
], ids=["param_string", "param_bool", "initial_string", "grid_strings", "grid_bools",
        "grid_complex", "points_strings", "initial_table_strings"])
def test_model_values_must_be_real_numbers(call, message):
    """Parameters, initial states, grid axes and points columns went through ``float()`` or
    ``np.asarray(dtype=float)``: "6.3", True and [True, False] were taken as numbers and a
    complex axis lost its imaginary part with only a NumPy warning."""
    with pytest.raises(ValueError, match=message):
        call()


def test_model_values_take_any_real_number():
    """ints, numpy scalars, 0-d arrays and Fractions stay valid values."""
    base = bp.simulate("hh1952", params={"temperature": 6.3, "I_app": 1.0}, t_end=2.0)
    for t in (np.float64(6.3), np.array(6.3)):
        same = bp.simulate("hh1952", params={"temperature": t, "I_app": Fraction(1)},
                           t_end=2.0)
        np.testing.assert_array_equal(same.V, base.V)
    r = bp.sweep("hh1952", grid={"I_app": [Fraction(1, 2), 3, np.int64(4)]}, t_end=1.0,
                 dry_run=True, progress=False)
    assert r["I_app"].values.tolist() == [0.5, 3.0, 4.0]


@pytest.mark.parametrize("call, message", [
    (lambda: bp.simulate("hh1952", t_end=5.0, stimulus=bp.Pulse("10", 1.0, 1.0)),
     rf"Pulse.amplitude = '10' {NR}, finite \(model current unit\)"),
    (lambda: bp.simulate("hh1952", t_end=5.0,
                         stimulus=bp.VoltageClamp(-70.0, [(True, 1.0)])),
     rf"VoltageClamp step level = True {NR}, in \[-300, 300\] mV"),
    (lambda: bp.analysis.detect_spikes([0.0, 1.0], [-70.0, 10.0], "0"),
     rf"threshold = '0' {NR}, finite mV"),
    (lambda: bp.analysis.bursts_from_spike_times([1.0, 2.0], "50", 0.0, 10.0),
     rf"gap = '50' {NR}, finite and > 0 ms"),
    (lambda: zg.synthesis_rate(["1e-4"]),
     r"Ca_avg = \['1e-4'\] must be real numbers \(not bools, strings, complex numbers or "
     r"None\), finite and >= 0 mM"),
], ids=["pulse_amplitude", "clamp_level", "threshold", "gap_string", "Ca_avg"])
def test_stimulus_analysis_and_bath_values_use_the_shared_check(call, message):
    """The stimulus, spike/burst analysis, bath and aldosterone read-out had their own checks
    around ``float()``: a numeric string or a bool passed ("10" as a pulse amplitude, True as
    a clamp level, "4" as K_o). Their range messages are in ``test_api.test_bad_stimulus``."""
    with pytest.raises(ValueError, match=message):
        call()


@pytest.mark.parametrize("call, message", [
    (lambda: bp.analysis.bursts(np.arange(10.0), np.arange(10.0), "0", 5.0),
     rf"threshold = '0' {NR}, finite mV"),
    (lambda: bp.analysis.bursts(np.arange(10.0), np.arange(10.0), 0.0, 5.0, t_start="1"),
     rf"t_start = '1' {NR}, finite ms"),
    (lambda: bp.simulate("hh1952", t_end=0.5, stimulus=bp.Steps(["0", "0.1"], ["1", "2"])),
     r"Steps.times \(ms\) and Steps.values \(model current unit\) must be real numbers"),
    (lambda: bp.simulate("hh1952", t_end=0.5, stimulus=bp.Steps([0.0, 0.1], [True, False])),
     r"Steps.times .* must be real numbers"),
    (lambda: bp.simulate("hh1952", t_end=0.5, stimulus=bp.Steps([0.0, 0.1], [1j, 2.0])),
     r"Steps.times .* must be real numbers"),
    (lambda: bp.sweep("hh1952", grid={"I_app": [0.0, 1.0]}, traces=[{"I_app": "1"}],
                      t_end=1.0, progress=False),
     rf"trace I_app = '1' {NR}, finite uA/cm\^2"),
    (lambda: bp.simulate("hh1952", params={"g_K": 10**400}, t_end=1.0),
     r"parameter 'g_K' = 1000.* mS/cm\^2 is outside its valid range"),
    (lambda: bp.sweep("hh1952", grid={"I_app": [-10**400]}, t_end=1.0, dry_run=True,
                      progress=False),
     r"grid axis 'I_app' has non-finite values"),
    (lambda: bp.Solution(K_o="4"),
     rf"K_o = '4' {NR}, in \(0, 2000\] mM \("),
], ids=["bursts_threshold", "bursts_t_start", "steps_strings", "steps_bools", "steps_complex",
        "trace_string", "huge_int_param", "huge_int_axis", "solution_range"])
def test_review_gaps_in_the_shared_check(call, message):
    """Found in review: ``bursts`` converted its threshold and window with float() before the
    checked functions saw them; ``Steps`` took strings and bools (a complex value raised a bare
    TypeError); a trace point given as a string was matched; an int too large for a float
    raised OverflowError; the bath's type error gave no range."""
    with pytest.raises(ValueError, match=message):
        call()


def test_synthesis_rate_tells_a_wrong_type_from_a_value_out_of_range():
    with pytest.raises(ValueError, match=r"Ca_avg = -1.0 mM must be finite and >= 0 mM$"):
        zg.synthesis_rate(-1.0)
    with pytest.raises(ValueError, match=r"Ca_avg = 'x' must be real numbers \(not bools, "
                       r"strings, complex numbers or None\), finite and >= 0 mM"):
        zg.synthesis_rate("x")


def test_a_per_point_initial_state_names_nan_as_no_value():
    """None is refused in a per-point table (it used to become NaN silently); the message says
    that NaN is how a point is left without a value."""
    with pytest.raises(ValueError, match=r"NaN: no value for that point"):
        bp.sweep("hh1952", grid={"I_app": [0.0, 1.0]}, initial={"V": [None, -60.0]},
                 t_end=1.0, dry_run=True, progress=False)
    r = bp.sweep("hh1952", grid={"I_app": [0.0, 1.0]}, initial={"V": [np.nan, -60.0]},
                 t_end=1.0, dry_run=True, progress=False)
    assert r.sizes["I_app"] == 2



@pytest.mark.parametrize("call, message", [
    (lambda: dataclasses.replace(bp.model("hh1952"), burst_gap=-5.0),
     r"model 'hh1952': burst_gap = -5.0 ms must be finite and > 0"),
    (lambda: dataclasses.replace(bp.model("hh1952"), spike_threshold="0"),
     rf"model 'hh1952': spike_threshold = '0' {NR}, finite mV"),
    (lambda: dataclasses.replace(bp.model("hh1952"), dt=0.0),
     r"model 'hh1952': dt = 0.0 ms must be finite and > 0"),
    (lambda: gating_shift(bp.Solution(Mg_o=3.0), sigma=-5.0),
     r"sigma = -5.0 e/A\^2 must be in \[-1, 1\]"),
    (lambda: check_conservation("hh1952", currents=["I_Na", "I_K", "I_L"], capacitance="C_m",
                                t_end=1.0, dt="0.01"),
     rf"dt = '0.01' {NR}, finite and > 0 ms"),
    (lambda: check_conservation("hh1952", currents=["I_Na", "I_K", "I_L"], capacitance=True,
                                t_end=1.0),
     rf"capacitance = True {NR}"),
    (lambda: check_conservation("hh1952", currents=["I_Na", "I_K", "I_L"], capacitance="C_m",
                                t_end=1.0, method=["rl2"]),
     r"method = \['rl2'\]: the conservation checks .* one of rl1, rl2, rl2ab, staggered"),
    (lambda: bp.simulate("hh1952", t_end=5.0, stimulus=bp.VoltageClamp(-70.0, [-40.0])),
     r"VoltageClamp.steps must be \(level mV, duration ms\) pairs, got -40.0"),
], ids=["burst_gap", "spike_threshold", "model_dt", "sigma", "conservation_dt",
        "conservation_capacitance", "conservation_method", "clamp_step"])
def test_reread_gaps(call, message):
    """Found in the re-read: a model's burst_gap, spike_threshold and dt were unchecked (a
    negative gap made tonic firing 'bursting'); solution.gating_shift took any sigma (NaN
    out); check_conservation took dt and capacitance through float() and a list as method
    (TypeError); a clamp step that is not a pair raised a bare TypeError."""
    with pytest.raises(ValueError, match=message):
        call()


@pytest.mark.parametrize("call, message", [
    (lambda: bp.sweep("hh1952", grid={"I_app": [1.0, True]}, t_end=1.0, dry_run=True,
                      progress=False),
     r"grid axis 'I_app' must be real numbers"),
    (lambda: bp.sweep("hh1952", points={"I_app": [False, 2.0]}, t_end=1.0,
                      dry_run=True, progress=False),
     r"points column 'I_app' must be real numbers"),
    (lambda: bp.sweep("hh1952", grid={"I_app": [0.0]}, method="adaptive",
                      atol=[1e-6, True, 1e-6, 1e-6], t_end=1.0, dry_run=True, progress=False),
     r"atol = .* \(state units\) must be finite and > 0"),
    (lambda: bp.simulate("hh1952", t_end=0.5, stimulus=bp.Steps([0.0, 0.1], [1.0, True])),
     r"Steps.times .* must be real numbers"),
    (lambda: ph.nernst([140.0, np.array(True)], 5.0), r"c_out = .* must be real numbers"),
], ids=["grid_axis", "points_column", "atol", "steps", "physiology"])
def test_a_bool_among_numbers_is_not_a_number(call, message):
    """NumPy casts a bool in a list of numbers to 0 or 1, so ``[1.0, True]`` passed where
    ``[True, False]`` was refused (found while moving the CLI's number checks to sweep)."""
    with pytest.raises(ValueError, match=message):
        call()


def test_real_values_keeps_arrays_and_sequences_of_numbers():
    from biophys._checks import real_values

    assert real_values([1, 2.5, np.int64(3), Fraction(1, 2)]).tolist() == [1.0, 2.5, 3.0, 0.5]
    assert real_values(range(3)).tolist() == [0.0, 1.0, 2.0]
    assert real_values([[1.0, 2.0], [3.0, 4.0]]).shape == (2, 2)
    assert real_values(np.array([1.0, 0.0])).tolist() == [1.0, 0.0]
    for bad in ([1.0, True], [[1.0, np.bool_(False)]], [np.array(True), 1.0], True, ["1"]):
        assert real_values(bad) is None, bad


@pytest.mark.parametrize("call, message", [
    (lambda: bp.sweep("hh1952", grid={"I_app": [xr.DataArray(1.0), xr.DataArray(True)]},
                      t_end=1.0, dry_run=True, progress=False),
     r"grid axis 'I_app' must be real numbers"),
    (lambda: bp.sweep("hh1952", grid={"I_app": [1.0]}, t_end=1.0, dry_run=True, checkpoint=""),
     r"checkpoint = '' must be a path"),
    (lambda: bp.sweep("hh1952", grid={"I_app": [1.0]}, t_end=1.0, dry_run=True, progress=None),
     r"progress = None must be True or False"),
    (lambda: bp.hysteresis("hh1952", "I_app", [0.0, 1.0], t_end=1.0, warmup=0.0, progress="yes"),
     r"progress = 'yes' must be True or False"),
], ids=["dataarray_bool", "empty_checkpoint", "progress_none", "hysteresis_progress"])
def test_session_29_review_gaps(call, message):
    """Found in review: a bool held in a 0-d DataArray passed the bool scan; checkpoint=""
    wrote a checkpoint into the working directory; hysteresis took any progress value."""
    with pytest.raises(ValueError, match=message):
        call()


@pytest.mark.parametrize("name, expected", [
    ("Ko", "K_o"), ("k_o", "K_o"), ("K_0", "K_o"), ("Mg_out", "Mg_o"), ("mg", "Mg_o"),
    ("Cai", "Ca_i"), ("gKATP", "g_KATP"), ("mean_v", "mean_V"), ("adaptiv", "adaptive"),
])
def test_did_you_mean_names_the_close_spelling(name, expected):
    valid = ["K_o", "Na_o", "Mg_o", "Ca_o", "Ca_i", "K_i", "g_KATP", "g_K", "mean_V", "min_V",
             "adaptive", "rl2", "rosenbrock"]
    assert did_you_mean(name, valid) == f" (did you mean {expected!r}?)"


@pytest.mark.parametrize("name", ["xyz", "Q", 3.0, None, ""])
def test_did_you_mean_is_silent_without_a_close_spelling(name):
    assert did_you_mean(name, ["K_o", "Mg_o", "adaptive", "mean_V"]) == ""


def test_did_you_mean_lists_each_name_once():
    assert did_you_mean("mean_v", ["mean_V", "min_V", "mean_V"]) == " (did you mean 'mean_V'?)"


@pytest.mark.parametrize("call, message", [
    (lambda: bp.simulate("beta_cell", 1.0, params={"Ko": 8.0}),
     r"has no parameter 'Ko' \(did you mean 'K_o'\?\); valid names: C_m"),
    (lambda: bp.simulate("beta_cell", 1.0, params={"Mg_out": 0.5}),
     r"has no parameter 'Mg_out' \(did you mean 'Mg_o'\?\)"),
    (lambda: bp.simulate("beta_cell", 1.0, record=["Cai"]),
     r"cannot record 'Cai' \(did you mean 'Ca_i'\?\); valid names: V,"),
    (lambda: bp.simulate("hh1952", 1.0, method="adaptiv"),
     r"is not one of .* \(did you mean 'adaptive'\?\)"),
    (lambda: bp.sweep("hh1952", grid={"I_app": [1.0]}, t_end=1.0, metrics=["mean_v"],
                      dry_run=True, progress=False),
     r"unknown metric 'mean_v' \(did you mean 'mean_V'\?\) for model 'hh1952'"),
], ids=["parameter", "parameter_suffix", "record", "method", "metric"])
def test_mistyped_names_get_a_suggestion(call, message):
    """A mistyped name is refused with the list of valid names and the closest of them."""
    with pytest.raises(ValueError, match=message):
        call()


@pytest.mark.parametrize("call, name", [
    (lambda: bp.simulate("hh1952", 1.0, params=5), "params"),
    (lambda: bp.simulate("hh1952", 1.0, params=[("I_app", 1.0)]), "params"),
    (lambda: bp.simulate("hh1952", 1.0, initial=-65.0), "initial"),
    (lambda: bp.sweep("hh1952", grid={"I_app": [1.0]}, t_end=1.0, params=5, dry_run=True,
                      progress=False), "params"),
    (lambda: sensitivity("hh1952", "I_app", grid={"g_Na": [120.0]}, t_end=1.0, params=5),
     "params"),
    (lambda: bp.model("hh1952").parameter_vector(5), "params"),
    (lambda: zg.task_knockout(5), "params"),
    (lambda: zg.cav32_knockout("P_CaL"), "params"),
    (lambda: zg.tonic_calibration(5), "params"),
], ids=["simulate", "simulate_pairs", "simulate_initial", "sweep", "sensitivity",
        "parameter_vector", "task_knockout", "cav32_knockout", "tonic_calibration"])
def test_overrides_that_are_not_a_mapping_are_refused_by_name(monkeypatch, call, name):
    """``params=5`` was an AttributeError ('int' object has no attribute 'items') from
    simulate and sweep, a TypeError from the zg helpers; now a ValueError naming the
    argument, before anything runs."""
    monkeypatch.setattr(_engine, "run", lambda *a, **k: pytest.fail("ran"))
    with pytest.raises(ValueError, match=rf"^{name} = .* must be a mapping \{{(parameter|state)"
                                         r" name: value\} of overrides, or None$"):
        call()


@pytest.mark.parametrize("call, message", [
    (lambda: bp.simulate("hh1952", 1.0, stimulus=5), r"^stimulus = 5 must be a biophys\.Pulse"),
    (lambda: bp.sweep("hh1952", grid={"I_app": [1.0]}, t_end=1.0, stimulus=10.0,
                      progress=False), r"^stimulus = 10\.0 must be a biophys\.Pulse"),
    (lambda: solve("hh1952", 1.0, stimulus="pulse"), r"^stimulus = 'pulse' must be"),
    (lambda: bp.simulate("hh1952", 1.0, record=5), r"^record = 5 must be the name of a state"),
    (lambda: bp.simulate("hh1952", 1.0, record=None), r"^record = None must be the name"),
    (lambda: solve("hh1952", 1.0, record=5), r"^record = 5 must be the name of a state"),
    (lambda: bp.sweep("hh1952", grid={"I_app": [1.0]}, t_end=1.0, traces=[0], record=5,
                      progress=False), r"^record = 5 must be the name of a state"),
    (lambda: bp.sweep("hh1952", grid={"I_app": [1.0]}, t_end=1.0, metrics=5, progress=False),
     r"^metrics = 5 must be a metric name or a sequence of names; valid names: "),
    (lambda: sensitivity("hh1952", "I_app", grid={"g_Na": [120.0]}, t_end=1.0, metrics=5),
     r"^metrics = 5 must be a metric name or a sequence of names"),
    (lambda: bp.analysis.burst_metrics(5), r"^ds = 5 must be the xarray\.Dataset of"),
    (lambda: bp.analysis.burst_metrics(xr.Dataset()), r"^ds\.attrs has no 'model': give model="),
    (lambda: bp.plot.heatmap(5, "mean_V"), r"^ds = 5 must be the result of biophys\.sweep "),
    (lambda: bp.plot.lines([1.0], "mean_V"), r"^ds = \[1\.0\] must be the result of "),
    (lambda: bp.plot.traces(5), r"^ds = 5 must be the result of biophys\.sweep\(\.\.\., "),
    (lambda: bp.plot.plot_traces(5), r"^ds = 5 must be the result of biophys\.simulate "),
], ids=["simulate_stimulus", "sweep_stimulus", "solve_stimulus", "simulate_record",
        "simulate_record_none", "solve_record", "sweep_record", "sweep_metrics",
        "sensitivity_metrics", "burst_metrics_number", "burst_metrics_foreign_dataset",
        "heatmap", "lines", "traces", "plot_traces"])
def test_arguments_of_the_wrong_kind_are_refused_by_name(monkeypatch, call, message):
    """A number as ``stimulus`` was an AttributeError ('int' object has no attribute
    'waveform'), a number as ``record`` or ``metrics`` a TypeError ('int' object is not
    iterable), a number or a foreign Dataset given to ``burst_metrics`` or the plots an
    AttributeError or KeyError; now a ValueError naming the argument, before anything runs."""
    monkeypatch.setattr(_engine, "run", lambda *a, **k: pytest.fail("ran"))
    with pytest.raises(ValueError, match=message):
        call()
