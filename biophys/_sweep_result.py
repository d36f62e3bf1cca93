"""The labelled result of a sweep: its Dataset, the ``status`` and coded metrics as names,
the warning about points not ok, and reading a saved result back."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from . import metrics as _metrics
from ._fields import declared_unit
from ._labelled import dataset, variable
from ._model import Model
from ._rest import T_REST_ATTRS
from ._warn import warn_user

if TYPE_CHECKING:
    import xarray as xr


#: Values of the per-point ``status`` variable.
STATUS = {-1: "not simulated", 0: "ok", 1: "non-finite state",
          2: "step failure: step budget exhausted", 3: "step failure: step size underflow",
          4: "V out of range"}


def _axis_attrs(m: Model, name: str) -> dict[str, str]:
    if name in m.parameter_names:
        q = m.parameter(name)
        return {"units": q.unit, "long_name": q.description}
    # a Solution or Cytosol field that is no parameter of the model (e.g. Pi, pH)
    return {"units": declared_unit(name) or "", "long_name": f"{name} (bath/cytosol solution)"}


def add_point_coords(ds: xr.Dataset, m: Model, design, dim: str, idx, long_name: str) -> None:
    """Label the chosen points ``idx`` (flat indices) of a sweep on dimension ``dim`` of
    ``ds``: the indices as coordinate ``dim`` and each swept value as ``<dim>_<axis>``, with
    the axis's units (the traces' and the step check's points)."""
    ds.coords[dim] = variable(dim, np.array(idx), {"long_name": long_name})
    at = [design.point_values(int(i)) for i in idx]
    for name in design.names:
        ds.coords[f"{dim}_{name}"] = variable(dim, np.array([a[name] for a in at],
                                                            dtype=np.float64),
                                              _axis_attrs(m, name))


def _dataset(m, design, spec, plan, results, status) -> xr.Dataset:
    shape, dims = design.shape, design.dims
    coords = design.coords(lambda name: _axis_attrs(m, name))
    data_vars = {s.name: (dims, results[s.name].reshape(shape), _metric_attrs(s))
                 for s in plan.specs}
    if spec.final_state:
        for st in m.states:
            data_vars[f"final_{st.name}"] = (dims, results[f"final_{st.name}"].reshape(shape), {
                "units": st.unit, "long_name": f"{st.description} at t_end"})
    if spec.rest:
        data_vars["t_rest"] = (dims, results["t_rest"].reshape(shape), dict(T_REST_ATTRS))
    data_vars["status"] = (dims, status.reshape(shape), {
        "long_name": "integration status of the point",
        **_flag_attrs(np.array(sorted(STATUS), dtype=np.int8),
                      [v for _, v in sorted(STATUS.items())]),
    })
    return dataset(coords, data_vars)


def add_retried(ds, design, retried: np.ndarray) -> None:
    """Add ``retried`` (per point, bool: run again with the retry settings) to ``ds``."""
    ds["retried"] = (design.dims, retried.reshape(design.shape), {
        "long_name": "point run again with the retry settings (see the retry attribute) "
                     "after the sweep's own settings failed"})


def _metric_attrs(s: _metrics.MetricSpec) -> dict:
    attrs = {"units": s.units, "long_name": s.long_name}
    if s.flags:  # a coded metric (regime): CF flag attributes name the codes
        attrs.update(_flag_attrs(np.arange(len(s.flags), dtype=np.float64), s.flags))
    return attrs


def open_sweep(path) -> xr.Dataset:
    """Open a sweep result written with ``Dataset.to_netcdf`` (loaded into memory).

    Parameters
    ----------
    path : path-like
        The results file (netCDF, e.g. ``biophys sweep ... --out results.nc``): a str,
        ``os.PathLike``, bytes (a path, decoded with ``os.fsdecode``; not the file's contents)
        or a file opened from such a path (its ``name`` is read; an in-memory buffer such as
        ``io.BytesIO`` is refused: the netCDF4 files biophys writes are read by path).

    Returns
    -------
    xarray.Dataset

    Raises
    ------
    FileNotFoundError
        If there is nothing at ``path``.
    ValueError
        If ``path`` is neither a path nor a file opened from one, or if it is a sweep's
        ``checkpoint=`` directory: it holds the raw chunks, not the labelled result. Rerun the
        call that wrote it, with the same settings and the same ``checkpoint=`` (without
        ``shard=``): it computes only the chunks still missing and returns the result, which
        ``Dataset.to_netcdf`` saves.
    """
    import os
    from pathlib import Path

    import xarray as xr  # deferred: `import biophys` stays light

    from ._checkpoint import MANIFEST

    if isinstance(path, bytes):  # a path in bytes, as os takes it (not the file's contents)
        path = os.fsdecode(path)
    if hasattr(path, "read") and not isinstance(path, (str, os.PathLike)):
        name = getattr(path, "name", None)
        if isinstance(name, bytes):
            name = os.fsdecode(name)
        if not (isinstance(name, (str, os.PathLike)) and Path(name).is_file()):
            raise ValueError(f"open_sweep: {path!r:.80} is an open file without a path on "
                             "disk (e.g. io.BytesIO); the netCDF4 files Dataset.to_netcdf "
                             "writes are read by path: save it to a file and give its path")
        path = name
    if not isinstance(path, (str, os.PathLike)):
        raise ValueError(f"open_sweep: path = {path!r:.80} must be the path (str or "
                         "os.PathLike) of a results file written by Dataset.to_netcdf (or that "
                         "path as bytes), or a file opened from that path")
    is_dir = isinstance(path, (str, os.PathLike)) and Path(path).is_dir()
    if is_dir:
        where = Path(path)
        if (where / MANIFEST).is_file() or any(where.glob("chunk_*.npz")):
            raise ValueError(_checkpoint_message(where))
    try:
        with xr.open_dataset(path) as ds:
            out = ds.load()
    except ValueError as exc:
        if not is_dir:
            raise
        raise ValueError(f"open_sweep: {str(path)!r} is a directory, neither a sweep "
                         f"checkpoint nor a dataset xarray can read; give the results file "
                         f"written by Dataset.to_netcdf") from exc
    for key in ("changed_parameters", "conditions", "sweep_axes", "metrics"):
        if isinstance(out.attrs.get(key), bytes):  # pragma: no cover - old netCDF backends
            out.attrs[key] = out.attrs[key].decode()
    return out


def _checkpoint_message(where) -> str:
    """Why :func:`open_sweep` refuses the checkpoint directory ``where``, what it holds and how
    to get the result from it."""
    from ._checkpoint import read_manifest, stored_chunks

    held = ""
    try:
        man = read_manifest(where) or {}
        done, total = stored_chunks(where, man)
        held = (f" (model {man.get('settings', {}).get('model', '?')!r}, "
                f"{int(man['n_points'])} points: {done} of {total} chunks stored)")
    except (ValueError, KeyError, TypeError, ZeroDivisionError, AttributeError):
        pass  # an unreadable or partial manifest: the advice holds all the same
    text = str(where)
    return (f"open_sweep: {text!r} is a sweep checkpoint directory{held}, not a saved result "
            f"(it holds the raw chunks, without axes or labels). To get the result, rerun the "
            f"call that wrote it with the same settings and checkpoint={text!r}, without shard= "
            f"(e.g. bp.sweep(..., checkpoint={text!r}), or `biophys sweep CONFIG --checkpoint "
            f"{text} --out results.nc`): it computes only the chunks still missing and returns "
            f"the result; save that with ds.to_netcdf('results.nc') for open_sweep")


def status_counts(status: np.ndarray) -> dict[str, int]:
    """How many points ended with each status, by name (the ``status_counts`` record)."""
    return {STATUS.get(int(s), str(s)): int((status == s).sum()) for s in np.unique(status)}


#: The step failures of the integrator (non-finite state, step budget, step size underflow):
#: statuses that ``sweep(retry=...)`` may recover with other integration settings.
RETRYABLE = (1, 2, 3)

#: The start of :func:`warn_not_ok`'s message, for ``warnings.filterwarnings(message=...)``
#: in a caller that runs sweeps inside and reports their points itself.
NOT_OK_WARNING = r"\d+ of \d+ points( of shard \S+)? did not finish ok"


def warn_not_ok(status: np.ndarray, shard: str | None = None, retry: bool = False) -> None:
    """One ``UserWarning`` (naming the caller's line) when points of a sweep did not finish ok.

    Parameters
    ----------
    status : ndarray of int8
        The final ``status`` of the points run or read (-1, not simulated, is left out of the
        count: nothing ran there); a shard's own points only.
    shard : str, optional
        The shard's ``"i/n"`` (the count is then this shard's points), or None.
    retry : bool
        Whether the sweep retried its failed points (those still not ok failed the retry
        too); without it, a step failure suggests ``retry=``.

    The message gives how many of how many points are not ok, by status name with counts
    (the names of :data:`STATUS`, as :func:`status_text` shows them) and how to find them.
    Nothing is said when every point is ok or none was simulated (a dry run).
    """
    status = np.asarray(status)
    ran = status[status != -1]
    bad = ran[ran != 0]
    if not bad.size:
        return
    which, retryable = not_ok_tally(bad)
    whose = f" of shard {shard}" if shard is not None else ""
    after, hint = retry_notes(retry, retryable, "sweep(retry={...}), or a [retry] table in a "
                              "biophys sweep configuration,", "points")
    result = "" if shard is None else " (this shard's, and the assembling run's)"
    warn_user(f"{bad.size} of {ran.size} points{whose} did not finish ok{after}: {which}. "
              f"Their metrics are NaN; the status variable of the result{result} marks them (0 ok; "
              f"bp.status_text(ds) names each point's status, ds.status > 0 selects them).{hint}")


def not_ok_tally(bad: np.ndarray) -> tuple[str, bool]:
    """The statuses of the runs not ok, as the warnings about them name them.

    Parameters
    ----------
    bad : ndarray of int
        The ``status`` codes of the runs that did not finish ok (neither 0 nor -1).

    Returns
    -------
    which : str
        ``"2 'non-finite state', 1 'V out of range'"``: how many runs ended with each status,
        by the names of :data:`STATUS`, in the order of the codes.
    retryable : bool
        Whether any of them is a step failure that a retry may recover (:data:`RETRYABLE`).
    """
    codes, counts = np.unique(np.asarray(bad), return_counts=True)
    which = ", ".join(f"{k} {STATUS.get(int(c), str(c))!r}"
                      for c, k in zip(codes, counts, strict=True))
    return which, bool(np.isin(codes, RETRYABLE).any())


def retry_notes(retried: bool, retryable: bool, how: str, what: str) -> tuple[str, str]:
    """The retry parts of a not-ok warning.

    Parameters
    ----------
    retried : bool
        Whether the failed runs were retried (those still not ok failed the retry too).
    retryable : bool
        Whether a failure is one a retry may recover (:func:`not_ok_tally`).
    how : str
        How the caller asks for a retry (``"sweep(retry={...}),"``).
    what : str
        What the warning counts (``"points"``, ``"runs"``).

    Returns
    -------
    after : str
        ``", after a retry with the retry settings"`` if ``retried``, else empty.
    hint : str
        If not ``retried`` and ``retryable``, a sentence saying that ``how`` runs such
        ``what`` again with other integration settings; else empty.
    """
    after = ", after a retry with the retry settings" if retried else ""
    hint = (f" {how} runs such {what} again with other integration settings (method, dt, "
            "rtol, atol)." if not retried and retryable else "")
    return after, hint


def status_text(ds: xr.Dataset | xr.DataArray) -> xr.DataArray:
    """The ``status`` codes of a sweep as readable strings (``"ok"``, ``"non-finite state"``...).

    Parameters
    ----------
    ds : xarray.Dataset or xarray.DataArray
        A sweep result (its ``status`` variable is read) or that ``status`` variable itself
        (``res.status``, as :func:`flag_text` takes it).

    Returns
    -------
    xarray.DataArray
        The names of the codes, same dimensions as ``status``.

    Raises
    ------
    TypeError
        If ``ds`` is neither a Dataset nor a DataArray.
    ValueError
        If the Dataset has no ``status`` variable, or the DataArray is not a coded variable.
    """
    import xarray as xr  # deferred: `import biophys` stays light

    if isinstance(ds, xr.DataArray):
        return flag_text(ds)
    if not isinstance(ds, xr.Dataset):
        raise TypeError(f"status_text takes a sweep result (xarray.Dataset) or its 'status' "
                        f"variable (xarray.DataArray), got {type(ds).__name__}")
    if "status" not in ds.data_vars:
        raise ValueError(f"status_text: no 'status' variable in this Dataset (variables: "
                         f"{', '.join(map(str, ds.data_vars)) or 'none'}); give a sweep "
                         f"result or its status DataArray")
    return flag_text(ds["status"])


def _flag_attrs(values: np.ndarray, names) -> dict:
    """CF attributes naming the codes ``values`` of a coded variable (spaces as ``_``)."""
    return {"flag_values": values, "flag_meanings": " ".join(n.replace(" ", "_") for n in names)}


def flag_names(da: xr.DataArray) -> dict[float, str] | None:
    """``{code: name}`` of a coded variable from its CF flag attributes, else None."""
    if "flag_meanings" not in da.attrs:
        return None
    return {float(v): m.replace("_", " ")
            for v, m in zip(np.atleast_1d(da.attrs["flag_values"]),
                            str(da.attrs["flag_meanings"]).split(), strict=True)}


def flag_text(da: xr.DataArray) -> xr.DataArray:
    """A coded variable of a sweep (``status``, ``regime``) as readable strings.

    The codes are named by the variable's CF ``flag_values``/``flag_meanings`` attributes;
    NaN (the metrics of a point that did not finish) reads ``"n/a"``.
    """
    import xarray as xr  # deferred: `import biophys` stays light
    names = flag_names(da)
    if names is None:
        raise ValueError(f"{da.name!r} is not a coded variable (no flag_meanings attribute)")

    def text(v):
        v = float(v)
        return "n/a" if math.isnan(v) else names.get(v, f"{v:g}")

    return xr.apply_ufunc(np.vectorize(text, otypes=[object]), da)
