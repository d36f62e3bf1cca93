"""Declaration of the Integrated Oscillator Model 1.7 (Bertram lab)."""

from __future__ import annotations

from .._model import Model, Output, Parameter, State
from ..kernels.models import iom_1_7 as kernel
from ._classic import nernst_potassium_parameters

_F22 = ("Fletcher PA, Marinelli I, Bertram R, Satin LS, Sherman AS (2022) Pulsatile basal "
        "insulin secretion is driven by glycolytic oscillations. Physiology 37. "
        "doi:10.1152/physiol.00044.2021")
_F23 = ("Fletcher PA, Thompson B, Liu C, Bertram R, Satin LS, Sherman AS. Ca2+ release or "
        "Ca2+ entry, that is the question: what governs Ca2+ oscillations in pancreatic beta "
        "cells? (cited so, without journal or year, in the header of IOM_1_7.ode; the "
        "publication was not retrieved here)")
_C23 = ("Corradi J, Thompson B, Fletcher PA, Bertram R, Sherman AS, Satin LS (2023) J Physiol "
        "601:5655-5667")
_FILE = "IOM_1_7.ode (github.com/artielbm/artielbm.github.io, Models/IOM1.7/IOM_1_7.ode)"
_MFILE = "IOM_1_7.m (same folder)"
_SRC = f"{_FILE}; the IOM of Fletcher et al. (2022) Physiology 37, version 1.7"


def _p(name, value, unit, desc, key, bounds, condition=False):
    return Parameter(name, value, unit, desc, f"{_SRC} ({key})", bounds, condition)


_CONC = (0.0, 1e6)
#: ATP (kernel ``atp_from_adp``) is real only for ADP <= A_tot/3. Bounds are per quantity, so
#: the joint condition is kept for the initial state by bounding the initial ADP above and A_tot
#: below at 3x that. A run whose ATP demand drives ADP past A_tot/3 (e.g. v_hyd_bas = 10, 12.5
#: times the file's 0.8: ADP reaches 975 uM of 1000) ends with status "non-finite state"; a sweep
#: marks that point and keeps the others (tests/test_declaration_limits.py).
_ADP_MAX = 900.0  # uM
_A_TOT_MIN = 3.0 * _ADP_MAX  # uM

MODEL = Model(
    name="iom_1_7",
    title="Integrated Oscillator Model 1.7 of the pancreatic beta-cell (published model)",
    description=(
        "The Bertram-Sherman-Satin Integrated Oscillator Model, version 1.7: beta-cell "
        "electrical activity (Ca2+, delayed-rectifier, K(Ca), K(ATP) and store-operated "
        "currents), cytosolic and ER Ca2+, glycolysis with the 16-state PFK model, and "
        "ATP/ADP/AMP with adenylate-kinase equilibrium; K(ATP) opens with the Magnus-Keizer "
        "dependence on Mg.ADP, ADP3- and ATP4- (fixed fractions of total ADP/ATP). Glucose "
        "(mM) is a condition. Published model, ported from the Bertram lab's XPP file "
        "IOM_1_7.ode (glucose pulse and secretion module removed there); E_K is the Nernst "
        "potential of K_o (default gives the published -75 mV). Slow (~6 min) compound "
        "bursting at 8-20 mM glucose. Currents in fA, conductances in pS, capacitance in fF "
        "(I_ext in fA, depolarising positive). Has no secretion or insulin output."
    ),
    references=(_F22, _F23, _C23, "Model files: " + _FILE + "; " + _MFILE),
    parameters=(
        _p("C_m", 5300.0, "fF", "membrane capacitance", "Cm", (1.0, 1e6)),
        _p("g_Ca", 1000.0, "pS", "maximal Ca2+ conductance", "gca", (0.0, 1e6)),
        _p("V_Ca", 25.0, "mV", "reversal potential of the Ca2+ current", "vca",
           (-200.0, 300.0)),
        _p("V_m", -20.0, "mV", "half-activation voltage of the Ca2+ current", "vm",
           (-200.0, 200.0)),
        _p("s_m", 12.0, "mV", "slope factor of Ca2+ activation", "sm", (1e-3, 200.0)),
        _p("g_K", 2700.0, "pS", "maximal delayed-rectifier K+ conductance", "gk", (0.0, 1e6)),
        _p("V_n", -16.0, "mV", "half-activation voltage of n", "vn", (-200.0, 200.0)),
        _p("s_n", 5.0, "mV", "slope factor of n", "sn", (1e-3, 200.0)),
        _p("tau_n", 20.0, "ms", "time constant of n", "taun", (1e-3, 1e5)),
        _p("g_KCa", 50.0, "pS", "maximal Ca2+-activated K+ conductance", "gkca", (0.0, 1e6)),
        _p("K_KCa", 0.3, "uM", "Ca2+ half-activation of the K(Ca) current", "kd",
           (1e-6, 1e3)),
        _p("n_KCa", 4.0, "1", "Hill coefficient of the K(Ca) current", "nkca", (0.1, 20.0)),
        _p("g_KATP", 27000.0, "pS", "maximal K(ATP) conductance", "gkatpbar", (0.0, 1e7)),
        _p("k_dd", 17.0, "uM", "Mg.ADP dissociation constant of K(ATP)",
           "kdd (the K(ATP) open probability of Magnus & Keizer 1998, so attributed in "
           "Models/McKenna/Fig2.ode; IOM_1_7.ode names no source)", (1e-6, 1e6)),
        _p("k_td", 26.0, "uM", "ADP3- dissociation constant of K(ATP)", "ktd", (1e-6, 1e6)),
        _p("k_tt", 1.0, "uM", "ATP4- dissociation constant of K(ATP) (raise to mimic "
           "diazoxide)", "ktt", (1e-6, 1e6)),
        _p("frac_MgADP", 0.165, "1", "fixed fraction of total ADP present as Mg.ADP",
           "mgadp = 0.165*adp", (0.0, 1.0)),
        _p("frac_ADP3", 0.135, "1", "fixed fraction of total ADP present as free ADP3-",
           "adp3m = 0.135*adp", (0.0, 1.0)),
        _p("frac_ATP4", 0.05, "1", "fixed fraction of total ATP present as free ATP4-",
           "atp4m = 0.05*atp", (0.0, 1.0)),
        _p("g_SOC", 0.0, "pS", "maximal store-operated current conductance (0 as published; "
           "10 in the file's commentary)", "gsoc", (0.0, 1e6)),
        _p("V_SOC", -20.0, "mV", "reversal potential of I_SOC", "vsoc", (-200.0, 200.0)),
        _p("K_SOC", 300.0, "uM", "ER Ca2+ of half-maximal I_SOC activation (Hill 4)", "ksoc",
           (1e-6, 1e6)),
        *nernst_potassium_parameters(
            "IOM_1_7.ode", 37.0,
            K_o_source=f"{_FILE}, commented hook 'par ko = 5.0'; with K_i gives V_K = -75 mV",
            K_i_note="the file's commented hook, vk = 23.537 ln(ko/120), gives -74.8 mV"),
        _p("alpha", 4.5e-6, "uM/(fA*ms)", "conversion of Ca2+ current to cytosolic Ca2+ flux",
           "alpha", (0.0, 1.0)),
        _p("v_PMCA", 0.042, "uM/ms", "maximal PMCA flux", "vpmca", (0.0, 1e3)),
        _p("K_PMCA", 0.1, "uM", "PMCA half-activation (Hill 2)", "kpmca", (1e-6, 1e3)),
        _p("v_SERCA", 0.125, "uM/ms", "maximal SERCA flux", "vserca", (0.0, 1e3)),
        _p("K_SERCA", 0.2, "uM", "SERCA half-activation (Hill 2)", "kserca", (1e-6, 1e3)),
        _p("p_leak", 7.5e-5, "1/ms", "ER Ca2+ leak permeability", "pleak", (0.0, 1e3)),
        _p("f_Ca", 0.01, "1", "fraction of free Ca2+ (cytosol and ER)", "fca", (1e-6, 1.0)),
        _p("sigma_ER", 30.0, "1", "cytosol-to-ER volume ratio", "sigmaer", (1e-3, 1e4)),
        Parameter("glucose", 15.0, "mM", "extracellular glucose",
                  f"{_FILE} (g = 15; validated here at 8 and 20 mM)", (0.0, 100.0),
                  condition=True),
        _p("v_GK", 0.005, "uM/ms", "maximal glucokinase flux", "vgk", (0.0, 1e3)),
        _p("K_GK", 8.0, "mM", "glucose of half-maximal glucokinase flux", "kgk", (1e-6, 1e3)),
        _p("n_GK", 1.7, "1", "Hill coefficient of glucokinase", "ngk", (0.1, 20.0)),
        _p("k1_PFK", 30.0, "uM", "PFK AMP dissociation constant", "k1", (1e-9, 1e9)),
        _p("k2_PFK", 1.0, "uM", "PFK FBP dissociation constant", "k2", (1e-9, 1e9)),
        _p("k3_PFK", 50000.0, "uM^2", "PFK F6P dissociation constant (squared)", "k3",
           (1e-9, 1e12)),
        _p("k4_PFK", 1000.0, "uM^2", "PFK ATP dissociation constant (squared)", "k4",
           (1e-9, 1e12)),
        _p("f_AMP", 0.02, "1", "PFK AMP-F6P interaction factor", "famp", (1e-9, 1e9)),
        _p("f_ATP", 20.0, "1", "PFK ATP-F6P interaction factor", "fatp", (1e-9, 1e9)),
        _p("f_FBP", 0.2, "1", "PFK FBP-F6P interaction factor", "ffbp", (1e-9, 1e9)),
        _p("f_BT", 20.0, "1", "PFK FBP-ATP interaction factor", "fbt", (1e-9, 1e9)),
        _p("f_MT", 20.0, "1", "PFK AMP-ATP interaction factor", "fmt", (1e-9, 1e9)),
        _p("k_PFK", 0.05, "1", "relative activity of the non-(1,1,1,0) F6P-bound PFK states",
           "kpfk", (0.0, 1e3)),
        _p("v_PFK", 0.01, "uM/ms", "maximal PFK flux", "vpfk", (0.0, 1e3)),
        _p("v_PDH", 0.005, "uM^0.5/ms", "maximal PDH flux per sqrt(FBP)", "vpdh", (0.0, 1e3)),
        _p("K_CaPDH", 300.0, "uM", "half-activation of PDH by (k_CaM Ca_i)", "kcapdh",
           (1e-9, 1e9)),
        _p("k_CaM", 400.0, "1", "scaling of cytosolic Ca2+ seen by PDH", "kcam", (0.0, 1e9)),
        _p("k_y", 20.0, "ms/uM", "gain of PDH flux on ADP phosphorylation", "ky", (0.0, 1e6)),
        _p("k_KM", 0.0, "1/uM", "Ca2+ inhibition of ATP production (Keizer-Magnus effect)",
           "kkm", (0.0, 1e3)),
        _p("r_phos", 0.7, "1", "basal ADP phosphorylation exponent", "r", (-1e2, 1e2)),
        _p("v_hyd", 6.0, "ms/uM", "ATP hydrolysis coupled to Ca2+ pumping (.ode: 6; .m: 5)",
           "vhyd", (0.0, 1e6)),
        _p("v_hyd_bas", 0.8, "1", "basal ATP hydrolysis", "vhydbas", (0.0, 1e6)),
        Parameter("A_tot", 3000.0, "uM", "total adenine nucleotides ATP + ADP + AMP; at least "
                  f"3 x {_ADP_MAX:g} uM (the largest initial ADP) because ATP exists only for "
                  "ADP <= A_tot/3",
                  f"{_SRC} (atot); lower bound {_A_TOT_MIN:g} uM chosen here (see ADP)",
                  (_A_TOT_MIN, 1e6)),
        _p("tau_a", 300000.0, "ms", "time scale of ADP dynamics", "taua", (1.0, 1e9)),
        _p("k_GO", 1.0, "1", "scaling of glycolytic rates", "kgo", (0.0, 1e6)),
        _p("k_ADP", 1.0, "1", "scaling of ADP rates", "kadp", (0.0, 1e6)),
        Parameter("I_app", 0.0, "fA", "constant applied current (depolarising > 0)",
                  "protocol input (none in the file)", (-1e6, 1e6)),
    ),
    states=(
        State("V", -64.3581, "mV", "membrane potential", f"{_MFILE}, yinit (the .ode leaves "
              "v(0) commented out)", (-300.0, 300.0)),
        State("n", 0.0001, "1", "delayed-rectifier activation", f"{_FILE}, init",
              (0.0, 1.0)),
        State("Ca_ER", 460.4832, "uM", "free ER Ca2+ (cer)", f"{_FILE}, init", _CONC),
        State("Ca_i", 0.0959, "uM", "free cytosolic Ca2+ (c)", f"{_FILE}, init", _CONC),
        State("ADP", 839.3863, "uM", "total cytosolic ADP (ATP needs ADP <= A_tot/3, kept by "
              f"ADP <= {_ADP_MAX:g} uM and A_tot >= {_A_TOT_MIN:g} uM)",
              f"{_FILE}, init; upper bound {_ADP_MAX:g} uM chosen here: above the "
              "default, and it lets A_tot go 10% below the published 3000 uM",
              (1e-9, _ADP_MAX)),
        State("F6P", 60.1374, "uM", "fructose 6-phosphate", f"{_FILE}, init", _CONC),
        State("FBP", 110.4577, "uM", "fructose 1,6-bisphosphate", f"{_FILE}, init", _CONC),
    ),
    outputs=(
        Output("I_Ca", "fA", "Ca2+ current, outward positive"),
        Output("I_K", "fA", "delayed-rectifier K+ current, outward positive"),
        Output("I_KCa", "fA", "Ca2+-activated K+ current, outward positive"),
        Output("I_KATP", "fA", "K(ATP) current, outward positive"),
        Output("I_SOC", "fA", "store-operated current, outward positive"),
        Output("P_KATP", "1", "K(ATP) open probability (Magnus-Keizer)"),
        Output("ATP", "uM", "cytosolic ATP"),
        Output("AMP", "uM", "cytosolic AMP"),
        Output("ATP_ADP", "1", "ATP/ADP ratio"),
        Output("J_GK", "uM/ms", "glucokinase flux"),
        Output("J_PFK", "uM/ms", "phosphofructokinase flux"),
        Output("J_PDH", "uM/ms", "pyruvate dehydrogenase flux"),
        Output("J_prod", "uM/ms", "ADP phosphorylation (ATP production) rate"),
        Output("J_hyd", "uM/ms", "ATP hydrolysis rate"),
        Output("J_PMCA", "uM/ms", "PMCA Ca2+ extrusion flux"),
        Output("J_SERCA", "uM/ms", "SERCA Ca2+ uptake flux"),
        Output("J_leak", "uM/ms", "ER Ca2+ leak flux (ER to cytosol)"),
        Output("E_K", "mV", "K+ Nernst potential from K_o, K_i and temperature"),
    ),
    kernel=kernel,
    dt=0.1,
    # chosen here (no burst definition in IOM_1_7.ode): -40 mV lies between the minimum
    # (-65.9 mV) and the lowest spike peak (-22.6 mV; highest -20.8 mV) at 20 mM glucose,
    # 100-320 s of a 320 s run, which covers the active phase (bp.simulate, review 55)
    spike_threshold=-40.0,
    # chosen here: longer than the longest interspike interval within that burst (439 ms) and
    # much shorter than the silent phase (about 200 s: period 356 s, plateau fraction 0.44 in
    # tests/test_classic_models.py)
    burst_gap=5000.0,
    # chosen here: between rest (-117.8 mV at 1 mM K_o) and block (-19.2 mV without spikes at
    # 20 mM), mean V over the last quarter of 400 s runs: tests/test_depolarisation_block.py
    plateau_V=-50.0,
    roles={"Ca_i": "Ca_i"},
)
