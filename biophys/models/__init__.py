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
        raise ValueError(f"unknown model {name!r}{did_you_mean(name, names, prefixes=True)}; "
                         f"built-in models: {', '.join(names)}")
    return importlib.import_module(reg[name]).MODEL
