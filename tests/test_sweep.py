"""bp.sweep: labelled results, online metrics against an independent reference, bursts, status,
one compile per model, bit-identical results for any split of the work, bad input up front."""

import dataclasses
import re
import warnings

import numba
import numpy as np
import pytest
import xarray as xr
from scipy.integrate import solve_ivp

import biophys as bp
from biophys import _engine, metrics
from biophys._compile import load_driver
from biophys.kernels import bursts
from biophys.models import get_model
from biophys.sweep import open_sweep, sweep

HH = get_model("hh1952")


# ---- an independent Hodgkin-Huxley 1952 reference (written here from the 1952 paper) --------
def _hh_rates(V, phi):
    x, z = V + 40.0, V + 55.0
    am = 0.1 * x / -np.expm1(-x / 10.0) if abs(x) > 1e-9 else 1.0
    an = 0.01 * z / -np.expm1(-z / 10.0) if abs(z) > 1e-9 else 0.1
    bm = 4.0 * np.exp(-(V + 65.0) / 18.0)
    ah = 0.07 * np.exp(-(V + 65.0) / 20.0)
    bh = 1.0 / (1.0 + np.exp(-(V + 35.0) / 10.0))
    bn = 0.125 * np.exp(-(V + 65.0) / 80.0)
    return [phi * r for r in (am, bm, ah, bh, an, bn)]


def _hh_rhs(I):
    def f(t, y):
        V, m, h, n = y
        am, bm, ah, bh, an, bn = _hh_rates(V, 1.0)
        i_ion = 120.0 * m**3 * h * (V - 50.0) + 36.0 * n**4 * (V + 77.0) + 0.3 * (V + 54.387)
        return [I - i_ion, am * (1 - m) - bm * m, ah * (1 - h) - bh * h, an * (1 - n) - bn * n]
    return f


def _hh_y0():
    am, bm, ah, bh, an, bn = _hh_rates(-65.0, 1.0)
    return [-65.0, am / (am + bm), ah / (ah + bh), an / (an + bn)]


def _reference(segments, t_end):
    """LSODA (rtol 1e-9) through piecewise-constant current ``segments`` [(t0, I), ...];
    returns (dense solutions, upward crossings of 0 mV)."""
    y, sols, spikes = _hh_y0(), [], []
    edges = [s[0] for s in segments] + [t_end]
    cross = lambda t, y: y[0]  # noqa: E731
    cross.direction = 1.0
    for (t0, current), t1 in zip(segments, edges[1:], strict=True):
        sol = solve_ivp(_hh_rhs(current), (t0, t1), y, method="LSODA", rtol=1e-9, atol=1e-9,
                        dense_output=True, max_step=0.1, events=cross)
        sols.append(sol)
        spikes.extend(sol.t_events[0])
        y = sol.y[:, -1]
    return sols, np.array(spikes)


def test_labelled_result_units_status_and_provenance():
    ds = sweep("hh1952", grid={"I_app": [0.0, 10.0, 20.0], "temperature": [6.3, 12.0]},
               t_end=60.0, warmup=10.0, params={"g_L": 0.3},
               metrics=["mean_V", "spike_rate", "plateau_fraction", "mean_I_K"], progress=False)
    assert ds["mean_V"].dims == ("I_app", "temperature")
    assert ds["I_app"].attrs["units"] == "uA/cm^2" and ds["temperature"].attrs["units"] == "C"
    assert ds["mean_V"].attrs["units"] == "mV" and "warm-up" in ds["mean_V"].attrs["long_name"]
    assert ds["spike_rate"].attrs["units"] == "Hz"
    assert ds["mean_I_K"].attrs["units"] == "uA/cm^2"
    assert ds["status"].dtype == np.int8 and int(ds["status"].max()) == 0
    assert ds["status"].attrs["flag_meanings"].split()[:3] == [
        "not_simulated", "ok", "non-finite_state"]
    a = ds.attrs
    assert a["model"] == "hh1952" and a["dt"] == HH.dt and a["warmup"] == 10.0
    assert a["t_end"] == 60.0 and a["method"] in _engine.METHODS
    for key in ("integrator", "biophys_version", "numba_version", "created", "substitution_rule",
                "changed_parameters", "kernels_source_hash", "sweep_axes"):
        assert key in a
    assert a["changed_parameters"] == "{}"  # g_L = 0.3 is the default
    silent, firing = ds["spike_rate"].sel(temperature=6.3).values[[0, 2]]
    assert silent == 0.0 and firing > 50.0


def test_metrics_match_an_independent_lsoda_solution():
    ds = sweep("hh1952", points={"I_app": [0.0, 10.0]}, t_end=200.0, warmup=50.0,
               metrics=["mean_V", "min_V", "max_V", "spike_count", "spike_rate"], progress=False)
    for j, current in enumerate([0.0, 10.0]):
        (sol,), spikes = _reference([(0.0, current)], 200.0)
        t = 50.0 + HH.dt * np.arange(15001)  # the driver's samples after the warm-up
        V = sol.sol(t)[0]
        assert abs(float(ds.mean_V[j]) - V.mean()) < 0.01
        assert abs(float(ds.min_V[j]) - V.min()) < 0.02
        assert abs(float(ds.max_V[j]) - V.max()) < 0.02
        n = int(np.sum(spikes > 50.0))
        assert float(ds.spike_count[j]) == n
        assert float(ds.spike_rate[j]) == pytest.approx(n / 0.150, rel=1e-12)
    assert float(ds.spike_count[1]) == 10  # 68 Hz tonic firing over 150 ms


def test_online_reductions_equal_reductions_of_the_recorded_trace():
    ds = sweep("hh1952", points={"I_app": [10.0]}, t_end=80.0, warmup=20.0,
               metrics=["mean_V", "min_V", "max_V", "max_I_Na", "spike_count"], progress=False,
               traces=[0], record=["V", "I_Na"], record_every=HH.dt)
    t = ds["time"].values
    after = t >= 20.0 - 1e-9
    V = ds["trace_V"].values[0, after]
    assert float(ds.mean_V[0]) == pytest.approx(V.mean(), rel=1e-12)
    assert float(ds.min_V[0]) == V.min() and float(ds.max_V[0]) == V.max()
    assert float(ds.max_I_Na[0]) == ds["trace_I_Na"].values[0, after].max()
    sim = bp.simulate("hh1952", t_end=80.0, params={"I_app": 10.0}, record=["V"])
    np.testing.assert_array_equal(sim.V.values, ds["trace_V"].values[0])
    assert float(ds.spike_count[0]) == int(np.sum(sim.spike_times.values > 20.0))


def _offline_bursts(spikes, t_warm, t_end, gap):
    """Burst statistics written independently: groups of spikes split by silences > gap.

    A group that begins within ``gap`` of the end of the warm-up started before it and is not
    measured; a group still running at ``t_end`` (last spike within ``gap``) is not measured.
    """
    s = spikes[spikes > t_warm]
    groups, prev = [], t_warm
    for t in s:
        if t - prev > gap:
            groups.append((True, [t]))
        elif not groups:
            groups.append((False, [t]))
        else:
            groups[-1][1].append(t)
        prev = t
    valid = [g for ok, g in groups if ok]
    starts = [g[0] for g in valid]
    if valid and t_end - valid[-1][-1] <= gap:
        valid.pop()
    return (np.diff(starts).mean(), np.mean([g[-1] - g[0] for g in valid]),
            np.mean([len(g) for g in valid]), len(s))


def test_burst_metrics_against_reference_spike_times():
    # 60 ms of 10 uA/cm^2 every 200 ms: bursts of ~4 spikes separated by > 100 ms of silence
    times = np.arange(0.0, 700.0, 200.0)
    stim = bp.Steps(np.ravel(np.c_[times, times + 60.0]), np.tile([10.0, 0.0], len(times)))
    names = ["spike_count", "burst_period", "active_phase", "plateau_fraction",
             "spikes_per_burst"]
    ds = sweep("hh1952", points={"I_app": [0.0, -20.0, 10.0]}, t_end=700.0, warmup=100.0,
               stimulus=stim, metrics=names, progress=False)
    segs = [(float(t), c) for t0 in times for t, c in ((t0, 10.0), (t0 + 60.0, 0.0))]
    _, spikes = _reference(segs, 700.0)
    period, active, per_burst, n = _offline_bursts(spikes, 100.0, 700.0, HH.burst_gap)
    assert 3 <= per_burst <= 5 and abs(period - 200.0) < 0.5
    assert float(ds.spike_count[0]) == n
    assert float(ds.burst_period[0]) == pytest.approx(period / 1000.0, abs=2e-5)
    assert float(ds.active_phase[0]) == pytest.approx(active / 1000.0, abs=2e-5)
    assert float(ds.spikes_per_burst[0]) == per_burst
    assert float(ds.plateau_fraction[0]) == pytest.approx(active / period, abs=2e-4)
    assert ds["burst_period"].attrs["units"] == "s"
    # hyperpolarised: silent -> plateau fraction 0, bursts undefined
    assert float(ds.spike_count[1]) == 0 and float(ds.plateau_fraction[1]) == 0.0
    assert np.isnan(float(ds.burst_period[1]))
    # 10 uA/cm^2 bias: continuous spiking -> plateau fraction 1, no burst period
    assert float(ds.plateau_fraction[2]) == 1.0 and np.isnan(float(ds.burst_period[2]))


def test_single_burst_has_no_period():
    ds = sweep("hh1952", points={"I_app": [0.0]}, t_end=600.0, warmup=100.0,
               stimulus=bp.Pulse(10.0, 300.0, 60.0),
               metrics=["burst_period", "active_phase", "plateau_fraction", "spikes_per_burst"],
               progress=False)
    assert np.isnan(float(ds.burst_period[0])) and np.isnan(float(ds.plateau_fraction[0]))
    assert float(ds.active_phase[0]) > 0.02 and float(ds.spikes_per_burst[0]) >= 3


def test_burst_statistics_edge_cases():
    # a burst already running when the warm-up ended is never measured
    b = np.zeros((bursts.N_BURST, 1))
    b[metrics.B_NSPK] = 3
    b[metrics.B_LAST] = 120.0
    b[metrics.B_IN_BURST] = 1.0
    b[metrics.B_CUR_VALID] = 0.0
    st = metrics.burst_statistics(b, 1000.0, 50.0)
    assert np.isnan(st["active_phase"][0]) and np.isnan(st["plateau_fraction"][0])


def test_points_table_equals_grid_points_bit_for_bit():
    pd = pytest.importorskip("pandas")
    g = sweep("hh1952", grid={"I_app": [2.0, 12.0], "g_K": [30.0, 36.0]}, t_end=40.0,
              progress=False)
    table = pd.DataFrame({"I_app": [12.0, 2.0], "g_K": [30.0, 36.0]})
    p = sweep("hh1952", points=table, t_end=40.0, progress=False)
    assert p["mean_V"].dims == ("point",) and p["I_app"].attrs["units"] == "uA/cm^2"
    np.testing.assert_array_equal(p["g_K"].values, [30.0, 36.0])
    for i in range(2):
        ref = g.sel(I_app=table.I_app[i], g_K=table.g_K[i])
        for v in ("mean_V", "max_V", "spike_rate"):
            assert p[v].values[i] == ref[v].values or (np.isnan(p[v].values[i])
                                                       and np.isnan(ref[v].values))


BIT_KW = dict(grid={"I_app": np.linspace(0.0, 20.0, 13), "temperature": np.linspace(6.3, 20.0, 11)},
              t_end=30.0, warmup=5.0, progress=False,
              metrics=["mean_V", "max_V", "spike_count", "mean_I_Na"])


def _sweep_on_threads(threads, **kw):
    old = numba.get_num_threads()
    try:
        numba.set_num_threads(threads)
        return sweep("hh1952", **BIT_KW, **kw)
    finally:
        numba.set_num_threads(old)


def test_bit_identical_for_any_chunk_size():
    one = _sweep_on_threads(1, chunk_size=1000)
    other = _sweep_on_threads(1, chunk_size=64)
    workers = sweep("hh1952", chunk_size=50, n_workers=1, **BIT_KW)
    for v in BIT_KW["metrics"]:
        np.testing.assert_array_equal(one[v].values, other[v].values)
        np.testing.assert_array_equal(one[v].values, workers[v].values)


def test_bit_identical_for_one_and_two_threads():
    if numba.config.NUMBA_NUM_THREADS < 2:
        pytest.skip("needs 2 Numba threads to compare with 1 "
                    f"(NUMBA_NUM_THREADS={numba.config.NUMBA_NUM_THREADS})")
    one = _sweep_on_threads(1, chunk_size=64)
    two = _sweep_on_threads(2, chunk_size=64)
    for v in BIT_KW["metrics"]:
        np.testing.assert_array_equal(one[v].values, two[v].values)


def test_one_compile_per_model_whatever_the_grid():
    drv = load_driver(HH)
    sweep("hh1952", grid={"I_app": [1.0]}, t_end=1.0, progress=False)
    n_sig = len(drv.run_exponential.signatures)
    for n in (3, 70, 200):
        sweep("hh1952", grid={"g_Na": np.linspace(100, 130, n)}, t_end=2.0, progress=False,
              chunk_size=64 if n > 64 else None, traces=[0])
    sweep("hh1952", points={"C_m": [0.5, 2.0], "E_K": [-80.0, -70.0]}, t_end=2.0,
          warmup=1.0, stimulus=bp.Pulse(5.0, 0.5, 0.5), progress=False)
    assert len(drv.run_exponential.signatures) == n_sig == 1


def test_non_finite_point_is_marked_and_others_carry_on():
    # no conductance but a leak of g_L: with g_L = 0 and a large hyperpolarising current V runs
    # away until the gate rates overflow; g_L = 1e4 mS/cm^2 clamps V near E_L.
    ds = sweep("hh1952", grid={"g_L": [0.0, 1.0e4], "I_app": [-1.0e4, 0.0]}, t_end=5.0, warmup=1.0,
               params={"g_Na": 0.0, "g_K": 0.0, "C_m": 1e-3}, metrics=["mean_V", "max_V"],
               progress=False)
    st = ds["status"].values
    assert st[0, 0] == 1 and np.count_nonzero(st) == 1
    assert np.isnan(ds.mean_V.values[0, 0])
    assert np.all(np.isfinite(ds.mean_V.values[st == 0]))
    assert ds["mean_V"].sel(g_L=1.0e4, I_app=0.0) == pytest.approx(-54.387, abs=1e-6)
    from biophys.sweep import status_text

    assert status_text(ds).values[0, 0] == "non-finite state"
    assert '"non-finite state": 1' in ds.attrs["status_counts"]


def test_netcdf_round_trip(tmp_path):
    ds = sweep("hh1952", grid={"I_app": [0.0, 10.0], "g_K": [30.0, 36.0]}, t_end=20.0,
               progress=False, traces=[{"I_app": 10.0, "g_K": 36.0}])
    path = tmp_path / "res.nc"
    ds.to_netcdf(path)
    back = open_sweep(path)
    xr.testing.assert_identical(ds, back)
    assert back.attrs["model"] == "hh1952" and back["I_app"].attrs["units"] == "uA/cm^2"


def test_roles_rates_and_cumulative_amounts():
    """secretion/insulin/ATP metrics read their role variable's unit: rates are time-averaged
    and expressed per second, cumulative states give their increase per second."""
    outs = tuple(dataclasses.replace(o, unit="granules/ms") if o.name == "I_K" else o
                 for o in HH.outputs)
    fake = dataclasses.replace(HH, outputs=outs, roles={"secretion": "I_K", "insulin": "n",
                                                        "Ca_i": "m", "pump_current": "I_L"})
    ds = sweep(fake, points={"I_app": [0.0, 10.0]}, t_end=50.0, warmup=10.0, progress=False,
               metrics=["secretion_rate", "mean_I_K", "insulin_rate", "min_n", "max_n",
                        "mean_Ca_i", "peak_Ca_i", "pump_current", "mean_I_L", "max_m"])
    assert ds["secretion_rate"].attrs["units"] == "granules/s"
    np.testing.assert_allclose(ds.secretion_rate, 1000.0 * ds.mean_I_K, rtol=1e-14)
    assert ds["insulin_rate"].attrs["units"] == "1/s"
    np.testing.assert_allclose(ds.insulin_rate, (ds.max_n - ds.min_n) / 40.0 * 1000.0,
                               rtol=1e-12)
    np.testing.assert_array_equal(ds.peak_Ca_i, ds.max_m)
    np.testing.assert_array_equal(ds.pump_current, ds.mean_I_L)


def test_bad_input_is_refused_before_any_work(monkeypatch):
    def boom(*a, **k):
        raise AssertionError("work started")

    monkeypatch.setattr(_engine, "run", boom)
    ok = {"t_end": 10.0, "progress": False}
    cases = [
        (dict(grid={"K_o": [1.0]}), "unknown grid axis name 'K_o'.*temperature, C_m"),
        (dict(grid={"I_app": []}), "'I_app' is empty"),
        (dict(grid={"I_app": [1.0, np.nan]}), "non-finite"),
        (dict(grid={"temperature": [6.3, 80.0]}),
         r"temperature.*80.*valid range: it must be in \[-5, 50\] C"),
        (dict(grid={"I_app": [[1.0, 2.0]]}), "one-dimensional"),
        (dict(grid={"I_app": [1.0]}, metrics=["mean_Ca_i"]), "lacks metric 'mean_Ca_i'.*hh1952"),
        (dict(grid={"I_app": [1.0]}, metrics=["insulin_rate"]), "hh1952.*insulin"),
        (dict(grid={"I_app": [1.0]}, metrics=["mean_X"]), "unknown metric 'mean_X'.*spike_rate"),
        (dict(grid={"I_app": [1.0]}, metrics=[]), "at least one metric"),
        (dict(grid={"I_app": [1.0]}, points={"I_app": [1.0]}), "exactly one of grid"),
        (dict(points={"I_app": [1.0, 2.0], "g_K": [1.0]}), "equal lengths"),
        (dict(grid={"I_app": [1.0]}, backend="mpi"), "backend"),
        (dict(grid={"I_app": [1.0]}, chunk_size=0), "chunk_size"),
        (dict(grid={"I_app": [1.0]}, conditions={"g_K": 3.0}), "not a condition.*temperature"),
        (dict(grid={"I_app": [1.0]}, params={"g_X": 3.0}), "no parameter 'g_X'"),
        (dict(grid={"I_app": [1.0]}, params={"I_app": 3.0}), "swept and also fixed"),
        (dict(grid={"I_app": [1.0]}, params={"g_K": -1.0}), "g_K.*valid range"),
        (dict(grid={"I_app": [1.0]}, traces=[5]), "outside"),
        (dict(grid={"I_app": [1.0]}, traces=[{"I_app": 2.0}]), "not on the grid"),
        (dict(grid={"I_app": [1.0]}, warmup=10.0), "warmup"),
        (dict(grid={"I_app": [1.0]}, method="euler"), "method"),
        (dict(grid={"I_app": [1.0]}, n_workers=0), "n_workers"),
        (dict(grid={"I_app": [1.0]}, traces=[0], record_every=-1.0), "record_every"),
        (dict(grid={"I_app": [1.0]}, traces=[0], record=["Q"]), "cannot record 'Q'"),
        (dict(grid={"I_app": [1.0]}, initial={"Q": 1.0}), "no state 'Q'"),
        (dict(grid={"I_app": [1.0]}, progress="yes"), "progress = 'yes' must be True or False"),
        (dict(grid={"I_app": [1.0]}, checkpoint=3), "checkpoint = 3 must be a path"),
    ]
    for extra, match in cases:
        with pytest.raises(ValueError, match=match):
            sweep("hh1952", **{**ok, **extra})
    with pytest.raises(ValueError, match="unknown model"):
        sweep("no_such_model", grid={"I_app": [1.0]}, **ok)


def test_solution_substitution_rule_varies_dependent_parameters():
    """With a Solution-like object, swept bath fields go through its replace()/as_params()
    (here a toy rule on hh1952: temperature also shifts E_K), recorded in provenance."""

    @dataclasses.dataclass(frozen=True)
    class ToyBath:
        temperature: float = 6.3
        substitution: str = "toy"

        def replace(self, **kw):
            return dataclasses.replace(self, **kw)

        def as_params(self, model):
            return {"temperature": self.temperature, "E_K": -77.0 + 0.5 * (self.temperature
                                                                           - 6.3)}

        def describe_substitution(self):
            return "toy: E_K follows temperature"

    ds = sweep("hh1952", grid={"temperature": [6.3, 16.3]}, conditions=ToyBath(),
               t_end=20.0, params={"I_app": 0.0}, metrics=["mean_V"], progress=False)
    ref = sweep("hh1952", points={"temperature": [6.3, 16.3], "E_K": [-77.0, -72.0]},
                t_end=20.0, metrics=["mean_V"], progress=False)
    np.testing.assert_array_equal(ds.mean_V.values, ref.mean_V.values)
    assert ds.attrs["substitution_rule"] == "toy: E_K follows temperature"
    assert "E_K" in ds.attrs["varied_parameters"]


def test_real_solution_substitution_on_the_beta_cell():
    from biophys.solution import Solution

    m = get_model("beta_cell")
    bath = Solution(substitution="equimolar_Na", Ca_o=2.6, reference=(5.4, 140.0))
    from biophys._design import Mapper, make_design

    d = make_design(m, {"K_o": [5.4, 10.4, 20.4]}, None, bath)
    mp = Mapper(m, d, bath)
    vals = dict(zip(mp.names, mp.values(0, 3), strict=True))
    np.testing.assert_allclose(vals["K_o"], [5.4, 10.4, 20.4])
    np.testing.assert_allclose(vals["Na_o"], [140.0, 135.0, 125.0])


@pytest.mark.filterwarnings("ignore:sweep. .* is outside the physiological range")
def test_a_derived_condition_outside_the_models_range_is_named():
    """A condition the bath rule derives is checked against the model's range: from zg_cell's
    own bath (K_o 4, Na_o 140 mM), K_o = 143.5 mM leaves Na_o = 0.5 mM, which a Solution
    allows (> 0 mM) and zg_cell does not (>= 1 mM)."""
    from biophys.solution import Solution

    with pytest.raises(ValueError, match=r"^condition 'Na_o' = 0.5 mM is outside its valid "
                                         r"range: it must be in \[1, 1000\] mM"):
        sweep("zg_cell", grid={"K_o": [5.0, 143.5]}, t_end=1.0, dry_run=True,
              conditions=Solution(substitution="equimolar_Na"))


@pytest.mark.filterwarnings("ignore:metric .* initial state over:UserWarning")  # 300 ms runs
def test_beta_cell_secretion_metrics():
    """Physiological readouts of the beta-cell: units, and each equals the time average of the
    recorded role variable (per second) over the same window."""
    m = get_model("beta_cell")
    names = ["secretion_rate", "insulin_rate", "mean_Ca_i", "peak_Ca_i", "pump_current",
             "ATP_use", "mean_V", "plateau_fraction"]
    ds = sweep("beta_cell", grid={"K_o": [5.4, 12.0], "Mg_o": [0.5, 2.0]}, t_end=300.0,
               warmup=100.0, metrics=names, progress=False,
               traces=[{"K_o": 12.0, "Mg_o": 0.5}], record_every=m.dt,
               record=[m.roles["secretion"], m.roles["insulin"], m.roles["Ca_i"],
                       m.roles["pump_current"], m.roles["ATP_use"]])
    assert int(ds["status"].max()) == 0
    assert ds["secretion_rate"].attrs["units"] == "granules/s"
    assert ds["mean_Ca_i"].attrs["units"] == m.variable_meta(m.roles["Ca_i"])[0]
    after = ds["time"].values >= 100.0 - 1e-9
    at = dict(K_o=12.0, Mg_o=0.5)
    for metric, role, how in (("secretion_rate", "secretion", "mean"),
                              ("insulin_rate", "insulin", "mean"),
                              ("mean_Ca_i", "Ca_i", "mean"), ("peak_Ca_i", "Ca_i", "max"),
                              ("pump_current", "pump_current", "mean"),
                              ("ATP_use", "ATP_use", "mean")):
        trace = ds[f"trace_{m.roles[role]}"].values[0, after]
        unit = m.variable_meta(m.roles[role])[0]
        scale = 1000.0 if unit.endswith("/ms") else 1.0
        expect = scale * (trace.mean() if how == "mean" else trace.max())
        assert float(ds[metric].sel(at)) == pytest.approx(expect, rel=1e-9, abs=1e-300)
    assert ds.attrs["model"] == "beta_cell"


@pytest.mark.slow
def test_chay_keizer_bursts_match_the_published_model_numbers():
    """Online burst metrics of Chay & Keizer (1983) against the numbers of the published model
    file solved with a tight-tolerance solver, skipping the first 30 s (Chay TR, Keizer J 1983
    Biophys J 42:181, XPP file artielbm/artielbm.github.io Models/ChayKeizer/ck.ode solved with
    scipy LSODA, rtol 1e-10, 90 s: period 11.98 s, active phase 3.34 s, plateau fraction 0.28,
    V between -58.8 and -18.4 mV); 3% as for the classic models (issue 4)."""
    ds = sweep("chay_keizer_1983", points={"g_K": [get_model("chay_keizer_1983")
                                                   .parameter("g_K").value]},
               t_end=90_000.0, warmup=30_000.0, progress=False,
               metrics=["burst_period", "active_phase", "plateau_fraction", "min_V", "max_V"])
    assert float(ds.burst_period[0]) == pytest.approx(11.98, rel=0.03)
    assert float(ds.active_phase[0]) == pytest.approx(3.34, rel=0.03)
    assert float(ds.plateau_fraction[0]) == pytest.approx(0.28, rel=0.03)
    assert float(ds.min_V[0]) == pytest.approx(-58.8, abs=0.2)
    assert float(ds.max_V[0]) == pytest.approx(-18.4, abs=0.2)


def test_a_lagging_readout_with_a_short_warmup_is_warned_about():
    """zg_cell's aldosterone_rate follows Ca2+ through a running average (tau_avg, 2 min):
    a sweep whose warm-up is under 3 tau_avg says so (it read the initial state silently)."""
    kw = dict(t_end=1000.0, progress=False, dry_run=True)
    left = r"aldosterone_rate.*tau_avg = 120000 ms: after warmup = 500 ms 100% of"
    with pytest.warns(UserWarning, match=left):
        sweep("zg_cell", grid={"K_o": [4.0]}, warmup=500.0, metrics=["aldosterone_rate"], **kw)
    with pytest.warns(UserWarning, match=r"'mean_Ca_avg' reads Ca_avg.*tau_avg = 300 ms"):
        sweep("zg_cell", grid={"tau_avg": [100.0, 300.0]}, warmup=500.0,
              metrics=["mean_Ca_avg"], **kw)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sweep("zg_cell", grid={"tau_avg": [100.0, 200.0]}, warmup=600.0,
              metrics=["aldosterone_rate", "mean_Ca_i"], **kw)
        sweep("zg_cell", grid={"K_o": [4.0]}, warmup=500.0, metrics=["mean_Ca_i"], **kw)


def test_a_solution_condition_in_params_is_an_error():
    """With a Solution as conditions, its conditions go in the Solution: K_o in params once ran
    at K_o 20 mM with Na_o 140 mM while the recorded rule said Na_o = 140 - (K_o - 5.4)."""
    rule = bp.Solution(substitution="equimolar_Na")
    with pytest.raises(ValueError, match="'K_o' is a condition of the Solution"):
        bp.sweep("beta_cell", grid={"Ca_o": [2.0, 3.0]}, t_end=10.0, conditions=rule,
                 params={"K_o": 20.0}, dry_run=True, progress=False)
    # parameters the Solution does not set still go in params
    ds = bp.sweep("beta_cell", grid={"Ca_o": [2.0, 3.0]}, t_end=10.0, conditions=rule,
                  params={"glucose": 8.0}, dry_run=True, progress=False)
    assert '"glucose": 8.0' in ds.attrs["changed_parameters"]


@pytest.mark.parametrize("rtol", ["a", True])
def test_rtol_that_is_not_a_number_names_rtol(rtol):
    with pytest.raises(ValueError, match=r"rtol = .* must be .*in \[1e-14, 0.1\]"):
        bp.simulate("hh1952", 10.0, method="adaptive", rtol=rtol)


def test_a_slowly_settling_readout_with_a_short_warmup_is_warned_about():
    """beta_cell's granule pools leave the initial state over minutes to hours
    (Model.settling: 6000 s, the reserve pool at 3 mM glucose; insulin output 6.1 fg/s over
    5-20 s against 0.89 after 300 s, see
    tests/test_sweep_cli.py::test_main_job_measures_after_the_initial_state, and 54 % above
    its 3 h value over 300-480 s, tests/test_beta_cell_insulin_departures.py): a sweep from
    the model's initial state that measures earlier says so, and names bp.settled_state; one
    from an earlier sweep's final states, or with the declared warm-up, does not."""
    kw = dict(grid={"K_o": [4.0]}, t_end=20_000.0, progress=False, dry_run=True)
    with pytest.warns(UserWarning, match=r"'insulin_rate' reads insulin_rate, which leaves "
                      r"beta_cell's initial state over about 6000 s: with warmup = 5000 ms"
                      r".*settled_state, which settles the reservoir N6"):
        sweep("beta_cell", warmup=5000.0, metrics=["insulin_rate"], **kw)
    with pytest.warns(UserWarning, match=r"'secretion_rate' reads fusion_rate"):
        sweep("beta_cell", warmup=5000.0, metrics=["secretion_rate"], **kw)
    first = sweep("beta_cell", grid={"K_o": [4.0]}, t_end=50.0, warmup=0.0, final_state=True,
                  metrics=["mean_V"], progress=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sweep("beta_cell", warmup=5000.0, metrics=["mean_V", "mean_Ca_i"], **kw)
        sweep("beta_cell", warmup=5000.0, metrics=["insulin_rate"], initial=first, **kw)
        sweep("beta_cell", grid={"K_o": [4.0]}, t_end=6_180_000.0, warmup=6_000_000.0,
              metrics=["insulin_rate"], progress=False, dry_run=True)
    with pytest.warns(UserWarning, match=r"over about 6000 s: with warmup = 300000 ms"):
        sweep("beta_cell", grid={"K_o": [4.0]}, t_end=480_000.0, warmup=300_000.0,
              metrics=["insulin_rate"], progress=False, dry_run=True)


def test_a_stimulus_after_the_end_is_warned_about():
    """A current stimulus that starts at or after t_end injects nothing: simulate and sweep
    say so (it ran silently without it). A clamp, which holds from t = 0, is not warned about."""
    late = bp.Pulse(amplitude=20.0, start=50.0, duration=1.0)
    with pytest.warns(UserWarning, match=r"the stimulus starts at 50 ms, at or after t_end = "
                      r"20 ms: the run contains none of it"):
        bp.simulate("hh1952", t_end=20.0, stimulus=late)
    with pytest.warns(UserWarning, match=r"starts at 30 ms, at or after t_end = 30 ms"):
        sweep("hh1952", grid={"I_app": [0.0]}, t_end=30.0, stimulus=bp.Steps([0.0, 30.0],
                                                                             [0.0, 5.0]),
              progress=False, dry_run=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        bp.simulate("hh1952", t_end=60.0, stimulus=late)
        bp.simulate("hh1952", t_end=20.0, stimulus=bp.VoltageClamp(-65.0, [(0.0, 5.0)], 30.0))
        # held at 0 mV: its first non-zero value comes after t_end, but it clamps from t = 0
        bp.simulate("hh1952", t_end=20.0, stimulus=bp.VoltageClamp(0.0, [(-80.0, 5.0)], 30.0))


@pytest.mark.parametrize("settling, message", [
    ({"nope": 1.0}, "settling names 'nope', which is not a state or output"),
    ({"insulin_rate": 0.0}, r"settling time of insulin_rate = 0.0 ms must be"),
])
def test_a_bad_settling_declaration_is_refused(settling, message):
    with pytest.raises(RuntimeError, match=message):
        dataclasses.replace(bp.model("beta_cell"), settling=settling)


@pytest.mark.parametrize("key, value", [("record", ["V"]), ("record", "m"),
                                        ("record_every", 1.0)])
def test_record_without_traces_is_an_error(key, value):
    """record= and record_every= shape the traces= and nothing else: without traces they were
    ignored silently."""
    with pytest.raises(ValueError, match=re.escape(
            f"{key} = {value!r} is given without traces=; it only applies to the traces: give "
            f"traces= (the points whose traces to return), or leave {key} out")):
        sweep("hh1952", grid={"I_app": [1.0]}, t_end=5.0, dry_run=True, **{key: value})
    ds = sweep("hh1952", grid={"I_app": [1.0]}, t_end=5.0, progress=False, traces=[0],
               **{key: value})
    assert "trace_V" in ds or "trace_m" in ds


def test_repeated_grid_values_are_an_error_but_not_in_a_points_table():
    """A repeated grid value ran the same points twice under a duplicated coordinate."""
    with pytest.raises(ValueError, match=r"grid axis 'K_o' repeats the value\(s\) 5 mM; give "
                                         r"each value once"):
        sweep("beta_cell", grid={"K_o": [5.0, 5.0]}, t_end=10.0, dry_run=True)
    with pytest.raises(ValueError, match=r"grid axis 'I_app' repeats the value\(s\) 1, 3 "
                                         r"uA/cm\^2"):
        sweep("hh1952", grid={"g_K": [36.0], "I_app": [3.0, 1.0, 2.0, 1.0, 3.0]}, t_end=10.0,
              dry_run=True)
    # a table of points may repeat a value in one column (here: two points at K_o = 5)
    ds = sweep("beta_cell", points={"K_o": [5.0, 5.0], "Mg_o": [1.0, 2.0]}, t_end=10.0,
               dry_run=True)
    assert ds["K_o"].values.tolist() == [5.0, 5.0]
