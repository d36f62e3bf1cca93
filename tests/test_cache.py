"""The Numba disk cache lives outside the package and can never serve stale machine code."""

import os
import shutil
import subprocess
import sys
import textwrap
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numba
import numpy as np

import biophys as bp
from biophys import _cache
from biophys._compile import kernel_code_hash

REPO_FILES = Path(bp.__file__).resolve().parent


def test_cache_dir_is_outside_the_package_and_keyed_on_source():
    d = _cache.cache_dir()
    pkg = REPO_FILES
    kern = _cache.kernels_dir().resolve()
    assert pkg not in d.resolve().parents and kern not in d.resolve().parents
    assert numba.__version__ in d.name
    # keyed on the sources as they were when this process first needed the cache (sources that
    # change while a process runs do not change the code it has already imported)
    key = d.name.rsplit("-", 1)[1]
    assert len(key) == 16 and int(key, 16) >= 0
    r = subprocess.run([sys.executable, "-c", "import biophys._cache as c; "
                        "print(c.kernels_source_hash(), c.cache_dir().name)"],
                       capture_output=True, text=True, check=True)
    fresh_hash, fresh_dir = r.stdout.split()
    assert fresh_dir.endswith(fresh_hash)


def test_no_numba_cache_files_inside_the_package():
    bp.simulate("hh1952", t_end=1.0)
    for root in (REPO_FILES, _cache.kernels_dir()):
        found = [p for p in root.rglob("*") if p.suffix in (".nbi", ".nbc")]
        assert not found, found


def test_scoped_cache_restores_numba_config():
    before = numba.config.CACHE_DIR
    with _cache.scoped_numba_cache() as d:
        assert numba.config.CACHE_DIR == str(d)
    assert numba.config.CACHE_DIR == before


def _physical_copy(tmp_path: Path) -> Path:
    """biophys/ with kernels/ copied in as biophys/kernels (the installed layout)."""
    root = tmp_path / "site"
    shutil.copytree(REPO_FILES, root / "biophys",
                    ignore=shutil.ignore_patterns("__pycache__", "kernels"))
    shutil.copytree(_cache.kernels_dir(), root / "biophys" / "kernels",
                    ignore=shutil.ignore_patterns("__pycache__"))
    return root


SNIPPET = textwrap.dedent("""
    import biophys, biophys._cache as c
    from biophys.kernels import ghk
    print(repr(ghk.ghk_current(1e-6, 1.0, -40.0, 140.0, 5.4, 37.0)), c.cache_dir().name)
""")


def _run(root: Path, cache: Path) -> tuple[str, str]:
    env = dict(os.environ, PYTHONPATH=str(root), BIOPHYS_CACHE_DIR=str(cache))
    out = subprocess.run([sys.executable, "-c", SNIPPET], env=env, cwd=root, check=True,
                         capture_output=True, text=True).stdout.split()
    return out[0], out[1]


def test_editing_a_callee_in_another_file_invalidates_the_cache(tmp_path):
    root = _physical_copy(tmp_path)
    cache = tmp_path / "cache"
    v1, d1 = _run(root, cache)
    v1b, d1b = _run(root, cache)  # second process: served from the cache, same answer
    assert (v1b, d1b) == (v1, d1)
    assert any(cache.rglob("*.nbi"))
    # edit thermal_voltage (in constants.py), a callee of ghk_current (in ghk.py)
    const = root / "biophys" / "kernels" / "constants.py"
    src = const.read_text()
    assert "return 1000.0 * GAS_CONSTANT" in src
    const.write_text(src.replace("return 1000.0 * GAS_CONSTANT", "return 2000.0 * GAS_CONSTANT"))
    v2, d2 = _run(root, cache)
    assert d2 != d1
    assert v2 != v1


def test_editing_a_model_kernel_in_a_subpackage_changes_the_cache_key(tmp_path):
    """The generated drivers inline the model kernels of ``kernels/models/``, and Numba checks
    only a driver's own file: the key must cover the subpackage. (Hashing ``kernels/*.py``
    alone passed the test above and served a stale hh1952 driver: final V -64.6 mV instead of
    the edited model's -32.0 mV.)"""
    root = _physical_copy(tmp_path)
    code = "import biophys._cache as c; print(c.cache_dir().name)"
    env = dict(os.environ, PYTHONPATH=str(root), BIOPHYS_CACHE_DIR=str(tmp_path / "cache"))

    def key() -> str:
        return subprocess.run([sys.executable, "-c", code], env=env, cwd=root, check=True,
                              capture_output=True, text=True).stdout.strip()

    before = key()
    model = root / "biophys" / "kernels" / "models" / "hh1952.py"
    model.write_text(model.read_text() + "\n# edited\n")
    assert key() != before


USER_MODEL = textwrap.dedent("""
    import dataclasses, sys
    import biophys as bp
    from biophys._compile import kernel_code_hash
    from biophys.models import get_model
    sys.path.insert(0, "userk")
    import hh_user
    m = dataclasses.replace(get_model("hh1952"), name="hh_user", kernel=hh_user)
    ds = bp.sweep(m, grid={"I_app": [10.0]}, t_end=50.0, metrics=["spike_count", "mean_V"],
                  progress=False)
    print(int(ds.spike_count[0]), repr(float(ds.mean_V[0])), kernel_code_hash(m))
""")


def test_editing_a_kernel_module_outside_the_package_compiles_afresh(tmp_path):
    """A model whose kernel module is a user's file outside ``biophys.kernels``: the package's
    source hash does not cover it, and the driver, which inlines its ``rates``, was named by
    the module's name alone, so an edited module was served the old compiled code (4 spikes
    and mean V -53.83 mV after g_Na was halved, which gives 1 spike and -59.32 mV).
    Its source is now part of the driver's name and of the hash results record."""
    user = tmp_path / "userk"
    user.mkdir()
    src = (_cache.kernels_dir() / "models" / "hh1952.py").read_text().replace(
        "from ..", "from biophys.kernels.")
    assert "g_na = P[G_NA, c] * m * m * m * Y[H, c]" in src
    (user / "hh_user.py").write_text(src)
    env = dict(os.environ, BIOPHYS_CACHE_DIR=str(tmp_path / "cache"))

    def run() -> list[str]:
        return subprocess.run([sys.executable, "-c", USER_MODEL], env=env, cwd=tmp_path,
                              check=True, capture_output=True, text=True).stdout.split()

    n1, v1, h1 = run()
    half = src.replace("g_na = P[G_NA, c] * m", "g_na = 0.5 * P[G_NA, c] * m")
    (user / "hh_user.py").write_text(half)
    n2, v2, h2 = run()
    assert h2 != h1 and h1 != _cache.kernels_source_hash()
    assert int(n1) >= 3 and int(n2) < int(n1) and v2 != v1, (n1, v1, n2, v2)
    for name in ("hh1952", "zg_cell"):  # a built-in model: the package's own hash
        assert kernel_code_hash(bp.model(name)) == _cache.kernels_source_hash()


def test_numba_disable_jit_runs_the_same_code():
    code = textwrap.dedent("""
        import numpy as np, biophys as bp
        ds = bp.simulate("hh1952", t_end=3.0, dt=0.01, stimulus=bp.Pulse(20.0, 0.5, 1.0))
        np.save("out.npy", ds.V.values)
    """)
    import tempfile
    with tempfile.TemporaryDirectory() as d:
        env = dict(os.environ, NUMBA_DISABLE_JIT="1")
        subprocess.run([sys.executable, "-c", code], env=env, cwd=d, check=True)
        v_py = np.load(os.path.join(d, "out.npy"))
    v_jit = bp.simulate("hh1952", t_end=3.0, dt=0.01, stimulus=bp.Pulse(20.0, 0.5, 1.0)).V.values
    np.testing.assert_allclose(v_py, v_jit, rtol=1e-12, atol=1e-12)



HELPER = textwrap.dedent("""
    from biophys.kernels._jit import jit
    from {inner} import {name}
    from biophys.kernels.fastmath import exp


    @jit
    def bm_core(phi, u):
        return phi * {name}() * exp(u * (1.0 / 18.0))
""")


def test_editing_a_helper_two_imports_away_compiles_afresh(tmp_path):
    """A user's kernel that takes a compiled function from a helper module, which takes one
    from a third: the hash covered the kernel module and the modules it imports from (one
    level), and Numba cached each user function beside its file keyed on that file alone, so
    editing the third file (beta_m's factor 4 -> 2) kept the old numbers under the old hash.
    The edited run must equal a run of the edited files with empty caches."""
    user = tmp_path / "userk"
    user.mkdir()
    src = (_cache.kernels_dir() / "models" / "hh1952.py").read_text().replace(
        "from ..", "from biophys.kernels.")
    line = "bm = phi * 4.0 * exp(u * (1.0 / 18.0))"
    assert src.count(line) == 1
    (user / "hh_user.py").write_text(
        src.replace(line, "bm = bm_core(phi, u)") + "\nfrom userh import bm_core  # noqa\n")
    (user / "userh.py").write_text(HELPER.format(inner="userh2", name="factor"))

    def factor(folder: Path, value: float) -> None:
        (folder / "userh2.py").write_text(
            "from biophys.kernels._jit import jit\n\n\n@jit\ndef factor():\n"
            f"    return {value!r}\n")

    def run(cwd: Path, cache: Path) -> list[str]:
        env = dict(os.environ, BIOPHYS_CACHE_DIR=str(cache))
        return subprocess.run([sys.executable, "-c", USER_MODEL], env=env, cwd=cwd,
                              check=True, capture_output=True, text=True).stdout.split()

    # the reference (the edited files, empty caches) in a copy of the folder, compiled
    # alongside the first run (both compile everything: one core each)
    edited = tmp_path / "edited"
    shutil.copytree(user, edited / "userk")
    factor(user, 4.0)
    factor(edited / "userk", 2.0)
    with ThreadPoolExecutor(max_workers=2) as pool:
        first = pool.submit(run, tmp_path, tmp_path / "cache")
        n3, v3, h3 = run(edited, tmp_path / "fresh")
        n1, v1, h1 = first.result()
    factor(user, 2.0)
    n2, v2, h2 = run(tmp_path, tmp_path / "cache")
    assert h2 != h1 and (n2, v2, h2) == (n3, v3, h3)
    assert v2 != v1, (n1, v1, n2, v2)
