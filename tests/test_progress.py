"""The progress bar stays quiet inside a Jupyter kernel without ipywidgets."""

import os
import subprocess
import sys
import textwrap

import pytest

# a Jupyter kernel as tqdm.autonotebook detects one, without ipywidgets (not a dependency)
FAKE_KERNEL = textwrap.dedent("""
    import sys, types, warnings
    sys.modules["ipykernel.zmqshell"] = types.ModuleType("ipykernel.zmqshell")
    class ZMQInteractiveShell:
        pass
    ipython = types.ModuleType("IPython")
    ipython.get_ipython = lambda: ZMQInteractiveShell()
    sys.modules["IPython"] = ipython
    sys.modules["ipywidgets"] = None
    warnings.simplefilter("always")  # ("error" would be swallowed by tqdm's except)
    import biophys as bp
""")


@pytest.mark.parametrize("progress", [False, True])
def test_no_tqdm_warning_in_a_kernel_without_ipywidgets(progress):
    """tqdm.auto warns 'IProgress not found' on import in such a kernel; every notebook cell
    that ran a sweep (even with progress=False) printed it."""
    code = FAKE_KERNEL + textwrap.dedent(f"""
        bp.sweep("hh1952", grid={{"I_app": [1.0]}}, t_end=1.0, metrics=["mean_V"],
                 progress={progress})
        bp.hysteresis("hh1952", "I_app", [1.0, 2.0], t_end=1.0, warmup=0.5,
                      metrics=["mean_V"], progress={progress})
    """)
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                       env=dict(os.environ, NUMBA_NUM_THREADS="1"))
    assert r.returncode == 0, r.stderr[-2000:]
    assert "Warning" not in r.stderr, r.stderr[-2000:]


def test_the_fake_kernel_does_make_tqdm_auto_warn():
    """The environment above is one where the old import warned (the test is not vacuous)."""
    code = FAKE_KERNEL + "from tqdm.auto import tqdm\n"
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 0 and "TqdmWarning" in r.stderr
