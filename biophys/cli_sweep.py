"""``biophys sweep config.toml --out results.nc --plot heatmap.png``.

The TOML file names the model, the grid (or table of points), the duration, the metrics and
the backend; its keys are listed in :mod:`biophys._sweep_config` (which reads and checks it) and
shown in ``examples/*.toml``.

``--shard I/N`` (or ``--shard slurm`` inside a SLURM job array) computes only shard I of N of
the chunks into the checkpoint and writes nothing else; the same command without ``--shard``
then assembles the results (see ``biophys slurm``, :mod:`biophys.cli_slurm`).

Every error in the configuration is one line on stderr (with the line number for malformed
TOML) and a non-zero exit status, before any simulation starts.

Without a results file (``--out`` or ``[output] out``) the command says on stderr, before it
simulates, that the results will not be saved, and prints them as a table on stdout at the end
(up to :data:`TABLE_MAX_POINTS` points).
"""

from __future__ import annotations

import argparse
import json
import sys
import warnings

from ._checks import did_you_mean
from ._sweep_config import load_config
from ._warmup import SETTLING_WARNING
from .cli import EXIT_INTERRUPTED, _output_file, _parent

#: Without ``--out``, sweeps of at most this many points are printed as a table on stdout.
TABLE_MAX_POINTS = 200


def plot_layout(ds, metric=None, x=None, y=None, *, where=None, draw: bool = True):
    """What the figure of ``--plot`` shows of the sweep ``ds``, checked before any point runs.

    Parameters
    ----------
    ds : xarray.Dataset
        The sweep's result, or its dry run (``sweep(..., dry_run=True)``: the same variables
        and axes, nothing simulated).
    metric, x, y : str, optional
        The metric drawn (default: the first) and the axes on the figure's x and y (swept
        names; default: the first axes with more than one value).
    where : mapping, optional
        How the messages name where ``metric``, ``x``, ``y`` and the figure were given, e.g.
        ``{"x": "--x", "y": "sweep.toml: [output] y"}`` (default ``--metric``, ``--x``,
        ``--y``, ``--plot``).
    draw : bool
        False: only check the names given (no figure is asked for).

    Returns
    -------
    tuple
        ``(metric, x, y, sel)``: a heatmap of ``metric`` over ``x`` and ``y``, or lines against
        ``x`` if ``y`` is None, at ``sel`` (``{axis: value}``, the first value of each other
        grid axis; None: no other axis).

    Raises
    ------
    ValueError
        A metric or axis that is not one of the sweep's (naming the option, the value and the
        valid names), the same axis for x and y, or a layout that cannot be drawn.
    """
    where = {"metric": "--metric", "x": "--x", "y": "--y", "plot": "--plot", **(where or {})}
    dims = [str(d) for d in ds["status"].dims]
    metrics = [str(v) for v in ds.data_vars if v != "status" and ds[v].dims == ds["status"].dims]
    if metric is not None and (not isinstance(metric, str) or metric not in metrics):
        raise ValueError(f"{where['metric']} = {metric!r} is not among the sweep's metrics"
                         f"{did_you_mean(metric, metrics)}; metrics: {', '.join(metrics)}")
    if dims == ["point"]:
        axes = [str(c) for c in ds.coords if c != "point" and ds[c].dims == ("point",)]
        what, listed = "a swept name of the table of points", "swept names"
    else:
        axes, what, listed = dims, "a swept axis", "axes"
    from .plot import _check_axis, _two_axes

    for key, name in (("x", x), ("y", y)):
        if name is not None:
            _check_axis(where[key], name, axes, what, listed)
    if x is not None and x == y:  # without a figure too: the [output] table is its layout
        raise ValueError(f"{where['x']} = {x!r} and {where['y']} = {y!r}: the same axis on the "
                         f"figure's x and y; give two different {listed} ({', '.join(axes)}), "
                         "or leave y out")
    if not draw:
        return metric, x, y, None
    if metric is None:
        metric = metrics[0]  # a sweep has at least one metric (sweep refuses metrics=[])
    if dims == ["point"]:  # the heatmap's choice of names (x != y was checked above)
        try:
            x, y = _two_axes(x, y, axes, "swept names of the table", metric, [])
        except ValueError:
            raise ValueError(f"{where['plot']}: a table of points is drawn as a heatmap over "
                             f"two swept names, and this one has only {', '.join(axes)}"
                             ) from None
        return metric, x, y, None
    varied = [d for d in dims if ds.sizes[d] > 1] or dims
    if x is None:
        x = next((d for d in [*varied, *dims] if d != y), None)
        if x is None:
            raise ValueError(f"{where['y']} = {y!r} leaves no axis for x: it is the sweep's only "
                             "axis; leave y out to draw lines")
    rest = [d for d in varied if d not in (x, y)]
    if y is None and rest:
        y = rest.pop(0)
    sel = {d: ds[d].values[0] for d in dims if d not in (x, y)} or None
    return metric, x, y, sel


def _figure(ds, path, metric=None, x=None, y=None) -> None:
    import matplotlib

    matplotlib.use("Agg")
    from . import plot

    metric, x, y, sel = plot_layout(ds, metric, x, y)
    if ds["status"].dims == ("point",):
        ax = plot.heatmap(ds, metric, x=x, y=y)
    elif y is None:
        ax = plot.lines(ds, metric, x=x, sel=sel)
    else:
        ax = plot.heatmap(ds, metric, x=x, y=y, sel=sel)
    plot.save(ax, path)
    import matplotlib.pyplot as plt

    plt.close(ax.figure)


def _table(ds) -> str:
    """The readouts of every point as a text table: axes, metrics (with units), status."""
    from .plot import _label
    from .sweep import flag_text

    dims = list(ds["status"].dims)
    metrics = [str(v) for v in ds.data_vars if v != "status" and ds[v].dims == ds["status"].dims]
    coded = [v for v in [*metrics, "status"] if "flag_meanings" in ds[v].attrs]
    ds = ds.assign({v: flag_text(ds[v]) for v in coded})
    df = ds[[*metrics, "status"]].to_dataframe().reset_index()
    if dims == ["point"]:
        axes = [str(c) for c in ds.coords if c != "point" and ds[c].dims == ("point",)]
    else:
        axes = dims
    df = df[[*axes, *metrics, "status"]]
    df.columns = [_label(ds[c], c) if c != "status" else c for c in df.columns]
    return df.to_string(index=False, float_format=lambda x: f"{x:.6g}")


def _not_saved_notice(plot_path, checkpoint, n_points: int) -> str:
    """The stderr notice of a sweep run without a results file."""
    kept = []
    if plot_path:
        kept.append(f"the figure {plot_path}")
    if checkpoint:
        kept.append(f"the chunks in the checkpoint {checkpoint} (a rerun with --out writes "
                    "the file without simulating again)")
    where = ("; kept: " + " and ".join(kept)) if kept else ""
    shown = ("they are printed as a table at the end" if n_points <= TABLE_MAX_POINTS
             else f"with {n_points} points they are not printed either")
    return (f"biophys sweep: note: no results file (--out or [output] out), so the results "
            f"will not be saved to a file; {shown}{where}; add --out results.nc to keep them")


def _interrupted_notice(checkpoint, plan, written=(), settle: bool = False) -> str:
    """The stderr line of a sweep interrupted by Ctrl-C: how many chunks of its checkpoint
    directory ``checkpoint`` (None: none) are saved, and the files ``written`` before;
    ``plan`` is its dry run (the settings the checkpoint must have been started with);
    ``settle``: the configuration has a ``[settle]`` table (which a checkpoint cannot go
    with, so the line does not suggest one)."""
    from ._checkpoint import read_manifest, stored_chunks

    head = "biophys sweep: interrupted; "
    if written:
        head += f"wrote {' and '.join(written)}; "
    nothing = "nothing else was saved" if written else "nothing was saved"
    if not checkpoint and settle:
        return (head + f"{nothing} (a run with [settle] keeps no checkpoint; to resume long "
                "runs, settle in Python with biophys.settled_state and pass its result as "
                "initial= to biophys.sweep with checkpoint=)")
    if not checkpoint:
        return (head + f"{nothing} (no checkpoint; with --checkpoint DIR the finished chunks "
                "are kept and a rerun resumes from them)")
    try:
        man = read_manifest(checkpoint)
    except ValueError as exc:
        return head + f"{nothing}: {exc}"
    if man is None:
        return head + f"{nothing}: the checkpoint {checkpoint} was not started yet"
    if man.get("hash") != plan.attrs.get("settings_hash"):
        return (head + f"{nothing}: the checkpoint {checkpoint} holds the chunks of other "
                "settings")
    saved, n_chunks = stored_chunks(checkpoint, man)
    return (head + f"{saved} of {n_chunks} chunks are saved in {checkpoint}: run the same "
            "command again to resume")


def sweep_command(args: argparse.Namespace) -> int:
    """Run ``biophys sweep``; returns the exit status (errors raise ``ValueError``; Ctrl-C is
    one line on stderr, saying what the checkpoint keeps once the run has started, and exit
    status :data:`biophys.cli.EXIT_INTERRUPTED`)."""
    try:
        return _sweep_command(args)
    except KeyboardInterrupt:  # the run itself says what its checkpoint keeps
        print("biophys sweep: interrupted before the run started (while checking the "
              "configuration); nothing was simulated or saved", file=sys.stderr)
        return EXIT_INTERRUPTED


def _check_cluster_options(args: argparse.Namespace, kw: dict) -> None:
    """Refuse Dask settings that would be ignored, naming where each came from (the command
    line or the file's [dask] table): any with the threads backend, and a scheduler address
    together with a worker count (which sizes only a local cluster)."""
    dask = {"address": args.address, "n_workers": args.n_workers}
    source = {k: f"--{k.replace('_', '-')}" if v is not None else f"[dask] {k} in {args.config}"
              for k, v in dask.items()}
    if kw.get("backend", "threads") != "dask":
        from_file = [source[k] for k in dask if k in kw and dask[k] is None]
        if from_file or args.address is not None:
            what = " and ".join(from_file + (["--address"] if args.address else []))
            raise ValueError(f"{what} needs the dask backend (--backend dask, or backend = "
                             f"\"dask\" in {args.config}); the threads backend runs here "
                             "(its thread count is --n-workers)")
    elif "address" in kw and "n_workers" in kw:
        raise ValueError(f"{source['address']} and {source['n_workers']}: a worker count sizes "
                         "only the local cluster started when no address is given; give one")


def _sweep_command(args: argparse.Namespace) -> int:
    kw = load_config(args.config)
    out_cfg = kw.pop("_output")
    settle = kw.pop("_settle", None)
    # options given on the command line are checked here, so that their errors name the
    # option and not the configuration file (dry_run names the file for what sweep refuses)
    for option, value in (("--n-workers", args.n_workers), ("--chunk-size", args.chunk_size)):
        if value is not None and value < 1:
            raise ValueError(f"{option} = {value} must be >= 1")
    if args.shard is not None:
        from ._shard import parse_shard

        parse_shard(args.shard)
    if args.backend is not None:
        kw["backend"] = args.backend
    if args.address is not None:
        kw["address"] = args.address
    if args.n_workers is not None:
        kw["n_workers"] = args.n_workers
    _check_cluster_options(args, kw)
    if args.checkpoint is not None:
        kw["checkpoint"] = args.checkpoint
    if args.chunk_size is not None:
        kw["chunk_size"] = args.chunk_size
    if settle is not None and (args.checkpoint is not None or args.shard is not None):
        raise ValueError(f"{'--checkpoint' if args.checkpoint is not None else '--shard'} "
                         f"with [settle] in {args.config}: the settling run is not kept in a "
                         "checkpoint; remove one of them")
    if settle is not None:
        from .settle import check_times

        try:
            check_times(**settle)
        except ValueError as exc:
            raise ValueError(f"{args.config}: [settle] {exc}") from None
    if args.no_progress:
        kw["progress"] = False
    if args.shard is not None:
        if args.out or args.plot:
            raise ValueError("--shard: a shard run only adds its chunks to the checkpoint; "
                             "give --out and --plot to the assembling run (the same command "
                             "without --shard)")
        if not kw.get("checkpoint"):
            raise ValueError(f"--shard needs a checkpoint directory shared by the shards: "
                             f"--checkpoint DIR, or checkpoint = \"DIR\" in {args.config}")
        kw["shard"] = args.shard
        out_cfg = {}  # the assembling run writes the [output] files
    # a folder is refused now, not after the run; a figure name without an extension gets .png
    named = {key: f"--{key}" if getattr(args, key) else f"{args.config}: [output] {key}"
             for key in ("out", "plot")}  # where each output file was given
    out = _output_file(named["out"], args.out or out_cfg.get("out"), "results.nc")
    plot_path = _output_file(named["plot"], args.plot or out_cfg.get("plot"), "heatmap.png")
    metric = args.metric or out_cfg.get("metric")
    x, y = args.x or out_cfg.get("x"), args.y or out_cfg.get("y")
    from .sweep import sweep

    # Check everything first (nothing is simulated), so that an error in the configuration is
    # the only line on stderr and the notes below come before the (long) run, not after it.
    # The dry run checks the checkpoint too (read only), except a --chunk-size it refuses,
    # which is named as the option below, once its settings are known to match.
    resume = args.chunk_size is not None and kw.get("checkpoint")
    with warnings.catch_warnings():
        if settle is not None:  # the real run starts from settled states: no settling warning
            warnings.filterwarnings("ignore", message=SETTLING_WARNING)
        ds = dry_run(args.config, {**kw, "chunk_size": None} if resume else kw,
                     quiet=not args.dry_run)  # the real run warns about the bath
    if resume:
        _check_chunk_option(kw["checkpoint"], args.chunk_size)
    # the figure's metric and axes, against the dry run's (a typo is an error now, not after
    # the run); they are checked without --plot too
    where = {key: f"--{key}" if getattr(args, key) else f"{args.config}: [output] {key}"
             for key in ("metric", "x", "y", "plot")}
    plot_layout(ds, metric, x, y, where=where, draw=bool(plot_path))
    for key, target in (("out", out), ("plot", plot_path)):
        if target is not None:
            _parent(target, named[key])
    if args.dry_run:
        axes = ", ".join(f"{d} ({ds.sizes[d]})" for d in ds["status"].dims)
        metrics = json.loads(ds.attrs["metrics"])
        print(f"{ds.attrs['model']}: {ds.attrs['n_points']} points over {axes}; metrics: "
              f"{', '.join(metrics)}; configuration ok (nothing simulated)")
        return 0
    plan = ds  # the dry run, for what a checkpoint of an interrupted run keeps
    written: list[str] = []  # files complete when Ctrl-C comes
    try:
        if args.shard is not None:
            return _strict(args, _shard_report(sweep(**kw), kw["checkpoint"]))
        if not out:
            print(_not_saved_notice(plot_path, kw.get("checkpoint"), ds.attrs["n_points"]),
                  file=sys.stderr)
        if settle is not None:
            kw["initial"] = _settled(kw, settle)
        ds = sweep(**kw)
        if "description" in out_cfg:
            ds.attrs["description"] = out_cfg["description"]
        if out:
            ds.to_netcdf(out)
            written.append(str(out))
            print(f"wrote {out}")
        if plot_path:
            _figure(ds, plot_path, metric, x, y)
            written.append(str(plot_path))
            print(f"wrote {plot_path}")
        if not out and ds.attrs["n_points"] <= TABLE_MAX_POINTS:
            print(_table(ds))
        n_bad = int((ds["status"] != 0).sum())
        audited = (f", {ds.attrs['charge_drift_points']} beyond the charge audit's tolerance"
                   if "charge_drift_points" in ds.attrs else "")
        if "step_check_changed" in ds.attrs:
            audited += (f", {ds.attrs['step_check_changed']} of {ds.sizes['step_check']} "
                        "checked changed with a finer step")
        print(f"{ds.attrs['model']}: {ds.attrs['n_points']} points, {n_bad} not ok{audited}")
        return _strict(args, n_bad)
    except KeyboardInterrupt:
        print(_interrupted_notice(kw.get("checkpoint"), plan, written, settle is not None),
              file=sys.stderr)
        return EXIT_INTERRUPTED


def _settled(kw: dict, settle: dict):
    """The points' states after :func:`biophys.settled_state` (the ``[settle]`` table's
    ``t_end`` and ``window``, ms), for the sweep's ``initial=``; one line on stderr first."""
    from .settle import T_SETTLE, settled_state

    shared = ("grid", "points", "params", "conditions", "initial", "dt", "method", "rtol",
              "atol", "backend", "address", "n_workers", "chunk_size", "progress", "retry")
    t = settle.get("t_end", T_SETTLE)
    print(f"settling the reserve pool: {t / 1000:g} s per point before the sweep "
          "(biophys.settled_state)", file=sys.stderr)
    return settled_state(kw["model"], **{k: kw[k] for k in shared if k in kw}, **settle)


def _check_chunk_option(checkpoint, chunk_size: int) -> None:
    """A ``ValueError`` naming ``--chunk-size`` when the existing checkpoint directory
    ``checkpoint`` (none yet: nothing to check) was started with another chunk size (points)
    than ``chunk_size``, the option's value."""
    from ._checkpoint import read_manifest

    man = read_manifest(checkpoint)
    if man is not None and int(man["chunk_size"]) != chunk_size:
        size = int(man["chunk_size"])
        raise ValueError(f"--chunk-size = {chunk_size}: the checkpoint {checkpoint} was started "
                         f"with {size} points per chunk; resume it with --chunk-size {size} or "
                         "without --chunk-size, or give another --checkpoint directory")


def _strict(args, n_bad: int) -> int:
    """Exit status of a run with ``n_bad`` points not ok: 3 (with a line on stderr) under
    ``--strict``, else 0 (the results are written either way)."""
    if n_bad and args.strict:
        print(f"biophys sweep: {n_bad} point(s) not ok (see the status variable); exit status 3 "
              "(--strict)", file=sys.stderr)
        return 3
    return 0


def dry_run(config, kw: dict, quiet: bool = True):
    """``sweep(**kw, dry_run=True)`` (no progress bar; warnings hidden if ``quiet``), an error
    naming the configuration file ``config`` whose values sweep refused."""
    from .sweep import sweep

    try:
        with warnings.catch_warnings():
            if quiet:
                warnings.simplefilter("ignore")
            return sweep(**{k: v for k, v in kw.items() if k != "progress"}, dry_run=True)
    except (ValueError, KeyError) as exc:
        msg = exc.args[0] if isinstance(exc, KeyError) and exc.args else str(exc)
        raise ValueError(f"{config}: {msg}") from None


def _shard_report(ds, checkpoint) -> int:
    """One line on stdout after a shard run: this shard's points and what the checkpoint now
    holds. Returns the number of this shard's points that are not ok."""
    n = int(ds.attrs["n_points"])
    pending = int(ds.attrs["pending_points"])
    n_bad = int(ds.attrs["shard_not_ok"])
    left = (f"{pending} still missing (other shards)" if pending
            else "complete: assemble it with the same command without --shard")
    print(f"{ds.attrs['model']} shard {ds.attrs['shard']}: {ds.attrs['shard_points']} points "
          f"({n_bad} not ok); the checkpoint {checkpoint} holds {n - pending} of {n} points; "
          f"{left}")
    return n_bad


def add_sweep_parser(subparsers) -> argparse.ArgumentParser:
    """Add the ``sweep`` subcommand to an argparse ``subparsers`` object."""
    sp = subparsers.add_parser("sweep", help="run a sweep described by a TOML file",
                               description="Run a sweep described by a TOML configuration "
                               "(see examples/*.toml) and write a netCDF file (--out) and a "
                               "figure (--plot). Without a results file the command says so "
                               "before it starts and prints the results as a table at the end "
                               f"(sweeps of up to {TABLE_MAX_POINTS} points).",
                               epilog="Exit status: 0 ok (also when some points are not ok: "
                               "their status says why); 2 an error in the input (one line on "
                               "stderr); 3 with --strict, a point not ok (after writing the "
                               "results and the figure); 130 interrupted.")
    sp.add_argument("config", help="TOML configuration file")
    sp.add_argument("--out", default=None, help="netCDF results file (default: [output] out; "
                    "without one nothing is saved)")
    sp.add_argument("--plot", default=None, help="figure file (heatmap over two axes, else "
                    "lines): PNG, or another format matplotlib writes by its extension (pdf, "
                    "svg, ...; none: .png added)")
    sp.add_argument("--metric", default=None, help="metric to plot (default: the first)")
    sp.add_argument("--x", default=None, help="axis on the figure's x")
    sp.add_argument("--y", default=None, help="axis on the figure's y")
    sp.add_argument("--backend", choices=("threads", "dask"), default=None)
    sp.add_argument("--address", default=None, help="Dask scheduler address")
    sp.add_argument("--n-workers", type=int, default=None,
                    help="threads (threads backend) or local Dask worker processes")
    sp.add_argument("--checkpoint", default=None, help="checkpoint directory (resumable)")
    sp.add_argument("--chunk-size", type=int, default=None, help="points per chunk")
    sp.add_argument("--no-progress", action="store_true", help="no progress bar")
    sp.add_argument("--shard", default=None, metavar="I/N",
                    help="compute only shard I of N of the chunks (0 <= I < N) into the "
                    "checkpoint, or 'slurm' for the task of a SLURM job array; nothing else "
                    "is written (see biophys slurm)")
    sp.add_argument("--dry-run", action="store_true",
                    help="check the configuration and print the design; simulate nothing")
    sp.add_argument("--strict", action="store_true",
                    help="exit with status 3 if any point is not ok (an integration failure, "
                    "see the status variable); results and figure are written either way")
    sp.set_defaults(func=sweep_command)
    return sp


def main(argv=None) -> int:
    """Stand-alone entry point (``python -m biophys.cli_sweep config.toml ...``)."""
    parser = argparse.ArgumentParser(prog="biophys")
    sub = parser.add_subparsers(dest="command", required=True)
    add_sweep_parser(sub)
    args = parser.parse_args(["sweep", *(sys.argv[1:] if argv is None else argv)])
    try:
        return sweep_command(args)
    except (ValueError, KeyError, OSError) as exc:
        msg = exc.args[0] if isinstance(exc, KeyError) and exc.args else str(exc)
        print(f"biophys sweep: error: {msg}".replace("\n", " "), file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
