"""bp.sweep's inputs: a table of points as an xarray Dataset (its coordinates) or a DataFrame
(its named index), the settling warning with per-point initial states, traces picked by value
or given as an array, record without traces, a dry run's variables, open_sweep with a bytes
path."""

import json
import warnings

import numpy as np
import pandas as pd
import pytest
import xarray as xr

import biophys as bp
from biophys._design import make_design, resolve_traces
from biophys.models import get_model

HH = get_model("hh1952")
DRY = dict(t_end=5.0, metrics=["mean_V"], progress=False, dry_run=True)


def _columns(ds) -> dict[str, list[float]]:
    """The swept names of a dry run over a table and their values, by point."""
    assert ds.attrs["sweep_design"] == "points"
    return {n: ds[n].values.tolist() for n in json.loads(ds.attrs["sweep_axes"])}


# ---- points= as an xarray Dataset: coordinates are columns ----------------------------------
def test_dataset_coordinate_is_a_swept_column_and_is_applied():
    design = xr.Dataset({"I_app": ("p", [10.0, 10.0])}, coords={"g_K": ("p", [36.0, 10.0])})
    table = {"I_app": [10.0, 10.0], "g_K": [36.0, 10.0]}
    kw = dict(t_end=20.0, metrics=["mean_V"], progress=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got = bp.sweep("hh1952", points=design, **kw)
        ref = bp.sweep("hh1952", points=table, **kw)
    assert sorted(json.loads(got.attrs["varied_parameters"])) == ["I_app", "g_K"]
    np.testing.assert_array_equal(got["g_K"].values, [36.0, 10.0])
    # g_K changes the cell: the two points differ, as in the same table given as a mapping
    assert got.mean_V.values[0] != got.mean_V.values[1]
    np.testing.assert_array_equal(got.mean_V.values, ref.mean_V.values)


def test_dataset_dimension_coordinate_is_a_swept_column_unless_positions():
    design = xr.Dataset({"g_K": ("I_app", [36.0, 10.0])}, coords={"I_app": [0.0, 10.0]})
    assert _columns(bp.sweep("hh1952", points=design, **DRY)) == {
        "I_app": [0.0, 10.0], "g_K": [36.0, 10.0]}
    # DataFrame.to_xarray() adds the row positions 0..n-1 as the coordinate "index": skipped
    design = pd.DataFrame({"I_app": [1.0, 2.0, 3.0], "g_K": [30.0, 31.0, 32.0]}).to_xarray()
    assert "index" in design.coords
    assert _columns(bp.sweep("hh1952", points=design, **DRY)) == {
        "I_app": [1.0, 2.0, 3.0], "g_K": [30.0, 31.0, 32.0]}


def test_dataset_stacked_grid_takes_its_levels():
    grid = xr.Dataset({"C_m": (("I_app", "g_K"), np.full((2, 2), 1.0))},
                      coords={"I_app": [1.0, 2.0], "g_K": [30.0, 36.0]})
    cols = _columns(bp.sweep("hh1952", points=grid.stack(row=("I_app", "g_K")), **DRY))
    assert cols == {"I_app": [1.0, 1.0, 2.0, 2.0], "g_K": [30.0, 36.0, 30.0, 36.0],
                    "C_m": [1.0, 1.0, 1.0, 1.0]}


def test_dataset_on_two_dimensions_is_refused():
    design = xr.Dataset({"I_app": ("a", [0.0, 10.0]), "g_K": ("b", [36.0, 10.0])})
    with pytest.raises(ValueError, match=r"dimensions 'a', 'b'.*one\s+dimension.*grid="):
        bp.sweep("hh1952", points=design, **DRY)


def test_dataset_coordinate_off_the_table_dimension_is_refused():
    design = xr.Dataset({"I_app": ("p", [0.0, 10.0])}, coords={"g_K": ("q", [36.0, 10.0])})
    with pytest.raises(ValueError, match="dimensions 'p', 'q'"):
        bp.sweep("hh1952", points=design, **DRY)


def test_dataset_scalar_coordinate_is_refused():
    design = xr.Dataset({"I_app": ("p", [0.0, 10.0])}, coords={"g_K": 36.0})
    with pytest.raises(ValueError, match=r"'g_K' of the xarray Dataset has dims \(\); .*1-D"):
        bp.sweep("hh1952", points=design, **DRY)


def test_dataset_misspelt_coordinate_is_refused_and_row_labels_skipped():
    design = xr.Dataset({"I_app": ("p", [0.0, 10.0])}, coords={"gK": ("p", [36.0, 10.0])})
    with pytest.raises(ValueError, match=r"coordinate 'gK' is not a swept name \(did you mean "
                                         r"'g_K'\?\).*holds floats"):
        bp.sweep("hh1952", points=design, **DRY)
    labels = design.drop_vars("gK").assign_coords(p=[7, 3], sample=("p", ["a", "b"]))
    assert _columns(bp.sweep("hh1952", points=labels, **DRY)) == {"I_app": [0.0, 10.0]}


# ---- points= as a DataFrame: a named index is a column --------------------------------------
def test_dataframe_named_index_is_a_swept_column():
    df = pd.DataFrame({"I_app": [1.0, 2.0, 3.0], "g_K": [30.0, 31.0, 32.0]})
    cols = _columns(bp.sweep("hh1952", points=df.set_index("I_app"), **DRY))
    assert cols == {"I_app": [1.0, 2.0, 3.0], "g_K": [30.0, 31.0, 32.0]}


def test_dataframe_named_label_index_is_skipped_and_a_misspelt_one_refused():
    df = pd.DataFrame({"I_app": [1.0, 2.0, 3.0]}, index=pd.Index([10, 5, 7], name="sample"))
    assert _columns(bp.sweep("hh1952", points=df, **DRY)) == {"I_app": [1.0, 2.0, 3.0]}
    df.index = pd.Index([30.0, 31.0, 32.0], name="gK")
    with pytest.raises(ValueError, match="the DataFrame's index 'gK' is not a swept name"):
        bp.sweep("hh1952", points=df, **DRY)


# ---- the settling warning ------------------------------------------------------------------
BETA = dict(grid={"K_o": [5.0, 8.0]}, t_end=1000.0, metrics=["mean_V", "insulin_rate"],
            progress=False, dry_run=True)


def _settling(**kw) -> list[str]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        bp.sweep("beta_cell", **BETA, **kw)
    return [str(w.message) for w in caught if "leaves beta_cell's initial state" in
            str(w.message)]


def _earlier_result(warm: list[bool]) -> xr.Dataset:
    """An earlier sweep's result of BETA's points with final states: the model's initial
    state, NaN (not finished) where ``warm`` is False."""
    m = get_model("beta_cell")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ds = bp.sweep("beta_cell", **BETA, final_state=True)
    del ds.attrs["dry_run"]
    for s, v in zip(m.state_names, m.state_vector(), strict=True):
        ds[f"final_{s}"].values[:] = np.where(warm, v, np.nan)
    return ds


def test_settling_warning_with_per_point_initial_values():
    assert len(_settling(initial={"V": [-70.0, -69.0]})) == 1
    assert len(_settling(initial={"V": -70.0})) == 1


def test_settling_warning_for_a_partly_warm_start_only():
    assert _settling(initial=_earlier_result([True, True])) == []
    (msg,) = _settling(initial=_earlier_result([True, False]))
    assert "at the 1 of 2 points" in msg


# ---- traces --------------------------------------------------------------------------------
def test_trace_by_value_prefers_the_exact_point():
    design = make_design(HH, {"I_app": [1.0, 1.0 + 1e-12, 2.0]}, None)
    assert resolve_traces(design, [{"I_app": 1.0 + 1e-12}], HH) == [1]
    assert resolve_traces(design, [{"I_app": 1.0}, {"I_app": 1.0 + 1e-12}], HH) == [0, 1]
    # no exact value: the nearest within the tolerance
    assert resolve_traces(design, [{"I_app": 2.0 + 1e-12}], HH) == [2]
    assert resolve_traces(design, [{"I_app": 1.0 + 0.9e-12}], HH) == [1]
    table = make_design(HH, None, {"I_app": [1.0, 1.0 + 1e-12], "g_K": [30.0, 30.0]})
    assert resolve_traces(table, [{"I_app": 1.0 + 1e-12, "g_K": 30.0}], HH) == [1]


def test_traces_as_an_integer_array():
    design = make_design(HH, {"I_app": [1.0, 2.0, 3.0]}, None)
    assert resolve_traces(design, np.array([2, 0]), HH) == [2, 0]
    for bad in (np.array([0.0, 1.0]), np.array([True, False]), np.array([[0, 1]])):
        with pytest.raises(ValueError, match="1-D point indices"):
            resolve_traces(design, bad, HH)


@pytest.mark.parametrize("key, value", [("record", ["nope"]), ("record_every", 1.0)])
def test_record_with_empty_traces_is_refused(key, value):
    with pytest.raises(ValueError, match=f"{key} = .* without traces="):
        bp.sweep("hh1952", grid={"I_app": [1.0, 2.0]}, traces=[], **{key: value}, **DRY)


# ---- a dry run's variables -----------------------------------------------------------------
def test_dry_run_with_retry_has_retried():
    kw = dict(grid={"I_app": [1.0, 2.0]}, retry={"method": "rl1"}, traces=[0],
              t_end=5.0, metrics=["mean_V"], progress=False)
    dry = bp.sweep("hh1952", dry_run=True, **kw)
    real = bp.sweep("hh1952", **kw)
    np.testing.assert_array_equal(dry["retried"].values, [False, False])
    # what a dry run leaves out: the traces only (as its docstring says)
    assert set(real.data_vars) - set(dry.data_vars) == {"trace_V"}


# ---- open_sweep ----------------------------------------------------------------------------
def test_open_sweep_takes_a_bytes_path(tmp_path):
    ds = bp.sweep("hh1952", grid={"I_app": [1.0, 2.0]}, **DRY)
    path = tmp_path / "r.nc"
    ds.to_netcdf(path)
    got = bp.open_sweep(bytes(path))
    np.testing.assert_array_equal(got["I_app"].values, [1.0, 2.0])
    with pytest.raises(FileNotFoundError):
        bp.open_sweep(bytes(tmp_path / "missing.nc"))


def test_open_sweep_takes_a_file_opened_from_a_path_and_refuses_a_buffer(tmp_path):
    """The netCDF4 file to_netcdf writes cannot be read from a file object without h5netcdf
    (not a dependency): a file opened from a path is read by its name, an in-memory buffer is
    refused with what to do (both raised xarray's engine error)."""
    import io

    ds = bp.sweep("hh1952", grid={"I_app": [1.0, 2.0]}, **DRY)
    path = tmp_path / "r.nc"
    ds.to_netcdf(path)
    with open(path, "rb") as f:
        got = bp.open_sweep(f)
    assert got.identical(bp.open_sweep(path))
    with pytest.raises(ValueError, match=r"without a path on disk.*give its path"):
        bp.open_sweep(io.BytesIO(path.read_bytes()))
