"""Definitions of the stimulus waveforms and of the sensitivity readouts (session 42, helper).

Each test here fails on a single mutation of :mod:`biophys.stimulus` or
:mod:`biophys.sensitivity` that the existing tests let through: a ``Steps`` table that is
empty, ragged, not 1-D, not finite, not increasing or starting before 0 (it was accepted), a
voltage clamp starting before 0 or with a three-number step, the waveform of a clamp stepped at
t = 0, the warning about a stimulus after ``t_end`` for a zero or a hyperpolarising current,
and, for the sensitivities, the elasticity where the readout is 0, the worse status of the
perturbed runs, a regime change when the base run failed or both perturbed runs differ from
it, the retried flag of either perturbed run, a metric named by one string, and the recorded
``rel_step``, changed parameters and status codes. Expected values are written here by hand.
"""

from __future__ import annotations

import json
import math
import warnings

import numpy as np
import pytest
import xarray as xr

import biophys as bp
from biophys._design import make_design
from biophys.sensitivity import _assemble, sensitivity
from biophys.stimulus import Steps, VoltageClamp, warn_after_end

H = 0.05
LNQ = 2.0 * H  # the step in ln p between the two perturbed runs, at ln p - h and ln p + h


# ---------------------------------------------------------------------------- stimulus


@pytest.mark.parametrize("times, values, match", [
    ([], [], r"Steps.times and Steps.values must be 1-D and of equal, non-zero length"),
    ([0.0, 1.0], [5.0], r"Steps.times and Steps.values must be 1-D and of equal, non-zero"),
    ([[0.0, 1.0]], [[5.0, 0.0]], r"Steps.times and Steps.values must be 1-D"),
    ([0.0, 1.0], [5.0, math.inf], r"Steps.times \(ms\) and Steps.values .*must be finite"),
    ([0.0, math.nan], [5.0, 0.0], r"Steps.times \(ms\) and Steps.values .*must be finite"),
    ([0.0, 1.0, 1.0], [5.0, 2.0, 0.0], r"Steps.times \(ms\) must be >= 0 and strictly increas"),
    ([-1.0, 1.0], [5.0, 0.0], r"Steps.times \(ms\) must be >= 0 and strictly increasing"),
])
def test_a_bad_steps_table_is_refused(times, values, match):
    """``values[j]`` holds on ``[times[j], times[j + 1])`` (ms): the table must be two finite
    1-D arrays of one, non-zero length, with times from 0 on and strictly increasing (a ragged
    table made the kernel read past the end of ``values``)."""
    with pytest.raises(ValueError, match=match):
        Steps(times, values).waveform()


@pytest.mark.parametrize("clamp, match", [
    (VoltageClamp(-70.0, [(-20.0, 5.0)], start=-1.0),
     r"VoltageClamp.start = -1.0 ms must be finite and >= 0"),
    (VoltageClamp(-70.0, [(-20.0, 5.0, 1.0)]),
     r"VoltageClamp.steps must be \(level mV, duration ms\) pairs, got \(-20.0, 5.0, 1.0\)"),
])
def test_a_bad_clamp_is_refused(clamp, match):
    """A clamp starting before t = 0 (its first step would end before the holding began) and a
    step that is not a (level, duration) pair are refused, naming what is wrong."""
    with pytest.raises(ValueError, match=match):
        clamp.waveform()


@pytest.mark.parametrize("clamp, times, values", [
    # a step at t = 0 replaces the holding value: one segment per level, times increasing
    (VoltageClamp(-70.0, [(-20.0, 5.0), (10.0, 2.0)]), [0.0, 5.0, 7.0], [-20.0, 10.0, -70.0]),
    (VoltageClamp(-70.0, [(-20.0, 5.0), (10.0, 2.0)], start=2.0),
     [0.0, 2.0, 7.0, 9.0], [-70.0, -20.0, 10.0, -70.0]),
])
def test_clamp_waveform(clamp, times, values):
    """Hold, then the steps one after another from ``start``, then hold again: the waveform
    (times ms, values mV, clamp) of the module docstring, times strictly increasing as a
    ``Steps`` table's must be."""
    t, v, is_clamp = clamp.waveform()
    assert is_clamp is True
    assert t.tolist() == times and v.tolist() == values


def _warnings(stimulus, t_end: float) -> list[str]:
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        warn_after_end(stimulus, t_end)
    return [str(w.message) for w in said]


def test_a_zero_stimulus_is_not_warned_about():
    """A stimulus that injects nothing at all has no first non-zero value: no warning, and no
    error (it is a valid stimulus, e.g. a pulse of amplitude 0 as a control)."""
    assert _warnings(bp.Pulse(0.0, 1.0, 1.0), 5.0) == []
    assert _warnings(Steps([0.0, 2.0], [0.0, 0.0]), 5.0) == []


def test_a_hyperpolarising_stimulus_counts_as_injected():
    """A negative current is injected current: one that starts at t_end is warned about, one
    that starts at 0 (followed by a depolarising step after t_end) is not."""
    late = _warnings(Steps([0.0, 30.0], [0.0, -5.0]), 30.0)
    assert late == ["the stimulus starts at 30 ms, at or after t_end = 30 ms: the run "
                    "contains none of it"]
    assert _warnings(Steps([0.0, 10.0], [-5.0, 3.0]), 5.0) == []


# ------------------------------------------------------------------------- sensitivity


def _assembled() -> xr.Dataset:
    """``_assemble`` of a made-up sweep of 3 points x (base, g_K e^-h, g_K e^h)."""
    m = bp.model("hh1952")
    design = make_design(m, {"I_app": [0.0, 5.0, 10.0]}, None)
    status_flags = {"flag_values": np.array([-1, 0, 1, 2, 3], dtype=np.int8),
                    "flag_meanings": "not_simulated ok non-finite_state step_failure:_budget "
                                     "step_failure:_underflow"}
    coded = {"units": "1", "flag_values": np.array([0.0, 1.0]), "flag_meanings": "rest spiking"}
    # rows: base points 0-2, then the runs at p e^-h, then those at p e^h
    res = xr.Dataset({
        "status": ("point", np.array([0, 0, 0, 0, 1, -1, 2, 0, 0], dtype=np.int8), status_flags),
        "M": ("point", [0.0, 2.0, np.nan, 1.0, 1.0, 1.0, 3.0, 3.0, 3.0], {"units": "mV"}),
        "pattern": ("point", [np.nan, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 0.0, 1.0], coded),
        "retried": ("point", [False, False, True, True, False, False, False, False, True]),
    }, coords={"I_app": ("point", np.tile([0.0, 5.0, 10.0], 3), {"units": "uA/cm^2"})})
    return _assemble(res, ["g_K"], design, H)


def test_derivative_and_elasticity_where_the_readout_is_zero():
    """d_M = (M(p e^h) - M(p e^-h)) / (2 h) = 2 / LNQ at every point;
    the elasticity d_M / M(p) is NaN where M(p) = 0 (not inf, not 0) or NaN, 1 / LNQ where
    M(p) = 2."""
    ds = _assembled()
    np.testing.assert_allclose(ds["d_M"].values, [[2.0 / LNQ] * 3], rtol=1e-12)
    el = ds["elasticity_M"].values[0]
    assert np.isnan(el[0]) and np.isnan(el[2])
    assert el[1] == pytest.approx(1.0 / LNQ, rel=1e-12)


def test_status_perturbed_is_the_worse_of_the_two_runs():
    """(0 ok, 2 step budget) -> 2; (1 non-finite, 0) -> 1; (-1 not simulated, 0) -> -1."""
    assert _assembled()["status_perturbed"].values.tolist() == [[2, 1, -1]]


def test_regime_change_against_the_base_run():
    """Point 0: the base run failed (NaN): no change, whatever the perturbed runs say. Point 1:
    both perturbed runs left the base regime, the same way (lo = hi = 0 != 1): changed. Point
    2: both perturbed runs differ from the base run (lo = hi = 1 != 0): changed."""
    assert _assembled()["pattern_changed"].values.tolist() == [[False, True, True]]


def test_retried_in_either_perturbed_run():
    """A per-run flag is carried, not differenced: ``retried_perturbed`` is True where either
    perturbed run was retried (point 0: the run at p e^-h only; point 2: p e^h only)."""
    ds = _assembled()
    assert ds["retried"].values.tolist() == [False, False, True]
    assert ds["retried_perturbed"].values.tolist() == [[True, False, True]]
    assert "d_retried" not in ds


def test_central_difference_is_symmetric_in_ln_p():
    """The perturbed runs sit at ln p - h and ln p + h, symmetric about ln p: the quotient
    is exact for M quadratic in ln p (M = (ln p)^2: 2 ln p), and for M = (ln p)^3 it is
    ((x + h)^3 - (x - h)^3) / (2 h) = 3 x^2 + h^2, the error M''' h^2 / 6 of the central
    difference. (The runs at p (1 +- h) used before session 43 gave 2 ln p + ln(1 - h^2)
    for the quadratic.) The perturbed runs' values themselves are pinned in
    tests/test_sensitivity.py (bit for bit against plain sweeps at p e^-+h)."""
    m = bp.model("hh1952")
    design = make_design(m, {"I_app": [1.0]}, None)
    p = 2.0
    x = np.log(p) + np.array([0.0, -H, H])
    coords = {"I_app": ("point", [1.0] * 3, {"units": "uA/cm^2"})}

    def d_of(values):
        ds = _assemble(xr.Dataset({"M": ("point", values)}, coords=coords), ["g_K"], design, H)
        return float(ds["d_M"].values.ravel()[0])

    assert d_of(3.0 + 0.5 * x) == pytest.approx(0.5, rel=1e-13)
    assert d_of(x**2) == pytest.approx(2.0 * math.log(p), rel=1e-12)
    got = d_of(x**3)
    assert got == pytest.approx(3.0 * math.log(p) ** 2 + H * H, rel=1e-12)
    assert abs(got - 3.0 * math.log(p) ** 2) > 2e-3  # h^2 = 0.0025: not exact beyond quadratic


def test_perturbed_runs_are_at_p_exp_minus_and_plus_h():
    """The runs of sensitivity() are at p e^-h and p e^h (here g_K = 36 mS/cm^2, h = 0.05:
    36 e^-0.05 = 34.24425928... and 36 e^0.05 = 37.84575946...), written out here, not taken
    from the code's factors."""
    ds = sensitivity("hh1952", "g_K", grid={"I_app": [0.0]}, t_end=1.0, rel_step=H,
                     metrics="mean_V", progress=False)
    lo = bp.sweep("hh1952", grid={"I_app": [0.0]}, params={"g_K": 34.2442592820257},
                  t_end=1.0, metrics="mean_V", progress=False)
    hi = bp.sweep("hh1952", grid={"I_app": [0.0]}, params={"g_K": 37.845759469536866},
                  t_end=1.0, metrics="mean_V", progress=False)
    want = (hi["mean_V"].values - lo["mean_V"].values) / (2.0 * H)
    np.testing.assert_allclose(ds["d_mean_V"].values[0], want, rtol=1e-12)
    assert np.all(want != 0.0)


def test_a_default_parameter_one_metric_name_and_the_record():
    """g_K perturbed at its 1952 value, 36 mS/cm^2, not given in params: it is no changed
    parameter; ``metrics`` may be one name; ``rel_step`` is the step in ln p given; the
    perturbed status reads as the status does (its CF flag attributes are kept)."""
    ds = sensitivity("hh1952", "g_K", grid={"I_app": [0.0]}, t_end=1.0, rel_step=H,
                     metrics="mean_V", progress=False)
    assert "d_mean_V" in ds and "elasticity_mean_V" in ds
    assert ds.attrs["rel_step"] == H
    assert float(ds["base_value"].sel(parameter="g_K")) == 36.0
    assert json.loads(ds.attrs["changed_parameters"]) == {}
    assert bp.flag_text(ds["status_perturbed"]).values.tolist() == [["ok"]]


@pytest.mark.parametrize("parameters, shown", [(["g_K", 5], "5"), ([["g_K"]], r"\['g_K'\]")])
def test_a_parameter_that_is_not_a_name_is_refused(parameters, shown):
    with pytest.raises(ValueError, match=rf"parameters must be names \(str\), got {shown}"):
        sensitivity("hh1952", parameters, grid={"I_app": [0.0]}, t_end=1.0, progress=False)
