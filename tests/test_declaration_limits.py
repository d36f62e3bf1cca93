"""Model declarations: bounds that keep every allowed initial state finite (IOM nucleotides, SRK
tau_n slopes; a run the IOM's ATP demand drives past ADP = A_tot/3 is flagged, not hidden), the
HH rest quoted in the declaration, one unit per shared granule parameter, and sources that cite
nothing outside the repository."""

import math

import numpy as np
import pytest
from scipy.optimize import brentq

import biophys as bp
from biophys.kernels.models.hh1952 import gate_rates
from biophys.kernels.models.iom_1_7 import atp_from_adp

# ---------------------------------------------------------------------------------------------
# iom_1_7: ATP exists only for ADP <= A_tot/3
# ---------------------------------------------------------------------------------------------


def test_iom_bounds_keep_the_default_adp_below_a_tot_over_3():
    m = bp.model("iom_1_7")
    a_lo = m.parameter("A_tot").bounds[0]
    adp = m.states[m.state_index("ADP")]
    assert adp.bounds[1] <= a_lo / 3.0
    assert adp.value <= adp.bounds[1]


def test_iom_a_tot_below_its_bound_is_a_clear_error():
    """A_tot = 2000 uM once ran silently to V = NaN (default ADP 839 uM > A_tot/3)."""
    msg = r"A_tot.*2000.*uM.*\[2700, 1e\+06\] uM.*ADP <= A_tot/3"
    with pytest.raises(ValueError, match=msg):
        bp.simulate("iom_1_7", t_end=10.0, params={"A_tot": 2000.0})
    with pytest.raises(ValueError, match=r"A_tot.*2000.*uM.*\[2700, 1e\+06\] uM"):
        bp.sweep("iom_1_7", {"A_tot": [2000.0, 3000.0]}, t_end=10.0, dry_run=True,
                 progress=False)
    with pytest.raises(ValueError, match=r"ADP.*950.*uM.*\[1e-09, 900\] uM.*A_tot"):
        bp.simulate("iom_1_7", t_end=10.0, initial={"ADP": 950.0})


def test_iom_runs_at_the_corner_of_the_bounds():
    """The least favourable allowed pair, A_tot = 2700 uM with ADP = 900 uM = A_tot/3, run for
    one ADP time constant (tau_a = 300 s) so that ADP can move."""
    ds = bp.simulate("iom_1_7", t_end=300_000.0, params={"A_tot": 2700.0},
                     initial={"ADP": 900.0}, record=("V", "ATP"), record_every=1000.0)
    assert ds.attrs["status"] == "ok"
    assert np.all(np.isfinite(ds.V.values)) and np.all(np.isfinite(ds.ATP.values))


def test_iom_adp_driven_past_a_tot_over_3_is_flagged_not_lost():
    """The bounds keep the initial state valid, not every trajectory: 12.5x the basal ATP
    hydrolysis drives ADP past A_tot/3 = 1000 uM, where ATP has no real value. The run says so
    and a sweep keeps its other points."""
    with pytest.warns(UserWarning, match="ended with status 'non-finite state'"):
        ds = bp.simulate("iom_1_7", t_end=300_000.0, params={"v_hyd_bas": 10.0},
                         record=("V", "ADP"), record_every=1000.0)
    assert ds.attrs["status"] == "non-finite state"
    assert np.nanmax(ds.ADP.values) > 0.97 * 3000.0 / 3.0
    sw = bp.sweep("iom_1_7", {"v_hyd_bas": [0.8, 10.0]}, t_end=300_000.0, metrics=["mean_V"],
                  progress=False)
    assert sw.status.values.tolist() == [0, 1]
    assert np.isfinite(sw.mean_V.values[0]) and np.isnan(sw.mean_V.values[1])


def _atp_file_form(adp, a):
    """ATP as written in IOM_1_7.ode."""
    return 0.5 * (a - adp + math.sqrt(adp * a) * math.sqrt(-2.0 + a / adp - 3.0 * adp / a))


def test_iom_atp_is_a_tot_at_zero_adp_and_equals_the_file_form():
    for a in (2700.0, 3000.0, 1e6):
        assert atp_from_adp(0.0, a) == a
        assert atp_from_adp(a / 3.0, a) == pytest.approx(a / 3.0, rel=1e-15)
        for adp in np.concatenate([np.geomspace(1e-9, 0.99 * a / 3.0, 200),
                                   np.linspace(0.01, 0.99, 99) * a / 3.0]):
            atp = atp_from_adp(adp, a)
            assert atp == pytest.approx(_atp_file_form(adp, a), rel=2e-15)
            assert atp + adp + adp * adp / atp == pytest.approx(a, rel=1e-14)


# ---------------------------------------------------------------------------------------------
# sherman_rinzel_keizer_1988: tau_n slope factors
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["a_n", "b_n"])
def test_srk_tau_n_slope_below_1_mV_is_a_clear_error(name):
    m = bp.model("sherman_rinzel_keizer_1988")
    lo, _ = m.parameter(name).bounds
    assert lo == 1.0 and m.parameter(name).value >= 20.0 * lo  # published 65 and 20 mV
    with pytest.raises(ValueError, match=rf"{name}.*0\.001.*mV.*\[1, 1000\] mV"):
        bp.simulate("sherman_rinzel_keizer_1988", t_end=10.0, params={name: 1e-3})


def test_srk_runs_finite_at_the_lowest_tau_n_slopes():
    ds = bp.simulate("sherman_rinzel_keizer_1988", t_end=500.0,
                     params={"a_n": 1.0, "b_n": 1.0}, record=("V", "n"))
    assert np.all(np.isfinite(ds.V.values)) and np.all(np.isfinite(ds.n.values))


# ---------------------------------------------------------------------------------------------
# hh1952: the resting potential with the published E_L
# ---------------------------------------------------------------------------------------------


def test_hh1952_rest_with_published_e_l_is_the_quoted_value():
    m = bp.model("hh1952")
    p = {q.name: q.value for q in m.parameters}

    def current(v):
        am, bm, ah, bh, an, bn = gate_rates(v, 1.0)
        mi, hi, ni = am / (am + bm), ah / (ah + bh), an / (an + bn)
        return (p["g_Na"] * mi ** 3 * hi * (v - p["E_Na"]) + p["g_K"] * ni ** 4 * (v - p["E_K"])
                + p["g_L"] * (v - p["E_L"]))

    v_rest = brentq(current, -70.0, -60.0, xtol=1e-12)
    assert v_rest == pytest.approx(-64.9964, abs=5e-5)
    assert "-64.996" in m.parameter("E_L").description
    assert "exactly" not in m.parameter("E_L").description


# ---------------------------------------------------------------------------------------------
# units and sources
# ---------------------------------------------------------------------------------------------


def test_granule_parameters_have_the_same_units_in_both_models():
    chen, beta = bp.model("chen_2008_exocytosis"), bp.model("beta_cell")
    assert chen.parameter("C_granule").unit == beta.parameter("C_granule").unit == "fF/granule"
    assert (chen.parameter("insulin_granule").unit == beta.parameter("insulin_granule").unit
            == "fg/granule")


def test_no_source_cites_notes_outside_the_repository():
    for name in bp.list_models():
        m = bp.model(name)
        for q in (*m.parameters, *m.states):
            assert "shared/research" not in q.source and "models.md" not in q.source, (
                name, q.name)
