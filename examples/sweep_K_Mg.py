"""Extracellular K+ x Mg2+ sweep of a beta-cell or zona glomerulosa model, from Python.

Usage::

    python examples/sweep_K_Mg.py                    # beta_cell, small map (about a minute)
    python examples/sweep_K_Mg.py --model zg_cell    # the ZG cell
    python examples/sweep_K_Mg.py --full --checkpoint run-K-Mg/   # finer, longer, resumable
    python examples/sweep_K_Mg.py --dask             # the same on a local Dask cluster

Writes ``<model>_K_Mg.nc`` (open with ``biophys.open_sweep``) and ``<model>_K_Mg.png`` (one
heatmap per metric, axes with units).
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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default="beta_cell", choices=sorted(METRICS))
    ap.add_argument("--full", action="store_true", help="finer grid, 2 min runs")
    ap.add_argument("--dask", action="store_true", help="local Dask cluster, 2 workers")
    ap.add_argument("--checkpoint", default=None, help="directory to make the run resumable")
    args = ap.parse_args()
    if args.model not in bp.list_models():
        raise SystemExit(f"model {args.model!r} is not available; built-in models: "
                         f"{', '.join(bp.list_models())}")
    if args.full:
        grid = {"K_o": np.linspace(2.0, 12.0, 21), "Mg_o": [0.25, 0.5, 1.0, 1.5, 2.0, 3.0]}
        t_end, warmup = 120_000.0, 30_000.0  # ms
    else:
        grid = {"K_o": [4.0, 5.4, 8.0, 12.0], "Mg_o": [0.25, 0.5, 1.0, 2.0]}
        t_end, warmup = 20_000.0, 5_000.0  # ms
    # KCl replaces NaCl, as in the laboratory, starting from the model's own bath (every field
    # left out is the model's own value); the rule is recorded in the results.
    bath = bp.Solution(substitution="equimolar_Na")
    res = bp.sweep(args.model, grid=grid, t_end=t_end, warmup=warmup, conditions=bath,
                   metrics=METRICS[args.model], backend="dask" if args.dask else "threads",
                   checkpoint=args.checkpoint, progress=True)
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
    print(res[names].to_dataframe().round(4).to_string())
    print(f"wrote {out}.nc and {out}.png; bath rule: {res.attrs['substitution_rule']}")


if __name__ == "__main__":
    main()
