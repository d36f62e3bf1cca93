"""method="adaptive": Dormand-Prince 5(4) with per-cell error control inside the ensemble kernel.

References are computed here, independently of biophys: scipy's LSODA at rtol 1e-10 on the
Hodgkin-Huxley equations of tests/hh_reference.py, and a classic RK4 at dt = 0.005 ms written
below (the reference of workload W1, issue 7).
"""

import math

import numpy as np
import pytest
from hh_reference import pulse, rhs_factory, solve, steady_state
from numba import njit, prange
from scipy.integrate import solve_ivp

import biophys as bp
from biophys import _engine
from biophys.kernels import ensemble_adaptive

HH = bp.model("hh1952")


def _one(t_end, dt, *, current=0.0, stimulus=None, record=("V",), **kw):
    """One cell through the engine."""
    P, Y0 = _grid(1, np.array([current]))
    return _engine.run(HH, P, Y0, t_end=t_end, dt=dt, stimulus=stimulus, record=record,
                       spike_capacity=1000, method="adaptive", **kw)


def _grid(n, currents):
    P = np.repeat(HH.default_parameters()[:, None], n, axis=1)
    P[HH.parameter_index("I_app")] = currents
    Y0 = np.repeat(HH.default_states()[:, None], n, axis=1)
    return P, Y0


# --- the tableau -------------------------------------------------------------------------------


def test_dormand_prince_tableau_matches_scipy():
    from scipy.integrate._ivp.rk import RK45

    ns = vars(ensemble_adaptive)
    np.testing.assert_allclose(ns["DP_C"][:6], RK45.C, rtol=0, atol=1e-15)
    np.testing.assert_allclose(ns["DP_A"][1:6, :5], RK45.A[1:6, :5], rtol=0, atol=1e-15)
    np.testing.assert_allclose(ns["DP_A"][6, :6], RK45.B, rtol=0, atol=1e-15)
    # scipy's E is (embedded - main); ours is (main - embedded): the sign does not matter
    np.testing.assert_allclose(ns["DP_E"], -RK45.E, rtol=0, atol=1e-15)


# --- accuracy against LSODA --------------------------------------------------------------------


def _lsoda_spikes(current, t_end):
    def up(t, y):
        return y[0]

    up.direction = 1.0
    sol = solve_ivp(rhs_factory(lambda t: current), (0.0, t_end), steady_state(), method="LSODA",
                    rtol=1e-10, atol=1e-12, max_step=0.05, events=up, dense_output=True)
    return sol


def test_trace_and_spike_times_match_lsoda_and_shrink_with_rtol():
    t_end, current = 100.0, 10.0
    ref = _lsoda_spikes(current, t_end)
    ref_spikes = ref.t_events[0]
    errs = []
    for rtol in (1e-5, 1e-7, 1e-9):
        r = _one(t_end, 0.05, current=current, rtol=rtol, atol=rtol * 1e-2)
        st = r.spike_times[0, :r.spike_count[0]]
        assert len(st) == len(ref_spikes)
        v_err = np.max(np.abs(r.rec[0, 0] - ref.sol(r.times)[0]))
        errs.append((np.max(np.abs(st - ref_spikes)), v_err))
    assert errs[-1][0] < 1e-5 and errs[-1][1] < 1e-3  # ms, mV
    assert errs[0][0] > errs[1][0] > errs[2][0]  # tolerance proportionality
    # the error at the loosest rtol is about what it asks for (measured 1.1e-5 ms and 0.0086
    # mV; an error estimate scaled by 0.1, i.e. a 10x looser control, gives 2.8e-4 ms and
    # 0.16 mV, which the decreasing sequence and the rtol 1e-9 bounds above, set by the LSODA
    # reference's own error, let pass: helper 90's break A1)
    assert errs[0][0] < 3e-5 and errs[0][1] < 0.03  # ms, mV at rtol 1e-5


def test_pulse_edges_are_respected_threshold_692():
    """Steps never cross a stimulus jump: the 1-ms pulse threshold of the 1952 equations."""
    for amplitude, fires in ((6.93, True), (6.89, False)):
        r = _one(20.0, 0.05, stimulus=bp.Pulse(amplitude, 1.0, 1.0), rtol=1e-8, atol=1e-10)
        assert (float(r.rec[0, 0].max()) > 0.0) is fires


def test_voltage_clamp_currents_match_fixed_step():
    clamp = bp.VoltageClamp(-65.0, steps=[(0.0, 5.0), (-30.0, 5.0)], start=1.0)
    m = HH
    p, y0 = m.default_parameters()[:, None], m.default_states()[:, None]
    a = _engine.run(m, p, y0, t_end=12.0, dt=0.01, stimulus=clamp, record=["V", "I_K", "I_Na"],
                    method="adaptive", rtol=1e-8, atol=1e-10)
    b = _engine.run(m, p, y0, t_end=12.0, dt=0.001, stimulus=clamp, record=["V", "I_K", "I_Na"],
                    method="rl2")
    np.testing.assert_array_equal(a.rec[0, 0, 100:600], 0.0)  # V follows the command (mV)
    ib = b.rec[:, 0, ::10]
    # every sample, those at the command jumps included: a sample at a jump takes the new
    # level, as in the fixed-step driver (it took the level before the jump here)
    np.testing.assert_array_equal(a.rec[0, 0], ib[0])
    assert np.max(np.abs(a.rec[1, 0] - ib[1])) < 0.05  # I_K, uA/cm^2 (peak ~ 600)
    assert np.max(np.abs(a.rec[2, 0] - ib[2])) < 0.5  # I_Na (peak ~ -800)


@pytest.mark.parametrize("method", ["rl2", "rl1", "staggered", "adaptive", "rosenbrock"])
def test_no_spikes_under_voltage_clamp(method):
    """The fixed-step methods counted each command step through the threshold as a spike (19
    'spikes' for 20 steps from -80 to 0 mV), placed before the step; the error-controlled
    methods and the reference none. A clamp's edges are not action potentials: none."""
    steps = [(0.0, 0.1), (-80.0, 0.1)] * 20
    ds = bp.simulate("hh1952", 5.0, stimulus=bp.VoltageClamp(-80.0, steps), method=method,
                     record=["V"])
    assert ds.V.values.max() == 0.0 and ds.sizes["spike"] == 0


def test_observables_are_time_averages():
    n = 6
    P, Y0 = _grid(n, np.linspace(0.0, 15.0, n))
    a = _engine.run(HH, P, Y0, t_end=200.0, dt=0.025, warmup=50.0, observe=["V", "I_K"],
                    method="adaptive", rtol=1e-8, atol=1e-10)
    b = _engine.run(HH, P, Y0, t_end=200.0, dt=0.0025, warmup=50.0, observe=["V", "I_K"],
                    method="rl2")
    mean_a = a.obs[:, 0] / a.n_obs_samples
    mean_b = b.obs[:, 0] / b.n_obs_samples
    np.testing.assert_allclose(mean_a, mean_b, atol=2e-2)
    np.testing.assert_allclose(a.obs[:, 2], b.obs[:, 2], atol=0.5)  # max at step ends only
    np.testing.assert_array_equal(a.spike_count, b.spike_count)
    np.testing.assert_array_equal(a.burst[0], b.burst[0])


def test_non_finite_cell_is_stopped_and_flagged():
    P, Y0 = _grid(3, np.array([0.0, 1.0e6, 10.0]))
    P[HH.parameter_index("C_m"), 1] = 1e-9
    P[HH.parameter_index("g_L"), 1] = 0.0
    P[HH.parameter_index("g_Na"), 1] = 0.0
    P[HH.parameter_index("g_K"), 1] = 0.0
    r = _engine.run(HH, P, Y0, t_end=20.0, dt=0.025, method="adaptive")
    assert r.status[1] != 0
    assert r.status[0] == 0 and r.status[2] == 0 and r.spike_count[2] > 0


def test_bad_tolerances_are_rejected():
    P, Y0 = _grid(1, np.array([0.0]))
    with pytest.raises(ValueError, match="rtol"):
        _engine.run(HH, P, Y0, t_end=1.0, dt=0.025, method="adaptive", rtol=0.0)
    with pytest.raises(ValueError, match="atol"):
        _engine.run(HH, P, Y0, t_end=1.0, dt=0.025, method="adaptive", atol=-1.0)
    with pytest.raises(ValueError, match="max_step"):
        _engine.run(HH, P, Y0, t_end=1.0, dt=0.025, method="adaptive", max_step=0.0)


# --- W1 in small: exact spike counts against RK4 at dt = 0.005 ms -------------------------------


@njit(error_model="numpy")
def _hh(v, m, h, n, i_app):
    am = 1.0 if v == -40.0 else 0.1 * (v + 40.0) / (1.0 - math.exp(-(v + 40.0) / 10.0))
    bm = 4.0 * math.exp(-(v + 65.0) / 18.0)
    ah = 0.07 * math.exp(-(v + 65.0) / 20.0)
    bh = 1.0 / (1.0 + math.exp(-(v + 35.0) / 10.0))
    an = 0.1 if v == -55.0 else 0.01 * (v + 55.0) / (1.0 - math.exp(-(v + 55.0) / 10.0))
    bn = 0.125 * math.exp(-(v + 65.0) / 80.0)
    i_ion = (120.0 * m**3 * h * (v - 50.0) + 36.0 * n**4 * (v + 77.0) + 0.3 * (v + 54.387))
    return (i_app - i_ion, am * (1 - m) - bm * m, ah * (1 - h) - bh * h, an * (1 - n) - bn * n)


@njit(parallel=True, error_model="numpy")
def _rk4_counts(currents, y0, t_end, dt, out):
    for c in prange(currents.shape[0]):
        y = y0.copy()
        cnt = 0
        for _ in range(int(round(t_end / dt))):
            k1 = _hh(y[0], y[1], y[2], y[3], currents[c])
            k2 = _hh(y[0] + 0.5 * dt * k1[0], y[1] + 0.5 * dt * k1[1], y[2] + 0.5 * dt * k1[2],
                     y[3] + 0.5 * dt * k1[3], currents[c])
            k3 = _hh(y[0] + 0.5 * dt * k2[0], y[1] + 0.5 * dt * k2[1], y[2] + 0.5 * dt * k2[2],
                     y[3] + 0.5 * dt * k2[3], currents[c])
            k4 = _hh(y[0] + dt * k3[0], y[1] + dt * k3[1], y[2] + dt * k3[2], y[3] + dt * k3[3],
                     currents[c])
            v_old = y[0]
            for i in range(4):
                y[i] += dt / 6.0 * (k1[i] + 2.0 * k2[i] + 2.0 * k3[i] + k4[i])
            if v_old < 0.0 <= y[0]:
                cnt += 1
        out[c] = cnt


def test_w1_counts_exact_against_rk4():
    n, t_end = 128, 300.0
    currents = np.linspace(0.0, 20.0, n)
    ref = np.zeros(n, dtype=np.int64)
    _rk4_counts(currents, steady_state(), t_end, 0.005, ref)
    assert ref.max() > 20 and (ref == 0).sum() >= 10  # silent and repetitively firing cells
    P, Y0 = _grid(n, currents)
    r = _engine.run(HH, P, Y0, t_end=t_end, dt=0.025, method="adaptive")  # default tolerances
    np.testing.assert_array_equal(r.spike_count, ref)
    assert np.all(r.status == 0)
    assert np.all(r.n_accepted > 0) and np.all(r.n_accepted < t_end / 0.025)


def test_simulate_selects_the_method_by_one_argument():
    ds = bp.simulate("hh1952", t_end=10.0, dt=0.01, stimulus=bp.Pulse(20.0, 1.0, 1.0),
                     method="adaptive")
    ref = solve(pulse(20.0, 1.0, 1.0), 10.0, t_eval=np.arange(0, 10.0, 0.01), max_step=0.01)
    assert abs(float(ds.V.max()) - ref.y[0].max()) < 0.05
    assert "Dormand-Prince" in ds.attrs["integrator"]


def test_simulate_and_sweep_take_tolerances():
    """``rtol``/``atol`` of :func:`biophys.simulate` and :func:`biophys.sweep` reach the
    integrator: a tight rtol brings the spike peak closer to LSODA (rtol 1e-10) than a loose
    one, the values used are recorded, a sweep point equals the single-cell run, and
    tolerances given with a fixed-step method, or an atol of the wrong length, are errors that
    name them."""
    stim = bp.Pulse(20.0, 1.0, 1.0)
    ref = solve(pulse(20.0, 1.0, 1.0), 10.0, t_eval=np.arange(0, 10.0, 0.01), max_step=0.01)
    err = {}
    for rtol in (1e-3, 1e-9):
        ds = bp.simulate("hh1952", t_end=10.0, dt=0.01, stimulus=stim, method="adaptive",
                         rtol=rtol, atol=1e-9)
        assert ds.attrs["rtol"] == rtol and ds.attrs["atol"] == "[" + ", ".join(["1e-09"] * 4) + "]"
        err[rtol] = abs(float(ds.V.max()) - ref.y[0].max())
    assert err[1e-9] < 1e-3 < err[1e-3]
    assert bp.simulate("hh1952", t_end=1.0, method="adaptive").attrs["rtol"] == _engine.RTOL
    one = bp.simulate("hh1952", t_end=30.0, params={"I_app": 10.0}, method="adaptive",
                      rtol=1e-4, record=())
    sw = bp.sweep("hh1952", grid={"I_app": [10.0]}, t_end=30.0, method="adaptive", rtol=1e-4,
                  metrics=["spike_count"], progress=False)
    assert int(sw.spike_count.values[0]) == len(one.spike_times) > 0
    with pytest.raises(ValueError, match="rtol/atol apply only"):
        bp.simulate("hh1952", t_end=1.0, rtol=1e-8)
    with pytest.raises(ValueError, match="rtol/atol apply only"):
        bp.sweep("hh1952", grid={"I_app": [1.0]}, t_end=1.0, atol=1e-8, progress=False)
    with pytest.raises(ValueError, match=r"atol = \[1e-08, 1e-08\].*one value per state \(4\)"):
        bp.simulate("hh1952", t_end=1.0, method="adaptive", atol=[1e-8, 1e-8])


def _pulse_train_online(method, rtol=None, dt=0.01):
    """hh1952 paced by 1 ms pulses every 100 ms: online mean V and I_Na, silent-phase V."""
    from biophys.metrics import burst_statistics
    from biophys.models import get_model

    m = get_model("hh1952")
    times = [t for b in np.arange(0.0, 1000.0, 100.0) for t in (b, b + 1.0)]
    stim = bp.Steps(times, [20.0, 0.0] * (len(times) // 2))
    kw = {} if rtol is None else {"rtol": rtol, "atol": rtol * 1e-2}
    raw = _engine.run(m, m.default_parameters()[:, None], m.default_states()[:, None],
                      t_end=1000.0, dt=dt, warmup=150.0, stimulus=stim, observe=["V", "I_Na"],
                      method=method, spike_capacity=100, silent_phase=True, **kw)
    assert raw.status[0] == 0
    on = burst_statistics(raw.burst, 1000.0, m.burst_gap)
    return np.array([*(raw.obs[:, 0, 0] / raw.n_obs_samples), on["silent_phase_V"][0]])


@pytest.mark.parametrize("method", ["adaptive", "rosenbrock"])
def test_online_time_averages_converge_with_the_tolerance(method):
    """The error-controlled methods summed each accepted step by the trapezoid rule (second
    order, on the solver's long steps) and left out the part below threshold of a step that
    crossed it: at rtol 1e-6 mean V was 8.6e-3 mV and the silent-phase V 1.6e-2 mV off, and
    tightening rtol 10^4-fold gained only ~40x. Now fourth order (a state's Hermite
    interpolant integrated exactly, an output by Simpson's rule, the crossing steps split at
    the crossing): within 1e-5 of the rtol 1e-10 run, and of rl2 at dt = 0.5 us for the means
    (the fixed-step silent phase sums whole samples below threshold: O(dt), 1.2e-4 mV here)."""
    coarse = _pulse_train_online(method, 1e-6)
    tight = _pulse_train_online(method, 1e-10)
    np.testing.assert_allclose(coarse, tight, rtol=0, atol=1e-5)
    fine = _pulse_train_online("rl2", dt=0.0005)
    np.testing.assert_allclose(tight[:2], fine[:2], rtol=0, atol=1e-5)
    assert tight[2] == pytest.approx(fine[2], abs=2e-4)


def test_a_sample_one_ulp_before_a_clamp_edge_takes_the_new_level():
    """3 x 0.3 = 0.8999999999999999: the fixed-step methods (by step index) gave the sample the
    level from the edge at 0.9 ms on, adaptive/rosenbrock and the reference the level before."""
    clamp = bp.VoltageClamp(-80.0, [(0.0, 0.9)], start=0.9)
    kw = dict(stimulus=clamp, record=["V"], record_every=0.3)
    assert bp.simulate("hh1952", 3.0, **kw).time.values[3] < 0.9
    want = [-80.0, -80.0, -80.0, 0.0, 0.0, 0.0, -80.0, -80.0, -80.0, -80.0, -80.0]
    for method in ("rl2", "adaptive", "rosenbrock"):
        np.testing.assert_array_equal(bp.simulate("hh1952", 3.0, method=method, **kw).V, want)
    np.testing.assert_array_equal(bp.reference.solve("hh1952", 3.0, **kw).V, want)
