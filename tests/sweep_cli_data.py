"""Shared by the ``biophys sweep`` CLI tests: running the command, writing a config, the
small HH config and the examples folder."""

from pathlib import Path

from biophys.cli import main as cli_main

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def run(argv):
    """``biophys sweep ARGV`` through the main command line; its exit status."""
    return cli_main(["sweep", *argv])


def write(tmp_path, text, name="cfg.toml"):
    p = tmp_path / name
    p.write_text(text)
    return p


HH_SMALL = """
model = "hh1952"
t_end = 40.0
warmup = 10.0
metrics = ["spike_rate", "mean_V"]

[grid]
I_app = {start = 0.0, stop = 20.0, num = 5}
temperature = [6.3, 15.0]

[traces]
points = [3]

[output]
metric = "spike_rate"
"""
