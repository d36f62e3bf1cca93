"""``hysteresis(checkpoint=)``: every finished step kept on disk, an interrupted continuation
resumed where it stopped, other settings refused.

Each step is a sweep checkpointed in its own subdirectory (``up_0000`` ...); a resumed step is
read back, and since its final state is bit-identical to the first time, the steps after it
start from the same states. The runs a call integrates are counted by wrapping
``biophys._engine.run`` (every sweep's chunks go through it; a step read from its checkpoint
integrates nothing)."""

from __future__ import annotations

import numpy as np
import pytest

import biophys as bp
from biophys import continuation

STEPS = [0.0, 8.0, 12.0]  # uA/cm^2
KW = dict(t_end=60.0, warmup=20.0, metrics=["regime", "spike_rate", "mean_V"], progress=False)


@pytest.fixture
def runs(monkeypatch):
    """The integrations of the calls made while it is active (one-step warm-ups excluded)."""
    from biophys import _engine

    real, calls = _engine.run, []

    def run(model, P, Y0, **kw):
        if kw["t_end"] > kw["dt"]:
            calls.append(np.shape(P)[1])
        return real(model, P, Y0, **kw)

    monkeypatch.setattr(_engine, "run", run)
    return calls


@pytest.fixture(scope="module")
def plain():
    return bp.hysteresis("hh1952", "I_app", STEPS, **KW)


def _same(a, b):
    for v in ("regime", "spike_rate", "mean_V", "status", "warm_start"):
        np.testing.assert_array_equal(a[v].values, b[v].values)


def test_checkpointed_steps_give_the_same_result(plain, tmp_path):
    ck = tmp_path / "hyst"
    ds = bp.hysteresis("hh1952", "I_app", STEPS, checkpoint=ck, **KW)
    _same(ds, plain)
    assert sorted(p.name for p in ck.iterdir()) == [
        "down_0000", "down_0001", "down_0002", "up_0000", "up_0001", "up_0002"]
    assert all((ck / d / "manifest.json").is_file() for d in ("up_0000", "down_0002"))
    assert ds.attrs["checkpoint"] == str(ck)
    assert plain.attrs["checkpoint"] == "none"
    assert ds["warm_start"].values.tolist() == [[False, True, True], [True, True, True]]


def test_an_interrupted_hysteresis_resumes_where_it_stopped(plain, tmp_path, monkeypatch, runs):
    """Stopped after its fourth step (up 0, 8, 12, down 12): the second call integrates only
    the two steps left (down 8, down 0) and gives the uninterrupted result bit for bit."""
    ck = tmp_path / "hyst"
    real, done = continuation.sweep, []

    def stopping(*args, **kw):
        if kw.get("dry_run"):
            return real(*args, **kw)
        if len(done) == 4:
            raise KeyboardInterrupt
        done.append(kw["checkpoint"].name)
        return real(*args, **kw)

    monkeypatch.setattr(continuation, "sweep", stopping)
    with pytest.raises(KeyboardInterrupt):
        bp.hysteresis("hh1952", "I_app", STEPS, checkpoint=ck, **KW)
    assert done == ["up_0000", "up_0001", "up_0002", "down_0002"]
    assert len(runs) == 4
    monkeypatch.setattr(continuation, "sweep", real)
    runs.clear()
    ds = bp.hysteresis("hh1952", "I_app", STEPS, checkpoint=ck, **KW)
    assert runs == [1, 1]  # down at 8 and at 0 uA/cm^2, one point each
    _same(ds, plain)
    runs.clear()
    again = bp.hysteresis("hh1952", "I_app", STEPS, checkpoint=ck, **KW)
    assert runs == []  # every step read back
    _same(again, plain)


def test_other_settings_are_refused(tmp_path):
    ck = tmp_path / "hyst"
    bp.hysteresis("hh1952", "I_app", STEPS, checkpoint=ck, **KW)
    with pytest.raises(ValueError, match=r"checkpoint '.*up_0000' was written for different "
                                         r"settings \(differing: t_end\)"):
        bp.hysteresis("hh1952", "I_app", STEPS, checkpoint=ck, **{**KW, "t_end": 70.0})


@pytest.mark.parametrize("bad", ["", 5, ["dir"]])
def test_a_checkpoint_that_is_not_a_path_is_refused(bad):
    with pytest.raises(ValueError, match=r"checkpoint = .* must be a path \(str or "
                                         r"os.PathLike\) to a directory that keeps the "
                                         r"finished steps"):
        bp.hysteresis("hh1952", "I_app", STEPS, checkpoint=bad, **KW)
