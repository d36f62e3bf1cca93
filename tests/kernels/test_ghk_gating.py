"""GHK and gating kernels: removable singularities, limits, accuracy against exact arithmetic."""

import math
from decimal import Decimal, getcontext

import numpy as np
import pytest

from biophys.kernels import constants, gating, ghk

getcontext().prec = 60


def exact_g(x: float) -> float:
    """x / (1 - exp(-x)) in 60-digit decimal arithmetic (the float x is taken exactly)."""
    d = Decimal(x)
    if d == 0:
        return 1.0
    if abs(d) < Decimal("1e-12"):  # Taylor series; the next term is x^6/30240
        return float(1 + d / 2 + d * d / 12 - d**4 / 720)
    return float(d / (1 - (-d).exp()))


def exact_driving(z, V, ci, co, T):
    rtf = Decimal(1000) * Decimal(constants.GAS_CONSTANT) * (Decimal(T) + Decimal("273.15")) / \
        Decimal(constants.FARADAY)
    x = Decimal(z) * Decimal(V) / rtf
    if x == 0:
        return float(Decimal(ci) - Decimal(co))
    g = x / (1 - (-x).exp())
    return float(g * (Decimal(ci) - Decimal(co) * (-x).exp()))


XS = [0.0, 1e-300, -1e-300, 1e-14, -1e-14, 1e-8, -1e-8, 1e-5, -1e-5, 1e-3, -0.5, 0.5, 3.0, -3.0,
      40.0, -40.0, 700.0, -700.0, 709.7, -709.7]


@pytest.mark.parametrize("x", XS)
def test_ghk_g_matches_exact_within_4e_16(x):
    assert ghk.ghk_g(x) == pytest.approx(exact_g(x), rel=4e-16, abs=0)


@pytest.mark.parametrize("x", XS)
def test_exprel_matches_exact_within_4e_16(x):
    assert gating.exprel(x) == pytest.approx(exact_g(-x), rel=4e-16, abs=0)


@pytest.mark.parametrize("x", [709.7828, 709.9, 720.0, 745.0, 1e5])
def test_beyond_the_overflow_of_exp_the_documented_zero(x):
    """As the docstrings say: past the overflow of e^|x| (709.78) exprel(x) and ghk_g(-x) are
    0, where the exact value |x| e^-|x| is below 3.95e-306 (3.948e-306 at the overflow)."""
    assert gating.exprel(x) == 0.0 and ghk.ghk_g(-x) == 0.0
    exact = Decimal(x) * (-Decimal(x)).exp()
    assert exact < Decimal("3.95e-306")


def test_naive_formula_loses_precision_where_ours_does_not():
    x = 1e-10
    naive = x / (1.0 - math.exp(-x))
    assert abs(naive - exact_g(x)) / exact_g(x) > 1e-9
    assert abs(ghk.ghk_g(x) - exact_g(x)) / exact_g(x) < 4e-16


@pytest.mark.parametrize("z, ci, co", [(1, 140.0, 5.4), (2, 1e-4, 2.0), (-1, 10.0, 120.0)])
@pytest.mark.parametrize("V", [0.0, 1e-12, -1e-9, 1e-6, 0.01, -0.01, -80.0, 30.0])
def test_ghk_driving_accurate_for_every_V(z, ci, co, V):
    ref = exact_driving(z, V, ci, co, 37.0)
    got = ghk.ghk_driving(z, V, ci, co, 37.0)
    assert got == pytest.approx(ref, rel=1e-14, abs=1e-14 * max(ci, co))


def test_ghk_current_at_zero_mV_is_exact_limit():
    P, z, ci, co = 1e-6, 2.0, 1e-4, 2.0
    got = ghk.ghk_current(P, z, 0.0, ci, co, 37.0)
    assert got == P * z * constants.FARADAY * (ci - co)
    # continuous through zero: the values just either side agree to ~machine precision
    left = ghk.ghk_current(P, z, -1e-9, ci, co, 37.0)
    right = ghk.ghk_current(P, z, 1e-9, ci, co, 37.0)
    assert left == pytest.approx(got, rel=1e-9) and right == pytest.approx(got, rel=1e-9)


@pytest.mark.parametrize("z, co, ci", [(1, 5.4, 140.0), (2, 2.0, 1e-4), (-1, 120.0, 10.0)])
def test_ghk_current_vanishes_at_nernst(z, co, ci):
    E = constants.nernst(z, co, ci, 37.0)
    # exact Nernst from first principles
    rtf = constants.GAS_CONSTANT * (37.0 + 273.15) / constants.FARADAY * 1000.0
    assert E == pytest.approx(rtf / z * math.log(co / ci), rel=1e-15)
    scale = abs(ghk.ghk_current(1e-6, z, E + 10.0, ci, co, 37.0))
    assert abs(ghk.ghk_current(1e-6, z, E, ci, co, 37.0)) < 1e-12 * scale


def test_thermal_voltage_at_body_temperature():
    # R T / F at 310.15 K from CODATA 2018 constants
    assert constants.thermal_voltage(37.0) == pytest.approx(26.7267, abs=1e-4)


def test_ghk_voltage_gives_zero_net_current():
    PK, PNa, PCl = 1.0, 0.04, 0.45
    Ko, Ki, Nao, Nai, Clo, Cli = 5.4, 140.0, 145.0, 12.0, 120.0, 10.0
    V = ghk.ghk_voltage(PK, PNa, PCl, Ko, Ki, Nao, Nai, Clo, Cli, 37.0)
    total = (ghk.ghk_current(PK, 1, V, Ki, Ko, 37.0) + ghk.ghk_current(PNa, 1, V, Nai, Nao, 37.0)
             + ghk.ghk_current(PCl, -1, V, Cli, Clo, 37.0))
    assert abs(total) < 1e-12 * ghk.ghk_current(PK, 1, V + 10, Ki, Ko, 37.0)
    # single permeant ion: GHK voltage reduces to Nernst
    assert ghk.ghk_voltage(1.0, 0.0, 0.0, Ko, Ki, Nao, Nai, Clo, Cli, 37.0) == pytest.approx(
        constants.nernst(1, Ko, Ki, 37.0), rel=1e-14)


def test_rush_larsen_is_exact_for_constant_coefficients():
    x0, x_inf, tau = 0.1, 0.9, 3.7
    for dt in (1e-12, 1e-3, 0.5, 100.0):
        exact = x_inf + (x0 - x_inf) * math.exp(-dt / tau)
        assert gating.rush_larsen(x0, x_inf, tau, dt) == pytest.approx(exact, rel=1e-15)
    a, b = 0.3, 0.7
    assert gating.rush_larsen_rates(x0, a, b, 2.0) == pytest.approx(
        gating.rush_larsen(x0, a / (a + b), 1.0 / (a + b), 2.0), rel=1e-15)
    # tiny steps keep full relative precision of the increment
    inc = gating.rush_larsen(x0, x_inf, tau, 1e-12) - x0
    assert inc == pytest.approx((x_inf - x0) * 1e-12 / tau, rel=1e-9)


def test_q10_and_gate_forms():
    assert gating.q10_factor(3.0, 16.3, 6.3) == pytest.approx(3.0)
    assert gating.q10_factor(3.0, 6.3, 6.3) == 1.0
    assert gating.inf_from_rates(1.0, 3.0) == 0.25
    assert gating.tau_from_rates(1.0, 3.0) == 0.25
    assert gating.boltzmann(-20.0, -20.0, 5.0) == 0.5
    v = np.linspace(-100, 50, 7)
    vals = [gating.boltzmann(x, -20.0, 5.0) for x in v]
    assert np.all(np.diff(vals) > 0)


def test_faraday_and_gas_constants_are_the_truncated_si_products():
    """F and R are CODATA 2018's printed digits of N_A e and N_A k_B (SI 2019 exact), within the
    relative differences the constants' comments state (3.4e-11 and 1.8e-11)."""
    from biophys.kernels import constants as c

    n_a, e, k_b = 6.02214076e23, 1.602176634e-19, 1.380649e-23  # SI 2019 defining constants
    assert (c.AVOGADRO, c.ELEMENTARY_CHARGE, c.BOLTZMANN) == (n_a, e, k_b)
    assert abs(c.FARADAY / (n_a * e) - 1.0) < 4e-11
    assert abs(c.GAS_CONSTANT / (n_a * k_b) - 1.0) < 2e-11
    assert str(c.FARADAY) == "96485.33212" and str(c.GAS_CONSTANT) == "8.314462618"
