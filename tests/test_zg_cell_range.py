"""Where ``zg_cell`` is valid in K_o x Mg_o, and what bounds its Ca2+ beyond that (issue 5).

The exchanger's part below is a property of the tonic calibration
(:func:`biophys.zg.tonic_calibration`, tests/test_zg_cell_tonic.py), the model's default until
session 49, and its tests run on it. In the default calibration the PMCA alone bounds Ca2+
(capacity 34.2 uA/cm^2, 2.2x the tonic one's): without the exchanger the steady Ca2+ at 12,
15 and 20 mM K_o (1 mM Mg_o) is 0.47, 0.37 and 0.28 uM, the exchanger carrying 2% of the
extrusion there when present (:func:`test_exchanger_carries_the_excess_and_little_else`).

In the tonic calibration, above its oscillation range (from 8 mM K_o at 1 mM Mg_o) the cell settles
depolarised and silent. There the CaV3.2 window current carries Ca2+ in steadily (7 uA/cm^2 at 8 mM
K_o, about 16 uA/cm^2 at 12 mM and -62 mV; at most 16.8 uA/cm^2, at -60 mV, with 2 mM Ca_o and 1 uM
Ca2+). The PMCA's capacity is 15.6 uA/cm^2 (``I_PMCA_max``), and K(Ca) cannot hyperpolarise the cell
below E_K (-66 mV at 12 mM K_o). Without a second sink Ca2+ then rises without bound once the window
current exceeds the PMCA's capacity: the model before the Na+/Ca2+ exchanger did so from 10.5 mM K_o
at 0.25 mM Mg_o, 11 mM at 0.5 mM, 11.5 mM at 1 mM and 13 mM at 2 mM, with V fixed and Ca2+ climbing
about 15 uM per 30 s at 12 mM (same under LSODA). The exchanger (the shared Cha et al. 2011 carrier)
is that sink: its Na+-dependent inactivation keeps it nearly off below 0.3 uM, so it removes under
3% of the entering Ca2+ in the calibrated range, and it carries the excess above it.

Measured here with ``biophys.zg.steady_state`` (mean Ca2+ over two late windows of one
run, the later one continued from the earlier result's final states).
The calibration covers 2-8 mM K_o. The first test states the range in which the model keeps
cytosolic Ca2+ below 1 uM; the others that Ca2+ stays bounded beyond it, up to 60 mM K_o, and
that (in the tonic calibration) the exchanger is what bounds it. The two envelope tests run on
both calibrations, which pass both (the default since session 48; its session-46 form, whose
PMCA saturated at 0.34 uM, passed 1 uM from 9 mM K_o): the default's Ca2+ stays at most
529 nM over the envelope and 0.26-0.84 uM beyond it. Beyond the envelope the two differ in one
respect that no data decides: at 10 and 11 mM K_o with 4 mM Mg_o the default's cell
oscillates with a small amplitude (about -67 to -48 mV, 20-28 Hz) instead of sitting silent;
the silence is asserted for the tonic calibration only (its own fitted behaviour: it settles
from 8 mM K_o at 1 mM Mg_o, tests/test_zg_cell_tonic.py). For the tonic calibration: between
about 10.5 and 15 mM K_o the steady Ca2+ is 1-1.55 uM at 0.25 mM Mg_o (0.7-1.4 uM at 1 mM),
probably higher than in K+-stimulated ZG cells (no measured value could be retrieved here to
test it against); aldosterone synthesis is near its maximum there.
"""

from __future__ import annotations

import numpy as np
import pytest
from zg_cell_data import CALIBRATIONS

import biophys as bp
from biophys import zg
from biophys.models import get_model
from biophys.reference import solve

MODEL = get_model("zg_cell")
FARADAY = 96485.33212

#: (Mg_o mM, highest K_o mM) pairs up to which mean Ca2+ stays below CA_MAX.
ENVELOPE = ((0.25, 9.0), (0.5, 9.5), (1.0, 10.0), (2.0, 11.0), (4.0, 12.0))
#: Upper bound of a physiological sustained cytosolic Ca2+ for this test, mM (1 uM).
CA_MAX = 1e-3

@pytest.mark.parametrize("cal", CALIBRATIONS)
def test_ca_stays_physiological_inside_the_envelope(cal):
    """Mean Ca2+ (20-40 s) stays below 1 uM and steady from 2 mM K_o up to the edge of
    ENVELOPE, at every Mg_o listed there. Measured maxima, tonic calibration: 521 nM (9 mM K_o,
    0.25 mM Mg_o), 573 nM (9.5 mM, 0.5 mM), 569 nM (10 mM, 1 mM), 577 nM (11 mM, 2 mM) and 478
    nM (12 mM, 4 mM); the two windows differ by at most 1.2% (asserted: 2%). Default
    calibration: 525, 529, 520, 511 (10.5 mM) and 487 nM, windows within 0.94%."""
    conds = [{"K_o": k, "Mg_o": mg} for mg, k_hi in ENVELOPE
             for k in np.arange(2.0, k_hi + 0.25, 0.5)]
    params, initial = CALIBRATIONS[cal]
    early = zg.steady_state(conds, params=params, initial=initial, t_end=40000.0,
                            warmup=20000.0)
    late = zg.steady_state(conds, params=params, t_end=20000.0, warmup=0.0,
                           initial=early)  # 40-60 s
    ca, ca_late = np.asarray(early.mean_Ca_i), np.asarray(late.mean_Ca_i)
    assert np.all(ca < CA_MAX), [c for c, x in zip(conds, ca, strict=True) if x >= CA_MAX]
    # steady: no drift between the two windows beyond what oscillations give
    assert np.all(np.abs(ca_late - ca) < 0.02 * ca), np.abs(ca_late / ca - 1.0).max()


#: K_o (mM) beyond the envelope, up to the top of the bovine aldosterone dose-response (60 mM).
K_HIGH = (10.0, 11.0, 12.0, 13.0, 15.0, 20.0, 30.0, 40.0, 60.0)
#: Bound on the steady mean Ca2+ beyond the envelope with 2 mM Ca_o, mM (3 uM).
CA_BOUND = 3e-3


@pytest.mark.parametrize("cal", CALIBRATIONS)
def test_ca_stays_bounded_beyond_the_envelope(cal):
    """A living cell holds a steady cytosolic Ca2+ whatever the bath. From 10 to 60 mM K_o, at
    0.25, 1 and 4 mM Mg_o, the mean Ca2+ over 100-120 s is within 1% of that over 40-60 s and
    below 3 uM, and the cell stays depolarised. Measured, tonic calibration: windows within 1e-4
    %; highest 2.1 uM (60 mM K_o, 0.25 mM Mg_o, V -20 mV, CaV1.3 window) and 1.5 uM (12 mM, 0.25
    mM Mg_o, V -62 mV, CaV3.2 window); lowest 0.31 uM (10 mM K_o, 4 mM Mg_o); mean V from -67.8
    mV (10 mM K_o) up; silent everywhere. Default calibration: windows within 1e-3 %; 0.26-0.84
    uM; mean V from -60.7 mV up; silent but at 10 and 11 mM K_o with 4 mM Mg_o, where it
    oscillates with a small amplitude (19.6 and 27.5 Hz, peaks near -48 mV; see the module
    docstring)."""
    conds = [{"K_o": k, "Mg_o": mg} for mg in (0.25, 1.0, 4.0) for k in K_HIGH]
    params, initial = CALIBRATIONS[cal]
    early = zg.steady_state(conds, params=params, initial=initial, t_end=60000.0,
                            warmup=40000.0)
    late = zg.steady_state(conds, params=params, t_end=60000.0, warmup=40000.0,
                           initial=early)  # 100-120 s
    ca, ca_late = np.asarray(early.mean_Ca_i), np.asarray(late.mean_Ca_i)
    # continued from 60 s, not 40-60 s again (which would pass the comparison trivially)
    assert not np.array_equal(late.final_states, early.final_states)
    assert np.all(np.isfinite(ca_late))
    assert np.all(np.abs(ca_late / ca - 1.0) < 0.01), np.abs(ca_late / ca - 1.0).max()
    assert np.all(ca_late < CA_BOUND), [c for c, x in zip(conds, ca_late, strict=True)
                                         if x >= CA_BOUND]
    # still depolarised there: the bound is not bought by a return to rest
    assert np.all(np.asarray(late.mean_V) > -69.0)
    if cal == "tonic":  # and silent (the tonic calibration's behaviour above 8 mM K_o)
        assert np.all(np.asarray(late.spike_rate) == 0.0)


def _steady_fluxes(params, t_end=60000.0, cal="tonic"):
    """Mean V (mV), Ca2+ (mM), Ca2+ entry through the channels, exchanger extrusion and PMCA
    extrusion (all as Ca2+ current densities, uA/cm^2, positive) over the second half, in the
    calibration ``cal``."""
    rec = ("V", "Ca_i", "I_CaT", "I_CaL", "I_Ca_b", "I_NaCa", "J_PMCA")
    shared, initial = CALIBRATIONS[cal]
    ds = bp.simulate("zg_cell", t_end, params={**shared, **params}, initial=initial, record=rec,
                     record_every=1.0)
    half = len(ds.time) // 2
    m = {k: float(ds[k].values.ravel()[half:].mean()) for k in rec}
    entry = -(m["I_CaT"] + m["I_CaL"] + m["I_Ca_b"])
    ncx = -2.0 * m["I_NaCa"]  # one Ca2+ out per net charge in
    # J_PMCA: total Ca2+ per cytosolic volume (mM/ms = mol/(L s)) -> uA/cm^2
    area_cm2 = MODEL.parameter("area").value * 1e-8
    vol_l = MODEL.parameter("volume").value * 1e-15
    pmca = m["J_PMCA"] * 2.0 * FARADAY * vol_l / area_cm2 * 1e6
    return m["V"], m["Ca_i"], entry, ncx, pmca


def test_exchanger_carries_the_excess_and_little_else():
    """Tonic calibration: at 12 mM K_o (1 mM Mg_o) the cell is silent at -62.5 mV with 1.23 uM
    Ca2+: Ca2+ entry (16.2 uA/cm^2) equals PMCA (14.5) plus exchanger (1.7, 11%) extrusion
    within 0.5% (mass balance of the steady state), and without the exchanger Ca2+ runs away
    (above 10 uM after 60 s; measured 14 uM, 8.3 uM at 30 s). Inside the calibrated range (4,
    6, 7.5 mM K_o, 1 nM Ang II, TASK knockout; oscillating or at rest) the exchanger removes
    under 3% of the entering Ca2+ (measured 1.5-1.9%; default calibration 1.7-2.1%). The
    default's PMCA needs no second sink: at 12 mM K_o without the exchanger its Ca2+ settles
    at 0.47 uM (-54.8 mV)."""
    v, ca, entry, ncx, pmca = _steady_fluxes({"K_o": 12.0})
    # simulated -62.54 mV (regression guard)
    assert v == pytest.approx(-62.5, abs=1.0) and 1e-3 < ca < 2e-3
    assert entry == pytest.approx(pmca + ncx, rel=5e-3)
    assert ncx > 0.1 * entry
    # the PMCA is near its capacity (measured 93%): the excess is the exchanger's to carry
    tonic, tonic_rest = CALIBRATIONS["tonic"]
    assert pmca > 0.9 * tonic["I_PMCA_max"]
    runaway = bp.simulate("zg_cell", 60000.0, params={**tonic, "K_o": 12.0, "I_NCX_max": 0.0},
                          initial=tonic_rest, record=("Ca_i",), record_every=30000.0)
    assert runaway.Ca_i.values.ravel()[-1] > 1e-2
    for cal in CALIBRATIONS:
        for prm in ({"K_o": 4.0}, {"K_o": 6.0}, {"K_o": 7.5}, {"K_o": 4.0, "AngII": 1000.0},
                    {"K_o": 4.0, "P_TASK": 0.0}):
            _, _, entry, ncx, _ = _steady_fluxes(prm, t_end=20000.0, cal=cal)
            assert 0.0 < ncx < 0.03 * entry, (cal, prm)
    default = bp.simulate("zg_cell", 60000.0, params={"K_o": 12.0, "I_NCX_max": 0.0},
                          record=("Ca_i",), record_every=30000.0).Ca_i.values.ravel()
    assert default[-1] < 1e-3 and default[-1] == pytest.approx(default[-2], rel=1e-3)


def test_high_k_steady_state_matches_lsoda():
    """Tonic calibration: the approach to the bounded state at 12 mM K_o and 0.25 mM Mg_o
    (Ca2+ 1.5 uM, the exchanger's slow inactivation states engaged) from rest: the fixed-step solver
    at its default step against LSODA (rtol 1e-8) at 0.3, 0.5, 1, 2 and 5 s, while Ca2+ is still
    rising (0.73 to 1.60 uM). Measured: V within 1.8e-5 mV, Ca2+ within 1.7e-5 relative, I2_NCX
    within 1.8e-6. The bounds (1e-4 mV, 1e-4, 1e-5) are met with dt = 0.1 ms too (errors 4x) and
    missed with dt = 0.5 ms (Ca2+ 2.3e-3, V 1.5e-3 mV at 0.3 s)."""
    tonic, initial = CALIBRATIONS["tonic"]
    prm = {**tonic, "K_o": 12.0, "Mg_o": 0.25}
    rec = ("V", "Ca_i", "I2_NCX")
    ref = solve("zg_cell", 20000.0, params=prm, initial=initial, record=rec,
                record_every=100.0, method="LSODA", rtol=1e-8, atol=1e-12)
    ds = bp.simulate("zg_cell", 20000.0, params=prm, initial=initial, record=rec,
                     record_every=100.0)
    idx = [3, 5, 10, 20, 50]  # samples every 100 ms
    ca_ref = ref.Ca_i.values.ravel()
    assert ca_ref[200] > 1e-3 and ca_ref[3] < 0.5 * ca_ref[50]  # bounded, and a transient
    np.testing.assert_allclose(ds.V.values.ravel()[idx], ref.V.values.ravel()[idx], atol=1e-4)
    np.testing.assert_allclose(ds.Ca_i.values.ravel()[idx], ca_ref[idx], rtol=1e-4)
    np.testing.assert_allclose(ds.I2_NCX.values.ravel()[idx], ref.I2_NCX.values.ravel()[idx],
                               atol=1e-5)
