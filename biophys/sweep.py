"""``sweep``: run a built-in model over a grid (or table) of conditions and parameters.

Every point is an independent cell of the model's compiled ensemble driver (compiled once per
model, whatever the grid: parameters are runtime arrays). Points are processed in chunks; within
a chunk the driver spreads blocks of cells over the cores with ``prange``. Metrics are reduced
online inside the driver (see :mod:`biophys.metrics`), so memory does not grow with ``t_end``.
Each cell's arithmetic is independent of chunking, thread count and backend, so the results are
bit-identical whichever way the work is split.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

import numba
import numpy as np

from . import (
    _bath,
    _chunk,
    _engine,
    _initial,
    _rest,
    _retry,
    _shard,
    _step_check,
    _sweep_audit,
    _warmup,
)
from . import audit as _audit
from . import metrics as _metrics
from ._cache import package_source_hash
from ._checkpoint import Checkpoint, array_digest, check_checkpoint, settings_hash
from ._checks import checked_directory, checked_flag, checked_number, record_names
from ._chunk import SweepSpec, compute_chunk
from ._compile import BLOCK, kernel_code_hash
from ._dask import check_cluster_options
from ._design import Design, Mapper, make_design, resolve_traces
from ._initial import Initial, resolve_initial
from ._model import Model
from ._progress import progress_bar
from ._sweep_checks import _check_result_size, check_trace_options, swept_and_in_solution
from ._sweep_result import (
    STATUS,
    _dataset,
    add_retried,
    flag_text,
    open_sweep,
    status_counts,
    status_text,
    warn_not_ok,
)
from ._version import __version__
from ._warn import warn_user
from .models import get_model
from .simulate import changed_parameters, provenance
from .stimulus import check_stimulus, describe, fingerprint, warn_after_end

if TYPE_CHECKING:
    import pandas as pd
    import xarray as xr
    from distributed import Client

    from ._cytosol import Cytosol
    from .solution import Solution
    from .stimulus import Pulse, Steps, VoltageClamp


#: Metrics computed when ``metrics=`` is not given (every model has them).
DEFAULT_METRICS = ("mean_V", "min_V", "max_V", "spike_rate", "burst_period", "plateau_fraction",
                   "regime")

BACKENDS = ("threads", "dask")


#: The engine's default integration method (used when ``method=None``).
DEFAULT_METHOD = _engine.DEFAULT_METHOD

package_source_hash()  # read now: the Python sources this process imported


def _chunk_size(chunk_size, n_points: int) -> int | None:
    if chunk_size is None:
        return None
    if isinstance(chunk_size, bool) or not isinstance(chunk_size, (int, np.integer)) \
            or chunk_size < 1:
        raise ValueError(f"chunk_size = {chunk_size!r} must be a positive integer (points)")
    return int(chunk_size)


#: Chunks a sweep is cut into by default (progress and checkpoint granularity).
TARGET_CHUNKS = 50


def default_chunk_size(n_points: int) -> int:
    """About :data:`TARGET_CHUNKS` chunks, each two or more whole blocks of the driver."""
    per = -(-n_points // TARGET_CHUNKS)
    return max(2 * BLOCK, -(-per // BLOCK) * BLOCK)


def _settings(m: Model, spec: SweepSpec, design: Design, mapper: Mapper, rule: str,
              init: Initial, retry_record: str, audit: bool = False) -> dict:
    return {
        "model": m.name, "kernels": kernel_code_hash(m), "biophys": __version__,
        "sources": package_source_hash(),
        "parameters": [float(x) for x in spec.p0], "initial": [float(x) for x in spec.y0],
        "parameter_names": list(m.parameter_names),
        "spike_threshold": float(m.spike_threshold), "burst_gap": float(m.burst_gap),
        "plateau_V": m.plateau_V, "design": design.kind, "axes": list(design.names),
        "shape": list(design.shape), "values": array_digest(*design.axes),
        "varied": list(mapper.names), "derived": array_digest(mapper.table),
        "t_end": spec.t_end, "dt": spec.dt, "warmup": spec.warmup,
        "metrics": list(spec.metrics), "method": spec.method,
        "stimulus": fingerprint(spec.stimulus), "substitution": rule,
        # only when asked for, so that checkpoints written before it keep their hash
        **({"final_state": True} if spec.final_state else {}),
        # the audit needs the final states: named, so that a refused checkpoint says why
        **({"audit": True} if audit else {}),
        **({"stop_at_rest": _rest.settings(m, spec.rest, spec.t_end, spec.dt)}
           if spec.rest else {}),
        **({"initial_per_point": [list(spec.state_rows), array_digest(init.table)]}
           if init.rows else {}),
        # only when given, so that checkpoints written without them keep their hash
        **{k: (list(v) if isinstance(v, tuple) else v) for k, v in spec.tolerances},
        **({"retry": json.loads(retry_record)} if spec.retry is not None else {}),
    }


def sweep(
    model: str | Model,
    grid: Mapping[str, Sequence[float]] | None = None,
    *,
    points: Mapping[str, Sequence[float]] | pd.DataFrame | xr.Dataset | None = None,
    t_end: float,
    dt: float | None = None,
    warmup: float = 0.0,
    params: Mapping[str, float] | None = None,
    conditions: Mapping[str, float] | Solution | Cytosol | None = None,
    initial: Mapping[str, float] | xr.Dataset | None = None,
    metrics: Sequence[str] = DEFAULT_METRICS,
    stimulus: Pulse | Steps | VoltageClamp | None = None,
    method: str | None = None,
    rtol: float | None = None,
    atol: float | Sequence[float] | None = None,
    backend: str = "threads",
    client: Client | None = None,
    address: str | None = None,
    n_workers: int | None = None,
    chunk_size: int | None = None,
    checkpoint: str | os.PathLike | None = None,
    progress: bool = True,
    traces: Sequence[int | Mapping[str, float]] | None = None,
    record: Sequence[str] | None = None,
    record_every: float | None = None,
    callback: Callable[[int, int, int], None] | None = None,
    dry_run: bool = False,
    final_state: bool = False,
    retry: Mapping[str, object] | None = None,
    stop_at_rest: bool | Mapping[str, object] = False,
    shard: str | tuple[int, int] | None = None,
    audit: bool | Mapping[str, float] = False,
    step_check: bool | Mapping[str, object] = False,
) -> xr.Dataset:
    """Run ``model`` at every point of a grid or table and return metrics per point.

    Parameters
    ----------
    model : str or Model
        Built-in model name (see :func:`biophys.list_models`).
    grid : mapping {name: values}, optional
        Full grid: one axis per name (conditions such as ``K_o``, ``Mg_o``, ``glucose``, or any
        parameter), in the quantity's unit, each value once (a repeat is an error). Points
        enumerate the product, last axis fastest.
        Values outside the physiological range of the bath or cytosol field of an axis's
        name (``K_o`` 1-60 mM ..., :mod:`biophys.solution`; e.g. typed in M instead of mM)
        draw one ``UserWarning`` per axis, as a Solution's field does (an axis that a
        Solution given as ``conditions`` varies: the Solution's own warnings, each distinct
        one once); outside the model's valid range they are an error.
    points : table, optional
        Instead of ``grid``: explicit points, as a mapping of equal-length arrays, a pandas
        DataFrame, an xarray Dataset or a structured array (Latin hypercube, literature
        designs). A DataFrame's named index (``df.set_index("I_app")``) and a Dataset's
        coordinates are columns too; one named otherwise is a row label, skipped if it holds
        integers or strings (e.g. ``df.to_xarray()``'s ``index``), an error if it holds
        floats. A Dataset's variables and coordinates must be 1-D, on one dimension.
    t_end : float
        Duration of each run, ms.
    dt : float, optional
        Fixed step, ms (default: the model's accurate step); ``t_end`` is run in whole steps of
        at most ``dt`` (the ``dt`` attribute is the ``dt`` given; the step taken, ``t_end /
        ceil(t_end / dt)``, is the ``dt_step`` attribute, as ``simulate``'s ``dt``; for the
        error-controlled methods it is the interval of the traces' time grid).
    warmup : float
        Initial time excluded from every metric, ms, rounded to whole steps: ``0 <= warmup``,
        at most ``t_end - dt`` once rounded (a ``ValueError`` otherwise: no step to measure).
    params : mapping, optional
        Parameter overrides shared by all points (range-checked as the axes are). A swept
        name may not also be given here.
    conditions : mapping or Solution, optional
        Bath/cytosol conditions shared by all points; a mapping is range-checked as
        ``params`` are, and may not fix a swept name. A :class:`biophys.Solution` also
        applies its substitution rule to swept conditions (raising K_o may lower Na_o): it is
        the base bath that each point changes. A value it is given for a swept name must be
        one of the swept values (it would be dropped otherwise: a ``ValueError``), except one
        equal to its entry in the Solution's ``reference`` (given, or from a given Na_o): a
        K_o under any rule that derives Na_o, a Ca_o or Mg_o under the constant-osmolarity
        and constant-ionic-strength rules (the reference bath, from which each point
        re-applies the rule); the fields its rules derive (Na_o, Cl_o) follow the swept
        values. Its given fields that the model has no condition for are not applied: one
        ``UserWarning`` per call names them, and the ``solution`` attribute lists them as
        ``unused`` (and under ``not_in_model``, with the left-out fields the model lacks).
    initial : mapping or xarray.Dataset, optional
        Initial states. A mapping ``{state: value}`` is shared by all points; a value may
        instead be an array of the sweep's shape (one value per point; NaN: the shared value).
        A result of an earlier sweep of the same points run with ``final_state=True`` starts
        every point from its own final state there (a warm start; its failed points start from
        the model's initial state). Per-point states add ``warm_start`` to the result.
    metrics : sequence of str
        See :mod:`biophys.metrics`; a metric the model lacks is a ``ValueError`` up front.
    stimulus : Pulse, Steps or VoltageClamp, optional
        Protocol applied to every point.
    method : str, optional
        Integration method (default ``"rl2"``; the choices and their accuracy at a model's
        default ``dt``: :func:`biophys.simulate`).
    rtol, atol : float, optional
        Local error tolerances of ``"adaptive"`` and ``"rosenbrock"`` (see
        :func:`biophys.simulate`; defaults 1e-6 and 1e-8). An error with a fixed-step method.
    backend : {"threads", "dask"}
        ``"threads"``: this process, the driver's ``prange`` over the cores. ``"dask"``: chunks
        on a ``dask.distributed`` cluster (``client=``, or ``address=``, or a local cluster of
        ``n_workers`` processes started for the call; one of the three, and ``client`` or
        ``address`` only with ``"dask"``: a ``ValueError`` otherwise).
    client : distributed.Client, optional
        Dask backend: run on this client's cluster.
    address : str, optional
        Dask backend: connect to the scheduler at this address (e.g. ``"tcp://host:8786"``).
    n_workers : int, optional
        Numba threads (threads backend) or worker processes of the local cluster (dask).
    chunk_size : int, optional
        Points per chunk (progress and checkpoint granularity; does not change results).
        Default: about 50 chunks, each at least 128 points (two blocks of 64 cells: a sweep
        of up to 128 points is one chunk; :func:`default_chunk_size`); a resumed checkpoint
        keeps the chunk size it was started with.
    checkpoint : path-like, optional
        Directory: each finished chunk is saved atomically; a rerun with the same settings
        computes only the missing chunks; different settings (any edit to the package's
        Python or kernel sources too) are refused. A new checkpoint needs a new or empty
        directory (one holding other files, or chunk files without their manifest, is
        refused).
    progress : bool
        Show a progress bar with an ETA (tqdm).
    traces : list, optional
        Points (flat indices, also as a 1-D integer array, or ``{name: value}`` mappings: the
        point holding those values exactly, else the nearest within a relative 1e-9) whose
        decimated traces of ``record`` are returned as ``trace_<var>`` with dims ``(trace,
        time)``; each point once (a point listed twice, by index or by values, is an error).
    record : sequence of str, optional
        Variables (states or outputs) of the ``traces`` (default ``["V"]``). Only with
        ``traces``: without them (None or empty) it is an error.
    record_every : float, optional
        Trace sampling interval, ms (default ``max(dt, t_end / 2000)``), rounded to whole
        steps (a ``UserWarning`` when that changes a given value). Only with ``traces``:
        without them (None or empty) it is an error.
    callback : callable, optional
        ``callback(chunk, n_done, n_chunks)`` after each chunk is stored (``n_chunks``: the
        chunks this run covers, those of its shard if ``shard`` is given); checked up front.
    dry_run : bool
        Check everything and return the labelled result without simulating (metrics NaN,
        ``status`` -1, ``retried`` False); nothing is compiled or written. It has no traces
        (no ``trace_<var>``, nor their ``trace`` and ``time`` coordinates). True or False (or
        a NumPy bool). A ``checkpoint`` is checked, read only, as the run would check it (the
        same ``ValueError`` for other settings, another ``chunk_size``, or other files).
    final_state : bool
        Also return every state at ``t_end`` as ``final_<state>`` (NaN where the point did
        not finish): a warm start for another run (``initial=`` takes the result itself), as
        :func:`biophys.hysteresis` uses.
    retry : mapping, optional
        Run the points that did not finish once more, with other integration settings: keys
        ``method``, ``dt`` (ms), ``rtol``, ``atol`` (the sweep's own for those left out), e.g.
        ``{"method": "rosenbrock"}``. Adds ``retried`` per point and records the settings
        (``retry``) and counts (``retried_points``, ``recovered_points``). A chunk's failed
        points are retried right after it, where it ran (this process, a Dask worker, a
        shard), and checkpointed with it; on the threads backend a chunk's few failed points
        keep fewer cores busy than one batch of all of them would.
    stop_at_rest : bool or mapping
        With a fixed-step method, stop each point once it is at rest (at a steady state, whose
        stability is not tested, below) and finish its metrics, final state and traces in closed
        form: the run is tested every 10 ms of simulated time (rounded to whole steps) after the
        stimulus's last change and stops at the second test in a row at which, for every state,
        its present rate times the time left (at least 1 s) is within ``atol + rtol |y|``.
        ``True``: ``rtol`` 1e-6 and ``atol`` 1e-8 in each state's unit; a mapping may give
        ``rtol`` and ``atol`` (scalar or per state). V under a voltage clamp is not tested, and
        cumulative states (``Model.accumulators``) are continued linearly instead. Adds
        ``t_rest`` (ms, NaN where the point ran to ``t_end``) and the ``stop_at_rest`` and
        ``stopped_points`` attributes; a point that never passes is integrated as without the
        option, bit for bit. A fixed-step ``retry`` stops at rest too, an error-controlled one
        does not (``t_rest`` NaN). Stability is not tested: a point started on an unstable
        steady state (within the tolerance) stays there. See :mod:`biophys.kernels.rest`.
    shard : str or (int, int), optional
        Compute only part of a checkpointed sweep: ``"i/n"`` or ``(i, n)`` runs the missing
        chunks ``k`` with ``k % n == i`` (``0 <= i < n``); ``"slurm"`` takes ``i`` and ``n`` from
        the task of a SLURM job array (``sbatch --array=0-15``: 16 shards). Needs
        ``checkpoint``, which the shards share (start them together or one after another;
        each skips the chunks already there). The result holds every point found in the
        checkpoint when the shard started, the others with ``status`` -1 ("not simulated"),
        and adds the attributes ``shard``, ``pending_points`` (points of the chunks still
        missing from the checkpoint at the end), ``shard_points`` and ``shard_not_ok`` (this
        shard's own points, and how many of them are not ok); ``traces`` are left to the
        assembling run, the same call without ``shard``, which computes whatever chunks are
        still missing. The numbers do not depend on the sharding. ``biophys slurm`` writes
        the job scripts.
    audit : bool or mapping
        Check every point's charge balance (True, or a NumPy bool; :mod:`biophys.audit`; models
        with ``Model.charge_balance``, e.g. ``beta_cell``): adds ``charge_drift`` (mV of
        membrane potential: the membrane charge change not accounted for by the tracked ions and
        the applied current, from the initial and final states; NaN where the point did not
        finish), the attributes ``audit`` (tolerances) and ``charge_drift_points`` (points
        beyond them), and warns when there are any. A mapping may give ``atol`` (mV, >= 0,
        default 1e-3) and ``rtol`` (relative to the charge delivered, whatever its sign, in [0,
        1], default 1e-4). The runs are those without the option (their final states are kept
        internally).
    step_check : bool or mapping
        Rerun a sample of the ok points with half the step (a fixed-step method) or a tenth of
        ``rtol`` and ``atol`` (``adaptive``, ``rosenbrock``), in this process, and compare every
        metric (:mod:`biophys._step_check`): a metric changes at a point when the two values
        differ by more than ``rtol`` times the larger of their magnitudes and the metric's
        spread over the sweep, or one is NaN and the other not (a code, for ``regime``).
        ``True``: 8 points spread evenly over the ok points in flat order, ``rtol`` 0.02; a
        mapping may give ``points`` (a count, or a list of points as ``traces`` takes them) and
        ``rtol`` (in (0, 1]). Adds, on a ``step_check`` dimension (the flat indices, with
        ``step_check_<axis>`` coordinates), each metric's rerun value ``step_check_<metric>``,
        ``step_check_change`` (the largest relative change) and ``step_check_status``, and the
        attributes ``step_check`` (the settings) and ``step_check_changed`` (points beyond
        ``rtol``); one ``UserWarning`` names the largest change. Retried points are not
        checked; a shard leaves the check to the assembling run; a dry run only records it.

    Returns
    -------
    xarray.Dataset
        One dimension per grid axis (or ``point``), with ``units``; one variable per metric with
        ``units`` and ``long_name``; ``status`` (0 ok, 1 non-finite state, 2 and 3 step failures
        of the error-controlled methods (adaptive, rosenbrock): step budget exhausted, step size
        underflow; 4 V out of range: the run finished, but V left the model's declared range of
        V, at the end or at some step after the warm-up (every sweep keeps V's minimum and
        maximum there, whatever the metrics; e.g. under too large an applied current); -1 not
        simulated: a dry run, or a point of another shard; points not ok, their metrics NaN,
        draw one ``UserWarning`` with their count by status); provenance attrs (among them
        ``stimulus``, a description, and ``stimulus_digest``, ``kernels_source_hash``,
        ``biophys_source_hash``, ``settings_hash``: exact identities).
    """
    m = get_model(model)
    dt = m.dt if dt is None else dt
    t_end, dt, warmup = _engine.check_time(t_end, dt, warmup)
    checked_flag(final_state, "final_state")
    checked_flag(progress, "progress")
    checked_flag(dry_run, "dry_run")
    if callback is not None and not callable(callback):
        raise ValueError(f"callback = {callback!r:.60} must be a callable callback(chunk, n_done, "
                         "n_chunks) (ints: the chunk just stored, chunks done, chunks in all), "
                         "or None")
    check_stimulus(stimulus, m)
    audit_tol = _audit.tolerances(audit, m, stimulus)
    checked_directory(checkpoint, "checkpoint")
    method = DEFAULT_METHOD if method is None else method
    # checks the method name too
    tolerances = tuple(_engine.tolerance_kwargs(method, rtol, atol, len(m.state_names)).items())
    rest = _rest.rest_tolerances(method, stop_at_rest, len(m.state_names))
    shard = _shard.parse_shard(shard)
    if shard is not None and checkpoint is None:
        raise ValueError(f"shard = {_shard.text(shard)!r} needs checkpoint= (a directory the "
                         "shards share, from which the assembling run reads their chunks)")
    if backend not in BACKENDS:
        raise ValueError(f"backend = {backend!r} is not one of {BACKENDS}")
    check_cluster_options(backend, client, address, n_workers)
    metrics = (metrics,) if isinstance(metrics, str) else metrics
    plan = _metrics.plan(m, metrics)
    # the bath resolved once, for the rule's text, the parameters it covers and its record
    overrides, solution, rule, resolved = _bath.overrides(m, conditions, params)
    design = make_design(m, grid, points, solution)
    check = _step_check.options(step_check, design, m)
    _check_result_size(design, len(plan.specs) + len(m.state_names)
                       * (bool(final_state) or audit_tol is not None) + bool(rest))
    in_solution = _bath.set_in_solution(m, solution)
    for name, axis in zip(design.names, design.axes, strict=True):
        if name in (params or {}) or (isinstance(conditions, Mapping) and name in conditions):
            raise ValueError(f"{name!r} is swept and also fixed in params/conditions")
        if name in in_solution:
            swept_and_in_solution(name, axis, *in_solution[name], type(solution).__name__)
    init = resolve_initial(m, design, initial)
    y0 = init.y0
    mapper = Mapper(m, design, solution)

    def values(lo: int, hi: int) -> np.ndarray:
        """A chunk's values: varied parameters, then per-point initial states."""
        if not init.rows:
            return mapper.values(lo, hi)
        return np.concatenate([mapper.values(lo, hi), init.columns(np.arange(lo, hi))])

    overrides.update(mapper.constants)  # set by the bath rule, the same at every point
    p0 = m.parameter_vector(overrides)
    # values outside the physiological range, once per parameter (a Solution, and the sweep
    # through it, warn about its own fields)
    _bath.range_warnings(m, params, conditions,
                         {design.names[i]: design.axes[i] for i in mapper.direct})
    if stimulus is not None:
        warn_after_end(stimulus, t_end)  # (and validates it)
    trace_idx = resolve_traces(design, traces, m)
    check_trace_options(trace_idx, record, record_every)
    record = ("V",) if record is None else record_names(record)
    if trace_idx:
        for r in record:
            m.variable_index(r)
    if record_every is not None:
        checked_number(record_every, "record_every", "ms", 0.0, low_open=True)
    if n_workers is not None and (isinstance(n_workers, bool) or not isinstance(
            n_workers, (int, np.integer)) or n_workers < 1):
        raise ValueError(f"n_workers = {n_workers!r} must be a positive integer")
    n = design.n_points
    chunk_size = _chunk_size(chunk_size, n)
    if backend == "dask" and not isinstance(model, str) and get_model(m.name) is not m:
        raise ValueError("backend='dask' needs a built-in model (it travels by name)")
    spec = SweepSpec(m.name if backend == "dask" else m, p0, y0, mapper.varied, t_end, dt,
                     warmup, tuple(s.name for s in plan.specs), method, stimulus, tolerances,
                     bool(final_state) or audit_tol is not None, init.rows, rest)
    if m.joint_limits:  # every point's pools and ratios, before any point runs
        for lo in range(0, n, 1 << 16):
            m.check_joint(*_chunk._arrays(spec, values(lo, min(n, lo + (1 << 16)))), first=lo)
    spec_retry, retry_record = _retry.retry_spec(m, spec, retry)
    spec = dataclasses.replace(spec, retry=spec_retry)
    every = _chunk.trace_every(spec, record_every) if trace_idx else None
    settings = _settings(m, spec, design, mapper, rule, init, retry_record,
                         audit_tol is not None)
    _engine.warn_coarse_dt(m, dt, method)
    _engine.warn_stimulus_off_grid(stimulus, spec.t_end, spec.dt, method)
    if trace_idx:
        _engine.warn_record_grid(spec.t_end, spec.dt, record_every)
    _warmup.warn_lags(m, plan.specs, p0, mapper, n, warmup)
    # unless every point starts from its final state of an earlier sweep (initial=its result)
    if not (init.from_result and init.warm.all()):
        _warmup.warn_settling(m, plan.specs, warmup,
                              int((~init.warm).sum()) if init.from_result else None, n)
    outputs = spec.outputs(m)
    names = (*outputs, "status", *(("retried",) if spec_retry is not None else ()))
    # the record of the sweep, the same for a dry run (which adds dry_run = 1)
    prov = dict(
        changed_parameters=changed_parameters(m, p0),
        conditions={q: _bath.varying(q, design.names, mapper.names)
                    or float(p0[m.parameter_index(q)]) for q in m.condition_names},
        changed_initial={s.name: float(y0[i]) for i, s in enumerate(m.states)
                         if y0[i] != s.value},
        initial_per_point=_initial.record(m, init),
        sweep_design=design.kind, sweep_axes=list(design.names),
        varied_parameters=list(mapper.names), n_points=n,
        integrator=getattr(_engine, "METHOD_DESCRIPTIONS", {}).get(method, str(method)),
        method=str(method), dt=dt, dt_step=_engine.step_grid(t_end, dt)[1], t_end=t_end,
        warmup=warmup,
        spike_threshold=float(m.spike_threshold), burst_gap=float(m.burst_gap),
        plateau_V=float(m.plateau_V) if m.plateau_V is not None else "none",
        metrics=list(spec.metrics), substitution_rule=rule,
        solution=_bath.solution_record(solution, m, design.names,
                                         (*mapper.names, *mapper.bath_varied), resolved),
        stimulus=describe(stimulus), kernels_source_hash=settings["kernels"],
        stimulus_digest=settings["stimulus"]["waveform"] if stimulus is not None else "none",
        biophys_source_hash=settings["sources"], settings_hash=settings_hash(settings),
        backend=backend, checkpoint=str(checkpoint) if checkpoint is not None else "none",
        retry=retry_record, stop_at_rest=_rest.record(m, rest, t_end, dt),
        **({"audit": audit_tol} if audit_tol is not None else {}),
        **({"step_check": check.record()} if check is not None else {}),
        **({"shard": _shard.text(shard)} if shard is not None else {}))
    if dry_run:
        if checkpoint is not None:  # what the run would refuse, read only
            check_checkpoint(checkpoint, settings, chunk_size)
        ds = _dataset(m, design, spec, plan, {k: np.full(design.n_points, np.nan)
                                              for k in outputs},
                      np.full(design.n_points, -1, dtype=np.int8))
        _initial.add_warm_start(ds, design, init)
        if audit_tol is not None:
            _sweep_audit.add_drift(ds, m, design, np.full(n, np.nan), final_state)
        if spec_retry is not None:  # nothing run, nothing retried
            add_retried(ds, design, np.zeros(n, dtype=bool))
        ds.attrs.update(provenance(m, dry_run=1, **prov))
        return ds

    store = None
    if checkpoint is not None:
        store = Checkpoint(checkpoint, settings, n, chunk_size, names,
                           new_chunk_size=default_chunk_size(n))
        chunk_size = store.chunk_size
    elif chunk_size is None:
        chunk_size = default_chunk_size(n)
    n_chunks = -(-n // chunk_size)

    def bounds(k: int) -> tuple[int, int]:
        lo = k * chunk_size
        return lo, min(lo + chunk_size, n)

    results = {name: np.full(n, np.nan) for name in outputs}
    status = np.full(n, -1, dtype=np.int8)
    retried = np.zeros(n, dtype=bool)
    mine = set(_shard.shard_chunks(n_chunks, shard))
    if shard is not None and not mine:
        warn_user(f"shard = {_shard.text(shard)!r}: the sweep has only {n_chunks} chunks of "
                  f"{chunk_size} points, so this shard has none to compute")
    todo = []
    for k in range(n_chunks):
        got = store.load(k) if store is not None else None
        if got is None:
            if k in mine:
                todo.append(k)
            continue
        lo, hi = bounds(k)
        for name in outputs:
            results[name][lo:hi] = got[name]
        status[lo:hi] = got["status"]
        if spec_retry is not None:
            retried[lo:hi] = got["retried"]

    n_mine = sum(bounds(k)[1] - bounds(k)[0] for k in mine)
    done_points = n_mine - sum(bounds(k)[1] - bounds(k)[0] for k in todo)
    desc = f"sweep {m.name}" + (f" shard {_shard.text(shard)}" if shard is not None else "")
    bar = progress_bar(total=n_mine, initial=done_points, unit="pt", desc=desc,
                       disable=not progress, file=sys.stderr, dynamic_ncols=True)
    n_done = [len(mine) - len(todo)]

    def on_result(k: int, out: dict[str, np.ndarray]) -> None:
        lo, hi = bounds(k)
        if store is not None:
            store.save(k, out)
        for name in outputs:
            results[name][lo:hi] = out[name]
        status[lo:hi] = out["status"]
        if spec_retry is not None:
            retried[lo:hi] = out["retried"]
        n_done[0] += 1
        bar.update(hi - lo)
        if callback is not None:
            callback(k, n_done[0], len(mine))

    try:
        if todo and backend == "threads":
            _run_threads(spec, values, todo, bounds, on_result, n_workers)
        elif todo:
            from . import _dask

            chunks = ((k, values(*bounds(k))) for k in todo)
            _dask.run(spec, chunks, on_result, client=client, address=address,
                      n_workers=n_workers)
    finally:
        bar.close()

    extra = {}
    if shard is not None:  # traces belong to the assembling run
        trace_idx = None
        # chunks still missing now (other shards may have finished theirs meanwhile; their
        # values are not loaded: the assembling run reads them), and this shard's own points
        missing = [k for k in range(n_chunks) if not store.chunk_file(k).exists()]
        own = np.zeros(n, dtype=bool)
        for k in mine:
            own[slice(*bounds(k))] = True
        extra.update(pending_points=sum(bounds(k)[1] - bounds(k)[0] for k in missing),
                     shard_points=int(own.sum()), shard_not_ok=int((status[own] != 0).sum()))
    if spec_retry is not None:
        extra.update(_retry.counts(retried, status))
    if rest:
        extra["stopped_points"] = int(np.isfinite(results["t_rest"]).sum())
    ds = _dataset(m, design, spec, plan, results, status)
    _initial.add_warm_start(ds, design, init)
    if audit_tol is not None:
        how = f"method {method!r}, dt {dt:g} ms" + (
            ", retried points with the retry settings" if spec_retry is not None else "")
        extra["charge_drift_points"] = _sweep_audit.audit_sweep(
            ds, m, design, p0, mapper, init, results, t_end, bool(rest), stimulus, audit_tol,
            final_state, how)
    if spec_retry is not None:
        add_retried(ds, design, retried)
    if trace_idx:
        _chunk.add_traces(ds, m, design, values, spec, trace_idx, record, every,
                          retried if spec_retry is not None else None)
    if check is not None and shard is None:
        with _threads(n_workers if backend == "threads" else None):
            prov.update(_step_check.run(ds, m, design, plan, check, spec, values, results,
                                        status, retried if spec_retry is not None else None))
    ds.attrs.update(provenance(m, **prov, **extra, status_counts=status_counts(status)))
    warn_not_ok(status if shard is None else status[own], prov.get("shard"), bool(spec_retry))
    return ds


def _run_threads(spec, values, todo, bounds, on_result, n_threads) -> None:
    with _threads(n_threads):
        for k in todo:
            on_result(k, compute_chunk(spec, values(*bounds(k))))


@contextlib.contextmanager
def _threads(n_threads):
    """Numba's thread count limited to ``n_threads`` (None: unchanged) inside the block."""
    old = numba.get_num_threads()
    if n_threads is not None:
        numba.set_num_threads(min(int(n_threads), numba.config.NUMBA_NUM_THREADS))
    try:
        yield
    finally:
        numba.set_num_threads(old)


__all__ = ["sweep", "open_sweep", "status_text", "flag_text", "DEFAULT_METRICS", "STATUS"]
