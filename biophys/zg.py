"""Zona glomerulosa read-outs: time-averaged Ca2+ and aldosterone synthesis of ``zg_cell``.

The model's aldosterone output is phenomenological: synthesis is driven by a running average
of cytosolic Ca2+ (``Ca_avg``, time constant ``tau_avg`` of minutes, see
:mod:`biophys.kernels.models.zg_cell`). Once ``tau_avg`` is much longer than any Ca2+
oscillation, ``Ca_avg`` equals the time average of ``Ca_i`` and the synthesis rate is the
model's synthesis function of that average. :func:`steady_state` uses this to obtain the
steady rate from a run of tens of seconds instead of many ``tau_avg``; the equivalence is
checked against the ``Ca_avg`` state in
``tests/test_zg_cell_parts.py::test_running_average_gives_the_steady_rate`` (at a short
``tau_avg``; at the default one under ``-m slow``).

Example::

    from biophys.zg import aldosterone_relative, task_knockout
    aldosterone_relative([{"K_o": 5.0}, {"K_o": 7.5}], reference={"K_o": 2.5})
    aldosterone_relative([{"K_o": 5.0}], params={"AngII": 25.0})  # same Ang II in both
    aldosterone_relative([task_knockout({"K_o": 4.0})], reference={"K_o": 4.0})

Units: :func:`steady_state` and :func:`synthesis_rate` give aldosterone in the unit of
``aldo_max`` (a.u./min); the sweep metric ``aldosterone_rate`` reports the same rate per
second (a.u./s, 1/60 of it), as every sweep rate metric does. Ratios do not depend on it.
"""

from __future__ import annotations

import reprlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from . import _engine
from ._checks import checked_values
from ._model import Model, mapping_items
from .kernels.bursts import B_NSPK
from .models import get_model

MODEL_NAME = "zg_cell"


@dataclass(frozen=True)
class SteadyState:
    """Time averages of ``zg_cell`` runs, one entry per condition.

    Attributes
    ----------
    conditions : tuple of dict
        Parameter overrides of each run.
    mean_Ca_i : numpy.ndarray
        Time-averaged cytosolic free Ca2+ after the warm-up, mM.
    mean_V, min_V, max_V : numpy.ndarray
        Membrane potential statistics after the warm-up, mV.
    spike_rate : numpy.ndarray
        Upward crossings of the model's spike threshold per second after the warm-up, Hz.
    aldosterone_rate : numpy.ndarray
        Synthesis rate at ``Ca_avg = mean_Ca_i``, in the unit of ``aldo_max`` (a.u./min).
    final_states : numpy.ndarray
        States at ``t_end``, shape ``(n_states, n_conditions)``.
    status : numpy.ndarray
        Per condition: 0 where the run finished, else the code of :func:`biophys.status_text`
        (1: a non-finite state; 4: V ended outside its range); the read-outs of such a
        condition are NaN.
    settings : dict
        How the runs were made: ``model`` (name), ``params`` (the shared overrides), ``t_end``,
        ``warmup`` and ``dt`` (ms), ``method``, and ``rtol``/``atol`` where given.
    """

    conditions: tuple[dict[str, float], ...]
    mean_Ca_i: np.ndarray
    mean_V: np.ndarray
    min_V: np.ndarray
    max_V: np.ndarray
    spike_rate: np.ndarray
    aldosterone_rate: np.ndarray
    final_states: np.ndarray
    status: np.ndarray
    settings: dict = field(default_factory=dict)


#: Sources of the CaV3.2 knockout definition (see :func:`cav32_knockout`).
CAV32_KNOCKOUT_SOURCE = (
    "Dinh HA et al., 'T- and L-type calcium channels maintain calcium oscillations in the murine "
    "zona glomerulosa' (edoc.mdc-berlin.de/24218; abstract): in Cacna1h-/- glomerulosa no Ca2+ "
    "channel or transporter was up-regulated, and L-type channels also partly compensate an "
    "acute CaV3.2 inhibition in wild-type cells"
)


def _given(params: Mapping[str, float] | None) -> dict[str, float]:
    """``params`` as a dict ({} for None); not a mapping: a ValueError naming it."""
    return dict(mapping_items(params, "params", "parameter"))


def cav32_knockout(params: Mapping[str, float] | None = None) -> dict[str, float]:
    """Parameter overrides of a CaV3.2 (Cacna1h-/-) ``zg_cell``: ``P_CaT = 0``, nothing else.

    Dinh et al. (:data:`CAV32_KNOCKOUT_SOURCE`) found no compensatory up-regulation of Ca2+
    channels or transporters in the knockout, so the chronic knockout and an acute complete
    CaV3.2 block are the same parameter set here. What changes besides the lost T current is
    dynamic: the CaV3.2 Ca2+ nanodomains no longer inactivate CaV1.3 (state ``c_TL`` of
    :mod:`biophys.kernels.models.zg_cell` relaxes to 1).

    Parameters
    ----------
    params : mapping, optional
        Other overrides (e.g. ``{"K_o": 5.0, "AngII": 1000.0}``; ``K_o`` inside the
        calibrated 2-8 mM); ``P_CaT`` in them is replaced by 0 cm/s.

    Returns
    -------
    dict
        ``params`` with ``P_CaT = 0.0``.
    """
    return {**_given(params), "P_CaT": 0.0}


#: Source of the TASK knockout's target (see :func:`task_knockout`).
TASK_KNOCKOUT_SOURCE = (
    "zG-specific TASK loss of function in mouse adrenal slices (PMC10167771): spontaneous "
    "oscillatory bursting and about x2.4 aldosterone; the model's knockout bursts "
    "(tests/test_zg_cell.py::test_task_knockout_bursts); in the tonic calibration "
    "(tonic_calibration) it fires tonically instead (tests/test_zg_cell_tonic_knockouts.py::"
    "test_task_knockout_bursts, a strict xfail)"
)


def task_knockout(params: Mapping[str, float] | None = None) -> dict[str, float]:
    """Parameter overrides of a TASK-1/TASK-3 knockout ``zg_cell``: ``P_TASK = 0``.

    The Ang II-insensitive K2P background (``P_TREK``), the Na+ leak and everything else are
    kept. Without TASK the K+ background, the leak and the pump balance only near -47 mV (the
    knockout with its Ca2+ channels blocked), so the knockout has no rest: at 4 mM K_o it
    bursts (about 14 spikes at about 10 Hz, then about 1.25 s of silence; period 2.5 s), its
    mean potential about 16 mV above the wild type's rest, a departure from the 27 mV measured
    in Task3-/- glomerulosa cells (Penton et al. 2012; at least half of it is asserted in
    tests/test_zg_cell.py). Its aldosterone at 4 mM K_o
    relative to the wild type's is one of the fitted ratios (x2.41 against x2.4,
    :data:`TASK_KNOCKOUT_SOURCE`). In the tonic calibration (:func:`tonic_calibration`) that
    balance lies near -41 mV and the knockout fires tonically at about 8.7 Hz, its mean
    potential (about -81 mV) held down by the K(Ca) after-hyperpolarisation of each spike.

    Parameters
    ----------
    params : mapping, optional
        Other overrides (e.g. ``{"K_o": 4.0}``); ``P_TASK`` in them is replaced by 0 cm/s.

    Returns
    -------
    dict
        ``params`` with ``P_TASK = 0.0``.
    """
    return {**_given(params), "P_TASK": 0.0}


def tonic_calibration(params: Mapping[str, float] | None = None) -> dict[str, float]:
    """Parameter overrides of the tonic calibration of ``zg_cell`` (the default until session 49).

    The calibration of sessions 1-45, fitted to the published cell-level data and to numbers of
    its own (firing from 4.5 mM K_o, below 0.5 Hz; 0.5-2 Hz at 5 mM; silence and bistability
    at 7-8 mM; a CaV3.2 knockout that fires with 0.225 nM Ang II), without the two K(Ca) gates
    of the default (``g_KT = g_SK = 0``), with a fast, sensitive lumped K(Ca) (``K_KCa``
    0.38 uM), a small delayed rectifier, a more saturable PMCA and a pump half-stimulated by
    0.3 uM Ca2+ (:data:`biophys.models.zg_cell.TONIC`). Its TASK knockout fires tonically
    (8.7 Hz at 4 mM K_o) where slices show bursts, its mean potential only 4 mV above the
    wild type's rest (Penton et al. 2012: depolarised by 27 mV): strict xfails in
    tests/test_zg_cell_tonic_knockouts.py. It passes one published check the default fails:
    aldosterone at 8.7 mM K_o unaltered by pump block (Antonipillai et al. 1996;
    tests/test_zg_cell_pump_block.py). Start its runs from its own resting state,
    :data:`biophys.models.zg_cell.TONIC_REST` (``initial=``).

    Parameters
    ----------
    params : mapping, optional
        Other overrides (e.g. ``{"K_o": 4.0}`` or :func:`task_knockout`'s), applied on top.

    Returns
    -------
    dict
        The calibration's values updated with ``params``.

    Examples
    --------
    >>> from biophys import zg
    >>> ko = zg.task_knockout(zg.tonic_calibration({"K_o": 4.0}))
    >>> ko["P_TASK"], ko["g_SK"]
    (0.0, 0.0)
    """
    from .models.zg_cell import TONIC

    return {**TONIC, **_given(params)}


def _model(model: str | Model | None) -> Model:
    return get_model(MODEL_NAME if model is None else model)


def _rate(m: Model, p: np.ndarray, ca: float) -> float:
    """The kernel's synthesis function for one parameter column ``p`` at ``Ca_avg = ca``."""
    k = m.kernel
    i = m.parameter_index
    e = k.angii_response(p[i("AngII")], p[i("K_AT1")], p[i("tau_AT1")])
    return k.aldosterone_rate(float(ca), e, p[i("aldo_max")], p[i("aldo_basal")],
                              p[i("K_aldo")], p[i("n_aldo")], p[i("aldo_AngII_gain")])


def synthesis_rate(Ca_avg, *, model: str | Model | None = None,
                   params: Mapping[str, float] | None = None) -> np.ndarray:
    """Aldosterone synthesis rate at a running-average Ca2+ ``Ca_avg`` (mM), a.u./min.

    Uses the model's kernel function with the default (or ``params``) ``AngII``,
    ``aldo_max``, ``aldo_basal``, ``K_aldo``, ``n_aldo`` and ``aldo_AngII_gain``, and the
    AT1 receptor's ``K_AT1`` and ``tau_AT1`` (through which Ang II acts).

    Parameters
    ----------
    Ca_avg : float or array_like
        Running-average cytosolic free Ca2+, mM, finite and >= 0. Physiological values are
        sub-micromolar: the default cell rests at about 7.5e-5 mM (75 nM), and its steady
        mean Ca2+ stays below 1e-3 mM (1 uM) inside the calibrated range
        (tests/test_zg_cell_range.py).
    model : str or Model, optional
        The ZG model whose synthesis function is used (default ``"zg_cell"``).
    params : mapping, optional
        Parameter overrides (e.g. ``{"AngII": 25.0}``, pM).

    Returns
    -------
    numpy.ndarray
        The synthesis rate at each ``Ca_avg``, in the unit of ``aldo_max`` (a.u./min), with
        the shape of ``Ca_avg`` (0-d for a scalar).

    Raises
    ------
    ValueError
        ``Ca_avg`` not real numbers, or negative or not finite; ``params`` not a mapping or
        outside the parameters' ranges; a ``model`` without the aldosterone synthesis
        read-out.
    """
    m = _model(model)
    _check_read_out(m)
    p = m.parameter_vector(params)
    ca = checked_values(Ca_avg, "Ca_avg", "mM", "finite and >= 0")
    if np.any(~np.isfinite(ca)) or np.any(ca < 0):
        raise ValueError(f"Ca_avg = {reprlib.repr(Ca_avg)} mM must be finite and >= 0 mM")
    out = np.array([_rate(m, p, c) for c in ca.ravel()])
    return out.reshape(ca.shape)


def _continued_states(m: Model, conds: tuple[dict, ...], earlier: SteadyState) -> np.ndarray:
    """The final states of ``earlier`` as the initial states of the runs ``conds`` of ``m``;
    a ``ValueError`` naming ``initial`` if they are not those runs' or not valid states."""
    if earlier.conditions != conds:
        raise ValueError(
            "initial: a SteadyState continues only the runs it came from (the same conditions, "
            f"in the same order); its conditions {reprlib.repr(earlier.conditions)} are not "
            f"the {reprlib.repr(conds)} given here")
    Y0 = np.array(earlier.final_states, dtype=float)
    if Y0.shape != (len(m.states), len(conds)):
        raise ValueError(
            f"initial: the SteadyState's final_states have shape {Y0.shape}, not (states of "
            f"{m.name!r}, conditions) = {(len(m.states), len(conds))}")
    failed = np.flatnonzero(~np.all(np.isfinite(Y0), axis=0))
    if len(failed):
        raise ValueError(
            f"initial: the SteadyState's final states of conditions "
            f"{[conds[j] for j in failed]} are not finite (a failed run); nothing to continue")
    for i, q in enumerate(m.states):
        q.check_array(Y0[i], "initial state (from the SteadyState)", at_point=True)
    return Y0


def steady_state(
    conditions: Sequence[Mapping[str, float]],
    *,
    params: Mapping[str, float] | None = None,
    t_end: float = 40000.0,
    warmup: float = 15000.0,
    dt: float | None = None,
    method: str = _engine.DEFAULT_METHOD,
    model: str | Model | None = None,
    initial: Mapping[str, float] | SteadyState | None = None,
    rtol: float | None = None,
    atol: float | Sequence[float] | None = None,
) -> SteadyState:
    """Run every condition as one cell of an ensemble and return time averages.

    Parameters
    ----------
    conditions : sequence of mapping
        Parameter overrides per run (e.g. ``{"K_o": 5.0, "AngII": 25.0}``), applied on top of
        ``params``.
    params : mapping, optional
        Overrides shared by all runs.
    t_end, warmup : float
        Run length (> 0) and the initial part excluded from the averages (>= 0), ms; the
        warm-up, rounded to whole steps of ``dt``, must end at least one step before ``t_end``.
    dt : float, optional
        Fixed step, ms, > 0 and at most ``t_end`` (default: the model's ``dt``); the initial
        trial step and the warm-up's grid of the error-controlled methods.
    method : str
        Integration method, one of ``"rl1"``, ``"rl2"`` (default), ``"rl2ab"``,
        ``"staggered"`` (fixed steps of ``dt``), ``"adaptive"`` and ``"rosenbrock"``
        (error-controlled), as in :func:`biophys.simulate`.
    model : str or Model, optional
        The ZG model to run (default ``"zg_cell"``); a modified copy of it, e.g. one made with
        ``dataclasses.replace``, for probes.
    initial : mapping or SteadyState, optional
        Initial-state overrides shared by all runs, or the result of an earlier call with the
        same conditions (the same ones, in the same order): each run then starts from that
        call's final state of its condition, with this call's ``params`` and ``model``. With
        the same ones it is a later window of the
        same runs without simulating the earlier part again: bit for bit with ``"rl1"`` and
        ``"rl2"``; ``"rl2ab"``, ``"staggered"`` and the error-controlled methods start their
        history or step size afresh and continue to within their accuracy. A different model
        or different shared ``params`` than the earlier call's (its ``settings``) are warned
        about: the runs then continue under changed conditions.
    rtol : float, optional
        Relative local error tolerance of ``"adaptive"`` and ``"rosenbrock"``, dimensionless,
        in [1e-14, 0.1] (1e-6 where only ``atol`` is given); an error with a fixed-step method.
    atol : float or sequence of float, optional
        Absolute local error tolerance of those methods, in each state's own unit (mV for
        ``V``, mM for ``Ca_i``, ...), finite and > 0: one value for every state or one per
        state in the model's state order (1e-8 where only ``rtol`` is given); an error with a
        fixed-step method.

    Returns
    -------
    SteadyState
        The time averages after the warm-up, the final states and the status of each
        condition, in the order of ``conditions``, and the settings of the runs.

    Raises
    ------
    ValueError
        Before any run: ``conditions`` not a non-empty sequence of mappings; times, ``method``,
        tolerances, parameters or ``initial`` outside their valid ranges; a ``model`` without
        the aldosterone synthesis read-out.

    Notes
    -----
    The default cell is silent at 5 mM K_o (and 5.25 mM) and fires from 5.5 mM, slowly near
    onset (0.39 Hz at 5.5 mM; ``test_oscillations_appear_and_speed_up_with_K_o`` in
    tests/test_zg_cell.py): there the averages over ``t_end - warmup`` hold few cycles and
    depend on the window; use windows of a minute or more for K_o within ~0.5 mM of onset.
    It shows no bistability below 8 mM: brought down from its depolarised state at 8 mM to 7
    or 7.5 mM it fires again, as from rest (``test_no_depolarised_branch_below_8_mM`` in
    tests/test_notebook03_numbers.py), and from 7.5 to 8.7 mM its own rest and the tonic
    calibration's lead to the same state (``test_same_state_from_either_start_at_7_5_to_8_7_mM``
    in tests/test_zg_cell.py).
    The tonic calibration (:func:`tonic_calibration`) is bistable between about 7 and 7.75 mM
    instead: started from rest it fires, started from the depolarised state of higher K_o it
    stays there, silent, with more Ca2+ (``test_bistable_between_7_and_8_mM_K_o`` in
    tests/test_zg_cell_tonic.py). Each run here starts from the initial state (or
    ``initial``); :func:`biophys.hysteresis` follows both branches. Compare branches by
    ``mean_Ca_i`` and :func:`synthesis_rate`: the sweep metric ``aldosterone_rate`` lags by
    ``tau_avg`` (minutes), so in a continuation it carries the step before.

    A condition whose run fails (a non-finite state, ``status`` 1; V ending outside its range
    of [-300, 300] mV, e.g. under a large ``I_app``, ``status`` 4) has NaN read-outs, with a
    ``RuntimeWarning`` naming it; the other conditions are unaffected.

    Values outside the physiological range of a bath or cytosol field (``K_o`` typed in M,
    ...) are warned about, once per parameter, as :func:`biophys.sweep` does.
    """
    from ._bath import range_warnings

    m = _model(model)
    _check_read_out(m)
    # a warm-up that leaves no step before t_end is refused here (the averages' window)
    t_end, step, warmup = _engine.check_time(t_end, m.dt if dt is None else dt, warmup)
    conds = _condition_dicts(conditions)
    if not conds:
        raise ValueError("conditions must contain at least one mapping of parameter overrides")
    if initial is not None and not isinstance(initial, (Mapping, SteadyState)):
        raise ValueError(f"initial = {reprlib.repr(initial)} must be a mapping of initial-state "
                         "overrides or the SteadyState of an earlier call")
    shared = _given(params)
    axes: dict[str, list[float]] = {}
    for c in conds:
        for k, v in c.items():
            axes.setdefault(k, []).append(v)
    cols = []
    for c in conds:
        merged = dict(shared)
        merged.update(c)
        cols.append(m.parameter_vector(merged))
    P = np.stack(cols, axis=1)
    range_warnings(m, params, None, axes)  # after the valid ranges have passed
    tol = _engine.tolerance_kwargs(method, rtol, atol, len(m.state_names))
    settings = {"model": m.name, "params": shared, "t_end": t_end,
                "warmup": warmup, "dt": step, "method": method, **tol}
    if isinstance(initial, SteadyState):
        Y0 = _continued_states(m, conds, initial)
        _warn_changed_settings(initial.settings, settings)
    else:
        y0 = m.state_vector(initial)
        Y0 = np.repeat(y0[:, None], len(conds), axis=1)
    raw = _engine.run(m, P, Y0, t_end=t_end, dt=step, warmup=warmup,
                      observe=("Ca_i", "V"), method=method, **tol)
    n = raw.n_obs_samples
    mean_ca = raw.obs[0, 0] / n
    t_obs = (raw.n_steps * raw.dt - raw.t_warm) / 1000.0
    nspk = raw.burst[B_NSPK]  # spikes after the warm-up
    status = np.asarray(raw.status, dtype=np.int8)
    ok = status == 0
    rates = np.array([_rate(m, P[:, j], mean_ca[j]) if ok[j] else np.nan
                      for j in range(len(conds))])
    if not ok.all():
        from ._sweep_result import STATUS
        from ._warn import warn_user

        bad = "; ".join(f"{conds[j]} ({STATUS.get(int(status[j]), status[j])})"
                        for j in np.flatnonzero(~ok))
        warn_user(f"steady_state: the run of conditions {bad} is not ok (the status given); "
                  "their read-outs are NaN (status != 0), the other conditions' are unaffected",
                  RuntimeWarning)

    def kept(x):
        return np.where(ok, x, np.nan)

    return SteadyState(conds, kept(mean_ca), kept(raw.obs[1, 0] / n), kept(raw.obs[1, 1]),
                       kept(raw.obs[1, 2]), kept(nspk / t_obs), rates, raw.Y, status,
                       settings)


def _condition_dicts(conditions) -> tuple[dict, ...]:
    """``conditions`` as a tuple of dicts; anything but an iterable of mappings (one mapping,
    a string, a number, None, ...) is a ``ValueError`` naming it."""
    bad = isinstance(conditions, (Mapping, str, bytes)) or not isinstance(conditions, Iterable)
    given = [] if bad else list(conditions)
    if bad or not all(isinstance(c, Mapping) for c in given):
        raise ValueError(
            f"conditions = {reprlib.repr(conditions)} must be a sequence of mappings of parameter "
            "overrides, one per run (e.g. [{'K_o': 5.0}] for a single run)")
    return tuple(dict(c) for c in given)


def _warn_changed_settings(earlier: dict, now: dict) -> None:
    """Warn when a continued run's model or shared parameters differ from the earlier call's."""
    from ._warn import warn_user

    changed = [k for k in ("model", "params") if k in earlier and earlier[k] != now[k]]
    if changed:
        warn_user("steady_state: initial= continues runs made with "
                  + ", ".join(f"{k} = {earlier[k]!r}" for k in changed) + "; this call uses "
                  + ", ".join(f"{k} = {now[k]!r}" for k in changed)
                  + ": the runs continue under the changed conditions")


#: What :func:`steady_state` reads from a model: its kernel's synthesis functions and their
#: parameters.
READ_OUT_FUNCTIONS = ("angii_response", "aldosterone_rate")
READ_OUT_PARAMETERS = ("AngII", "K_AT1", "tau_AT1", "aldo_max", "aldo_basal", "K_aldo",
                       "n_aldo", "aldo_AngII_gain")


def _check_read_out(m: Model) -> None:
    """A ``ValueError`` before any run if ``m`` lacks the aldosterone synthesis read-out."""
    missing = [f for f in READ_OUT_FUNCTIONS if not hasattr(m.kernel, f)]
    missing += [q for q in READ_OUT_PARAMETERS if q not in m.parameter_names]
    if missing or "Ca_i" not in m.state_names:
        raise ValueError(
            f"model {m.name!r} has no aldosterone synthesis read-out (missing: "
            f"{', '.join(missing) or 'state Ca_i'}); the read-outs of biophys.zg need zg_cell or "
            "a modified copy of it")


def aldosterone_relative(
    conditions: Sequence[Mapping[str, float]],
    reference: Mapping[str, float] | None = None,
    **kwargs,
) -> np.ndarray:
    """Steady aldosterone synthesis of each condition relative to a reference condition.

    The reference is ``{"K_o": 2.5}``, the baseline of the isolated canine glomerulosa cell
    data the model is calibrated to (cited in the ``zg_cell`` model's references; targets
    ``CANINE`` in ``tests/zg_cell_data.py``), updated with ``reference`` (so
    ``reference={"AngII": 25.0}`` is 2.5 mM K_o with 25 pM Ang II; give ``K_o`` in it for
    another baseline). It runs with the conditions, as one more condition of the same
    :func:`steady_state` call.

    A condition's overrides are not applied to the reference: ``[{"K_o": 5.0, "AngII":
    25.0}]`` compares 5 mM K_o with Ang II against 2.5 mM *without* it (x5.2). For the
    calibration's "relative to 2.5 mM K_o with the same Ang II" (x3.7) give what both share
    as ``params={"AngII": 25.0}``, or put it in ``reference``. A ``K_o`` in ``params`` never
    reaches the reference: the reference's own ``K_o`` (2.5 mM unless ``reference`` gives
    one) overrides it; give a shared ``K_o`` in ``reference`` too.

    Parameters
    ----------
    conditions : sequence of mapping
        Parameter overrides per condition (e.g. ``[{"K_o": 5.0}, {"K_o": 7.5}]``), at least
        one.
    reference : mapping, optional
        Overrides of the reference condition, applied on top of ``{"K_o": 2.5}`` (mM).
    **kwargs
        Keyword arguments of :func:`steady_state` (``params``, ``t_end``, ``warmup``, ``dt``,
        ``method``, ``model``, ``rtol``, ``atol``, and ``initial`` as a mapping of
        initial-state overrides shared by the reference and the conditions). An ``initial``
        that is a :class:`SteadyState` is refused: it continues only the runs it came from,
        and those did not include this reference.

    Returns
    -------
    numpy.ndarray
        The ratio of each condition's steady synthesis rate to the reference's, dimensionless
        (1 = same as the reference), in the order of ``conditions``; NaN for a condition
        whose run failed (see :func:`steady_state`).

    Raises
    ------
    ValueError
        ``conditions`` not a non-empty sequence of mappings, a ``reference`` that is no
        mapping, an ``initial`` that is a :class:`SteadyState`, or any argument
        :func:`steady_state` refuses.
    FloatingPointError
        If the reference's own run fails, or its synthesis rate is not > 0 (``aldo_max`` =
        0 a.u./min in it): every ratio would be undefined.
    """
    if reference is not None and not isinstance(reference, Mapping):
        raise ValueError(f"reference = {reprlib.repr(reference)} must be a mapping of "
                         "parameter overrides (e.g. {'K_o': 2.5, 'AngII': 25.0})")
    conds = _condition_dicts(conditions)
    if not conds:
        raise ValueError("conditions = [] is empty: aldosterone_relative needs at least one "
                         "mapping of parameter overrides to compare with the reference (e.g. "
                         "[{'K_o': 5.0}])")
    if isinstance(kwargs.get("initial"), SteadyState):
        raise ValueError(
            "initial: aldosterone_relative does not continue a SteadyState (it runs its "
            "reference as one more condition, so the runs differ from the earlier call's); "
            "give a mapping of initial-state overrides, or call steady_state and divide its "
            "aldosterone_rate")
    ref = {"K_o": 2.5, **(reference or {})}
    ss = steady_state([ref, *conds], **kwargs)
    if ss.status[0] != 0:
        raise FloatingPointError(
            f"aldosterone_relative: the run of the reference {ref} failed (status "
            f"{int(ss.status[0])}); no ratio can be formed")
    base = ss.aldosterone_rate[0]
    if not (np.isfinite(base) and base > 0.0):
        m = _model(kwargs.get("model"))
        p = m.parameter_vector({**ss.settings["params"], **ref})
        i = m.parameter_index
        raise FloatingPointError(
            f"aldosterone_relative: the reference {ref} synthesises aldosterone at {base!r} "
            f"a.u./min (aldo_max = {p[i('aldo_max')]:g} a.u./min, aldo_basal = "
            f"{p[i('aldo_basal')]:g} (dimensionless)), so every ratio to it is undefined; "
            "give the reference aldo_max > 0 a.u./min")
    return ss.aldosterone_rate[1:] / base
