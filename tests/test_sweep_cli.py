"""``biophys sweep config.toml``: TOML configs, results file and figure, one-line errors; the
example configs; plots with units on the axes."""

import subprocess
import sys
from pathlib import Path

import matplotlib
import numpy as np
import pytest

import biophys as bp
from biophys.cli_sweep import _axis, load_config
from biophys.cli_sweep import main as sweep_main
from biophys.sweep import open_sweep, sweep

matplotlib.use("Agg")

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"

try:
    from biophys.cli import main as cli_main
except ImportError:  # pragma: no cover - the main CLI is written elsewhere
    cli_main = None


def run(argv):
    """Through ``biophys`` (main CLI) when it has the sweep command, else stand-alone."""
    if cli_main is not None:
        return cli_main(["sweep", *argv])
    return sweep_main(argv)


def write(tmp_path, text, name="cfg.toml"):
    p = tmp_path / name
    p.write_text(text)
    return p


HH_SMALL = """
model = "hh1952"
t_end = 40.0
warmup = 10.0
metrics = ["spike_rate", "mean_V"]

[grid]
I_app = {start = 0.0, stop = 20.0, num = 5}
temperature = [6.3, 15.0]

[traces]
points = [3]

[output]
metric = "spike_rate"
"""


def test_sweep_command_writes_results_and_heatmap(tmp_path, capsys):
    cfg = write(tmp_path, HH_SMALL)
    nc, png = tmp_path / "out" / "res.nc", tmp_path / "out" / "map.png"
    assert run([str(cfg), "--out", str(nc), "--plot", str(png), "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert "wrote" in out and "10 points, 0 not ok" in out
    ds = open_sweep(nc)
    assert ds["spike_rate"].dims == ("I_app", "temperature") and ds.sizes["trace"] == 1
    direct = sweep("hh1952", grid={"I_app": np.linspace(0, 20, 5), "temperature": [6.3, 15.0]},
                   t_end=40.0, warmup=10.0, metrics=["spike_rate", "mean_V"], progress=False)
    np.testing.assert_array_equal(ds.spike_rate.values, direct.spike_rate.values)
    assert png.stat().st_size > 10_000


def test_dry_run_checks_without_simulating(tmp_path, capsys, monkeypatch):
    from biophys import _engine

    monkeypatch.setattr(_engine, "run", lambda *a, **k: (_ for _ in ()).throw(AssertionError))
    assert run([str(write(tmp_path, HH_SMALL)), "--dry-run"]) == 0
    assert "10 points over I_app (5), temperature (2)" in capsys.readouterr().out


def test_malformed_toml_is_one_line_with_the_line_number(tmp_path):
    bad = write(tmp_path, 'model = "hh1952"\nt_end = 40.0\nmetrics = ["mean_V",\n[grid]\n')
    r = subprocess.run([sys.executable, "-m", "biophys.cli_sweep", str(bad)],
                       capture_output=True, text=True)
    assert r.returncode != 0
    assert "Traceback" not in r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "malformed TOML" in lines[0] and "line 4" in lines[0]


@pytest.mark.parametrize("text, match", [
    ('model = "hh1952"\nt_end = 40.0\ncolour = 1\n[grid]\nI_app = [1.0]\n',
     "unknown key.*colour.*valid keys"),
    ('model = "hh1952"\nt_end = 40.0\n[grid]\nK_o = [1.0]\n', "unknown grid axis.*I_app"),
    ('model = "hh1952"\nt_end = 40.0\n', "exactly one of \\[grid\\] or \\[points\\]"),
    ('t_end = 40.0\n[grid]\nI_app = [1.0]\n', "missing required key 'model'"),
    ('model = "hh1952"\nt_end = 40.0\n[grid]\ntemperature = [6.3, 99.0]\n', "valid range"),
    ('model = "hh1952"\nt_end = 40.0\nmetrics = ["insulin_rate"]\n[grid]\nI_app = [1.0]\n',
     "insulin_rate"),
    ('model = "hh1952"\nt_end = 40.0\n[grid]\nI_app = {start = 0.0, stop = 1.0}\n',
     "exactly one of num or step"),
    ('model = "hh1952"\nt_end = 40.0\n[grid]\nI_app = [1.0]\n[output]\nfile = "x"\n',
     r"unknown key.*file.*\[output\]"),
    ('model = "hh1952"\nt_end = "long"\n[grid]\nI_app = [1.0]\n', "t_end = 'long' must be"),
    ('model = "hh1952"\nt_end = 4.0\nmetrics = "mean_V"\n[grid]\nI_app = [1.0]\n',
     "metrics must be a list"),
])
def test_configuration_errors_are_one_line(tmp_path, capsys, text, match):
    import re

    assert run([str(write(tmp_path, text)), "--no-progress"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and re.search(match, err), err


def test_axis_specifications():
    np.testing.assert_allclose(_axis("x", {"start": 1.0, "stop": 2.0, "num": 3}), [1, 1.5, 2])
    np.testing.assert_allclose(_axis("x", {"start": 1.0, "stop": 2.0, "step": 0.5}), [1, 1.5, 2])
    np.testing.assert_allclose(_axis("x", {"start": 1.0, "stop": 100.0, "num": 3, "log": True}),
                               [1, 10, 100])
    assert _axis("x", 3.0) == [3.0] and _axis("x", {"values": [1, 2]}) == [1, 2]


def test_hh_example_config(tmp_path, capsys):
    kw = load_config(EXAMPLES / "hh_sweep.toml")
    assert kw["model"] == "hh1952" and len(kw["grid"]["I_app"]) == 21
    text = (EXAMPLES / "hh_sweep.toml").read_text().replace("t_end = 500.0", "t_end = 30.0") \
        .replace("warmup = 100.0", "warmup = 5.0").replace("num = 21", "num = 11")
    cfg = write(tmp_path, text)
    png = tmp_path / "hh.png"
    assert run([str(cfg), "--plot", str(png), "--no-progress"]) == 0
    assert png.stat().st_size > 10_000


@pytest.mark.parametrize("name", ["beta_cell_K_Mg.toml", "zg_K_Mg.toml"])
def test_K_Mg_example_configs_are_valid(name, capsys):
    kw = load_config(EXAMPLES / name)
    assert set(kw["grid"]) == {"K_o", "Mg_o"}
    if kw["model"] not in bp.list_models():
        pytest.skip(f"model {kw['model']} not present yet")
    assert run([str(EXAMPLES / name), "--dry-run"]) == 0
    assert "configuration ok" in capsys.readouterr().out


def test_plots_have_units_on_axes(tmp_path):
    from biophys import plot

    ds = sweep("hh1952", grid={"I_app": [0.0, 10.0, 20.0], "g_K": [30.0, 36.0]}, t_end=30.0,
               warmup=5.0, metrics=["spike_rate", "mean_V"], traces=[1, 5], progress=False)
    ax = plot.heatmap(ds, "mean_V")
    assert ax.get_xlabel() == "I_app (uA/cm^2)" and ax.get_ylabel() == "g_K (mS/cm^2)"
    assert ax.figure.axes[-1].get_ylabel() == "mean_V (mV)"  # colour bar
    plot.save(ax, tmp_path / "h.png")
    ax = plot.lines(ds, "spike_rate", x="I_app")
    assert ax.get_ylabel() == "spike_rate (Hz)" and len(ax.get_lines()) == 2
    ax = plot.traces(ds)
    assert ax.get_xlabel() == "time (ms)" and ax.get_ylabel() == "V (mV)"
    assert len(ax.get_lines()) == 2
    with pytest.raises(ValueError, match="no metric 'x'"):
        plot.heatmap(ds, "x")
    pts = sweep("hh1952", points={"I_app": [0.0, 10.0], "g_K": [30.0, 36.0]}, t_end=10.0,
                metrics=["mean_V"], progress=False)
    ax = plot.heatmap(pts, "mean_V")
    assert ax.get_xlabel() == "I_app (uA/cm^2)"
    import matplotlib.pyplot as plt

    plt.close("all")
