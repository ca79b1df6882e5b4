"""The lessons of docs/classroom.md with the figures measured on the page's neighbourhood.

Every scenario file runs as the page runs it (2,000 residents, scaled by
cpsim.app.classroom, seeds 1-3) and is compared with the baseline on the same seed (common
random numbers): the lesson's "what the model shows" line is the mean difference at the
end of the scenario's run. The runs are stored in docs/classroom_runs.json, next to the
doc; tests/app/test_lessons.py checks that the doc is what this command writes from them and
that the stored runs still reproduce (every scenario, seed 1, up to CHECK_DAY).

Usage (rerun whenever the model's dynamics change; numpy's AVX2 arithmetic, as the tests check it)::

    NPY_DISABLE_CPU_FEATURES="X86_V4 AVX512_ICL AVX512_SPR" python -m cpsim.app.lesson_runs --write docs/classroom.md
"""

from __future__ import annotations

import argparse
import json
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

from cpsim.app.classroom import DEFAULT_RESIDENTS, ClassroomModel
from cpsim.app.lessons import lesson_for
from cpsim.app.levers import Size, scenario_files
from cpsim.scenario import load_scenario

SEEDS = (1, 2, 3)
CHECK_DAY = 61  # the stored runs are checked up to here: past the first meetings and the incident (day 60)
BEGIN = (
    "<!-- lessons: written by `python -m cpsim.app.lesson_runs --write docs/classroom.md`; "
    "edit cpsim/app/lessons.py -->"
)
END = "<!-- end of lessons -->"
RUNS_FILE = "classroom_runs.json"
# (summary key, words, decimals): what a lesson's figure line reports, yours minus the baseline.
FIGURES = (
    ("trust_end", "trust", 4),
    ("safety_end", "feeling safe", 3),
    ("victimizations", "victimisations", 0),
    ("crimes_recorded", "recorded crimes", 0),
    ("reporting_rate", "share reported", 2),
    ("stops", "stops", 0),
    ("complaints", "complaints", 0),
    ("hours_community", "community-work hours", 0),
)


def figures(model: ClassroomModel) -> dict[str, float]:
    """The figures a lesson reports, plus trust by group (``trust_<group>``)."""
    s = model.summary()
    out = {key: float(s[key]) for key, _, _ in FIGURES}
    out.update({f"trust_{g}": float(v) for g, v in s["trust_end_by_group"].items()})
    return out


def run(path: str, seed: int, residents: int, days: tuple[int, ...]) -> dict[str, dict[str, float]]:
    """Run a scenario as the page does (nothing alongside) and record its figures on the given days."""
    model = ClassroomModel(path, residents=residents, seed=seed, compare_with="")
    out = {}
    while model.day < max(days):
        model.step()
        if model.day in days:
            out[str(model.day)] = figures(model)
    return out


def measure(folder: Path, seeds: tuple[int, ...] = SEEDS, residents: int = DEFAULT_RESIDENTS, jobs: int = 1) -> dict:
    """Run every scenario of a folder on every seed; the baseline on every day another scenario ends.

    Returns:
        {"residents", "seeds", "check_day", "runs": {stem: {seed: {day: figures}}}} (keys as strings).

    """
    size = Size.of(residents).overrides()
    ends = {f.path.stem: load_scenario(f.path, size).run.days for f in scenario_files(folder)}
    tasks = {}
    for stem, days in ends.items():
        record = {1, *ends.values()} if stem == "baseline" else {days}
        record |= {min(CHECK_DAY, days)}
        for seed in seeds:
            tasks[stem, seed] = (str(folder / f"{stem}.toml"), seed, residents, tuple(sorted(record)))
    with ProcessPoolExecutor(jobs) as pool:
        futures = {k: pool.submit(run, *args) for k, args in tasks.items()}
        runs: dict = {}
        for (stem, seed), future in futures.items():
            runs.setdefault(stem, {})[str(seed)] = future.result()
    return {"residents": residents, "seeds": list(seeds), "check_day": CHECK_DAY, "runs": runs}


def _signed(x: float, decimals: int) -> str:
    text = f"{x:+.{decimals}f}"
    return f"{0:.{decimals}f}" if float(text) == 0 else text.replace("-", "−")


def _mean(values: list[float]) -> float:
    values = [v for v in values if v == v]  # NaN: no victimisation to report yet
    return float(np.mean(values)) if values else float("nan")


def shows(measured: dict, stem: str, days: int) -> str:
    """The "what the model shows" line of a scenario (the baseline: its own figures)."""
    runs, base = measured["runs"][stem], measured["runs"]["baseline"]
    seeds, day = [str(s) for s in measured["seeds"]], str(days)
    groups = [k.removeprefix("trust_") for k in runs[seeds[0]][day] if k.startswith("trust_") and k != "trust_end"]
    n = f"mean of seeds {', '.join(seeds)} at {measured['residents']:,} residents"
    if stem == "baseline":
        start = {g: _mean([runs[s]["1"][f"trust_{g}"] for s in seeds]) for g in groups}
        end = {g: _mean([runs[s][day][f"trust_{g}"] for s in seeds]) for g in groups}
        by_group = ", ".join(f"{g} {start[g]:.3f} on day 1 and {end[g]:.3f} on day {days}" for g in groups)
        vic = _mean([runs[s][day]["victimizations"] for s in seeds])
        rec = _mean([runs[s][day]["crimes_recorded"] for s in seeds])
        rate = _mean([runs[s][day]["reporting_rate"] for s in seeds])
        return (
            f"*What the model shows* ({n}): trust {by_group}; {vic:.0f} victimisations in {days} days, "
            f"{rec:.0f} recorded, {rate:.0%} reported."
        )

    def diff(key: str) -> list[float]:
        return [runs[s][day][key] - base[s][day][key] for s in seeds]

    trust, dec = diff("trust_end"), FIGURES[0][2]
    parts = [
        f"trust {_signed(_mean(trust), dec)} ("
        + ", ".join(f"{g} {_signed(_mean(diff(f'trust_{g}')), dec)}" for g in groups)
        + f"; seed by seed {_signed(min(trust), dec)} to {_signed(max(trust), dec)})"
    ]
    parts += [f"{words} {_signed(_mean(diff(key)), dec)}" for key, words, dec in FIGURES[1:]]
    return f"*What the model shows* (yours minus baseline on day {days}, {n}): " + ", ".join(parts) + "."


def lessons_markdown(measured: dict, folder: Path) -> str:
    """The lessons section of docs/classroom.md: every scenario's lesson and figures."""
    size = Size.of(measured["residents"]).overrides()
    out = [BEGIN, ""]
    for f in scenario_files(folder):
        stem = f.path.stem
        lesson = lesson_for(stem, f.name)
        days = load_scenario(f.path, size).run.days
        out.append(f"**{lesson.title}** (`{stem}`). {f.description}")
        out.append("")
        out += [f"- *Notice:* {x}" for x in lesson.notice]
        out += [f"- *Try:* {x}" for x in lesson.try_]
        out.append(f"- *Discuss:* {lesson.discuss}")
        if stem in measured["runs"]:
            out.append(f"- {shows(measured, stem, days)}")
        out.append("")
    out.append(END)
    return "\n".join(out)


def rewrite(doc: Path, section: str) -> str:
    """The doc's text with the lessons section replaced.

    Raises:
        ValueError: When the doc has no lessons markers.

    """
    text = doc.read_text(encoding="utf-8")
    if BEGIN not in text or END not in text:
        raise ValueError(f"{doc}: no lessons section (the lines {BEGIN!r} ... {END!r})")
    head, rest = text.split(BEGIN, 1)
    return head + section + rest.split(END, 1)[1]


def main(argv: list[str] | None = None) -> int:
    """Measure the lessons' figures and rewrite the doc's lessons section."""
    parser = argparse.ArgumentParser(prog="python -m cpsim.app.lesson_runs", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--write", type=Path, required=True, metavar="DOC", help="the doc to rewrite (docs/classroom.md)"
    )
    parser.add_argument("--scenarios", type=Path, default=Path("scenarios"), help="folder of scenario files")
    parser.add_argument("--jobs", type=int, default=1, help="processes (default 1)")
    parser.add_argument("--reuse", action="store_true", help="rewrite the doc from the stored runs, run nothing")
    args = parser.parse_args(argv)
    store = args.write.with_name(RUNS_FILE)
    try:
        rewrite(args.write, "")
    except (OSError, ValueError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    if args.reuse:
        measured = json.loads(store.read_text(encoding="utf-8"))
    else:
        measured = measure(args.scenarios, jobs=max(1, args.jobs))
        store.write_text(json.dumps(measured, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    args.write.write_text(rewrite(args.write, lessons_markdown(measured, args.scenarios)), encoding="utf-8")
    print(f"wrote {args.write} and {store}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
