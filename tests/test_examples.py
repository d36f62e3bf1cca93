"""The Python example (``examples/sweep_K_Mg.py``) runs with the settings of the command-line
examples (the settling run of ``beta_cell`` included), whose warm-ups are validated
(``tests/test_sweep_cli.py::test_main_job_measures_after_the_initial_state`` for
``beta_cell``; the ``tau_avg`` lag warning of :func:`biophys.sweep` for ``zg_cell``). Until
session 37 it ran 20 s with a 5 s warm-up and reported the initial state's insulin output
(6.1 fg/s, flat in K_o and Mg_o)."""

from __future__ import annotations

import importlib.util
import warnings
from pathlib import Path

import pytest

import biophys as bp
from biophys._sweep_config import load_config

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
TOML = {"beta_cell": "beta_cell_K_Mg.toml", "zg_cell": "zg_K_Mg.toml"}


def _example():
    spec = importlib.util.spec_from_file_location("sweep_K_Mg", EXAMPLES / "sweep_K_Mg.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("model", sorted(TOML))
def test_python_example_runs_like_the_validated_toml(model):
    runs = _example().RUNS[model]
    kw = load_config(EXAMPLES / TOML[model])
    assert kw["model"] == model
    assert (runs["t_end"], runs["warmup"]) == (kw["t_end"], kw["warmup"])
    assert runs["params"] == dict(kw.get("params") or {})
    assert _example().SETTLE[model] == kw.get("_settle")


@pytest.mark.parametrize("model", sorted(TOML))
def test_python_example_draws_no_warm_up_warning(model):
    """The example's metrics, run lengths and parameters pass the sweep's own checks silently
    (a dry run: nothing is simulated), from its settling run where it has one (here 2 s: the
    warning depends on the points starting from a settled state, not on how long it ran)."""
    ex = _example()
    grid = {"K_o": [4.0, 8.0], "Mg_o": [0.5, 1.0]}
    bath = bp.Solution(substitution="equimolar_Na")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        init = None
        if ex.SETTLE[model] is not None:
            init = bp.settled_state(model, grid=grid, conditions=bath, t_end=2000.0,
                                    window=1000.0, params=ex.RUNS[model]["params"])
        bp.sweep(model, grid=grid, **ex.RUNS[model], conditions=bath, metrics=ex.METRICS[model],
                 initial=init, dry_run=True, progress=False)


def test_python_example_prints_small_values_and_units():
    """mean_Ca_i is in mM (1e-4): the table rounded it to 4 decimals, so 75.7 and 118.7 nM
    both printed 0.0001 (found in review, helper 89)."""
    import numpy as np
    import xarray as xr

    ca = xr.DataArray(np.array([7.57e-5, 1.187e-4]), dims="K_o", coords={"K_o": [4.0, 5.4]},
                      attrs={"units": "mM"})
    text = _example().table_text(xr.Dataset({"mean_Ca_i": ca}), ["mean_Ca_i"])
    assert "mean_Ca_i (mM)" in text
    assert "7.57e-05" in text and "0.0001187" in text


def test_python_example_keeps_zg_cell_inside_its_calibrated_k_o():
    """zg_cell is calibrated at 2-8 mM K_o (README); the example's default grid reached 12."""
    k_o = _example().K_O["zg_cell"]
    for axis in k_o:
        assert 2.0 <= min(axis) and max(axis) <= 8.0
