"""Chen, Wang & Sherman (2008) beta-cell granule exocytosis, driven by voltage clamp.

Biophys J 95:2226-2241; equations of the authors' ``Models/Chen08/fast.ode`` (Bertram-lab
repository ``artielbm/artielbm.github.io``). An L-type Ca2+ current
``I_CaL = g_CaL*minf(V)*(V - E_Ca)`` fills a Ca2+ microdomain (``Cmd``); an R-type current
``f_R*I_CaL`` enters the cytosol (``Ci``); ``Cmd`` drives the three-site Ca2+ sensor of the
granule model of :mod:`biophys.kernels.exocytosis`.

V is a state only so that :class:`biophys.VoltageClamp` can set it: outside a clamp it stays
at its initial value (``A = B = 0``). Time in ms (the published rates, per s, are converted
in the components).
"""

from .. import fastmath as fm
from .._jit import jit
from ..exocytosis import (
    CHEN_CA_PARAM_NAMES,
    GRANULE_PARAM_NAMES,
    GRANULE_STATE_NAMES,
    MICRODOMAIN_PARAM_NAMES,
    N1,
    N5,
    N6,
    ca_current_to_flux,
    chen_bulk_ca_rates,
    granule_outputs,
    granule_rates,
    microdomain_rates,
)

STATE_NAMES = ("V", "Cmd", "Ci") + GRANULE_STATE_NAMES
PARAM_NAMES = (
    ("g_CaL", "V_half_L", "s_L", "E_Ca", "f_R", "alpha", "v_md", "v_cell", "amplification")
    + MICRODOMAIN_PARAM_NAMES + CHEN_CA_PARAM_NAMES + GRANULE_PARAM_NAMES
)
AUX_NAMES = ("I_CaL", "I_CaR", "fusion_rate", "capacitance", "insulin_rate",
             "insulin_secreted", "primed", "docked")

V, CMD, CI = 0, 1, 2
S_GRAN = 3
G_CAL, V_HALF_L, S_L, E_CA, F_R, ALPHA, V_MD, V_CELL, AMPLIFICATION = range(9)
P_MD = 9
P_CI = P_MD + len(MICRODOMAIN_PARAM_NAMES)
P_GRAN = P_CI + len(CHEN_CA_PARAM_NAMES)


@jit
def l_type_current(v, P, c):
    """Chen 2008 L-type Ca2+ current, pA: ``g_CaL[pS]*minf(V)*(V - E_Ca)[mV]*1e-3``."""
    minf = 1.0 / (1.0 + fm.exp((P[V_HALF_L, c] - v) / P[S_L, c]))
    return 1e-3 * P[G_CAL, c] * minf * (v - P[E_CA, c])


@jit
def rates(Y, P, c, t, I_ext, A, B):
    i_l = l_type_current(Y[V, c], P, c)
    alpha = P[ALPHA, c]
    j_md = ca_current_to_flux(i_l, P[V_MD, c], alpha)
    j_r = ca_current_to_flux(P[F_R, c] * i_l, P[V_CELL, c], alpha)
    ci = Y[CI, c]
    j_exch = microdomain_rates(Y, P, c, CMD, P_MD, j_md, ci, A, B)
    chen_bulk_ca_rates(Y, P, c, CI, P_CI, j_r, j_exch, A, B)
    granule_rates(Y, P, c, S_GRAN, P_GRAN, Y[CMD, c], ci, P[AMPLIFICATION, c], A, B)
    A[V, c] = 0.0
    B[V, c] = 0.0


@jit
def aux(Y, P, c, t, I_ext, OUT):
    i_l = l_type_current(Y[V, c], P, c)
    fusion_rate, capacitance, insulin_rate, insulin_secreted = granule_outputs(
        Y, P, c, S_GRAN, P_GRAN)
    OUT[0, c] = i_l
    OUT[1, c] = P[F_R, c] * i_l
    OUT[2, c] = fusion_rate
    OUT[3, c] = capacitance
    OUT[4, c] = insulin_rate
    OUT[5, c] = insulin_secreted
    OUT[6, c] = Y[S_GRAN + N1, c] + Y[S_GRAN + N5, c]
    OUT[7, c] = Y[S_GRAN + N1, c] + Y[S_GRAN + N5, c] + Y[S_GRAN + N6, c]
