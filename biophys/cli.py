"""The command line: ``biophys list | info | simulate | compile | sweep | hysteresis | slurm``.

``simulate --condition NAME=VALUE`` sets the bath and cytosol one value at a time, as a sweep
configuration's ``[conditions]`` table; with ``--substitution`` or ``--reference`` they make a
:class:`biophys.Solution` (and :class:`biophys.Cytosol`), as its ``[solution]`` table.

Every error in user input (malformed arguments included) becomes a one-line message on stderr
and exit status 2; no traceback. A ``simulate`` run that does not finish (a non-finite state:
numerical blow-up; or a step failure of ``--method adaptive``/``rosenbrock``), or that ends with
V outside the model's range, still writes its outputs, says so on stderr and exits with status
3; so do ``sweep --strict`` and ``hysteresis --strict`` when a point is not ok. Ctrl-C: one line
and exit status 130.
"""

from __future__ import annotations

import argparse
import os
import sys
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from ._version import __version__

if TYPE_CHECKING:
    from ._model import Model
    from .solution import Solution

#: Exit status of ``biophys simulate`` when the run does not finish (a non-finite state or a
#: step failure) or leaves the range of V, and of ``sweep --strict`` /
#: ``hysteresis --strict`` with a point not ok.
EXIT_NONFINITE = 3
#: Exit status when stdout is a pipe its reader closed early (``biophys info zg_cell | head``),
#: 128 + SIGPIPE as a shell reports a process that signal ended.
EXIT_BROKEN_PIPE = 141
#: Exit status after Ctrl-C (128 + SIGINT, as a shell reports it).
EXIT_INTERRUPTED = 130

#: ``biophys simulate``'s options for parameters and conditions, as its messages name them.
OPTION_NAMES = ("--set", "--condition")


def _parse_assignments(items: Sequence[str], what: str) -> dict[str, float | str]:
    """``NAME=VALUE`` arguments of option ``what`` as ``{name: value}``.

    A value that is not a number is kept as its text, so that the check of the model, Solution
    or Cytosol it goes to refuses it with a message that names the quantity, its unit and its
    valid range.
    """
    out: dict[str, float | str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        name = name.strip()
        if not sep or not name:
            raise ValueError(f"{what} {item!r} must look like NAME=VALUE")
        try:
            out[name] = float(value)
        except ValueError:
            out[name] = value.strip()
    return out


def _listing(names: Sequence[str]) -> str:
    """Names as a comma-separated list for a message."""
    return ", ".join(names) or "(none)"


def _conditions(args: argparse.Namespace, model: Model, params: Mapping[str, object]
                ) -> Solution | dict[str, float | str] | None:
    """``conditions=`` of ``biophys simulate`` from ``--condition``, ``--substitution`` and
    ``--reference``, as a sweep configuration's ``[conditions]`` and ``[solution]`` tables.

    Parameters
    ----------
    args : argparse.Namespace
        The parsed ``simulate`` arguments.
    model : Model
        The model simulated.
    params : mapping
        The ``--set`` overrides (a name may not also be a condition given or set here).

    Returns
    -------
    Solution, dict or None
        With ``--substitution`` a :class:`biophys.Solution` (its cytosol from the Cytosol
        fields; fields not given are the model's own values; ``--reference`` needs a rule
        other than ``none``, which would not read it); else the
        ``--condition`` values by name (mM, C, ... as in ``biophys info``), or None.
    """
    from . import _bath

    given = _parse_assignments(args.condition or [], "--condition")
    if args.substitution is None and args.reference is None:
        conds = given or None
        _bath.overrides(model, conds, params, OPTION_NAMES)  # the API's checks, our words
        return conds
    for key in ("substitution", "reference"):
        if key in given:
            raise ValueError(f"--condition {key}=...: give the {key} with --{key}")
    table: dict[str, object] = dict(given)
    if args.substitution is not None:
        table["substitution"] = args.substitution
    if args.reference is not None:
        if args.substitution in (None, "none"):
            raise ValueError(
                "--reference is the reference bath of a substitution rule: give --substitution "
                "equimolar_Na, constant_osmolarity or constant_ionic_strength with it (under "
                "none it would be recorded and not used)")
        if len(args.reference) not in (2, 4):
            raise ValueError(
                f"--reference takes 2 values (K_REF NA_REF) or 4 (K_REF NA_REF CA_REF MG_REF), "
                f"mM, got {len(args.reference)}: {' '.join(f'{x:g}' for x in args.reference)}")
        table["reference"] = tuple(args.reference)
    sol = _bath.solution_from_table(table, "--condition with --substitution",
                                    "; other parameters go in --set")
    unused = sol.unused(model)
    # refused here, where a field is typed for this one model (the API and a sweep's
    # [solution] table warn and go on: a Solution object or a table may serve several models)
    if unused:
        raise ValueError(f"--condition {_listing(unused)}: not a condition of model "
                         f"{model.name!r} (its conditions: {_listing(model.condition_names)})")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the range warnings come once, from the run
        _bath.overrides(model, sol, params, OPTION_NAMES)
    return sol


def _parent(path: str, option: str | None = None) -> None:
    """Create the folder output file ``path`` goes into; a failure is a ValueError naming the
    output option ``option`` and the reason (not "[Errno 17] File exists: ...")."""
    option = option or "output file"
    _check_folder(option, path)
    folder = Path(path).expanduser().resolve().parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ValueError(f"{option} {path!r}: cannot create its folder {str(folder)!r}: "
                         f"{exc.strerror or exc}") from None


def _check_folder(option: str, path: str | None) -> None:
    """Before a run, without creating anything: the folder of output file ``path`` of option
    ``option`` exists or can be created (its nearest existing ancestor is a folder that may be
    written in); else a ValueError naming ``option`` (the run's outputs were lost after the
    run)."""
    if not path:
        return
    target = Path(path).expanduser().resolve()
    folder = base = target.parent
    while not base.exists() and base != base.parent:
        base = base.parent
    where = f"{option} {path!r}: cannot create its folder {str(folder)!r}"
    if not base.is_dir():
        raise ValueError(f"{where}: {str(base)!r} is a file, not a folder")
    if not os.access(base, os.W_OK | os.X_OK):
        if base == folder:
            where = f"{option} {path!r}: cannot write in its folder {str(folder)!r}"
        raise ValueError(f"{where}: permission denied in {str(base)!r}")


def _plot_formats() -> dict[str, str]:
    """The figure formats matplotlib writes, ``{extension: description}``."""
    from matplotlib.backend_bases import FigureCanvasBase

    return FigureCanvasBase.get_supported_filetypes()


def _output_file(option: str, path: str | None, example: str) -> str | None:
    """The file that output option ``option`` writes, checked before the run: not a folder
    (``--plot figs`` saved ``figs.png`` beside it, ``--out figs`` failed after the run with
    "Permission denied"); a ``--plot`` name without an extension gets ``.png``, the file
    matplotlib writes then (so "wrote" names the real file); another extension must be a
    format matplotlib writes (``fig.xyz`` failed after the run, and after ``--out`` was
    written). Nothing is created."""
    if not path:
        return None
    if Path(path).expanduser().is_dir():
        raise ValueError(f"{option} {path!r} is a folder; give a file name, e.g. "
                         f"{str(Path(path) / example)!r}")
    if option.endswith("plot"):  # --plot, or a configuration's [output] plot
        suffix = Path(path).suffix
        if not suffix:
            path += ".png"
        elif suffix[1:].lower() not in (formats := _plot_formats()):
            raise ValueError(f"{option} {path!r}: {suffix!r} is not a figure format matplotlib "
                             f"writes; give a file name ending in one of: "
                             f"{', '.join('.' + f for f in sorted(formats))}")
    return path


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

    m = bp.model(args.model)
    if args.format == "text":
        print(m.table())
    elif args.format == "json":
        import json
        import math

        def finite(x):  # JSON has no NaN or infinity: null (an output's value, an open range)
            return x if not isinstance(x, float) or math.isfinite(x) else None

        rows = [{k: finite(v) for k, v in row.items()} for row in m.registry()]
        print(json.dumps({"model": m.name, "title": m.title, "references": list(m.references),
                          "quantities": rows}, indent=1, ensure_ascii=False, allow_nan=False))
    else:
        import csv

        rows = m.registry()
        w = csv.DictWriter(sys.stdout, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        for row in rows:  # NaN (an output's value and range) as an empty field
            w.writerow({k: "" if isinstance(v, float) and v != v else v for k, v in row.items()})
    return 0


def _cmd_simulate(args: argparse.Namespace) -> int:
    import biophys as bp
    from biophys.plot import plot_traces

    m = bp.model(args.model)
    params = _parse_assignments(args.set or [], "--set")
    initial = _parse_assignments(args.init or [], "--init")
    conditions = _conditions(args, m, params)
    stimulus = None
    if args.pulse:
        amp, start, dur = args.pulse
        stimulus = bp.Pulse(amp, start, dur)
    record = ["V"] if args.record is None else [r.strip() for r in args.record.split(",")]
    if not all(record):
        raise ValueError(f"--record {args.record!r} names nothing between its commas: give "
                         "comma-separated states or outputs, e.g. V,Ca_i (default V)")
    out = _output_file("--out", args.out, "trace.nc")
    plot = _output_file("--plot", args.plot, "trace.png")
    for option, target in (("--out", out), ("--plot", plot)):
        _check_folder(option, target)  # before the run, which would be lost
    if args.dt is None and 0.0 < args.t_end < m.dt:
        raise ValueError(f"--t-end {args.t_end:g} ms is shorter than the step of {args.model} "
                         f"(dt = {m.dt:g} ms, the default of --dt): give a --dt of at most "
                         f"{args.t_end:g} ms")
    with warnings.catch_warnings():
        # a failed run is reported below, with the files written
        warnings.filterwarnings("ignore", message=".*: the run (ended with status|reached V = )")
        ds = bp.simulate(args.model, t_end=args.t_end, dt=args.dt, params=params,
                         conditions=conditions, initial=initial, stimulus=stimulus,
                         record=record, record_every=args.record_every, method=args.method,
                         rtol=args.rtol, atol=args.atol)
    if out:
        _parent(out, "--out")
        ds.to_netcdf(out)
        print(f"wrote {out}")
    if plot:
        _parent(plot, "--plot")
        plot_traces(ds, path=plot)
        print(f"wrote {plot}")
    n = ds.sizes.get("spike", 0)
    print(f"{args.model}: {args.t_end:g} ms simulated, {n} spikes, status {ds.attrs['status']}")
    if ds.attrs["status"] != "ok":
        written = [f for f in (out, plot) if f]
        kept = f"; written anyway: {', '.join(written)}" if written else ""
        if ds.attrs["status"] == "V out of range":
            import json

            from .simulate import v_out_of_range

            v_end = json.loads(ds.attrs["final_state"])["V"]
            v_rec = ds["V"].values if "V" in ds else None
            reached = v_out_of_range(m, v_end, ds["time"].values, v_rec)
            print(f"biophys simulate: error: the run reached {reached} "
                  f"(status {ds.attrs['status']!r}){kept}", file=sys.stderr)
            return EXIT_NONFINITE
        what = ("numerical blow-up" if ds.attrs["status"] == "non-finite state" else
                "the error-controlled method could not go on")
        print(f"biophys simulate: error: the run ended with status {ds.attrs['status']!r} "
              f"({what}){_nonfinite_at(ds)}{kept}; try a smaller --dt (the model's "
              f"step is {m.dt:g} ms)", file=sys.stderr)
        return EXIT_NONFINITE
    return 0


def _cmd_compile(args: argparse.Namespace) -> int:
    import time

    from ._cache import cache_dir
    from ._compile import precompile
    from ._engine import DEFAULT_METHOD

    t = time.perf_counter()
    cpu = precompile(args.models or None, methods=tuple(args.method or [DEFAULT_METHOD]),
                     aux=args.aux, processes=args.processes)
    for name, seconds in cpu.items():
        print(f"{name:<30} {seconds:6.1f} s CPU")
    n = len(cpu)
    print(f"{n} model{'' if n == 1 else 's'} ready in {time.perf_counter() - t:.1f} s "
          f"(cache {cache_dir()})")
    return 0


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line on stderr and exit status 2, like the
    input errors the commands raise (the subcommands' parsers are of this class too)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    from ._engine import ATOL, DEFAULT_METHOD, METHODS, RTOL
    from .solution import SUBSTITUTIONS

    p = _Parser(prog="biophys", description=__doc__.splitlines()[0],
                epilog="Exit status: 0 ok; 2 an error in the input (one line on stderr); "
                f"{EXIT_NONFINITE} a simulate run that did not finish (a non-finite state, or a "
                "step failure of --method adaptive/rosenbrock) or took V out of its range, "
                "or a point not ok in "
                f"sweep/hysteresis --strict; {EXIT_INTERRUPTED} interrupted (Ctrl-C); "
                f"{EXIT_BROKEN_PIPE} the reader of its output closed the pipe early (e.g. | head).")
    p.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = p.add_subparsers(dest="command", required=True)
    sp = sub.add_parser("list", help="list the built-in models")
    sp.set_defaults(func=_cmd_list)
    sp = sub.add_parser("info", help="parameter table of a model, with units and sources")
    sp.add_argument("model")
    sp.add_argument("--format", choices=("text", "csv", "json"), default="text",
                    help="text (default); csv or json: every parameter, state and output with "
                         "value, unit, valid range, condition flag, description and source "
                         "(a provenance table; JSON adds title and references)")
    sp.set_defaults(func=_cmd_info)
    sp = sub.add_parser("simulate", help="simulate one cell and write a trace / figure",
                        description="Simulate one cell; print a one-line summary and write "
                        "the trace (--out) and a figure (--plot) when asked.",
                        epilog=f"Exit status: 0 ok; 2 an error in the input; {EXIT_NONFINITE} "
                        "the run did not finish (a non-finite state: numerical blow-up; or a "
                        "step failure of --method adaptive/rosenbrock) or took V out "
                        "of the model's range (--out and --plot are still written).")
    sp.add_argument("model")
    sp.add_argument("--t-end", type=float, required=True, help="duration, ms")
    sp.add_argument("--dt", type=float, default=None,
                    help="step, ms (default: the model's; at most --t-end): the fixed step of "
                    "rl2, rl1, rl2ab and staggered (more than 10x the model's step draws a "
                    "warning); with --method adaptive or rosenbrock not a step but the output "
                    "grid (and first trial step), the steps following --rtol/--atol")
    sp.add_argument("--set", action="append", metavar="NAME=VALUE",
                    help="parameter override (repeatable; units as in biophys info)")
    sp.add_argument("--init", action="append", metavar="NAME=VALUE",
                    help="initial state (repeatable; units as in biophys info)")
    sp.add_argument("--condition", action="append", metavar="NAME=VALUE",
                    help="bath or cytosol value (repeatable; units as in biophys info): a "
                    "condition of the model, e.g. K_o=8 (mM), set alone as with [conditions] "
                    "in a sweep configuration; with --substitution a field of "
                    "biophys.Solution (K_o, Na_o, Ca_o, Mg_o, Cl_o mM, temperature C) or "
                    "biophys.Cytosol (Mg_i, ATP, ADP, Pi, Na_i, K_i mM, pH), as with "
                    "[solution]; fields not given are the model's own values")
    sp.add_argument("--substitution", choices=SUBSTITUTIONS, default=None,
                    help="make the bath a biophys.Solution with this rule for how NaCl makes "
                    "up for changes relative to the reference bath: equimolar_Na lowers Na_o "
                    "by the rise of K_o (KCl replaces NaCl), constant_osmolarity and "
                    "constant_ionic_strength also make up for Ca_o and Mg_o changes (1.5 or 3 "
                    "mM NaCl per mM), none changes K_o alone (default: the --condition values "
                    "are set one by one)")
    sp.add_argument("--reference", type=float, nargs="+", metavar="MM",
                    default=None, help="reference bath of the --substitution rule: K_o Na_o "
                    "(equimolar_Na), or K_o Na_o Ca_o Mg_o (constant_osmolarity, "
                    "constant_ionic_strength; also K_o Na_o alone, Ca_o and Mg_o then the "
                    "model's own), in mM (K_o, Na_o > 0; default: the model's own bath)")
    sp.add_argument("--method", choices=tuple(METHODS), default=DEFAULT_METHOD,
                    help="integration method (default %(default)s; see biophys.simulate)")
    sp.add_argument("--rtol", type=float, default=None,
                    help="relative local error tolerance of the error-controlled methods "
                    "(--method adaptive or rosenbrock), dimensionless, in [1e-14, 0.1] "
                    f"(default {RTOL:g}); an error with a fixed-step method")
    sp.add_argument("--atol", type=float, default=None,
                    help="absolute local error tolerance of --method adaptive or rosenbrock, "
                    "one number for every state, in each state's own unit, > 0 (default "
                    f"{ATOL:g}); an error with a fixed-step method")
    sp.add_argument("--pulse", type=float, nargs=3, metavar=("AMP", "START", "DURATION"),
                    help="square current pulse (model current unit, ms, ms)")
    sp.add_argument("--record", default=None, help="comma-separated states/outputs (default V)")
    sp.add_argument("--record-every", type=float, default=None,
                    help="recording interval, ms (default: every step, --dt); rounded to a "
                    "whole number of steps, with a warning when that changes it")
    sp.add_argument("--out", default=None, help="netCDF results file")
    sp.add_argument("--plot", default=None,
                    help="figure file: PNG, or another format matplotlib writes by its "
                    "extension (pdf, svg, ...; none: .png added)")
    sp.set_defaults(func=_cmd_simulate)
    sp = sub.add_parser("compile", help="compile (or load) the kernels of models into the "
                        "on-disk cache, e.g. once after installing")
    sp.add_argument("models", nargs="*", help="model names (default: every built-in model)")
    sp.add_argument("--method", action="append", choices=tuple(METHODS),
                    help="integration method to prepare, as in simulate/sweep (repeatable; "
                    f"default {DEFAULT_METHOD})")
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
    from .cli_hysteresis import add_hysteresis_parser
    from .cli_slurm import add_slurm_parser

    add_hysteresis_parser(sub)
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
            status = int(args.func(args) or 0)
            sys.stdout.flush()  # a closed pipe shows here, not at interpreter exit
            return status
    except BrokenPipeError:
        # the reader (e.g. head) has what it wanted: no message, and stdout pointed at
        # devnull so that Python's own flush at exit does not report the pipe again
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    except KeyboardInterrupt:  # a command with something to say about it says it itself
        print(f"biophys {args.command}: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except (ValueError, KeyError, FileNotFoundError, OSError) as exc:
        msg = exc.args[0] if isinstance(exc, KeyError) and exc.args else str(exc)
        print(f"biophys {args.command}: error: {msg}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
