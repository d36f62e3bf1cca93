"""Declaration of ``beta_cell``: the Cha et al. (2011) mouse beta cell with Mg2+-dependent
nucleotide speciation, divalent surface charge and Chen et al. (2008) exocytosis."""

from __future__ import annotations

from .._charge import ChargeBalance, ChargeCarrier
from .._model import Model, Output, Parameter, State, SumLimit
from .._reservoir import Reservoir
from ..kernels.models import beta_cell as kernel
from ..kernels.ncx import CHA_2011_NCX as _NCX
from ..kernels.speciation import BEARD_QIAN_38C, nucleotide_species
from ..kernels.surface import DEFAULT_SIGMA

_CHA = "Cha CY, Nakamura Y, Himeno Y, Wang J, Fujimoto S, Inagaki N, Earm YE, Noma A (2011) " \
       "J Gen Physiol 138:21-37"
_MOD = "chonlei/bHub_sim models/betacell_cha2011_v3/bcell_cha.mod"
_HOC = "chonlei/bHub_sim models/betacell_cha2011_v3/betacell.hoc"
_SRC = f"Cha et al. 2011 J Gen Physiol 138:21 / {_MOD}"
_CHEN = "Chen YD, Wang S, Sherman A (2008) Biophys J 95:2226-2241"
_CHEN_SRC = f"{_CHEN} / artielbm/artielbm.github.io Models/Chen08/*.ode"
_CHEN_FAST = f"{_CHEN} / artielbm/artielbm.github.io Models/Chen08/fast.ode"
_BQ = "Beard DA, Qian H (2008) Chemical Biophysics, Table 5.6 (38 C)"
_MK = "Magnus G, Keizer J (1998) Am J Physiol 274:C1158"
_FIT = "fitted here, see tests/test_beta_cell.py::test_refit_restores_published_bursting"

#: The one parameter re-fitted for the nucleotide speciation (mM): see ``K_op`` below.
K_OP_FITTED = 0.024

#: Reference composition at which the K-ATP constants are converted from Cha's forms to the
#: nucleotide species: the default Mg_i, pH_i and the initial K_i of this declaration.
MG_I_REF, PH_I_REF, K_I_REF = 0.7, 7.0, 126.776


def _species_fractions(Mg: float, pH: float, K: float) -> tuple[float, float, float, float]:
    """Mg.ATP/ATP, ATP4-/ATP, Mg.ADP/ADP, ADP3-/ADP as in the kernel's ``mg_speciation``
    (same constants and binding function, run uncompiled so that importing the model
    compiles nothing)."""
    h = 10.0 ** (3.0 - pH)
    k = [1e3 * x for x in BEARD_QIAN_38C]
    atp4, _, mgatp, _, _ = nucleotide_species.py_func(1.0, Mg, h, K, *k[0:4])
    adp3, _, mgadp, _, _ = nucleotide_species.py_func(1.0, Mg, h, K, *k[4:8])
    return mgatp, atp4, mgadp, adp3


_F_MGATP, _F_ATP4, _F_MGADP, _F_ADP3 = _species_fractions(MG_I_REF, PH_I_REF, K_I_REF)
#: K-ATP constants for Mg.ADP, ADP3- and ATP4- equal to Cha's at the reference (mM).
K_DD = 0.01 * _F_MGADP / 0.55
K_TD = 0.026 * _F_ADP3 / (0.45 * 0.55)
K_TT = 0.05 * _F_ATP4


def _p(name, value, unit, desc, source, bounds, condition=False):
    return Parameter(name, value, unit, desc, source, bounds, condition)


_pos = (0.0, 1e9)

_cell = (
    _p("C_m", 6.158, "pF", "membrane capacitance", _SRC + " (Cm)", (1e-3, 1e6)),
    _p("vol_i", 764.0, "fL", "cytosolic volume", _SRC + " (voli)", (1e-3, 1e9)),
    _p("vol_ER", 280.0, "fL", "ER volume", _SRC + " (volER)", (1e-3, 1e9)),
    _p("f_i", 0.01, "1", "free fraction of cytosolic Ca2+ (rapid buffering)", _SRC + " (fi)",
       (1e-9, 1.0)),
    _p("f_ER", 0.025, "1", "free fraction of ER Ca2+", _SRC + " (fer)", (1e-9, 1.0)),
)

_conditions = (
    _p("Na_o", 140.0, "mM", "extracellular Na+", _SRC + " (Naout)", (1e-3, 1000.0), True),
    _p("K_o", 5.4, "mM", "extracellular K+", _SRC + " (Kout)", (1e-3, 1000.0), True),
    _p("Ca_o", 2.6, "mM", "extracellular Ca2+", _SRC + " (Caout)", (1e-3, 100.0), True),
    _p("Mg_o", 1.0, "mM", "extracellular Mg2+ (acts through the surface-charge shift of the "
       "L-type gating; reference bath for a zero shift)",
       "typical bath Mg2+ (not in Cha et al. 2011; chosen here as the reference bath)",
       (0.0, 100.0), True),
    _p("Mg_i", MG_I_REF, "mM", "free cytosolic Mg2+ (nucleotide speciation)",
       "chosen here: 0.7 mM, inside the 0.25-1 mM free cytosolic Mg2+ of mammalian cells "
       "(Grubbs RD 2002 BioMetals 15:251, abstract); also the reference composition "
       "(MG_I_REF) of the K-ATP constant conversion", (1e-4, 20.0), True),
    _p("pH_i", PH_I_REF, "1", "cytosolic pH (speciation; pump H+ product)",
       _SRC + " (Proton = 1e-4 mM, i.e. pH 7)", (5.0, 9.0), True),
    _p("Pi_i", 1.9, "mM", "cytosolic inorganic phosphate (pump product)", _SRC + " (Pii)",
       (0.0, 100.0), True),
    _p("glucose", 11.1, "mM", "extracellular glucose",
       "stimulatory glucose (11.1 mM = 200 mg/dl, the standard stimulatory concentration); "
       "the default initial state is Cha's stimulatory set", (0.0, 100.0), True),
    _p("temperature", 37.0, "C", "temperature: enters RT/F (constant-field currents, E_K, "
       "pump voltage dependence; in the original only these) and the surface-charge shift of "
       "the L-type gating (RT and water permittivity; V_shift at 10 mM Mg_o 10.73 mV at 37 C, "
       "10.28 mV at 25 C); rate constants and the 38 C speciation constants do not change",
       _SRC + " (celsius = 37)", (0.0, 50.0), True),
    _p("sigma", DEFAULT_SIGMA, "e/A^2", "membrane surface charge density for the divalent "
       "gating shift of the L-type channel (0 disables it)",
       "chosen here (order of magnitude): biophys.kernels.surface.DEFAULT_SIGMA",
       (-1.0, 0.0)),
    _p("I_app", 0.0, "pA", "constant applied current (depolarising > 0)", "protocol input",
       (-1e6, 1e6)),
)

_channels = (
    _p("P_CaL", 48.9, "pA/mM", "L-type Ca2+ channel permeability (constant field)",
       _SRC + " (PCaL)", _pos),
    _p("r_Na_CaL", 1.85e-5, "1", "Na+/Ca2+ permeability ratio of the L-type channel",
       _SRC + " (RCaLNa)", _pos),
    _p("r_K_CaL", 3.67e-4, "1", "K+/Ca2+ permeability ratio of the L-type channel",
       _SRC + " (RCaLK)", _pos),
    _p("K_CaL_ATP", 1.4, "mM", "ATP for half-maximal L-type availability (run-down, Hill 3)",
       _SRC + " (RundownATP = 1/(1 + (1.4/ATP)^3))", (1e-9, 1e3)),
    _p("P_KDr", 2.1, "pA/mM", "delayed rectifier K+ permeability", _SRC + " (pKDr)", _pos),
    _p("g_Kto", 2.13, "nS", "transient outward K+ conductance", _SRC + " (GKto)", _pos),
    _p("P_Kslow", 0.2, "pA/mM", "Ca2+-activated K-slow permeability", _SRC + " (PKslow)",
       _pos),
    _p("K_Kslow", 7.4e-4, "mM", "Ca2+ for half activation of K-slow", _SRC + " (KdKslow)",
       (1e-12, 1e3)),
    _p("n_Kslow", 2.2, "1", "Hill coefficient of K-slow activation", _SRC + " (nKslow)",
       (0.1, 10.0)),
    _p("P_TRPM", 0.0234, "pA/mM", "TRPM channel permeability (K+)", _SRC + " (pTRPM)", _pos),
    _p("K_TRPM", 7.6e-4, "mM", "Ca2+ for half activation of TRPM (Hill 1.7)",
       _SRC + " (KTRPM)", (1e-12, 1e3)),
    _p("r_Na_TRPM", 0.8, "1", "Na+/K+ permeability ratio of TRPM", _SRC + " (RNa_K_TRPM)",
       _pos),
    _p("P_SOC", 0.00764, "pA/mM", "store-operated channel permeability (K+)",
       _SRC + " (PSOC)", _pos),
    _p("K_SOC", 0.003, "mM", "ER Ca2+ for half activation of SOC (slope 0.003 mM)",
       _SRC + " (KCaer)", (0.0, 1e3)),
    _p("r_Na_SOC", 0.8, "1", "Na+/K+ permeability ratio of SOC", _SRC + " (RNa_K_SOC)", _pos),
    _p("r_Ca_SOC", 20.0, "1", "Ca2+/K+ permeability ratio of SOC", _SRC + " (ISOC3 factor 20)",
       _pos),
    _p("P_bNSC_Na", 0.00396, "pA/mM", "background non-selective Na+ permeability",
       _SRC + " (pIbNSC)", _pos),
    _p("P_bNSC_K", 0.01, "pA/mM", "background non-selective K+ permeability",
       _SRC + " (IbNSC2 = 0.01*KCF)", _pos),
    _p("g_KATP", 2.31, "nS", "maximal K-ATP conductance", _SRC + " (gKATP)", _pos),
    _p("K_dd", K_DD, "mM", "Mg.ADP activation constant of K-ATP",
       f"converted here from {_SRC} (kdd = 0.01 mM on Cha's MgADP = 0.55 free ADP): "
       f"kdd * f_MgADP/0.55, f_MgADP = Mg.ADP/ADP at the default Mg_i, pH_i, K_i ({_BQ}), "
       "so that K-ATP equals Cha's at the defaults; form: " + _MK, (1e-12, 1e3)),
    _p("K_td", K_TD, "mM", "ADP3- inhibition constant of K-ATP",
       f"converted here from {_SRC} (term 0.45*MgADP/ktd, ktd = 0.026 mM): "
       "ktd * f_ADP3/(0.45*0.55), f_ADP3 = ADP3-/ADP at the default Mg_i, pH_i, K_i",
       (1e-12, 1e3)),
    _p("K_tt", K_TT, "mM", "ATP4- inhibition constant of K-ATP",
       f"converted here from {_SRC} (term ATP/ktt with total ATP, ktt = 0.05 mM): "
       "ktt * f_ATP4, f_ATP4 = ATP4-/ATP at the default Mg_i, pH_i, K_i", (1e-12, 1e3)),
)

_transport = (
    _p("I_NCX_max", _NCX["I_NCX_max"], "pA", "Na+/Ca2+ exchanger amplitude",
       _SRC + " (AmpINaCa)", _pos),
    _p("K_NCX_Nai", _NCX["K_NCX_Nai"], "mM", "exchanger dissociation constant, Na+ inside",
       _SRC + " (KdNai)", (1e-9, 1e4)),
    _p("K_NCX_Cai", _NCX["K_NCX_Cai"], "mM", "exchanger dissociation constant, Ca2+ inside",
       _SRC + " (KdCai)", (1e-9, 1e4)),
    _p("K_NCX_Nao", _NCX["K_NCX_Nao"], "mM", "exchanger dissociation constant, Na+ outside",
       _SRC + " (KdNao)", (1e-9, 1e4)),
    _p("K_NCX_Cao", _NCX["K_NCX_Cao"], "mM", "exchanger dissociation constant, Ca2+ outside",
       _SRC + " (KdCao)", (1e-9, 1e4)),
    _p("partition_NCX", _NCX["partition_NCX"], "1", "electrical distance of Na+ translocation",
       _SRC + " (k1 = exp(0.32 FV/RT))", (0.0, 1.0)),
    _p("I_PMCA_max", 1.56, "pA", "maximal PMCA current", _SRC + " (P_PMCA)", _pos),
    _p("K_PMCA", 1.4e-4, "mM", "Ca2+ for half activation of the PMCA (Hill 2)",
       _SRC + " (K_PMCA)", (1e-12, 1e3)),
    _p("P_NaK", 350.0, "pA*ms", "Na+/K+-ATPase amplitude (current per 1/ms of cycle rate)",
       _SRC + " (PNaK); cycle: biophys.kernels.nak_pump.nak_cycle_rate", _pos),
    _p("K_NaK_glucose", 5.84, "mM", "glucose constant of pump inhibition "
       "(factor 0.4 + 0.6 exp(-G/K))", _SRC + " (iglc)", (1e-9, 1e4)),
    _p("P_SERCA", 0.096, "amol/ms", "maximal SERCA Ca2+ uptake (Hill 2)", _SRC + " (PCaER)",
       _pos),
    _p("K_SERCA", 5e-4, "mM", "Ca2+ for half-maximal SERCA uptake", _SRC + " (KCarp)",
       (1e-12, 1e3)),
    _p("P_leak_ER", 0.46, "fL/ms", "ER Ca2+ leak permeability", _SRC + " (Pleak)", _pos),
)

_metabolism = (
    _p("A_tot", 4.0, "mM", "total adenine nucleotides (ATP + free ADP + bound ADP; initial "
       "ATP + ADP must not exceed it)",
       _SRC + " (totalATP)", (1e-6, 100.0)),
    _p("N_tot", 10.0, "mM", "total pool of reducing equivalents (initial Re must not exceed "
       "it)", _SRC + " (Nt)",
       (1e-6, 1e4)),
    _p("K_m_ATP_glc", 0.5, "mM", "ATP for half-maximal glucose phosphorylation",
       _SRC + " (KmATP)", (1e-9, 1e3)),
    _p("h_glc", 2.5, "1", "Hill coefficient of glucose metabolism", _SRC + " (hgl)",
       (0.1, 10.0)),
    _p("K_glc", 13.0, "mM", "glucose for half-maximal metabolism", _SRC + " (Kg)",
       (1e-6, 1e3)),
    _p("P_op", 5e-4, "1/ms", "rate of oxidative phosphorylation per reducing equivalent",
       _SRC + " (Pop)", _pos),
    _p("K_op", K_OP_FITTED, "mM", "ADP substrate constant of oxidative phosphorylation "
       "(Hill 2)", f"{_FIT}: Cha et al. 2011 Kop = 0.02 mM; re-fitted (x1.2) because the "
       "Na+/K+-ATPase now runs on Mg.ATP and Mg.ADP from the speciation (about 8% slower "
       "turnover at the defaults, with a different nucleotide dependence); this restores the "
       "burst period of the published equations at 11.1 mM glucose "
       "(test_refit_restores_published_bursting); at 20 mM both fire continuously: this "
       "model 133 spikes/min against the published 126 over 60 s from the published "
       "equations' state at 240 s (test_high_glucose_fires_continuously), 8-9% slower over "
       "300-900 s from the default state (test_high_glucose_fires_continuously_long, slow)",
       (1e-12, 1e3)),
    _p("f_MgADP_op", 0.55, "1", "Cha's fixed Mg.ADP fraction of free ADP, used only for the "
       "ADP substrate of oxidative phosphorylation",
       _SRC + " (ADPb = totalATP - ATP - MgADP/0.55)", (0.0, 1.0)),
    _p("k_Re", 1.26e-4, "1/ms", "glucose-driven production of reducing equivalents",
       _SRC + " (KRe)", _pos),
    _p("k_fa", 6.3e-6, "1/ms", "glucose-independent (fatty acid) production of reducing "
       "equivalents", _SRC + " (Kfa)", _pos),
    _p("stoich_op", 2.5, "1", "ATP per reducing equivalent", _SRC + " (Stoichi)",
       (1e-6, 1e3)),
    _p("R_vol", 2.5, "1", "mitochondrial/cytosolic volume factor", _SRC + " (Rvol)", _pos),
    _p("k_ATP", 6.2e-5, "1/ms", "basal ATP consumption rate", _SRC + " (kATP)", _pos),
    _p("k_ATP_Ca", 0.187, "1/(mM*ms)", "Ca2+-dependent ATP consumption", _SRC + " (kATPCa)",
       _pos),
    _p("k_ADP_f", 2e-4, "1/ms", "binding of free ADP", _SRC + " (kADPf)", _pos),
    _p("k_ADP_b", 2e-5, "1/ms", "release of bound ADP", _SRC + " (kADPb)", _pos),
)

_exo = (
    _p("v_md", 4.2e-15, "L", "volume of the Ca2+ microdomains of the L-type channels",
       _CHEN_SRC + " (vmd)", (1e-21, 1e-9)),
    _p("amplification", 1.0, "1", "multiplier of the granule resupply rate r3",
       _CHEN_FAST + " (GlucFact = 1)", (0.0, 1e3)),
    _p("f_md", 0.01, "1", "free fraction of Ca2+ in the microdomain", _CHEN_SRC + " (fmd)",
       (1e-9, 1.0)),
    _p("B_md", 200.0, "1/s", "microdomain-to-cytosol Ca2+ exchange rate", _CHEN_SRC + " (B)",
       _pos),
    _p("k1", 20.0, "1/(uM*s)", "Ca2+ binding per site of the three-site sensor",
       _CHEN_SRC + " (k1)", _pos),
    _p("km1", 100.0, "1/s", "Ca2+ unbinding per bound ion", _CHEN_SRC + " (km1)", _pos),
    _p("r1", 0.6, "1/s", "primed granules N5 -> microdomain pool N1", _CHEN_FAST + " (r1)",
       _pos),
    _p("rm1", 1.0, "1/s", "reverse transfer N1 -> N5", _CHEN_SRC + " (rm1)", _pos),
    _p("r20", 0.006, "1/s", "maximal priming N6 -> N5 (Ca2+-dependent)", _CHEN_SRC + " (r20)",
       _pos),
    _p("rm2", 0.001, "1/s", "unpriming N5 -> N6", _CHEN_SRC + " (rm2)", _pos),
    _p("r30", 1.205, "granules/s", "maximal docking (resupply) into N6", _CHEN_SRC + " (r30)",
       _pos),
    _p("rm3", 1e-4, "1/s", "undocking from N6", _CHEN_SRC + " (rm3)", _pos),
    _p("u1", 2000.0, "1/s", "fusion of granules with three Ca2+ bound", _CHEN_SRC + " (u1)",
       _pos),
    _p("u2", 3.0, "1/s", "fused -> releasing", _CHEN_SRC + " (u2)", _pos),
    _p("u3", 0.02, "1/s", "insulin release from releasing granules", _CHEN_SRC + " (u3)",
       _pos),
    _p("Kp", 2.3, "uM", "Ca2+ constant of resupply r3", _CHEN_SRC + " (Kp)", (1e-9, 1e6)),
    _p("Kp2", 2.3, "uM", "Ca2+ constant of priming r2", _CHEN_SRC + " (Kp2)", (1e-9, 1e6)),
    _p("C_granule", 3.5, "fF/granule", "capacitance per fused granule",
       _CHEN_SRC + " (3.5 fF per granule)", _pos),
    _p("insulin_granule", 9.0, "fg/granule", "insulin per granule",
       _CHEN_SRC + " (9 fg per granule, islet read-out 4.5 pg = 9 fg x 1000 cells / 2 min)",
       _pos),
)

_parameters = _cell + _conditions + _channels + _transport + _metabolism + _exo

# Initial state: the stimulatory set of betacell.hoc (Cha et al. 2011), with free ADP =
# MgADP0/0.55; the exocytosis pools are the initial pools of Chen et al. (2008) and the
# microdomain starts at the cytosolic Ca2+.
_MGADP0 = 0.127093
_CA0 = 0.000306139


def _s(name, value, unit, desc, source, bounds):
    return State(name, value, unit, desc, source, bounds)


_g = (0.0, 1.0)
_states = (
    _s("V", -48.9045, "mV", "membrane potential", _HOC + " (Voltage0)", (-300.0, 300.0)),
    _s("Na_i", 5.804, "mM", "cytosolic Na+", _HOC + " (Nai0)", (1e-6, 1000.0)),
    _s("K_i", K_I_REF, "mM", "cytosolic K+", _HOC + " (Ki0)", (1e-3, 1000.0)),
    _s("Ca_i", _CA0, "mM", "cytosolic free Ca2+", _HOC + " (Cai0)", (1e-12, 10.0)),
    _s("Ca_ER", 0.0234849, "mM", "ER free Ca2+", _HOC + " (CaER0)", (0.0, 100.0)),
    _s("ATP", 2.64667, "mM", "total cytosolic ATP", _HOC + " (ATP0)", (1e-9, 100.0)),
    _s("ADP", _MGADP0 / 0.55, "mM", "total free cytosolic ADP (Cha's MgADP/0.55)",
       _HOC + " (MgADP0 = 0.127093 mM)/0.55", (0.0, 100.0)),
    _s("Re", 0.64195, "mM", "reducing equivalents", _HOC + " (Re0)", (0.0, 1e4)),
    _s("d_CaL", 0.101898, "1", "L-type activation gate", _HOC + " (d_CaL0)", _g),
    _s("U_CaL", 0.635696, "1", "L-type Ca2+-dependent inactivation gate", _HOC + " (U_CaL0)",
       _g),
    _s("f_us", 0.827114, "1", "L-type ultra-slow inactivation gate", _HOC + " (fus0)", _g),
    _s("r_KDr", 0.00105694, "1", "delayed rectifier activation", _HOC + " (r_KDr0)", _g),
    _s("q_KDr", 0.970421, "1", "delayed rectifier inactivation", _HOC + " (q_KDr0)", _g),
    _s("m_Kto", 0.0170783, "1", "Kto activation", _HOC + " (m_Kto0)", _g),
    _s("h_Kto", 0.301612, "1", "Kto inactivation", _HOC + " (h_Kto0)", _g),
    _s("E1_NCX", 0.354892, "1", "exchanger inward-facing state (E2 = 1 - E1 - I1 - I2, so "
       "initial E1 + I1 + I2 <= 1)", _HOC + " (E1_tota0)", _g),
    _s("I1_NCX", 0.151253, "1", "exchanger inactivated state 1", _HOC + " (I10)", _g),
    _s("I2_NCX", 0.489584, "1", "exchanger inactivated state 2", _HOC + " (I20)", _g),
    _s("Cmd", 1000.0 * _CA0, "uM", "Ca2+ in the L-type channel microdomains",
       "starts at the cytosolic Ca2+ (chosen here)", (0.0, 1e6)),
    _s("N1", 14.71376, "granules", "immediately releasable granules (no Ca2+ bound)",
       _CHEN_SRC + " (init)", (0.0, 1e7)),
    _s("N2", 0.612519, "granules", "granules with 1 Ca2+ bound", _CHEN_SRC + " (init)",
       (0.0, 1e7)),
    _s("N3", 0.0084499, "granules", "granules with 2 Ca2+ bound", _CHEN_SRC + " (init)",
       (0.0, 1e7)),
    _s("N4", 5.098857e-6, "granules", "granules with 3 Ca2+ bound", _CHEN_SRC + " (init)",
       (0.0, 1e7)),
    _s("N5", 24.539936, "granules", "primed granules outside the microdomains",
       _CHEN_SRC + " (init)", (0.0, 1e7)),
    _s("N6", 218.017777, "granules", "docked, unprimed granules", _CHEN_SRC + " (init)",
       (0.0, 1e7)),
    _s("NF", 0.003399, "granules", "fused granules", _CHEN_SRC + " (init)", (0.0, 1e7)),
    _s("NR", 0.50988575, "granules", "releasing granules", _CHEN_SRC + " (init)", (0.0, 1e7)),
    _s("SE", 0.0, "granules", "secreted granules (cumulative)", "zero at t = 0", (0.0, 1e12)),
    _s("fused_total", 0.0, "granules", "cumulative exocytosis (fusion events)",
       "zero at t = 0", (0.0, 1e12)),
)

_outputs = (
    Output("I_CaL", "pA", "L-type Ca2+ channel current (Ca2+ + Na+ + K+)"),
    Output("I_CaL_Ca", "pA", "Ca2+ component of the L-type current (fills the microdomain)"),
    Output("I_KDr", "pA", "delayed rectifier K+ current"),
    Output("I_Kto", "pA", "transient outward K+ current"),
    Output("I_Kslow", "pA", "Ca2+-activated K-slow current"),
    Output("I_TRPM", "pA", "TRPM non-selective cation current"),
    Output("I_SOC", "pA", "store-operated current"),
    Output("I_bNSC", "pA", "background non-selective cation current"),
    Output("I_KATP", "pA", "ATP-sensitive K+ current"),
    Output("I_NaK", "pA", "Na+/K+-ATPase current"),
    Output("I_NaCa", "pA", "Na+/Ca2+ exchanger current (outward = Ca2+ entry mode)"),
    Output("I_PMCA", "pA", "plasma-membrane Ca2+-ATPase current"),
    Output("I_ion", "pA", "total ionic membrane current"),
    Output("J_SERCA", "amol/ms", "SERCA Ca2+ uptake into the ER"),
    Output("J_ER_leak", "amol/ms", "passive Ca2+ leak from the ER"),
    Output("J_OP", "mM/ms", "ATP production by oxidative phosphorylation"),
    Output("ATP_use", "mM/ms", "ATP consumption (Na+/K+ pump, PMCA, SERCA, basal, Ca2+-"
           "dependent)"),
    Output("pO_KATP", "1", "K-ATP open probability"),
    Output("E_K", "mV", "K+ reversal potential"),
    Output("MgATP", "mM", "cytosolic Mg.ATP2-"),
    Output("MgADP", "mM", "cytosolic Mg.ADP-"),
    Output("ATP4", "mM", "cytosolic free ATP4-"),
    Output("ADP3", "mM", "cytosolic free ADP3-"),
    Output("V_shift", "mV", "surface-charge shift of the L-type gating (depolarising)"),
    Output("fusion_rate", "granules/s", "granule fusion (exocytosis) rate"),
    Output("capacitance", "fF", "capacitance increase by exocytosis since t = 0"),
    Output("insulin_rate", "fg/s", "insulin secretion rate"),
    Output("insulin_secreted", "fg", "cumulative insulin secreted since t = 0"),
)

MODEL = Model(
    name="beta_cell",
    title="Mouse beta cell (Cha et al. 2011) with Mg2+ speciation, surface charge and "
          "exocytosis",
    description=(
        "The Cha et al. (2011) mouse pancreatic beta-cell model: constant-field (GHK) "
        "currents, Ca2+- and voltage-dependent L-type channel, K-ATP, Na+/K+-ATPase, Na+/Ca2+ "
        "exchanger, PMCA, SERCA/ER, glucose-driven ATP production, and Na_i, K_i, Ca_i "
        "dynamics, ported from the published NEURON file. Built here on top of it: "
        "Mg.ATP/ATP4-/Mg.ADP/ADP3- from the shared speciation at the free Mg2+ Mg_i (pump "
        "and K-ATP), the Grahame surface-charge shift of the L-type gating by Ca_o/Mg_o, and "
        "Chen et al. (2008) granule exocytosis driven by the L-type Ca2+ current (after the "
        "first minutes the insulin output follows the bulk Ca2+ that drives the reserve-pool "
        "resupply; no amplifying pathway: README, beta_cell's insulin read-out). The K-ATP "
        "constants are converted to the species at the default Mg_i (K-ATP identical to "
        "Cha's there) and one parameter (K_op) is re-fitted so that the burst period at "
        "11.1 mM glucose is that of the published equations. Like the published equations it "
        "is silent at 5.6 mM, bursts at 8-11.1 mM and fires continuously at 20 mM glucose. "
        "Currents in pA, concentrations in mM, volumes in fL, time in ms."
    ),
    references=(
        _CHA,
        f"{_MOD} and betacell.hoc (NEURON port by C. L. Lei 2017; Lei et al. 2018 Islets "
        "10:151)",
        _CHEN + ", doi:10.1529/biophysj.107.124990",
        _MK + ", doi:10.1152/ajpcell.1998.274.4.C1158",
        _BQ,
        "Smith NP, Crampin EJ (2004) Prog Biophys Mol Biol 85:387 (Na+/K+-ATPase cycle), "
        "doi:10.1016/j.pbiomolbio.2004.01.010",
    ),
    parameters=_parameters,
    states=_states,
    outputs=_outputs,
    kernel=kernel,
    dt=0.1,
    # chosen here: -20 mV lies between the minimum (-52.4 mV) and the lowest spike peak
    # (-9.4 mV; highest -7.4 mV) at the default conditions, 20-60 s of a 60 s run
    # (bp.simulate, review 55)
    spike_threshold=-20.0,
    # chosen here: longer than the longest interspike interval of that run (719 ms; it held no
    # silent phase); not checked against a measured silent phase
    burst_gap=2000.0,
    # chosen here: between rest (-58.8 mV at 2 mM K_o) and block (-30.4 mV without spikes at
    # 12 mM; equimolar Na+ substitution, 11.1 mM glucose, mean V over 40-60 s):
    # tests/test_depolarisation_block.py. With the main job's 480 s runs (after 300 s): -59.7
    # and -34.6 mV.
    plateau_V=-50.0,
    roles={"Ca_i": "Ca_i", "secretion": "fusion_rate", "insulin": "insulin_rate",
           "pump_current": "I_NaK", "ATP_use": "ATP_use"},
    # cumulative granule counts (biophys.kernels.exocytosis): continued linearly by the rest
    # test of sweep(stop_at_rest=...)
    accumulators=("SE", "fused_total"),
    # the granule pools leave the initial state over minutes to hours: insulin output at 4 mM
    # K_o is 6.1 fg/s over 5-20 s, 20% above its later value after a 120 s warm-up
    # (tests/test_sweep_cli.py::test_main_job_measures_after_the_initial_state); 300 s settle
    # the fast pools, but the reserve pool relaxes over 25-56 min and the 300-480 s window
    # reads 14-54% above the 3 h value (tests/test_beta_cell_insulin_departures.py, README).
    # Within 10%: about 1600 s at 11.1 mM glucose, 6000 s at 3 mM (+54% at 390 s decaying
    # with 56 min), the figure declared; a sweep from the default state warns below it
    # (bp.settled_state removes the reserve pool's transient: tests/test_settle.py)
    settling={"fusion_rate": 6_000_000.0, "insulin_rate": 6_000_000.0},
    # the reserve pool N6 feeds N5 and the primed pools, which are fast (r1 + rm2, rm1, the
    # Ca2+ sensor) and linear in the pools, and the pools do not act back on the cell (the
    # microdomain is a sensor compartment: kernels/models/beta_cell.py adds no J_exch to
    # Ca_i), so bp.settled_state can project N6 to its steady state:
    # dN6/dt = r3 - rm3 N6 - fusion (Chen et al. 2008 pool equations,
    # biophys/kernels/exocytosis.py); NF and NR lie downstream of fusion and follow it
    reservoir=Reservoir("N6", ("N1", "N2", "N3", "N4", "N5", "NF", "NR"), "rm3",
                        "fusion_rate"),
    # every current is carried by Na+, K+ or Ca2+, all tracked (Cha et al.'s bookkeeping:
    # tests/test_beta_cell.py::test_charge_conservation), so sweep(audit=True) applies
    charge_balance=ChargeBalance(
        capacitance="C_m", convention="whole_cell", applied="I_app",
        carriers=(ChargeCarrier("Na_i", 1, "vol_i"), ChargeCarrier("K_i", 1, "vol_i"),
                  ChargeCarrier("Ca_i", 2, "vol_i", "f_i"),
                  ChargeCarrier("Ca_ER", 2, "vol_ER", "f_ER"))),
    # parts of conserved pools whose remainder is implicit in the kernel: each (0, 1) or
    # positive range holds per state, these hold together (Model.check_joint; the Na+/K+
    # pump's cycle is algebraic, the L-type gates are independent, the granule pools have no
    # fixed total)
    joint_limits=(
        SumLimit(("E1_NCX", "I1_NCX", "I2_NCX"), 1.0,
                 "the exchanger's fourth carrier state E2 = 1 - E1_NCX - I1_NCX - I2_NCX must "
                 "not be negative"),
        SumLimit(("ATP", "ADP"), "A_tot", "bound ADP = A_tot - ATP - ADP must not be negative"),
        SumLimit(("Re",), "N_tot", "the oxidised equivalents N_tot - Re must not be negative"),
    ),
)

