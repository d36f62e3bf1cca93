"""The embeddable Chen 2008 exocytosis components (biophys.kernels.exocytosis), at random states
and parameters, against the published equations written out here (per second) and divided by
1000 (the kernels work per ms)."""

from __future__ import annotations

import numpy as np
import pytest

from biophys.kernels import exocytosis as ex
from biophys.kernels.constants import FARADAY

NG = len(ex.GRANULE_STATE_NAMES)
NPG = len(ex.GRANULE_PARAM_NAMES)


def host_arrays(rng, s0, p0, n_states=30, n_params=40, n_cells=3):
    Y = rng.uniform(0.1, 50.0, (n_states, n_cells))
    P = rng.uniform(0.01, 5.0, (n_params, n_cells))
    A = np.full((n_states, n_cells), np.nan)
    B = np.full((n_states, n_cells), np.nan)
    return Y, P, A, B


def published_granule_rhs(n, p, cmd, ci, r3_factor):
    """Chen 2008 pools, per s: n = N1..N6, NF, NR, SE, cum; p in GRANULE_PARAM_NAMES order."""
    k1, km1, r1, rm1, r20, rm2, r30, rm3, u1, u2, u3, kp, kp2 = p[:13]
    n1, n2, n3, n4, n5, n6, nf, nr, _se, _cum = n
    r2 = r20 * ci / (ci + kp2)
    r3 = r3_factor * r30 * ci / (ci + kp)
    return np.array([
        -(3 * k1 * cmd + rm1) * n1 + km1 * n2 + r1 * n5,
        3 * k1 * cmd * n1 - (2 * k1 * cmd + km1) * n2 + 2 * km1 * n3,
        2 * k1 * cmd * n2 - (2 * km1 + k1 * cmd) * n3 + 3 * km1 * n4,
        k1 * cmd * n3 - (3 * km1 + u1) * n4,
        rm1 * n1 - (r1 + rm2) * n5 + r2 * n6,
        r3 + rm2 * n5 - (rm3 + r2) * n6,
        u1 * n4 - u2 * nf,
        u2 * nf - u3 * nr,
        u3 * nr,
        u1 * n4,
    ]), r3 - rm3 * n6


@pytest.mark.parametrize("seed", range(5))
def test_granule_rates_match_equations_and_touch_only_their_rows(seed):
    rng = np.random.default_rng(seed)
    s0, p0, c = 7, 11, 1
    Y, P, A, B = host_arrays(rng, s0, p0)
    cmd, ci, amp = rng.uniform(0.05, 40.0), rng.uniform(0.05, 2.0), rng.uniform(0.5, 3.0)
    fusion = ex.granule_rates(Y, P, c, s0, p0, cmd, ci, amp, A, B)
    rows = slice(s0, s0 + NG)
    n = Y[rows, c]
    p = P[p0:p0 + NPG, c]
    expected, balance = published_granule_rhs(n, p, cmd, ci, amp)
    got = A[rows, c] - B[rows, c] * n
    assert np.allclose(got * 1e3, expected, rtol=1e-12, atol=1e-12 * np.abs(expected).max())
    assert np.all(B[rows, c] >= 0)
    assert fusion == pytest.approx(p[8] * n[3] / 1e3, rel=1e-14)  # u1*N4, per ms
    # exact granule balance: the pools (not the cumulative counter) change by r3 - rm3*N6
    assert got[:9].sum() * 1e3 == pytest.approx(balance, rel=1e-10, abs=1e-10)
    # nothing else in the host arrays was written
    mask = np.ones(A.shape, bool)
    mask[rows, c] = False
    assert np.all(np.isnan(A[mask])) and np.all(np.isnan(B[mask]))


def test_microdomain_and_chen_cytosol():
    rng = np.random.default_rng(42)
    Y, P, A, B = host_arrays(rng, 0, 0)
    i_cmd, i_ci, p_md, p_ci, c = 3, 4, 20, 25, 2
    f_md, b_md = 0.01, 200.0
    P[p_md:p_md + 2, c] = (f_md, b_md)
    chen = (0.01, 0.00365, 41.0, 0.27, 21.0, 0.5, 18.67, 0.25, -0.94)
    P[p_ci:p_ci + 9, c] = chen
    cmd, ci = 7.3, 0.41
    Y[i_cmd, c], Y[i_ci, c] = cmd, ci
    i_l_fa = -5625.0  # fA, as in Chen's JL = alpha*IL/vmd
    j_md = ex.ca_current_to_flux(i_l_fa / 1e3, 4.2e-15, 5.18e-15)  # pA in, uM/ms out
    assert j_md * 1e3 == pytest.approx(-5.18e-15 * i_l_fa / 4.2e-15, rel=1e-14)
    j_exch = ex.microdomain_rates(Y, P, c, i_cmd, p_md, j_md, ci, A, B)
    dcmd = (A[i_cmd, c] - B[i_cmd, c] * cmd) * 1e3
    j_l = 5.18e-15 * i_l_fa / 4.2e-15
    assert dcmd == pytest.approx(-f_md * j_l - f_md * b_md * (cmd - ci), rel=1e-12)
    assert j_exch * 1e3 == pytest.approx(b_md * (cmd - ci), rel=1e-14)
    j_r = 5.18e-15 * 0.25 * i_l_fa / 1.15e-12
    ex.chen_bulk_ca_rates(Y, P, c, i_ci, p_ci, -j_r / 1e3, j_exch, A, B)
    dci = (A[i_ci, c] - B[i_ci, c] * ci) * 1e3
    removal = (41.0 * ci**2 / (0.27**2 + ci**2) + 21.0 * ci / (0.5 + ci)
               + 18.67 * (ci - 0.25) - 0.94)
    assert ex.chen_ca_removal(ci, P, c, p_ci) == pytest.approx(removal, rel=1e-13)
    expected = -0.01 * j_r + 0.00365 * 0.01 * b_md * (cmd - ci) - 0.01 * removal
    assert dci == pytest.approx(expected, rel=1e-11)
    assert B[i_ci, c] > 0 and B[i_cmd, c] > 0


def test_current_to_flux_constant():
    assert ex.ALPHA_CA == pytest.approx(1e-6 / (2 * FARADAY) * 1e-3, rel=1e-15)
    assert ex.ALPHA_CA == pytest.approx(5.18e-15, rel=1e-3)  # Chen 2008's rounded value
    # 1 pA of inward Ca2+ current into 1 pL: 1e-12/(2F) mol/s / 1e-12 L = 5.18 uM/s
    assert ex.ca_current_to_flux(-1.0, 1e-12, ex.ALPHA_CA) == pytest.approx(
        1.0 / (2 * FARADAY) * 1e6 / 1e3, rel=1e-14)


def test_granule_outputs():
    rng = np.random.default_rng(3)
    s0, p0, c = 2, 5, 0
    Y, P, _, _ = host_arrays(rng, s0, p0)
    P[p0 + ex.C_GRAN, c] = 3.5
    P[p0 + ex.INS_GRAN, c] = 9.0
    fr, cap, ins_rate, ins = ex.granule_outputs(Y, P, c, s0, p0)
    assert fr == P[p0 + ex.U1, c] * Y[s0 + ex.N4, c]
    assert cap == 3.5 * Y[s0 + ex.FUSED, c]
    assert ins_rate == pytest.approx(9.0 * P[p0 + ex.U3, c] * Y[s0 + ex.NR, c], rel=1e-15)
    assert ins == 9.0 * Y[s0 + ex.SE, c]
