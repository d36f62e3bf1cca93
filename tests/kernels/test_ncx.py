"""The shared Na+/Ca2+ exchanger carrier (Cha et al. 2011): its current's voltage slope, and its
steady-state current's sign and thermodynamic reversal."""

import numpy as np
import pytest

from biophys.kernels.ncx import CHA_2011_NCX, ncx_current, ncx_rates, ncx_slope

RTF = 1000.0 * 8.314462618 * 310.15 / 96485.33212  # mV, 37 C (26.727 mV; CODATA R and F)


def _current(v, e1, i1, i2, ca_i):
    k = CHA_2011_NCX
    k1p, k2p, *_ = ncx_rates(v, 10.0, ca_i, 140.0, 2.0, RTF, k["K_NCX_Nai"], k["K_NCX_Cai"],
                             k["K_NCX_Nao"], k["K_NCX_Cao"], k["partition_NCX"])
    return ncx_current(1.0, k1p, k2p, e1, i1, i2), k1p, k2p


@pytest.mark.parametrize("v", [-90.0, -40.0, 0.0, 35.0])
@pytest.mark.parametrize("ca_i", [1e-4, 1e-3])
def test_slope_is_the_derivative_at_frozen_carrier_states(v, ca_i):
    """ncx_slope equals a central difference of ncx_current in V (occupancies frozen) and is
    positive: the exchanger adds conductance to the quasi-linear V update."""
    e1, i1, i2 = 0.3, 0.2, 0.1
    (_, e2), k1p, k2p = _current(v, e1, i1, i2, ca_i)
    h = 1e-4
    fd = (_current(v + h, e1, i1, i2, ca_i)[0][0]
          - _current(v - h, e1, i1, i2, ca_i)[0][0]) / (2 * h)
    got = ncx_slope(1.0, k1p, k2p, e1, e2, CHA_2011_NCX["partition_NCX"], RTF)
    assert got > 0
    np.testing.assert_allclose(got, fd, rtol=1e-6)


def _steady_current(v, na_i=10.0, ca_i=1e-4, na_o=140.0, ca_o=2.0):
    """The carrier's steady-state current (I_max = 1) at ``v`` mV, its four occupancies solved
    here with numpy from the transition rates (E1, E2, I1, I2; E1 <-> E2 by kb/kf, E1 <-> I1
    by alpha1/beta1, E1 <-> I2 by alpha2/beta2), and the occupancies."""
    k = CHA_2011_NCX
    k1p, k2p, kf, kb, a1, b1, a2, b2 = ncx_rates(
        v, na_i, ca_i, na_o, ca_o, RTF, k["K_NCX_Nai"], k["K_NCX_Cai"], k["K_NCX_Nao"],
        k["K_NCX_Cao"], k["partition_NCX"])
    q = np.zeros((4, 4))
    q[0, 1], q[1, 0], q[0, 2], q[2, 0], q[0, 3], q[3, 0] = kb, kf, a1, b1, a2, b2
    q -= np.diag(q.sum(axis=1))
    p = np.linalg.lstsq(np.vstack([q.T, np.ones(4)]), np.r_[np.zeros(4), 1.0], rcond=None)[0]
    current, e2 = ncx_current(1.0, k1p, k2p, p[0], p[2], p[3])
    return current, e2, p


def test_steady_current_reverses_at_the_thermodynamic_potential():
    """Inward (Ca2+ extrusion) at rest, outward when depolarised, zero near 3 E_Na - 2 E_Ca:
    within 0.01 mV (the published dissociation constants are not exactly in detailed balance:
    K_Nao^3 K_Cai / (K_Nai^3 K_Cao) = 0.9998, 0.0056 mV off). E2 = 1 - E1 - I1 - I2."""
    from scipy.optimize import brentq

    assert _steady_current(-70.0)[0] < 0.0 < _steady_current(40.0)[0]
    _, e2, p = _steady_current(-70.0)
    assert e2 == pytest.approx(p[1], abs=1e-12)
    e_na = RTF * np.log(140.0 / 10.0)
    e_ca = RTF / 2.0 * np.log(2.0 / 1e-4)
    v0 = brentq(lambda v: _steady_current(v)[0], -200.0, 200.0, xtol=1e-12)
    assert v0 == pytest.approx(3.0 * e_na - 2.0 * e_ca, abs=0.01)
