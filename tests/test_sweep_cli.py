"""``biophys sweep config.toml``: TOML configs, results file and figure, one-line errors; the
example configs; plots with units on the axes."""

import json
import re
import subprocess
import sys
import warnings
from pathlib import Path

import matplotlib
import numpy as np
import pytest

import biophys as bp
from biophys._sweep_config import _axis, load_config
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


def test_checkpoint_option_starts_and_resumes(tmp_path, capsys):
    """``--checkpoint DIR`` without a ``chunk_size`` in the config starts a checkpoint; a
    rerun resumes from it and writes the same results."""
    cfg, ck = write(tmp_path, HH_SMALL), tmp_path / "ck"
    a, b = tmp_path / "a.nc", tmp_path / "b.nc"
    assert run([str(cfg), "--checkpoint", str(ck), "--out", str(a), "--no-progress"]) == 0
    assert (ck / "manifest.json").exists()
    assert run([str(cfg), "--checkpoint", str(ck), "--out", str(b), "--no-progress"]) == 0
    np.testing.assert_array_equal(open_sweep(a).spike_rate.values,
                                  open_sweep(b).spike_rate.values)


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
    ('model = "hh1952"\nt_end = 4.0\nmetrics = "mean_V"\n[grid]\nI_app = [1.0]\n',
     "metrics must be a list"),
    ('model = "hh1952"\nt_end = 4.0\nprogress = "yes"\n[grid]\nI_app = [1.0]\n',
     r"progress = 'yes' must be a boolean \(true or false\)"),
    ('model = "hh1952"\nt_end = 4.0\nmethod = 2\n[grid]\nI_app = [1.0]\n',
     "method = 2 must be a string"),
])
def test_configuration_errors_are_one_line(tmp_path, capsys, text, match):
    import re

    assert run([str(write(tmp_path, text)), "--no-progress"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and re.search(match, err), err


@pytest.mark.parametrize("text, match", [
    ('model = "hh1952"\nt_end = 40.0\n[grid]\nI_app = [1.0]\n[params]\ng_Na = -5.0\n',
     r"parameter 'g_Na' = -5.0 mS/cm\^2 is outside"),
    ('model = "hh1952"\nt_end = 40.0\n[grid]\nI_app = [1.0]\n[stop_at_rest]\nrtol = 5.0\n',
     r"stop_at_rest: rtol = 5.0 \(dimensionless\) must be in"),
    ('model = "hh1952"\nt_end = 40.0\n[grid]\nI_app = [1.0]\n[retry]\nmethod = "euler"\n',
     "retry: .*euler"),
    # numbers: sweep's messages give the unit and the valid range (the TOML reader's gave a
    # Python type name)
    ('model = "hh1952"\nt_end = "long"\n[grid]\nI_app = [1.0]\n',
     r"t_end = 'long' must be a real number .*, finite and > 0 ms"),
    ('model = "hh1952"\nt_end = 40.0\ndt = true\n[grid]\nI_app = [1.0]\n',
     r"dt = True must be a real number .*, finite and > 0 ms"),
    ('model = "hh1952"\nt_end = 40.0\nwarmup = 50.0\n[grid]\nI_app = [1.0]\n',
     r"warmup = 50.0 ms must be in \[0, 40\)"),
    ('model = "hh1952"\nt_end = 40.0\nmethod = "adaptive"\nrtol = "1e-6"\n[grid]\n'
     'I_app = [1.0]\n', r"rtol = '1e-6' must be a real number .*\(dimensionless\)"),
    ('model = "hh1952"\nt_end = 40.0\nchunk_size = 2.5\n[grid]\nI_app = [1.0]\n',
     r"chunk_size = 2.5 must be a positive integer \(points\)"),
])
def test_errors_found_by_sweep_name_the_configuration_file(tmp_path, capsys, text, match):
    """Values the TOML reader passes on but sweep refuses: the message names the file too."""
    import re

    path = write(tmp_path, text)
    assert run([str(path), "--no-progress"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and err.startswith(f"biophys sweep: error: {path}: "), err
    assert re.search(match, err), err


def test_axis_specifications():
    np.testing.assert_allclose(_axis("x", {"start": 1.0, "stop": 2.0, "num": 3}), [1, 1.5, 2])
    np.testing.assert_allclose(_axis("x", {"start": 1.0, "stop": 2.0, "step": 0.5}), [1, 1.5, 2])
    np.testing.assert_allclose(_axis("x", {"start": 1.0, "stop": 100.0, "num": 3, "log": True}),
                               [1, 10, 100])
    assert _axis("x", 3.0) == [3.0] and _axis("x", {"values": [1, 2]}) == [1, 2]


@pytest.mark.parametrize("spec, match", [
    ({"start": "0", "stop": 1.0, "num": 2}, r"grid axis 'x': start = '0' must be a real number"),
    ({"start": 0.0, "stop": True, "num": 2}, r"grid axis 'x': stop = True must be a real number"),
    ({"start": 0.0, "stop": 1.0, "step": 0.0}, r"grid axis 'x': step = 0.0 \(its unit\) must "
                                                r"be finite and > 0"),
    ({"stop": 1.0, "num": 2}, r"grid axis 'x' needs 'start'"),
])
def test_axis_range_table_values_are_real_numbers(spec, match):
    """A string or a bool as start/stop of a range table was taken through float() ("0" and
    true gave the points 0 and 1)."""
    with pytest.raises(ValueError, match=match):
        _axis("x", spec)


def test_axis_range_table_messages_give_the_axis_unit(tmp_path):
    cfg = write(tmp_path, 'model = "hh1952"\nt_end = 4.0\n[grid]\n'
                'I_app = {start = 0.0, stop = 1.0, step = -0.5}\n')
    with pytest.raises(ValueError, match=r"grid axis 'I_app': step = -0.5 uA/cm\^2 must be "
                       r"finite and > 0"):
        load_config(cfg)
    cfg = write(tmp_path, 'model = "no_such_model"\nt_end = 4.0\n[grid]\n'
                'I_app = {start = "0", stop = 1.0, num = 2}\n')
    with pytest.raises(ValueError, match=r"start = '0' .* \(its unit\)"):
        load_config(cfg)
    cfg = write(tmp_path, 'model = "zg_cell"\nt_end = 4.0\n[grid]\n'
                'Cl_o = {start = "a", stop = 1.0, num = 2}\n')
    with pytest.raises(ValueError, match=r"start = 'a' .* mM$"):  # a Solution field's unit
        load_config(cfg)
    cfg = write(tmp_path, 'model = "hh1952"\nt_end = 4.0\n[grid]\n'
                'I_app = {start = 1.0, stop = 100.0, num = 3, log = "false"}\n')
    with pytest.raises(ValueError, match=r"log = 'false' must be true or false"):
        load_config(cfg)  # a non-empty string was true: log spacing


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
    assert set(kw["grid"]) == {"K_o", "Mg_o"} and kw["model"] in bp.list_models()
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


def test_tolerances_reach_the_error_controlled_methods(tmp_path, capsys):
    """``rtol``/``atol`` in a config are passed to ``sweep``: the results equal the direct call
    with the same tolerances and differ from the defaults' (a tolerance that was dropped
    would give the default results); with a fixed-step method they are a one-line error."""
    grid = {"I_app": np.linspace(0, 20, 5), "temperature": [6.3, 15.0]}
    kw = dict(t_end=40.0, warmup=10.0, metrics=["spike_rate", "mean_V"], progress=False,
              method="adaptive")
    cfg = write(tmp_path, HH_SMALL.replace('metrics = ["spike_rate", "mean_V"]',
                                           'metrics = ["spike_rate", "mean_V"]\n'
                                           'method = "adaptive"\nrtol = 1e-3\natol = 1e-3'))
    nc = tmp_path / "res.nc"
    assert run([str(cfg), "--out", str(nc), "--no-progress"]) == 0
    loose = sweep("hh1952", grid=grid, rtol=1e-3, atol=1e-3, **kw)
    np.testing.assert_array_equal(open_sweep(nc).mean_V.values, loose.mean_V.values)
    assert not np.array_equal(loose.mean_V.values, sweep("hh1952", grid=grid, **kw).mean_V.values)
    bad = write(tmp_path, HH_SMALL.replace("t_end = 40.0", "t_end = 40.0\nrtol = 1e-3"), "b.toml")
    assert run([str(bad), "--no-progress"]) == 2
    assert "rtol/atol apply only" in capsys.readouterr().err


def test_main_job_measures_after_the_initial_state():
    """The README's main job (``examples/beta_cell_K_Mg.toml``) measures after the model has
    left its initial state: its readouts at one point agree with those of the next 180 s
    (the same run continued from its final state; insulin output within 10%, measured 2.4%;
    plateau fraction within 0.05, measured 0). With the earlier 20 s runs (5 s warm-up)
    insulin output was 6.1 fg/s, seven times the 0.89 fg/s of 300-480 s, because the initial
    granule pools were still emptying; after a 120 s warm-up it was still 20% high."""
    kw = load_config(EXAMPLES / "beta_cell_K_Mg.toml")
    t_end, warmup = kw["t_end"], kw["warmup"]
    common = dict(points={"K_o": [4.0], "Mg_o": [1.0]}, conditions=kw["conditions"],
                  metrics=["insulin_rate", "plateau_fraction", "burst_period"], progress=False)
    first = sweep(kw["model"], t_end=t_end, warmup=warmup, final_state=True, **common)
    later = sweep(kw["model"], t_end=180_000.0, warmup=0.0, initial=first, **common)
    assert bool(later.warm_start[0]) and int(later.status[0]) == 0
    ins, ins_later = float(first.insulin_rate[0]), float(later.insulin_rate[0])
    assert abs(ins / ins_later - 1.0) < 0.10, (ins, ins_later)
    assert abs(float(first.plateau_fraction[0]) - float(later.plateau_fraction[0])) < 0.05
    assert (t_end - warmup) > 3 * float(first.burst_period[0]) * 1000.0  # s -> ms


def test_sweep_without_out_says_so_first_and_prints_the_table(tmp_path, capsys, monkeypatch):
    """Without a results file the command says on stderr, before it simulates, that nothing
    will be saved, and prints the readouts on stdout (it ran and discarded them silently)."""
    sweep_module = sys.modules["biophys.sweep"]
    real, before_run = sweep_module.sweep, []

    def spy(*a, **k):
        if not k.get("dry_run"):
            before_run.append(capsys.readouterr().err)
        return real(*a, **k)

    monkeypatch.setattr(sweep_module, "sweep", spy)
    assert run([str(write(tmp_path, HH_SMALL)), "--no-progress"]) == 0
    assert len(before_run) == 1 and "will not be saved" in before_run[0], before_run
    assert "--out" in before_run[0]
    out = capsys.readouterr().out.splitlines()
    assert out[0].split() == ["I_app", "(uA/cm^2)", "temperature", "(C)", "spike_rate", "(Hz)",
                              "mean_V", "(mV)", "status"]
    assert len(out) == 1 + 10 + 1 and out[-1] == "hh1952: 10 points, 0 not ok"
    last = out[-2].split()  # I_app = 20, temperature = 15: the direct sweep's values
    direct = sweep("hh1952", points={"I_app": [20.0], "temperature": [15.0]}, t_end=40.0,
                   warmup=10.0, metrics=["spike_rate", "mean_V"], progress=False)
    assert float(last[2]) == pytest.approx(float(direct.spike_rate[0]), rel=1e-5)
    assert float(last[3]) == pytest.approx(float(direct.mean_V[0]), rel=1e-5)
    assert last[-1] == "ok"
    # a sweep too large to print: said up front, no table
    from biophys import cli_sweep

    monkeypatch.setattr(cli_sweep, "TABLE_MAX_POINTS", 5)
    assert run([str(write(tmp_path, HH_SMALL)), "--no-progress"]) == 0
    assert len(before_run) == 2 and "not printed" in before_run[1]
    assert capsys.readouterr().out.splitlines() == ["hh1952: 10 points, 0 not ok"]


def test_coarse_dt_in_a_config_is_warned_before_the_run(tmp_path, capsys):
    cfg = write(tmp_path, HH_SMALL.replace("t_end = 40.0", "t_end = 40.0\ndt = 0.5"))
    assert run([str(cfg), "--dry-run"]) == 0
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "warning: dt = 0.5 ms is 50x" in err[0]


def test_cytosol_fields_in_the_solution_table(tmp_path):
    """[solution] may hold cytosol fields; they reach the model through a Cytosol."""
    cfg = write(tmp_path, 'model = "zg_cell"\nt_end = 20.0\nmetrics = ["mean_V"]\n'
                '[grid]\nK_o = [4.0]\n[solution]\nMg_o = 0.5\nMg_i = 0.3\n')
    kw = load_config(cfg)
    assert kw["conditions"].cytosol.Mg_i == 0.3
    assert kw["conditions"].as_params("zg_cell") == {"Mg_o": 0.5, "Mg_i": 0.3}
    bad = write(tmp_path, 'model = "zg_cell"\nt_end = 20.0\n[grid]\nK_o = [4.0]\n'
                '[solution]\nMg_in = 0.3\n')
    with pytest.raises(ValueError, match=r"\[solution\].*Mg_in"):
        load_config(bad)
    # reference as an array, or as one number (a TypeError traceback before): a ValueError
    head = 'model = "zg_cell"\nt_end = 20.0\n[grid]\nK_o = [4.0]\n[solution]\n'
    kw = load_config(write(tmp_path, head + 'substitution = "equimolar_Na"\n'
                           'reference = [5.0, 140.0]\n'))
    assert kw["conditions"].reference == (5.0, 140.0)
    with pytest.raises(ValueError,
                       match=r"reference = 5\.4 must be \(K_ref, Na_ref\), two numbers in mM"):
        load_config(write(tmp_path, head + "reference = 5.4\n"))


def test_table_labels_and_status_as_the_rest_of_the_package(monkeypatch):
    """The printed table uses the plot's labels (no "(1)" for dimensionless readouts) and the
    status names of ``biophys.sweep.STATUS`` (it decoded the netCDF flags, printing
    "non-finite_state")."""
    from biophys import cli_sweep

    ds = sweep("hh1952", grid={"I_app": [0.0, 10.0]}, t_end=20.0,
               metrics=["spike_count", "mean_V"], progress=False)
    ds["status"].values[1] = 1
    lines = cli_sweep._table(ds).splitlines()
    assert lines[0].split() == ["I_app", "(uA/cm^2)", "spike_count", "mean_V", "(mV)", "status"]
    assert lines[1].split()[-1] == "ok"
    assert lines[2].split()[-2:] == ["non-finite", "state"]


@pytest.mark.parametrize("atol", ["true", "[1e-6, true, 1e-6, 1e-6]", '"1e-6"'])
def test_boolean_atol_in_a_config_is_an_error(tmp_path, capsys, atol):
    cfg = write(tmp_path, HH_SMALL.replace("t_end = 40.0", f'method = "adaptive"\natol = {atol}'
                                           "\nt_end = 40.0"))
    assert run([str(cfg), "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert re.search(rf"error: {re.escape(str(cfg))}: atol = .* \(state units\) must be finite "
                     r"and > 0, a scalar or one value per state \(4\)", err), err


def test_retry_table(tmp_path, capsys):
    """[retry] reaches sweep(retry=...); an unknown key in it is named."""
    cfg = write(tmp_path, 'model = "beta_cell"\nt_end = 20000.0\ndt = 10.0\n'
                'metrics = ["mean_V"]\n[points]\nK_o = [5.0, 12.0]\n[retry]\ndt = 0.1\n')
    kw = load_config(cfg)
    assert kw["retry"] == {"dt": 0.1}
    kw.pop("_output")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the coarse-step warning
        res = sweep(**kw, progress=False)
    assert res["retried"].values.tolist() == [False, True]
    assert (res["status"] == 0).all()
    bad = write(tmp_path, 'model = "hh1952"\nt_end = 1.0\n[grid]\nI_app = [0.0]\n'
                '[retry]\nstep = 0.1\n')
    with pytest.raises(ValueError, match=r"unknown key\(s\) step in \[retry\]"):
        load_config(bad)
    for text, message in (("dt = true", "dt = True must be a real number"),
                          ('method = ["rl2"]', r"method = \['rl2'\] is not one of")):
        bad = write(tmp_path, 'model = "hh1952"\nt_end = 1.0\n[grid]\nI_app = [0.0]\n'
                    f'[retry]\n{text}\n')
        assert run([str(bad), "--no-progress"]) == 2  # checked by sweep, named with the file
        err = capsys.readouterr().err
        assert re.search(rf"error: {re.escape(str(bad))}: retry: {message}", err), err


def test_audit_option(tmp_path, capsys):
    """``audit = true`` or an [audit] table reaches sweep(audit=...): the results file holds
    the per-point charge drift and the summary line counts the points beyond the tolerance
    (staggered drifts by tenths of a mV in 0.5 s); bad values are one-line errors."""
    out = tmp_path / "r.nc"
    cfg = write(tmp_path, 'model = "beta_cell"\nt_end = 500.0\nmethod = "staggered"\n'
                'metrics = ["mean_V"]\naudit = true\n[grid]\nK_o = [4.0, 8.0]\n')
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the audit's own warning
        assert run([str(cfg), "--out", str(out), "--no-progress"]) == 0
    assert "beta_cell: 2 points, 0 not ok, 2 beyond the charge audit's tolerance" in \
        capsys.readouterr().out
    ds = open_sweep(out)
    assert ds["charge_drift"].attrs["units"] == "mV"
    assert (abs(ds["charge_drift"]) > 1e-3).all()
    kw = load_config(write(tmp_path, 'model = "beta_cell"\nt_end = 1.0\n[grid]\nK_o = [4.0]\n'
                                     '[audit]\natol = 0.5\n'))
    assert kw["audit"] == {"atol": 0.5}
    for text, message in (
            ('audit = "yes"', r"audit = 'yes' must be true, false or a table"),
            ("[audit]\ntol = 1.0",
             r"unknown key\(s\) tol \(did you mean 'rtol' or 'atol'\?\) in \[audit\]"),
            ("[audit]\natol = -1.0", r"audit atol = -1.0 mV must be")):
        bad = write(tmp_path, f'model = "beta_cell"\nt_end = 1.0\n{text}\n[grid]\nK_o = [4.0]\n')
        assert run([str(bad), "--no-progress"]) == 2
        err = capsys.readouterr().err
        assert len(err.strip().splitlines()) == 1 and re.search(message, err), err


FAILING = """
model = "hh1952"
t_end = 40.0
dt = 0.5
method = "rl2ab"
metrics = ["spike_rate"]

[grid]
I_app = [0.0, 20.0]
"""


def test_strict_exits_3_when_a_point_is_not_ok(tmp_path, capsys):
    """rl2ab at dt = 0.5 ms blows up at 20 uA/cm^2 (status 1) and not at 0. Without --strict
    the command exits 0 as before; with it, 3 (like ``biophys simulate`` after a blow-up),
    and the results file is written either way. A shard run counts only its own points (it
    counted every point the checkpoint held when it started, so its exit status depended on
    the other shards' timing)."""
    cfg = write(tmp_path, FAILING)
    nc = tmp_path / "res.nc"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert run([str(cfg), "--out", str(nc), "--no-progress"]) == 0
        assert "2 points, 1 not ok" in capsys.readouterr().out
        nc.unlink()
        assert run([str(cfg), "--out", str(nc), "--no-progress", "--strict"]) == 3
        captured = capsys.readouterr()
        assert "2 points, 1 not ok" in captured.out
        assert "1 point(s) not ok" in captured.err and "--strict" in captured.err
        assert open_sweep(nc)["status"].values.tolist() == [0, 1]
        ok = write(tmp_path, FAILING.replace("[0.0, 20.0]", "[0.0, 1.0]"), "ok.toml")
        assert run([str(ok), "--no-progress", "--strict"]) == 0
        ck = tmp_path / "ck"
        shard = [str(cfg), "--checkpoint", str(ck), "--chunk-size", "1", "--no-progress",
                 "--strict", "--shard"]
        assert run(shard + ["1/2"]) == 3  # I_app = 20: its own point failed
        assert "1 points (1 not ok)" in capsys.readouterr().out
        # shard 0's own point is ok: exit 0 though the checkpoint holds shard 1's failure
        assert run(shard + ["0/2"]) == 0
        out = capsys.readouterr().out
        assert "1 points (0 not ok)" in out and "holds 2 of 2 points; complete" in out


@pytest.mark.parametrize("options, message", [
    (["--chunk-size", "0"], "error: --chunk-size = 0 must be >= 1"),
    (["--n-workers", "0"], "error: --n-workers = 0 must be >= 1"),
    (["--shard", "2/2", "--checkpoint", "ck"], "error: shard = '2/2': the shard index"),
])
def test_command_line_option_errors_name_the_option_not_the_file(tmp_path, capsys, options,
                                                                 message):
    """These were checked by sweep, and the CLI prefixed every such error with the
    configuration file's name, as if the file held the bad value."""
    cfg = write(tmp_path, HH_SMALL)
    assert run([str(cfg), "--no-progress", *options]) == 2
    err = capsys.readouterr().err
    assert message in err and str(cfg) not in err, err


def test_solution_fields_the_model_lacks_are_one_warning_and_recorded(tmp_path, capsys):
    """A [solution] table is not refused for a field the model has no condition for (a bath
    may serve several models' configurations, as a Solution object does in the API): one
    warning line on stderr, and the results file lists it as unused."""
    out = tmp_path / "r.nc"
    cfg = write(tmp_path, 'model = "hh1952"\nt_end = 2.0\nmetrics = ["mean_V"]\nchunk_size = 1\n'
                '[grid]\nI_app = [0.0, 5.0]\n[solution]\nMg_o = 0.5\n')
    assert run([str(cfg), "--out", str(out), "--no-progress"]) == 0
    err = [line for line in capsys.readouterr().err.splitlines() if "warning" in line]
    assert len(err) == 1, err
    assert err[0].startswith("biophys sweep: warning: Solution field Mg_o = 0.5 mM not applied: "
                             "model 'hh1952' has no such condition"), err
    assert json.loads(open_sweep(out).attrs["solution"])["unused"] == ["Mg_o"]


@pytest.mark.parametrize("options, edit, message", [
    (["--x", "Iapp"], None,
     "error: --x = 'Iapp' is not a swept axis (did you mean 'I_app'?); axes: I_app, "
     "temperature"),
    (["--y", "Temperature"], None,
     "error: --y = 'Temperature' is not a swept axis (did you mean 'temperature'?); axes: "
     "I_app, temperature"),
    ([], 'x = "I_ap"',
     "error: {cfg}: [output] x = 'I_ap' is not a swept axis (did you mean 'I_app'?); axes: "
     "I_app, temperature"),
    (["--x", "temperature", "--y", "temperature"], None,
     "error: --x = 'temperature' and --y = 'temperature': the same axis on the figure's x and "
     "y; give two different axes (I_app, temperature), or leave y out"),
    (["--metric", "mean_v"], None,
     "error: --metric = 'mean_v' is not among the sweep's metrics (did you mean 'mean_V'?); "
     "metrics: spike_rate, mean_V"),
])
@pytest.mark.parametrize("dry", [False, True])
def test_plot_names_are_checked_before_any_point_runs(tmp_path, capsys, monkeypatch, options,
                                                      edit, message, dry):
    """A typo in the figure's axes was found after the whole sweep had run (the results file
    written, no figure), and --dry-run said "configuration ok"."""
    from biophys import _engine

    monkeypatch.setattr(_engine, "run", lambda *a, **k: (_ for _ in ()).throw(AssertionError))
    cfg = write(tmp_path, HH_SMALL + (f"{edit}\n" if edit else ""))
    nc, png = tmp_path / "out" / "r.nc", tmp_path / "fig" / "r.png"
    argv = [str(cfg), "--out", str(nc), "--plot", str(png), "--no-progress", *options]
    assert run(argv + (["--dry-run"] if dry else [])) == 2
    captured = capsys.readouterr()
    assert message.format(cfg=cfg) in captured.err and "configuration ok" not in captured.out
    assert len(captured.err.strip().splitlines()) == 1, captured.err
    assert not nc.parent.exists() and not png.parent.exists()  # nothing written


def test_same_figure_axis_is_refused_without_plot_too(tmp_path, capsys):
    """[output] x with --y naming the same axis: --dry-run said "configuration ok" unless
    --plot was given (the [output] table is the figure's layout either way)."""
    cfg = write(tmp_path, HH_SMALL + 'x = "temperature"\n')
    assert run([str(cfg), "--dry-run", "--y", "temperature"]) == 2
    captured = capsys.readouterr()
    assert (f"{cfg}: [output] x = 'temperature' and --y = 'temperature': the same axis"
            in captured.err and "configuration ok" not in captured.out)


@pytest.mark.parametrize("text, options, message", [
    # one grid axis: --y takes it, nothing is left for x
    ('[grid]\nI_app = [0.0, 5.0]\n', ["--y", "I_app"],
     "--y = 'I_app' leaves no axis for x: it is the sweep's only axis"),
    # a table of points with one column has no heatmap
    ('[points]\nI_app = [0.0, 5.0]\n', [],
     "--plot: a table of points is drawn as a heatmap over two swept names, and this one has "
     "only I_app"),
    ('[points]\nI_app = [0.0, 5.0]\ntemperature = [6.3, 10.0]\n', ["--x", "I_ap"],
     "--x = 'I_ap' is not a swept name of the table of points (did you mean 'I_app'?); swept "
     "names: I_app, temperature"),
])
def test_figures_that_cannot_be_drawn_are_refused_by_the_dry_run(tmp_path, capsys, text,
                                                                 options, message):
    cfg = write(tmp_path, 'model = "hh1952"\nt_end = 5.0\n' + text)
    assert run([str(cfg), "--plot", str(tmp_path / "f.png"), "--dry-run", *options]) == 2
    assert message in capsys.readouterr().err


def test_plot_axes_given_are_drawn(tmp_path, capsys):
    """The axes that pass the check are the figure's (x given, y the other axis)."""
    from biophys.cli_sweep import plot_layout

    ds = sweep("hh1952", grid={"I_app": [0.0, 5.0], "temperature": [6.3, 10.0]}, t_end=5.0,
               dry_run=True)
    assert plot_layout(ds, None, "temperature", None)[1:3] == ("temperature", "I_app")
    assert plot_layout(ds, "mean_V", None, "I_app")[:3] == ("mean_V", "temperature", "I_app")
    metric, x, y, sel = plot_layout(sweep("hh1952", grid={"I_app": [0.0, 5.0], "g_K": [36.0],
                                                          "temperature": [6.3, 10.0]},
                                          t_end=5.0, dry_run=True), "spike_rate", x="g_K")
    assert (x, y, list(sel)) == ("g_K", "I_app", ["temperature"])
    with pytest.raises(ValueError, match=r"^--y = 'i_app' is not a swept axis \(did you mean "
                                         r"'I_app'\?\); axes: I_app, temperature$"):
        plot_layout(ds, y="i_app", draw=False)
    with pytest.raises(ValueError, match="the same axis on the figure's x and y"):
        plot_layout(ds, x="I_app", y="I_app", draw=False)  # the layout is wrong with no figure


def test_unknown_keys_say_the_close_spelling(tmp_path, capsys):
    cfg = write(tmp_path, 'model = "hh1952"\nt_end = 5.0\nmetric = ["mean_V"]\n[grid]\n'
                'I_app = [0.0]\n[output]\nplt = "f.png"\n')
    assert run([str(cfg), "--dry-run"]) == 2
    err = capsys.readouterr().err
    assert "unknown key(s) metric (did you mean 'metrics'?) in " in err, err
    cfg = write(tmp_path, 'model = "hh1952"\nt_end = 5.0\n[grid]\nI_app = [0.0]\n[output]\n'
                'plt = "f.png"\n')
    with pytest.raises(ValueError, match=r"unknown key\(s\) plt \(did you mean 'plot'\?\) in "
                                         r"\[output\]"):
        load_config(cfg)
    cfg = write(tmp_path, 'model = "hh1952"\nt_end = 5.0\n[grid]\nI_app = [0.0]\n[output]\n'
                'x = 1\n')
    with pytest.raises(ValueError, match=r": \[output\] x = 1 must be a string"):
        load_config(cfg)


def test_grid_name_and_value_errors(tmp_path, capsys):
    """A mistyped grid name says the name meant; a NaN on an axis reads as nan (it printed
    np.float64(nan))."""
    with pytest.raises(ValueError, match=r"unknown grid axis name 'Mg' \(did you mean 'Mg_o' or "
                                         r"'Mg_i'\?\) for model 'beta_cell'; valid names "
                                         r"\(conditions first\): Na_o, K_o"):
        sweep("beta_cell", grid={"Mg": [1.0]}, t_end=10.0, dry_run=True)
    with pytest.raises(ValueError, match=r"unknown points column name 'i_app' \(did you mean "
                                         r"'I_app'\?\) for model 'hh1952'"):
        sweep("hh1952", points={"i_app": [1.0]}, t_end=10.0, dry_run=True)
    with pytest.raises(ValueError, match=r"grid axis 'I_app' has non-finite values \(nan at "
                                         r"index 1\); all values must be finite"):
        sweep("hh1952", grid={"I_app": [0.0, np.nan]}, t_end=10.0, dry_run=True)
    cfg = write(tmp_path, 'model = "hh1952"\nt_end = 5.0\n[grid]\nI_app = [0.0, inf]\n')
    assert run([str(cfg), "--dry-run"]) == 2
    err = capsys.readouterr().err
    assert "grid axis 'I_app' has non-finite values (inf at index 1)" in err, err


@pytest.mark.parametrize("spec, match", [
    # log was ignored with step (a linear grid 1, 6, 11, 16)
    ({"start": 1.0, "stop": 20.0, "step": 5.0, "log": True},
     r"grid axis 'x': log = true goes with num, not with step"),
    # num and start were dropped silently: values won
    ({"values": [1.0, 2.0], "num": 5, "start": 0.0},
     r"grid axis 'x': values \(the list of the axis's values\) goes alone, without num, start; "
     r"a range is \{start, stop, num \[, log\]\} or \{start, stop, step\}"),
    ({"values": 3.0}, r"grid axis 'x': values = 3.0 must be a list of numbers in \(its unit\)"),
    ({"start": 1.0, "stop": 2.0, "nums": 3},
     r"unknown key\(s\) nums \(did you mean 'num'\?\) in grid axis 'x'"),
])
def test_axis_range_table_keys_that_do_not_go_together(spec, match):
    with pytest.raises(ValueError, match=match):
        _axis("x", spec)


def test_axis_range_table_key_errors_name_the_file(tmp_path, capsys):
    """In a configuration the contradiction is one line naming the file; log = false with a
    step is not a contradiction, and log = true with num is a geomspace."""
    cfg = write(tmp_path, 'model = "hh1952"\nt_end = 4.0\n[grid]\n'
                'I_app = {start = 1, stop = 20, step = 5, log = true}\n')
    assert run([str(cfg), "--dry-run"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"biophys sweep: error: {cfg}: grid axis 'I_app': log = true goes "
                          "with num") and len(err.splitlines()) == 1, err
    cfg = write(tmp_path, 'model = "hh1952"\nt_end = 4.0\n[grid]\n'
                'I_app = {start = 1, stop = 16, step = 5, log = false}\n'
                'g_L = {start = 0.1, stop = 10.0, num = 3, log = true}\n')
    grid = load_config(cfg)["grid"]
    np.testing.assert_allclose(grid["I_app"], [1, 6, 11, 16])
    np.testing.assert_allclose(grid["g_L"], [0.1, 1.0, 10.0])


def test_traces_record_without_points_is_an_error(tmp_path, capsys):
    """[traces] record (or record_every) without points recorded nothing, silently."""
    cfg = write(tmp_path, 'model = "hh1952"\nt_end = 4.0\n[grid]\nI_app = [0.0]\n[traces]\n'
                'record = ["V", "m"]\nrecord_every = 1.0\n')
    assert run([str(cfg), "--dry-run"]) == 2
    err = capsys.readouterr().err
    assert (f"biophys sweep: error: {cfg}: [traces] record and record_every without points: "
            "they only apply to the traces of the points listed in [traces] points") in err, err


def _interrupt_after(monkeypatch, n_chunks: int) -> None:
    """Make the CLI's sweep raise KeyboardInterrupt (as Ctrl-C does) once ``n_chunks`` chunks
    are stored (0: before anything runs); its dry runs are left alone."""
    sweep_module = sys.modules["biophys.sweep"]
    real = sweep_module.sweep

    def interrupted(*a, **k):
        if k.get("dry_run"):
            return real(*a, **k)
        if n_chunks == 0:
            raise KeyboardInterrupt

        def ctrl_c(chunk, n_done, n_total):
            if n_done == n_chunks:
                raise KeyboardInterrupt

        return real(*a, **k, callback=ctrl_c)

    monkeypatch.setattr(sweep_module, "sweep", interrupted)


def _run_interrupted(argv) -> int:
    """``run(argv)``; a KeyboardInterrupt escaping the command fails the test (rather than
    stopping the test session)."""
    try:
        return run(argv)
    except KeyboardInterrupt:
        pytest.fail("KeyboardInterrupt escaped the sweep command (a traceback)")


def test_ctrl_c_says_what_the_checkpoint_keeps_and_exits_130(tmp_path, capsys, monkeypatch):
    """Ctrl-C was a 26-line KeyboardInterrupt traceback; now one line says how many chunks the
    checkpoint keeps, and the same command then resumes from them."""
    cfg, ck, nc = write(tmp_path, HH_SMALL), tmp_path / "ck", tmp_path / "r.nc"
    argv = [str(cfg), "--checkpoint", str(ck), "--chunk-size", "2", "--out", str(nc),
            "--no-progress"]
    with monkeypatch.context() as mp:
        _interrupt_after(mp, 2)
        assert _run_interrupted(argv) == 130
    captured = capsys.readouterr()
    assert captured.err.splitlines() == [
        f"biophys sweep: interrupted; 2 of 5 chunks are saved in {ck}: run the same command "
        "again to resume"], captured.err
    assert "wrote" not in captured.out and not nc.exists()
    assert sorted(p.name for p in ck.glob("chunk_*.npz")) == ["chunk_000000.npz",
                                                              "chunk_000001.npz"]
    assert run(argv) == 0  # resumes
    whole = tmp_path / "whole.nc"
    assert run([str(cfg), "--out", str(whole), "--no-progress"]) == 0
    np.testing.assert_array_equal(open_sweep(nc).spike_rate.values,
                                  open_sweep(whole).spike_rate.values)


def test_ctrl_c_while_checking_the_configuration_is_one_line(tmp_path, capsys, monkeypatch):
    """Ctrl-C during the check run (which compiles the kernel, the long wait before a sweep
    starts) was a KeyboardInterrupt traceback; ``biophys simulate`` likewise."""
    sweep_module = sys.modules["biophys.sweep"]

    def ctrl_c(*a, **k):
        raise KeyboardInterrupt

    monkeypatch.setattr(sweep_module, "sweep", ctrl_c)
    assert _run_interrupted([str(write(tmp_path, HH_SMALL)), "--checkpoint",
                             str(tmp_path / "ck"), "--no-progress"]) == 130
    err = capsys.readouterr().err
    assert err.splitlines() == ["biophys sweep: interrupted before the run started (while "
                                "checking the configuration); nothing was simulated or saved"]
    assert not (tmp_path / "ck").exists()
    if cli_main is not None:
        import biophys

        monkeypatch.setattr(biophys, "simulate", ctrl_c)
        try:
            status = cli_main(["simulate", "hh1952", "--t-end", "1"])
        except KeyboardInterrupt:
            pytest.fail("KeyboardInterrupt escaped biophys simulate (a traceback)")
        assert status == 130
        assert capsys.readouterr().err.splitlines() == ["biophys simulate: interrupted"]


@pytest.mark.parametrize("options, said", [
    ([], "nothing was saved (no checkpoint; with --checkpoint DIR the finished chunks are "
         "kept and a rerun resumes from them)"),
    (["--checkpoint", "{ck}"], "nothing was saved: the checkpoint {ck} was not started yet"),
])
def test_ctrl_c_without_saved_chunks_says_nothing_was_saved(tmp_path, capsys, monkeypatch,
                                                           options, said):
    ck = tmp_path / "ck"
    _interrupt_after(monkeypatch, 0)
    options = [o.format(ck=ck) for o in options]
    assert _run_interrupted([str(write(tmp_path, HH_SMALL)), "--out", str(tmp_path / "r.nc"),
                             "--no-progress", *options]) == 130
    err = capsys.readouterr().err
    assert err.splitlines() == [f"biophys sweep: interrupted; {said.format(ck=ck)}"], err


@pytest.mark.parametrize("option", ["--out", "--plot"])
def test_an_output_that_is_a_folder_is_refused_before_the_run(tmp_path, capsys, monkeypatch,
                                                               option):
    """``--plot figs`` (a folder) wrote ``figs.png`` beside it, and ``--out figs`` failed after
    the run; both are now one-line errors before anything is simulated."""
    calls = []
    monkeypatch.setattr(sys.modules["biophys.sweep"], "sweep",  # the module, not the function
                        lambda *a, **k: calls.append(k) or pytest.fail("sweep ran"))
    (tmp_path / "figs").mkdir()
    assert run([str(EXAMPLES / "hh_sweep.toml"), option, str(tmp_path / "figs")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"{option} '{tmp_path / 'figs'}' is a folder" in err
    assert calls == []
