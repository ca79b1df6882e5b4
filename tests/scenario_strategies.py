"""Hypothesis strategies for scenario documents: valid ones inside every declared range, and broken ones.

``valid_documents()`` draws documents that respect each parameter's declared type and
range (with the range's edges often), for small cities and short runs, so every one can be
run in a test; the loader may still refuse one for a cross-key rule. ``any_documents()``
draws anything TOML can hold, in the shape of a scenario: random sections, keys, types and
values (NaN, infinities, huge numbers, negatives, empty lists and strings, unicode, nested
tables). ``to_toml()`` writes a document as TOML text.
"""

from __future__ import annotations

import dataclasses
import json
import math
from typing import Any

from hypothesis import strategies as st

from cpsim.scenario import SECTIONS, spec_of

GROUP_KEYS = {("population", "group_shares"), ("trust", "initial_by_group"), ("enforcement", "group_stop_ratio")}
# Sizes kept small so a valid document runs in a fraction of a second.
SMALL = {("population", "residents"): (10, 400), ("run", "days"): (1, 5)}
NAMES = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=12).filter(
    lambda s: s.strip()
)


def _number(lo: float, hi: float, whole: bool) -> st.SearchStrategy:
    if whole:
        lo_i, hi_i = math.ceil(lo), math.floor(hi)
        return st.one_of(
            st.sampled_from([lo_i, hi_i]), st.integers(lo_i, min(hi_i, lo_i + 1000)), st.integers(lo_i, hi_i)
        )
    return st.one_of(st.sampled_from([float(lo), float(hi)]), st.floats(lo, hi, allow_nan=False))


def _field_value(sec: str, f: dataclasses.Field, groups: int) -> st.SearchStrategy:
    spec, default = spec_of(f), f.default
    if (sec, f.name) in SMALL:
        return st.integers(*SMALL[(sec, f.name)])
    if isinstance(default, bool):
        return st.booleans()
    if isinstance(default, str):
        return st.sampled_from(spec.choices) if spec.choices else NAMES
    if spec.kind == "areas":  # city-wide, or the lowest-trust beat (any city has one; names need an areas file)
        return st.sampled_from([[], {"lowest_trust": 1}])
    if isinstance(default, tuple):
        if spec.choices:
            return st.lists(st.sampled_from(spec.choices), min_size=1, max_size=6)
        whole = isinstance(default[0], int)
        size = groups if (sec, f.name) in GROUP_KEYS else None
        return st.lists(_number(spec.lo, spec.hi, whole), min_size=size or 1, max_size=size or 4)
    return _number(spec.lo, spec.hi, isinstance(default, int))


@st.composite
def valid_documents(draw) -> dict[str, Any]:
    """A scenario document with every value of the right type and inside its declared range."""
    groups = draw(st.integers(1, 4))
    doc: dict[str, dict[str, Any]] = {}
    names = draw(st.lists(NAMES, min_size=groups, max_size=groups, unique_by=lambda s: s.lower()))
    weights = draw(st.lists(st.integers(1, 10), min_size=groups, max_size=groups))
    doc["population"] = {
        "group_names": names,
        "group_shares": [w / sum(weights) for w in weights],
    }
    doc["trust"] = {"initial_by_group": draw(st.lists(st.floats(0, 1), min_size=groups, max_size=groups))}
    doc["enforcement"] = {"group_stop_ratio": draw(st.lists(st.floats(0, 10), min_size=groups, max_size=groups))}
    doc["run"] = {"days": draw(st.integers(1, 5))}
    doc["population"]["residents"] = draw(st.integers(10, 400))
    for sec in draw(st.lists(st.sampled_from(list(SECTIONS)), max_size=len(SECTIONS), unique=True)):
        for f in dataclasses.fields(SECTIONS[sec]):
            if (sec, f.name) in {("population", "group_names"), ("population", "group_shares"), ("graph", "kind")}:
                continue
            if (sec, f.name) in GROUP_KEYS or not draw(st.booleans()):
                continue
            doc.setdefault(sec, {})[f.name] = draw(_field_value(sec, f, groups))
    doc["graph"] = {
        **doc.get("graph", {}),
        "kind": draw(st.sampled_from(["local", "watts_strogatz", "powerlaw_cluster"])),
    }
    return doc


# Anything TOML can hold.
SCALARS = st.one_of(
    st.booleans(),
    st.integers(-(2**63), 2**63 - 1),
    st.sampled_from([0, -1, 1, 2**63 - 1, -(2**63), 10**18]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([math.nan, math.inf, -math.inf, 1e308, -1e308, 5e-324, -0.0]),
    st.text(max_size=20),
    st.sampled_from(["", " ", "\n", "\u202e", "\x7f", "émigré", "数", "\U0001f600"]),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=3)),
    max_leaves=8,
)


@st.composite
def any_documents(draw) -> dict[str, Any]:
    """A document shaped like a scenario with random sections, keys, types and values."""
    known = st.sampled_from([*SECTIONS, "extends"])
    doc: dict[str, Any] = {}
    for sec in draw(st.lists(st.one_of(known, st.text(max_size=10)), max_size=4, unique=True)):
        if sec in SECTIONS and draw(st.integers(0, 4)):
            fields = [f.name for f in dataclasses.fields(SECTIONS[sec])]
            keys = draw(st.lists(st.one_of(st.sampled_from(fields), st.text(max_size=8)), max_size=4, unique=True))
            doc[sec] = {k: draw(VALUES) for k in keys}
        else:
            doc[sec] = draw(VALUES)
    return doc


def _key(k: str) -> str:
    return json.dumps(k, ensure_ascii=False).replace("\x7f", "\\u007f")


def _value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        return repr(v)
    if isinstance(v, str):
        return _key(v)
    if isinstance(v, list):
        return "[" + ", ".join(_value(x) for x in v) + "]"
    return "{" + ", ".join(f"{_key(k)} = {_value(x)}" for k, x in v.items()) + "}"


def to_toml(doc: dict[str, Any]) -> str:
    """Write a document as TOML: top-level values first, then one [table] per section."""
    lines = [f"{_key(k)} = {_value(v)}" for k, v in doc.items() if not isinstance(v, dict)]
    for sec, body in doc.items():
        if isinstance(body, dict):
            lines.append(f"[{_key(sec)}]")
            lines += [f"{_key(k)} = {_value(v)}" for k, v in body.items()]
    return "\n".join(lines) + "\n"
