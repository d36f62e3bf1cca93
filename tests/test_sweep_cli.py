"""``biophys sweep config.toml``: TOML configs, results file and figure; the example configs;
plots with units on the axes (configuration errors: ``test_sweep_cli_errors.py``)."""

import json
import re
import sys
import warnings

import matplotlib
import numpy as np
import pytest
from sweep_cli_data import EXAMPLES, HH_SMALL, cli_main, run, write

import biophys as bp
from biophys._sweep_config import load_config
from biophys.sweep import open_sweep, sweep

matplotlib.use("Agg")


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
    assert "description" not in ds.attrs  # HH_SMALL has none


def test_the_description_is_kept_in_the_results(tmp_path, capsys):
    """The top-level ``description`` of a configuration was checked and then dropped."""
    cfg = write(tmp_path, 'description = "HH rate vs I_app and T"\n' + HH_SMALL)
    nc = tmp_path / "res.nc"
    assert run([str(cfg), "--out", str(nc), "--no-progress"]) == 0
    assert open_sweep(nc).attrs["description"] == "HH rate vs I_app and T"


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
    left its initial state: from its [settle] run (biophys.settled_state), its readouts at one
    point agree with those of the next 180 s (the same run continued from its final state;
    insulin output within 2%; plateau fraction within 0.05). Without the settling run the
    reserve pool still runs down (0.89 fg/s over 300-480 s, 0.86 over 480-660 s; 22% above
    the 3 h value at 5.4 mM K_o); with the earlier 20 s runs (5 s warm-up) insulin output was
    6.1 fg/s, because the initial granule pools were still emptying."""
    kw = load_config(EXAMPLES / "beta_cell_K_Mg.toml")
    t_end, warmup = kw["t_end"], kw["warmup"]
    common = dict(points={"K_o": [4.0], "Mg_o": [1.0]}, conditions=kw["conditions"],
                  metrics=["insulin_rate", "plateau_fraction", "burst_period"], progress=False)
    settled = bp.settled_state(kw["model"], **{k: common[k] for k in ("points", "conditions")},
                               **kw["_settle"])
    first = sweep(kw["model"], t_end=t_end, warmup=warmup, final_state=True, initial=settled,
                  **common)
    later = sweep(kw["model"], t_end=180_000.0, warmup=0.0, initial=first, **common)
    assert bool(later.warm_start[0]) and int(later.status[0]) == 0
    ins, ins_later = float(first.insulin_rate[0]), float(later.insulin_rate[0])
    assert abs(ins / ins_later - 1.0) < 0.02, (ins, ins_later)
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
                       match=r"reference = 5\.4 must be \(K_ref, Na_ref\) or "
                             r"\(K_ref, Na_ref, Ca_ref, Mg_ref\), numbers in mM"):
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
    monkeypatch.setattr(bp, "simulate", ctrl_c)
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
