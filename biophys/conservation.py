"""Charge conservation and mass-balance checks, reusable for any model.

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
* ``charge_ions`` = ``sum q z (c_end - c_0)``. (2) holds to rounding for every method but
  ``staggered`` (below) when the tracked concentrations are given the same quasi-linear ``B``
  as V (or ``B = 0`` for all of them; see :mod:`biophys.kernels.ion_balance`), and to O(dt)
  otherwise.

Units: the capacitance times mV must be the current unit times ms (uF/cm^2 with uA/cm^2:
nC/cm^2; pF with pA: fC).

:func:`check_balance` does the same for one state and the fluxes declared to drive it (a
concentration's stoichiometry, valence and volume): ``d state/dt = sum_k c_k x_k``.

Both rebuild the updates of the fixed-step methods ``rl1``, ``rl2``, ``rl2ab`` and
``staggered`` (:data:`CHECKED_METHODS`). ``staggered`` moves V and the other states over
intervals half a step apart, so (1) and every balance hold to rounding but (2) only to O(dt):
the ions carry the charge of the currents at other times than V does (``beta_cell``, 2 s at
its dt = 0.1 ms: the charge of 1.1 mV; ``tests/test_conservation.py``).
"""

from __future__ import annotations

import math
import reprlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from . import _engine
from ._charge import ChargeBalance, ChargeCarrier
from ._checks import checked_names, checked_number, is_real, to_float
from ._model import Model, Output, Parameter, State
from .kernels.protocol import block_parameters, phi1


@dataclass
class ConservationReport:
    """Both sides of the conservation identities (charge in capacitance unit x mV).

    ``rounding_membrane`` bounds the charge that storing V in double precision can lose over
    the run: each stored V is the exact update rounded by at most half an ulp, at most
    ``eps |V| / 2`` (``eps`` = 2**-52), so ``C dV`` is within ``n_steps eps C max|V| / 2`` of
    the sum of the updates; the bound kept is twice that. ``rounding_ions`` is the same bound
    for the tracked concentrations (``sum |q z| n_steps eps max|c|``). A cell at rest moves V by
    less than half an ulp per step: V does not change at all while the quadrature adds up the
    sub-ulp updates, so the relative errors are 1 although the model conserves charge;
    :meth:`ok` accepts a mismatch within these bounds.
    """

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
    rounding_membrane: float = 0.0
    rounding_ions: float = 0.0

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
        """True when (1) holds to ``rtol``, and (2) if ions are tracked to ``rtol`` of the gross
        charge (the ion side sums increments of contents often far larger than the net
        change); a mismatch within the rounding bounds of the stored states
        (``rounding_membrane``, plus ``rounding_ions`` for (2)) passes whatever ``rtol``
        (dimensionless, in [0, 1])."""
        rtol = checked_number(rtol, "rtol", "1", 0.0, 1.0)
        mismatch = abs(self.charge_membrane - self.charge_currents)
        scale = max(abs(self.charge_membrane), abs(self.charge_currents))
        good = mismatch <= max(rtol * scale, self.rounding_membrane)
        if self.charge_ions is not None:
            scale = max(abs(self.charge_membrane), abs(self.charge_ions), self.gross_charge)
            good = good and (abs(self.charge_ions - self.charge_membrane)
                             <= max(rtol * scale, self.rounding_membrane + self.rounding_ions))
        return bool(good)

    def __str__(self) -> str:
        s = (f"{self.model} ({self.method}, dt = {self.dt:g} ms, {self.n_steps} steps): "
             f"C dV = {self.charge_membrane:.12g}; -int I dt = {self.charge_currents:.12g} "
             f"(rel. err {self.error_currents:.2e}; rounding bound "
             f"{self.rounding_membrane:.2g}); trapezoid {self.charge_currents_trapezoid:.12g}")
        if self.charge_ions is not None:
            s += (f"; sum q z dc ({', '.join(self.ions)}) = {self.charge_ions:.12g} "
                  f"(rel. err {self.error_ions:.2e})")
        return s


#: The fixed-step methods whose steps the checks rebuild (:data:`biophys._engine.METHODS`).
#: The error-controlled methods (``adaptive``, ``rosenbrock``) record interpolated states, not
#: their steps, so their quadrature cannot be rebuilt from the records.
CHECKED_METHODS = ("rl1", "rl2", "rl2ab", "staggered")


def _storage_rounding(run: _Run, row: int) -> float:
    """Twice the bound on the rounding of the stored state ``row`` summed over the run (state
    unit): each step rounds it by at most ``eps |y| / 2``."""
    return float(run.n * np.finfo(float).eps * np.max(np.abs(run.Y[row])))


def _checked_method(method) -> str:
    if not isinstance(method, str) or method not in CHECKED_METHODS:
        raise ValueError(f"method = {method!r}: the conservation checks rebuild the steps of a "
                         f"fixed-step method, one of {', '.join(CHECKED_METHODS)}")
    return method


@dataclass
class _Run:
    """One cell's run with every state and the requested outputs recorded at every step."""

    model: Model
    method: str
    P1: np.ndarray  # the kernel's parameter block (derived rows included)
    Y: np.ndarray  # (n_states, n_steps + 1) states as the driver stored them
    out: np.ndarray  # (n_outputs, n_steps + 1) recorded outputs
    h: float
    n: int


def _run(m: Model, p: np.ndarray, initial, t_end, dt, method, outputs) -> _Run:
    """One recorded run of ``m`` with the parameter vector ``p``."""
    method = _checked_method(_engine.DEFAULT_METHOD if method is None else method)
    dt = m.dt if dt is None else dt  # checked by the engine (check_time)
    y0 = m.state_vector(initial)
    states = list(m.state_names)
    raw = _engine.run(m, p[:, None], y0[:, None], t_end=t_end, dt=dt,
                      record=states + list(outputs), method=method)
    ns = len(states)
    return _Run(m, method, block_parameters(m.kernel, p[:, None]), raw.rec[:ns, 0, :],
                raw.rec[ns:, 0, :], raw.dt, raw.n_steps)


def _phi1_rows(z: np.ndarray) -> np.ndarray:
    """``(e^z - 1)/z`` element by element, 1 at z = 0 (the driver's ``phi1``)."""
    out = np.ones_like(z)
    nz = z != 0.0
    out[nz] = np.expm1(z[nz]) / z[nz]
    return out


def _updates(run: _Run):
    """The driver's exponential updates, rebuilt from the recorded states.

    Yields ``(rows, h, y, stages)``: the driver moved the states ``rows`` (a slice) from
    ``y[rows]`` by ``h (a - b y) phi1(-b h)`` with ``(a, b) = sum w (A(z), B(z))`` over the
    stages ``(w, z, t_z)``, ``A`` and ``B`` the model's rates at ``z`` (states, shape
    ``(n_states, 1)``). ``rl1``: one stage at ``y_n``; ``rl2``: at the exponential half step;
    ``rl2ab``: ``1.5 A(y_n) - 0.5 A(y_(n-1))`` after the first step. ``staggered`` keeps the
    non-V states half a step from V (Hines 1984): they are re-run from ``x_0`` with the
    recorded V, V is moved with the states at ``t + h/2``, and the last half step brings them
    to ``t_end`` as the driver does.
    """
    k, P1, Y, h = run.model.kernel, run.P1, run.Y, run.h
    ns = Y.shape[0]
    A = np.zeros((ns, 1))
    B = np.zeros((ns, 1))
    every = slice(0, ns)

    def col(j):
        return np.ascontiguousarray(Y[:, j:j + 1])

    if run.method == "staggered":
        x = col(0)  # x_(k-1/2) in the rows below V (x_0 at k = 0)
        for j in range(run.n + 1):
            t = j * h
            z = x.copy()
            z[0, 0] = Y[0, j]
            hx = 0.5 * h if j in (0, run.n) else h
            yield slice(1, ns), hx, z, [(1.0, z, t)]
            if j == run.n:
                return
            k.rates(z, P1, 0, t, 0.0, A, B)
            x = z + hx * (A - B * z) * _phi1_rows(-B * hx)
            x[0, 0] = Y[0, j]
            yield slice(0, 1), h, x, [(1.0, x, t + 0.5 * h)]
    for j in range(run.n):
        t = j * h
        yn = col(j)
        if run.method == "rl1":
            yield every, h, yn, [(1.0, yn, t)]
        elif run.method == "rl2":
            k.rates(yn, P1, 0, t, 0.0, A, B)
            hh = 0.5 * h
            yield every, h, yn, [(1.0, yn + hh * (A - B * yn) * _phi1_rows(-B * hh), t + hh)]
        elif j == 0:  # rl2ab: no earlier rates on the first step
            yield every, h, yn, [(1.0, yn, t)]
        else:
            yield every, h, yn, [(1.5, yn, t), (-0.5, col(j - 1), t - h)]


def _quadrature(run: _Run, row: int, rate) -> float:
    """The change of state ``row`` over the run by the driver's own updates, with the
    declared ``rate(z, out)`` (state unit per ms at the states ``z`` and outputs ``out``) in
    place of the model's: where the two agree at every stage, the recorded change is matched
    to rounding (a term ``B (z - y)`` carries the quasi-linear split, exact for any ``B``)."""
    k, P1 = run.model.kernel, run.P1
    ns = run.Y.shape[0]
    A = np.zeros((ns, 1))
    B = np.zeros((ns, 1))
    out = np.zeros((max(len(run.model.outputs), 1), 1))
    total = 0.0
    for rows, h, y, stages in _updates(run):
        if not rows.start <= row < rows.stop:
            continue
        b = 0.0
        f = 0.0
        for w, z, tz in stages:
            k.rates(z, P1, 0, tz, 0.0, A, B)
            k.aux(z, P1, 0, tz, 0.0, out)
            bz = B[row, 0]
            b += w * bz
            f += w * (rate(z[:, 0], out[:, 0]) + bz * (z[row, 0] - y[row, 0]))
        total += h * phi1(-b * h) * f
    return float(total)


def _trapezoid_and_gross(rate: np.ndarray, h: float) -> tuple[float, float]:
    """The trapezoid rule of a rate sampled at every step, and the integral of its absolute
    value (left sums, the scale of rounding and of the errors)."""
    return (float(h * (0.5 * rate[0] + rate[1:-1].sum() + 0.5 * rate[-1])),
            float(h * np.abs(rate[:-1]).sum()))


def _ion_entries(ions) -> list[tuple]:
    """``ions`` as a list of ``(state, valence, charge_per_mM)`` entries, or a ``ValueError``
    showing what was given (a single tuple was unpacked letter by letter before)."""
    entry = "(state, valence, charge_per_mM) tuples"
    if isinstance(ions, (str, Mapping)) or not isinstance(ions, Iterable):
        raise ValueError(f"ions = {reprlib.repr(ions)} must be a sequence of {entry}")
    out = list(ions)
    for e in out:
        if isinstance(e, str) or not isinstance(e, Sequence) or len(e) != 3:
            one = (f"; one ion is ions=[{reprlib.repr(tuple(out))}]"
                   if len(out) == 3 and isinstance(out[0], str) else "")
            raise ValueError(f"ions = {reprlib.repr(ions)} must be a sequence of {entry}: "
                             f"entry {reprlib.repr(e)} is not one{one}")
    return out


def _no_applied_current(m: Model, p: np.ndarray) -> None:
    """A ``ValueError`` if ``m`` declares an applied current (``ChargeBalance.applied``) and
    it is not 0 in the parameter vector ``p``: identity (1) has no term for it."""
    cb = m.charge_balance
    name = cb.applied if cb is not None else None
    if name is None:
        return
    value = float(p[m.parameter_index(name)])
    if value != 0.0:
        raise ValueError(
            f"{name} = {value:g} {m.parameter(name).unit} (the applied current of model "
            f"{m.name!r}) must be 0 for check_conservation: its identities have no term for an "
            f"applied current; give params={{{name!r}: 0.0}} (sweep(audit=True) accounts for "
            "one)")


def check_conservation(
    model: str | Model,
    *,
    currents: str | Sequence[str],
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
    currents : str or sequence of str
        Outputs whose sum is the total ionic membrane current (model current unit, outward
        positive); a single name is one output.
    capacitance : str or float
        Name of the capacitance parameter, or its value (model unit: capacitance x mV = current
        unit x ms).
    ions : sequence of (state, valence, charge_per_mM)
        Tracked concentration states; ``valence`` (dimensionless) is a non-zero real number,
        ``charge_per_mM`` (capacitance unit x mV per mM) a finite real number that converts
        1 mM in that compartment to membrane charge (negative for extracellular compartments).
        Empty: only (1) is checked. A single ion is a list of one tuple.
    params, initial : mapping, optional
        Parameter and initial-state overrides. Set any constant applied current to 0: the
        identities have no term for it. A model that declares it
        (``Model.charge_balance.applied``, e.g. ``beta_cell``'s ``I_app``) is refused when it
        is not 0.
    t_end, dt : float
        Duration and step, ms (``dt`` default: the model's).
    method : str, optional
        A fixed-step method of :func:`biophys.simulate`, one of :data:`CHECKED_METHODS`
        (default: the engine's default).

    Returns
    -------
    ConservationReport
        Use ``report.ok(rtol)`` or ``report.error_currents`` / ``report.error_ions``.
    """
    from .models import get_model

    m = get_model(model)
    currents = list(checked_names(currents, "currents", f"an output name of model {m.name!r} "
                                  f"(outputs: {', '.join(m.output_names)})"))
    if not currents:
        raise ValueError("currents must list at least one output of the model")
    for name in currents:
        if not isinstance(name, str) or name not in m.output_names:
            raise ValueError(f"{name!r} is not an output of model {m.name!r}; outputs: "
                             f"{', '.join(m.output_names)}")
    p = m.parameter_vector(params)
    _no_applied_current(m, p)
    cm = float(p[m.parameter_index(capacitance)]) if isinstance(capacitance, str) else capacitance
    cm = checked_number(cm, "capacitance", "(model capacitance unit)", 0.0, low_open=True)
    ions = _ion_entries(ions)
    for st, z, q in ions:
        m.state_index(st)
        if not (is_real(z) and math.isfinite(to_float(z)) and to_float(z) != 0
                and is_real(q) and math.isfinite(to_float(q))):
            raise ValueError(f"ion {st!r}: valence = {reprlib.repr(z)} (dimensionless) must be a "
                             f"non-zero real number and charge_per_mM = {reprlib.repr(q)} "
                             "(capacitance unit x mV per mM) a finite real number")
    run = _run(m, p, initial, t_end, dt, method, currents)
    Itr = run.out.sum(axis=0)
    h = run.h
    charge_membrane = cm * (run.Y[0, -1] - run.Y[0, 0])
    trap, gross = _trapezoid_and_gross(-Itr, h)
    cur_idx = [m.output_names.index(c) for c in currents]
    total = cm * _quadrature(run, 0, lambda z, out: -sum(out[i] for i in cur_idx) / cm)

    charge_ions = None
    names = []
    rounding_ions = 0.0
    if ions:
        charge_ions = 0.0
        for st, z, q in ions:
            i = m.state_index(st)
            charge_ions += float(q) * float(z) * (run.Y[i, -1] - run.Y[i, 0])
            rounding_ions += abs(float(q) * float(z)) * _storage_rounding(run, i)
            names.append(st)
    return ConservationReport(m.name, run.method, h, run.n, float(charge_membrane),
                              float(total), float(trap), charge_ions, float(gross), names,
                              cm * _storage_rounding(run, 0), rounding_ions)


@dataclass
class BalanceReport:
    """Both sides of a mass balance: a state's recorded change and the integral of the fluxes
    declared to drive it (state unit)."""

    model: str
    method: str
    dt: float
    n_steps: int
    state: str
    change: float
    integral: float
    integral_trapezoid: float
    gross: float
    #: Bound on what storing the state in double precision loses over the run (state unit):
    #: ``n_steps eps max|state|`` (see :class:`ConservationReport`).
    rounding: float = 0.0

    @property
    def error(self) -> float:
        """Mismatch relative to the gross flux (the integral of its absolute value), or to the
        change or the integral where either is larger (declared fluxes that vanish in the run do
        not account for a change: the error is then 1, not 0)."""
        scale = max(self.gross, abs(self.change), abs(self.integral))
        return 0.0 if scale == 0.0 else abs(self.change - self.integral) / scale

    def ok(self, rtol: float = 1e-9) -> bool:
        """True when the change equals the integral to ``rtol`` of the gross flux, or within
        ``rounding`` (a state at rest moves by less than half an ulp per step); ``rtol``
        dimensionless, in [0, 1]."""
        rtol = checked_number(rtol, "rtol", "1", 0.0, 1.0)
        return bool(self.error <= rtol
                    or abs(self.change - self.integral) <= self.rounding)

    def __str__(self) -> str:
        return (f"{self.model} ({self.method}, dt = {self.dt:g} ms, {self.n_steps} steps): "
                f"change of {self.state} = {self.change:.12g}; integral of the fluxes = "
                f"{self.integral:.12g} (error {self.error:.2e} of the gross flux "
                f"{self.gross:.6g}; rounding bound {self.rounding:.2g}); "
                f"trapezoid {self.integral_trapezoid:.12g}")


def check_balance(
    model: str | Model,
    state: str,
    fluxes: Mapping[str, float],
    *,
    params: Mapping[str, float] | None = None,
    initial: Mapping[str, float] | None = None,
    t_end: float = 50.0,
    dt: float | None = None,
    method: str | None = None,
) -> BalanceReport:
    """Run ``model`` and check that ``state`` changes by exactly the integral of ``fluxes``.

    The balance ``d state/dt = sum_k c_k x_k`` is the bookkeeping of a concentration: e.g. a
    cytosolic Ca2+ that changes only through the Ca2+ currents (``c = -10 f A/(z F vol)`` mM/ms
    per uA/cm^2 with the area in um^2 and the volume in um^3, ``-1000 f/(z F vol)`` per pA
    with the volume in fL: :mod:`biophys.kernels.ion_balance`), the
    exchanger (one Ca2+ per net charge) and the pumps. It is evaluated with the driver's own
    updates (:func:`check_conservation`), so it holds to rounding when the listed terms are
    the state's whole right-hand side, and fails by far more when a term is missing or carries
    the wrong stoichiometry.

    Parameters
    ----------
    model : str or Model
        Built-in model name or a :class:`biophys.Model`.
    state : str
        The balanced state.
    fluxes : mapping of str to float
        Outputs or states ``x_k`` with their coefficients ``c_k`` (state unit per ms per unit
        of ``x_k``).
    params, initial : mapping, optional
        Parameter and initial-state overrides. A constant applied current may be on: in the
        built-in models it drives V alone, so a concentration's balance holds with it (the
        tracked ions follow the currents, not the applied current). It is a parameter, not a
        flux that can be listed, so a balance of V itself needs it 0.
    t_end, dt : float
        Duration and step, ms (``dt`` default: the model's).
    method : str, optional
        One of :data:`CHECKED_METHODS` (default: the engine's default).

    Returns
    -------
    BalanceReport
        Use ``report.ok(rtol)`` or ``report.error``.
    """
    from .models import get_model

    m = get_model(model)
    row = m.state_index(state)
    if not isinstance(fluxes, Mapping) or not fluxes:
        raise ValueError("fluxes must map at least one output or state to its coefficient")
    names = list(m.state_names)
    terms = []  # (is_output, index, coefficient)
    unit = m.states[row].unit
    for name, coef in fluxes.items():
        if name in m.output_names:
            is_out, i = True, m.output_names.index(name)
            x_unit = m.outputs[i].unit
        elif name in names:
            is_out, i = False, names.index(name)
            x_unit = m.states[i].unit
        else:
            raise ValueError(f"{name!r} is neither an output nor a state of model {m.name!r}; "
                             f"outputs: {', '.join(m.output_names)}; states: {', '.join(names)}")
        coef = checked_number(coef, f"coefficient of {name!r}",
                              f"({unit or '1'}/ms per {x_unit or '1'})")
        terms.append((is_out, i, coef))
    run = _run(m, m.parameter_vector(params), initial, t_end, dt, method, m.output_names)

    def rate(z, out):
        return sum(c * (out[i] if is_out else z[i]) for is_out, i, c in terms)

    rec = np.array([rate(run.Y[:, j], run.out[:, j]) for j in range(run.n + 1)])
    h = run.h
    return BalanceReport(m.name, run.method, h, run.n, state,
                         float(run.Y[row, -1] - run.Y[row, 0]), _quadrature(run, row, rate),
                         *_trapezoid_and_gross(rec, h), _storage_rounding(run, row))


def conservation_demo_model() -> Model:
    """The test cell of :mod:`biophys.kernels.models._conservation_demo` as a :class:`Model`.

    Built here for conservation tests (not a published model, not registered as a built-in):
    GHK Na+/K+ leaks, the Cha et al. (2011) Na+/K+-ATPase, tracked Na_i and K_i in a
    compartment of 0.1 um^3 volume per um^2 of membrane.
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
                 dt=0.01, spike_threshold=0.0, burst_gap=100.0,
                 charge_balance=ChargeBalance(
                     capacitance="C_m", convention="density", area="area", applied="I_app",
                     carriers=(ChargeCarrier("Na_i", 1, "volume"),
                               ChargeCarrier("K_i", 1, "volume"))))
