"""The command line: list, info, simulate, compile; errors are one line and a non-zero exit."""

import subprocess
import sys

import xarray as xr

import biophys as bp
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


def test_errors_are_one_line_without_traceback():
    for args in (["simulate", "hh1952", "--t-end", "-1"],
                 ["simulate", "hh1952", "--t-end", "10", "--set", "g_X=3"],
                 ["simulate", "hh1952", "--t-end", "10", "--set", "g_K"],
                 ["info", "no_such_model"],
                 ["compile", "no_such_model"],
                 ["compile", "hh1952", "--processes", "0"],
                 ["compile", "hh1952", "--method", "euler"]):
        r = subprocess.run([sys.executable, "-m", "biophys.cli", *args], capture_output=True,
                           text=True)
        assert r.returncode == 2
        assert "Traceback" not in r.stderr
        assert len(r.stderr.strip().splitlines()) == 1, r.stderr


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
    assert xr.open_dataset(nc).attrs["status"] == "non-finite state"


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
