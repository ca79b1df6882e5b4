"""Generated reference documentation: every scenario parameter, metric and state array.

``python -m cpsim.reports.reference`` rewrites docs/scenarios.md (parameter tables),
docs/metrics.md and the state-variable tables of ODD §2 (docs/ODD.md) from the schema,
the metric definitions and the state declarations, so they cannot drift from the code;
a test checks the committed files are current. ``--calibration`` also runs the
baseline and writes docs/calibration.md with the figures it reaches.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

import numpy as np

from cpsim.city import City, Frame, Neighbourhoods
from cpsim.mechanisms.norms import Memory
from cpsim.metrics import BY_KEY, DAILY, SUMMARY
from cpsim.scenario import SECTIONS, spec_of
from cpsim.studies.costs import CALL_FIGURES
from cpsim.world.population import Officers, Places, Residents
from cpsim.world.state import declared

ROOT = Path(__file__).resolve().parents[2]
BEGIN, END = "<!-- BEGIN GENERATED PARAMETERS -->", "<!-- END GENERATED PARAMETERS -->"
SURVEY_PART = "<!-- SURVEY CALIBRATION -->"
# ODD §2: one generated table per holder of state arrays, each between its own markers.
STATE_TABLES = {
    "Residents": Residents,
    "Officers": Officers,
    "Places": Places,
    "Neighbourhoods": Neighbourhoods,
    "City": City,
    "Frame": Frame,
    "Memory": Memory,
}


def _fmt(v) -> str:
    if isinstance(v, tuple):
        return "[" + ", ".join(_fmt(x) for x in v) + "]"
    if isinstance(v, str):
        return f'"{v}"'
    if isinstance(v, bool):
        return "true" if v else "false"
    return f"{v:g}" if isinstance(v, float) else str(v)


def parameters_markdown() -> str:
    """Markdown tables of every scenario parameter, one table per section."""
    out = [BEGIN, ""]
    for sec, cls in SECTIONS.items():
        out.append(f"### [{sec}]")
        out.append("")
        doc = (cls.__doc__ or "").strip().splitlines()[0]
        out.append(doc)
        out.append("")
        out.append("| key | default | unit | allowed | meaning | source |")
        out.append("|---|---|---|---|---|---|")
        for f in dataclasses.fields(cls):
            spec = spec_of(f)
            if spec.choices:
                allowed = ", ".join(spec.choices)
            elif spec.kind == "areas":
                allowed = "area names, { lowest_trust = N }, []"
            elif spec.lo is not None:
                allowed = f"{spec.lo:g} – {spec.hi:g}"
            else:
                allowed = "text"
            unit = spec.unit or "–"
            out.append(f"| `{sec}.{f.name}` | `{_fmt(f.default)}` | {unit} | {allowed} | {spec.doc} | {spec.source} |")
        out.append("")
    out.append(END)
    return "\n".join(out)


def metrics_markdown() -> str:
    """docs/metrics.md: every daily, per-group/beat and summary figure."""
    out = [
        "# Metrics",
        "",
        "Generated from `cpsim/metrics.py` by `python -m cpsim.reports.reference`; do not edit by hand.",
        "True victimisations, reported crimes and recorded crimes are different numbers: a victim",
        "reports (or not) depending on their legitimacy; a report is recorded only if officers answer",
        "it and record it.",
        "",
        "## Daily figures (`Result.timeseries`, one row per day)",
        "",
        "| column | unit | definition |",
        "|---|---|---|",
        "| `day` | day | Day of the run, 1 = first simulated day |",
    ]
    out += [f"| `{k}` | {u} | {d} |" for k, (u, d) in DAILY.items()]
    out += [
        "",
        "## Per group and per beat (`Result.by_group`, `Result.by_neighborhood`, long format)",
        "",
        "Columns `day`, then `group` (a name from `population.group_names`) or `beat` (0-based), then:",
        "",
        "| column | unit | definition |",
        "|---|---|---|",
    ]
    out += [f"| `{k}` | {u} | {d} |" for k, (u, d) in BY_KEY.items()]
    out += ["", "## Summary (`Result.summary`)", "", "| key | unit | definition |", "|---|---|---|"]
    out += [f"| `{k}` | {u} | {d} |" for k, (u, d) in SUMMARY.items()]
    out += ["| `seconds` | s | Wall-clock seconds of the run |", ""]
    out += [
        "## Calls for service (`runs.csv` of `cpsim compare`; cpsim/studies/costs.py)",
        "",
        "Computed from each run's daily figures. The model has no travel or queueing times, hence no response "
        "time: the share of calls answered and the officer minutes per call stand in for it (the brief's cost "
        "sentence reports their change).",
        "",
        "| column | unit | definition |",
        "|---|---|---|",
    ]
    out += [f"| `{k}` | {u} | {d} |" for k, (u, d) in CALL_FIGURES.items()]
    out += [""]
    return "\n".join(out)


def state_markers(name: str) -> tuple[str, str]:
    """The BEGIN and END markers around one generated state table in docs/ODD.md."""
    return (
        f"<!-- BEGIN GENERATED: state {name} (python -m cpsim.reports.reference) -->",
        f"<!-- END GENERATED: state {name} -->",
    )


def state_markdown(name: str) -> str:
    """Markdown table of one class's declared state arrays (without the markers)."""
    out = ["| variable | unit | meaning |", "|---|---|---|"]
    out += [f"| `{key}` | {spec.unit} | {spec.doc} |" for key, spec in declared(STATE_TABLES[name])]
    return "\n".join(out)


def odd_state_part(text: str, name: str) -> str:
    """What docs/ODD.md holds between one state table's markers (stripped)."""
    begin, end = state_markers(name)
    if begin not in text or end not in text:
        raise ValueError(f"docs/ODD.md lacks the markers {begin} … {end}")
    return text.partition(begin)[2].partition(end)[0].strip()


def write_odd_state(path: Path) -> None:
    """Replace the generated state tables of ODD §2 (keeps the hand-written text around them)."""
    text = path.read_text(encoding="utf-8")
    for name in STATE_TABLES:
        odd_state_part(text, name)  # both markers present
        begin, end = state_markers(name)
        head, _, rest = text.partition(begin)
        _, _, tail = rest.partition(end)
        text = f"{head}{begin}\n{state_markdown(name)}\n{end}{tail}"
    path.write_text(text, encoding="utf-8")


def write_scenarios_doc(path: Path) -> None:
    """Replace the generated part of docs/scenarios.md (keeps the hand-written text around it)."""
    text = path.read_text() if path.exists() else f"# Scenario parameters\n\n{BEGIN}\n{END}\n"
    head, _, rest = text.partition(BEGIN)
    _, _, tail = rest.partition(END)
    path.write_text(head + parameters_markdown() + tail)


def calibration_markdown(replicates: int = 10, days: int = 365) -> str:
    """Run the baseline and tabulate the calibration targets it reaches (mean and 95% CI)."""
    from cpsim.scenario import load_scenario
    from cpsim.simulate import simulate

    base = load_scenario(ROOT / "scenarios" / "baseline.toml")
    seeds = np.random.SeedSequence(20261122).generate_state(replicates)
    runs = [simulate(base, seed=int(s), days=days).summary for s in seeds]

    def ci(key, scale=1.0):
        x = np.array([r[key] for r in runs], float) * scale
        half = 1.96 * x.std(ddof=1) / np.sqrt(len(x))
        return f"{x.mean():.3g} ({x.mean() - half:.3g} – {x.mean() + half:.3g})"

    groups = base.population.group_names
    rows = [
        ("F5", "share of violent victimisations reported", "40–50%", ci("reporting_rate_violent", 100) + "%"),
        ("F5", "share of property victimisations reported", "30–40%", ci("reporting_rate_property", 100) + "%"),
        ("F6", "residents with any police contact in a year", "21–24%", ci("contact_prevalence", 100) + "%"),
        (
            "F6",
            "resident-initiated contacts that report a crime",
            "about half",
            ci("crime_report_share_of_initiated", 100) + "%",
        ),
        ("F12", "true violent victimisations per 1,000 a year", "16.5–23.5", ci("violent_per_1000_year")),
        (
            "F12",
            "true property victimisations per 1,000 persons a year",
            "~48 (119 per 1,000 households)",
            ci("property_per_1000_year"),
        ),
        ("F13", "sworn officers per 1,000 residents", "2.17–2.42", ci("officers_per_1000")),
    ]
    for g in groups:
        rows.append(
            ("F7", f"starting trust, {g}", "", f"{np.mean([r['trust_end_by_group'][g] for r in runs]):.3g} at end")
        )
    lines = [
        "# Baseline calibration",
        "",
        "Generated by `python -m cpsim.reports.reference --calibration`: "
        f"scenarios/baseline.toml, {replicates} replicates of",
        f"{days} days, mean and 95% confidence interval over replicates. F-numbers refer to the facts",
        "table in docs/ODD.md.",
        "",
        "| fact | figure | published | cpsim baseline |",
        "|---|---|---|---|",
    ]
    lines += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows]
    starts = ", ".join(f"{g} {v:g}" for g, v in zip(groups, base.trust.initial_by_group, strict=True))
    lines += [
        "",
        f"F7: starting trust by group is set directly from Gallup 2020-21 ({starts}); the table shows",
        "where each group's mean trust is after a year of baseline policing (it should stay close: the",
        "baseline is meant to be near its steady state).",
        "",
        "Other figures of the baseline (same runs):",
        "",
        f"- clearance rate of recorded crime: {ci('clearance_rate', 100)}%"
        " (FBI UCR 2019: 45.5% violent, 17.2% property)",
        f"- recorded crimes per 1,000 a year: {ci('recorded_per_1000_year')}",
        f"- complaints per 1,000 contacts: {ci('complaints_per_1000_contacts')}",
        f"- trust change over the year: {ci('trust_change')}",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    """Rewrite the generated documentation files."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--calibration", action="store_true", help="also run the baseline and write docs/calibration.md")
    args = ap.parse_args()
    write_scenarios_doc(ROOT / "docs" / "scenarios.md")
    (ROOT / "docs" / "metrics.md").write_text(metrics_markdown())
    try:
        write_odd_state(ROOT / "docs" / "ODD.md")
    except ValueError as e:
        print(e, file=sys.stderr)
        raise SystemExit(2) from None
    if args.calibration:
        # the survey calibration's sections (cpsim/studies/calibration/docs_table.py) follow the baseline's and are kept
        path = ROOT / "docs" / "calibration.md"
        keep = path.read_text().partition(SURVEY_PART)[2] if path.exists() else ""
        path.write_text(calibration_markdown() + (SURVEY_PART + keep if keep else ""))


if __name__ == "__main__":
    main()
