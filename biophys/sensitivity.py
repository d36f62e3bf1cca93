"""Sensitivity maps: how much each sweep readout moves when a parameter changes, at every point.

:func:`sensitivity` answers questions such as "at which K_o does insulin output depend most on
the Na+/K+-ATPase amplitude?" with paired central finite differences in the logarithm of each
parameter. For every point of a grid or table and every parameter ``p`` it runs the model at
``p e^h`` and ``p e^-h`` (``ln p +- h``: a relative change of about ``+- h``) beside the
unperturbed point, all in one sweep (one compiled kernel, parallel, bit-identical for any
thread count), and reports

* ``d_<metric>``: the change of the readout per unit change of ``ln p``,
  ``(M(p e^h) - M(p e^-h)) / (2 h)``, in the readout's unit: the central difference in
  ``ln p``, exact for ``M`` quadratic in ``ln p`` and off by ``M''' h^2 / 6 + O(h^4)``
  otherwise (``M'''`` the third derivative in ``ln p``), plus a noise term of order
  ``eps_M / h``, ``eps_M`` the numerical noise of the readout itself (see ``rel_step`` of
  :func:`sensitivity`);
* ``elasticity_<metric>``: ``d_<metric> / M(p)``, the relative change of the readout per
  relative change of the parameter, ``d ln|M| / d ln p`` (dimensionless; NaN where
  ``M(p) = 0``; negative where ``M`` and ``d_<metric>`` have opposite signs);
  for a negative parameter (a reversal potential, say) ``ln p`` reads ``ln |p|``: the runs
  are still at ``p e^+-h``; a temperature (unit ``C``, an interval scale) is perturbed on the
  absolute scale, ``T_K e^+-h`` with ``T_K = T + 273.15``, and ``ln p`` reads ``ln T_K``
  (coordinate ``perturbed``): at the default ``h`` = 0.01 a step of about +-3 C at 37 C, so
  a model's valid temperature range may refuse larger ``h``;
* ``regime_changed``: True where the activity pattern (metric ``regime``) differs between the
  three runs. There the readout jumps (a bifurcation lies within ``p e^+-h``) and the
  difference quotient measures the jump, not a derivative.

Spike counts, rates and burst readouts change in steps (whole spikes, whole bursts in the
window), so their differences are only meaningful when the window holds many spikes or
bursts; a smaller ``h`` does not help them.
"""

from __future__ import annotations

import json
import math
import warnings
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np

from . import _bath, _shard
from ._checkpoint import read_manifest
from ._checks import checked_names, checked_number
from ._design import Design, make_design
from ._initial import check_shared
from ._sweep_result import NOT_OK_WARNING, flag_names, not_ok_tally, retry_notes
from ._warn import warn_user
from .kernels.constants import ZERO_CELSIUS
from .models import get_model
from .sweep import DEFAULT_METRICS, sweep

if TYPE_CHECKING:
    import xarray as xr

    from ._model import Model

__all__ = ["sensitivity"]

#: The start of the warning :func:`sensitivity` gives when runs did not finish ok (a pattern
#: for ``warnings.filterwarnings(message=...)``); the sweep's own warning, which counts the
#: perturbed runs as points, is not given.
SENSITIVITY_NOT_OK_WARNING = (r"sensitivity: \d+ of \d+ points( of shard \S+)? did not finish "
                              r"ok in their unperturbed run")

#: The smallest ``rel_step``. The difference quotient carries a noise term ``eps_M / h``,
#: ``eps_M`` the readout's own numerical noise, which is far above machine epsilon: round-off
#: accumulated over the thousands of steps of a run with a fixed-step method (~1e-12 mV for
#: the silent chay_keizer_1983 cell's mean_V, whose d_mean_V / d ln K_o of 1.399 mV read 1.435
#: at h = 1e-10, 0.036 at 1e-13 and exactly 0 below ~1.1e-16, where p e^+-h rounds to p), and
#: the solver tolerance (default rtol 1e-6) with an adaptive one. At h = 1e-6 round-off adds
#: ~1e-6 in the readout's unit, below the readouts' discretisation error, and the truncation
#: there is already under 1e-12 M''': a smaller step only multiplies the noise.
MIN_REL_STEP = 1e-6


def _parameter_names(m: Model, parameters) -> list[str]:
    if isinstance(parameters, str):
        names = [parameters]
    elif isinstance(parameters, Iterable):
        names = list(parameters)
    else:
        raise ValueError(f"parameters must be a name (str) or a sequence of names of parameters "
                         f"of model {m.name!r}, got {parameters!r}")
    if not names:
        raise ValueError("parameters must name at least one parameter of model "
                         f"{m.name!r}")
    for q in names:
        if not isinstance(q, str):
            raise ValueError(f"parameters must be names (str), got {q!r}")
        m.parameter_index(q)  # names the valid parameters if q is not one
    if len(set(names)) != len(names):
        raise ValueError(f"parameters lists a name twice: {names}")
    return names


def _base_table(m: Model, grid, points, solution
                ) -> tuple[dict[str, np.ndarray], Design, tuple[int, ...]]:
    """The unperturbed points as columns (checked as a sweep checks them), with the design and
    the shape of the result."""
    design = make_design(m, grid, points, solution)
    cols = dict(zip(design.names, design.values(0, design.n_points), strict=True))
    return cols, design, design.shape


def sensitivity(
    model: str | Model,
    parameters: str | Sequence[str],
    *,
    grid: Mapping[str, Sequence[float]] | None = None,
    points=None,
    t_end: float,
    rel_step: float = 0.01,
    metrics: Sequence[str] = DEFAULT_METRICS,
    params: Mapping[str, float] | None = None,
    conditions=None,
    **sweep_kwargs,
) -> xr.Dataset:
    """Central-difference sensitivities of sweep readouts to parameters, at every point.

    Parameters
    ----------
    model : str or Model
    parameters : str or sequence of str
        Model parameters to perturb (by the factors ``exp(+- rel_step)``; a temperature in C
        on the kelvin scale, see the module docstring). A parameter that
        a :class:`biophys.Solution` given as ``conditions`` sets must be a swept axis (it is
        then perturbed through the Solution's substitution rule).
    grid, points : optional
        The points, as for :func:`biophys.sweep` (one of the two).
    t_end : float
        Duration of each run, ms.
    rel_step : float
        Step ``h`` in ``ln p`` (dimensionless, in [1e-6, 0.5]; default 0.01): the runs are at
        ``p e^h`` and ``p e^-h``, relative changes of ``e^h - 1`` and ``e^-h - 1`` (+1.005%
        and -0.995% at the default). The error of ``d_M`` is the truncation
        ``M''' h^2 / 6 + O(h^4)`` plus a noise term of order ``eps_M / h``, ``eps_M`` the
        numerical noise of the readout ``M``: round-off accumulated over the run for the
        fixed-step methods, but the solver tolerance (``rtol``, ``atol``) for
        ``method="adaptive"`` or ``"rosenbrock"``, whose step sequence itself changes with
        ``p``. With those, the difference quotients do not converge as ``h^2``: for the
        ``hh1952`` axon firing at ``I_app`` = 10 uA/cm^2 (``t_end`` 200 ms, ``warmup`` 50
        ms), ``d_mean_V`` with respect to ``g_K`` was -1.6211, -1.7012 and -1.7126 mV at
        ``h`` = 1e-2, 1e-4 and 1e-6 with ``"adaptive"``, against -1.5838, -1.6632 and
        -1.6632 mV with ``"rl2"``; keep ``h`` well above the tolerance there (or tighten
        ``rtol``). Smaller ``h`` than 1e-6 is refused: the noise term would dominate (below
        about 1e-16, ``p e^+-h`` rounds to ``p`` and every derivative reads exactly 0).
    metrics : sequence of str
        Readouts (:mod:`biophys.metrics`); a coded one (CF ``flag_meanings``: ``regime``), if
        included, gives ``<name>_changed`` (``regime_changed``) instead of a derivative.
    params, conditions : optional
        As for :func:`biophys.sweep`. A perturbed parameter given in ``params`` (or in a
        mapping ``conditions``) is perturbed around that value.
    **sweep_kwargs
        Passed to :func:`biophys.sweep` (``warmup``, ``dt``, ``method``, ``backend``,
        ``checkpoint``, ``progress``, ``final_state``, ``audit``...). ``final_state=True``
        treats each final state ``final_<s>`` as a readout: the base run's value,
        ``d_final_<s>`` and ``elasticity_final_<s>`` (meaningful where the cell has settled
        to a steady state; for an oscillating cell the state at ``t_end`` depends on the
        phase of the cycle, and the quotient measures the phase shift). ``audit`` audits
        every run (see ``Returns``); ``traces`` is refused.

    Returns
    -------
    xarray.Dataset
        The unperturbed readouts and ``status`` (as :func:`biophys.sweep` returns them), and
        for each readout ``M`` other than ``regime`` ``d_M`` (unit of ``M`` per unit of
        ``ln p``) and ``elasticity_M`` (1), with a leading dimension ``parameter``;
        ``regime_changed`` (bool) if ``regime`` is among the metrics (False where a run did
        not finish: see ``status`` and ``status_perturbed``, the worse status of the two
        perturbed runs). With ``stop_at_rest``, ``t_rest`` of the unperturbed runs (not
        differentiated); ``stopped_points`` counts every run that stopped, perturbed ones
        included (as ``status_counts`` counts runs; with ``shard``, ``pending_points`` also
        counts runs). With ``audit``, ``charge_drift`` (mV) of the unperturbed runs and
        ``charge_drift_perturbed`` (mV, per parameter: the larger ``|charge_drift|`` of the
        two perturbed runs; NaN where either did not finish), not differentiated (a
        diagnostic of the integration, not a readout of the cell); ``charge_drift_points``
        counts every run beyond the audit's tolerance, perturbed ones included. Coordinates
        ``base_value`` and
        ``parameter_unit`` give the
        unperturbed value of each perturbed parameter that is not swept. Attributes: the
        sweep's provenance plus ``rel_step`` and ``sensitivity_parameters``.

    Warns
    -----
    UserWarning
        Once, when runs did not finish ok: how many of the points did not in their
        unperturbed run and how many of the perturbed runs did not (by parameter), by status,
        and where to find them (``status``, ``status_perturbed``); its message starts as
        :data:`SENSITIVITY_NOT_OK_WARNING` says. The sweep's own warning, which would count
        every run as a point, is not given. With ``shard``, only that shard's runs are
        counted; a dry run says nothing.
    """
    m = get_model(model)
    names = _parameter_names(m, parameters)
    h = checked_number(rel_step, "rel_step", "1", MIN_REL_STEP, 0.5,
                       note=" (a step in ln(parameter))")
    if "traces" in sweep_kwargs:
        raise ValueError("traces= is not available in sensitivity(); record traces with "
                         "biophys.sweep or biophys.simulate")
    if "step_check" in sweep_kwargs:
        raise ValueError("step_check= is not available in sensitivity(); check the step with "
                         "biophys.sweep(..., step_check=True) over the same points first")
    check_shared(sweep_kwargs.get("initial"), "sensitivity()")
    metrics = checked_names(metrics, "metrics", "a metric name")
    solution = None if conditions is None or isinstance(conditions, Mapping) else conditions
    cols, design, shape = _base_table(m, grid, points, solution)
    n = int(np.prod(shape))
    covered = _bath.covered(m, conditions)
    # sweep's checks of params against conditions, before the perturbations are built (the
    # sweep below warns about fields of the Solution that the model does not use)
    _bath.overrides(m, conditions, params, warn=False)
    fixed = dict(params or {})
    given = dict(conditions) if isinstance(conditions, Mapping) else {}
    base = {}
    for q in names:
        if q in cols:
            base[q] = cols[q]
        elif q in covered:
            raise ValueError(
                f"{q!r} is set by the Solution given as conditions=: to take its sensitivity, "
                "sweep it (grid= or points=), so that it is perturbed through the Solution's "
                "substitution rule")
        else:
            value = fixed.pop(q, given.pop(q, m.parameter(q).value))
            base[q] = np.full(n, m.parameter(q).validate(value))
        zero = np.flatnonzero(base[q] + _offset(m, q) == 0.0)
        if zero.size:
            unit = m.parameter(q).unit
            raise ValueError(
                f"{q!r} = 0 {unit} at {zero.size} point(s): a relative step cannot perturb it; "
                "give it a nonzero value (or sweep it and take differences along that axis)")
    if isinstance(conditions, Mapping):
        conditions = given

    # rows: the base points, then each parameter at p e^-h and p e^h
    table = {k: np.tile(v, 1 + 2 * len(names)) for k, v in cols.items()}
    down, up = math.exp(-h), math.exp(h)
    for i, q in enumerate(names):
        col = np.tile(base[q], 1 + 2 * len(names))
        off = _offset(m, q)  # perturbed on an absolute scale (temperatures in K)
        col[(1 + 2 * i) * n:(2 + 2 * i) * n] = (base[q] + off) * down - off
        col[(2 + 2 * i) * n:(3 + 2 * i) * n] = (base[q] + off) * up - off
        table[q] = col
        how = (f"(T + {off:g}) exp(+- rel_step) - {off:g}, on the kelvin scale" if off
               else "x exp(+- rel_step)")
        m.parameter(q).check_array(col[n:], f"with rel_step = {h:g}, the perturbed value "
                                   f"({how}) of")
    with warnings.catch_warnings():  # its points are runs: counted below, in these terms
        warnings.filterwarnings("ignore", message=NOT_OK_WARNING)
        res = sweep(m, points=table, t_end=t_end, metrics=metrics, params=fixed or None,
                    conditions=conditions, **sweep_kwargs)
    ds = _assemble(res, names, design, h)
    _record_base(ds, m, names, cols, base)
    _warn_not_ok(res, names, n, sweep_kwargs.get("checkpoint"))
    return ds


def _own_runs(res: xr.Dataset, checkpoint) -> np.ndarray:
    """Which runs (rows of the sweep ``res``) the call ran or read as its own: all of them,
    but with ``shard`` only the chunks of that shard (the result also holds the chunks other
    shards had stored), laid out as the ``checkpoint``'s manifest says."""
    n_runs = int(res.sizes["point"])
    own = np.ones(n_runs, dtype=bool)
    if "shard" not in res.attrs:
        return own
    i, k = (int(x) for x in str(res.attrs["shard"]).split("/"))
    size = int(read_manifest(checkpoint)["chunk_size"])  # a shard's sweep wrote it
    own[:] = False
    for c in _shard.shard_chunks(-(-n_runs // size), (i, k)):
        own[c * size:(c + 1) * size] = True
    return own


def _warn_not_ok(res: xr.Dataset, names: Sequence[str], n: int, checkpoint) -> None:
    """One ``UserWarning`` (naming the caller's line) when runs of :func:`sensitivity` did not
    finish ok: how many of the ``n`` points did not in their unperturbed run, how many of the
    perturbed runs did not (by parameter), by status, and where to find them.

    The sweep ``res`` runs the base points and then each parameter of ``names`` at ``p e^-h``
    and ``p e^h``; with ``shard`` only that shard's runs are counted. Runs not simulated (a dry
    run, another shard's) are left out; nothing is said when every run counted is ok.
    """
    status = np.asarray(res["status"].values).reshape(1 + 2 * len(names), n)
    own = _own_runs(res, checkpoint).reshape(status.shape)
    ran = own & (status != -1)
    bad = ran & (status != 0)
    if not bad.any():
        return
    which, retryable = not_ok_tally(status[bad])
    shard = res.attrs.get("shard")
    whose = "" if shard is None else f" of shard {shard}"
    by = [f"{q}: {int(bad[1 + 2 * i:3 + 2 * i].sum())} of {int(ran[1 + 2 * i:3 + 2 * i].sum())}"
          for i, q in enumerate(names) if bad[1 + 2 * i:3 + 2 * i].any()]
    pert = (f"{int(bad[1:].sum())} of {int(ran[1:].sum())} perturbed runs{whose} did not"
            + (f" ({', '.join(by)})" if by else ""))
    after, hint = retry_notes("retried" in res.data_vars, retryable,
                              "sensitivity(..., retry={...})", "runs")
    result = "" if shard is None else " (this shard's, and the assembling run's)"
    warn_user(
        f"sensitivity: {int(bad[0].sum())} of {int(ran[0].sum())} points{whose} did not finish "
        f"ok in their unperturbed run, and {pert}{after}: {which}. Their readouts are NaN: the "
        f"status variable of the result{result} marks the points whose unperturbed run failed "
        "(their elasticity_<metric> NaN too), status_perturbed (per parameter, the worse of "
        "the two perturbed runs) those whose d_<metric> and elasticity_<metric> are NaN (0 ok; "
        "bp.status_text(ds.status_perturbed) names each status, ds.status_perturbed > 0 "
        f"selects them).{hint}")


def _offset(m: Model, name: str) -> float:
    """What to add to parameter ``name`` for an absolute (ratio) scale: 273.15 for a
    temperature in degrees C (a relative step in C has no physical meaning and none at 0 C),
    else 0."""
    return ZERO_CELSIUS if m.parameter(name).unit == "C" else 0.0


def _record_base(ds, m: Model, names, cols, base) -> None:
    """The unperturbed values of the perturbed parameters that are not swept axes: a
    coordinate on ``parameter`` and the provenance attributes (the runs varied them)."""
    fixed = [q not in cols for q in names]
    ds.coords["base_value"] = ("parameter", np.array(
        [float(base[q][0]) if f else np.nan for q, f in zip(names, fixed, strict=True)]),
        {"long_name": "unperturbed value of a parameter that is not swept (NaN: swept, see "
                      "its axis); unit in parameter_unit"})
    ds.coords["parameter_unit"] = ("parameter", np.array([m.parameter(q).unit for q in names],
                                                         dtype=object))
    ds.coords["perturbed"] = ("parameter", np.array(
        [f"ln({q} + {_offset(m, q):g} K)" if _offset(m, q) else f"ln({q})" for q in names],
        dtype=object), {"long_name": "the logarithm the central difference is taken in"})
    kept = {q: float(base[q][0]) for q, f in zip(names, fixed, strict=True) if f}
    cond = json.loads(ds.attrs.get("conditions", "{}"))
    changed = json.loads(ds.attrs.get("changed_parameters", "{}"))
    for q, v in kept.items():
        if q in cond:
            cond[q] = v
        elif v != m.parameter(q).value:
            changed[q] = v
    varied = [q for q in json.loads(ds.attrs.get("varied_parameters", "[]")) if q not in kept]
    ds.attrs.update(conditions=json.dumps(cond), changed_parameters=json.dumps(changed),
                    varied_parameters=json.dumps(varied))


def _assemble(res, names, design: Design, h) -> xr.Dataset:
    import xarray as xr  # deferred: `import biophys` stays light

    shape, n, dims = design.shape, design.n_points, design.dims
    k = len(names)

    def split(var):
        a = res[var].values.reshape(1 + 2 * k, n)
        return a[0].reshape(shape), a[1::2].reshape((k, *shape)), a[2::2].reshape((k, *shape))

    coords = design.coords(lambda name: res[name].attrs)
    coords["parameter"] = ("parameter", np.array(names, dtype=object),
                           {"long_name": "perturbed parameter"})
    ds = xr.Dataset(coords=coords)
    for var in res.data_vars:
        if "point" not in res[var].dims:
            continue
        b, lo, hi = split(var)
        ds[var] = (dims, b, res[var].attrs)
        if var == "status":
            # the worse of the two; -1 (not simulated: another shard's) wins
            worse = np.where((lo == -1) | (hi == -1), -1, np.maximum(lo, hi)).astype(lo.dtype)
            ds["status_perturbed"] = (("parameter", *dims), worse, {
                "long_name": "integration status of the perturbed runs (the worse of the two; "
                             "-1 if either was not simulated)",
                **{a: res[var].attrs[a] for a in ("flag_values", "flag_meanings")}})
            continue
        if var == "t_rest":  # when the base run was found at rest (stop_at_rest): no derivative
            continue
        if var == "charge_drift":  # a diagnostic of the integration (audit): no derivative
            ds[f"{var}_perturbed"] = (("parameter", *dims), np.maximum(abs(lo), abs(hi)), {
                **res[var].attrs,
                "long_name": "charge drift of the perturbed runs: the larger |charge_drift| of "
                             "the two (NaN where either did not finish), in mV of membrane "
                             "potential"})
            continue
        if res[var].dtype == bool:  # a per-run flag (retried): the base run's, and any perturbed
            ds[f"{var}_perturbed"] = (("parameter", *dims), lo | hi, {
                "long_name": f"{var} in either perturbed run"})
            continue
        codes = flag_names(res[var])
        if codes is not None:  # a coded readout (regime): no derivative, whether it changed
            done = np.isfinite(b) & np.isfinite(lo) & np.isfinite(hi)  # failed runs: NaN
            changed = ((lo != b) | (hi != b)) & done
            ds[f"{var}_changed"] = (("parameter", *dims), changed, {
                "long_name": f"{var} differs within p e^(+-h): the readouts jump there ("
                             + ", ".join(codes.values()) + ")"})
            continue
        units = res[var].attrs.get("units", "1")
        d = (hi - lo) / (2.0 * h)
        ds[f"d_{var}"] = (("parameter", *dims), d, {
            "units": units,
            "long_name": f"change of {var} per unit change of ln(parameter) (a temperature: "
                         "of its value in K, see the coordinate 'perturbed'; central "
                         f"difference in ln(parameter), parameter x exp(+-{h:g}))"})
        with np.errstate(invalid="ignore", divide="ignore"):
            el = np.where(b != 0.0, d / b, np.nan)
        ds[f"elasticity_{var}"] = (("parameter", *dims), el, {
            "units": "1",
            "long_name": f"elasticity of {var}: d ln|{var}| / d ln(parameter) at the point, "
                         f"d_{var} / {var} (a temperature: in K)"})
    ds.attrs.update(res.attrs)
    ds.attrs.update(n_points=n, n_runs=int(res.sizes["point"]), rel_step=h,
                    sweep_design=design.kind,
                    sweep_axes=json.dumps(list(design.names)),
                    sensitivity_parameters=json.dumps(list(names)))
    return ds
