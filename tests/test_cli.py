"""The command line: list, info, simulate, compile; errors are one line and a non-zero exit."""

import subprocess
import sys

import xarray as xr

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
