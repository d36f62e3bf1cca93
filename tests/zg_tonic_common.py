"""The tonic calibration's shared run, for its two test modules: tests/test_zg_cell_tonic.py
(the wild type; its docstring records how the calibration was fitted) and
tests/test_zg_cell_tonic_knockouts.py (the knockouts, the bursting search, the fixed step).
Not a test module."""

from __future__ import annotations

import functools

from zg_cell_data import CONDITIONS

from biophys import zg
from biophys.models import get_model
from biophys.models.zg_cell import TONIC_REST

MODEL = get_model("zg_cell")
#: the tonic calibration's parameter overrides, under every run of both modules
TONIC = zg.tonic_calibration()


@functools.cache
def tonic_runs():
    """One ensemble run of every condition of :data:`zg_cell_data.CONDITIONS` (30 s after a 12 s
    warm-up, from TONIC_REST): ``(index of each condition's key, the steady_state result)``.
    Computed once per session and shared by both modules; read it, never change it."""
    ss = zg.steady_state(list(CONDITIONS.values()), params=TONIC, initial=TONIC_REST,
                         t_end=30000.0, warmup=12000.0)
    return {k: j for j, k in enumerate(CONDITIONS)}, ss


def run_value(runs, field, key):
    """``field`` of the run of condition ``key`` (the tests' ``_get``), as a float."""
    idx, ss = runs
    return float(getattr(ss, field)[idx[key]])
