"""Tight-tolerance reference solutions of any built-in model with SciPy (LSODA, Radau, BDF).

The model's own right-hand side (its compiled ``rates`` kernel, ``dy/dt = A - B y``) is handed
to :func:`scipy.integrate.solve_ivp`, integrated segment by segment between stimulus edges, with
spikes located as events (upward crossings of the model's spike threshold). Use it to check
the fixed-step integrators on the same equations; tests that validate the *equations* against
published numbers use independent implementations instead.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np

from . import _bath
from ._checks import checked_number, did_you_mean, record_names
from ._engine import checked_atol, record_grid, record_times, step_grid
from ._model import Model
from .kernels.ensemble_adaptive import SNAP
from .kernels.protocol import block_parameters
from .models import get_model
from .simulate import changed_parameters, trace_dataset
from .stimulus import NO_STIMULUS, check_stimulus, warn_after_end

#: The ``solve_ivp`` methods a reference may use (implicit ones for stiff models).
METHODS = ("LSODA", "Radau", "BDF", "DOP853", "RK45")
#: Valid relative tolerance of a reference (dimensionless): tight, above SciPy's floor of
#: 100 machine epsilons (below it SciPy raises rtol itself and says so).
RTOL_RANGE = (1e-13, 1e-3)
#: Default sampling interval of a reference, ms (a run shorter than it: its length).
RECORD_EVERY = 0.1

if TYPE_CHECKING:
    import xarray as xr


def _snap(t: float) -> float:
    """The drivers' tolerance at a stimulus edge at ``t`` ms (``ensemble_adaptive.SNAP``)."""
    return max(SNAP, 1e-12 * abs(t))


def _segments(stimulus, t_end: float) -> list[tuple[float, float, float]]:
    stim_t, stim_v, _ = (stimulus or NO_STIMULUS).waveform()
    edges = sorted({0.0, t_end, *[float(t) for t in stim_t if 0.0 < t < t_end]})
    out = []
    for a, b in zip(edges[:-1], edges[1:], strict=True):
        mid = 0.5 * (a + b)
        idx = np.searchsorted(stim_t, mid, side="right") - 1
        value = float(stim_v[idx]) if idx >= 0 else 0.0
        out.append((a, b, value))
    return out


def _sample_times(t_end: float, record_every: float, dt: float) -> np.ndarray:
    """Sample times (ms) every ``record_every`` ms from 0 to ``t_end`` (ms), the last one at
    ``t_end`` exactly when the run is a whole number of intervals (not one ulp past it, where the
    solution has no value). When ``record_every`` is a whole number of the model's steps ``dt``
    (ms) the times are :func:`biophys.simulate`'s at that step, bit for bit (its
    ``record_grid``), so a reference and a run at the model's step align sample by sample."""
    k, n, got = record_grid(t_end, dt, record_every)
    if abs(got - record_every) <= 1e-9 * record_every:
        return record_times(t_end, step_grid(t_end, dt)[0], k, n, got)
    n = int(np.floor(t_end / record_every + 1e-9)) + 1
    times = np.arange(n) * record_every
    if abs((n - 1) * record_every - t_end) <= 1e-9 * record_every:
        times[-1] = t_end
    return times


def _atol_text(atol: np.ndarray) -> str:
    """One value if every state has it, else the list."""
    if np.all(atol == atol[0]):
        return f"{atol[0]:g}"
    return "[" + ", ".join(f"{a:g}" for a in atol) + "]"


def solve(
    model: str | Model,
    t_end: float,
    *,
    params: Mapping[str, float] | None = None,
    initial: Mapping[str, float] | None = None,
    stimulus=None,
    record: Sequence[str] = ("V",),
    record_every: float | None = None,
    method: str = "LSODA",
    rtol: float = 1e-9,
    atol: float = 1e-12,
    max_step: float = np.inf,
) -> xr.Dataset:
    """Reference solution of one cell with :func:`scipy.integrate.solve_ivp`.

    The arguments are :func:`biophys.simulate`'s, less ``dt`` (the solver's steps follow
    ``rtol`` and ``atol``) and ``conditions`` (set a condition by its parameter name in
    ``params``), with the solver's ``method`` and ``max_step``.

    Parameters
    ----------
    model : str or Model
        Model name (see :func:`biophys.list_models`).
    t_end : float
        Duration, ms (> 0).
    params : mapping, optional
        Parameter overrides by name (units as in ``model.parameters``), checked as by
        :func:`biophys.simulate`: outside the model's valid range an error, outside the
        physiological range of a bath or cytosol field of the same name a ``UserWarning``.
    initial : mapping, optional
        Initial-state overrides by name.
    stimulus : Pulse, Steps or VoltageClamp, optional
        Applied protocol; its edges are segment ends of the integration, honoured exactly. A
        current stimulus that starts at or after ``t_end`` draws a ``UserWarning``.
    record : sequence of str or str
        States or algebraic outputs to record (default ``V``).
    record_every : float, optional
        Sampling interval of the dense output, ms, in (0, ``t_end``] (default 0.1 ms, or
        ``t_end`` if the run is shorter). It is not rounded (there is no step): the samples
        are at whole multiples of it, the last at ``t_end`` when ``t_end`` is a whole number
        of intervals; when it is a whole number of the model's step (``model.dt``) they are
        the times :func:`biophys.simulate` records at its default ``dt``, so the two align
        sample by sample.
    method : {"LSODA", "Radau", "BDF", "DOP853", "RK45"}
        The ``solve_ivp`` method (:data:`METHODS`; an implicit one for a stiff model).
    rtol : float
        Relative tolerance, dimensionless, in :data:`RTOL_RANGE` (default 1e-9).
    atol : float or sequence of float
        Absolute tolerance, in each state's own unit, > 0: one value, or one per state
        (default 1e-12).
    max_step : float
        Largest step, ms, > 0 (default inf: no limit).

    Returns
    -------
    xarray.Dataset
        Shaped like :func:`biophys.simulate`'s: ``time`` (ms), one variable per recorded
        quantity, ``spike_times`` (ms, located as solver events: upward crossings of the
        model's spike threshold; none under a voltage clamp) and provenance attributes, among
        them ``status`` (``"ok"``, or ``"solver failure: ..."``, after which the samples are
        NaN) and ``integrator`` (the method and tolerances used).

    Raises
    ------
    ValueError
        A bad value, naming the argument, its unit and its valid range.
    """
    from scipy.integrate import solve_ivp  # imported here: keeps `import biophys` light

    m = get_model(model)
    p = m.parameter_vector(params)
    _bath.range_warnings(m, params, None)
    y0 = m.state_vector(initial)
    m.check_joint(p, y0)
    t_end_f = checked_number(t_end, "t_end", "ms", 0.0, low_open=True)
    if record_every is None:
        record_every = min(RECORD_EVERY, t_end_f)
    record_every = checked_number(record_every, "record_every", "ms", 0.0, t_end_f,
                                  low_open=True, note=" (the run's length)")
    if not isinstance(method, str) or method not in METHODS:
        raise ValueError(f"method = {method!r} is not one of the reference's solve_ivp "
                         f"methods {METHODS}{did_you_mean(method, METHODS)}")
    rtol = checked_number(rtol, "rtol", "1", *RTOL_RANGE,
                          note=" (a reference's tolerance is tight)")
    atol = checked_atol(atol, len(m.states))
    if not (isinstance(max_step, (int, float)) and max_step == math.inf):
        max_step = checked_number(max_step, "max_step", "ms", 0.0, low_open=True,
                                  note=" (or inf, no limit)")
    check_stimulus(stimulus, m)
    warn_after_end(stimulus, t_end_f)
    record = record_names(record)
    idx = [m.variable_index(r) for r in record]
    _, _, clamp = (stimulus or NO_STIMULUS).waveform()
    ns = len(m.states)
    P = block_parameters(m.kernel, p[:, None])
    Y = np.zeros((ns, 1))
    A = np.zeros((ns, 1))
    B = np.zeros((ns, 1))
    OUT = np.zeros((max(len(m.outputs), 1), 1))
    rates, aux = m.kernel.rates, m.kernel.aux

    times = _sample_times(t_end_f, record_every, float(m.dt))
    rec = np.full((len(idx), times.size), np.nan)
    spikes: list[float] = []
    y = y0.copy()
    thr = float(m.spike_threshold)
    status = "ok"
    for a, b, value in _segments(stimulus, t_end_f):
        i_ext = 0.0 if clamp else value
        if clamp:
            y[0] = value

        def rhs(t, yy, i_ext=i_ext):
            Y[:, 0] = yy
            rates(Y, P, 0, t, i_ext, A, B)
            d = A[:, 0] - B[:, 0] * yy
            if clamp:
                d[0] = 0.0
            return d

        def spike(t, yy):
            return yy[0] - thr

        spike.direction = 1.0
        sol = solve_ivp(rhs, (a, b), y, method=method, rtol=rtol, atol=atol, max_step=max_step,
                        dense_output=True, events=None if clamp else spike)
        if not sol.success:
            status = f"solver failure: {sol.message}"
            break
        if not clamp:
            spikes.extend(float(t) for t in sol.t_events[0])
        # a sample within the drivers' snap of an edge (3 x 0.3 = 0.8999999999999999 for an
        # edge at 0.9) belongs to the segment after it, as in the drivers
        lo, hi = a - _snap(a), b - _snap(b)
        sel = (times >= lo) & ((times < hi) | ((b == t_end_f) & (times <= b)))
        if np.any(sel):
            ys = sol.sol(times[sel])
            for j, ix in enumerate(idx):
                if ix < ns:
                    rec[j, sel] = ys[ix]
                else:
                    vals = []
                    for k, t in enumerate(times[sel]):
                        Y[:, 0] = ys[:, k]
                        aux(Y, P, 0, t, i_ext, OUT)
                        vals.append(OUT[ix - ns, 0])
                    rec[j, sel] = vals
        y = sol.y[:, -1].copy()
    return trace_dataset(m, times, rec, record, spikes,
                         f"{method} event location", y, changed_parameters=changed_parameters(m, p),
                         t_end=t_end_f,
                         integrator=f"scipy solve_ivp {method} rtol={rtol:g} atol="
                                    f"{_atol_text(atol)} max_step={max_step:g} ms",
                         status=status)
