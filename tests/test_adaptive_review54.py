"""Review 54 of the error-controlled ensemble driver (``adaptive``, ``rosenbrock``).

Segment ends closer than the step-size floor (a warm-up end one ulp from a pulse edge, a pulse
of 1e-10 ms) stopped the cells with a step size underflow; a forced landing step shrank the
controller's proposal; the outputs at the start of a clamp level were those of the level
before (a wrong time integral); the sample at ``t_end`` could stay NaN. References are
computed here, independently of biophys: the HH 1952 equations of ``tests/hh_reference.py``
(scipy's LSODA), and under clamp the gating variable n(t) in closed form.
"""

import math

import numpy as np
import pytest
from hh_reference import E_K, G_K, pulse, rates, solve, spike_times, steady_state

import biophys as bp
from biophys import _engine

HH = bp.model("hh1952")
METHODS = ("adaptive", "rosenbrock")


def _cell(y0=None):
    P = HH.default_parameters()[:, None]
    Y0 = (HH.default_states() if y0 is None else np.asarray(y0, dtype=float))[:, None]
    return P, Y0


# --- a warm-up end one ulp from a stimulus edge ------------------------------------------------


@pytest.fixture(scope="module")
def pulse_reference():
    """LSODA on a 10 uA/cm^2 pulse from 100 to 150 ms: spike times and the integral of V over
    [100, 200] ms (trapezoid on a 0.5 us grid)."""
    t = np.linspace(0.0, 200.0, 400_001)
    sol = solve(pulse(10.0, 100.0, 50.0), 200.0, y0=HH.default_states(), t_eval=t,
                max_step=0.02)
    v = sol.y[0]
    late = t >= 100.0
    return spike_times(t, v), np.trapezoid(v[late], t[late])


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("dt", [0.07, 0.0655])  # t_warm = 100 -/+ 1 ulp
def test_warmup_end_next_to_a_pulse_edge(method, dt, pulse_reference):
    """warmup = 100 ms is 99.99999999999999 ms at dt = 0.07 (100.00000000000001 at 0.0655)
    against the pulse edge at 100 ms: the one-ulp segment between them ended every cell with
    status 3. The warm-up now ends at the edge: the spikes and the integral of V after it
    match the reference, and the run takes the same steps as without warm-up."""
    ref_spikes, ref_int = pulse_reference
    P, Y0 = _cell()
    kw = dict(t_end=200.0, dt=dt, stimulus=bp.Pulse(10.0, 100.0, 50.0), method=method,
              spike_capacity=20, observe=["V"])
    r = _engine.run(HH, P, Y0, warmup=100.0, **kw)
    cold = _engine.run(HH, P, Y0, **kw)
    assert r.status[0] == 0
    assert r.t_warm == 100.0
    assert r.spike_count[0] == len(ref_spikes) == 4
    np.testing.assert_allclose(r.spike_times[0, :4], ref_spikes, atol=0.01)
    # the same steps as the run without warm-up (whose segments end at 100 ms as well)
    assert np.array_equal(r.spike_times, cold.spike_times, equal_nan=True)
    assert np.array_equal(r.Y, cold.Y)
    integral = r.obs[0, 0, 0] * (200.0 - r.t_warm) / r.n_obs_samples
    assert integral == pytest.approx(ref_int, abs=0.05)  # about -6000 mV ms


def test_sweep_with_warmup_at_a_pulse_edge_is_ok():
    """The reviewer's public repro: every point had status 3 (step size underflow)."""
    ds = bp.sweep("hh1952", {"g_L": [0.3, 0.31]}, t_end=200.0, dt=0.07, warmup=100.0,
                  stimulus=bp.Pulse(10.0, 100.0, 50.0), method="adaptive", progress=False)
    assert np.all(ds["status"].values == 0)
    # 4 spikes in the 100 ms after the warm-up (pulse_reference has 4 at g_L = 0.3)
    np.testing.assert_allclose(ds["spike_rate"].values, 40.0, rtol=1e-12)


# --- short segments and landing steps ----------------------------------------------------------


@pytest.mark.parametrize("method", METHODS)
def test_pulse_shorter_than_the_step_floor(method):
    """A pulse of 1e-10 ms (shorter than H_MIN) is one landing step, not a step size
    underflow; its charge (1e-9 nC/cm^2) leaves the run as without it, to the tolerance."""
    P, Y0 = _cell()
    base = _engine.run(HH, P, Y0, t_end=20.0, dt=0.05, method=method)
    r = _engine.run(HH, P, Y0, t_end=20.0, dt=0.05, stimulus=bp.Pulse(10.0, 1.0, 1e-10),
                    method=method)
    assert r.status[0] == 0
    np.testing.assert_allclose(r.Y, base.Y, rtol=0, atol=1e-5)


@pytest.mark.parametrize("method", METHODS)
def test_landing_step_keeps_the_proposal(method):
    """A pulse of 1 us adds two segment ends: at most one extra step at each (the landing
    step), then the step size before them (the proposal after a landing step of 1 us used to
    be at most 5 us, and the cell took about eight more steps to grow back)."""
    P, Y0 = _cell()
    base = _engine.run(HH, P, Y0, t_end=20.0, dt=0.05, method=method)
    r = _engine.run(HH, P, Y0, t_end=20.0, dt=0.05, stimulus=bp.Pulse(10.0, 1.0, 1e-6),
                    method=method)
    assert r.status[0] == 0
    assert r.n_accepted[0] <= base.n_accepted[0] + 3


@pytest.mark.parametrize("method", METHODS)
def test_dt_and_max_step_below_the_step_floor_are_refused(method):
    """A first step (dt) or max_step below the floor (2 H_MIN = 2e-9 ms) was status 3 with no
    step taken; now a ValueError naming the option, its unit and range. The floor is valid."""
    P, Y0 = _cell()
    with pytest.raises(ValueError, match=r"dt = 5e-10 ms must be in \[2e-09, t_end\] ms"):
        _engine.run(HH, P, Y0, t_end=1.0, dt=5e-10, method=method)
    with pytest.raises(ValueError, match=r"max_step = 5e-10 ms must be finite and >= 2e-09"):
        _engine.run(HH, P, Y0, t_end=1.0, dt=0.01, method=method, max_step=5e-10)
    r = _engine.run(HH, P, Y0, t_end=1e-6, dt=2e-9, method=method, max_step=2e-9)
    assert r.status[0] == 0


# --- outputs after a voltage-clamp jump --------------------------------------------------------


def _clamped_I_K_integral(levels):
    """Integral (uA/cm^2 ms) of I_K = g_K n^4 (V - E_K) over clamp levels ``(t0, t1, V)``
    from n at rest at -65 mV: n(t) = n_inf + (n0 - n_inf) exp(-t / tau_n) at each level,
    its fourth power integrated term by term."""
    n0 = steady_state(-65.0)[3]
    total = 0.0
    for a, b, v in levels:
        _, _, _, _, an, bn = rates(v)
        ninf, tau, T = an / (an + bn), 1.0 / (an + bn), b - a
        d = n0 - ninf
        s = ninf**4 * T
        for k in range(1, 5):
            s += math.comb(4, k) * ninf ** (4 - k) * d**k * tau / k * -math.expm1(-k * T / tau)
        total += G_K * (v - E_K) * s
        n0 = ninf + d * math.exp(-T / tau)
    return total


@pytest.mark.parametrize("method", METHODS)
def test_output_integral_across_clamp_jumps(method):
    """The first step of a clamp level integrated I_K by Simpson's rule from its value at the
    level before (error +3.4 of 5258 uA/cm^2 ms with adaptive, +0.15 with rosenbrock, at
    rtol 1e-9); now to the tolerance."""
    clamp = bp.VoltageClamp(-65.0, steps=[(0.0, 5.0)], start=1.0)
    exact = _clamped_I_K_integral([(0.0, 1.0, -65.0), (1.0, 6.0, 0.0), (6.0, 12.0, -65.0)])
    P, Y0 = _cell(steady_state(-65.0))
    r = _engine.run(HH, P, Y0, t_end=12.0, dt=0.01, stimulus=clamp, observe=["I_K"],
                    method=method, rtol=1e-9, atol=1e-11)
    assert r.status[0] == 0
    integral = r.obs[0, 0, 0] * 12.0 / r.n_obs_samples
    assert integral == pytest.approx(exact, abs=1e-3)  # 5258.48


# --- the sample at t_end -----------------------------------------------------------------------


@pytest.mark.parametrize("t_end", [1017.0691958334522, 1790.4845657703852, 1897.8123998031153])
def test_last_sample_at_t_end(t_end):
    """A last step from before t_end / 2 ends at t + h one ulp below t_end, which the commit
    snaps to t_end; the sample at t_end was compared with t + h and stayed NaN (status ok).
    It is the final state."""
    P, Y0 = _cell()
    r = _engine.run(HH, P, Y0, t_end=t_end, dt=t_end / 7, method="rosenbrock", record=["V"],
                    rtol=1e-3, atol=1e-3)
    assert r.status[0] == 0
    assert r.times[-1] == t_end
    assert r.rec[0, 0, -1] == r.Y[0, 0]
    assert np.all(np.isfinite(r.rec))
