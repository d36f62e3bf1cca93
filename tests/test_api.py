"""Public API of the foundation: models, simulate, stimuli, and clear errors for bad input."""

import json
import warnings

import numpy as np
import pytest

import biophys as bp


def test_list_and_describe(capsys):
    assert "hh1952" in bp.list_models()
    m = bp.model("hh1952")
    for q in m.parameters + m.states:
        assert q.unit and q.description and q.source
    m.describe()
    out = capsys.readouterr().out
    assert "g_Na" in out and "mS/cm^2" in out and "Hodgkin" in out


def test_simulate_dataset_structure_and_provenance():
    ds = bp.simulate("hh1952", t_end=20.0, dt=0.01, params={"I_app": 10.0},
                     stimulus=bp.Pulse(20.0, 5.0, 1.0), record=["V", "m", "I_Na"],
                     record_every=0.1)
    assert ds.time.attrs["units"] == "ms"
    np.testing.assert_allclose(ds.time.values, np.arange(201) * 0.1, atol=1e-12)
    assert ds.V.attrs["units"] == "mV" and ds.I_Na.attrs["units"] == "uA/cm^2"
    assert ds.m.attrs["long_name"]
    assert ds.spike_times.attrs["units"] == "ms" and ds.sizes["spike"] >= 1
    assert json.loads(ds.attrs["changed_parameters"]) == {"I_app": 10.0}
    for key in ("model", "dt", "integrator", "biophys_version", "numba_version"):
        assert key in ds.attrs
    assert ds.attrs["dt"] == 0.01


def test_default_dt_is_the_models():
    ds = bp.simulate("hh1952", t_end=1.0)
    assert ds.attrs["dt"] == bp.model("hh1952").dt


def test_voltage_clamp_holds_the_command():
    vc = bp.VoltageClamp(holding=-65.0, steps=[(-10.0, 5.0), (20.0, 5.0)], start=2.0)
    ds = bp.simulate("hh1952", t_end=15.0, dt=0.01, stimulus=vc, record=["V", "I_K", "I_Na"])
    v = ds.V.values
    t = ds.time.values
    assert np.all(v[t < 2.0] == -65.0)
    assert np.all(v[(t >= 2.0) & (t < 7.0)] == -10.0)
    assert np.all(v[(t >= 7.0) & (t < 12.0)] == 20.0)
    assert np.all(v[t >= 12.0] == -65.0)
    # K+ current turns on during the depolarising steps, Na+ current is transiently inward
    assert ds.I_K.sel(time=11.9, method="nearest") > 100.0
    assert ds.I_Na.sel(time=slice(2.0, 4.0)).min() < -100.0


def test_steps_stimulus_matches_constant_current():
    a = bp.simulate("hh1952", t_end=30.0, params={"I_app": 10.0})
    b = bp.simulate("hh1952", t_end=30.0, stimulus=bp.Steps([0.0], [10.0]))
    np.testing.assert_array_equal(a.V.values, b.V.values)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(t_end=0.0), r"t_end = 0.0 ms must be finite and > 0"),
        (dict(t_end=-5.0), r"t_end"),
        (dict(t_end=float("nan")), r"t_end"),
        (dict(t_end=10.0, dt=0.0), r"dt = 0.0 ms must be finite and > 0"),
        (dict(t_end=10.0, dt=-1.0), r"dt"),
        (dict(t_end=1.0, dt=2.0), r"dt = 2.0 ms must not exceed t_end"),
        # dt=True is not 1 ms
        (dict(t_end=10.0, dt=True), r"dt = True must be a real number .*, finite and > 0 ms"),
        (dict(t_end="10"), r"t_end = '10' must be a real number .*, finite and > 0 ms"),
        (dict(t_end=1.0, params={"g_Na": float("inf")}), r"g_Na.*mS/cm\^2.*valid range"),
        (dict(t_end=1.0, params={"g_K": -1.0}), r"g_K.*-1.0 mS/cm\^2.*\[0, 10000\]"),
        (dict(t_end=1.0, initial={"m": 2.0}), r"initial state 'm'.*\[0, 1\]"),
        (dict(t_end=1.0, initial={"m": 2.0}), r"'m' = 2.0 \(dimensionless\) .*\[0, 1\] \(dim"),
        (dict(t_end=1.0, params={"g_K": "x"}),
         r"'g_K' must be a real number \(not a bool, string or array\), in \[0, 10000\] "
         r"mS/cm\^2 \(.*\), got 'x'"),
        (dict(t_end=1.0, record=["Q"]), r"cannot record 'Q'; valid names: V, m, h, n, I_Na"),
        (dict(t_end=1.0, record_every=-1.0), r"record_every"),
        (dict(t_end=1.0, method="euler"), r"method"),
    ],
)
def test_bad_input_is_a_clear_value_error(kwargs, match):
    with pytest.raises(ValueError, match=match):
        bp.simulate("hh1952", **kwargs)


def test_record_every_rounded_to_whole_steps_is_warned_about():
    """A record_every that is not a whole number of steps is rounded (0.25 ms at dt 0.1 ms
    samples every 0.2 ms); that was said only by the time coordinate. A multiple of dt, and
    the default, are silent; a sweep's traces warn likewise."""
    with pytest.warns(UserWarning, match=r"record_every = 0.25 ms is not a whole number of "
                      r"steps \(dt = 0.1 ms\): the samples are 0.2 ms apart \(2 steps\)"):
        ds = bp.simulate("hh1952", t_end=2.0, dt=0.1, record_every=0.25)
    np.testing.assert_allclose(np.diff(ds.time.values), 0.2, rtol=1e-12)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        bp.simulate("hh1952", t_end=2.0, dt=0.1, record_every=0.3)
        bp.simulate("hh1952", t_end=2.0, dt=0.1)
    with pytest.warns(UserWarning, match=r"record_every = 5 ms is longer than the run \(t_end "
                      r"= 2 ms\): only t = 0 is recorded"):
        assert bp.simulate("hh1952", t_end=2.0, dt=0.1, record_every=5.0).time.size == 1
    with pytest.warns(UserWarning, match=r"record_every = 0.05 ms .* 0.1 ms apart \(1 step\)"):
        bp.sweep("hh1952", grid={"I_app": [0.0, 10.0]}, t_end=2.0, dt=0.1, traces=[1],
                 record_every=0.05, metrics=["mean_V"], progress=False)


def test_stimulus_edges_between_fixed_steps_are_warned_about():
    """A fixed step takes the stimulus at its midpoint, so a pulse shorter than dt was lost or
    lengthened without a word (1000 uA/cm^2 for 4 us: V rose 0.003 mV starting at 1.000 ms,
    9.9 mV starting at 1.003 ms, against 3.96 mV with the adaptive method in both cases)."""
    lost = bp.Pulse(1000.0, 1.0, 0.004)
    with pytest.warns(UserWarning, match=r"the stimulus changes at 1.004 ms, between the fixed "
                      r"steps \(dt = 0.01 ms\).*method='adaptive'"):
        ds = bp.simulate("hh1952", t_end=2.0, dt=0.01, stimulus=lost)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ref = bp.simulate("hh1952", t_end=2.0, dt=0.01, stimulus=lost, method="adaptive")
        bp.simulate("hh1952", t_end=2.0, dt=0.01, stimulus=bp.Pulse(20.0, 0.5, 1.0))
    assert float(ds.V.max() - ds.V[0]) < 0.1 < 3.0 < float(ref.V.max() - ref.V[0])
    with pytest.warns(UserWarning, match=r"changes at 1.003, 1.007 ms"):
        bp.sweep("hh1952", grid={"g_K": [36.0]}, t_end=2.0, dt=0.01, metrics=["max_V"],
                 stimulus=bp.Pulse(1000.0, 1.003, 0.004), progress=False)


def test_unknown_names_list_the_valid_ones():
    """An unknown parameter or state is a ValueError like every other bad input to simulate
    (and sweep), printed without KeyError's quotes; it is still a KeyError for look-ups."""
    with pytest.raises(ValueError, match="valid names: C_m, g_Na") as exc:
        bp.simulate("hh1952", t_end=1.0, params={"gNa": 1.0})
    assert isinstance(exc.value, KeyError) and str(exc.value).startswith("model 'hh1952'")
    with pytest.raises(ValueError, match="valid names: V, m, h, n"):
        bp.simulate("hh1952", t_end=1.0, initial={"x": 1.0})
    with pytest.raises(KeyError):
        bp.model("hh1952").parameter("gNa")
    with pytest.raises(ValueError, match=r"^unknown model 'hh' \(did you mean 'hh1952'\?\); "
                                         r"built-in models: .*hh1952"):
        bp.model("hh")


@pytest.mark.parametrize(
    "stim, match",
    [
        (bp.Pulse(1.0, 0.0, 0.0), r"Pulse.duration = 0.0 ms must be finite and > 0"),
        # a duration lost to rounding injected nothing, silently
        (bp.Pulse(10.0, 0.1, 1e-300), r"Pulse.duration = 1e-300 ms is too short to end after "
                                      r"its start at 0.1 ms"),
        (bp.Pulse(float("nan"), 0.0, 1.0), r"Pulse.amplitude"),
        (bp.Pulse(1.0, -1.0, 1.0), r"Pulse.start = -1.0 ms must be finite and >= 0"),
        (bp.VoltageClamp(-70.0, [(-20.0, -1.0)]),
         r"step duration = -1.0 ms must be finite and > 0"),
        (bp.VoltageClamp(-700.0), r"holding = -700.0 mV must be in \[-300, 300\]"),
        (bp.Steps([1.0, 0.5], [1.0, 2.0]), r"strictly increasing"),
        (bp.VoltageClamp(-80.0, [(0.0, 1e-300), (-40.0, 2.0)], start=5.0),
         r"VoltageClamp step \(0 mV, 1e-300 ms\) is too short to end after its start at 5 ms"),
    ],
)
def test_bad_stimulus(stim, match):
    with pytest.raises(ValueError, match=match):
        bp.simulate("hh1952", t_end=5.0, stimulus=stim)


@pytest.mark.parametrize("stim, match", [
    (bp.Steps([0.0, 1.0], [5.0]), r"non-zero length, got shapes \(2,\) and \(1,\)"),
    (bp.Steps([0.0, 1.0], [5.0, float("inf")]),
     r"Steps.values \(model current unit\) must be finite, got times \[0.0, 1.0\], values "
     r"\[5.0, inf\]"),
    (bp.Steps([1.0, 0.5], [1.0, 2.0]), r"strictly increasing, got \[1.0, 0.5\]"),
    (bp.VoltageClamp(-70.0, None),
     r"VoltageClamp.steps must be a sequence of \(level mV, duration ms\) pairs, got None"),
])
def test_bad_stimulus_is_shown(stim, match):
    """The refusals of a Steps table show what was given (they named no value), and a clamp
    whose steps are not a sequence is refused naming VoltageClamp.steps (a bare TypeError)."""
    with pytest.raises(ValueError, match=match):
        stim.waveform()


def test_clamp_steps_from_zip_or_an_array():
    """Steps given as zip(levels, durations) were used up by the check before the run, which
    then held -65 mV throughout; the rows of an (n, 2) array were refused as "not pairs"."""
    expect = ([0.0, 1.0, 6.0, 11.0], [-65.0, -40.0, 0.0, -65.0])
    levels, durations = [-40.0, 0.0], [5.0, 5.0]
    for steps in (zip(levels, durations, strict=True), np.array([[-40.0, 5.0], [0.0, 5.0]])):
        vc = bp.VoltageClamp(-65.0, steps, start=1.0)
        for _ in range(2):
            t, v, clamp = vc.waveform()
            assert (t.tolist(), v.tolist(), clamp) == (*expect, True)
    ds = bp.simulate("hh1952", t_end=12.0, dt=0.01, record=["V"],
                     stimulus=bp.VoltageClamp(-65.0, zip(levels, durations, strict=True),
                                              start=1.0))
    assert ds.V.sel(time=[0.5, 3.0, 8.0, 11.5]).values.ravel().tolist() == [-65.0, -40.0, 0.0,
                                                                             -65.0]


def _rebuilt(ds):
    """``ds`` rebuilt through xarray's ordinary conversion of ``(dims, data, attrs)`` tuples."""
    import xarray as xr

    def entry(v):
        return (v.dims, v.values, dict(v.attrs))

    return xr.Dataset({k: entry(v) for k, v in ds.data_vars.items()},
                      coords={k: entry(v) for k, v in ds.coords.items()}, attrs=dict(ds.attrs))


def test_fast_labelled_dataset_is_identical():
    """The Datasets built without xarray's conversion step (biophys._labelled) are identical to
    ordinarily built ones, indexes included, for simulate and for a sweep with traces."""
    import xarray as xr

    from biophys import _labelled

    ds = bp.simulate("hh1952", t_end=20.0, params={"I_app": 10.0}, record=["V", "m"],
                     record_every=0.5)
    xr.testing.assert_identical(ds, _rebuilt(ds))
    assert float(ds.V.sel(time=10.0)) == float(ds.V.values[20])
    sw = bp.sweep("hh1952", {"I_app": [0.0, 10.0], "temperature": [6.3, 10.0]}, t_end=20.0,
                  traces=[0, 3], record=["V"])
    xr.testing.assert_identical(sw, _rebuilt(sw))
    assert float(sw.max_V.sel(I_app=10.0, temperature=6.3)) == float(sw.max_V[1, 0])
    # arrays xarray must convert (object dtype) take its ordinary path
    obj = np.array([None, "a"], dtype=object)
    assert _labelled.variable("x", obj).identical(xr.Variable("x", obj))
    # dimension coordinates of other dtypes get the index xarray would give them; a dimension
    # coordinate xarray must convert sends all of them through xarray's own indexing
    coords = {"label": ("label", np.array(["a", "bc"]), {"long_name": "label"}),
              "i": ("i", np.arange(3, dtype=np.int32)), "w": (("i",), np.ones(3))}
    data_vars = {"v": (("label", "i"), np.zeros((2, 3)), {"units": "mV"})}
    for extra in ({}, {"when": ("when", np.array(["2026-01-01"], dtype="datetime64[ns]"))},
                  {"obj": ("obj", obj)}):
        built = _labelled.dataset({**coords, **extra}, data_vars, attrs={"model": "x"})
        plain = xr.Dataset(data_vars, coords={**coords, **extra}, attrs={"model": "x"})
        xr.testing.assert_identical(built, plain)
        assert all(built.xindexes[k].equals(plain.xindexes[k]) for k in plain.xindexes)
        assert built.xindexes["label"].index.equals(plain.xindexes["label"].index)


def test_first_dataset_does_not_import_dask():
    """The first labelled result in a new process does not pay for importing dask (nor
    ``dask.array``, and through it scipy.fft and scipy.special): xarray imports dask on its
    first ordinary conversion and when it builds a dimension coordinate's index."""
    import subprocess
    import sys

    code = ("import sys, numpy as np, xarray as xr, biophys as bp\n"
            "ds = bp.simulate('hh1952', 1.0)\n"
            "before = [m in sys.modules for m in ('dask', 'dask.array')]\n"
            "xr.Dataset({'a': ('x', np.zeros(2))}, coords={'x': [0.0, 1.0]})  # the control\n"
            "after = [m in sys.modules for m in ('dask', 'dask.array')]\n"
            "print(ds.sizes['time'], *before, *after)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.split()
    # the control shows that xarray does import both here (dask is a dependency)
    assert out[1:] == ["False", "False", "True", "True"] and int(out[0]) > 1, out


def test_labelled_variable_without_fastpath(monkeypatch):
    """On an xarray whose Variable lacks ``fastpath`` every array takes the ordinary path,
    with the same Variable as a result."""
    import xarray as xr

    from biophys import _labelled

    a = np.arange(4.0)
    fast = _labelled.variable("time", a, {"units": "ms"})
    monkeypatch.setattr(_labelled, "_has_fastpath", lambda: False)
    slow = _labelled.variable("time", a, {"units": "ms"})
    assert slow.identical(fast) and slow.identical(xr.Variable("time", a, {"units": "ms"}))


def test_a_coarse_fixed_step_is_warned_about():
    """hh1952 at 500x its step fires no spike and ends with status ok: the API warns."""
    with pytest.warns(UserWarning, match=r"dt = 5 ms is 500x the step of hh1952"):
        ds = bp.simulate("hh1952", t_end=50.0, dt=5.0, params={"I_app": 10.0})
    assert ds.sizes.get("spike", 0) == 0 and ds.attrs["status"] == "ok"
    with pytest.warns(UserWarning, match="500x"):
        bp.sweep("hh1952", grid={"I_app": [10.0]}, t_end=50.0, dt=5.0, metrics=["mean_V"],
                 progress=False, dry_run=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        bp.simulate("hh1952", t_end=5.0, dt=0.1)  # 10x: no warning
        bp.simulate("hh1952", t_end=50.0, dt=5.0, method="adaptive")  # dt: output grid only


def test_flag_text_is_reachable_where_the_docs_say():
    """README and biophys.metrics name ``bp.flag_text`` (the ``biophys.sweep.flag_text`` they
    named before was unreachable: ``biophys.sweep`` is the function, not the module)."""
    # a 80 ms window, longer than hh1952's burst_gap (50 ms): one no longer than it reads
    # "irregular" (it cannot show a silent phase)
    res = bp.sweep("hh1952", grid={"I_app": [0.0, 10.0]}, t_end=100.0, warmup=20.0,
                   metrics=["regime"], progress=False)
    assert list(bp.flag_text(res["regime"]).values) == ["silent", "continuous"]
    assert list(bp.status_text(res).values) == ["ok", "ok"]
