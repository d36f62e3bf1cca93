"""The sweep plot helpers check every name they are given (metric, x, y, hue, the keys of sel,
trace variables) before drawing, and say what is wrong with it: the name, the valid ones and
the close spelling meant. The results here are dry runs (the variables and axes of a sweep,
nothing simulated)."""

import matplotlib
import pytest

import biophys as bp
from biophys import plot

matplotlib.use("Agg")

#: Dry runs with no warm-up: the warm-up warning of the secretion metrics is expected.
pytestmark = pytest.mark.filterwarnings("ignore:metric .* initial state over:UserWarning")


@pytest.fixture(scope="module")
def res():
    return bp.sweep("beta_cell", grid={"K_o": [4.0, 8.0], "Mg_o": [0.5, 1.0]},
                    metrics=["insulin_rate", "mean_V"], t_end=1000.0, dry_run=True)


@pytest.fixture(scope="module")
def res3():
    return bp.sweep("beta_cell", grid={"K_o": [4.0, 8.0], "Mg_o": [0.5, 1.0],
                                       "glucose": [8.0, 11.0, 15.0]},
                    metrics=["insulin_rate"], t_end=1000.0, dry_run=True)


@pytest.fixture(scope="module")
def table():
    return bp.sweep("beta_cell", points={"K_o": [4.0, 8.0], "Mg_o": [0.5, 1.0]},
                    metrics=["insulin_rate"], t_end=1000.0, dry_run=True)


def test_a_mistyped_hue_is_not_an_axis(res):
    """It said "the sweep also varies 'Mg_o' ... pick one with sel=" instead."""
    with pytest.raises(ValueError, match=r"^hue = 'Mg' is not a swept axis \(did you mean "
                                         r"'Mg_o'\?\); axes: K_o, Mg_o$"):
        plot.lines(res, "insulin_rate", x="K_o", hue="Mg")


@pytest.mark.parametrize("kw", [dict(x="K_o", y="K_o"), dict(y="Mg_o", x="Mg_o")])
def test_the_same_axis_on_x_and_y_is_its_own_error(res, kw):
    with pytest.raises(ValueError, match=r"x and y are the same axis \('(K|Mg)_o'\); a heatmap "
                                         r"needs two different swept axes \(K_o, Mg_o\)"):
        plot.heatmap(res, "insulin_rate", **kw)


def test_x_and_hue_the_same_axis(res):
    with pytest.raises(ValueError, match=r"x and hue are the same axis \('K_o'\)"):
        plot.lines(res, "insulin_rate", x="K_o", hue="K_o")


def test_sel_on_the_only_other_axis_leaves_one_axis(res):
    """With the default axes it leaked xarray's "Dimensions {'Mg_o'} do not exist"."""
    with pytest.raises(ValueError, match=r"a heatmap needs two swept axes not fixed by sel; "
                                         r"'insulin_rate' has K_o, Mg_o, and sel fixes Mg_o, "
                                         r"leaving K_o; use lines\(\)"):
        plot.heatmap(res, "insulin_rate", sel={"Mg_o": 0.5})


@pytest.mark.parametrize("func, kw, arg", [
    (plot.heatmap, dict(y="Mg_o"), "y"),
    (plot.heatmap, dict(x="K_o"), "x"),
    (plot.lines, dict(x="Mg_o"), "x"),
    (plot.lines, dict(x="K_o", hue="Mg_o"), "hue"),
])
def test_sel_on_a_plotted_axis(res, func, kw, arg):
    key = kw[arg]
    with pytest.raises(ValueError, match=rf"sel fixes '{key}', the axis plotted as {arg}; an "
                                         r"axis cannot be both plotted and selected"):
        func(res, "insulin_rate", sel={key: 1.0}, **kw)


@pytest.mark.parametrize("func", [plot.heatmap, plot.lines])
def test_a_mistyped_sel_key(res3, func):
    with pytest.raises(ValueError, match=r"sel names 'glucos', which is not a swept axis "
                                         r"\(did you mean 'glucose'\?\); axes: K_o, Mg_o, "
                                         r"glucose"):
        func(res3, "insulin_rate", sel={"glucos": 8.0})


def test_sel_must_be_a_mapping(res):
    with pytest.raises(ValueError, match=r"sel = \[1\.0\] must be a mapping \{axis: value\}"):
        plot.lines(res, "insulin_rate", sel=[1.0])


@pytest.mark.parametrize("func, arg", [(plot.heatmap, "x"), (plot.heatmap, "y"),
                                       (plot.lines, "x")])
def test_mistyped_axes_name_the_argument(res, func, arg):
    with pytest.raises(ValueError, match=rf"^{arg} = 'k_o' is not a swept axis \(did you mean "
                                         r"'K_o'\?\); axes: K_o, Mg_o$"):
        func(res, "insulin_rate", **{arg: "k_o"})


@pytest.mark.parametrize("func", [plot.heatmap, plot.lines])
def test_a_mistyped_metric_lists_the_variables(res, func):
    with pytest.raises(ValueError, match=r"^no metric 'insulin_rte' in this sweep \(did you "
                                         r"mean 'insulin_rate'\?\); metrics: insulin_rate, "
                                         r"mean_V$"):
        func(res, "insulin_rte")
    with pytest.raises(ValueError, match=r"no metric 'status' in this sweep; metrics:"):
        func(res, "status")


def test_default_axes_leave_out_the_ones_sel_fixes(res3):
    """The default axes are chosen among those sel does not fix (it took the first two)."""
    ax = plot.heatmap(res3, "insulin_rate", sel={"Mg_o": 0.5})
    assert ax.get_xlabel() == "K_o (mM)" and ax.get_ylabel() == "glucose (mM)"
    ax = plot.lines(res3, "insulin_rate", sel={"K_o": 4.0, "Mg_o": 1.0})
    assert ax.get_xlabel() == "glucose (mM)"
    ax = plot.lines(res3, "insulin_rate", hue="K_o", sel={"glucose": 8.0})
    assert ax.get_xlabel() == "Mg_o (mM)" and len(ax.get_lines()) == 2
    with pytest.raises(ValueError, match=r"the sweep also varies 'glucose' \(3 values\); pick "
                                         r"one with sel=\{'glucose': value\}"):
        plot.heatmap(res3, "insulin_rate")  # the message is right where it applies


def test_a_table_of_points(table):
    with pytest.raises(ValueError, match=r"^x = 'Mg' is not a swept name of this table of "
                                         r"points \(did you mean 'Mg_o'\?\); names: K_o, Mg_o$"):
        plot.heatmap(table, "insulin_rate", x="Mg")
    with pytest.raises(ValueError, match=r"x and y are the same axis \('Mg_o'\)"):
        plot.heatmap(table, "insulin_rate", x="Mg_o", y="Mg_o")
    with pytest.raises(ValueError, match=r"^sel names 'Mg_o', a swept name of this table of "
                                         r"points \(dimension 'point'\): every point is drawn$"):
        plot.heatmap(table, "insulin_rate", sel={"Mg_o": 0.5})
    ax = plot.heatmap(table, "insulin_rate", x="Mg_o")  # y: the other name, not Mg_o again
    assert ax.get_xlabel() == "Mg_o (mM)" and ax.get_ylabel() == "K_o (mM)"


def test_trace_variable_names(res):
    with pytest.raises(ValueError, match=r"no traces of 'V' in this dataset \(traces of: none"):
        plot.traces(res, "V")
    ds = bp.simulate("hh1952", t_end=2.0, record=["V", "m"])
    with pytest.raises(ValueError, match=r"^variables: 'v' is not a recorded trace of this "
                                         r"dataset \(did you mean 'V'\?\); recorded: V, m$"):
        plot.plot_traces(ds, variables=["v"])
    assert len(plot.plot_traces(ds, variables="V").axes) == 1  # one name, not its letters
