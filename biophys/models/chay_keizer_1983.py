"""Declaration of the Chay-Keizer (1983) beta-cell burster."""

from __future__ import annotations

from .._model import Model, Output, Parameter, State
from ..kernels.models import chay_keizer_1983 as kernel
from ._classic import nernst_potassium_parameters

_CK = "Chay TR, Keizer J (1983) Biophys J 42:181-190"
_FILE = "ck.ode (github.com/artielbm/artielbm.github.io, Models/ChayKeizer/ck.ode)"
_SRC = f"{_CK}; {_FILE}"

MODEL = Model(
    name="chay_keizer_1983",
    title="Chay-Keizer 1983 pancreatic beta-cell burster (published model)",
    description=(
        "The first minimal model of beta-cell bursting: an HH-type Ca2+ current, a delayed "
        "rectifier, a Ca2+-activated K+ current and a leak, with cytosolic Ca2+ as the slow "
        "variable that terminates each burst. Published model, ported from the Bertram lab's "
        "XPP file ck.ode; the only change is that E_K is the Nernst potential of K_o (default "
        "chosen so that E_K = -75 mV as published). The membrane equation uses twice I_Ca, as "
        "in ck.ode. Currents in uA/cm^2 (I_ext in uA/cm^2, depolarising positive). Has no "
        "secretion or insulin output."
    ),
    references=(_CK + ", doi:10.1016/S0006-3495(83)84384-7", "Model file: " + _FILE),
    parameters=(
        Parameter("C_m", 1.0, "uF/cm^2", "membrane capacitance", f"{_SRC} (cm)", (1e-3, 1e3)),
        Parameter("g_Ca", 6.5, "mS/cm^2", "maximal conductance of the voltage-gated Ca2+ "
                  "current", f"{_SRC} (gca)", (0.0, 1e3)),
        Parameter("g_K", 12.0, "mS/cm^2", "maximal delayed-rectifier K+ conductance",
                  f"{_SRC} (gk)", (0.0, 1e3)),
        Parameter("g_KCa", 0.09, "mS/cm^2", "maximal Ca2+-activated K+ conductance",
                  f"{_SRC} (gkca)", (0.0, 1e3)),
        Parameter("g_L", 0.04, "mS/cm^2", "leak conductance", f"{_SRC} (gl)", (0.0, 1e3)),
        Parameter("V_Ca", 100.0, "mV", "reversal potential of the Ca2+ current",
                  f"{_SRC} (vca)", (-200.0, 300.0)),
        Parameter("V_L", -40.0, "mV", "leak reversal potential", f"{_SRC} (vl)",
                  (-200.0, 200.0)),
        # published temperature (ck.ode: temp = 20 C) sets phi and RT/F
        *nernst_potassium_parameters(
            "ck.ode", 20.0,
            temperature_description="temperature: gating rates scale by 3^((T - 6.3)/10); "
            "also sets RT/F in E_K",
            temperature_source=f"{_SRC} (temp, phi)"),
        Parameter("V_shift_Ca", 50.0, "mV", "voltage shift V' of the Ca2+-channel gates",
                  f"{_SRC} (vprime)", (-200.0, 200.0)),
        Parameter("V_shift_K", 30.0, "mV", "voltage shift V* of the K+-channel gate",
                  f"{_SRC} (vstar)", (-200.0, 200.0)),
        Parameter("r_cell", 8.9e-4, "cm", "cell radius (surface-to-volume ratio 3/r)",
                  f"{_SRC} (r)", (1e-5, 1e-1)),
        Parameter("f_Ca", 0.004, "1", "fraction of free cytosolic Ca2+", f"{_SRC} (f)",
                  (1e-6, 1.0)),
        Parameter("K_d", 1.0, "uM", "Ca2+ dissociation constant of the K(Ca) channel",
                  f"{_SRC} (kdiss)", (1e-6, 1e3)),
        Parameter("k_Ca", 0.04, "1/ms", "rate constant of cytosolic Ca2+ removal",
                  f"{_SRC} (kca)", (0.0, 1e3)),
        Parameter("I_app", 0.0, "uA/cm^2", "constant applied current (depolarising > 0)",
                  f"{_SRC} (iapp)", (-1e3, 1e3)),
    ),
    states=(
        State("V", -54.774, "mV", "membrane potential", f"{_FILE}, initial value",
              (-300.0, 300.0)),
        State("Ca_i", 0.10749, "uM", "free cytosolic Ca2+", f"{_FILE}, initial value",
              (0.0, 1e4)),
        State("m", 0.027532, "1", "Ca2+-channel activation gate", f"{_FILE}, initial value",
              (0.0, 1.0)),
        State("h", 0.086321, "1", "Ca2+-channel inactivation gate", f"{_FILE}, initial value",
              (0.0, 1.0)),
        State("n", 0.00044035, "1", "delayed-rectifier activation gate",
              f"{_FILE}, initial value", (0.0, 1.0)),
    ),
    outputs=(
        Output("I_Ca", "uA/cm^2", "Ca2+ current g_Ca m^3 h (V - V_Ca), outward positive (the "
               "membrane equation uses 2 I_Ca, as in ck.ode)"),
        Output("I_K", "uA/cm^2", "delayed-rectifier K+ current, outward positive"),
        Output("I_KCa", "uA/cm^2", "Ca2+-activated K+ current, outward positive"),
        Output("I_L", "uA/cm^2", "leak current, outward positive"),
        Output("E_K", "mV", "K+ Nernst potential from K_o, K_i and temperature"),
    ),
    kernel=kernel,
    dt=0.01,
    # chosen here (no burst definition in the paper or ck.ode): -30 mV lies between the
    # silent-phase minimum (-58.8 mV) and the lowest spike peak (-25.9 mV; highest -18.4 mV)
    # at the default K_o, 10-40 s of a 40 s run (bp.simulate, review 55)
    spike_threshold=-30.0,
    # chosen here: longer than the longest interspike interval within a burst (38.7 ms) and
    # shorter than the silent phase (8.65 s), same run
    burst_gap=1000.0,
    # chosen here: above the flat -49.2 mV at 1 mM K_o and below block (-21.5 mV without spikes
    # at 20 mM), mean V over the last quarter of 30 s runs: tests/test_depolarisation_block.py
    plateau_V=-45.0,
    roles={"Ca_i": "Ca_i"},
)
