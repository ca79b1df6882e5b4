"""`cpsim run` and `cpsim check` end to end."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd

from cpsim.cli.run_command import SHOWN
from cpsim.headline import METRICS, figure

ROOT = Path(__file__).resolve().parents[2]


def cpsim(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cpsim.cli", *args], capture_output=True, text=True, cwd=ROOT)


def test_run_writes_tables_summary_and_figure(tmp_path):
    out = tmp_path / "run"
    proc = cpsim(
        "run",
        "scenarios/foot_patrol.toml",
        "--days",
        "30",
        "--seed",
        "4",
        "--set",
        "population.residents=2000",
        "--set",
        "population.beats=2",
        "--out",
        str(out),
    )
    assert proc.returncode == 0, proc.stderr
    # every figure is labelled from the one headline table (cpsim.headline)
    assert all(METRICS[key].label in proc.stdout for key in SHOWN) and "foot_patrol" in proc.stdout
    ts = pd.read_csv(out / "timeseries.csv")
    assert len(ts) == 30 and ts["hours_foot"].sum() > 0
    bg = pd.read_csv(out / "by_group.csv")
    assert len(bg) == 60
    summary = json.loads((out / "summary.json").read_text())
    assert summary["seed"] == 4 and summary["residents"] == 2000 and summary["scenario"] == "foot_patrol"
    assert figure(summary["trust_end"], "trust_end") in proc.stdout and figure(summary["stops"], "stops") in proc.stdout
    png = (out / "run.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 20_000


def test_check_prints_resolved_parameters():
    proc = cpsim("check", "scenarios/foot_patrol.toml", "--set", "trust.half_life_days=30")
    assert proc.returncode == 0
    assert "foot_hours = 2.0" in proc.stdout and "half_life_days = 30.0" in proc.stdout
    assert "residents = 10000" in proc.stdout  # inherited from baseline.toml


def test_missing_file_exits_2():
    proc = cpsim("run", "scenarios/nope.toml")
    assert proc.returncode == 2
    assert proc.stderr.strip() == (
        "cpsim: error: scenarios/nope.toml: file 'scenarios/nope.toml' not found; allowed: a scenario file"
    )
