"""The command line: list, info, simulate, compile; errors are one line and a non-zero exit."""

import json
import re
import subprocess
import sys

import numpy as np
import pytest
import xarray as xr

import biophys as bp
from biophys._engine import METHODS
from biophys.cli import main


def test_list_and_info(capsys):
    assert main(["list"]) == 0
    assert "hh1952" in capsys.readouterr().out
    assert main(["info", "hh1952"]) == 0
    out = capsys.readouterr().out
    assert "E_L" in out and "-54.387" in out and "source:" in out


def test_simulate_writes_results_and_figure(tmp_path, capsys):
    nc, png = tmp_path / "new" / "t.nc", tmp_path / "figs" / "t.png"  # folders created
    rc = main(["simulate", "hh1952", "--t-end", "50", "--set", "I_app=10", "--record", "V,n",
               "--out", str(nc), "--plot", str(png)])
    assert rc == 0
    ds = xr.open_dataset(nc)
    assert ds.V.attrs["units"] == "mV" and ds.sizes["spike"] >= 3
    assert png.stat().st_size > 10_000


def test_compile_prepares_models(capsys):
    assert main(["compile", "hh1952", "--processes", "1", "--method", "rl2ab"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith("hh1952") and "1 model ready" in out


def test_compile_method_is_one_of_the_engine_methods(capsys):
    """``compile --method`` takes the engine's methods as argparse choices: a typo is refused
    while the arguments are parsed, naming --method and listing the choices (it was any string,
    refused later by precompile), and --help lists them."""
    with pytest.raises(SystemExit) as exit_:
        main(["compile", "hh1952", "--method", "rl2", "--method", "rl22"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("biophys compile: error: argument --method: "
                                               "invalid choice: 'rl22'"), err
    assert all(f"'{m}'" in err[0] for m in METHODS), err
    with pytest.raises(SystemExit) as exit_:
        main(["compile", "--help"])
    assert exit_.value.code == 0
    assert "--method {" + ",".join(METHODS) + "}" in capsys.readouterr().out


def _main_status_and_stderr(capsys, argv) -> tuple[int, str]:
    """``main(argv)`` in this process: its exit status (an argparse error's SystemExit code
    included) and what it wrote to stderr."""
    capsys.readouterr()
    try:
        code = main(argv)
    except SystemExit as exit_:
        code = exit_.code
    return code, capsys.readouterr().err


#: Bad command lines, each an exit status 2 and one line on stderr.
BAD_COMMANDS = (["simulate", "hh1952", "--t-end", "-1"],
                ["simulate", "hh1952", "--t-end", "10", "--set", "g_X=3"],
                ["simulate", "hh1952", "--t-end", "10", "--set", "g_K"],
                ["info", "no_such_model"],
                ["compile", "no_such_model"],
                ["compile", "hh1952", "--processes", "0"],
                ["compile", "hh1952", "--method", "euler"])


def test_errors_are_one_line_without_traceback(capsys):
    """Each bad command line: exit status 2, one line on stderr, no traceback. Two of them
    (an error of a command, and one of the argument parser) through a real ``python -m
    biophys.cli``; the others (a new interpreter costs 0.5-1 s) through main() in this process,
    which is what that runs (an exception escaping it fails the test)."""
    for args in (BAD_COMMANDS[0], BAD_COMMANDS[-1]):
        r = subprocess.run([sys.executable, "-m", "biophys.cli", *args], capture_output=True,
                           text=True)
        assert r.returncode == 2
        assert "Traceback" not in r.stderr
        assert len(r.stderr.strip().splitlines()) == 1, r.stderr
    for args in BAD_COMMANDS:
        code, err = _main_status_and_stderr(capsys, args)
        assert code == 2, (args, err)
        assert "Traceback" not in err
        assert len(err.strip().splitlines()) == 1, err


def test_trace_plot_of_a_resting_cell_is_flat_and_absolute():
    """A resting trace (V changing by microvolts) is drawn flat on absolute tick labels, not
    stretched over the panel with an offset axis that reads like a large excursion."""
    import matplotlib

    matplotlib.use("Agg")
    from biophys.plot import plot_traces

    ds = bp.simulate("zg_cell", t_end=200.0, record=["V"])
    v = ds.V.values
    assert 0 < v.max() - v.min() < 1e-3  # mV: at rest
    fig = plot_traces(ds)
    ax = fig.axes[0]
    fig.canvas.draw()
    lo, hi = ax.get_ylim()
    assert hi - lo > 1.0  # mV: the panel spans more than the trace's microvolt drift
    assert ax.yaxis.get_offset_text().get_text() == ""


def test_run_too_large_to_record_is_a_one_line_error(capsys):
    """A run whose recording buffer would not fit in memory is refused before allocation with a
    one-line error that says what to change (it ended in a MemoryError traceback)."""
    assert main(["simulate", "hh1952", "--t-end", "1e9", "--dt", "1e-9"]) == 2
    err = capsys.readouterr().err
    assert "GiB" in err and "record_every" in err and "Traceback" not in err


def test_blow_up_exits_3_says_so_and_still_writes(tmp_path, capsys):
    """A run that ends in a non-finite state (beta_cell at 1000x its step blows up at 500 ms)
    writes its outputs, says so on stderr and exits 3 (it exited 0 with status only in the
    stdout summary)."""
    nc = tmp_path / "blow.nc"
    rc = main(["simulate", "beta_cell", "--t-end", "1000", "--dt", "100", "--out", str(nc)])
    assert rc == 3
    cap = capsys.readouterr()
    assert "status non-finite state" in cap.out and nc.exists()
    assert "error" in cap.err and "non-finite" in cap.err and "t = 500 ms" in cap.err
    assert "(numerical blow-up)" in cap.err
    assert cap.err.count("the run ended with status") == 1  # simulate's own warning is not shown
    assert xr.open_dataset(nc).attrs["status"] == "non-finite state"


def test_a_step_failure_exits_3_and_is_not_called_a_blow_up(capsys):
    """An error-controlled run stopped by step size underflow (a -1e9 uA/cm^2 pulse) ends with
    a finite state: status 3, named as what it is."""
    rc = main(["simulate", "hh1952", "--t-end", "3", "--dt", "0.01", "--method", "adaptive",
               "--pulse", "-1000000000", "1", "1"])
    assert rc == 3
    err = capsys.readouterr().err
    assert "status 'step failure: step size underflow'" in err
    assert "could not go on" in err and "blow-up" not in err


def test_V_out_of_range_exits_3_and_is_not_called_a_blow_up(tmp_path, capsys):
    """zg_cell under -30 uA/cm^2 ends near -380 mV, outside its [-300, 300] mV range of V:
    the run finished, but the model left its domain; the outputs are written."""
    nc = tmp_path / "v.nc"
    rc = main(["simulate", "zg_cell", "--t-end", "3000", "--set", "I_app=-30", "--out", str(nc)])
    assert rc == 3
    cap = capsys.readouterr()
    assert "status V out of range" in cap.out and nc.exists()
    assert re.search(r"error: the run reached V = -3\d\d\.\d+ mV at the end of the run, "
                     r"outside the range \[-300, 300\] mV", cap.err) and "blow-up" not in cap.err
    assert cap.err.count("outside") == 1  # simulate's own warning is not shown


@pytest.mark.parametrize("record", ["", "V,,m", "V,"])
def test_an_empty_record_name_is_an_error_not_the_default(record, capsys):
    """``--record ""`` was taken as the default V; an empty name between commas is refused."""
    assert main(["simulate", "hh1952", "--t-end", "1", "--record", record]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "names nothing between its commas" in err


def test_record_names_may_have_spaces_after_commas(tmp_path):
    nc = tmp_path / "r.nc"
    assert main(["simulate", "hh1952", "--t-end", "1", "--record", "V, m", "--out",
                 str(nc)]) == 0
    assert {"V", "m"} <= set(xr.open_dataset(nc).data_vars)


def test_version():
    r = subprocess.run([sys.executable, "-m", "biophys.cli", "--version"], capture_output=True,
                       text=True)
    assert r.returncode == 0 and r.stdout.strip() == f"biophys {bp.__version__}", r


def test_coarse_dt_is_a_visible_warning(capsys):
    """A step far above the model's own (hh1952: 0.01 ms) is run but warned about on stderr:
    at dt = 5 ms the cell fires no spike at I_app = 10 and still reports status ok. A dt above
    t_end stays a one-line error."""
    assert main(["simulate", "hh1952", "--t-end", "50", "--set", "I_app=10", "--dt", "5"]) == 0
    cap = capsys.readouterr()
    assert "0 spikes, status ok" in cap.out
    err = cap.err.strip().splitlines()
    assert len(err) == 1 and "warning" in err[0] and "500x" in err[0] and "0.01 ms" in err[0]
    assert main(["simulate", "hh1952", "--t-end", "50", "--set", "I_app=10", "--dt", "0.05"]) == 0
    assert capsys.readouterr().err == ""  # 5x: no warning
    assert main(["simulate", "hh1952", "--t-end", "10", "--dt", "20"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "must not exceed t_end" in err[0]


# -- the bath and the method of ``biophys simulate`` ---------------------------------------------

_BATH_ATTRS = ("conditions", "substitution_rule", "solution", "changed_parameters", "integrator",
               "final_state")


def _run(tmp_path, name: str, *args: str):
    """``biophys simulate`` of 100 ms of zg_cell (a resting cell) with ``args``; its dataset."""
    nc = tmp_path / f"{name}.nc"
    assert main(["simulate", "zg_cell", "--t-end", "100", *args, "--out", str(nc)]) == 0
    with xr.open_dataset(nc) as ds:
        return ds.load()


def test_condition_with_substitution_is_the_api_solution(tmp_path, capsys):
    """--condition K_o=8 --substitution equimolar_Na is bp.Solution(K_o=8,
    substitution="equimolar_Na") bit for bit, recorded as the API records it; raising K_o alone
    (--set) keeps Na_o and ends elsewhere, so the rule is not ignored."""
    ds = _run(tmp_path, "sub", "--condition", "K_o=8", "--substitution", "equimolar_Na")
    api = bp.simulate("zg_cell", t_end=100.0,
                      conditions=bp.Solution(K_o=8.0, substitution="equimolar_Na"))
    assert ds.V.values[-1] == api.V.values[-1]
    assert {k: ds.attrs[k] for k in _BATH_ATTRS} == {k: api.attrs[k] for k in _BATH_ATTRS}
    sol = json.loads(ds.attrs["solution"])
    assert sol["substitution"] == "equimolar_Na" and sol["Na_o"] == 136.0  # 140 - (8 - 4) mM
    assert ds.attrs["substitution_rule"].startswith("equimolar_Na: Na_o = 140 - (K_o - 4) mM")
    alone = _run(tmp_path, "set", "--set", "K_o=8")
    assert json.loads(alone.attrs["conditions"])["Na_o"] == 140.0
    assert abs(ds.V.values[-1] - alone.V.values[-1]) > 0.5  # mV
    # --substitution none makes a Solution too (Na_o stays the model's)
    ref = _run(tmp_path, "ref", "--condition", "K_o=8", "--condition", "Mg_i=0.3",
               "--substitution", "none")
    api = bp.simulate("zg_cell", t_end=100.0, conditions=bp.Solution(
        K_o=8.0, cytosol=bp.Cytosol(Mg_i=0.3)))
    assert ref.V.values[-1] == api.V.values[-1]
    assert {k: ref.attrs[k] for k in _BATH_ATTRS} == {k: api.attrs[k] for k in _BATH_ATTRS}
    assert json.loads(ref.attrs["solution"])["cytosol"]["Mg_i"] == 0.3
    # a four-field reference with a rule that makes up for Mg2+ changes too
    osm = _run(tmp_path, "osm", "--condition", "Mg_o=0.5", "--substitution",
               "constant_osmolarity", "--reference", "4", "140", "2", "1")
    rec = json.loads(osm.attrs["solution"])
    assert rec["Na_o"] == 140.75 and rec["reference_Mg_o"] == 1.0  # 140 + 1.5 (1 - 0.5) mM
    api = bp.simulate("zg_cell", t_end=100.0, conditions=bp.Solution(
        Mg_o=0.5, substitution="constant_osmolarity", reference=(4.0, 140.0, 2.0, 1.0)))
    assert osm.V.values[-1] == api.V.values[-1]


def test_condition_without_substitution_is_the_api_mapping(tmp_path, capsys):
    """Without --substitution or --reference the --condition values are a plain mapping, as
    [conditions] in a sweep configuration: K_o changes alone."""
    ds = _run(tmp_path, "map", "--condition", "K_o=8", "--condition", "Mg_o=0.5")
    api = bp.simulate("zg_cell", t_end=100.0, conditions={"K_o": 8.0, "Mg_o": 0.5})
    assert ds.V.values[-1] == api.V.values[-1]
    assert {k: ds.attrs[k] for k in _BATH_ATTRS} == {k: api.attrs[k] for k in _BATH_ATTRS}
    assert ds.attrs["solution"] == "none" and ds.attrs["substitution_rule"].startswith("none")
    assert ds.V.values[-1] != bp.simulate("zg_cell", t_end=100.0).V.values[-1]


def test_method_option(tmp_path, capsys):
    """--method rl1 is the API's rl1 run, which differs from the default rl2."""
    nc = tmp_path / "rl1.nc"
    args = ["simulate", "hh1952", "--t-end", "20", "--set", "I_app=10"]
    assert main([*args, "--method", "rl1", "--out", str(nc)]) == 0
    with xr.open_dataset(nc) as ds:
        v = ds.V.values[-1]
        assert ds.attrs["integrator"] == bp.simulate("hh1952", 1.0, method="rl1").attrs[
            "integrator"]
    rl1, rl2 = (bp.simulate("hh1952", t_end=20.0, params={"I_app": 10.0}, method=m).V.values[-1]
                for m in ("rl1", "rl2"))
    assert v == rl1 and v != rl2


def test_tolerance_options(tmp_path, capsys):
    """--rtol/--atol are the API's rtol/atol of the error-controlled methods: the same numbers
    and the same recorded tolerances as bp.simulate with them (the options did not exist).
    The tolerances matter here: the default ones end elsewhere."""
    args = ["simulate", "hh1952", "--t-end", "20", "--set", "I_app=10", "--method", "adaptive"]
    api_args = dict(t_end=20.0, params={"I_app": 10.0}, method="adaptive")
    default = bp.simulate("hh1952", **api_args).V.values
    for tol, kw in ((["--rtol", "1e-8"], dict(rtol=1e-8)),
                    (["--rtol", "1e-8", "--atol", "1e-10"], dict(rtol=1e-8, atol=1e-10))):
        nc = tmp_path / "adaptive.nc"
        assert main([*args, *tol, "--out", str(nc)]) == 0
        with xr.open_dataset(nc) as ds:
            ds = ds.load()
        api = bp.simulate("hh1952", **api_args, **kw)
        np.testing.assert_array_equal(ds.V.values, api.V.values)
        np.testing.assert_array_equal(ds.spike_times.values, api.spike_times.values)
        assert ds.attrs["rtol"] == api.attrs["rtol"] == kw["rtol"]
        assert ds.attrs["atol"] == api.attrs["atol"]  # JSON, one value per state
        assert api.V.values[-1] != default[-1]
    assert json.loads(ds.attrs["atol"]) == [1e-10] * 4


def test_tolerance_with_a_fixed_step_method_is_a_one_line_error(capsys):
    """--rtol or --atol with a fixed-step method (the default rl2 too) is the API's error, one
    line naming the option's keyword, not silently ignored."""
    for args in (["--rtol", "1e-8"], ["--method", "rl1", "--rtol", "1e-8"],
                 ["--method", "staggered", "--atol", "1e-10"]):
        assert main(["simulate", "hh1952", "--t-end", "1", *args]) == 2, args
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and err[0].startswith("biophys simulate: error: rtol/atol apply "
                                                   "only to method 'adaptive' or 'rosenbrock'")
    # a tolerance out of range: the API's message with its unit and range
    assert main(["simulate", "hh1952", "--t-end", "1", "--method", "adaptive", "--rtol", "1"]) == 2
    assert capsys.readouterr().err.strip() == ("biophys simulate: error: rtol = 1.0 "
                                               "(dimensionless) must be in [1e-14, 0.1]")


def test_bath_errors_are_one_line_naming_the_input(capsys):
    """Each bad --condition/--substitution/--reference/--method is exit status 2 and one line on
    stderr that names what is wrong (and, for a number, its unit and valid range)."""
    zg, hh = "zg_cell", "hh1952"
    cases = [  # (model, arguments, words the message must contain)
        (zg, ["--condition", "K_x=8"],
         ["'K_x' is not a condition of model 'zg_cell'", "K_o, Na_o", "go in --set"]),
        (zg, ["--condition", "K_x=8", "--substitution", "none"],
         ["K_x is not a field of biophys.Solution", "Mg_i"]),
        (zg, ["--condition", "K_o=abc"], ["'K_o'", "'abc'", "real number", "mM", "[0.01, 200]"]),
        (zg, ["--condition", "K_o=abc", "--substitution", "equimolar_Na"],
         ["K_o = 'abc'", "real number", "mM", "(0, 2000]"]),
        (zg, ["--condition", "K_o=-1"], ["'K_o' = -1.0 mM", "[0.01, 200] mM"]),
        (zg, ["--condition", "K_o=-1", "--substitution", "equimolar_Na"],
         ["K_o = -1.0 mM must be in (0, 2000]"]),
        (zg, ["--condition", "K_o=8", "--reference", "4", "--substitution", "equimolar_Na"],
         ["--reference takes 2 values (K_REF NA_REF) or 4", "mM, got 1: 4"]),
        (zg, ["--reference", "4", "140", "2", "--substitution", "constant_osmolarity"],
         ["--reference takes 2 values", "got 3: 4 140 2"]),
        (zg, ["--reference", "0", "140", "--substitution", "equimolar_Na"],
         ["reference = (0.0, 140.0)", "> 0 mM"]),
        # a reference no rule reads, and a four-field one for the K+-only rule
        (zg, ["--condition", "K_o=8", "--reference", "5", "140"],
         ["--reference is the reference bath of a substitution rule", "--substitution"]),
        (zg, ["--reference", "5", "140", "1", "1", "--substitution", "equimolar_Na"],
         ["reference = (5.0, 140.0, 1.0, 1.0)", "'equimolar_Na' takes (K_ref, Na_ref) in mM"]),
        (zg, ["--condition", "K_o=8", "--set", "K_o=8"],
         ["'K_o' is given in both --set and --condition"]),
        (zg, ["--condition", "K_o=8", "--set", "Na_o=130", "--substitution", "equimolar_Na"],
         ["'Na_o' is a condition of the Solution given as --condition", "not in --set"]),
        (zg, ["--substitution", "equimolar"], ["--substitution", "'equimolar'", "equimolar_Na"]),
        (zg, ["--method", "euler"], ["--method", "'euler'", "rl1", "rosenbrock"]),
        # a Solution field the model does not have is refused, not ignored
        (hh, ["--condition", "K_o=8", "--substitution", "equimolar_Na"],
         ["--condition K_o", "not a condition of model 'hh1952'", "temperature"]),
    ]
    # in this process (a new interpreter per case cost 0.5-1 s each): main() is what
    # ``python -m biophys.cli`` runs (its exit status, sys.exit(main()), and the one-line errors
    # of a real process are checked by test_errors_are_one_line_without_traceback); an
    # exception escaping main() would fail here, as a traceback would have there
    for model, args, words in cases:
        code, err = _main_status_and_stderr(capsys, ["simulate", model, *args, "--t-end", "10"])
        assert code == 2, (args, err)
        err = err.strip().splitlines()
        assert len(err) == 1 and err[0].startswith("biophys simulate: error: "), (args, err)
        for word in words:
            assert word in err[0], (args, word, err[0])


def test_closed_output_pipe_is_quiet():
    """``biophys info zg_cell | head -1``: the reader closing the pipe early is no error (it
    printed "error: [Errno 32] Broken pipe"); exit status 141 (128 + SIGPIPE)."""
    from biophys.cli import EXIT_BROKEN_PIPE

    proc = subprocess.Popen([sys.executable, "-c", "import sys; from biophys.cli import main; "
                             "sys.exit(main(['info', 'zg_cell']))"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()  # before the interpreter has started: every write finds it closed
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == EXIT_BROKEN_PIPE == 141
    assert err == ""
