"""The fixed-step grid: a t_end that is a whole number of steps is run in those steps, also
for long runs, and the record grid is the one the driver steps on."""

import math
from fractions import Fraction

import numpy as np
import pytest

from biophys import _engine
from biophys.models import get_model

#: (t_end, dt) as typed, ms: whole numbers of steps in decimal, 6e7 to 4.5e8 steps, for which
#: t_end / dt rounds more than 1e-9 above the whole number
WHOLE = [("1269735.86", "0.02"), ("1322143.985", "0.005"), ("528802.17", "0.002"),
         ("4934678.98", "0.02"), ("8939342.96", "0.02")]


@pytest.mark.parametrize(("t_end", "dt"), WHOLE)
def test_whole_number_of_steps_is_not_one_more(t_end, dt):
    exact = Fraction(t_end) / Fraction(dt)
    assert exact.denominator == 1
    n, h = _engine.step_grid(float(t_end), float(dt))
    assert n == exact.numerator
    assert h == pytest.approx(float(dt), rel=1e-12)


@pytest.mark.parametrize(("t_end", "dt"), WHOLE + [("36759.3413", "0.002"),
                                                    ("18400.9431", "0.001"), ("1.005", "0.01")])
def test_the_step_taken_gives_back_the_same_grid(t_end, dt):
    """run() and the sweeps pass on the step taken; step_grid of it is the same grid (it was
    one step more from 1.8e7 steps on: 36759.3413 ms at 0.002 ms)."""
    n = math.ceil(Fraction(t_end) / Fraction(dt))
    assert _engine.step_grid(float(t_end), float(dt))[0] == n
    h = float(t_end) / n
    assert _engine.step_grid(float(t_end), h) == (n, h)


def test_record_times_are_those_of_the_steps_taken():
    """36759.3413 ms at 0.002 ms: 18379671 steps (the quotient is 18379670.65); run() computed
    its record grid for 18379672 (step_grid of the step already taken), so the samples, taken
    every 500000 steps, were labelled 999.9999265 ms apart instead of 999.9999810 (one step
    early by the end)."""
    t_end, dt = Fraction("36759.3413"), Fraction("0.002")
    n = math.ceil(t_end / dt)
    m = get_model("hh1952")
    raw = _engine.run(m, m.default_parameters()[:, None], m.state_vector(None)[:, None],
                      t_end=float(t_end), dt=float(dt), method="rl1", record=("V",),
                      record_every=1000.0)
    assert raw.n_steps == n
    k = round(Fraction(1000) / (t_end / n))
    expected = [float(j * k * t_end / n) for j in range(n // k + 1)]
    np.testing.assert_allclose(raw.times, expected, rtol=1e-13, atol=0)
    assert np.isfinite(raw.rec).all()
