"""The Na+/K+-ATPase: reduced four-state Post-Albers cycle driven by Mg.ATP.

Smith NP, Crampin EJ (2004) Prog Biophys Mol Biol 85:387 reduced the Post-Albers scheme to
four states by assuming rapid equilibrium of the ion-binding steps; Cha CY et al. (2011)
J Gen Physiol 138:21 (mouse beta cell) and Himeno Y et al. (2015) Biophys J 109:415 (human
ventricle) use it with their own rate constants. Ported from the Cha et al. 2011 NEURON file
``chonlei/bHub_sim/models/betacell_cha2011_hraha2014/bcellcha.mod`` (procedure
``calculateINaK``); equations in our own code::

    Kd_X(V) = Kd_X0 exp(delta_X F V / R T)                         X = Na_i, Na_o, K_i, K_o
    n_i = Na_i/Kd_Nai, k_i = K_i/Kd_Ki, n_o = Na_o/Kd_Nao, k_o = K_o/Kd_Ko, s = MgATP/Kd_MgATP
    D_i = (1 + n_i)^3 + (1 + k_i)^2 - 1,   D_o = (1 + n_o)^3 + (1 + k_o)^2 - 1
    a1+ = k1+ n_i^3/D_i     a2+ = k2+          a3+ = k3+ k_o^2/D_o    a4+ = k4+ s/(1 + s)
    a1- = k1- MgADP         a2- = k2- n_o^3/D_o a3- = k3- Pi H/(1 + s) a4- = k4- k_i^2/D_i
    rate = (a1+ a2+ a3+ a4+ - a1- a2- a3- a4-) / (sum of the 16 King-Altman terms)

One cycle moves 3 Na+ out, 2 K+ in (one positive charge out) and hydrolyses one Mg.ATP.

Units: V in mV; concentrations in mM, with ``H`` the free proton concentration in mM
(1e-4 mM = pH 7); T_C in C; rate in 1/ms (cycles per ms per pump site, normalised by the
model's amplitude). A model's current is ``amplitude * rate`` in the model's current unit:
the amplitude has that unit times ms (pA ms for Cha et al. 2011, ``P_NaK = 350`` pA per
1/ms of cycle rate in a 6.158 pF cell; uA/cm^2 per 1/ms for density models) and equals
``N_pumps * e * 1000`` in amperes-per-(1/ms) if one wants it from a site density.

Thermodynamics (checked in tests/kernels/test_nak_pump.py): the ratio of the forward and
backward products of the cycle is ``Keq exp(F V/RT) Na_i^3 K_o^2 MgATP / (Na_o^3 K_i^2 MgADP
Pi H)`` for both parameter sets. The delta's give a net charge of exactly one per cycle
(2 dKi + 3 dNao - 3 dNai - 2 dKo = 1), so the voltage dependence is thermodynamically
consistent, and the rate is zero exactly where the cycle free energy is zero for an implied
standard free energy of Mg.ATP hydrolysis (MgATP2- + H2O -> MgADP- + Pi + H+, 1 M standard
states) ``dG0 = -RT ln Keq``: Keq = 9.56e-3 M^2 (Cha 2011) and 9.57e-3 M^2 (Himeno 2015),
i.e. dG0 = +12.0 kJ/mol at 37 C for both. In that sense both sets satisfy detailed balance
(the single cycle closes on a fixed ATP-hydrolysis equilibrium constant; the rapid-equilibrium
binding steps add no further loops). The rate constants themselves are temperature
independent: ``T_C`` only enters ``F V / R T``.

The voltage-dependent dissociation constants use :func:`biophys.kernels.fastmath.exp` (within 2
ulp of libm, vectorisable), so a model's loop over cells that calls the pump can run in SIMD
registers.
"""

import math

from . import fastmath as fm
from ._jit import jit
from .constants import thermal_voltage

#: Cha et al. (2011) J Gen Physiol 138:21, rate constants in 1/ms (k1- per mM MgADP, k3- per
#: mM Pi per mM H), Kd's in mM, as in ``bcellcha.mod``. Order:
#: (k1p, k1m, k2p, k2m, k3p, k3m, k4p, k4m, Kd_Nai0, Kd_Nao0, Kd_Ki0, Kd_Ko0, Kd_MgATP,
#:  delta_Nai, delta_Nao, delta_Ki, delta_Ko).
CHA_2011 = (
    1.253, 0.139, 0.139, 0.0139, 6.96, 13900.0, 0.52, 0.348,
    5.0, 26.8, 18.8, 0.8, 0.6,
    -0.14, 0.44, -0.14, 0.23,
)
#: Himeno Y, Asakura K, Cha CY, Memida H, Powell T, Amano A, Noma A (2015) "A human ventricular
#: myocyte model with a refined representation of excitation-contraction coupling", Biophys J
#: 109:415 (doi:10.1016/j.bpj.2015.06.017), same layout: the constants of sub ``INaKsub`` of
#: the authors' Visual Basic model code HuVECII (k1p_NaK = 0.72, k1m = 0.08, k2p = 0.08,
#: k2m = 0.008, k3p = 4, k3m = 8000, k4p = 0.3, k4m = 0.2 1/ms; KdNai0 = 5, KdNae0 = 26.8,
#: KdKi0 = 18.8, KdKe0 = 0.8, KdMgATP = 0.6 mM; dV_Nai = dV_Ki = -0.14, dV_Nae = 0.44,
#: dV_Ke = 0.23, i.e. the Cha 2011 K_d's and delta's), read in the copy
#: ``HiroKohjitaniMD/CACNA1C_E1115K_HuVEC/HuVECII.vb`` and identical in two independent public
#: C and MATLAB re-implementations; not re-checked against the paper's Supporting Material.
HIMENO_2015 = (
    0.72, 0.08, 0.08, 0.008, 4.0, 8000.0, 0.3, 0.2,
    5.0, 26.8, 18.8, 0.8, 0.6,
    -0.14, 0.44, -0.14, 0.23,
)


@jit
def nak_transition_rates(V, Na_i, Na_o, K_i, K_o, MgATP, MgADP, Pi, H, T_C, prm):
    """The eight apparent transition rates (a1+, a2+, a3+, a4+, a1-, a2-, a3-, a4-), 1/ms."""
    fv = V / thermal_voltage(T_C)
    n_i = Na_i / (prm[8] * fm.exp(prm[13] * fv))
    n_o = Na_o / (prm[9] * fm.exp(prm[14] * fv))
    k_i = K_i / (prm[10] * fm.exp(prm[15] * fv))
    k_o = K_o / (prm[11] * fm.exp(prm[16] * fv))
    s = MgATP / prm[12]
    d_i = (1.0 + n_i) ** 3 + (1.0 + k_i) ** 2 - 1.0
    d_o = (1.0 + n_o) ** 3 + (1.0 + k_o) ** 2 - 1.0
    a1p = prm[0] * n_i * n_i * n_i / d_i
    a2p = prm[2]
    a3p = prm[4] * k_o * k_o / d_o
    a4p = prm[6] * s / (1.0 + s)
    a1m = prm[1] * MgADP
    a2m = prm[3] * n_o * n_o * n_o / d_o
    a3m = prm[5] * Pi * H / (1.0 + s)
    a4m = prm[7] * k_i * k_i / d_i
    return a1p, a2p, a3p, a4p, a1m, a2m, a3m, a4m


@jit
def cycle_rate_4state(a1p, a2p, a3p, a4p, a1m, a2m, a3m, a4m):
    """Steady-state net turnover of a four-state cycle (King-Altman), 1/ms."""
    num = a1p * a2p * a3p * a4p - a1m * a2m * a3m * a4m
    den = (
        (a1m + a1p) * a2m * a3m + a1p * a2p * (a3p + a3m) + a2p * a3p * (a4p + a4m)
        + (a2p + a2m) * a3m * a4m + (a1m + a1p) * a3p * a4p + a1m * (a3p + a3m) * a4m
        + a1p * (a2p + a2m) * a4p + a1m * a2m * (a4p + a4m)
    )
    return num / den


@jit
def nak_cycle_rate_with(V, Na_i, Na_o, K_i, K_o, MgATP, MgADP, Pi, H, T_C, prm):
    """:func:`nak_cycle_rate` with an explicit parameter tuple (``CHA_2011`` layout)."""
    a1p, a2p, a3p, a4p, a1m, a2m, a3m, a4m = nak_transition_rates(
        V, Na_i, Na_o, K_i, K_o, MgATP, MgADP, Pi, H, T_C, prm)
    return cycle_rate_4state(a1p, a2p, a3p, a4p, a1m, a2m, a3m, a4m)


@jit
def nak_cycle_rate(V, Na_i, Na_o, K_i, K_o, MgATP, MgADP, Pi, H, T_C):
    """Net Na+/K+-ATPase cycle rate (Cha et al. 2011 parameters), 1/ms per pump.

    Parameters
    ----------
    V : float
        Membrane potential, mV.
    Na_i, Na_o, K_i, K_o : float
        Intra- and extracellular Na+ and K+, mM.
    MgATP, MgADP, Pi : float
        Cytosolic Mg.ATP2-, Mg.ADP- and inorganic phosphate, mM (see
        :mod:`biophys.kernels.speciation`).
    H : float
        Cytosolic free H+, mM (1e-4 mM = pH 7).
    T_C : float
        Temperature, C (enters only through F V / R T).

    Returns
    -------
    float
        Cycles per ms (positive forward: 3 Na+ out, 2 K+ in, 1 Mg.ATP used). The outward pump
        current is ``amplitude * rate``; Na+ efflux 3x, K+ influx 2x, ATP use 1x the rate.
    """
    return nak_cycle_rate_with(V, Na_i, Na_o, K_i, K_o, MgATP, MgADP, Pi, H, T_C, CHA_2011)


@jit
def nak_himeno_rate(V, Na_i, Na_o, K_i, K_o, MgATP, MgADP, Pi, H, T_C):
    """As :func:`nak_cycle_rate` with the Himeno et al. (2015) rate constants, 1/ms."""
    return nak_cycle_rate_with(V, Na_i, Na_o, K_i, K_o, MgATP, MgADP, Pi, H, T_C, HIMENO_2015)


@jit
def nak_log_equilibrium_ratio(V, Na_i, Na_o, K_i, K_o, MgATP, MgADP, Pi, H, T_C, prm):
    """``ln(a1+ a2+ a3+ a4+ / (a1- a2- a3- a4-))``: minus the cycle free energy over RT.

    Zero exactly where :func:`nak_cycle_rate_with` is zero (thermodynamic equilibrium of the
    cycle); positive where the pump runs forward.
    """
    a1p, a2p, a3p, a4p, a1m, a2m, a3m, a4m = nak_transition_rates(
        V, Na_i, Na_o, K_i, K_o, MgATP, MgADP, Pi, H, T_C, prm)
    return (math.log(a1p) + math.log(a2p) + math.log(a3p) + math.log(a4p)
            - math.log(a1m) - math.log(a2m) - math.log(a3m) - math.log(a4m))


#: Pan, Gawthrop, Tran, Cursons & Crampin (2019) J Theor Biol 481:10 and Pan et al.,
#: Physiome (2019) "The cardiac Na+/K+ ATPase: an updated, thermodynamically consistent
#: model" (update of Terkildsen, Crampin & Smith 2007 Am J Physiol Heart 293:H3036): values
#: of ``uomsystemsbiology/transporter_thermodynamics/CellML/Terkildsen_NaK_kinetic.cellml``,
#: rates converted from 1/s to 1/ms (k1- per mM MgADP, k3- per mM Pi per mM H). Order:
#: (k1p, k1m, k2p, k2m, k3p, k3m, k4p, k4m, K0d_Nai, K0d_Nae, Kd_Nai2, Kd_Nae2, Kd_Ke,
#:  Kd_Ki, Kd_MgATP, delta). Kd_Ki was set by the authors from the constraint
#:  dG0(MgATP hydrolysis) = 11.9 kJ/mol at 310 K (NaK_bg_parameters.m).
PAN_2019 = (
    1.4232, 0.2259048, 11.565, 36.355, 0.1944506, 281.04, 30.630, 1574.0,
    579.7295, 0.0349, 5.6399, 1.0617e4, 1.0817, 1.6795e4, 140.3709, -0.0550,
)
#: Pi binding in the Pan et al. model: Kd of K.Pi and Na.Pi (mM) and pKa of H.Pi.
PAN_2019_PI = (292.0, 224.0, 6.77)


@jit
def pan_free_pi(Pi_total, K_i, Na_i, H):
    """Free Pi (mM) entering the Pan et al. (2019) pump.

    ``Pi_total / (1 + K_i/Kd_KPi + H/Ka + Na_i/Kd_NaPi)``, ``H`` in mM; binding constants
    :data:`PAN_2019_PI`.
    """
    kk, kna, pka = PAN_2019_PI
    return Pi_total / (1.0 + K_i / kk + H / 10.0 ** (3.0 - pka) + Na_i / kna)


@jit
def nak_pan_transition_rates(V, Na_i, Na_o, K_i, K_o, MgATP, MgADP, Pi, H, T_C, prm):
    """Apparent transition rates of the Pan et al. (2019) cycle, 1/ms (order as
    :func:`nak_transition_rates`).

    One Na+ site on each side is voltage dependent (``K0d_Nai exp(delta FV/RT)``,
    ``K0d_Nae exp((1 + delta) FV/RT)``), two are not; K+ sites are voltage independent.
    """
    fv = V / thermal_voltage(T_C)
    delta = prm[15]
    n1 = Na_i / (prm[8] * fm.exp(delta * fv))
    e1 = Na_o / (prm[9] * fm.exp((1.0 + delta) * fv))
    n2 = Na_i / prm[10]
    e2 = Na_o / prm[11]
    ke = K_o / prm[12]
    ki = K_i / prm[13]
    s = MgATP / prm[14]
    d_i = n1 * n2 * n2 + (1.0 + n2) ** 2 + (1.0 + ki) ** 2 - 1.0
    d_o = e1 * e2 * e2 + (1.0 + e2) ** 2 + (1.0 + ke) ** 2 - 1.0
    a1p = prm[0] * n1 * n2 * n2 / d_i
    a2p = prm[2]
    a3p = prm[4] * ke * ke / d_o
    a4p = prm[6] * s / (1.0 + s)
    a1m = prm[1] * MgADP
    a2m = prm[3] * e1 * e2 * e2 / d_o
    a3m = prm[5] * Pi * H / (1.0 + s)
    a4m = prm[7] * ki * ki / d_i
    return a1p, a2p, a3p, a4p, a1m, a2m, a3m, a4m


@jit
def nak_pan_rate(V, Na_i, Na_o, K_i, K_o, MgATP, MgADP, Pi, H, T_C):
    """Na+/K+-ATPase cycle rate with the thermodynamically consistent Pan et al. (2019)
    parameterisation, 1/ms; arguments as :func:`nak_cycle_rate` (``Pi`` is the free Pi of
    that model, see :func:`pan_free_pi`).

    Its cycle closes on ``dG0 = 11.9 kJ/mol`` for Mg.ATP hydrolysis by construction (checked
    in tests/kernels/test_nak_pump.py). Fitted to cardiac myocyte data at 37 C: maximal
    turnover is higher than in the Cha/Himeno sets, so amplitudes are not interchangeable.
    """
    a1p, a2p, a3p, a4p, a1m, a2m, a3m, a4m = nak_pan_transition_rates(
        V, Na_i, Na_o, K_i, K_o, MgATP, MgADP, Pi, H, T_C, PAN_2019)
    return cycle_rate_4state(a1p, a2p, a3p, a4p, a1m, a2m, a3m, a4m)

