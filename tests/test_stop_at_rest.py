"""``sweep(stop_at_rest=...)``: a point at rest stops and its read-outs are finished in closed
form (``biophys.kernels.rest``).

Every check compares against the same sweep without the option (the integrator run to
``t_end``): a point that never rests must come out bit for bit the same, a point that stops
must agree within the test's tolerance (``atol + rtol |y|`` of each state, 1e-8 and 1e-6 by
default).
"""

import dataclasses
import importlib
import json
import warnings

import numpy as np
import pytest

import biophys as bp
from biophys import _engine, _retry
from biophys._chunk import SweepSpec
from biophys._sweep_config import load_config
from biophys.kernels.protocol import block_parameters
from biophys.models import get_model, list_models

# the default tolerances of stop_at_rest=True
RTOL, ATOL = 1e-6, 1e-8


def _pair(model, **kw):
    """The same sweep run to t_end and with stop_at_rest."""
    kw.setdefault("progress", False)
    rest = kw.pop("stop_at_rest", True)
    return bp.sweep(model, **kw), bp.sweep(model, stop_at_rest=rest, **kw)


def _close(a, b, rtol=RTOL, atol=ATOL):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    assert np.all(np.abs(a - b) <= atol + rtol * np.abs(a)), np.max(np.abs(a - b))


# zg_cell at 4 mM K_o starts at its rest (calibrated there, V = -85 mV) and stops after about
# 2 s of these 20 s runs; at 6 mM it oscillates (test_zg_cell.py) and never stops
ZG = dict(grid={"K_o": [4.0, 6.0]}, t_end=20_000.0,
          metrics=("mean_V", "min_V", "max_V", "mean_Ca_i", "aldosterone_rate", "spike_rate",
                   "regime", "silent_phase_V"),
          final_state=True, traces=[0, 1], record=("V", "Ca_i", "I_NaK"), record_every=50.0)


@pytest.mark.filterwarnings("ignore:metric 'aldosterone_rate' reads")  # a short warm-up
@pytest.mark.parametrize("warmup", [1_000.0, 10_000.0])
def test_resting_point_stops_and_matches_the_full_run(warmup):
    """The resting point stops (before the warm-up ends, or after it), the oscillating one does
    not; metrics, final states and traces agree with the full run."""
    m = get_model("zg_cell")
    full, rest = _pair("zg_cell", warmup=warmup, **ZG)
    t_rest = rest["t_rest"].values
    assert 1_000.0 < t_rest[0] < 10_000.0 and np.isnan(t_rest[1]), t_rest  # between them
    assert rest["t_rest"].attrs["units"] == "ms"
    assert rest.attrs["stopped_points"] == 1
    for name in (*ZG["metrics"], *(f"final_{s}" for s in m.state_names)):
        # the oscillating point: untouched, bit for bit
        np.testing.assert_array_equal(rest[name].values[1], full[name].values[1], err_msg=name)
    assert full["regime"].values[0] == 0 and rest["regime"].values[0] == 0  # "silent" both
    for name in ZG["metrics"]:
        _close(full[name].values[0], rest[name].values[0])
    for s in m.state_names:  # within the state's own tolerance
        _close(full[f"final_{s}"].values[0], rest[f"final_{s}"].values[0])
    for var in ZG["record"]:
        tr_f, tr_r = full[f"trace_{var}"].values, rest[f"trace_{var}"].values
        np.testing.assert_array_equal(tr_r[1], tr_f[1])
        assert np.all(np.isfinite(tr_r[0]))
        _close(tr_f[0], tr_r[0], rtol=1e-5)  # I_NaK: an output of the states


def test_results_do_not_depend_on_threads_or_neighbours():
    """A point stops at the same step, with the same numbers, at 1 and 2 threads and whatever
    other points share its block (hh1952: resting below the rheobase, firing above it)."""
    kw = dict(grid={"I_app": np.linspace(0.0, 12.0, 150)}, t_end=300.0, warmup=50.0,
              metrics=("mean_V", "spike_count", "max_V"), stop_at_rest=True, progress=False,
              final_state=True)
    one = bp.sweep("hh1952", n_workers=1, **kw)
    two = bp.sweep("hh1952", n_workers=2, **kw)
    stopped = np.isfinite(one["t_rest"].values)
    assert 10 < stopped.sum() < 150  # both kinds present
    for name in one.data_vars:
        np.testing.assert_array_equal(one[name].values, two[name].values, err_msg=name)
    for i in (0, 37, 149):  # alone, in a block of its own
        alone = bp.sweep("hh1952", **{**kw, "grid": {"I_app": [kw["grid"]["I_app"][i]]}})
        for name in one.data_vars:
            np.testing.assert_array_equal(alone[name].values[0], one[name].values[i],
                                          err_msg=f"{name} at point {i}")


def test_a_stimulus_still_to_come_is_waited_for():
    """With a pulse at 300 ms the cell (at rest before it) stops only after the pulse's
    spike; the spike is counted as in the full run."""
    kw = dict(grid={"temperature": [6.3, 10.0]}, t_end=1000.0, warmup=0.0,
              metrics=("spike_count", "mean_V", "max_V"), stimulus=bp.Pulse(20.0, 300.0, 1.0))
    full, rest = _pair("hh1952", **kw)
    assert np.all(rest["t_rest"].values > 301.0), rest["t_rest"].values
    np.testing.assert_array_equal(rest["spike_count"].values, [1.0, 1.0])
    np.testing.assert_array_equal(full["spike_count"].values, [1.0, 1.0])
    for name in ("mean_V", "max_V"):
        _close(full[name].values, rest[name].values)


def test_voltage_clamp_and_recorded_currents():
    """Under a voltage clamp V is not tested (it is imposed); the gates settle after the last
    step and the recorded currents (algebraic outputs) continue at their final values."""
    kw = dict(grid={"temperature": [6.3]}, t_end=500.0, metrics=("mean_V",),
              stimulus=bp.VoltageClamp(-65.0, steps=[(-40.0, 20.0)], start=10.0),
              traces=[0], record=("I_K", "I_Na", "n"), record_every=0.5)
    full, rest = _pair("hh1952", **kw)
    assert 30.0 < rest["t_rest"].values[0] < 400.0
    for var in kw["record"]:
        _close(full[f"trace_{var}"].values, rest[f"trace_{var}"].values, rtol=1e-5)


@pytest.mark.parametrize("method", ["rl1", "rl2", "rl2ab", "staggered"])
def test_every_fixed_step_method(method):
    kw = dict(grid={"I_app": [0.0, 2.0]}, t_end=400.0, warmup=100.0, method=method,
              metrics=("mean_V", "min_V", "max_V"), final_state=True)
    full, rest = _pair("hh1952", **kw)
    assert np.all(rest["t_rest"].values < 300.0)
    for name in ("mean_V", "min_V", "max_V", "final_V", "final_m", "final_h", "final_n"):
        _close(full[name].values, rest[name].values)


def test_accumulators_continue_linearly():
    """Cumulative exocytosis keeps growing at rest: ``fused_total`` and ``SE`` are left out of
    the test and continued with their rate, and the outputs built on them (capacitance,
    insulin secreted) follow. A loose tolerance (1e-3) lets the clamped cell stop early."""
    m = get_model("chen_2008_exocytosis")
    assert m.accumulators == ("SE", "fused_total")
    kw = dict(grid={"amplification": [1.0]}, t_end=300_000.0, warmup=10_000.0,
              stimulus=bp.VoltageClamp(-70.0), metrics=("secretion_rate", "insulin_rate"),
              final_state=True, traces=[0], record=("fused_total", "capacitance",
                                                    "insulin_secreted"), record_every=1000.0,
              stop_at_rest={"rtol": 1e-3, "atol": 1e-6})
    full, rest = _pair(m, **kw)
    t_rest = rest["t_rest"].values[0]
    assert t_rest < 200_000.0
    grown = full["final_fused_total"].values[0] - full["trace_fused_total"].values[0][
        int(t_rest // 1000.0)]
    assert grown > 0.1  # fusion after the freeze (granules): frozen, it would be lost
    for name in ("secretion_rate", "insulin_rate", "final_fused_total", "final_SE"):
        _close(full[name].values, rest[name].values, rtol=2e-3, atol=0.0)
    for var in kw["record"]:
        _close(full[f"trace_{var}"].values, rest[f"trace_{var}"].values, rtol=2e-3, atol=0.0)


@pytest.mark.parametrize("method", ["rl2", "staggered"])
def test_accumulators_at_the_sample_time(method):
    """The staggered scheme keeps the states other than V half a step behind; the frozen
    accumulators are advanced to the sample time (else they lag by rate x dt/2, 5e-6 granules
    here, beyond the default tolerance of 3e-6)."""
    kw = dict(grid={"amplification": [1.0]}, t_end=300_000.0, dt=1.0, method=method,
              stimulus=bp.VoltageClamp(-70.0), metrics=("secretion_rate",), final_state=True)
    full, rest = _pair("chen_2008_exocytosis", **kw)
    assert np.isfinite(rest["t_rest"].values[0])
    for name in ("final_fused_total", "final_SE", "secretion_rate"):
        _close(full[name].values, rest[name].values)


@pytest.mark.filterwarnings("ignore:the stimulus starts at:UserWarning")  # as meant here
def test_a_stimulus_change_after_the_end_is_ignored():
    kw = dict(grid={"I_app": [0.0]}, t_end=500.0, metrics=("mean_V",),
              stimulus=bp.Pulse(10.0, 5000.0, 1.0))
    full, rest = _pair("hh1952", **kw)
    assert rest["t_rest"].values[0] < 400.0
    _close(full["mean_V"].values, rest["mean_V"].values)


@pytest.mark.parametrize("name", [n for n in list_models() if get_model(n).accumulators])
def test_accumulators_feed_back_into_nothing(name):
    """The contract the continuation relies on (``Model.accumulators``): no rate depends on an
    accumulator, its own rate has no ``B`` term, and every algebraic output is affine in it."""
    m = get_model(name)
    kernel = importlib.import_module(f"biophys.kernels.models.{name}")
    rng = np.random.default_rng(3)
    n = 20
    Y = np.repeat(m.default_states()[:, None], n, axis=1)
    Y[0] = rng.uniform(-80.0, 0.0, n)
    Y[1:] *= rng.uniform(0.5, 1.5, (Y.shape[0] - 1, n))
    P = block_parameters(kernel, np.repeat(m.default_parameters()[:, None], n, axis=1))

    def rates_aux(Y):
        A, B = np.zeros_like(Y), np.zeros_like(Y)
        X = np.zeros((len(m.outputs), n))
        for c in range(n):
            kernel.rates(Y, P, c, 0.0, 0.0, A, B)
            kernel.aux(Y, P, c, 0.0, 0.0, X)
        return A, B, X

    A0, B0, X0 = rates_aux(Y)
    for acc in m.accumulators:
        i = m.state_index(acc)
        assert np.all(B0[i] == 0.0), acc
        Y1, Y2 = Y.copy(), Y.copy()
        Y1[i] += 40.0
        Y2[i] += 80.0
        A1, B1, X1 = rates_aux(Y1)
        _, _, X2 = rates_aux(Y2)
        np.testing.assert_array_equal(A1, A0, err_msg=acc)
        np.testing.assert_array_equal(B1, B0, err_msg=acc)
        np.testing.assert_allclose(X2 - X1, X1 - X0, rtol=1e-9, atol=1e-12, err_msg=acc)
        assert np.any(X1 != X0)  # some output does read it (capacitance, insulin secreted)


def test_hysteresis_and_sensitivity_carry_t_rest():
    """Continuation steps stop at rest as sweeps do (within the tolerance of the runs without),
    and ``sensitivity`` keeps the base run's ``t_rest`` without differentiating it."""
    kw = dict(t_end=300.0, metrics=("mean_V",), progress=False)
    h = bp.hysteresis("hh1952", "I_app", [0.0, 2.0, 4.0], stop_at_rest=True, warmup=0.0, **kw)
    h0 = bp.hysteresis("hh1952", "I_app", [0.0, 2.0, 4.0], warmup=0.0, **kw)
    assert h["t_rest"].dims == h["mean_V"].dims and np.all(np.isfinite(h["t_rest"].values))
    assert "t_rest" not in h0
    _close(h0["mean_V"].values, h["mean_V"].values)
    s = bp.sensitivity("hh1952", grid={"I_app": [0.0, 10.0]}, parameters=["g_K"],
                       stop_at_rest=True, **kw)
    assert np.isfinite(s["t_rest"].values[0]) and np.isnan(s["t_rest"].values[1])
    assert "d_t_rest" not in s and "elasticity_t_rest" not in s


def test_numpy_bools_and_none():
    kw = dict(grid={"I_app": [0.0]}, t_end=10.0, dry_run=True)
    assert "t_rest" in bp.sweep("hh1952", stop_at_rest=np.True_, **kw)
    for off in (np.False_, None, False):
        assert "t_rest" not in bp.sweep("hh1952", stop_at_rest=off, **kw)


def test_the_record_and_key_hold_what_changes_results():
    """The test interval actually used (whole steps), the horizon and the accumulators are
    recorded and enter the checkpoint key."""
    kw = dict(grid={"I_app": [0.0]}, t_end=100.0, dry_run=True, stop_at_rest=True)
    rec = json.loads(bp.sweep("hh1952", dt=0.03, **kw).attrs["stop_at_rest"])
    # 10 ms in whole steps of the step taken: 100 ms in 3334 steps of at most 0.03 ms
    assert rec["check_every_ms"] == pytest.approx(333 * 100.0 / 3334)
    assert rec["horizon_ms"] == 1000.0 and rec["accumulators"] == []
    m = get_model("chen_2008_exocytosis")
    rec = json.loads(bp.sweep(m, grid={"amplification": [1.0]}, t_end=100.0, dry_run=True,
                              stop_at_rest=True).attrs["stop_at_rest"])
    assert rec["accumulators"] == ["SE", "fused_total"]
    plain = dataclasses.replace(m, accumulators=())
    key = [bp.sweep(x, grid={"amplification": [1.0]}, t_end=100.0, dry_run=True,
                    stop_at_rest=True).attrs["settings_hash"] for x in (m, plain)]
    assert key[0] != key[1]


def test_provenance_settings_and_checkpoint(tmp_path):
    kw = dict(grid={"I_app": [0.0, 10.0]}, t_end=200.0, metrics=("mean_V",), progress=False)
    off = bp.sweep("hh1952", **kw)
    assert "t_rest" not in off and off.attrs["stop_at_rest"] == "none"
    on = bp.sweep("hh1952", stop_at_rest={"rtol": 1e-7}, checkpoint=tmp_path / "c", **kw)
    rec = json.loads(on.attrs["stop_at_rest"])
    assert rec["rtol"] == 1e-7 and rec["atol"] == [1e-8] * 4
    assert rec["check_every_ms"] == _engine.REST_CHECK_MS
    assert on.attrs["settings_hash"] != off.attrs["settings_hash"]
    assert np.isfinite(on["t_rest"].values[0]) and np.isnan(on["t_rest"].values[1])
    calls: list = []
    again = bp.sweep("hh1952", stop_at_rest={"rtol": 1e-7}, checkpoint=tmp_path / "c",
                     callback=lambda *c: calls.append(c), **kw)
    assert calls == []  # resumed: t_rest comes from the chunks, nothing recomputed
    np.testing.assert_array_equal(again["t_rest"].values, on["t_rest"].values)
    with pytest.raises(ValueError, match="settings"):  # another tolerance: another sweep
        bp.sweep("hh1952", stop_at_rest=True, checkpoint=tmp_path / "c", **kw)


@pytest.mark.parametrize("option, message", [
    ("yes", "stop_at_rest = 'yes' must be True, False or a mapping"),
    ({"rtl": 1e-6}, "stop_at_rest key 'rtl' is not one of"),
    ({"rtol": 0.5}, r"stop_at_rest: rtol = 0.5 \(dimensionless\) must be in"),
    ({"atol": -1.0}, r"stop_at_rest: atol = -1.0 \(state units\) must be finite and > 0"),
    ({"atol": True}, r"stop_at_rest: atol = True \(state units\) must be finite"),
    ({"atol": [np.True_] * 4}, r"stop_at_rest: atol = \[.*\] \(state units\) must be finite"),
    ({"rtol": "1e-5"}, r"stop_at_rest: rtol = '1e-5' must be a real number .* in \[1e-14"),
    ({"atol": [1e-8] * 3}, r"one value per state \(4\)"),
])
def test_bad_options_are_named_errors(option, message):
    with pytest.raises(ValueError, match=message):
        bp.sweep("hh1952", grid={"I_app": [0.0]}, t_end=10.0, stop_at_rest=option,
                 dry_run=True)


@pytest.mark.parametrize("method", ["adaptive", "rosenbrock"])
def test_error_controlled_methods_refuse(method):
    with pytest.raises(ValueError, match="fixed-step methods .* not method = "):
        bp.sweep("hh1952", grid={"I_app": [0.0]}, t_end=10.0, method=method,
                 stop_at_rest=True, dry_run=True)


def test_retry_keeps_or_drops_the_option():
    """A fixed-step retry stops at rest too; an error-controlled one cannot, and its points'
    ``t_rest`` are NaN."""
    m = get_model("hh1952")
    spec = SweepSpec(m, m.default_parameters(), m.default_states(), (), 100.0, 0.05, 0.0,
                     ("mean_V",), "rl2", rest=(RTOL, (ATOL,) * 4))
    fixed, _ = _retry.retry_spec(m, spec, {"dt": 0.01})
    assert fixed.rest == spec.rest and "t_rest" in fixed.outputs(m)
    adaptive, _ = _retry.retry_spec(m, spec, {"method": "adaptive"})
    assert adaptive.rest == () and "t_rest" not in adaptive.outputs(m)
    # hh1952 at dt = 1 ms: rl2ab rests at I_app = 0 and blows up at 200 uA/cm^2
    kw = dict(grid={"I_app": [0.0, 200.0]}, t_end=2000.0, dt=1.0, method="rl2ab",
              metrics=["mean_V"], stop_at_rest=True, progress=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the coarse-step warning
        first = bp.sweep("hh1952", **kw)
        drop = bp.sweep("hh1952", **kw, retry={"method": "adaptive"})
        keep = bp.sweep("hh1952", **kw, retry={"method": "rl2"})
    assert first["status"].values.tolist() == [0, 1] and np.isfinite(first["t_rest"][0])
    for res in (drop, keep):
        assert res["status"].values.tolist() == [0, 0]
        assert res["retried"].values.tolist() == [False, True]
        assert res["t_rest"].values[0] == first["t_rest"].values[0]
    assert np.isnan(drop["t_rest"].values[1]) and np.isfinite(keep["t_rest"].values[1])


def test_toml(tmp_path):
    base = 'model = "hh1952"\nt_end = 10.0\n'
    grid = '[grid]\nI_app = [0.0]\n'
    p = tmp_path / "a.toml"
    p.write_text(base + "stop_at_rest = true\n" + grid)
    assert load_config(p)["stop_at_rest"] is True
    p.write_text(base + grid + "[stop_at_rest]\nrtol = 1e-5\natol = 1e-7\n")
    assert load_config(p)["stop_at_rest"] == {"rtol": 1e-5, "atol": 1e-7}
    p.write_text(base + grid + "[stop_at_rest]\nmethod = \"rl1\"\n")
    with pytest.raises(ValueError, match=r"unknown key\(s\) method in \[stop_at_rest\]"):
        load_config(p)
    p.write_text(base + 'stop_at_rest = "on"\n' + grid)
    with pytest.raises(ValueError, match="stop_at_rest = 'on' must be true, false or a table"):
        load_config(p)


def test_a_clamp_step_ending_at_t_end_is_not_frozen_over():
    """The last step samples the stimulus at t_end + dt/2, so a clamp step that ends at t_end
    sets the final V; the rest test must wait for that change too (it froze the cell on the
    step's level: final V -40 mV instead of -70)."""
    vc = bp.VoltageClamp(holding=-70.0, steps=[(-40.0, 500.0)])
    kw = dict(points={"g_K": [36.0]}, t_end=500.0, stimulus=vc, final_state=True,
              metrics=["mean_V", "min_V", "max_V"], progress=False)
    full = bp.sweep("hh1952", **kw)
    rest = bp.sweep("hh1952", stop_at_rest=True, **kw)
    assert float(full["final_V"][0]) == -70.0 and float(full["min_V"][0]) == -70.0  # premise
    assert np.isnan(rest["t_rest"].values[0])  # no test after the last sampled change
    for v in ("mean_V", "min_V", "max_V", "final_V", "final_n"):
        assert rest[v].values[0] == full[v].values[0], v
