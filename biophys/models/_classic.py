"""Shared pieces of the classic published beta-cell models.

The classic models (``chay_keizer_1983``, ``sherman_rinzel_keizer_1988``,
``bertram_sherman_2004``, ``iom_1_7``) were published with a fixed K+ reversal potential
(V_K = -75 mV in every model file). Here E_K is the Nernst potential of ``K_o`` and an
effective cytosolic ``K_i``, with ``K_i`` chosen so that E_K equals the published value at
the default bath K+ and temperature; ``K_o`` then becomes a sweepable condition.

This module has no ``MODEL`` and its name starts with ``_``, so the model registry
(:mod:`biophys.models`) skips it.
"""

from __future__ import annotations

import math

from .._model import Parameter
from ..kernels.constants import thermal_voltage

#: The fixed K+ reversal potential of all four published model files (``vk = -75``), mV.
E_K_PUBLISHED = -75.0
#: Default bath K+, mM: a standard islet bath (the IOM1.7 file's commented hook uses 5 mM).
K_O_DEFAULT = 5.0

_K_O_SOURCE = ("chosen here: 5 mM, the value of the IOM1.7 model file's commented-out K_o "
               "hook (the four files fix V_K instead); with K_i gives the published V_K = "
               "-75 mV")
_T_DESCRIPTION = ("temperature, enters only RT/F of E_K (the published rates have no "
                  "temperature dependence)")


def effective_K_i(temperature: float, E_K: float = E_K_PUBLISHED,
                  K_o: float = K_O_DEFAULT) -> float:
    """Cytosolic K+ that makes the Nernst potential equal ``E_K``.

    Parameters
    ----------
    temperature : float
        Temperature, C (sets RT/F).
    E_K : float
        Target K+ reversal potential, mV.
    K_o : float
        Bath K+, mM.

    Returns
    -------
    float
        K_i in mM such that RT/F ln(K_o/K_i) = E_K: 97.35 mM at 20 C and 82.7 mM at 37 C
        for the defaults (5 mM, -75 mV).
    """
    return K_o * math.exp(-E_K / thermal_voltage(temperature))


def nernst_potassium_parameters(
    model_file: str,
    temperature: float,
    *,
    K_o_source: str = _K_O_SOURCE,
    K_i_note: str = "",
    temperature_description: str = _T_DESCRIPTION,
    temperature_source: str | None = None,
) -> tuple[Parameter, Parameter, Parameter]:
    """The ``K_o``, ``K_i`` and ``temperature`` parameters of a classic model.

    ``K_i`` defaults to :func:`effective_K_i` at ``temperature`` so that E_K equals the
    published -75 mV at K_o = 5 mM.

    Parameters
    ----------
    model_file : str
        Name of the published model file that fixes V_K = -75 mV (quoted in the K_i
        source), e.g. ``"srk.ode"``.
    temperature : float
        Default temperature, C.
    K_o_source : str
        Source text of the default ``K_o``.
    K_i_note : str
        Extra remark appended to the K_i source (in parentheses).
    temperature_description : str
        Description of the temperature parameter (what it affects in this model).
    temperature_source : str, optional
        Source text of the default temperature (default: chosen here, with K_i giving
        E_K = -75 mV).

    Returns
    -------
    tuple of Parameter
        ``(K_o, K_i, temperature)``, in that order, as used in the models' parameter lists.
    """
    t_text = f"{temperature:g} C"
    K_i_source = (
        f"chosen here so that the Nernst E_K equals the published V_K = "
        f"{E_K_PUBLISHED:g} mV ({model_file}) at K_o = {K_O_DEFAULT:g} mM and {t_text}; an "
        "effective value, not a measured cytosolic K+"
    )
    if K_i_note:
        K_i_source += f" ({K_i_note})"
    if temperature_source is None:
        temperature_source = f"chosen here ({t_text}, with K_i giving E_K = -75 mV)"
    return (
        Parameter("K_o", K_O_DEFAULT, "mM", "extracellular K+ (sets E_K by Nernst)",
                  K_o_source, (0.01, 200.0), condition=True),
        Parameter("K_i", effective_K_i(temperature), "mM",
                  "effective cytosolic K+ (sets E_K by Nernst)", K_i_source, (1.0, 500.0)),
        Parameter("temperature", temperature, "C", temperature_description,
                  temperature_source, (-5.0, 50.0), condition=True),
    )
