"""``biophys.sensitivity``: central differences in ln(parameter) of sweep readouts.

Checks: the plumbing against plain sweeps run at the perturbed values (bit for bit), a readout
proportional to a parameter (exact elasticity of the central difference), the Hodgkin-Huxley
resting potential against an independent steady-state solve (tests/hh_reference.py, no biophys
code), the regime flag at a bifurcation, and the input errors.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from scipy.optimize import brentq

import biophys as bp
from biophys.sensitivity import sensitivity

from . import hh_reference as ref

H = 0.01


#: the factors of the perturbed runs: ln p -+ h
DOWN, UP = math.exp(-H), math.exp(H)


def _q(h: float = H) -> float:
    """The distance in ln p between the two perturbed runs."""
    return 2.0 * h


def test_equals_plain_sweeps_at_the_perturbed_values():
    grid = {"I_app": [0.0, 2.0, 10.0], "g_Na": [110.0, 120.0]}
    kw = dict(t_end=60.0, warmup=20.0, metrics=["mean_V", "max_V"], progress=False)
    ds = sensitivity("hh1952", ["g_K", "g_Na"], grid=grid, **kw)
    base = bp.sweep("hh1952", grid=grid, **kw)
    for v in ("mean_V", "max_V", "status"):
        np.testing.assert_array_equal(ds[v].values, base[v].values)
    assert list(ds["I_app"].values) == grid["I_app"] and list(ds["g_Na"].values) == grid["g_Na"]
    assert ds["d_mean_V"].dims == ("parameter", "I_app", "g_Na")
    lo = bp.sweep("hh1952", grid=grid, params={"g_K": 36.0 * DOWN}, **kw)
    hi = bp.sweep("hh1952", grid=grid, params={"g_K": 36.0 * UP}, **kw)
    d = ds["d_max_V"].sel(parameter="g_K").values
    np.testing.assert_array_equal(d, (hi["max_V"].values - lo["max_V"].values) / _q())
    # a swept parameter is perturbed around each point's own value
    g_na = np.array(grid["g_Na"])
    for j, g in enumerate(g_na):
        lo = bp.sweep("hh1952", grid={"I_app": grid["I_app"]}, params={"g_Na": g * DOWN}, **kw)
        hi = bp.sweep("hh1952", grid={"I_app": grid["I_app"]}, params={"g_Na": g * UP}, **kw)
        np.testing.assert_array_equal(ds["d_mean_V"].sel(parameter="g_Na").values[:, j],
                                      (hi["mean_V"].values - lo["mean_V"].values) / _q())
    assert ds.attrs["n_points"] == 6 and ds.attrs["n_runs"] == 30
    assert json.loads(ds.attrs["sensitivity_parameters"]) == ["g_K", "g_Na"]
    assert ds["d_mean_V"].attrs["units"] == "mV" and ds["elasticity_mean_V"].attrs["units"] == "1"


@pytest.mark.filterwarnings("ignore:temperature = .* is outside the physiological range")
@pytest.mark.parametrize("celsius", [6.3, 0.0])
def test_a_temperature_is_perturbed_in_kelvin(celsius):
    """A relative step in degrees C has no physical meaning (and none at 0 C, which was
    refused): the runs are at (T + 273.15) e^+-h - 273.15, ln p reads ln T_K."""
    grid = {"I_app": [0.0, 10.0]}
    kw = dict(t_end=30.0, warmup=10.0, metrics=["mean_V"], progress=False)
    ds = sensitivity("hh1952", "temperature", grid=grid, params={"temperature": celsius}, **kw)
    t_k = celsius + 273.15
    lo = bp.sweep("hh1952", grid=grid, params={"temperature": t_k * DOWN - 273.15}, **kw)
    hi = bp.sweep("hh1952", grid=grid, params={"temperature": t_k * UP - 273.15}, **kw)
    np.testing.assert_array_equal(ds["d_mean_V"].sel(parameter="temperature").values,
                                  (hi["mean_V"].values - lo["mean_V"].values) / _q())
    assert list(ds["perturbed"].values) == ["ln(temperature + 273.15 K)"]
    assert ds["base_value"].values[0] == celsius


def test_readout_proportional_to_a_parameter():
    """zg_cell's aldosterone output is proportional to aldo_max and does not feed back on V:
    M = c p = c e^(ln p), so the central difference in ln p gives the elasticity
    (e^h - e^-h) / (2 h) = sinh(h) / h = 1 + h^2 / 6 + ... (exact elasticity 1)."""
    ds = sensitivity("zg_cell", "aldo_max", points={"K_o": [2.5, 4.0]}, t_end=200.0,
                     warmup=10.0, params={"tau_avg": 1.0},
                     metrics=["aldosterone_rate", "mean_V"], progress=False)
    el = ds["elasticity_aldosterone_rate"].sel(parameter="aldo_max").values
    np.testing.assert_allclose(el, math.sinh(H) / H, rtol=1e-12)
    assert np.all(ds["d_mean_V"].values == 0.0)
    assert ds["K_o"].dims == ("point",)


def _rest(g_L: float, i_app: float) -> float:
    """HH resting potential from the steady-state current (independent of biophys)."""
    def i_ss(v):
        _, m, h, n = ref.steady_state(v)
        return (ref.G_NA * m**3 * h * (v - ref.E_NA) + ref.G_K * n**4 * (v - ref.E_K)
                + g_L * (v - ref.E_L) - i_app)
    return brentq(i_ss, -80.0, -55.0, xtol=1e-13)


def test_hh_resting_potential_against_an_independent_solve():
    i_apps = [0.0, 1.0, 2.0]
    ds = sensitivity("hh1952", "g_L", grid={"I_app": i_apps}, t_end=600.0, warmup=500.0,
                     metrics=["mean_V"], progress=False)
    for i_app in i_apps:
        expect = (_rest(ref.G_L * UP, i_app) - _rest(ref.G_L * DOWN, i_app)) / _q()
        got = float(ds["d_mean_V"].sel(parameter="g_L", I_app=i_app))
        assert got == pytest.approx(expect, rel=1e-6)
        assert float(ds["mean_V"].sel(I_app=i_app)) == pytest.approx(_rest(ref.G_L, i_app),
                                                                     abs=1e-6)
    # more leak pulls V towards E_L = -54.4 mV
    assert float(ds["d_mean_V"].sel(parameter="g_L", I_app=0.0)) > 0


def test_regime_change_is_flagged():
    """hh1952 starts firing repetitively between 6.2 and 6.3 uA/cm^2 (in this window): a 5%
    step in I_app crosses it at 6.2, not at 2 or 12 uA/cm^2."""
    ds = sensitivity("hh1952", "I_app", points={"I_app": [2.0, 6.2, 12.0]}, t_end=300.0,
                     warmup=100.0, rel_step=0.05, metrics=["regime", "spike_rate"],
                     progress=False)
    assert ds["regime_changed"].sel(parameter="I_app").values.tolist() == [False, True, False]
    assert "d_regime" not in ds and "elasticity_regime" not in ds
    assert int(ds["status_perturbed"].max()) == 0


def test_any_coded_readout_is_flagged_not_differentiated():
    """A readout is coded by its CF flag attributes, not by its name: one that is not called
    ``regime`` gives ``<name>_changed`` too, and no derivative. (``regime`` is the only coded
    metric today, so the result of sensitivity() itself cannot show this.)"""
    import xarray as xr

    from biophys._design import make_design
    from biophys.sensitivity import _assemble

    m = bp.model("hh1952")
    design = make_design(m, {"I_app": [0.0, 5.0, 10.0]}, None)
    flags = {"units": "1", "flag_values": np.array([0.0, 1.0]), "flag_meanings": "low high"}
    # rows: the three base points, then g_K x e^-h and g_K x e^h
    res = xr.Dataset(
        {"pattern": ("point", [0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 0.0, 0.0, np.nan], flags),
         "mean_V": ("point", np.linspace(-65.0, -57.0, 9), {"units": "mV"})},
        coords={"I_app": ("point", np.tile([0.0, 5.0, 10.0], 3), {"units": "uA/cm^2"})})
    ds = _assemble(res, ["g_K"], design, H)
    assert "d_pattern" not in ds and "elasticity_pattern" not in ds
    assert ds["pattern_changed"].values.tolist() == [[False, True, False]]  # NaN: a run that failed
    assert ds["pattern_changed"].attrs["long_name"].endswith("(low, high)")
    assert "d_mean_V" in ds and "mean_V_changed" not in ds


def test_a_solution_condition_is_perturbed_through_its_rule():
    sol = bp.Solution(substitution="equimolar_Na")
    kw = dict(t_end=50.0, metrics=["mean_V"], conditions=sol, progress=False)
    with pytest.raises(ValueError, match="'K_o' is set by the Solution"):
        sensitivity("beta_cell", "K_o", grid={"Mg_o": [1.0]}, **kw)
    ds = sensitivity("beta_cell", "K_o", grid={"K_o": [5.4, 8.0]}, **kw)
    lo = bp.sweep("beta_cell", grid={"K_o": [5.4 * DOWN, 8.0 * DOWN]}, **kw)
    hi = bp.sweep("beta_cell", grid={"K_o": [5.4 * UP, 8.0 * UP]}, **kw)
    np.testing.assert_array_equal(ds["d_mean_V"].sel(parameter="K_o").values,
                                  (hi["mean_V"].values - lo["mean_V"].values) / _q())
    assert "equimolar" in ds.attrs["substitution_rule"]


def test_failed_runs_do_not_count_as_a_regime_change():
    """A point whose runs blow up (no conductances, a huge current) has NaN readouts: its
    regime has not changed, its status says why (the other point, 1e-3 uA/cm^2 on 1e-3
    uF/cm^2, moves V by 5 mV in 5 ms; 1 uA/cm^2 ended at 5 V, now status 4)."""
    ds = sensitivity("hh1952", "I_app", points={"I_app": [-9.0e3, 1.0e-3]}, t_end=5.0,
                     params={"g_Na": 0.0, "g_K": 0.0, "g_L": 0.0, "C_m": 1e-3},
                     metrics=["regime"], progress=False)
    assert ds["status"].values.tolist() == [1, 0]
    assert ds["regime_changed"].values.tolist() == [[False, False]]
    dry = sensitivity("hh1952", "g_K", grid={"I_app": [0.0]}, t_end=5.0, metrics=["regime"],
                      dry_run=True, progress=False)
    assert not dry["regime_changed"].any()


def test_retry_flags_are_carried_and_per_point_states_refused():
    """retry= marks retried runs (base, and either perturbed run) instead of differencing the
    flag; per-point initial states have no meaning for the perturbed runs and are refused."""
    ds = sensitivity("hh1952", "I_app", points={"I_app": [-9.0e3, 1.0e-3]}, t_end=5.0,
                     params={"g_Na": 0.0, "g_K": 0.0, "g_L": 0.0, "C_m": 1e-3},
                     metrics=["mean_V"], retry={"method": "rosenbrock"}, progress=False)
    assert ds["retried"].values.tolist() == [True, False]
    assert ds["retried_perturbed"].values.tolist() == [[True, False]]
    assert "d_retried" not in ds
    with pytest.raises(ValueError, match="initial= of sensitivity"):
        sensitivity("hh1952", "g_K", grid={"I_app": [0.0, 1.0]}, t_end=5.0,
                    initial={"V": np.array([-65.0, -60.0])}, progress=False)


def test_the_base_value_of_a_fixed_parameter_is_recorded(tmp_path):
    ds = sensitivity("hh1952", ["g_K", "I_app"], grid={"I_app": [1.0, 2.0]}, t_end=5.0,
                     params={"g_K": 30.0, "g_Na": 100.0}, metrics=["mean_V"], progress=False)
    assert ds["base_value"].sel(parameter="g_K") == 30.0
    assert np.isnan(ds["base_value"].sel(parameter="I_app"))  # swept: see its axis
    assert ds["parameter_unit"].sel(parameter="g_K") == "mS/cm^2"
    assert json.loads(ds.attrs["changed_parameters"]) == {"g_Na": 100.0, "g_K": 30.0}
    assert "g_K" not in json.loads(ds.attrs["varied_parameters"])
    ds = sensitivity("beta_cell", "K_o", grid={"Mg_o": [1.0]}, conditions={"K_o": 8.0},
                     t_end=5.0, metrics=["mean_V"], progress=False)
    assert json.loads(ds.attrs["conditions"])["K_o"] == 8.0
    ds.to_netcdf(tmp_path / "s.nc")
    back = bp.open_sweep(tmp_path / "s.nc")
    assert float(back["base_value"].sel(parameter="K_o")) == 8.0


@pytest.mark.parametrize("kwargs, match", [
    (dict(parameters="g_X"), "has no parameter 'g_X'"),
    (dict(parameters=["g_K", "g_K"]), "lists a name twice"),
    (dict(parameters=[]), "at least one parameter"),
    (dict(parameters="g_K", rel_step=0.0), r"rel_step = 0.0 \(dimensionless\) must be in"),
    (dict(parameters="g_K", rel_step=0.7), "rel_step"),
    (dict(parameters="g_K", rel_step=True), "rel_step"),
    (dict(parameters="I_app"), r"'I_app' = 0 uA/cm\^2 at 1 point"),
    (dict(parameters="g_K", params={"g_K": 0.0}), "'g_K' = 0 mS/cm"),
    (dict(parameters="g_K", traces=[0]), "traces= is not available"),
    (dict(parameters="g_K", params={"temperature": 10.0}, conditions={"temperature": 6.3}),
     "'temperature' is given in both params and conditions"),
    (dict(parameters="g_K", params={"g_K": 30.0}, conditions={"g_K": 20.0}),
     "'g_K' is not a condition of model 'hh1952'"),
    (dict(parameters="I_app", params={"I_app": -1.0e4}),
     r"perturbed value \(x exp\(\+- rel_step\)\) of 'I_app' = -10100.5"),
])
def test_bad_input_names_the_parameter(kwargs, match):
    with pytest.raises(ValueError, match=match):
        sensitivity("hh1952", grid={"g_L": [0.3]}, t_end=1.0, progress=False, **kwargs)


@pytest.mark.parametrize("grid, match", [
    ({"g_L": [[0.3, 0.4]]}, "g_L"),
    ({"g_L": ["a"]}, "g_L"),
])
def test_grid_is_checked_as_a_sweep_checks_it(grid, match):
    with pytest.raises(ValueError, match=match):
        sensitivity("hh1952", "g_K", grid=grid, t_end=1.0, progress=False)


def test_a_perturbation_outside_the_parameter_range_is_refused():
    with pytest.raises(ValueError, match="g_L"):
        sensitivity("hh1952", "g_L", grid={"I_app": [0.0]}, params={"g_L": 9000.0}, t_end=1.0,
                    rel_step=0.5, progress=False)


@pytest.mark.parametrize("value, message", [
    ("abc", r"parameter 'g_Na' must be a real number \(not a bool, string or array\), in "
            r"\[0, .*\] mS/cm\^2 \(.*\), got 'abc'"),
    (-5.0, r"parameter 'g_Na' = -5.0 mS/cm\^2 is outside its valid range"),
])
def test_base_value_of_a_perturbed_parameter_is_checked(value, message):
    with pytest.raises(ValueError, match=message):
        sensitivity("hh1952", ["g_Na"], grid={"I_app": [0.0]}, params={"g_Na": value},
                    t_end=10.0, progress=False)


@pytest.mark.parametrize("parameters", [5, None])
def test_parameters_that_are_no_names_are_refused(parameters):
    """A number or None as parameters raised a bare TypeError (not iterable)."""
    match = (r"parameters must be a name \(str\) or a sequence of names of parameters of model "
             rf"'hh1952', got {parameters}")
    with pytest.raises(ValueError, match=match):
        sensitivity("hh1952", parameters, grid={"I_app": [0.0]}, t_end=1.0, progress=False)


def test_a_temperature_step_outside_the_range_is_explained_on_the_kelvin_scale():
    """The range error said 'x exp(+- rel_step)', which does not give the value it reported
    for a temperature (6.3 C, h = 0.05: 6.3 e^-0.05 = 5.99 C is in range; the run is at
    279.45 e^-0.05 - 273.15 = -7.33 C)."""
    with pytest.raises(ValueError, match=r"\(T \+ 273\.15\) exp\(\+- rel_step\) - 273\.15, on "
                                         r"the kelvin scale\) of 'temperature' = -7\.32"):
        sensitivity("hh1952", "temperature", grid={"I_app": [0.0]}, t_end=5.0,
                    rel_step=0.05, metrics=["mean_V"], progress=False)
