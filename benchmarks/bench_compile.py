"""Compile cost, measured in fresh processes: a cold compile of every built-in model's default
driver (empty cache directory) and a warm start (cached kernels, new process) to the first
result. Reports wall and CPU seconds; the import of biophys is reported separately, and so is
the extra time of the first labelled result (the first xarray Dataset imports xarray, pandas
and, because dask is installed, dask.array)."""

import json
import os
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


def _probe(models, method, cache_dir):
    env = dict(os.environ, BIOPHYS_CACHE_DIR=str(cache_dir))
    # Python's own bytecode cache as in a normal installation (pip writes the .pyc files; an
    # editable install writes them on first import): PYTHONDONTWRITEBYTECODE, if set (as in
    # some sandboxes), would recompile every edited module from source in every new process
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    out = subprocess.run([sys.executable, "-c", PROBE, ",".join(models), method], env=env,
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


@pytest.mark.parametrize("method", ["rl2", "adaptive"])
def test_cold_compile_all_models(benchmark, full, method):
    if not full:
        pytest.skip("smoke mode: a cold compile takes minutes")
    models = bp.list_models()
    results = []

    def cold():
        with tempfile.TemporaryDirectory() as d:
            results.append(_probe(models, method, d))

    benchmark.group = "compile"
    run(benchmark, cold, full=full, rounds=1)
    r = results[-1]
    benchmark.extra_info.update(
        method=method, models=models, import_wall_s=r["import"][0],
        compile_wall_s={k: v[0] for k, v in r["models"].items()},
        compile_cpu_s={k: v[1] for k, v in r["models"].items()},
        total_compile_wall_s=sum(v[0] for v in r["models"].values()),
        total_compile_cpu_s=sum(v[1] for v in r["models"].values()))


def test_warm_start_to_first_result(benchmark, full):
    """New process, cache already filled: import + load + first (tiny) result."""
    from biophys import _cache

    models = bp.list_models() if full else ["hh1952"]
    where = os.environ.get("BIOPHYS_CACHE_DIR") or str(_cache.cache_root())
    if full:
        _probe(models, "rl2", where)  # make sure it is warm
    results = []
    benchmark.group = "compile"
    run(benchmark, lambda: results.append(_probe(models, "rl2", where)), full=full,
        rounds=5 if full else 1)
    # the round with the median time to the first result (this VM's start-up times vary by
    # +-30 % from run to run)
    r = sorted(results, key=lambda x: x["first"][0])[len(results) // 2]
    benchmark.extra_info.update(
        models=models, rounds=len(results), import_wall_s=r["import"][0],
        import_cpu_s=r["import"][1],
        first_result_wall_s={k: v[0] for k, v in r["models"].items()},
        # new process to the first model's raw result (arrays), then its first Dataset
        to_first_result_wall_s=r["first"][0], to_first_result_cpu_s=r["first"][1],
        to_first_result_wall_s_all=[x["first"][0] for x in results],
        first_dataset_extra_wall_s=r["dataset"][0], total_wall_s=r["total"][0])


def test_cold_precompile_two_processes(benchmark, full):
    """``biophys compile --processes 2``: every model's default driver compiled by two worker
    processes into an empty cache (what a user runs once after installing); wall time."""
    if not full:
        pytest.skip("smoke mode: a cold compile takes minutes")
    import time

    walls = []

    def cold():
        with tempfile.TemporaryDirectory() as d:
            env = dict(os.environ, BIOPHYS_CACHE_DIR=d)
            t = time.perf_counter()
            subprocess.run([sys.executable, "-m", "biophys.cli", "compile", "--processes", "2"],
                           env=env, check=True, capture_output=True)
            walls.append(time.perf_counter() - t)

    benchmark.group = "compile"
    run(benchmark, cold, full=full, rounds=1)
    benchmark.extra_info.update(method="rl2", processes=2, models=bp.list_models(),
                                total_wall_s=walls[-1])
