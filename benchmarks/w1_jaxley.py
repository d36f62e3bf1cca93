"""Jaxley (https://github.com/jaxleyverse/jaxley) on workload W1: the HH 1952 axon, N cells
with I_app evenly over 0..20 uA/cm^2, spike counts only.

The model is Jaxley's own: one single-compartment ``jx.Cell`` with the built-in
``jaxley.channels.HH`` channel, mapped onto W1 (:mod:`w1`) as the NEURON and Arbor drivers
of ``bench_peers.py`` are:

* Conductances and reversal potentials: Jaxley's ``HH`` defaults already equal W1's
  (g_Na 0.12, g_K 0.036, g_L 0.0003 S/cm^2; E_Na 50, E_K -77 mV) except the leak reversal,
  which is set to W1's -54.387 mV (Jaxley's default is -54.3 mV). C_m = 1 uF/cm^2.
* Temperature: Jaxley's ``HH`` rates carry no temperature factor; they are the 6.3 degrees C
  rates of W1 (and of our ``hh1952`` at ``temperature`` = 6.3, where phi = 1).
* Area and current: radius 5/sqrt(pi) um and length twice that, so the lateral area
  2 pi r L is 100 um^2 (as in the NEURON and Arbor drivers). Jaxley stimuli are point
  currents in nA that it divides by the compartment area, so each cell's amplitude is
  I_app [uA/cm^2] x area [um^2] x 1e-5 nA, using Jaxley's own computed area.
* Initial state: V = -65 mV, gates at their steady state there (``cell.init_states()``, the
  counterpart of NEURON's ``finitialize(-65)``).
* Integration: Jaxley's default ``solver="bwd_euler"`` at dt = 0.025 ms (gates by the
  exponential update at frozen V, then V by backward Euler on the membrane current
  linearised around the present V), i.e. the fixed-step class of issue 7.
* Spikes: upward crossings of 0 mV between consecutive steps (``v < 0 <= v_next``, as the
  W1 reference counts them), accumulated in the ``lax.scan`` carry; no trace is stored
  (``jx.integrate`` would record every step: N x 40 001 doubles, 3.2 GB at N = 10 000).

Many cells: the single-cell step of ``jaxley.integrate.build_init_and_step_fn`` is
``jax.vmap``-ed over the per-cell stimulus amplitude (XLA then steps all cells as arrays).
That was faster than one ``jx.Network`` of N single-compartment cells: at N = 1000,
1000 ms, one device, in the same window on the shared 2-core machine, vmap ran at
24 M cell-steps/s, the network at 11 M (9.6 M with ``vectorize_cells=True``), with identical
spike counts; the network also takes longer to build. The cells are split over ``devices``
XLA CPU devices (``jax_num_cpu_devices``, one thread each) with ``jax.shard_map``: 2 devices
gave 36 M against 20 M for one (N = 1000, measured back to back). The device count must be
set before JAX's first operation in the process; otherwise the devices JAX already has are
used (``info["devices"]`` says how many).

Precision: float64 throughout (``jax_enable_x64`` is switched on, process-wide, before the
cell is built), so the counts are comparable with the float64 peers and reference.

Compile time is separate: :func:`prepare` builds the cell and compiles the whole run
ahead of time (``jit(...).lower(...).compile()``) and :attr:`JaxleyW1.run` only executes it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import w1

RADIUS = 5.0 / np.pi ** 0.5  # um; with LENGTH the lateral area 2 pi r L is 100 um^2
LENGTH = 2.0 * RADIUS  # um


@dataclass
class JaxleyW1:
    """A compiled Jaxley W1 run: ``run()`` returns the spike count of every cell."""

    run: Callable[[], np.ndarray]
    info: dict = field(default_factory=dict)


def _configure(devices: int) -> int:
    """Switch on float64 and ask for ``devices`` CPU devices; return how many JAX has."""
    import jax

    jax.config.update("jax_enable_x64", True)
    try:
        jax.config.update("jax_num_cpu_devices", devices)
    except RuntimeError:  # the backend is already up: keep what it has
        pass
    return max(1, min(devices, len(jax.devices("cpu"))))


def _cell():
    """One single-compartment cell with Jaxley's HH channel, set to W1's parameters."""
    import jaxley as jx
    from jaxley.channels import HH

    cell = jx.Cell([jx.Branch([jx.Compartment()], ncomp=1)], parents=[-1])
    cell.set("radius", RADIUS)
    cell.set("length", LENGTH)
    cell.set("capacitance", w1.C_M)  # uF/cm^2
    cell.insert(HH())
    cell.set("HH_gNa", w1.G_NA / 1000.0)  # mS/cm^2 -> S/cm^2
    cell.set("HH_gK", w1.G_K / 1000.0)
    cell.set("HH_gLeak", w1.G_L / 1000.0)
    cell.set("HH_eNa", w1.E_NA)  # mV
    cell.set("HH_eK", w1.E_K)
    cell.set("HH_eLeak", w1.E_L)
    cell.set("v", w1.V_REST)
    cell.init_states()  # gates at steady state at V_REST
    return cell


def prepare(current: np.ndarray, t_end: float = w1.T_END, dt: float = w1.DT,
            devices: int = 2) -> JaxleyW1:
    """Build the Jaxley cell and compile W1 for the applied currents ``current`` (uA/cm^2).

    Parameters
    ----------
    current : ndarray
        Applied current density of each cell, uA/cm^2.
    t_end : float
        Simulated time, ms (``round(t_end / dt)`` steps).
    dt : float
        Fixed time step, ms.
    devices : int
        XLA CPU devices (threads) the cells are split over.

    Returns
    -------
    JaxleyW1
        ``run()`` executes the compiled simulation and returns the spike counts;
        ``info`` holds ``build_s`` (building the cell, including JAX's first-use start-up
        in a fresh process) and ``compile_s`` (XLA compile of the whole run), both s,
        ``devices``, ``solver``, ``layout`` and the Jaxley / JAX versions.
    """
    try:  # optional peer, imported here so that collecting the benchmarks stays fast
        import jax
        import jax.numpy as jnp
        import jaxley as jx
    except ImportError as err:  # pragma: no cover - depends on the environment
        raise ImportError("jaxley is not installed (optional 'peers' extra)") from err
    from jax.sharding import Mesh, NamedSharding
    from jax.sharding import PartitionSpec as P
    from jaxley.integrate import build_init_and_step_fn

    n_dev = _configure(devices)
    t0 = time.perf_counter()
    cell = _cell()
    cell.to_jax()
    init_fn, step_fn = build_init_and_step_fn(cell, voltage_solver="jaxley.dhs.cpu",
                                              solver="bwd_euler")
    states, params = init_fn(cell.get_parameters(), delta_t=dt)
    area = float(np.asarray(params["area"])[0])  # um^2, as Jaxley computed it
    build_s = time.perf_counter() - t0

    n = len(current)
    n_pad = -(-n // n_dev) * n_dev  # padded cells (0 current) so every device gets as many
    amp = np.zeros(n_pad)
    amp[:n] = np.asarray(current, dtype=np.float64) * area * 1e-5  # nA
    n_steps = int(round(t_end / dt))
    inds = {"i": jnp.array([0])}

    def one_cell(a):
        def body(carry, _):
            st, count = carry
            v_old = st["v"]
            st = step_fn(st, params, {"i": a[None]}, inds, dt)
            count = count + ((v_old < w1.THRESHOLD) & (st["v"] >= w1.THRESHOLD))
            return (st, count), None

        count0 = jnp.zeros(1, dtype=jnp.int64)
        (_, count), _ = jax.lax.scan(body, (states, count0), None, length=n_steps)
        return count[0]

    many = jax.vmap(one_cell)
    amp_dev = jnp.asarray(amp)
    if n_dev > 1:
        mesh = Mesh(np.array(jax.devices("cpu")[:n_dev]), ("cells",))
        # check_vma=False: the scan carry starts replicated (the common initial state)
        many = jax.shard_map(many, mesh=mesh, in_specs=P("cells"), out_specs=P("cells"),
                             check_vma=False)
        amp_dev = jax.device_put(amp_dev, NamedSharding(mesh, P("cells")))
    t0 = time.perf_counter()
    compiled = jax.jit(many).lower(amp_dev).compile()
    compile_s = time.perf_counter() - t0

    def run() -> np.ndarray:
        return np.asarray(compiled(amp_dev))[:n].astype(np.int64)

    info = {"build_s": build_s, "compile_s": compile_s, "devices": n_dev,
            "solver": "bwd_euler", "layout": "vmap", "jaxley": jx.__version__,
            "jax": jax.__version__}
    return JaxleyW1(run=run, info=info)


def jaxley_counts(current: np.ndarray, t_end: float = w1.T_END, devices: int = 2) -> np.ndarray:
    """Spike counts of W1 by Jaxley (build, compile and run in one call)."""
    return prepare(current, t_end, devices=devices).run()
