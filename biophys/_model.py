"""Declarations of models: parameters and states with units and sources.

A :class:`Model` pairs these declarations with a kernel module in ``biophys.kernels.models``
that computes. The kernel module defines ``STATE_NAMES``, ``PARAM_NAMES`` and ``AUX_NAMES``
(the layout) and the compiled functions ``rates`` and ``aux`` (see
:mod:`biophys.kernels.protocol`); :meth:`Model.check_layout` verifies that declaration and
layout agree.
"""

from __future__ import annotations

import math
import numbers
import reprlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import ModuleType

import numpy as np

from ._charge import CHARGE_CONVENTIONS, ChargeBalance
from ._checks import (
    REAL_NUMBER,
    checked_number,
    did_you_mean,
    is_real,
    range_text,
    to_float,
    unit_text,
)
from ._reservoir import Reservoir
from .analysis import check_plateau_V


class UnknownName(KeyError, ValueError):
    """A parameter or state name the model does not have.

    Both a ``KeyError`` (a failed look-up by name) and a ``ValueError`` (bad input to
    :func:`biophys.simulate` and :func:`biophys.sweep`, which raise ``ValueError`` for every
    other bad argument); printed without the quotes ``KeyError`` adds.
    """

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


def mapping_items(given, name: str, what: str):
    """The ``(name, value)`` pairs of an optional mapping of overrides; anything else given
    as ``name`` (a number, a list, ...) is a ValueError naming it (``what``: the kind of
    key, e.g. ``"parameter"``)."""
    if given is None:
        return ()
    if not isinstance(given, Mapping):
        raise ValueError(f"{name} = {reprlib.repr(given)} must be a mapping {{{what} name: "
                         "value} of overrides, or None")
    return given.items()


@dataclass(frozen=True)
class Quantity:
    """A named model quantity: parameter, state or algebraic output.

    Attributes
    ----------
    name : str
        Identifier used by the API (``g_KATP``, ``E_K``, ``K_o``).
    value : float
        Default value (initial value for a state; NaN for an algebraic output).
    unit : str
        Unit of ``value`` (``"mV"``, ``"mS/cm^2"``, ``"mM"``, ``"1"`` for dimensionless).
    description : str
        What it is, in physiological terms.
    source : str
        Where the number comes from: paper + table/equation, model file, or
        ``"fitted here, see test X"``.
    bounds : tuple of float
        Valid closed range ``(low, high)``; values outside are a ``ValueError``.
    condition : bool
        True for quantities set by the bath or cytosol (``K_o``, ``Mg_o``, ``glucose``...),
        which :class:`biophys.Solution` can provide and sweeps treat as conditions.
    """

    name: str
    value: float
    unit: str
    description: str
    source: str
    bounds: tuple[float, float] = (-math.inf, math.inf)
    condition: bool = False

    def value_error(self, what: str, value, *, where: str = "",
                    expected: str = "") -> ValueError:
        """The ``ValueError`` for a bad ``value`` of this quantity (a ``what``: "parameter",
        "initial state"...), naming its unit and valid range: ``value``, a number, is outside
        the range (``where``: after the value, e.g. the point), or, with ``expected`` ("a
        number"...), ``value`` is not one."""
        unit = unit_text(self.unit)
        valid = f"{range_text(*self.bounds)} {unit} ({self.description})"
        if expected:
            return ValueError(f"{what} {self.name!r} must be {expected}, {valid}, got "
                              f"{reprlib.repr(value)}")
        return ValueError(f"{what} {self.name!r} = {value!r} {unit}{where} is outside its "
                          f"valid range: it must be {valid}")

    def check_array(self, values: np.ndarray, what: str, *, at_point: bool = False) -> None:
        """``ValueError`` naming the range and unit if any of ``values`` (NaN entries are
        skipped) is infinite or outside the valid range; ``at_point`` adds the flat index of
        the first such value."""
        lo, hi = self.bounds
        bad = np.isinf(values) | (values < lo) | (values > hi)
        if bad.any():
            where = f" (at point {int(np.flatnonzero(bad)[0])})" if at_point else ""
            raise self.value_error(what, float(values[bad][0]), where=where)

    def validate(self, value: float, what: str = "parameter") -> float:
        """Return ``value`` as float or raise a ``ValueError`` naming the range and unit."""
        if not is_real(value):
            raise self.value_error(what, value, expected=REAL_NUMBER)
        v = to_float(value)
        lo, hi = self.bounds
        if not math.isfinite(v) or not (lo <= v <= hi):
            raise self.value_error(what, value)
        return v


Parameter = Quantity
State = Quantity


@dataclass(frozen=True)
class Output:
    """An algebraic output of a model (a current, a flux, a rate), computed by ``aux``."""

    name: str
    unit: str
    description: str


@dataclass(frozen=True)
class SumLimit:
    """Initial states that must sum to at most a limit, which per-quantity ranges cannot say:
    parts of a conserved pool whose remainder is implicit (carrier states of a transporter, with
    the last one 1 minus the others; free and bound forms of a nucleotide pool).

    Attributes
    ----------
    states : tuple of str
        States of one unit.
    limit : float or str
        A number in that unit, or the name of a parameter in that unit (the pool's total).
    why : str
        Why (the implicit remainder that would be negative), appended to the error.
    """

    states: tuple[str, ...]
    limit: float | str
    why: str


@dataclass(frozen=True)
class ParameterRule:
    """A relation that the parameters ``names`` must satisfy together (e.g. a ratio declared
    as its own parameter and the quantities it stands for): ``holds(*values)``, floats or
    equal-shape arrays in the order of ``names``, is True (elementwise) where the combination
    is allowed; ``rule`` is the rule as the error states it."""

    names: tuple[str, ...]
    holds: Callable[..., object]
    rule: str


@dataclass(eq=False)
class Model:
    """A built-in cell model.

    Attributes
    ----------
    name : str
        Registry name (``"hh1952"``).
    title : str
        One-line description.
    description : str
        Longer description, including whether the model is published or built here.
    references : tuple of str
        Full citations.
    parameters, states : tuple of Quantity
        In kernel layout order.
    outputs : tuple of Output
        Algebraic outputs in kernel ``AUX_NAMES`` order.
    kernel : module
        The kernel module (``biophys.kernels.models.<name>``).
    dt : float
        Default fixed step, ms, accurate for this model (checked in its tests).
    spike_threshold : float
        Upward crossing level of V used to detect spikes, mV.
    burst_gap : float
        A silence longer than this separates bursts, ms.
    roles : mapping
        Which state or output plays a physiological role in metrics: ``"Ca_i"``,
        ``"secretion"``, ``"insulin"``, ``"pump_current"``, ``"ATP_use"``, ``"aldosterone"``.
        Values are names of states or outputs; a missing role means the model lacks that
        quantity.
    lags : mapping
        States or outputs that follow the cell through a first-order lag, each with the name
        of the parameter holding its time constant (ms); a sweep warns when its warm-up is
        shorter than three of them for a metric that reads such a variable.
    settling : mapping
        States or outputs that leave the model's default initial state slowly, without a
        single time constant (e.g. granule pools), each with the warm-up (ms) after which
        readouts of it are steady to within about 10%; a sweep from the default initial state
        warns when its warm-up is shorter, for a metric that reads such a variable.
    plateau_V : float or None
        Membrane potential, mV, above which a cell without spikes counts as held on the
        plateau (depolarisation block, e.g. at high K_o): its plateau fraction is 1 and it has
        no silent phase. It also tests each spike-free interval longer than ``burst_gap``: a
        silent phase only if V, below the spike threshold there, averages at most
        ``plateau_V``, otherwise a plateau of the burst under way; so it must lie above every
        silent phase of the model (``tests/test_plateau_silences.py``). None: every cell
        without spikes is silent and every long interval a silent phase.
    accumulators : tuple of str
        States that only integrate an output (cumulative exocytosis): no rate depends on them,
        they appear in algebraic outputs at most linearly, and they keep growing at rest. The
        rest test of ``sweep(stop_at_rest=...)`` leaves them out and continues them linearly
        (``tests/test_stop_at_rest.py`` checks both properties for every model).
    charge_balance : ChargeBalance or None
        Declared when every membrane current is carried by a tracked ion: the charge
        invariant that ``sweep(audit=True)`` checks per point (:mod:`biophys.audit`).
    joint_limits : tuple of SumLimit or ParameterRule
        Conditions on several quantities together (:meth:`check_joint`), checked for every
        run before it starts (``biophys._engine.run``, and every point of a sweep up front); a
        :class:`ParameterRule` also by :meth:`parameter_vector`.
    reservoir : Reservoir or None
        A slow pool feeding faster ones through linear kinetics that do not act back on the
        cell (the reserve granule pool): :func:`biophys.settled_state` settles it by
        projection (:class:`biophys._reservoir.Reservoir`). None: the model has none.
    current_input : bool
        Whether the kernel adds a current stimulus (:class:`biophys.Pulse`,
        :class:`biophys.Steps`) to the membrane current. False for a model whose V changes
        only under a voltage clamp: a current stimulus is then a ``ValueError``
        (``tests/test_simulate_docs.py`` checks the flag against every kernel).
    """

    name: str
    title: str
    description: str
    references: tuple[str, ...]
    parameters: tuple[Quantity, ...]
    states: tuple[Quantity, ...]
    outputs: tuple[Output, ...]
    kernel: ModuleType
    dt: float
    spike_threshold: float = -20.0
    burst_gap: float = 1000.0
    roles: Mapping[str, str] = field(default_factory=dict)
    lags: Mapping[str, str] = field(default_factory=dict)
    settling: Mapping[str, float] = field(default_factory=dict)
    plateau_V: float | None = None
    accumulators: tuple[str, ...] = ()
    charge_balance: ChargeBalance | None = None
    joint_limits: tuple[SumLimit | ParameterRule, ...] = ()
    reservoir: Reservoir | None = None
    current_input: bool = True

    def __post_init__(self) -> None:
        self.check_layout()
        self._p = {q.name: i for i, q in enumerate(self.parameters)}
        self._s = {q.name: i for i, q in enumerate(self.states)}
        self._o = {q.name: i for i, q in enumerate(self.outputs)}
        # the name tuples, made once (a sweep asks for them often: its grid-name check asked
        # for condition_names once per parameter)
        self._names = (tuple(self._p), tuple(self._s), tuple(self._o),
                       tuple(q.name for q in self.parameters if q.condition))
        try:
            check_plateau_V(self.plateau_V)
            checked_number(self.spike_threshold, "spike_threshold", "mV")
            checked_number(self.burst_gap, "burst_gap", "ms", 0.0, low_open=True)
            checked_number(self.dt, "dt", "ms", 0.0, low_open=True)
        except ValueError as e:
            raise ValueError(f"model {self.name!r}: {e}") from None
        for name in self.accumulators:
            if name not in self._s or name == "V":
                raise RuntimeError(f"model {self.name!r}: accumulator {name!r} must be a state "
                                   "other than V")
        if self.charge_balance is not None:
            self._check_charge_balance(self.charge_balance)
        for lim in self.joint_limits:
            self._check_joint_limit(lim)
        for var, tau in self.lags.items():
            if (var not in self._s and var not in self._o) or tau not in self._p:
                raise RuntimeError(f"model {self.name!r}: lag {var!r} -> {tau!r} needs a state "
                                   "or output and a parameter of those names")
        if self.reservoir is not None:
            self._check_reservoir(self.reservoir)
        for var, t in self.settling.items():
            if var not in self._s and var not in self._o:
                raise RuntimeError(f"model {self.name!r}: settling names {var!r}, which is not "
                                   "a state or output")
            try:
                checked_number(t, f"settling time of {var}", "ms", 0.0, low_open=True)
            except ValueError as e:
                raise RuntimeError(f"model {self.name!r}: {e}") from None

    def _check_reservoir(self, r: Reservoir) -> None:
        bad = [n for n in (r.state, *r.followers) if n not in self._s]
        if bad or r.state in r.followers:
            raise RuntimeError(f"model {self.name!r}: reservoir {r.state!r} and its followers "
                               f"must be distinct states ({bad or r.state!r})")
        unit = self.states[self._s[r.state]].unit
        if r.loss_rate not in self._p or self.parameters[self._p[r.loss_rate]].unit != "1/s":
            raise RuntimeError(f"model {self.name!r}: reservoir loss_rate {r.loss_rate!r} must "
                               "be a parameter in 1/s")
        if r.outflow not in self._o or self.outputs[self._o[r.outflow]].unit != f"{unit}/s":
            raise RuntimeError(f"model {self.name!r}: reservoir outflow {r.outflow!r} must be "
                               f"an output in {unit}/s")

    def _check_charge_balance(self, cb: ChargeBalance) -> None:
        def bad(what: str) -> RuntimeError:
            return RuntimeError(f"model {self.name!r}: charge_balance {what}")

        if cb.convention not in CHARGE_CONVENTIONS:
            raise bad(f"convention {cb.convention!r} is not one of {CHARGE_CONVENTIONS}")
        if (cb.area is not None) != (cb.convention == "density"):
            raise bad("needs area with the 'density' convention and only there")
        for par in (cb.capacitance, cb.area, cb.applied):
            if par is not None and par not in self._p:
                raise bad(f"names {par!r}, which is not a parameter")
        if not cb.carriers:
            raise bad("lists no carrier")
        seen = set()
        for c in cb.carriers:
            if c.state not in self._s or c.state == "V" or c.state in seen:
                raise bad(f"carrier {c.state!r} must be a state other than V, listed once")
            seen.add(c.state)
            if isinstance(c.valence, bool) or not isinstance(c.valence, numbers.Integral) \
                    or not c.valence:
                raise bad(f"carrier {c.state!r}: valence {c.valence!r} must be a non-zero int")
            for par in (c.volume, c.free_fraction):
                if par is not None and par not in self._p:
                    raise bad(f"carrier {c.state!r} names {par!r}, which is not a parameter")

    def _check_joint_limit(self, lim) -> None:
        def bad(what: str) -> RuntimeError:
            return RuntimeError(f"model {self.name!r}: joint limit {lim!r} {what}")

        if isinstance(lim, ParameterRule):
            if not lim.names or any(n not in self._p for n in lim.names) \
                    or not callable(lim.holds):
                raise bad("needs parameter names and a callable holds")
            return
        if not isinstance(lim, SumLimit) or not lim.states \
                or any(n not in self._s for n in lim.states):
            raise bad("must be a SumLimit of states or a ParameterRule")
        units = {self.states[self._s[n]].unit for n in lim.states}
        if isinstance(lim.limit, str):
            if lim.limit not in self._p:
                raise bad("names a limit that is not a parameter")
            units.add(self.parameter(lim.limit).unit)
        if len(units) != 1:
            raise bad(f"mixes units {sorted(units)}")

    def check_joint(self, p: np.ndarray, y: np.ndarray | None = None, *,
                    what: str = "initial", first: int = 0) -> None:
        """``ValueError`` unless the parameters ``p`` (and, given ``y``, the initial states)
        satisfy :attr:`joint_limits`; ``p`` and ``y`` are vectors in layout order, or
        ``(n, n_points)`` arrays (the error then names the first failing point, counting from
        ``first``, when there is more than one)."""
        p = np.asarray(p, dtype=np.float64)
        for lim in self.joint_limits:
            if isinstance(lim, ParameterRule):
                vals = [p[self._p[n]] for n in lim.names]
                ok = np.asarray(lim.holds(*vals), dtype=bool)
                if not ok.all():
                    k = self._first_bad(ok)
                    given = ", ".join(f"{n} = {float(np.ravel(v)[k]):g} "
                                      f"{unit_text(self.parameter(n).unit)}"
                                      for n, v in zip(lim.names, vals, strict=True))
                    raise ValueError(f"parameters {given}{self._at(ok, k, first)} are "
                                     f"inconsistent: {lim.rule}")
            elif y is not None:
                y = np.asarray(y, dtype=np.float64)
                total = sum(y[self._s[n]] for n in lim.states)
                if isinstance(lim.limit, str):
                    cap, cap_text = p[self._p[lim.limit]], f"{lim.limit} = "
                else:
                    cap, cap_text = lim.limit, ""
                total, cap = np.broadcast_arrays(total, cap)
                # NaN: no value there, not checked; 1e-9 relative slack for the rounding of
                # a run's final state used as the next one's start (continuation)
                ok = ~(total > cap + 1e-9 * np.maximum(np.abs(cap), 1.0))
                if not ok.all():
                    k = self._first_bad(ok)
                    unit = self.states[self._s[lim.states[0]]].unit
                    u = f" {unit_text(unit)}"
                    raise ValueError(
                        f"{what} {' + '.join(lim.states)} = {float(np.ravel(total)[k]):.4g}{u}"
                        f"{self._at(ok, k, first)} must be <= {cap_text}{float(np.ravel(cap)[k]):g}"
                        f"{'' if unit in ('1', '') else u} ({lim.why})")

    @staticmethod
    def _first_bad(ok: np.ndarray) -> int:
        return int(np.flatnonzero(~np.ravel(ok))[0]) if ok.ndim else 0

    @staticmethod
    def _at(ok: np.ndarray, k: int, first: int = 0) -> str:
        return f" (at point {first + k})" if ok.size > 1 or first else ""

    # -- layout ---------------------------------------------------------------------------
    def check_layout(self) -> None:
        """Raise if the declarations and the kernel layout disagree."""
        k = self.kernel
        for what, decl, lay in (
            ("parameters", self.parameters, k.PARAM_NAMES),
            ("states", self.states, k.STATE_NAMES),
            ("outputs", self.outputs, k.AUX_NAMES),
        ):
            names = tuple(q.name for q in decl)
            if names != tuple(lay):
                raise RuntimeError(
                    f"model {self.name!r}: declared {what} {names} differ from the kernel "
                    f"layout {tuple(lay)}"
                )
        if self.states[0].name != "V":
            raise RuntimeError(f"model {self.name!r}: the first state must be V")

    @property
    def parameter_names(self) -> tuple[str, ...]:
        return self._names[0]

    @property
    def state_names(self) -> tuple[str, ...]:
        return self._names[1]

    @property
    def output_names(self) -> tuple[str, ...]:
        return self._names[2]

    @property
    def condition_names(self) -> tuple[str, ...]:
        return self._names[3]

    def parameter(self, name: str) -> Quantity:
        return self.parameters[self.parameter_index(name)]

    def parameter_index(self, name: str) -> int:
        try:
            return self._p[name]
        except KeyError:
            raise UnknownName(
                f"model {self.name!r} has no parameter {name!r}{did_you_mean(name, self._p)}; "
                f"valid names: {', '.join(self._p)}"
            ) from None

    def state_index(self, name: str) -> int:
        try:
            return self._s[name]
        except KeyError:
            raise UnknownName(
                f"model {self.name!r} has no state {name!r}{did_you_mean(name, self._s)}; "
                f"valid names: {', '.join(self._s)}"
            ) from None

    def variable_index(self, name: str) -> int:
        """Index of a state or algebraic output in the kernel's combined layout."""
        if name in self._s:
            return self._s[name]
        if name in self._o:
            return len(self._s) + self._o[name]
        valid = list(self._s) + list(self._o)
        raise ValueError(
            f"model {self.name!r} cannot record {name!r}{did_you_mean(name, valid)}; valid "
            f"names: {', '.join(valid)}"
        )

    def variable_meta(self, name: str) -> tuple[str, str]:
        """(unit, description) of a state or output."""
        if name in self._s:
            q = self.states[self._s[name]]
            return q.unit, q.description
        o = self.outputs[self._o[name]]
        return o.unit, o.description

    # -- values ---------------------------------------------------------------------------
    def default_parameters(self) -> np.ndarray:
        return np.array([q.value for q in self.parameters], dtype=np.float64)

    def default_states(self) -> np.ndarray:
        return np.array([q.value for q in self.states], dtype=np.float64)

    def parameter_vector(self, overrides: Mapping[str, float] | None = None) -> np.ndarray:
        """Defaults with validated overrides applied."""
        p = self.default_parameters()
        for name, value in mapping_items(overrides, "params", "parameter"):
            i = self.parameter_index(name)
            p[i] = self.parameters[i].validate(value)
        if overrides:
            self.check_joint(p)
        return p

    def state_vector(self, overrides: Mapping[str, float] | None = None) -> np.ndarray:
        """Default initial states with validated overrides applied (each in its range; the
        :class:`SumLimit` of :attr:`joint_limits` need the run's parameters and are checked
        with them, by :meth:`check_joint`, before any run)."""
        y = self.default_states()
        for name, value in mapping_items(overrides, "initial", "state"):
            i = self.state_index(name)
            y[i] = self.states[i].validate(value, "initial state")
        return y

    # -- presentation ---------------------------------------------------------------------
    def table(self) -> str:
        """Plain-text table of parameters, states and outputs with units and sources.

        The name, value and unit columns are as wide as their longest entry over all three
        sections (at least 14, 12 and 10 characters), so that every row lines up.
        """
        lines = [f"{self.name}: {self.title}", "", self.description, ""]
        every = [*self.parameters, *self.states, *self.outputs]
        wn = max([14, *(len(q.name) for q in every)])
        wu = max([10, *(len(q.unit) for q in every)])
        wv = max([12, *(len(f"{q.value:.6g}") for q in (*self.parameters, *self.states))])
        for head, qs in (("Parameters", self.parameters), ("States (initial values)", self.states)):
            lines.append(head)
            for q in qs:
                tag = " [condition]" if q.condition else ""
                lines.append(f"  {q.name:<{wn}} {q.value:>{wv}.6g} {q.unit:<{wu}} "
                             f"{q.description}{tag}")
                lines.append(f"  {'':<{wn}} {'':>{wv}} {'':<{wu}} source: {q.source}")
            lines.append("")
        if self.outputs:
            lines.append("Outputs")
            for o in self.outputs:
                lines.append(f"  {o.name:<{wn}} {o.unit:<{wu}} {o.description}")
            lines.append("")
        lines.append("References")
        lines.extend(f"  - {r}" for r in self.references)
        return "\n".join(lines)

    def registry(self) -> list[dict[str, object]]:
        """Every parameter, state and output as one row of a provenance table.

        Returns
        -------
        list of dict
            In declaration order (parameters, states, outputs), each with ``kind``
            (``"parameter"``, ``"state"``, ``"output"``), ``name``, ``value`` (default; a
            state's initial value; NaN for an output), ``unit``, ``low`` and ``high`` (the valid
            closed range, possibly infinite; NaN for an output), ``condition`` (set by the bath
            or cytosol), ``description`` and ``source`` (``""`` for an output). ``biophys info
            MODEL --format csv|json`` writes it.
        """
        rows: list[dict[str, object]] = []
        for kind, qs in (("parameter", self.parameters), ("state", self.states)):
            rows.extend({"kind": kind, "name": q.name, "value": float(q.value), "unit": q.unit,
                         "low": float(q.bounds[0]), "high": float(q.bounds[1]),
                         "condition": bool(q.condition), "description": q.description,
                         "source": q.source} for q in qs)
        rows.extend({"kind": "output", "name": o.name, "value": math.nan, "unit": o.unit,
                     "low": math.nan, "high": math.nan, "condition": False,
                     "description": o.description, "source": ""} for o in self.outputs)
        return rows

    def describe(self) -> None:
        """Print :meth:`table`."""
        print(self.table())
