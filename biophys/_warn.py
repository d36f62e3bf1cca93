"""Warnings attributed to the user's line, not to biophys internals."""

from __future__ import annotations

import sys
import warnings


def _inside(frame) -> bool:
    # by module name, so dataclass-generated methods (file "<string>") count as inside too
    name = frame.f_globals.get("__name__", "")
    return name == "biophys" or name.startswith("biophys.")


def warn_user(message: str, category: type[Warning] = UserWarning) -> None:
    """``warnings.warn`` with the stack level of the first frame outside the ``biophys``
    package, so the warning names the caller's file and line however deep inside the package it
    was raised (and the default filter shows it once per calling line)."""
    frame = sys._getframe(1)
    level = 2
    while frame is not None and _inside(frame):
        frame = frame.f_back
        level += 1
    warnings.warn(message, category, stacklevel=level - 1 if frame is None else level)
