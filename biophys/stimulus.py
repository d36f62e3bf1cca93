"""Stimulus protocols: current pulses and steps, and voltage-clamp steps.

Every protocol reduces to a piecewise-constant waveform ``(times, values, clamp)``: value
``values[j]`` holds on ``[times[j], times[j+1])`` (ms); before ``times[0]`` the injected current is
zero. With ``clamp=True`` the values are command potentials (mV) and V is not integrated.
The integrator evaluates the waveform at the midpoint of each step, so edges that fall on step
boundaries are honoured exactly.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


def _finite(name: str, value: float, unit: str, low: float = -math.inf) -> float:
    v = float(value)
    if not math.isfinite(v) or v < low:
        rng = f"[{low:g}, inf)" if low > -math.inf else "(-inf, inf)"
        raise ValueError(f"{name} = {value!r} {unit} must be finite and in {rng} {unit}")
    return v


@dataclass(frozen=True)
class Pulse:
    """A square current pulse.

    Parameters
    ----------
    amplitude : float
        Current density, in the model's current unit (uA/cm^2 for ``hh1952``), > 0 depolarises.
    start : float
        Onset, ms (>= 0).
    duration : float
        Duration, ms (> 0).
    """

    amplitude: float
    start: float
    duration: float

    def waveform(self) -> tuple[np.ndarray, np.ndarray, bool]:
        a = _finite("Pulse.amplitude", self.amplitude, "(model current unit)")
        s = _finite("Pulse.start", self.start, "ms", 0.0)
        d = _finite("Pulse.duration", self.duration, "ms", 0.0)
        if d <= 0:
            raise ValueError(f"Pulse.duration = {d!r} ms must be > 0 ms")
        return np.array([s, s + d]), np.array([a, 0.0]), False


@dataclass(frozen=True)
class Steps:
    """Piecewise-constant injected current: ``values[j]`` from ``times[j]`` on (ms)."""

    times: Sequence[float]
    values: Sequence[float]

    def waveform(self) -> tuple[np.ndarray, np.ndarray, bool]:
        t = np.asarray(self.times, dtype=float)
        v = np.asarray(self.values, dtype=float)
        if t.ndim != 1 or t.shape != v.shape or t.size == 0:
            raise ValueError(
                "Steps.times and Steps.values must be 1-D and of equal, non-zero length"
            )
        if not (np.all(np.isfinite(t)) and np.all(np.isfinite(v))):
            raise ValueError("Steps.times (ms) and Steps.values must be finite")
        if np.any(np.diff(t) <= 0) or t[0] < 0:
            raise ValueError("Steps.times (ms) must be >= 0 and strictly increasing")
        return t, v, False


@dataclass(frozen=True)
class VoltageClamp:
    """Voltage-clamp protocol: hold, then a sequence of steps, then hold again.

    Parameters
    ----------
    holding : float
        Holding potential, mV.
    steps : sequence of (level, duration)
        Command potentials (mV) and their durations (ms), applied one after another from
        ``start``.
    start : float
        Time of the first step, ms.
    """

    holding: float
    steps: Sequence[tuple[float, float]] = ()
    start: float = 0.0

    def waveform(self) -> tuple[np.ndarray, np.ndarray, bool]:
        hold = _finite("VoltageClamp.holding", self.holding, "mV")
        if not -300.0 <= hold <= 300.0:
            raise ValueError(f"VoltageClamp.holding = {hold!r} mV must be in [-300, 300] mV")
        t0 = _finite("VoltageClamp.start", self.start, "ms", 0.0)
        times, values = [0.0], [hold]
        t = t0
        for level, duration in self.steps:
            lv = _finite("VoltageClamp step level", level, "mV")
            if not -300.0 <= lv <= 300.0:
                raise ValueError(f"VoltageClamp step level = {lv!r} mV must be in [-300, 300] mV")
            d = _finite("VoltageClamp step duration", duration, "ms", 0.0)
            if d <= 0:
                raise ValueError(f"VoltageClamp step duration = {d!r} ms must be > 0 ms")
            if t > times[-1]:
                times.append(t)
                values.append(lv)
            else:
                values[-1] = lv
            t += d
        times.append(t)
        values.append(hold)
        return np.array(times), np.array(values), True


NO_STIMULUS = Steps([0.0], [0.0])
