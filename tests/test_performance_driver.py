"""The production ensemble driver: SIMD code for every model's rates, one compiled
specialisation whatever the grid, bit-identical results for any thread count and block
position, rl2ab (one rates evaluation per step) as accurate as rl2 on spike counts (its
convergence order is in test_hh1952), and memory that does not grow with t_end. Wall-clock
speed is measured in benchmarks/, never asserted here."""

import json
import os
import re
import subprocess
import sys
import tempfile
import textwrap
from concurrent.futures import ThreadPoolExecutor

import llvmlite.binding as ll
import numba
import numpy as np
import pytest

import biophys as bp
from biophys import _compile, _engine

HH = bp.model("hh1952")


def _in_fresh_caches(jobs):
    """Run each job (a sequence of ``python -c`` scripts, in order; instead of a script, a
    tuple of the interpreter's arguments) in a fresh kernel cache of its own, the jobs
    concurrently (the probes compile; two at once use both cores of CI); returns each job's
    last stdout. A failing command fails the test with its stderr."""
    with tempfile.TemporaryDirectory() as d:
        def run_job(i_job):
            i, job = i_job
            env = dict(os.environ, BIOPHYS_CACHE_DIR=os.path.join(d, str(i)))
            for script in job:
                argv = ["-c", script] if isinstance(script, str) else list(script)
                r = subprocess.run([sys.executable, *argv], env=env, capture_output=True,
                                   text=True)
                assert r.returncode == 0, r.stderr
            return r.stdout

        with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
            return list(pool.map(run_job, enumerate(jobs)))


def _grid(n, i_max=20.0):
    P = np.repeat(HH.default_parameters()[:, None], n, axis=1)
    P[HH.parameter_index("I_app")] = np.linspace(0.0, i_max, n)
    Y0 = np.repeat(HH.default_states()[:, None], n, axis=1)
    return P, Y0


IR_PROBE = textwrap.dedent("""
    import json, re
    import llvmlite.binding as ll
    import biophys as bp
    from biophys import _compile
    from biophys.kernels.ensemble_source import block_signature
    m = bp.model("hh1952")
    fn = _compile.load_driver(m).run_exponential
    fn.compile(block_signature())
    ir = fn.inspect_llvm(fn.signatures[0])
    asm = fn.inspect_asm(fn.signatures[0])
    print(json.dumps({
        "avx512": bool(ll.get_host_cpu_features().get("avx512f", False)),
        "avx2": bool(ll.get_host_cpu_features().get("avx2", False)),
        "fma8": len(re.findall(r"llvm\\.fma\\.v8f64\\(", ir)),
        "fma4": len(re.findall(r"llvm\\.fma\\.v4f64\\(", ir)),
        "fdiv8": len(re.findall(r"fdiv <8 x double>", ir)),
        "fma_scalar": len(re.findall(r"llvm\\.fma\\.f64\\(", ir)),
        "zmm": len(re.findall(r"%zmm", asm)),
        "libm_exp": len(re.findall(r"@(exp|expm1|llvm\\.exp\\.f64)\\b", ir)),
    }))
""")


#: Compiles (and caches) the model's ``rates`` on its own, before any driver exists.
RATES_FIRST = textwrap.dedent("""
    import importlib
    import numpy as np
    import biophys as bp
    from biophys.kernels.protocol import block_parameters
    m = bp.model("hh1952")
    k = importlib.import_module(m.kernel.__name__)
    P = block_parameters(k, m.default_parameters()[:, None])
    Y = m.default_states()[:, None].copy()
    k.rates(Y, P, 0, 0.0, 0.0, np.zeros_like(Y), np.zeros_like(Y))
""")


def test_hh_rates_run_in_simd_registers(hh1952_in_fresh_caches):
    """Compile the production driver in a fresh cache (cached code cannot be inspected) and
    check its LLVM IR and assembly: the rates and the update are vector code. Also when an
    earlier process compiled and cached the model's ``rates`` on its own (as a direct call,
    ``bp.reference.solve`` or a test does): that once left a scalar driver, 4x slower. (The
    first is the process that compiled the driver, and the runners, by running it:
    :func:`hh1952_in_fresh_caches`.)"""
    outs = [hh1952_in_fresh_caches[k] for k in ("control", "rates_first")]
    stats = [json.loads(out.strip().splitlines()[-1]) for out in outs]
    for rates_cached_first, s in zip((False, True), stats, strict=True):
        # no scalar libm exponential left in the driver (checked on every host)
        assert s["libm_exp"] == 0, (rates_cached_first, s)
    for rates_cached_first, s in zip((False, True), stats, strict=True):
        # (a scalar copy of the arithmetic remains for blocks of fewer than 8 cells)
        if s["avx512"]:
            # 4 exponentials in rates + 1 per state in the update, ~11 FMAs each, 8 lanes wide
            assert s["fma8"] >= 50 and s["fdiv8"] >= 4 and s["zmm"] > 100, (rates_cached_first, s)
        elif s["avx2"]:
            assert s["fma4"] >= 50, (rates_cached_first, s)
        else:
            pytest.skip("no AVX2/AVX-512")


#: For each built-in model: the LLVM IR of a loop over a 64-cell block calling the model's
#: ``rates``, arrays laid out as in the driver (rows of one workspace array); the functions it
#: calls and its eight-wide FMAs.
MODEL_RATES_PROBE = textwrap.dedent("""
    import importlib, json, re
    import numpy as np
    from numba import njit
    import biophys as bp
    from biophys.kernels.fastmath import wide_vectors

    def probe(name):
        k = importlib.import_module(bp.model(name).kernel.__name__)
        rates = k.rates
        ns = len(k.STATE_NAMES)
        npar = len(k.PARAM_NAMES) + len(getattr(k, "DERIVED_NAMES", ()))

        @njit
        def cell_loop(Y0, P0, nb):
            wide_vectors()
            W = np.zeros((3 * ns + npar, 64))
            Y = W[0:ns]
            P = W[ns:ns + npar]
            A = W[ns + npar:2 * ns + npar]
            B = W[2 * ns + npar:3 * ns + npar]
            Y[:, :nb] = Y0[:, :nb]
            P[:, :nb] = P0[:, :nb]
            for c in range(nb):
                rates(Y, P, c, 0.0, 0.0, A, B)
            return W[0, 0]

        cell_loop(np.zeros((ns, 64)), np.zeros((npar, 64)), 64)
        ir = cell_loop.inspect_llvm(cell_loop.signatures[0])
        body = re.search(r"^define [^\\n]*cell_loop[^\\n]*\\{\\n(.*?)^\\}", ir, re.M | re.S)
        body = body.group(1)
        return {"calls": sorted(set(re.findall(r'call [^@]*@"?([^"(\\s]+)', body))),
                "fma8": len(re.findall(r"llvm\\.fma\\.v8f64\\(", body)),
                "fma4": len(re.findall(r"llvm\\.fma\\.v4f64\\(", body))}

    import sys
    names = bp.list_models()[int(sys.argv[1])::int(sys.argv[2])]
    print(json.dumps({name: probe(name) for name in names}))
""")

#: Calls that compile to scalar libm code even inside a vectorised loop (pip's llvmlite has no
#: vector math library): transcendental functions and their LLVM intrinsics, any width.
LIBM_CALL = re.compile(r"^(llvm\.(exp|exp2|exp10|log|log2|log10|pow|powi|sin|cos|tan)\.|"
                       r"(exp|expm1|log|log1p|pow|sinh|cosh|tanh|asinh|atan|erf|cbrt)$)")


def test_every_models_rates_vectorise_across_cells():
    """The driver's speed on every model rests on its loop over cells becoming SIMD code, and
    one libm call anywhere in a model's right-hand side keeps that loop scalar (until session
    11 ``zg_cell``, until session 12 ``beta_cell``, ``chen_2008_exocytosis`` and the classic
    bursters called libm's exp or pow at every step). So for each built-in model the
    right-hand side, in a cell loop laid out as in the driver and compiled in a fresh cache,
    must call no libm function, and must be vector code (eight-wide FMAs on AVX-512, four-wide
    on AVX2). Parameter-only quantities belong in the model's ``derive``, which runs once
    per run. (The code of session 11 fails it: every model but ``hh1952`` and ``zg_cell``
    calls ``llvm.exp``, ``llvm.log`` or ``llvm.pow`` there.)"""
    # the models shared out between two processes (every second one each)
    outs = _in_fresh_caches([[("-c", MODEL_RATES_PROBE, str(i), "2")] for i in range(2)])
    res = {}
    for out in outs:
        res.update(json.loads(out.strip().splitlines()[-1]))
    assert sorted(res) == sorted(bp.list_models())
    feats = ll.get_host_cpu_features()
    for name, r in res.items():
        assert [f for f in r["calls"] if LIBM_CALL.match(f)] == [], (name, r["calls"])
        if feats.get("avx512f", False):
            assert r["fma8"] > 0, (name, r)
        elif feats.get("avx2", False):
            assert r["fma4"] > 0, (name, r)


#: The LLVM IR of a model's error-controlled driver (arguments: model, driver): the Numba
#: functions it defines and calls.
ADAPTIVE_IR_PROBE = textwrap.dedent("""
    import json, re, sys
    import biophys as bp
    from biophys import _compile
    fn = _compile.block_integrator(bp.model(sys.argv[1]), sys.argv[2])
    ir = fn.inspect_llvm(fn.signatures[0])
    print(json.dumps({
        "defined": re.findall(r'^define [^@]*@"?([^"(\\s]+)', ir, re.M),
        "called": sorted(set(re.findall(r'call [^@]*@"?([^"(\\s]+)', ir))),
    }))
""")


#: Called only where a cell crosses the spike threshold: the spike-time locator and recorder.
SPIKE_PATH = ("hermite_crossing", "record_spike")


@pytest.mark.slow
def test_adaptive_driver_inlines_every_kernel_function():
    """(Slow: a cold compile, 10 s; the default suite keeps the SIMD checks of the rates.)
    The Dormand-Prince driver's speed rests on LLVM inlining everything it calls (the
    model's rates, fastmath's exp and log, the template helpers) into its cell loops. When
    ``_derivative`` was also inlined at Numba IR level (session 8) the body outgrew LLVM's
    inline budget: exp, log and two helpers stayed out of line, 26 of 97 eight-wide FMAs were
    lost, and W1 ran 27 % slower. That variant fails this test (checked by hand); compiled in
    a fresh cache, since cached code cannot be inspected.

    The two functions of the spike path (:data:`SPIKE_PATH`) may stay out of line: they run
    only in a step where a cell crosses the threshold, and LLVM gives such rarely reached call
    sites a far lower inlining threshold. Since session 11 (``hh1952``'s rate factor ``phi``
    computed once per run) LLVM keeps them out of line, and W1 ``adaptive`` ran faster, not
    slower (123-125 against 134-157 M cell-steps/s, 10 000 cells, 2 threads)."""
    out_of_line = _out_of_line("hh1952", "run_adaptive")
    assert out_of_line == [], out_of_line


def _out_of_line(model, driver):
    """Compile ``driver`` of ``model`` in a fresh cache: the kernel functions (mangled names:
    the package's and the generated driver module's) its LLVM IR defines or calls besides the
    driver itself and the spike path."""
    (out,) = _in_fresh_caches([[("-c", ADAPTIVE_IR_PROBE, model, driver)]])
    s = json.loads(out.strip().splitlines()[-1])
    assert any(driver in f for f in s["defined"]), s["defined"]  # the IR is the driver
    return [f for f in s["defined"] + s["called"]
            if f.startswith(("_ZN7biophys7kernels", "_ZN17biophys_generated"))
            and driver not in f and not any(cold in f for cold in SPIKE_PATH)]


@pytest.mark.slow
def test_rosenbrock_driver_inlines_every_kernel_function():
    """The same for the Rosenbrock driver of ``zg_cell`` (40 s to compile, hence slow). Until
    session 33 LLVM, tuning for this machine's AMD Zen 4, kept the attempt function
    (``_attempt_ros``, 184 KB of code) and one of its ``_derivative`` calls out of line; there
    its loops over cells cannot be shown free of aliasing, so the model's rates ran one cell
    at a time: 18 us per step per cell against 3.7 after the fix (beta_cell's smaller attempt
    was inlined; for an Intel Skylake-AVX512 target LLVM inlined both). Fixed with
    ``inline="always"`` and one ``_derivative`` call site for the stages and the new point.
    (``fastmath.exp`` and ``log`` stay out of line here: the model's ``derive`` calls them for
    its Q10 factors once per run; the IR does not say whether any hot call site remains.)"""
    out_of_line = _out_of_line("zg_cell", "run_rosenbrock")
    hot = [f for f in out_of_line if re.search(r"_attempt_ros|_derivative|rates", f)]
    assert hot == [], hot


def test_one_signature_for_any_grid_size_and_method():
    drv = _compile.load_driver(HH)
    for n, method in ((1, "rl2"), (70, "rl1"), (130, "rl2ab"), (3, "rl2"), (20, "staggered")):
        P, Y0 = _grid(n)
        _engine.run(HH, P, Y0, t_end=1.0, dt=0.025, method=method)
    assert len(drv.run_exponential.signatures) == 1
    for n in (2, 100):
        P, Y0 = _grid(n)
        _engine.run(HH, P, Y0, t_end=1.0, dt=0.025, method="adaptive")
    assert len(drv.run_adaptive.signatures) == 1


def _run_w1(P, Y0, method):
    return _engine.run(HH, P, Y0, t_end=40.0, dt=0.025, observe=["V"], warmup=5.0,
                       spike_capacity=8, method=method)


def _one_and_two_threads(P, Y0, method):
    """Runs of the W1-like grid on one and on two threads; asserts they are bit-identical.
    Skips (the comparison would be of one thread with itself) when Numba has one thread."""
    if numba.config.NUMBA_NUM_THREADS < 2:
        pytest.skip("needs 2 Numba threads to compare with 1 "
                    f"(NUMBA_NUM_THREADS={numba.config.NUMBA_NUM_THREADS})")
    runs = []
    old = numba.get_num_threads()
    try:
        for threads in (1, 2):
            numba.set_num_threads(threads)
            runs.append(_run_w1(P, Y0, method))
    finally:
        numba.set_num_threads(old)
    for name in ("Y", "spike_count", "spike_times", "obs", "burst"):
        assert np.array_equal(getattr(runs[0], name), getattr(runs[1], name), equal_nan=True)
    return runs


METHODS_BIT_IDENTICAL = ["rl2", "rl2ab", "staggered", "adaptive"]


@pytest.mark.parametrize("method", METHODS_BIT_IDENTICAL)
def test_bit_identical_for_threads(method):
    _one_and_two_threads(*_grid(150), method)  # three blocks, the last one partial


@pytest.mark.parametrize("method", METHODS_BIT_IDENTICAL)
def test_bit_identical_for_block_position(method):
    n = 150  # three blocks, the last one partial
    P, Y0 = _grid(n)
    old = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        grid = _run_w1(P, Y0, method)
    finally:
        numba.set_num_threads(old)
    # the same cell alone, and in another lane of another block
    for c in (0, 37, 149):
        one = _run_w1(P[:, c:c + 1], Y0[:, c:c + 1], method)
        assert np.array_equal(one.Y[:, 0], grid.Y[:, c])
        assert np.array_equal(one.obs[:, :, 0], grid.obs[:, :, c])


def test_rl2ab_counts_like_rl2_at_the_fixed_step():
    """rl2ab (one rates call per step) is as accurate as rl2 (two) on spike counts."""
    P, Y0 = _grid(64, 20.0)
    a = _engine.run(HH, P, Y0, t_end=300.0, dt=0.025, method="rl2ab")
    b = _engine.run(HH, P, Y0, t_end=300.0, dt=0.025, method="rl2")
    fine = _engine.run(HH, P, Y0, t_end=300.0, dt=0.0025, method="rl2")
    assert np.max(np.abs(a.spike_count - fine.spike_count)) <= 1
    assert np.max(np.abs(b.spike_count - fine.spike_count)) <= 1


MEMORY_PROBE = textwrap.dedent("""
    import resource, sys
    import numpy as np
    import biophys as bp
    from biophys import _engine
    m = bp.model("hh1952")
    n = 2000
    P = np.repeat(m.default_parameters()[:, None], n, axis=1)
    P[m.parameter_index("I_app")] = np.linspace(0, 20, n)
    Y0 = np.repeat(m.default_states()[:, None], n, axis=1)
    _engine.run(m, P[:, :70], Y0[:, :70], t_end=0.05, dt=0.025, observe=["V"],
                method=sys.argv[2])
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    r = _engine.run(m, P, Y0, t_end=float(sys.argv[1]), dt=0.025, observe=["V"], warmup=1.0,
                    method=sys.argv[2])
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(after - before, int(r.spike_count.sum()))
""")


@pytest.mark.parametrize("method", ["rl2ab", "adaptive"])
def test_memory_is_flat_in_t_end(method):
    """Peak RSS of a 2000-cell run with online observables: 20 ms and 400 ms cost the same."""
    growth = []
    for t_end in (20.0, 400.0):
        out = subprocess.run([sys.executable, "-c", MEMORY_PROBE, str(t_end), method],
                             check=True, capture_output=True, text=True).stdout.split()
        growth.append(int(out[0]))  # kB
    assert growth[1] - growth[0] < 2048, growth  # < 2 MB more for 20x the simulated time


def test_precompile_prepares_the_integrators():
    out = _compile.precompile(["hh1952"], methods=("rl2", "adaptive"))
    assert set(out) == {"hh1952"} and out["hh1952"] >= 0.0
    drv = _compile.load_driver(HH)
    assert len(drv.run_exponential.signatures) == 1 and len(drv.run_adaptive.signatures) == 1


#: A new process that runs one cell and 200 cells of hh1952 (the single-block and the parallel
#: path) and prints the functions Numba compiled (not loaded from its disk cache) meanwhile.
COMPILED_PROBE = textwrap.dedent("""
    import json
    from numba.core.event import install_recorder
    import biophys as bp
    from biophys import _engine
    m = bp.model("hh1952")
    with install_recorder("numba:compile") as rec:
        for n in (1, 200):
            _engine.run(m, m.default_parameters()[:, None].repeat(n, 1),
                        m.default_states()[:, None].repeat(n, 1), t_end=1.0, dt=m.dt)
    print(json.dumps(sorted({ev.data["dispatcher"].py_func.__qualname__
                             for _, ev in rec.buffer})))
""")


@pytest.fixture(scope="module")
def hh1952_in_fresh_caches():
    """Three jobs in fresh caches of their own, run alongside (3 processes' compiles of the
    hh1952 driver instead of 4: the control of the compile command's test is the process whose
    IR the SIMD test inspects), each's stdout by name: ``biophys compile hh1952`` then
    :data:`COMPILED_PROBE` ("after"); :data:`COMPILED_PROBE` then :data:`IR_PROBE` in one
    process ("control": the driver compiled by the runs, then inspected); :data:`RATES_FIRST`
    then :data:`IR_PROBE` ("rates_first")."""
    compile_cmd = ("-m", "biophys.cli", "compile", "hh1952", "--processes", "1")
    outs = _in_fresh_caches([[compile_cmd, COMPILED_PROBE], [COMPILED_PROBE + IR_PROBE],
                             [RATES_FIRST, IR_PROBE]])
    return dict(zip(("after", "control", "rates_first"), outs, strict=True))


def test_compile_command_leaves_nothing_to_compile(hh1952_in_fresh_caches):
    """After ``biophys compile hh1952`` into an empty cache, a new process runs one cell and
    many cells of it without compiling anything: the shared runners are compiled too. The
    control (run alongside): the same probe in an empty cache compiles the driver and both
    runners."""
    after, control = hh1952_in_fresh_caches["after"], hh1952_in_fresh_caches["control"]
    assert json.loads(after.splitlines()[-1]) == []
    compiled = set(json.loads(control.strip().splitlines()[-2]))  # (the last: IR_PROBE's)
    assert {"run_exponential", "run_blocks", "run_one_block"} <= compiled


def test_precompile_with_processes_compiles_every_model_in_workers():
    """The work queue of fresh interpreters (``python -m biophys._compile 2``): each model
    once, results keyed in the order asked, the drivers then usable here."""
    names = ["hh1952", "chay_keizer_1983"]
    out = _compile.precompile(names, processes=2)
    assert list(out) == names and all(v >= 0.0 for v in out.values())
    for name in names:
        assert len(_compile.block_integrator(bp.model(name), "run_exponential").signatures) == 1


def test_precompile_takes_one_name_as_a_name():
    """A string is one model (and one method), not a sequence of one-letter names ("unknown
    model 'h'")."""
    assert list(_compile.precompile("hh1952", methods="rl2")) == ["hh1952"]


def test_every_method_has_an_integrator_and_a_description():
    assert set(_engine.METHODS) == set(_compile.INTEGRATORS) == set(_engine.METHOD_DESCRIPTIONS)
    with pytest.raises(ValueError, match="'euler' is not one of rl1, rl2"):
        _compile.precompile(["hh1952"], methods=("euler",))


def test_precompile_takes_the_largest_kernels_first():
    size = {n: _compile._kernel_source_size(bp.model(n)) for n in ("beta_cell", "hh1952",
                                                                   "chen_2008_exocytosis")}
    assert size["beta_cell"] > 4 * size["hh1952"] > 0
    # chen's own file is small, but it takes its rates from the shared exocytosis kernels,
    # which count too (chen and hh1952 are within 2 % of each other: not compared)
    chen = bp.model("chen_2008_exocytosis").kernel
    assert size["chen_2008_exocytosis"] > 3 * os.path.getsize(chen.__file__)


def test_small_runs_are_split_into_blocks_for_every_thread():
    from biophys.kernels.ensemble_source import BLOCK, block_size_for

    assert block_size_for(10_000, 2) == BLOCK
    assert block_size_for(16, 2) == 8 and block_size_for(100, 2) == 56
    assert block_size_for(3, 2) == 8 and block_size_for(40, 1) == 40


def test_small_runs_spread_over_threads_without_changing_results():
    n = 20  # two blocks (16 and 4 cells) on two threads, one block on one thread
    P, Y0 = _grid(n)
    _one_and_two_threads(P, Y0, "rl2")


def test_blocks_run_in_golden_stride_order():
    """run_blocks visits block (b * stride) % n at prange iteration b: a permutation for every
    n, and the static share of each of two threads (the first and second half of b) covers
    the whole range of cells evenly, so a cost that rises along the cell axis (W1: the firing
    cells take more adaptive steps) is split evenly."""
    from biophys.kernels.ensemble_source import golden_stride

    for n in range(1, 400):
        s = golden_stride(n)
        assert sorted((b * s) % n for b in range(n)) == list(range(n)), n
    n = 157  # W1: 10 000 cells in 64-cell blocks
    order = np.array([(b * golden_stride(n)) % n for b in range(n)])
    cost = order + 0.5  # work rising linearly along the cells
    first, second = cost[: n // 2].sum(), cost[n // 2:].sum()
    assert first / second == pytest.approx(n // 2 / (n - n // 2), rel=0.05)
    # in order, the first half would carry about a third of the work
    plain = np.arange(n) + 0.5
    assert plain[: n // 2].sum() / plain[n // 2:].sum() < 0.35


@pytest.mark.skipif(numba.config.DISABLE_JIT, reason="needs compiled runners")
def test_runs_do_not_look_up_the_compiled_integrator_again(monkeypatch):
    """Numba converts a dispatcher passed to a runner into a function value by looking up its
    compile result on every call (about 0.3 ms a run); ``_compile.block_function`` does it
    once. Counted with ``Dispatcher.get_compile_result`` patched, through the serial and the
    parallel runner; the control passes the dispatcher itself, as before, and is counted."""
    hh = bp.model("hh1952")
    P = np.repeat(hh.default_parameters()[:, None], 200, axis=1)
    Y0 = np.repeat(hh.default_states()[:, None], 200, axis=1)

    def both_runners():
        for n in (1, 200):
            _engine.run(hh, P[:, :n], Y0[:, :n], t_end=0.1, dt=0.025)

    both_runners()  # compile or load
    calls = []
    original = numba.core.dispatcher.Dispatcher.get_compile_result

    def counted(self, sig):
        calls.append(self.py_func.__name__)
        return original(self, sig)

    monkeypatch.setattr(numba.core.dispatcher.Dispatcher, "get_compile_result", counted)
    both_runners()
    assert calls == []
    monkeypatch.setattr(_engine, "block_function", _compile.block_integrator)
    both_runners()
    assert calls.count("run_exponential") >= 2
