"""What a brief needs: breakdowns that add up, costs, effect sizes, timings, fair gaps, provenance, 80 columns."""

from __future__ import annotations

import hashlib
import io
import json
import math
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from rich.console import Console

from cpsim.cli import render
from cpsim.reports.brief import Brief
from cpsim.scenario import load_scenario
from cpsim.studies import provenance
from cpsim.studies.breakdowns import FIGURES, city_of
from cpsim.studies.compare import mean_ci, ratio_ci
from cpsim.studies.costs import ACTIVITIES, paired, run_costs
from cpsim.studies.gaps import classify, read_gaps
from cpsim.studies.runner import run_study
from cpsim.studies.trajectories import clear_from, recovery

ROOT = Path(__file__).resolve().parents[2]
BASELINE = ROOT / "scenarios" / "baseline.toml"
FOOT = ROOT / "scenarios" / "foot_patrol.toml"
STEADY = ROOT / "scenarios" / "steady_beat_officers.toml"
SMALL = {"population.residents": 1500}
REPS, DAYS = 3, 60


@pytest.fixture(scope="module")
def study():
    return run_study([BASELINE, FOOT, STEADY], replicates=REPS, days=DAYS, seed=5, workers=1, overrides=SMALL)


@pytest.fixture(scope="module")
def brief(study):
    return Brief.from_study(study)


# --- who benefits: the breakdowns add up to the city -------------------------------------------


@pytest.mark.parametrize("level", ["group", "beat"])
def test_breakdowns_add_up_to_the_city(study, level):
    runs = study.runs.set_index(["scenario", "replicate"])
    parts = study.groups[study.groups["level"] == level]
    for (name, rep), run in parts.groupby(["scenario", "replicate"]):
        city = runs.loc[(name, rep)].to_dict()
        per_year = 1000 * 365 / (DAYS * city["residents"])
        city.update(contacts_per_1000_year=city["contacts"] * per_year, stops_per_1000_year=city["stops"] * per_year)
        assert run["residents"].sum() == city["residents"]
        for f in FIGURES:
            if f.weight:
                assert city_of(run, f.name) == pytest.approx(city[f.name], rel=1e-9, abs=1e-12), (name, level, f)


def test_contributions_add_up_to_the_city_change(brief):
    b = brief.breakdown
    t = brief.comparison.set_index(["scenario", "metric"])
    for level in ("group", "beat"):
        for name in ("foot_patrol", "steady_beat_officers"):
            for metric in ("trust_end", "confident_share_end", "safety_end", "victimizations_per_1000_year"):
                part = b[(b["scenario"] == name) & (b["level"] == level) & (b["metric"] == metric)]
                assert part["contribution"].sum() == pytest.approx(t.loc[(name, metric), "diff"], abs=1e-10)
                assert part["city_diff"].iloc[0] == pytest.approx(t.loc[(name, metric), "diff"], abs=1e-10)
            shares = b[(b["scenario"] == name) & (b["level"] == level) & (b["metric"] == "trust_end")]
            if shares["contribution_share"].notna().all():
                assert shares["contribution_share"].sum() == pytest.approx(1.0)


def test_breakdown_paired_difference_matches_its_runs(study, brief):
    g = study.groups[(study.groups["level"] == "group") & (study.groups["key"] == "minority")]
    wide = g.pivot(index="replicate", columns="scenario", values="trust_end")
    d = wide["foot_patrol"] - wide["baseline"]
    row = brief.breakdown.set_index(["scenario", "level", "key", "metric"]).loc[
        ("foot_patrol", "group", "minority", "trust_end")
    ]
    m, lo, hi, _, _ = mean_ci(d)
    assert (row["diff"], row["diff_ci_low"], row["diff_ci_high"]) == pytest.approx((m, lo, hi))


# --- how fast: trajectories ---------------------------------------------------------------------


def test_trajectory_bands_end_where_the_comparison_does(brief):
    band = brief.bands[(brief.bands["figure"] == "trust") & (brief.bands["day"] == DAYS)].set_index("scenario")
    t = brief.comparison.set_index(["scenario", "metric"])
    for name in ("foot_patrol", "steady_beat_officers"):
        assert band.loc[name, "diff"] == pytest.approx(t.loc[(name, "trust_end"), "diff"], rel=1e-5)
        assert band.loc[name, "diff_ci_low"] == pytest.approx(t.loc[(name, "trust_end"), "diff_ci_low"], rel=1e-4)
    crime = brief.bands[(brief.bands["figure"] == "victimizations_per_1000_year") & (brief.bands["day"] == DAYS)]
    crime = crime.set_index("scenario")
    for name in ("foot_patrol", "steady_beat_officers"):  # the rate since day 1 ends at the run's rate
        m = t.loc[(name, "victimizations_per_1000_year")]
        assert crime.loc[name, "diff"] == pytest.approx(m["diff"], rel=1e-5)
        assert crime.loc[name, "diff_ci_high"] == pytest.approx(m["diff_ci_high"], rel=1e-4)
    assert set(brief.bands["figure"]) >= {"trust", "trust_gap", "safety", "trust.majority", "trust.minority"}


def test_clear_from_is_the_first_day_the_interval_stays_off_zero():
    days = np.arange(1, 9)
    low = np.array([-1, 1, 1, -1, 1, 1, 1, 1], float)
    high = low + 1.5  # [-1, 0.5] includes zero, [1, 2.5] does not
    assert clear_from(days, low, high) == 5
    last_unclear = np.where(days == 8, -1.0, low)
    assert math.isnan(clear_from(days, last_unclear, last_unclear + 1.5))  # not clear at the end: never
    assert clear_from(days, -high, -low) == 5  # a clear fall counts too


def test_half_recovery_after_a_shock():
    days = np.arange(1, 101)
    diff = np.where(days < 10, 0.0, -0.02 * np.exp(-(days - 10) / 20.0))
    out = recovery(days, diff, diff - 0.001, diff + 0.001, "higher")
    assert out["trough_day"] == 10 and out["trough"] == pytest.approx(-0.02)
    # half of the loss is back after 20 ln 2 = 13.9 days: on day 24
    assert out["half_recovery_day"] == 24 and out["days_to_half_recovery"] == 14
    noisy = recovery(days, diff, diff - 0.05, diff + 0.05, "higher")
    assert math.isnan(noisy["trough_day"])  # no clear loss, no recovery to time
    program = np.where(days < 3, -0.001, 0.01)  # a brief dip, then a gain ten times larger: not a shock
    assert math.isnan(recovery(days, program, program - 0.0001, program + 0.0001, "higher")["trough_day"])


# --- how big: effect sizes ----------------------------------------------------------------------


def test_effect_in_sd_units_divides_by_the_baseline_residents_sd(study, brief):
    runs = study.runs
    base = runs[runs["scenario"] == "baseline"].set_index("replicate")
    foot = runs[runs["scenario"] == "foot_patrol"].set_index("replicate")
    e = (foot["trust_end"] - base["trust_end"]) / base["trust_sd_end"]
    row = brief.effects.set_index(["scenario", "figure"]).loc[("foot_patrol", "trust_end")]
    assert row["effect_sd"] == pytest.approx(e.mean())
    assert 0.1 < base["trust_sd_end"].mean() < 0.3
    conf = (foot["confident_share_end"] - base["confident_share_end"]).mean()
    assert row["confident_diff"] == pytest.approx(conf)
    assert row["confident_residents"] == pytest.approx(conf * SMALL["population.residents"])
    assert math.isnan(row["surveyed_diff"])  # no [survey] in these scenarios: nothing as surveyed


def test_effect_sizes_set_the_surveyed_change_beside_the_latent_one():
    survey = {
        **SMALL,
        "population.residents": 600,
        "survey.design": "random",
        "survey.period_days": 20,
        "survey.fieldwork_days": 1,
        "survey.respondents_per_area": 40.0,
    }
    brief = Brief.from_study(run_study([BASELINE, FOOT], replicates=2, days=20, workers=1, overrides=survey))
    t = brief.comparison.set_index(["scenario", "metric"])
    row = brief.effects.set_index(["scenario", "figure"]).loc[("foot_patrol", "trust_end")]
    assert row["surveyed_diff"] == pytest.approx(t.loc[("foot_patrol", "survey_trust"), "diff"])
    assert "survey_trust" in set(brief.comparison["metric"])


# --- at what cost -------------------------------------------------------------------------------


def fake_result(hours: dict[str, float], programs=(), extra=None, days=365, **prices):
    costs = load_scenario(BASELINE, {f"costs.{k}": v for k, v in prices.items()} or None).costs
    scenario = SimpleNamespace(costs=costs, population=SimpleNamespace(beats=4))
    summary = {"days": days, **{f"hours_{a}": hours.get(a, 0.0) for a in ACTIVITIES}}
    return SimpleNamespace(
        scenario=scenario,
        summary=summary,
        programs=list(programs),
        extra=extra or {},
        timeseries=pd.DataFrame(index=range(days)),
    )


def test_cost_arithmetic_by_hand():
    # 100 h of response at $67, 50 h foot at $60, 10 h community at $60; beat meetings for half a year:
    # 4 meeting days (the second cycle's beats met on two days) held 4 + 1 + 3 + 4 = 12 meetings at
    # $150, plus a $1,000/yr fixed cost prorated to 0.5 yr.
    meetings = pd.DataFrame({"day": [10, 38, 39, 66], "cycle": [1, 2, 2, 3], "beats": [4, 1, 3, 4]})
    result = fake_result(
        {"response": 100, "foot": 50, "community": 10},
        ["beat_meetings"],
        {"beat_meetings": meetings},
        days=int(365 / 2),
        beat_meetings_fixed=1000.0,
    )
    out = run_costs(result)
    assert out["cost.hours_response"] == 100 * 67
    assert out["cost_hours"] == 100 * 67 + 50 * 60 + 10 * 60
    assert out["sessions.beat_meetings"] == 12
    assert out["cost.beat_meetings"] == pytest.approx(12 * 150 + 1000 * 182 / 365)
    assert out["cost_total"] == pytest.approx(out["cost_hours"] + out["cost.beat_meetings"])


def test_reallocation_costs_officer_time_not_spending():
    # 40 h moved from car patrol ($67) to foot patrol ($60): spending falls by 40 x 7 = $280, but
    # 40 officer hours were redirected, worth 40 x $60 = $2,400 in the activity they went to.
    base_r = run_costs(fake_result({"car": 100, "foot": 10}))
    moved = run_costs(fake_result({"car": 60, "foot": 50}))
    cut = run_costs(fake_result({"car": 80, "foot": 8}))

    def table(row, hours):
        return pd.DataFrame([{**row, **{f"hours_{a}": hours.get(a, 0.0) for a in ACTIVITIES}}], index=[0])

    base = table(base_r, {"car": 100, "foot": 10})
    p = paired(table(moved, {"car": 60, "foot": 50}), base).iloc[0]
    assert p["hours_redirected"] == 40 and p["d.hours_car"] == -40
    assert p["d.cost_total"] == pytest.approx(-280)
    assert p["cost_resources"] == pytest.approx(2400)
    c = paired(table(cut, {"car": 80, "foot": 8}), base).iloc[0]
    assert c["hours_redirected"] == 0 and c["cost_resources"] == 0  # a cut uses nothing...
    assert c["d.cost_total"] == pytest.approx(-20 * 67 - 2 * 60)  # ...and saves money


def test_fieller_interval_by_hand():
    # Paired changes over 4 replicates: trust +0.010, +0.012, +0.008, +0.014; resources $10k, 12k, 9k, 13k.
    x = np.array([0.010, 0.012, 0.008, 0.014])
    y = np.array([10.0, 12.0, 9.0, 13.0])  # in $1,000
    # means 0.011 and 11; variances of the means (sample variance / n): x 6.6667e-6/4, y 3.3333/4;
    # covariance of the means 4.6667e-3/4; t(0.975, 3) = 3.182446.
    a, b = 0.011, 11.0
    v11, v22, v12 = 6.666667e-6 / 4, 3.333333 / 4, 4.666667e-3 / 4
    t = 3.182446
    # Fieller: the R with (a - R b)^2 = t^2 (v11 - 2 R v12 + R^2 v22), a quadratic in R
    qa, qb, qc = b * b - t * t * v22, -2 * (a * b - t * t * v12), a * a - t * t * v11
    roots = sorted((-qb + s * math.sqrt(qb * qb - 4 * qa * qc)) / (2 * qa) for s in (-1, 1))
    r, low, high = ratio_ci(x, y)
    assert r == pytest.approx(0.001)
    assert (low, high) == pytest.approx(roots, rel=1e-5)
    assert low < r < high and high - r != pytest.approx(r - low)  # asymmetric, unlike a delta-method CI


def test_run_cost_equals_hours_times_prices(study):
    runs = study.runs
    prices = load_scenario(BASELINE).costs
    expected = sum(runs[f"hours_{a}"] * getattr(prices, f"hour_{a}") for a in ACTIVITIES)
    base = runs["scenario"] == "baseline"
    np.testing.assert_allclose(runs.loc[base, "cost_total"], expected[base])
    hood = runs[runs["scenario"] == "steady_beat_officers"]
    assert (hood["sessions.neighbourhood"] == DAYS).all()  # one day of community work a day


def test_comparison_reports_money_for_a_reallocation(brief):
    t = brief.comparison.set_index(["scenario", "metric"])
    foot = t.loc[("foot_patrol", "hours_redirected")]
    assert foot["diff"] > 0 and foot["diff_ci_low"] > 0  # foot patrol moves hours out of car patrol
    assert t.loc[("foot_patrol", "cost_resources"), "diff"] > 0
    assert not math.isnan(t.loc[("foot_patrol", "trust_per_1000_hours_redirected"), "mean"])
    assert math.isnan(t.loc[("foot_patrol", "trust_per_1000_hours"), "mean"])  # hours worked did not change


# --- fair reading of gaps -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("gap", "better_off", "worse_off", "reading"),
    [
        (-1, -1, 0, "levelling down"),
        (-1, -1, -1, "levelling down"),
        (-1, 0, 1, "levelling up"),
        (-1, 1, 1, "levelling up"),
        (-1, -1, 1, "narrows, both move"),
        (1, 1, 0, "widens"),
        (0, -1, -1, "no clear change"),
    ],
)
def test_gap_readings(gap, better_off, worse_off, reading):
    assert classify(gap, better_off, worse_off) == reading


def synthetic_groups(majority_change: float, minority_change: float, reps: int = 6) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    rows = []
    for k in range(reps):
        city = rng.normal(0, 0.01)  # replicate-to-replicate spread, shared by both scenarios (paired)
        for name, dmaj, dmin in (("baseline", 0, 0), ("cut", majority_change, minority_change)):
            noise = rng.normal(0, 0.0005, 2)
            rows.append(
                {
                    "scenario": name,
                    "replicate": k,
                    "level": "group",
                    "key": "majority",
                    "residents": 700,
                    "trust_end": 0.56 + city + dmaj + noise[0],
                }
            )
            rows.append(
                {
                    "scenario": name,
                    "replicate": k,
                    "level": "group",
                    "key": "minority",
                    "residents": 300,
                    "trust_end": 0.25 + city + dmin + noise[1],
                }
            )
    return pd.DataFrame(rows)


def test_levelling_down_is_flagged_not_coloured_as_an_improvement():
    groups = synthetic_groups(-0.02, 0.0)
    gaps = read_gaps(groups, "baseline").iloc[0]
    assert gaps["gap_diff"] < 0 and gaps["gap_ci_high"] < 0  # the gap clearly narrows...
    assert gaps["better_off"] == "majority" and gaps["better_off_ci_high"] < 0  # ...because the majority loses
    assert gaps["reading"] == "levelling down" and gaps["verdict"] == "levelling down"
    up = read_gaps(synthetic_groups(0.0, 0.02), "baseline").iloc[0]
    assert up["reading"] == "levelling up" and up["verdict"] == "better"


def test_levelling_down_in_the_headline_table_is_amber(tmp_path):
    from cpsim.studies.compare import summarize

    groups = synthetic_groups(-0.02, 0.0)
    wide = groups.pivot_table(index=["scenario", "replicate"], columns="key", values="trust_end").reset_index()
    runs = wide.assign(
        trust_end=0.7 * wide["majority"] + 0.3 * wide["minority"],
        trust_gap_end=wide["majority"] - wide["minority"],
        file="",
        seed=wide["replicate"],
        days=10,
        seconds=0.1,
        error="",
    )
    table = summarize(runs, baseline="baseline", groups=groups)
    row = table[(table["scenario"] == "cut") & (table["metric"] == "trust_gap_end")].iloc[0]
    assert row["diff_ci_high"] < 0 and row["reading"] == "levelling down"
    cell = render._value(row)
    assert "levelling down" in cell.plain
    assert all("green" not in str(span.style) for span in cell.spans)


# --- provenance ---------------------------------------------------------------------------------


def test_provenance_fields(study):
    prov = study.provenance
    for key in (
        "cpsim",
        "git_commit",
        "git_dirty",
        "python",
        "libraries",
        "scenarios",
        "differing_parameters",
        "city",
        "seeds",
        "days",
        "replicates",
        "overrides",
        "created",
        "currency",
    ):
        assert key in prov, key
    assert prov["libraries"]["mesa"].startswith("3.") and prov["libraries"]["numpy"] != "not installed"
    assert prov["city"]["residents"] == SMALL["population.residents"] and prov["city"]["beats"] == 8
    assert prov["seeds"]["base"] == 5 and len(prov["seeds"]["replicates"]) == REPS
    assert prov["seeds"]["replicates"] == sorted(set(study.runs["seed"]), key=list(study.runs["seed"]).index)
    foot = prov["scenarios"]["foot_patrol"]
    digest = {Path(f).name: h for f, h in foot["sha256"].items()}
    assert digest["foot_patrol.toml"] == hashlib.sha256(FOOT.read_bytes()).hexdigest()
    assert digest["baseline.toml"] == hashlib.sha256(BASELINE.read_bytes()).hexdigest()  # the extends chain
    assert prov["differing_parameters"] == {
        "patrol.foot_hours": {"baseline": 0.5, "foot_patrol": 2.0, "steady_beat_officers": 0.5},
        "neighbourhood.enabled": {"baseline": False, "foot_patrol": False, "steady_beat_officers": True},
    }
    if (ROOT / ".git").exists():
        commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True, text=True)
        assert prov["git_commit"] == commit.stdout.strip()


def test_every_output_carries_provenance(brief, tmp_path):
    from cpsim.reports.html_report import html_report

    brief.write(tmp_path)
    side = json.loads((tmp_path / "provenance.json").read_text())
    assert side["seeds"] == brief.provenance["seeds"]
    page = html_report(brief, tmp_path / "report.html").read_text()
    assert "<footer class='prov'>" in page and "sha256" in page and "parameters that differ" in page
    again = Brief.read(tmp_path)  # the files alone rebuild the same tables
    pd.testing.assert_frame_equal(
        again.comparison.reset_index(drop=True), brief.comparison.reset_index(drop=True), check_dtype=False
    )


def test_version_flag():
    done = subprocess.run([sys.executable, "-m", "cpsim.cli", "--version"], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0
    assert done.stdout.startswith(f"cpsim {provenance.cpsim_version()} (")
    assert ("git " in done.stdout) == (ROOT / ".git").exists()


def test_help_does_not_load_the_simulation():
    code = (
        "import sys, cpsim.cli; heavy = [m for m in ('mesa', 'pandas', 'matplotlib', 'scipy', 'duckdb', "
        "'cpsim.model') if m in sys.modules]; print(heavy)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert done.stdout.strip() == "[]", done.stdout + done.stderr


# --- readable everywhere ------------------------------------------------------------------------


def rendered(renderable, width: int) -> list[str]:
    console = Console(width=width, file=io.StringIO(), record=True, color_system=None)
    console.print(renderable)
    return console.export_text().splitlines()


@pytest.mark.parametrize("width", [80, 120])
def test_compare_tables_fit_the_terminal_without_cutting_numbers(brief, width):
    from cpsim.headline import interval

    console = Console(width=width, file=io.StringIO())
    parts = [
        render.headline(brief, console),
        render.costs(brief, console),
        render.effects(brief, console),
        render.timings(brief, console),
        render.groups(brief, console, "group"),
        render.gaps(brief, console),
    ]
    text = []
    for part in parts:
        lines = rendered(part, width)
        assert max(len(line) for line in lines) <= width, part
        text += lines
    joined = "\n".join(text)
    assert "…" not in joined
    for r in brief.comparison[brief.comparison["metric"] == "trust_end"].itertuples():
        assert interval(r._asdict()) in joined  # whole intervals, never cut


def test_wide_table_when_written_to_a_log(brief):
    lines = rendered(render.headline(brief, Console(width=220, file=io.StringIO())), 220)
    header = next(line for line in lines if "figure" in line)
    assert "foot_patrol" in header and "steady_beat_officers" in header  # one column per scenario


def test_progress_lines_in_a_log():
    from cpsim.studies.progress import LogLines

    stream = io.StringIO()
    log = LogLines("cpsim compare", stream=stream, every=3600)
    for done in range(1, 41):
        log(done, 40, done // 20)
    lines = stream.getvalue().splitlines()
    assert len(lines) == 11 and lines[-1].startswith("cpsim compare: 40/40 runs (100%), 2 failed")
    assert "left" in lines[0]


def test_validate_lists_the_studies_it_runs():
    from cpsim.cli import validate_command as validate
    from cpsim.studies import validation

    assert validate.STUDIES == tuple(validation.STUDIES)  # kept by hand so --help need not load the model
