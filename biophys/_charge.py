"""The charge invariant a model declares (:class:`ChargeBalance`, :class:`ChargeCarrier`),
checked per sweep point by :mod:`biophys.audit`."""

from __future__ import annotations

from dataclasses import dataclass

#: Membrane charge per mM of a monovalent ion per unit compartment volume, by unit
#: convention: ``"whole_cell"`` (currents in pA, capacitance in pF, volumes in fL: fC per
#: mM fL, ``F/1000``); ``"density"`` (uA/cm^2, uF/cm^2, volumes in um^3 per um^2 of membrane
#: area: nC/cm^2 per mM um, ``F/10``). As :func:`biophys.kernels.ion_balance.charge_per_mM_pA`
#: and :func:`~biophys.kernels.ion_balance.charge_per_mM_density`.
CHARGE_CONVENTIONS = ("whole_cell", "density")


@dataclass(frozen=True)
class ChargeCarrier:
    """A tracked ion concentration that carries membrane current (see :class:`ChargeBalance`).

    Attributes
    ----------
    state : str
        Concentration state, mM, of a compartment inside the membrane (cytosol, ER); free
        concentration when ``free_fraction`` is given.
    valence : int
        Charge number of the ion (+1 Na+ and K+, +2 Ca2+).
    volume : str
        Parameter holding the compartment's volume (fL or um^3, per the convention).
    free_fraction : str or None
        Parameter holding the rapid-buffer free fraction (the state's change is this fraction
        of the total's); None: unbuffered.
    """

    state: str
    valence: int
    volume: str
    free_fraction: str | None = None


@dataclass(frozen=True)
class ChargeBalance:
    """The charge invariant of a model whose every membrane current is carried by tracked ions.

    With no applied current the ODEs keep ``Q = C V - sum_ion q_ion z_ion c_ion`` constant
    (``q_ion``: membrane charge per mM in the ion's compartment, divided by its free fraction);
    an applied current ``I(t)`` changes it by its integral. :mod:`biophys.audit` checks this
    per sweep point from the initial and final states alone.

    Attributes
    ----------
    capacitance : str
        Parameter holding the membrane capacitance.
    carriers : tuple of ChargeCarrier
        Every tracked ion, each compartment once (cytosolic and ER Ca2+ separately).
    convention : str
        Unit convention, one of :data:`CHARGE_CONVENTIONS`.
    area : str or None
        Parameter holding the membrane area, um^2 (``"density"`` only).
    applied : str or None
        Parameter holding a constant applied current (depolarising > 0), if the model has one.
    """

    capacitance: str
    carriers: tuple[ChargeCarrier, ...]
    convention: str = "whole_cell"
    area: str | None = None
    applied: str | None = None
