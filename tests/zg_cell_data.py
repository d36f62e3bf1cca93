"""Published targets, the run conditions and an independent GHK voltage shared by the
``zg_cell`` test modules: ``test_zg_cell.py`` (the default calibration, which runs a subset
of :data:`CONDITIONS`) and ``test_zg_cell_tonic.py`` with ``test_zg_cell_tonic_knockouts.py``
(the tonic calibration, through ``zg_tonic_common.py``); and the two
calibrations as the modules that run a data check on both take them (:data:`CALIBRATIONS`,
:func:`default_fails`). Not a test module."""

from __future__ import annotations

import json
import math

import pytest

import biophys as bp
from biophys import zg
from biophys.models.zg_cell import TONIC_REST

FARADAY = 96485.33212
GAS = 8.314462618

#: Published targets (value, source).
V_REST = (-85.0, "Barrett PQ et al. review (J Physiol), abstract: ZG resting voltage ~ -85 mV")
CANINE = {  # aldosterone relative to 2.5 mM K_o, isolated canine glomerulosa cells
    ("no AngII", 5.0): 2.0, ("no AngII", 7.5): 3.5, ("AngII", 5.0): 4.0, ("AngII", 7.5): 6.0,
}
TASK_KO_RATIO = 2.4  # zG-TASK loss of function, mouse adrenal slices (PMC10167771)
RAT_ANGII_1NM = (6.0, 7.0)  # rat glomerulosa cells, max 6-7x basal at 1e-9 M Ang II (1978)
#: Tolerance of the fitted aldosterone ratios (see the docstring of tests/test_zg_cell.py).
RATIO_TOL = 0.10

#: Task3-/- mouse primary adrenocortical cells, membrane potential, mV, against the wild
#: type's (Penton et al. 2012, Endocrinology 153:4740, abstract: -52 vs -79 mV).
TASK3_KO_V = (-52.0, -79.0)

CONDITIONS = {
    "K2": {"K_o": 2.0}, "K2.5": {"K_o": 2.5}, "K3": {"K_o": 3.0}, "K4": {"K_o": 4.0},
    "K4.5": {"K_o": 4.5}, "K5": {"K_o": 5.0}, "K5.5": {"K_o": 5.5}, "K6": {"K_o": 6.0},
    "K7": {"K_o": 7.0}, "K7.5": {"K_o": 7.5}, "K8": {"K_o": 8.0},
    "A2.5": {"K_o": 2.5, "AngII": 25.0}, "A5": {"K_o": 5.0, "AngII": 25.0},
    "A7.5": {"K_o": 7.5, "AngII": 25.0}, "A1nM": {"K_o": 4.0, "AngII": 1000.0},
    "KO": zg.task_knockout({"K_o": 4.0}),
    "KO_AngII": zg.task_knockout({"K_o": 4.0, "AngII": 1000.0}),
    "KOnoT": {"K_o": 4.0, "P_TASK": 0.0, "P_CaT": 0.0},
    "KOnoTL": {"K_o": 4.0, "P_TASK": 0.0, "P_CaT": 0.0, "P_CaL": 0.0},
    "Mg10": {"K_o": 7.5, "Mg_o": 10.0},
    # CaV3.2 knockout, TASK intact (Dinh et al.), with and without CaV1.3, +- 1 nM Ang II
    "T0_K4": zg.cav32_knockout({"K_o": 4.0}),
    "T0_K4_A": zg.cav32_knockout({"K_o": 4.0, "AngII": 1000.0}),
    "T0L0_K4": zg.cav32_knockout({"K_o": 4.0, "P_CaL": 0.0}),
    "T0L0_K4_A": zg.cav32_knockout({"K_o": 4.0, "AngII": 1000.0, "P_CaL": 0.0}),
    "T0_K10_A": zg.cav32_knockout({"K_o": 10.0, "AngII": 1000.0}),
    # the knockout's Ang II threshold at 4 mM K_o, with and without the pump inhibition
    "T0_K4_A200": zg.cav32_knockout({"K_o": 4.0, "AngII": 200.0}),
    "T0_K4_A300": zg.cav32_knockout({"K_o": 4.0, "AngII": 300.0}),
    "T0_K4_A300_pump": zg.cav32_knockout({"K_o": 4.0, "AngII": 300.0, "f_NaK_AngII": 0.0}),
    "A50_K4": {"K_o": 4.0, "AngII": 50.0},
    # the intact cell without the CaV3.2-nanodomain inactivation of CaV1.3
    "K8_noTL": {"K_o": 8.0, "I_T_CDI": 1e9},
    # Ca2+ channels blocked: the background membrane alone (silent at every K_o)
    **{f"B{k:g}": {"K_o": k, "P_CaT": 0.0, "P_CaL": 0.0} for k in (2.0, 4.0, 5.0, 6.0, 7.5, 8.0)},
}


def ghk_voltage(K_o, r, K_i=140.0, Na_o=140.0, Na_i=10.0, T_C=37.0):
    """GHK voltage of a K+/Na+ membrane, written here independently of the package, mV."""
    vt = 1000.0 * GAS * (T_C + 273.15) / FARADAY
    return vt * math.log((K_o + r * Na_o) / (K_i + r * Na_i))


#: The calibrations a data check runs on: the default and the tonic one
#: (:func:`biophys.zg.tonic_calibration`, from its own rest), as (params, initial state).
CALIBRATIONS = {"default": ({}, None),
                "tonic": (zg.tonic_calibration(), TONIC_REST)}


def assert_at_rest(params, rest):
    """``rest`` is the resting state of the calibration ``params`` at the default conditions:
    10 s from it spike nothing and move no state by more than 1e-4 of its scale (V in mV, the
    rest relative; measured for both calibrations: below 4e-6, the stored rests having about six
    significant digits)."""
    ds = bp.simulate("zg_cell", 10000.0, params=params, initial=rest, record=("V",),
                     record_every=100.0)
    assert len(ds.spike_times) == 0
    end = json.loads(ds.attrs["final_state"])
    assert end["V"] == pytest.approx(rest["V"], abs=1e-4)
    for name, value in rest.items():
        assert end[name] == pytest.approx(value, rel=1e-4), name


def default_fails(reason):
    """The calibrations' names for ``parametrize``, the default one a strict xfail for
    ``reason`` (measured numbers)."""
    return [pytest.param("default", marks=pytest.mark.xfail(
        strict=True, raises=AssertionError, reason="default calibration: " + reason)), "tonic"]
