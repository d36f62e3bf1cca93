"""``biophys slurm config.toml --tasks 16``: job scripts that run a sweep as a SLURM job array.

Three jobs, chained by ``submit.sh`` with ``sbatch --dependency`` (``afterok``, then
``afterany``):

1. ``compile.sbatch`` compiles the model's kernels once into the shared disk cache (with the
   variants that compute model outputs when the metrics or traces need one)
   (``BIOPHYS_CACHE_DIR``, which must be on a file system every node sees), so that the array
   tasks load them instead of each compiling them;
2. ``array.sbatch``, a job array of ``--tasks`` tasks: task ``i`` runs
   ``biophys sweep config.toml --shard slurm`` and writes its chunks (every ``n``-th, from
   chunk ``i``) into the shared checkpoint directory;
3. ``assemble.sbatch`` runs the same sweep without ``--shard``: it reads every chunk, computes
   any still missing (the array tasks retry their own chunks' failed points, ``[retry]``),
   records the configuration's ``[traces]`` and writes the results file and the figure. It
   runs once the array has ended, whether or not every task succeeded (``afterany``).

The chunk size is fixed in the scripts (see :func:`chunk_size_for`) and recorded in the
checkpoint; a checkpoint that exists already must have been written for the same settings,
and its chunk size is kept. Numbers do not depend on the number of tasks or threads. After a
failure or pre-emption, run ``submit.sh`` again: finished chunks are kept and only the missing
ones are computed. Numba's cache is keyed on the CPU too: on a cluster with several node types,
the first task on each type compiles again.
"""

from __future__ import annotations

import argparse
import re
import shlex
import sys
from pathlib import Path

_TIME = re.compile(r"^((\d+-)?\d+(:\d{1,2}){0,2}|UNLIMITED|INFINITE)$", re.IGNORECASE)
#: Characters an #SBATCH line cannot carry in a path (whitespace, quotes, comments, escapes,
#: the %j-style file-name patterns).
_SBATCH_UNSAFE = re.compile(r"[\s'\"#\\%]")


def chunk_size_for(n_points: int, tasks: int, block: int) -> int:
    """Points per chunk for ``tasks`` shards.

    The driver integrates cells in blocks of ``block``, so a chunk costs about
    ``ceil(size / block)`` block runs, and the array takes as long as its busiest task,
    ``ceil(n_chunks / tasks)`` chunks. Of the sizes within 5% of the least such cost, it takes
    one that gives every task a chunk if it can, with a chunk count nearest
    ``tasks * ceil(TARGET_CHUNKS / tasks)`` (progress and checkpoint granularity;
    :data:`biophys.sweep.TARGET_CHUNKS`).
    """
    from .sweep import TARGET_CHUNKS  # deferred: the CLI parser stays light

    target = tasks * max(1, -(-TARGET_CHUNKS // tasks))
    sizes = [*range(1, min(block, n_points) + 1), *range(2 * block, n_points + block, block)]

    def cost(size: int) -> int:  # block runs of the busiest task
        chunks = -(-n_points // size)
        return -(-chunks // tasks) * -(-size // block)

    least = min(map(cost, sizes))
    good = [s for s in sizes if cost(s) <= 1.05 * least]
    return min(good, key=lambda s: (-(-n_points // s) < tasks, abs(-(-n_points // s) - target)))


def _check_time(name: str, value: str) -> str:
    if not _TIME.match(value):
        raise ValueError(f"{name} = {value!r} must be a SLURM time limit such as 30, 45:00, "
                         "120:00:00, 1-12:00:00 or UNLIMITED (minutes, [hours:]minutes:seconds, "
                         "days-hours[:minutes[:seconds]])")
    return value


def _header(job: str, log: Path, cpus: int, time: str, args) -> list[str]:
    job = re.sub(r"[^\w.-]", "_", job)  # one sbatch argument: no spaces, quotes or '#'
    lines = ["#!/bin/bash", f"#SBATCH --job-name={job}", f"#SBATCH --cpus-per-task={cpus}",
             f"#SBATCH --time={time}", f"#SBATCH --output={log}"]
    if args.mem:
        lines.append(f"#SBATCH --mem={args.mem}")
    if args.partition:
        lines.append(f"#SBATCH --partition={args.partition}")
    if args.account:
        lines.append(f"#SBATCH --account={args.account}")
    lines += [f"#SBATCH {opt}" for opt in args.sbatch or ()]
    return lines


def _environment(cache: Path) -> list[str]:
    return ["set -euo pipefail",
            f"export BIOPHYS_CACHE_DIR={shlex.quote(str(cache))}",
            "# Numba threads = the CPUs SLURM gave the task (not the node's core count)",
            "export NUMBA_NUM_THREADS=\"${SLURM_CPUS_PER_TASK:-1}\"",
            "export MPLBACKEND=Agg"]


def _needs_aux(dry, kw: dict) -> bool:
    """Whether the sweep's metrics or traces read a model output (a current, a flux), so its
    driver is the ``_aux`` variant, which the compile job must then prepare too."""
    import json

    from ._engine import reads_outputs
    from .metrics import plan
    from .models import get_model

    m = get_model(kw["model"])
    record = kw.get("record", ("V",))
    return reads_outputs(m, [*plan(m, json.loads(dry.attrs["metrics"])).observe,
                             *((record,) if isinstance(record, str) else record)])


def write_scripts(args: argparse.Namespace) -> dict[str, Path]:
    """Check the configuration and write the job scripts; returns ``{name: path}``."""
    from ._cache import cache_root
    from ._checkpoint import read_manifest, refuse_foreign_files
    from ._compile import BLOCK
    from ._sweep_config import load_config
    from .cli_sweep import dry_run, plot_layout

    if args.tasks < 1:
        raise ValueError(f"--tasks = {args.tasks!r} (array tasks, count) must be >= 1")
    if args.chunk_size is not None and args.chunk_size < 1:
        raise ValueError(f"--chunk-size = {args.chunk_size!r} (points) must be >= 1")
    if args.cpus_per_task < 1:
        raise ValueError(f"--cpus-per-task = {args.cpus_per_task!r} (CPUs per job, count) must "
                         "be >= 1")
    for name in ("mem", "partition", "account"):
        value = getattr(args, name)
        if value is not None and _SBATCH_UNSAFE.search(value):
            raise ValueError(f"--{name} = {value!r} cannot go on an #SBATCH line (no "
                             "whitespace, quotes, '#', '\\' or '%')")
    for value in args.sbatch or ():  # one line each: a line break would end the directives
        if "\n" in value or "\r" in value:
            raise ValueError(f"--sbatch = {value!r} must be one line (one #SBATCH option)")
    for name in ("time", "compile_time", "assemble_time"):
        _check_time("--" + name.replace("_", "-"), getattr(args, name))
    config = Path(args.config).resolve()
    kw = load_config(config)
    out_cfg = kw.pop("_output")
    checkpoint = args.checkpoint or kw.get("checkpoint")
    if not checkpoint:
        raise ValueError(f"{args.config}: the shards need a checkpoint directory shared by the "
                         "nodes: give --checkpoint DIR or checkpoint = \"DIR\" in the "
                         "configuration")
    checkpoint = Path(checkpoint).resolve()
    if checkpoint.exists() and not checkpoint.is_dir():
        raise ValueError(f"checkpoint {str(checkpoint)!r} is a file, not a directory")
    out = args.out or out_cfg.get("out")
    if not out:
        raise ValueError(f"{args.config}: the assembling job needs a results file: give --out "
                         "results.nc or [output] out in the configuration")
    plot = args.plot or out_cfg.get("plot")
    dry = dry_run(args.config, {**kw, "checkpoint": None})
    # the assembling job's figure: a typo in [output] is an error now, not after every shard
    where = {key: f"{args.config}: [output] {key}" for key in ("metric", "x", "y", "plot")}
    if args.plot:
        where["plot"] = "--plot"
    plot_layout(dry, out_cfg.get("metric"), out_cfg.get("x"), out_cfg.get("y"), where=where,
                draw=bool(plot))
    n_points = int(dry.attrs["n_points"])
    given = args.chunk_size if args.chunk_size is not None else kw.get("chunk_size")
    man = read_manifest(checkpoint)
    if man is None:  # every task would refuse a directory of other files: say so now
        refuse_foreign_files(checkpoint)
    if man is not None:  # resume: the same settings, with the layout it was started with
        if man.get("hash") != dry.attrs["settings_hash"]:
            raise ValueError(f"checkpoint {str(checkpoint)!r} was written for other settings "
                             f"than {args.config}'s; every task would refuse it. Use another "
                             "directory, or delete this one to start afresh.")
        chunk = int(man["chunk_size"])
        if given is not None and int(given) != chunk:
            raise ValueError(f"checkpoint {str(checkpoint)!r} uses chunk_size = {chunk}; give "
                             f"--chunk-size {chunk} (or none), and no other in {args.config}")
    elif given is not None:
        chunk = int(given)
    else:
        chunk = chunk_size_for(n_points, args.tasks, BLOCK)
    n_chunks = -(-n_points // chunk)
    tasks = min(args.tasks, n_chunks)
    if tasks < args.tasks:
        print(f"biophys slurm: note: {tasks} array tasks, not {args.tasks}: the sweep has "
              f"{n_chunks} chunks of {chunk} points", file=sys.stderr)
    cache = Path(args.cache_dir).resolve() if args.cache_dir else cache_root().resolve()
    for what, path in (("configuration", config), ("checkpoint", checkpoint), ("cache", cache)):
        if any(ch in str(path) for ch in "\n\r"):  # would end a comment line of submit.sh
            raise ValueError(f"the {what} path {str(path)!r} must not contain a line break")
    here = Path(args.dir or f"{config.stem}-slurm").resolve()
    if _SBATCH_UNSAFE.search(str(here)):  # #SBATCH lines cannot quote a path
        raise ValueError(f"--dir = {str(here)!r}: the scripts' directory (it holds the job "
                         "logs named in #SBATCH lines) must not contain whitespace, quotes, "
                         "'#', '\\' or '%'")
    logs = here / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    py = shlex.quote(args.python or sys.executable)
    run = f"{py} -m biophys.cli"
    # each task's threads (or local Dask workers) are its CPUs; a [dask] scheduler address
    # sizes no local cluster, and sweep refuses a worker count given with one
    workers = ("" if kw.get("backend") == "dask" and "address" in kw
               else ' --n-workers "$NUMBA_NUM_THREADS"')
    common = (f"{shlex.quote(str(config))} --checkpoint {shlex.quote(str(checkpoint))} "
              f"--chunk-size {chunk}{workers} --no-progress")
    methods = [dry.attrs["method"]]
    if "retry" in kw and kw["retry"].get("method"):
        methods.append(kw["retry"]["method"])
    method_opts = " ".join(f"--method {shlex.quote(mth)}" for mth in dict.fromkeys(methods))
    stem = config.stem
    assemble = [run, "sweep", common, "--out", shlex.quote(str(Path(out).resolve()))]
    if plot:
        assemble += ["--plot", shlex.quote(str(Path(plot).resolve()))]
    scripts = {
        "compile.sbatch": [
            *_header(f"{stem}-compile", logs / "compile-%j.out", 1, args.compile_time, args),
            *_environment(cache),
            f"{run} compile {shlex.quote(kw['model'])} {method_opts}"
            f"{' --aux' if _needs_aux(dry, kw) else ''} --processes 1"],
        "array.sbatch": [
            *_header(f"{stem}-shard", logs / "shard-%A_%a.out", args.cpus_per_task, args.time,
                     args),
            f"#SBATCH --array=0-{tasks - 1}", *_environment(cache),
            f"# task i of {tasks} computes chunks i, i + {tasks}, ... of the "
            f"{n_chunks} chunks ({n_points} points, chunk size {chunk})",
            f"{run} sweep {common} --shard slurm"],
        "assemble.sbatch": [
            *_header(f"{stem}-assemble", logs / "assemble-%j.out", args.cpus_per_task,
                     args.assemble_time, args),
            *_environment(cache), " ".join(assemble)],
        "submit.sh": [
            "#!/bin/bash",
            f"# Sweep {config} as a SLURM job array of {tasks} tasks (written by "
            "`biophys slurm`).",
            "# Rerun after a failure: finished chunks stay in the checkpoint",
            f"# {checkpoint}",
            "set -euo pipefail",
            f"cd {shlex.quote(str(here))}",
            "compile=$(sbatch --parsable compile.sbatch)",
            "array=$(sbatch --parsable --dependency=afterok:\"${compile%%;*}\" array.sbatch)",
            "# afterany: the assembling job computes whatever chunks a failed task left",
            "assemble=$(sbatch --parsable --dependency=afterany:\"${array%%;*}\" "
            "assemble.sbatch)",
            f"echo \"submitted: compile ${{compile%%;*}}, array ${{array%%;*}} ({tasks} "
            "tasks), assemble ${assemble%%;*}\""],
    }
    paths = {}
    for name, lines in scripts.items():
        path = here / name
        path.write_text("\n".join(lines) + "\n")
        path.chmod(0o755)
        paths[name] = path
    return paths


def slurm_command(args: argparse.Namespace) -> int:
    """Run ``biophys slurm``; returns the exit status (errors raise ``ValueError``)."""
    paths = write_scripts(args)
    for path in paths.values():
        print(f"wrote {path}")
    print(f"submit with: bash {shlex.quote(str(paths['submit.sh']))}")
    return 0


def add_slurm_parser(subparsers) -> argparse.ArgumentParser:
    """Add the ``slurm`` subcommand to an argparse ``subparsers`` object."""
    sp = subparsers.add_parser(
        "slurm", help="write SLURM job scripts that run a sweep as a job array",
        description="Write SLURM job scripts for the sweep of a TOML configuration: a compile "
        "job, a job array whose tasks each compute a shard of the chunks into a shared "
        "checkpoint, and an assembling job that writes the results; submit.sh chains them. "
        "The checkpoint and the kernel cache must be on a file system every node sees.")
    sp.add_argument("config", help="TOML configuration file (as for biophys sweep)")
    sp.add_argument("--tasks", type=int, required=True, help="array tasks (shards)")
    sp.add_argument("--dir", default=None,
                    help="where to write the scripts and logs (default: <config stem>-slurm)")
    sp.add_argument("--checkpoint", default=None,
                    help="shared checkpoint directory (default: the configuration's)")
    sp.add_argument("--out", default=None, help="results file of the assembling job "
                    "(default: [output] out)")
    sp.add_argument("--plot", default=None, help="figure of the assembling job "
                    "(default: [output] plot)")
    sp.add_argument("--chunk-size", type=int, default=None,
                    help="points per chunk (default: an existing checkpoint's, which any "
                    "given one must equal, else the configuration's, else chosen for the tasks: "
                    "see biophys.cli_slurm.chunk_size_for)")
    sp.add_argument("--cpus-per-task", type=int, default=2,
                    help="CPUs (Numba threads) of each array task and of the assembling job")
    sp.add_argument("--time", default="01:00:00", help="time limit of each array task")
    sp.add_argument("--compile-time", default="00:30:00", help="time limit of the compile job")
    sp.add_argument("--assemble-time", default="01:00:00",
                    help="time limit of the assembling job")
    sp.add_argument("--mem", default=None, help="memory per job, e.g. 4G")
    sp.add_argument("--partition", default=None)
    sp.add_argument("--account", default=None)
    sp.add_argument("--sbatch", action="append", metavar="OPTION",
                    help="any further #SBATCH option, e.g. --sbatch=--qos=short (repeatable)")
    sp.add_argument("--cache-dir", default=None,
                    help="kernel cache shared by the jobs (default: this machine's, "
                    "$BIOPHYS_CACHE_DIR, else $XDG_CACHE_HOME/biophys, else ~/.cache/biophys)")
    sp.add_argument("--python", default=None,
                    help="Python interpreter of the jobs (default: this one, "
                    f"{sys.executable})")
    sp.set_defaults(func=slurm_command)
    return sp
