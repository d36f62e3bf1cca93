"""Extracellular K+ x Mg2+ sweep of a beta-cell or zona glomerulosa model, from Python.

Usage::

    python examples/sweep_K_Mg.py                    # beta_cell, 4 x 4 points (about 45 s)
    python examples/sweep_K_Mg.py --model zg_cell    # the ZG cell
    python examples/sweep_K_Mg.py --full --checkpoint run-K-Mg/   # finer grid, resumable
    python examples/sweep_K_Mg.py --dask             # the same on a local Dask cluster

Writes ``<model>_K_Mg.nc`` (open with ``biophys.open_sweep``) and ``<model>_K_Mg.png`` (one
heatmap per metric, axes with units).

Run lengths and warm-ups are those of the command-line examples (``examples/*_K_Mg.toml``):
``beta_cell`` first runs 300 s per point in ``biophys.settled_state``, which sets its slow
reserve granule pool to its steady state (from the initial state it relaxes over 25-56 min),
then 480 s per point measured after 300 s, once the fast pools have settled (insulin output at
4 mM K_o from the initial state: 6.1 fg/s over 5-20 s, 0.89 over 300-480 s; settled 0.82);
``zg_cell`` runs 60 s per point and measures the last 40 s (after a 20 s warm-up), with the
running Ca2+ average of the aldosterone read-out shortened to 2 s (``tau_avg``), so that the
read-out has reached its steady rate. Its grid stays inside its calibrated 2-8 mM K_o; 2.5, 5
and 7.5 mM are the K_o of the calibration's canine conditions, but the calibration holds Na_o
at 140 mM while here K+ replaces Na+ mole for mole (``equimolar_Na``), so the results need not
match it (firing at 7.5 mM differs, README.md); the beta-cell grid goes to 12 mM.

The table printed at the end gives each metric with its unit, to four significant figures.
"""

from __future__ import annotations

import argparse

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import biophys as bp  # noqa: E402
from biophys import plot  # noqa: E402

METRICS = {
    "beta_cell": ["mean_V", "plateau_fraction", "mean_Ca_i", "secretion_rate", "insulin_rate",
                  "pump_current"],
    "zg_cell": ["mean_V", "spike_rate", "mean_Ca_i", "aldosterone_rate"],
}

#: Run length and warm-up (ms) and parameter overrides of each model (see the docstring).
RUNS = {
    "beta_cell": {"t_end": 480_000.0, "warmup": 300_000.0, "params": {}},
    "zg_cell": {"t_end": 60_000.0, "warmup": 20_000.0, "params": {"tau_avg": 2_000.0}},
}

#: The settling run (ms) of each model before the sweep (biophys.settled_state, the [settle]
#: table of the command-line example), or None.
SETTLE = {
    "beta_cell": {"t_end": 300_000.0, "window": 100_000.0},
    "zg_cell": None,
}


#: K_o axes (mM): (default, --full) per model; zg_cell's inside its calibrated 2-8 mM.
K_O = {
    "beta_cell": ([4.0, 5.4, 8.0, 12.0], np.linspace(2.0, 12.0, 21)),
    "zg_cell": ([2.5, 4.0, 5.0, 7.5], np.linspace(2.0, 8.0, 13)),
}


def table_text(res, names) -> str:
    """The metrics ``names`` of ``res`` as a table, one column per metric headed with its unit,
    values to four significant figures (Ca2+ in mM is 1e-4: fixed decimals would round it)."""
    table = res[list(names)].to_dataframe()
    table.columns = [f"{n} ({res[n].attrs.get('units', '1')})" for n in names]
    return table.to_string(float_format=lambda v: f"{v:.4g}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default="beta_cell", choices=sorted(METRICS))
    ap.add_argument("--full", action="store_true",
                    help="finer grid (beta_cell 126 points, zg_cell 78)")
    ap.add_argument("--dask", action="store_true", help="local Dask cluster, 2 workers")
    ap.add_argument("--checkpoint", default=None, help="directory to make the run resumable")
    args = ap.parse_args()
    if args.model not in bp.list_models():
        raise SystemExit(f"model {args.model!r} is not available; built-in models: "
                         f"{', '.join(bp.list_models())}")
    grid = {"K_o": K_O[args.model][args.full],
            "Mg_o": [0.25, 0.5, 1.0, 1.5, 2.0, 3.0] if args.full else [0.25, 0.5, 1.0, 2.0]}
    # KCl replaces NaCl, as in the laboratory, starting from the model's own bath (every field
    # left out is the model's own value); the rule is recorded in the results.
    bath = bp.Solution(substitution="equimolar_Na")
    backend = "dask" if args.dask else "threads"
    initial = None
    if SETTLE[args.model] is not None:  # the same points, started at the steady reserve pool
        initial = bp.settled_state(args.model, grid=grid, conditions=bath,
                                   params=RUNS[args.model]["params"], backend=backend,
                                   progress=True, **SETTLE[args.model])
    res = bp.sweep(args.model, grid=grid, **RUNS[args.model], conditions=bath, initial=initial,
                   metrics=METRICS[args.model], backend=backend, checkpoint=args.checkpoint,
                   progress=True)
    out = f"{args.model}_K_Mg"
    res.to_netcdf(f"{out}.nc")
    names = METRICS[args.model]
    fig, axes = plt.subplots(2, (len(names) + 1) // 2, figsize=(5.0 * ((len(names) + 1) // 2),
                                                                 8.0), layout="constrained")
    for ax, name in zip(axes.flat, names, strict=False):
        plot.heatmap(res, name, x="K_o", y="Mg_o", ax=ax)
    for ax in list(axes.flat)[len(names):]:
        ax.set_visible(False)
    fig.savefig(f"{out}.png", dpi=120)
    print(table_text(res, names))
    print(f"wrote {out}.nc and {out}.png; bath rule: {res.attrs['substitution_rule']}")


if __name__ == "__main__":
    main()
