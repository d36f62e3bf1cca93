"""Stimulus protocols: current pulses and steps, and voltage-clamp steps.

Every protocol reduces to a piecewise-constant waveform ``(times, values, clamp)``: value
``values[j]`` holds on ``[times[j], times[j+1])`` (ms); before ``times[0]`` the injected current is
zero. With ``clamp=True`` the values are command potentials (mV) and V is not integrated.
The fixed-step integrators evaluate the waveform at the midpoint of each step, so edges that
fall on step boundaries are honoured exactly and others are not (the step holding one takes one
segment's value throughout; :func:`biophys.simulate` and :func:`biophys.sweep` warn); the
error-controlled methods stop at every edge.
"""

from __future__ import annotations

import reprlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from ._checkpoint import array_digest
from ._checks import REAL_NUMBERS, checked_number, real_values
from ._warn import warn_user

#: Range of a clamp potential, mV (the models' declared range of V).
_V_RANGE = (-300.0, 300.0)


@dataclass(frozen=True)
class Pulse:
    """A square current pulse.

    Parameters
    ----------
    amplitude : float
        Injected current, finite, in the unit of the model's ``I_app`` parameter, to which it
        is added (``biophys info MODEL``: uA/cm^2 for ``hh1952``, ``chay_keizer_1983`` and
        ``zg_cell``; pA for ``beta_cell``; fA for ``iom_1_7``, ``bertram_sherman_2004`` and
        ``sherman_rinzel_keizer_1988``); > 0 depolarises.
    start : float
        Onset, ms (>= 0).
    duration : float
        Duration, ms (> 0). With a fixed-step method put both edges on multiples of the
        step: a step holding an edge takes the value at its midpoint throughout (a warning
        says so; the error-controlled methods stop at every edge).
    """

    amplitude: float
    start: float
    duration: float

    def waveform(self) -> tuple[np.ndarray, np.ndarray, bool]:
        a = checked_number(self.amplitude, "Pulse.amplitude", "(model current unit)")
        s = checked_number(self.start, "Pulse.start", "ms", 0.0)
        d = checked_number(self.duration, "Pulse.duration", "ms", 0.0, low_open=True)
        _check_ends(s, d, f"Pulse.duration = {d:g} ms")
        return np.array([s, s + d]), np.array([a, 0.0]), False


def _check_ends(start: float, duration: float, what: str) -> None:
    """A ValueError naming ``what`` when ``duration`` (ms, > 0) is lost to rounding at ``start``
    (ms): the pulse or clamp step would silently do nothing."""
    if start + duration == start:
        raise ValueError(f"{what} is too short to end after its start at {start:g} ms in "
                         "floating point (start + duration == start); give a duration of at "
                         "least a step")


@dataclass(frozen=True)
class Steps:
    """Piecewise-constant injected current: ``values[j]`` from ``times[j]`` on (ms).

    Parameters
    ----------
    times : sequence of float
        Times at which the current changes, ms: finite, >= 0 and strictly increasing. Before
        ``times[0]`` no current is injected; the last value holds to the end of the run.
        With a fixed-step method put them on multiples of the step, as for :class:`Pulse`.
    values : sequence of float
        The current from each of ``times`` on, finite, in the unit of the model's ``I_app``
        parameter, to which it is added (as :class:`Pulse`'s ``amplitude``: uA/cm^2 for
        ``hh1952``, pA for ``beta_cell``, ...); > 0 depolarises. As many values as times
        (at least one).
    """

    times: Sequence[float]
    values: Sequence[float]

    def waveform(self) -> tuple[np.ndarray, np.ndarray, bool]:
        t, v = real_values(self.times), real_values(self.values)
        if t is None or v is None:
            raise ValueError(f"Steps.times (ms) and Steps.values (model current unit) must be "
                             f"{REAL_NUMBERS}, got times {reprlib.repr(self.times)}, values "
                             f"{reprlib.repr(self.values)}")
        if t.ndim != 1 or t.shape != v.shape or t.size == 0:
            raise ValueError(
                "Steps.times and Steps.values must be 1-D and of equal, non-zero length, got "
                f"shapes {t.shape} and {v.shape}"
            )
        if not (np.all(np.isfinite(t)) and np.all(np.isfinite(v))):
            raise ValueError("Steps.times (ms) and Steps.values (model current unit) must be "
                             f"finite, got times {reprlib.repr(t.tolist())}, values "
                             f"{reprlib.repr(v.tolist())}")
        if np.any(np.diff(t) <= 0) or t[0] < 0:
            raise ValueError("Steps.times (ms) must be >= 0 and strictly increasing, got "
                             f"{reprlib.repr(t.tolist())}")
        return t, v, False


@dataclass(frozen=True)
class VoltageClamp:
    """Voltage-clamp protocol: hold, then a sequence of steps, then hold again.

    V is set to the command potential and not integrated; the holding level applies from
    t = 0 until ``start`` and again after the last step, to the end of the run.

    Parameters
    ----------
    holding : float
        Holding potential, mV, in [-300, 300].
    steps : sequence of (level, duration)
        Command potentials (mV, each in [-300, 300]) and their durations (ms, > 0), applied
        one after another from ``start``; none: the holding level throughout.
    start : float
        Time of the first step, ms (>= 0; default 0: the first step from t = 0).
    """

    holding: float
    steps: Sequence[tuple[float, float]] = ()
    start: float = 0.0

    def __post_init__(self):
        # a one-shot iterable (zip, map, a generator) would be used up by the first waveform()
        # (the stimulus is checked before the run, which then saw no steps): keep its pairs
        if isinstance(self.steps, Iterator):
            object.__setattr__(self, "steps", tuple(self.steps))

    def waveform(self) -> tuple[np.ndarray, np.ndarray, bool]:
        hold = checked_number(self.holding, "VoltageClamp.holding", "mV", *_V_RANGE)
        t0 = checked_number(self.start, "VoltageClamp.start", "ms", 0.0)
        if isinstance(self.steps, str) or not isinstance(self.steps, Iterable):
            raise ValueError(f"VoltageClamp.steps must be a sequence of (level mV, duration ms) "
                             f"pairs, got {reprlib.repr(self.steps)}")
        times, values = [0.0], [hold]
        t = t0
        for step in self.steps:
            if isinstance(step, np.ndarray) and step.ndim == 1:  # a row of an (n, 2) array
                step = tuple(step)
            if not isinstance(step, Sequence) or isinstance(step, str) or len(step) != 2:
                raise ValueError(f"VoltageClamp.steps must be (level mV, duration ms) pairs, "
                                 f"got {reprlib.repr(step)}")
            level, duration = step
            lv = checked_number(level, "VoltageClamp step level", "mV", *_V_RANGE)
            d = checked_number(duration, "VoltageClamp step duration", "ms", 0.0, low_open=True)
            _check_ends(t, d, f"VoltageClamp step ({lv:g} mV, {d:g} ms)")
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


def check_stimulus(stimulus, model=None) -> None:
    """``stimulus=`` must be None or a stimulus (:class:`Pulse`, :class:`Steps`,
    :class:`VoltageClamp`: an object with a ``waveform()``); anything else is a ValueError.
    With ``model`` (a :class:`biophys.Model`) whose ``current_input`` is False, a current
    stimulus is a ValueError too: that model's V ignores it (only a clamp drives it)."""
    if stimulus is not None and not callable(getattr(stimulus, "waveform", None)):
        raise ValueError(f"stimulus = {reprlib.repr(stimulus)} must be a biophys.Pulse, Steps "
                         "or VoltageClamp, or None")
    if stimulus is not None and model is not None and not model.current_input \
            and not stimulus.waveform()[2]:
        raise ValueError(f"stimulus = {reprlib.repr(stimulus)}: {model.name!r} takes no "
                         "current input (its V changes only under a voltage clamp), so a "
                         "current stimulus would do nothing; drive it with a "
                         "biophys.VoltageClamp")


def fingerprint(stimulus) -> dict | None:
    """What of ``stimulus`` decides a run's numbers, exactly (None for no stimulus).

    ``{"type": class name, "waveform": digest, "clamp": bool}``, where the digest
    (:func:`biophys._checkpoint.array_digest`) is that of the waveform's times (ms) and values
    (model current unit, or mV under a clamp) as the float64 arrays the engine runs: every bit
    counts, however long the arrays (their ``repr`` rounds to 8 digits and elides arrays of
    over 1000 values), and a list or tuple of the same values gives the same fingerprint.
    ``stimulus`` has passed :func:`check_stimulus`.
    """
    if stimulus is None:
        return None
    t, v, clamp = stimulus.waveform()
    return {"type": type(stimulus).__name__, "clamp": bool(clamp),
            "waveform": array_digest(np.asarray(t, dtype=np.float64),
                                     np.asarray(v, dtype=np.float64))}


#: Longest description of a stimulus in a result's attributes, characters.
DESCRIPTION_CHARS = 300


def describe(stimulus) -> str:
    """A human-readable description of ``stimulus`` ("none" for None): its ``repr``, cut to
    :data:`DESCRIPTION_CHARS` characters. Not an identity (it may round or elide values):
    :func:`fingerprint` is."""
    if stimulus is None:
        return "none"
    text = repr(stimulus)
    return text if len(text) <= DESCRIPTION_CHARS else text[:DESCRIPTION_CHARS - 3] + "..."


def warn_after_end(stimulus, t_end: float) -> None:
    """Warn when a current stimulus injects nothing before ``t_end`` (ms): its first non-zero
    value starts at or after the end of the run, so the run contains none of it (a voltage
    clamp, which holds from t = 0, is never warned about). ``stimulus`` has passed
    :func:`check_stimulus`."""
    if stimulus is None:
        return
    t, v, clamp = stimulus.waveform()
    on = np.flatnonzero(v != 0.0)
    if not clamp and on.size and t[on[0]] >= t_end:
        warn_user(f"the stimulus starts at {t[on[0]]:g} ms, at or after t_end = {t_end:g} ms: "
                  "the run contains none of it")
