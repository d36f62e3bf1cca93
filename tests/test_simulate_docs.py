"""simulate's docstring says what dt is for every method."""

import numpy as np
import pytest

import biophys as bp
from biophys.kernels.protocol import block_parameters


def _dt_entry():
    doc = bp.simulate.__doc__
    return doc[doc.index("    dt : float"):doc.index("    params : mapping")]


@pytest.mark.parametrize("method", ["adaptive", "rosenbrock"])
def test_dt_of_an_error_controlled_method_is_the_output_grid(method):
    """The dt entry said only "Fixed step", and that the dt attribute is the step taken; with
    an error-controlled method the steps are the controller's and dt is the record grid."""
    entry = " ".join(_dt_entry().split())
    assert "output grid" in entry and method in entry
    ds = bp.simulate("hh1952", 20.0, 0.5, method=method, stimulus=bp.Pulse(20.0, 1.0, 1.0))
    np.testing.assert_allclose(np.diff(ds.time.values), 0.5, rtol=1e-12)
    assert ds.attrs["dt"] == 0.5 and ds.sizes["spike"] == 1


@pytest.mark.parametrize("name", bp.list_models())
def test_current_input_flag_matches_the_kernel(name):
    """``Model.current_input``: whether the kernel's dV/dt (Rush-Larsen form A + B V) moves
    with the stimulus current I_ext. chen_2008_exocytosis ignores it (dV/dt = 0), and a
    Pulse on it was accepted and did nothing."""
    m = bp.model(name)
    Y = m.default_states()[:, None].copy()
    P = block_parameters(m.kernel, m.default_parameters()[:, None])  # with derived rows
    dv = []
    for i_ext in (0.0, 1.0):
        A, B = np.zeros_like(Y), np.zeros_like(Y)
        m.kernel.rates(Y, P, 0, 0.0, i_ext, A, B)
        dv.append(A[0, 0] + B[0, 0] * Y[0, 0])
    assert (dv[1] != dv[0]) == m.current_input


def test_a_current_stimulus_on_a_model_without_current_input_is_refused():
    with pytest.raises(ValueError, match=r"'chen_2008_exocytosis' takes no current input .* "
                                         r"drive it with a biophys.VoltageClamp"):
        bp.simulate("chen_2008_exocytosis", 5.0, stimulus=bp.Pulse(1000.0, 1.0, 2.0))
    with pytest.raises(ValueError, match="takes no current input"):
        bp.sweep("chen_2008_exocytosis", grid={"g_CaL": [1.0]}, t_end=5.0, dry_run=True,
                 stimulus=bp.Steps([0.0, 1.0], [0.0, 5.0]))
    with pytest.raises(ValueError, match="takes no current input"):
        bp.reference.solve("chen_2008_exocytosis", 5.0, stimulus=bp.Pulse(1.0, 1.0, 2.0))
    clamp = bp.VoltageClamp(-70.0, steps=[(0.0, 2.0)], start=1.0)
    assert bp.simulate("chen_2008_exocytosis", 5.0, stimulus=clamp).attrs["status"] == "ok"
