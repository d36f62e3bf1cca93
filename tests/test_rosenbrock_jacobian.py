"""The Jacobian that method="rosenbrock" builds, entry by entry, against independent ones.

ROS34PW2 is a W-method: it keeps its order with any Jacobian, so a wrong ``d f/d y`` (a flipped
sign, a missing column) shows only in step counts and passes every accuracy test. Here the
generated driver's own attempt function (``_attempt_ros`` of the model's driver module, the code
``run_rosenbrock`` inlines) is called on one block whose lanes hold physiological states, and
the forward-difference Jacobian it leaves in its workspace (rows ``[0, NS*NS)``) is compared
with a centred difference of ``f = A - B y`` from the model's ``rates`` (every built-in model)
and, for hh1952, with the Jacobian differentiated by hand from the paper's equations.

Tolerance. The kernel differences state ``j`` with ``dy_j = FD_EPS s_j``, ``FD_EPS = sqrt(eps)``
= 1.5e-8, ``s_j = max(|y_j|, atol/max(rtol, 1e-6))``. Truncation: ``|f''| dy / 2``, about
``FD_EPS/2 |J_ij|`` = 7e-9 |J_ij| where f bends on the scale ``s_j``. Rounding: ``f_i = A_i -
B_i y_i`` carries about ``eps T_i`` (``T_i = |A_i| + |B_i y_i|``; beta_cell's K_i row cancels
1e4-fold there), so the quotient errs by ``eps T_i / dy_j``. The centred reference (step ``1e-4
|y_j|``, or 1e-6 at y_j = 0) errs by about 2e-9 relatively (truncation) plus ``eps T_i / h``.
Entries must agree within ``TOL (|J_ij| + R_i/s_j) + 100 eps T_i / dy_j``, TOL = 1e-5 (``R_i =
max_k |J_ik| s_k``, the row's scale): 100-1000x above the truncation estimates and 100x above
the rounding one (room for cancellation inside A_i and for rates that bend faster than ``s_j``);
the largest measured error is 0.12 of it (zg_cell). A sign flip, a zeroed entry or a halved
Jacobian errs by 50-200 % of a row's dominant entry.
"""

import importlib

import numpy as np
import pytest

import biophys as bp
from biophys import _compile, _engine
from biophys.kernels.ensemble_rosenbrock import FD_EPS
from biophys.kernels.protocol import block_parameters

TOL = 1e-5
EPS = np.finfo(np.float64).eps

#: per model: parameter overrides, t_end (ms) and simulate keywords giving non-resting states
#: (a spike, a relaxation, a voltage-clamp step for the clamp-driven exocytosis model)
CASES = {
    "bertram_sherman_2004": ({}, 3000.0, {"initial": {"V": -30.0}}),
    "beta_cell": ({}, 3000.0, {}),
    "chay_keizer_1983": ({}, 3000.0, {}),
    "chen_2008_exocytosis": ({}, 60.0, {"stimulus": bp.VoltageClamp(-70.0, steps=[(0.0, 40.0)],
                                                                      start=10.0)}),
    "hh1952": ({"I_app": 10.0}, 30.0, {}),
    "iom_1_7": ({}, 3000.0, {"initial": {"V": -30.0}}),
    "sherman_rinzel_keizer_1988": ({}, 3000.0, {}),
    "zg_cell": ({"K_o": 10.0}, 3000.0, {}),
}


def test_every_built_in_model_is_covered():
    assert set(CASES) == set(bp.list_models())


def _setup(name):
    """Model, kernel module, block parameters (one column) and states (one column each): the
    default state, the spike peak (max V), the fastest upstroke (max dV/dt) and the end."""
    m = bp.model(name)
    k = importlib.import_module(m.kernel.__name__)
    params, t_end, kw = CASES[name]
    p = m.default_parameters().copy()
    for key, value in params.items():
        p[m.parameter_index(key)] = value
    ds = bp.simulate(name, t_end, params=params, record=list(m.state_names), **kw)
    traj = np.array([ds[s].values for s in m.state_names])
    picks = [int(np.argmax(traj[0])), int(np.argmax(np.diff(traj[0]))), traj.shape[1] - 1]
    Y = np.column_stack([m.default_states(), traj[:, picks]])
    return m, k, block_parameters(k, p[:, None]), Y


def kernel_jacobian(m, P, Y, rtol=_engine.RTOL, atol=_engine.ATOL):
    """The Jacobian ``J[c, i, j]`` that the driver's ``_attempt_ros`` computes for each column
    ``c`` of ``Y`` (one block, every lane due: a first attempt), at the tolerances given
    (default: the defaults)."""
    d = _compile.load_driver(m)
    ns, nb, bl = d.NS, Y.shape[1], d.BLOCK
    Yb, Pb = np.zeros((ns, bl)), np.zeros((d.NP, bl))
    Yb[:, :nb] = Y
    Pb[:, :nb] = P[:, [0]]
    W = np.zeros((2 * ns * ns + 3 * ns + d.NP + 7, bl))
    hs = np.zeros(bl)
    hs[:nb] = 1e-3
    fpar = np.zeros(d.N_FPAR + 2 * ns)
    fpar[d.F_RTOL] = rtol
    fpar[d.N_FPAR:d.N_FPAR + ns] = atol
    d._attempt_ros(Yb, np.zeros((ns, bl)), Pb, np.zeros((7 * ns, bl)), np.zeros((ns, bl)),
                   np.zeros((ns, bl)), W, np.zeros((bl, ns), dtype=np.int64), np.zeros(bl), hs,
                   np.zeros(bl), False, True, np.ones(bl), np.zeros(bl), fpar, nb, 0)
    return W[:ns * ns, :nb].T.reshape(nb, ns, ns)


def _f(k, P, y):
    A, B, Y = np.zeros((len(y), 1)), np.zeros((len(y), 1)), y[:, None].copy()
    k.rates(Y, P, 0, 0.0, 0.0, A, B)
    return A[:, 0] - B[:, 0] * y, np.abs(A[:, 0]) + np.abs(B[:, 0] * y)


def centred_jacobian(k, P, y):
    """``(f(y + h e_j) - f(y - h e_j)) / 2h`` with ``h = 1e-4 |y_j|`` (1e-6 where y_j = 0)."""
    J = np.zeros((len(y), len(y)))
    for j in range(len(y)):
        h = 1e-4 * abs(y[j]) or 1e-6
        e = np.zeros(len(y))
        e[j] = h
        J[:, j] = (_f(k, P, y + e)[0] - _f(k, P, y - e)[0]) / (2 * h)
    return J


def assert_jacobians_close(Jk, Jr, y, T, floor=_engine.ATOL / _engine.RTOL):
    """Entry by entry within the module docstring's tolerance (``T``: ``|A| + |B y|`` at y;
    ``floor``: the increments' ``atol/rtol``, default the default tolerances'); returns the
    largest error as a fraction of it."""
    s = np.maximum(np.abs(y), floor)
    R = np.max(np.abs(Jr) * s[None, :], axis=1)
    tol = TOL * (np.abs(Jr) + R[:, None] / s) + 100 * EPS * T[:, None] / (FD_EPS * s)
    tol = np.where(tol > 0, tol, 1e-300)  # an all-zero row must stay exactly zero
    err = np.abs(Jk - Jr) / tol
    bad = np.argwhere(err > 1.0)
    assert bad.size == 0, "J[i, j] kernel vs reference: " + "; ".join(
        f"[{i},{j}] {Jk[i, j]:.6g} vs {Jr[i, j]:.6g}" for i, j in bad[:8])
    return err.max()


#: Models checked in the default suite; the others (the classic bursters and the exocytosis
#: model, which share the driver code with these) only with ``-m slow``: each model's
#: Jacobian routine is compiled on its own here (about 5 s per model from a cold cache).
DEFAULT_SUITE = ("beta_cell", "hh1952", "zg_cell")


@pytest.mark.parametrize("name", [n if n in DEFAULT_SUITE else
                                  pytest.param(n, marks=pytest.mark.slow) for n in sorted(CASES)])
def test_kernel_jacobian_matches_centred_difference(name):
    """Every entry of the kernel's Jacobian at four states per model agrees with a centred
    difference of the model's f; the dominant V dependence (column 0) is really exercised."""
    m, k, P, Y = _setup(name)
    Jk = kernel_jacobian(m, P, Y)
    for c in range(Y.shape[1]):
        Jr = centred_jacobian(k, P, Y[:, c])
        assert_jacobians_close(Jk[c], Jr, Y[:, c], _f(k, P, Y[:, c])[1])
    assert np.any(Jk[:, 1:, 0] != 0.0)  # some state depends on V (break test (b) bites)


def _hh_analytic(y, p):
    """d f/d y of the HH 1952 equations (paper's rates, -65 mV rest, phi = 1 at 6.3 C),
    differentiated by hand: no difference quotient and no biophys code."""
    v, m, h, n = y
    C, gna, gk, gl, ena, ek, _el = p[:7]

    def vt(u):  # u/(1 - e^-u) and its derivative
        q = -np.expm1(-u)
        return u / q, (q - u * np.exp(-u)) / q**2

    (am, dam), (an, dan) = vt((v + 40) / 10), vt((v + 55) / 10)
    dam, an, dan = dam / 10, 0.1 * an, 0.01 * dan
    bm, ah, bn = 4 * np.exp(-(v + 65) / 18), 0.07 * np.exp(-(v + 65) / 20), 0.125 * np.exp(
        -(v + 65) / 80)
    bh = 1 / (1 + np.exp(-(v + 35) / 10))
    dbm, dah, dbh, dbn = -bm / 18, -ah / 20, bh * (1 - bh) / 10, -bn / 80
    return np.array([
        [-(gna * m**3 * h + gk * n**4 + gl) / C, -3 * gna * m**2 * h * (v - ena) / C,
         -gna * m**3 * (v - ena) / C, -4 * gk * n**3 * (v - ek) / C],
        [dam * (1 - m) - dbm * m, -(am + bm), 0, 0],
        [dah * (1 - h) - dbh * h, 0, -(ah + bh), 0],
        [dan * (1 - n) - dbn * n, 0, 0, -(an + bn)]])


def test_hh_kernel_jacobian_matches_analytic():
    """hh1952 at rest, spike peak, upstroke and after the spike: the kernel's Jacobian against
    the hand-differentiated one (its own error only: rounding, about 1e-15 relative)."""
    m, k, P, Y = _setup("hh1952")
    assert m.default_parameters()[m.parameter_index("temperature")] == 6.3
    Jk = kernel_jacobian(m, P, Y)
    for c in range(Y.shape[1]):
        assert_jacobians_close(Jk[c], _hh_analytic(Y[:, c], P[:, 0]), Y[:, c],
                               _f(k, P, Y[:, c])[1])


def test_a_tight_rtol_does_not_widen_the_increment():
    """The increment's floor ``atol/rtol`` grew as rtol was tightened: at rtol 1e-10 with atol
    1e-6 it was 1e4, an increment of 1.5e-4 mM on beta_cell's Ca_i (3e-4 mM), whose column then
    erred by 0.7 % (and ADP's by 1330 % at rtol 1e-12, atol 1e-4). Below rtol 1e-6 the floor
    is ``atol / 1e-6`` (ensemble_rosenbrock.FD_RTOL), and the Jacobian is as accurate as at
    the defaults."""
    m, k, P, Y = _setup("beta_cell")
    Jk = kernel_jacobian(m, P, Y, rtol=1e-10, atol=1e-6)
    for c in range(Y.shape[1]):
        Jr = centred_jacobian(k, P, Y[:, c])
        assert_jacobians_close(Jk[c], Jr, Y[:, c], _f(k, P, Y[:, c])[1], floor=1.0)
