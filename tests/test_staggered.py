"""The staggered fixed-step method (``method="staggered"``; after Hines 1984): the states
other than V advance by the exponential step half a step apart from V, and V by the
exponential step with the new states. Checked against LSODA and closed-form solutions; its
speed is measured in ``benchmarks/bench_w1.py``, never asserted here."""

import importlib
import importlib.util
import math
import sys
from pathlib import Path

import numpy as np
import pytest
from hh_reference import E_NA, G_NA, pulse, rates, solve, steady_state

import biophys as bp
from biophys import _engine, zg
from biophys.kernels.protocol import block_parameters
from biophys.models import get_model, list_models
from biophys.models.zg_cell import TONIC_REST

HH = bp.model("hh1952")


def _orders(errors):
    errors = np.asarray(errors)
    return np.log2(errors[:-1] / errors[1:])


def test_second_order_in_every_state_from_a_non_equilibrium_start():
    """V and the gates at t_end converge at order 2 from a start far from rest.

    The gates start at rest and V at -50 mV, so a scheme that took the initial gates for
    those of t0 - dt/2 (no first half step), or returned the gates half a step behind V (no
    last half step), would converge at order 1 (both omissions checked to fail this test).
    """
    y0 = np.array(steady_state())
    y0[0] = -50.0
    t_end = 8.0
    ref = solve(pulse(10.0, 1.0, 1.0), t_end, y0=y0, t_eval=[t_end], max_step=0.002,
                rtol=1e-12, atol=1e-13).y[:, 0]
    P = HH.default_parameters()[:, None]
    errors = []
    for dt in (0.02, 0.01, 0.005, 0.0025):
        r = _engine.run(HH, P, y0[:, None], t_end=t_end, dt=dt, stimulus=bp.Pulse(10.0, 1.0, 1.0),
                        method="staggered")
        errors.append(np.abs(r.Y[:, 0] - ref))
    orders = _orders(errors)
    assert np.all(np.abs(orders - 2.0) < 0.1), (errors, orders)
    # and more accurate than the Adams-Bashforth form of second-order Rush-Larsen
    ab = _engine.run(HH, P, y0[:, None], t_end=t_end, dt=0.01, stimulus=bp.Pulse(10.0, 1.0, 1.0),
                     method="rl2ab")
    assert errors[1][0] < abs(ab.Y[0, 0] - ref[0])


def test_samples_are_synchronous_and_second_order():
    """Recorded gates and a current computed from them (I_Na) converge at order 2 at a sample
    time: samples see the gates at the sample time, not half a step behind V (checked to fail
    this test at order 1 when the samples read the staggered states)."""
    y0 = np.array(steady_state())
    y0[0] = -50.0
    t_probe = 4.0
    ref = solve(pulse(10.0, 1.0, 1.0), t_probe, y0=y0, t_eval=[t_probe], max_step=0.002,
                rtol=1e-12, atol=1e-13).y[:, 0]
    ref_ina = G_NA * ref[1] ** 3 * ref[2] * (ref[0] - E_NA)
    P = HH.default_parameters()[:, None]
    errors = []
    for dt in (0.02, 0.01, 0.005, 0.0025):
        r = _engine.run(HH, P, y0[:, None], t_end=6.0, dt=dt, stimulus=bp.Pulse(10.0, 1.0, 1.0),
                        record=["V", "m", "h", "n", "I_Na"], record_every=0.5,
                        method="staggered")
        got = r.rec[:, 0, round(t_probe / 0.5)]
        errors.append(np.abs(got - np.append(ref, ref_ina)))
    orders = _orders(errors)
    assert np.all(np.abs(orders - 2.0) < 0.1), (errors, orders)


def test_clamped_gates_follow_their_exponential_exactly():
    """Under a voltage clamp the rates are constant, so the gates' exponential step is exact:
    after any number of steps (a half step, full steps, a half step) they equal the closed-form
    relaxation x_inf + (x0 - x_inf) exp(-t/tau) at exactly t_end."""
    v_c, t_end = -20.0, 5.3
    y0 = np.array(steady_state())
    am, bm, ah, bh, an, bn = rates(v_c)
    expected = [a / (a + b) + (x0 - a / (a + b)) * math.exp(-(a + b) * t_end)
                for x0, a, b in zip(y0[1:], (am, ah, an), (bm, bh, bn), strict=True)]
    P = HH.default_parameters()[:, None]
    for dt in (0.1, 0.025):
        r = _engine.run(HH, P, y0[:, None], t_end=t_end, dt=dt, stimulus=bp.VoltageClamp(v_c),
                        method="staggered")
        assert r.Y[0, 0] == v_c
        np.testing.assert_allclose(r.Y[1:, 0], expected, rtol=1e-12, atol=1e-15)


def test_counts_like_fine_rl2_at_the_fixed_step():
    """W1-like cells (I_app over 0..20 uA/cm^2, 300 ms) at dt = 0.025 ms: every count within
    one spike of rl2 at a ten times smaller step."""
    n = 64
    P = np.repeat(HH.default_parameters()[:, None], n, axis=1)
    P[HH.parameter_index("I_app")] = np.linspace(0.0, 20.0, n)
    Y0 = np.repeat(HH.default_states()[:, None], n, axis=1)
    a = _engine.run(HH, P, Y0, t_end=300.0, dt=0.025, method="staggered")
    fine = _engine.run(HH, P, Y0, t_end=300.0, dt=0.0025, method="rl2")
    assert np.max(np.abs(a.spike_count - fine.spike_count)) <= 1
    assert np.sum(a.spike_count) > 1000  # most cells fire repetitively


def _w1_baselines():
    """``benchmarks/w1.py``: W1's reference and baselines, written without biophys. Imported
    as ``w1``, as the benchmarks import it (Numba's disk cache of its functions needs the
    module in ``sys.modules``)."""
    if "w1" not in sys.modules:
        spec = importlib.util.spec_from_file_location(
            "w1", Path(__file__).resolve().parents[1] / "benchmarks" / "w1.py")
        mod = importlib.util.module_from_spec(spec)
        sys.modules["w1"] = mod
        spec.loader.exec_module(mod)
    return sys.modules["w1"]


def test_same_scheme_as_an_independent_numpy_version():
    """W1-like cells: the driver's staggered run and the NumPy baseline of W1 (the C ceiling's
    scheme, libm exp instead of fastmath) give the same spike counts over 300 ms and the
    same V to 1e-9 after 20 ms."""
    numpy_run = _w1_baselines().numpy_run
    n = 48
    current = np.linspace(0.0, 20.0, n)
    P = np.repeat(HH.default_parameters()[:, None], n, axis=1)
    P[HH.parameter_index("I_app")] = current
    Y0 = np.repeat(HH.default_states()[:, None], n, axis=1)
    short = _engine.run(HH, P, Y0, t_end=20.0, dt=0.025, method="staggered")
    np.testing.assert_allclose(short.Y[0], numpy_run(current, 20.0, 0.025)[1],
                               rtol=1e-9, atol=1e-9)
    long = _engine.run(HH, P, Y0, t_end=300.0, dt=0.025, method="staggered")
    counts = numpy_run(current, 300.0, 0.025)[0]
    assert np.array_equal(long.spike_count, counts)
    assert counts.sum() > 700


@pytest.mark.parametrize(("name", "order"), [("chay_keizer_1983", 2.0), ("zg_cell", 1.0)])
def test_models_without_rates_V(name, order):
    """A model without ``rates_V`` gets its V row from the whole ``rates``. The order is 2 where
    the V row is linear in V and the other states' rates depend on V only (as in
    chay_keizer_1983), and 1 otherwise (zg_cell: GHK currents and coupled Ca2+, as documented
    in ``biophys._engine``; its tonic calibration, which fires at 6 mM K_o from its rest); the
    reference is ``adaptive`` at rtol 1e-11."""
    m = get_model(name)
    kernel = importlib.import_module(f"biophys.kernels.models.{name}")
    assert not hasattr(kernel, "rates_V")
    P = m.default_parameters()[:, None].copy()
    Y0 = m.default_states()[:, None]
    if name == "zg_cell":  # the tonic calibration, oscillating
        P = m.parameter_vector(zg.tonic_calibration({"K_o": 6.0}))[:, None]
        Y0 = np.array([[TONIC_REST[s]] for s in m.state_names])
    t_end = 300.0
    ref = _engine.run(m, P, Y0, t_end=t_end, dt=0.01, method="adaptive", rtol=1e-11, atol=1e-13)
    assert ref.spike_count[0] >= 2
    errors = [abs(_engine.run(m, P, Y0, t_end=t_end, dt=dt, method="staggered").Y[0, 0]
                  - ref.Y[0, 0]) for dt in (2 * m.dt, m.dt, m.dt / 2, m.dt / 4)]
    orders = _orders(errors)
    assert np.all(np.abs(orders - order) < 0.3), (errors, orders)


def test_rates_V_is_the_V_row_of_rates():
    """Every model that defines ``rates_V`` writes exactly the V row of its ``rates``."""
    rng = np.random.default_rng(7)
    checked = 0
    for name in list_models():
        kernel = importlib.import_module(f"biophys.kernels.models.{name}")
        if not hasattr(kernel, "rates_V"):
            continue
        m = get_model(name)
        n = 50
        Y = np.repeat(m.default_states()[:, None], n, axis=1)
        Y[0] = rng.uniform(-90.0, 40.0, n)
        Y[1:] *= rng.uniform(0.2, 1.8, (Y.shape[0] - 1, n))
        P = block_parameters(kernel, np.repeat(m.default_parameters()[:, None], n, axis=1))
        A, B = np.zeros_like(Y), np.zeros_like(Y)
        A2, B2 = np.full_like(Y, np.nan), np.full_like(Y, np.nan)
        for c in range(n):
            kernel.rates(Y, P, c, 1.0, 3.0, A, B)
            kernel.rates_V(Y, P, c, 1.0, 3.0, A2, B2)
        assert np.array_equal(A[0], A2[0]) and np.array_equal(B[0], B2[0]), name
        assert np.all(np.isnan(A2[1:])) and np.all(np.isnan(B2[1:])), name  # row V only
        checked += 1
    assert checked >= 1


def test_samples_of_V_alone_skip_the_catch_up_without_changing_a_value():
    """A run whose samples read only V skips bringing the staggered states to the sample time
    (they are not read), and its V-based read-outs are those of a run that also reads a gate
    (which brings them): V, the spike times, every V metric and the final state agree bit for
    bit."""
    P = HH.default_parameters()[:, None].copy()
    P[HH.parameter_index("I_app")] = 10.0
    y0 = HH.default_states()[:, None]
    runs = [_engine.run(HH, P, y0, t_end=60.0, dt=0.02, method="staggered", record=rec,
                        record_every=0.1, observe=obs, spike_capacity=64)
            for rec, obs in ((["V"], ["V"]), (["V", "m"], ["V", "n"]))]
    v_only, with_gates = runs
    np.testing.assert_array_equal(v_only.rec[0], with_gates.rec[0])
    np.testing.assert_array_equal(v_only.spike_times, with_gates.spike_times)
    np.testing.assert_array_equal(v_only.obs[0], with_gates.obs[0])
    np.testing.assert_array_equal(v_only.Y, with_gates.Y)
    assert int(v_only.spike_count[0]) >= 3


def _hh_run(record=(), observe=(), t_end=30.0):
    P = HH.default_parameters()[:, None].copy()
    P[HH.parameter_index("I_app")] = 10.0
    y0 = HH.default_states()[:, None].copy()
    y0[0] = -50.0
    return _engine.run(HH, P, y0, t_end=t_end, dt=0.02, method="staggered", record=list(record),
                       record_every=0.1, observe=list(observe), spike_capacity=64)


def test_a_recorded_state_is_the_final_state_of_a_run_ending_there():
    """Anchor of the sampling (helper-63 review): the stored final state is brought to t_end,
    so a gate sampled at t is the final state of a run ending at t, bit for bit."""
    full = _hh_run(record=["m"], t_end=30.0)
    short = _hh_run(t_end=20.0)
    assert full.rec[0, 0, 200] == short.Y[1, 0]


READ_ALL = ["V", "m", "h", "n", "I_Na", "I_K", "I_L"]


@pytest.mark.parametrize("var", ["m", "n", "I_Na", "I_K"])
@pytest.mark.parametrize("where", ["record", "observe"])
def test_a_read_out_does_not_depend_on_what_else_is_read(var, where):
    """A gate or current, recorded or observed alone or beside V, is bit for bit the same
    read-out as in a run that reads everything: a sample that reads anything but V brings the
    staggered states to its time (the review's kernels that skipped this when only the
    observables, or only outputs, asked for it passed every other test)."""
    ref = _hh_run(record=READ_ALL, observe=READ_ALL)
    i = READ_ALL.index(var)
    other = "observe" if where == "record" else "record"
    for run in (_hh_run(**{where: [var]}), _hh_run(**{where: [var], other: ["V"]})):
        got, want = (run.rec[0], ref.rec[i]) if where == "record" else (run.obs[0], ref.obs[i])
        np.testing.assert_array_equal(got, want)
        np.testing.assert_array_equal(run.Y, ref.Y)
