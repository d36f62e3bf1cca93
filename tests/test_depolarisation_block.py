"""Depolarisation block is not silence.

At high K_o the beta-cell depolarises past its spiking range and stops crossing the spike
threshold (12 mM K_o, 11.1 mM glucose; the main job's 480 s runs after 300 s: V stays near
-34.6 mV, insulin output 3.4 times that at 2 mM, where the cell rests at -59.7 mV; this
module's 60 s runs after 40 s: -30.4 mV). Before ``Model.plateau_V`` the burst read-outs called
that cell silent: plateau fraction 0 and a "silent-phase potential" of -34.6 mV, in the
high-K_o column of the main job's map.
Now a cell without spikes whose mean V is above ``plateau_V`` is held on the plateau: plateau
fraction 1, no silent phase. The online read-outs of a sweep and the trace analysis
(:func:`biophys.analysis.bursts`) apply the same rule and are compared here.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import biophys as bp
from biophys import metrics
from biophys.analysis import burst_metrics, bursts
from biophys.models import get_model

T_END = 60000.0  # ms
WARMUP = 40000.0  # ms (the 2 mM cell fires until about 22 s)
K_O = (2.0, 12.0)  # mM: rest, depolarisation block
RULE = bp.Solution(substitution="equimolar_Na")


@pytest.fixture(scope="module")
def swept():
    # mean_V is not requested: the plan must observe V on its own
    return bp.sweep("beta_cell", {"K_o": list(K_O)}, t_end=T_END, warmup=WARMUP,
                    conditions=RULE, metrics=["spike_count", "plateau_fraction",
                                              "silent_phase_V", "silent_phase_min_V"],
                    progress=False)


@pytest.fixture(scope="module")
def traces():
    m = get_model("beta_cell")
    return {k: bp.simulate(m, T_END, params=RULE.replace(K_o=k).as_params(m), record=["V"])
            for k in K_O}


def test_the_two_states_are_rest_and_block(traces):
    """Independent of the read-outs: no spike after the warm-up in either run; the mean V is
    below plateau_V at 2 mM K_o and above it at 12 mM."""
    plateau_V = get_model("beta_cell").plateau_V
    for k, above in zip(K_O, (False, True), strict=True):
        ds = traces[k]
        late = ds["time"].values >= WARMUP
        v = ds["V"].values[late]
        st = ds["spike_times"].values
        assert not np.any(st[np.isfinite(st)] >= WARMUP)
        assert (float(np.mean(v)) > plateau_V) is above
        assert float(np.max(v)) < get_model("beta_cell").spike_threshold


def test_sweep_reports_block_as_plateau(swept):
    rest, block = (swept.sel(K_o=k) for k in K_O)
    assert int(rest["spike_count"]) == 0 and int(block["spike_count"]) == 0
    assert float(rest["plateau_fraction"]) == 0.0
    assert float(rest["silent_phase_V"]) < -55.0  # the resting potential
    assert float(block["plateau_fraction"]) == 1.0
    assert math.isnan(float(block["silent_phase_V"]))
    assert math.isnan(float(block["silent_phase_min_V"]))
    assert "depolarisation block" in swept["plateau_fraction"].attrs["long_name"]
    assert swept.attrs["plateau_V"] == -50.0  # provenance (and the checkpoint key)


def test_trace_analysis_agrees(swept, traces):
    for k in K_O:
        b = burst_metrics(traces[k], t_start=WARMUP)
        assert b.kind == ("silent" if k < 5 else "depolarised")
        assert b.plateau_fraction == float(swept.sel(K_o=k)["plateau_fraction"])
        online = float(swept.sel(K_o=k)["silent_phase_V"])
        if math.isnan(online):
            assert math.isnan(b.silent_V_mean)
        else:
            assert b.silent_V_mean == pytest.approx(online, rel=1e-10)  # agree to ~4e-13


def test_bursts_rule_on_flat_traces():
    t = np.linspace(0.0, 1000.0, 1001)
    held = np.full_like(t, -30.0)
    b = bursts(t, held, threshold=-20.0, gap=100.0, plateau_V=-50.0)
    assert (b.kind, b.plateau_fraction) == ("depolarised", 1.0)
    assert math.isnan(b.silent_V_mean) and math.isnan(b.silent_V_min)
    # without plateau_V (and below it) a cell without spikes stays silent, as before
    b = bursts(t, held, threshold=-20.0, gap=100.0)
    assert (b.kind, b.plateau_fraction, b.silent_V_mean) == ("silent", 0.0, -30.0)
    b = bursts(t, np.full_like(t, -70.0), threshold=-20.0, gap=100.0, plateau_V=-50.0)
    assert (b.kind, b.plateau_fraction, b.silent_V_mean) == ("silent", 0.0, -70.0)


def test_models_without_plateau_V_have_no_block_test():
    """Only a model with a plateau_V gets the block test; every plan observes V (its minimum
    and maximum after the warm-up test the range of V, status 4), and nothing else extra."""
    m = get_model("hh1952")
    assert m.plateau_V is None
    plan = metrics.plan(m, ["plateau_fraction", "silent_phase_V"])
    assert plan.plateau_V is None and plan.observe == ("V",) and not plan.block
    beta = metrics.plan(get_model("beta_cell"), ["plateau_fraction"])
    assert beta.plateau_V == -50.0 and beta.observe == ("V",) and beta.block
    assert metrics.plan(get_model("beta_cell"), ["spike_rate"]).observe == ("V",)
    assert metrics.plan(get_model("beta_cell"), ["mean_Ca_i"]).observe == ("Ca_i", "V")


@pytest.mark.parametrize("name, t_end, firing, onset", [
    ("chay_keizer_1983", 30_000.0, 7.5, 8.0),
    ("sherman_rinzel_keizer_1988", 60_000.0, 7.5, 8.0),
    ("bertram_sherman_2004", 600_000.0, 7.0, 7.5),  # single spikes ~100 s apart at 7 mM
    ("iom_1_7", 400_000.0, 5.5, 6.0),
])
def test_classic_models_in_block_at_high_K_o(name, t_end, firing, onset):
    """Their E_K follows K_o: from ``onset`` (the README's numbers; 0.5 mM below it each still
    fires) and at 20 mM each is held depolarised without spikes (plateau fraction 1, was 0); at
    1 mM each rests below its plateau_V (plateau fraction 0). Onsets found here (session 39:
    K_o 5.5-11 mM; 180 s runs, 1200 s for the two slow bursters), not published."""
    m = get_model(name)
    ds = bp.sweep(name, {"K_o": [1.0, firing, onset, 20.0]}, t_end=t_end, warmup=0.75 * t_end,
                  metrics=["spike_count", "mean_V", "plateau_fraction", "silent_phase_V"],
                  progress=False)
    rest = ds.sel(K_o=1.0)
    assert int(ds.sel(K_o=firing)["spike_count"]) > 0
    assert int(rest["spike_count"]) == 0
    assert float(rest["mean_V"]) < m.plateau_V - 3.0
    assert float(rest["plateau_fraction"]) == 0.0
    assert float(rest["silent_phase_V"]) == pytest.approx(float(rest["mean_V"]), abs=0.1)
    for k_o in (onset, 20.0):
        block = ds.sel(K_o=k_o)
        assert int(block["spike_count"]) == 0
        assert float(block["mean_V"]) > m.plateau_V
        assert float(block["plateau_fraction"]) == 1.0
        assert math.isnan(float(block["silent_phase_V"]))
    assert float(ds.sel(K_o=20.0)["mean_V"]) > m.plateau_V + 20.0


@pytest.mark.parametrize("bad", [math.nan, -math.inf, "abc", True])
def test_plateau_V_must_be_a_finite_potential(bad):
    t = np.linspace(0.0, 100.0, 101)
    with pytest.raises(ValueError, match=r"plateau_V = .* must be .*finite.*\(a potential"):
        bursts(t, np.full(t.size, -30.0), -20.0, 50.0, plateau_V=bad)
    import dataclasses

    m = get_model("beta_cell")
    with pytest.raises(ValueError, match=r"model 'beta_cell': plateau_V = .* must be .*finite"):
        dataclasses.replace(m, plateau_V=bad)


def test_burst_statistics_applies_the_block_itself():
    """The block is applied where the accumulator is reduced (no patch afterwards): two cells
    without spikes, mean V -60 and -30 mV against plateau_V -50 mV."""
    from biophys.analysis import KINDS
    from biophys.kernels import bursts as es

    b = np.zeros((es.N_BURST, 2))
    b[es.B_PEND_N] = 10.0
    b[es.B_PEND_SUM] = [-600.0, -300.0]
    b[es.B_PEND_MIN] = [-61.0, -31.0]
    out = metrics.burst_statistics(b, 1000.0, 50.0, mean_V=np.array([-60.0, -30.0]),
                                   plateau_V=-50.0)
    assert [KINDS[int(k)] for k in out["regime"]] == ["silent", "depolarised"]
    assert out["plateau_fraction"].tolist() == [0.0, 1.0]
    assert out["silent_phase_V"][0] == -60.0 and math.isnan(out["silent_phase_V"][1])
    plain = metrics.burst_statistics(b, 1000.0, 50.0)  # no block test: both silent
    assert [KINDS[int(k)] for k in plain["regime"]] == ["silent", "silent"]
