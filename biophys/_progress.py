"""The progress bar of sweeps and hysteresis runs (tqdm), quiet where it is not shown."""

from __future__ import annotations

import warnings


def progress_bar(*, disable: bool, **kw):
    """A ``tqdm`` bar: the notebook widget where Jupyter can draw one, text otherwise.

    ``tqdm.auto`` warns on import inside a Jupyter kernel without ``ipywidgets`` (not a
    dependency) and then draws text; that warning is not the user's business, and a disabled
    bar does not import it at all.
    """
    if disable:
        from tqdm.std import tqdm
    else:
        from tqdm import TqdmWarning

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", TqdmWarning)
            from tqdm.auto import tqdm
    return tqdm(disable=disable, **kw)
