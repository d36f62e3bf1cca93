"""Physical constants (SI 2019 defining constants; F and R as CODATA 2018 prints them) and thermal
voltage.

Units used throughout the kernels: mV, ms, mM, uA/cm^2, mS/cm^2, uF/cm^2, degrees C at the API.
"""

from . import fastmath as fm
from ._jit import jit

#: Faraday constant, C/mol: CODATA 2018's 96485.33212..., truncated; exactly N_A e =
#: 96485.33212331... (3.4e-11 relative difference).
FARADAY = 96485.33212
#: Molar gas constant, J/(mol K): CODATA 2018's 8.314462618..., truncated; exactly N_A k_B =
#: 8.31446261815324 (1.8e-11 relative difference).
GAS_CONSTANT = 8.314462618
#: Elementary charge, C (SI 2019 exact).
ELEMENTARY_CHARGE = 1.602176634e-19
#: Boltzmann constant, J/K (SI 2019 exact).
BOLTZMANN = 1.380649e-23
#: Avogadro constant, 1/mol (SI 2019 exact).
AVOGADRO = 6.02214076e23
#: Vacuum permittivity, F/m (CODATA 2018).
VACUUM_PERMITTIVITY = 8.8541878128e-12
#: Zero of the Celsius scale, K.
ZERO_CELSIUS = 273.15


@jit
def thermal_voltage(temperature_C):
    """RT/F in mV at ``temperature_C`` (degrees C)."""
    return 1000.0 * GAS_CONSTANT * (temperature_C + ZERO_CELSIUS) / FARADAY


@jit
def nernst(z, c_out, c_in, temperature_C):
    """Nernst equilibrium potential, mV.

    Parameters
    ----------
    z : float
        Valence of the ion (non-zero, e.g. +1 for K+, +2 for Ca2+, -1 for Cl-).
    c_out, c_in : float
        Extracellular and intracellular concentrations, same unit (mM), both > 0.
    temperature_C : float
        Temperature, degrees C.

    The logarithm is :func:`biophys.kernels.fastmath.log` (within 1 ulp, vectorisable), so a
    model may evaluate E_K at every step (e.g. with K_i a state) without a libm call.
    """
    return thermal_voltage(temperature_C) / z * fm.log(c_out / c_in)
