"""Review fixes: the reference's time axis and default sampling, output files checked before
the run (``simulate`` and ``hysteresis``), a Fraction ``record_every`` in the record-grid
warning, and the command-line help texts."""

from __future__ import annotations

import os
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

import biophys as bp
from biophys import reference
from biophys.cli import build_parser
from biophys.cli import main as cli_main

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "hh_hysteresis.toml"


@pytest.mark.parametrize(("t_end", "every"), [(0.3, 0.1), (0.7, 0.1), (2.1, 0.7), (0.9, 0.3)])
def test_reference_time_axis_is_simulates_and_ends_at_t_end(t_end, every):
    """3 * 0.1 is 0.30000000000000004, one ulp past t_end: the last sample was NaN, and the
    axis was not simulate's (which ends at t_end exactly), so ds - ref did not align."""
    ref = reference.solve("hh1952", t_end, record=["V", "n"], record_every=every)
    ds = bp.simulate("hh1952", t_end, record=["V", "n"], record_every=every)
    np.testing.assert_array_equal(ref.time.values, ds.time.values)
    assert ref.time.values[-1] == t_end
    assert np.isfinite(ref.V.values).all() and np.isfinite(ref.n.values).all()
    # the samples are the same points in time: the traces agree closely at every one
    np.testing.assert_allclose(ref.V.values, ds.V.values, atol=1e-3)
    assert (ref.V - ds.V).sizes["time"] == ds.sizes["time"]  # aligned by coordinate value


def test_reference_sampling_off_the_step_grid_is_as_asked():
    """A record_every that is no whole number of the model's steps is not rounded (the
    reference has no step): samples every 0.015 ms up to 0.99 ms, none past t_end."""
    ref = reference.solve("hh1952", 1.0, record_every=0.015)
    assert ref.sizes["time"] == 67
    np.testing.assert_allclose(np.diff(ref.time.values), 0.015, rtol=1e-12)
    assert ref.time.values[-1] <= 1.0 and np.isfinite(ref.V.values).all()


def test_reference_default_sampling_fits_a_short_run():
    """reference.solve('hh1952', 0.05) failed with "record_every = 0.1 ms must be in (0, 0.05]",
    an argument the caller never gave (its default); a value given is still checked."""
    ref = reference.solve("hh1952", 0.05)
    np.testing.assert_array_equal(ref.time.values, [0.0, 0.05])
    assert np.isfinite(ref.V.values).all()
    assert reference.solve("hh1952", 1.0).sizes["time"] == 11  # the default: every 0.1 ms
    with pytest.raises(ValueError, match=r"record_every = 0.1 ms must be in \(0, 0.05\]"):
        reference.solve("hh1952", 0.05, record_every=0.1)


def test_a_fraction_record_every_is_warned_about_not_a_type_error():
    """warn_record_grid formatted record_every with :g, a TypeError for a Fraction (a real
    number the input checks accept)."""
    with pytest.warns(UserWarning, match=r"record_every = 0.015 ms is not a whole number of "
                                         r"steps \(dt = 0.01 ms\): the samples are 0.02 ms"):
        ds = bp.simulate("hh1952", 1.0, record_every=Fraction(3, 200))
    assert ds.sizes["time"] == 51


def _no_run(monkeypatch):
    import biophys.continuation as continuation

    monkeypatch.setattr(bp, "simulate", lambda *a, **k: pytest.fail("a run started"))
    monkeypatch.setattr(continuation, "sweep", lambda *a, **k: pytest.fail("a run started"))


def _one_error(capsys, command: str) -> str:
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(f"biophys {command}: error: "), err
    return err


@pytest.mark.parametrize("option", ["--out", "--plot"])
@pytest.mark.parametrize("command", ["simulate", "hysteresis"])
def test_an_output_folder_that_cannot_be_made_is_an_error_before_the_run(
        tmp_path, capsys, monkeypatch, command, option):
    """``simulate`` made the folders after the run (which was then lost), and both commands
    said only "[Errno 17] File exists: ..." (naming neither the option nor the problem)."""
    _no_run(monkeypatch)
    (tmp_path / "afile").write_text("")
    target = tmp_path / "afile" / "sub" / ("r.nc" if option == "--out" else "r.png")
    argv = (["simulate", "hh1952", "--t-end", "5"] if command == "simulate" else
            ["hysteresis", str(EXAMPLE), "--no-progress"])
    assert cli_main([*argv, option, str(target)]) == 2
    err = _one_error(capsys, command)
    assert (f"{option} '{target}': cannot create its folder '{target.parent}': "
            f"'{tmp_path / 'afile'}' is a file, not a folder") in err


def test_an_output_folder_without_write_permission_is_an_error_before_the_run(
        tmp_path, capsys, monkeypatch):
    _no_run(monkeypatch)
    monkeypatch.setattr(os, "access", lambda *a, **k: False)  # (the tests may run as root)
    target = tmp_path / "new" / "r.nc"
    assert cli_main(["simulate", "hh1952", "--t-end", "5", "--out", str(target)]) == 2
    err = _one_error(capsys, "simulate")
    assert f"--out '{target}': cannot create its folder" in err
    assert f"permission denied in '{tmp_path}'" in err
    assert not target.parent.exists()  # nothing created


@pytest.mark.parametrize("command", ["simulate", "hysteresis"])
def test_a_figure_format_matplotlib_cannot_write_is_an_error_before_the_run(
        tmp_path, capsys, monkeypatch, command):
    """``--plot fig.xyz`` failed after the run, and after --out had been written."""
    _no_run(monkeypatch)
    out, fig = tmp_path / "r.nc", tmp_path / "fig.xyz"
    argv = (["simulate", "hh1952", "--t-end", "5"] if command == "simulate" else
            ["hysteresis", str(EXAMPLE), "--no-progress"])
    assert cli_main([*argv, "--out", str(out), "--plot", str(fig)]) == 2
    err = _one_error(capsys, command)
    assert f"--plot '{fig}': '.xyz' is not a figure format matplotlib writes" in err
    assert ".pdf" in err and ".png" in err and ".svg" in err
    assert not out.exists()


def test_a_figure_format_is_its_extension_in_any_case(tmp_path, capsys):
    """(matplotlib takes ``.PDF`` as pdf: the check before the run must too; the new folder is
    made, after the run)"""
    pdf = tmp_path / "f" / "fig.PDF"
    assert cli_main(["simulate", "hh1952", "--t-end", "2", "--plot", str(pdf)]) == 0
    assert pdf.read_bytes().startswith(b"%PDF")


def test_t_end_shorter_than_the_default_step_says_the_step_is_the_default(capsys):
    """"dt = 0.01 ms must not exceed t_end = 0.005 ms" named a dt the user had not given."""
    assert cli_main(["simulate", "hh1952", "--t-end", "0.005"]) == 2
    err = _one_error(capsys, "simulate")
    assert ("--t-end 0.005 ms is shorter than the step of hh1952 (dt = 0.01 ms, the default "
            "of --dt): give a --dt of at most 0.005 ms") in err
    assert cli_main(["simulate", "hh1952", "--t-end", "0.005", "--dt", "0.005"]) == 0


def _help(parser, *path: str) -> dict[str, str]:
    """``{option: help text}`` of the subcommand ``path`` of ``parser``."""
    for name in path:
        sub = next(a for a in parser._actions if a.dest == "command")
        parser = sub.choices[name]
    return {s: a.help for a in parser._actions for s in a.option_strings}


def test_help_texts_say_what_the_options_do():
    parser = build_parser()
    sim = _help(parser, "simulate")
    assert "output grid" in sim["--dt"] and "adaptive or rosenbrock" in sim["--dt"]
    assert "every step" in sim["--record-every"] and "rounded" in sim["--record-every"]
    assert "repeatable" in sim["--set"] and "repeatable" in sim["--init"]
    hyst = _help(parser, "hysteresis")
    assert "matplotlib" in hyst["--plot"] and not hyst["--plot"].startswith("PNG figure")
    # the exit status 3 of simulate also covers a step failure (see test_cli.py)
    assert "step failure" in parser.epilog and "non-finite state" in parser.epilog



def test_sweep_output_errors_name_where_the_file_was_given(tmp_path, monkeypatch, capsys):
    """biophys sweep named neither --out nor the configuration's [output] table when the
    results file's folder could not be made ("output file ...")."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "blocker").write_text("a file, not a folder")
    cfg = tmp_path / "s.toml"
    cfg.write_text('model = "hh1952"\nt_end = 5.0\nmetrics = ["mean_V"]\n'
                   '[grid]\nI_app = [0.0, 1.0]\n[output]\nout = "blocker/r.nc"\n'
                   'plot = "fig.xyz"\n')
    assert cli_main(["sweep", str(cfg), "--plot", "fig.png"]) == 2
    assert f"{cfg}: [output] out 'blocker/r.nc': cannot create its folder" in \
        capsys.readouterr().err
    assert cli_main(["sweep", str(cfg), "--out", "r.nc"]) == 2
    assert f"{cfg}: [output] plot 'fig.xyz': '.xyz' is not a figure format" in \
        capsys.readouterr().err
