"""Run the compiled ensemble driver of a model: argument checks, buffers, and raw results.

Shared by :func:`biophys.simulate` (one or a few cells, traces) and :func:`biophys.sweep`
(many cells, online metrics).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ._compile import load_driver
from ._model import Model
from .stimulus import NO_STIMULUS

#: Fixed-step integration methods accepted by ``method=`` and their order.
#: ``"rl1"``: Rush-Larsen / exponential Euler (first order; Rush & Larsen 1978).
#: ``"rl2"``: exponential midpoint, second-order Rush-Larsen (Sundnes et al. 2009).
METHODS = {"rl1": 1, "rl2": 2}
METHOD_DESCRIPTIONS = {
    "rl1": "rl1: Rush-Larsen gates, exponential Euler for V and other states (1st order)",
    "rl2": "rl2: exponential midpoint (2nd-order Rush-Larsen, Sundnes et al. 2009)",
}


@dataclass
class RawRun:
    """Raw arrays returned by one driver call (cells along the last axis)."""

    Y: np.ndarray  # final states (n_states, n_cells)
    times: np.ndarray  # record times, ms
    rec: np.ndarray  # (n_record, n_cells, n_times)
    spike_times: np.ndarray  # (n_cells, capacity), NaN padded
    spike_count: np.ndarray  # (n_cells,) all spikes, including those beyond capacity
    obs: np.ndarray  # (n_observed, 3, n_cells): sum, min, max after warm-up
    n_obs_samples: int
    burst: np.ndarray  # (12, n_cells) burst accumulators
    status: np.ndarray  # (n_cells,) 0 ok, 1 non-finite state
    dt: float
    n_steps: int
    t_warm: float


def check_time(t_end: float, dt: float, warmup: float = 0.0) -> tuple[float, float, float]:
    """Validate t_end, dt and warm-up (all ms)."""
    t_end_f = float(t_end)
    dt_f = float(dt)
    w = float(warmup)
    if not math.isfinite(t_end_f) or t_end_f <= 0:
        raise ValueError(f"t_end = {t_end!r} ms must be finite and > 0 ms")
    if not math.isfinite(dt_f) or dt_f <= 0:
        raise ValueError(f"dt = {dt!r} ms must be finite and > 0 ms")
    if dt_f > t_end_f:
        raise ValueError(f"dt = {dt!r} ms must not exceed t_end = {t_end!r} ms")
    if not math.isfinite(w) or not 0 <= w < t_end_f:
        raise ValueError(f"warmup = {warmup!r} ms must be in [0, t_end) = [0, {t_end_f:g}) ms")
    return t_end_f, dt_f, w


def run(
    model: Model,
    P: np.ndarray,
    Y0: np.ndarray,
    *,
    t_end: float,
    dt: float,
    stimulus=None,
    record: Sequence[str] = (),
    record_every: float | None = None,
    warmup: float = 0.0,
    observe: Sequence[str] = (),
    spike_capacity: int = 0,
    method: str = "rl2",
) -> RawRun:
    """Integrate ``P.shape[1]`` independent cells of ``model``.

    ``P`` is ``(n_params, n_cells)``, ``Y0`` is ``(n_states, n_cells)``; both are copied.
    """
    if method not in METHODS:
        raise ValueError(f"method = {method!r} is not one of {tuple(METHODS)}")
    t_end, dt, warmup = check_time(t_end, dt, warmup)
    n_steps = max(1, int(math.ceil(t_end / dt - 1e-9)))
    dt = t_end / n_steps
    stim_t, stim_v, clamp = (stimulus or NO_STIMULUS).waveform()
    P = np.ascontiguousarray(P, dtype=np.float64)
    Y = np.array(Y0, dtype=np.float64, order="C", copy=True)
    n_cells = P.shape[1]
    if Y.shape != (len(model.states), n_cells):
        raise ValueError(f"initial states must have shape {(len(model.states), n_cells)}")
    rec_idx = np.array([model.variable_index(r) for r in record], dtype=np.int64)
    obs_idx = np.array([model.variable_index(o) for o in observe], dtype=np.int64)
    if len(rec_idx):
        every = record_every if record_every is not None else dt
        if not math.isfinite(float(every)) or every <= 0:
            raise ValueError(f"record_every = {record_every!r} ms must be finite and > 0 ms")
        rec_every = max(1, int(round(float(every) / dt)))
        n_rec_t = n_steps // rec_every + 1
    else:
        rec_every, n_rec_t = 0, 0
    rec = np.full((len(rec_idx), n_cells, n_rec_t), np.nan)
    spk_t = np.full((n_cells, max(int(spike_capacity), 1)), np.nan)
    spk_n = np.zeros(n_cells, dtype=np.int64)
    obs = np.zeros((len(obs_idx), 3, n_cells))
    burst = np.zeros((12, n_cells))
    status = np.zeros(n_cells, dtype=np.int64)
    warm_steps = int(round(warmup / dt))
    drv = load_driver(model)
    drv.run_exponential(
        Y, P, 0.0, dt, n_steps, stim_t, stim_v, bool(clamp), rec_idx, rec_every, rec,
        float(model.spike_threshold), spk_t, spk_n, warm_steps, obs_idx, obs,
        float(model.burst_gap), burst, status, METHODS[method],
    )
    bad = ~np.all(np.isfinite(Y), axis=0)
    status[bad] = 1
    times = np.arange(n_rec_t) * (rec_every * dt)
    return RawRun(Y, times, rec, spk_t, spk_n, obs, n_steps - warm_steps + 1, burst, status, dt,
                  n_steps, warm_steps * dt)
