"""Charge conservation: C dV = -integral(I dt) = sum q z dc, through the real engine.

The test cell (biophys.kernels.models._conservation_demo, built here) carries every membrane
current on a tracked ion (GHK Na+ and K+ leaks and the Na+/K+-ATPase), so both identities must
hold to rounding for every integration method when the ions share V's quasi-linear B. Negative
controls show that the check fails when a current is left out or when the discretisation of
the ions differs from that of V.
"""

import math

import pytest

from biophys.conservation import check_balance, check_conservation, conservation_demo_model
from biophys.kernels.ion_balance import (
    charge_per_mM_density,
    charge_per_mM_pA,
    dconc_dt,
    dconc_dt_pA,
    quasi_linear_like,
    rapid_buffer_factor,
)

F = 96485.33212
MODEL = conservation_demo_model()
Q = charge_per_mM_density(1.0, 0.1)  # area 1 um^2, volume 0.1 um^3 (model defaults)
IONS = [("Na_i", 1, Q), ("K_i", 1, Q)]
CURRENTS = ["I_Na", "I_K", "I_NaK"]


def run(method, mode, currents=CURRENTS, **kw):
    return check_conservation(MODEL, currents=currents, capacitance="C_m", ions=IONS,
                              params={"B_mode": mode}, initial={"V": -20.0}, t_end=20.0,
                              dt=0.01, method=method, **kw)


@pytest.mark.parametrize("method", ["rl1", "rl2", "rl2ab"])
@pytest.mark.parametrize("mode", [0, 1])
def test_exact_conservation(method, mode):
    r = run(method, mode)
    assert abs(r.charge_membrane) > 40.0  # V relaxes from -20 mV by ~50 mV: a real test
    assert r.error_currents < 1e-12, str(r)
    assert r.error_ions < 1e-9, str(r)
    assert r.ok(1e-9)
    # the plain trapezoid rule of the recorded currents is only first/second order
    trap = abs(r.charge_currents_trapezoid - r.charge_membrane) / abs(r.charge_membrane)
    assert 0 < trap < 1e-2


@pytest.mark.parametrize("method, floor", [("rl1", 1e-3), ("rl2", 1e-6)])
def test_check_detects_inconsistent_discretisation(method, floor):
    """B_mode 2 steps V exponentially but the ions by Euler: charge leaks at O(dt^order)."""
    r = run(method, 2)
    assert r.error_currents < 1e-12
    assert r.error_ions > floor
    assert not r.ok(1e-9)


def test_staggered_keeps_identity_1_and_identity_2_to_first_order():
    """``staggered`` moves V over [t, t + h] with the ions at t + h/2, and the ions over
    [t - h/2, t + h/2] with V at t: the charge on the membrane matches -int I dt exactly (its
    own updates), but the ions carry that charge only to O(h) (halving h halves the
    mismatch), as the first order of the method for coupled states says (README,
    biophys._engine). The check rebuilds the staggered states from the recorded V."""
    errs = []
    for dt in (0.02, 0.01, 0.005):
        r = check_conservation(MODEL, currents=CURRENTS, capacitance="C_m", ions=IONS,
                               params={"B_mode": 0}, initial={"V": -20.0}, t_end=20.0, dt=dt,
                               method="staggered")
        assert r.error_currents < 1e-12, str(r)
        errs.append(r.error_ions)
    assert errs[-1] > 1e-4
    for coarse, fine in zip(errs[:-1], errs[1:], strict=True):
        assert coarse / fine == pytest.approx(2.0, rel=0.1), errs


def test_rl2ab_rebuilt_as_the_driver_steps():
    """rl2ab moves by 1.5 A(y_n) - 0.5 A(y_(n-1)) after the first step: rebuilt as rl2 or rl1
    steps, identity (1) would fail by far more than rounding (the check is not blind to the
    method)."""
    from biophys import conservation

    r = run("rl2ab", 0)
    assert r.error_currents < 1e-12
    raw = conservation._run(MODEL, MODEL.parameter_vector({"B_mode": 0}), {"V": -20.0}, 20.0,
                            0.01, "rl2ab", CURRENTS)
    for wrong in ("rl1", "rl2"):
        raw.method = wrong  # C_m = 1 uF/cm^2; outputs 0-2 are CURRENTS
        q = conservation._quadrature(raw, 0, lambda z, out: -out[:3].sum())
        assert abs(q - r.charge_membrane) > 1e-6 * abs(r.charge_membrane)


@pytest.mark.parametrize("method", ["adaptive", "rosenbrock", "rl3"])
def test_error_controlled_methods_are_refused(method):
    """Their records are interpolated, not their steps: no identity could be rebuilt (before,
    rl2ab and adaptive runs were rebuilt as rl2 steps and reported errors of 1-2 %)."""
    with pytest.raises(ValueError, match=rf"method = '{method}': the conservation checks "
                                         r"rebuild the steps of a fixed-step method, one of "
                                         r"rl1, rl2, rl2ab, staggered"):
        check_conservation("hh1952", currents=["I_Na", "I_K", "I_L"], capacitance="C_m",
                           t_end=1.0, method=method)


def test_check_detects_missing_current():
    r = run("rl2", 0, currents=["I_Na", "I_K"])  # the pump current left out
    assert r.error_currents > 1e-4
    assert not r.ok()


@pytest.mark.parametrize("method", ["rl1", "rl2", "rl2ab", "staggered"])
def test_hh1952_membrane_identity(method):
    """Any model: HH 1952 (exponential V update, no ions tracked) satisfies identity (1)."""
    r = check_conservation("hh1952", currents=["I_Na", "I_K", "I_L"], capacitance="C_m",
                           initial={"V": -50.0}, t_end=10.0, dt=0.01, method=method)
    assert abs(r.charge_membrane) > 10.0
    assert r.error_currents < 1e-11, str(r)
    assert math.isnan(r.error_ions) and r.ok()


def test_argument_errors():
    with pytest.raises(ValueError, match="not an output"):
        check_conservation(MODEL, currents=["I_X"], capacitance="C_m")
    with pytest.raises(ValueError, match="capacitance"):
        check_conservation(MODEL, currents=CURRENTS, capacitance=-1.0)


def test_ion_balance_units():
    """1 uA/cm^2 on 1 um^2 into 1 um^3 = 1e-14 A into 1e-15 L: 1e-14/(F 1e-15) M/s."""
    ref = -1e-14 / (F * 1e-15) / 1e3 * 1e3  # mol/L/s -> mM/ms: x 1e3 (mM) / 1e3 (ms)
    assert dconc_dt(1.0, 1.0, 1.0, 1.0, 1.0) == pytest.approx(ref, rel=1e-14)
    # 1 pA into 764 fL (Cha et al. 2011 cytosol): 1e-12/(F 764e-15) M/s
    ref_pa = -1e-12 / (F * 764e-15)  # mol/L/s == mM/ms
    assert dconc_dt_pA(1.0, 1.0, 764.0, 1.0) == pytest.approx(ref_pa, rel=1e-14)
    assert dconc_dt_pA(2.0, 2.0, 764.0, 0.01) == pytest.approx(0.01 * ref_pa, rel=1e-14)
    # charge per mM: integral of I dt that moves 1 mM of a monovalent ion
    assert charge_per_mM_density(2.0, 3.0) * dconc_dt(1.0, 1.0, 2.0, 3.0, 1.0) == \
        pytest.approx(-1.0, rel=1e-14)
    assert charge_per_mM_pA(764.0) * dconc_dt_pA(1.0, 1.0, 764.0, 1.0) == \
        pytest.approx(-1.0, rel=1e-14)
    a, b = quasi_linear_like(2.5, 3.0, 0.7)
    assert a - b * 3.0 == pytest.approx(2.5, rel=1e-15) and b == 0.7
    # rapid buffer: 1/(1 + B K/(K + c)^2)
    assert rapid_buffer_factor(0.1e-3, 0.1, 1e-3) == pytest.approx(
        1 / (1 + 0.1 * 1e-3 / (1.1e-3) ** 2), rel=1e-14)


# --------------------------------------------------------------------------------------------
# mass balances (check_balance)
# --------------------------------------------------------------------------------------------

#: d[Na+]_i/dt per uA/cm^2 of inward Na+ current on 1 um^2 into 1 um^3 x 0.1: 1 uA/cm^2 x
#: 1e-8 cm^2 = 1e-14 A into 1e-16 L is 1e-14/(F 1e-16) M/s = 1e2/F mM/ms, i.e. 10 A/(F vol).
PER_UA = -10.0 * 1.0 / (F * 0.1)


@pytest.mark.parametrize("method", ["rl1", "rl2", "rl2ab", "staggered"])
def test_sodium_balance_of_the_test_cell(method):
    """Na_i changes by the Na+ current and 3 Na+ per pump cycle (one net charge per cycle:
    3 I_NaK in Na+ terms), to rounding for every fixed-step method."""
    r = check_balance(MODEL, "Na_i", {"I_Na": PER_UA, "I_NaK": 3.0 * PER_UA},
                      params={"B_mode": 1}, initial={"V": -20.0}, t_end=20.0, dt=0.01,
                      method=method)
    assert abs(r.change) > 1e-3  # mM: a real change
    assert r.error < 1e-12, str(r)
    assert r.ok(1e-9)
    assert 0 < abs(r.integral_trapezoid - r.change) / r.gross < 1e-2


def test_balance_detects_wrong_stoichiometry_and_missing_terms():
    for fluxes in ({"I_Na": PER_UA, "I_NaK": 2.0 * PER_UA},  # 2 Na+ per cycle: wrong
                   {"I_Na": PER_UA}):                          # the pump left out
        r = check_balance(MODEL, "Na_i", fluxes, params={"B_mode": 1}, initial={"V": -20.0},
                          t_end=20.0, dt=0.01)
        assert r.error > 1e-3, str(r)
        assert not r.ok()


def test_balance_argument_errors():
    with pytest.raises(ValueError, match="'I_X' is neither an output nor a state"):
        check_balance(MODEL, "Na_i", {"I_X": 1.0})
    with pytest.raises(ValueError, match="fluxes must map at least one"):
        check_balance(MODEL, "Na_i", {})
    with pytest.raises(ValueError, match="coefficient of 'I_Na' = nan"):
        check_balance(MODEL, "Na_i", {"I_Na": math.nan})
    with pytest.raises(ValueError, match="Q_i"):
        check_balance(MODEL, "Q_i", {"I_Na": 1.0})
    with pytest.raises(ValueError, match="method = 'adaptive'"):
        check_balance(MODEL, "Na_i", {"I_Na": 1.0}, method="adaptive")


# --------------------------------------------------------------------------------------------
# review (session 30): stage times, the engine's step, fluxes that vanish
# --------------------------------------------------------------------------------------------

#: A cell whose conductance and gate time constant change with t: the stage times of the
#: rebuilt steps (rl2's t + h/2, staggered's V at t + h/2, rl2ab's older rates at t - h)
#: matter; no built-in model reads t.
_TIME_KERNEL = '''
import math
from numba import njit as jit  # not cached: only the generated driver is

STATE_NAMES = ("V", "x")
PARAM_NAMES = ("C_m", "g", "E", "omega", "I_app")
AUX_NAMES = ("I_x",)


@jit
def rates(Y, P, c, t, I_ext, A, B):
    gt = P[1, c] * (1.0 + 0.9 * math.sin(P[3, c] * t))
    A[0, c] = (gt * Y[1, c] * P[2, c] + P[4, c] + I_ext) / P[0, c]
    B[0, c] = gt * Y[1, c] / P[0, c]
    tau = 1.0 + 0.8 * math.cos(P[3, c] * t)
    A[1, c] = 1.0 / (1.0 + math.exp(-(Y[0, c] + 40.0) / 5.0)) / tau
    B[1, c] = 1.0 / tau


@jit
def aux(Y, P, c, t, I_ext, OUT):
    gt = P[1, c] * (1.0 + 0.9 * math.sin(P[3, c] * t))
    OUT[0, c] = gt * Y[1, c] * (Y[0, c] - P[2, c])
'''


@pytest.fixture(scope="module")
def time_model(tmp_path_factory):
    import hashlib
    import importlib
    import sys

    from biophys._model import Model, Output, Parameter, State

    # named by its text: the driver generated for it (and cached) is named by the module name
    name = "_time_kernel_" + hashlib.sha256(_TIME_KERNEL.encode()).hexdigest()[:12]
    d = tmp_path_factory.mktemp("kernel")
    (d / f"{name}.py").write_text(_TIME_KERNEL)
    sys.path.insert(0, str(d))  # the generated driver imports it by name too
    kernel = importlib.import_module(name)
    here = "test"
    par = (Parameter("C_m", 1.0, "uF/cm^2", "capacitance", here, (1e-3, 1e3)),
           Parameter("g", 2.0, "mS/cm^2", "peak conductance", here, (0.0, 1e3)),
           Parameter("E", 0.0, "mV", "reversal potential", here, (-200.0, 200.0)),
           Parameter("omega", 2.0, "1/ms", "modulation frequency", here, (0.0, 1e3)),
           Parameter("I_app", 0.0, "uA/cm^2", "applied current", here, (-1e4, 1e4)))
    sts = (State("V", -60.0, "mV", "membrane potential", here, (-300.0, 300.0)),
           State("x", 0.1, "1", "gate", here, (0.0, 1.0)))
    yield Model(name="_time_test", title="t-dependent test cell", description="",
                references=(), parameters=par, states=sts,
                outputs=(Output("I_x", "uA/cm^2", "the one current"),), kernel=kernel,
                dt=0.05, spike_threshold=0.0, burst_gap=100.0)
    sys.path.remove(str(d))


@pytest.mark.parametrize("method", ["rl1", "rl2", "rl2ab", "staggered"])
def test_rates_depending_on_t_are_rebuilt_at_the_stage_times(time_model, method):
    r = check_conservation(time_model, currents=["I_x"], capacitance="C_m", t_end=20.0,
                           dt=0.05, method=method)
    assert abs(r.charge_membrane) > 10.0
    assert r.error_currents < 1e-12, str(r)


@pytest.mark.parametrize("method", ["rl1", "rl2", "rl2ab", "staggered"])
def test_a_step_that_does_not_divide_t_end(method):
    """The engine shortens dt to t_end / n_steps: the checks must use the step it took."""
    r = check_conservation("hh1952", currents=["I_Na", "I_K", "I_L"], capacitance="C_m",
                           initial={"V": -50.0}, t_end=10.0, dt=0.03, method=method)
    assert r.dt == pytest.approx(10.0 / 334, rel=1e-15)
    assert r.error_currents < 1e-12, str(r)


def test_balance_fails_when_the_declared_fluxes_vanish():
    """Fluxes that are zero throughout (gross 0) do not account for a change of the state."""
    r = check_balance("hh1952", "m", {"I_Na": 0.0}, initial={"V": -50.0}, t_end=10.0)
    assert abs(r.change) > 0.01 and r.gross == 0.0
    assert r.error > 0.5 and not r.ok(), str(r)


# --------------------------------------------------------------------------------------------
# session 31: a single current name, the values of a bad ion entry
# --------------------------------------------------------------------------------------------

def test_a_single_current_name_is_one_output():
    """``currents="I_ion"`` is the one output I_ion, as ``record`` takes a single name (it was
    read letter by letter: "'I' is not an output"). A single flux name for ``check_balance``
    is refused: it needs a coefficient (a mapping)."""
    kw = dict(capacitance="C_m", initial={"V": -20.0}, t_end=1.0, dt=0.01)
    one = check_conservation(MODEL, currents="I_ion", **kw)
    listed = check_conservation(MODEL, currents=["I_ion"], **kw)
    assert one.charge_currents == listed.charge_currents
    assert abs(one.charge_membrane) > 10.0 and one.error_currents < 1e-12, str(one)
    with pytest.raises(ValueError, match="fluxes must map at least one"):
        check_balance(MODEL, "Na_i", "I_Na")


@pytest.mark.parametrize("valence, charge, shown", [
    (0, Q, ["valence = 0 ", f"charge_per_mM = {Q!r} "]),
    (1, math.nan, ["valence = 1 ", "charge_per_mM = nan "]),
    (1, math.inf, ["charge_per_mM = inf "]),
    ("1", Q, ["valence = '1' "]),  # a string is not a number (float("1") let it through)
])
def test_a_bad_ion_entry_shows_the_values_given(valence, charge, shown):
    with pytest.raises(ValueError) as err:
        check_conservation(MODEL, currents=CURRENTS, capacitance="C_m",
                           ions=[("K_i", 1, Q), ("Na_i", valence, charge)])
    msg = str(err.value)
    assert msg.startswith("ion 'Na_i': valence = ")
    for words in [*shown, "(dimensionless) must be a non-zero real number",
                  "(capacitance unit x mV per mM) a finite real number"]:
        assert words in msg, (words, msg)


# --------------------------------------------------------------------------------------------
# session 32: a single ion tuple; a declared applied current that is not 0
# --------------------------------------------------------------------------------------------

def test_a_single_ion_tuple_is_a_clear_error():
    """``ions=("Na_i", 1, q)`` was unpacked letter by letter ("too many values to unpack")."""
    with pytest.raises(ValueError) as err:
        check_conservation(MODEL, currents=CURRENTS, capacitance="C_m", ions=("Na_i", 1, Q))
    msg = str(err.value)
    assert msg.startswith("ions = ('Na_i', 1, ") and "must be a sequence of (state, valence, " \
        "charge_per_mM) tuples: entry 'Na_i' is not one; one ion is ions=[('Na_i', 1, " in msg, \
        msg
    for bad in ({"Na_i": (1, Q)}, "Na_i", 3.0, [("Na_i", 1)]):
        with pytest.raises(ValueError, match=r"must be a sequence of \(state, valence, "):
            check_conservation(MODEL, currents=CURRENTS, capacitance="C_m", ions=bad)


@pytest.mark.parametrize("model, kw, words", [
    (MODEL, dict(currents=CURRENTS, ions=IONS, params={"I_app": 2.0}),
     "I_app = 2 uA/cm^2 (the applied current of model '_conservation_demo') must be 0"),
    ("beta_cell", dict(currents="I_ion", params={"I_app": -3.0}),
     "I_app = -3 pA (the applied current of model 'beta_cell') must be 0"),
])
def test_a_declared_applied_current_must_be_zero(model, kw, words):
    """With I_app != 0 identity (1) reads C dV = -int I dt + Q_app: the report said the
    currents do not account for the charge (a silently wrong report)."""
    with pytest.raises(ValueError) as err:
        check_conservation(model, capacitance="C_m", t_end=0.1, **kw)
    assert words in str(err.value) and "params={'I_app': 0.0}" in str(err.value), \
        str(err.value)


def test_an_applied_current_is_left_to_models_that_do_not_declare_it_and_to_balances():
    """hh1952 declares no charge balance: I_app is the caller's to set (as before). A
    concentration's balance holds with the applied current on (it drives V alone), so
    check_balance does not refuse it."""
    r = check_conservation("hh1952", currents=["I_Na", "I_K", "I_L"], capacitance="C_m",
                           params={"I_app": 10.0}, t_end=1.0)
    assert r.error_currents > 1e-3  # the applied charge is not in the listed currents
    b = check_balance(MODEL, "Na_i", {"I_Na": PER_UA, "I_NaK": 3.0 * PER_UA},
                      params={"B_mode": 1, "I_app": 5.0}, initial={"V": -20.0}, t_end=20.0,
                      dt=0.01)
    assert abs(b.change) > 1e-3 and b.ok(1e-9), str(b)
