"""Reading, merging and validating scenario files: the one pass every command goes through.

A scenario is a TOML file of sections (``[trust]``, ``[patrol]``, ...). A file may say
``extends = "baseline.toml"`` (relative to itself) to start from another file, and
dotted overrides (``patrol.foot_hours=3``) and flags (``--days``) are applied last.
Anything wrong fails here, before a simulation starts, with one line naming the file (or
flag), the key and what is allowed: a file that is not UTF-8 TOML, a value of the wrong
type, out of its range or not a finite number, and every rule across keys
(:mod:`cpsim.scenario.rules`). What this pass accepts runs.
"""

from __future__ import annotations

import dataclasses
import difflib
import json
import math
import numbers
import reprlib
import stat
import tomllib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cpsim.scenario.areas_section import AREAS_SECTIONS
from cpsim.scenario.costs_section import COST_SECTIONS
from cpsim.scenario.params import Spec, spec_of
from cpsim.scenario.program_areas import ALLOWED as AREAS_ALLOWED
from cpsim.scenario.program_areas import KIND as AREAS
from cpsim.scenario.program_areas import NOT_CONFINED, AreasValueError, check_areas
from cpsim.scenario.program_sections import PROGRAM_SECTIONS
from cpsim.scenario.rules import RuleError, check_rules
from cpsim.scenario.schema import CORE_SECTIONS
from cpsim.scenario.survey_section import SURVEY_SECTIONS
from cpsim.scenario.trial_section import TRIAL_SECTIONS

SECTIONS: dict[str, type] = {
    **CORE_SECTIONS,
    **AREAS_SECTIONS,
    **PROGRAM_SECTIONS,
    **TRIAL_SECTIONS,
    **SURVEY_SECTIONS,
    **COST_SECTIONS,
}

Scenario = dataclasses.make_dataclass(
    "Scenario",
    [(name, cls, dataclasses.field(default_factory=cls)) for name, cls in SECTIONS.items()],
    frozen=True,
    namespace={
        "__doc__": "A validated scenario: one frozen section per model part.",
        "get": lambda self, key: _get(self, key),
        "to_dict": lambda self: dataclasses.asdict(self),
        "with_overrides": lambda self, overrides: apply_overrides(self, overrides),
    },
)
Scenario.__module__ = __name__


class ScenarioError(ValueError):
    """A scenario (or override) that cannot be used; the message is one line."""

    def __init__(self, message: str) -> None:
        # Values and file names may hold line breaks; the message must stay one line.
        super().__init__(" ".join(str(message).replace("\r", "\\r").replace("\n", "\\n").split()))


@dataclass(frozen=True)
class Flag:
    """An override that came from a command-line flag or an argument, named in errors.

    ``load_scenario(path, {"run.days": Flag(40, "--days")})`` checks 40 like any
    ``run.days`` and, if it is wrong, says ``--days: run.days: ...``.
    """

    value: Any
    name: str

    def __str__(self) -> str:
        return str(self.value)


# Largest scenario (or experiment) file read: a bigger one is not a hand-written scenario.
MAX_FILE_BYTES = 16 * 2**20
# Deepest nesting of tables and lists a scenario needs is 2 (a section holding a list).
MAX_DEPTH = 8
# Longest chain of files extending one another (the shipped scenarios use 2: city, baseline);
# the chain is followed in a loop, so a longer one is refused for being unreadable, not for Python's stack.
MAX_EXTENDS = 32

_short = reprlib.Repr(maxstring=60, maxother=60, maxlist=6, maxtuple=6, maxdict=4, maxlevel=2)


def shorten(value: Any) -> str:
    """Repr of a value for an error message: short, whatever the value."""
    return _short.repr(value)


def did_you_mean(word: Any, choices: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for the choice nearest a misspelt name, or "" when none is near."""
    if not isinstance(word, str):
        return ""
    near = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {near[0]!r}?)" if near else ""


def read_text_file(path: Path, allowed: str, max_bytes: int = MAX_FILE_BYTES) -> str:
    """Read a UTF-8 text file, turning every way it can be unreadable into one line.

    Args:
        path: The file.
        allowed: What it should be ("allowed: a UTF-8 TOML scenario file"), for the message.
        max_bytes: Largest file read.

    Returns:
        The text (a UTF-8 byte-order mark removed).

    Raises:
        ScenarioError: Missing, not a regular file, unreadable, too large, compressed,
            binary, UTF-16/32 or not UTF-8.

    """
    try:
        st = path.stat()
        if not stat.S_ISREG(st.st_mode):  # a FIFO would block the read until someone writes to it
            raise ScenarioError(f"{path}: not a regular file ({_kind(st.st_mode)}); {allowed}")
        size = st.st_size
        if size > max_bytes:
            raise ScenarioError(f"{path}: {size:,} bytes; {allowed} under {max_bytes // 2**20} MB")
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ScenarioError(f"{path}: file not found; {allowed}") from None
    except OSError as err:
        raise ScenarioError(f"{path}: cannot read the file ({err.strerror or err}); {allowed}") from None
    if raw[:2] == b"\x1f\x8b":
        raise ScenarioError(f"{path}: gzip-compressed, not text; {allowed} (gunzip it first)")
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff") or raw[:4] in (b"\x00\x00\xfe\xff", b"\xff\xfe\x00\x00"):
        raise ScenarioError(f"{path}: UTF-16 or UTF-32 text; {allowed} (save it as UTF-8)")
    even, odd = raw[:64:2].strip(b"\x00"), raw[1:64:2].strip(b"\x00")
    if b"\x00" in raw[:64] and bool(even) != bool(odd):  # ASCII as UTF-16: every other byte is 0
        raise ScenarioError(f"{path}: UTF-16 text (no byte-order mark); {allowed} (save it as UTF-8)")
    if b"\x00" in raw:
        raise ScenarioError(f"{path}: binary data (byte 0 at offset {raw.index(b'\x00')}); {allowed}")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise ScenarioError(
            f"{path}: not UTF-8 text (byte 0x{raw[err.start]:02x} on line {line}; Latin-1 or another encoding?); "
            f"{allowed} (save it as UTF-8)"
        ) from None


def read_toml_file(path: Path, what: str = "scenario") -> dict[str, Any]:
    """Read a TOML file, turning every way it can be unreadable into one line.

    Args:
        path: The file.
        what: What it should be ("scenario", "experiment"), for the message.

    Returns:
        The parsed TOML document.

    Raises:
        ScenarioError: Missing, unreadable, too large, compressed, binary, not UTF-8,
            not TOML, or nested too deeply.

    """
    allowed = f"allowed: a UTF-8 TOML {what} file"
    text = read_text_file(path, allowed)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise ScenarioError(f"{path}: not valid TOML ({err})") from None
    except RecursionError:
        raise ScenarioError(f"{path}: tables or lists nested too deeply; {allowed}") from None
    if _depth(data) > MAX_DEPTH:
        raise ScenarioError(f"{path}: tables or lists nested more than {MAX_DEPTH} deep; {allowed}")
    return data


def read_settings_file(
    path: Path, what: str, error: type[ScenarioError]
) -> tuple[dict[str, Any], Callable[[str, str, str], ScenarioError]]:
    """Read a study's settings file (an experiment, a calibration), and how its errors read.

    Args:
        path: The file.
        what: What it should be ("experiment", "calibration"), for the message.
        error: The study's error class (a ScenarioError): an unreadable file raises it.

    Returns:
        The parsed TOML document, and ``fail(key, problem, allowed)``: the error naming the
        file, the key and what is allowed, in one line.

    """
    try:
        data = read_toml_file(path, what)  # every way a file can be unreadable, in one line
    except ScenarioError as err:
        raise error(str(err)) from None

    def fail(key: str, problem: str, allowed: str) -> ScenarioError:
        return error(f"{path}: {key}: {problem}; allowed: {allowed}")

    return data, fail


def _kind(mode: int) -> str:
    """What a file that is not a regular file is, in words."""
    kinds = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe"), (stat.S_ISSOCK, "a socket"))
    return next((word for test, word in kinds if test(mode)), "a device")


def _depth(data: Any) -> int:
    """Nesting depth of tables and lists, without recursion."""
    deepest, stack = 0, [(data, 0)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            value = list(value.values())
        elif not isinstance(value, list):
            continue
        deepest = max(deepest, depth + 1)
        if deepest > MAX_DEPTH:
            return deepest
        stack.extend((v, depth + 1) for v in value)
    return deepest


def _get(scenario: Any, key: str) -> Any:
    section, _, name = key.partition(".")
    return getattr(getattr(scenario, section), name)


def _allowed_keys(section: str) -> str:
    return ", ".join(f.name for f in dataclasses.fields(SECTIONS[section]))


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except (OSError, ValueError):  # a name too long, or with a NUL byte
        return False


def _is_dir(path: Path) -> bool:
    try:
        return path.is_dir()
    except (OSError, ValueError):
        return False


def _exists(path: Path) -> bool:
    try:
        return path.exists()
    except (OSError, ValueError):
        return False


def _read_toml(path: Path) -> dict[str, Any]:
    """Read a TOML file, resolving its chain of ``extends`` (at most MAX_EXTENDS parents)."""
    chain: list[tuple[Path, dict[str, Any]]] = []
    while True:
        if not _is_file(path):
            where = f"{chain[-1][0]}: extends" if chain else str(path)
            what = "is a folder" if _is_dir(path) else "is not a regular file" if _exists(path) else "not found"
            raise ScenarioError(f"{where}: file {clip(str(path), 300)!r} {what}; allowed: a scenario file")
        if path.resolve() in [p.resolve() for p, _ in chain]:
            raise ScenarioError(f"{path}: extends: circular inheritance through {path.name}")
        data = read_toml_file(path)
        parent = data.pop("extends", None)
        chain.append((path, data))
        if parent is None:
            break
        if not isinstance(parent, str) or not parent.strip():
            raise ScenarioError(f"{path}: extends: got {shorten(parent)}; allowed: a file name (string)")
        if len(chain) > MAX_EXTENDS:
            raise ScenarioError(
                f"{chain[0][0]}: extends: a chain of more than {MAX_EXTENDS} files (at {path.name}); "
                f"allowed: at most {MAX_EXTENDS} files that extend one another"
            )
        path = path.parent / parent
    # a parent's sections are checked before its child's, as each file is read on its own
    tree: dict[str, Any] = {}
    for file, data in reversed(chain):
        tree = _merge(tree, _tag(data, file))
    return tree


def _tag(data: dict[str, Any], path: Path) -> dict[str, Any]:
    """Remember which file set each value, so errors name the right file."""
    out: dict[str, Any] = {}
    for sec, body in data.items():
        _check_section(sec, body, str(path))  # here, while the file that holds it is known
        if isinstance(body, dict):
            out[sec] = {k: (v, str(path)) for k, v in body.items()}
        else:
            out[sec] = (body, str(path))
    return out


def _merge(base: dict[str, Any], top: dict[str, Any]) -> dict[str, Any]:
    out = {k: (dict(v) if isinstance(v, dict) else v) for k, v in base.items()}
    for sec, body in top.items():
        if isinstance(body, dict) and isinstance(out.get(sec), dict):
            out[sec].update(body)
        else:
            out[sec] = body
    return out


def _check_value(value: Any, default: Any, spec: Spec, where: str) -> Any:
    """Coerce and check one value against its declaration."""

    def fail(problem: str) -> ScenarioError:
        return ScenarioError(f"{where}: {problem}; allowed: {_describe(default, spec)}")

    if spec.kind == AREAS:
        try:
            return check_areas(value)
        except AreasValueError as err:
            raise fail(str(err)) from None

    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise fail(f"expected true or false, got {shorten(value)}")
        return value
    if isinstance(default, tuple):
        if not isinstance(value, (list, tuple)) or not value:
            raise fail(f"expected a list, got {shorten(value)}")
        kind = type(default[0]) if default else float
        return tuple(_check_value(v, kind(), spec, where) for v in value)
    if isinstance(default, str):
        if not isinstance(value, str):
            raise fail(f"expected text, got {shorten(value)}")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise fail(f"{shorten(value)} is not valid Unicode text") from None
        if spec.choices is not None and value not in spec.choices:
            raise fail(f"{shorten(value)} is not a choice")
        return value
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise fail(f"expected {'a whole number' if isinstance(default, int) else 'a number'}, got {shorten(value)}")
    if not math.isfinite(value):
        # nan compares false with every bound, so it must be refused before the range check
        raise fail(f"{value} is not a finite number")
    if isinstance(default, int) and not (isinstance(value, numbers.Integral) or float(value).is_integer()):
        raise fail(f"expected a whole number, got {shorten(value)}")
    if value < spec.lo or value > spec.hi:  # every number parameter has a range (tests/scenario/test_load.py)
        shown = f"{value:g}" if isinstance(value, float) or abs(value) < 10**15 else shorten(value)
        raise fail(f"{shown} is out of range")
    return int(value) if isinstance(default, int) else float(value)


def _describe(default: Any, spec: Spec) -> str:
    if spec.kind == AREAS:
        return AREAS_ALLOWED
    if isinstance(default, bool):
        return "true or false"
    if isinstance(default, tuple):
        return "a list, each element " + spec.allowed()
    if isinstance(default, str) and spec.choices is None:
        return "any text"
    if isinstance(default, int) and not isinstance(default, bool):
        return "a whole number in " + spec.allowed().removeprefix("a value in ")
    return spec.allowed()


def _build(tree: dict[str, Any], top: str | None = None) -> Any:
    """Validate a tagged tree ({section: {key: (value, file)}}) into a Scenario."""
    sections: dict[str, Any] = {}
    for sec, body in tree.items():
        _check_section(sec, body, _origin(body))
        cls = SECTIONS[sec]
        fields = {f.name: f for f in dataclasses.fields(cls)}
        values: dict[str, Any] = {}
        for key, (value, origin) in body.items():
            where = f"{origin}: {sec}.{clip(key)}"
            if key == AREAS and sec in NOT_CONFINED:
                raise ScenarioError(
                    f"{where}: {sec} cannot be confined to areas: {NOT_CONFINED[sec]}; allowed: no areas key in [{sec}]"
                )
            if key not in fields:
                near = did_you_mean(key, fields)
                raise ScenarioError(f"{where}: unknown key{near}; allowed: {_allowed_keys(sec)}")
            f = fields[key]
            values[key] = _check_value(value, f.default, spec_of(f), where)
        sections[sec] = cls(**values)
    scenario = Scenario(**sections)

    def origin_of(key: str) -> str | None:
        sec, _, name = key.partition(".")
        entry = tree.get(sec, {}).get(name) if isinstance(tree.get(sec), dict) else None
        return entry[1] if entry else None

    try:
        return check_rules(scenario, origin_of)
    except RuleError as err:
        # name the file that set the key, else the one that set a key involved, else the scenario's own
        origin = next((o for o in map(origin_of, err.keys) if o), top or "defaults")
        raise ScenarioError(f"{origin}: {err.key}: {err}") from None


def _check_section(sec: str, body: Any, origin: str) -> None:
    if sec not in SECTIONS:
        near = did_you_mean(sec, SECTIONS)
        raise ScenarioError(f"{origin}: {clip(sec)}: unknown section{near}; allowed: extends, " + ", ".join(SECTIONS))
    if not isinstance(body, dict):
        raise ScenarioError(f"{origin}: {sec}: expected a [{sec}] table")


def clip(text: str, limit: int = 60) -> str:
    """A name cut to ``limit`` characters for an error message."""
    text = str(text)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _origin(body: Any) -> str:
    if isinstance(body, tuple):
        return body[1]
    for value in body.values():
        return value[1]
    return "scenario"


def parse_override(text: str) -> tuple[str, Any]:
    """Split ``key=value`` and read the value as TOML (text when it is not TOML)."""
    key, sep, raw = text.partition("=")
    key = key.strip()
    if not sep or "." not in key:
        raise ScenarioError(f"--set {text}: expected section.key=value, e.g. patrol.foot_hours=3")
    try:
        value = tomllib.loads(f"v = {raw.strip()}")["v"]
    except tomllib.TOMLDecodeError:
        value = raw.strip()
    return key, value


def _override_tree(
    tree: dict[str, Any], overrides: Mapping[str, Any] | Iterable[str] | None, origin: str
) -> dict[str, Any]:
    if not overrides:
        return tree
    items = overrides.items() if isinstance(overrides, Mapping) else map(parse_override, overrides)
    out = _merge(tree, {})
    for key, value in items:
        where = origin
        if isinstance(value, Flag):
            value, where = value.value, value.name
        key = str(key)
        sec, _, name = key.partition(".")
        if not name:
            raise ScenarioError(f"{where} {shorten(key)}: expected section.key")
        if isinstance(value, tuple):
            value = list(value)
        out.setdefault(sec, {})
        if not isinstance(out[sec], dict):
            raise ScenarioError(f"{where} {shorten(key)}: {sec} is not a section")
        if name in out[sec]:
            _check_replaced(sec, name, *out[sec][name])
        out[sec][name] = (value, where)
    return out


def _check_replaced(sec: str, name: str, value: Any, origin: str) -> None:
    """Check a file's value that an override replaces: a flag must not hide a broken file.

    Only the value itself is checked (type, range, finite): rules across keys judge the
    scenario that runs, file and overrides together.
    """
    f = {f.name: f for f in dataclasses.fields(SECTIONS[sec])}.get(name) if sec in SECTIONS else None
    if f is not None:
        _check_value(value, f.default, spec_of(f), f"{origin}: {sec}.{clip(name)}")


def load_scenario(path: str | Path, overrides: Mapping[str, Any] | Iterable[str] | None = None) -> Any:
    """Load, merge and validate a scenario file.

    Args:
        path: The TOML file. It may ``extends`` another file.
        overrides: Dotted ``section.key`` values, as a mapping or as ``key=value`` texts.

    Returns:
        The validated, frozen Scenario.

    Raises:
        ScenarioError: With one line naming the file, the key and what is allowed.

    """
    tree = _read_toml(Path(path))
    return _build(_override_tree(tree, overrides, "--set"), str(path))


def scenario_from_dict(
    data: Mapping[str, Any], origin: str = "scenario", overrides: Mapping[str, Any] | None = None
) -> Any:
    """Validate a nested dict (as read from TOML) into a Scenario."""
    tree = _tag({k: v for k, v in data.items() if k != "extends"}, Path(origin))
    return _build(_override_tree(tree, overrides, "--set"))


def apply_overrides(scenario: Any, overrides: Mapping[str, Any] | Iterable[str]) -> Any:
    """Return a copy of a scenario with dotted overrides applied and re-validated."""
    return scenario_from_dict(scenario.to_dict(), "scenario", overrides)  # type: ignore[arg-type]


def resolved_toml(scenario: Any) -> str:
    """Write a scenario's every value as TOML (what ``cpsim check`` prints)."""
    lines: list[str] = []
    for sec, body in scenario.to_dict().items():
        lines.append(f"[{sec}]")
        for key, value in body.items():
            lines.append(f"{key} = {_toml_value(value)}")
        lines.append("")
    return "\n".join(lines)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        # JSON's escapes are TOML's (control characters included), except DEL which TOML wants escaped
        return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, Mapping):  # an inline table (a program's areas rule)
        return "{ " + ", ".join(f"{k} = {_toml_value(v)}" for k, v in value.items()) + " }"
    return repr(value)
