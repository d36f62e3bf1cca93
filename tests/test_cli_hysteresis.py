"""``biophys hysteresis``: the command-line form of :func:`biophys.hysteresis`.

The example configuration steps the Hodgkin-Huxley axon's I_app from 5 to 11 uA/cm^2 and back;
the axon is bistable between the saddle-node of periodic orbits near 6.26 uA/cm^2 and the
subcritical Hopf bifurcation near 9.78 uA/cm^2 (Rinzel & Miller 1980 Math Biosci 49:27), so
the passes differ at 7, 8 and 9 (tests/test_continuation.py checks the same with the API and
an independent SciPy HH).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

import biophys as bp
from biophys._sweep_config import load_config
from biophys.cli import main as cli_main

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "hh_hysteresis.toml"


def _write(tmp_path: Path, text: str) -> Path:
    cfg = tmp_path / "h.toml"
    cfg.write_text(text)
    return cfg


HEAD = """model = "hh1952"
t_end = 200.0
warmup = 100.0
metrics = ["spike_rate", "regime"]
"""


def test_the_example_runs_and_matches_the_api(tmp_path, capsys):
    out, png = tmp_path / "o" / "h.nc", tmp_path / "o" / "h.png"
    assert cli_main(["hysteresis", str(EXAMPLE), "--out", str(out), "--plot", str(png),
                     "--no-progress"]) == 0
    text = capsys.readouterr().out
    assert "the passes differ in regime (bistable) at I_app = 7, 8, 9" in text
    assert "(14 runs), 0 not ok" in text
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    ds = bp.open_sweep(out)
    api = bp.hysteresis("hh1952", "I_app", np.arange(5.0, 11.5, 1.0), t_end=500.0,
                        warmup=300.0, metrics=["spike_rate", "regime", "mean_V"],
                        progress=False)
    assert list(ds["direction"].values) == ["up", "down"]
    for name in ("spike_rate", "regime", "mean_V", "status", "warm_start"):
        np.testing.assert_array_equal(ds[name].values, api[name].values)
    assert ds["I_app"].attrs["units"] == api["I_app"].attrs["units"]
    assert ds.attrs["description"] == ("hh1952: firing and rest over I_app, stepped up and "
                                       "back down")  # the example's, kept


def test_other_axes_side_by_side_and_one_panel_each(tmp_path, capsys):
    cfg = _write(tmp_path, HEAD + """
[hysteresis]
axis = "I_app"
values = [4.0, 8.0, 12.0]

[grid]
g_Na = [120.0, 60.0]

[output]
plot = "out/h.png"
""")
    import matplotlib.pyplot as plt

    seen = []
    real = plt.Figure.savefig

    def spy(fig, *a, **k):
        seen.append([ax.get_title() for ax in fig.axes if ax.get_visible()])
        return real(fig, *a, **k)

    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(tmp_path)
        mp.setattr(plt.Figure, "savefig", spy)
        assert cli_main(["hysteresis", str(cfg), "--no-progress"]) == 0
    assert (tmp_path / "out" / "h.png").exists()
    assert seen == [["g_Na = 120 mS/cm^2", "g_Na = 60 mS/cm^2"]]
    err = capsys.readouterr().err
    assert "the results were not saved" in err


@pytest.mark.parametrize("body, message", [
    ("[grid]\nI_app = [1.0, 2.0]\n", "missing [hysteresis] table"),
    ("[hysteresis]\naxis = \"I_app\"\n", "[hysteresis] needs 'values'"),
    ("[hysteresis]\naxis = 3\nvalues = [1.0, 2.0]\n", "axis = 3 must be the name"),
    ("[hysteresis]\naxis = \"I_app\"\nvalues = [1.0, 2.0]\n[points]\ng_Na = [1.0]\n",
     "[points] is not available with [hysteresis]"),
    ("[hysteresis]\naxis = \"I_app\"\nvalues = [1.0, 2.0]\nstep = 1\n",
     "unknown key(s) step in [hysteresis]"),
    ("[hysteresis]\naxis = \"I_app\"\nvalues = {start = 2.0, stop = 1.0, step = 0.5}\n",
     "[hysteresis] values of 'I_app' is empty"),
    ("[hysteresis]\naxis = \"I_app\"\nvalues = [1.0, 2.0]\n[output]\nx = \"I_app\"\n",
     "[output] x: a hysteresis figure"),
])
def test_layout_errors_name_the_table(tmp_path, body, message):
    cfg = _write(tmp_path, HEAD + body)
    with pytest.raises(ValueError, match=re.escape(message)) as exc:
        load_config(cfg, command="hysteresis")
    assert str(cfg) in str(exc.value)


def test_a_sweep_refuses_a_hysteresis_configuration(tmp_path, capsys):
    cfg = _write(tmp_path, HEAD + "[hysteresis]\naxis = \"I_app\"\nvalues = [1.0, 2.0]\n")
    assert cli_main(["sweep", str(cfg)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "configuration for `biophys hysteresis`" in err


@pytest.mark.parametrize("extra, args, message", [
    ("values = [3.0, 2.0]\n", [], "must be ascending"),
    ("values = [1.0, 2.0]\n", ["--metric", "mean_V"],
     "--metric = 'mean_V' is not one of the metrics of the run: spike_rate, regime"),
    ("values = [-1e6, 2.0]\n", [], "I_app"),
])
def test_bad_input_is_one_line_before_any_run(tmp_path, capsys, monkeypatch, extra, args,
                                              message):
    cfg = _write(tmp_path, HEAD + "[hysteresis]\naxis = \"I_app\"\n" + extra)
    import biophys.continuation as continuation

    runs = []
    real = continuation.sweep
    monkeypatch.setattr(continuation, "sweep",
                        lambda *a, **k: runs.append(k.get("dry_run")) or real(*a, **k))
    assert cli_main(["hysteresis", str(cfg), "--no-progress", *args]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("biophys hysteresis: error: ")
    assert message in err
    assert not [r for r in runs if not r]  # nothing simulated (at most the dry-run plan)


def test_strict_exit_status_and_checkpoint(tmp_path, capsys):
    cfg = _write(tmp_path, HEAD + "[hysteresis]\naxis = \"I_app\"\nvalues = [5.0, 8.0]\n")
    ck = tmp_path / "ck"
    assert cli_main(["hysteresis", str(cfg), "--no-progress", "--strict",
                     "--checkpoint", str(ck), "--out", str(tmp_path / "a.nc")]) == 0
    assert sorted(p.name for p in ck.iterdir()) == ["down_0000", "down_0001", "up_0000",
                                                     "up_0001"]
    assert bp.open_sweep(tmp_path / "a.nc").attrs["checkpoint"] == str(ck)


def test_interrupted_says_what_the_checkpoint_keeps(tmp_path, capsys, monkeypatch):
    cfg = _write(tmp_path, HEAD + "[hysteresis]\naxis = \"I_app\"\nvalues = [5.0, 8.0]\n")
    import biophys.continuation as continuation

    real, calls = continuation.sweep, []

    def sweep(*a, **k):
        calls.append(k.get("dry_run", False))
        if calls.count(False) == 3:  # the third step's run
            raise KeyboardInterrupt
        return real(*a, **k)

    monkeypatch.setattr(continuation, "sweep", sweep)
    ck = tmp_path / "ck"
    assert cli_main(["hysteresis", str(cfg), "--no-progress", "--checkpoint", str(ck)]) == 130
    err = capsys.readouterr().err
    assert f"the checkpoint {ck} keeps the finished steps" in err
    assert sorted(p.name for p in ck.iterdir()) == ["up_0000", "up_0001"]  # the two steps run
    assert cli_main(["hysteresis", str(cfg), "--no-progress"]) == 130
    assert "nothing was saved (--checkpoint DIR" in capsys.readouterr().err


def test_strict_exits_3_when_a_run_is_not_ok(tmp_path, capsys):
    """beta_cell at 1000x its step blows up (as in tests/test_cli.py): every run not ok; the
    summary says so, and --strict makes it exit status 3 (without it, 0)."""
    cfg = _write(tmp_path, 'model = "beta_cell"\nt_end = 1000.0\nwarmup = 100.0\n'
                 'dt = 100.0\nmetrics = ["mean_V"]\n'
                 '[hysteresis]\naxis = "K_o"\nvalues = [4.0, 5.0]\n')
    assert cli_main(["hysteresis", str(cfg), "--no-progress", "--strict"]) == 3
    assert "(4 runs), 4 not ok" in capsys.readouterr().out
    assert cli_main(["hysteresis", str(cfg), "--no-progress"]) == 0


@pytest.mark.parametrize("option", ["--out", "--plot"])
def test_an_output_that_is_a_folder_is_refused_before_any_run(tmp_path, capsys, monkeypatch,
                                                              option):
    import biophys.continuation as continuation

    monkeypatch.setattr(continuation, "sweep", lambda *a, **k: pytest.fail("a run started"))
    (tmp_path / "figs").mkdir()
    assert cli_main(["hysteresis", str(EXAMPLE), option, str(tmp_path / "figs")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"{option} '{tmp_path / 'figs'}' is a folder" in err

