"""The error-controlled part of the ensemble driver: the per-cell step-size loop, and
Dormand-Prince 5(4) as its explicit method.

Used by :func:`biophys.kernels.ensemble_source.render`, which appends :data:`HEADER_TEMPLATE`
once, :data:`HELPERS_TEMPLATE` per variant (``{SUFFIX}``/``{AUX}`` as for the fixed-step
integrators) and :data:`LOOP_TEMPLATE` per variant and method (:data:`LOOPS`, and the stiff
method of :mod:`biophys.kernels.ensemble_rosenbrock`) to the generated per-model driver
module. A method is an attempt function that advances every lane by its own step. Every cell
of a block has its own time and step size; the cells advance in lock step, masked where a
cell's step is rejected, so the arithmetic of one cell never depends on its neighbours
(bit-identical results for any thread count). A cell that reaches the end stores its state
and hands its lane to the last running cell (:func:`retire_lanes`), so the loops over lanes
cover only running cells: the cells of a block can need a hundred times different numbers of
steps (a silent and a firing cell), and masked lanes cost about half a running one
(``zg_cell`` with ``rosenbrock``, 64 lanes of a K_o range). Spike times are located on the
cubic Hermite interpolant of the accepted step; observables accumulate time integrals over
accepted steps, of fourth order like the solution: a state's Hermite interpolant integrated
exactly, an algebraic output by Simpson's rule at the interpolated midpoint state (one more
output evaluation per step), the silent-phase sums over the part of a step below threshold
(split at a crossing). Minima and maxima are taken at the steps' ends (and an output's
midpoint), not of the interpolant. A spike is an upward threshold crossing between the ends of
an accepted step (V below threshold at its start, at or above at its end): a spike whose
interpolant crosses up and back down within one accepted step (V below threshold at both ends)
is not counted.

Segment ends (stimulus edges, the end of the warm-up, ``t_end``) are not crossed: a step of at
least 90 % of the time left to a segment end is shortened or lengthened to land on it. A
shortened landing step says nothing about the step size the solution allows, so, when it is
accepted, the controller's next proposal is at least the one before it; a segment shorter than
the proposal (a pulse of 1e-10 ms) is one step. A proposal below the step-size floor
:data:`H_MIN` stops the cell (status 3, or 1 for a non-finite state).

Compile cost. The attempt of the explicit method, its stage helper and the event and record
helpers are inlined into the step loop at Numba IR level (``inline="always"``): compiled as
functions of their own, each would be optimised by LLVM once alone and again inside its
caller, with the model's rates inlined at every level (``beta_cell``'s ``run_adaptive``: 20.1 s
of first-use compile before, 15.7 s after). ``_derivative``, which holds the loop over the
model's rates, stays a function of its own: inlined as well, it made W1 (``hh1952``, 1 000
cells, one thread) 27 % slower. The Dormand-Prince attempt calls it from one place for all its
stages, as every call site holds a copy of the model's rates.

Tableau: Dormand & Prince (1980), J Comput Appl Math 6:19, RK5(4)7M (the seventh stage is the
first-same-as-last derivative at the new point); step-size control: the PI controller of
Hairer, Norsett & Wanner, Solving ODEs II, section IV.2 / I, section II.4 (beta = 0.04; the
step changes by a factor in [0.2, 5], and by at most 1 after a rejection, for the retry and
the step accepted after it: facmax = 1, as in their DOPRI5).
"""

import numpy as np

from ._jit import jit

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


#: smallest step the controller may propose (ms); below it a cell is stopped (status 3); also
#: the smallest ``dt`` (first trial step) and ``max_step`` a run accepts
H_MIN = 1e-9
#: a step ending this close (ms) to a segment end lands on it
SNAP = 2e-9


@jit
def hermite(y0, y1, f0, f1, h, th):
    """Cubic Hermite interpolant at ``t0 + th h`` from values and slopes at both ends."""
    return ((1.0 - th) * y0 + th * y1
            + th * (th - 1.0) * ((1.0 - 2.0 * th) * (y1 - y0) + (th - 1.0) * h * f0
                                 + th * h * f1))


@jit
def hermite_crossing(y0, y1, f0, f1, h, level):
    """Fraction ``th`` in [0, 1] of the step at an upward crossing of ``level`` by the Hermite
    interpolant (``y0 < level <= y1``; a downward crossing: call it with the values and slopes
    negated): the first point of the grid of eighths ``j / 8`` where the interpolant is at or
    above ``level`` brackets a crossing with the point before it, and bisection locates that
    crossing. It is the first crossing unless the cubic crosses up and back down within one
    eighth of the step before the bracket (a crossing the grid does not see)."""
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


@jit(inline="always")
def retire_lanes(Y, Yb, W, seg, jrec, cell, tc, t_end, c0, na):
    """Store the final state of every running lane (``[0, na)``) that reached ``t_end`` into
    ``Y`` (lane ``c`` holds cell ``c0 + cell[c]``) and move the last running lane into its
    place: every column of ``W``, ``seg``, ``jrec`` and ``cell``. Returns the new number of
    running lanes. A lane's arithmetic never depends on its position, so the results do not
    change; the loops over lanes then skip the finished ones. (The Rosenbrock LU factors in
    ``W`` are stored lane-major, not one column per lane, so the column copy does not move
    them but overwrites parts of other lanes' factors; they and their pivots, ``piv``, are
    scratch of one attempt, refactored for every running lane before use, so nothing may ever
    keep them across attempts.)"""
    c = 0
    while c < na:
        if tc[c] >= t_end:
            for i in range(Y.shape[0]):
                Y[i, c0 + cell[c]] = Yb[i, c]
            na -= 1
            if c != na:
                for r in range(W.shape[0]):
                    W[r, c] = W[r, na]
                seg[c] = seg[na]
                jrec[c] = jrec[na]
                cell[c] = cell[na]
        else:
            c += 1
    return na


#: Per-model definitions (workspace rows, the stage derivative), appended once.
HEADER_TEMPLATE = """\
# workspace rows of run_adaptive (one array, as the fixed-step R_* rows)
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
Q_REJ = Q_TC + 8  # 1: the cell's last attempt was rejected (no growth of its step)
Q_AUXS = Q_TC + 9  # algebraic outputs on an interpolated state
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


@jit(inline="always")
def _take_refreshed(K, flag, nb):
    # slot 0 <- slot 6 (the derivative just computed at the current state) in the flagged
    # lanes (at the start and where a segment begins; the others keep their FSAL derivative)
    for i in range(NS):
        for c in range(nb):
            K[i, c] = K[6 * NS + i, c] if flag[c] > 0.0 else K[i, c]


@jit
def _refresh_derivative(Yb, Yt, Pb, nb, tc, hs, sc, clamp, A, B, K, flag):
    # the derivative at the current state into K slot 6, and into slot 0 of the flagged lanes
    for i in range(NS):
        for c in range(nb):
            Yt[i, c] = Yb[i, c]
    # slot 6, the last of K's seven: passed as a computed int64, not the literal 6, which
    # would make Numba compile a second, literal-specialised copy of _derivative
    last = K.shape[0] // NS - 1
    _derivative(Yt, Pb, nb, tc, hs, 0.0, sc, clamp, A, B, K, last)
    _take_refreshed(K, flag, nb)


@jit(inline="always")
def _stage_argument(Yb, Yt, K, coef, first, nb, hs, times_h):
    # Yt = Yb + sum_j w_j K[slot first + j], w_j = coef[j] (times the lane's step if times_h)
    for i in range(NS):
        for c in range(nb):
            Yt[i, c] = Yb[i, c]
        for j in range(coef.shape[0]):
            a = coef[j]
            if a != 0.0:
                for c in range(nb):
                    w = hs[c] * a if times_h else a
                    Yt[i, c] += w * K[(first + j) * NS + i, c]


@jit(inline="always")
def _attempt_dp(Yb, Yt, Pb, K, A, B, W, piv, tc, hs, sc, clamp, refresh, flag, errn, fpar, nb,
                i0):
    # one Dormand-Prince 5(4) attempt of every lane: Yt <- the 5th-order solution, K[6] <- its
    # derivative (FSAL), errn <- sum over states of the squared scaled error (W, piv unused)
    rtol = fpar[F_RTOL]
    # stage 0 (the derivative at the current state) only at the start and after a segment
    # end; otherwise FSAL provides it. One _derivative call for every stage: each call site
    # inlines the model's rates, so a second one would double the code LLVM optimises
    last = K.shape[0] // NS - 1
    for st in range(0 if refresh else 1, 7):
        # stage 0 is _refresh_derivative with its _derivative call shared with the others
        if st == 0:
            for i in range(NS):
                for c in range(nb):
                    Yt[i, c] = Yb[i, c]
        else:
            _stage_argument(Yb, Yt, K, DP_A[st, :st], 0, nb, hs, True)
        _derivative(Yt, Pb, nb, tc, hs, DP_C[st], sc, clamp, A, B, K, last if st == 0 else st)
        if st == 0:
            _take_refreshed(K, flag, nb)
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
"""

#: The error-controlled block integrator, rendered per method (:data:`LOOPS`) and per variant
#: (``{SUFFIX}``/``{AUX}`` as for the fixed-step integrators): ``{NAME}`` is the function,
#: ``{ATTEMPT}`` the per-model attempt function (one step of every lane), ``{EXTRA_ROWS}`` the
#: workspace rows it needs beyond ``Q_ROWS`` (passed to it as ``W``), ``{EXPO}``/``{BETA}`` the
#: exponents of the PI step-size controller.
LOOP_TEMPLATE = """\
@entry_jit
def {NAME}{SUFFIX}(Y, P, c0, nb, fpar, ipar, stim_t, stim_v, rec_idx, rec_t, rec, spk_t, spk_n,
                   obs_idx, obs, burst, stats):
    # an embedded method with a PI step-size controller, every cell with its own t and h;
    # the cells of the block iterate in lock step (rejected cells are masked, finished ones
    # retired).
    # stim_t holds the ends of the piecewise-constant segments (stimulus jumps, the end of the
    # warm-up, t_end), stim_v the stimulus on each segment; no step crosses a segment end.
    # Observables accumulate time integrals (fourth order: _accept_events) over accepted steps
    # after warm-up.
    wide_vectors()
    t0 = fpar[F_T0]
    t_end = fpar[F_TEND]
    h_max = fpar[F_HMAX]
    h0 = fpar[F_H0]
    clamp = ipar[I_CLAMP] != 0
    max_iter = ipar[I_MAXITER]
    # the sums of V below threshold: for the silent-phase potential and the plateau test
    silent = ipar[I_SILENT] != 0  # silent-phase potential or plateau test
    n_seg = stim_t.shape[0]
    n_obs = obs_idx.shape[0]
    aux_obs = False
    for o in range(n_obs):
        aux_obs = aux_obs or obs_idx[o] >= NS
    i0 = 1 if clamp else 0
    inv_n_err = 1.0 / (NS - i0)
    W = np.zeros((Q_ROWS + {EXTRA_ROWS}, BLOCK))
    piv = np.zeros((BLOCK, NS), dtype=np.int64)
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
    rej = W[Q_REJ]
    seg = np.zeros(BLOCK, dtype=np.int64)
    jrec = np.zeros(BLOCK, dtype=np.int64)
    load_cells(Y, P, c0, nb, Yb, Pb)
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
    # True here; written as a comparison so that Numba types it bool from the start (a literal
    # True would make it compile the attempt function twice, for Literal[bool] and for bool)
    refresh = n_seg > 0
    if aux_obs:
        for c in range(nb):
            {AUX}(Yb, Pb, c, t0, 0.0 if clamp else sc[c], AUX0)
    # lane c holds cell c0 + cell[c]; the lanes [0, na) are still integrating. A lane that
    # reaches t_end stores its state and takes the last running lane's columns, so the loops
    # below cover only running lanes (a block's cells can need 1-100x different step counts)
    cell = np.arange(BLOCK)
    na = nb
    _record_start{SUFFIX}(Yb, Pb, W[Q_AUXS:Q_AUXS + NA], sc, t0, c0, cell, nb, clamp, rec_idx,
                  rec_t, rec, jrec)
    for it in range(max_iter):
        n_active = 0
        for c in range(na):
            rem = tseg[c] - tc[c]
            h = min(hc[c], h_max)
            h = rem if h >= 0.9 * rem else h  # land exactly on the segment end
            h = 0.0 if tc[c] >= t_end else h
            hs[c] = h
            n_active += h > 0.0
        if n_active == 0:
            break
        # one attempt: Yt <- the new solution, K[6] <- its derivative, errn <- the sum of
        # squared scaled local-error components
        {ATTEMPT}(Yb, Yt, Pb, K, A, B, W[Q_ROWS:Q_ROWS + {EXTRA_ROWS}], piv, tc, hs, sc, clamp,
                  refresh, flag, errn, fpar, na, i0)
        refresh = False
        n_acc = 0
        n_bad = 0
        for c in range(na):
            en = math.sqrt(errn[c] * inv_n_err)
            en = en if en == en else 1e10  # a non-finite stage: reject and shrink
            errn[c] = en
            n_acc += (hs[c] > 0.0) & (en <= 1.0)
            n_bad += (hs[c] > 0.0) & (hc[c] < H_MIN)
        if n_bad > 0:
            # step size underflow (a landing step does not shrink the proposal, see the
            # controller): a non-finite state, or a runaway too stiff for the method; the cell
            # is stopped (status 1: non-finite, 3: step size underflow)
            for c in range(na):
                if hs[c] > 0.0 and hc[c] < H_MIN:
                    finite = True
                    for i in range(NS):
                        finite = finite and math.isfinite(Yb[i, c])
                    stats[c0 + cell[c], S_STATUS] = 1 if (errn[c] >= 1e10 or not finite) else 3
                    tc[c] = t_end
                    hs[c] = 0.0
        if n_acc > 0:
            if aux_obs:
                for c in range(na):
                    {AUX}(Yt, Pb, c, tc[c] + hs[c], 0.0 if clamp else sc[c], AUX1)
            _accept_events{SUFFIX}(Yb, Yt, W[Q_YS:Q_YS + NS], Pb, K, AUX0, AUX1,
                                   W[Q_AUXS:Q_AUXS + NA], tc, hs, errn, sc, tseg, c0, cell, na,
                                   clamp, fpar, rec_idx, rec_t, rec, jrec, spk_t, spk_n, obs_idx,
                                   obs, burst, silent)
            # commit the accepted steps
            for i in range(NS):
                for c in range(na):
                    acc = (hs[c] > 0.0) & (errn[c] <= 1.0)
                    Yb[i, c] = Yt[i, c] if acc else Yb[i, c]
                    K[i, c] = K[6 * NS + i, c] if acc else K[i, c]
            if aux_obs:
                for i in range(NA):
                    for c in range(na):
                        acc = (hs[c] > 0.0) & (errn[c] <= 1.0)
                        AUX0[i, c] = AUX1[i, c] if acc else AUX0[i, c]
            for c in range(na):
                acc = (hs[c] > 0.0) & (errn[c] <= 1.0)
                tn = tc[c] + hs[c]
                # snap onto the segment end when the step was meant to land there
                tn = tseg[c] if tseg[c] - tn <= max(SNAP, 1e-12 * abs(tseg[c])) else tn
                tc[c] = tn if acc else tc[c]
        # step-size control (Hairer, Norsett & Wanner II.4: PI controller; no growth after a
        # rejection, for the retry and the step accepted after it, as in their DOPRI5)
        for c in range(na):
            en = max(errn[c], 1e-10)
            on = hs[c] > 0.0
            acc = on & (en <= 1.0)
            fac = 0.9 * exp(-{EXPO} * log(en) + {BETA} * log(err_old[c]))
            fac = min(5.0, max(0.2, fac))
            fac = fac if acc and rej[c] == 0.0 else min(fac, 1.0)
            hn = hs[c] * fac
            # an accepted step shortened to land on a segment end keeps the proposal before it
            hn = max(hn, hc[c]) if acc and hs[c] < min(hc[c], h_max) else hn
            err_old[c] = max(en, 1e-4) if acc else err_old[c]
            rej[c] = (0.0 if acc else 1.0) if on else rej[c]
            hc[c] = hn if on else hc[c]
        for c in range(na):
            if hs[c] > 0.0:
                if errn[c] <= 1.0:
                    stats[c0 + cell[c], S_ACCEPTED] += 1
                else:
                    stats[c0 + cell[c], S_REJECTED] += 1
        # cells that reached the end of their segment move to the next one; the stimulus (or
        # the clamp level) jumps there, so their first-stage derivative is recomputed, and the
        # observed outputs at the step start (AUX0), which take the new level
        n_next = 0
        n_done = 0
        for c in range(na):
            n_next += (tc[c] >= tseg[c]) & (tc[c] < t_end)
            n_done += tc[c] >= t_end
        if n_next > 0:
            for c in range(na):
                # (not a lane stopped this iteration, tc = t_end: it keeps its segment, and
                # under clamp its V, as it would alone)
                adv = tc[c] >= tseg[c] and tc[c] < t_end and seg[c] + 1 < n_seg
                flag[c] = 1.0 if adv else 0.0
                if adv:
                    seg[c] += 1
                    sc[c] = stim_v[seg[c]]
                    tseg[c] = stim_t[seg[c]]
                    if clamp:
                        Yb[0, c] = sc[c]
                    if aux_obs:
                        {AUX}(Yb, Pb, c, tc[c], 0.0 if clamp else sc[c], AUX0)
            refresh = True
        if n_done > 0:
            na = retire_lanes(Y, Yb, W, seg, jrec, cell, tc, t_end, c0, na)
    for c in range(na):
        if tc[c] < t_end and stats[c0 + cell[c], S_STATUS] == 0:
            stats[c0 + cell[c], S_STATUS] = 2  # iteration budget exhausted
    for i in range(NS):
        for c in range(na):
            Y[i, c0 + cell[c]] = Yb[i, c]
"""

#: Helpers of the error-controlled integrators, rendered once per variant.
HELPERS_TEMPLATE = """\
@jit(inline="always")
def _silent_part{SUFFIX}(v0, v1, f0, f1, h, a, b, g, burst):
    # add V's Hermite interpolant over the fractions [a, b] of a step (below threshold there)
    # to cell g's pending silent-phase sums: Simpson's rule, exact for the cubic
    if b > a:
        va = hermite(v0, v1, f0, f1, h, a)
        vb = hermite(v0, v1, f0, f1, h, b)
        vm = hermite(v0, v1, f0, f1, h, 0.5 * (a + b))
        w = (b - a) * h
        burst[B_PEND_SUM, g] += w / 6.0 * (va + 4.0 * vm + vb)
        burst[B_PEND_N, g] += w
        burst[B_PEND_MIN, g] = min(burst[B_PEND_MIN, g], va, vb)


@jit(inline="always")
def _record_start{SUFFIX}(Yb, Pb, AUX, sc, t0, c0, cell, nb, clamp, rec_idx, rec_t, rec, jrec):
    # samples at t <= t0 (the initial state); lane c holds cell c0 + cell[c]
    n_rec = rec_idx.shape[0]
    for c in range(nb):
        while jrec[c] < rec_t.shape[0] and rec_t[jrec[c]] <= t0:
            {AUX}(Yb, Pb, c, t0, 0.0 if clamp else sc[c], AUX)
            for r in range(n_rec):
                ix = rec_idx[r]
                rec[r, c0 + cell[c], jrec[c]] = Yb[ix, c] if ix < NS else AUX[ix - NS, c]
            jrec[c] += 1


@jit(inline="always")
def _accept_events{SUFFIX}(Yb, Yt, Ys, Pb, K, AUX0, AUX1, AUXS, tc, hs, errn, sc, tseg, c0,
                           cell, nb, clamp, fpar, rec_idx, rec_t, rec, jrec, spk_t, spk_n,
                           obs_idx, obs, burst, silent):
    # spikes, records and observables of the accepted cells over [t, t + h] (before commit);
    # lane c holds cell c0 + cell[c]. No spikes under a voltage clamp (the command's edges are
    # not action potentials); a sample at the end of a stimulus segment (before t_end) is left
    # to the next segment's first step, which takes it with that segment's stimulus or clamp
    # level, as the fixed-step methods do (each level holds on [t_j, t_j+1)).
    v_thr = fpar[F_VTHR]
    burst_gap = fpar[F_GAP]
    plateau_V = fpar[F_PLATEAU]
    t_warm = fpar[F_TWARM]
    t_end = fpar[F_TEND]
    n_obs = obs_idx.shape[0]
    mid = False  # an output among the observables: evaluated at each step's midpoint
    for o in range(n_obs):
        mid = mid or obs_idx[o] >= NS
    n_rec = rec_idx.shape[0]
    n_rec_t = rec_t.shape[0]
    for c in range(nb):
        h = hs[c]
        if not (h > 0.0 and errn[c] <= 1.0):
            continue
        t = tc[c]
        v0 = Yb[0, c]
        v1 = Yt[0, c]
        f0 = K[0, c]  # slopes of V (0 under clamp: _derivative)
        f1 = K[6 * NS, c]
        g = c0 + cell[c]
        if v0 < v_thr and v1 >= v_thr and not clamp:
            th = hermite_crossing(v0, v1, f0, f1, h, v_thr)
            ts = t + th * h
            if silent and t >= t_warm:  # the step's time below threshold, before the spike
                _silent_part{SUFFIX}(v0, v1, f0, f1, h, 0.0, th, g, burst)
            record_spike(g, ts, ts > t_warm, spk_t, spk_n, burst, burst_gap, plateau_V)
        t_seg = tseg[c]
        snap = max(SNAP, 1e-12 * abs(t_seg))
        # the step's end as the commit snaps it (t + h can round to below t_end)
        landed = t_seg - (t + h) <= snap
        t1 = t_seg if landed else t + h
        seg_end = t_seg < t_end and landed
        # (a sample within the snap of the edge, e.g. 3 x 0.3 = 0.8999999999999999 for an edge
        # at 0.9, is at the edge)
        while jrec[c] < n_rec_t and (rec_t[jrec[c]] < t_seg - snap if seg_end
                                     else rec_t[jrec[c]] <= t1):
            th = min((rec_t[jrec[c]] - t) / h, 1.0)
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
                rec[r, c0 + cell[c], jrec[c]] = Ys[ix, c] if ix < NS else AUXS[ix - NS, c]
            jrec[c] += 1
        if n_obs > 0 and t >= t_warm:
            # time integrals of the step, fourth order like the solution: a state's cubic
            # Hermite interpolant integrated exactly; an output by Simpson's rule, at the
            # interpolated midpoint state. Extremes: at the step's ends (and an output's
            # midpoint), not of the interpolant.
            if mid:
                for i in range(NS):
                    Ys[i, c] = hermite(Yb[i, c], Yt[i, c], K[i, c], K[6 * NS + i, c], h, 0.5)
                if clamp:
                    Ys[0, c] = sc[c]
                {AUX}(Ys, Pb, c, t + 0.5 * h, 0.0 if clamp else sc[c], AUXS)
            for o in range(n_obs):
                ix = obs_idx[o]
                if ix < NS:
                    x0 = Yb[ix, c]
                    x1 = Yt[ix, c]
                    xm = x0
                    obs[o, 0, g] += (0.5 * h * (x0 + x1)
                                     + h * h / 12.0 * (K[ix, c] - K[6 * NS + ix, c]))
                else:
                    x0 = AUX0[ix - NS, c]
                    x1 = AUX1[ix - NS, c]
                    xm = AUXS[ix - NS, c]
                    obs[o, 0, g] += h / 6.0 * (x0 + 4.0 * xm + x1)
                obs[o, 1, g] = min(obs[o, 1, g], x0, x1, xm)
                obs[o, 2, g] = max(obs[o, 2, g], x0, x1, xm)
        if silent and t >= t_warm:
            # silent-phase potential and plateau test: the time below threshold (a step's
            # part before an upward crossing was added above)
            if v0 < v_thr and v1 < v_thr:
                _silent_part{SUFFIX}(v0, v1, f0, f1, h, 0.0, 1.0, g, burst)
            elif v0 >= v_thr and v1 < v_thr:
                th = 0.0 if v0 == v_thr else hermite_crossing(-v0, -v1, -f0, -f1, h, -v_thr)
                _silent_part{SUFFIX}(v0, v1, f0, f1, h, th, 1.0, g, burst)
"""


#: The error-controlled methods: ``{NAME}``, ``{ATTEMPT}``, ``{EXTRA_ROWS}``, ``{EXPO}``,
#: ``{BETA}`` of :data:`LOOP_TEMPLATE`. Dormand-Prince: beta = 0.04 as in Hairer & Wanner's
#: DOPRI5, with the error exponent 0.16 (DOPRI5 uses 1/5 - 0.75 beta = 0.17).
LOOPS = [{"NAME": "run_adaptive", "ATTEMPT": "_attempt_dp", "EXTRA_ROWS": "0",
          "EXPO": "0.16", "BETA": "0.04"}]


def render_loop(fields: dict, suffix: str, aux: str) -> str:
    """:data:`LOOP_TEMPLATE` filled in for one method and variant."""
    out = LOOP_TEMPLATE
    for key, value in {**fields, "SUFFIX": suffix, "AUX": aux}.items():
        out = out.replace("{" + key + "}", value)
    return out
