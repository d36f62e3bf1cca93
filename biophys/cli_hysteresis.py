"""``biophys hysteresis``: step one condition up and back down, from a TOML configuration.

The configuration is a sweep configuration (:mod:`biophys._sweep_config`) with a
``[hysteresis]`` table naming the stepped quantity and its upward steps::

    model = "hh1952"
    t_end = 500.0                # ms per step
    warmup = 300.0               # ms of each step left out of its metrics
    metrics = ["spike_rate", "regime"]

    [hysteresis]
    axis = "I_app"               # uA/cm^2
    values = {start = 5.0, stop = 11.0, step = 1.0}

    [grid]                       # optional: other axes, each point continued on its own

    [output]                     # out = "hh_hysteresis.nc", plot = "hh_hysteresis.png",
                                 # metric = "spike_rate"

``warmup`` is required. Each step starts from the final state of the step before
(:func:`biophys.hysteresis`, which says when a point restarts from the initial state); the
results file has a ``direction`` dimension (``up``, then ``down``) and the figure draws the
metric against the stepped axis, one line per pass (one panel per point of the other axes).
"""

from __future__ import annotations

import argparse
import itertools
import sys

import numpy as np

from ._sweep_config import load_config

#: At most this many panels (points of the other axes) in a figure.
MAX_PANELS = 12


def _metric(kw: dict, metric: str | None, where: str) -> str:
    """The figure's metric: one of the configuration's metrics (default: the first)."""
    from .sweep import DEFAULT_METRICS

    metrics = kw.get("metrics", DEFAULT_METRICS)
    if metric is None:
        return metrics[0]
    if metric not in metrics:
        raise ValueError(f"{where} = {metric!r} is not one of the metrics of the run: "
                         f"{', '.join(metrics)}")
    return metric


def _panels(kw: dict) -> list[dict[str, float]]:
    """One selection of the other axes per panel (a single empty one without [grid])."""
    grid = kw.get("grid") or {}
    names = list(grid)
    combos = [dict(zip(names, c, strict=True)) for c in itertools.product(*grid.values())]
    if len(combos) > MAX_PANELS:
        raise ValueError(f"--plot: the [grid] axes {', '.join(names)} make {len(combos)} "
                         f"panels, more than {MAX_PANELS}; plot from the results file "
                         "(biophys.plot.lines(ds, metric, x=axis, hue='direction', sel=...))")
    return combos


def _figure(ds, path, axis: str, metric: str, panels: list[dict[str, float]]) -> None:
    """The metric against ``axis``, one line per pass, one panel per point of the others."""
    from matplotlib.figure import Figure  # drawn off-screen: no pyplot, no backend

    from . import plot

    n = len(panels)
    cols = min(n, 3)
    rows = -(-n // cols)
    fig = Figure(figsize=(5.0 * cols, 3.8 * rows), layout="constrained")
    axes = fig.subplots(rows, cols, squeeze=False)
    for ax, sel in zip(axes.flat, panels, strict=False):
        plot.lines(ds, metric, x=axis, hue="direction", sel=sel or None, ax=ax)
        # the model and metric are the figure's title; a panel's, its point of the others
        ax.set_title(", ".join(plot._coord_text(k, v, ds[k].attrs.get("units", ""))
                               for k, v in sel.items()), fontsize="medium")
    for ax in list(axes.flat)[n:]:
        ax.set_visible(False)
    fig.suptitle(f"{ds.attrs.get('model', '')}: {metric}, {axis} stepped up then down")
    fig.savefig(path, dpi=120)


def _summary(ds, axis: str) -> str:
    """One line: runs, runs not ok (and restarted), and where the passes differ in ``regime``
    (if run)."""
    from .continuation import differs

    n_bad = int((ds["status"] != 0).sum())
    text = (f"{ds.attrs['model']}: {axis} stepped over {ds.sizes[axis]} values up and back "
            f"down ({ds.attrs['n_runs']} runs), {n_bad} not ok")
    if ds.attrs.get("restarted_runs"):
        text += (f", {ds.attrs['restarted_runs']} restarted from the initial state (see the "
                 "restarted variable)")
    if "regime" in ds.data_vars:
        diff = differs(ds, "regime")
        at = diff.any([d for d in diff.dims if d != axis]) if diff.ndim > 1 else diff
        steps = [f"{v:g}" for v in np.asarray(ds[axis].values)[np.asarray(at.values)]]
        text += ("; the passes differ in regime (bistable) at " + f"{axis} = {', '.join(steps)}"
                 if steps else "; the passes agree in regime at every step")
    return text


def hysteresis_command(args: argparse.Namespace) -> int:
    """Run ``biophys hysteresis``; returns the exit status (errors raise ``ValueError``)."""
    from .cli import EXIT_INTERRUPTED, EXIT_NONFINITE, _output_file, _parent
    from .continuation import hysteresis

    kw = load_config(args.config, command="hysteresis")
    out_cfg = kw.pop("_output")
    if args.checkpoint is not None:
        kw["checkpoint"] = args.checkpoint
    if args.no_progress:
        kw["progress"] = False
    out = _output_file("--out", args.out or out_cfg.get("out"), "hysteresis.nc")
    plot_path = _output_file("--plot", args.plot or out_cfg.get("plot"), "hysteresis.png")
    where = "--metric" if args.metric else f"{args.config}: [output] metric"
    metric = _metric(kw, args.metric or out_cfg.get("metric"), where)
    panels = _panels(kw) if plot_path else []
    for option, target in (("--out", out), ("--plot", plot_path)):
        if target is not None:
            _parent(target, option)
    model, axis, values = kw.pop("model"), kw.pop("axis"), kw.pop("values")
    try:
        ds = hysteresis(model, axis, values, **kw)
    except KeyboardInterrupt:
        kept = (f"the checkpoint {kw['checkpoint']} keeps the finished steps: run the same "
                "command again to continue" if kw.get("checkpoint") else
                "nothing was saved (--checkpoint DIR keeps the finished steps)")
        print(f"biophys hysteresis: interrupted; {kept}", file=sys.stderr)
        return EXIT_INTERRUPTED
    if "description" in out_cfg:
        ds.attrs["description"] = out_cfg["description"]
    if out:
        ds.to_netcdf(out)
        print(f"wrote {out}")
    if plot_path:
        _figure(ds, plot_path, axis, metric, panels)
        print(f"wrote {plot_path}")
    print(_summary(ds, axis))
    if not out:
        print(f"biophys hysteresis: note: the results were not saved (--out, or [output] out "
              f"in {args.config})", file=sys.stderr)
    n_bad = int((ds["status"] != 0).sum())
    return EXIT_NONFINITE if args.strict and n_bad else 0


def add_hysteresis_parser(subparsers) -> argparse.ArgumentParser:
    """Add the ``hysteresis`` subcommand to an argparse ``subparsers`` object."""
    sp = subparsers.add_parser(
        "hysteresis", help="step one condition up and back down (bistability)",
        description="Step the [hysteresis] axis of a TOML configuration up through its values "
        "and back down, each run starting from the final state of the run before "
        "(biophys.hysteresis); write a netCDF file (--out, with a direction dimension) and a "
        "figure of one metric against the axis, one line per pass (--plot).",
        epilog="Exit status: 0 ok; 2 an error in the input; 3 with --strict, a run not ok; "
        "130 interrupted.")
    sp.add_argument("config", help="TOML configuration with a [hysteresis] table")
    sp.add_argument("--out", default=None, help="netCDF results file (default: [output] out)")
    sp.add_argument("--plot", default=None,
                    help="figure file: PNG, or another format matplotlib writes by its "
                    "extension (pdf, svg, ...; none: .png added) (default: [output] plot)")
    sp.add_argument("--metric", default=None,
                    help="metric to plot (default: [output] metric, else the first)")
    sp.add_argument("--checkpoint", default=None,
                    help="directory keeping the finished steps (an interrupted run resumes)")
    sp.add_argument("--no-progress", action="store_true", help="no progress bar")
    sp.add_argument("--strict", action="store_true",
                    help="exit with status 3 if any run is not ok (see the status variable)")
    sp.set_defaults(func=hysteresis_command)
    return sp
