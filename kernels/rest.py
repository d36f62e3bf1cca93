'''Stopping a cell's fixed-step run once it is at rest (``sweep(stop_at_rest=...)``).

A cell that has reached a stable steady state spends the rest of a long run recomputing it.
The fixed-step integrator (``run_exponential`` of :mod:`biophys.kernels.ensemble_source`)
tests every cell every ``I_REST`` steps, once the stimulus has no further change, with the
rates it has just computed: with ``dy_i/dt = A_i - B_i y_i``, a cell passes when for every
state

    ``|dy_i/dt| max(t_end - t, REST_HORIZON) <= atol_i + rtol |y_i|``,

that is when even keeping its present speed until ``t_end`` (and for at least
:data:`REST_HORIZON`) would move no state by more than its tolerance. Near a stable node the
remaining change of each mode is at most its speed times ``min(t_end - t, its time
constant)``, so the test bounds it from above. A trajectory passing the ghost of a
saddle-node is slow for a while, but against the factor ``t_end - t`` it would have to be
extremely slow to pass. A cell is frozen after :data:`REST_CHECKS` consecutive passed tests,
and the state and read-outs of that step are kept (:func:`rest_check`). The test does not
check stability: a cell started within its tolerance of an unstable steady state (closer than
a trajectory comes by itself) is frozen there too, where the full run would leave it.

States the model declares as accumulators (``fpar`` tolerance row negative) integrate an
output without feeding back into any rate (cumulative exocytosis): they keep growing at rest,
so they are not tested; they are continued linearly with their rate at the freeze, which is
exact while the other states stay put.

The cell is then finished in closed form (:func:`rest_finish`): its read-outs are restored to
their values at the freeze (the block goes on integrating the frozen cell beside the others,
and that continuation is discarded), and every remaining sample is added as the value of a
variable that is constant, or, for accumulators and outputs affine in them, linear in time:
observed sums, minima and maxima, recorded samples, and the pending below-threshold sums of
the burst accounting. No spike occurs after the freeze. The final states are the frozen
states (accumulators continued to ``t_end``), and the cell's accepted step count is the step
of the freeze.

Whether a cell is frozen, and when, depends only on its own trajectory and the step index,
never on the block it shares, so results stay bit-identical whatever the thread count. The
block stops integrating when all its cells are frozen.
'''

import math

from ._jit import jit
from .bursts import B_PEND_MIN, B_PEND_N, B_PEND_SUM, N_BURST
from .ensemble_source import S_ACCEPTED

#: Consecutive passed tests that freeze a cell (chosen here: a second test, 10 ms later, keeps
#: a cell that passes once while turning, e.g. at the top of a slow wave, from being frozen).
REST_CHECKS = 2
#: Shortest time over which the test extends the present rates, ms: near the end of a run the
#: time left alone would let a cell that is still moving pass (harmless for the accuracy, but
#: then it would not be at rest). Chosen here, not tuned: 1 s is long against a spike or a
#: gating time constant, so a cell that passes would move by less than its tolerance over a
#: whole second at its present rates.
REST_HORIZON = 1000.0

# rows of the per-block rest workspace RS (BLOCK columns): step of the freeze (-1: not
# frozen), passed tests in a row, spike count at the freeze, then the states at the freeze
# (NS rows), the final states (NS rows) and the burst accumulator at the freeze (N_BURST rows)
RS_K, RS_HITS, RS_NSPK, RS_Y = range(4)


@jit
def rest_check(Yb, A, B, c0, nb, k, t_left, lag, i0, fpar, tol0, rtol, RS, OS, obs, burst,
               spk_n):
    """Test the block's cells not yet frozen for rest at step ``k`` and freeze those that pass
    for the :data:`REST_CHECKS`-th time in a row; returns how many were frozen.

    ``A``, ``B``: the rates at the states ``Yb`` of this step; ``t_left``: time to the end of
    the run, ms (the test uses at least :data:`REST_HORIZON`); rows ``i >= i0`` are tested
    (``i0 = 1`` under voltage clamp); ``lag``: how far the states other than V lag behind
    the step's time, ms (half a step for the staggered scheme, else 0), by which the
    accumulators are advanced to it;
    ``fpar[tol0 + i]``: the absolute tolerance of state ``i`` in its unit, negative for an
    accumulator; ``rtol`` dimensionless. A frozen cell's states, final states (accumulators
    continued by their rate over ``t_left``), burst accumulator, spike count and observed sums
    (``OS``, like ``obs``) are stored in the workspace.
    """
    ns = Yb.shape[0]
    n_new = 0
    t_test = max(t_left, REST_HORIZON)
    for c in range(nb):
        if RS[RS_K, c] >= 0.0:
            continue
        ok = True
        for i in range(i0, ns):
            tol = fpar[tol0 + i]
            if tol < 0.0:
                continue
            y = Yb[i, c]
            # (y - y == 0: finite; an infinite state would pass the inequality)
            if not (abs(A[i, c] - B[i, c] * y) * t_test <= tol + rtol * abs(y) and y - y == 0.0):
                ok = False
                break
        if not ok:
            RS[RS_HITS, c] = 0.0
            continue
        RS[RS_HITS, c] += 1.0
        if RS[RS_HITS, c] < REST_CHECKS:
            continue
        g = c0 + c
        RS[RS_K, c] = k
        RS[RS_NSPK, c] = spk_n[g]
        for i in range(ns):
            y = Yb[i, c]
            if i >= i0 and fpar[tol0 + i] < 0.0:
                f = A[i, c] - B[i, c] * y
                RS[RS_Y + i, c] = y + f * lag
                RS[RS_Y + ns + i, c] = y + f * (lag + t_left)
            else:
                RS[RS_Y + i, c] = y
                RS[RS_Y + ns + i, c] = y
        for b in range(N_BURST):
            RS[RS_Y + 2 * ns + b, c] = burst[b, g]
        for o in range(OS.shape[0]):
            for q in range(3):
                OS[o, q, c] = obs[o, q, g]
        n_new += 1
    return n_new


@jit
def rest_load(RS, Yb, nb, end):
    """Put the frozen cells' states at the freeze (``end = 0``) or at the end of the run
    (``end = 1``) into their columns of ``Yb``."""
    ns = Yb.shape[0]
    for c in range(nb):
        if RS[RS_K, c] >= 0.0:
            for i in range(ns):
                Yb[i, c] = RS[RS_Y + end * ns + i, c]


@jit
def rest_values(Yb, AUXb, nb, RS, obs_idx, rec_idx, X):
    """``X[v, c]``: the observed (then recorded) variables of the frozen cells, read from
    ``Yb`` (states) and ``AUXb`` (algebraic outputs, indices ``>= n_states``)."""
    ns = Yb.shape[0]
    n_o = obs_idx.shape[0]
    for v in range(n_o + rec_idx.shape[0]):
        ix = obs_idx[v] if v < n_o else rec_idx[v - n_o]
        for c in range(nb):
            if RS[RS_K, c] >= 0.0:
                X[v, c] = Yb[ix, c] if ix < ns else AUXb[ix - ns, c]


@jit
def rest_finish(Y, c0, nb, RS, OS, X0, X1, obs, rec, rec_every, burst, spk_t, spk_n, stats,
                n_steps, warm_steps, silent, v_thr):
    """Finish the frozen cells of a block in closed form (module docstring).

    ``X0``/``X1``: the observed then recorded variables at the freeze and at the end of the
    run (:func:`rest_values`); a variable is taken as linear in the step index between them.
    The remaining samples are the steps after the freeze (for observations and the
    below-threshold sums: from the end of the warm-up, step ``warm_steps``, on).
    """
    ns = Y.shape[0]
    n_o = OS.shape[0]
    for c in range(nb):
        if RS[RS_K, c] < 0.0:
            continue
        g = c0 + c
        k = int(RS[RS_K, c])
        for b in range(N_BURST):
            burst[b, g] = RS[RS_Y + 2 * ns + b, c]
        n_spk = int(RS[RS_NSPK, c])
        for s in range(n_spk, min(spk_n[g], spk_t.shape[1])):
            spk_t[g, s] = math.nan
        spk_n[g] = n_spk
        span = float(n_steps - k)
        j0 = max(k + 1, warm_steps)
        cnt = float(n_steps - j0 + 1)
        for o in range(n_o):
            for q in range(3):
                obs[o, q, g] = OS[o, q, c]
            if cnt > 0.0:
                a = X0[o, c]
                e = X1[o, c]
                first = a + (e - a) * ((j0 - k) / span)
                obs[o, 0, g] += cnt * (0.5 * (first + e))
                obs[o, 1, g] = min(obs[o, 1, g], first, e)
                obs[o, 2, g] = max(obs[o, 2, g], first, e)
        if silent and cnt > 0.0:
            v = RS[RS_Y, c]
            if v < v_thr:
                burst[B_PEND_SUM, g] += cnt * v
                burst[B_PEND_N, g] += cnt
                if v < burst[B_PEND_MIN, g]:
                    burst[B_PEND_MIN, g] = v
        if rec_every > 0:
            for jr in range(k // rec_every + 1, rec.shape[2]):
                f = (jr * rec_every - k) / span
                for r in range(rec.shape[0]):
                    a = X0[n_o + r, c]
                    rec[r, g, jr] = a + (X1[n_o + r, c] - a) * f
        for i in range(ns):
            Y[i, g] = RS[RS_Y + ns + i, c]
        stats[g, S_ACCEPTED] = k
