"""Every notebook runs top to bottom in quick mode and is committed without outputs."""

import re
from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))
FIGURE = re.compile(r'FIG\s*/\s*"([^"/]+\.png)"')  # the figures a notebook names: FIG / "x.png"


def _warning(message: str) -> str:
    """A pattern for one Python warning holding ``message``: its line and the source line
    Python prints under it."""
    return rf"[^\r\n]*{re.escape(message)}[^\r\n]*\n?(?:  [^\r\n]*\n?)?"


# What a notebook may show on stderr or with 'Warning' in it, by notebook name, as patterns
# taken out of the outputs before the check, each with the reason it is legitimate. Anything
# else on stderr, and any other 'Warning', fails the run.
ALLOWED: dict[str, tuple[str, ...]] = {
    # Quick mode runs beta_cell with a 5 s warm-up where the insulin read-out needs 6000 s to
    # settle from the default state; its maps start from bp.settled_state (10 s in quick mode)
    # and should not warn, but a point whose settling run failed would start cold and warn.
    # Cells 5 and 7 (the K_o x Mg_o and K_o x Mg_i maps).
    "02_beta_cell_K_Mg.ipynb": (_warning(
        "UserWarning: metric 'insulin_rate' reads insulin_rate, which leaves beta_cell's "
        "initial state over about 6000 s: with warmup = 5000 ms it measures that transient"),),
}


def _execute(nb, path, env, monkeypatch):
    from nbclient import NotebookClient

    for name, value in env.items():
        monkeypatch.setenv(name, value)
    client = NotebookClient(nb, timeout=900, kernel_name="python3",
                            resources={"metadata": {"path": str(path)}})
    client.execute()


def _unexpected_output(nb, allowed=()):
    """The executed code cells' outputs on stderr or containing 'Warning', as (cell, text), once
    the ``allowed`` patterns are taken out."""
    found = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        for out in cell.outputs:
            if out.output_type == "stream":
                text, stderr = out.text, out.name == "stderr"
            else:
                text = str(out.get("data", {}).get("text/plain", ""))
                text += str(out.get("ename", "")) + str(out.get("evalue", ""))
                stderr = False
            for pattern in allowed:
                text = re.sub(pattern, "", text)
            if (stderr and text.strip()) or "Warning" in text:
                found.append((i, text))
    return found


def test_there_are_notebooks():
    assert len(NOTEBOOKS) >= 1


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_without_outputs(path):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert not cell.outputs and cell.execution_count is None, path.name


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_runs_in_quick_mode(path, tmp_path, monkeypatch):
    """Runs without a warning or stderr output and writes every figure it names, and no other."""
    nb = nbformat.read(path, as_version=4)
    expected = {name for cell in nb.cells if cell.cell_type == "code"
                for name in FIGURE.findall(cell.source)}
    assert expected, f"{path.name} names no figure FIG / '...png'"
    _execute(nb, tmp_path, {"BIOPHYS_QUICK": "1", "MPLBACKEND": "Agg"}, monkeypatch)
    assert _unexpected_output(nb, ALLOWED.get(path.name, ())) == []
    written = {p.name for p in (tmp_path / "figures").glob("*.png") if p.stat().st_size > 0}
    assert written == expected


def test_the_output_check_catches_warnings_and_stderr(tmp_path, monkeypatch):
    """The check of test_runs_in_quick_mode on a kernel's real outputs: a Python warning (shown
    on stderr) and a printed warning are caught, plain output is not; an allowance lets its
    message through, not another warning of the same cell; stderr output is caught."""
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell('print("peak 40.5 mV")'),
        nbformat.v4.new_code_cell('import warnings\nwarnings.warn("IProgress not found")'),
        nbformat.v4.new_code_cell('print("TqdmWarning: on stdout")'),
        nbformat.v4.new_code_cell('"a DeprecationWarning as a value"'),
        nbformat.v4.new_code_cell('import warnings\nwarnings.warn("IProgress not found")\n'
                                  'warnings.warn("another")'),
        nbformat.v4.new_code_cell('import sys\nprint("progress 50%", file=sys.stderr)'),
    ])
    _execute(nb, tmp_path, {}, monkeypatch)
    assert sorted({cell for cell, _ in _unexpected_output(nb)}) == [1, 2, 3, 4, 5]
    allowed = _unexpected_output(nb, (_warning("IProgress not found"), "a DeprecationWarning"))
    assert sorted({cell for cell, _ in allowed}) == [2, 4, 5]


def test_05_without_its_results_file_names_the_variable(tmp_path, monkeypatch):
    """Notebook 05 reads benchmarks/results/latest.json next to the package (a source checkout)
    or BIOPHYS_BENCHMARK_JSON; a missing file is an error naming the variable."""
    from nbclient.exceptions import CellExecutionError

    nb = nbformat.read(NOTEBOOKS[0].parent / "05_performance.ipynb", as_version=4)
    env = {"BIOPHYS_BENCHMARK_JSON": str(tmp_path / "missing.json"), "MPLBACKEND": "Agg"}
    with pytest.raises(CellExecutionError) as error:
        _execute(nb, tmp_path, env, monkeypatch)
    # the error itself, not the cell's source that the message echoes
    assert error.value.ename == "FileNotFoundError"
    assert "missing.json" in error.value.evalue
    assert "set the environment variable BIOPHYS_BENCHMARK_JSON" in error.value.evalue
