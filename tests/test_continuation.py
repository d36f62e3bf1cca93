"""``biophys.hysteresis``: stepping a condition up and back down with warm starts.

The Hodgkin-Huxley axon (6.3 C) is bistable between rest and repetitive firing for constant
currents between the saddle-node of periodic orbits near 6.26 uA/cm^2 and the subcritical Hopf
bifurcation near 9.78 uA/cm^2 (Rinzel J, Miller RN 1980 Math Biosci 49:27; Hassard B 1978
J Theor Biol 71:401). Stepping I_app up, the cell rests until the Hopf point; stepping down from
firing, it keeps firing down to the saddle-node. The bistability at 8 uA/cm^2 is also checked
with the independent NumPy/SciPy HH (tests/hh_reference.py) started from rest and from firing.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from scipy.optimize import brentq

import biophys as bp
from biophys.analysis import KINDS
from biophys.continuation import differs

from . import hh_reference as ref

STEPS = [5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0]  # uA/cm^2


@pytest.fixture(scope="module")
def hh():
    return bp.hysteresis("hh1952", "I_app", STEPS, t_end=500.0, warmup=300.0,
                         metrics=["regime", "spike_rate", "mean_V"], progress=False)


def test_hh_rests_up_to_the_hopf_point_and_fires_down_to_the_saddle_node(hh):
    up = [KINDS[int(c)] for c in hh["regime"].sel(direction="up").values]
    down = [KINDS[int(c)] for c in hh["regime"].sel(direction="down").values]
    assert up == ["silent"] * 5 + ["continuous"] * 2  # rest below 9.78
    assert down == ["silent"] * 2 + ["continuous"] * 5  # firing above 6.26
    assert differs(hh).values.tolist() == [False, False, True, True, True, False, False]
    assert (hh["spike_rate"].sel(direction="down", I_app=8.0) > 50.0).item()
    assert (hh["status"] == 0).all()


def _steady_state(i_app: float) -> np.ndarray:
    """The HH resting state at a constant current (independent of biophys)."""
    def i_ss(v):
        _, m, h, n = ref.steady_state(v)
        return (ref.G_NA * m**3 * h * (v - ref.E_NA) + ref.G_K * n**4 * (v - ref.E_K)
                + ref.G_L * (v - ref.E_L) - i_app)
    return ref.steady_state(brentq(i_ss, -75.0, -50.0, xtol=1e-13))


def test_independent_hh_is_bistable_at_8():
    """From the resting state at 8 uA/cm^2 the independent HH stays at rest; one brief pulse
    moves it to repetitive firing, which persists."""
    rest = _steady_state(8.0)
    t = np.linspace(200.0, 300.0, 20001)
    quiet = ref.solve(lambda t: 8.0, 300.0, y0=rest, max_step=0.05)
    assert np.ptp(quiet.sol(t)[0]) < 0.01  # rests
    kicked = ref.solve(lambda t: 8.0 + (30.0 if t < 1.0 else 0.0), 300.0, y0=rest, max_step=0.05)
    assert len(ref.spike_times(t, kicked.sol(t)[0])) >= 5  # fires from a spike


def test_warm_starts_and_a_lost_branch():
    """A run that does not finish breaks the continuation: the next run starts afresh."""
    ds = bp.hysteresis("hh1952", "g_L", [0.0, 1.0e4], t_end=5.0, warmup=1.0,
                       params={"g_Na": 0.0, "g_K": 0.0, "C_m": 1e-3, "I_app": -1.0e4},
                       metrics=["mean_V"], progress=False)
    assert ds["status"].values.tolist() == [[1, 0], [1, 0]]  # g_L = 0 fails on both passes
    assert ds["warm_start"].values.tolist() == [[False, False], [True, True]]
    assert np.isnan(ds["mean_V"].values[0, 0]) and np.isfinite(ds["mean_V"].values[0, 1])


def test_a_run_after_a_lost_branch_is_not_warm_even_with_initial():
    ds = bp.hysteresis("hh1952", "g_L", [0.0, 1.0e4], t_end=5.0, warmup=1.0,
                       params={"g_Na": 0.0, "g_K": 0.0, "C_m": 1e-3, "I_app": -1.0e4},
                       initial={"V": -60.0}, metrics=["mean_V"], progress=False)
    assert ds["warm_start"].values.tolist() == [[False, False], [True, True]]
    assert json.loads(ds.attrs["changed_initial"]) == {"V": -60.0}


def test_every_step_is_checked_before_any_run(monkeypatch):
    import biophys.continuation as cont

    runs = []
    real = cont.sweep

    def counting(*args, **kwargs):
        if not kwargs.get("dry_run"):
            runs.append(kwargs["points"])
        return real(*args, **kwargs)

    monkeypatch.setattr(cont, "sweep", counting)
    with pytest.raises(ValueError, match=r"'g_L' = -1.0 mS/cm\^2 is outside its valid range"):
        bp.hysteresis("hh1952", "g_L", [0.3, 1.0, -1.0], t_end=5.0, warmup=0.0, progress=False)
    assert runs == []


def test_the_record_covers_every_step_under_a_substitution_rule():
    """K_o steps under the equimolar rule move Na_o with them: the record says Na_o is derived
    per point, not the Na_o of the last run."""
    ds = bp.hysteresis("beta_cell", "K_o", [8.0, 12.0], t_end=5.0, warmup=0.0, metrics=["mean_V"],
                       conditions=bp.Solution(substitution="equimolar_Na"), progress=False)
    cond = json.loads(ds.attrs["conditions"])
    assert cond["K_o"].startswith("varied") and cond["Na_o"].startswith("derived")
    assert json.loads(ds.attrs["changed_parameters"]) == {}
    assert sorted(json.loads(ds.attrs["varied_parameters"])) == ["K_o", "Na_o"]


def test_first_run_uses_initial_and_results_are_labelled(hh, tmp_path):
    assert hh["warm_start"].values[0, 0] == False  # noqa: E712 (numpy bool)
    assert hh["warm_start"].values.sum() == 2 * len(STEPS) - 1
    assert hh["I_app"].attrs["units"] == "uA/cm^2" and hh["mean_V"].attrs["units"] == "mV"
    assert json.loads(hh.attrs["steps"]) == STEPS and hh.attrs["n_runs"] == 14
    assert hh.attrs["model"] == "hh1952"
    path = tmp_path / "h.nc"
    hh.to_netcdf(path)
    back = bp.open_sweep(path)
    np.testing.assert_array_equal(back["regime"].values, hh["regime"].values)


def test_final_state_of_a_sweep_continues_a_run():
    """final_state=True returns the state at t_end; a run started from it equals the second
    half of one long run (bit for bit: same steps, same arithmetic)."""
    kw = dict(points={"I_app": [10.0]}, metrics=["mean_V"], progress=False)
    long = bp.sweep("hh1952", t_end=40.0, final_state=True, **kw)
    half = bp.sweep("hh1952", t_end=20.0, final_state=True, **kw)
    y = {s: float(half[f"final_{s}"][0]) for s in bp.model("hh1952").state_names}
    rest = bp.sweep("hh1952", t_end=20.0, final_state=True, initial=y, **kw)
    for s in y:
        assert float(rest[f"final_{s}"][0]) == float(long[f"final_{s}"][0])
    assert half["final_V"].attrs["units"] == "mV"


@pytest.mark.parametrize("values, match", [
    ([5.0], "at least two steps"),
    ([5.0, 5.0], "repeat a step"),
    # descending values ran with the first (downward) pass labelled "up"
    ([10.0, 5.0], r"\(uA/cm\^2\) must be ascending: they are the steps of the upward pass "
                  r"\(direction 'up', run first\), and the downward pass runs them in reverse; "
                  r"got 5 after 10 in \[10.0, 5.0\]"),
    ([5.0, 7.0, 6.0], "must be ascending.* got 6 after 7"),
    ([5.0, np.nan], "must be finite"),
    (["a", "b"], "must be real numbers"),
])
def test_bad_steps_are_named(values, match):
    with pytest.raises(ValueError, match=f"values of 'I_app' {match}|{match}"):
        bp.hysteresis("hh1952", "I_app", values, t_end=1.0, warmup=0.0, progress=False)


def test_differs_rtol_is_checked(hh):
    """Stepped by 1 uA/cm^2 the axon stays at rest going up to 9 (below the Hopf point near
    9.78) and fires coming down to 7 (above the saddle-node near 6.26): at 7, 8 and 9 one pass
    rests and the other fires, and their mean_V differ by 6-7%. At 10 and 11 both passes fire;
    their 200 ms window averages differ only by the phase of the cycle they catch (under 1%),
    which an rtol of 2% ignores: bistable only at 7, 8 and 9, as the regimes say."""
    bistable = [False, False, True, True, True, False, False]
    assert differs(hh, "mean_V", rtol=0.02).values.tolist() == bistable
    assert differs(hh, "spike_rate", rtol=0.02).values.tolist() == bistable
    for bad in (-0.1, math.nan, True, "a"):
        with pytest.raises(ValueError, match=r"rtol = .* must be .*finite"):
            differs(hh, "mean_V", rtol=bad)


def test_a_bath_warning_is_given_once(recwarn):
    """The plan's dry run gives each warning; the step runs do not repeat it."""
    bp.hysteresis("hh1952", "temperature", [6.3, 43.0, 44.0], t_end=5.0, warmup=0.0,
                  conditions=bp.Solution(), progress=False)
    texts = [str(w.message) for w in recwarn.list if "temperature" in str(w.message)]
    assert texts and len(texts) == len(set(texts))


def test_final_state_must_be_a_bool():
    with pytest.raises(ValueError, match="final_state = 'no' must be True or False"):
        bp.sweep("hh1952", points={"I_app": [0.0]}, t_end=1.0, final_state="no", progress=False)


def test_sweep_only_options_are_refused():
    with pytest.raises(ValueError, match="points= is not available"):
        bp.hysteresis("hh1952", "I_app", [1.0, 2.0], t_end=1.0, warmup=0.0, points={"g_L": [0.3]},
                      progress=False)
    with pytest.raises(ValueError, match="'I_app' is the stepped axis"):
        bp.hysteresis("hh1952", "I_app", [1.0, 2.0], t_end=1.0, warmup=0.0, grid={"I_app": [0.3]},
                      progress=False)
    with pytest.raises(ValueError, match=r"initial= of hysteresis\(\) is one state"):
        bp.hysteresis("hh1952", "I_app", [1.0, 2.0], t_end=1.0, warmup=0.0,
                      initial={"V": [-60.0, -65.0]}, progress=False)
    with pytest.raises(ValueError, match="no parameter 'I_x'|I_x"):
        bp.hysteresis("hh1952", "I_x", [1.0, 2.0], t_end=1.0, warmup=0.0, progress=False)


def test_other_axes_run_side_by_side(hh):
    """With grid= every point of the other axes continues its own run: each column equals the
    hysteresis run at that value alone, bit for bit, and 6.3 C is the bistable map's column of
    the fixture."""
    both = bp.hysteresis("hh1952", "I_app", STEPS, grid={"temperature": [6.3, 18.5]},
                         t_end=500.0, warmup=300.0, metrics=["regime", "spike_rate", "mean_V"],
                         progress=False)
    assert both["regime"].dims == ("direction", "I_app", "temperature")
    assert both["temperature"].attrs["units"] == "C"
    for name in ("regime", "spike_rate", "mean_V", "status", "warm_start"):
        np.testing.assert_array_equal(both[name].sel(temperature=6.3).values, hh[name].values)
    alone = bp.hysteresis("hh1952", "I_app", STEPS, t_end=500.0, warmup=300.0,
                          conditions={"temperature": 18.5},
                          metrics=["regime", "spike_rate", "mean_V"], progress=False)
    for name in ("regime", "spike_rate", "mean_V"):
        np.testing.assert_array_equal(both[name].sel(temperature=18.5).values,
                                      alone[name].values)
    assert both.attrs["n_runs"] == 2 * len(STEPS) * 2
    # the published bistable range at 6.3 C (see the first test), now one column of a map
    assert differs(both).sel(temperature=6.3).values.tolist() == [False, False, True, True,
                                                                    True, False, False]


def test_a_lost_branch_is_lost_only_where_it_failed():
    """At I_app = 0 the leak-only cell with g_L = 0 keeps its potential; at -1e4 uA/cm^2 it
    fails (V runs away). Only that column starts afresh after the failure."""
    ds = bp.hysteresis("hh1952", "g_L", [0.0, 1.0e4], grid={"I_app": [-1.0e4, 0.0]},
                       t_end=5.0, warmup=1.0, params={"g_Na": 0.0, "g_K": 0.0, "C_m": 1e-3},
                       initial={"V": -60.0}, metrics=["mean_V"], progress=False)
    st = ds["status"].transpose("I_app", "direction", "g_L").values
    warm = ds["warm_start"].transpose("I_app", "direction", "g_L").values
    assert st[0].tolist() == [[1, 0], [1, 0]] and st[1].tolist() == [[0, 0], [0, 0]]
    assert warm[0].tolist() == [[False, False], [True, True]]
    assert warm[1].tolist() == [[False, True], [True, True]]
    # at I_app = 0 and g_L = 0 nothing moves V: the first run keeps the initial -60 mV, the
    # last (warm, after g_L = 1e4 mS/cm^2 has brought V to E_L) keeps E_L
    E_L = bp.model("hh1952").parameter("E_L").value
    assert ds["mean_V"].sel(I_app=0.0, g_L=0.0).values.tolist() == [-60.0, pytest.approx(E_L)]


def test_retried_runs_are_marked():
    """A retried step is marked per run and counted."""
    ds = bp.hysteresis("hh1952", "g_L", [0.0, 1.0e4], t_end=5.0, warmup=1.0,
                       params={"g_Na": 0.0, "g_K": 0.0, "C_m": 1e-3, "I_app": -1.0e4},
                       metrics=["mean_V"], retry={"method": "rosenbrock"}, progress=False)
    # g_L = 0 has no bounded solution: retried and still failed on both passes
    assert ds["retried"].values.tolist() == [[True, False], [True, False]]
    assert (ds.attrs["retried_points"], ds.attrs["recovered_points"]) == (2, 0)
    assert json.loads(ds.attrs["retry"])["method"] == "rosenbrock"


def test_named_errors_of_hysteresis_and_differs():
    kw = dict(t_end=10.0, warmup=0.0, progress=False)
    with pytest.raises(ValueError, match=r"hysteresis values of 'C_m' = -1.0 uF/cm\^2 is "
                                         r"outside its valid range"):
        bp.hysteresis("hh1952", "C_m", [-1.0, 1.0], **kw)
    with pytest.raises(ValueError, match="dry_run= is not available in hysteresis()"):
        bp.hysteresis("hh1952", "I_app", [0.0, 1.0], dry_run=True, **kw)
    h = bp.hysteresis("hh1952", "I_app", [0.0, 1.0], metrics=("mean_V",), **kw)
    with pytest.raises(ValueError, match=r"no metric 'nope' in this hysteresis result; "
                                         r"metrics: mean_V$"):
        differs(h, "nope")


def test_retry_none_and_a_grid_that_is_not_a_mapping():
    """``retry=None`` is no retry (it crashed after the first step, looking for ``retried``);
    a ``grid`` that is not a mapping is a named error, not a dict-update TypeError."""
    ds = bp.hysteresis("hh1952", "I_app", [0.0, 10.0], t_end=20.0, warmup=0.0, metrics=["mean_V"],
                       retry=None, progress=False)
    assert "retried" not in ds and "retried_points" not in ds.attrs
    for grid in ([1.0, 2.0], "temperature"):
        with pytest.raises(ValueError, match=r"grid = .* must be a mapping \{name: values\}"):
            bp.hysteresis("hh1952", "I_app", [0.0, 10.0], t_end=20.0, warmup=0.0, grid=grid)


def test_a_bath_field_at_one_of_the_steps_is_the_base_point():
    """A Solution that sets the stepped condition to one of the steps runs as a sweep over the
    steps would (the field is the base point, not a conflict): the same results as a Solution
    without it. One that sets it to a value off the steps is refused before any run."""
    kw = dict(t_end=3000.0, warmup=1000.0, metrics=["mean_V", "spike_rate"], progress=False)
    steps = [4.0, 6.0, 8.0]
    given = bp.hysteresis("zg_cell", "K_o", steps, conditions=bp.Solution(K_o=6.0, Mg_o=0.5),
                          **kw)
    left_out = bp.hysteresis("zg_cell", "K_o", steps, conditions=bp.Solution(Mg_o=0.5), **kw)
    for name in ("mean_V", "spike_rate"):
        assert given[name].identical(left_out[name])
    with pytest.raises(ValueError, match=r"the Solution sets K_o = 5 mM, which is not among"):
        bp.hysteresis("zg_cell", "K_o", steps, conditions=bp.Solution(K_o=5.0), **kw)


def test_the_warm_up_after_each_step_must_be_given():
    """Every run starts from the state the step left; with a default of 0 ms a metric counted
    the transient after the step (zg_cell settling at 8 mM K_o fired a few spikes on the way
    up, 'irregular', and differs() reported bistability where there is none)."""
    with pytest.raises(TypeError, match="warmup"):
        bp.hysteresis("hh1952", "I_app", [0.0, 1.0], t_end=1.0, progress=False)


def test_a_lagging_metric_is_refused_by_differs_unless_the_warm_up_covers_its_lag():
    """zg_cell's aldosterone_rate follows a running average of Ca2+ (tau_avg, 2 min): in a
    continuation each step's value still carries the step before, so the passes differ by
    their history. At 6.5-6.75 mM K_o both passes oscillate with the same mean Ca2+ (the cell
    is not bistable there) while aldosterone_rate differed by 40-60% (session-41 review)."""
    kw = dict(t_end=20_000.0, warmup=10_000.0, metrics=["mean_Ca_i", "aldosterone_rate"],
              progress=False)
    with pytest.warns(UserWarning, match="hysteresis: metric aldosterone_rate reads .* "
                                         "previous step's deviation") as rec:
        h = bp.hysteresis("zg_cell", "K_o", [6.5, 6.75], **kw)
    assert not any("initial state's deviation" in str(w.message) for w in rec)  # said once
    assert not differs(h, "mean_Ca_i", rtol=0.01).any()
    up, down = (h["aldosterone_rate"].sel(direction=d) for d in ("up", "down"))
    assert (abs(up / down - 1.0) > 0.05).all()  # history, not state (8-23% in 20 s runs)
    with pytest.raises(ValueError, match=r"differs\('aldosterone_rate'\): .*tau_avg = 120000"):
        differs(h, "aldosterone_rate", rtol=0.05)
    # a running average short against the warm-up follows the state: accepted, and agrees
    fast = bp.hysteresis("zg_cell", "K_o", [6.5, 6.75], params={"tau_avg": 1000.0}, **kw)
    assert "unsettled_lag" not in fast["aldosterone_rate"].attrs
    assert not differs(fast, "aldosterone_rate", rtol=0.02).any()


def test_a_dimensionless_stepped_axis_reads_dimensionless():
    """chay_keizer_1983's f_Ca is dimensionless: the message says so, not "(1)"."""
    with pytest.raises(ValueError, match=r"'f_Ca' \(dimensionless\) must be ascending"):
        bp.hysteresis("chay_keizer_1983", "f_Ca", [0.005, 0.004], t_end=10.0, warmup=0.0)
