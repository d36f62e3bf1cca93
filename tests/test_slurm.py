"""``biophys slurm``: the job scripts it writes are run end to end under a stand-in ``sbatch``
(no SLURM here) that runs each script as SLURM would, the array's tasks at the same time; and
the kernel cache the jobs share survives concurrent compilation."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import textwrap

import numpy as np

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


def test_chunk_size_for_tasks():
    for n in [*range(1, 300), 1000, 4099, 10_000, 100_000]:
        for tasks in range(1, min(n, 40) + 1):
            size = chunk_size_for(n, tasks, 64)
            chunks = -(-n // size)
            assert chunks >= tasks  # every task has work
            # whole blocks, or at most an even split over the tasks
            assert size % 64 == 0 or size <= -(-n // tasks)
    assert chunk_size_for(84, 16, 64) == 5  # 17 chunks (6 points would give only 14)
    assert chunk_size_for(10_000, 16, 64) == 192  # 53 chunks: ~50, 3-4 per task, whole blocks
    assert chunk_size_for(40, 3, 64) == 14  # too small for blocks: one chunk per task


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
        ("assemble.sbatch", ["--parsable", "--dependency=afterok:2"], [0])]
    for t in range(3):  # each task ran its own shard
        assert f"hh1952 shard {t}/3: the checkpoint" in (state / f"job2_{t}.log").read_text()
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
    assert main(["slurm", "hh.toml", "--tasks", "41"]) == 2
    assert "exceeds the sweep's 40 points" in capsys.readouterr().err
    assert main(["slurm", "hh.toml", "--tasks", "0"]) == 2
    assert "--tasks = 0 (array tasks, count) must be >= 1" in capsys.readouterr().err
    assert main(["slurm", "hh.toml", "--tasks", "3", "--chunk-size", "20"]) == 2
    assert "exceeds the 2 chunks of 20 points" in capsys.readouterr().err
    assert main(["slurm", "hh.toml", "--tasks", "3", "--time", "1 hour"]) == 2
    assert "--time = '1 hour' must be a SLURM time limit" in capsys.readouterr().err
    (tmp_path / "nock.toml").write_text(CONFIG.replace('checkpoint = "ckpt"', ""))
    assert main(["slurm", "nock.toml", "--tasks", "3"]) == 2
    assert "the shards need a checkpoint directory" in capsys.readouterr().err
    (tmp_path / "noout.toml").write_text(CONFIG.replace('out = "res.nc"', ""))
    assert main(["slurm", "noout.toml", "--tasks", "3"]) == 2
    assert "needs a results file" in capsys.readouterr().err
    assert main(["slurm", "hh.toml", "--tasks", "3", "--dir", str(tmp_path / "a b")]) == 2
    assert "must not contain whitespace" in capsys.readouterr().err
    assert not list(tmp_path.glob("*-slurm"))


def test_slurm_adopts_an_existing_checkpoints_chunk_size(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "hh.toml").write_text(CONFIG)
    bp.sweep("hh1952", grid={"I_app": np.linspace(0.0, 20.0, 40)}, t_end=60.0,
             metrics=["spike_count", "mean_V"], progress=False, checkpoint="ckpt",
             chunk_size=5, shard="0/8")
    assert main(["slurm", "hh.toml", "--tasks", "4"]) == 0
    assert "--chunk-size 5 " in (tmp_path / "hh-slurm" / "array.sbatch").read_text()


def test_concurrent_compilation_into_one_cache(tmp_path):
    """The array tasks may compile at once (e.g. without the compile job): ``n`` processes
    compile hh1952 into an empty cache together; all succeed, and a later process loads every
    kernel from the cache (Numba's cache debug output: loaded, nothing saved) and gets the same
    numbers as a process with a cache of its own."""
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
    own = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=600,
                         env=dict(os.environ, BIOPHYS_CACHE_DIR=str(tmp_path / "own")))
    line = [x for x in r.stdout.splitlines() if x.startswith("RESULT")]
    assert line == [x for x in own.stdout.splitlines() if x.startswith("RESULT")]
