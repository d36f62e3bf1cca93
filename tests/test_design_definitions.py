"""How a sweep's grid or points become per-point values, labels and initial states.

Every expected value here is worked out by hand from the definitions (C order over the grid
axes, last axis fastest; equimolar Na+ substitution ``Na_o = 140 - (K_o - 5.4)`` mM from the
standard bath); nothing is simulated (dry runs and the design's own functions).
"""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest

import biophys as bp
from biophys import _bath
from biophys._design import Mapper, make_design, resolve_traces
from biophys._initial import check_shared, record, resolve_initial

HH = bp.model("hh1952")
GRID = {"I_app": [0.0, 5.0, 10.0], "temperature": [6.3, 20.0]}
DRY = dict(t_end=1.0, metrics=["mean_V"], progress=False, dry_run=True)


def test_grid_points_in_c_order_last_axis_fastest():
    d = make_design(HH, GRID, None)
    assert d.shape == (3, 2) and d.n_points == 6 and d.dims == ("I_app", "temperature")
    want = [(0.0, 6.3), (0.0, 20.0), (5.0, 6.3), (5.0, 20.0), (10.0, 6.3), (10.0, 20.0)]
    for k, (i, t) in enumerate(want):
        assert d.point_values(k) == {"I_app": i, "temperature": t}
    np.testing.assert_array_equal(d.values(2, 5), [[5.0, 5.0, 10.0], [6.3, 20.0, 6.3]])


def test_points_result_is_labelled_by_point_index_and_columns():
    ds = bp.sweep("hh1952", points={"I_app": [3.0, 1.0, 2.0], "g_K": [30.0, 30.0, 40.0]}, **DRY)
    assert ds["mean_V"].dims == ("point",)
    assert ds["point"].values.tolist() == [0, 1, 2]
    assert ds["point"].attrs == {"long_name": "point index"}
    assert ds["I_app"].values.tolist() == [3.0, 1.0, 2.0]
    assert ds["g_K"].values.tolist() == [30.0, 30.0, 40.0]
    assert ds["I_app"].attrs["units"] == "uA/cm^2" and ds["g_K"].attrs["units"] == "mS/cm^2"


def test_traces_by_index_and_by_values():
    d = make_design(HH, GRID, None)
    # (10, 6.3) is row 2, column 0 of the (3, 2) grid: 2 * 2 + 0 = 4; (0, 20) is 0 * 2 + 1
    assert resolve_traces(d, [{"I_app": 10.0, "temperature": 6.3},
                              {"I_app": 0.0, "temperature": 20.0}, 5], HH) == [4, 1, 5]
    with pytest.raises(ValueError, match=r"trace point index 6 is outside \[0, 6\)"):
        resolve_traces(d, [6], HH)
    with pytest.raises(ValueError, match="giving every swept name"):
        resolve_traces(d, [{"I_app": 0.0, "temperature": 6.3, "g_K": 36.0}], HH)
    p = make_design(HH, None, {"I_app": [0.0, 5.0, 0.0], "g_K": [36.0, 36.0, 20.0]})
    assert resolve_traces(p, {"I_app": 0.0, "g_K": 20.0}, HH) == [2]


@pytest.mark.parametrize("grid, match", [
    ({"I_app": [[0.0, 1.0], [2.0, 3.0]]}, "grid axis 'I_app' must be one-dimensional"),
    ({"I_app": []}, r"grid axis 'I_app' is empty: give at least one value in uA/cm\^2"),
    ({"I_app": [0.0, np.nan]}, r"non-finite values \(nan at index 1\).* in uA/cm\^2"),
    ({"I_app": [1.0, 2.0, 1.0]}, "grid axis 'I_app' repeats the value"),
])
def test_bad_grid_axes_are_named(grid, match):
    with pytest.raises(ValueError, match=match):
        make_design(HH, grid, None)


def test_bad_points_are_named():
    with pytest.raises(ValueError, match="points columns must have equal lengths, got I_app: 2, "
                                         "g_K: 3"):
        make_design(HH, None, {"I_app": [0.0, 1.0], "g_K": [1.0, 2.0, 3.0]})
    with pytest.raises(ValueError, match=r"points column 'g_K' = -1.0 mS/cm\^2 is outside"):
        make_design(HH, None, {"g_K": [36.0, -1.0]})


def test_points_from_a_dataset_and_a_structured_array():
    import xarray as xr

    ds = xr.Dataset({"I_app": ("row", [1.0, 2.0]), "g_K": ("row", [30.0, 40.0])},
                    coords={"row": [7, 8]})
    rec = np.array([(1.0, 30.0), (2.0, 40.0)], dtype=[("I_app", "f8"), ("g_K", "f8")])
    for table in (ds, rec):
        d = make_design(HH, None, table)
        assert d.names == ("I_app", "g_K")
        assert [a.tolist() for a in d.axes] == [[1.0, 2.0], [30.0, 40.0]]


@pytest.fixture(scope="module")
def zg():
    m = bp.model("zg_cell")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _, sol, _, _ = _bath.overrides(m, bp.Solution.standard(substitution="equimolar_Na"),
                                       None)
    return m, sol


def _rows(mapper, n):
    return [dict(zip(mapper.names, col, strict=True)) for col in mapper.values(0, n).T]


def test_substitution_follows_each_grid_point(zg):
    m, sol = zg
    d = make_design(m, {"C_m": [1.0, 2.0], "temperature": [30.0, 37.0],
                        "K_o": [5.4, 10.0, 20.0]}, None, sol)
    rows = _rows(Mapper(m, d, sol), d.n_points)
    k = 0
    for c in (1.0, 2.0):
        for t in (30.0, 37.0):
            for ko, na in ((5.4, 140.0), (10.0, 135.4), (20.0, 125.4)):
                assert rows[k]["C_m"] == c and rows[k]["temperature"] == t
                assert rows[k]["K_o"] == ko and rows[k]["Na_o"] == pytest.approx(na, abs=1e-12)
                k += 1


def test_substitution_follows_each_table_row(zg):
    m, sol = zg
    d = make_design(m, None, {"K_o": [20.0, 5.4, 10.0, 20.0]}, sol)
    rows = _rows(Mapper(m, d, sol), 4)
    np.testing.assert_allclose([r["Na_o"] for r in rows], [125.4, 140.0, 135.4, 125.4],
                               rtol=0, atol=1e-12)


def test_a_one_value_axis_is_varied_and_its_derived_field_a_constant(zg):
    m, sol = zg
    mp = Mapper(m, make_design(m, {"K_o": [10.0]}, None, sol), sol)
    assert mp.names == ("K_o",)
    # the bath's other fields are the same at every point too: constants, as is Na_o
    assert "K_o" not in mp.constants
    assert mp.constants["Na_o"] == pytest.approx(135.4, abs=1e-12)
    assert mp.constants["temperature"] == 37.0


def test_points_initial_states_per_row():
    d = make_design(HH, None, {"I_app": [0.0, 5.0, 10.0]})
    init = resolve_initial(HH, d, {"V": [-70.0, np.nan, -60.0]})
    assert init.rows == (0,)
    assert init.table.tolist() == [[-70.0, HH.default_states()[0], -60.0]]
    assert init.warm.tolist() == [True, False, True]
    assert json.loads(record(HH, init))["points_warm"] == 2


def test_per_point_states_need_the_grid_shape_not_its_transpose():
    d = make_design(HH, GRID, None)
    with pytest.raises(ValueError, match=r"need the sweep's shape \(3, 2\), got \(2, 3\)"):
        resolve_initial(HH, d, {"V": np.full((2, 3), -65.0)})


def test_an_earlier_result_without_an_axis_coordinate_is_refused():
    import xarray as xr

    d = make_design(HH, GRID, None)
    ds = xr.Dataset({f"final_{s}": (("I_app", "temperature"), np.full((3, 2), v))
                     for s, v in zip(HH.state_names, HH.default_states(), strict=True)},
                    coords={"I_app": GRID["I_app"]}, attrs={"model": "hh1952"})
    with pytest.raises(ValueError, match="labelled at other values of 'temperature'"):
        resolve_initial(HH, d, ds)


def test_shared_initial_refuses_per_point_values():
    check_shared({"V": -65.0}, "hysteresis")
    with pytest.raises(ValueError, match="initial= of hysteresis is one state"):
        check_shared({"V": np.full(2, -65.0)}, "hysteresis")


def test_a_dimensionless_axis_reads_dimensionless_in_messages():
    """f_Ca of chay_keizer_1983 has the unit "1": messages say "(dimensionless)", as every
    other message of a dimensionless quantity does, not a bare "1" after the value."""
    m = bp.model("chay_keizer_1983")
    assert m.parameter("f_Ca").unit == "1"
    with pytest.raises(ValueError, match=r"^grid axis 'f_Ca' repeats the value\(s\) 0.004 "
                                         r"\(dimensionless\); give each value once$"):
        make_design(m, {"f_Ca": [0.004, 0.004]}, None)
    with pytest.raises(ValueError, match=r"^grid axis 'f_Ca' is empty: give at least one value "
                                         r"in \(dimensionless\)$"):
        make_design(m, {"f_Ca": []}, None)


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_a_swept_cytosol_field_is_labelled_with_its_unit():
    """beta_cell has no parameter Pi (its Pi_i is set by the Cytosol's Pi, inorganic
    phosphate in mM): the swept field's coordinate still carries the field's unit."""
    ds = bp.sweep("beta_cell", grid={"Pi": [0.5, 1.0]}, conditions=bp.Cytosol(Pi=1.0), **DRY)
    assert ds["Pi"].attrs["units"] == "mM"


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_a_cytosol_field_given_as_conditions_can_be_swept():
    """Pi of a Cytosol is a float field: a valid swept name, which sets beta_cell's Pi_i."""
    ds = bp.sweep("beta_cell", grid={"Pi": [0.5, 1.0]}, conditions=bp.Cytosol(Pi=1.0), **DRY)
    assert ds["Pi"].values.tolist() == [0.5, 1.0]
    assert "Pi_i" in json.loads(ds.attrs["varied_parameters"])


def test_a_trace_off_the_grid_names_the_axis_values_and_unit():
    d = make_design(HH, GRID, None)
    with pytest.raises(ValueError, match=r"trace I_app = 7.0 is not on the grid axis "
                                         r"\(0, 5, 10 uA/cm\^2\)"):
        resolve_traces(d, [{"I_app": 7.0, "temperature": 6.3}], HH)


def test_bath_warnings_of_a_sweep_are_capped_at_five_then_counted():
    from biophys._design import _replay_bath_warnings

    caught = [warnings.WarningMessage(UserWarning(f"bath {i % 7}"), UserWarning, "x", 1)
              for i in range(10)]  # 7 distinct messages, 3 of them twice
    with pytest.warns(UserWarning) as got:
        _replay_bath_warnings(caught, object(), HH)
    assert [str(w.message) for w in got] == [
        "sweep: bath 0", "sweep: bath 1", "sweep: bath 2", "sweep: bath 3", "sweep: bath 4",
        "sweep: 2 more warnings about the bath"]


def test_per_point_states_are_kept_in_the_models_state_order():
    """The same states given in another key order are the same initial states: the same rows
    (V is state 0, n state 3 of hh1952) and the same record (and so the same checkpoint key)."""
    d = make_design(HH, GRID, None)
    V, n = np.full((3, 2), -65.0), np.full((3, 2), 0.3)
    a = resolve_initial(HH, d, {"V": V, "n": n})
    b = resolve_initial(HH, d, {"n": n, "V": V})
    assert a.rows == b.rows == (0, 3)
    assert record(HH, a) == record(HH, b)
    assert json.loads(record(HH, b))["states"] == ["V", "n"]


def test_a_point_asked_for_twice_as_a_trace_is_refused():
    """Point 1 of a 3-point grid asked for by index and by value (I_app = 5): the trace
    coordinate would repeat it, so it is refused naming the point (it was accepted as
    ``[1, 1]``)."""
    with pytest.raises(ValueError, match=r"traces ask for point\(s\) 1 more than once"):
        bp.sweep("hh1952", grid={"I_app": [0.0, 5.0, 10.0]}, traces=[1, {"I_app": 5.0}], **DRY)
    with pytest.raises(ValueError, match=r"point\(s\) 0, 2 more than once"):
        bp.sweep("hh1952", points={"I_app": [0.0, 5.0, 10.0]}, traces=[2, 0, 0, 2], **DRY)
