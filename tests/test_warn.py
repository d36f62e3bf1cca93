"""Warnings name the user's file and line, however deep inside biophys they are raised
(biophys._warn.warn_user). Before, each site counted its own fixed stack level: a Na_o that the
equimolar rule derives during ``as_params`` and the bath warnings a sweep replays pointed past
the caller (``sys:1`` from a script, a wrong line under pytest)."""

from __future__ import annotations

import warnings

import pytest

import biophys as bp
from biophys._warn import warn_user


def _caught(action) -> list[warnings.WarningMessage]:
    """The warnings ``action()`` gives; each must name the line of the lambda ``action``."""
    with warnings.catch_warnings(record=True) as got:
        warnings.simplefilter("always")
        action()
    assert got, "no warning was given"
    line = action.__code__.co_firstlineno
    for w in got:
        assert (w.filename, w.lineno) == (__file__, line), str(w.message)
    return list(got)


def test_solution_range_warning_points_at_the_caller():
    got = _caught(lambda: bp.Solution(K_o=100.0))
    assert "K_o = 100 mM is outside" in str(got[0].message)
    _caught(lambda: bp.Solution(K_o=5.0).replace(K_o=200.0))
    # a Na_o the equimolar rule derives only when resolved against the model (was sys:1)
    rule = bp.Solution(K_o=50.0, substitution="equimolar_Na")
    got = _caught(lambda: rule.as_params("beta_cell"))
    assert "Na_o = 95.4 mM is outside" in str(got[0].message)


def test_a_given_na_o_under_the_rule_is_warned_about_once():
    got = _caught(lambda: bp.Solution(Na_o=300.0, K_o=5.0, substitution="equimolar_Na"))
    assert [str(w.message) for w in got] == [
        "Na_o = 300 mM is outside the physiological range [100, 170] mM"]


def test_unused_field_warning_points_at_the_caller():
    got = _caught(lambda: bp.Solution(Mg_o=1.0).as_params("hh1952", on_unused="warn"))
    assert "Mg_o" in str(got[0].message)


def test_coarse_dt_warning_points_at_the_caller():
    got = _caught(lambda: bp.simulate("hh1952", t_end=10.0, dt=1.0))
    assert "fixed steps this coarse" in str(got[0].message)


def test_sweep_warnings_point_at_the_caller():
    # bath warnings the sweep collects per point and replays (they pointed at sys:1)
    got = _caught(lambda: bp.sweep("beta_cell", {"K_o": [5.0, 100.0]}, t_end=2.0,
                                   conditions=bp.Solution(substitution="equimolar_Na"),
                                   metrics=["mean_V"], dry_run=True))
    assert {str(w.message) for w in got} == {
        "sweep: K_o = 100 mM (1 of 2 values) is outside the physiological range [1, 60] mM",
        "sweep: Na_o = 45.4 mM (1 of 2 values) is outside the physiological range [100, 170] "
        "mM"}
    # the lag warning of a lagging read-out
    got = _caught(lambda: bp.sweep("zg_cell", {"K_o": [4.0]}, t_end=20.0, warmup=10.0,
                                   metrics=["aldosterone_rate"], dry_run=True))
    assert "lag of tau_avg" in str(got[0].message)


RANGE = "is outside the physiological range"


def test_a_sweep_gives_each_bath_warning_once():
    """Under the "always" filter (no once-per-line registry) a sweep gives one range warning
    per bath field for all its points (the span and count of the values outside, as for an
    axis set directly), and none for a field the sweep leaves at the base bath's value (the
    base has warned about it already)."""
    kw = dict(t_end=2.0, metrics=["mean_V"], dry_run=True)
    rule = bp.Solution(substitution="equimolar_Na")
    # K_o x Mg_o, both from the Solution: each K_o's messages recur at every Mg_o
    got = _caught(lambda: bp.sweep("beta_cell", {"K_o": [5.0, 100.0], "Mg_o": [1.0, 2.0, 20.0]},
                                   conditions=rule, **kw))
    assert [str(w.message) for w in got] == [
        f"sweep: K_o = 100 mM (1 of 2 values) {RANGE} [1, 60] mM",
        f"sweep: Na_o = 45.4 mM (1 of 2 values) {RANGE} [100, 170] mM",
        f"sweep: Mg_o = 20 mM (1 of 3 values) {RANGE} [0.1, 10] mM"]
    # the base bath's Na_o (74 mM, derived from zg_cell's own bath) is said once, not per point
    with pytest.warns(UserWarning, match="K_o = 70 mM"):
        high_k = bp.Solution(K_o=70.0, substitution="equimolar_Na")
    got = _caught(lambda: bp.sweep("zg_cell", {"Mg_o": [1.0, 2.0, 3.0]}, conditions=high_k,
                                   **kw))
    assert [str(w.message) for w in got] == [f"Na_o = 74 mM {RANGE} [100, 170] mM"]
    got = _caught(lambda: bp.sweep("beta_cell", {"K_o": [61.0 + k for k in range(7)]},
                                   conditions=bp.Solution(), **kw))
    assert [str(w.message) for w in got] == [
        f"sweep: K_o = 61 to 67 mM (7 of 7 values) {RANGE} [1, 60] mM"]
    # values below and above the range, from a points table; a derived Cl_o is not warned
    got = _caught(lambda: bp.sweep("beta_cell", points={"K_o": [0.5, 5.0, 70.0, 0.5]},
                                   conditions=bp.Solution(), **kw))
    assert [str(w.message) for w in got] == [
        f"sweep: K_o = 0.5 and 70 mM (2 of 3 values) {RANGE} [1, 60] mM"]


def test_warn_user_from_outside_the_package_names_its_caller():
    with pytest.warns(UserWarning, match="plain") as got:
        warn_user("plain")
    assert got[0].filename == __file__
