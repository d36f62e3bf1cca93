"""Package layout rules: kernels/ is biophys.kernels and depends on nothing else in biophys."""

import ast
import re
import subprocess
import sys
from pathlib import Path

from biophys import _cache

KERNELS = _cache.kernels_dir()


def test_kernels_import_nothing_from_biophys_outside_kernels():
    offenders = []
    for path in KERNELS.rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            for n in names:
                if n == "biophys" or (n.startswith("biophys.") and
                                      not n.startswith("biophys.kernels")):
                    offenders.append(f"{path.name}: {n}")
    assert not offenders, offenders


def test_kernels_is_installed_as_a_subpackage_only():
    import biophys.kernels

    assert biophys.kernels.__name__ == "biophys.kernels"
    repo_root = KERNELS.parent
    r = subprocess.run([sys.executable, "-c", "import kernels"], cwd=repo_root,
                       capture_output=True, text=True)
    # from the repository root the folder is importable by accident; the guard refuses it
    assert r.returncode != 0
    assert "biophys.kernels" in r.stderr


def test_no_top_level_kernels_package_installed():
    r = subprocess.run([sys.executable, "-c", "import kernels"], cwd=Path("/"),
                       capture_output=True, text=True)
    assert r.returncode != 0


def test_import_biophys_defers_xarray_pandas_dask_and_matplotlib():
    """A warm start pays for the result libraries only when a result is built."""
    code = ("import sys, biophys; print(sorted(m for m in ('xarray', 'pandas', 'dask', "
            "'matplotlib') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "[]"


#: ``tests/<file>.py`` or ``tests/<sub>/.../<file>.py``, optionally ``::test_name``
CITATION = re.compile(r"tests/((?:\w+/)*\w+\.py)(?:::(test_\w+))?")


def test_citation_pattern_sees_sub_directories():
    assert CITATION.findall("see tests/kernels/test_x.py::test_y and tests/test_z.py.") == [
        ("kernels/test_x.py", "test_y"), ("test_z.py", "")]


def test_cited_tests_exist():
    """Every ``tests/[<sub>/]<file>.py[::test_name]`` cited by a parameter or state source of a
    built-in model (outputs carry no source), or by the code and README, names a test file
    (and function) that exists: a renamed or moved test cannot leave a source pointing
    nowhere."""
    from biophys.models import get_model, list_models

    repo = KERNELS.parent
    tests_dir = Path(__file__).resolve().parent
    texts = []
    for name in list_models():
        m = get_model(name)
        texts += [q.source for q in (*m.parameters, *m.states)]
    for folder in ("biophys", "kernels"):
        texts += [p.read_text() for p in (repo / folder).rglob("*.py")]
    texts.append((repo / "README.md").read_text())
    cited = set()
    for text in texts:
        cited.update(CITATION.findall(text))
    assert cited
    missing = []
    for file, test in sorted(cited):
        path = (tests_dir / file).resolve()
        assert tests_dir in path.parents, file
        if not path.is_file() or (test and f"def {test}(" not in path.read_text()):
            missing.append(f"tests/{file}::{test}" if test else f"tests/{file}")
    assert not missing, missing
