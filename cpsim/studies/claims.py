"""What a study's numbers can claim: what their intervals cover, and which effects the model was built to show.

Every interval a study reports today is a t-interval over replicates that differ only in
their seeds: it covers run-to-run chance (which city is drawn, who is victimised, how
contacts go) and nothing else. :func:`intervals_cover` says so in one sentence, built from
the sources an interval covers, so an output that later also covers parameter uncertainty
(a calibrated posterior, a sweep over priors) says it through the same words.

Some effects are not findings at all: the model was built to show them (DESIGN.md's macro
patterns). :data:`DESIGN_TARGETS` names the scenarios whose headline effect is such a target,
and :func:`design_target_note` flags it wherever that effect is presented.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

# What an interval can cover, in the words a reader sees.
SOURCES: dict[str, str] = {
    "seed": "run-to-run chance (replicates with different seeds: which city is drawn, who is victimised, "
    "how contacts go)",
    "parameters": "uncertainty in the model's parameters",
}
# The sources every study's intervals cover today.
SEED_ONLY: tuple[str, ...] = ("seed",)


def intervals_cover(covered: Sequence[str] = SEED_ONLY, what: str = "The 95% intervals") -> str:
    """One sentence: what a study's intervals cover, and what they leave out.

    Args:
        covered: Keys of :data:`SOURCES` the intervals cover, in the order to name them.
        what: The intervals' name in the sentence ("The 95% intervals", "The bands").

    Returns:
        The sentence, e.g. "The 95% intervals cover only run-to-run chance (...); they do not
        cover uncertainty in the model's parameters, nor whether the model is right."

    Raises:
        ValueError: For an unknown source.

    """
    unknown = [c for c in covered if c not in SOURCES]
    if unknown or not covered:
        raise ValueError(f"unknown interval source {unknown or covered!r}; allowed: {', '.join(SOURCES)}")
    named = [SOURCES[c] for c in covered]
    left = [SOURCES[k] for k in SOURCES if k not in covered]
    said = f"only {named[0]}" if len(named) == 1 else ", ".join(named[:-1]) + f" and {named[-1]}"
    rest = f"{', '.join(left)}, nor whether the model is right" if left else "whether the model is right"
    return f"{what} cover {said}; they do not cover {rest}."


@dataclass(frozen=True)
class DesignTarget:
    """An effect the model was built to show, not a finding.

    Attributes:
        pattern: The macro pattern of DESIGN.md that asks for it (M4).
        effect: The effect, as the pattern states it.
        source: Where the pattern's figure comes from.

    """

    pattern: str
    effect: str
    source: str


# Scenario file stem -> the design target its headline effect is.
DESIGN_TARGETS: dict[str, DesignTarget] = {
    "neighbourhood_policing": DesignTarget(
        "M4",
        "trust up by 0.1-0.3 SD of residents' trust within 2 years",
        "area-level evaluations: NRPP, Tuffin, Morris & Poole 2006; Rix et al. 2009",
    ),
}
# The same package in the calibrated Chicago (experiments/chicago_neighbourhood_policing.toml).
DESIGN_TARGETS["chicago_neighbourhood_policing"] = DESIGN_TARGETS["neighbourhood_policing"]


def design_target_of(name: str, file: str | Path = "") -> DesignTarget | None:
    """The design target of a scenario, by its file's stem (or its name when the file is not known)."""
    return DESIGN_TARGETS.get(Path(file).stem if file else name) or DESIGN_TARGETS.get(name)


def design_target_note(scenarios: Iterable[tuple[str, str | Path]]) -> str:
    """One sentence per scenario whose effect is a design target ("" when none is).

    Args:
        scenarios: (name, file) of the scenarios presented.

    """
    notes = []
    for name, file in scenarios:
        target = design_target_of(name, file)
        if target is not None:
            notes.append(
                f"{name}: its effect is a design target, not a finding: the model was built to show "
                f"{target.effect} (DESIGN.md {target.pattern}, from {target.source}), so this run checks that it "
                "does; it is no independent evidence that the package works."
            )
    return " ".join(notes)
