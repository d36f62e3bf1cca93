"""Optional peers on W1 (``pip install -e .[peers]``: NEURON, Arbor, Brian2, Jaxley,
libRoadRunner). The fixed-step peers run the HH 1952 axon with their own built-in channels
(NEURON and Arbor ``hh``, Jaxley ``HH``, Brian2 equations written here) at dt = 0.025 ms;
libRoadRunner, the exact-class peer, runs an SBML model of the same equations written in
``w1_roadrunner.py`` with CVODE (variable step, error-controlled), one cell after the other on
one thread. Spike counts are checked against the RK4 reference and both accuracy classes are
reported. Skipped when a peer is not installed or does not import (CI never installs them).
Jaxley's driver is in ``w1_jaxley.py``; its JIT compile is done before the timed call and
reported in ``extra_info`` (``compile_s``, ``build_s``), as is RoadRunner's SBML load and
compile (``build_s``). The other peers' timed call includes their set-up: NEURON builds its N
sections, inserts ``hh`` and runs ``finitialize``; Brian2 builds its ``NeuronGroup`` and
generates its (NumPy) code; Arbor builds its recipe, context and simulation (cell
construction, load balance). So for those three the figure is set-up plus run, for Jaxley and
RoadRunner the run alone.

``cell_steps`` is N x 40 000 for every peer and ``cell_steps_per_s`` the fixed-step-equivalent
throughput (also for CVODE, so that throughputs compare as wall times); for RoadRunner
``extra_info`` also holds ``extrapolated_w1_s`` = wall x 10 000 / N (serial per-cell solver:
linear in N).

The peers' baselines run in this file's process too (``test_w1_peer_baseline``: the
straightforward Numba loop, ``staggered`` and ``adaptive`` at the peers' N, on 1 and 2
threads), so that ``benchmarks/report.py`` divides peer figures by baselines of the same
session, never by ``bench_w1``'s (another process, possibly another commit). They are skipped
in a real measurement when no peer is usable."""

import contextlib
import importlib.util

import numpy as np
import pytest
import w1
import w1_jaxley
import w1_roadrunner
from bench_w1 import HH, THREADS, _inputs
from conftest import run

from biophys import _engine

if importlib.util.find_spec("roadrunner") is not None:  # before NEURON can load: see
    with contextlib.suppress(Exception):              # w1_roadrunner.import_roadrunner
        w1_roadrunner.import_roadrunner()

N_PEER = 1000  # cells (the ratio is per cell-step; peers are slow to set up at 10 000)


def _unusable(module: str) -> str | None:
    """None if the peer is installed and imports, else why not (a peer built against another
    NumPy fails on import: Brian2 2.9 needs ``ndarray.ptp``, which NumPy 2.4 removed)."""
    if importlib.util.find_spec(module) is None:
        return "not installed (optional 'peers' extra)"
    try:
        importlib.import_module(module)
    except Exception as exc:  # noqa: BLE001 - any import failure means "not usable here"
        return f"installed but does not import ({type(exc).__name__}: {exc})"
    return None


def _neuron_counts(current, t_end):
    from neuron import h

    h.load_file("stdrun.hoc")
    cells, counters, vecs = [], [], []
    for i_app in current:
        s = h.Section()
        s.L = s.diam = 10.0 / np.pi ** 0.5  # 100 um^2 area -> 1 uA/cm^2 = 1e-3 nA
        s.insert("hh")
        s.Ra, s.cm = 35.4, 1.0
        stim = h.IClamp(s(0.5))
        stim.delay, stim.dur, stim.amp = 0.0, 1e9, i_app * 1e-3
        nc = h.NetCon(s(0.5)._ref_v, None, sec=s)
        nc.threshold = 0.0
        v = h.Vector()
        nc.record(v)
        cells.append((s, stim))
        counters.append(nc)
        vecs.append(v)
    h.dt = w1.DT
    h.celsius = 6.3
    h.finitialize(-65.0)
    h.continuerun(t_end)
    return np.array([len(v) for v in vecs])


def _brian2_counts(current, t_end):
    import brian2 as b2

    b2.prefs.codegen.target = "numpy"
    eqs = "\n".join([
        "dv/dt = (I - gl*(v-El) - gna*m**3*h*(v-ENa) - gk*n**4*(v-EK))/Cm : volt",
        "dm/dt = am*(1-m) - bm*m : 1",
        "dh/dt = ah*(1-h) - bh*h : 1",
        "dn/dt = an*(1-n) - bn*n : 1",
        "am = 0.1/mV*(v+40*mV)/(1-exp(-(v+40*mV)/(10*mV)))/ms : Hz",
        "bm = 4*exp(-(v+65*mV)/(18*mV))/ms : Hz",
        "ah = 0.07*exp(-(v+65*mV)/(20*mV))/ms : Hz",
        "bh = 1/(1+exp(-(v+35*mV)/(10*mV)))/ms : Hz",
        "an = 0.01/mV*(v+55*mV)/(1-exp(-(v+55*mV)/(10*mV)))/ms : Hz",
        "bn = 0.125*exp(-(v+65*mV)/(80*mV))/ms : Hz",
        "I : amp/meter**2",
    ])
    ms2 = b2.msiemens / b2.cm**2
    ns = dict(gl=0.3 * ms2, El=-54.387 * b2.mV, gna=120 * ms2, ENa=50 * b2.mV, gk=36 * ms2,
              EK=-77 * b2.mV, Cm=1 * b2.ufarad / b2.cm**2)
    g = b2.NeuronGroup(len(current), eqs, method="exponential_euler", threshold="v > 0*mV",
                       refractory="v > 0*mV", namespace=ns, dt=w1.DT * b2.ms)
    v0, m0, h0, n0 = w1.resting_state()
    g.v, g.m, g.h, g.n = v0 * b2.mV, m0, h0, n0
    g.I = np.asarray(current) * b2.uamp / b2.cm**2
    mon = b2.SpikeMonitor(g)
    b2.run(t_end * b2.ms)
    return np.asarray(mon.count)


def _arbor_counts(current, t_end, threads=2):
    import arbor as A
    from arbor import units as U

    d = 10.0 / np.pi ** 0.5  # um: lateral area pi d^2 = 100 um^2, so 1 uA/cm^2 = 1e-3 nA

    class Recipe(A.recipe):
        def __init__(self):
            super().__init__()
            self.props = A.neuron_cable_properties()  # Vm -65 mV, 6.3 C, E_Na 50, E_K -77

        def num_cells(self):
            return len(current)

        def cell_kind(self, gid):
            return A.cell_kind.cable

        def global_properties(self, kind):
            return self.props

        def connections_on(self, gid):
            return []

        def event_generators(self, gid):
            return []

        def cell_description(self, gid):
            tree = A.segment_tree()
            tree.append(A.mnpos, A.mpoint(0.0, 0.0, 0.0, d / 2), A.mpoint(d, 0.0, 0.0, d / 2),
                        tag=1)
            decor = (A.decor()
                     .paint("(all)", A.density("hh"))
                     .place("(location 0 0.5)", A.i_clamp(float(current[gid]) * 1e-3 * U.nA))
                     .place("(location 0 0.5)", A.threshold_detector(0.0 * U.mV), "detector"))
            return A.cable_cell(tree, decor, A.label_dict(), discretization=A.cv_policy_single())

    recipe = Recipe()
    ctx = A.context(threads=threads)
    sim = A.simulation(recipe, ctx, A.partition_load_balance(recipe, ctx))
    sim.record(A.spike_recording.local)  # (.all records nothing without MPI in 0.12)
    sim.run(t_end * U.ms, w1.DT * U.ms)
    gids = np.asarray(sim.spikes()["source"]["gid"], dtype=np.int64)
    return np.bincount(gids, minlength=len(current))


PEERS = {"neuron": _neuron_counts, "brian2": _brian2_counts, "arbor": _arbor_counts,
         "jaxley": w1_jaxley.jaxley_counts, "roadrunner": w1_roadrunner.roadrunner_counts}
N_W1 = 10_000  # cells of the full workload W1 (for the extrapolation of serial peers)


@pytest.mark.parametrize("peer", sorted(PEERS))
def test_w1_peer(benchmark, full, peer):
    why = _unusable(peer)
    if why is not None:
        pytest.skip(f"{peer} {why}")
    n = N_PEER if full else 10
    t_end = w1.T_END if full else 5.0
    current = w1.currents(n)
    benchmark.group = f"W1 N={n} peers"
    fn, info = (lambda: PEERS[peer](current, t_end)), {"threads": 2 if peer == "arbor" else 1}
    if peer == "jaxley":  # build and JIT-compile outside the timed call
        prepared = w1_jaxley.prepare(current, t_end)
        fn, info = prepared.run, dict(prepared.info, threads=prepared.info["devices"])
    if peer == "roadrunner":  # load and JIT-compile the SBML model outside the timed call
        prepared = w1_roadrunner.prepare(current, t_end)
        fn, info = prepared.run, dict(prepared.info, threads=1)
    counts = run(benchmark, fn, full=full, rounds=1)
    benchmark.extra_info.update(method=peer, n_cells=n, t_end_ms=t_end,
                                cell_steps=n * round(t_end / w1.DT), **info)
    if benchmark.stats:
        wall = benchmark.stats.stats.mean
        benchmark.extra_info["cell_steps_per_s"] = n * round(t_end / w1.DT) / wall
        if peer == "roadrunner":
            benchmark.extra_info.update(wall_s=wall, extrapolated_w1_s=wall * N_W1 / n)
    if peer == "roadrunner" and not full:  # exact class: the short run must match exactly
        np.testing.assert_array_equal(counts, w1.rk4_counts(current, t_end))
        assert w1_roadrunner.check_event_semantics() == {"initialValue=true": [0, 0],
                                                         "initialValue=false": [1, 1]}
    if full:
        benchmark.extra_info.update(w1.agreement(counts, w1.rk4_counts(current, t_end)))


@pytest.mark.parametrize("threads", THREADS, indirect=True)
@pytest.mark.parametrize("method", ["numba_loop", "staggered", "adaptive"])
def test_w1_peer_baseline(benchmark, full, method, threads):
    """The peers' baselines, in this process: the Numba loop and biophys at the peers' N."""
    if not full and threads > 1:
        pytest.skip("smoke mode: one thread")
    if full and all(_unusable(p) is not None for p in PEERS):
        pytest.skip("no peer usable: no peer figure to compare with")
    n = N_PEER if full else 10
    t_end = w1.T_END if full else 5.0
    current = w1.currents(n)
    if method == "numba_loop":
        w1.numba_loop_counts(current[:2], 0.05)  # compile/load
        fn = lambda: w1.numba_loop_counts(current, t_end)  # noqa: E731
    else:
        P, Y0 = _inputs(n)
        _engine.run(HH, P[:, :1], Y0[:, :1], t_end=0.05, dt=w1.DT, method=method)
        fn = lambda: _engine.run(HH, P, Y0, t_end=t_end, dt=w1.DT,  # noqa: E731
                                 method=method).spike_count
    benchmark.group = f"W1 N={n} peers"
    counts = run(benchmark, fn, full=full, rounds=3)
    benchmark.extra_info.update(method=method, threads=threads, n_cells=n, t_end_ms=t_end,
                                cell_steps=n * round(t_end / w1.DT), baseline=True)
    if benchmark.stats:
        benchmark.extra_info["cell_steps_per_s"] = (n * round(t_end / w1.DT)
                                                    / benchmark.stats.stats.mean)
    agree = w1.agreement(counts, w1.reference_counts(n, t_end))
    if full:
        benchmark.extra_info.update(agree)
    w1.check_agreement(method, agree)
