"""The shared Na+/Ca2+ exchanger carrier (Cha et al. 2011): its current's voltage slope."""

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
