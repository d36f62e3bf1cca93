"""The Dask backend on a local cluster of two worker processes (loopback): same numbers as the
threads backend bit for bit, computed on the workers (this process integrates nothing but the
driver's one-step warm-up), workers warmed from the cache, a killed worker's chunks redone."""

import os
import signal

import numpy as np
import pytest

from biophys._dask import NO_DASHBOARD
from biophys.sweep import sweep

distributed = pytest.importorskip("distributed")

GRID = {"I_app": np.linspace(0.0, 20.0, 15), "temperature": [6.3, 10.0, 18.5]}  # 45 points
KW = dict(grid=GRID, t_end=25.0, warmup=5.0, progress=False,
          metrics=["mean_V", "min_V", "spike_rate", "mean_I_K"])


def _same(a, b):
    for v in (*KW["metrics"], "status"):
        np.testing.assert_array_equal(a[v].values, b[v].values)


@pytest.fixture(scope="module")
def threads_result():
    return sweep("hh1952", **KW)


@pytest.fixture
def client_runs(monkeypatch):
    """The integrations this (the client's) process runs, as (method, number of points) for
    each call of ``biophys._engine.run`` (which every chunk and every retry goes through) longer
    than one step (the client's warm-up of the driver is one step). Dask workers are other
    processes: the patch does not reach them (a forked worker would record into its own copy),
    so with ``backend="dask"`` the list must stay empty."""
    from biophys import _engine

    real, calls = _engine.run, []

    def run(model, P, Y0, **kw):
        if kw["t_end"] > kw["dt"]:
            calls.append((kw.get("method"), np.shape(P)[1]))
        return real(model, P, Y0, **kw)

    monkeypatch.setattr(_engine, "run", run)
    return calls


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  host="127.0.0.1", **NO_DASHBOARD) as c:
        yield c


def test_dask_local_cluster_started_for_the_call_matches_threads(threads_result, tmp_path,
                                                                 client_runs):
    res = sweep("hh1952", backend="dask", n_workers=2, chunk_size=8,
                checkpoint=tmp_path / "ck", **KW)
    assert client_runs == [], "chunks were integrated in the client, not on the workers"
    _same(res, threads_result)
    assert res.attrs["backend"] == "dask"
    assert len(list((tmp_path / "ck").glob("chunk_*.npz"))) == 6  # 45 points / 8


def test_dask_per_point_initial_states_match_threads(threads_result, client_runs):
    """Per-point initial states travel with each chunk's values to the workers."""
    first = sweep("hh1952", final_state=True, **KW)
    ref = sweep("hh1952", initial=first, **KW)
    # the premise: the initial states change the numbers (a worker ignoring them would differ)
    assert not np.array_equal(ref["mean_V"].values, threads_result["mean_V"].values)
    client_runs.clear()
    res = sweep("hh1952", backend="dask", n_workers=2, chunk_size=16, initial=first, **KW)
    assert client_runs == [], "chunks were integrated in the client, not on the workers"
    _same(res, ref)
    np.testing.assert_array_equal(res["warm_start"].values, ref["warm_start"].values)


@pytest.mark.slow
def test_dask_address_and_killed_worker(threads_result, cluster):
    """Kill -9 one worker process after the first chunk arrives: the scheduler reruns its work on
    the other (or restarted) worker and the result is unchanged."""
    with distributed.Client(cluster.scheduler_address) as client:
        pids = client.run(os.getpid)
        assert len(pids) == 2
        killed = []

        def kill_one(k, n_done, n_chunks):
            if not killed:
                pid = next(iter(pids.values()))
                os.kill(pid, signal.SIGKILL)
                killed.append(pid)

        res = sweep("hh1952", backend="dask", client=client, chunk_size=4, callback=kill_one,
                    **{**KW, "t_end": 60.0})
        assert killed
    ref = sweep("hh1952", **{**KW, "t_end": 60.0})
    _same(res, ref)
    res2 = sweep("hh1952", backend="dask", address=cluster.scheduler_address, chunk_size=16, **KW)
    _same(res2, threads_result)


def test_dask_workers_load_the_drivers_from_the_disk_cache(threads_result, cluster):
    """New worker processes run a sweep with the driver this process compiled (or loaded):
    each loads it from the disk cache (a Numba cache hit) and compiles nothing (no miss)."""

    def driver_cache_stats():
        # the driver's entry points as the worker's sweep left them (none loaded here: that
        # would count as a hit too): for each one loaded, its cache hits and misses
        from biophys import _compile
        from biophys.models import get_model

        driver = _compile.load_driver(get_model("hh1952"))
        stats = {}
        for name in dir(driver):
            fn = getattr(driver, name)
            if hasattr(fn, "stats") and getattr(fn, "overloads", None):
                st = fn.stats
                stats[name] = (len(fn.overloads), sum(st.cache_hits.values()),
                               sum(st.cache_misses.values()))
        return stats

    with distributed.Client(cluster.scheduler_address) as client:
        client.restart()  # fresh processes (a worker of another test has loaded the driver)
        res = sweep("hh1952", backend="dask", client=client, chunk_size=8, **KW)
        stats = client.run(driver_cache_stats)
    _same(res, threads_result)
    assert len(stats) == 2
    for worker, loaded in stats.items():
        # the fixed-step integrator with algebraic outputs (KW's mean_I_K), one signature,
        # loaded; and nothing of the driver compiled
        assert loaded.get("run_exponential_aux") == (1, 1, 0), (worker, loaded)
        assert all(misses == 0 and hits == n for n, hits, misses in loaded.values()), loaded


def test_dask_refuses_unregistered_model():
    import dataclasses

    from biophys.models import get_model

    fake = dataclasses.replace(get_model("hh1952"), name="not_registered")
    with pytest.raises(ValueError, match="built-in model"):
        sweep(fake, backend="dask", **KW)


def test_dask_workers_retry_the_failed_points_of_their_chunks(client_runs):
    """The retry travels with the chunk (SweepSpec.retry) and runs on the worker: same numbers
    and marks as the threads backend, and no retry (no integration at all) in the client."""
    import warnings

    kw = dict(grid={"I_app": np.linspace(0.0, 200.0, 16)}, t_end=300.0, dt=1.0,
              method="rl2ab", metrics=["mean_V"], progress=False, chunk_size=4,
              retry={"method": "rl2"})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the coarse-step warning
        ref = sweep("hh1952", **kw)
        # the probe sees a retry run in this process: the threads backend's, point for point
        n_retried = int(ref["retried"].sum())
        assert 0 < n_retried < 16
        assert sum(n for meth, n in client_runs if meth == "rl2") == n_retried
        client_runs.clear()
        res = sweep("hh1952", backend="dask", n_workers=2, **kw)
    assert client_runs == [], "the retry (or a chunk) ran in the client, not on the workers"
    for v in ("mean_V", "status", "retried"):
        np.testing.assert_array_equal(res[v].values, ref[v].values)
    assert res.attrs["recovered_points"] == ref.attrs["recovered_points"] > 0


def test_dask_refuses_workers_running_other_kernels(monkeypatch, tmp_path):
    """This process's kernel hash is read once, at import; workers read the sources on disk
    when they start. Kernels edited in between would have run on the workers and been recorded
    (and checkpointed, mixing with older chunks on resume) under the old hash: the sweep now
    stops instead. Simulated by giving this process another hash."""
    from biophys import _cache

    real, py = _cache.kernels_source_hash(), _cache.package_source_hash()
    monkeypatch.setattr(_cache, "_SOURCE_HASH", "0" * 16)
    with pytest.raises(RuntimeError, match=rf"runs kernel/Python sources {real}/{py}, the "
                                           rf"client {'0' * 16}/{py} .*restart"):
        sweep("hh1952", backend="dask", n_workers=1, checkpoint=tmp_path / "ck", **KW)
    assert not list((tmp_path / "ck").glob("chunk_*.npz"))  # nothing computed or stored


def test_dask_refuses_workers_running_other_python_sources(monkeypatch, tmp_path):
    """The package's Python sources shape the numbers too (metrics, engine): a worker running
    other ones is refused like one running other kernels (simulated by giving this process
    another package hash)."""
    from biophys import _cache

    real, py = _cache.kernels_source_hash(), _cache.package_source_hash()
    monkeypatch.setattr(_cache, "_PACKAGE_HASH", "1" * 16)
    with pytest.raises(RuntimeError, match=rf"runs kernel/Python sources {real}/{py}, the "
                                           rf"client {real}/{'1' * 16} .*restart"):
        sweep("hh1952", backend="dask", n_workers=1, checkpoint=tmp_path / "ck", **KW)
    assert not list((tmp_path / "ck").glob("chunk_*.npz"))


def test_dask_checks_the_kernels_of_every_chunk(monkeypatch, tmp_path):
    """A worker that joins the cluster, or that its nanny restarts after it died, once the
    setup has run imports the sources on disk as they are then, and the setup's check never
    sees it: each chunk carries the client's hash and its worker refuses to run it under
    another. Simulated by switching off the setup's check and giving this process another
    hash: the chunks themselves must refuse."""
    from biophys import _cache, _dask

    real, py = _cache.kernels_source_hash(), _cache.package_source_hash()
    monkeypatch.setattr(_dask, "_check_worker_kernels", lambda addr, worker_hash: None)
    monkeypatch.setattr(_cache, "_SOURCE_HASH", "f" * 16)
    with pytest.raises(RuntimeError, match=rf"worker tcp://\S+ runs kernel/Python sources "
                                           rf"{real}/{py}, the client {'f' * 16}/{py} .*restart"):
        sweep("hh1952", backend="dask", n_workers=1, checkpoint=tmp_path / "ck", **KW)
    assert not list((tmp_path / "ck").glob("chunk_*.npz"))


def test_numba_threads_divide_the_cpus_each_worker_may_use():
    """Workers sharing a set of CPUs divide it among their Dask threads; workers of another
    job on the same node (a disjoint cpuset) are counted apart; os.cpu_count() (the whole
    node) is not used: 2 jobs of 4 CPUs on a 64-core node, 2 workers each -> 2 threads each,
    not min(64 // 4, 4) = 4 (Numba's own cap is the affinity), 8 threads on 4 CPUs."""
    from biophys._dask import threads_for

    job_a, job_b = tuple(range(0, 4)), tuple(range(4, 8))
    workers = {"a1": {"host": "n1", "nthreads": 1}, "a2": {"host": "n1", "nthreads": 1},
               "b1": {"host": "n1", "nthreads": 1}, "b2": {"host": "n1", "nthreads": 1},
               "c": {"host": "n2", "nthreads": 3}, "d": {"host": "n3", "nthreads": 1},
               "e": {"host": "n4", "nthreads": 8}}
    cpus = {"a1": job_a, "a2": job_a, "b1": job_b, "b2": job_b, "c": tuple(range(8)),
            "e": (0, 1)}
    assert threads_for(workers, cpus) == {"a1": 2, "a2": 2, "b1": 2, "b2": 2,
                                          "c": 2,  # 8 CPUs // 3 threads
                                          "d": 1,  # no CPU set reported
                                          "e": 1}  # more Dask threads than CPUs
    # a LocalCluster on one machine: its workers share its CPUs; 8 CPUs, 2 workers of 2 Dask
    # threads: each of the 4 chunks running at a time gets 2 Numba threads
    local = {f"w{i}": {"host": "127.0.0.1", "nthreads": 2} for i in range(2)}
    assert threads_for(local, {w: tuple(range(8)) for w in local}) == {"w0": 2, "w1": 2}


def test_warm_loads_the_retry_integrator_too(monkeypatch):
    """The client and each worker (one at a time) load the drivers before any chunk runs, so
    that no two processes write the kernel cache at once. A retry with another integrator
    (``rosenbrock`` after a fixed step) was left out: each worker compiled it at its first
    failed point (found in review, helper 65)."""
    import dataclasses

    from biophys import _chunk, _engine, _retry
    from biophys.models import get_model

    m = get_model("hh1952")
    spec = _chunk.SweepSpec("hh1952", m.default_parameters(), m.default_states(), (), 10.0,
                            0.01, 0.0, ("mean_V",), "rl2")
    spec = dataclasses.replace(spec, retry=_retry.retry_spec(m, spec,
                                                             {"method": "rosenbrock"})[0])
    real, methods = _engine.run, []

    def recording(*args, **kw):
        methods.append((kw.get("method"), kw.get("t_end")))
        return real(*args, **kw)

    monkeypatch.setattr(_engine, "run", recording)
    _chunk.warm(spec)
    assert methods == [("rl2", 0.01), ("rosenbrock", 0.01)]


@pytest.mark.parametrize("kw, match", [
    ({"address": "tcp://127.0.0.1:1"}, r"address given with backend = 'threads'"),
    ({"client": object()}, r"client given with backend = 'threads'"),
    ({"backend": "dask", "client": object(), "address": "tcp://127.0.0.1:1"},
     r"client, address given together"),
    ({"backend": "dask", "address": "tcp://127.0.0.1:1", "n_workers": 3},
     r"address, n_workers given together"),
    # not a Client: an AttributeError once the kernel had compiled
    ({"backend": "dask", "client": "tcp://127.0.0.1:1"},
     r"client = 'tcp://127.0.0.1:1' must be a dask.distributed.Client \(or give address="),
])
def test_cluster_options_that_would_be_ignored_are_refused(kw, match):
    """An address or client without the dask backend ran the sweep here, silently, and the
    results said backend 'threads'; with the dask backend a client won over an address and a
    worker count without a word (found in review, helper 89). Refused before any point runs."""
    with pytest.raises(ValueError, match=match):
        sweep("hh1952", **KW, **kw)


def test_cli_cluster_options_name_their_source(tmp_path, capsys):
    """The command line's check names the option or the file's [dask] key at fault."""
    from biophys.cli import main

    base = ('model = "hh1952"\nt_end = 10.0\nmetrics = ["mean_V"]\n'
            '[grid]\nI_app = [0.0, 10.0]\n')
    cfg = tmp_path / "c.toml"
    cases = [
        (base, ["--address", "tcp://127.0.0.1:1"], "--address needs the dask backend"),
        (base + '[dask]\nn_workers = 2\n', [], f"[dask] n_workers in {cfg} needs the dask"),
        (base + '[dask]\naddress = "tcp://127.0.0.1:1"\n', ["--backend", "dask",
         "--n-workers", "2"], f"[dask] address in {cfg} and --n-workers: a worker count"),
    ]
    for text, options, message in cases:
        cfg.write_text(text)
        assert main(["sweep", str(cfg), "--no-progress", *options]) == 2
        err = capsys.readouterr().err
        assert message in err and err.count("\n") == 1, err


def test_local_cluster_leaves_the_dashboard_port_alone(threads_result):
    """The cluster a sweep starts serves no dashboard and takes no fixed port: with
    ``dashboard_address=None`` alone its scheduler still bound port 8787, and a sweep running
    beside another cluster (or a second sweep) warned that the port was in use."""
    import socket
    import warnings

    holder = socket.socket()
    try:
        holder.bind(("127.0.0.1", 8787))
        holder.listen()
    except OSError:  # already taken by something else: the premise holds anyway
        pass
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            res = sweep("hh1952", backend="dask", n_workers=1, **KW)
    finally:
        holder.close()
    _same(res, threads_result)
    port_warnings = [str(w.message) for w in caught if "8787" in str(w.message)]
    assert not port_warnings, port_warnings
