"""Initial states of a sweep: one state shared by every point, or one state per point.

``sweep(initial=...)`` takes

- a mapping ``{state: value}``: one initial state for every point (the model's own values for
  the states left out);
- a mapping with arrays among its values, each shaped like the sweep (the grid's shape, or one
  entry per row of a points table): per-point initial values of those states;
- the result of an earlier sweep of the same model and points run with ``final_state=True``:
  every point starts from its own final state there (a warm start: continue each point, or seed
  a sweep from converged states).

A NaN per-point entry means "no value for this point": the point starts from the shared initial
state, as do the points where the earlier sweep did not finish. ``warm`` records, per point,
whether every per-point value was given. A labelled array (``xarray.DataArray``) must have the
sweep's dims, and its coordinates, where it has them, the sweep's values in the same order.

A continued sweep equals one long sweep bit for bit with the one-step fixed-step methods
(``rl1``, ``rl2``) and no time-dependent stimulus (each sweep's time starts at 0). ``rl2ab``
(whose first step has no history), ``staggered`` and the error-controlled methods (whose step
size starts afresh) continue to within their accuracy, not bit for bit.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from ._checks import REAL_NUMBERS, real_values
from ._design import Design
from ._model import Model

__all__ = ["Initial", "resolve_initial"]


@dataclass(frozen=True)
class Initial:
    """The initial states of the points of a sweep.

    ``y0`` (n_states,) is shared by every point; the states ``rows`` (indices into the model's
    states) take per-point values ``table`` (len(rows), n_points) instead, already filled from
    ``y0`` where no value was given. ``warm`` (n_points,) is True where every per-point value
    was given (None when there are no per-point values). ``from_result``: the per-point
    values are the final states of an earlier sweep (``initial=`` its result).
    """

    y0: np.ndarray
    rows: tuple[int, ...] = ()
    table: np.ndarray | None = None
    warm: np.ndarray | None = None
    source: str = "shared"
    from_result: bool = False

    def columns(self, idx: np.ndarray) -> np.ndarray:
        """Per-point values of the points ``idx`` (flat indices), shape (len(rows), len(idx)),
        in the states' units; only with per-point values (``rows`` not empty: the sweep
        asks only then)."""
        return self.table[:, idx]


def _check_points(da, design: Design, what: str, *, need_coords: bool) -> None:
    """A labelled array (``xarray.DataArray``) must lie on this sweep's points: the sweep's
    dims, and on every axis its coordinate values in the same order (a missing coordinate is
    an error only with ``need_coords``)."""
    dims = design.dims
    if tuple(da.dims) != dims:
        raise ValueError(f"{what} is over {tuple(da.dims)}, this sweep is over {dims}: its "
                         "points must be this sweep's points")
    for axis, col in zip(design.names, design.axes, strict=True):
        if axis in da.coords:
            same = np.array_equal(np.asarray(da[axis].values), col)
        else:
            same = not need_coords
        if not same:
            raise ValueError(f"{what} is labelled at other values of {axis!r} than this sweep "
                             "(same values, same order)")


def _from_result(m: Model, design: Design, ds) -> dict[str, np.ndarray]:
    """Per-point values of every state from an earlier sweep's ``final_<state>`` variables."""
    if ds.attrs.get("model", m.name) != m.name:
        raise ValueError(f"initial= is a result of model {ds.attrs['model']!r}, not {m.name!r}")
    if ds.attrs.get("dry_run"):
        raise ValueError("initial= is a dry run's result: it has no final states")
    missing = [s for s in m.state_names if f"final_{s}" not in ds.data_vars]
    if missing:
        raise ValueError("initial= is a sweep result without final states "
                         f"(final_{missing[0]} missing): run that sweep with final_state=True")
    _check_points(ds[f"final_{m.state_names[0]}"], design, "initial=", need_coords=True)
    return {s: np.asarray(ds[f"final_{s}"].values, dtype=np.float64) for s in m.state_names}


def _as_table(m: Model, design: Design, name: str, value) -> np.ndarray:
    q = m.states[m.state_index(name)]
    if hasattr(value, "dims"):  # labelled: its dims and coordinates must be the sweep's
        _check_points(value, design, f"initial state {name!r}", need_coords=False)
    a = real_values(value)
    if a is None:
        raise q.value_error("initial state", value, expected=f"a real number or an array of "
                            f"{REAL_NUMBERS}; NaN: no value for that point")
    if a.shape != design.shape:
        raise ValueError(f"initial state {name!r}: per-point values need the sweep's shape "
                         f"{design.shape}, got {a.shape}")
    return a


def resolve_initial(m: Model, design: Design, initial) -> Initial:
    """Check ``initial`` (see the module docstring) against the model and the sweep's points.

    Errors name the state, its unit and valid range, or say how the points differ.
    """
    if initial is None:
        return Initial(m.state_vector())
    if hasattr(initial, "data_vars"):  # an earlier sweep's result
        per_point, shared = _from_result(m, design, initial), {}
        source = "final states of an earlier sweep"
        if "settings_hash" in initial.attrs:
            source += f" (settings_hash {initial.attrs['settings_hash']})"
    elif isinstance(initial, Mapping):
        for name in initial:
            if name not in m.state_names:
                raise ValueError(f"model {m.name!r} has no state {name!r}; valid names: "
                                 f"{', '.join(m.state_names)}")
        per_point = {k: _as_table(m, design, k, v) for k, v in initial.items()
                     if np.ndim(v) > 0}
        shared = {k: float(v) if np.ndim(v) == 0 and hasattr(v, "dims") else v
                  for k, v in initial.items() if k not in per_point}
        source = "arrays given per point" if per_point else "shared"
    else:
        raise ValueError("initial must be a mapping {state: value or per-point values} or a "
                         "sweep result run with final_state=True")
    y0 = m.state_vector(shared)
    if not per_point:
        return Initial(y0)
    rows = tuple(m.state_index(k) for k in m.state_names if k in per_point)
    table = np.empty((len(rows), design.n_points))
    given = np.ones(design.n_points, dtype=bool)
    for r, i in enumerate(rows):
        a = per_point[m.state_names[i]].reshape(-1)
        m.states[i].check_array(a, "initial state", at_point=True)
        finite = np.isfinite(a)
        given &= finite
        table[r] = np.where(finite, a, y0[i])
    return Initial(y0, rows, table, given, source, hasattr(initial, "data_vars"))


def check_shared(initial, who: str) -> None:
    """``initial=`` of ``who`` must be one state ``{name: value}`` (no per-point values)."""
    if initial is not None and (not isinstance(initial, Mapping)
                                or any(np.ndim(v) for v in initial.values())):
        raise ValueError(f"initial= of {who} is one state {{name: value}} shared by every run "
                         "(no per-point states)")


def record(m: Model, init: Initial) -> str:
    """Provenance text of the per-point initial states ("none" when shared)."""
    if not init.rows:
        return "none"
    return json.dumps({"states": [m.state_names[i] for i in init.rows], "source": init.source,
                       "points_warm": int(init.warm.sum()),
                       "points_not_warm": int((~init.warm).sum())})


def add_warm_start(ds, design: Design, init: Initial) -> None:
    """Add ``warm_start`` to a sweep result when the points had per-point initial states."""
    if init.warm is not None:
        ds["warm_start"] = (design.dims, init.warm.reshape(design.shape), {
            "long_name": "point started from its own initial state given in initial= (False: "
                         "some or all of its states from the shared initial state, e.g. where "
                         "the earlier sweep failed)"})
