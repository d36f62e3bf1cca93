"""The generic SciPy reference agrees with the independent HH implementation and with simulate."""

import numpy as np
from hh_reference import pulse, solve

import biophys as bp
from biophys import reference


def test_generic_reference_matches_independent_hh_solution():
    ds = reference.solve("hh1952", 20.0, stimulus=bp.Pulse(20.0, 1.0, 1.0), record=["V", "n"],
                         record_every=0.05, rtol=1e-10, atol=1e-12)
    ind = solve(pulse(20.0, 1.0, 1.0), 20.0, t_eval=ds.time.values, max_step=0.01, rtol=1e-10,
                atol=1e-12)
    np.testing.assert_allclose(ds.V.values, ind.y[0], atol=2e-4)
    np.testing.assert_allclose(ds.n.values, ind.y[3], atol=1e-6)
    assert ds.sizes["spike"] == 1


def test_fixed_step_simulate_agrees_with_reference():
    ref = reference.solve("hh1952", 200.0, params={"I_app": 10.0}, record=["V"], rtol=1e-10)
    ds = bp.simulate("hh1952", 200.0, params={"I_app": 10.0}, record=["V"], record_every=0.1)
    n = ref.sizes["spike"]
    assert ds.sizes["spike"] == n >= 10  # no spike missed or added
    # spike times within 0.05 ms over 200 ms of firing at the default step
    np.testing.assert_allclose(ds.spike_times.values, ref.spike_times.values, atol=0.05)


def test_voltage_clamp_reference_holds_command():
    vc = bp.VoltageClamp(-65.0, [(0.0, 5.0)], start=1.0)
    ds = reference.solve("hh1952", 8.0, stimulus=vc, record=["V", "I_K"], record_every=0.5)
    assert np.all(ds.V.sel(time=slice(1.0, 5.5)).values == 0.0)
    assert ds.I_K.sel(time=5.5) > 50.0


def test_reference_dataset_has_the_layout_of_simulate():
    """reference.solve and simulate label their traces the same way (one shared builder), and a
    single name works as ``record`` for both."""
    import json

    ref = reference.solve("hh1952", 5.0, params={"I_app": 10.0}, record="m", record_every=0.5)
    ds = bp.simulate("hh1952", 5.0, params={"I_app": 10.0}, record="m", record_every=0.5)
    assert list(ref.data_vars) == list(ds.data_vars) == ["m", "spike_times"]
    for name in ("time", "m"):
        assert ref[name].attrs == ds[name].attrs
    assert ref.spike_times.attrs["units"] == ds.spike_times.attrs["units"] == "ms"
    assert "event location" in ref.spike_times.attrs["long_name"]
    assert "linear interpolation" in ds.spike_times.attrs["long_name"]
    ad = bp.simulate("hh1952", 5.0, params={"I_app": 10.0}, record="m", method="adaptive")
    assert "cubic Hermite" in ad.spike_times.attrs["long_name"]
    np.testing.assert_array_equal(ref.time.values, ds.time.values)
    fin_ref, fin = json.loads(ref.attrs["final_state"]), json.loads(ds.attrs["final_state"])
    assert list(fin_ref) == list(fin) == ["V", "m", "h", "n"]
    assert abs(fin_ref["m"] - ref.m.values[-1]) < 1e-12 and fin["m"] == ds.m.values[-1]
    assert ref.attrs["changed_parameters"] == ds.attrs["changed_parameters"] == '{"I_app": 10.0}'


def test_bad_inputs_are_named_errors():
    """The tolerances went to solve_ivp unchecked: atol = nan gave a wrong trace marked 'ok',
    rtol = 0.5 a loose 'reference', a bad record_every an error about dt (found in review,
    helper 90)."""
    import pytest

    cases = [({"atol": float("nan")}, r"atol = nan \(state units\) must be finite and > 0"),
             ({"atol": -1.0}, r"atol = -1.0 \(state units\) must be finite and > 0"),
             ({"rtol": 0.5}, r"rtol = 0.5 \(dimensionless\) must be in \[1e-13, 0.001\]"),
             ({"rtol": 0.0}, r"rtol = 0.0 \(dimensionless\) must be in"),
             ({"max_step": 0.0}, r"max_step = 0.0 ms must be finite and > 0 \(or inf"),
             ({"record_every": 0.0}, r"record_every = 0.0 ms must be in \(0, 5"),
             ({"record_every": 10.0}, r"record_every = 10.0 ms must be in \(0, 5"),
             ({"method": "lsoda"}, r"method = 'lsoda' is not one of the reference's")]
    for kw, match in cases:
        with pytest.raises(ValueError, match=match):
            reference.solve("hh1952", 5.0, **kw)


def test_tolerances_used_are_recorded_and_warnings_match_simulate():
    import pytest

    ds = reference.solve("hh1952", 2.0, rtol=1e-8, atol=[1e-6, 1e-9, 1e-9, 1e-9],
                         max_step=0.5)
    assert ds.attrs["integrator"] == ("scipy solve_ivp LSODA rtol=1e-08 atol=[1e-06, 1e-09, "
                                      "1e-09, 1e-09] max_step=0.5 ms")
    with pytest.warns(UserWarning, match="at or after t_end"):
        reference.solve("hh1952", 5.0, stimulus=bp.Pulse(10.0, 50.0, 1.0))
    with pytest.warns(UserWarning, match="K_o = 0.008 mM is outside the physiological range"):
        reference.solve("beta_cell", 1.0, params={"K_o": 0.008}, record_every=0.5)
