"""Input checks of the public API that a review found missing: a warm-up rounded to
t_end, an analysis window outside the trace, ``dry_run`` and ``callback`` of ``sweep``, grids
too large to hold, ``ax`` of the sweep figures, and the type hints of the public functions.

Every test fails without its fix (most raised no error, or a raw numpy or Python error, before).
Nothing here compiles a model: the checks fire before any simulation.
"""

from __future__ import annotations

import inspect
import re
import sys
import typing
import warnings
from types import SimpleNamespace

import numpy as np
import pytest
import xarray as xr

import biophys as bp
from biophys import _engine, metrics
from biophys._sweep_checks import _check_result_size
from biophys._sweep_config import MAX_AXIS_VALUES, _axis, load_config
from biophys.analysis import burst_metrics, bursts
from biophys.kernels import bursts as kb
from biophys.models import get_model

M = ["mean_V", "min_V", "max_V", "spike_rate", "regime"]
ONE = {"I_app": [10.0]}


# --- 1. a warm-up that rounds to t_end -------------------------------------------------------

@pytest.mark.parametrize("dt, warmup, method, limit", [
    (0.5, 19.9, "adaptive", "19.5"),
    (0.5, 19.9, "rosenbrock", "19.5"),
    (0.01, 19.999, "rl2", "19.99"),
    (0.5, 19.76, "rl1", "19.5"),  # 39.52 steps: rounds to 40, t_end
])
def test_a_warmup_rounding_to_t_end_is_refused_up_front(dt, warmup, method, limit):
    """Rounded to whole steps, the warm-up reached t_end: the metrics window was empty and the
    sweep returned mean_V 0, min_V inf, max_V -inf, regime 'silent' with status ok."""
    msg = (rf"^warmup = {warmup} ms must be in \[0, {limit}\] ms \(at most t_end - dt: t_end = "
           rf"20 ms, dt = {dt:g} ms\): the warm-up is rounded to whole steps of dt, and "
           rf"{warmup:g} ms rounds to t_end, which leaves no step for the metrics$")
    with pytest.raises(ValueError, match=msg):
        bp.sweep("hh1952", grid=ONE, t_end=20.0, dt=dt, warmup=warmup, method=method,
                 metrics=M, progress=False)
    with pytest.raises(ValueError, match=msg):  # the engine itself (zg, conservation, simulate)
        _engine.run(get_model("hh1952"), np.zeros((len(get_model("hh1952").parameters), 1)),
                    np.zeros((len(get_model("hh1952").states), 1)), t_end=20.0, dt=dt,
                    warmup=warmup, method=method)


def test_the_last_warmup_that_leaves_a_step_is_accepted():
    """t_end - dt, and anything that rounds to it, leaves one step: accepted as before."""
    for w in (19.5, 19.7):
        assert _engine.check_time(20.0, 0.5, w) == (20.0, 0.5, w)
    ds = bp.sweep("hh1952", grid=ONE, t_end=20.0, dt=0.5, warmup=19.5, method="adaptive",
                  metrics=M, dry_run=True)
    assert ds.attrs["warmup"] == 19.5


def test_hysteresis_refuses_the_warmup_before_any_step():
    with pytest.raises(ValueError, match=r"^warmup = 19\.999 ms must be in \[0, 19\.99\] ms"):
        bp.hysteresis("hh1952", "I_app", [5.0, 10.0], t_end=20.0, warmup=19.999, dt=0.01,
                      metrics=["mean_V"], progress=False)


def test_metrics_of_an_empty_window_are_nan_not_the_accumulators_start():
    """A raw run whose warm-up reaches t_end (what the driver returned before the check):
    every metric NaN, never 0 mV, +-inf or 'silent'; the step count is kept."""
    hh = get_model("hh1952")
    plan = metrics.plan(hh, [*M, "steps"])
    obs = np.zeros((len(plan.observe), 3, 1))
    obs[:, 1], obs[:, 2] = np.inf, -np.inf
    burst = np.zeros((kb.N_BURST, 1))
    burst[kb.B_LAST], burst[kb.B_PEND_MIN], burst[kb.B_SIL_MIN] = 20.0, np.inf, np.inf
    raw = SimpleNamespace(n_steps=40, dt=0.5, t_warm=20.0, burst=burst, obs=obs,
                          n_obs_samples=1, n_accepted=np.array([40]))
    out = metrics.compute(plan, raw, hh.burst_gap)
    for name in M:
        assert np.isnan(out[name]).all(), name
    assert out["steps"][0] == 40.0


# --- 2. the analysis window must lie in the trace ---------------------------------------------

def _trace():
    """50 ms sampled every 0.01 ms, spikes (upward crossings of 0 mV) at 5, 17.5, 30, 42.5 ms:
    4 spikes in 50 ms, 80 Hz."""
    t = np.round(np.arange(5001) * 0.01, 10)
    V = np.where(np.any([np.abs(t - s) < 0.5 for s in (5.5, 18.0, 30.5, 43.0)], axis=0),
                 20.0, -65.0)
    return t, V


def test_the_whole_trace_gives_the_rate_it_holds():
    t, V = _trace()
    s = bursts(t, V, 0.0, 50.0)
    assert s.n_spikes == 4 and s.spike_rate == pytest.approx(80.0)
    # the ends given in full, or off by rounding only, are the trace's own
    assert bursts(t, V, 0.0, 50.0, t_start=0.0, t_end=50.0).spike_rate == pytest.approx(80.0)
    assert bursts(t, V, 0.0, 50.0, t_end=50.0 + 1e-12).n_spikes == 4


@pytest.mark.parametrize("kw, name, value", [
    ({"t_start": -50.0}, "t_start", "-50.0"),  # was 40 Hz
    ({"t_end": 500.0}, "t_end", "500.0"),  # was 8 Hz, kind 'irregular'
    ({"t_start": 10.0, "t_end": 50.01}, "t_end", "50.01"),
])
def test_a_window_outside_the_trace_is_refused(kw, name, value):
    t, V = _trace()
    with pytest.raises(ValueError, match=rf"^{name} = {value} ms must be in \[0, 50\] ms, the "
                                         r"trace's times \(t\[0\] to t\[-1\]\)"):
        bursts(t, V, 0.0, 50.0, **kw)


def test_burst_metrics_refuses_a_t_start_before_the_trace():
    t, V = _trace()
    ds = xr.Dataset({"V": ("time", V), "spike_times": ("spike", [5.0, 17.5, 30.0, 42.5])},
                    coords={"time": t}, attrs={"model": "hh1952"})
    assert burst_metrics(ds, t_start=0.0).spike_rate == pytest.approx(80.0)
    with pytest.raises(ValueError, match=r"^t_start = -50\.0 ms must be in \[0, 50\] ms"):
        burst_metrics(ds, t_start=-50.0)


def test_burst_metrics_says_when_the_trace_stops_before_the_run():
    """A record grid short of t_end (record_every 4 ms, t_end 1001 ms) ended the window at the
    last sample without a word: a spike at 1000.3 ms vanished (9 spikes in the sweep's
    metrics of the run, 8 here)."""
    times = [t for b in range(99, 1100, 100) for t in (b, b + 1)]
    stim = bp.Steps(times, [20.0, 0.0] * (len(times) // 2))
    ds = bp.simulate("hh1952", t_end=1001.0, stimulus=stim, record=["V"], record_every=4.0)
    assert ds["time"].values[-1] == 1000.0 and ds["spike_times"].values[-1] > 1000.0
    with pytest.warns(UserWarning, match=r"trace ends at 1000 ms, before the run's t_end = "
                                         r"1001 ms .* spikes after it are left out"):
        burst_metrics(ds, t_start=150.0)
    whole = bp.simulate("hh1952", t_end=1000.0, stimulus=stim, record=["V"], record_every=4.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a grid that reaches t_end: no warning
        burst_metrics(whole, t_start=150.0)


# --- 3. and 4. dry_run and callback of sweep --------------------------------------------------

@pytest.mark.parametrize("value", ["no", 0, None, "False"])
def test_dry_run_must_be_a_bool(value):
    """dry_run='no' did a dry run (a truthy string)."""
    with pytest.raises(ValueError, match=rf"^dry_run = {value!r} must be True or False$"):
        bp.sweep("hh1952", grid=ONE, t_end=20.0, dry_run=value)


def test_dry_run_takes_a_numpy_bool():
    assert bp.sweep("hh1952", grid=ONE, t_end=20.0, dry_run=np.bool_(True)).attrs["dry_run"] == 1


@pytest.mark.parametrize("value", [5, "print"])
def test_a_callback_that_cannot_be_called_is_refused_before_any_chunk(tmp_path, value):
    """Found only after the first chunk was computed and checkpointed (a raw TypeError)."""
    with pytest.raises(ValueError, match=rf"^callback = {value!r} must be a callable "
                                         r"callback\(chunk, n_done, n_chunks\)"):
        bp.sweep("hh1952", grid=ONE, t_end=20.0, callback=value, progress=False,
                 checkpoint=tmp_path / "ck")
    assert not (tmp_path / "ck").exists() or not any((tmp_path / "ck").iterdir())


# --- 5. grids too large to hold ----------------------------------------------------------------

def test_a_grid_too_large_for_memory_is_refused_with_its_size():
    """A dry run of 1e10 points raised numpy's ArrayMemoryError."""
    grid = {"I_app": np.linspace(0, 1, 100000), "g_K": np.linspace(30, 40, 100000)}
    with pytest.raises(ValueError, match=r"^the sweep's grid of 100000 x 100000 = 1e\+10 points "
                                         r"with 7 output\(s\) each needs 531 GiB \(limit 4 "
                                         r"GiB\): sweep fewer points"):
        bp.sweep("hh1952", grid=grid, t_end=20.0, dry_run=True)


def test_the_size_limit_counts_every_output_and_python_ints():
    """Final states count (the 4 states of hh1952): 15000 x 15000 points of one metric fit
    (1.89 GiB), with their final states they do not; five axes of 10 000 values are 1e20
    points, beyond int64 (np.prod would wrap around)."""
    grid = {"I_app": np.linspace(0, 1, 15000), "g_K": np.linspace(30, 40, 15000)}
    _check_result_size(
        SimpleNamespace(kind="grid", shape=(15000, 15000)), 1)  # fits: no error
    with pytest.raises(ValueError, match=r"with 5 output\(s\) each needs 8\.59 GiB"):
        bp.sweep("hh1952", grid=grid, t_end=20.0, metrics=["mean_V"], dry_run=True,
                 final_state=True)
    huge = {n: np.linspace(0.5, 1.0, 10**4) for n in ("C_m", "g_Na", "g_K", "g_L", "I_app")}
    with pytest.raises(ValueError, match=r"points with 1 output\(s\) each needs .* GiB "
                                         r"\(limit 4 GiB\)"):
        bp.sweep("hh1952", grid=huge, t_end=20.0, metrics=["mean_V"], dry_run=True)


@pytest.mark.parametrize("spec, text", [
    ({"start": 0, "stop": 10, "step": 1e-9}, "give 1e+10 values"),  # was ArrayMemoryError
    ({"start": 0, "stop": 1e308, "step": 1e-300}, "give inf values"),  # was OverflowError
])
def test_a_range_table_with_too_many_values_is_refused(spec, text):
    with pytest.raises(ValueError, match=rf"^grid axis 'I_app': start = .* uA/cm\^2 "
                                         rf"{re.escape(text)}; a range may give at most "
                                         rf"{MAX_AXIS_VALUES} \(use a larger step, or num\)$"):
        _axis("I_app", spec, "uA/cm^2")


def test_num_of_a_range_table_is_capped():
    assert len(_axis("I_app", {"start": 0, "stop": 1, "num": MAX_AXIS_VALUES}, "ms")) \
        == MAX_AXIS_VALUES
    with pytest.raises(ValueError, match=r"^grid axis 'I_app': num = 1000001 must be an integer "
                                         r"in \[1, 1000000\] \(the number of values from start "
                                         r"= 0 to stop = 10 uA/cm\^2\)$"):
        _axis("I_app", {"start": 0, "stop": 10, "num": MAX_AXIS_VALUES + 1}, "uA/cm^2")


def test_the_toml_file_names_itself_the_axis_and_its_unit(tmp_path):
    p = tmp_path / "huge.toml"
    p.write_text('model = "hh1952"\nt_end = 20.0\n[grid]\n'
                 "I_app = {start = 0, stop = 10, step = 1e-9}\n", encoding="utf-8")
    with pytest.raises(ValueError, match=rf"^{re.escape(str(p))}: grid axis 'I_app': start = 0, "
                                         r"stop = 10, step = 1e-09 uA/cm\^2 give 1e\+10 values"):
        load_config(p)


# --- 6. ax of the sweep figures ----------------------------------------------------------------

@pytest.fixture(scope="module")
def grid_ds():
    return bp.sweep("hh1952", grid={"I_app": [1.0, 2.0], "g_K": [30.0, 36.0]}, t_end=20.0,
                    dry_run=True)


@pytest.mark.parametrize("ax", [5, "ax", object()])
def test_heatmap_and_lines_check_ax(grid_ds, ax):
    """ax=5 raised a raw AttributeError from inside matplotlib's calls."""
    pytest.importorskip("matplotlib")
    msg = r"^ax = .* must be a matplotlib\.axes\.Axes to draw on, or None \(a new figure\)$"
    with pytest.raises(ValueError, match=msg):
        bp.plot.heatmap(grid_ds, "spike_rate", ax=ax)
    with pytest.raises(ValueError, match=msg):
        bp.plot.lines(grid_ds, "spike_rate", ax=ax)
    ds = xr.Dataset({"trace_V": (("trace", "time"), np.zeros((1, 3)), {"units": "mV"})},
                    coords={"time": ("time", [0.0, 1.0, 2.0], {"units": "ms"})})
    with pytest.raises(ValueError, match=msg):
        bp.plot.traces(ds, ax=ax)


def test_a_matplotlib_axes_is_still_drawn_on(grid_ds):
    pytest.importorskip("matplotlib")
    from matplotlib.figure import Figure

    ax = Figure().subplots()
    assert bp.plot.lines(grid_ds, "mean_V", ax=ax) is ax


# --- 7. type hints of the public API -----------------------------------------------------------

HINTED = [
    ("biophys.sweep", "sweep", ["points", "conditions", "stimulus", "client", "checkpoint",
                                "traces"], None),
    ("biophys.simulate", "simulate", ["conditions", "stimulus"], None),
    ("biophys.plot", "heatmap", ["ax", "cmap"], "Axes"),
    ("biophys.plot", "lines", ["ax"], "Axes"),
    ("biophys.plot", "traces", ["ax"], "Axes"),
    ("biophys.plot", "plot_traces", ["path", "variables"], "Figure"),
    ("biophys.analysis", "bursts", ["t", "V", "spike_times"], "BurstStats"),
    ("biophys.analysis", "detect_spikes", ["t", "V"], "np.ndarray"),
    ("biophys.analysis", "bursts_from_spike_times", ["spike_times"], "BurstStats"),
    ("biophys.analysis", "burst_metrics", ["ds", "model"], "BurstStats"),
]


@pytest.mark.parametrize("module, name, params, returns", HINTED)
def test_public_functions_are_type_hinted(module, name, params, returns):
    mod = sys.modules[module]
    f = getattr(mod, name)
    sig = inspect.signature(f)
    missing = [p for p in params if sig.parameters[p].annotation is inspect.Parameter.empty]
    assert not missing, f"{name}: {missing} not hinted"
    if returns is not None:
        assert sig.return_annotation == returns
    # the hints name real types (their TYPE_CHECKING imports resolve)
    ns = dict(vars(mod))
    src = inspect.getsource(mod)
    block = src.split("if TYPE_CHECKING:", 1)[1].split("\n\n\n", 1)[0]
    exec(compile(block.replace("\n    ", "\n"), module, "exec"), ns)  # noqa: S102
    hints = typing.get_type_hints(f, globalns=ns)
    assert set(params) <= set(hints)


# --- hysteresis checkpoints and check_conservation's currents ---------------------------------

def test_hysteresis_checkpoint_is_not_written_among_other_files(tmp_path):
    """The steps' checkpoints went into a directory of the user's files (mydata.csv kept
    beside up_0000, down_0000, ...), and under an existing file the run failed at its first
    step with a NotADirectoryError."""
    d = tmp_path / "userdir"
    d.mkdir()
    (d / "mydata.csv").write_text("1,2\n")
    with pytest.raises(ValueError, match=r"is a directory with 1 entries that are not steps of "
                                         r"a hysteresis \(up_NNNN, down_NNNN\), e\.g\. "
                                         r"'mydata\.csv'"):
        bp.hysteresis("hh1952", "I_app", [1.0, 2.0], checkpoint=d, t_end=20.0, warmup=5.0,
                      progress=False)
    assert sorted(p.name for p in d.iterdir()) == ["mydata.csv"]
    f = tmp_path / "notes.txt"
    f.write_text("x")
    with pytest.raises(ValueError, match=r"notes\.txt' exists and is not a directory"):
        bp.hysteresis("hh1952", "I_app", [1.0, 2.0], checkpoint=f, t_end=20.0, warmup=5.0,
                      progress=False)


@pytest.mark.parametrize("currents", [5, None, 2.5])
def test_check_conservation_names_currents_that_are_not_names(currents):
    from biophys.conservation import check_conservation

    with pytest.raises(ValueError, match=r"^currents = .* must be an output name of model "
                                         r"'hh1952' \(outputs: I_Na, .*\) or a sequence of "
                                         r"names$"):
        check_conservation("hh1952", currents=currents, capacitance="C_m", t_end=5.0)
