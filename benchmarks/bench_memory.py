"""Peak memory against t_end: a sweep-like run (online metrics, no traces) of 2000 HH cells,
peak resident set size of a fresh process. Flat in t_end is the requirement."""

import subprocess
import sys
import textwrap

import pytest
from conftest import run

PROBE = textwrap.dedent("""
    import resource, sys
    import numpy as np
    import biophys as bp
    from biophys import _engine
    m = bp.model("hh1952")
    n = int(sys.argv[2])
    P = np.repeat(m.default_parameters()[:, None], n, axis=1)
    P[m.parameter_index("I_app")] = np.linspace(0, 20, n)
    Y0 = np.repeat(m.default_states()[:, None], n, axis=1)
    _engine.run(m, P[:, :70], Y0[:, :70], t_end=0.05, dt=0.025, observe=["V", "I_Na"],
                method=sys.argv[3])
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    _engine.run(m, P, Y0, t_end=float(sys.argv[1]), dt=0.025, observe=["V", "I_Na"],
                warmup=1.0, method=sys.argv[3])
    print(base, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
""")


@pytest.mark.parametrize("method", ["rl2ab", "adaptive"])
@pytest.mark.parametrize("t_end", [100.0, 1000.0, 10000.0])
def test_peak_memory(benchmark, full, t_end, method):
    if not full and (t_end > 100.0 or method != "rl2ab"):
        pytest.skip("smoke mode: one case")
    n = 2000 if full else 100
    out = []
    benchmark.group = f"memory {method}"
    run(benchmark, lambda: out.append(subprocess.run(
        [sys.executable, "-c", PROBE, str(t_end if full else 5.0), str(n), method],
        check=True, capture_output=True, text=True).stdout.split()), full=full, rounds=1)
    base, peak = map(int, out[-1])
    benchmark.extra_info.update(method=method, t_end_ms=t_end, n_cells=n, rss_before_kb=base,
                                peak_rss_kb=peak, growth_kb=peak - base)
