"""``biophys.zg``'s read-outs as a user calls them: a failed condition marks that condition
and keeps the others, bad arguments are refused before any run, ``aldosterone_relative`` is the
quotient of :func:`biophys.zg.steady_state`'s rates against its documented reference, and the
TASK knockout's docstring says where its background balances (found in a user-level review,
session 41; each test failed on the code before it)."""

from __future__ import annotations

import re

import numpy as np
import pytest

from biophys import _engine, zg
from biophys.models import get_model

#: Every value inside its declared range, yet the run blows up: a 0.1 uF/cm^2 cell driven by
#: -1000 uA/cm^2.
BLOW_UP = {"K_o": 4.0, "C_m": 0.1, "I_app": -1000.0}
SHORT = {"t_end": 2000.0, "warmup": 1000.0}


def test_a_failed_condition_is_marked_and_the_others_kept():
    """The standard for sweeps: a blow-up in one point marks that point and never loses the
    others. steady_state raised FloatingPointError and returned nothing."""
    good = [{"K_o": 4.0}, {"K_o": 5.0}]
    alone = zg.steady_state(good, **SHORT)
    with pytest.warns(RuntimeWarning, match=re.escape(str(BLOW_UP))):
        ss = zg.steady_state([*good, BLOW_UP], **SHORT)
    assert ss.status.tolist() == [0, 0, 1] and alone.status.tolist() == [0, 0]
    for name in ("mean_Ca_i", "mean_V", "min_V", "max_V", "spike_rate", "aldosterone_rate"):
        got = getattr(ss, name)
        np.testing.assert_array_equal(got[:2], getattr(alone, name))  # cells are independent
        assert np.isnan(got[2]), name
    with pytest.raises(ValueError, match="not finite"):  # nothing to continue from it
        zg.steady_state([*good, BLOW_UP], initial=ss, **SHORT)


def test_aldosterone_relative_is_the_quotient_against_its_reference():
    """It had no test. The ratio is steady_state's rate over the reference's; the reference is
    2.5 mM K_o updated with ``reference`` (``reference={"AngII": 25.0}`` compared against the
    model's default 4 mM K_o before: x1.17 where the calibrated comparison is x3.79)."""
    kw = {"t_end": 6000.0, "warmup": 3000.0}
    ss = zg.steady_state([{"K_o": 2.5}, {"K_o": 5.0, "AngII": 25.0},
                          {"K_o": 2.5, "AngII": 25.0}], **kw)
    rate = ss.aldosterone_rate
    r = zg.aldosterone_relative([{"K_o": 5.0, "AngII": 25.0}], **kw)
    assert r[0] == rate[1] / rate[0]
    gen = zg.steady_state(({"K_o": k} for k in (2.5, 5.0)), params={"AngII": 25.0}, **kw)
    assert gen.aldosterone_rate[1] == rate[1]  # conditions from a generator, read once
    in_ref = zg.aldosterone_relative([{"K_o": 5.0, "AngII": 25.0}],
                                     reference={"AngII": 25.0}, **kw)
    assert in_ref[0] == rate[1] / rate[2]
    shared = zg.aldosterone_relative([{"K_o": 5.0}], params={"AngII": 25.0}, **kw)
    assert shared[0] == pytest.approx(in_ref[0], rel=1e-12)
    assert 2.0 < in_ref[0] < r[0]  # Ang II raises the reference too


def test_aldosterone_relative_refuses_a_failed_reference_and_keeps_failed_conditions():
    with pytest.warns(RuntimeWarning):
        r = zg.aldosterone_relative([{"K_o": 5.0}, BLOW_UP], **SHORT)
    assert np.isfinite(r[0]) and np.isnan(r[1])
    with pytest.warns(RuntimeWarning), pytest.raises(FloatingPointError, match="reference"):
        zg.aldosterone_relative([{"K_o": 5.0}], reference=BLOW_UP, **SHORT)


def _refuse_runs(monkeypatch):
    monkeypatch.setattr(_engine, "run", lambda *a, **k: pytest.fail("ran"))


@pytest.mark.parametrize("kwargs, match", [
    ({"conditions": {"K_o": 5.0}}, r"conditions = .* must be a sequence of mappings"),
    ({"conditions": [5.0]}, r"conditions = .* must be a sequence of mappings"),
    ({"conditions": [{"K_o": 5.0}], "initial": [-80.0]}, r"initial = .* must be a mapping"),
    ({"conditions": [{"K_o": 5.0}], "params": 5.0}, r"params = 5.0 must be a mapping"),
    ({"conditions": [{"K_o": 5.0}], "model": "beta_cell"},
     r"model 'beta_cell' has no aldosterone synthesis read-out"),
    ({"conditions": [{"K_o": 5.0}], "t_end": 100.0, "warmup": 99.99},
     r"warmup = 99.99 ms must be in \[0, 99.95\] ms"),
])
def test_steady_state_refuses_bad_arguments_before_running(monkeypatch, kwargs, match):
    """Each of these failed late before: a dict-update error, an AttributeError after the whole
    run (beta_cell), a NaN spike rate with numpy's divide warning."""
    _refuse_runs(monkeypatch)
    kwargs = {"t_end": 10.0, "warmup": 0.0, **kwargs}
    with pytest.raises(ValueError, match=match):
        zg.steady_state(kwargs.pop("conditions"), **kwargs)


def test_aldosterone_relative_refuses_one_mapping_and_a_non_mapping_reference(monkeypatch):
    _refuse_runs(monkeypatch)
    with pytest.raises(ValueError, match="conditions = .* must be a sequence"):
        zg.aldosterone_relative({"K_o": 5.0})
    with pytest.raises(ValueError, match="reference = .* must be a mapping"):
        zg.aldosterone_relative([{"K_o": 5.0}], reference=[2.5])


def test_task_knockout_docstring_states_where_the_background_balances():
    """The docstring said the knockout 'rests where the remaining K+ background, the leak and
    the pump balance (about -81 mV mean)'. It does not rest: that balance (its Ca2+ channels
    blocked) lies near -41 mV in that (now the tonic) calibration, near -47 mV in the default,
    and -81 mV is the mean of the tonic calibration's tonic firing."""
    blocked = {"K_o": 4.0, "P_CaT": 0.0, "P_CaL": 0.0}
    conds = [zg.task_knockout(blocked), zg.task_knockout(zg.tonic_calibration(blocked))]
    bal = zg.steady_state(conds, t_end=5000.0, warmup=4000.0)
    assert np.all(bal.spike_rate == 0.0) and np.all(bal.max_V - bal.min_V < 0.01)
    doc = " ".join(zg.task_knockout.__doc__.split())
    assert "rests where" not in doc
    assert f"balance only near {bal.mean_V[0]:.0f} mV" in doc
    assert f"balance lies near {bal.mean_V[1]:.0f} mV" in doc


def test_the_result_records_its_settings_and_a_continuation_under_other_ones_is_warned():
    """SteadyState carried no record of how it was made; a continuation with other shared
    parameters ran without a word."""
    import warnings

    conds = [{"K_o": 4.0}]
    first = zg.steady_state(conds, params={"Mg_o": 0.5}, t_end=1000.0, warmup=500.0)
    assert first.settings == {"model": "zg_cell", "params": {"Mg_o": 0.5}, "t_end": 1000.0,
                              "warmup": 500.0, "dt": get_model("zg_cell").dt,
                              "method": "rl2"}
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the same settings: no warning
        zg.steady_state(conds, params={"Mg_o": 0.5}, t_end=1000.0, warmup=0.0, initial=first)
    with pytest.warns(UserWarning, match=r"params = \{'Mg_o': 0.5\}; this call uses params = "
                                         r"\{\}"):
        zg.steady_state(conds, t_end=1000.0, warmup=0.0, initial=first)


def test_tolerances_reach_the_error_controlled_run_and_are_refused_with_a_fixed_step():
    """steady_state offered "adaptive" and "rosenbrock" without rtol/atol."""
    kw = {"t_end": 3000.0, "warmup": 1000.0, "method": "adaptive"}
    loose = zg.steady_state([{"K_o": 6.0}], rtol=1e-3, **kw)
    tight = zg.steady_state([{"K_o": 6.0}], rtol=1e-8, **kw)
    assert loose.settings["rtol"] == 1e-3 and tight.settings["rtol"] == 1e-8
    assert loose.mean_V[0] != tight.mean_V[0]  # the tolerance reached the integrator
    assert loose.mean_V[0] == pytest.approx(tight.mean_V[0], abs=0.5)
    with pytest.raises(ValueError, match="rtol/atol apply only to method 'adaptive'"):
        zg.steady_state([{"K_o": 6.0}], rtol=1e-6, t_end=10.0, warmup=0.0)
