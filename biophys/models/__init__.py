"""Built-in models. Each module here defines ``MODEL``, a :class:`biophys._model.Model`."""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache

from .._checks import did_you_mean
from .._model import Model


@cache
def _registry() -> dict[str, str]:
    names = {}
    for info in pkgutil.iter_modules(__path__):
        if not info.name.startswith("_"):
            names[info.name] = f"{__name__}.{info.name}"
    return names


def list_models() -> list[str]:
    """Names of the built-in models, sorted."""
    return sorted(_registry())


def _suggestion(name, names: list[str]) -> str:
    """" (did you mean 'hh1952'?)" for a mistyped model name: a close spelling
    (:func:`did_you_mean`), else the models whose name or one of its ``_``-separated words
    begins with ``name`` (at least two characters, case ignored: ``hh`` -> ``hh1952``,
    ``zg`` -> ``zg_cell``, ``keizer`` -> ``chay_keizer_1983``), up to three; else ""."""
    near = did_you_mean(name, names)
    if near or not isinstance(name, str) or len(name.strip("_")) < 2:
        return near
    stem = name.lower()
    hits = [n for n in names if n.lower().startswith(stem)
            or any(w.startswith(stem) for w in n.lower().split("_"))]
    return f" (did you mean {' or '.join(repr(h) for h in hits[:3])}?)" if hits else ""


@cache
def get_model(name: str) -> Model:
    """The built-in :class:`Model` called ``name``.

    Raises
    ------
    ValueError
        For an unknown name: it says the name, the closest built-in names (``'hh'``: did you
        mean ``'hh1952'``?) and lists the built-in models.
    """
    if isinstance(name, Model):
        return name
    reg = _registry()
    if name not in reg:
        names = sorted(reg)
        raise ValueError(f"unknown model {name!r}{_suggestion(name, names)}; built-in models: "
                         f"{', '.join(names)}")
    return importlib.import_module(reg[name]).MODEL
