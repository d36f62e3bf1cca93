"""The generated driver file in the cache is imported only if it holds the generated source."""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from biophys import _cache

#: the folder holding the biophys this test imports (the subprocesses must import it too)
HERE = str(Path(_cache.__file__).resolve().parents[1])

LOAD = textwrap.dedent("""
    from biophys import _compile
    from biophys.models import get_model
    mod = _compile.load_driver(get_model("hh1952"))
    print(mod.__file__, all(hasattr(mod, f) for f in ("run_exponential", "run_adaptive")))
""")


def _load(tmp_path) -> tuple[Path, bool]:
    env = dict(os.environ, BIOPHYS_CACHE_DIR=str(tmp_path / "cache"), PYTHONPATH=HERE)
    path, ok = subprocess.run([sys.executable, "-c", LOAD], env=env, cwd=tmp_path, check=True,
                              capture_output=True, text=True).stdout.split()
    return Path(path), ok == "True"


def test_a_truncated_or_edited_driver_file_is_written_again(tmp_path):
    """A driver file that exists but does not hold the generated text (cut short by a crash,
    as a file renamed into place without fsync can be; or edited by hand) was imported as it
    was, under the name whose digest claims the generated text: a module without its block
    integrators (or running other code than the sources say) until someone deletes it."""
    path, ok = _load(tmp_path)
    assert ok
    good = path.read_bytes()
    for damaged in (b"", good[: len(good) // 2].rsplit(b"\n", 1)[0] + b"\n",
                    good.replace(b"def run_adaptive", b"def run_adaptive_edited")):
        path.write_bytes(damaged)
        again, ok = _load(tmp_path)
        assert again == path and ok
        assert path.read_bytes() == good
