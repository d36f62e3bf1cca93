"""``zg_cell`` conservation (issue 5): charge on the membrane and Ca2+ in the cytosol.

The cell's Na_i and K_i are fixed, so charge identity (2) of :mod:`biophys.conservation` does
not apply; what must hold is

* identity (1): ``C_m dV = -sum of its eleven membrane currents dt`` (no current hidden in the
  V equation, none reported that is not in it);
* the Ca2+ balance: free Ca2+ changes by the fraction ``f_i`` of the Ca2+ carried in by the
  T-, L-type and background currents (z = 2), of one Ca2+ per net charge of the Na+/Ca2+
  exchanger (3 Na+ : 1 Ca2+) and of the electroneutral PMCA's flux, with 1 uA/cm^2 on A um^2
  into vol um^3 moving 10 A/(z F vol) mM/ms (the coefficients are written here from those
  stoichiometries, not read from the kernel).

Both are checked with the driver's own steps, so they hold to rounding for every fixed-step
method; a wrong stoichiometry or a missing term fails by orders of magnitude more. Each check
runs on the default calibration, whose two K(Ca) gates of its own carry part of ``I_KCa`` (its
TASK knockout from rest, two bursts of CaV3.2 spikes within the run), and on the tonic one
(:func:`biophys.zg.tonic_calibration`, oscillating at 6 mM K_o).
"""

import numpy as np
import pytest

import biophys as bp
from biophys import zg
from biophys.conservation import check_balance, check_conservation
from biophys.models.zg_cell import TONIC_REST

F = 96485.33212  # C/mol (CODATA 2018)
MODEL = bp.model("zg_cell")
P = {q.name: q.value for q in MODEL.parameters}
CURRENTS = ["I_TASK", "I_TREK", "I_Na_b", "I_Kir", "I_CaT", "I_CaL", "I_Ca_b", "I_KCa", "I_Kv",
            "I_NaK", "I_NaCa"]
#: free Ca2+ per ms per uA/cm^2 of inward Ca2+ current: -f_i 10 A / (2 F vol), mM/ms
PER_UA_CA = -P["f_i"] * 10.0 * P["area"] / (2.0 * F * P["volume"])
CA_FLUXES = {"I_CaT": PER_UA_CA, "I_CaL": PER_UA_CA, "I_Ca_b": PER_UA_CA,
             "I_NaCa": -2.0 * PER_UA_CA,  # outward I_NaCa: one Ca2+ out per net charge in
             "J_PMCA": -P["f_i"]}          # total Ca2+ per cytosolic volume, mM/ms
#: the default calibration's TASK knockout from rest: a first burst of three spikes, a silence
#: and a second burst (seven spikes by 2 s); the tonic calibration oscillating at 6 mM K_o:
#: five Ca2+ spikes within the run
RUNS = {"default": dict(params=zg.task_knockout(), t_end=2000.0),
        "tonic": dict(params=zg.tonic_calibration({"K_o": 6.0}), initial=TONIC_REST,
                      t_end=1000.0)}
RUN = RUNS["tonic"]
METHODS = ["rl1", "rl2", "rl2ab", "staggered"]


@pytest.fixture(scope="module", params=list(RUNS))
def cal(request):
    """The calibration's run, checked to hold Ca2+ spikes (a real test)."""
    ds = bp.simulate("zg_cell", record=["V", "Ca_i", "I_ion", "k_T", "s_SK", *CURRENTS],
                     **RUNS[request.param])
    assert ds.sizes["spike"] >= 4
    if request.param == "default":  # the extra K(Ca) gates open in this run (measured: both
        # to about 0.3), so their currents are part of the balances checked
        assert P["g_KT"] > 0.0 and P["g_SK"] > 0.0
        assert ds.k_T.values.max() > 0.1 and ds.s_SK.values.max() > 0.1
    return request.param, ds


def test_the_eleven_currents_are_I_ion(cal):
    spiking = cal[1]
    total = sum(spiking[c].values for c in CURRENTS)
    np.testing.assert_allclose(total, spiking["I_ion"].values, rtol=1e-12,
                               atol=1e-12 * np.abs(spiking["I_NaK"].values).max())


@pytest.mark.parametrize("method", METHODS)
def test_charge_on_the_membrane(cal, method):
    r = check_conservation("zg_cell", currents=CURRENTS, capacitance="C_m", method=method,
                           **RUNS[cal[0]])
    assert abs(r.charge_membrane) > 1.0, str(r)  # nC/cm^2: tens of mV moved
    assert r.error_currents < 1e-11, str(r)


@pytest.mark.parametrize("method", METHODS)
def test_calcium_balance(cal, method):
    r = check_balance("zg_cell", "Ca_i", CA_FLUXES, method=method, **RUNS[cal[0]])
    assert r.gross > 10.0 * abs(r.change) > 0.0  # Ca2+ in and out many times over the run
    assert r.error < 1e-11, str(r)


@pytest.mark.parametrize("wrong", [
    {"I_NaCa": -3.0 * PER_UA_CA},  # 3 net charges per Ca2+: not the 3 Na+ : 1 Ca2+ exchanger
    {"I_NaCa": 0.0},               # the exchanger left out
    {"J_PMCA": 0.0},               # the pump left out
    {"I_CaT": 2.0 * PER_UA_CA},    # z = 1 for the T-type current
])
def test_calcium_balance_fails_for_wrong_bookkeeping(wrong):
    r = check_balance("zg_cell", "Ca_i", {**CA_FLUXES, **wrong}, **RUN)
    assert r.error > 1e-4, str(r)
