"""Command-line interface: ``biophys list | info | simulate | sweep | compile | slurm``.

Every error in user input becomes a one-line message on stderr and exit status 2; no traceback.
A ``simulate`` run that ends in a non-finite state (numerical blow-up) still writes its outputs,
says so on stderr and exits with status 3; so does ``sweep --strict`` when a point is not ok.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path

from ._version import __version__

#: Exit status of ``biophys simulate`` when the run ends in a non-finite state.
EXIT_NONFINITE = 3


def _parse_assignments(items: Sequence[str], what: str) -> dict[str, float]:
    out: dict[str, float] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise ValueError(f"{what} {item!r} must look like NAME=VALUE")
        try:
            out[name.strip()] = float(value)
        except ValueError:
            raise ValueError(f"{what} {item!r}: {value!r} is not a number") from None
    return out


def _parent(path: str) -> None:
    """Create the folder an output file goes into."""
    Path(path).expanduser().resolve().parent.mkdir(parents=True, exist_ok=True)


def _nonfinite_at(ds) -> str:
    """Where the recorded traces first turn non-finite, as a clause for a message ("" if not)."""
    import numpy as np

    first = [float(ds["time"].values[np.argmax(~np.isfinite(ds[v].values))])
             for v in ds.data_vars
             if ds[v].dims == ("time",) and not np.isfinite(ds[v].values).all()]
    return f" (recorded values non-finite from t = {min(first):g} ms)" if first else ""


def _cmd_list(args: argparse.Namespace) -> int:
    import biophys as bp

    for name in bp.list_models():
        print(f"{name:<30} {bp.model(name).title}")
    return 0


def _cmd_info(args: argparse.Namespace) -> int:
    import biophys as bp

    print(bp.model(args.model).table())
    return 0


def _cmd_simulate(args: argparse.Namespace) -> int:
    import biophys as bp
    from biophys.plot import plot_traces

    params = _parse_assignments(args.set or [], "--set")
    initial = _parse_assignments(args.init or [], "--init")
    stimulus = None
    if args.pulse:
        amp, start, dur = args.pulse
        stimulus = bp.Pulse(amp, start, dur)
    record = args.record.split(",") if args.record else ["V"]
    ds = bp.simulate(args.model, t_end=args.t_end, dt=args.dt, params=params, initial=initial,
                     stimulus=stimulus, record=record, record_every=args.record_every)
    m = bp.model(args.model)
    if args.out:
        _parent(args.out)
        ds.to_netcdf(args.out)
        print(f"wrote {args.out}")
    if args.plot:
        _parent(args.plot)
        plot_traces(ds, path=args.plot)
        print(f"wrote {args.plot}")
    n = ds.sizes.get("spike", 0)
    print(f"{args.model}: {args.t_end:g} ms simulated, {n} spikes, status {ds.attrs['status']}")
    if ds.attrs["status"] != "ok":
        written = [f for f in (args.out, args.plot) if f]
        kept = f"; written anyway: {', '.join(written)}" if written else ""
        print(f"biophys simulate: error: the run ended with status {ds.attrs['status']!r} "
              f"(numerical blow-up){_nonfinite_at(ds)}{kept}; try a smaller --dt (the model's "
              f"step is {m.dt:g} ms)", file=sys.stderr)
        return EXIT_NONFINITE
    return 0


def _cmd_compile(args: argparse.Namespace) -> int:
    import time

    from ._cache import cache_dir
    from ._compile import precompile

    t = time.perf_counter()
    cpu = precompile(args.models or None, methods=tuple(args.method or ["rl2"]),
                     aux=args.aux, processes=args.processes)
    for name, seconds in cpu.items():
        print(f"{name:<30} {seconds:6.1f} s CPU")
    n = len(cpu)
    print(f"{n} model{'' if n == 1 else 's'} ready in {time.perf_counter() - t:.1f} s "
          f"(cache {cache_dir()})")
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="biophys", description=__doc__.splitlines()[0],
                                epilog="Exit status: 0 ok; 2 an error in the input (one line on "
                                "stderr); 3 a simulate run that ended in a non-finite state.")
    p.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = p.add_subparsers(dest="command", required=True)
    sp = sub.add_parser("list", help="list the built-in models")
    sp.set_defaults(func=_cmd_list)
    sp = sub.add_parser("info", help="parameter table of a model, with units and sources")
    sp.add_argument("model")
    sp.set_defaults(func=_cmd_info)
    sp = sub.add_parser("simulate", help="simulate one cell and write a trace / figure",
                        description="Simulate one cell; print a one-line summary and write "
                        "the trace (--out) and a figure (--plot) when asked.",
                        epilog=f"Exit status: 0 ok; 2 an error in the input; {EXIT_NONFINITE} "
                        "the run ended in a non-finite state (numerical blow-up; --out and "
                        "--plot are still written).")
    sp.add_argument("model")
    sp.add_argument("--t-end", type=float, required=True, help="duration, ms")
    sp.add_argument("--dt", type=float, default=None,
                    help="fixed step, ms (default: the model's; at most --t-end; more than "
                    "10x the model's step draws a warning)")
    sp.add_argument("--set", action="append", metavar="NAME=VALUE", help="parameter override")
    sp.add_argument("--init", action="append", metavar="NAME=VALUE", help="initial state")
    sp.add_argument("--pulse", type=float, nargs=3, metavar=("AMP", "START", "DURATION"),
                    help="square current pulse (model current unit, ms, ms)")
    sp.add_argument("--record", default=None, help="comma-separated states/outputs (default V)")
    sp.add_argument("--record-every", type=float, default=None, help="ms")
    sp.add_argument("--out", default=None, help="netCDF results file")
    sp.add_argument("--plot", default=None, help="PNG figure")
    sp.set_defaults(func=_cmd_simulate)
    sp = sub.add_parser("compile", help="compile (or load) the kernels of models into the "
                        "on-disk cache, e.g. once after installing")
    sp.add_argument("models", nargs="*", help="model names (default: every built-in model)")
    sp.add_argument("--method", action="append",
                    help="integration method to prepare, as in simulate/sweep (repeatable; "
                    "default rl2; an unknown name lists the valid ones)")
    sp.add_argument("--aux", action="store_true",
                    help="also the variants that record currents and fluxes")
    sp.add_argument("--processes", type=int, default=2,
                    help="compile processes (default 2; models are shared out as a queue)")
    sp.set_defaults(func=_cmd_compile)
    try:
        from .cli_sweep import add_sweep_parser
    except ImportError:  # pragma: no cover - the sweep CLI is optional at import time
        pass
    else:
        add_sweep_parser(sub)
    from .cli_slurm import add_slurm_parser

    add_slurm_parser(sub)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)

    def one_line(message, category, filename, lineno, file=None, line=None) -> None:
        print(f"biophys {args.command}: warning: {message}", file=sys.stderr)

    try:
        with warnings.catch_warnings():
            warnings.showwarning = one_line  # restored on leaving the block
            return int(args.func(args) or 0)
    except (ValueError, KeyError, FileNotFoundError, OSError) as exc:
        msg = exc.args[0] if isinstance(exc, KeyError) and exc.args else str(exc)
        print(f"biophys {args.command}: error: {msg}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
