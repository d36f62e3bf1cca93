"""Declaration of the Sherman-Rinzel-Keizer (1988) single-cell beta-cell burster."""

from __future__ import annotations

from .._model import Model, Output, Parameter, State
from ..kernels.models import sherman_rinzel_keizer_1988 as kernel
from ._classic import nernst_potassium_parameters

_SRK = "Sherman A, Rinzel J, Keizer J (1988) Biophys J 54:411-425"
_FILE = "srk.ode (github.com/artielbm/artielbm.github.io, Models/SRK/srk.ode)"
_SRC = f"{_SRK}, Fig. 5 single-cell model; {_FILE}"
#: tau_n = c/(exp((V - V_bar)/a) + exp((V_bar - V)/b)): with a slope of 1e-3 mV the exponential
#: overflows once |V - V_bar| > 0.71 mV (at the initial -65 mV, 10 mV from V_bar), tau_n = 0 and
#: the n update is inf/inf = NaN. From 1 mV up the exponent stays below 500 (|V - V_bar| <= 500
#: mV within the bounds of V and V_bar), far from overflow (709.8).
_TAU_SLOPE = ("; lower bound 1 mV chosen here: keeps exp((V - V_bar)/slope) finite at every "
              "allowed V and V_bar")

MODEL = Model(
    name="sherman_rinzel_keizer_1988",
    title="Sherman-Rinzel-Keizer 1988 single-cell beta-cell burster (published model)",
    description=(
        "Single-cell beta-cell burster of Sherman, Rinzel & Keizer (1988): an instantaneous "
        "Ca2+ current with voltage-dependent inactivation, a Morris-Lecar-type delayed "
        "rectifier and a Ca2+-activated K+ current, with slow cytosolic Ca2+ driving bursts. "
        "Published model, ported from the Bertram lab's XPP file srk.ode; E_K is the Nernst "
        "potential of K_o (default gives the published -75 mV). The file's 10 fA kick during "
        "the first 50 ms is not built in (use a Pulse stimulus). Currents in fA, conductances "
        "in pS, capacitance in fF (I_ext in fA, depolarising positive). Has no secretion or "
        "insulin output."
    ),
    references=(_SRK + ", doi:10.1016/S0006-3495(88)82975-0", "Model file: " + _FILE),
    parameters=(
        Parameter("C_m", 5309.3, "fF", "membrane capacitance", f"{_SRC} (captot)",
                  (1.0, 1e6)),
        Parameter("g_Ca", 1400.0, "pS", "maximal Ca2+ conductance", f"{_SRC} (gca)",
                  (0.0, 1e6)),
        Parameter("g_K", 2500.0, "pS", "maximal delayed-rectifier K+ conductance",
                  f"{_SRC} (gk)", (0.0, 1e6)),
        Parameter("g_KCa", 30000.0, "pS", "maximal Ca2+-activated K+ conductance",
                  f"{_SRC} (gkcabar)", (0.0, 1e7)),
        Parameter("V_Ca", 110.0, "mV", "reversal potential of the Ca2+ current",
                  f"{_SRC} (vca)", (-200.0, 300.0)),
        *nernst_potassium_parameters("srk.ode", 37.0),
        Parameter("V_m", 4.0, "mV", "half-activation voltage of the Ca2+ current",
                  f"{_SRC} (vm)", (-200.0, 200.0)),
        Parameter("s_m", 14.0, "mV", "slope factor of Ca2+ activation", f"{_SRC} (sm)",
                  (1e-3, 200.0)),
        Parameter("V_h", -10.0, "mV", "half-inactivation voltage of the Ca2+ current",
                  f"{_SRC} (vh)", (-200.0, 200.0)),
        Parameter("s_h", 10.0, "mV", "slope factor of Ca2+ inactivation", f"{_SRC} (sh)",
                  (1e-3, 200.0)),
        Parameter("V_n", -15.0, "mV", "half-activation voltage of n", f"{_SRC} (vn)",
                  (-200.0, 200.0)),
        Parameter("s_n", 5.6, "mV", "slope factor of n", f"{_SRC} (sn)", (1e-3, 200.0)),
        Parameter("lambda_n", 1.6, "1", "rate scale of n", f"{_SRC} (lambda)", (1e-6, 1e3)),
        Parameter("V_bar", -75.0, "mV", "voltage of the maximal tau_n", f"{_SRC} (vbar)",
                  (-200.0, 200.0)),
        Parameter("a_n", 65.0, "mV", "tau_n slope above V_bar", f"{_SRC} (a){_TAU_SLOPE}",
                  (1.0, 1e3)),
        Parameter("b_n", 20.0, "mV", "tau_n slope below V_bar", f"{_SRC} (b){_TAU_SLOPE}",
                  (1.0, 1e3)),
        Parameter("c_n", 60.0, "ms", "tau_n scale", f"{_SRC} (c)", (1e-3, 1e5)),
        Parameter("f_Ca", 0.001, "1", "fraction of free cytosolic Ca2+", f"{_SRC} (f)",
                  (1e-6, 1.0)),
        Parameter("alpha", 4.506e-6, "uM/(fA*ms)", "conversion of Ca2+ current to "
                  "cytosolic Ca2+ flux", f"{_SRC} (alpha)", (0.0, 1.0)),
        Parameter("k_Ca", 0.03, "1/ms", "rate constant of cytosolic Ca2+ removal",
                  f"{_SRC} (kca)", (0.0, 1e3)),
        Parameter("K_d", 100.0, "uM", "Ca2+ dissociation constant of the K(Ca) channel",
                  f"{_SRC} (kd)", (1e-6, 1e5)),
        Parameter("I_app", 0.0, "fA", "constant applied current (depolarising > 0)",
                  "protocol input (srk.ode applies 10 fA for t < 50 ms only)", (-1e6, 1e6)),
    ),
    states=(
        State("V", -65.0, "mV", "membrane potential", f"{_FILE}, initial value",
              (-300.0, 300.0)),
        State("n", 0.001, "1", "delayed-rectifier activation", f"{_FILE}, initial value",
              (0.0, 1.0)),
        State("Ca_i", 0.5, "uM", "free cytosolic Ca2+", f"{_FILE}, initial value",
              (0.0, 1e5)),
    ),
    outputs=(
        Output("I_Ca", "fA", "Ca2+ current, outward positive"),
        Output("I_K", "fA", "delayed-rectifier K+ current, outward positive"),
        Output("I_KCa", "fA", "Ca2+-activated K+ current, outward positive"),
        Output("E_K", "mV", "K+ Nernst potential from K_o, K_i and temperature"),
    ),
    kernel=kernel,
    dt=0.25,
    # chosen here (no burst definition in the paper or srk.ode): -40 mV lies between the
    # silent-phase minimum (-65.8 mV) and the lowest spike peak (-26.0 mV; highest -23.1 mV)
    # at the default K_o, 10-50 s of a 50 s run (bp.simulate, review 55)
    spike_threshold=-40.0,
    # chosen here: longer than the longest interspike interval within a burst (346 ms) and
    # shorter than the silent phase (10.4 s), same run
    burst_gap=2000.0,
    # chosen here: between rest and block (no spikes) at 1 and 20 mM K_o, mean V over the last
    # quarter of a run from the default state: -117.0 and -21.8 mV in 40 s runs; -116.2 and
    # -22.6 mV in the 60 s runs of tests/test_depolarisation_block.py
    # (test_classic_models_in_block_at_high_K_o, which checks both sides of plateau_V)
    plateau_V=-50.0,
    roles={"Ca_i": "Ca_i"},
)
