"""The numbers notebooks 01, 02 and 04 quote from their full-mode runs, recomputed; the
numbers notebook 05 quotes about its benchmark workload, checked against the benchmarks.

``tests/test_notebooks.py`` runs every notebook in quick mode only, so a change of a model, a
kernel or a default could leave a notebook's text wrong with every other test passing (the
pattern of ``tests/test_notebook03_numbers.py``). Each test here repeats the notebook's
full-mode computation for the points a sentence quotes and checks the number to the precision
it is quoted with. The expected values are the notebooks' words, not numbers computed by these
tests. Numbers the notebooks quote that other tests already pin to that precision are not
repeated here (notebook 01: the GHK current's exact limit at 0 mV,
tests/kernels/test_ghk_gating.py; notebook 02: the 300 s settling time, tests/test_sweep.py;
notebook 04: the pump's Mg.ATP Kd of 0.6 mM, tests/kernels/test_nak_pump.py). The
notebook-02 tests that need 480 s beta_cell runs are marked slow. A number a notebook shows in
its output is computed by its code, never written there as a literal (checked for notebook 01);
notebook 05 quotes no measured number, only the workload's definition (its measured figures are
printed from the results file it draws).
"""

from __future__ import annotations

import importlib.util
import inspect
import json
import math
import re
from pathlib import Path

import nbformat
import numpy as np
import pytest

import biophys as bp
from biophys import physiology, reference
from biophys.analysis import KINDS

ROOT = Path(__file__).resolve().parents[1]
HH_T_END, HH_WARMUP = 1000.0, 300.0  # ms: notebook 01's full-mode f-I runs
BETA_T_END, BETA_WARMUP = 480_000.0, 300_000.0  # ms: notebook 02's full-mode maps
BLOCK_FROM, BLOCK_V = 11.0, -35.0  # notebook 02, cell 4: block 'from about 11 mM', 'near -35 mV'


def _cells(name: str, kind: str) -> list[str]:
    """The sources of a notebook's cells of one kind ('markdown' or 'code')."""
    nb = nbformat.read(ROOT / "notebooks" / name, as_version=4)
    return [cell.source for cell in nb.cells if cell.cell_type == kind]


def _steady_rate(spike_times, after: float) -> float:
    """Steady firing rate, Hz: spikes after ``after`` ms over the span of their intervals."""
    st = np.asarray(spike_times, dtype=float)
    st = st[np.isfinite(st) & (st > after)]
    return (st.size - 1) / (st[-1] - st[0]) * 1000.0


# ---------------------------------------------------------------------------------------------
# 01_hodgkin_huxley.ipynb
# ---------------------------------------------------------------------------------------------
def test_01_quoted_numbers_are_computed():
    """The numbers notebook 01's text quotes from its runs (checked by the tests below) are in
    its markdown and printed by its code, never written into a code cell as a literal (cell 3
    printed a literal '+40.5 mV' and cell 5 drew literal 68.3 and 86.5 Hz as 'computed')."""
    markdown, code = " ".join(_cells("01_hodgkin_huxley.ipynb", "markdown")), _cells(
        "01_hodgkin_huxley.ipynb", "code")
    for number in ("40.5", "68.3", "86.5", "68.6", "87.1"):
        assert number in markdown, number
        literal = re.compile(rf"(?<![\w.]){re.escape(number)}(?![\w])")
        assert not any(literal.search(source) for source in code), number


def test_01_action_potential_peak():
    """Cell 2: cell 3 prints the peak of our run of the 1-ms, 20 uA/cm^2 pulse (rl2,
    dt = 0.01 ms, 20 ms) beside the peak of the same equations solved by the reference (SciPy
    LSODA, rtol 1e-9, sampled every 0.001 ms): 'both are +40.5 mV to 0.1 mV'."""
    pulse = bp.Pulse(20.0, start=1.0, duration=1.0)
    ours = bp.simulate("hh1952", t_end=20.0, dt=0.01, stimulus=pulse, record=["V"],
                       record_every=0.01)
    ref = reference.solve("hh1952", 20.0, stimulus=pulse, record=["V"], record_every=0.001)
    assert round(float(ref.V.max()), 1) == 40.5
    assert round(float(ours.V.max()), 1) == 40.5


@pytest.mark.parametrize("current, rate, count_rate", [(10.0, 68.3, 68.6), (20.0, 86.5, 87.1)])
def test_01_steady_rates_of_the_equations(current, rate, count_rate):
    """Cell 4: 'The reference solves the same equations with LSODA (rtol 1e-9) ... The stars are
    the steady rates of the 1952 equations (not printed in the paper), computed here from the
    reference's inter-spike intervals after the warm-up ... in full mode the curve reads 68.6 and
    87.1 Hz at 10 and 20 uA/cm^2 where the steady rates are 68.3 and 86.5 Hz' (full mode:
    1000 ms runs, 300 ms warm-up; curve: 'biophys (rl2, dt = 0.01 ms)'). The steady rate (spikes
    after the warm-up over the span of their intervals, the notebook's definition) of the
    reference rounds to the quoted rate and ours is within 0.1 Hz of it; the notebook's sweep
    (spike count over the 700 ms window) rounds to the quoted curve value."""
    ref = reference.solve("hh1952", HH_T_END, params={"I_app": current}, record=[],
                          record_every=HH_T_END)
    assert "LSODA rtol=1e-09" in ref.attrs["integrator"]
    assert round(_steady_rate(ref.spike_times.values, HH_WARMUP), 1) == rate
    ours = bp.simulate("hh1952", t_end=HH_T_END, params={"I_app": current}, record=[])
    assert ours.attrs["dt"] == 0.01 and ours.attrs["integrator"].startswith("rl2:")
    assert abs(_steady_rate(ours.spike_times.values, HH_WARMUP) - rate) < 0.1
    fi = bp.sweep("hh1952", grid={"I_app": [current]}, t_end=HH_T_END, warmup=HH_WARMUP,
                  metrics=["spike_rate"], progress=False)
    assert round(float(fi.spike_rate.values[0]), 1) == count_rate


def test_01_the_sweep_is_the_legends_rl2_at_0_01_ms():
    """Cell 4: 'Our sweep runs every current as one cell of the compiled ensemble (default
    second-order exponential step)'; legend 'biophys (rl2, dt = 0.01 ms)'. The notebook passes
    neither method nor dt: the defaults must be those."""
    fi = bp.sweep("hh1952", grid={"I_app": [10.0]}, t_end=10.0, metrics=["spike_rate"],
                  progress=False)
    assert fi.attrs["method"] == "rl2" and fi.attrs["dt"] == 0.01


# ---------------------------------------------------------------------------------------------
# 02_beta_cell_K_Mg.ipynb
# ---------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def beta_block():
    """Cell 5's full-mode sweep (11.1 mM glucose, KCl for NaCl, 480 s runs after 300 s,
    audit=True) at the K_o of its 10 and 11-12 mM columns, for its 0.5 and 1 mM Mg_o rows
    (1 mM: the notebook's bath)."""
    bath = bp.Solution(K_o=5.4, Na_o=140.0, Ca_o=2.6, Mg_o=1.0, substitution="equimolar_Na")
    k_o = [BLOCK_FROM - 1.0, BLOCK_FROM, BLOCK_FROM + 1.0]
    return bp.sweep("beta_cell", points={"K_o": k_o * 2, "Mg_o": [0.5] * 3 + [1.0] * 3},
                    t_end=BETA_T_END, warmup=BETA_WARMUP, params={"glucose": 11.1},
                    conditions=bath, progress=False, audit=True,
                    metrics=["regime", "plateau_fraction", "silent_phase_V", "mean_V",
                             "spike_count"])


@pytest.mark.slow  # six 480 s beta_cell runs: about 35 s
def test_02_depolarisation_block_from_about_11_mM(beta_block):
    """Cell 4: 'From about 11 mM K_o the cell is held depolarised near -35 mV without spikes
    (depolarisation block): it is reported on the plateau (plateau fraction 1, no silent
    phase)'. At 0.5 and 1 mM Mg_o the cell still fires at 10 mM and is blocked at 11 and 12 mM,
    its mean V rounding to -35 mV at 5 mV resolution (-36.9 to -34.6 mV). (Across the whole
    0.25-4 mM Mg_o axis the block starts at 10 to 12 mM.)"""
    ds = beta_block
    k_o = ds.K_o.values
    firing = k_o < BLOCK_FROM
    assert np.all(ds.spike_count.values[firing] > 0)
    assert all(KINDS[int(r)] != "depolarised" for r in ds.regime.values[firing])
    for i in np.flatnonzero(~firing):
        assert KINDS[int(ds.regime.values[i])] == "depolarised", k_o[i]
        assert int(ds.spike_count.values[i]) == 0
        assert float(ds.plateau_fraction.values[i]) == 1.0
        assert math.isnan(float(ds.silent_phase_V.values[i]))
        assert round(float(ds.mean_V.values[i]) / 5.0) * 5.0 == BLOCK_V


@pytest.mark.slow  # six 480 s beta_cell runs: about 35 s
def test_02_block_onset_at_the_other_mg_rows():
    """Cell 4: 'From about 11 mM K_o (11 mM at 0.5-1 mM Mg2+_o, 10 mM at 0.25, 12 mM at 2-4)':
    at 0.25 mM Mg_o the cell fires at 9 mM and is blocked at 10; at 2 and 4 mM it fires at 11
    and is blocked at 12 (same full-mode sweep as ``beta_block``)."""
    bath = bp.Solution(K_o=5.4, Na_o=140.0, Ca_o=2.6, Mg_o=1.0, substitution="equimolar_Na")
    ds = bp.sweep("beta_cell", points={"K_o": [9.0, 10.0, 11.0, 12.0, 11.0, 12.0],
                                       "Mg_o": [0.25, 0.25, 2.0, 2.0, 4.0, 4.0]},
                  t_end=BETA_T_END, warmup=BETA_WARMUP, params={"glucose": 11.1},
                  conditions=bath.replace(Mg_o=None), progress=False,
                  metrics=["regime", "spike_count"])
    kinds = [KINDS[int(r)] for r in ds.regime.values]
    assert [k == "depolarised" for k in kinds] == [False, True] * 3, kinds
    assert np.all(ds.spike_count.values[0::2] > 0)


@pytest.mark.slow  # uses beta_block
def test_02_charge_drift_with_rl2_is_about_1e_7_mV(beta_block):
    """Cell 4: '`charge_drift` is the mismatch in mV (rounding, ~1e-7 mV, with the default
    `rl2`; ...)': the typical (median) drift of the full-mode points rounds to 1e-7 mV in
    order of magnitude, and no point is flagged."""
    drift = np.abs(beta_block.charge_drift.values)
    assert beta_block.attrs["method"] == "rl2"
    assert beta_block.attrs["charge_drift_points"] == 0
    assert round(math.log10(float(np.median(drift)))) == -7


@pytest.mark.slow  # the 50-point full-mode map with staggered: about 85 s
@pytest.mark.filterwarnings("ignore:audit. 50 of 50 points drift beyond the charge tolerance")
def test_02_charge_drift_with_staggered():
    """Cell 4: 'with `staggered` it builds up over these 480 s runs to between 0.03 and about
    120 mV, typically 40 mV (the median), and every point is flagged'."""
    bath = bp.Solution(K_o=5.4, Na_o=140.0, Ca_o=2.6, Mg_o=1.0, substitution="equimolar_Na")
    ds = bp.sweep("beta_cell", grid={"K_o": np.linspace(3.0, 12.0, 10),
                                     "Mg_o": [0.25, 0.5, 1.0, 2.0, 4.0]},
                  t_end=BETA_T_END, warmup=BETA_WARMUP, params={"glucose": 11.1},
                  conditions=bath, progress=False, audit=True, method="staggered",
                  metrics=["mean_V"])
    drift = np.abs(ds.charge_drift.values)
    assert ds.attrs["charge_drift_points"] == drift.size == 50
    assert round(float(drift.min()), 2) == 0.03
    assert round(float(drift.max()), -1) == 120.0
    assert round(float(np.median(drift)), -1) == 40.0


def test_02_iom_default_glucose_is_15_mM():
    """Cell 9, comment: '("iom_1_7", 1_500_000.0, 405.0, {"glucose": 8.0})]  # its default
    glucose is 15 mM'."""
    assert bp.model("iom_1_7").parameter("glucose").value == 15.0


# ---------------------------------------------------------------------------------------------
# 04_pump_and_magnesium.ipynb
# ---------------------------------------------------------------------------------------------
def test_04_grahame_shift_of_mg_0_5_to_10_mM():
    """Cell 8: 'Pure screening (Grahame equation), sigma = -1 e/120 A^2, 150 mM monovalent
    salt, 37 C ... The marker is the +12.5 mV shift the Grahame equation gives for Mg2+ 0.5 ->
    10 mM in 2 mM Ca2+ at 37 C'. The notebook passes neither sigma nor temperature: the
    defaults must be those, and they give 12.5 mV (the kernel's value is derived independently
    in tests/kernels/test_surface.py)."""
    default = inspect.signature(physiology.gating_shift).parameters
    assert default["sigma"].default == pytest.approx(-1.0 / 120.0, rel=1e-15)
    assert default["temperature"].default == 37.0
    shift = physiology.gating_shift(monovalent=150.0, Ca=2.0, Mg=10.0, monovalent_ref=150.0,
                                    Ca_ref=2.0, Mg_ref=0.5)
    assert round(float(shift), 1) == 12.5


# ---------------------------------------------------------------------------------------------
# 05_performance.ipynb
# ---------------------------------------------------------------------------------------------
# Every number notebook 05's markdown may contain, each checked below or not a measurement:
# '05' and '1952' (the title and the model's name), '52' (the session from which W1's single
# cell fires: history, which the notebook's printed adaptive step counts show for each file).
NB05_NUMBERS = {"05", "1952", "52", "0", "20", "1", "10", "1000", "40 000", "0.025", "50",
                "2 000", "10 000", "1 000"}
NUMBER = re.compile(r"(?<![\w.])\d+(?: \d{3})*(?:\.\d+)?(?!\w)")


def test_05_markdown_quotes_no_measured_number():
    """Notebook 05 draws benchmarks/results/latest.json or any file BIOPHYS_BENCHMARK_JSON names,
    so its text quotes no measured rate, step count or machine (they went stale: '2.2 M
    cell-steps/s at N = 100', 'about 7 900 accepted steps per cell', 'sessions 28 and 45-51');
    code prints them from the loaded rows. The numbers left are those checked here."""
    markdown = "\n".join(_cells("05_performance.ipynb", "markdown"))
    assert set(NUMBER.findall(markdown)) <= NB05_NUMBERS
    assert "printed below" in markdown


def test_05_the_workload_is_as_described():
    """Cells 0 and 5: 'N cells with I_app spread evenly over 0-20 uA/cm^2, 1000 ms ... N = 1 is
    the single cell at 10 uA/cm^2 ... N x 40 000 / wall time (the steps of dt = 0.025 ms in
    1000 ms), for every method ... The plain NumPy baseline runs 50 ms (N x 2 000 steps)';
    bars at 'N = 10 000'; peers 'at N = 1 000'. Checked against the workload's definition
    (benchmarks/w1.py) and the rows of the committed results file the notebook draws."""
    spec = importlib.util.spec_from_file_location("w1", ROOT / "benchmarks" / "w1.py")
    w1 = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(w1)
    assert (w1.T_END, w1.DT) == (1000.0, 0.025) and round(w1.T_END / w1.DT) == 40_000
    assert w1.currents(1).tolist() == [10.0]
    assert np.array_equal(w1.currents(5), [0.0, 5.0, 10.0, 15.0, 20.0])
    data = json.loads((ROOT / "benchmarks" / "results" / "latest.json").read_text())
    w1_rows = [(b["group"], b["extra_info"]) for b in data["benchmarks"]
               if (b.get("group") or "").startswith("W1 N=")]
    peers = [info for group, info in w1_rows if group.endswith("peers")]
    own = [info for group, info in w1_rows if not group.endswith("peers")]
    assert peers and own
    for r in own:
        steps = 2_000 if r["method"] == "numpy" else 40_000
        assert r["t_end_ms"] == (50.0 if r["method"] == "numpy" else 1000.0), r
        assert r["cell_steps"] == r["n_cells"] * steps, r
    assert max(r["n_cells"] for r in own) == 10_000
    assert {r["n_cells"] for r in peers} == {1_000}
    assert {r["method"] for r in peers} >= {"neuron", "arbor", "jaxley", "roadrunner"}
