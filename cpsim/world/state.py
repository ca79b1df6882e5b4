"""The declaration used by every state array of residents, places and officers.

Each state array is a dataclass field whose metadata carries its unit and a one-line
meaning, in the style of a scenario's ``param``. The declarations are data: ODD §2's
tables of state variables (docs/ODD.md) are generated from them by
``python -m cpsim.reports.reference``, and a test checks the document matches.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class StateSpec:
    """Unit and meaning of one state array.

    Attributes:
        unit: Unit of one element ("1" for a dimensionless share or multiplier, "index"
            for a position in another array, "yes/no" for a flag).
        doc: One-line meaning.

    """

    unit: str
    doc: str


def state(unit: str, doc: str, default_factory: Callable[[], Any] | None = None) -> Any:
    """Declare a state array as a dataclass field.

    Args:
        unit: Unit of one element.
        doc: One-line meaning.
        default_factory: Builds the value when the constructor is not given one (for
            arrays filled in after construction).

    Returns:
        A dataclass field carrying a StateSpec in its metadata.

    """
    meta = {"state": StateSpec(unit, doc)}
    if default_factory is None:
        return field(metadata=meta)
    return field(default_factory=default_factory, metadata=meta)


def state_of(f: dataclasses.Field) -> StateSpec:
    """Return the StateSpec attached to a state field."""
    return f.metadata["state"]


def declared(cls: type) -> list[tuple[str, StateSpec]]:
    """Every state field of a dataclass, in declaration order, with its spec."""
    return [(f.name, state_of(f)) for f in dataclasses.fields(cls)]
