"""The parameter declaration used by every scenario section.

Each scenario parameter is a dataclass field whose metadata carries its unit, valid
range (or allowed choices), a one-line meaning and the source of its default. The loader
validates against this metadata and docs/scenarios.md is generated from it, so the
documentation and the validation can never disagree.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Spec:
    """Documentation and validation rules of one scenario parameter.

    Attributes:
        unit: Physical or counting unit ("1" for dimensionless shares).
        lo: Smallest allowed value (numbers and every element of number lists).
        hi: Largest allowed value.
        doc: One-line meaning.
        source: Where the default comes from (study, statistic or stated assumption).
        choices: Allowed strings, for text parameters.
        kind: A value of its own shape, checked by its own rule ("areas": cpsim.scenario.program_areas);
            None for numbers, text, switches and lists.

    """

    unit: str
    lo: float | None
    hi: float | None
    doc: str
    source: str
    choices: tuple[str, ...] | None = None
    kind: str | None = None

    def allowed(self) -> str:
        """Describe the allowed values in words, for error messages."""
        if self.choices is not None:
            return "one of " + ", ".join(repr(c) for c in self.choices)
        if self.lo is not None and self.hi is not None:
            unit = "" if self.unit == "1" else f" {self.unit}"  # "1" marks a share or ratio: no unit to show
            return f"a value in [{_fmt(self.lo)}, {_fmt(self.hi)}]{unit}".rstrip()
        return "any value"


def _fmt(x: float) -> str:
    # whole bounds in full (a seed's 9223372036854775807 must not read as 9.22337e+18)
    return str(x) if isinstance(x, int) else f"{x:g}"


def param(
    default: Any,
    unit: str,
    lo: float | None,
    hi: float | None,
    doc: str,
    source: str,
    choices: tuple[str, ...] | None = None,
    kind: str | None = None,
) -> Any:
    """Declare a scenario parameter as a dataclass field.

    Args:
        default: Default value; lists are copied into tuples so scenarios stay frozen.
        unit: Unit of the value.
        lo: Lower bound (inclusive) for numbers.
        hi: Upper bound (inclusive) for numbers.
        doc: One-line meaning.
        source: Source of the default, or "assumption" with the reasoning.
        choices: Allowed strings for a text parameter.
        kind: A value of its own shape (Spec.kind).

    Returns:
        A dataclass field carrying a Spec in its metadata.

    """
    spec = Spec(unit, lo, hi, doc, source, choices, kind)
    if isinstance(default, list):
        default = tuple(default)
    return field(default=default, metadata={"spec": spec})


def spec_of(f: dataclasses.Field) -> Spec:
    """Return the Spec attached to a section field."""
    return f.metadata["spec"]
