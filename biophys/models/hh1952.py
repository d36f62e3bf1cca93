"""Declaration of the Hodgkin-Huxley 1952 squid axon (the reference model)."""

from __future__ import annotations

from .._model import Model, Output, Parameter, State
from ..kernels.models import hh1952 as kernel

_HH = "Hodgkin AL, Huxley AF (1952) J Physiol 117:500-544"
_REST = -65.0  # the paper's V = 0; the model's own rest is -64.9964 mV (see V)


def _steady_gates(v: float) -> tuple[float, float, float]:
    am, bm, ah, bh, an, bn = kernel.gate_rates(v, 1.0)
    return am / (am + bm), ah / (ah + bh), an / (an + bn)


_m0, _h0, _n0 = _steady_gates(_REST)

MODEL = Model(
    name="hh1952",
    title="Hodgkin-Huxley 1952 squid giant axon (space clamp, 6.3 C)",
    description=(
        "The published Hodgkin-Huxley model of the squid giant axon membrane, written in the "
        "modern convention (rest near -65 mV, depolarisation positive). Reference model of the "
        "library: its tests compare every integrator with an independent tight-tolerance "
        "solution of the 1952 equations."
    ),
    references=(_HH + ", doi:10.1113/jphysiol.1952.sp004764",),
    parameters=(
        Parameter("C_m", 1.0, "uF/cm^2", "membrane capacitance", f"{_HH}, p. 505", (1e-3, 1e3)),
        Parameter("g_Na", 120.0, "mS/cm^2", "maximal Na+ conductance", f"{_HH}, Table 3",
                  (0.0, 1e4)),
        Parameter("g_K", 36.0, "mS/cm^2", "maximal K+ conductance", f"{_HH}, Table 3",
                  (0.0, 1e4)),
        Parameter("g_L", 0.3, "mS/cm^2", "leak conductance", f"{_HH}, Table 3", (0.0, 1e4)),
        Parameter("E_Na", 50.0, "mV", "Na+ reversal potential",
                  f"{_HH}, Table 3 (V_Na = -115 mV from rest -65 mV)", (-200.0, 200.0)),
        Parameter("E_K", -77.0, "mV", "K+ reversal potential",
                  f"{_HH}, Table 3 (V_K = +12 mV from rest -65 mV)", (-200.0, 200.0)),
        Parameter("E_L", -54.387, "mV", "leak reversal potential (with it the model rests at "
                  "-64.996 mV, within 0.004 mV of -65 mV)",
                  f"{_HH}, Table 3 (V_l = -10.613 mV from rest -65 mV)", (-200.0, 200.0)),
        Parameter("I_app", 0.0, "uA/cm^2", "constant applied current (depolarising > 0)",
                  "protocol input", (-1e4, 1e4)),
        Parameter("temperature", 6.3, "C", "temperature (rates scale with Q10 = 3)",
                  f"{_HH}, eq. 9 (phi = 3^((T - 6.3)/10))", (-5.0, 50.0), condition=True),
    ),
    states=(
        State("V", _REST, "mV", "membrane potential", f"{_HH}: their V = 0, the resting "
              "potential of the axon, placed at -65 mV; the model's own rest with the Table 3 "
              "values is -64.9964 mV (zero steady-state current, computed here by brentq)",
              (-300.0, 300.0)),
        State("m", _m0, "1", "Na+ activation gate", "steady state at -65 mV", (0.0, 1.0)),
        State("h", _h0, "1", "Na+ inactivation gate", "steady state at -65 mV", (0.0, 1.0)),
        State("n", _n0, "1", "K+ activation gate", "steady state at -65 mV", (0.0, 1.0)),
    ),
    outputs=(
        Output("I_Na", "uA/cm^2", "Na+ current (outward positive)"),
        Output("I_K", "uA/cm^2", "K+ current (outward positive)"),
        Output("I_L", "uA/cm^2", "leak current (outward positive)"),
    ),
    kernel=kernel,
    dt=0.01,
    # chosen here (the 1952 paper defines no spike threshold): 0 mV lies between the
    # after-hyperpolarisation (-74.9 mV) and the overshoot (+30.4 mV) of repetitive firing at
    # I_app = 10 uA/cm^2 (50-300 ms of a 300 ms run, bp.simulate, review 55)
    spike_threshold=0.0,
    # chosen here: longer than the interspike interval of repetitive firing (14.6 ms at 10,
    # 17.1 ms at 7 uA/cm^2, same runs); a train slower than one spike per 50 ms reads
    # "single spikes"
    burst_gap=50.0,
)
