"""Declaration of the Bertram-Sherman (2004) calcium-based phantom burster (Fig. 13)."""

from __future__ import annotations

from .._model import Model, Output, Parameter, State
from ..kernels.models import bertram_sherman_2004 as kernel
from ._classic import nernst_potassium_parameters

_BS = "Bertram R, Sherman A (2004) Bull Math Biol 66:1313-1344"
_FILE = ("figure13.ode (github.com/artielbm/artielbm.github.io, "
         "Models/Phantom_II/figure13.ode)")
_SRC = f"{_BS}, Fig. 13 (ER/ATP model, slow mode); {_FILE}"

MODEL = Model(
    name="bertram_sherman_2004",
    title="Bertram-Sherman 2004 calcium-based phantom burster, Fig. 13 slow bursting "
          "(published model)",
    description=(
        "Phantom bursting driven by three slow variables: cytosolic Ca2+ (K(Ca) current), ER "
        "Ca2+ and a Ca2+-dependent K(ATP) activation a (tau 300 s), giving slow bursts with a "
        "period near 275 s. Published model, ported from the Bertram lab's XPP file "
        "figure13.ode; E_K is the Nernst potential of K_o (default gives the published "
        "-75 mV). Currents in fA, conductances in pS, capacitance in fF (I_ext in fA, "
        "depolarising positive). Has no secretion or insulin output."
    ),
    references=(_BS + ", doi:10.1016/j.bulm.2003.12.005", "Model file: " + _FILE),
    parameters=(
        Parameter("C_m", 5300.0, "fF", "membrane capacitance", f"{_SRC} (cm)", (1.0, 1e6)),
        Parameter("g_Ca", 1200.0, "pS", "maximal Ca2+ conductance", f"{_SRC} (gca)",
                  (0.0, 1e6)),
        Parameter("g_K", 3000.0, "pS", "maximal delayed-rectifier K+ conductance",
                  f"{_SRC} (gk)", (0.0, 1e6)),
        Parameter("g_KCa", 100.0, "pS", "maximal Ca2+-activated K+ conductance",
                  f"{_SRC} (gkca)", (0.0, 1e6)),
        Parameter("g_KATP", 500.0, "pS", "maximal K(ATP) conductance",
                  f"{_SRC} (ggkatp; the file's unused gkatp = 230 is not this)", (0.0, 1e6)),
        Parameter("V_Ca", 25.0, "mV", "reversal potential of the Ca2+ current",
                  f"{_SRC} (vca)", (-200.0, 300.0)),
        *nernst_potassium_parameters("figure13.ode", 37.0),
        Parameter("V_m", -20.0, "mV", "half-activation voltage of the Ca2+ current",
                  f"{_SRC} (vm)", (-200.0, 200.0)),
        Parameter("s_m", 12.0, "mV", "slope factor of Ca2+ activation", f"{_SRC} (sm)",
                  (1e-3, 200.0)),
        Parameter("V_n", -16.0, "mV", "half-activation voltage of n", f"{_SRC} (vn)",
                  (-200.0, 200.0)),
        Parameter("s_n", 5.0, "mV", "slope factor of n", f"{_SRC} (sn)", (1e-3, 200.0)),
        Parameter("tau_n", 16.0, "ms", "time constant of n", f"{_SRC} (taun)", (1e-3, 1e5)),
        Parameter("K_d", 0.3, "uM", "Ca2+ half-activation of the K(Ca) current (Hill 5)",
                  f"{_SRC} (kd)", (1e-6, 1e3)),
        Parameter("alpha", 4.5e-6, "uM/(fA*ms)", "conversion of Ca2+ current to cytosolic "
                  "Ca2+ flux", f"{_SRC} (alpha)", (0.0, 1.0)),
        Parameter("f_cyt", 0.01, "1", "fraction of free cytosolic Ca2+", f"{_SRC} (fcyt)",
                  (1e-6, 1.0)),
        Parameter("k_PMCA", 0.2, "1/ms", "rate constant of plasma-membrane Ca2+ extrusion",
                  f"{_SRC} (kpmca)", (0.0, 1e3)),
        Parameter("k_SERCA", 0.4, "1/ms", "rate constant of SERCA uptake", f"{_SRC} (kserca)",
                  (0.0, 1e3)),
        Parameter("p_leak", 0.0005, "1/ms", "ER Ca2+ leak permeability", f"{_SRC} (pleak)",
                  (0.0, 1e3)),
        Parameter("f_ER", 0.01, "1", "fraction of free ER Ca2+", f"{_SRC} (fer)",
                  (1e-6, 1.0)),
        Parameter("V_cyt_over_V_ER", 5.0, "1", "cytosol-to-ER volume ratio",
                  f"{_SRC} (vcytver)", (1e-3, 1e3)),
        Parameter("IP3", 0.0, "uM", "IP3 concentration (0 in Fig. 13)", f"{_SRC} (ip3)",
                  (0.0, 1e3)),
        Parameter("d_act", 0.35, "uM", "IP3R Ca2+ activation constant", f"{_SRC} (dact)",
                  (1e-6, 1e3)),
        Parameter("d_inact", 0.4, "uM", "IP3R Ca2+ inactivation constant",
                  f"{_SRC} (dinact)", (1e-6, 1e3)),
        Parameter("d_IP3", 0.5, "uM", "IP3R IP3 binding constant", f"{_SRC} (dip3)",
                  (1e-6, 1e3)),
        Parameter("r_a", 0.14, "uM", "Ca2+ level of half-maximal K(ATP) activation a_inf",
                  f"{_SRC} (r)", (0.0, 1e3)),
        Parameter("s_a", 0.1, "uM", "slope of a_inf(c)", f"{_SRC} (sa)", (1e-6, 1e3)),
        Parameter("tau_a", 300000.0, "ms", "time constant of a", f"{_SRC} (taua)",
                  (1.0, 1e9)),
        Parameter("I_app", 0.0, "fA", "constant applied current (depolarising > 0)",
                  "protocol input (0 in figure13.ode)", (-1e6, 1e6)),
    ),
    states=(
        State("V", -80.0, "mV", "membrane potential", f"{_FILE}, initial value",
              (-300.0, 300.0)),
        State("n", 0.01, "1", "delayed-rectifier activation", f"{_FILE}, initial value",
              (0.0, 1.0)),
        State("Ca_i", 0.10, "uM", "free cytosolic Ca2+ (c)", f"{_FILE}, initial value",
              (0.0, 1e4)),
        State("Ca_ER", 80.0, "uM", "free ER Ca2+ (cer)", f"{_FILE}, initial value",
              (0.0, 1e5)),
        State("a", 0.48, "1", "K(ATP) activation (slow metabolic variable)",
              f"{_FILE}, initial value", (0.0, 1.0)),
    ),
    outputs=(
        Output("I_Ca", "fA", "Ca2+ current, outward positive"),
        Output("I_K", "fA", "delayed-rectifier K+ current, outward positive"),
        Output("I_KCa", "fA", "Ca2+-activated K+ current, outward positive"),
        Output("I_KATP", "fA", "K(ATP) current, outward positive"),
        Output("J_SERCA", "uM/ms", "SERCA Ca2+ uptake flux"),
        Output("J_leak", "uM/ms", "ER Ca2+ leak flux (ER to cytosol)"),
        Output("J_IP3", "uM/ms", "IP3-receptor Ca2+ flux (ER to cytosol)"),
        Output("E_K", "mV", "K+ Nernst potential from K_o, K_i and temperature"),
    ),
    kernel=kernel,
    dt=0.1,
    # chosen here (no burst definition in the paper or figure13.ode): -40 mV lies between the
    # silent-phase minimum (-66.6 mV) and the lowest spike peak (-23.1 mV; highest -20.4 mV)
    # at the default K_o, 20-400 s of a 400 s run (bp.simulate, review 55)
    spike_threshold=-40.0,
    # chosen here: longer than the longest interspike interval within a burst (358 ms) and
    # shorter than the silent phase (190 s), same run; at 5.6 mM K_o the active phase holds
    # 42-47 s spike-free plateaus above -40 mV, kept in the burst by plateau_V below
    burst_gap=5000.0,
    # chosen here: between rest and block (no spikes) at 1 and 20 mM K_o, mean V over the last
    # quarter of a run from the default state: -117.7 and -19.5 mV in 300 s runs; -117.6 and
    # -19.8 mV in the 600 s runs of tests/test_depolarisation_block.py
    # (test_classic_models_in_block_at_high_K_o, which checks both sides of plateau_V)
    plateau_V=-50.0,
    roles={"Ca_i": "Ca_i"},
)
