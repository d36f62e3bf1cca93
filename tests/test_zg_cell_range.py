"""Where ``zg_cell`` is valid in K_o x Mg_o, and where its Ca2+ runs away (issue 5).

Above its oscillation range (from 8 mM K_o at 1 mM Mg_o) the cell settles depolarised and
silent. There the CaV3.2 window current carries Ca2+ in steadily (7 uA/cm^2 at 8 mM K_o and
-72.7 mV; 16.8 uA/cm^2 at 12 mM and -62.6 mV). Two things hold Ca2+: the PMCA, whose capacity
is 15.6 uA/cm^2 (``I_PMCA_max``), and K(Ca), which hyperpolarises the cell towards less window
current. Once K(Ca) is saturated and the window current exceeds the PMCA's capacity, nothing
else limits Ca2+. The model has no Na+/Ca2+ exchanger and no store or mitochondrial sink. V
then stays fixed and Ca2+ rises linearly without bound, about 15 uM per 30 s at 12 mM K_o.

Measured here with ``biophys.zg.steady_state`` (mean Ca2+ over 40-60 s against 100-120 s). The
runaway starts from 10.5 mM K_o at 0.25 mM Mg_o, 11 mM at 0.5 mM, 11.5 mM at 1 mM and 13 mM at
2 mM. Below those edges Ca2+ is steady but can be high: 1.5 uM at 10 mM K_o and 0.25 mM Mg_o,
1.8 uM at 11 mM and 1 mM. Low Mg2+ lowers the edge because it screens less surface charge, so
the gating shifts negative.

The calibration covers 2-8 mM K_o. The first test states the range in which the model keeps
cytosolic Ca2+ below 1 uM. The second, a strict xfail, asks for bounded Ca2+ beyond it. A fix
would be a sink of low affinity and high capacity (such as Na+/Ca2+ exchange) or slow
inactivation of CaV3.2. Either needs a recalibration, and would make the xfail pass, which
strict mode reports as a failure to be acted on.
"""

from __future__ import annotations

import numpy as np
import pytest

import biophys as bp
from biophys import zg

#: (Mg_o mM, highest K_o mM) pairs up to which mean Ca2+ stays below CA_MAX.
ENVELOPE = ((0.25, 9.0), (0.5, 9.5), (1.0, 10.0), (2.0, 11.0), (4.0, 12.0))
#: Upper bound of a physiological sustained cytosolic Ca2+ for this test, mM (1 uM).
CA_MAX = 1e-3


def test_ca_stays_physiological_inside_the_envelope():
    """Mean Ca2+ (last 20 of 40 s) stays below 1 uM and steady from 2 mM K_o up to the edge of
    ENVELOPE, at every Mg_o listed there. Measured maxima: 584 nM (9 mM K_o, 0.25 mM Mg_o),
    668 nM (9.5 mM, 0.5 mM), 661 nM (10 mM, 1 mM), 675 nM (11 mM, 2 mM) and 522 nM (12 mM,
    4 mM); the two windows differ by at most 0.6%."""
    conds = [{"K_o": k, "Mg_o": mg} for mg, k_hi in ENVELOPE
             for k in np.arange(2.0, k_hi + 0.25, 0.5)]
    early = zg.steady_state(conds, t_end=40000.0, warmup=20000.0)
    late = zg.steady_state(conds, t_end=60000.0, warmup=40000.0)
    ca, ca_late = np.asarray(early.mean_Ca_i), np.asarray(late.mean_Ca_i)
    assert np.all(ca < CA_MAX), [c for c, x in zip(conds, ca, strict=True) if x >= CA_MAX]
    # steady: no drift between the two windows beyond what oscillations give
    assert np.all(np.abs(ca_late - ca) < 0.05 * ca), np.abs(ca_late / ca - 1.0).max()


@pytest.mark.xfail(strict=True, raises=AssertionError,
                   reason="beyond the envelope the CaV3.2 window current exceeds the PMCA's "
                   "capacity and Ca2+ rises without bound (module docstring)")
def test_ca_stays_bounded_beyond_the_envelope():
    """A living cell holds a steady cytosolic Ca2+ whatever the bath. Asserted here at 12 mM
    K_o and 1 mM Mg_o: Ca2+ at 60, 90 and 120 s within 5% of its value at 30 s. The model
    fails this: its V stays at -62.57 mV while Ca2+ climbs by about 15 uM every 30 s (measured
    15.2, 15.1 and 15.1 uM)."""
    ds = bp.simulate("zg_cell", 120000.0, params={"K_o": 12.0, "Mg_o": 1.0},
                     record=("V", "Ca_i"), record_every=30000.0)
    ca = ds.Ca_i.values.ravel()[1:]  # mM at 30, 60, 90, 120 s
    assert np.all(np.isfinite(ca))
    assert np.all(np.abs(ca[1:] / ca[0] - 1.0) < 0.05), ca
