"""``beta_cell`` at low Mg_o: the default fixed step against a tight LSODA solution.

At 5.4 mM K_o and 0.25 mM Mg_o (a corner of the main job's map) the cell settles into bursts
of about 88 s. A coarser step can tip it into another pattern without any error: at
dt = 0.5 ms (5x the model's 0.1 ms, below the coarse-step warning) the bursts switch to
about 43 s at about 400 s and stay there for at least 3 h (measured in review 57, whose
finding corrected the session-56 reading of a 3 h run at 0.5 ms as a slow drift of the cell).
The first test checks the default step burst by burst against LSODA on the same equations
(:func:`biophys.reference.solve`, rtol 1e-8), over the 780 s a point of the main job lives
through (300 s settling, then 480 s).

The 43 s pattern is not made by the coarse step: it is a second burst pattern of the same
equations, coexisting with the 88 s one (session 58: from the state a 0.5 ms run reaches, the
default step keeps 44.19 s bursts, plateau fraction 0.42, for an hour, while from the
untipped state it keeps 87.59 s, 0.57; insulin 1.05 vs 1.09 fg/s). The second test checks
that LSODA, from the tipped state, keeps the short bursts too: the model is bistable there,
and which pattern a run shows depends on its history; the coarse step only perturbs the
trajectory across the boundary between the two.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from beta_cell_reference import bursts

import biophys as bp

MODEL = bp.get_model("beta_cell")
T_END = 780_000.0  # ms
LOW_MG = {"Mg_o": 0.25}  # mM; K_o stays the model's 5.4 mM, so no Na+ substitution applies


def _bursts(spikes):
    """Burst periods (s) and plateau fractions of a spike train (ms), burst by burst."""
    starts, ends = bursts(spikes, gap=MODEL.burst_gap)
    periods = np.diff(starts)
    return periods / 1000.0, (ends - starts)[:-1] / periods


@pytest.mark.slow
def test_default_step_keeps_the_burst_pattern_of_lsoda_at_low_mg():
    """Every burst period within 0.5 % and plateau fraction within 0.005 of LSODA's (measured
    in review 57: largest differences 0.08 % and 0.0012; LSODA's last period 87.6 s), so the
    default step follows the reference's 88 s bursts, not the 43 s ones of dt = 0.5 ms."""
    sol = bp.reference.solve("beta_cell", T_END, params=LOW_MG, record=["V"],
                             record_every=10.0, rtol=1e-8, atol=1e-10)
    ds = bp.simulate("beta_cell", T_END, params=LOW_MG, record=["V"], record_every=10.0)
    assert ds.attrs["dt"] == MODEL.dt == 0.1
    p_ref, f_ref = _bursts(sol.spike_times.values)
    p, f = _bursts(ds.spike_times.values)
    assert p_ref.size >= 6 and 85.0 < p_ref[-1] < 90.0, p_ref
    assert p.size == p_ref.size, (p, p_ref)
    np.testing.assert_allclose(p, p_ref, rtol=0.005)
    np.testing.assert_allclose(f, f_ref, atol=0.005)


@pytest.mark.slow
def test_the_short_bursts_a_coarse_step_tips_into_are_a_pattern_of_the_equations():
    """From the state after 780 s at dt = 0.5 ms (in the short bursts), LSODA (rtol 1e-8) and
    the default step both keep bursting every 43-46 s for 300 s, burst by burst within 0.5 %
    of each other: a second stable pattern of the model, not an artefact of the step (a
    trajectory of the 88 s pattern would burst at most three times in 300 s)."""
    tipped = bp.simulate("beta_cell", T_END, params=LOW_MG, dt=0.5, record=["V"],
                         record_every=10.0)
    p_coarse, _ = _bursts(tipped.spike_times.values)
    assert 40.0 < p_coarse[-1] < 47.0, p_coarse  # the 0.5 ms run is in the short bursts
    start = json.loads(tipped.attrs["final_state"])
    sol = bp.reference.solve("beta_cell", 300_000.0, params=LOW_MG, initial=start,
                             record=["V"], record_every=10.0, rtol=1e-8, atol=1e-10)
    ds = bp.simulate("beta_cell", 300_000.0, params=LOW_MG, initial=start, record=["V"],
                     record_every=10.0)
    p_ref, f_ref = _bursts(sol.spike_times.values)
    p, f = _bursts(ds.spike_times.values)
    assert p_ref.size >= 5 and np.all((p_ref > 43.0) & (p_ref < 46.0)), p_ref
    assert p.size == p_ref.size, (p, p_ref)
    np.testing.assert_allclose(p, p_ref, rtol=0.005)
    np.testing.assert_allclose(f, f_ref, atol=0.005)
