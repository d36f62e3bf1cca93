"""Independent implementation of the Cha et al. (2011) beta cell for tests of ``beta_cell``.

Written from the published NEURON file ``chonlei/bHub_sim/models/betacell_cha2011_v3/
bcell_cha.mod`` and ``betacell.hoc`` (C. L. Lei's port of Cha et al. 2011 J Gen Physiol
138:21), sharing no code with biophys, compiled with Numba only for speed and solved with
scipy's LSODA at tight tolerance.

Two variants, selected by ``spec`` in the parameter vector ``q``:

* ``spec = 0``: the published equations (K-ATP inhibited by total ATP, pump driven by total
  ATP, Mg.ADP = 0.55 x free ADP);
* ``spec = 1``: the equations of ``beta_cell`` (Mg.ATP, ATP4-, Mg.ADP, ADP3- from a binding
  polynomial with the Beard & Qian 2008 Table 5.6 constants at 38 C; K-ATP activated by
  Mg.ADP and inhibited by ADP3- and ATP4-; pump on Mg.ATP and Mg.ADP), with a fixed L-type
  gating shift ``shift`` (mV). :func:`model_params` gives its parameters.

State order: V, Na_i, K_i, Ca_i, Ca_ER, ATP, ADP (free ADP = MgADP/0.55), Re, d, U, f_us, r,
q, m, h, E1, I1, I2.
"""

import math

import numpy as np
from numba import njit
from scipy.integrate import solve_ivp

F = 96485.33212  # C/mol
R = 8.314462618  # J/(mol K)

#: published initial conditions (betacell.hoc, stimulatory set); ADP = MgADP0/0.55
Y0 = np.array([-48.9045, 5.804, 126.776, 0.000306139, 0.0234849, 2.64667, 0.127093 / 0.55,
               0.64195, 0.101898, 0.635696, 0.827114, 0.00105694, 0.970421, 0.0170783,
               0.301612, 0.354892, 0.151253, 0.489584])

# Beard & Qian (2008) Table 5.6, 38 C, I = 0.25 M, dissociation constants in mM
KH_ATP, KMG_ATP, KMGH_ATP, KK_ATP = 3.6199e-4, 1.4287e-1, 39.516, 127.65
KH_ADP, KMG_ADP, KMGH_ADP, KK_ADP = 5.0335e-4, 1.0357, 84.579, 163.12


def params(glucose=11.1, K_o=5.4, Mg_i=0.7, spec=1, K_tt=0.05, shift=0.0, T_C=37.0,
           pH=7.0, Na_o=140.0, Ca_o=2.6, g_KATP=2.31, K_dd=0.01, K_td=0.026, K_op=0.02,
           I_app=0.0):
    """Parameter vector of :func:`rhs` (published values by default; ``spec=0``: the
    published K-ATP and pump inputs, then K_dd, K_td, K_tt act on Cha's terms)."""
    return np.array([glucose, K_o, Mg_i, float(spec), K_tt, shift, T_C, pH, Na_o, Ca_o,
                     g_KATP, K_dd, K_td, K_op, I_app])


def converted_katp_constants(Mg_i=0.7, pH=7.0, K_i=126.776):
    """Cha's K-ATP constants re-expressed for the species at a reference composition:
    (K_dd, K_td, K_tt) in mM such that the species form equals Cha's form there."""
    f_mgatp, f_atp4, f_mgadp, f_adp3 = species(Mg_i, 1.0, 1.0, pH, K_i)
    return 0.01 * f_mgadp / 0.55, 0.026 * f_adp3 / (0.45 * 0.55), 0.05 * f_atp4


def model_params(**kw):
    """Parameters of the ``beta_cell`` equations (species, converted K-ATP constants and
    the re-fitted K_op = 0.024 mM) with overrides."""
    kdd, ktd, ktt = converted_katp_constants()
    base = dict(spec=1, K_dd=kdd, K_td=ktd, K_tt=ktt, K_op=0.024)
    base.update(kw)
    return params(**base)


@njit(cache=False)
def species(Mg, atp, adp, pH, K):
    """(MgATP, ATP4, MgADP, ADP3) in mM."""
    H = 10.0 ** (3.0 - pH)
    pa = 1.0 + H / KH_ATP + Mg / KMG_ATP + H * Mg / (KH_ATP * KMGH_ATP) + K / KK_ATP
    pd = 1.0 + H / KH_ADP + Mg / KMG_ADP + H * Mg / (KH_ADP * KMGH_ADP) + K / KK_ADP
    atp4 = atp / pa
    adp3 = adp / pd
    return atp4 * Mg / KMG_ATP, atp4, adp3 * Mg / KMG_ADP, adp3


@njit(cache=False)
def cf(z, v, ci, co, rtf):
    """Constant-field factor z V/RTF/(1 - exp(-z V/RTF)) (ci - co exp(-z V/RTF)), mM."""
    x = z * v / rtf
    if x == 0.0:
        return ci - co
    return x / (1.0 - math.exp(-x)) * (ci - co * math.exp(-x))


@njit(cache=False)
def currents(y, q):
    """Return (dydt, I_tot, I_KATP, pO_KATP, I_NaK, E_K)."""
    G, Ko, Mg, spec, ktt, shift, T_C, pH, Nao, Cao, gkatp = (
        q[0], q[1], q[2], q[3], q[4], q[5], q[6], q[7], q[8], q[9], q[10])
    kdd, ktd, kop, iapp = q[11], q[12], q[13], q[14]
    V, Nai, Ki, Cai, CaER, ATP, ADP, Re, d, U, fus, r, qq, m, h, E1, I1, I2 = (
        y[0], y[1], y[2], y[3], y[4], y[5], y[6], y[7], y[8], y[9], y[10], y[11], y[12],
        y[13], y[14], y[15], y[16], y[17])
    rtf = R * (T_C + 273.15) / F * 1e3
    Fp = F * 1e-3
    Cm, voli, volER, fi, fer = 6.158, 764.0, 280.0, 0.01, 0.025
    NaCF = cf(1.0, V, Nai, Nao, rtf)
    KCF = cf(1.0, V, Ki, Ko, rtf)
    CaCF = cf(2.0, V, Cai, Cao, rtf)
    EK = rtf * math.log(Ko / Ki)
    MgADP_cha = 0.55 * ADP
    if spec > 0.5:
        mgatp, atp4, mgadp, adp3 = species(Mg, ATP, ADP, pH, Ki)
    else:
        mgatp, atp4, mgadp, adp3 = ATP, ATP, MgADP_cha, 0.45 * MgADP_cha
    Jserca = 0.096 * Cai ** 2 / (Cai ** 2 + 0.0005 ** 2)
    Jout = 0.46 * (CaER - Cai)
    fGlu = 0.0
    if G > 0.0:
        fGlu = ATP / (0.5 + ATP) * G ** 2.5 / (13.0 ** 2.5 + G ** 2.5)
    JOP = 0.0005 * Re * MgADP_cha ** 2 / (MgADP_cha ** 2 + kop ** 2)
    # L-type
    vs = V - shift
    da = 1.0 / (0.88 * math.exp(-(vs - 3.0) / 50.0) + 0.09 * math.exp(-(vs - 3.0) / 600.0))
    db = 1.0 / (5.48 * math.exp((vs - 3.0) / 12.0) + 1.245 * math.exp((vs - 3.0) / 30.0))
    Ua = 0.0042 * 2.0
    Ub = 0.1159 * (-1.15 * 0.0676 * CaCF * d * d + Cai) * 2.0
    usa = 1.0 / (75000.0 * math.exp(vs / 34.0))
    usb = 1.0 / (5000.0 * math.exp(-vs / 19.0) + 500.0 * math.exp(-vs / 100.0))
    pO = d * d * U * (0.4 + 0.6 * fus) / (1.0 + (1.4 / ATP) ** 3)
    ICaL1 = 0.0000185 * 48.9 * pO * NaCF
    ICaL2 = 0.000367 * 48.9 * pO * KCF
    ICaL3 = 48.9 * pO * CaCF
    # delayed rectifier, Kto
    ar = 1.1 / (25.0 * math.exp(-(V - 3.0) / 8.0) + math.exp(-(V - 3.0) / 100.0))
    br = 1.1 / (25.0 * math.exp(V / 100.0))
    aq = 1.0 / 800.0
    bq = 1.0 / (1000.0 * math.exp(-V / 8.0) + 100.0 * math.exp(-V / 100.0))
    IKDr = 2.1 * r * (0.6 * qq + 0.4) * KCF
    am = 0.4 / (5.46 * math.exp(-V / 20.0))
    bm = 0.4 / (2.48 * math.exp(V / 60.0))
    ah = 1.7 / (969.0 * math.exp(V / 500.0))
    bh = 1.7 / (13.2 * math.exp(-V / 9.0) + 6.93 * math.exp(-V / 1000.0))
    IKto = 2.13 * m * h * (V - EK)
    # TRPM, K-ATP
    PoT = 1.0 / (1.0 + (0.00076 / Cai) ** 1.7)
    ITRPM1 = 0.0234 * 0.8 * NaCF * PoT
    ITRPM2 = 0.0234 * KCF * PoT
    x = mgadp / kdd
    pOK = (0.08 * (1.0 + 2.0 * x) + 0.89 * x * x) / (1.0 + x) ** 2 / (
        1.0 + adp3 / ktd + atp4 / ktt)
    IKATP = gkatp * pOK * (V - EK)
    # Na/K pump (Smith-Crampin 4-state cycle with the Cha constants)
    fVm = V / rtf
    Nai_ = Nai / (5.0 * math.exp(-0.14 * fVm))
    Nao_ = Nao / (26.8 * math.exp(0.44 * fVm))
    Ki_ = Ki / (18.8 * math.exp(-0.14 * fVm))
    Ko_ = Ko / (0.8 * math.exp(0.23 * fVm))
    s = mgatp / 0.6
    Di = (1.0 + Nai_) ** 3 + (1.0 + Ki_) ** 2 - 1.0
    Do = (1.0 + Nao_) ** 3 + (1.0 + Ko_) ** 2 - 1.0
    a1p = 1.253 * Nai_ ** 3 / Di
    a2p = 0.139
    a3p = 6.96 * Ko_ ** 2 / Do
    a4p = 0.52 * s / (1.0 + s)
    a1m = 0.139 * mgadp
    a2m = 0.0139 * Nao_ ** 3 / Do
    a3m = 13900.0 * 1.9 * 10.0 ** (3.0 - pH) / (1.0 + s)
    a4m = 0.348 * Ki_ ** 2 / Di
    den = ((a1m + a1p) * a2m * a3m + a1p * a2p * (a3p + a3m) + a2p * a3p * (a4p + a4m)
           + (a2p + a2m) * a3m * a4m + (a1m + a1p) * a3p * a4p + a1m * (a3p + a3m) * a4m
           + a1p * (a2p + a2m) * a4p + a1m * a2m * (a4p + a4m))
    vcyc = (a1p * a2p * a3p * a4p - a1m * a2m * a3m * a4m) / den
    INaK = 350.0 * vcyc * (0.4 + 0.6 * math.exp(-G / 5.84))
    # Na/Ca exchanger
    pE1Na = 1.0 / (1.0 + (20.75 / Nai) ** 3 * (1.0 + Cai / 0.0184))
    pE1Ca = 1.0 / (1.0 + (0.0184 / Cai) * (1.0 + (Nai / 20.75) ** 3))
    pE2Na = 1.0 / (1.0 + (87.5 / Nao) ** 3 * (1.0 + Cao / 1.38))
    pE2Ca = 1.0 / (1.0 + (1.38 / Cao) * (1.0 + (Nao / 87.5) ** 3))
    k1 = math.exp(0.32 * V / rtf)
    k2 = math.exp((0.32 - 1.0) * V / rtf)
    fCa = Cai / (Cai + 0.004)
    al1 = pE1Na * (fCa * 0.002 + (1.0 - fCa) * 0.0015)
    be1 = fCa * 0.0012 + (1.0 - fCa) * 0.0000005
    al2 = fCa * 0.00003 + (1.0 - fCa) * 0.01
    be2 = fCa * 0.09 + (1.0 - fCa) * 0.0001
    kf = k2 * pE2Na + pE2Ca
    kb = k1 * pE1Na + pE1Ca
    E2 = 1.0 - E1 - I1 - I2
    INaCa = 204.0 * (k1 * pE1Na * E1 - k2 * pE2Na * E2)
    IPMCA = 1.56 * Cai ** 2 / (Cai ** 2 + 0.00014 ** 2)
    IKslow = 0.2 / (1.0 + (0.00074 / Cai) ** 2.2) * KCF
    PoSOC = 1.0 / (1.0 + math.exp((CaER - 0.003) / 0.003))
    ISOC1 = 0.00764 * 0.8 * PoSOC * NaCF
    ISOC2 = 0.00764 * PoSOC * KCF
    ISOC3 = 0.00764 * PoSOC * CaCF * 20.0
    IbNSC1 = 0.00396 * NaCF
    IbNSC2 = 0.01 * KCF
    INa = IbNSC1 + ITRPM1 + ICaL1 + 3.0 * INaK + 3.0 * INaCa - IPMCA + ISOC1
    IK = IbNSC2 + IKDr + IKto + IKATP + ITRPM2 + ICaL2 - 2.0 * INaK + IKslow + ISOC2
    ICa = ICaL3 - 2.0 * INaCa + 2.0 * IPMCA + ISOC3
    Itot = INa + IK + ICa
    ADPb = 4.0 - ATP - ADP
    dATP = JOP - ((INaK + IPMCA) / Fp + Jserca / 2.0) / voli - (0.000062 + 0.187 * Cai) * ATP
    dy = np.empty(18)
    dy[0] = (iapp - Itot) / Cm
    dy[1] = -INa / (Fp * voli)
    dy[2] = -IK / (Fp * voli)
    dy[3] = fi * (-ICa / (2.0 * Fp) + Jout - Jserca) / voli
    dy[4] = fer * (Jserca - Jout) / volER
    dy[5] = dATP
    dy[6] = -dATP + 0.00002 * ADPb - 0.0002 * ADP
    dy[7] = (0.000126 * fGlu + 0.0000063) * (10.0 - Re) - JOP * 2.5 / 2.5
    dy[8] = da * (1.0 - d) - db * d
    dy[9] = Ua * (1.0 - U) - Ub * U
    dy[10] = usa * (1.0 - fus) - usb * fus
    dy[11] = ar * (1.0 - r) - br * r
    dy[12] = aq * (1.0 - qq) - bq * qq
    dy[13] = am * (1.0 - m) - bm * m
    dy[14] = ah * (1.0 - h) - bh * h
    dy[15] = E2 * kf + I1 * be1 + I2 * be2 - E1 * (kb + al1 + al2)
    dy[16] = E1 * al1 - I1 * be1
    dy[17] = E1 * al2 - I2 * be2
    return dy, Itot, IKATP, pOK, INaK, EK


@njit(cache=False)
def rhs(t, y, q):
    return currents(y, q)[0]


def solve(q, t_end, y0=None, rtol=1e-8, atol=1e-10, max_step=2.0, t_eval=None,
          method="LSODA"):
    """Tight-tolerance solution of the variant ``q`` (see :func:`params`)."""
    y0 = Y0 if y0 is None else np.asarray(y0, dtype=float)
    return solve_ivp(rhs, (0.0, t_end), y0, method=method, rtol=rtol, atol=atol,
                     max_step=max_step, t_eval=t_eval, args=(q,))


def spike_times(t, v, threshold=-20.0):
    """Upward crossings of ``threshold`` with linear interpolation, ms."""
    i = np.nonzero((v[:-1] < threshold) & (v[1:] >= threshold))[0]
    return t[i] + (threshold - v[i]) * (t[i + 1] - t[i]) / (v[i + 1] - v[i])


def bursts(spikes, gap=2000.0):
    """(starts, ends) of runs of spikes separated by less than ``gap`` ms."""
    spikes = np.asarray(spikes)
    if spikes.size == 0:
        return np.array([]), np.array([])
    brk = np.nonzero(np.diff(spikes) > gap)[0]
    starts = np.r_[spikes[0], spikes[brk + 1]]
    ends = np.r_[spikes[brk], spikes[-1]]
    return starts, ends
