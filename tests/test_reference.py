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
    n = min(ref.sizes["spike"], ds.sizes["spike"])
    assert n >= 10
    # spike times within 0.05 ms over 200 ms of firing at the default step
    np.testing.assert_allclose(ds.spike_times.values[:n], ref.spike_times.values[:n], atol=0.05)


def test_voltage_clamp_reference_holds_command():
    vc = bp.VoltageClamp(-65.0, [(0.0, 5.0)], start=1.0)
    ds = reference.solve("hh1952", 8.0, stimulus=vc, record=["V", "I_K"], record_every=0.5)
    assert np.all(ds.V.sel(time=slice(1.0, 5.5)).values == 0.0)
    assert ds.I_K.sel(time=5.5) > 50.0
