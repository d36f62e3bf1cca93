'''The ensemble driver: shared block helpers, the generic parallel runner, and the source
template of the per-model block integrators.

Layout. States and parameters are structure-of-arrays, ``Y[n_states, n_cells]``,
``P[n_params, n_cells]``. Cells are processed in blocks of ``BLOCK`` columns; inside a block
every loop runs over the cells, so LLVM vectorises the model's ``rates`` and the update across
cells (8 doubles per AVX-512 register: the block functions call
:func:`biophys.kernels.fastmath.wide_vectors`, and the hot kernels use the vectorisable
``exp``/``expm1`` of :mod:`biophys.kernels.fastmath`). A cell's arithmetic does not depend on
which block or lane it is in, so results are bit-identical for any thread count.

Per model, ``biophys._compile`` substitutes the kernel module for ``{MODULE}`` in
:data:`TEMPLATE` and writes the result to a real file (tracebacks, ``NUMBA_DISABLE_JIT`` and the
disk cache work); ``rates``/``aux`` are globals of that module, never arguments, so LLVM inlines
them into the cell loops. The generated module defines two block integrators with one common
signature (:func:`block_signature`):

``run_exponential``
    fixed step, Rush-Larsen / exponential Euler (order 1) or the exponential midpoint
    (order 2);
``run_adaptive``
    Dormand-Prince 5(4) with per-cell error control (every cell has its own step size and
    time; the cells of a block advance in lock step, masked), spike times located on the
    cubic Hermite interpolant of the step.

:func:`run_blocks` runs a block integrator over all blocks in a ``prange``. It takes the block
function as a first-class function value, so it is compiled (and cached) once for every model
and method, and a model compiles only its serial block integrators. Parameters, grid sizes
and protocols are runtime arrays: a sweep never recompiles.
'''


from numba import prange, types

from ._jit import jit

#: Cells per structure-of-arrays block.
BLOCK = 64

# fpar: float run parameters
F_T0, F_DT, F_TEND, F_VTHR, F_GAP, F_TWARM, F_RTOL, F_ATOL, F_HMAX, F_H0 = range(10)
N_FPAR = 10
# ipar: integer run parameters
I_NSTEPS, I_CLAMP, I_ORDER, I_REC_EVERY, I_WARM, I_MAXITER = range(6)
N_IPAR = 6
# stats columns (per cell)
S_STATUS, S_ACCEPTED, S_REJECTED = range(3)
N_STATS = 3

# columns of the per-cell burst accumulator (see biophys.metrics)
(B_NSPK, B_LAST, B_NSTART, B_FIRST_START, B_LAST_START, B_CUR_FIRST, B_SUM_DUR, B_NDONE,
 B_SUM_SPK, B_CUR_N, B_IN_BURST, B_CUR_VALID) = range(12)
N_BURST = 12


def block_signature():
    """Numba signature shared by every block integrator (see :data:`TEMPLATE`)."""
    f1 = types.float64[::1]
    f2 = types.float64[:, ::1]
    f3 = types.float64[:, :, ::1]
    i1 = types.int64[::1]
    i2 = types.int64[:, ::1]
    return types.void(f2, f2, types.int64, types.int64, f1, i1, f1, f1, i1, f1, f3, f2, i1, i1,
                      f3, f2, i2)


def run_blocks(block, Y, P, fpar, ipar, stim_t, stim_v, rec_idx, rec_t, rec, spk_t, spk_n,
               obs_idx, obs, burst, stats):
    """Run the block integrator ``block`` over all cells, one ``prange`` iteration per block.

    Compiled lazily by :func:`biophys._compile.parallel_runner` with an explicit signature
    (``block`` is a first-class function of type ``FunctionType(block_signature())``).
    """
    n_cells = Y.shape[1]
    n_blocks = (n_cells + BLOCK - 1) // BLOCK
    for b in prange(n_blocks):
        c0 = b * BLOCK
        block(Y, P, c0, min(BLOCK, n_cells - c0), fpar, ipar, stim_t, stim_v, rec_idx, rec_t,
              rec, spk_t, spk_n, obs_idx, obs, burst, stats)


@jit
def stimulus_at(t, stim_t, stim_v):
    """Piecewise-constant stimulus: ``stim_v[j]`` on ``[stim_t[j], stim_t[j+1])``, 0 before."""
    n = stim_t.shape[0]
    if n == 0 or t < stim_t[0]:
        return 0.0
    lo = 0
    hi = n - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if stim_t[mid] <= t:
            lo = mid
        else:
            hi = mid - 1
    return stim_v[lo]


@jit
def record_spike(g, ts, counted, spk_t, spk_n, burst, burst_gap):
    """Store spike time ``ts`` (ms) of cell ``g``; burst accounting when ``counted``."""
    n = spk_n[g]
    if n < spk_t.shape[1]:
        spk_t[g, n] = ts
    spk_n[g] = n + 1
    if not counted:
        return
    bu = burst[:, g]
    bu[B_NSPK] += 1.0
    if ts - bu[B_LAST] > burst_gap:
        if bu[B_IN_BURST] > 0.0 and bu[B_CUR_VALID] > 0.0:
            bu[B_SUM_DUR] += bu[B_LAST] - bu[B_CUR_FIRST]
            bu[B_NDONE] += 1.0
            bu[B_SUM_SPK] += bu[B_CUR_N]
        bu[B_NSTART] += 1.0
        if bu[B_NSTART] == 1.0:
            bu[B_FIRST_START] = ts
        bu[B_LAST_START] = ts
        bu[B_CUR_FIRST] = ts
        bu[B_CUR_N] = 1.0
        bu[B_IN_BURST] = 1.0
        bu[B_CUR_VALID] = 1.0
    else:
        if bu[B_IN_BURST] == 0.0:
            # a burst already running when the warm-up ended: never counted
            bu[B_IN_BURST] = 1.0
            bu[B_CUR_VALID] = 0.0
            bu[B_CUR_FIRST] = ts
        bu[B_CUR_N] += 1.0
    bu[B_LAST] = ts


@jit
def hermite(y0, y1, f0, f1, h, th):
    """Cubic Hermite interpolant at ``t0 + th h`` from values and slopes at both ends."""
    return ((1.0 - th) * y0 + th * y1
            + th * (th - 1.0) * ((1.0 - 2.0 * th) * (y1 - y0) + (th - 1.0) * h * f0
                                 + th * h * f1))


@jit
def hermite_crossing(y0, y1, f0, f1, h, level):
    """Fraction ``th`` in [0, 1] of the step where the Hermite interpolant first reaches
    ``level`` (``y0 < level <= y1``): bisection on a sign change, then secant refinement."""
    # bracket the first crossing on a coarse grid (the cubic may overshoot and come back)
    lo = 0.0
    hi = 1.0
    prev = y0 - level
    for j in range(1, 9):
        th = j / 8.0
        v = hermite(y0, y1, f0, f1, h, th) - level
        if prev < 0.0 and v >= 0.0:
            lo = (j - 1) / 8.0
            hi = th
            break
        prev = v
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        if mid <= lo or mid >= hi:
            break
        if hermite(y0, y1, f0, f1, h, mid) < level:
            lo = mid
        else:
            hi = mid
    return hi


@jit
def load_block(Y, P, c0, nb, Yb, Pb):
    """Copy cells ``c0 .. c0+nb-1`` of the state and parameter arrays into the block arrays."""
    for i in range(Yb.shape[0]):
        for c in range(nb):
            Yb[i, c] = Y[i, c0 + c]
    for i in range(Pb.shape[0]):
        for c in range(nb):
            Pb[i, c] = P[i, c0 + c]


@jit
def observe_block(Yb, AUXb, c0, nb, j, do_obs, rec_idx, rec, obs_idx, obs):
    """Record sample ``j`` (if ``j >= 0``) and accumulate sum/min/max (if ``do_obs``) of the
    block's cells; variable indices ``>= n_states`` address the algebraic outputs ``AUXb``."""
    ns = Yb.shape[0]
    if j >= 0:
        for r in range(rec_idx.shape[0]):
            ix = rec_idx[r]
            for c in range(nb):
                rec[r, c0 + c, j] = Yb[ix, c] if ix < ns else AUXb[ix - ns, c]
    if do_obs:
        for o in range(obs_idx.shape[0]):
            ix = obs_idx[o]
            src = Yb if ix < ns else AUXb
            row = ix if ix < ns else ix - ns
            for c in range(nb):
                x = src[row, c]
                g = c0 + c
                obs[o, 0, g] += x
                if x < obs[o, 1, g]:
                    obs[o, 1, g] = x
                if x > obs[o, 2, g]:
                    obs[o, 2, g] = x


TEMPLATE = """\
# AUTO-GENERATED by biophys._compile from biophys.kernels.ensemble_source -- do not edit.
# model kernel: {MODULE}
import math

import numpy as np

from biophys.kernels.ensemble_source import (
    BLOCK, F_ATOL, F_DT, F_GAP, F_H0, F_HMAX, F_RTOL, F_T0, F_TEND, F_TWARM, F_VTHR, I_CLAMP,
    I_MAXITER, I_NSTEPS, I_ORDER, I_REC_EVERY, I_WARM, N_FPAR, S_ACCEPTED, S_REJECTED,
    S_STATUS,
    hermite, hermite_crossing, load_block, observe_block, record_spike, stimulus_at,
)
from biophys.kernels._jit import jit
from biophys.kernels.fastmath import exp, log, phi1, wide_vectors
from {MODULE} import AUX_NAMES, PARAM_NAMES, STATE_NAMES
from {MODULE} import aux as model_aux
from {MODULE} import rates as model_rates


@jit
def no_aux(Y, P, c, t, I_ext, OUT):
    # stands in for the model's aux in the variants that never need algebraic outputs
    return

NS = len(STATE_NAMES)
NP = len(PARAM_NAMES)
NA = max(len(AUX_NAMES), 1)


# rows of the per-block workspace: one array, so that LLVM sees every block array as a
# constant offset from one base pointer and needs no runtime alias checks (no scalar fallback
# copies of the vector loops)
R_Y = 0
R_YH = NS
R_P = 2 * NS
R_A = 2 * NS + NP
R_B = 3 * NS + NP
R_AUX = 4 * NS + NP
R_VP = 4 * NS + NP + NA
R_AO = R_VP + 1
R_BO = R_AO + NS
W_ROWS = R_BO + NS


@jit
def bench_rates(Y, P, reps):
    # benchmark helper: reps evaluations of the model's rates for the first <= BLOCK cells,
    # in the driver's loop (V nudged by 1e-13 mV per repetition so no work can be hoisted)
    wide_vectors()
    nb = min(Y.shape[1], BLOCK)
    W = np.zeros((W_ROWS, BLOCK))
    Yb = W[R_Y:R_Y + NS]
    Pb = W[R_P:R_P + NP]
    A = W[R_A:R_A + NS]
    B = W[R_B:R_B + NS]
    load_block(Y, P, 0, nb, Yb, Pb)
    acc = 0.0
    for r in range(reps):
        for c in range(nb):
            Yb[0, c] += 1e-13
            model_rates(Yb, Pb, c, 0.0, 0.0, A, B)
        acc += A[0, 0] + B[NS - 1, nb - 1]
    return acc


# Dormand & Prince (1980) RK5(4)7M; the 7th stage is the FSAL derivative at the new point.
DP_C = np.array([0.0, 1.0 / 5.0, 3.0 / 10.0, 4.0 / 5.0, 8.0 / 9.0, 1.0, 1.0])
DP_A = np.array([
    [0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
    [1.0 / 5.0, 0.0, 0.0, 0.0, 0.0, 0.0],
    [3.0 / 40.0, 9.0 / 40.0, 0.0, 0.0, 0.0, 0.0],
    [44.0 / 45.0, -56.0 / 15.0, 32.0 / 9.0, 0.0, 0.0, 0.0],
    [19372.0 / 6561.0, -25360.0 / 2187.0, 64448.0 / 6561.0, -212.0 / 729.0, 0.0, 0.0],
    [9017.0 / 3168.0, -355.0 / 33.0, 46732.0 / 5247.0, 49.0 / 176.0, -5103.0 / 18656.0, 0.0],
    [35.0 / 384.0, 0.0, 500.0 / 1113.0, 125.0 / 192.0, -2187.0 / 6784.0, 11.0 / 84.0],
])
# error weights: 5th-order minus embedded 4th-order weights
DP_E = np.array([71.0 / 57600.0, 0.0, -71.0 / 16695.0, 71.0 / 1920.0, -17253.0 / 339200.0,
                 22.0 / 525.0, -1.0 / 40.0])


#: smallest step the controller may propose (ms); below it a cell is stopped (status 3)
H_MIN = 1e-9
#: a step ending this close (ms) to a segment end lands on it
SNAP = 2e-9

# workspace rows of run_adaptive (see R_* above for the reason)
Q_Y = 0
Q_YT = NS
Q_YS = 2 * NS
Q_P = 3 * NS
Q_K = 3 * NS + NP  # 7 stages x NS rows
Q_A = 10 * NS + NP
Q_B = 11 * NS + NP
Q_AUX0 = 12 * NS + NP
Q_AUX1 = Q_AUX0 + NA
Q_TC = Q_AUX1 + NA  # time of each cell, ms
Q_HC = Q_TC + 1  # step size to try next, ms
Q_HS = Q_TC + 2  # step size of this attempt, ms (0: the cell is done)
Q_EOLD = Q_TC + 3  # error norm of the last accepted step
Q_ERR = Q_TC + 4  # error norm of this attempt
Q_SC = Q_TC + 5  # stimulus on the cell's current segment
Q_TSEG = Q_TC + 6  # end of the cell's current segment, ms
Q_FLAG = Q_TC + 7  # scratch lane mask
Q_AUXS = Q_TC + 8  # algebraic outputs on an interpolated state
Q_ROWS = Q_AUXS + NA


@jit
def _derivative(Yx, Pb, nb, tc, hs, cst, sc, clamp, A, B, K, st):
    # K[st] = f(Yx) = A - B Yx at t = tc + cst hs, cells c < nb (dV/dt = 0 under clamp)
    ext = 0.0 if clamp else 1.0  # under clamp the stimulus is the command V, not a current
    if clamp:
        for c in range(nb):
            Yx[0, c] = sc[c]
    for c in range(nb):
        model_rates(Yx, Pb, c, tc[c] + cst * hs[c], ext * sc[c], A, B)
    for i in range(NS):
        for c in range(nb):
            K[st * NS + i, c] = A[i, c] - B[i, c] * Yx[i, c]
    if clamp:
        for c in range(nb):
            K[st * NS, c] = 0.0


"""

#: Block integrators, rendered twice: without algebraic outputs (``{SUFFIX}`` empty, ``{AUX}`` =
#: ``no_aux``) and with them (``_aux``, the model's ``aux``).
VARIANT_TEMPLATE = """\
@jit
def run_exponential{SUFFIX}(Y, P, c0, nb, fpar, ipar, stim_t, stim_v, rec_idx, rec_t, rec, spk_t,
                    spk_n, obs_idx, obs, burst, stats):
    # Fixed step, y_new = y + h (a - b y) phi1(-b h) with (a, b) from the model's (A, B):
    # order 1: Rush-Larsen / exponential Euler, (a, b) = (A, B)(y_n), h = dt.
    # order 2: exponential midpoint (Sundnes, Artebrant, Skavhaug & Tveito 2009): a half step
    #   with (A, B)(y_n), then a full step from y_n with (A, B) at that midpoint.
    # order 3 ("rl2ab"): second-order Rush-Larsen in Adams-Bashforth form (Coudiere,
    #   Douanla-Lontsi & Pierre 2018): one rates call per step, (a, b) = 1.5 (A, B)_n -
    #   0.5 (A, B)_(n-1); restarted (an RL1 step) at k = 0 and where the stimulus jumps.
    # Algebraic outputs are computed only by the "_aux" variant (the other calls no_aux).
    wide_vectors()
    t0 = fpar[F_T0]
    dt = fpar[F_DT]
    v_thr = fpar[F_VTHR]
    burst_gap = fpar[F_GAP]
    n_steps = ipar[I_NSTEPS]
    clamp = ipar[I_CLAMP] != 0
    order = ipar[I_ORDER]
    rec_every = ipar[I_REC_EVERY]
    warm_steps = ipar[I_WARM]
    half = 0.5 * dt
    i0 = 1 if clamp else 0
    n_stages = 2 if order == 2 else 1
    n_obs = obs_idx.shape[0]
    need_aux = False
    for r in range(rec_idx.shape[0]):
        need_aux = need_aux or rec_idx[r] >= NS
    for o in range(n_obs):
        need_aux = need_aux or obs_idx[o] >= NS
    W = np.zeros((W_ROWS, BLOCK))
    Yb = W[R_Y:R_Y + NS]
    Yh = W[R_YH:R_YH + NS]
    Pb = W[R_P:R_P + NP]
    A = W[R_A:R_A + NS]
    B = W[R_B:R_B + NS]
    AUXb = W[R_AUX:R_AUX + NA]
    vprev = W[R_VP]
    Aold = W[R_AO:R_AO + NS]
    Bold = W[R_BO:R_BO + NS]
    load_block(Y, P, c0, nb, Yb, Pb)
    s_prev = math.nan
    for k in range(n_steps + 1):
        t = t0 + k * dt
        s = stimulus_at(t + half, stim_t, stim_v)
        s_ext = 0.0 if clamp else s
        if clamp:
            for c in range(nb):
                Yb[0, c] = s
        # upward threshold crossings between the previous sample and this one
        if k > 0:
            n_hit = 0
            for c in range(nb):
                n_hit += (vprev[c] < v_thr) & (Yb[0, c] >= v_thr)
            if n_hit > 0:
                for c in range(nb):
                    v = Yb[0, c]
                    vp = vprev[c]
                    if vp < v_thr and v >= v_thr:
                        ts = t - dt + dt * (v_thr - vp) / (v - vp)
                        record_spike(c0 + c, ts, k > warm_steps, spk_t, spk_n, burst,
                                     burst_gap)
        for c in range(nb):
            vprev[c] = Yb[0, c]
        do_rec = rec_every > 0 and k % rec_every == 0
        do_obs = n_obs > 0 and k >= warm_steps
        if need_aux and (do_rec or do_obs):
            for c in range(nb):
                {AUX}(Yb, Pb, c, t, s_ext, AUXb)
        if do_rec or do_obs:
            observe_block(Yb, AUXb, c0, nb, k // rec_every if do_rec else -1, do_obs, rec_idx,
                          rec, obs_idx, obs)
        if k == n_steps:
            break
        # rates are evaluated on Yh, the update reads Yb and writes Yh
        for i in range(NS):
            for c in range(nb):
                Yh[i, c] = Yb[i, c]
        w_new = 1.0
        if order == 3 and s == s_prev:
            w_new = 1.5
        w_old = w_new - 1.0
        s_prev = s
        for stage in range(n_stages):
            last = stage == n_stages - 1
            h = dt if last else half
            for c in range(nb):
                model_rates(Yh, Pb, c, t + half * stage, s_ext, A, B)
            for i in range(i0, NS):
                for c in range(nb):
                    a_n = A[i, c]
                    b_n = B[i, c]
                    a = w_new * a_n - w_old * Aold[i, c]
                    b = w_new * b_n - w_old * Bold[i, c]
                    Aold[i, c] = a_n
                    Bold[i, c] = b_n
                    y0 = Yb[i, c]
                    Yh[i, c] = y0 + h * (a - b * y0) * phi1(-b * h)
        for i in range(i0, NS):
            for c in range(nb):
                Yb[i, c] = Yh[i, c]
    for i in range(NS):
        for c in range(nb):
            Y[i, c0 + c] = Yb[i, c]
    for c in range(nb):
        stats[c0 + c, S_ACCEPTED] = n_steps


@jit
def run_adaptive{SUFFIX}(Y, P, c0, nb, fpar, ipar, stim_t, stim_v, rec_idx, rec_t, rec,
                         spk_t, spk_n, obs_idx, obs, burst, stats):
    # Dormand-Prince 5(4) with a PI step-size controller, every cell with its own t and h;
    # the cells of the block iterate in lock step (finished or rejected cells are masked).
    # stim_t holds the ends of the piecewise-constant segments (stimulus jumps, the end of the
    # warm-up, t_end), stim_v the stimulus on each segment; no step crosses a segment end.
    # Observables accumulate time integrals (trapezoid) over accepted steps after warm-up.
    wide_vectors()
    t0 = fpar[F_T0]
    t_end = fpar[F_TEND]
    rtol = fpar[F_RTOL]
    h_max = fpar[F_HMAX]
    h0 = fpar[F_H0]
    clamp = ipar[I_CLAMP] != 0
    max_iter = ipar[I_MAXITER]
    n_seg = stim_t.shape[0]
    n_obs = obs_idx.shape[0]
    aux_obs = False
    for o in range(n_obs):
        aux_obs = aux_obs or obs_idx[o] >= NS
    i0 = 1 if clamp else 0
    inv_n_err = 1.0 / (NS - i0)
    W = np.zeros((Q_ROWS, BLOCK))
    Yb = W[Q_Y:Q_Y + NS]
    Yt = W[Q_YT:Q_YT + NS]
    Pb = W[Q_P:Q_P + NP]
    K = W[Q_K:Q_K + 7 * NS]
    A = W[Q_A:Q_A + NS]
    B = W[Q_B:Q_B + NS]
    AUX0 = W[Q_AUX0:Q_AUX0 + NA]
    AUX1 = W[Q_AUX1:Q_AUX1 + NA]
    tc = W[Q_TC]
    hc = W[Q_HC]
    hs = W[Q_HS]
    err_old = W[Q_EOLD]
    errn = W[Q_ERR]
    sc = W[Q_SC]
    tseg = W[Q_TSEG]
    flag = W[Q_FLAG]
    seg = np.zeros(BLOCK, dtype=np.int64)
    jrec = np.zeros(BLOCK, dtype=np.int64)
    load_block(Y, P, c0, nb, Yb, Pb)
    for c in range(nb):
        tc[c] = t0
        hc[c] = h0
        hs[c] = 0.0
        err_old[c] = 1e-4
        sc[c] = stim_v[0]
        tseg[c] = stim_t[0]
    for c in range(nb):
        flag[c] = 1.0  # every lane needs its first-stage derivative
        if clamp:
            Yb[0, c] = sc[c]
    refresh = True
    if aux_obs:
        for c in range(nb):
            {AUX}(Yb, Pb, c, t0, 0.0 if clamp else sc[c], AUX0)
    _record_start{SUFFIX}(Yb, Pb, W[Q_AUXS:Q_AUXS + NA], sc, t0, c0, nb, clamp, rec_idx, rec_t, rec,
                  jrec)
    for it in range(max_iter):
        n_active = 0
        for c in range(nb):
            rem = tseg[c] - tc[c]
            h = min(hc[c], h_max)
            h = rem if h >= 0.9 * rem else h  # land exactly on the segment end
            h = 0.0 if tc[c] >= t_end else h
            hs[c] = h
            n_active += h > 0.0
        if n_active == 0:
            break
        # stage 0 (the derivative at the current state, into slot 6 and then slot 0 of the
        # flagged lanes) only at the start and after a segment end; otherwise FSAL provides it
        for st in range(0 if refresh else 1, 7):
            for i in range(NS):
                for c in range(nb):
                    Yt[i, c] = Yb[i, c]
                for j in range(st):
                    a = DP_A[st, j]
                    if a != 0.0:
                        for c in range(nb):
                            Yt[i, c] += (hs[c] * a) * K[j * NS + i, c]
            _derivative(Yt, Pb, nb, tc, hs, DP_C[st], sc, clamp, A, B, K, st if st > 0 else 6)
            if st == 0:
                for i in range(NS):
                    for c in range(nb):
                        K[i, c] = K[6 * NS + i, c] if flag[c] > 0.0 else K[i, c]
        refresh = False
        # Yt holds the 5th-order solution; weighted RMS norm of the embedded error estimate
        for c in range(nb):
            errn[c] = 0.0
        for i in range(i0, NS):
            a_tol = fpar[N_FPAR + i]
            for c in range(nb):
                e = hs[c] * (DP_E[0] * K[i, c] + DP_E[2] * K[2 * NS + i, c]
                             + DP_E[3] * K[3 * NS + i, c] + DP_E[4] * K[4 * NS + i, c]
                             + DP_E[5] * K[5 * NS + i, c] + DP_E[6] * K[6 * NS + i, c])
                q = e / (a_tol + rtol * max(abs(Yb[i, c]), abs(Yt[i, c])))
                errn[c] += q * q
        n_acc = 0
        n_bad = 0
        for c in range(nb):
            en = math.sqrt(errn[c] * inv_n_err)
            en = en if en == en else 1e10  # a non-finite stage: reject and shrink
            errn[c] = en
            n_acc += (hs[c] > 0.0) & (en <= 1.0)
            n_bad += (hs[c] > 0.0) & (hc[c] < H_MIN)
        if n_bad > 0:
            # step size underflow: a non-finite state, or a runaway too stiff for an explicit
            # method; the cell is stopped (status 1: non-finite, 3: step size underflow)
            for c in range(nb):
                if hs[c] > 0.0 and hc[c] < H_MIN:
                    finite = True
                    for i in range(NS):
                        finite = finite and math.isfinite(Yb[i, c])
                    stats[c0 + c, S_STATUS] = 1 if (errn[c] >= 1e10 or not finite) else 3
                    tc[c] = t_end
                    hs[c] = 0.0
        if n_acc > 0:
            if aux_obs:
                for c in range(nb):
                    {AUX}(Yt, Pb, c, tc[c] + hs[c], 0.0 if clamp else sc[c], AUX1)
            _accept_events{SUFFIX}(Yb, Yt, W[Q_YS:Q_YS + NS], Pb, K, AUX0, AUX1,
                                   W[Q_AUXS:Q_AUXS + NA], tc, hs, errn, sc, c0, nb, clamp, fpar,
                                   rec_idx, rec_t, rec, jrec, spk_t, spk_n, obs_idx, obs, burst)
            # commit the accepted steps
            for i in range(NS):
                for c in range(nb):
                    acc = (hs[c] > 0.0) & (errn[c] <= 1.0)
                    Yb[i, c] = Yt[i, c] if acc else Yb[i, c]
                    K[i, c] = K[6 * NS + i, c] if acc else K[i, c]
            if aux_obs:
                for i in range(NA):
                    for c in range(nb):
                        acc = (hs[c] > 0.0) & (errn[c] <= 1.0)
                        AUX0[i, c] = AUX1[i, c] if acc else AUX0[i, c]
            for c in range(nb):
                acc = (hs[c] > 0.0) & (errn[c] <= 1.0)
                tn = tc[c] + hs[c]
                # snap onto the segment end when the step was meant to land there
                tn = tseg[c] if tseg[c] - tn <= max(SNAP, 1e-12 * abs(tseg[c])) else tn
                tc[c] = tn if acc else tc[c]
        # step-size control (Hairer, Norsett & Wanner II.4: PI controller, beta = 0.04)
        for c in range(nb):
            en = max(errn[c], 1e-10)
            on = hs[c] > 0.0
            acc = on & (en <= 1.0)
            fac = 0.9 * exp(-0.16 * log(en) + 0.04 * log(err_old[c]))
            fac = min(5.0, max(0.2, fac))
            fac = fac if acc else min(fac, 1.0)
            err_old[c] = max(en, 1e-4) if acc else err_old[c]
            hc[c] = hs[c] * fac if on else hc[c]
        for c in range(nb):
            if hs[c] > 0.0:
                if errn[c] <= 1.0:
                    stats[c0 + c, S_ACCEPTED] += 1
                else:
                    stats[c0 + c, S_REJECTED] += 1
        # cells that reached the end of their segment move to the next one; the stimulus (or
        # the clamp level) jumps there, so their first-stage derivative is recomputed
        n_next = 0
        for c in range(nb):
            n_next += (tc[c] >= tseg[c]) & (tc[c] < t_end)
        if n_next > 0:
            for c in range(nb):
                adv = tc[c] >= tseg[c] and seg[c] + 1 < n_seg
                flag[c] = 1.0 if adv else 0.0
                if adv:
                    seg[c] += 1
                    sc[c] = stim_v[seg[c]]
                    tseg[c] = stim_t[seg[c]]
                    if clamp:
                        Yb[0, c] = sc[c]
            refresh = True
    for c in range(nb):
        if tc[c] < t_end and stats[c0 + c, S_STATUS] == 0:
            stats[c0 + c, S_STATUS] = 2  # iteration budget exhausted
    for i in range(NS):
        for c in range(nb):
            Y[i, c0 + c] = Yb[i, c]


@jit
def _record_start{SUFFIX}(Yb, Pb, AUX, sc, t0, c0, nb, clamp, rec_idx, rec_t, rec, jrec):
    # samples at t <= t0 (the initial state)
    n_rec = rec_idx.shape[0]
    for c in range(nb):
        while jrec[c] < rec_t.shape[0] and rec_t[jrec[c]] <= t0:
            {AUX}(Yb, Pb, c, t0, 0.0 if clamp else sc[c], AUX)
            for r in range(n_rec):
                ix = rec_idx[r]
                rec[r, c0 + c, jrec[c]] = Yb[ix, c] if ix < NS else AUX[ix - NS, c]
            jrec[c] += 1


@jit
def _accept_events{SUFFIX}(Yb, Yt, Ys, Pb, K, AUX0, AUX1, AUXS, tc, hs, errn, sc, c0, nb,
                           clamp, fpar, rec_idx, rec_t, rec, jrec, spk_t, spk_n, obs_idx, obs,
                           burst):
    # spikes, records and observables of the accepted cells over [t, t + h] (before commit)
    v_thr = fpar[F_VTHR]
    burst_gap = fpar[F_GAP]
    t_warm = fpar[F_TWARM]
    n_obs = obs_idx.shape[0]
    n_rec = rec_idx.shape[0]
    n_rec_t = rec_t.shape[0]
    for c in range(nb):
        h = hs[c]
        if not (h > 0.0 and errn[c] <= 1.0):
            continue
        t = tc[c]
        v0 = Yb[0, c]
        v1 = Yt[0, c]
        if v0 < v_thr and v1 >= v_thr:
            th = hermite_crossing(v0, v1, K[0, c], K[6 * NS, c], h, v_thr)
            ts = t + th * h
            record_spike(c0 + c, ts, ts > t_warm, spk_t, spk_n, burst, burst_gap)
        while jrec[c] < n_rec_t and rec_t[jrec[c]] <= t + h:
            th = (rec_t[jrec[c]] - t) / h
            for i in range(NS):
                Ys[i, c] = hermite(Yb[i, c], Yt[i, c], K[i, c], K[6 * NS + i, c], h, th)
            if clamp:
                Ys[0, c] = sc[c]
            need = False
            for r in range(n_rec):
                need = need or rec_idx[r] >= NS
            if need:
                {AUX}(Ys, Pb, c, rec_t[jrec[c]], 0.0 if clamp else sc[c], AUXS)
            for r in range(n_rec):
                ix = rec_idx[r]
                rec[r, c0 + c, jrec[c]] = Ys[ix, c] if ix < NS else AUXS[ix - NS, c]
            jrec[c] += 1
        if n_obs > 0 and t >= t_warm:
            for o in range(n_obs):
                ix = obs_idx[o]
                x0 = Yb[ix, c] if ix < NS else AUX0[ix - NS, c]
                x1 = Yt[ix, c] if ix < NS else AUX1[ix - NS, c]
                g = c0 + c
                obs[o, 0, g] += 0.5 * h * (x0 + x1)
                obs[o, 1, g] = min(obs[o, 1, g], x0, x1)
                obs[o, 2, g] = max(obs[o, 2, g], x0, x1)
"""


def render(kernel_module: str) -> str:
    """Source of the generated driver module of the model kernel ``kernel_module``."""
    parts = [TEMPLATE]
    for suffix, aux in (("", "no_aux"), ("_aux", "model_aux")):
        parts.append("\n\n" + VARIANT_TEMPLATE.replace("{SUFFIX}", suffix).replace("{AUX}", aux))
    return "".join(parts).replace("{MODULE}", kernel_module)
