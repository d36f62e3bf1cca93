"""Per-point initial states of a sweep: ``sweep(initial=<earlier result>)`` and per-point arrays.

A continued sweep must equal one long sweep bit for bit (the same steps and arithmetic from the
same states), every point must start from its own state (checked against one-point sweeps with
a shared initial state), and the inputs that cannot be right are named errors.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

import biophys as bp

GRID = {"I_app": [0.0, 4.0, 8.0, 12.0], "temperature": [6.3, 18.5]}
KW = dict(grid=GRID, metrics=["mean_V", "spike_rate", "regime"], progress=False)
STATES = bp.model("hh1952").state_names


@pytest.fixture(scope="module")
def first():
    return bp.sweep("hh1952", t_end=30.0, final_state=True, **KW)


def test_a_continued_sweep_equals_one_long_sweep(first):
    long = bp.sweep("hh1952", t_end=60.0, final_state=True, **KW)
    rest = bp.sweep("hh1952", t_end=30.0, final_state=True, initial=first, **KW)
    for s in STATES:
        np.testing.assert_array_equal(rest[f"final_{s}"].values, long[f"final_{s}"].values)
    assert rest["warm_start"].values.all()
    assert rest["warm_start"].dims == ("I_app", "temperature")
    rec = json.loads(rest.attrs["initial_per_point"])
    assert rec["states"] == list(STATES) and rec["points_warm"] == 8
    assert first.attrs["settings_hash"] in rec["source"]
    assert first.attrs["initial_per_point"] == "none"


def test_each_point_starts_from_its_own_state(first):
    """Point by point, the per-point sweep equals a one-point sweep started from that point's
    state with the shared initial= mapping."""
    rest = bp.sweep("hh1952", t_end=30.0, initial=first, chunk_size=3, **KW)
    for i in GRID["I_app"]:
        for T in GRID["temperature"]:
            y = {s: float(first[f"final_{s}"].sel(I_app=i, temperature=T)) for s in STATES}
            one = bp.sweep("hh1952", points={"I_app": [i], "temperature": [T]}, t_end=30.0,
                           initial=y, metrics=KW["metrics"], progress=False)
            for name in KW["metrics"]:
                assert one[name].values[0] == rest[name].sel(I_app=i, temperature=T).item()


def test_per_point_arrays_and_nan_entries():
    """An array per state (the grid's shape); NaN entries take the shared value and the point is
    not a warm start. Traces start from the per-point values."""
    V = np.array([[-70.0, -60.0], [np.nan, -50.0], [-65.0, -65.0], [-40.0, -80.0]])
    res = bp.sweep("hh1952", t_end=5.0, initial={"V": V, "n": 0.4}, traces=[0, 2, 7],
                   record=["V", "n"], record_every=0.01, **KW)
    np.testing.assert_array_equal(res["warm_start"].values, np.isfinite(V))
    starts = res["trace_V"].values[:, 0]
    assert starts.tolist() == [-70.0, bp.model("hh1952").default_states()[0], -80.0]
    assert res["trace_n"].values[:, 0].tolist() == [0.4, 0.4, 0.4]
    assert json.loads(res.attrs["changed_initial"]) == {"n": 0.4}
    assert json.loads(res.attrs["initial_per_point"])["points_not_warm"] == 1


def test_points_design_and_a_failed_point():
    """A points sweep continues a points sweep; a point that failed before starts afresh."""
    pts = {"g_L": [0.0, 0.3], "I_app": [-1.0e4, 0.0]}
    kw = dict(points=pts, params={"g_Na": 0.0, "g_K": 0.0, "C_m": 1e-3}, metrics=["mean_V"],
              progress=False)
    a = bp.sweep("hh1952", t_end=5.0, final_state=True, **kw)
    assert a["status"].values.tolist() == [1, 0]  # g_L = 0 with -1e4 uA/cm^2: V runs away
    b = bp.sweep("hh1952", t_end=5.0, initial=a, **kw)
    assert b["warm_start"].values.tolist() == [False, True]
    assert b["warm_start"].dims == ("point",)


def test_per_point_states_enter_the_checkpoint_key(first, tmp_path):
    ck = tmp_path / "ck"
    a = bp.sweep("hh1952", t_end=30.0, initial=first, checkpoint=ck, **KW)
    calls: list = []
    again = bp.sweep("hh1952", t_end=30.0, initial=first, checkpoint=ck,
                     callback=lambda *c: calls.append(c), **KW)
    assert calls == []  # resumed: nothing recomputed
    np.testing.assert_array_equal(a["mean_V"].values, again["mean_V"].values)
    other = first.copy(deep=True)
    other["final_V"][0, 0] = -70.0
    with pytest.raises(ValueError, match="settings"):
        bp.sweep("hh1952", t_end=30.0, initial=other, checkpoint=ck, **KW)


@pytest.mark.parametrize("initial, match", [
    ({"V": np.zeros(3)}, r"initial state 'V': per-point values need the sweep's shape \(4, 2\)"),
    ({"V": np.full((4, 2), -500.0)}, r"initial state 'V' = -500.0 mV \(at point 0\) is outside"),
    ({"n": np.full((4, 2), np.inf)}, r"initial state 'n' = inf .* is outside its valid range"),
    ({"X": 1.0}, "no state 'X'"),
    ({"V": [["a"] * 2] * 4}, "must be a real number or an array of real numbers"),
    ("warm", "initial must be a mapping"),
])
def test_bad_initial_is_named(initial, match):
    with pytest.raises(ValueError, match=match):
        bp.sweep("hh1952", t_end=1.0, initial=initial, **KW)


def test_a_dimensionless_state_is_named_without_doubled_parentheses():
    """The three messages of a bad value (not a number, per-point values that are not numbers,
    a value out of range) come from one builder: the unit "1" reads "(dimensionless)" once,
    beside the valid range."""
    m = bp.model("hh1952")
    texts = []
    for bad in ({"m": "abc"}, {"m": [["a"] * 2] * 4}, {"m": np.full((4, 2), 2.0)}):
        with pytest.raises(ValueError) as err:
            bp.sweep("hh1952", t_end=1.0, initial=bad, **KW)
        texts.append(str(err.value))
    with pytest.raises(ValueError) as err:
        m.states[m.state_index("m")].validate("abc", "initial state")
    texts.append(str(err.value))
    for text in texts:
        assert "((" not in text and "))" not in text, text
    assert texts[0].startswith("initial state 'm' must be a real number (not a bool, string or "
                               "array), in [0, 1] (dimensionless)")
    assert texts[1].startswith("initial state 'm' must be a real number or an array of real "
                               "numbers (not bools, strings, complex numbers or None); NaN: no "
                               "value for that point, in [0, 1] (dimensionless)")
    assert texts[2].startswith("initial state 'm' = 2.0 (dimensionless) (at point 0) is "
                               "outside its valid range: it must be in [0, 1] (dimensionless)")
    assert texts[3] == texts[0]  # validate itself


def test_an_earlier_result_must_match_the_points(first):
    with pytest.raises(ValueError, match="final_state=True"):
        bp.sweep("hh1952", t_end=1.0, initial=first.drop_vars("final_m"), **KW)
    with pytest.raises(ValueError, match="initial= is labelled at other values of 'I_app'"):
        bp.sweep("hh1952", t_end=1.0, initial=first,
                 **{**KW, "grid": {"I_app": [0.0, 4.0, 8.0, 13.0], "temperature": [6.3, 18.5]}})
    with pytest.raises(ValueError, match=r"initial= is over \('I_app', 'temperature'\), this "
                                         r"sweep is over \('temperature', 'I_app'\)"):
        bp.sweep("hh1952", t_end=1.0, initial=first,
                 **{**KW, "grid": {"temperature": [6.3, 18.5], "I_app": GRID["I_app"]}})
    with pytest.raises(ValueError, match=r"initial state 'V' is over \('temperature', 'I_app'\)"):
        bp.sweep("hh1952", t_end=1.0, initial={"V": first["final_V"].T}, **KW)
    with pytest.raises(ValueError, match="of model 'hh1952', not 'chay_keizer_1983'"):
        bp.sweep("chay_keizer_1983", t_end=1.0, initial=first, grid={"g_KCa": [1.0]},
                 progress=False)


def test_labelled_arrays_must_match_the_sweeps_coordinates(first):
    """A DataArray is taken by its labels: coordinates in another order or at other values are
    refused (positionally they would land on the wrong points); a 0-d one is a shared value."""
    V = first["final_V"]
    ok = bp.sweep("hh1952", t_end=1.0, initial={"V": V}, **KW)
    assert ok["warm_start"].values.all()
    with pytest.raises(ValueError, match="labelled at other values of 'I_app'"):
        bp.sweep("hh1952", t_end=1.0, initial={"V": V.isel(I_app=slice(None, None, -1))},
                 **KW)
    with pytest.raises(ValueError, match="labelled at other values of 'temperature'"):
        bp.sweep("hh1952", t_end=1.0,
                 initial={"V": V.assign_coords(temperature=[6.3, 20.0])}, **KW)
    shared = bp.sweep("hh1952", t_end=1.0, initial={"V": V[0, 0]}, **KW)
    assert "warm_start" not in shared
    assert json.loads(shared.attrs["changed_initial"]) == {"V": float(V[0, 0])}


def test_a_dry_run_result_is_not_a_warm_start():
    dry = bp.sweep("hh1952", t_end=30.0, final_state=True, dry_run=True, **KW)
    with pytest.raises(ValueError, match="dry run"):
        bp.sweep("hh1952", t_end=30.0, initial=dry, **KW)


def test_dry_run_checks_and_labels_per_point_states(first):
    dry = bp.sweep("hh1952", t_end=30.0, initial=first, dry_run=True, **KW)
    assert dry["warm_start"].values.all() and dry.attrs["dry_run"] == 1
