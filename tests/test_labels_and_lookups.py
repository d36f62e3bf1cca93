"""Labels and look-ups a user-level review found wrong (session 38): figures of results with
string coordinates (a hysteresis's ``direction``, a sensitivity's ``parameter``), suggestions
for a mistyped model name, the columns of ``biophys info`` lining up, and ``open_sweep`` on a
checkpoint directory."""

import re
import subprocess
import sys

import matplotlib
import numpy as np
import pytest
import xarray as xr

import biophys as bp
from biophys import plot
from biophys.cli import main

matplotlib.use("Agg")


@pytest.fixture(scope="module")
def hyst():
    return bp.hysteresis("hh1952", "I_app", [5.0, 8.0, 11.0], t_end=300.0, warmup=100.0,
                         metrics=["spike_rate", "regime"], progress=False)


@pytest.fixture(scope="module")
def sens():
    return bp.sensitivity("hh1952", ["g_K", "g_Na"], grid={"I_app": [5.0, 10.0]}, t_end=100.0,
                          warmup=20.0, metrics=["mean_V"], progress=False)


def _legend(ax) -> list[str]:
    return [t.get_text() for t in ax.get_legend().get_texts()]


# -- 1. string (and integer) coordinates in the figures -----------------------------------------
def test_lines_one_line_per_direction_of_a_hysteresis(hyst):
    """It raised "Unknown format code 'g' for object of type 'str'" labelling the legend."""
    ax = plot.lines(hyst, "spike_rate", x="I_app", hue="direction")
    assert _legend(ax) == ["direction = up", "direction = down"]  # a string: no unit
    for line, d in zip(ax.get_lines(), ["up", "down"], strict=True):
        np.testing.assert_array_equal(line.get_xdata(), [5.0, 8.0, 11.0])
        np.testing.assert_array_equal(line.get_ydata(), hyst.spike_rate.sel(direction=d))


def test_lines_of_a_coded_metric_picks_the_string_hue(hyst):
    """The hue chosen automatically (the only other axis) is the string ``direction``."""
    ax = plot.lines(hyst, "regime", x="I_app")
    assert _legend(ax) == ["direction = up", "direction = down"]
    assert "silent" in [t.get_text() for t in ax.get_yticklabels()]


def test_lines_one_line_per_parameter_of_a_sensitivity(sens):
    ax = plot.lines(sens, "elasticity_mean_V", x="I_app", hue="parameter")
    assert _legend(ax) == ["parameter = g_K", "parameter = g_Na"]
    np.testing.assert_array_equal(ax.get_lines()[1].get_ydata(),
                                  sens.elasticity_mean_V.sel(parameter="g_Na"))
    # a numeric hue keeps its unit
    ax = plot.lines(sens, "elasticity_mean_V", x="parameter", hue="I_app")
    assert _legend(ax) == ["I_app = 5 uA/cm^2", "I_app = 10 uA/cm^2"]


def test_sel_on_a_string_axis_takes_the_value_itself(hyst, sens):
    """``sel`` took the nearest value, which for strings raised "unsupported operand type(s)
    for -: 'str' and 'str'"; a value that is not one names it and lists the values."""
    ax = plot.lines(hyst, "spike_rate", x="I_app", sel={"direction": "down"})
    np.testing.assert_array_equal(ax.get_lines()[0].get_ydata(),
                                  hyst.spike_rate.sel(direction="down"))
    ax = plot.lines(sens, "elasticity_mean_V", x="I_app", sel={"parameter": "g_K"})
    np.testing.assert_array_equal(ax.get_lines()[0].get_ydata(),
                                  sens.elasticity_mean_V.sel(parameter="g_K"))
    with pytest.raises(ValueError, match=r"^sel\['direction'\] = 'Up' is not a value of the "
                                         r"axis 'direction' \(did you mean 'up'\?\); "
                                         r"values: up, down$"):
        plot.lines(hyst, "spike_rate", x="I_app", sel={"direction": "Up"})
    # a numeric axis still takes the nearest value
    ax = plot.lines(hyst, "spike_rate", x="direction", sel={"I_app": 7.9})
    np.testing.assert_array_equal(ax.get_lines()[0].get_ydata(),
                                  hyst.spike_rate.sel(I_app=8.0))


def test_heatmap_with_a_string_axis(hyst):
    """A guard (this one drew before too): the string axis gets its values as tick labels."""
    ax = plot.heatmap(hyst, "spike_rate", x="direction", y="I_app")
    assert [t.get_text() for t in ax.get_xticklabels()] == ["up", "down"]


def test_an_integer_coordinate_reads_in_full():
    """``:g`` wrote an integer coordinate with 6 digits: 1234567 as "1.23457e+06"."""
    ds = xr.Dataset({"rate": (("x", "seed"), np.arange(4.0).reshape(2, 2), {"units": "Hz"})},
                    coords={"x": ("x", [0.5, 1.0], {"units": "mM"}),
                            "seed": ("seed", np.array([7, 1234567]), {"units": "1"})})
    ax = plot.lines(ds, "rate", x="x", hue="seed")
    assert _legend(ax) == ["seed = 7", "seed = 1234567"]
    ax = plot.lines(ds, "rate", x="seed", hue="x")
    assert _legend(ax) == ["x = 0.5 mM", "x = 1 mM"]


# -- 2. a mistyped model name gets a suggestion -------------------------------------------------
@pytest.mark.parametrize("name, meant", [("hh", "hh1952"), ("zg", "zg_cell"),
                                         ("HH1952", "hh1952"), ("beta", "beta_cell")])
def test_unknown_model_suggests_the_name_meant(name, meant):
    with pytest.raises(ValueError, match=rf"^unknown model '{name}' \(did you mean "
                                         rf"'{meant}'\?\); built-in models: .*zg_cell$"):
        bp.model(name)


def test_unknown_model_without_a_close_name_lists_the_models():
    with pytest.raises(ValueError, match=r"^unknown model 'no_such_model'; built-in models: "
                                         r"bertram_sherman_2004, .*hh1952, .*zg_cell$"):
        bp.model("no_such_model")


def test_cli_info_suggests_the_model(capsys):
    assert main(["info", "hh"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(
        "biophys info: error: unknown model 'hh' (did you mean 'hh1952'?); built-in models: "), err


# -- 3. the columns of ``biophys info`` line up -------------------------------------------------
def _sections(text: str) -> dict[str, list[str]]:
    out, head = {}, None
    for line in text.splitlines():
        if line in ("Parameters", "States (initial values)", "Outputs", "References"):
            head = line
            out[head] = []
        elif head is not None and line.startswith("  "):
            out[head].append(line)
    return out


@pytest.mark.parametrize("name", bp.list_models())
def test_info_columns_line_up(name):
    """In ``biophys info zg_cell`` the output ``aldosterone_rate`` (16 characters) pushed its
    unit and description one column to the right of the others."""
    m = bp.model(name)
    sections = _sections(m.table())
    for head, pattern in (("Parameters", r"  (\S+) +(\S+) (\S+) +(\S)"),
                          ("States (initial values)", r"  (\S+) +(\S+) (\S+) +(\S)"),
                          ("Outputs", r"  (\S+) +(\S+) +(\S)")):
        rows = sections.get(head, [])
        if head != "Outputs" or m.outputs:
            assert rows, head
        names = [r for r in rows if not r.lstrip().startswith("source:")]
        sources = [r for r in rows if r.lstrip().startswith("source:")]
        found = [re.match(pattern, r) for r in names]
        assert all(found), [r for r, f in zip(names, found, strict=True) if not f]
        # every row of the section: the same start of the unit and of the description
        # (the value, right-aligned, ends at the same place), and the sources under it
        unit_at = {f.start(f.lastindex - 1) for f in found}
        text_at = {f.start(f.lastindex) for f in found}
        assert len(unit_at) == 1, (head, sorted(unit_at))
        assert len(text_at) == 1, (head, sorted(text_at))
        assert {r.index("source:") for r in sources} <= text_at
        if head != "Outputs":
            assert len({f.end(2) for f in found}) == 1, head
        assert [f.group(1) for f in found] == [q.name for q in
                                               {"Parameters": m.parameters,
                                                "States (initial values)": m.states,
                                                "Outputs": m.outputs}[head]]


def test_info_zg_cell_aldosterone_rate_row(capsys):
    assert main(["info", "zg_cell"]) == 0
    rows = _sections(capsys.readouterr().out)["Outputs"]
    row = next(r for r in rows if r.startswith("  aldosterone_rate "))
    other = next(r for r in rows if r.startswith("  I_TASK "))
    assert row.index("a.u./min") == other.index("uA/cm^2")


def test_info_keeps_the_format_of_short_names():
    """hh1952's names and units fit the former widths (14 and 10): its table is unchanged."""
    lines = bp.model("hh1952").table().splitlines()
    q = bp.model("hh1952").parameter("E_L")
    row = next(r for r in lines if r.startswith("  E_L "))
    assert row.startswith(f"  {'E_L':<14} {q.value:>12.6g} {q.unit:<10} {q.description}")


# -- 4. open_sweep on a checkpoint directory ----------------------------------------------------
def test_open_sweep_on_a_checkpoint_directory_says_how_to_get_the_result(tmp_path):
    """It raised xarray's "did not find a match in any of xarray's currently installed IO
    backends"; the advice it now gives (rerun with the same checkpoint) gives the result."""
    ck = tmp_path / "ck"
    kw = dict(grid={"I_app": [5.0, 10.0]}, t_end=50.0, metrics=["mean_V"], progress=False,
              chunk_size=1)
    part = bp.sweep("hh1952", checkpoint=ck, shard="0/2", **kw)  # one of two chunks
    assert part.attrs["pending_points"] == 1
    with pytest.raises(ValueError, match=r"^open_sweep: '.*ck' is a sweep checkpoint directory "
                                         r"\(model 'hh1952', 2 points: 1 of 2 chunks stored\), "
                                         r"not a saved result .*rerun the call that wrote it "
                                         r"with the same settings and checkpoint='.*ck'"):
        bp.open_sweep(ck)
    with pytest.raises(ValueError, match="is a sweep checkpoint directory"):
        bp.open_sweep(str(ck))
    ds = bp.sweep("hh1952", checkpoint=ck, **kw)  # the advice: assembles (and completes) it
    assert (ds.status == 0).all()
    ds.to_netcdf(tmp_path / "res.nc")
    np.testing.assert_array_equal(bp.open_sweep(tmp_path / "res.nc").mean_V, ds.mean_V)


def test_open_sweep_missing_path_and_other_directories(tmp_path):
    with pytest.raises(FileNotFoundError, match="no_such.nc"):
        bp.open_sweep(tmp_path / "no_such.nc")
    with pytest.raises(ValueError, match=r"^open_sweep: '.*' is a directory, neither a sweep "
                                         r"checkpoint nor a dataset xarray can read"):
        bp.open_sweep(tmp_path)
    # not a path at all: said so, naming it (it was xarray's "did not find a match in any of
    # xarray's currently installed IO backends")
    for bad in (5, None, 2.5):
        with pytest.raises(ValueError, match=rf"^open_sweep: path = {bad!r} must be the path "
                                             r"\(str or os.PathLike\) of a results file"):
            bp.open_sweep(bad)


def test_cli_info_unknown_model_is_one_line():
    r = subprocess.run([sys.executable, "-m", "biophys.cli", "info", "zg"], capture_output=True,
                       text=True)
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert r.stderr.strip().splitlines() == [
        "biophys info: error: unknown model 'zg' (did you mean 'zg_cell'?); built-in models: "
        + ", ".join(bp.list_models())]
