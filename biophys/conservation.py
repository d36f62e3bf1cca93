"""Charge conservation check, reusable for any model.

With no applied current, the charge on the membrane changes only through the ionic currents,
and, when every current is carried by an ion whose concentration the model tracks, by exactly
the charge those ions carry across the membrane:

    C dV = - sum_j I_j dt                   (1)  every current is in the V equation
    C dV = sum_ion q_ion z_ion dc_ion       (2)  every current moves a tracked ion

(``q_ion``: membrane charge per mM in the ion's compartment, e.g.
:func:`biophys.kernels.ion_balance.charge_per_mM_density`; negative for an extracellular
compartment). :func:`check_conservation` runs the model through the real engine
(:func:`biophys._engine.run`), recording every state at every step, and evaluates both sides:

* ``charge_membrane`` = ``C (V_end - V_0)``;
* ``charge_currents`` = ``-integral of sum_j I_j`` with the integrator's own quadrature: the
  stage states of each step (``Y_n`` for RL1, the RL1 half step for RL2) are rebuilt with the
  model's ``rates`` and the currents evaluated there with its ``aux``, weighted exactly as the
  driver weights the V right-hand side. (1) then holds to rounding whenever the listed
  currents are all the membrane current; ``charge_currents_trapezoid`` gives the plain
  trapezoid rule of the recorded currents for comparison (first/second order only);
* ``charge_ions`` = ``sum q z (c_end - c_0)``. (2) holds to rounding for every method when the
  tracked concentrations are given the same quasi-linear ``B`` as V (or ``B = 0`` for all of
  them; see :mod:`biophys.kernels.ion_balance`), and to O(dt) otherwise.

Units: the capacitance times mV must be the current unit times ms (uF/cm^2 with uA/cm^2:
nC/cm^2; pF with pA: fC).
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from . import _engine
from ._checks import checked_number
from ._model import Model, Output, Parameter, State
from .kernels.protocol import block_parameters, phi1


@dataclass
class ConservationReport:
    """Both sides of the conservation identities (charge in capacitance unit x mV)."""

    model: str
    method: str
    dt: float
    n_steps: int
    charge_membrane: float
    charge_currents: float
    charge_currents_trapezoid: float
    charge_ions: float | None
    gross_charge: float
    ions: list[str] = field(default_factory=list)

    @staticmethod
    def _rel(a: float, b: float) -> float:
        scale = max(abs(a), abs(b))
        return 0.0 if scale == 0.0 else abs(a - b) / scale

    @property
    def error_currents(self) -> float:
        """Relative mismatch of identity (1)."""
        return self._rel(self.charge_membrane, self.charge_currents)

    @property
    def error_ions(self) -> float:
        """Relative mismatch of identity (2) (NaN when no ion is tracked)."""
        if self.charge_ions is None:
            return math.nan
        return self._rel(self.charge_membrane, self.charge_ions)

    def ok(self, rtol: float = 1e-9) -> bool:
        """True when (1), and (2) if ions are tracked, hold to ``rtol``."""
        good = self.error_currents <= rtol
        if self.charge_ions is not None:
            good = good and self.error_ions <= rtol
        return bool(good)

    def __str__(self) -> str:
        s = (f"{self.model} ({self.method}, dt = {self.dt:g} ms, {self.n_steps} steps): "
             f"C dV = {self.charge_membrane:.12g}; -int I dt = {self.charge_currents:.12g} "
             f"(rel. err {self.error_currents:.2e}); "
             f"trapezoid {self.charge_currents_trapezoid:.12g}")
        if self.charge_ions is not None:
            s += (f"; sum q z dc ({', '.join(self.ions)}) = {self.charge_ions:.12g} "
                  f"(rel. err {self.error_ions:.2e})")
        return s


def _default_method() -> str:
    p = inspect.signature(_engine.run).parameters.get("method")
    return "rl1" if p is None or p.default is inspect.Parameter.empty else p.default


def _order(method: str) -> int:
    methods = getattr(_engine, "METHODS", None)
    if isinstance(methods, Mapping) and method in methods:
        return int(methods[method])
    return {"rl1": 1, "exponential": 1, "rl2": 2}.get(method, 1)


def check_conservation(
    model: str | Model,
    *,
    currents: Sequence[str],
    capacitance: str | float,
    ions: Sequence[tuple[str, float, float]] = (),
    params: Mapping[str, float] | None = None,
    initial: Mapping[str, float] | None = None,
    t_end: float = 50.0,
    dt: float | None = None,
    method: str | None = None,
) -> ConservationReport:
    """Run ``model`` with no applied current and evaluate the charge-conservation identities.

    Parameters
    ----------
    model : str or Model
        Built-in model name or a :class:`biophys.Model` (e.g. one not registered).
    currents : sequence of str
        Outputs whose sum is the total ionic membrane current (model current unit, outward
        positive).
    capacitance : str or float
        Name of the capacitance parameter, or its value (model unit: capacitance x mV = current
        unit x ms).
    ions : sequence of (state, valence, charge_per_mM)
        Tracked concentration states; ``charge_per_mM`` converts 1 mM in that compartment to
        membrane charge (negative for extracellular compartments). Empty: only (1) is checked.
    params, initial : mapping, optional
        Parameter and initial-state overrides (set any constant applied current to 0).
    t_end, dt : float
        Duration and step, ms (``dt`` default: the model's).
    method : str, optional
        Integration method of :func:`biophys._engine.run` (default: the engine's default).

    Returns
    -------
    ConservationReport
        Use ``report.ok(rtol)`` or ``report.error_currents`` / ``report.error_ions``.
    """
    from .models import get_model

    m = get_model(model)
    method = _default_method() if method is None else method
    dt = m.dt if dt is None else dt  # checked by the engine (check_time)
    p = m.parameter_vector(params)
    y0 = m.state_vector(initial)
    if isinstance(capacitance, str):
        cm = float(p[m.parameter_index(capacitance)])
    else:
        cm = capacitance
    cm = checked_number(cm, "capacitance", "(model capacitance unit)", 0.0, low_open=True)
    currents = list(currents)
    if not currents:
        raise ValueError("currents must list at least one output of the model")
    for name in currents:
        if name not in m.output_names:
            raise ValueError(f"{name!r} is not an output of model {m.name!r}; outputs: "
                             f"{', '.join(m.output_names)}")
    for st, z, q in ions:
        m.state_index(st)
        if not (math.isfinite(float(z)) and float(z) != 0 and math.isfinite(float(q))):
            raise ValueError(f"ion {st!r}: valence must be non-zero and charge_per_mM finite")
    states = list(m.state_names)
    kw = {} if "method" not in inspect.signature(_engine.run).parameters else {"method": method}
    raw = _engine.run(m, p[:, None], y0[:, None], t_end=t_end, dt=dt,
                      record=states + currents, **kw)
    ns = len(states)
    Ytr = raw.rec[:ns, 0, :]  # (n_states, n_steps + 1), exact driver states
    Itr = raw.rec[ns:, 0, :].sum(axis=0)
    h = raw.dt
    n = raw.n_steps
    v_idx = 0
    charge_membrane = cm * (Ytr[v_idx, -1] - Ytr[v_idx, 0])
    trap = -h * (0.5 * Itr[0] + Itr[1:-1].sum() + 0.5 * Itr[-1])
    gross = h * np.abs(Itr[:-1]).sum()

    # rebuild the driver's stages and integrate the currents with its weights
    order = _order(method)
    k = m.kernel
    P1 = block_parameters(k, p[:, None])
    A = np.zeros((ns, 1))
    B = np.zeros((ns, 1))
    out = np.zeros((max(len(m.outputs), 1), 1))
    cur_idx = [m.output_names.index(c) for c in currents]
    total = 0.0
    for j in range(n):
        yn = np.ascontiguousarray(Ytr[:, j:j + 1])
        t = j * h
        if order == 1:
            ys, ts = yn, t
            i_stage = Itr[j]
        else:
            k.rates(yn, P1, 0, t, 0.0, A, B)
            hh = 0.5 * h
            ys = np.array([[yn[i, 0] + hh * (A[i, 0] - B[i, 0] * yn[i, 0])
                            * phi1(-B[i, 0] * hh)] for i in range(ns)])
            ts = t + hh
            k.aux(ys, P1, 0, ts, 0.0, out)
            i_stage = sum(out[i, 0] for i in cur_idx)
        k.rates(ys, P1, 0, ts, 0.0, A, B)
        b = B[v_idx, 0]
        total += h * phi1(-b * h) * (-i_stage + cm * b * (ys[v_idx, 0] - yn[v_idx, 0]))

    charge_ions = None
    names = []
    if ions:
        charge_ions = 0.0
        for st, z, q in ions:
            i = m.state_index(st)
            charge_ions += float(q) * float(z) * (Ytr[i, -1] - Ytr[i, 0])
            names.append(st)
    return ConservationReport(m.name, method, h, n, float(charge_membrane), float(total),
                              float(trap), charge_ions, float(gross), names)


def conservation_demo_model() -> Model:
    """The test cell of :mod:`biophys.kernels.models._conservation_demo` as a :class:`Model`.

    Built here for conservation tests (not a published model, not registered as a built-in):
    GHK Na+/K+ leaks, the Cha et al. (2011) Na+/K+-ATPase, tracked Na_i and K_i in a
    compartment of 0.1 um volume per um^2 of membrane.
    """
    from .kernels.models import _conservation_demo as kernel

    here = "built here for the conservation test (biophys.conservation)"
    par = [
        Parameter("C_m", 1.0, "uF/cm^2", "membrane capacitance", here, (1e-3, 1e3)),
        Parameter("P_Na", 2e-7, "cm/s", "Na+ GHK permeability", here, (0.0, 1.0)),
        Parameter("P_K", 5e-6, "cm/s", "K+ GHK permeability", here, (0.0, 1.0)),
        Parameter("Na_o", 140.0, "mM", "bath Na+", here, (1e-6, 1e3), condition=True),
        Parameter("K_o", 5.4, "mM", "bath K+", here, (1e-6, 1e3), condition=True),
        Parameter("MgATP", 5.0, "mM", "cytosolic Mg.ATP", here, (0.0, 100.0)),
        Parameter("MgADP", 0.05, "mM", "cytosolic Mg.ADP", here, (0.0, 100.0)),
        Parameter("Pi", 1.9, "mM", "cytosolic phosphate", "Cha et al. 2011", (0.0, 100.0)),
        Parameter("pH", 7.2, "1", "cytosolic pH", here, (0.0, 14.0), condition=True),
        Parameter("pump_amplitude", 50.0, "uA/cm^2 ms", "pump current per unit cycle rate",
                  here, (0.0, 1e6)),
        Parameter("area", 1.0, "um^2", "membrane area", here, (1e-6, 1e12)),
        Parameter("volume", 0.1, "um^3", "compartment volume", here, (1e-6, 1e12)),
        Parameter("temperature", 37.0, "C", "temperature", here, (-5.0, 50.0), condition=True),
        Parameter("I_app", 0.0, "uA/cm^2", "applied current", "protocol input", (-1e4, 1e4)),
        Parameter("B_mode", 0.0, "1", "quasi-linear split (0, 1, 2; see kernel)", here,
                  (0.0, 2.0)),
    ]
    sts = [
        State("V", -70.0, "mV", "membrane potential", here, (-300.0, 300.0)),
        State("Na_i", 10.0, "mM", "cytosolic Na+", here, (0.0, 1e3)),
        State("K_i", 140.0, "mM", "cytosolic K+", here, (0.0, 1e3)),
    ]
    outs = [
        Output("I_Na", "uA/cm^2", "GHK Na+ current"),
        Output("I_K", "uA/cm^2", "GHK K+ current"),
        Output("I_NaK", "uA/cm^2", "Na+/K+-ATPase current"),
        Output("I_ion", "uA/cm^2", "total ionic current"),
    ]
    return Model(name="_conservation_demo", title="conservation test cell (not published)",
                 description=conservation_demo_model.__doc__ or "", references=(),
                 parameters=tuple(par), states=tuple(sts), outputs=tuple(outs), kernel=kernel,
                 dt=0.01, spike_threshold=0.0, burst_gap=100.0)
