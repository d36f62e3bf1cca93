"""Physiological readouts of a sweep, computed from the driver's online accumulators.

The ensemble driver keeps, for every cell and without storing a trace, the sum, minimum and
maximum of chosen states or algebraic outputs after the warm-up, the spikes (upward crossings of
the model's ``spike_threshold``; none under a voltage clamp, whose command steps are not action
potentials) and a burst accumulator (see
:mod:`biophys.kernels.ensemble_source`). This module names the readouts a physiologist asks for,
checks before a sweep starts that the model can provide them, and turns the accumulators into
numbers with units. Memory stays flat in ``t_end``.

Which state or output plays a role (``Ca_i``, ``pump_current``, ``secretion``...) is declared by
the model in ``Model.roles``; a model without a declared role falls back to a state or output
of exactly that name, and otherwise lacks the metric.

Rates (``secretion_rate``, ``insulin_rate``, ``aldosterone_rate``, ``ATP_use``) read their role
variable as follows:

- a variable whose unit ends in a time denominator (``granules/ms``, ``fg/s``, ``mM/min``) is a
  rate: its time average, expressed per second;
- otherwise a *state* is a cumulative amount (granules secreted so far, ATP consumed so far):
  its increase after the warm-up divided by the time, per second (exact for a counter that never
  decreases), unless the model declares it for a role named ``..._rate`` (``secretion_rate``,
  ``insulin_rate``, ``aldosterone_rate``): it is then a rate;
- otherwise (an algebraic output, or such a state) a rate in the model's own unit: its time
  average.

Burst readouts (``burst_period``, ``active_phase``, ``plateau_fraction``,
``spikes_per_burst``): a burst is a run of spikes separated by silent phases. A silent phase is
a spike-free interval longer than the model's ``burst_gap`` (between two spikes after the
warm-up, from the end of the warm-up to the first spike, or from the last spike to the end of
the run) in which, for a model with a ``plateau_V``, V falls below ``spike_threshold`` and the
time average of V over those samples (the interval's final part: once below the threshold, V
stays below it until the next spike) is at or below ``plateau_V``. Any other interval longer
than ``burst_gap`` is the depolarised plateau of an active phase on which the spikes did not
reach the threshold (Bertram & Sherman 2004 at 5.6 mM K_o: 42-47 s between -40 and -23 mV
inside each active phase): it does not end the burst, its samples are not part of the
silent-phase potential, and before the first spike it makes the first burst one already under
way (not measured). The driver makes this test online with the running sums of V below
threshold since the last spike (:mod:`biophys.kernels.ensemble_source`, ``F_PLATEAU``), the
sums of the silent-phase potential; :func:`burst_statistics` makes it for the interval after
the last spike. A burst's active phase runs from its first to its last spike. Only bursts that
start after the warm-up are measured; a final burst counts if the run ends with a silent phase.
``burst_period`` is the mean interval between burst starts (needs two starts).
``plateau_fraction`` is ``active_phase / burst_period``; it is 1 for continuous spiking (no
silent phase after the warm-up, in a window longer than ``burst_gap``), 0 without spikes, and
NaN where bursts are undefined (for example a single burst, or spikes in a window no longer
than ``burst_gap``). A cell without spikes whose mean V after the warm-up is above the
model's ``plateau_V`` (depolarisation block, e.g. a beta-cell at 12 mM K_o) is held on the
plateau: plateau fraction 1 and no silent phase (NaN silent-phase potential); this
whole-window test needs the mean V, which the sweep then observes. A run that fires from the
start of its window (no silence before the first spike) and then stays depolarised without
spikes to its end therefore reads continuous (plateau fraction 1). A window (``t_end -
warmup``) no longer than ``burst_gap`` cannot show a silent phase (a silence is longer than
``burst_gap`` and lies inside the window): a cell that spikes there is not continuous but
irregular, with plateau fraction NaN (the pattern is undetermined;
:func:`biophys.analysis.silence_possible`); the depolarisation block is unchanged. Telling
continuous spiking from a long active phase needs a window of several ``burst_gap``; the
read-outs' ``long_name`` says so, and no warning is given (short windows are common where
only spike counts or means matter).

Activity pattern (``regime``): the index into :data:`biophys.analysis.KINDS` of the kind that
:func:`biophys.analysis.bursts` gives the same run: 0 silent, 1 depolarised (the block above;
only for models with a ``plateau_V``), 2 continuous spiking, 3 bursting (two burst starts or
more), 4 irregular (spikes, but fewer than two burst starts; every spiking cell in a window
no longer than ``burst_gap``), 5 single spikes (two burst
starts or more, every complete burst one spike: regular firing slower than one spike per
``burst_gap``; active phase and plateau fraction 0). In a sweep result it carries CF
``flag_values``/``flag_meanings`` attributes; :func:`biophys.flag_text` turns it into
names, and :func:`biophys.plot.heatmap` draws it with one colour per pattern.

Silent-phase potential (``silent_phase_V``, ``silent_phase_min_V``): the time average and the
minimum of V over the samples below ``spike_threshold`` inside silent phases between two spikes
after the warm-up (the driver keeps the running sums since the last spike and adds them to the
silent-phase totals when the next spike ends a silent phase; a depolarised plateau, above, is
dropped, so with a ``plateau_V`` the average is at or below it). A cell without spikes after
the warm-up is silent throughout: both are taken over the window's samples below
``spike_threshold`` (its resting potential; NaN for a cell held above the threshold).
Continuous spikers and cells with only one burst have no complete silent phase: NaN. The
same definition as :func:`biophys.analysis.bursts` on a trace (``tests/test_metrics_silent.py``,
``tests/test_plateau_silences.py`` and ``tests/test_burst_definitions.py`` check they agree).

Sums over time with a fixed step are over the step's samples; with ``adaptive`` and
``rosenbrock`` they are integrals over the solver's dense output (a state's cubic Hermite
interpolant, an output by Simpson's rule; the time below threshold split at each crossing),
fourth order like the solution (``tests/test_adaptive.py``); their minima and maxima are
taken at the accepted steps' ends, so a peak between two steps reads a little low.

The integrator's work (``steps``, ``rejected_steps``): the steps it accepted and rejected over
the whole run, warm-up included. With a fixed step ``steps`` is ``t_end / dt`` (or the steps
up to the freeze with ``stop_at_rest``) and nothing is rejected; with ``adaptive`` or
``rosenbrock`` the counts show where in a sweep the solution is fast or stiff
(``tests/test_metrics_steps.py``). A point that did not finish reads NaN, as every read-out
does; with a retry, the counts are the retry's.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ._checks import checked_names, did_you_mean
from ._model import Model
from .analysis import KINDS, depolarisation_block, kind_index, silence_possible
from .kernels.bursts import (
    B_CUR_FIRST,
    B_CUR_N,
    B_CUR_VALID,
    B_FIRST_START,
    B_IN_BURST,
    B_LAST,
    B_LAST_START,
    B_NDONE,
    B_NSPK,
    B_NSTART,
    B_PEND_MIN,
    B_PEND_N,
    B_PEND_SUM,
    B_SIL_MIN,
    B_SIL_N,
    B_SIL_SUM,
    B_SUM_DUR,
    B_SUM_SPK,
)

_TIME_DENOM = re.compile(r"^(?P<num>.+)/(?P<t>ms|s|min|h)$")
_PER_SECOND = {"ms": 1000.0, "s": 1.0, "min": 1.0 / 60.0, "h": 1.0 / 3600.0}


@dataclass(frozen=True)
class _Named:
    kind: str  # mean | min | max | spikes | spike_rate | burst_* | rate | steps | rejected_steps
    roles: tuple[str, ...]  # role names, tried in order ("V" = membrane potential)
    long_name: str
    needs: str  # what the model must have, for error messages


#: Named metrics. Any state or output ``X`` of a model also has ``mean_X``, ``min_X``, ``max_X``.
NAMED: dict[str, _Named] = {
    "mean_V": _Named("mean", ("V",), "membrane potential, time average after warm-up", "V"),
    "min_V": _Named("min", ("V",), "minimum membrane potential after warm-up", "V"),
    "max_V": _Named("max", ("V",), "maximum membrane potential after warm-up", "V"),
    "spike_count": _Named("spikes", (), "number of spikes after warm-up", ""),
    "spike_rate": _Named("spike_rate", (), "spike frequency after warm-up", ""),
    "burst_period": _Named("burst_period", (), "burst period (mean interval between burst "
                           "starts) after warm-up", ""),
    "active_phase": _Named("active_phase", (), "active phase (first to last spike of a burst), "
                           "mean over bursts after warm-up", ""),
    "plateau_fraction": _Named("plateau_fraction", (), "plateau fraction (active phase / burst "
                               "period; 1 continuous spiking, 0 silent)", ""),
    "spikes_per_burst": _Named("spikes_per_burst", (), "spikes per burst, mean over bursts "
                               "after warm-up", ""),
    "regime": _Named("regime", (), "activity pattern after warm-up", ""),
    "silent_phase_V": _Named("silent_phase_V", (), "membrane potential during silent phases "
                             "(time average below threshold between bursts) after warm-up", ""),
    "silent_phase_min_V": _Named("silent_phase_min_V", (), "minimum membrane potential during "
                                 "silent phases after warm-up", ""),
    "mean_Ca_i": _Named("mean", ("Ca_i",), "cytosolic free Ca2+, time average after warm-up",
                        "a cytosolic Ca2+ concentration"),
    "peak_Ca_i": _Named("max", ("Ca_i",), "cytosolic free Ca2+, maximum after warm-up",
                        "a cytosolic Ca2+ concentration"),
    "pump_current": _Named("mean", ("pump_current",), "Na+/K+-ATPase current, time average "
                           "after warm-up", "a Na+/K+-ATPase current"),
    "ATP_use": _Named("rate", ("ATP_use",), "ATP consumption rate, time average after warm-up",
                      "an ATP consumption rate"),
    "secretion_rate": _Named("rate", ("secretion_rate", "secretion"), "granule exocytosis "
                             "(secretion) rate, time average after warm-up",
                             "granule exocytosis (secretion)"),
    "insulin_rate": _Named("rate", ("insulin_rate", "insulin"), "insulin secretion rate, time "
                           "average after warm-up", "insulin output"),
    "aldosterone_rate": _Named("rate", ("aldosterone_rate", "aldosterone"), "aldosterone "
                               "synthesis rate, time average after warm-up",
                               "aldosterone output"),
    # the integrator's own statistics: where in a sweep it worked hard (stiff or fast points)
    "steps": _Named("steps", (), "integration steps accepted over the whole run, warm-up "
                    "included (a fixed step: t_end / dt, or up to the rest freeze with "
                    "stop_at_rest)", ""),
    "rejected_steps": _Named("rejected_steps", (), "integration steps rejected by the error "
                             "control over the whole run, warm-up included (0 with a fixed "
                             "step)", ""),
}

_GENERIC = re.compile(r"^(?P<op>mean|min|max)_(?P<var>.+)$")


@dataclass(frozen=True)
class MetricSpec:
    """How one metric is computed for one model (see :func:`plan`)."""

    name: str
    kind: str
    var: str | None  # observed state/output, or None for spike/burst metrics
    scale: float  # multiply the raw value by this (unit conversion)
    units: str
    long_name: str
    flags: tuple[str, ...] = ()  # category names of a coded metric (value i means flags[i])


@dataclass(frozen=True)
class MetricPlan:
    """The metrics of a sweep, resolved for one model."""

    specs: tuple[MetricSpec, ...]
    observe: tuple[str, ...]  # variables whose sum/min/max the driver must keep (V always)
    # mV; the model's plateau_V when a burst read-out needs it: the driver's per-silence test
    # (F_PLATEAU), and the whole-window depolarisation block when block is True
    plateau_V: float | None = None

    @property
    def silent(self) -> bool:
        """True when the driver must accumulate the silent-phase potential."""
        return any(s.kind.startswith("silent_phase") for s in self.specs)

    @property
    def block(self) -> bool:
        """True when a read-out depends on the whole-window depolarisation block (the plan
        then observes V)."""
        return self.plateau_V is not None and any(s.kind in _BLOCK_AWARE for s in self.specs)


def role_variable(model: Model, role: str) -> str | None:
    """The state or output that plays ``role`` in ``model``, or None."""
    name = model.roles.get(role) if model.roles else None
    if name is None:
        if role in model.state_names or role in model.output_names:
            return role
        return None
    if name not in model.state_names and name not in model.output_names:
        raise RuntimeError(
            f"model {model.name!r} declares role {role!r} = {name!r}, which is not one of its "
            "states or outputs"
        )
    return name


def _describe(model: Model, var: str) -> str:
    return model.variable_meta(var)[1]


def _spec(model: Model, name: str) -> MetricSpec | None:
    thr = f"V = {model.spike_threshold:g} mV"
    gap = f"{model.burst_gap:g} ms"
    block = ""  # how a cell in depolarisation block is reported, if the model detects it
    # why a short window reads irregular (no warning: short windows are common where only
    # spike counts or means are wanted)
    short = (f"; a window (t_end - warmup) no longer than burst_gap = {model.burst_gap:g} ms "
             "cannot show a silent phase: a spiking cell there is irregular (plateau fraction "
             "NaN), and telling continuous spiking from a long active phase needs a window of "
             "several burst_gap")
    if model.plateau_V is not None:
        # the per-silence plateau test, then the whole-window block
        gap += f" with mean V below threshold at or below {model.plateau_V:g} mV"
        block = (f"; a cell without spikes and mean V above {model.plateau_V:g} mV is in "
                 "depolarisation block")
    if name in NAMED:
        d = NAMED[name]
        if d.kind == "spikes":
            return MetricSpec(name, d.kind, None, 1.0, "1",
                              f"{d.long_name} (upward crossings of {thr})")
        if d.kind == "spike_rate":
            return MetricSpec(name, d.kind, None, 1.0, "Hz",
                              f"{d.long_name} (upward crossings of {thr})")
        if d.kind in ("steps", "rejected_steps"):
            return MetricSpec(name, d.kind, None, 1.0, "1", d.long_name)
        if d.kind == "regime":
            codes = ", ".join(f"{i} {k}" for i, k in enumerate(KINDS))
            return MetricSpec(name, d.kind, None, 1.0, "1",
                              f"{d.long_name}: {codes} (as biophys.analysis.bursts kind; "
                              f"bursts separated by silences > {gap}, spikes = upward "
                              f"crossings of {thr}{block}{short})", KINDS)
        if d.kind.startswith("silent_phase"):
            note = f"{block} (no silent phase: NaN)" if block else ""
            return MetricSpec(name, d.kind, None, 1.0, "mV",
                              f"{d.long_name}; silent phases are interspike intervals > "
                              f"{gap}, samples below {thr}{note}")
        if d.kind.startswith("burst") or d.kind in ("active_phase", "plateau_fraction",
                                                     "spikes_per_burst"):
            units = {"burst_period": "s", "active_phase": "s"}.get(d.kind, "1")
            note = f"{block} (plateau fraction 1)" if block and d.kind == "plateau_fraction" else ""
            note += short if d.kind == "plateau_fraction" else ""
            return MetricSpec(name, d.kind, None, 1.0, units,
                              f"{d.long_name}; bursts separated by silences > {gap}{note}")
        for role in d.roles:
            var = role_variable(model, role)
            if var is None:
                continue
            unit, desc = model.variable_meta(var)
            if d.kind != "rate":
                return MetricSpec(name, d.kind, var, 1.0, unit, f"{d.long_name} ({var}: {desc})")
            m = _TIME_DENOM.match(unit)
            if m:
                return MetricSpec(name, "mean", var, _PER_SECOND[m["t"]], f"{m['num']}/s",
                                  f"{d.long_name} ({var}: {desc})")
            if var in model.state_names and not role.endswith("_rate"):
                per_s = f"{unit}/s" if unit != "1" else "1/s"
                return MetricSpec(name, "increase", var, 1000.0, per_s,
                                  f"{d.long_name} (increase of {var} per second: {desc})")
            return MetricSpec(name, "mean", var, 1.0, unit, f"{d.long_name} ({var}: {desc})")
        return None
    g = _GENERIC.match(name)
    if g and (g["var"] in model.state_names or g["var"] in model.output_names):
        var = g["var"]
        unit, desc = model.variable_meta(var)
        what = {"mean": "time average", "min": "minimum", "max": "maximum"}[g["op"]]
        return MetricSpec(name, g["op"], var, 1.0, unit, f"{desc}, {what} after warm-up")
    return None


def available(model: Model) -> list[str]:
    """Names of the named metrics that ``model`` can provide (plus ``mean_X``/``min_X``/``max_X``
    for every state and output ``X``)."""
    return [n for n in NAMED if _spec(model, n) is not None]


def plan(model: Model, names: Sequence[str]) -> MetricPlan:
    """Resolve metric names for ``model``; ``ValueError`` before any work for a bad name.

    Parameters
    ----------
    model : Model
    names : sequence of str
        Metric names (see :data:`NAMED`, or ``mean_X``/``min_X``/``max_X`` for any state or
        output ``X``).
    """
    try:
        names = list(checked_names(names, "metrics", "a metric name"))
    except ValueError as err:
        raise ValueError(f"{err}; valid names: " + ", ".join(available(model))) from None
    if not names:
        raise ValueError("metrics must name at least one metric; valid names: "
                         + ", ".join(available(model)))
    seen = set()
    specs = []
    for name in names:
        if not isinstance(name, str):
            raise ValueError(f"metric names must be strings, got {name!r}")
        if name in seen:
            raise ValueError(f"metric {name!r} is listed twice")
        seen.add(name)
        spec = _spec(model, name)
        if spec is None:
            names = list(available(model))
            valid = ", ".join(names)
            xs = model.state_names + model.output_names
            if name in NAMED:
                raise ValueError(
                    f"model {model.name!r} lacks metric {name!r}: it needs "
                    f"{NAMED[name].needs} (model role {' or '.join(map(repr, NAMED[name].roles))}"
                    f"), which model {model.name!r} does not declare. Metrics available for "
                    f"{model.name!r}: {valid}, and mean_X/min_X/max_X for X in {', '.join(xs)}"
                )
            near = did_you_mean(name, names + [f"{s}_{x}" for s in ("mean", "min", "max")
                                               for x in xs])
            raise ValueError(
                f"unknown metric {name!r}{near} for model {model.name!r}; valid names: {valid}, "
                f"and mean_X/min_X/max_X for X in {', '.join(xs)}"
            )
        specs.append(spec)
    observe = []
    for s in specs:
        if s.var is not None and s.var not in observe:
            observe.append(s.var)
    plateau_V = None
    if model.plateau_V is not None and any(s.kind in _BURST_KINDS for s in specs):
        plateau_V = float(model.plateau_V)
    if "V" not in observe:
        # always observed: its mean tells a blocked cell from a silent one, and its minimum and
        # maximum after the warm-up test the model's range of V (status 4, biophys._engine.run)
        observe.append("V")
    return MetricPlan(tuple(specs), tuple(observe), plateau_V)


#: Metrics that depend on whether a cell without spikes is silent or in depolarisation block.
_BLOCK_AWARE = ("plateau_fraction", "silent_phase_V", "silent_phase_min_V", "regime")
#: Metrics that depend on which spike-free intervals are silent phases (the per-silence
#: plateau test).
_BURST_KINDS = ("burst_period", "active_phase", "spikes_per_burst", *_BLOCK_AWARE)



def burst_statistics(burst: np.ndarray, t_end: float, burst_gap: float, *,
                     mean_V: np.ndarray | None = None,
                     plateau_V: float | None = None,
                     t_warm: float = 0.0) -> dict[str, np.ndarray]:
    """Burst readouts from the driver's accumulator ``burst`` (N_BURST, n_cells).

    Parameters
    ----------
    burst : ndarray
        The accumulator columns (times in ms).
    t_end : float
        End of the run, ms (a final burst followed by a silent phase, see above, is closed).
    burst_gap : float
        Silence that separates bursts, ms.
    mean_V : ndarray, optional
        Each cell's mean V after the warm-up (mV). With ``plateau_V``, a cell without spikes
        and mean V above it is in depolarisation block (plateau fraction 1, regime
        "depolarised", no silent phase). Default: no block test.
    plateau_V : float, optional
        The ``plateau_V`` (mV) the run was made with (:func:`biophys._engine.run`): the
        interval after the last spike, if longer than ``burst_gap``, is a silent phase only if
        V fell below threshold in it and its mean there (columns ``B_PEND_*``) is at most
        ``plateau_V``; otherwise the last burst is still under way at ``t_end`` (the driver
        has tested the earlier intervals). Default: no test (every interval longer than
        ``burst_gap`` is a silent phase).
    t_warm : float
        End of the warm-up, ms (the run's ``t_warm``): the window is ``t_end - t_warm``. If it
        is no longer than ``burst_gap`` it cannot show a silent phase, and a spiking cell
        without a burst start is irregular (plateau fraction NaN), not continuous. Default 0
        (no warm-up).

    Returns
    -------
    dict
        ``spike_count`` (after warm-up), ``burst_period`` (ms), ``active_phase`` (ms),
        ``plateau_fraction`` (1), ``spikes_per_burst`` (1), ``n_bursts`` (measured bursts),
        ``silent_phase_V`` and ``silent_phase_min_V`` (mV; NaN unless the run accumulated
        them, ``silent_phase=True`` in :func:`biophys._engine.run`), ``regime`` (index into
        :data:`biophys.analysis.KINDS`, as float).
    """
    b = np.asarray(burst, dtype=float)
    nspk = b[B_NSPK]
    # the run ends with a silent phase (the plateau test as in the driver's record_spike)
    tail_silent = t_end - b[B_LAST] > burst_gap
    if plateau_V is not None:
        n_pend = b[B_PEND_N]
        tail_V = b[B_PEND_SUM] / np.where(n_pend > 0, n_pend, 1.0)
        tail_silent &= (n_pend > 0) & (tail_V <= plateau_V)
    closed = (b[B_IN_BURST] > 0) & (b[B_CUR_VALID] > 0) & tail_silent
    sum_dur = b[B_SUM_DUR] + np.where(closed, b[B_LAST] - b[B_CUR_FIRST], 0.0)
    n_done = b[B_NDONE] + closed
    sum_spk = b[B_SUM_SPK] + np.where(closed, b[B_CUR_N], 0.0)
    nstart = b[B_NSTART]
    with np.errstate(invalid="ignore", divide="ignore"):
        period = np.where(nstart >= 2, (b[B_LAST_START] - b[B_FIRST_START]) / (nstart - 1),
                          np.nan)
        active = np.where(n_done >= 1, sum_dur / n_done, np.nan)
        per_burst = np.where(n_done >= 1, sum_spk / n_done, np.nan)
        continuous = ((nspk > 0) & (nstart == 0) & ~tail_silent
                      & silence_possible(t_end - t_warm, burst_gap))
        blocked = (depolarisation_block(nspk, mean_V, plateau_V)
                   if plateau_V is not None and mean_V is not None
                   else np.zeros(nspk.shape, bool))
        regime = kind_index(nspk, continuous, nstart, blocked,
                            single=(n_done >= 1) & (sum_spk == n_done)).astype(float)
        plateau = np.where(nstart >= 2, active / period, np.nan)
        plateau = np.where(continuous, 1.0, plateau)
        plateau = np.where(nspk == 0, 0.0, plateau)
        plateau = np.where(blocked, 1.0, plateau)
        has_sil = b[B_SIL_N] > 0
        rest = (nspk == 0) & (b[B_PEND_N] > 0)
        sil_mean = np.where(has_sil, b[B_SIL_SUM] / b[B_SIL_N],
                            np.where(rest, b[B_PEND_SUM] / b[B_PEND_N], np.nan))
        sil_min = np.where(has_sil, b[B_SIL_MIN], np.where(rest, b[B_PEND_MIN], np.nan))
        sil_mean = np.where(blocked, np.nan, sil_mean)
        sil_min = np.where(blocked, np.nan, sil_min)
    return {"spike_count": nspk, "burst_period": period, "active_phase": active,
            "plateau_fraction": plateau, "spikes_per_burst": per_burst, "n_bursts": n_done,
            "silent_phase_V": sil_mean, "silent_phase_min_V": sil_min, "regime": regime}


def compute(plan_: MetricPlan, raw, burst_gap: float) -> dict[str, np.ndarray]:
    """Metric arrays (n_cells,) from a :class:`biophys._engine.RawRun`.

    ``raw.obs`` rows must follow ``plan_.observe``. A warm-up reaching ``t_end`` (an empty
    window, which :func:`biophys._engine.check_time` refuses up front) gives NaN for every
    metric but the step counts, never the accumulators' starting values.
    """
    t_end = raw.n_steps * raw.dt
    duration_s = (t_end - raw.t_warm) / 1000.0
    idx = {v: i for i, v in enumerate(plan_.observe)}
    bursts = None
    out: dict[str, np.ndarray] = {}
    for s in plan_.specs:
        if not duration_s > 0.0 and s.kind not in ("steps", "rejected_steps"):
            out[s.name] = np.full(raw.burst.shape[-1], np.nan)
            continue
        if s.var is not None:
            o = raw.obs[idx[s.var]]
            if s.kind == "mean":
                val = o[0] / raw.n_obs_samples
            elif s.kind == "min":
                val = o[1].copy()
            elif s.kind == "max":
                val = o[2].copy()
            elif s.kind == "increase":
                val = (o[2] - o[1]) / (t_end - raw.t_warm)
            else:  # pragma: no cover - plan() only makes the kinds above
                raise AssertionError(s.kind)
            out[s.name] = val * s.scale if s.scale != 1.0 else val
            continue
        if s.kind in ("steps", "rejected_steps"):
            n = raw.n_accepted if s.kind == "steps" else raw.n_rejected
            out[s.name] = np.array(n, dtype=np.float64)
            continue
        if bursts is None:
            mean_V = raw.obs[idx["V"]][0] / raw.n_obs_samples if plan_.block else None
            bursts = burst_statistics(raw.burst, t_end, burst_gap, mean_V=mean_V,
                                      plateau_V=plan_.plateau_V, t_warm=raw.t_warm)
        if s.kind == "spikes":
            out[s.name] = bursts["spike_count"].copy()
        elif s.kind == "spike_rate":
            out[s.name] = bursts["spike_count"] / duration_s
        elif s.kind in ("burst_period", "active_phase"):
            out[s.name] = bursts[s.kind] / 1000.0
        else:
            out[s.name] = bursts[s.kind].copy()
    return out
