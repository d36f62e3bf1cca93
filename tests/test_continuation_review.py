"""``biophys.hysteresis`` after review: a carried state that is not a valid start at the next
step restarts that point only; the charge audit is collected per run; accumulators restart at
every step; named errors for a missing warm-up (CLI), an unknown stepped axis and a refused
checkpoint.

The expected values come from outside the code under test: the closed-form relaxation of a
leak-only membrane, the first run of the same hysteresis (a restarted run has the same
parameters and start), and plain sweeps.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

import biophys as bp
from biophys.cli import main as cli_main
from biophys.continuation import HYSTERESIS_NOT_OK_WARNING, differs

# a leak-only HH membrane: dV/dt = -(g_L (V - E_L) - I_app) / C_m, tau = C_m / g_L
LEAK = {"g_Na": 0.0, "g_K": 0.0, "C_m": 1.0}
T_END, WARMUP = 20.0, 1.0  # ms


def _leak_mean(v0: float, e_l: float, i_app: float, g_l: float) -> float:
    """Mean V (mV) over [WARMUP, T_END] of the leak-only membrane started at ``v0``."""
    tau, v_inf = LEAK["C_m"] / g_l, e_l + i_app / g_l
    decay = tau * (math.exp(-WARMUP / tau) - math.exp(-T_END / tau)) / (T_END - WARMUP)
    return v_inf + (v0 - v_inf) * decay


def test_a_final_V_outside_its_range_marks_that_run_and_the_next_step_starts_afresh():
    """At I_app = -400 uA/cm^2 and g_L = 1 mS/cm^2 the leak-only membrane ends near -454 mV,
    outside V's valid range [-300, 300] mV: the next step's sweep refused it as an initial
    state and the whole hysteresis was lost; then (session 52) that point restarted from the
    initial state with the run called ok. Now the run itself is not ok (status 4, V out of
    range), the next step of that point starts from the initial state (V = -65 mV) as after
    any failed run, and the g_L = 4 point (ending near -154 mV) continues."""
    m = bp.model("hh1952")
    e_l, v0 = m.parameter("E_L").value, m.states[0].value
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        # the failed run's own warning: tests/test_not_ok_warnings.py
        warnings.filterwarnings("ignore", message=HYSTERESIS_NOT_OK_WARNING)
        ds = bp.hysteresis("hh1952", "I_app", [-400.0, 0.0], grid={"g_L": [1.0, 4.0]},
                           params=LEAK, t_end=T_END, warmup=WARMUP, metrics=["mean_V"],
                           progress=False)
    status = ds["status"].transpose("g_L", "direction", "I_app").values
    assert status.tolist() == [[[4, 0], [4, 0]], [[0, 0], [0, 0]]]
    warm = ds["warm_start"].transpose("g_L", "direction", "I_app").values
    assert warm.tolist() == [[[False, False], [True, True]], [[False, True], [True, True]]]
    assert ds.attrs["restarted_runs"] == 0 and not ds["restarted"].values.any()
    mean = ds["mean_V"].sel(direction="up", I_app=0.0)
    # started afresh from -65 mV; continued from its own end near E_L - 100 mV
    assert mean.sel(g_L=1.0).item() == pytest.approx(_leak_mean(v0, e_l, 0.0, 1.0), abs=1e-3)
    v_end = e_l - 400.0 / 4.0  # settled: 20 ms is 80 time constants
    assert mean.sel(g_L=4.0).item() == pytest.approx(_leak_mean(v_end, e_l, 0.0, 4.0), abs=1e-3)


def test_a_pool_over_its_lowered_cap_restarts_from_the_initial_state():
    """beta_cell holds ATP + ADP = 3.09 mM after 5 s at A_tot = 6 mM; stepping A_tot back to
    3 mM used to raise "initial ATP + ADP = 3.088 mM must be <= A_tot = 3 mM" and lose both
    runs already made. The down run at 3 mM restarts from the initial state: with the same
    parameters and start as the first run, it repeats it bit for bit."""
    with pytest.warns(UserWarning, match=r"ATP \+ ADP = 3\.\d+ mM must be <= A_tot = 3 mM"):
        ds = bp.hysteresis("beta_cell", "A_tot", [3.0, 6.0], t_end=5000.0, warmup=1000.0,
                           metrics=["mean_V"], progress=False)
    assert (ds["status"] == 0).all()
    assert ds["restarted"].values.tolist() == [[False, False], [True, False]]
    assert ds["warm_start"].values.tolist() == [[False, True], [False, True]]
    assert ds["restarted"].attrs["first_reason"].startswith("down pass, A_tot = 3: ")
    v = ds["mean_V"].sel(A_tot=3.0).values
    assert v[0] == v[1]


def test_the_charge_audit_is_collected_per_run():
    """audit=True audited every step's sweep, but the result had no charge_drift (while its
    audit attribute claimed an audit). The first run starts from the initial state, as a
    plain sweep does: its drift is that sweep's."""
    kw = dict(t_end=200.0, metrics=["mean_V"], progress=False, audit=True)
    ds = bp.hysteresis("beta_cell", "K_o", [5.0, 6.0], warmup=5.0, **kw)
    plain = bp.sweep("beta_cell", grid={"K_o": [5.0]}, warmup=5.0, **kw)
    assert ds["charge_drift"].dims == ("direction", "K_o")
    assert ds["charge_drift"].attrs["units"] == "mV"
    assert np.isfinite(ds["charge_drift"].values).all()
    assert ds["charge_drift"].sel(direction="up", K_o=5.0).item() == \
        plain["charge_drift"].values[0]
    assert ds.attrs["charge_drift_points"] == 0


def test_accumulators_restart_at_every_step():
    """chen_2008_exocytosis counts exocytosed granules since t = 0 (SE, fused_total). Carried
    from step to step, mean_SE grew with every run and differs() reported bistability where
    the cytosolic Ca2+ of both passes is identical. Reset at every step, the run down at the
    top step (continuing the run up there) reads the same as the run up."""
    ds = bp.hysteresis("chen_2008_exocytosis", "amplification", [1.0, 1.5], t_end=60_000.0,
                       warmup=30_000.0, metrics=["mean_Ci", "mean_SE"], progress=False)
    assert not differs(ds, "mean_Ci", rtol=1e-9).any()
    assert not differs(ds, "mean_SE", rtol=1e-2).any()
    top = ds["mean_SE"].sel(amplification=1.5).values
    assert top[1] == pytest.approx(top[0], rel=1e-2)


def test_an_unknown_stepped_axis_is_named_as_such():
    with pytest.raises(ValueError, match=r"unknown stepped axis name 'I_x' for model 'hh1952'"):
        bp.hysteresis("hh1952", "I_x", [1.0, 2.0], t_end=1.0, warmup=0.0, progress=False)


def test_a_refused_checkpoint_points_at_the_hysteresis_directory(tmp_path):
    kw = dict(warmup=5.0, metrics=["mean_V"], progress=False)
    ck = tmp_path / "hyst"
    bp.hysteresis("hh1952", "I_app", [0.0, 1.0], t_end=10.0, checkpoint=ck, **kw)
    with pytest.raises(ValueError) as exc:
        bp.hysteresis("hh1952", "I_app", [0.0, 1.0], t_end=12.0, checkpoint=ck, **kw)
    msg = str(exc.value)
    assert "up_0000' was written for different settings (differing: t_end)" in msg
    assert f"or delete {str(ck)!r} (all its steps) to start the hysteresis afresh" in msg
    assert "delete this one" not in msg


def test_the_cli_needs_the_warm_up(tmp_path, capsys):
    """A configuration without warmup gave a TypeError traceback and exit status 1."""
    cfg = tmp_path / "h.toml"
    cfg.write_text('model = "hh1952"\nt_end = 20.0\nmetrics = ["mean_V"]\n'
                   '[hysteresis]\naxis = "I_app"\nvalues = [1.0, 2.0]\n')
    assert cli_main(["hysteresis", str(cfg), "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("biophys hysteresis: error: ")
    assert f"{cfg}: missing required key 'warmup' (ms)" in err
