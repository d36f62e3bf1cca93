"""The charge audit of a finished sweep: each point's drift, a flag and a warning.

:func:`biophys.audit.charge_drift` compares each point's membrane charge change with what its
tracked ions and applied current account for; this module gathers the parameters and states it
needs from the sweep's design and adds ``charge_drift`` (mV) to the result.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from . import audit as _audit
from ._warn import warn_user

if TYPE_CHECKING:
    import xarray as xr

    from ._design import Design, Mapper
    from ._initial import Initial
    from ._model import Model


def audit_sweep(ds: xr.Dataset, m: Model, design: Design, p0: np.ndarray, mapper: Mapper,
                init: Initial, results: dict[str, np.ndarray], t_end: float, rest: bool,
                stimulus, audit_tol: float, keep_final: bool, how: str) -> int:
    """Audit every point of a finished sweep; add ``charge_drift`` to ``ds``.

    Parameters
    ----------
    ds : xarray.Dataset
        The sweep's result, with a ``final_<state>`` variable per state (dropped here unless
        ``keep_final``).
    m, design, p0, mapper, init
        The model, the design, the shared parameter vector, the mapping of swept values to
        parameters and the initial states of the sweep.
    results : dict of str to (n,) arrays
        The sweep's outputs: ``final_<state>`` for the states the audit needs, ``t_rest`` (ms)
        if ``rest``.
    t_end : float
        Simulated time, ms.
    rest : bool
        Whether points may stop at rest; a stopped point is audited up to its ``t_rest`` (its
        closed-form end state keeps the ions where they were, so it leaves out what an
        applied current would move after).
    stimulus : Stimulus or None
        The applied current.
    audit_tol : dict
        ``{"atol": mV, "rtol": 1}``, as :func:`biophys.audit.tolerances` returns it.
    keep_final : bool
        Keep the final states in ``ds``.
    how : str
        The integration settings, for the warning text.

    Returns
    -------
    int
        The number of points flagged (drift beyond the tolerance); a warning names the worst.
    """
    n = design.n_points
    pars, states = _audit.needed(m)
    t_audit = (np.where(np.isfinite(results["t_rest"]), results["t_rest"], t_end)
               if rest else t_end)
    drift, applied = _audit.charge_drift(
        m, _point_parameters(m, p0, mapper, n, pars), _point_initial(m, init, n, states),
        {s: results[f"final_{s}"] for s in states}, t_audit, stimulus)
    over = _audit.flagged(drift, applied, audit_tol)
    add_drift(ds, m, design, drift, keep_final)
    if over.any():
        k = int(np.nanargmax(np.where(over, np.abs(drift), np.nan)))
        warn_user(f"audit: {int(over.sum())} of {n} points drift beyond the charge "
                  f"tolerance (largest {drift[k]:.3g} mV at point {k}; {how}); rl2/rl2ab "
                  "keep the charge to rounding, staggered and rl1 only to their order")
    return int(over.sum())


def add_drift(ds: xr.Dataset, m: Model, design: Design, drift: np.ndarray,
              keep_final: bool) -> None:
    """Add ``charge_drift`` (mV); drop the final states the audit needed unless asked for."""
    if not keep_final:
        for s in m.state_names:
            del ds[f"final_{s}"]
    ds["charge_drift"] = (design.dims, drift.reshape(design.shape), {
        "units": "mV", "long_name": "charge drift: membrane charge change not accounted for "
                                    "by the tracked ions and the applied current, in mV of "
                                    "membrane potential (biophys.audit)"})


def _point_parameters(m: Model, p0: np.ndarray, mapper: Mapper, n: int,
                      names) -> dict[str, np.ndarray | float]:
    """The parameters ``names`` at every point: (n,) arrays where swept, else the shared
    value (only the rows asked for are built)."""
    idx = {name: m.parameter_index(name) for name in names}
    vals = mapper.values(0, n) if any(i in mapper.varied for i in idx.values()) else None
    return {name: vals[mapper.varied.index(i)] if i in mapper.varied else float(p0[i])
            for name, i in idx.items()}


def _point_initial(m: Model, init: Initial, n: int, names) -> dict[str, np.ndarray | float]:
    """The initial states ``names`` at every point (per-point values where given)."""
    idx = {name: m.state_index(name) for name in names}
    cols = init.columns(np.arange(n)) if any(i in init.rows for i in idx.values()) else None
    return {name: cols[init.rows.index(i)] if i in init.rows else float(init.y0[i])
            for name, i in idx.items()}
