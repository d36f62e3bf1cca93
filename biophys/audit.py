"""Per-point charge audit: does each run still keep its model's charge invariant?

For a model whose every membrane current is carried by an ion it tracks (declared by
:class:`biophys.ChargeBalance`, e.g. ``beta_cell``), the ODEs keep

    C (V_end - V_0) - sum_ion q_ion z_ion (c_end - c_0) = Q_applied       (1)

where ``q_ion`` is the membrane charge per mM in the ion's compartment (divided by its
rapid-buffer free fraction) and ``Q_applied`` the integral of the applied current (a constant
``I_app`` times ``t_end``, plus a current stimulus's integral). The audit evaluates (1) from
the initial and final states alone, so it costs nothing during a run, and reports the
**charge drift** in mV of membrane potential:

    drift = [C (V_end - V_0) - sum q z (c_end - c_0) - Q_applied] / C.

What it finds (measured once over 60 s of ``beta_cell`` at K_o 3-12 mM, session 31; the
2 s behaviour is pinned by ``tests/test_audit.py``): ``rl1``, ``rl2``, ``rl2ab`` and
``adaptive`` keep (1) to rounding without an applied current (below 1e-7 mV), ``rosenbrock``
to 2.5e-6 mV.
With a constant applied current the Rush-Larsen steps deliver its charge only to their order,
because the exponential factor of V multiplies it: second order for ``rl2`` and ``rl2ab``
(``beta_cell``, 3 pA for 2 s at dt 0.1 ms: 2e-4 mV of 974 mV applied; the conservation test
cell at dt 0.01 ms: 4e-5 of it) and first order for ``rl1`` (5e-4 and 7e-3 of it).
``staggered`` moves the ions half a step away from V and drifts by millivolts without any
applied current (``beta_cell``, dt 0.1 ms: 1.1 mV after 2 s, 11 mV after 60 s). A point is
flagged when ``|drift| > atol + rtol Q_delivered / C`` (defaults :data:`DEFAULT_ATOL` mV and
:data:`DEFAULT_RTOL`: second-order steps at a model's own step pass, ``rl1`` with an applied
current and ``staggered`` do not), where ``Q_delivered`` is the charge the applied current and
the stimulus deliver whatever its sign, ``integral |I_app + I_stim(t)| dt``: the Rush-Larsen
error grows with every charge a step delivers, so a biphasic stimulus whose net charge is zero
is judged on what it delivered. A current stimulus is integrated exactly;
the fixed-step methods sample it at step midpoints, so an edge that does not fall on a step
boundary delivers a different charge, which the audit reports. A voltage clamp has no charge
balance (its clamp current is not modelled) and is refused. A sweep point stopped at rest
(``stop_at_rest``) is audited up to ``t_rest``: its closed-form end state keeps the ions where
they were, leaving out what an applied current small enough to pass the rest test would still
move.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

from ._charge import ChargeBalance
from ._checks import checked_number
from ._model import Model
from .kernels.ion_balance import charge_per_mM_density, charge_per_mM_pA

#: Default absolute tolerance of the charge drift, mV (rounding after 1e7 steps: ~1e-7 mV).
DEFAULT_ATOL = 1e-3
#: Default tolerance relative to the delivered charge (rl2 at the models' own steps: <= 4e-5).
DEFAULT_RTOL = 1e-4



def balance_of(model: Model) -> ChargeBalance:
    """The model's :class:`ChargeBalance`, or a ``ValueError`` saying the audit does not apply."""
    if model.charge_balance is None:
        raise ValueError(
            f"audit: model {model.name!r} declares no charge balance (some of its membrane "
            "currents are carried by ions it does not track, so its charge is not an "
            "invariant of the state); the audit applies to models with "
            "Model.charge_balance, e.g. 'beta_cell'")
    return model.charge_balance


def tolerances(audit, model: Model, stimulus=None) -> dict[str, float] | None:
    """Check the ``audit`` option of :func:`biophys.sweep`: None when off, else its tolerances.

    ``audit`` is a bool (a NumPy bool too), None (off) or a mapping with ``atol`` (mV,
    >= 0) and/or ``rtol`` (relative to the delivered charge, dimensionless, in [0, 1]).
    """
    if audit is None or isinstance(audit, (bool, np.bool_)) and not audit:
        return None
    if isinstance(audit, (bool, np.bool_)):
        tol = {}
    elif isinstance(audit, Mapping):
        tol = dict(audit)
        unknown = set(tol) - {"atol", "rtol"}
        if unknown:
            raise ValueError(f"audit: unknown key(s) {sorted(unknown)}; give atol (mV) and/or "
                             "rtol (relative to the delivered charge)")
    else:
        raise ValueError(f"audit = {audit!r} must be True, False or a mapping with atol (mV) "
                         "and/or rtol")
    balance_of(model)
    applied_integral(stimulus, 1.0)  # refuses a voltage clamp up front
    return {"atol": checked_number(tol.get("atol", DEFAULT_ATOL), "audit atol", "mV", 0.0),
            "rtol": checked_number(tol.get("rtol", DEFAULT_RTOL), "audit rtol", "1", 0.0, 1.0,
                                   note=" (a fraction of the delivered charge)")}


def _pieces(stimulus, t: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The stimulus's constant pieces up to ``t`` (ms, scalar or array): its ``values``, their
    durations inside ``[0, t]`` (shape ``t.shape + values.shape``) and the time before its
    first edge (``times[0]``, >= 0, at most ``t``), where no current is injected."""
    times, values, clamp = stimulus.waveform()
    if clamp:
        raise ValueError("audit: a voltage clamp has no charge balance (the clamp current is "
                         "not part of the model); run the audit without it")
    times = np.asarray(times, float)
    edges = np.minimum(np.append(times, math.inf), t[..., None])
    return (np.asarray(values, float), np.maximum(np.diff(edges, axis=-1), 0.0),
            np.minimum(times[0], t))


def applied_integral(stimulus, t_end) -> np.ndarray | float:
    """Integral of a current stimulus over ``[0, t_end]``, model current unit x ms (0 if None).

    The waveform is piecewise constant (:mod:`biophys.stimulus`): value ``values[j]`` on
    ``[times[j], times[j+1])``, the last one to ``t_end``, zero before ``times[0]``. ``t_end``
    may be an array (one integral per end time).
    """
    t = np.asarray(t_end, float)
    if stimulus is None:
        return 0.0 if t.ndim == 0 else np.zeros(t.shape)
    values, widths, _ = _pieces(stimulus, t)
    out = np.sum(values * widths, axis=-1)
    return float(out) if t.ndim == 0 else out


def delivered_integral(stimulus, t_end, I_app=0.0) -> np.ndarray | float:
    """Integral of ``|I_app + stimulus(t)|`` over ``[0, t_end]``, model current unit x ms.

    The charge delivered whatever its sign (the scale of :func:`flagged`'s relative
    tolerance). ``I_app`` (the model's constant applied current) and ``t_end`` may be arrays
    that broadcast together.
    """
    t = np.asarray(t_end, float)
    i_app = np.asarray(I_app, float)
    if stimulus is None:
        out = np.abs(i_app) * t
    else:  # I_app alone before the first edge, then I_app + values[j]
        values, widths, lead = _pieces(stimulus, t)
        out = np.abs(i_app) * lead + np.sum(np.abs(i_app[..., None] + values) * widths, axis=-1)
    return float(out) if out.ndim == 0 else out


def needed(model: Model) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The parameters and states the audit of ``model`` reads (V first among the states)."""
    cb = balance_of(model)
    pars = [cb.capacitance, cb.area, cb.applied]
    for c in cb.carriers:
        pars += [c.volume, c.free_fraction]
    pars = tuple(dict.fromkeys(p for p in pars if p is not None))
    return pars, ("V", *(c.state for c in cb.carriers))


def charge_drift(model: Model, params, initial, final, t_end,
                 stimulus=None) -> tuple[np.ndarray, np.ndarray]:
    """Charge drift of runs of ``model`` from their initial and final states.

    Parameters
    ----------
    model : Model
        A model with a :class:`ChargeBalance`.
    params : numpy.ndarray or mapping
        Parameter vectors, shape ``(n_params,)`` (shared) or ``(n_params, n)``; or a mapping
        ``{name: value or (n,) array}`` holding at least the parameters of :func:`needed`.
    initial, final : numpy.ndarray or mapping
        States at 0 and at the end, shape ``(n_states,)`` or ``(n_states, n)``; or mappings
        ``{state: value or (n,) array}`` with at least the states of :func:`needed`.
    t_end : float or numpy.ndarray
        Duration of each run, ms (the applied current's charge is counted up to it).
    stimulus : Pulse or Steps, optional
        The current stimulus every run received.

    Returns
    -------
    drift : numpy.ndarray
        ``(n,)``: membrane charge not accounted for by the ions and the applied current, in mV
        of membrane potential (NaN where a state is not finite).
    delivered : numpy.ndarray
        ``(n,)``: the charge the applied current and the stimulus delivered, whatever its
        sign (:func:`delivered_integral`), mV of membrane potential: the scale of the
        relative tolerance of :func:`flagged`.
    """
    cb = balance_of(model)

    def reader(x, index):
        if isinstance(x, Mapping):
            return lambda name: np.asarray(x[name], float)
        a = np.asarray(x, float)
        return lambda name: a[index(name)]

    par = reader(params, model.parameter_index)
    y0, y1 = reader(initial, model.state_index), reader(final, model.state_index)
    cm = par(cb.capacitance)
    ions = 0.0
    for c in cb.carriers:
        # the kernels' own conversions (their Python bodies: arrays in, no compilation)
        if cb.convention == "density":
            q = charge_per_mM_density.py_func(par(cb.area), par(c.volume))
        else:
            q = charge_per_mM_pA.py_func(par(c.volume))
        if c.free_fraction is not None:
            q = q / par(c.free_fraction)
        ions = ions + q * c.valence * (y1(c.state) - y0(c.state))
    t = np.asarray(t_end, float)
    applied = applied_integral(stimulus, t)
    i_app = 0.0
    if cb.applied is not None:
        i_app = par(cb.applied)
        applied = applied + i_app * t
    membrane = cm * (y1("V") - y0("V"))
    drift = (membrane - ions - applied) / cm
    delivered = delivered_integral(stimulus, t, i_app) / cm
    return np.atleast_1d(drift), np.atleast_1d(np.broadcast_to(delivered, drift.shape))


def flagged(drift: np.ndarray, delivered: np.ndarray, tol: Mapping[str, float]) -> np.ndarray:
    """Points whose ``|drift|`` exceeds ``atol + rtol |delivered|`` (NaN drift: not flagged).

    ``drift`` and ``delivered`` (the charge delivered whatever its sign) in mV, as
    :func:`charge_drift` returns them; ``tol`` as :func:`tolerances` returns it.
    """
    with np.errstate(invalid="ignore"):
        return np.abs(drift) > tol["atol"] + tol["rtol"] * np.abs(delivered)


__all__ = ["charge_drift", "applied_integral", "delivered_integral", "flagged", "needed",
           "tolerances", "DEFAULT_ATOL", "DEFAULT_RTOL"]
