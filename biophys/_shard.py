"""Shards of a checkpointed sweep: several processes (a SLURM job array, separate machines
sharing a file system) each compute part of the chunks into one checkpoint directory, and a
final run of the same sweep assembles the result from it.

Shard ``i`` of ``n`` computes the chunks ``k`` with ``k % n == i``, round robin, so that costly
regions of a grid (bursting points, small steps) are spread over the shards. The chunk files
are written atomically and a shard skips the chunks already present, so shards can start
together, be rerun after pre-emption, or overlap, without mixing or losing results; the
checkpoint refuses a shard run with different settings.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping

#: Environment variables of a SLURM job array task (``sbatch --array``).
SLURM_VARS = ("SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_MIN", "SLURM_ARRAY_TASK_MAX",
              "SLURM_ARRAY_TASK_COUNT")

_FORM = "'i/n' with 0 <= i < n (e.g. '3/16'), a pair (i, n), or 'slurm'"


def parse_shard(shard, env: Mapping[str, str] | None = None) -> tuple[int, int] | None:
    """``(i, n)`` from ``shard``: None, ``"i/n"``, ``(i, n)`` or ``"slurm"`` (read from the
    job array's environment, see :func:`slurm_shard`)."""
    if shard is None:
        return None
    if isinstance(shard, str):
        if shard.strip().lower() == "slurm":
            return slurm_shard(os.environ if env is None else env)
        m = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", shard)
        if m is None:
            raise ValueError(f"shard = {shard!r} must be {_FORM}")
        i, n = int(m[1]), int(m[2])
    else:
        try:
            i, n = shard
        except (TypeError, ValueError):
            raise ValueError(f"shard = {shard!r} must be {_FORM}") from None
        if any(isinstance(x, bool) or not hasattr(x, "__index__") for x in (i, n)):
            raise ValueError(f"shard = {shard!r} must be {_FORM}")
        i, n = int(i), int(n)
    if n < 1 or not 0 <= i < n:
        raise ValueError(f"shard = {shard!r}: the shard index i must satisfy 0 <= i < n "
                         f"(got i = {i}, n = {n}); shard must be {_FORM}")
    return i, n


def slurm_shard(env: Mapping[str, str]) -> tuple[int, int]:
    """``(i, n)`` of the current task of a SLURM job array with consecutive indices.

    ``i`` counts from the array's lowest index (``--array=1-16`` gives shards 0..15 of 16).
    Arrays with a step or a list of indices (``--array=0-30:2``, ``--array=1,5,9``) are refused,
    since a task could not tell its position among the others; give ``--shard i/n`` instead.
    """
    missing = [v for v in SLURM_VARS if v not in env]
    if missing:
        raise ValueError(f"shard = 'slurm' needs the environment of a SLURM job array task "
                         f"(sbatch --array=0-N); not set: {', '.join(missing)}")
    try:
        task, lo, hi, count = (int(env[v]) for v in SLURM_VARS)
    except ValueError:
        raise ValueError("shard = 'slurm': the SLURM_ARRAY_TASK_* variables are not integers: "
                         + ", ".join(f"{v}={env[v]!r}" for v in SLURM_VARS)) from None
    if hi - lo + 1 != count or not lo <= task <= hi:
        raise ValueError(
            f"shard = 'slurm' needs a job array of consecutive indices such as --array=0-15 "
            f"(here task {task} of {count} between {lo} and {hi}); give shard = 'i/n' instead")
    return task - lo, count


def shard_chunks(n_chunks: int, shard: tuple[int, int] | None) -> list[int]:
    """The chunks a shard computes (every chunk without a shard)."""
    if shard is None:
        return list(range(n_chunks))
    i, n = shard
    return list(range(i, n_chunks, n))


def text(shard: tuple[int, int]) -> str:
    """``"i/n"``, as recorded in the result's ``shard`` attribute."""
    return f"{shard[0]}/{shard[1]}"
