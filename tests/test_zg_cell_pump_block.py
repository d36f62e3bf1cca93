"""``zg_cell`` under Na+/K+-ATPase block, against a published ouabain study (issue 5).

Source: Antonipillai I, Schick K, Horton R (1996) J Clin Endocrinol Metab 81:2335, abstract
(PubMed 8964873); isolated rat and human adrenal glomerulosa cells, aldosterone output:

1. Human cells: ouabain at 1e-8 to 1e-7 M did not alter the aldosterone response to 8.7 mM
   K+ (asserted here, :func:`test_k_stimulated_aldosterone_ignores_pump_block`).
2. Human cells: the same doses reduced basal and Ang II-stimulated aldosterone. Rat cells:
   ouabain up to 1e-4 M had no effect on basal aldosterone but inhibited the Ang II response,
   dose-dependently.

The model reproduces observation 1, and not observation 2 (not asserted). Measured with this
module's run (30 s, averages over the last 18 s), pump block 50% / 90% / 100%:

- at 8.7 mM K_o aldosterone changes by +1.7% / +3.0% / +3.3% (the cell sits silent at -71
  mV, above its oscillation range);
- at 4 mM K_o it rises by 25% / 30% / 32%, the cell depolarising from -85.0 to -82.6 / -82.1
  / -82.0 mV (firing at 0.6 Hz from 90% block). At 7.5 mM K_o, still oscillating, it rises by
  24% / 71%;
- with 1 nM Ang II at 4 mM K_o it changes by less than 0.3%: Ang II already inhibits the
  pump by 57% (``f_NaK_AngII``), and the synthesis read-out is near its maximum.

In the model, blocking the pump can only depolarise the cell (its current is outward and
``Na_i``/``K_i`` are fixed), so aldosterone output can only rise. That Na+ and K+ redistribute
over an hour of incubation would not reverse this: a higher Na_i and a lower K_i depolarise
too. The measured fall must come from a step that is not modelled, downstream of the membrane.
Nor does the study support the model's hypothesis that Ang II stimulates by inhibiting the
pump (``f_NaK_AngII``, Hajnoczky et al. 1992, not retrieved). If inhibiting the pump stimulated
output, ouabain would mimic Ang II, but it opposes it. The hypothesis stays for the CaV3.2
knockout's Ang II threshold (``tests/test_zg_cell.py``, calibration step 6). Ouabain's degree
of block is not known here, since the abstract gives no current measurements; block fractions
of 30-100% are used.
"""

from __future__ import annotations

import numpy as np
import pytest

from biophys import zg
from biophys.models import get_model

MODEL = get_model("zg_cell")
I_NAK = MODEL.parameter("I_NaK_max").value
#: Fractions of the Na+/K+-ATPase left by the block (1 = no block).
PUMP_LEFT = (1.0, 0.7, 0.5, 0.1, 0.0)
#: Largest relative change still read as "not altered": the tolerance of the model's fitted
#: aldosterone ratios (``RATIO_TOL`` of ``tests/test_zg_cell.py``, 10%).
NOT_ALTERED = 0.10


def _aldosterone_under_block(cond):
    conds = [{**cond, "I_NaK_max": I_NAK * f} for f in PUMP_LEFT]
    ss = zg.steady_state(conds, t_end=30000.0, warmup=12000.0)
    return np.asarray(ss.aldosterone_rate, dtype=float), np.asarray(ss.mean_V, dtype=float)


def test_k_stimulated_aldosterone_ignores_pump_block():
    """Observation 1 of the module docstring: at 8.7 mM K_o, aldosterone output with 30-100%
    of the pump blocked stays within 10% of the unblocked cell (measured: at most +3.3%), while
    the membrane does feel the block (it depolarises, by 0.4 mV at full block)."""
    aldo, v = _aldosterone_under_block({"K_o": 8.7})
    rel = aldo / aldo[0]
    assert np.all(np.abs(rel - 1.0) < NOT_ALTERED), rel
    assert np.all(np.diff(v) > 0.0), v  # more block, more depolarised
    # the ratio the study reports as unchanged is a large one: 8.7 mM K_o stimulates
    basal = zg.steady_state([{"K_o": 4.0}], t_end=30000.0, warmup=12000.0)
    assert aldo[0] > 4.0 * float(basal.aldosterone_rate[0])


def test_pump_block_only_depolarises():
    """The limit stated in the module docstring: with Na_i and K_i fixed, removing the
    outward pump current depolarises the resting cell monotonically (4 mM K_o) and can only
    raise its aldosterone output, the opposite of the basal fall seen in human cells. Not a
    target: this records where the model departs from observation 2."""
    aldo, v = _aldosterone_under_block({"K_o": 4.0})
    assert np.all(np.diff(v) > 0.0), v
    assert np.all(np.diff(aldo) > 0.0), aldo
    assert v[0] == pytest.approx(-85.0, abs=0.1)
