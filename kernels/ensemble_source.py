'''The ensemble driver: shared block helpers, the generic parallel runner, and the source
template of the per-model block integrators.

Layout. States and parameters are structure-of-arrays, ``Y[n_states, n_cells]``,
``P[n_params, n_cells]``. Cells are processed in blocks of ``BLOCK`` columns; inside a block
every loop runs over the cells, so LLVM vectorises the model's ``rates`` and the update across
cells (8 doubles per AVX-512 register: the block functions call
:func:`biophys.kernels.fastmath.wide_vectors`, and the hot kernels use the vectorisable
``exp``/``expm1`` of :mod:`biophys.kernels.fastmath`). A cell's arithmetic does not depend on
which block or lane it is in, so results are bit-identical for any thread count.

Per model, :func:`render` fills in the kernel module (``{MODULE}``) and ``biophys._compile``
writes the result to a real file (tracebacks, ``NUMBA_DISABLE_JIT`` and the disk cache work);
``rates``/``aux`` are globals of that module, never arguments, so LLVM inlines them into the
cell loops. The generated module defines the block integrators, all with one signature
(:func:`block_signature`):

``run_exponential``
    fixed step ``y += h (a - b y) phi1(-b h)``: Rush-Larsen / exponential Euler (``order`` 1),
    the exponential midpoint (2) or the Adams-Bashforth form of second-order Rush-Larsen,
    one ``rates`` call per step (3); or the staggered scheme (4): the other states advance by
    that step over ``[t - dt/2, t + dt/2]`` with the rates at ``V(t)``, then V over
    ``[t, t + dt]`` with its ``(A, B)`` at the new states (the model's optional ``rates_V``,
    else its ``rates``);
``run_adaptive`` (:mod:`biophys.kernels.ensemble_adaptive`)
    Dormand-Prince 5(4) with per-cell error control (every cell has its own step size and
    time; the cells of a block advance in lock step, finished cells leaving their lanes to
    running ones), spike times located on the
    cubic Hermite interpolant of the step;
``run_rosenbrock`` (:mod:`biophys.kernels.ensemble_rosenbrock`)
    the same step loop with the linearly implicit Rosenbrock-W method ROS34PW2 (order 3(2),
    L-stable) for stiff models;

each also as a ``*_aux`` variant that evaluates the model's algebraic outputs (``aux``), which
only runs that need recorded or observed currents compile.

:func:`run_blocks` runs a block integrator over all blocks in a ``prange``, and
:func:`run_one_block` runs it on a single block in the calling thread. Both take the block
function as a first-class function value, so they are compiled (and cached) once for every
model and method, and a model compiles only its serial block integrators. These are compiled
without a CPython wrapper (:data:`biophys.kernels._jit.entry_jit`): the two runners are the
only way in (:class:`biophys._compile.BlockFunction` hands them over). Code that does not
depend on the model (copies, observation; spike and burst accounting:
:mod:`biophys.kernels.bursts`; the rest test: :mod:`biophys.kernels.rest`) lives in shared
helpers compiled once, not in the per-model template, so each model's first use compiles
less; in every step the fixed-step integrator makes as few of these calls as it can, since a
call costs more than a short loop over a small block. Parameters, grid sizes and protocols
are runtime arrays: a sweep never recompiles.

Run parameters travel in two arrays: ``fpar`` (floats, indices ``F_*``, then two blocks of one
value per state: the absolute tolerances of the error-controlled methods from ``N_FPAR`` on,
those of the rest test from ``N_FPAR + n_states`` on) and ``ipar`` (integers, ``I_*``);
per-cell counters and the status go to ``stats`` (``S_*``).
'''


import math

from numba import prange, types

from . import ensemble_adaptive, ensemble_rosenbrock
from ._jit import jit

#: Cells per structure-of-arrays block.
BLOCK = 64

# fpar: float run parameters (F_PLATEAU: the plateau potential of the per-silence test, mV,
# NaN for no test; F_REST_RTOL: the relative tolerance of the rest test), then per state the
# absolute tolerance of the error-controlled methods (N_FPAR + i) and that of the rest test
# (N_FPAR + n_states + i; negative for an accumulator, see biophys.kernels.rest)
(F_T0, F_DT, F_TEND, F_VTHR, F_GAP, F_TWARM, F_RTOL, F_ATOL, F_HMAX, F_H0, F_PLATEAU,
 F_REST_RTOL) = range(12)
N_FPAR = 12
# ipar: integer run parameters (I_REST: steps between rest tests of the fixed-step driver, 0
# for none)
I_NSTEPS, I_CLAMP, I_ORDER, I_REC_EVERY, I_WARM, I_MAXITER, I_SILENT, I_REST = range(8)
N_IPAR = 8
# stats columns (per cell)
S_STATUS, S_ACCEPTED, S_REJECTED = range(3)
N_STATS = 3


def block_signature():
    """Numba signature shared by every block integrator (see :data:`TEMPLATE`)."""
    f1 = types.float64[::1]
    f2 = types.float64[:, ::1]
    f3 = types.float64[:, :, ::1]
    i1 = types.int64[::1]
    i2 = types.int64[:, ::1]
    return types.void(f2, f2, types.int64, types.int64, f1, i1, f1, f1, i1, f1, f3, f2, i1, i1,
                      f3, f2, i2)


def run_blocks(block, block_size, Y, P, fpar, ipar, stim_t, stim_v, rec_idx, rec_t, rec, spk_t,
               spk_n, obs_idx, obs, burst, stats):
    """Run the block integrator ``block`` over all cells, one ``prange`` iteration per block of
    ``block_size`` (<= :data:`BLOCK`) cells.

    Compiled lazily by :func:`biophys._compile.parallel_runner` with an explicit signature
    (``block`` is a first-class function of type ``FunctionType(block_signature())``). A cell's
    arithmetic does not depend on its block or lane, so ``block_size`` (chosen at run time by
    :func:`block_size_for`) never changes results, and neither does the order in which the
    blocks run: they go through the ``prange`` in the order of :func:`golden_stride`, because
    the prange's static partition gives each thread a contiguous range of iterations and
    neighbouring cells often cost alike (along a sweep axis, silent cells take few adaptive
    steps and firing cells many).
    """
    n_cells = Y.shape[1]
    n_blocks = (n_cells + block_size - 1) // block_size
    stride = golden_stride(n_blocks)
    for b in prange(n_blocks):
        c0 = ((b * stride) % n_blocks) * block_size
        block(Y, P, c0, min(block_size, n_cells - c0), fpar, ipar, stim_t, stim_v, rec_idx, rec_t,
              rec, spk_t, spk_n, obs_idx, obs, burst, stats)


def run_one_block(block, Y, P, fpar, ipar, stim_t, stim_v, rec_idx, rec_t, rec, spk_t, spk_n,
                  obs_idx, obs, burst, stats):
    """Run the block integrator ``block`` on all cells (at most :data:`BLOCK`) as one block, in
    the calling thread.

    Compiled lazily by :func:`biophys._compile.single_block_runner` (serial, one signature,
    cached once for every model), like :func:`run_blocks`: the block integrators are compiled
    without a CPython wrapper (:data:`biophys.kernels._jit.entry_jit`), so Python reaches them
    only through one of these two runners.
    """
    block(Y, P, 0, Y.shape[1], fpar, ipar, stim_t, stim_v, rec_idx, rec_t, rec, spk_t, spk_n,
          obs_idx, obs, burst, stats)


@jit
def golden_stride(n):
    """The integer nearest ``0.618 n`` that is coprime to ``n`` (1 for ``n <= 2``): ``b ->
    (b * stride) % n`` is then a permutation of ``0..n-1`` that spreads any run of consecutive
    ``b`` evenly over the whole range (the golden-ratio sequence has the lowest discrepancy of
    its kind)."""
    if n <= 2:
        return 1
    s = int(0.6180339887498949 * n + 0.5)
    while math.gcd(s, n) != 1:
        s += 1
    return s


def block_size_for(n_cells: int, n_threads: int) -> int:
    """Cells per block: :data:`BLOCK`, or fewer (a multiple of 8, one AVX-512 register of
    doubles) so that a run of fewer than ``n_threads * BLOCK`` cells still spreads over every
    thread."""
    per_thread = -(-n_cells // max(1, n_threads))
    return min(BLOCK, max(8, 8 * (-(-per_thread // 8))))


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
def load_block(Y, P, c0, nb, Yb, Pb):
    """Copy cells ``c0 .. c0+nb-1`` of the state and parameter arrays into the block arrays
    (``Pb`` may have more rows than ``P``: the model's derived parameters, filled later)."""
    for i in range(Yb.shape[0]):
        for c in range(nb):
            Yb[i, c] = Y[i, c0 + c]
    for i in range(P.shape[0]):
        for c in range(nb):
            Pb[i, c] = P[i, c0 + c]


@jit
def copy_rows(src, dst, i0, nb):
    """``dst[i, :nb] = src[i, :nb]`` for the rows ``i >= i0`` of ``src``."""
    for i in range(i0, src.shape[0]):
        for c in range(nb):
            dst[i, c] = src[i, c]


@jit
def store_block(Yb, Y, c0, nb, stats, n_accepted):
    """Write the block's states back to cells ``c0 .. c0+nb-1`` of ``Y`` and their accepted
    step counts to ``stats``."""
    for i in range(Yb.shape[0]):
        for c in range(nb):
            Y[i, c0 + c] = Yb[i, c]
    for c in range(nb):
        stats[c0 + c, S_ACCEPTED] = n_accepted


@jit
def reads_beyond_V(rec_idx, obs_idx):
    """Whether any recorded or observed variable is not V (index 0): another state or an
    algebraic output (which reads every state)."""
    for r in range(rec_idx.shape[0]):
        if rec_idx[r] != 0:
            return True
    for o in range(obs_idx.shape[0]):
        if obs_idx[o] != 0:
            return True
    return False


@jit
def needs_aux(rec_idx, obs_idx, n_states):
    """Whether any recorded or observed variable is an algebraic output (index >=
    ``n_states``)."""
    for r in range(rec_idx.shape[0]):
        if rec_idx[r] >= n_states:
            return True
    for o in range(obs_idx.shape[0]):
        if obs_idx[o] >= n_states:
            return True
    return False


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
    BLOCK, F_ATOL, F_DT, F_GAP, F_H0, F_HMAX, F_PLATEAU, F_REST_RTOL, F_RTOL, F_T0, F_TEND,
    F_TWARM, F_VTHR, I_CLAMP, I_MAXITER, I_NSTEPS, I_ORDER, I_REC_EVERY, I_REST, I_SILENT,
    I_WARM, N_FPAR, S_ACCEPTED, S_REJECTED, S_STATUS,
    copy_rows, load_block, needs_aux, observe_block, reads_beyond_V, stimulus_at,
    store_block,
)
from biophys.kernels.bursts import (
    B_PEND_MIN, B_PEND_N, B_PEND_SUM, N_BURST,
    accumulate_silent, record_crossings, record_spike,
)
from biophys.kernels.rest import (
    RS_K, RS_Y, rest_check, rest_finish, rest_load, rest_values,
)
from biophys.kernels.ensemble_adaptive import (
    DP_A, DP_C, DP_E, H_MIN, SNAP, hermite, hermite_crossing, retire_lanes,
)
from biophys.kernels.ensemble_rosenbrock import (
    ROS_A, ROS_C, ROS_CC, ROS_E, ROS_GAMMA, ROS_M, lu_factor, lu_solve,
)
from biophys.kernels.ensemble_rosenbrock import FD_EPS as ROS_FD_EPS
from biophys.kernels.ensemble_rosenbrock import FD_RTOL as ROS_FD_RTOL
from biophys.kernels.ensemble_rosenbrock import JAC_AGE as ROS_JAC_AGE
from biophys.kernels._jit import entry_jit, jit
from biophys.kernels.fastmath import exp, log, phi1, wide_vectors
from {MODULE} import AUX_NAMES, PARAM_NAMES, STATE_NAMES
from {MODULE} import aux as model_aux
from {MODULE} import rates as model_rates
import {MODULE} as _kernel_module


@jit(inline="always")
def no_aux(Y, P, c, t, I_ext, OUT):
    # stands in for the model's aux in the variants that never need algebraic outputs
    return

@jit(inline="always")
def no_derive(P, c):
    # stands in for the model's derive when it has no derived parameters
    return


# derived parameters (see biophys.kernels.protocol): computed once per cell per run, stored in
# the rows of the block's parameter array after the user parameters
DERIVED_NAMES = getattr(_kernel_module, "DERIVED_NAMES", ())
model_derive = getattr(_kernel_module, "derive", no_derive)
# the V row of rates alone, for the staggered scheme (without it, the full rates)
model_rates_V = getattr(_kernel_module, "rates_V", model_rates)
HAS_RATES_V = hasattr(_kernel_module, "rates_V")

NS = len(STATE_NAMES)
NP = len(PARAM_NAMES) + len(DERIVED_NAMES)  # rows of the block's parameter array
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
REST_ROWS = RS_Y + 2 * NS + N_BURST  # the rest workspace (biophys.kernels.rest)


@jit(inline="always")
def load_cells(Y, P, c0, nb, Yb, Pb):
    # the block's states and parameters, then the model's derived parameters of each cell
    load_block(Y, P, c0, nb, Yb, Pb)
    for c in range(nb):
        model_derive(Pb, c)


@jit(inline="always")
def exponential_rows(Ysrc, Ydst, A, B, nb, h, i_lo=1, i_hi=NS):
    # the exponential step over h of rows i_lo..i_hi-1 (default: every state but V):
    # Ydst = Ysrc + h (A - B y) phi1(-B h), element by element (Ydst may be Ysrc)
    for i in range(i_lo, i_hi):
        for c in range(nb):
            a = A[i, c]
            b = B[i, c]
            y0 = Ysrc[i, c]
            Ydst[i, c] = y0 + h * (a - b * y0) * phi1(-b * h)


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
    load_cells(Y, P, 0, nb, Yb, Pb)
    acc = 0.0
    for r in range(reps):
        for c in range(nb):
            Yb[0, c] += 1e-13
            model_rates(Yb, Pb, c, 0.0, 0.0, A, B)
        acc += A[0, 0] + B[NS - 1, nb - 1]
    return acc


"""

#: Block integrators, rendered twice: without algebraic outputs (``{SUFFIX}`` empty, ``{AUX}`` =
#: ``no_aux``) and with them (``_aux``, the model's ``aux``).
VARIANT_TEMPLATE = """\
@entry_jit
def run_exponential{SUFFIX}(Y, P, c0, nb, fpar, ipar, stim_t, stim_v, rec_idx, rec_t, rec, spk_t,
                    spk_n, obs_idx, obs, burst, stats):
    # Fixed step, y_new = y + h (a - b y) phi1(-b h) with (a, b) from the model's (A, B):
    # order 1: Rush-Larsen / exponential Euler, (a, b) = (A, B)(y_n), h = dt.
    # order 2: exponential midpoint (Sundnes, Artebrant, Skavhaug & Tveito 2009): a half step
    #   with (A, B)(y_n), then a full step from y_n with (A, B) at that midpoint.
    # order 3 ("rl2ab"): second-order Rush-Larsen in Adams-Bashforth form (Coudiere,
    #   Douanla-Lontsi & Pierre 2018): one rates call per step, (a, b) = 1.5 (A, B)_n -
    #   0.5 (A, B)_(n-1); restarted (an RL1 step) at k = 0 and where the stimulus jumps.
    # order 4 ("staggered", after Hines 1984): the states other than V live at half steps.
    #   With (A, B) at (V_k, x_(k-1/2)) they advance by the exponential step to x_(k+1/2) (a
    #   half step from x_0 at k = 0); then V goes from t_k to t_(k+1) by the exponential step
    #   with (a, b) its row at (V_k, x_(k+1/2)) (model_rates_V, or a second rates call). A
    #   last half step brings x to t_end. Samples (records, observables, aux) see x at the
    #   sample time: half a step from x_(k-1/2) with the rates of the update.
    # Algebraic outputs are computed only by the "_aux" variant (the other calls no_aux).
    wide_vectors()
    t0 = fpar[F_T0]
    dt = fpar[F_DT]
    v_thr = fpar[F_VTHR]
    burst_gap = fpar[F_GAP]
    plateau_V = fpar[F_PLATEAU]
    n_steps = ipar[I_NSTEPS]
    clamp = ipar[I_CLAMP] != 0
    order = ipar[I_ORDER]
    rec_every = ipar[I_REC_EVERY]
    warm_steps = ipar[I_WARM]
    # the sums of V below threshold: for the silent-phase potential and the plateau test (set
    # by the engine for either)
    silent = ipar[I_SILENT] != 0
    half = 0.5 * dt
    i0 = 1 if clamp else 0
    # rates calls per step: order 4 needs a second for the V row unless the model has rates_V
    n_stages = 2 if order == 2 or (order == 4 and not HAS_RATES_V and not clamp) else 1
    n_obs = obs_idx.shape[0]
    need_aux = needs_aux(rec_idx, obs_idx, NS)
    # order 4 brings the staggered states to a sample's time only if a sample reads them
    need_x = reads_beyond_V(rec_idx, obs_idx)
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
    load_cells(Y, P, c0, nb, Yb, Pb)
    # rates are evaluated on Yh, which equals Yb at the start of every step (the copy at the end
    # of the previous step), except the clamped V, which is set in both
    copy_rows(Yb, Yh, 0, nb)
    # the rest test (biophys.kernels.rest): after the stimulus's last change, every rest_every
    # steps; frozen cells are finished after the loop, which ends when all are frozen
    rest_every = ipar[I_REST]
    RS = np.zeros((REST_ROWS if rest_every > 0 else 0, BLOCK))
    OS = np.zeros((n_obs if rest_every > 0 else 0, 3, BLOCK))
    if rest_every > 0:
        RS[RS_K] = -1.0
    # the stimulus's last change that the run samples (at t + dt/2, the last step's included: a
    # clamp step ending at t_end sets the final V)
    stim_last = -math.inf
    for j in range(stim_t.shape[0]):
        if stim_t[j] <= t0 + n_steps * dt + half:
            stim_last = stim_t[j]
    n_frozen = 0
    s_prev = math.nan
    for k in range(n_steps + 1):
        t = t0 + k * dt
        s = stimulus_at(t + half, stim_t, stim_v)
        s_ext = 0.0 if clamp else s
        if clamp:
            for c in range(nb):
                Yb[0, c] = s
                Yh[0, c] = s
        # upward threshold crossings between the previous sample and this one (none under a
        # voltage clamp: the command's edges are not action potentials)
        n_hit = 0
        for c in range(nb):
            n_hit += (vprev[c] < v_thr) & (Yb[0, c] >= v_thr) & (not clamp)
        if k > 0 and n_hit > 0:
            record_crossings(Yb, vprev, c0, nb, t, dt, v_thr, k > warm_steps, spk_t, spk_n,
                             burst, burst_gap, plateau_V)
        for c in range(nb):
            vprev[c] = Yb[0, c]
        do_rec = rec_every > 0 and k % rec_every == 0
        do_obs = n_obs > 0 and k >= warm_steps
        if silent and k >= warm_steps:
            accumulate_silent(Yb, c0, nb, v_thr, 1.0, burst)
        last_step = k == n_steps
        # the update reads Yb and writes Yh (one rates call site: every model's rates is
        # inlined once per variant); samples are taken after the first rates call of the step
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
            if stage == 0:
                Ys = Yb
                if order == 4 and k > 0 and (((do_rec or do_obs) and need_x) or last_step):
                    # the staggered states at t: half a step from x_(k-1/2) with these rates,
                    # into Yh on the last step (the stored states), else into Aold (unused by
                    # this scheme); computed once for the sample and the store (a sample of V
                    # alone reads Yb, whose V is at t)
                    Ys = Yh if last_step else Aold
                    exponential_rows(Yb, Ys, A, B, nb, half)
                    for c in range(nb):
                        Ys[0, c] = Yb[0, c]
                if do_rec or do_obs:
                    if need_aux:
                        for c in range(nb):
                            {AUX}(Ys, Pb, c, t, s_ext, AUXb)
                    observe_block(Ys, AUXb, c0, nb, k // rec_every if do_rec else -1, do_obs,
                                  rec_idx, rec, obs_idx, obs)
                if last_step:
                    break
                if rest_every > 0 and k % rest_every == 0 and t >= stim_last:
                    n_frozen += rest_check(Yb, A, B, c0, nb, k, (n_steps - k) * dt,
                                           half if order == 4 else 0.0, i0, fpar, N_FPAR + NS,
                                           fpar[F_REST_RTOL], RS, OS, obs, burst, spk_n)
                    if n_frozen == nb:
                        break
            if order == 4:
                if stage == 0:
                    # x_(k-1/2) -> x_(k+1/2) (a half step from x_0 at k = 0)
                    exponential_rows(Yb, Yh, A, B, nb, half if k == 0 else dt)
                    if HAS_RATES_V and not clamp:
                        for c in range(nb):
                            model_rates_V(Yh, Pb, c, t + half, s_ext, A, B)
                if last and not clamp:  # V_k -> V_(k+1) with the V row at x_(k+1/2)
                    exponential_rows(Yb, Yh, A, B, nb, dt, 0, 1)
            else:
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
        if n_frozen == nb:
            break
        copy_rows(Yh, Yb, i0, nb)
        if last_step:
            break
    store_block(Yb, Y, c0, nb, stats, n_steps)
    if n_frozen > 0:
        # the frozen cells' variables at the freeze and at the end, then their read-outs
        X = np.empty((2, n_obs + rec_idx.shape[0], BLOCK))
        s_end = 0.0 if clamp else stimulus_at(t0 + n_steps * dt, stim_t, stim_v)
        for end in range(2):
            rest_load(RS, Yb, nb, end)
            if need_aux:
                for c in range(nb):
                    if RS[RS_K, c] >= 0.0:
                        {AUX}(Yb, Pb, c, t0 + (n_steps if end else RS[RS_K, c]) * dt, s_end,
                              AUXb)
            rest_values(Yb, AUXb, nb, RS, obs_idx, rec_idx, X[end])
        rest_finish(Y, c0, nb, RS, OS, X[0], X[1], obs, rec, rec_every, burst, spk_t, spk_n,
                    stats, n_steps, warm_steps, silent, v_thr)
"""


def render(kernel_module: str) -> str:
    """Source of the generated driver module of the model kernel ``kernel_module``."""
    parts = [TEMPLATE, "\n", ensemble_adaptive.HEADER_TEMPLATE, "\n\n",
             ensemble_rosenbrock.HEADER_TEMPLATE]
    for suffix, aux in (("", "no_aux"), ("_aux", "model_aux")):
        for variant in (VARIANT_TEMPLATE, ensemble_adaptive.HELPERS_TEMPLATE):
            parts.append("\n\n" + variant.replace("{SUFFIX}", suffix).replace("{AUX}", aux))
        for loop in ensemble_adaptive.LOOPS + ensemble_rosenbrock.LOOPS:
            parts.append("\n\n" + ensemble_adaptive.render_loop(loop, suffix, aux))
    return "".join(parts).replace("{MODULE}", kernel_module)
