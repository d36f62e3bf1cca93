"""Compile cost, measured in fresh processes: a cold compile of every built-in model's default
driver (empty cache directory) and a warm start (cached kernels, new process) to the first
result. Reports wall and CPU seconds; the import of biophys is reported separately, and so is
the extra time of the first labelled result (the first xarray Dataset imports xarray and
pandas; biophys builds it, and its indexes, without the steps in which xarray would import
dask and dask.array: see biophys/_labelled.py).

Cold compile times are also reported as ratios to a same-session yardstick (a new process
compiling the straightforward Numba W1 loop of ``w1.py`` into an empty cache, measured before
and after each cold compile), so that sessions run in hours of different machine speed can be
compared. The warm start is also reported as a ratio to two floors measured in the same rounds (the
rounds are interleaved, so both see the same machine load): Numba's own (a new process that
imports Numba and calls one trivial ``cache=True`` function from its disk cache: Numba's import
and its first-use set-up, which imports scipy.linalg) and xarray's (a new process that imports
xarray and builds a one-variable Dataset without coordinates: the import of xarray and
pandas). No library built on Numba and xarray can start faster than these floors; the ratios
say what biophys adds to them."""

import json
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap

import pytest
from conftest import run

import biophys as bp

PROBE = textwrap.dedent("""
    import json, sys, time
    w0, c0 = time.perf_counter(), time.process_time()
    import biophys as bp
    from biophys import _engine
    w1, c1 = time.perf_counter(), time.process_time()
    per_model = {}
    for name in sys.argv[1].split(","):
        m = bp.model(name)
        w, c = time.perf_counter(), time.process_time()
        _engine.run(m, m.default_parameters()[:, None], m.default_states()[:, None],
                    t_end=2 * m.dt, dt=m.dt, method=sys.argv[2])
        per_model[name] = [time.perf_counter() - w, time.process_time() - c]
        if len(per_model) == 1:
            first = [time.perf_counter() - w0, time.process_time() - c0]
    w, c = time.perf_counter(), time.process_time()
    bp.simulate(sys.argv[1].split(",")[0], 1.0)  # the first labelled result (xarray Dataset)
    dataset = [time.perf_counter() - w, time.process_time() - c]
    print(json.dumps({"import": [w1 - w0, c1 - c0], "models": per_model, "first": first,
                      "dataset": dataset,
                      "total": [time.perf_counter() - w0, time.process_time() - c0]}))
""")


#: Numba's floor: a new process imports Numba and calls one trivial cached function (the file
#: is written to a directory of its own, so Numba can cache it there).
NUMBA_FLOOR = textwrap.dedent("""
    import json, time
    w0 = time.perf_counter()
    import numba

    @numba.njit(cache=True)
    def one_more(x):
        return x + 1.0

    one_more(1.0)
    print(json.dumps({"first": time.perf_counter() - w0}))
""")

#: xarray's floor: a new process that has NumPy imports xarray and builds a one-variable
#: Dataset (no coordinate, so no index, and no conversion step: nothing that would import
#: dask), i.e. the import of xarray and pandas (in the warm-start probe NumPy is already
#: imported when the first Dataset is built).
XARRAY_FLOOR = textwrap.dedent("""
    import json, time
    import numpy as np
    w0 = time.perf_counter()
    import xarray as xr

    xr.Dataset({"V": xr.Variable("time", np.zeros(3), fastpath=True)})
    print(json.dumps({"first": time.perf_counter() - w0}))
""")


#: A same-session yardstick for compile times: a new process (Numba's first-use set-up done
#: before the timing) compiles the straightforward Numba W1 loop (``w1._loop_counts``, with its
#: helpers) into an empty cache. Compile times follow this VM's speed, which drifts by 2x from
#: hour to hour; their ratio to this one does not need the same hour to be compared.
NUMBA_COMPILE_YARDSTICK = textwrap.dedent("""
    import json, sys, time
    sys.path.insert(0, sys.argv[1])
    import numba

    @numba.njit
    def _first_use(x):
        return x + 1.0

    _first_use(1.0)
    import w1
    w0, c0 = time.perf_counter(), time.process_time()
    w1.numba_loop_counts(w1.currents(8), t_end=0.1)
    wall, cpu = time.perf_counter() - w0, time.process_time() - c0
    st = w1._loop_counts.stats
    print(json.dumps({"compile": [wall, cpu], "misses": sum(st.cache_misses.values()),
                      "hits": sum(st.cache_hits.values())}))
""")


def _yardstick(check: bool = False) -> list[float]:
    """Wall and CPU seconds of the yardstick compile (see NUMBA_COMPILE_YARDSTICK); with
    ``check``, also assert that it compiled (a cache miss), not loaded."""
    with tempfile.TemporaryDirectory() as d:
        out = _last_json(["-c", NUMBA_COMPILE_YARDSTICK, os.path.dirname(__file__)],
                         _env(NUMBA_CACHE_DIR=d))
    if check:
        assert out["misses"] >= 1 and out["hits"] == 0, out
    return out["compile"]


def _env(**extra):
    env = dict(os.environ, **extra)
    # Python's own bytecode cache as in a normal installation (pip writes the .pyc files; an
    # editable install writes them on first import): PYTHONDONTWRITEBYTECODE, if set (as in
    # some sandboxes), would recompile every edited module from source in every new process
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def _last_json(argv, env):
    out = subprocess.run([sys.executable, *argv], env=env, check=True, capture_output=True,
                         text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def _probe(models, method, cache_dir):
    return _last_json(["-c", PROBE, ",".join(models), method],
                      _env(BIOPHYS_CACHE_DIR=str(cache_dir)))


@pytest.mark.parametrize("method", ["rl2", "adaptive"])
def test_cold_compile_all_models(benchmark, full, method):
    if not full:
        pytest.skip("smoke mode: a cold compile takes minutes")
    models = bp.list_models()
    results, yard = [], []

    def cold():
        yard.append(_yardstick())
        with tempfile.TemporaryDirectory() as d:
            results.append(_probe(models, method, d))
        yard.append(_yardstick())

    benchmark.group = "compile"
    run(benchmark, cold, full=full, rounds=1)
    r = results[-1]
    total = sum(v[0] for v in r["models"].values())
    yard_wall = statistics.mean(y[0] for y in yard)  # before and after the models
    benchmark.extra_info.update(
        method=method, models=models, import_wall_s=r["import"][0],
        compile_wall_s={k: v[0] for k, v in r["models"].items()},
        compile_cpu_s={k: v[1] for k, v in r["models"].items()},
        total_compile_wall_s=total,
        total_compile_cpu_s=sum(v[1] for v in r["models"].values()),
        yardstick_compile_wall_s=yard_wall, yardstick_compile_wall_s_all=[y[0] for y in yard],
        total_compile_over_yardstick=total / yard_wall)


def test_warm_start_to_first_result(benchmark, full, tmp_path):
    """New process, cache already filled: import + load + first (tiny) result; and the Numba and
    xarray floors, measured in the same (interleaved) rounds."""
    from biophys import _cache

    models = bp.list_models() if full else ["hh1952"]
    where = os.environ.get("BIOPHYS_CACHE_DIR") or str(_cache.cache_root())
    floor_py = tmp_path / "numba_floor.py"
    floor_py.write_text(NUMBA_FLOOR)
    floor_env = _env(NUMBA_CACHE_DIR=str(tmp_path / "numba_cache"))
    xr_py = tmp_path / "xarray_floor.py"
    xr_py.write_text(XARRAY_FLOOR)
    _probe(models, "rl2", where)  # make sure both caches are warm
    _last_json([str(floor_py)], floor_env)
    results, numba_floor, xarray_floor = [], [], []

    def one_round():
        results.append(_probe(models, "rl2", where))
        numba_floor.append(_last_json([str(floor_py)], floor_env)["first"])
        xarray_floor.append(_last_json([str(xr_py)], _env())["first"])

    benchmark.group = "compile"
    run(benchmark, one_round, full=full, rounds=5 if full else 1)
    # medians over the rounds (this VM's start-up times vary by +-30 % from run to run)
    def med(key, i=0):
        return statistics.median(x[key][i] for x in results)

    first, dataset = med("first"), med("dataset")
    benchmark.extra_info.update(
        models=models, rounds=len(results), import_wall_s=med("import"),
        import_cpu_s=med("import", 1),
        first_result_wall_s={k: statistics.median(x["models"][k][0] for x in results)
                             for k in results[0]["models"]},
        # new process to the first model's raw result (arrays), then its first Dataset
        to_first_result_wall_s=first, to_first_result_cpu_s=med("first", 1),
        to_first_result_wall_s_all=[x["first"][0] for x in results],
        first_dataset_extra_wall_s=dataset, total_wall_s=med("total"),
        numba_floor_wall_s=statistics.median(numba_floor), numba_floor_wall_s_all=numba_floor,
        xarray_floor_wall_s=statistics.median(xarray_floor), xarray_floor_wall_s_all=xarray_floor,
        # what biophys adds: first raw result / Numba's floor; first Dataset / xarray's floor
        first_result_over_numba_floor=first / statistics.median(numba_floor),
        first_dataset_extra_over_xarray_floor=dataset / statistics.median(xarray_floor))


def test_cold_precompile_two_processes(benchmark, full):
    """``biophys compile --processes 2``: every model's default driver compiled by two worker
    processes into an empty cache (what a user runs once after installing); wall time."""
    if not full:
        pytest.skip("smoke mode: a cold compile takes minutes")
    import time

    walls, yard = [], []

    def cold():
        yard.append(_yardstick()[0])
        with tempfile.TemporaryDirectory() as d:
            env = dict(os.environ, BIOPHYS_CACHE_DIR=d)
            t = time.perf_counter()
            subprocess.run([sys.executable, "-m", "biophys.cli", "compile", "--processes", "2"],
                           env=env, check=True, capture_output=True)
            walls.append(time.perf_counter() - t)
        yard.append(_yardstick()[0])

    benchmark.group = "compile"
    run(benchmark, cold, full=full, rounds=1)
    benchmark.extra_info.update(method="rl2", processes=2, models=bp.list_models(),
                                total_wall_s=walls[-1],
                                yardstick_compile_wall_s=statistics.mean(yard),
                                yardstick_compile_wall_s_all=yard,
                                total_over_yardstick=walls[-1] / statistics.mean(yard))


def test_compile_yardstick(full):
    """The yardstick runs (in smoke mode too) and compiles its loop rather than loading it
    from a cache (Numba's dispatcher counts a cache miss and no hit)."""
    if full:
        pytest.skip("measured inside the cold-compile benchmarks")
    wall, cpu = _yardstick(check=True)
    assert wall > 0.0 and cpu > 0.0
