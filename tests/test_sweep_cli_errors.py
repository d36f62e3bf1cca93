"""``biophys sweep config.toml``: configuration and command-line errors are one line that names
the file, key or option, found before any point runs."""

import re
import subprocess
import sys

import matplotlib
import numpy as np
import pytest
from sweep_cli_data import EXAMPLES, HH_SMALL, run, write

from biophys._sweep_config import _axis, load_config
from biophys.sweep import sweep

matplotlib.use("Agg")


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


def test_axis_range_edges():
    """A step range ended one ulp off stop (0.1 + 2 x 0.1 = 0.30000000000000004), a value no
    other input names; num = 1 silently dropped a stop other than start."""
    assert _axis("x", {"start": 0.1, "stop": 0.3, "step": 0.1})[-1] == 0.3
    assert _axis("x", {"start": 0.1, "stop": 0.35, "step": 0.1})[-1] == pytest.approx(0.3)
    assert _axis("x", {"start": 2.0, "stop": 2.0, "num": 1}) == [2.0]
    with pytest.raises(ValueError, match=r"^grid axis 'x': num = 1 gives one value, but "
                                         r"start = 1 and stop = 2 .*differ"):
        _axis("x", {"start": 1.0, "stop": 2.0, "num": 1})
    with pytest.raises(ValueError, match=r"is empty \(start > stop; a descending range: "):
        _axis("x", {"start": 2.0, "stop": 1.0, "step": 0.5})


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


@pytest.mark.parametrize("atol", ["true", "[1e-6, true, 1e-6, 1e-6]", '"1e-6"'])
def test_boolean_atol_in_a_config_is_an_error(tmp_path, capsys, atol):
    cfg = write(tmp_path, HH_SMALL.replace("t_end = 40.0", f'method = "adaptive"\natol = {atol}'
                                           "\nt_end = 40.0"))
    assert run([str(cfg), "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert re.search(rf"error: {re.escape(str(cfg))}: atol = .* \(state units\) must be finite "
                     r"and > 0, a scalar or one value per state \(4\)", err), err


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
