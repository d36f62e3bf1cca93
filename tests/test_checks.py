"""The shared number check (:func:`biophys._checks.checked_number`) and the places that use it:
the engine's ``rtol``, ``plateau_V``, ``sensitivity(rel_step=)`` and ``differs(rtol=)``.

Each must name the parameter, the value given, its unit and the valid range, and agree on what
a number is: a real number or a 0-d array of one, not a bool or a string (not even a numeric
one).
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
import xarray as xr

import biophys as bp
from biophys import _engine
from biophys._checks import checked_number
from biophys.analysis import check_plateau_V
from biophys.continuation import differs
from biophys.sensitivity import sensitivity

NOT_REAL = "must be a real number (not a bool, string or array)"


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
     r"rel_step = '0.01' must be a real number .*, in \(0, 0.5\] \(dimensionless\)"),
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
    with pytest.raises(ValueError, match=r"must be a number, finite and >= 0 granules"):
        q.validate("x", "initial state")
