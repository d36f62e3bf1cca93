"""Tight-tolerance reference solutions of any built-in model with SciPy (LSODA, Radau, BDF).

The model's own right-hand side (its compiled ``rates`` kernel, ``dy/dt = A - B y``) is handed
to :func:`scipy.integrate.solve_ivp`, integrated segment by segment between stimulus edges, with
spikes located as events (upward crossings of the model's spike threshold). Use it to check
the fixed-step integrators on the same equations; tests that validate the *equations* against
published numbers use independent implementations instead.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np

from ._engine import check_time
from ._model import Model
from .kernels.protocol import block_parameters
from .models import get_model
from .simulate import changed_parameters, trace_dataset
from .stimulus import NO_STIMULUS

if TYPE_CHECKING:
    import xarray as xr


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


def solve(
    model: str | Model,
    t_end: float,
    *,
    params: Mapping[str, float] | None = None,
    initial: Mapping[str, float] | None = None,
    stimulus=None,
    record: Sequence[str] = ("V",),
    record_every: float = 0.1,
    method: str = "LSODA",
    rtol: float = 1e-9,
    atol: float = 1e-12,
    max_step: float = np.inf,
) -> xr.Dataset:
    """Reference solution of one cell with :func:`scipy.integrate.solve_ivp`.

    Parameters are as for :func:`biophys.simulate`; ``method`` is a ``solve_ivp`` method
    (``"LSODA"``, ``"Radau"``, ``"BDF"``, ``"DOP853"``), ``rtol``/``atol`` its tolerances and
    ``max_step`` (ms) its largest step. Returns a Dataset shaped like ``simulate``'s, sampled
    every ``record_every`` ms (dense output), with ``spike_times`` located as solver events.
    """
    from scipy.integrate import solve_ivp  # imported here: keeps `import biophys` light

    m = get_model(model)
    p = m.parameter_vector(params)
    y0 = m.state_vector(initial)
    t_end_f, _, _ = check_time(t_end, record_every)
    if isinstance(record, str):
        record = (record,)
    idx = [m.variable_index(r) for r in record]
    _, _, clamp = (stimulus or NO_STIMULUS).waveform()
    ns = len(m.states)
    P = block_parameters(m.kernel, p[:, None])
    Y = np.zeros((ns, 1))
    A = np.zeros((ns, 1))
    B = np.zeros((ns, 1))
    OUT = np.zeros((max(len(m.outputs), 1), 1))
    rates, aux = m.kernel.rates, m.kernel.aux

    times = np.arange(int(np.floor(t_end_f / record_every + 1e-9)) + 1) * record_every
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
        sel = (times >= a) & ((times < b) | ((b == t_end_f) & (times <= b)))
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
                         integrator=f"scipy solve_ivp {method} rtol={rtol:g} atol={atol:g}",
                         status=status)
