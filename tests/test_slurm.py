"""``biophys slurm``: the job scripts it writes are run end to end under a stand-in ``sbatch``
(no SLURM here) that runs each script as SLURM would, the array's tasks at the same time; and
the kernel cache the jobs share survives concurrent compilation."""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import biophys as bp
from biophys.cli import main
from biophys.cli_slurm import chunk_size_for

#: A stand-in for ``sbatch --parsable [--dependency=...] script``: logs the call, runs the
#: script (every task of an ``#SBATCH --array=a-b`` at once, with SLURM's task variables) and
#: prints a job id, failing as sbatch would if a dependency had failed.
FAKE_SBATCH = textwrap.dedent("""\
    #!@PYTHON@
    import json, os, re, subprocess, sys
    from pathlib import Path
    opts, script = sys.argv[1:-1], sys.argv[-1]
    state = Path(os.environ["FAKE_SBATCH_DIR"])
    log_file = state / "calls.json"
    calls = json.loads(log_file.read_text()) if log_file.exists() else []
    job = len(calls) + 1
    text = Path(script).read_text()
    cpus = re.search(r"^#SBATCH --cpus-per-task=(\\d+)$", text, re.M)[1]
    arr = re.search(r"^#SBATCH --array=(\\d+)-(\\d+)$", text, re.M)
    tasks = range(int(arr[1]), int(arr[2]) + 1) if arr else [None]
    procs = []
    for t in tasks:
        env = dict(os.environ, SLURM_JOB_ID=str(job), SLURM_CPUS_PER_TASK=cpus)
        if t is not None:
            env.update(SLURM_ARRAY_TASK_ID=str(t), SLURM_ARRAY_TASK_MIN=arr[1],
                       SLURM_ARRAY_TASK_MAX=arr[2], SLURM_ARRAY_TASK_COUNT=str(len(tasks)))
        log = open(state / f"job{job}_{t}.log", "w")
        procs.append(subprocess.Popen(["bash", script], env=env, stdout=log,
                                      stderr=subprocess.STDOUT))
    codes = [p.wait() for p in procs]
    calls.append({"script": Path(script).name, "opts": opts, "codes": codes})
    log_file.write_text(json.dumps(calls))
    if any(codes):
        sys.exit(1)
    print(f"{job};cluster" if "--parsable" in opts else f"Submitted batch job {job}")
""")

CONFIG = """
model = "hh1952"
t_end = 60.0
metrics = ["spike_count", "mean_V"]
checkpoint = "ckpt"
[grid]
I_app = {start = 0.0, stop = 20.0, num = 40}
[output]
out = "res.nc"
plot = "res.png"
"""


def _cost(n: int, tasks: int, size: int, block: int = 64) -> int:
    """Block runs of the busiest task (chunks are dealt round robin)."""
    chunks = -(-n // size)
    return -(-chunks // tasks) * -(-size // block)


def test_chunk_size_for_tasks():
    """Checked against every chunk size 1..n: within 5% of the least cost of the busiest task,
    and every task has a chunk whenever some size that good allows it."""
    for n in [*range(1, 200, 7), 1000, 2060, 4099, 10_000]:
        for tasks in (1, 2, 3, 7, 16, 33):
            size = chunk_size_for(n, tasks, 64)
            costs = [_cost(n, tasks, s) for s in range(1, n + 1)]
            assert _cost(n, tasks, size) <= 1.05 * min(costs), (n, tasks, size)
            spread = any(-(-n // s) >= tasks for s in range(1, n + 1)
                         if _cost(n, tasks, s) <= 1.05 * min(costs))
            assert (-(-n // size) >= tasks) == spread, (n, tasks, size)
    assert chunk_size_for(84, 16, 64) == 6  # one block each; 14 tasks busy (5 would be 2)
    assert chunk_size_for(10_000, 16, 64) == 128  # 79 chunks, whole blocks, <= 5 per task
    assert chunk_size_for(40, 3, 64) == 14


def test_readme_slurm_example_writes_the_array_it_describes(tmp_path, monkeypatch, capsys):
    """The README's ``biophys slurm examples/hh_sweep.toml --tasks 16`` is described as an
    84-point sweep in 14 chunks of 6, so 14 array tasks (it said "shard i of 16" before)."""
    from pathlib import Path
    readme = " ".join((Path(__file__).resolve().parents[1] / "README.md").read_text().split())
    config = Path(__file__).resolve().parents[1] / "examples" / "hh_sweep.toml"
    assert "biophys slurm examples/hh_sweep.toml --tasks 16" in readme
    assert "84-point sweep makes 14 chunks of 6 points, so the array has 14 tasks" in readme
    monkeypatch.chdir(tmp_path)
    assert main(["slurm", str(config), "--tasks", "16", "--checkpoint", "ckpt",
                 "--out", "hh.nc"]) == 0
    array = (tmp_path / "hh_sweep-slurm" / "array.sbatch").read_text()
    assert "#SBATCH --array=0-13" in array and "--chunk-size 6" in array
    assert "14 array tasks, not 16" in capsys.readouterr().err


def test_generated_scripts_run_the_sweep(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "hh.toml").write_text(CONFIG)
    assert main(["slurm", "hh.toml", "--tasks", "3", "--partition", "short",
                 "--sbatch=--qos=test"]) == 0
    d = tmp_path / "hh-slurm"
    array = (d / "array.sbatch").read_text()
    assert "#SBATCH --array=0-2" in array and "--shard slurm" in array
    assert "#SBATCH --partition=short" in array and "#SBATCH --qos=test" in array
    assert "--chunk-size 14" in array  # 40 points: 3 chunks, one per task
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "sbatch"
    fake.write_text(FAKE_SBATCH.replace("@PYTHON@", sys.executable))
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    state = tmp_path / "state"
    state.mkdir()
    env = dict(os.environ, PATH=f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
               FAKE_SBATCH_DIR=str(state))
    r = subprocess.run(["bash", str(d / "submit.sh")], env=env, capture_output=True, text=True,
                       timeout=900)
    logs = "\n".join(p.read_text() for p in sorted(state.glob("*.log")))
    assert r.returncode == 0, r.stderr + logs
    assert "submitted: compile 1, array 2 (3 tasks), assemble 3" in r.stdout
    calls = json.loads((state / "calls.json").read_text())
    assert [(c["script"], c["opts"], c["codes"]) for c in calls] == [
        ("compile.sbatch", ["--parsable"], [0]),
        ("array.sbatch", ["--parsable", "--dependency=afterok:1"], [0, 0, 0]),
        ("assemble.sbatch", ["--parsable", "--dependency=afterany:2"], [0])]
    own = 0
    for t in range(3):  # each task ran its own shard
        hit = re.search(rf"hh1952 shard {t}/3: (\d+) points \(0 not ok\); the checkpoint",
                        (state / f"job2_{t}.log").read_text())
        assert hit
        own += int(hit.group(1))
    assert own == 40  # the shards' own points cover the sweep once
    got = bp.open_sweep(tmp_path / "res.nc")
    assert (tmp_path / "res.png").stat().st_size > 0
    ref = bp.sweep("hh1952", grid={"I_app": np.linspace(0.0, 20.0, 40)}, t_end=60.0,
                   metrics=["spike_count", "mean_V"], progress=False)
    for v in ("spike_count", "mean_V", "status"):
        np.testing.assert_array_equal(got[v].values, ref[v].values)
    assert json.loads((tmp_path / "ckpt" / "manifest.json").read_text())["chunk_size"] == 14
    assert "1 model ready" in (state / "job1_None.log").read_text()
    assert "hh1952: 40 points, 0 not ok" in (state / "job3_None.log").read_text()


def test_slurm_errors(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "hh.toml").write_text(CONFIG)
    assert main(["slurm", "hh.toml", "--tasks", "0"]) == 2
    assert "--tasks = 0 (array tasks, count) must be >= 1" in capsys.readouterr().err
    assert main(["slurm", "hh.toml", "--tasks", "3", "--time", "1 hour"]) == 2
    assert "--time = '1 hour' must be a SLURM time limit" in capsys.readouterr().err
    assert main(["slurm", "hh.toml", "--tasks", "3", "--mem", "4 G"]) == 2
    assert "--mem = '4 G' cannot go on an #SBATCH line" in capsys.readouterr().err
    (tmp_path / "nock.toml").write_text(CONFIG.replace('checkpoint = "ckpt"', ""))
    assert main(["slurm", "nock.toml", "--tasks", "3"]) == 2
    assert "the shards need a checkpoint directory" in capsys.readouterr().err
    (tmp_path / "neg.toml").write_text(CONFIG.replace("t_end = 60.0", "t_end = -5.0"))
    assert main(["slurm", "neg.toml", "--tasks", "3"]) == 2  # found by sweep, named with file
    assert "error: neg.toml: t_end = -5.0 ms must be finite and > 0" in capsys.readouterr().err
    (tmp_path / "noout.toml").write_text(CONFIG.replace('out = "res.nc"', ""))
    assert main(["slurm", "noout.toml", "--tasks", "3"]) == 2
    assert "needs a results file" in capsys.readouterr().err
    for bad in ("a b", "run#2", "it's", "50%"):
        assert main(["slurm", "hh.toml", "--tasks", "3", "--dir", str(tmp_path / bad)]) == 2
        assert "must not contain whitespace, quotes" in capsys.readouterr().err
        assert not (tmp_path / bad).exists()
    assert main(["slurm", "hh.toml", "--tasks", "3", "--sbatch", "--qos=a\n#SBATCH --x"]) == 2
    assert "must be one line" in capsys.readouterr().err
    # a line break in a path would end a comment line of submit.sh and run the rest
    assert main(["slurm", "hh.toml", "--tasks", "3", "--checkpoint", "ck\necho INJECTED"]) == 2
    assert "the checkpoint path" in capsys.readouterr().err
    (tmp_path / "afile").write_text("")  # every task would fail on it
    assert main(["slurm", "hh.toml", "--tasks", "3", "--checkpoint", "afile"]) == 2
    assert "afile' is a file, not a directory" in capsys.readouterr().err
    # the assembling job's figure is checked before any script is written (a typo used to
    # fail only in that last job, after every shard had run)
    (tmp_path / "badx.toml").write_text(CONFIG.replace('plot = "res.png"',
                                                       'plot = "res.png"\nx = "Iapp"'))
    assert main(["slurm", "badx.toml", "--tasks", "3"]) == 2
    assert ("badx.toml: [output] x = 'Iapp' is not a swept axis (did you mean 'I_app'?)"
            in capsys.readouterr().err)
    assert not list(tmp_path.glob("*-slurm"))


def test_the_compile_job_prepares_the_output_variant_when_needed(tmp_path, monkeypatch):
    """A metric or a trace of a model output (a current) runs the driver's ``_aux`` variant;
    the compile job prepared only the plain one, so every array task compiled it itself."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "hh.toml").write_text(CONFIG)
    (tmp_path / "cur.toml").write_text(CONFIG.replace('"mean_V"]', '"mean_V", "mean_I_Na"]'))
    (tmp_path / "rec.toml").write_text(CONFIG + "[traces]\npoints = [0]\nrecord = [\"I_K\"]\n")
    for name, aux in (("hh", False), ("cur", True), ("rec", True)):
        assert main(["slurm", f"{name}.toml", "--tasks", "2", "--dir", name]) == 0
        line = (tmp_path / name / "compile.sbatch").read_text().splitlines()[-1]
        assert line.endswith("--method rl2 --aux --processes 1" if aux
                              else "--method rl2 --processes 1"), line


def test_slurm_options_reach_the_scripts(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "dose response #2 (it's).toml").write_text(CONFIG)
    assert main(["slurm", "dose response #2 (it's).toml", "--tasks", "41", "--dir", "s",
                 "--time", "120:00:00", "--assemble-time", "UNLIMITED", "--mem", "4G"]) == 0
    assert "40 array tasks, not 41: the sweep has 40 chunks of 1 points" in capsys.readouterr().err
    array = (tmp_path / "s" / "array.sbatch").read_text()
    assert "#SBATCH --array=0-39" in array and "#SBATCH --time=120:00:00" in array
    assert "#SBATCH --job-name=dose_response__2__it_s_-shard" in array  # one sbatch argument
    assert "#SBATCH --mem=4G" in array
    assert "#SBATCH --time=UNLIMITED" in (tmp_path / "s" / "assemble.sbatch").read_text()
    assert "--dependency=afterany:" in (tmp_path / "s" / "submit.sh").read_text()
    assert main(["slurm", "dose response #2 (it's).toml", "--tasks", "3", "--dir", "t",
                 "--chunk-size", "20"]) == 0  # 2 chunks: 2 tasks
    assert "2 array tasks, not 3" in capsys.readouterr().err


def test_slurm_keeps_an_existing_checkpoint_and_refuses_a_foreign_one(tmp_path, monkeypatch,
                                                                      capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "hh.toml").write_text(CONFIG)
    (tmp_path / "c8.toml").write_text(CONFIG.replace("checkpoint", "chunk_size = 8\ncheckpoint"))
    grid = {"I_app": np.linspace(0.0, 20.0, 40)}
    bp.sweep("hh1952", grid=grid, t_end=60.0, metrics=["spike_count", "mean_V"],
             progress=False, checkpoint="ckpt", chunk_size=5, shard="0/8")
    assert main(["slurm", "hh.toml", "--tasks", "4"]) == 0
    assert "--chunk-size 5 " in (tmp_path / "hh-slurm" / "array.sbatch").read_text()
    for argv in (["hh.toml", "--chunk-size", "6"], ["c8.toml"]):  # would fail in every task
        assert main(["slurm", *argv, "--tasks", "4", "--dir", "x"]) == 2
        assert "uses chunk_size = 5; give --chunk-size 5" in capsys.readouterr().err
    bp.sweep("hh1952", grid=grid, t_end=50.0, metrics=["spike_count", "mean_V"],
             progress=False, checkpoint="other", chunk_size=5, shard="0/8")
    assert main(["slurm", "hh.toml", "--tasks", "4", "--dir", "y", "--checkpoint", "other"]) == 2
    assert "was written for other settings than hh.toml's" in capsys.readouterr().err
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "data.csv").write_text("1,2\n")  # not a checkpoint: every task
    assert main(["slurm", "hh.toml", "--tasks", "4", "--dir", "z", "--checkpoint", "mine"]) == 2
    assert "'data.csv'; give a new or empty directory" in capsys.readouterr().err
    assert not any((tmp_path / d).exists() for d in ("x", "y", "z"))


@pytest.mark.slow
def test_concurrent_compilation_into_one_cache(tmp_path):
    """(Slow: two cold compiles, about 30 s.) The array tasks may compile at once (e.g.
    without the compile job): ``n`` processes
    compile hh1952 into an empty cache together; all succeed, and a later process loads every
    kernel from the cache (Numba's cache debug output: loaded, nothing saved) and gets the same
    numbers as the test's own process (another cache)."""
    n = 2
    env = dict(os.environ, BIOPHYS_CACHE_DIR=str(tmp_path / "shared"))
    cmd = [sys.executable, "-m", "biophys.cli", "compile", "hh1952", "--processes", "1"]
    procs = [subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True) for _ in range(n)]
    outs = [p.communicate(timeout=600)[0] for p in procs]
    assert [p.returncode for p in procs] == [0] * n, outs
    code = ("import numpy as np, biophys as bp; ds = bp.sweep('hh1952', grid={'I_app': "
            "np.linspace(0, 20, 8)}, t_end=30.0, metrics=['mean_V'], progress=False); "
            "print('RESULT', ds.mean_V.values.tobytes().hex())")
    r = subprocess.run([sys.executable, "-c", code], env=dict(env, NUMBA_DEBUG_CACHE="1"),
                       capture_output=True, text=True, check=True, timeout=600)
    assert "data loaded from" in r.stdout
    assert "data saved to" not in r.stdout
    # the same sweep here, with this process's own cache
    own = bp.sweep("hh1952", grid={"I_app": np.linspace(0, 20, 8)}, t_end=30.0,
                   metrics=["mean_V"], progress=False)
    line = [x for x in r.stdout.splitlines() if x.startswith("RESULT")]
    assert line == ["RESULT " + own.mean_V.values.tobytes().hex()]


@pytest.mark.parametrize("dask", ['address = "tcp://127.0.0.1:8786"', "n_workers = 3", None])
def test_scripts_pass_a_worker_count_only_where_sweep_takes_one(tmp_path, monkeypatch, dask):
    """Every task got ``--n-workers "$NUMBA_NUM_THREADS"``, which sweep refuses beside a
    [dask] scheduler address: each array task and the assembling job stopped at once."""
    import shlex

    from biophys.cli import build_parser
    from biophys.cli_sweep import _check_cluster_options, load_config

    monkeypatch.chdir(tmp_path)
    head, tail = CONFIG.split("[grid]")
    backend = 'backend = "dask"\n' if dask else ""
    table = f"[dask]\n{dask}\n" if dask else ""
    (tmp_path / "d.toml").write_text(head + backend + table + "[grid]" + tail)
    assert main(["slurm", "d.toml", "--tasks", "2", "--dir", "s"]) == 0
    for script in ("array.sbatch", "assemble.sbatch"):
        line = [x for x in (tmp_path / "s" / script).read_text().splitlines()
                if " -m biophys.cli sweep " in x][0]
        argv = shlex.split(line.split(" -m biophys.cli ", 1)[1].replace('"$NUMBA_NUM_THREADS"',
                                                                          "2"))
        args = build_parser().parse_args(argv)
        assert (args.n_workers is None) == (dask is not None and "address" in dask), line
        _check_cluster_options(args, load_config(args.config))  # what each job checks first
