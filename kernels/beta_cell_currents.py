"""Membrane currents, transporters and metabolism of the Cha et al. (2011) mouse beta cell.

Cha CY, Nakamura Y, Himeno Y, Wang J, Fujimoto S, Inagaki N, Earm YE, Noma A (2011) J Gen
Physiol 138:21-37. The equations are those of the NEURON port by C. L. Lei (2017),
``chonlei/bHub_sim/models/betacell_cha2011_v3/bcell_cha.mod`` (identical to
``betacell_cha2011_hraha2014/bcellcha.mod`` apart from the islet-hub additions), written here
as independent code. The model kernel :mod:`biophys.kernels.models.beta_cell` assembles them.

Units (those of Cha et al. 2011, kept throughout): V in mV; time in ms; currents in pA
(outward positive); "permeabilities" of the constant-field currents in pA/mM (the current is
permeability x gating x constant-field driving concentration, mM); conductances in nS
(= pA/mV); concentrations in mM; volumes in fL; fluxes of substance in amol/ms
(= mM fL/ms); rate constants in 1/ms.

Constant-field driving terms use :func:`biophys.kernels.ghk.ghk_driving` (``c_i g(x) -
c_o g(-x)``, the Kyoto ``CF`` factor), which is exact at V = 0 where the NEURON port divides
0 by 0.

Every exponential and power evaluated per time step is the vectorisable one of
:mod:`biophys.kernels.fastmath` (within a few ulp of libm), so that the drivers' loops over
cells compile to SIMD code (:func:`glucose_activation`, a parameter-only factor, uses libm). Rate
expressions of the form ``a / (b exp(x))`` are written as ``(a/b) exp(-x)`` and divisions by
constants as multiplications by their reciprocals; these agree with the published forms to
rounding.
"""

from . import fastmath as fm
from ._jit import jit


@jit
def cal_gate_rates(V):
    """Voltage-dependent gates of the L-type Ca2+ channel at ``V`` (mV; already shifted).

    Returns ``(alpha_d, beta_d, alpha_f, beta_f)`` in 1/ms: the activation gate ``d`` (open
    probability ``d^2``) and the ultra-slow voltage-dependent inactivation gate ``f_us``
    (Cha et al. 2011, ICaL; ``bcell_cha.mod`` dalpha, dbeta, usalpha, usbeta).
    """
    u = V - 3.0
    a_d = 1.0 / (0.88 * fm.exp(u * (-1.0 / 50.0)) + 0.09 * fm.exp(u * (-1.0 / 600.0)))
    b_d = 1.0 / (5.48 * fm.exp(u * (1.0 / 12.0)) + 1.245 * fm.exp(u * (1.0 / 30.0)))
    a_f = (1.0 / 75000.0) * fm.exp(V * (-1.0 / 34.0))  # 1/(75000 exp(V/34))
    b_f = 1.0 / (5000.0 * fm.exp(V * (-1.0 / 19.0)) + 500.0 * fm.exp(V * -0.01))
    return a_d, b_d, a_f, b_f


@jit
def cal_ca_gate_rates(CaCF, d, Ca_i):
    """Ca2+-dependent inactivation gate ``U`` of the L-type channel, 1/ms.

    ``alpha_U = 2*0.0042``; ``beta_U = 2*0.1159*(-1.15*0.0676*CaCF*d^2 + Ca_i)``, where
    ``0.0676*CaCF`` is the single-channel Ca2+ flux that raises Ca2+ at the channel mouth
    (Cha et al. 2011; ``bcell_cha.mod`` Ualpha, Ubeta, SingleiCaL). ``CaCF``, ``Ca_i`` in mM.
    """
    a_u = 0.0042 * 2.0
    b_u = 0.1159 * (-1.15 * 0.0676 * CaCF * d * d + Ca_i) * 2.0
    return a_u, b_u


@jit
def kdr_gate_rates(V):
    """Delayed rectifier gates ``r`` (activation) and ``q`` (slow inactivation), 1/ms.

    Returns ``(alpha_r, beta_r, alpha_q, beta_q)`` (``bcell_cha.mod`` calculateIKDr).
    """
    u = V - 3.0
    e_100 = fm.exp(V * -0.01)  # exp(-V/100)
    a_r = 1.1 / (25.0 * fm.exp(u * -0.125) + fm.exp(u * -0.01))
    b_r = (1.1 / 25.0) * e_100  # 1.1/(25 exp(V/100))
    a_q = 1.0 / 800.0
    b_q = 1.0 / (1000.0 * fm.exp(V * -0.125) + 100.0 * e_100)
    return a_r, b_r, a_q, b_q


@jit
def kto_gate_rates(V):
    """Transient outward K+ current gates ``m`` and ``h``, 1/ms.

    Returns ``(alpha_m, beta_m, alpha_h, beta_h)`` (``bcell_cha.mod`` calculateIKto).
    """
    a_m = (0.4 / 5.46) * fm.exp(V * 0.05)  # 0.4/(5.46 exp(-V/20))
    b_m = (0.4 / 2.48) * fm.exp(V * (-1.0 / 60.0))  # 0.4/(2.48 exp(V/60))
    a_h = (1.7 / 969.0) * fm.exp(V * -0.002)  # 1.7/(969 exp(V/500))
    b_h = 1.7 / (13.2 * fm.exp(V * (-1.0 / 9.0)) + 6.93 * fm.exp(V * -0.001))
    return a_m, b_m, a_h, b_h


@jit
def hill_activation(c, K, n):
    """``1/(1 + (K/c)^n)`` for ``c > 0`` (0 at c = 0); ``K``, ``c`` in one unit, K > 0."""
    cc = 1.0 if c <= 0.0 else c  # K/0 is never evaluated
    h = 1.0 / (1.0 + fm.pow_pos(K / cc, n))
    return 0.0 if c <= 0.0 else h


@jit
def katp_open_probability(MgADP, ADP3, ATP4, K_dd, K_td, K_tt):
    """Open probability of the K-ATP channel, Magnus-Keizer form (mM).

    ``pO = (0.08 (1 + 2 x) + 0.89 x^2) / ((1 + x)^2 (1 + ADP3/K_td + ATP4/K_tt))`` with
    ``x = MgADP/K_dd``: Mg.ADP activates (through SUR1), free ADP3- and ATP4- inhibit
    (Kir6.2). Magnus G, Keizer J (1998) Am J Physiol 274:C1158; in mM with K_dd = 0.01 and
    K_td = 0.026 mM as in Cha et al. (2011). Cha et al. wrote the inhibitory terms with the
    model's MgADP and total ATP (``0.45 MgADP/ktd + ATP/ktt``); here they are the species
    from :func:`biophys.kernels.speciation.mg_speciation`, with constants converted so that
    both forms agree at the model's default composition (see the model declaration).
    """
    x = MgADP / K_dd
    num = 0.08 * (1.0 + 2.0 * x) + 0.89 * x * x
    return num / ((1.0 + x) * (1.0 + x) * (1.0 + ADP3 / K_td + ATP4 / K_tt))


@jit
def glucose_activation(glucose, h_glc, K_glc):
    """Glucose factor ``G^h/(K_glc^h + G^h)`` of ``fGlu`` (dimensionless; 0 at G = 0).

    ``glucose`` and ``K_glc`` in mM. It depends on parameters only, so model kernels compute
    it once per run and pass it to :func:`glucose_metabolism`.
    """
    if glucose <= 0.0:
        return 0.0
    g = glucose ** h_glc
    return g / (K_glc ** h_glc + g)


@jit
def glucose_metabolism(ATP, K_m_ATP, f_glucose):
    """Glucose drive of the reducing-equivalent supply, ``fGlu`` (dimensionless).

    ``ATP/(K_m_ATP + ATP) * G^h/(K_glc^h + G^h)`` (glucokinase-like; Cha et al. 2011,
    ``bcell_cha.mod`` fGlu), with the glucose factor ``f_glucose`` from
    :func:`glucose_activation`. ``ATP``, ``K_m_ATP`` in mM.
    """
    return ATP / (K_m_ATP + ATP) * f_glucose
