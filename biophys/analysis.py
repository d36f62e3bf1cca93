"""Spike and burst analysis of membrane-potential traces.

The definitions here are the trace-based twin of the online burst accumulators that the
compiled driver keeps during sweeps (:mod:`biophys.kernels.ensemble_source`, ``observe``),
reduced by :func:`biophys.metrics.burst_statistics`: on the same run both give identical
period, active phase, plateau fraction, spikes per burst and spike count
(``tests/test_analysis.py``); the silent-phase potential online (``silent_phase_V``,
``silent_phase_min_V``) equals ``silent_V_mean``/``silent_V_min`` here
(``tests/test_metrics_silent.py``).

Definitions
-----------
spike
    An upward crossing of ``threshold`` by V: a sample pair with ``V[i] < threshold <= V[i+1]``;
    its time is linearly interpolated between ``t[i]`` and ``t[i+1]``. The window holds the
    spikes with ``t_start < time <= t_end`` (the driver counts spikes after its warm-up).
silence
    A spike-free interval longer than ``gap`` (the model's ``burst_gap``): between two spikes,
    from the start of the analysed window to the first spike, or from the last spike to the
    end of the window. With ``plateau_V`` (the model's ``plateau_V``), only one with samples
    below ``threshold`` whose time average is at or below ``plateau_V`` (samples strictly
    between the spikes, or from the window's first sample and to its last; after a spike V
    stays below the threshold, once it has fallen below it, until the next spike, so these
    are the interval's final part). Any other interval longer than ``gap`` is the
    depolarised plateau of an active phase on which the spikes did not reach the threshold
    (it has no sample below the threshold, or they average above ``plateau_V``), and belongs
    to the burst under way.
burst
    A maximal run of spikes not separated by a silence. A single isolated spike is a burst of
    one spike.
burst start
    The first spike of a burst whose preceding interval, measured from the previous spike or,
    for the first burst, from the start of the analysed window, is a silence. A burst already
    under way when the window opens has no start (partial first burst).
complete burst
    A burst with a start that is followed by a silence inside the window (partial last
    bursts are excluded).
period
    Mean interval between successive burst starts, ``(last start - first start)/(n - 1)``;
    needs at least two starts.
active phase
    First-to-last spike time of a complete burst, averaged over complete bursts. (This is the
    definition that reproduces the published plateau fractions of the classic beta-cell
    models; see ``tests/test_classic_models.py``.)
silent phase
    Interval between the last spike of one burst and the first spike of the next (a silence
    between two spikes), averaged.
plateau fraction
    ``active phase / period``; 1 for a continuous spiker, 0 for a silent cell, NaN for an
    irregular one (including any spiking cell in a window no longer than ``gap``).
kind
    The activity pattern in the window, one of :data:`KINDS`: ``"silent"`` (no spike),
    ``"depolarised"`` (depolarisation block, below), ``"continuous"`` (spiking with no
    silence, none before the first spike or after the last either), ``"bursting"`` (at least
    two burst starts), ``"single spikes"`` (at least two burst starts, but every complete
    burst is one spike: spikes spaced by silences, i.e. regular firing slower than one spike
    per gap, such as ``zg_cell``'s slow oscillation near its onset K_o; its active phase and
    plateau fraction are 0) or ``"irregular"`` (spikes and a silence, but fewer than two burst
    starts: no period; or spikes in a window no longer than ``gap``, below). The sweep
    metric ``regime`` reports the same kind online, coded by its index in :data:`KINDS`.
    With ``plateau_V``, a cell that fires from the start of the window (no silence before
    its first spike) and then stays depolarised without spikes to the end of the window is
    continuous. A window no longer than ``gap`` cannot show a silent phase (a silence is
    longer than ``gap`` and lies inside the window), so it cannot tell continuous spiking
    from part of an active phase: a cell that spikes there is ``"irregular"``, with plateau
    fraction NaN (:func:`silence_possible`). Telling continuous spiking from a long active
    phase needs a window of several ``gap``.
depolarisation block
    No spike in the window and a time-averaged V above ``plateau_V`` (when given): the cell
    is held on the plateau (kind ``"depolarised"``), with plateau fraction 1 and no silent
    phase. This is the whole-window test; a depolarised interval between spikes is judged
    by the per-silence test above (as online).
silent-phase potential
    ``silent_V_mean`` is the time average of V over the samples below ``threshold`` inside
    complete silences (silences bounded by spikes on both sides inside the window);
    ``silent_V_min`` is the minimum of V there. For a silent cell with no spike in the window
    both are taken over the window's samples below ``threshold`` (the resting potential;
    NaN if V never falls below it, as online); in depolarisation block both are NaN.
spike rate
    Number of spikes in the window divided by the window duration, in Hz.
intra-burst frequency
    ``1000 / mean`` of the interspike intervals that are not silences (the intervals inside
    bursts, including partial first and last bursts and a depolarised plateau the
    ``plateau_V`` test keeps in a burst), in Hz; NaN with fewer than two spikes or when every
    interval is a silence. Trace-based only (the sweep has no online counterpart).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from ._checks import checked_number, checked_values

if TYPE_CHECKING:
    import xarray as xr
    from numpy.typing import ArrayLike

    from ._model import Model

#: The activity patterns a run is classified into (:attr:`BurstStats.kind`; the sweep metric
#: ``regime`` stores the index into this tuple).
KINDS = ("silent", "depolarised", "continuous", "bursting", "irregular", "single spikes")

__all__ = [
    "KINDS",
    "BurstStats",
    "burst_metrics",
    "bursts",
    "bursts_from_spike_times",
    "detect_spikes",
]


def _check_trace(t, V) -> tuple[np.ndarray, np.ndarray]:
    t, V = checked_values(t, "t", "ms"), checked_values(V, "V", "mV")
    if t.ndim != 1 or V.ndim != 1 or t.shape != V.shape:
        raise ValueError(f"t (ms) and V (mV) must be 1-D arrays of equal length, got shapes "
                         f"{t.shape} and {V.shape}")
    if t.size < 2:
        raise ValueError("a trace needs at least two samples")
    if not (np.all(np.isfinite(t)) and np.all(np.isfinite(V))):
        raise ValueError("t (ms) and V (mV) must be finite (a non-finite V means the "
                         "simulation failed)")
    if np.any(np.diff(t) <= 0):
        raise ValueError("t (ms) must be strictly increasing")
    return t, V


def detect_spikes(t: ArrayLike, V: ArrayLike, threshold: float) -> np.ndarray:
    """Times of upward crossings of ``threshold`` by V.

    Parameters
    ----------
    t : array_like
        Sample times, ms, strictly increasing.
    V : array_like
        Membrane potential, mV, same length as ``t``.
    threshold : float
        Crossing level, mV.

    Returns
    -------
    numpy.ndarray
        Spike times, ms: for each ``i`` with ``V[i] < threshold <= V[i+1]``, the linear
        interpolation of the crossing between ``t[i]`` and ``t[i+1]`` (the same rule as the
        compiled driver).
    """
    t, V = _check_trace(t, V)
    thr = checked_number(threshold, "threshold", "mV")
    i = np.nonzero((V[:-1] < thr) & (V[1:] >= thr))[0]
    return t[i] + (t[i + 1] - t[i]) * (thr - V[i]) / (V[i + 1] - V[i])


@dataclass(frozen=True)
class BurstStats:
    """Burst metrics of one trace (times in ms, potentials in mV, rates in Hz).

    ``kind`` is ``"silent"`` (no spike), ``"depolarised"`` (no spike, mean V above the
    ``plateau_V`` given: depolarisation block), ``"continuous"`` (spiking throughout, no silence
    longer than the gap, in a window longer than the gap), ``"bursting"`` (at least two burst
    starts, so a period), ``"single spikes"`` (as bursting, but every complete burst is a
    single spike) or ``"irregular"`` (spikes, but too few bursts in the window to define a
    period; also any spiking cell in a window no longer than the gap). Undefined
    quantities are NaN. See the module docstring for the definitions; ``period_std`` is the
    standard deviation (population, ddof = 0) of the intervals between successive burst
    starts, ms; ``intraburst_frequency`` is in Hz (module docstring).
    """

    kind: str
    n_spikes: int
    spike_rate: float
    n_bursts: int
    period: float
    period_std: float
    active_phase: float
    silent_phase: float
    plateau_fraction: float
    spikes_per_burst: float
    intraburst_frequency: float
    silent_V_mean: float
    silent_V_min: float
    t_start: float
    t_end: float
    spike_times: np.ndarray = field(repr=False)
    burst_starts: np.ndarray = field(repr=False)
    burst_ends: np.ndarray = field(repr=False)

    def as_dict(self) -> dict:
        """Scalar metrics as a dict (arrays omitted)."""
        d = asdict(self)
        for k in ("spike_times", "burst_starts", "burst_ends"):
            d.pop(k)
        return d


def bursts(
    t: ArrayLike,
    V: ArrayLike,
    threshold: float,
    gap: float,
    *,
    t_start: float | None = None,
    t_end: float | None = None,
    spike_times: ArrayLike | None = None,
    plateau_V: float | None = None,
) -> BurstStats:
    """Burst metrics of a membrane-potential trace.

    Parameters
    ----------
    t, V : array_like
        Sample times (ms, strictly increasing) and membrane potential (mV).
    threshold : float
        Spike detection level, mV (a model's ``spike_threshold``).
    gap : float
        A silence longer than this separates bursts, ms (a model's ``burst_gap``).
    t_start, t_end : float, optional
        Analysed window, ms (default: the whole trace), inside the trace: ``t[0] <= t_start <
        t_end <= t[-1]`` (to within rounding; a ``ValueError`` otherwise). Use ``t_start`` to
        drop a transient; a burst under way at ``t_start`` is not counted (same rule as the
        driver's warm-up).
    spike_times : array_like, optional
        Spike times (ms) detected elsewhere, e.g. the ``spike_times`` of
        :func:`biophys.simulate`, which are detected at every integration step; pass them when
        the trace is subsampled (``record_every``), since spikes narrower than the sampling
        interval are otherwise missed. Default: :func:`detect_spikes` on the trace.
    plateau_V : float, optional
        mV (a model's ``plateau_V``): a spike-free interval longer than ``gap`` whose samples
        below ``threshold`` do not average at or below it is a plateau inside a burst, not a
        silence; a cell without spikes whose time-averaged V is above it is in depolarisation
        block, not silent. Default: no such tests.

    Returns
    -------
    BurstStats
    """
    t, V = _check_trace(t, V)
    thr = checked_number(threshold, "threshold", "mV")
    plateau_V = check_plateau_V(plateau_V)
    t0, t1 = _window(t_start, t_end, float(t[0]), float(t[-1]))
    if spike_times is None:
        st = detect_spikes(t, V, thr)
    else:
        st = _spike_times(spike_times)
    in_win = (t >= t0) & (t <= t1)
    return _analyse(st, gap, t0, t1, t[in_win], V[in_win], thr, plateau_V)


def bursts_from_spike_times(spike_times: ArrayLike, gap: float, t_start: float,
                            t_end: float) -> BurstStats:
    """Burst timing metrics from spike times alone (no membrane-potential trace).

    Same definitions as :func:`bursts` without ``plateau_V``: with no trace there is no V to
    apply the per-silence plateau test or the depolarisation-block test to, so every
    spike-free interval longer than ``gap`` is a silence (also a depolarised plateau that
    :func:`bursts` with the model's ``plateau_V``, and the sweep's read-outs, keep inside an
    active phase: the two can then disagree) and a cell without spikes is ``"silent"``. The
    silent-phase potentials are NaN.

    Parameters
    ----------
    spike_times : array_like
        Spike times, ms (NaN entries are ignored).
    gap : float
        A silence longer than this separates bursts, ms.
    t_start, t_end : float
        Analysed window, ms.
    """
    t0, t1 = _window(t_start, t_end, math.nan, math.nan)
    return _analyse(_spike_times(spike_times), gap, t0, t1, None, None, math.nan)


def _spike_times(spike_times) -> np.ndarray:
    """Spike times (ms; NaN entries are ignored later) as a flat float array."""
    a = checked_values(spike_times, "spike_times", "ms", "finite or NaN (no spike)").ravel()
    if np.isinf(a).any():
        i = int(np.nonzero(np.isinf(a))[0][0])
        raise ValueError(f"spike_times (ms) must be finite or NaN (no spike); got {a[i]} at "
                         f"index {i}")
    return a


def _window(t_start, t_end, t_first, t_last) -> tuple[float, float]:
    """The analysed window ``(t_start, t_end)``, ms (None: the trace's first or last time).

    With a trace (``t_first``, ``t_last`` its first and last sample times, ms; NaN: spike times
    alone, no trace) both ends must lie in the trace, to within rounding (1e-9 of its times):
    outside it there are no samples, and a window reaching beyond them would be counted as
    spike-free time (a wrong rate, a trailing silence that is not there)."""
    t0 = t_first if t_start is None else checked_number(t_start, "t_start", "ms")
    t1 = t_last if t_end is None else checked_number(t_end, "t_end", "ms")
    if not (math.isfinite(t0) and math.isfinite(t1) and t0 < t1):
        raise ValueError(f"window t_start = {t_start!r} ms, t_end = {t_end!r} ms must be "
                         "finite with t_start < t_end")
    if math.isfinite(t_first) and math.isfinite(t_last):
        slack = 1e-9 * max(abs(t_first), abs(t_last), t_last - t_first)
        for name, given, v in (("t_start", t_start, t0), ("t_end", t_end, t1)):
            if not t_first - slack <= v <= t_last + slack:
                raise ValueError(
                    f"{name} = {given!r} ms must be in [{t_first:g}, {t_last:g}] ms, the "
                    "trace's times (t[0] to t[-1]): the window t_start < t_end must lie in "
                    "the trace")
    return t0, t1


def _analyse(st, gap, t0, t1, tw, Vw, thr, plateau_V=None) -> BurstStats:
    """Core of :func:`bursts`: spike times ``st`` and (optionally) the trace in the window."""
    gap = checked_number(gap, "gap", "ms", 0.0, low_open=True)
    st = np.sort(st[np.isfinite(st)])
    st = st[(st > t0) & (st <= t1)]
    has_trace = tw is not None and tw.size > 0
    n = st.size
    rate = 1000.0 * n / (t1 - t0)
    nan = math.nan
    empty = np.empty(0)

    if n == 0:
        vmean = _time_mean(tw, Vw, np.ones(tw.size, bool)) if has_trace else nan
        blocked = plateau_V is not None and depolarisation_block(0, vmean, plateau_V)
        if blocked:  # kind_index gives "depolarised" for a blocked cell first
            return BurstStats("depolarised", 0, 0.0, 0, nan, nan, nan, nan, 1.0, nan, nan, nan,
                              nan, t0, t1, st, empty, empty)
        # the silent-phase potential, as online: the samples below the threshold
        below = Vw < thr if has_trace else None
        smean = _time_mean(tw, Vw, below) if has_trace else nan
        smin = float(np.min(Vw[below])) if has_trace and below.any() else nan
        return BurstStats("silent", 0, 0.0, 0, nan, nan, nan, nan, 0.0, nan, nan, smean, smin,
                          t0, t1, st, empty, empty)

    isi = np.diff(st)
    brk = np.nonzero(isi > gap)[0]  # silence between st[brk] and st[brk + 1]
    lead = st[0] - t0 > gap  # silence from the window start to the first spike
    tail = t1 - st[-1] > gap  # silence from the last spike to the window end
    if plateau_V is not None and has_trace:
        # the per-silence test on the samples below threshold (strictly between the spikes;
        # from the window's first sample before the first spike, to its last after the last)
        w = _sample_weights(tw) * (Vw < thr)
        after = np.searchsorted(tw, st, "right")  # first sample after each spike
        before = np.searchsorted(tw, st, "left")  # first sample at or after each spike
        brk = brk[np.array([_silent(Vw, w, after[i], before[i + 1], plateau_V)
                            for i in brk], bool)]
        lead = lead and _silent(Vw, w, 0, before[0], plateau_V)
        tail = tail and _silent(Vw, w, after[-1], tw.size, plateau_V)
    run_first = np.r_[0, brk + 1]
    run_last = np.r_[brk, n - 1]
    # a run has a start if its preceding interval is a silence; the first run's is measured
    # from the window start
    has_start = np.ones(run_first.size, bool)
    has_start[0] = lead
    # a run is over if the following interval is a silence inside the window
    ended = np.ones(run_first.size, bool)
    ended[-1] = tail
    complete = has_start & ended
    starts = st[run_first[has_start]]
    b_first = st[run_first[complete]]
    b_last = st[run_last[complete]]
    n_spk = (run_last - run_first + 1)[complete]

    inside = np.ones(isi.size, bool)
    inside[brk] = False  # the intervals that are not silences lie inside bursts
    intraburst = 1000.0 / float(np.mean(isi[inside])) if inside.any() else nan

    continuous = (brk.size == 0 and not has_start[0] and not ended[-1]
                  and bool(silence_possible(t1 - t0, gap)))
    single = n_spk.size > 0 and bool(np.all(n_spk == 1))
    kind = KINDS[kind_index(n, continuous, starts.size, single=single)]
    if kind == "continuous":
        return BurstStats("continuous", n, rate, 0, nan, nan, nan, nan, 1.0, nan, intraburst,
                          nan, nan, t0, t1, st, empty, empty)

    if kind in ("bursting", "single spikes"):
        period = float((starts[-1] - starts[0]) / (starts.size - 1))
        period_std = float(np.std(np.diff(starts)))
    else:  # irregular
        period = period_std = nan
    if b_first.size:
        active = float(np.mean(b_last - b_first))
        spb = float(np.mean(n_spk))
    else:
        active = spb = nan
    pf = active / period if kind in ("bursting", "single spikes") else nan

    # complete silences: interspike intervals longer than the gap
    silences = [(st[i], st[i + 1]) for i in brk]
    silent = float(np.mean([b - a for a, b in silences])) if silences else nan
    vmean = vmin = nan
    if has_trace:
        mask = np.zeros(tw.size, bool)
        for a, b in silences:
            mask[np.searchsorted(tw, a, "right"):np.searchsorted(tw, b, "left")] = True
        mask &= Vw < thr
        vmean = _time_mean(tw, Vw, mask)
        vmin = float(np.min(Vw[mask])) if mask.any() else nan
    return BurstStats(kind, n, rate, int(b_first.size), period, period_std, active, silent, pf,
                      spb, intraburst, vmean, vmin, t0, t1, st, b_first, b_last)


def kind_index(n_spikes, continuous, n_starts, blocked=False, single=False) -> np.ndarray:
    """Index into :data:`KINDS` of the activity pattern: the one rule that :func:`bursts`
    and the online read-outs (:func:`biophys.metrics.burst_statistics`) apply.

    Parameters
    ----------
    n_spikes : array_like
        Spikes in the window.
    continuous : array_like of bool
        Spiking with no silent phase before, between or after the spikes (see ``silence``
        in the module docstring), in a window that could show one (:func:`silence_possible`).
    n_starts : array_like
        Burst starts in the window.
    blocked : array_like of bool
        Depolarisation block (:func:`depolarisation_block`).
    single : array_like of bool
        Every complete burst is a single spike (and there is at least one): with two burst
        starts or more the kind is ``"single spikes"``, not ``"bursting"``.
    """
    bursts_ = np.asarray(n_starts) >= 2
    single = np.asarray(single, bool)
    return np.select(
        [np.asarray(blocked, bool), np.asarray(n_spikes) == 0, np.asarray(continuous, bool),
         bursts_ & single, bursts_],
        [KINDS.index(k) for k in ("depolarised", "silent", "continuous", "single spikes",
                                  "bursting")],
        KINDS.index("irregular"))


def silence_possible(window, gap):
    """True where a window of ``window`` ms can contain a silence, one longer than ``gap`` ms:
    ``window > gap``. In a shorter window no spiking cell is ``"continuous"`` (it may be in a
    long active phase), but ``"irregular"``, with plateau fraction NaN: the rule shared by
    :func:`bursts` and the online read-outs of :mod:`biophys.metrics`."""
    return np.asarray(window) > gap


def check_plateau_V(plateau_V) -> float | None:
    """``plateau_V`` (mV) as a float, or None; a named error if it is not a finite potential."""
    if plateau_V is None:
        return None
    return checked_number(plateau_V, "plateau_V", "mV", note=" (a potential, or None: no "
                          "per-silence plateau or depolarisation-block test)")


def depolarisation_block(n_spikes, mean_V, plateau_V: float):
    """True where a cell fired no spike and its mean V (mV) is above ``plateau_V`` (mV): the
    rule shared by :func:`bursts` and the online read-outs of :mod:`biophys.metrics`."""
    return (np.asarray(n_spikes) == 0) & (np.asarray(mean_V) > plateau_V)


def _sample_weights(t: np.ndarray) -> np.ndarray:
    """Weight of each sample in a time average, ms: its interval to the next sample (the last
    sample weighs as the one before it)."""
    if t.size < 2:
        return np.ones(t.size)
    w = np.empty(t.size)
    w[:-1] = np.diff(t)
    w[-1] = w[-2]
    return w


def _time_mean(t: np.ndarray, V: np.ndarray, mask: np.ndarray) -> float:
    """Time average of V over the masked samples (each sample weighs its own interval)."""
    if not mask.any():
        return math.nan
    if t.size < 2:
        return float(np.mean(V[mask]))
    w = _sample_weights(t) * mask
    return float(np.sum(w * V) / np.sum(w))


def _silent(V: np.ndarray, w: np.ndarray, lo: int, hi: int, plateau_V: float) -> bool:
    """Whether samples ``lo .. hi-1`` with weights ``w`` (ms; :func:`_sample_weights`, zero
    at and above the threshold) have weight and a weighted mean of V (mV) at or below
    ``plateau_V`` (mV): the per-silence test, twin of the driver's
    (:func:`biophys.kernels.bursts.record_spike`)."""
    ww = w[lo:hi]
    den = float(np.sum(ww))
    return den > 0.0 and float(np.sum(ww * V[lo:hi])) / den <= plateau_V


def burst_metrics(ds: xr.Dataset, *, t_start: float = 0.0,
                  model: str | Model | None = None) -> BurstStats:
    """:func:`bursts` of a :func:`biophys.simulate` result, with the model's own threshold
    and gap and the spike times the driver detected at every step.

    Parameters
    ----------
    ds : xarray.Dataset
        Output of :func:`biophys.simulate` with ``V`` recorded.
    t_start : float
        Start of the analysed window, ms (drop the transient), within the recorded times
        (``time[0] <= t_start < time[-1]``; a ``ValueError`` otherwise).
    model : str or Model, optional
        Default: the model named in ``ds.attrs["model"]``.

    Notes
    -----
    The window ends at the last recorded sample. When the record grid stops short of the
    run's ``t_end`` (a ``record_every`` that does not divide it) a ``UserWarning`` says so:
    the spikes after the last sample are left out, unlike in a sweep's metrics of the run.
    """
    from .models import get_model

    if not all(hasattr(ds, a) for a in ("attrs", "data_vars")):
        raise ValueError(f"ds = {ds!r:.60} must be the xarray.Dataset of biophys.simulate "
                         "(or biophys.reference.solve) with V recorded")
    if model is None and "model" not in ds.attrs:
        raise ValueError("ds.attrs has no 'model': give model= (the Dataset is not one that "
                         "biophys.simulate returned)")
    m = get_model(model if model is not None else ds.attrs["model"])
    if "V" not in ds:
        raise ValueError("burst_metrics needs V in the recorded variables (record=['V', ...])")
    t = ds["time"].values
    run_end = ds.attrs.get("t_end")
    if isinstance(run_end, (int, float)) and run_end > t[-1] * (1 + 1e-12):
        from ._warn import warn_user

        warn_user(f"burst_metrics: the trace ends at {t[-1]:g} ms, before the run's t_end = "
                  f"{run_end:g} ms (its record grid does not reach it): the window ends at the "
                  "last sample and spikes after it are left out; record with a record_every "
                  "that divides t_end to analyse the whole run")
    return bursts(t, ds["V"].values, m.spike_threshold, m.burst_gap, t_start=t_start,
                  t_end=float(t[-1]), spike_times=ds["spike_times"].values,
                  plateau_V=m.plateau_V)
