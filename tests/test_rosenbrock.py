"""method="rosenbrock": the stiff option, Rosenbrock-W ROS34PW2 inside the ensemble kernel.

References are independent of the kernel: the method's order conditions and stability function
computed from the published table (Rang & Angermann 2005), a fixed-step NumPy implementation
of the transformed stage equations on a test problem with a known solution, NumPy's linear
solver, scipy's LSODA on the Hodgkin-Huxley equations of ``tests/hh_reference.py`` and on the
independent beta-cell of ``tests/beta_cell_reference.py``, and the Chen et al. voltage-clamp
reference of ``tests/test_exocytosis.py``.
"""

import numpy as np
import pytest
from hh_reference import rhs_factory, steady_state
from scipy.integrate import solve_ivp

import biophys as bp
from biophys import _engine
from biophys.kernels import ensemble_rosenbrock as ros
from biophys.kernels.protocol import block_parameters

HH = bp.model("hh1952")


def _hh(currents, t_end, **kw):
    n = len(currents)
    P = np.repeat(HH.default_parameters()[:, None], n, axis=1)
    P[HH.parameter_index("I_app")] = currents
    Y0 = np.repeat(HH.default_states()[:, None], n, axis=1)
    return _engine.run(HH, P, Y0, t_end=t_end, dt=0.025, spike_capacity=1000,
                       method="rosenbrock", **kw)


# --- the method ---------------------------------------------------------------------------------

def test_published_table_satisfies_the_order_conditions():
    """Order 3 (and 2 for the embedded solution), Hairer & Wanner II, Table IV.7.1, with
    beta_ij = alpha_ij + gamma_ij; stiffly accurate; L-stable (R(inf) = 0)."""
    a, G, b, bh, g = ros.ROS_ALPHA, ros.ROS_GAMMA_TABLE, ros.ROS_B, ros.ROS_BHAT, ros.ROS_GAMMA
    beta = a + G - np.diag(np.diag(G))  # strictly lower part of alpha + Gamma
    bp_ = beta.sum(axis=1)
    al = a.sum(axis=1)
    assert b.sum() == pytest.approx(1.0, abs=1e-14)
    assert b @ bp_ == pytest.approx(0.5 - g, abs=1e-14)
    assert b @ al**2 == pytest.approx(1.0 / 3.0, abs=1e-14)
    assert b @ (beta @ bp_) == pytest.approx(1.0 / 6.0 - g + g * g, abs=1e-14)
    assert bh.sum() == pytest.approx(1.0, abs=1e-14)
    assert bh @ bp_ == pytest.approx(0.5 - g, abs=1e-14)
    assert b @ al**2 - bh @ al**2 != pytest.approx(0.0, abs=1e-3)  # the estimate is not empty
    np.testing.assert_allclose(a[3] + G[3], b, atol=1e-15)  # stiffly accurate

    def R(z):  # stability function: 1 + z b^T (I - z (alpha + Gamma))^-1 1
        return 1.0 + z * b @ np.linalg.solve(np.eye(4) - z * (a + G), np.ones(4))

    assert abs(R(-1e10)) < 1e-8
    assert all(abs(R(complex(-x, y))) <= 1.0 + 1e-12 for x in (0.1, 1, 10, 100)
               for y in (0, 1, 10, 100))


def _fixed_step(f, jac, y0, h, n, weights):
    """The transformed stage equations with the module's coefficients, fixed step."""
    y = np.array(y0, dtype=float)
    for _ in range(n):
        M = np.eye(len(y)) / (h * ros.ROS_GAMMA) - jac(y)
        u = []
        for i in range(4):
            arg = y + sum(ros.ROS_A[i, j] * u[j] for j in range(i))
            rhs = f(arg) + sum(ros.ROS_CC[i, j] / h * u[j] for j in range(i))
            u.append(np.linalg.solve(M, rhs))
        y = y + sum(w * uj for w, uj in zip(weights, u, strict=True))
    return y


@pytest.mark.parametrize("exact_jacobian", [True, False])
def test_transformed_coefficients_converge_with_order_3_and_2(exact_jacobian):
    """y' = -y^2 (y = 1/(1+t)) and a rotation, fixed steps: global error falls 8x (order 3)
    per halving of h with the main weights, 4x with the embedded ones; with a wrong Jacobian
    (a W-method) order 3 survives."""
    def f(y):
        return np.array([-y[0] ** 2, -y[2], y[1]])

    def jac(y):
        J = np.array([[-2 * y[0], 0, 0], [0, 0, -1.0], [0, 1.0, 0]])
        return J if exact_jacobian else 0.5 * J + 0.1

    exact = np.array([1 / 3, np.cos(2.0), np.sin(2.0)])
    m_hat = ros.ROS_M - ros.ROS_E
    for weights, order in ((ros.ROS_M, 3), (m_hat, 2)):
        errs = [np.max(np.abs(_fixed_step(f, jac, [1.0, 1.0, 0.0], 2.0 / n, n, weights) - exact))
                for n in (40, 80, 160)]
        rates = np.log2(np.array(errs[:-1]) / np.array(errs[1:]))
        assert np.all(np.abs(rates - order) < 0.25), rates


def test_lu_factor_and_solve_match_numpy_and_detect_singular():
    rng = np.random.default_rng(3)
    for n in (1, 5, 27):
        A = rng.standard_normal((n, n)) + np.diag(rng.uniform(-1, 1, n))
        rhs = rng.standard_normal(n)
        m = A.ravel().copy()
        piv = np.zeros(n, dtype=np.int64)
        assert ros.lu_factor(m, piv, n)
        X = np.zeros((n + 2, 3))
        X[2:, 1] = rhs
        ros.lu_solve(m, piv, n, X, 2, 1)
        np.testing.assert_allclose(X[2:, 1], np.linalg.solve(A, rhs), rtol=1e-10, atol=1e-12)
        assert np.all(X[:, [0, 2]] == 0.0)
    S = np.array([[1.0, 2.0], [2.0, 4.0]])
    assert not ros.lu_factor(S.ravel().copy(), np.zeros(2, dtype=np.int64), 2)
    assert not ros.lu_factor(np.array([np.nan, 0, 0, 1.0]), np.zeros(2, dtype=np.int64), 2)


@pytest.mark.parametrize("name", bp.list_models())
def test_built_in_rates_are_autonomous(name):
    """The method has no df/dt term: the models' rates may not depend on t itself."""
    m = bp.model(name)
    import importlib

    k = importlib.import_module(m.kernel.__name__)
    P = block_parameters(k, m.default_parameters()[:, None])
    Y = m.default_states()[:, None] * 1.01 + 1e-3
    out = []
    for t in (0.0, 12345.678):
        A, B = np.zeros_like(Y), np.zeros_like(Y)
        k.rates(Y, P, 0, t, 0.0, A, B)
        out.append(A[:, 0] - B[:, 0] * Y[:, 0])
    np.testing.assert_array_equal(out[0], out[1])


# --- accuracy ------------------------------------------------------------------------------------

def test_hh_spike_counts_and_times_match_lsoda():
    """Spike counts over 0..20 uA/cm2 (the bistable band near 6.3 included) equal a tight LSODA
    solution; spike times agree within 0.05 ms at rtol 1e-7."""
    currents = np.linspace(0.0, 20.0, 11)
    t_end = 150.0
    r = _hh(currents, t_end, rtol=1e-7, atol=1e-9)
    assert np.all(r.status == 0)
    for k, cur in enumerate(currents):
        def up(t, y):
            return y[0]

        up.direction = 1.0
        sol = solve_ivp(rhs_factory(lambda t, c=cur: c), (0.0, t_end), steady_state(),
                        method="LSODA", rtol=1e-10, atol=1e-12, max_step=0.05, events=up)
        ref = sol.t_events[0]
        got = r.spike_times[k, :r.spike_count[k]]
        assert got.size == ref.size, cur
        if ref.size:
            assert np.max(np.abs(got - ref)) < 0.05, cur


def test_error_shrinks_with_rtol():
    errs = []
    for rtol in (1e-4, 1e-6, 1e-8):
        r = _hh([10.0], 60.0, rtol=rtol, atol=rtol * 1e-2, record=["V"])
        sol = solve_ivp(rhs_factory(lambda t: 10.0), (0.0, 60.0), steady_state(),
                        method="LSODA", rtol=1e-11, atol=1e-13, max_step=0.02, t_eval=r.times)
        errs.append(np.max(np.abs(r.rec[0, 0] - sol.y[0])))
    assert errs[0] > 5 * errs[1] > 25 * errs[2]
    assert errs[2] < 1e-3  # mV


def test_bit_identical_for_any_block_placement_and_thread_count():
    import numba

    currents = np.linspace(0.0, 20.0, 21)
    a = _hh(currents, 40.0)
    perm = np.random.default_rng(0).permutation(21)
    old = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        b = _hh(currents[perm], 40.0)
    finally:
        numba.set_num_threads(old)
    np.testing.assert_array_equal(a.Y[:, perm], b.Y)
    np.testing.assert_array_equal(a.spike_count[perm], b.spike_count)


# --- stiffness -----------------------------------------------------------------------------------

def test_stiff_beta_cell_takes_far_fewer_steps_than_dormand_prince():
    """The silent beta-cell at 5.6 mM glucose relaxes to rest through fast Ca2+ microdomain
    and buffer modes: the explicit method's step is held by stability, the L-stable one grows
    with the solution's own time scale (step counts, not wall time). Both rest at the same V."""
    m = bp.model("beta_cell")
    P = m.default_parameters()[:, None].copy()
    P[m.parameter_index("glucose")] = 5.6
    Y0 = m.default_states()[:, None]
    runs = {meth: _engine.run(m, P, Y0, t_end=20_000.0, dt=m.dt, method=meth, rtol=1e-5)
            for meth in ("adaptive", "rosenbrock")}
    assert all(r.status[0] == 0 for r in runs.values())
    n_dp, n_ros = (int(runs[k].n_accepted[0]) for k in ("adaptive", "rosenbrock"))
    assert n_ros * 5 < n_dp, (n_ros, n_dp)
    assert runs["rosenbrock"].Y[0, 0] == pytest.approx(runs["adaptive"].Y[0, 0], abs=0.05)


def test_bursting_beta_cell_matches_independent_lsoda():
    """11.1 mM glucose, 10 s: the spike train of the independent beta-cell solved by LSODA
    (same spikes, each within 1 ms), as the fixed-step test of ``test_beta_cell``."""
    import beta_cell_reference as ref

    ds = bp.simulate("beta_cell", 10_000.0, method="rosenbrock", record=["V"],
                     record_every=10.0)
    sol = ref.solve(ref.model_params(), 10_000.0, rtol=1e-9, atol=1e-11, max_step=0.5)
    expect = ref.spike_times(sol.t, sol.y[0])
    got = ds.spike_times.values
    assert expect.size > 30 and got.size == expect.size
    assert np.max(np.abs(got - expect)) < 1.0


def test_voltage_clamp_exocytosis_matches_the_reference():
    """Under voltage clamp (V is the command, dV/dt = 0), 200 ms at -20 mV."""
    from test_exocytosis import reference_fused

    ref_fused = reference_fused(200.0, r1=0.6, hold_before_ms=20.0)
    ds = bp.simulate("chen_2008_exocytosis", t_end=220.0, method="rosenbrock",
                     stimulus=bp.VoltageClamp(holding=-70.0, steps=[(-20.0, 200.0)], start=20.0),
                     record=["fused_total", "V"])
    f = ds.fused_total.interp(time=[20.0, 220.0]).values
    assert (f[1] - f[0]) / ref_fused == pytest.approx(1.0, abs=0.01)
    # the clamp holds V at the command over the whole trace: -70 mV before the step, -20 mV
    # after it (the sample at the step's start may show either)
    v, t = ds.V.values, ds.time.values
    assert v.shape == t.shape and v.size > 2
    assert np.all(np.isin(v, [-70.0, -20.0]))
    assert np.all(v[t < 20.0] == -70.0) and np.all(v[t > 20.0] == -20.0)


def test_unknown_method_names_the_choices():
    with pytest.raises(ValueError, match="rosenbrock"):
        _engine.run(HH, HH.default_parameters()[:, None], HH.default_states()[:, None],
                    t_end=1.0, dt=0.025, method="implicit")
