"""Provenance checks of ``zg_cell`` from review 55: the CaV3.2 inactivation time constant
against the published ``it2`` formula (and where the model departs from it), the CaV1.3
temperature factor the model declares, and the resting cytosolic Ca2+ against rat glomerulosa
cells. Expected values are written here from the sources, not computed by the package.
"""

from __future__ import annotations

import math

import pytest

from biophys import zg
from biophys.kernels.models import zg_cell as kz
from biophys.models.zg_cell import TONIC_REST


# -- CaV3.2 tau_h: the it2 formula (Vitko et al. 2005 fits), temperature factor 3^((T-24)/10) --
def _it2_tau_h_parts(v):
    """The floor and the voltage-dependent part (ms) of it2's tau_h before its temperature
    factor, as the file writes them (icgenealogy/icg-channels-Ca, 53965_IT2.mod):
    tau_h = 13.7 + (1943 + exp((v+164)/9.2))/(1 + exp((v+89.3)/3.7))/phi_h."""
    return 13.7, (1943.0 + math.exp((v + 164.0) / 9.2)) / (1.0 + math.exp((v + 89.3) / 3.7))


def test_cav32_tau_h_scales_whole_expression():
    """At 37 C the kernel's tau_h is the whole it2 expression divided by phi_h = 3^(13/10)
    (a choice of this model); it2 leaves the 13.7 ms floor unscaled. With the calibration's
    inactivation shift of +13 mV the two differ most where tau_h is short: 15.2 against 25.6 ms
    at -50 mV and 3.7 against 14.2 ms at -30 mV (the numbers in the parameter source)."""
    phi_h = 3.0 ** ((37.0 - 24.0) / 10.0)
    for shift in (0.0, 13.0):
        for v in (-100.0, -85.0, -70.0, -60.0, -50.0, -40.0, -30.0, 0.0):
            floor, rest = _it2_tau_h_parts(v - shift)
            tau_h = kz.cav32_gates(v, 37.0, 0.0, shift)[3]
            assert tau_h == pytest.approx((floor + rest) / phi_h, rel=1e-12), (v, shift)
            assert tau_h < floor + rest / phi_h  # faster than it2's form at every voltage
    expected = {-50.0: (15.2, 25.6), -30.0: (3.7, 14.2)}
    for v, (ours, it2) in expected.items():
        floor, rest = _it2_tau_h_parts(v - 13.0)
        assert kz.cav32_gates(v, 37.0, 0.0, 13.0)[3] == pytest.approx(ours, abs=0.05)
        assert floor + rest / phi_h == pytest.approx(it2, abs=0.05)
    # at the fits' own temperature (24 C) there is nothing to scale: the two forms agree
    floor, rest = _it2_tau_h_parts(-60.0)
    assert kz.cav32_gates(-60.0, 24.0, 0.0, 0.0)[3] == pytest.approx(floor + rest, rel=1e-12)


# -- CaV1.3 temperature factor: Q10 3 from 22 C, as the parameter source declares ------------
def test_cav13_temperature_factor_is_the_declared_q10_3():
    """The kernel scales the CaV1.3 rates by 3^((T - 22)/10) (Q10 3 from 22 C, chosen here), not
    by caL13.mod's fixed x3 for 35 C read as a Q10 (3^((T - 22)/13)); at 37 C the time
    constants are 3^1.5/3^(15/13) = 1.46x faster than that reading and 3^1.5/3 = 1.73x faster
    than the file's x3, as the source of P_CaL states."""
    assert kz.cav13_q10(22.0) == pytest.approx(1.0, rel=1e-12)
    assert kz.cav13_q10(37.0) == pytest.approx(3.0 ** 1.5, rel=1e-12)
    assert kz.cav13_q10(35.0) == pytest.approx(3.0 ** 1.3, rel=1e-12)  # not the file's 3
    caL13_reading = 3.0 ** ((37.0 - 22.0) / 13.0)
    assert kz.cav13_q10(37.0) / caL13_reading == pytest.approx(1.46, abs=0.005)
    assert kz.cav13_q10(37.0) / 3.0 == pytest.approx(1.73, abs=0.005)


# -- resting cytosolic Ca2+ against rat glomerulosa cells -------------------------------------
#: Rat ZG cells, single-cell fura-2 (abstract at ouci.dntb.gov.ua/en/works/9jadaKjl): basal
#: [Ca2+]i 232 +- 15 nM (mean +- SEM; the abstract gives neither n nor the basal bath K+, which
#: is below its 5 mM step). The range taken here is the mean +- 2 SEM.
RAT_BASAL_CA_NM = 232.0
RAT_BASAL_CA_SEM_NM = 15.0


@pytest.mark.xfail(strict=True, reason=(
    "the model's resting Ca2+ at 4 mM K_o is 75 nM (default and tonic calibrations), about a "
    "third of the 232 +- 15 nM (SEM) of rat ZG cells; P_Ca_b is not refitted (review 55)"))
@pytest.mark.parametrize("calibration", ["default", "tonic"])
def test_resting_ca_i_against_rat_zg_cells(calibration):
    """The resting cell (4 mM K_o, the calibration's resting bath) holds a mean Ca2+ within
    the published mean +- 2 SEM of rat ZG cells (202-262 nM). Measured: 75.0 nM (default),
    75.7 nM (tonic); the cell is silent there, so the mean is its steady value."""
    params = zg.tonic_calibration() if calibration == "tonic" else {}
    initial = TONIC_REST if calibration == "tonic" else None
    ss = zg.steady_state([{"K_o": 4.0}], params=params, initial=initial, t_end=20000.0,
                         warmup=10000.0)
    ca_nm = float(ss.mean_Ca_i[0]) * 1e6  # mM -> nM
    lo = RAT_BASAL_CA_NM - 2.0 * RAT_BASAL_CA_SEM_NM
    hi = RAT_BASAL_CA_NM + 2.0 * RAT_BASAL_CA_SEM_NM
    assert lo <= ca_nm <= hi, ca_nm
