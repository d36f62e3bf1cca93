"""The ``regime`` sweep metric: each point's activity pattern, computed online.

The code is the index into :data:`biophys.analysis.KINDS` of the kind that
:func:`biophys.analysis.bursts` gives a recorded trace of the same run. The two are separate
implementations (the driver's burst accumulator reduced by :mod:`biophys.metrics` against the
spike train of the trace), compared here on runs whose pattern is known independently:

- the Hodgkin-Huxley axon is silent without current and fires repetitively with 10 uA/cm^2
  (threshold of repetitive firing about 6.3 uA/cm^2 at 6.3 C: Rinzel J 1978 Fed Proc 37:2793);
  one brief pulse gives one spike, a burst of one with no period (irregular);
- Chay & Keizer (1983) bursts at its published parameters (period 11.98 s,
  ``tests/test_sweep.py::test_chay_keizer_bursts_match_the_published_model_numbers``) and is
  held in depolarisation block at 20 mM K_o (``tests/test_depolarisation_block.py``).
"""

from __future__ import annotations

import matplotlib
import numpy as np
import pytest

import biophys as bp
from biophys.analysis import KINDS, burst_metrics
from biophys.sweep import flag_text

matplotlib.use("Agg")

CASES = {  # model: (sweep points, t_end ms, warm-up ms, stimulus, expected kinds)
    "hh1952": ({"I_app": [0.0, 10.0]}, 200.0, 50.0, None, ["silent", "continuous"]),
    "hh1952_pulse": ({"I_app": [0.0]}, 200.0, 50.0,
                     bp.Pulse(amplitude=20.0, start=120.0, duration=1.0), ["irregular"]),
    "chay_keizer_1983": ({"K_o": [None, 20.0]}, 60_000.0, 20_000.0, None,
                         ["bursting", "depolarised"]),
}


def _model(case: str) -> str:
    return case.removesuffix("_pulse")


def _points(case: str) -> dict[str, list[float]]:
    m = bp.model(_model(case))
    return {k: [m.parameter(k).value if v is None else v for v in vals]
            for k, vals in CASES[case][0].items()}


@pytest.fixture(scope="module", params=list(CASES))
def run(request):
    case = request.param
    pts, t_end, warmup, stim, expected = CASES[case]
    pts = _points(case)
    ds = bp.sweep(_model(case), points=pts, t_end=t_end, warmup=warmup, stimulus=stim,
                  metrics=["regime", "spike_count", "plateau_fraction"], progress=False)
    traces = []
    for i in range(ds.sizes["point"]):
        params = {k: v[i] for k, v in pts.items()}
        traces.append(bp.simulate(_model(case), t_end, params=params, stimulus=stim,
                                  record=["V"]))
    return case, ds, traces, warmup, expected


def test_regime_is_the_trace_analysis_kind(run):
    case, ds, traces, warmup, expected = run
    assert (ds["status"] == 0).all()
    online = [KINDS[int(c)] for c in ds["regime"].values]
    offline = [burst_metrics(tr, t_start=warmup).kind for tr in traces]
    assert online == offline == expected, case


def test_regime_attributes_name_the_codes(run):
    _, ds, _, _, expected = run
    attrs = ds["regime"].attrs
    assert list(attrs["flag_values"]) == list(range(len(KINDS)))
    assert attrs["flag_meanings"].split() == [k.replace(" ", "_") for k in KINDS]  # CF words
    assert list(flag_text(ds["regime"]).values) == expected
    assert "0 silent" in attrs["long_name"] and "3 bursting" in attrs["long_name"]


def test_depolarisation_block_needs_plateau_V():
    """hh1952 has no plateau_V: a cell without spikes is silent whatever its potential
    (a constant 3 uA/cm^2 gives a depolarised steady state below the repetitive-firing
    threshold)."""
    assert bp.model("hh1952").plateau_V is None
    ds = bp.sweep("hh1952", points={"I_app": [3.0]}, t_end=300.0, warmup=200.0,
                  metrics=["regime", "mean_V"], progress=False)
    assert float(ds["mean_V"][0]) > -65.0 and KINDS[int(ds["regime"][0])] == "silent"


def test_failed_point_has_no_regime(tmp_path):
    ds = bp.sweep("hh1952", grid={"g_L": [0.0, 1.0e4], "I_app": [-1.0e4, 0.0]}, t_end=5.0,
                  warmup=1.0, params={"g_Na": 0.0, "g_K": 0.0, "C_m": 1e-3},
                  metrics=["regime"], progress=False)
    assert ds["status"].values[0, 0] == 1
    assert np.isnan(ds["regime"].values[0, 0])
    text = flag_text(ds["regime"]).values
    assert text[0, 0] == "n/a" and text[1, 1] == "silent"
    path = tmp_path / "r.nc"
    ds.to_netcdf(path)
    back = bp.open_sweep(path)
    assert back["regime"].attrs["flag_meanings"] == ds["regime"].attrs["flag_meanings"]
    assert flag_text(back["regime"]).values.tolist() == text.tolist()


def test_flag_text_refuses_an_uncoded_variable():
    ds = bp.sweep("hh1952", points={"I_app": [0.0]}, t_end=5.0, metrics=["mean_V"],
                  progress=False)
    with pytest.raises(ValueError, match="mean_V.*not a coded variable"):
        flag_text(ds["mean_V"])


def test_heatmap_draws_one_colour_per_pattern_with_named_ticks():
    ds = bp.sweep("hh1952", grid={"I_app": [0.0, 10.0], "g_K": [30.0, 36.0]}, t_end=200.0,
                  warmup=50.0, metrics=["regime"], progress=False)
    ax = bp.plot.heatmap(ds, "regime")
    cbar = ax.figure.axes[-1]
    labels = [t.get_text() for t in cbar.get_yticklabels()]
    assert labels == list(KINDS)
    mesh = ax.collections[0]
    assert mesh.norm.boundaries.tolist() == [k - 0.5 for k in range(len(KINDS) + 1)]
    colours = {tuple(c) for c in mesh.cmap(mesh.norm(mesh.get_array().ravel()))}
    assert len(colours) == len(np.unique(ds["regime"].values))  # silent vs continuous
    import matplotlib.pyplot as plt

    plt.close(ax.figure)


def test_heatmap_honours_an_explicit_viridis_for_a_coded_metric():
    """cmap="viridis" given is not the default: a coded metric is then drawn in viridis, not
    in the categorical tab10 that it gets when no cmap is given."""
    import matplotlib.pyplot as plt
    from matplotlib import colormaps

    ds = bp.sweep("hh1952", grid={"I_app": [0.0, 10.0], "g_K": [30.0, 36.0]}, t_end=1.0,
                  metrics=["regime"], dry_run=True, progress=False)
    ds["regime"] = ds["regime"].copy(data=np.array([[0.0, 2.0], [3.0, 4.0]]))
    n = len(KINDS)
    drawn = {}
    for key, cmap in ((None, None), ("viridis", "viridis"), ("object", colormaps["Set2"])):
        ax = bp.plot.heatmap(ds, "regime", **({} if cmap is None else {"cmap": cmap}))
        drawn[key] = ax.collections[0].cmap(np.arange(n))
        plt.close(ax.figure)
    np.testing.assert_allclose(drawn[None], colormaps["tab10"](np.arange(n)))
    np.testing.assert_allclose(drawn["viridis"], colormaps["viridis"](np.linspace(0, 1, n)))
    # a Colormap object (not only a name) is taken too; it raised TypeError before
    np.testing.assert_allclose(drawn["object"], colormaps["Set2"](np.arange(n)))


def test_lines_name_the_patterns_on_the_axis():
    ds = bp.sweep("hh1952", grid={"I_app": [0.0, 10.0]}, t_end=200.0, warmup=50.0,
                  metrics=["regime"], progress=False)
    ax = bp.plot.lines(ds, "regime")
    assert [t.get_text() for t in ax.get_yticklabels()] == list(KINDS)
    assert ax.lines[0].get_ydata().tolist() == [0.0, 2.0]  # silent, continuous
    import matplotlib.pyplot as plt

    plt.close(ax.figure)


def test_cli_table_prints_pattern_names():
    from biophys.cli_sweep import _table

    ds = bp.sweep("hh1952", points={"I_app": [0.0, 10.0]}, t_end=200.0, warmup=50.0,
                  metrics=["regime", "spike_rate"], progress=False)
    lines = _table(ds).splitlines()
    assert "silent" in lines[1] and "continuous" in lines[2]
    assert lines[1].rstrip().endswith("ok")
