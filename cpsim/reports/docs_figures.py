"""The measured figures in the documentation, generated from stored results.

Every table of measured figures in docs/compare.md and docs/programs.md sits between
``<!-- BEGIN GENERATED: name -->`` and ``<!-- END GENERATED: name -->`` and is written by
this module from the per-run results kept under docs/results/<study>/ (runs.csv,
breakdown_runs.csv, timings.csv, provenance.json). A test checks that every block equals
what this module renders from the committed results, so a block cannot drift from its data.

    python -m cpsim.reports.docs_figures                 # rewrite the blocks from the committed results
    python -m cpsim.reports.docs_figures --run           # rerun every study (half an hour on 2 cores), rewrite
    python -m cpsim.reports.docs_figures --run demo      # rerun one study
    python -m cpsim.reports.docs_figures --check         # exit 1 when a block differs from its results

After a change to the model's dynamics, ``--run`` regenerates every figure (and the
figures under docs/figures/). Each block states the machine, date and wall time of its run.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from cpsim.headline import METRICS, baseline_label, interval
from cpsim.reports import sentences, tables
from cpsim.reports.brief import Brief
from cpsim.studies.progress import duration
from cpsim.studies.provenance import lines as provenance_lines

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
RESULTS = DOCS / "results"
FIGURES = DOCS / "figures"
PROGRAMS = (
    "beat_meetings", "listening_sessions", "coffee_with_cop", "block_parties", "athletic_league", "mentorship",
    "liaison", "watch", "steady_beat_officers", "hotspots", "co_responder", "training", "orientation",
    "focused_deterrence", "transparency", "incident", "budget_cut", "budget_cut_liaison",
)  # fmt: skip


@dataclass(frozen=True)
class DocStudy:
    """A study whose results feed documentation blocks.

    Attributes:
        name: Folder under docs/results.
        scenarios: Scenario files (relative to the repository), the baseline first.
        replicates: Runs per scenario.
        days: Days per run.
        blocks: (doc file, block name, renderer) for every block fed by the study.
        figures: Figures of the study copied to docs/figures (name -> file in the run's output).

    """

    name: str
    scenarios: tuple[str, ...]
    replicates: int
    days: int
    blocks: tuple[tuple[str, str, Callable[[Brief], str]], ...] = ()
    figures: dict[str, str] = field(default_factory=dict)

    @property
    def folder(self) -> Path:
        """Where the study's results are kept."""
        return RESULTS / self.name


# --- markdown renderers ---------------------------------------------------------------------


def _md_table(head: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    return out + ["| " + " | ".join(r) + " |" for r in rows]


def _clear(text: str, kind: str) -> str:
    """Bold a clear change (its CI excludes zero)."""
    return f"**{text}**" if kind else text


def _run_line(brief: Brief) -> str:
    p = brief.provenance
    city = p.get("city") or {}
    took = p.get("wall_seconds")
    load = f" at load average {p['load_average']:g}" if p.get("load_average") is not None else ""
    took = f", {duration(took)} of wall time with {p.get('workers')} worker processes{load}" if took else ""
    day = str(p.get("created", ""))[:10]
    return (
        f"{city.get('residents', 0):,} residents in {city.get('beats')} beats, {p.get('replicates')} replicates "
        f"x {p.get('days')} days, base seed {(p.get('seeds') or {}).get('base')}, common random numbers; cpsim "
        f"{p.get('cpsim')} (git {str(p.get('git_commit') or 'n/a')[:12]}), run on {day} on {p.get('machine')}{took}."
    )


def headline_md(brief: Brief, metrics: Sequence[str]) -> list[str]:
    """Baseline means and every other scenario's paired difference, one row per figure."""
    t = brief.comparison
    names = brief.scenarios
    rows = []
    for metric in metrics:
        part = t[t["metric"] == metric].set_index("scenario", drop=False)
        m = METRICS[metric]
        cells = []
        for n in names:
            r = part.loc[n]
            if r["error"]:
                cells.append("failed")
            elif r["baseline"]:
                cells.append(interval(r))
            else:
                kind = tables.reading(r)
                note = f" {r['reading']}" if kind in ("levelling down", "mixed") else ""
                cells.append(_clear("Δ " + interval(r, "diff"), kind) + note)
        better = f" ({m.better} is better)" if m.better else ""
        rows.append([m.label + better, *cells])
    head = ["figure", *[baseline_label(n) if n == brief.baseline else n for n in names]]
    return _md_table(head, rows)


def read_md(brief: Brief, metrics: Sequence[str]) -> list[str]:
    """A generated reading: per scenario, the figures that changed clearly, and which way."""
    return [f"- **{n}**: {text}" for n, text in sentences.read_bullets(brief, metrics)]


def bullets_md(pairs: Sequence[tuple[str, str]]) -> list[str]:
    """(scenario, sentence) pairs as Markdown bullets."""
    return [f"- **{n}**: {text}" for n, text in pairs]


def _cells_md(head: Sequence[str], rows: tables.Rows) -> list[str]:
    """A Markdown table of cells, a clear change in bold (its reading, when it is not plain, after it)."""

    def text(c: tables.Cell) -> str:
        if c.kind in ("levelling down", "mixed"):
            return f"**{c.text}** ({c.kind})" if c.text != c.kind else f"**{c.text}**"
        return _clear(c.text, c.kind)

    return _md_table(head, [[text(c) for c in row] for row in rows])


def groups_md(brief: Brief, level: str, figures: Sequence[str]) -> list[str]:
    """Paired differences by group or beat."""
    return _cells_md(*tables.groups(brief, level, figures))


def gaps_md(brief: Brief) -> list[str]:
    """The fair reading of the trust gap."""
    return _cells_md(*tables.gaps(brief))


def effects_md(brief: Brief) -> list[str]:
    """Effect sizes."""
    return _cells_md(*tables.effects(brief))


def timings_md(brief: Brief) -> list[str]:
    """Derived timings."""
    return _cells_md(*tables.timings(brief))


def costs_md(brief: Brief) -> list[str]:
    """Cost and cost-effectiveness, one column per scenario."""
    base = brief.comparison[
        (brief.comparison["scenario"] == brief.baseline) & (brief.comparison["metric"] == "cost_total")
    ].iloc[0]
    cur = brief.provenance.get("currency") or "USD"
    lines = [f"Currency: {cur}; the baseline's officer hours and programs cost {interval(base)} over the run.", ""]
    lines += [f"{sentences.COST_INTRO}:", ""]
    lines += [*bullets_md(sentences.cost_sentences(brief)), ""]
    return lines + _cells_md(*tables.costs(brief))


def crn_md(brief: Brief, metrics: Sequence[str]) -> list[str]:
    """How much common random numbers narrow each difference: variance of unpaired over paired differences."""
    runs = brief.runs
    base = runs[runs["scenario"] == brief.baseline].set_index("replicate")
    others = [n for n in brief.scenarios if n != brief.baseline]
    rows = []
    for metric in metrics:
        cells = []
        for n in others:
            part = runs[runs["scenario"] == n].set_index("replicate")
            x, b = part[metric].to_numpy(float), base.loc[part.index, metric].to_numpy(float)
            paired = np.var(x - b, ddof=1)
            # differences between runs with different seeds: every (k, j) pair with k != j
            cross = (x[:, None] - b[None, :])[~np.eye(len(x), dtype=bool)]
            ratio = np.var(cross, ddof=1) / paired if paired > 0 else math.inf
            cells.append("identical runs" if math.isinf(ratio) else f"{ratio:,.0f}x")
        rows.append([METRICS[metric].brief, *cells])
    return _md_table(["figure", *others], rows)


def timing_md(brief: Brief) -> list[str]:
    """Run times of the study: per run and in all."""
    runs = brief.runs
    p = brief.provenance
    per_run = runs.groupby("scenario", sort=False)["seconds"].mean()
    cpu = runs["seconds"].sum()
    return [
        f"Measured {str(p.get('created', ''))[:10]} on {p.get('machine')} (shared with other jobs"
        + (f", load average {p['load_average']:g}" if p.get("load_average") is not None else "")
        + "): a run of "
        f"{(p.get('city') or {}).get('residents', 0):,} residents for {p.get('days')} days took "
        f"{per_run.min():.1f}-{per_run.max():.1f} s; the {len(runs)} runs took {duration(cpu)} of run time and "
        f"{duration(p.get('wall_seconds') or 0)} of wall time with {p.get('workers')} worker processes.",
    ]


def provenance_md(brief: Brief) -> list[str]:
    """The provenance block, as a reader of a brief would see it."""
    return ["```", *provenance_lines(brief.provenance), "```"]


# --- the blocks -----------------------------------------------------------------------------

DEMO_FIGURES = (
    "trust_end",
    "trust_gap_end",
    "safety_end",
    "victimizations_per_1000_year",
    "complaints",
    "hours_total",
    "cost_total",
)
CRN_FIGURES = (
    "trust_end",
    "trust_gap_end",
    "safety_end",
    "victimizations_per_1000_year",
    "reporting_rate",
    "complaints",
)
BRIEF_FIGURES = (
    "trust_end",
    "confident_share_end",
    "trust_gap_end",
    "safety_end",
    "reporting_rate",
    "victimizations_per_1000_year",
    "complaints",
    "cost_total",
)
PROGRAM_FIGURES = (
    "trust_end",
    "trust_gap_end",
    "safety_end",
    "reporting_rate",
    "victimizations_per_1000_year",
    "complaints",
)


def demo_block(brief: Brief) -> str:
    """docs/compare.md, the make demo comparison."""
    return "\n".join(
        [
            f"`make demo`: {_run_line(brief)} Baseline: mean [95% CI]; other scenarios: paired difference from the "
            f"baseline [95% CI], **bold** when the CI excludes zero. {sentences.covers(brief)}",
            "",
            *headline_md(brief, DEMO_FIGURES),
            "",
            f"{sentences.READ_INTRO}:",
            "",
            *read_md(brief, DEMO_FIGURES),
        ]
    )


def crn_block(brief: Brief) -> str:
    """docs/compare.md, how much common random numbers help."""
    return "\n".join(
        [
            "Variance of the difference between runs with different seeds over the variance of the paired difference "
            f"(same seed), from the `make demo` runs ({brief.provenance.get('replicates')} replicates):",
            "",
            *crn_md(brief, CRN_FIGURES),
        ]
    )


def timing_block(brief: Brief) -> str:
    """docs/compare.md, what make demo takes."""
    return "\n".join(timing_md(brief))


def brief_block(brief: Brief) -> str:
    """docs/compare.md, the worked example: two years of foot patrol and neighbourhood policing."""
    beats = ("trust_end", "confident_share_end", "victimizations_per_1000_year")
    groups = ("trust_end", "confident_share_end", "safety_end", "victimizations_per_1000_year", "stops_per_1000_year")
    return "\n".join(
        [
            f"{_run_line(brief)} {sentences.covers(brief)}",
            "",
            "**What changes** (baseline: mean [95% CI]; others: paired Δ [95% CI], **bold** when clear):",
            "",
            *headline_md(brief, BRIEF_FIGURES),
            "",
            f"{sentences.READ_INTRO}:",
            "",
            *read_md(brief, BRIEF_FIGURES),
            "",
            "**How big**:",
            "",
            *effects_md(brief),
            "",
            *([f"**Design target.** {note}", ""] if (note := sentences.design_targets(brief)) else []),
            "**Who benefits, by group** (in brackets: the group's share of "
            "the city's change, when that change is clear):",
            "",
            *groups_md(brief, "group", groups),
            "",
            *([*bullets_md(pairs), ""] if (pairs := sentences.confident_note(brief)) else []),
            "**The trust gap, read fairly:**",
            "",
            *gaps_md(brief),
            "",
            "**By beat:**",
            "",
            *groups_md(brief, "beat", beats),
            "",
            "**How fast:**",
            "",
            *timings_md(brief),
            "",
            "![Trajectories: means with 95% bands, and paired differences from the baseline](figures/"
            "brief_trajectories.png)",
            "",
            "![Where the gains go](figures/brief_where_gains_go.png)",
            "",
            "**At what cost** (prices: the `[costs]` section, docs/scenarios.md):",
            "",
            *costs_md(brief),
            "",
            "**Provenance:**",
            "",
            *provenance_md(brief),
        ]
    )


def programs_block(brief: Brief) -> str:
    """docs/programs.md, every program against the baseline."""
    t = brief.comparison
    names = [n for n in brief.scenarios if n != brief.baseline]
    rows = [
        [
            "baseline (mean)",
            *[interval(t[(t["scenario"] == brief.baseline) & (t["metric"] == m)].iloc[0]) for m in PROGRAM_FIGURES],
        ]
    ]
    for n in names:
        cells = []
        for m in PROGRAM_FIGURES:
            r = t[(t["scenario"] == n) & (t["metric"] == m)].iloc[0]
            kind = tables.reading(r)
            note = f" {r['reading']}" if kind in ("levelling down", "mixed") else ""
            cells.append("failed" if r["error"] else _clear(interval(r, "diff"), kind) + note)
        rows.append([n, *cells])
    cost = []
    for n in names:
        part = t[t["scenario"] == n].set_index("metric", drop=False)
        cost.append(
            [
                n,
                interval(part.loc["cost_total"], "diff"),
                interval(part.loc["hours_redirected"], "diff"),
                interval(part.loc["cost_resources"], "diff"),
                interval(part.loc["sd_per_million"]),
            ]
        )
    return "\n".join(
        [
            f"Each program's scenario file against the baseline: {_run_line(brief)} Paired difference from the "
            f"baseline [95% CI], **bold** when the CI excludes zero. {sentences.covers(brief)}",
            "",
            *_md_table(["scenario", *[METRICS[m].brief for m in PROGRAM_FIGURES]], rows),
            "",
            f"{sentences.READ_INTRO}:",
            "",
            *read_md(brief, PROGRAM_FIGURES),
            "",
            f"What each costs ({brief.provenance.get('currency') or 'USD'} over the run; resources used values the "
            "officer hours moved into activities that grew and any program cash; SD: of the baseline's residents' "
            "trust, Fieller 95% CI):",
            "",
            *_md_table(["scenario", "Δ spending", "hours redirected", "resources used", "trust SD per USD 1M"], cost),
            "",
            f"{sentences.COST_INTRO}:",
            "",
            *bullets_md(sentences.cost_sentences(brief)),
        ]
    )


STUDIES: dict[str, DocStudy] = {
    s.name: s
    for s in (
        DocStudy(
            "demo",
            (
                "scenarios/baseline.toml",
                "scenarios/budget_cut.toml",
                "scenarios/liaison.toml",
                "scenarios/budget_cut_liaison.toml",
            ),
            10,
            365,
            (
                ("compare.md", "demo", demo_block),
                ("compare.md", "crn", crn_block),
                ("compare.md", "demo-timing", timing_block),
            ),
        ),
        DocStudy(
            "brief",
            ("scenarios/baseline.toml", "scenarios/foot_patrol.toml", "scenarios/neighbourhood_policing.toml"),
            10,
            730,
            (("compare.md", "brief", brief_block),),
            {"brief_trajectories.png": "trajectories.png", "brief_where_gains_go.png": "where_gains_go.png"},
        ),
        DocStudy(
            "programs",
            ("scenarios/baseline.toml", *[f"scenarios/{p}.toml" for p in PROGRAMS]),
            4,
            365,
            (("programs.md", "programs", programs_block),),
        ),
    )
}


# --- reading, writing, running --------------------------------------------------------------


def load(study: DocStudy) -> Brief:
    """The Brief of a study from its committed results (timings from timings.csv, not recomputed)."""
    brief = Brief.read(study.folder)
    path = study.folder / "timings.csv"
    if path.exists():
        brief.timings = pd.read_csv(path)
    return brief


def render(study: DocStudy, brief: Brief | None = None) -> dict[tuple[str, str], str]:
    """(doc file, block name) -> the block's text."""
    brief = brief or load(study)
    return {(doc, name): fn(brief) for doc, name, fn in study.blocks}


def block_pattern(name: str) -> re.Pattern[str]:
    """The regular expression of a generated block in a doc (its text may be empty)."""
    key = re.escape(name)
    return re.compile(rf"(<!-- BEGIN GENERATED: {key} [^\n]*-->\n)((?:.*?\n)?)(<!-- END GENERATED: {key} -->)", re.S)


def current(doc: str, name: str) -> str | None:
    """A block's text as committed in the doc (None when the doc has no such block)."""
    m = block_pattern(name).search((DOCS / doc).read_text(encoding="utf-8"))
    return m.group(2).removesuffix("\n") if m else None


def write_blocks(blocks: dict[tuple[str, str], str]) -> list[str]:
    """Replace the blocks in the docs; return the ones that changed."""
    changed = []
    for (doc, name), text in blocks.items():
        path = DOCS / doc
        old = path.read_text(encoding="utf-8")
        pattern = block_pattern(name)
        if not pattern.search(old):
            raise SystemExit(f"{path}: no block '{name}' (add <!-- BEGIN GENERATED: {name} ... --> and its END)")
        new = pattern.sub(lambda m, text=text: m.group(1) + text + "\n" + m.group(3), old)
        if new != old:
            path.write_text(new, encoding="utf-8")
            changed.append(f"{doc}:{name}")
    return changed


def run(study: DocStudy, workers: int = 2) -> Brief:
    """Run a study and keep its results under docs/results/<name> (and its figures under docs/figures)."""
    import os
    import shutil
    import tempfile

    from cpsim.reports.html_report import write_figures
    from cpsim.studies.progress import progress
    from cpsim.studies.runner import run_study

    files = [str(ROOT / f) for f in study.scenarios]
    busy = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    start = time.perf_counter()
    with progress(f"docs {study.name}", study.replicates * len(files)) as report:
        result = run_study(files, replicates=study.replicates, days=study.days, workers=workers, progress=report)
    brief = Brief.from_study(result)
    if busy is not None:
        busy = round((busy + os.getloadavg()[0]) / 2, 1)  # the machine's load, start and end averaged
    brief.provenance.update(
        wall_seconds=round(time.perf_counter() - start, 1),
        workers=workers,
        load_average=busy,
        command=f"python -m cpsim.reports.docs_figures --run {study.name}",
    )
    # relative file names: the same on every machine, and the docs' hashes stay readable
    for info in brief.provenance["scenarios"].values():
        info["file"] = str(Path(info["file"]).relative_to(ROOT)) if info["file"] else ""
        info["sha256"] = {
            str(Path(f).resolve().relative_to(ROOT)) if Path(f).resolve().is_relative_to(ROOT) else f: h
            for f, h in info["sha256"].items()
        }
    folder = study.folder
    folder.mkdir(parents=True, exist_ok=True)
    runs = brief.runs.assign(file=[str(Path(f).relative_to(ROOT)) if f else "" for f in brief.runs["file"]])
    runs.to_csv(folder / "runs.csv", index=False)
    brief.groups.to_csv(folder / "breakdown_runs.csv", index=False)
    brief.timings.to_csv(folder / "timings.csv", index=False)
    (folder / "provenance.json").write_text(json.dumps(brief.provenance, indent=2, default=str) + "\n")
    if study.figures:
        with tempfile.TemporaryDirectory() as tmp:
            written = {p.name: p for p in write_figures(brief, tmp)}
            FIGURES.mkdir(parents=True, exist_ok=True)
            for target, source in study.figures.items():
                if source in written:
                    shutil.copy(written[source], FIGURES / target)
    return brief


def main(argv: list[str] | None = None) -> int:
    """Rewrite (or check) the generated blocks; with --run, rerun the studies first."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument(
        "--run", nargs="*", metavar="STUDY", help=f"rerun studies first (none named: all of {', '.join(STUDIES)})"
    )
    ap.add_argument("--workers", type=int, default=2, help="worker processes for --run (default 2)")
    ap.add_argument("--check", action="store_true", help="only check that the blocks match their results")
    args = ap.parse_args(argv)
    todo = list(STUDIES) if args.run == [] else (args.run or [])
    unknown = [n for n in todo if n not in STUDIES]
    if unknown:
        print(
            f"cpsim.reports.docs_figures: error: --run {unknown[0]}: unknown study; allowed: {', '.join(STUDIES)}",
            file=sys.stderr,
        )
        return 2
    blocks: dict[tuple[str, str], str] = {}
    for name, study in STUDIES.items():
        brief = run(study, args.workers) if name in todo else None
        blocks.update(render(study, brief))
    if args.check:
        stale = [f"{doc}:{name}" for (doc, name), text in blocks.items() if current(doc, name) != text]
        if stale:
            print(
                "stale generated blocks: " + ", ".join(stale) + " (run `python -m cpsim.reports.docs_figures`)",
                file=sys.stderr,
            )
            return 1
        return 0
    changed = write_blocks(blocks)
    print(f"rewrote {', '.join(changed)}" if changed else "generated blocks are current")
    return 0


if __name__ == "__main__":
    sys.exit(main())
