"""Warnings about a sweep's warm-up too short for the metrics it measures."""

from __future__ import annotations

import math

import numpy as np

from ._model import Model
from ._warn import warn_user

#: The opening of :func:`warn_lags`'s warning (a pattern for ``warnings.filterwarnings``).
LAG_WARNING = r"metric '.*' reads .*, which follows the cell with a lag"
#: The opening of :func:`warn_settling`'s warning (a pattern for ``warnings.filterwarnings``).
SETTLING_WARNING = r"metric '.*' reads .*, which leaves .*'s initial state"


def unsettled_lags(m: Model, specs, tau_of, warmup: float) -> list[tuple]:
    """The metrics that read a lagging variable (``Model.lags``) with a warm-up shorter than
    three of its time constants: ``(spec, tau_name, tau)`` each; ``tau_of(name)`` gives the
    largest value (ms) the runs give the time-constant parameter ``name``."""
    out = []
    for spec in specs:
        tau_name = m.lags.get(spec.var) if spec.var else None
        if tau_name is not None:
            tau = float(tau_of(tau_name))
            if warmup < 3.0 * tau:
                out.append((spec, tau_name, tau))
    return out


def warn_lags(m: Model, specs, p0: np.ndarray, mapper, n: int, warmup: float) -> None:
    """Warn when a metric reads a lagging variable (``Model.lags``) and the warm-up is shorter
    than three of its time constants (more than 5% of the initial state left)."""
    def tau_of(name):
        if name in mapper.names:
            return np.max(mapper.values(0, n)[mapper.names.index(name)])
        return p0[m.parameter_index(name)]

    for spec, tau_name, tau in unsettled_lags(m, specs, tau_of, warmup):
        left = math.exp(-warmup / tau) if tau > 0 else 0.0
        warn_user(
            f"metric {spec.name!r} reads {spec.var}, which follows the cell with a lag of "
            f"{tau_name} = {tau:g} ms: after warmup = {warmup:g} ms {100 * left:.0f}% of "
            f"the initial state's deviation is left; use warmup >= 3 {tau_name} "
            f"({3 * tau:g} ms) or a smaller {tau_name}")


def warn_settling(m: Model, specs, warmup: float, cold: int | None = None,
                  n: int | None = None) -> None:
    """Warn when a metric reads a variable that leaves the model's initial state slowly
    (``Model.settling``) and a sweep from that state measures before it has settled.

    ``cold`` of the ``n`` points (when given) start from the model's initial state while the
    others start from an earlier sweep's final states (a warm start); the warning counts
    them. Per-point values given as arrays (``initial={state: array}``) are not taken as
    settled: such a sweep is warned as one from the initial state (``cold`` None).
    """
    where = ("" if cold is None else
             f" at the {cold} of {n} points that initial= (an earlier sweep's result) gives no "
             "final state, which start from the model's initial state")
    settle = ("" if m.reservoir is None else
              f", or the result of biophys.settled_state, which settles the reservoir "
              f"{m.reservoir.state} in a short run")
    for spec in specs:
        t = m.settling.get(spec.var) if spec.var else None
        if t is not None and warmup < t:
            warn_user(
                f"metric {spec.name!r} reads {spec.var}, which leaves {m.name}'s initial state "
                f"over about {t / 1000:g} s: with warmup = {warmup:g} ms it measures that "
                f"transient{where}; use warmup >= {t:g} ms, or start from a settled state "
                f"(initial= an earlier sweep's result with final_state=True{settle})")
