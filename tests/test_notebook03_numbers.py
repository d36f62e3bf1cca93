"""The numbers notebook 03's text quotes from its full-mode runs, recomputed.

``tests/test_notebooks.py`` runs every notebook in quick mode only, and notebook 03 prints few of
the numbers its markdown quotes, so a change of ``zg_cell`` could leave its text wrong with
every other test passing. Each test here repeats the notebook's full-mode computation for the
points a sentence quotes (60 s runs, 20 s warm-up, as the notebook's full mode) and checks the
number to the precision it is quoted with. The expected values are the notebook's words, not
numbers computed by these tests.
"""

from __future__ import annotations

import warnings

import numpy as np

import biophys as bp
from biophys import zg

T_END, WARMUP = 60_000.0, 20_000.0  # ms: the notebook's full mode


def _steady(conditions, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return zg.steady_state(conditions, t_end=T_END, warmup=WARMUP, **kw)


def test_depolarised_branch_at_7_5_mM():
    """Cell 6: 'from that state [above about 8 mM] the cell stays depolarised down to about
    7 mM, where its aldosterone is higher (at 7.5 mM x5.3 instead of x3.6)' (relative to
    2.5 mM K_o)."""
    m = bp.model("zg_cell")
    up = _steady([{"K_o": 2.5}, {"K_o": 7.5}, {"K_o": 8.0}])
    assert up.spike_rate[1] > 1.0 and up.spike_rate[2] == 0.0  # fires at 7.5, settled at 8
    y8 = dict(zip(m.state_names, up.final_states[:, 2], strict=True))
    down = _steady([{"K_o": 7.5}], initial=y8)
    assert down.spike_rate[0] == 0.0  # the depolarised branch: silent
    assert round(up.aldosterone_rate[1] / up.aldosterone_rate[0], 1) == 3.6
    assert round(down.aldosterone_rate[0] / up.aldosterone_rate[0], 1) == 5.3


def test_magnesium_step_and_the_depolarised_corner():
    """Cell 8: the in-vivo step of free Mg2+ (0.5 -> 0.75 mM) changes synthesis by x0.896 to
    x0.990 at 4-5 mM K_o, with and without 25 pM Ang II; the cell settles depolarised (no
    spikes) from 7.5 mM K_o at 0.25-0.5 mM Mg2+_o and from 8 mM at 0.75-1 mM, and fires just
    below those."""
    K = [4.0, 4.5, 5.0]
    ds = bp.sweep("zg_cell", grid={"K_o": K, "Mg_o": [0.5, 0.75], "AngII": [0.0, 25.0]},
                  t_end=T_END, warmup=WARMUP, metrics=["mean_Ca_i"], progress=False)
    aldo = np.stack([zg.synthesis_rate(ds.mean_Ca_i.sel(AngII=a).values, params={"AngII": a})
                     for a in ds.AngII.values], axis=-1)  # (K_o, Mg_o, AngII)
    step = aldo[:, 1, :] / aldo[:, 0, :]
    assert round(float(step.min()), 3) == 0.896
    assert round(float(step.max()), 3) == 0.990
    corner = bp.sweep("zg_cell", points={"K_o": [7.0, 7.5, 7.0, 7.5, 7.5, 8.0, 7.5, 8.0],
                                         "Mg_o": [0.25, 0.25, 0.5, 0.5, 0.75, 0.75, 1.0, 1.0]},
                      t_end=T_END, warmup=WARMUP, metrics=["spike_rate"], progress=False)
    rate = corner.spike_rate.values
    assert np.all(rate[0::2] > 0.0), rate  # fires below the edge
    assert np.all(rate[1::2] == 0.0), rate  # settled depolarised at and above it


def test_silent_cells_gain_from_angii_synthesis():
    """Cell 12: the silent CaV3.2 knockout at 0.2 nM Ang II makes x5.1 the output of the wild
    type at rest (4 mM K_o), the silent wild type at 20 pM x2.8; the knockout is silent at
    0.2 nM and fires at 0.225 nM."""
    s = _steady([{"K_o": 4.0}, {"K_o": 4.0, "AngII": 20.0},
                 zg.cav32_knockout({"K_o": 4.0, "AngII": 200.0}),
                 zg.cav32_knockout({"K_o": 4.0, "AngII": 225.0})])
    assert s.spike_rate[0] == s.spike_rate[1] == s.spike_rate[2] == 0.0
    assert s.spike_rate[3] > 0.5
    a = s.aldosterone_rate
    assert round(a[2] / a[0], 1) == 5.1
    assert round(a[1] / a[0], 1) == 2.8
