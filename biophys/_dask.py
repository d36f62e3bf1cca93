"""The Dask backend of :func:`biophys.sweep`: chunks of points on a ``dask.distributed`` cluster.

What travels: the model *name*, the parameter vector shared by all points, the varied parameter
values of a chunk (and its per-point initial states, if any), and the settings; what comes back:
the metric arrays and status of the chunk. Workers import the model and load its compiled driver
from the Numba disk cache, which the client process warms first; each worker is then warmed one
after the other, so no two processes ever write the cache at the same time. Each worker runs its
chunk with a fixed number of Numba threads (the CPUs it may run on, its affinity, divided by
the Dask threads that share them), so workers do not oversubscribe the cores. The scheduler
recomputes the chunks of a worker that dies. Every chunk carries the client's kernel-source
and Python-source hashes, and its worker refuses to run it under others (a worker that joined,
or was restarted, after the setup).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable

import numba

#: Numba threads to use in this worker process (set by :func:`_worker_setup`).
_WORKER_THREADS: int | None = None


def _set_threads(n: int | None) -> None:
    n = int(n or 1)
    numba.set_num_threads(max(1, min(n, numba.config.NUMBA_NUM_THREADS)))


def _code_hash() -> str:
    """The hashes of the kernel sources and of the package's Python sources this process runs
    (:func:`biophys._cache.kernels_source_hash`, :func:`biophys._cache.package_source_hash`),
    joined: both shape a chunk's numbers."""
    from ._cache import kernels_source_hash, package_source_hash

    return f"{kernels_source_hash()}/{package_source_hash()}"


def _worker_setup(spec, n_threads: int) -> str:
    """Run on each worker, serially: remember the thread count and load the driver. Returns
    the hashes of the kernel and Python sources the worker runs (:func:`_code_hash`)."""
    global _WORKER_THREADS
    _WORKER_THREADS = int(n_threads)
    from ._chunk import warm

    _set_threads(_WORKER_THREADS)
    warm(spec)
    return _code_hash()


def _refuse_other_kernels(worker: str, worker_hash: str, client_hash: str) -> None:
    """A ``RuntimeError`` if ``worker`` runs other kernel sources than the client: its results
    would be recorded, and checkpointed, under the client's hash."""
    if worker_hash != client_hash:
        raise RuntimeError(
            f"dask worker {worker} runs kernel/Python sources {worker_hash}, the client "
            f"{client_hash} (biophys was edited since the client imported it or since the "
            "worker started, or the worker has another installation): restart the client's "
            "Python session (and the cluster) so that both run the same code")


def _check_worker_kernels(addr: str, worker_hash: str) -> None:
    """The setup's check of worker ``addr`` (:func:`_refuse_other_kernels`)."""

    _refuse_other_kernels(addr, worker_hash, _code_hash())


def _task(spec, values, kernels_hash: str):
    """One chunk on a worker: returns {metric: array, "status": array}.

    ``kernels_hash`` is the client's :func:`_code_hash`, checked here
    for every chunk: a worker that joined the cluster, or was restarted by its nanny after
    dying, after :func:`_worker_setup` ran imports the sources on disk as they are then, and
    is checked by nothing else.
    """
    from distributed import get_worker

    from ._chunk import compute_chunk

    _refuse_other_kernels(get_worker().address, _code_hash(), kernels_hash)
    _set_threads(_WORKER_THREADS)
    return compute_chunk(spec, values)


def _cpu_set() -> tuple[int, ...]:
    """The CPUs this process may run on: its affinity (the cpuset of a SLURM job or a
    container, which ``os.cpu_count`` ignores), else all of the machine's."""
    try:
        return tuple(sorted(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - no affinity on this platform (macOS, Windows)
        return tuple(range(os.cpu_count() or 1))


def threads_for(workers: dict[str, dict], cpus: dict[str, tuple[int, ...]]) -> dict[str, int]:
    """Numba threads for each worker: the CPUs it may run on divided by the Dask threads of
    the workers on its host that share those CPUs (at least 1).

    ``workers`` maps a worker's address to its scheduler info (``host``, ``nthreads``),
    ``cpus`` to the CPU ids it may run on (:func:`_cpu_set`; a worker missing there gets 1
    thread). Workers of two SLURM jobs placed on one node have disjoint cpusets and are
    counted apart; the workers of a ``LocalCluster`` share the machine's.
    """
    sharing: dict[tuple, int] = {}
    for addr, w in workers.items():
        key = (w["host"], tuple(cpus.get(addr) or ()))
        sharing[key] = sharing.get(key, 0) + int(w.get("nthreads", 1))
    out = {}
    for addr, w in workers.items():
        own = tuple(cpus.get(addr) or ())
        out[addr] = max(1, len(own) // sharing[(w["host"], own)])
    return out


def _threads_per_worker(client) -> dict[str, int]:
    """Numba threads for each worker of ``client``'s cluster (:func:`threads_for`)."""
    info = client.scheduler_info(n_workers=-1)["workers"] if _accepts_n_workers(client) \
        else client.scheduler_info()["workers"]
    return threads_for(info, client.run(_cpu_set))


def _accepts_n_workers(client) -> bool:
    import inspect

    try:
        return "n_workers" in inspect.signature(client.scheduler_info).parameters
    except (TypeError, ValueError):  # pragma: no cover
        return False


def check_cluster_options(backend: str, client, address, n_workers) -> None:
    """Refuse a cluster option that would be ignored: ``client``/``address`` without the dask
    backend, more than one way of choosing the cluster, and a ``client`` that is not a
    ``distributed.Client``."""
    given = [name for name, v in (("client", client), ("address", address)) if v is not None]
    if given and backend != "dask":
        raise ValueError(
            f"{' and '.join(given)} given with backend = {backend!r}: a Dask cluster is used "
            "only with backend='dask' (the threads backend runs in this process); give "
            "backend='dask' or leave them out")
    if backend == "dask" and n_workers is not None:
        given.append("n_workers")
    if len(given) > 1:
        raise ValueError(
            f"{', '.join(given)} given together: the dask backend uses client=, or else "
            "address= (a running scheduler), or else a local cluster of n_workers processes "
            "started for the call; give one of them")
    if client is not None:
        from distributed import Client

        if not isinstance(client, Client):  # else an AttributeError after compiling
            raise ValueError(f"client = {client!r} must be a dask.distributed.Client (or give "
                             "address='tcp://host:port' of a running scheduler)")


#: LocalCluster options for a cluster without a dashboard: ``dashboard_address=None`` alone
#: still starts the scheduler's HTTP server on port 8787 (a second sweep running at the same
#: time then warns that the port is in use); here it takes a free loopback port and serves no
#: dashboard.
NO_DASHBOARD = {"dashboard_address": None,
                "scheduler_kwargs": {"dashboard": False, "dashboard_address": "127.0.0.1:0"}}


def run(spec, chunks: Iterable[tuple[int, object]], on_result: Callable[[int, dict], None], *,
        client=None, address: str | None = None, n_workers: int | None = None) -> None:
    """Compute ``chunks`` (pairs ``(k, values)``) on a Dask cluster, calling ``on_result(k, out)``
    in this process as each finishes.

    Parameters
    ----------
    spec : biophys._chunk.SweepSpec
        Settings shared by all chunks (picklable: the model travels by name).
    client : distributed.Client, optional
        Use this client.
    address : str, optional
        Else connect to this scheduler.
    n_workers : int, optional
        Else start a ``LocalCluster`` on loopback with this many single-threaded worker
        processes (default 2) for the duration of the call.
    """
    from distributed import Client, LocalCluster, as_completed

    from ._chunk import warm

    owned = []
    try:
        if client is None:
            if address is not None:
                client = Client(address)
                owned.append(client)
            else:
                n = int(n_workers or 2)
                cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                                       host="127.0.0.1", silence_logs=logging.ERROR,
                                       **NO_DASHBOARD)
                owned.append(cluster)
                client = Client(cluster)
                owned.insert(0, client)
        warm(spec)  # compile (or load) in this process: workers then only read the cache
        threads = _threads_per_worker(client)
        for addr, nt in threads.items():  # one worker at a time
            got = client.run(_worker_setup, spec, nt, workers=[addr])
            _check_worker_kernels(addr, got[addr])
        futures = {}
        kernels_hash = _code_hash()
        for k, values in chunks:
            fut = client.submit(_task, spec, values, kernels_hash, pure=False, retries=2,
                                key=f"biophys-sweep-chunk-{k}-{os.urandom(4).hex()}")
            futures[fut] = k
        pending = set(futures)
        try:
            for fut in as_completed(futures):
                on_result(futures[fut], fut.result())
                pending.discard(fut)
                fut.release()  # stored here: the cluster need not keep (or redo) it
        finally:
            for fut in pending:
                fut.cancel()
    finally:
        for obj in owned:
            try:
                obj.close()
            except Exception:  # noqa: BLE001 - best effort on shutdown
                pass
