"""simulate's docstring says what dt is for every method."""

import numpy as np
import pytest

import biophys as bp


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
