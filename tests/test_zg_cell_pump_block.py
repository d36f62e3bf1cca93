"""``zg_cell``'s Na+/K+-ATPase against two studies of adrenal glomerulosa cells (issue 5).

**Ouabain:** Antonipillai I, Schick K, Horton R (1996) J Clin Endocrinol Metab 81:2335,
abstract (PubMed 8964873). Isolated rat and human glomerulosa cells; aldosterone output.

1. Human cells: ouabain at 1e-8 to 1e-7 M did not alter the aldosterone response to 8.7 mM
   K+ (:func:`test_k_stimulated_aldosterone_ignores_pump_block`, passes).
2. Rat cells: ouabain up to 1e-4 M had no effect on basal aldosterone but inhibited the Ang II
   response, dose-dependently. In human cells the same doses as above reduced basal and Ang
   II-stimulated output. :func:`test_basal_aldosterone_does_not_rise_under_pump_block` is a
   strict xfail: the model fails it.

Measured with this module's runs (30 s, averages over the last 18 s), pump block 50% / 90% /
100%:

- at 8.7 mM K_o aldosterone changes by +1.7% / +3.0% / +3.3% (the cell sits silent at -71
  mV, above its oscillation range);
- at 4 mM K_o it rises by 26% / 29% / 30%, the cell depolarising from -84.9 to -82.5 / -82.2
  / -81.9 mV (firing at 0.7-0.8 Hz from 90% block). At 7.5 mM K_o it rises by 23% / 73%
  (from 90% block the oscillation stops and the cell settles depolarised);
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

**Pump activation by K_o:** Yingst DR, Davis J, Schiebinger R, "Effects of extracellular
calcium and potassium on the sodium pump of rat adrenal glomerulosa cells", Am J Physiol Cell
Physiol, abstract (PubMed 11121383). Ouabain-sensitive 86Rb uptake was measured in rat
glomerulosa cells with 20 mM Na_i. Raising K_o from 4 to 10 mM stimulated the pump by about 30%
without extracellular Ca2+, through direct binding. With 1.8 mM Ca_o it stimulated the pump by
up to 165%, through Ca2+, calmodulin and CaMKII. The Ca2+-dependent part is not modelled.

The model's direct activation is far steeper. With Na_i = 20 mM and no Ca2+ entry, the pump
current rises x2.55 from 4 to 10 mM K_o, as the cell depolarises from -90.0 to -74.2 mV. Even
at a clamped -90 mV it rises x2.27, and x1.63 at -60 mV. The Cha et al. 2011 cycle, fitted to
cardiac data, therefore has a lower apparent K_o affinity at these potentials than the rat ZG
pump. A single binding site with K_0.5 = 2.5 mM would give x1.3. Hence
:func:`test_direct_k_o_activation_of_the_pump` is a strict xfail. This steep K_o activation
hyperpolarises the cell as K_o rises and so opposes K+ sensing; the calibration of the wild
type (``tests/test_zg_cell.py``) was done with it.
"""

from __future__ import annotations

import numpy as np
import pytest

import biophys as bp
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


@pytest.mark.xfail(strict=True, raises=AssertionError,
                   reason="the model's pump block can only depolarise: basal aldosterone "
                   "rises 26% at half block (see the module docstring)")
def test_basal_aldosterone_does_not_rise_under_pump_block():
    """Observation 2 of the module docstring, the rat form: at 4 mM K_o, with half to all of the
    pump blocked, basal aldosterone stays within 10% of the unblocked cell. The model fails this
    (+26% / +29% / +30% at 50% / 90% / 100% block)."""
    aldo, v = _aldosterone_under_block({"K_o": 4.0})
    if abs(v[0] + 85.0) > 0.1:  # precondition, the calibrated resting cell: not the xfail
        pytest.fail(f"unblocked cell at {v[0]:.2f} mV, not the calibrated -85 mV")
    assert np.all(aldo[2:] / aldo[0] < 1.0 + NOT_ALTERED), aldo / aldo[0]


@pytest.mark.xfail(strict=True, raises=AssertionError,
                   reason="the Cha et al. 2011 cycle is activated x2.55, not x1.3, by K_o "
                   "4 -> 10 mM (see the module docstring)")
def test_direct_k_o_activation_of_the_pump():
    """Yingst et al.: without Ca2+ entry, K_o 4 -> 10 mM raises the pump rate of rat
    glomerulosa cells (Na_i 20 mM) by about 30%. Asserted: between x1.15 and x1.45, for the
    cell at its own potential, with every Ca2+ entry removed (P_CaT = P_CaL = P_Ca_b = 0, and
    Ca_o at its lower bound, 1 nM, so that the exchanger brings in none either). The model
    gives x2.55 (the same with 2 mM Ca_o)."""
    no_ca = {"Na_i": 20.0, "P_CaT": 0.0, "P_CaL": 0.0, "P_Ca_b": 0.0, "Ca_o": 1e-6}
    i_nak = []
    for k_o in (4.0, 10.0):
        ds = bp.simulate("zg_cell", 20000.0, params={"K_o": k_o, **no_ca},
                         record=("I_NaK",), record_every=5000.0)
        i_nak.append(float(ds.I_NaK.values.ravel()[-1]))
    if not i_nak[0] > 0.0:  # precondition, a forward-running pump: not the xfail
        pytest.fail(f"pump current {i_nak[0]} at 4 mM K_o is not outward")
    assert 1.15 < i_nak[1] / i_nak[0] < 1.45, i_nak[1] / i_nak[0]
