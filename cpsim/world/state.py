"""The declaration used by every state array of residents, places and officers.

Each state array is a dataclass field whose metadata carries its unit, a one-line
meaning and, where declared, its dtype, in the style of a scenario's ``param``. The declarations are data: ODD §2's
tables of state variables (docs/ODD.md) are generated from them by
``python -m cpsim.reports.reference``, and a test checks the document matches.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass(frozen=True)
class StateSpec:
    """Unit and meaning of one state array.

    Attributes:
        unit: Unit of one element ("1" for a dimensionless share or multiplier, "index"
            for a position in another array, "yes/no" for a flag).
        doc: One-line meaning.
        dtype: The numpy dtype every value must have (None: not checked, e.g. a mapping).

    """

    unit: str
    doc: str
    dtype: str | None = None


def state(unit: str, doc: str, default_factory: Callable[[], Any] | None = None, dtype: str | None = None) -> Any:
    """Declare a state array as a dataclass field.

    Args:
        unit: Unit of one element.
        doc: One-line meaning.
        default_factory: Builds the value when the constructor is not given one (for
            arrays filled in after construction).
        dtype: The numpy dtype of its values, checked by ``check_dtypes`` (None: unchecked).

    Returns:
        A dataclass field carrying a StateSpec in its metadata.

    """
    meta = {"state": StateSpec(unit, doc, dtype)}
    if default_factory is None:
        return field(metadata=meta)
    return field(default_factory=default_factory, metadata=meta)


def state_of(f: dataclasses.Field) -> StateSpec:
    """Return the StateSpec attached to a state field."""
    return f.metadata["state"]


def declared(cls: type) -> list[tuple[str, StateSpec]]:
    """Every state field of a dataclass, in declaration order, with its spec."""
    return [(f.name, state_of(f)) for f in dataclasses.fields(cls)]


def check_dtypes(holder: Any) -> None:
    """Check every declared dtype of a state holder (a dataclass instance), as a column check would.

    The compiled passes read raw buffers: an array built with the wrong dtype would be read
    as other numbers, not refused, so the check runs once, when the state is built.

    Raises:
        TypeError: A value whose dtype is not the declared one, naming the class and field.
    """
    for f in dataclasses.fields(holder):
        want = state_of(f).dtype
        if want is None:
            continue
        got = np.asarray(getattr(holder, f.name)).dtype
        if got != np.dtype(want):
            raise TypeError(f"{type(holder).__name__}.{f.name}: dtype {got}; declared {want}")
