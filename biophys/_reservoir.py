"""Declaration of a model's slow reservoir pool, which :func:`biophys.settled_state` settles."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Reservoir:
    """A slow pool that feeds faster pools through linear kinetics.

    The reservoir ``R`` (state ``state``) obeys ``dR/dt = s(t) - k R - J`` where ``s(t)`` is
    an inflow that does not depend on the pools (e.g. the Ca2+-dependent resupply of the
    reserve granule pool), ``k`` a first-order loss (parameter ``loss_rate``, 1/s) and ``J``
    (output ``outflow``, in the reservoir's unit per s) what leaves the pools that the
    reservoir feeds. Those pools (``followers``) are fast and linear, so that once they have
    settled they are proportional to ``R`` and ``J = phi(t) R``. The pools must not act back on
    the rest of the cell (membrane potential, Ca2+): then the cell's own slow variables settle
    at their own pace and the reservoir's steady state is ``<s> / (k + <phi>)``, which
    :func:`biophys.settled_state` computes from a measured window instead of waiting for
    several of its time constants.

    Attributes
    ----------
    state : str
        The reservoir's state (e.g. ``"N6"``, granules).
    followers : tuple of str
        States in quasi-steady state with the reservoir, proportional to it (scaled with it).
    loss_rate : str
        Parameter holding ``k``, 1/s.
    outflow : str
        Output holding ``J``, in the reservoir state's unit per s.
    """

    state: str
    followers: tuple[str, ...]
    loss_rate: str
    outflow: str
