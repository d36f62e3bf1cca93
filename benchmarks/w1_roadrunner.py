"""libRoadRunner (https://libroadrunner.org) on workload W1: the HH 1952 axon, N cells with
I_app evenly over 0..20 uA/cm^2, 1000 ms, spike counts only; the exact-class peer of issue 7
(CVODE, one cell at a time).

The model is an SBML Level 3 Version 1 document written here by hand (:func:`sbml`), with the
equations, parameters and initial state of :mod:`w1` (Hodgkin & Huxley 1952, J Physiol
117:500, eqs. 7-14 and 20-24, modern sign convention, rest -65 mV, 6.3 degrees C):

* States V (mV), m, h, n are SBML parameters changed by rate rules; time is in ms
  (``timeUnits="ms"``), so every rate is per ms and dV/dt = (I_app - I_ion) / C_m in mV/ms
  (uA/cm^2 over uF/cm^2). g_Na 120, g_K 36, g_L 0.3 mS/cm^2; E_Na 50, E_K -77,
  E_L -54.387 mV; C_m 1 uF/cm^2 (``w1.G_NA`` ... ``w1.C_M``, written with ``repr`` so the
  document carries the same doubles).
* Rate constants alpha_x, beta_x (1/ms) are assignment rules. alpha_m and alpha_n have a
  removable singularity at V = -40 and -55 mV; they are written as ``piecewise`` with the limit
  value (1.0 and 0.1 per ms) at exactly that V, the same guard as ``w1._rates``. V is never
  nudged. (MathML has no expm1, so close to the singular V the quotient loses relative
  precision of order 1e-16 / |V - V_s| -- the same arithmetic as the W1 reference.)
* Initial state: V = -65 mV and the gates at their steady state there, the numbers returned by
  ``w1.resting_state()`` (the reference's own initial state), written with ``repr``.
* Spikes: an SBML event with trigger ``V >= threshold`` (``w1.THRESHOLD``, 0 mV) and the
  assignment ``spikes = spikes + 1``. An SBML trigger fires on its false-to-true transitions,
  which is the reference's upward crossing ``v < 0 <= v_next``; RoadRunner locates them with
  CVODE's root finding. ``initialValue="true"`` declares the trigger true before t = 0, so a
  cell that starts at or above threshold is not counted at t = 0 (only a later re-crossing
  counts); ``persistent="true"`` and ``useValuesFromTriggerTime="true"`` are moot without a
  delay. Both settings of ``initialValue`` are checked by :func:`check_event_semantics`
  (asserted in the smoke run of ``bench_peers.py``).

Driver (:func:`prepare`): one ``RoadRunner`` instance (the SBML is parsed and JIT-compiled once,
reported as ``build_s``); for each cell ``spikes`` set to 0 and ``I_app`` to the cell's
current, ``reset()`` (time and the rate-rule states back to their initial values), then
``simulate(0, t_end, 2)`` with the ``cvode`` integrator (variable step inside; only the two
end points are output, so the time is CVODE's work), then the counter is read. Serial: one
thread, cost linear in N.

CVODE settings: RoadRunner's defaults (BDF, ``stiff=True``) except the tolerances
:data:`RTOL`, :data:`ATOL` and ``maximum_num_steps`` (raised from 20 000 to :data:`MAX_STEPS`
as a safety margin for the single 0..t_end output interval: it only decides when CVODE gives
up, not the solution; CVODE takes about 22 000 steps per 1000 ms at I_app = 10 uA/cm^2 and
the default tolerances, with restarts at every spike event). The tolerances are
the loosest of the scan ``python benchmarks/w1_roadrunner.py --n 1000 --tol RTOL ATOL ...``
that put >= 99.9 % of cells on the reference count at N = 1000 (the table above
:data:`RTOL`).
"""

from __future__ import annotations

import argparse
import ctypes
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import w1

# CVODE tolerances: relative, and absolute in the states' units (mV; gates dimensionless).
# RoadRunner 2.10 multiplies the absolute tolerance by each state's |initial value| (its
# getAbsoluteToleranceVector() here: 65 x ATOL for V, 0.05 to 0.6 x ATOL for the gates).
# Scan against w1.reference_counts, BDF (RoadRunner's default), on the shared 2-core machine
# (ms per cell: single-thread wall time while other jobs ran; repeats vary by 20-30 %):
#   rtol   atol    N     exact   within 1  max diff  ms/cell
#   1e-4   1e-12   200   0.990   1.000     1         15.9
#   1e-4   1e-8    200   0.985   0.995     4          9.7
#   1e-4   1e-6    200   0.970   0.995     4         20.0
#   3e-5   1e-12   200   0.995   1.000     1         11.9
#   3e-5   1e-8    200   0.995   1.000     1         10.9
#   3e-5   1e-6    200   0.990   1.000     1         12.4
#   1e-5   1e-6    200   0.990   1.000     1         16.1
#   1e-6   1e-6    200   0.995   1.000     1         17.3
#   1e-5   1e-12   200   1.000   1.000     0         18.3
#   1e-5   1e-8    200   1.000   1.000     0         13.6
#   1e-6   1e-8    200   1.000   1.000     0         15.2
#   1e-6   1e-12   200   1.000   1.000     0         19.3   (RoadRunner's defaults)
#   1e-5   1e-8    1000  0.997   1.000     1         14.8
#   1e-5   1e-12   1000  0.996   1.000     1         13.0
#   3e-6   1e-8    1000  0.998   1.000     1         22.9
#   3e-6   1e-12   1000  0.998   1.000     1         23.1
#   1e-6   1e-8    1000  1.000   1.000     0         20.4
#   1e-6   1e-12   1000  1.000   1.000     0         21.1   (RoadRunner's defaults)
#   (at N = 200: 1e-7/1e-9, 1e-8/1e-10, 1e-9/1e-11, 1e-10/1e-12 all exact, 18, 25, 41, 67 ms)
# 1e-6 / 1e-8 is the loosest pair of the scan with >= 99.9 % exact at N = 1000; the defaults
# (atol 1e-12) give the same counts in the same time (interleaved at N = 100: 24-26 ms per
# cell either way).
RTOL = 1e-6
ATOL = 1e-8
MAX_STEPS = 1_000_000  # CVODE steps allowed for one output interval (the whole run)


# --- a tiny MathML writer --------------------------------------------------------------------

def _ci(name: str) -> str:
    return f"<ci>{name}</ci>"


def _cn(x: float) -> str:
    return f"<cn>{float(x)!r}</cn>"


def _ap(op: str, *args: str) -> str:
    return f"<apply><{op}/>{''.join(args)}</apply>"


def _exp(arg: str) -> str:
    return _ap("exp", arg)


def _math(expr: str) -> str:
    return f'<math xmlns="http://www.w3.org/1998/Math/MathML">{expr}</math>'


def _shift(v_half: float) -> str:
    """MathML of V + v_half (mV)."""
    return _ap("plus", _ci("V"), _cn(v_half))


def _guarded_alpha(scale: float, v_half: float, limit: float) -> str:
    """scale (V + v_half) / (1 - exp(-(V + v_half) / 10)), = ``limit`` at V = -v_half."""
    x = _shift(v_half)
    quotient = _ap("divide", _ap("times", _cn(scale), x),
                   _ap("minus", _cn(1.0), _exp(_ap("divide", _ap("minus", x), _cn(10.0)))))
    return (f"<piecewise><piece>{_cn(limit)}{_ap('eq', x, _cn(0.0))}</piece>"
            f"<otherwise>{quotient}</otherwise></piecewise>")


def _exp_rate(scale: float, v_half: float, k: float) -> str:
    """scale exp(-(V + v_half) / k)."""
    return _ap("times", _cn(scale), _exp(_ap("divide", _ap("minus", _shift(v_half)), _cn(k))))


def _rate_expressions() -> dict[str, str]:
    """MathML of the HH 1952 rate constants (1/ms), V in mV; the same formulas as w1._rates."""
    return {
        "alpha_m": _guarded_alpha(0.1, 40.0, 1.0),
        "beta_m": _exp_rate(4.0, 65.0, 18.0),
        "alpha_h": _exp_rate(0.07, 65.0, 20.0),
        "beta_h": _ap("divide", _cn(1.0),
                      _ap("plus", _cn(1.0),
                          _exp(_ap("divide", _ap("minus", _shift(35.0)), _cn(10.0))))),
        "alpha_n": _guarded_alpha(0.01, 55.0, 0.1),
        "beta_n": _exp_rate(0.125, 65.0, 80.0),
    }


def _gate_rhs(x: str) -> str:
    """alpha_x (1 - x) - beta_x x."""
    return _ap("minus", _ap("times", _ci(f"alpha_{x}"), _ap("minus", _cn(1.0), _ci(x))),
               _ap("times", _ci(f"beta_{x}"), _ci(x)))


def _v_rhs() -> str:
    """(I_app - g_Na m^3 h (V - E_Na) - g_K n^4 (V - E_K) - g_L (V - E_L)) / C_m."""
    def drive(e: str) -> str:
        return _ap("minus", _ci("V"), _ci(e))

    i_na = _ap("times", _ci("g_Na"), _ap("power", _ci("m"), _cn(3.0)), _ci("h"), drive("E_Na"))
    i_k = _ap("times", _ci("g_K"), _ap("power", _ci("n"), _cn(4.0)), drive("E_K"))
    i_l = _ap("times", _ci("g_L"), drive("E_L"))
    return _ap("divide", _ap("minus", _ci("I_app"), _ap("plus", i_na, i_k, i_l)), _ci("C_m"))


_UNITS = {  # id: [(kind, exponent, scale)], SI with decimal scale
    "ms": [("second", 1, -3)],
    "per_ms": [("second", -1, -3)],
    "mV": [("volt", 1, -3)],
    "mS_per_cm2": [("siemens", 1, -3), ("metre", -2, -2)],
    "uA_per_cm2": [("ampere", 1, -6), ("metre", -2, -2)],
    "uF_per_cm2": [("farad", 1, -6), ("metre", -2, -2)],
}


def sbml(v0: float | None = None, threshold: float = w1.THRESHOLD,
         initial_value: bool = True) -> str:
    """The W1 model as an SBML Level 3 Version 1 document.

    Parameters
    ----------
    v0 : float, optional
        Initial membrane potential, mV; default W1's rest (``w1.resting_state()``, gates at
        steady state there). Only the semantics check changes it (the gates stay at rest).
    threshold : float
        Spike threshold, mV (an upward crossing is one spike).
    initial_value : bool
        The trigger's ``initialValue`` (True: a cell starting above threshold is not counted).

    Returns
    -------
    str
        The SBML document.
    """
    v_rest, m0, h0, n0 = w1.resting_state()
    constants = [  # id, value, units, description
        ("g_Na", w1.G_NA, "mS_per_cm2", "maximal Na conductance (HH 1952)"),
        ("g_K", w1.G_K, "mS_per_cm2", "maximal K conductance (HH 1952)"),
        ("g_L", w1.G_L, "mS_per_cm2", "leak conductance (HH 1952)"),
        ("E_Na", w1.E_NA, "mV", "Na reversal potential"),
        ("E_K", w1.E_K, "mV", "K reversal potential"),
        ("E_L", w1.E_L, "mV", "leak reversal potential"),
        ("C_m", w1.C_M, "uF_per_cm2", "membrane capacitance"),
        ("I_app", 0.0, "uA_per_cm2", "applied current (set per cell)"),
    ]
    states = [("V", v_rest if v0 is None else v0, "mV"), ("m", m0, "dimensionless"),
              ("h", h0, "dimensionless"), ("n", n0, "dimensionless")]
    rates = _rate_expressions()

    units = "".join(
        f'<unitDefinition id="{uid}"><listOfUnits>'
        + "".join(f'<unit kind="{k}" exponent="{e}" scale="{s}" multiplier="1"/>'
                  for k, e, s in parts)
        + "</listOfUnits></unitDefinition>" for uid, parts in _UNITS.items())
    params = "".join(f'<parameter id="{p}" name="{d}" value="{float(v)!r}" units="{u}" '
                     f'constant="true"/>' for p, v, u, d in constants)
    params += "".join(f'<parameter id="{s}" value="{float(v)!r}" units="{u}" constant="false"/>'
                      for s, v, u in states)
    params += "".join(f'<parameter id="{r}" units="per_ms" constant="false"/>' for r in rates)
    params += '<parameter id="spikes" value="0" units="dimensionless" constant="false"/>'
    rules = "".join(f'<assignmentRule variable="{r}">{_math(e)}</assignmentRule>'
                    for r, e in rates.items())
    rules += f'<rateRule variable="V">{_math(_v_rhs())}</rateRule>'
    rules += "".join(f'<rateRule variable="{x}">{_math(_gate_rhs(x))}</rateRule>'
                     for x in "mhn")
    trigger = _math(_ap("geq", _ci("V"), _cn(threshold)))
    event = (
        '<event id="spike" useValuesFromTriggerTime="true">'
        f'<trigger initialValue="{str(initial_value).lower()}" persistent="true">{trigger}'
        "</trigger><listOfEventAssignments>"
        f'<eventAssignment variable="spikes">{_math(_ap("plus", _ci("spikes"), _cn(1.0)))}'
        "</eventAssignment></listOfEventAssignments></event>")
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<sbml xmlns="http://www.sbml.org/sbml/level3/version1/core" level="3" version="1">'
        '<model id="hh1952_w1" name="Hodgkin-Huxley 1952 axon, workload W1" timeUnits="ms">'
        f"<listOfUnitDefinitions>{units}</listOfUnitDefinitions>"
        f"<listOfParameters>{params}</listOfParameters>"
        f"<listOfRules>{rules}</listOfRules>"
        f"<listOfEvents>{event}</listOfEvents>"
        "</model></sbml>")


@dataclass
class RoadRunnerW1:
    """A loaded RoadRunner W1 model: ``run()`` returns the spike count of every cell."""

    run: Callable[[], np.ndarray]
    info: dict = field(default_factory=dict)


def import_roadrunner():
    """Import ``roadrunner``; refuse (ImportError) where it would crash.

    The wheel links its own SUNDIALS but exports the symbols, and resolves its calls to them
    through the process-wide symbol scope when the module is loaded. NEURON puts its own, older
    CVODE (``libnrniv``: ``CVodeCreate``, ``N_VNew_Serial``, ...) into that scope; if NEURON
    is imported first, RoadRunner's CVODE calls bind to NEURON's and loading any model
    segfaults (seen with NEURON 9.0.2 and libroadrunner 2.10.0 here). Importing roadrunner
    first is safe (NEURON still runs: its own calls are bound inside its library), so
    ``bench_peers.py`` imports it at collection; this check turns the crash into an error.
    """
    if "roadrunner" not in sys.modules and hasattr(ctypes.CDLL(None), "CVodeCreate"):
        raise ImportError("roadrunner must be imported before NEURON (or any library that "
                          "exports SUNDIALS CVODE symbols process-wide): its CVODE calls would "
                          "bind to that library's CVODE and crash")
    try:  # optional peer, imported here so that collecting the benchmarks stays fast
        import roadrunner
    except ImportError as err:  # pragma: no cover - depends on the environment
        raise ImportError("libroadrunner is not installed (optional 'peers' extra)") from err
    return roadrunner


def _load(document: str, rtol: float, atol: float):
    """A RoadRunner instance for ``document`` with CVODE at the given tolerances."""
    roadrunner = import_roadrunner()
    rr = roadrunner.RoadRunner(document)
    rr.setIntegrator("cvode")
    integ = rr.getIntegrator()
    integ.setValue("relative_tolerance", float(rtol))
    integ.setValue("absolute_tolerance", float(atol))
    integ.setValue("maximum_num_steps", MAX_STEPS)
    rr.timeCourseSelections = ["time"]
    return rr


def _count(rr, i_app: float, t_end: float) -> int:
    """Spikes of one cell: zero the counter, set I_app, reset, integrate 0..t_end, read."""
    # spikes (a global parameter changed by the event) and I_app are not touched by reset();
    # they are set first because reset() evaluates the triggers at t = 0 and fires an event
    # that is due there (none is, with initialValue="true" or V(0) below threshold).
    rr["spikes"] = 0.0
    rr["I_app"] = float(i_app)
    rr.reset()  # time and the rate-rule states V, m, h, n back to their initial values
    rr.simulate(0.0, float(t_end), 2)
    return int(round(rr["spikes"]))


def prepare(current: np.ndarray, t_end: float = w1.T_END, rtol: float = RTOL,
            atol: float = ATOL) -> RoadRunnerW1:
    """Load the SBML model into RoadRunner (JIT compile) for the currents ``current``.

    Parameters
    ----------
    current : ndarray
        Applied current density of each cell, uA/cm^2.
    t_end : float
        Simulated time, ms.
    rtol, atol : float
        CVODE relative and absolute tolerances (absolute in mV for V, dimensionless gates).

    Returns
    -------
    RoadRunnerW1
        ``run()`` simulates the cells one after the other and returns the spike counts;
        ``info`` holds ``build_s`` (parse and JIT-compile, s), the tolerances, the integrator
        and the RoadRunner version.
    """
    t0 = time.perf_counter()
    rr = _load(sbml(), rtol, atol)
    build_s = time.perf_counter() - t0
    amps = np.asarray(current, dtype=np.float64).copy()

    def run() -> np.ndarray:
        return np.array([_count(rr, a, t_end) for a in amps], dtype=np.int64)

    integ = rr.getIntegrator()
    info = {"build_s": build_s, "integrator": "cvode", "rtol": float(rtol), "atol": float(atol),
            "stiff": bool(integ.getValue("stiff")), "maximum_num_steps": MAX_STEPS,
            "roadrunner": import_roadrunner().__version__}
    return RoadRunnerW1(run=run, info=info)


def roadrunner_counts(current: np.ndarray, t_end: float = w1.T_END, rtol: float = RTOL,
                      atol: float = ATOL) -> np.ndarray:
    """Spike counts of W1 by libRoadRunner/CVODE (load, compile and run in one call)."""
    return prepare(current, t_end, rtol, atol).run()


def check_event_semantics() -> dict[str, list[int]]:
    """Counts for a cell starting at +20 mV (above threshold), I_app = 0, 20 ms, twice.

    From +20 mV the HH axon repolarises and (with I_app = 0) stays below threshold, so the
    only possible count is the one at t = 0: with ``initialValue="true"`` it must be 0; with
    ``"false"`` the trigger goes from false to true at t = 0 and RoadRunner fires the event
    (when it evaluates t = 0, at load and in every ``reset()``), so the count is 1. Each
    instance runs twice, so the second count also checks the reset between cells.
    """
    out = {}
    for flag in (True, False):
        rr = _load(sbml(v0=20.0, initial_value=flag), RTOL, ATOL)
        out[f"initialValue={str(flag).lower()}"] = [_count(rr, 0.0, 20.0) for _ in range(2)]
    return out


def _scan(n: int, pairs: list[tuple[float, float]]) -> None:
    """Print exact / within-one fractions and per-cell time for each (rtol, atol)."""
    ref = w1.reference_counts(n)
    current = w1.currents(n)
    print(f"N = {n}, t_end = {w1.T_END} ms; event semantics: {check_event_semantics()}")
    print("| rtol | atol | exact | within 1 | max diff | ms per cell |")
    print("|---|---|---|---|---|---|")
    for rtol, atol in pairs:
        prepared = prepare(current, rtol=rtol, atol=atol)
        t0 = time.perf_counter()
        counts = prepared.run()
        wall = time.perf_counter() - t0
        a = w1.agreement(counts, ref)
        print(f"| {rtol:g} | {atol:g} | {a['exact']:.4f} | {a['within_one']:.4f} "
              f"| {a['max_abs_diff']} | {1e3 * wall / n:.2f} |", flush=True)


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description="CVODE tolerance scan of RoadRunner on W1")
    ap.add_argument("--n", type=int, default=200, help="cells (default 200)")
    ap.add_argument("--tol", nargs=2, type=float, action="append", metavar=("RTOL", "ATOL"),
                    help="a tolerance pair (repeatable); default RoadRunner's 1e-6/1e-12 "
                         "down to 1e-10")
    args = ap.parse_args()
    _scan(args.n, args.tol or [(1e-6, 1e-12), (1e-7, 1e-9), (1e-8, 1e-10), (1e-9, 1e-11),
                               (1e-10, 1e-12)])
