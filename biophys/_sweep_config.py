"""Reading and checking the sweep TOML file of ``biophys sweep`` (:mod:`biophys.cli_sweep`).

The TOML file names the model, the grid (or table of points), the duration, the metrics and
the backend; see ``examples/*.toml``. Keys::

    model = "beta_cell"          # required
    description = "..."          # free text, kept as the results' description attribute
    t_end = 120000.0             # ms, required
    dt = 0.1                     # ms (default: the model's step)
    warmup = 30000.0             # ms
    metrics = ["mean_V", "plateau_fraction"]
    method = "rl2"               # or "adaptive", "rosenbrock" (error-controlled):
    rtol = 1e-6                  #   their tolerances (dimensionless; atol in state units,
    atol = 1e-8                  #   a number or one per state)
    backend = "threads"          # or "dask"
    chunk_size = 256
    checkpoint = "sweep-run/"
    progress = true

    [grid]                       # one axis per name; or [points] with equal-length arrays
    K_o = [2.0, 4.0, 8.0]
    Mg_o = {start = 0.25, stop = 2.0, num = 4}          # linspace (log = true: geomspace)
    glucose = {start = 5.0, stop = 20.0, step = 5.0}    # stop included (linear: no log)
                                 # {values = [...]} is a list (no other keys with it); other
                                 # keys are an error; an axis's values are distinct; a
                                 # range gives at most 1 000 000 (MAX_AXIS_VALUES)

    [params]                     # fixed parameter overrides
    [conditions]                 # fixed bath/cytosol values (no substitution rule)
    [solution]                   # or a biophys.Solution, e.g. substitution = "equimolar_Na"
                                 # (or "constant_osmolarity", "constant_ionic_strength"),
                                 # reference = [K, Na] or [K, Na, Ca, Mg] (mM);
                                 # cytosol fields (Mg_i, ATP, ...) go to its Cytosol; fields
                                 # left out are the model's own values; fields the model
                                 # has no condition for are warned about (not refused: a
                                 # bath may serve several models) and listed as unused
    [initial]                    # initial-state overrides
    [settle]                     # start every point with its slow reservoir pool settled
                                 # (biophys.settled_state; beta_cell's reserve granules):
                                 # t_end = 300000.0, window = 100000.0 (ms, the defaults);
                                 # not with checkpoint (the settling run is not kept)
    [retry]                      # rerun failed points: method = "rosenbrock", dt, rtol, atol
    stop_at_rest = true          # (top level) or a [stop_at_rest] table with rtol, atol
    audit = true                 # charge audit per point (top level), or an [audit] table
                                 # with atol (mV) and rtol (see biophys.audit)
    step_check = true            # rerun 8 points with half the step and compare the metrics
                                 # (top level), or a [step_check] table with points (a count
                                 # or a list, as [traces] takes them) and rtol
    [dask]                       # address = "tcp://host:8786" or n_workers = 2 (local
                                 # cluster); only with backend = "dask"
    [traces]                     # points = [0, {K_o = 8.0, Mg_o = 1.0}], record = ["V"],
                                 # record_every = 10.0
    [output]                     # out = "results.nc", plot = "heatmap.png",
                                 # metric = "plateau_fraction", x = "K_o", y = "Mg_o"
    [hysteresis]                 # biophys hysteresis only: axis = "K_o", values = [...] (or
                                 # a range table); [grid] optional (other axes); warmup
                                 # (top level) required

Every error is a ``ValueError`` naming the file (with the line number for malformed TOML),
the key and, for numbers, their unit; numbers are checked by :func:`biophys.sweep` itself.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from . import _bath, _rest, _retry
from ._checks import checked_number, did_you_mean, unit_text

try:
    import tomllib
except ModuleNotFoundError:  # pragma: no cover - Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]


#: Most values one range table of an axis may give (``num``, or ``(stop - start) / step + 1``):
#: a million, far beyond any sweep axis (a grid of two such axes would already be refused by
#: :func:`biophys.sweep`'s memory limit), and small enough to be listed in memory.
MAX_AXIS_VALUES = 1_000_000

_TOP = {"model", "t_end", "dt", "warmup", "metrics", "method", "rtol", "atol", "backend",
        "chunk_size",
        "checkpoint", "progress", "grid", "points", "params", "conditions", "solution",
        "initial", "dask", "traces", "output", "description", "retry", "stop_at_rest",
        "audit", "step_check", "hysteresis", "settle"}
_SECTIONS = {"dask": {"address", "n_workers"}, "retry": set(_retry.KEYS),
             "traces": {"points", "record", "record_every"},
             "output": {"out", "plot", "metric", "x", "y"}, "hysteresis": {"axis", "values"},
             "settle": {"t_end", "window"}}


def _flag_or_table(value, key: str, keys, path, takes: str):
    """A top-level ``key = true/false`` or a ``[key]`` table of ``keys`` (copied); a
    ``ValueError`` naming the file and what the table ``takes`` otherwise."""
    if isinstance(value, dict):
        _unknown(value, keys, f"[{key}] of {path}")
        return dict(value)
    if not isinstance(value, bool):
        raise ValueError(f"{path}: {key} = {value!r} must be true, false or a table with {takes}")
    return value


def _unknown(keys, valid, where: str) -> None:
    bad = sorted(set(keys) - set(valid))
    if bad:
        named = ", ".join(f"{k}{did_you_mean(k, valid)}" for k in bad)
        raise ValueError(f"unknown key(s) {named} in {where}; valid keys: "
                         f"{', '.join(sorted(valid))}")


def _axis_unit(model, name: str) -> str:
    """The unit of grid axis ``name`` of ``model`` for messages (the model's parameter, else the
    Solution field, else "(its unit)")."""
    from ._design import _unit
    from .models import get_model

    try:
        m = get_model(model)
    except (ValueError, KeyError, TypeError):
        m = None
    return _unit(m, name)


def _axis(name: str, spec, unit: str = "(its unit)", what: str = "grid axis") -> list[float]:
    """Axis values from a list, a number, or a table: ``{values = [...]}`` (alone),
    ``{start, stop, num}`` (linspace; with ``log = true`` geomspace, start and stop > 0) or
    ``{start, stop, step}`` (stop included; linear only), at most :data:`MAX_AXIS_VALUES`
    values from a range. Other keys, and keys that do not go
    together (``values`` with a range's keys, ``log = true`` with ``step``), are an error
    (``unit``: the axis's unit, ``what``: what the values are, for messages)."""
    if isinstance(spec, dict):
        _unknown(spec, {"start", "stop", "num", "step", "log", "values"}, f"{what} {name!r}")
        if "values" in spec:
            others = sorted(set(spec) - {"values"})
            if others:
                raise ValueError(
                    f"{what} {name!r}: values (the list of the axis's values) goes alone, "
                    f"without {', '.join(others)}; a range is {{start, stop, num [, log]}} or "
                    "{start, stop, step}")
            if not isinstance(spec["values"], list):
                raise ValueError(f"{what} {name!r}: values = {spec['values']!r} must be a "
                                 f"list of numbers in {unit}")
            return list(spec["values"])
        for key in ("start", "stop"):
            if key not in spec:
                raise ValueError(f"{what} {name!r} needs {key!r} (or a list of values)")
        start, stop = (checked_number(spec[k], f"{what} {name!r}: {k}", unit)
                       for k in ("start", "stop"))
        if ("num" in spec) == ("step" in spec):
            raise ValueError(f"{what} {name!r} needs exactly one of num or step")
        log = spec.get("log", False)
        if not isinstance(log, bool):
            raise ValueError(f"{what} {name!r}: log = {log!r} must be true or false")
        if log and "step" in spec:
            raise ValueError(f"{what} {name!r}: log = true goes with num, not with step: "
                             "{start, stop, num, log = true} gives num values evenly spaced "
                             "in log; {start, stop, step} is a linear range")
        if "num" in spec:
            num = spec["num"]
            if (not isinstance(num, int) or isinstance(num, bool)
                    or not 1 <= num <= MAX_AXIS_VALUES):
                raise ValueError(
                    f"{what} {name!r}: num = {num!r} must be an integer in [1, "
                    f"{MAX_AXIS_VALUES}] (the number of values from start = {start:g} to "
                    f"stop = {stop:g} {unit_text(unit)})")
            if num == 1 and start != stop:  # linspace would give start alone, dropping stop
                raise ValueError(f"{what} {name!r}: num = 1 gives one value, but start = "
                                 f"{start:g} and stop = {stop:g} {unit_text(unit)} differ; "
                                 "give start = stop, or num >= 2")
            if log:
                if start <= 0 or stop <= 0:
                    raise ValueError(f"{what} {name!r}: log spacing needs start, stop > 0")
                return list(np.geomspace(start, stop, num))
            return list(np.linspace(start, stop, num))
        step = checked_number(spec["step"], f"{what} {name!r}: step", unit, 0.0,
                              low_open=True)
        q = (stop - start) / step  # inf when it overflows
        if q > MAX_AXIS_VALUES - 1:
            raise ValueError(
                f"{what} {name!r}: start = {start:g}, stop = {stop:g}, step = {step:g} "
                f"{unit_text(unit)} give {q + 1:.3g} values; a range may give at most "
                f"{MAX_AXIS_VALUES} (use a larger step, or num)")
        n = int(math.floor(q + 1e-9)) + 1
        if n < 1:
            raise ValueError(f"{what} {name!r} is empty (start > stop; a descending range: "
                             "{start, stop, num})")
        values = start + step * np.arange(n)
        if abs(values[-1] - stop) <= 1e-9 * step:  # on stop but for rounding (0.1 + 2 x 0.1)
            values[-1] = stop
        return list(values)
    if isinstance(spec, (int, float)) and not isinstance(spec, bool):
        return [spec]
    if not isinstance(spec, list):
        raise ValueError(f"{what} {name!r} must be a list of numbers or a table "
                         "{start, stop, num | step}")
    return spec


def load_config(path, command: str = "sweep") -> dict:
    """Read and check a sweep TOML file; returns keyword arguments for :func:`biophys.sweep`
    plus ``"_output"`` (the [output] table, with ``"description"``, the top-level string, when
    given: the commands store it as the results' ``description`` attribute).

    With ``command="hysteresis"`` the file is a ``biophys hysteresis`` configuration: its
    ``[hysteresis]`` table (``axis``, the name of the stepped quantity, and ``values``, a list
    or a range table as for a grid axis) gives ``"axis"`` and ``"values"`` for
    :func:`biophys.hysteresis`, ``[grid]`` (optional) the other axes run side by side, and
    ``[points]``, ``[traces]`` and the figure's ``x``/``y`` are refused, and ``warmup`` (ms)
    is required. A sweep configuration with a ``[hysteresis]`` table is refused.
    """
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ValueError(f"{path}: no such configuration file") from None
    try:
        cfg = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{path}: malformed TOML: {exc}") from None
    _unknown(cfg, _TOP, f"{path}")
    for sec, keys in _SECTIONS.items():
        if sec in cfg:
            if not isinstance(cfg[sec], dict):
                raise ValueError(f"{path}: [{sec}] must be a table")
            _unknown(cfg[sec], keys, f"[{sec}] of {path}")
    for key in ("model", "t_end"):
        if key not in cfg:
            raise ValueError(f"{path}: missing required key {key!r}")
    if command == "hysteresis":
        _hysteresis_layout(cfg, path)
    elif "hysteresis" in cfg:
        raise ValueError(f"{path}: [hysteresis] (one axis stepped up and back down) is a "
                         "configuration for `biophys hysteresis`, not `biophys sweep`")
    elif ("grid" in cfg) == ("points" in cfg):
        raise ValueError(f"{path}: give exactly one of [grid] or [points]")
    # numbers (t_end, dt, warmup, rtol, atol, chunk_size) are checked by sweep, whose messages
    # give their unit and valid range (dry_run names this file)
    types = {"model": str, "method": str, "backend": str, "checkpoint": str, "progress": bool,
             "description": str}
    for key, typ in types.items():
        if key in cfg and not isinstance(cfg[key], typ):
            raise ValueError(f"{path}: {key} = {cfg[key]!r} must be a "
                             f"{'string' if typ is str else 'boolean (true or false)'}")
    if "metrics" in cfg and (not isinstance(cfg["metrics"], list)
                             or not all(isinstance(x, str) for x in cfg["metrics"])):
        raise ValueError(f"{path}: metrics must be a list of names, e.g. [\"mean_V\"]")
    kw: dict = {"model": cfg["model"], "t_end": cfg["t_end"]}
    for key in ("dt", "warmup", "metrics", "method", "rtol", "atol", "backend", "chunk_size",
                "checkpoint", "progress", "params", "initial"):
        if key in cfg:
            kw[key] = cfg[key]
    for key in ("params", "initial", "conditions", "solution", "grid", "points"):
        if key in cfg and not isinstance(cfg[key], dict):
            raise ValueError(f"{path}: [{key}] must be a table of name = value")
    if "grid" in cfg:
        try:
            kw["grid"] = {name: _axis(name, spec, _axis_unit(cfg["model"], name))
                          for name, spec in cfg["grid"].items()}
        except ValueError as exc:
            raise ValueError(f"{path}: {exc}") from None
    elif "points" in cfg:
        kw["points"] = cfg["points"]
    if command == "hysteresis":
        h = cfg["hysteresis"]
        kw["axis"] = h["axis"]
        try:
            kw["values"] = _axis(h["axis"], h["values"], _axis_unit(cfg["model"], h["axis"]),
                                 "[hysteresis] values of")
        except ValueError as exc:
            raise ValueError(f"{path}: {exc}") from None
    if "conditions" in cfg and "solution" in cfg:
        raise ValueError(f"{path}: give [conditions] or [solution], not both")
    if "conditions" in cfg:
        kw["conditions"] = cfg["conditions"]
    if "solution" in cfg:
        where = f"{path}: [solution]"
        try:
            kw["conditions"] = _bath.solution_from_table(cfg["solution"], where)
        except (TypeError, ValueError) as exc:  # a value the Solution or Cytosol refuses
            msg = str(exc)
            raise ValueError(msg if msg.startswith(where) else f"{where} {msg}") from None
    if "retry" in cfg:
        kw["retry"] = dict(cfg["retry"])  # its values are checked by sweep
    for key, keys, takes in (
            ("stop_at_rest", _rest.KEYS, "rtol (dimensionless) and atol (state units)"),
            ("audit", ("atol", "rtol"), "atol (mV) and rtol (relative to the delivered charge)"),
            ("step_check", ("points", "rtol"),
             "points (a count, or a list of points) and rtol (relative)")):
        if key in cfg:
            kw[key] = _flag_or_table(cfg[key], key, keys, path, takes)
    dask = cfg.get("dask", {})
    if "address" in dask:
        if not isinstance(dask["address"], str) or not dask["address"].strip():
            raise ValueError(f"{path}: [dask] address = {dask['address']!r} must be the "
                             "scheduler's address, a non-empty string such as "
                             "\"tcp://host:8786\"")
        kw["address"] = dask["address"]
    if "n_workers" in dask:
        nw = dask["n_workers"]
        if not isinstance(nw, int) or isinstance(nw, bool) or nw < 1:
            raise ValueError(f"{path}: [dask] n_workers = {nw!r} must be an integer >= 1 "
                             "(worker processes of the local dask cluster, or threads)")
        kw["n_workers"] = nw
    tr = cfg.get("traces", {})
    alone = sorted(set(tr) - {"points"})
    if alone and "points" not in tr:
        raise ValueError(f"{path}: [traces] {' and '.join(alone)} without points: they only "
                         "apply to the traces of the points listed in [traces] points")
    if "points" in tr:
        kw["traces"] = tr["points"]
    if "record" in tr:
        kw["record"] = tr["record"]
    if "record_every" in tr:
        kw["record_every"] = tr["record_every"]
    for key, value in cfg.get("output", {}).items():
        if not isinstance(value, str):
            raise ValueError(f"{path}: [output] {key} = {value!r} must be a string")
    if "settle" in cfg:
        if command == "hysteresis":
            raise ValueError(f"{path}: [settle] is for `biophys sweep`: a hysteresis run starts "
                             "each step from the state the previous step left")
        if "checkpoint" in cfg:
            raise ValueError(f"{path}: [settle] runs every point before the sweep and is not "
                             "kept in a checkpoint; remove checkpoint, or settle in Python "
                             "(biophys.settled_state) and give its result as initial=")
        for key, value in cfg["settle"].items():  # ranges are checked by settled_state
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise ValueError(f"{path}: [settle] {key} = {value!r} must be a number (ms)")
        kw["_settle"] = dict(cfg["settle"])
    kw["_output"] = dict(cfg.get("output", {}))
    if "description" in cfg:
        kw["_output"]["description"] = cfg["description"]
    return kw


def _hysteresis_layout(cfg: dict, path) -> None:
    """The layout of a ``biophys hysteresis`` configuration: ``[hysteresis]`` with ``axis`` (a
    name) and ``values``; ``warmup`` (ms) required (:func:`biophys.hysteresis` has no default:
    each step's run starts from the state the step left); no ``[points]``, ``[traces]`` nor
    figure axes."""
    if "hysteresis" not in cfg:
        raise ValueError(f"{path}: missing [hysteresis] table: axis = \"name\" (the quantity "
                         "stepped up and back down) and values = [...] (its upward steps)")
    h = cfg["hysteresis"]
    for key in ("axis", "values"):
        if key not in h:
            raise ValueError(f"{path}: [hysteresis] needs {key!r}")
    if not isinstance(h["axis"], str):
        raise ValueError(f"{path}: [hysteresis] axis = {h['axis']!r} must be the name of one "
                         "quantity (a string)")
    if "warmup" not in cfg:  # biophys.hysteresis has no default for it
        raise ValueError(f"{path}: missing required key 'warmup' (ms): the start of each step's "
                         "run left out of its metrics, the settling time after each step "
                         "(e.g. warmup = 300.0)")
    for key, why in (("points", "each step sweeps the [grid] axes"),
                     ("traces", "a hysteresis returns the metrics of each step")):
        if key in cfg:
            raise ValueError(f"{path}: [{key}] is not available with [hysteresis]: {why}")
    fixed = sorted({"x", "y"} & set(cfg.get("output", {})))
    if fixed:
        raise ValueError(f"{path}: [output] {' and '.join(fixed)}: a hysteresis figure draws "
                         "the metric against the stepped axis, one line per pass")
