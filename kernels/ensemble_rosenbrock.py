"""The stiff error-controlled method of the ensemble driver: the Rosenbrock-W method ROS34PW2.

ROS34PW2 (Rang & Angermann 2005, BIT Numer Math 45:761, table of ROS34PW2) is a linearly
implicit four-stage method of order 3 with an embedded order-2 solution; it is L-stable,
stiffly accurate, and a W-method: it keeps its order with any approximation of the Jacobian,
which therefore only has to be good enough for stability. Each step of a cell solves four
linear systems with one matrix ``M = I/(h gamma) - J``: no Newton iteration, so the cost of a
step is fixed and a stiff mode (the Ca2+ microdomain of the beta-cell models, fast buffers)
does not limit the step size as it does for Dormand-Prince.

Per step and cell: the Jacobian by forward differences when it is due (a lane uses each
Jacobian for at most :data:`JAC_AGE` + 1 attempts, the one that evaluates it included, and
re-evaluates it sooner after a rejected step and at a stimulus jump, which a W-method allows
without loss of order; the due lanes of the block are gathered into columns of their
own and differenced together, one ``rates`` call per state, so the model's vectorised
``rates`` is reused and the other lanes cost nothing: their ages drift apart, so in a block of
cells of different stiffness some lane is due at most attempts), the LU
factorisation of ``M`` with partial pivoting (per cell), three more ``rates`` calls for the
stages and one at the new point (for the cubic Hermite interpolant used for spike times and
records, and as the first stage of the next step). The step loop, events and step-size
control are those of :mod:`biophys.kernels.ensemble_adaptive`.

The method treats ``rates`` as autonomous within a stimulus segment (no ``df/dt`` term): the
stimulus is piecewise constant and no segment is crossed by a step; the kernel protocol's
models use ``t`` only through the stimulus (checked for every built-in model by
``tests/test_rosenbrock.py``).

Form. With ``Gamma`` (lower triangular, diagonal ``gamma``) and ``alpha`` the published
coefficients, the stages are solved in the transformed variables ``u_i = sum_j Gamma_ij k_j``
(Hairer & Wanner, Solving ODEs II, section IV.7, eq. 7.4'), which needs no Jacobian-vector
products::

    (I/(h gamma) - J) u_i = f(y0 + sum_{j<i} a_ij u_j) + sum_{j<i} (c_ij / h) u_j
    y1 = y0 + sum_i m_i u_i,   error = sum_i (m_i - mhat_i) u_i

with ``a = alpha Gamma^-1``, ``c = diag(1/gamma) - Gamma^-1``, ``m = b Gamma^-1``,
``mhat = bhat Gamma^-1``, computed below from the published table.
"""

import math

import numpy as np

from ._jit import jit

#: ROS34PW2, Rang & Angermann (2005): diagonal gamma, alpha (propagation), Gamma (stage
#: coupling, strictly lower part), b (order 3) and bhat (embedded, order 2).
ROS_GAMMA = 4.3586652150845900e-01
ROS_ALPHA = np.array([
    [0.0, 0.0, 0.0, 0.0],
    [8.7173304301691801e-01, 0.0, 0.0, 0.0],
    [8.4457060015369423e-01, -1.1299064236484185e-01, 0.0, 0.0],
    [0.0, 0.0, 1.0, 0.0],
])
ROS_GAMMA_TABLE = np.array([
    [ROS_GAMMA, 0.0, 0.0, 0.0],
    [-8.7173304301691801e-01, ROS_GAMMA, 0.0, 0.0],
    [-9.0338057013044082e-01, 5.4180672388095326e-02, ROS_GAMMA, 0.0],
    [2.4212380706095346e-01, -1.2232505839045147e+00, 5.4526025533510214e-01, ROS_GAMMA],
])
ROS_B = np.array([2.4212380706095346e-01, -1.2232505839045147e+00, 1.5452602553351020e+00,
                  4.3586652150845900e-01])
ROS_BHAT = np.array([3.7810903145819369e-01, -9.6042292212423178e-02, 5.0000000000000000e-01,
                     2.1793326075422950e-01])

# the transformed coefficients (Hairer & Wanner IV.7, eq. 7.4')
_G_INV = np.linalg.inv(ROS_GAMMA_TABLE)
ROS_A = ROS_ALPHA @ _G_INV  # stage arguments
ROS_CC = np.diag(np.diag(_G_INV)) - _G_INV  # stage coupling (divided by h)
ROS_M = ROS_B @ _G_INV  # solution weights
ROS_E = ROS_M - ROS_BHAT @ _G_INV  # error weights
ROS_C = ROS_ALPHA.sum(axis=1)  # stage times (fractions of the step)

#: a lane's Jacobian serves at most JAC_AGE + 1 attempts, the one that evaluates it and
#: JAC_AGE more: its age (attempts made with it) is reset to 0 when it is evaluated and counts
#: every attempt, and an attempt re-evaluates it when the age exceeds JAC_AGE (sooner after a
#: rejected step or at a stimulus jump)
JAC_AGE = 10

#: relative increment of the forward-difference Jacobian (sqrt of the double epsilon); the
#: increment of state ``j`` is ``FD_EPS * max(|y_j|, atol_j / max(rtol, FD_RTOL))``
FD_EPS = math.sqrt(np.finfo(np.float64).eps)
#: the rtol below which the increment's floor ``atol_j / rtol`` (a state's size at which its
#: absolute and relative tolerances meet) stops growing: with rtol 1e-10 and atol 1e-6 that
#: floor was 1e4, an increment half the size of beta_cell's Ca_i (3e-4 mM), whose Jacobian
#: column then erred by 0.7 % (tests/test_rosenbrock_jacobian.py); the default rtol (1e-6)
FD_RTOL = 1e-6


@jit
def lu_factor(m, piv, n):
    """LU factorisation with partial pivoting, in place, of the ``n x n`` row-major matrix
    ``m`` (contiguous, length ``n * n``); row swaps go to ``piv``. Returns False (and leaves
    the factors incomplete) at a zero or non-finite pivot."""
    for k in range(n):
        p = k
        big = abs(m[k * n + k])
        for i in range(k + 1, n):
            v = abs(m[i * n + k])
            if v > big:
                big = v
                p = i
        if not (big > 0.0 and big < math.inf):
            return False
        piv[k] = p
        if p != k:
            for j in range(n):
                tmp = m[k * n + j]
                m[k * n + j] = m[p * n + j]
                m[p * n + j] = tmp
        inv = 1.0 / m[k * n + k]
        for i in range(k + 1, n):
            lik = m[i * n + k] * inv
            m[i * n + k] = lik
            if lik != 0.0:
                for j in range(k + 1, n):
                    m[i * n + j] -= lik * m[k * n + j]
    return True


@jit
def lu_solve(m, piv, n, X, r0, c):
    """Solve ``M x = X[r0:r0 + n, c]`` in place with the factors of :func:`lu_factor`."""
    for k in range(n):
        p = piv[k]
        if p != k:
            tmp = X[r0 + k, c]
            X[r0 + k, c] = X[r0 + p, c]
            X[r0 + p, c] = tmp
    for i in range(1, n):
        s = X[r0 + i, c]
        for j in range(i):
            s -= m[i * n + j] * X[r0 + j, c]
        X[r0 + i, c] = s
    for i in range(n - 1, -1, -1):
        s = X[r0 + i, c]
        for j in range(i + 1, n):
            s -= m[i * n + j] * X[r0 + j, c]
        X[r0 + i, c] = s / m[i * n + i]


#: The per-model attempt function, appended once after the adaptive header. K slots: 0 the
#: derivative at the current state, 1-4 the stage vectors u, 5 scratch, 6 the derivative at the
#: new point (as for Dormand-Prince, so the events and the FSAL commit are shared).
HEADER_TEMPLATE = """\
@jit(inline="always")
def _attempt_ros(Yb, Yt, Pb, K, A, B, W, piv, tc, hs, sc, clamp, refresh, flag, errn, fpar, nb,
                 i0):
    # one ROS34PW2 attempt of every lane: Yt <- the 3rd-order solution, K[6] <- its derivative,
    # errn <- sum over states of the squared scaled error. W: the method's workspace rows (the
    # Jacobian, the LU factors of I/(h gamma) - J, the Jacobian's age, the time of the last
    # attempt, then the lanes whose Jacobian is due, gathered: their states, parameters,
    # derivatives (two slots), time, step, stimulus, lane index and difference increment)
    rtol = fpar[F_RTOL]
    J = W[:NS * NS]  # J[i * NS + j, c]: d f_i / d y_j of lane c
    LU = W[NS * NS:2 * NS * NS].reshape(BLOCK, NS * NS)  # lane-major: contiguous per lane
    jage = W[2 * NS * NS]
    tprev = W[2 * NS * NS + 1]
    g0 = 2 * NS * NS + 2
    Yg = W[g0:g0 + NS]
    Pg = W[g0 + NS:g0 + NS + NP]
    Kg = W[g0 + NS + NP:g0 + 3 * NS + NP]
    tcg = W[g0 + 3 * NS + NP]
    hsg = W[g0 + 3 * NS + NP + 1]
    scg = W[g0 + 3 * NS + NP + 2]
    lane = W[g0 + 3 * NS + NP + 3]
    dyg = W[g0 + 3 * NS + NP + 4]
    # K's slots 5 and 6 (of seven) as computed int64, not literals: Numba compiles a separate
    # specialisation of a function for every literal int passed to it
    s6 = K.shape[0] // NS - 1
    s5 = s6 - 1
    if refresh:
        _refresh_derivative(Yb, Yt, Pb, nb, tc, hs, sc, clamp, A, B, K, flag)
    # Jacobian by forward differences, for the lanes whose Jacobian is due: none yet, older
    # than ROS_JAC_AGE attempts, the last attempt rejected (the time did not advance), or a new
    # stimulus segment. A W-method keeps its order with a lagged Jacobian, so the others keep
    # theirs. The due lanes are gathered first (their ages drift apart, so in a block of cells
    # of different stiffness some lane is due at most attempts, and differencing every lane
    # then cost NS extra rates calls per attempt): one state of every due lane at a time.
    n_due = 0
    for c in range(nb):
        due = hs[c] > 0.0 and (jage[c] == 0.0 or jage[c] > ROS_JAC_AGE or tc[c] == tprev[c]
                               or (refresh and flag[c] > 0.0))
        jage[c] = 0.0 if due else jage[c]
        tprev[c] = tc[c]
        if due:
            lane[n_due] = c
            n_due += 1
    if n_due > 0:
        for g in range(n_due):
            c = int(lane[g])
            for i in range(NS):
                Yg[i, g] = Yb[i, c]
                Kg[i, g] = K[i, c]
            for i in range(NP):
                Pg[i, g] = Pb[i, c]
            tcg[g] = tc[c]
            hsg[g] = hs[c]
            scg[g] = sc[c]
        s1 = Kg.shape[0] // NS - 1  # slot 1 of two, computed (see s6 above)
        for j in range(NS):
            scale = fpar[N_FPAR + j] / max(rtol, ROS_FD_RTOL)
            for g in range(n_due):
                y = Yg[j, g]
                Yg[j, g] = y + ROS_FD_EPS * max(abs(y), scale)
                dyg[g] = Yg[j, g] - y
            _derivative(Yg, Pg, n_due, tcg, hsg, 0.0, scg, clamp, A, B, Kg, s1)
            for g in range(n_due):
                c = int(lane[g])
                Yg[j, g] = Yb[j, c]
                for i in range(NS):
                    J[i * NS + j, c] = (Kg[NS + i, g] - Kg[i, g]) / dyg[g]
    for c in range(nb):
        jage[c] += 1.0
    # M = I/(h gamma) - J and its LU factors, per lane
    for c in range(nb):
        factored = False
        if hs[c] > 0.0:
            g = 1.0 / (hs[c] * ROS_GAMMA)
            m = LU[c]
            for i in range(NS * NS):
                m[i] = -J[i, c]
            for i in range(NS):
                m[i * NS + i] += g
            factored = lu_factor(m, piv[c], NS)
        piv[c, 0] = piv[c, 0] if factored else -1  # -1: no usable factors
    # the four stages, u_i = M^-1 (f(y0 + sum_j a_ij u_j) + sum_j (c_ij / h) u_j), then (st = 4)
    # the new point, its embedded error and its derivative. One _derivative call for the
    # stages and the new point: every call site inlines a copy of the model's rates, and the
    # copy LLVM leaves out of line is not vectorised (zg_cell: 3x the time per step)
    for st in range(5):
        if st == 4:
            for c in range(nb):
                errn[c] = 0.0
            for i in range(NS):
                a_tol = fpar[N_FPAR + i]
                for c in range(nb):
                    y = Yb[i, c]
                    e = 0.0
                    for j in range(4):
                        y += ROS_M[j] * K[(1 + j) * NS + i, c]
                        e += ROS_E[j] * K[(1 + j) * NS + i, c]
                    Yt[i, c] = y
                    q = e / (a_tol + rtol * max(abs(Yb[i, c]), abs(y)))
                    errn[c] += q * q if i >= i0 else 0.0
            for c in range(nb):
                errn[c] = errn[c] if piv[c, 0] >= 0 else 1e20  # singular M: reject, shrink
        elif st > 0:
            _stage_argument(Yb, Yt, K, ROS_A[st, :st], 1, nb, hs, False)
        if st > 0:
            _derivative(Yt, Pb, nb, tc, hs, 1.0 if st == 4 else ROS_C[st], sc, clamp, A, B, K,
                        s6 if st == 4 else s5)
        if st < 4:
            src = 5 if st > 0 else 0
            dst = (1 + st) * NS
            for c in range(nb):
                if hs[c] > 0.0 and piv[c, 0] >= 0:
                    for i in range(NS):
                        r = K[src * NS + i, c]
                        for j in range(st):
                            r += (ROS_CC[st, j] / hs[c]) * K[(1 + j) * NS + i, c]
                        K[dst + i, c] = r
                    lu_solve(LU[c], piv[c], NS, K, dst, c)
                else:  # singular M: no step (finished lanes are retired)
                    for i in range(NS):
                        K[dst + i, c] = 0.0
"""

#: The method's fields of :data:`biophys.kernels.ensemble_adaptive.LOOP_TEMPLATE`: the
#: embedded solution has order 2, so the controller's error exponent is
#: 1/3 - 0.75 beta (Hairer & Wanner's rule for DOPRI5, with beta = 0.04).
LOOPS = [{"NAME": "run_rosenbrock", "ATTEMPT": "_attempt_ros",
          "EXTRA_ROWS": "2 * NS * NS + 3 * NS + NP + 7",
          "EXPO": "0.30333333333333334", "BETA": "0.04"}]
