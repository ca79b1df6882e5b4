"""The brief in words: what intervals cover, design targets, who benefits, a year's cost, Read bullets, plurals."""

from __future__ import annotations

import html
import io
import re
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest
from rich.console import Console

from cpsim.cli.render import print_brief
from cpsim.headline import plural
from cpsim.reports import docs_figures, sentences
from cpsim.reports.brief import Brief
from cpsim.reports.html_report import html_report
from cpsim.studies.claims import SOURCES, intervals_cover
from cpsim.studies.costs import ACTIVITIES
from cpsim.studies.runner import run_study

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = [ROOT / "scenarios" / f"{s}.toml" for s in ("baseline", "beat_meetings", "neighbourhood_policing")]
# Count nouns the outputs use after a number; "N noun" with N other than 1 must be plural.
SINGULAR = (
    "meeting", "session", "event", "day", "resident", "round", "call", "officer", "participant", "release",
    "orientation", "year", "replicate", "run", "beat", "hour", "point", "scenario", "minute",
)  # fmt: skip


@pytest.fixture(scope="module")
def brief():
    study = run_study(SCENARIOS, replicates=3, days=90, seed=2, workers=1, overrides={"population.residents": 2000})
    return Brief.from_study(study)


@pytest.fixture(scope="module")
def terminal(brief) -> str:
    out = io.StringIO()
    print_brief(brief, Console(width=200, file=out, color_system=None))
    return out.getvalue()


@pytest.fixture(scope="module")
def report(brief, tmp_path_factory) -> str:
    page = html_report(brief, tmp_path_factory.mktemp("report") / "report.html").read_text()
    inline = re.sub(r"</?(?:b|i|span|code)(?: [^>]*)?>", "", page)  # text, as a reader sees it
    return html.unescape(re.sub(r"<[^>]+>", " | ", inline))


def singular_after_many(text: str) -> list[str]:
    """Every "N noun" where N is not 1 and the noun is singular (e.g. "360 meeting in a beat")."""
    # "469 officer hours": a noun used as an adjective is singular
    pattern = re.compile(r"(?<![\w.+-])(\d[\d,]*) +(" + "|".join(SINGULAR) + r")(?![\w-])(?! +(?:hours|minutes))")
    return [m.group(0) for m in pattern.finditer(text) if m.group(1).replace(",", "") != "1"]


def test_plural_agrees_with_the_count():
    assert plural(1, "meeting in a beat", "meetings in a beat") == "1 meeting in a beat"
    assert plural(360, "meeting in a beat", "meetings in a beat") == "360 meetings in a beat"
    assert plural(730, "day of community work", "days of community work") == "730 days of community work"
    assert plural(2, "year") == "2 years"


def test_generated_sentences_have_no_singular_after_a_plural_count(brief, terminal, report):
    docs = "\n".join(text for study in docs_figures.STUDIES.values() for text in docs_figures.render(study).values())
    for name, text in (("terminal", terminal), ("report.html", report), ("docs", docs)):
        assert singular_after_many(text) == [], name
        assert "(s)" not in text, name
    assert "meetings in a beat" in report  # the cost lines of the event program


def test_the_checker_catches_the_old_typos():
    assert singular_after_many("360 meeting in a beats; 730 day of community works") == [
        "360 meeting",
        "730 day",
    ]


def test_intervals_say_what_they_cover():
    seed = intervals_cover()
    assert "only run-to-run chance" in seed and "do not cover uncertainty in the model's parameters" in seed
    both = intervals_cover(("seed", "parameters"))
    assert "run-to-run chance" in both and "and uncertainty in the model's parameters" in both
    assert "only" not in both and "do not cover whether the model is right" in both
    with pytest.raises(ValueError, match="allowed: seed, parameters"):
        intervals_cover(("priors",))
    assert set(SOURCES) == {"seed", "parameters"}


def test_every_output_says_what_its_intervals_cover_and_reads_the_table(brief, terminal, report):
    covers = sentences.covers(brief)
    assert "only run-to-run chance" in covers and "3 replicates" in covers
    flat = " ".join(terminal.split())
    for text in (flat, " ".join(report.split())):
        assert covers in text
        assert sentences.READ_INTRO in text
        for name, bullet in sentences.read_bullets(brief, sentences.READ_FIGURES):
            assert f"{name}: {bullet}" in text
    blocks = docs_figures.render(docs_figures.STUDIES["demo"])
    assert "cover only run-to-run chance" in blocks[("compare.md", "demo")]
    assert sentences.READ_INTRO in blocks[("compare.md", "demo")]


def test_the_package_effect_is_flagged_as_a_design_target(brief, terminal, report):
    note = sentences.design_targets(brief)
    assert note.startswith("neighbourhood_policing: its effect is a design target, not a finding")
    assert "0.1-0.3 SD" in note and "M4" in note and "beat_meetings" not in note
    assert note in " ".join(terminal.split()) and note in " ".join(report.split())
    others = Brief(brief.runs[brief.runs["scenario"] != "neighbourhood_policing"], provenance=brief.provenance)
    assert sentences.design_targets(others) == ""


def breakdown_row(name, key, metric, diff, contribution, mean=float("nan"), baseline=False):
    return {
        "scenario": name,
        "baseline": baseline,
        "level": "group",
        "key": key,
        "metric": metric,
        "mean": mean,
        "diff": diff,
        "contribution": contribution,
    }


def test_confident_share_explains_why_who_benefits_points_two_ways():
    rows = [
        breakdown_row("baseline", "majority", "trust_end", 0.0, 0.0, 0.56, True),
        breakdown_row("baseline", "minority", "trust_end", 0.0, 0.0, 0.25, True),
        breakdown_row("package", "majority", "trust_end", 0.011, 0.0077),
        breakdown_row("package", "minority", "trust_end", 0.0125, 0.0037),
        breakdown_row("package", "majority", "confident_share_end", 0.035, 0.0245),
        breakdown_row("package", "minority", "confident_share_end", 0.006, 0.0018),
        breakdown_row("even", "majority", "trust_end", 0.02, 0.014),
        breakdown_row("even", "minority", "trust_end", 0.01, 0.003),
        breakdown_row("even", "majority", "confident_share_end", 0.03, 0.021),
        breakdown_row("even", "minority", "confident_share_end", 0.001, 0.0003),
    ]
    notes = dict(sentences.confident_note(SimpleNamespace(breakdown=pd.DataFrame(rows))))
    assert list(notes) == ["package"]  # where the same group gains most both ways, nothing to explain
    text = notes["package"]
    assert "the minority group gains more trust per resident (+0.0125 against +0.0110)" in text
    assert "93% of the newly confident residents are majority" in text  # 0.0245 / (0.0245 + 0.0018)
    assert "trust >= 0.5" in text and "majority group's mean (0.56)" in text and "minority group's (0.25)" in text


def cost_runs(hours: dict[str, dict[str, float]], cost: dict[str, float], minutes: dict[str, float]) -> pd.DataFrame:
    rows = []
    for name in hours:
        for k, wobble in enumerate((-1.0, 1.0)):
            row = {"scenario": name, "replicate": k, "days": 730, "error": "", "cost_total": cost[name] + wobble}
            row["cost_programs"] = 0.0
            row.update({f"hours_{a}": hours[name].get(a, 0.0) for a in ACTIVITIES})
            row.update({f"cost.hours_{a}": 60.0 * hours[name].get(a, 0.0) for a in ACTIVITIES})
            row.update(calls_answered_share=1.0, minutes_per_call=minutes[name] + 0.1 * wobble, calls=1000.0)
            rows.append(row)
    runs = pd.DataFrame(rows)
    runs.attrs["baseline"] = "baseline"
    return runs


def test_a_year_of_a_strategy_in_one_sentence():
    # Two years: 800 h moved from car to foot patrol, 20,000 less spent, 2 minutes less per call.
    runs = cost_runs(
        {"baseline": {"car": 2000, "foot": 200}, "foot": {"car": 1200, "foot": 1000}, "cut": {"car": 1600}},
        {"baseline": 100_000.0, "foot": 80_000.0, "cut": 60_000.0},
        {"baseline": 60.0, "foot": 58.0, "cut": 60.0},
    )
    said = dict(sentences.cost_sentences(Brief(runs, provenance={"currency": "USD 2024"})))
    assert said["foot"].startswith("costs USD 10,000 less a year [95% CI")
    assert "moves 400 officer hours a year from car patrol (-400) to foot patrol (+400)" in said["foot"]
    assert (
        "response to calls: 100.0% of calls answered, as in the baseline, 58.0 officer minutes per call (-2.0)"
        in said["foot"]
    )
    assert "takes 300 officer hours a year away, from car patrol (-200) and foot patrol (-100);" in said["cut"]
    assert "costs USD 20,000 less a year" in said["cut"]
    # a cut that also moves a few hours into calls: the cut leads, the growth follows
    runs = cost_runs(
        {"baseline": {"car": 2000, "foot": 200}, "cut": {"car": 1000, "response": 60}},
        {"baseline": 100_000.0, "cut": 40_000.0},
        {"baseline": 60.0, "cut": 60.0},
    )
    cut = dict(sentences.cost_sentences(Brief(runs)))["cut"]
    assert "takes 570 officer hours a year away, from car patrol (-500) and foot patrol (-100), while answering " in cut
    assert "calls (+30) grows;" in cut
