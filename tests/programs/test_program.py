"""Programs reach the model only through ``Surface`` (cpsim/programs/program.py).

Reads come as read-only views, so a program that writes a state array fails at once; the
only writes are the Surface's named methods. A static check keeps every program module
off the model's hooks and internals, so the Surface stays the only door.
"""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pytest

from cpsim.model import CommunityModel
from cpsim.programs.program import Program, Surface
from cpsim.scenario import Scenario, apply_overrides

PROGRAMS = Path(__file__).resolve().parents[2] / "cpsim" / "programs"
# Model attributes the Surface wraps: a program must use the Surface's method instead.
INTERNALS = {
    "community_requests",
    "foot_requests",
    "extra_stops",
    "steady_officers",
    "place_reporting",
    "crisis_claimed",
    "contacts",
    "streams",
    "schedule_recurring",
}


@pytest.fixture(scope="module")
def model() -> CommunityModel:
    return CommunityModel(apply_overrides(Scenario(), {"population.residents": 500, "population.beats": 2}), seed=1)


def test_reads_through_the_surface_are_read_only(model):
    s = model.surface
    with pytest.raises(ValueError, match="read-only"):
        s.residents.trust[0] = 1.0
    with pytest.raises(ValueError, match="read-only"):
        s.places.disorder[:] *= 0.5
    with pytest.raises(ValueError, match="read-only"):
        s.officers.skill[0] += 0.1
    with pytest.raises(ValueError, match="read-only"):
        s.community_requests()[:] = 1.0
    with pytest.raises(ValueError, match="read-only"):
        s.beat_residents[0] = 0
    with pytest.raises(AttributeError, match="only through Surface methods"):
        s.residents.trust = np.zeros(s.residents.n)
    with pytest.raises(TypeError):
        s.totals["victimizations"] = 0
    # the model's own arrays are untouched and still writable by the model
    assert model.residents.trust.flags.writeable and model.residents.trust[0] != 1.0


class Vandal(Program):
    """A program that writes a state array directly."""

    name = "vandal"

    def __init__(self) -> None:
        super().__init__(None)

    def plan(self, model: Surface) -> None:
        model.places.disorder[:] = 0.0


def test_a_program_writing_state_directly_fails_in_the_run():
    m = CommunityModel(apply_overrides(Scenario(), {"population.residents": 500, "population.beats": 2}), seed=1)
    m.programs.append(Vandal())
    with pytest.raises(ValueError, match="read-only"):
        m.step()


def test_surface_methods_change_what_they_name(model):
    s, pl, res, off = model.surface, model.places, model.residents, model.officers
    before = pl.disorder[[0, 1]].copy()
    s.reduce_disorder(np.array([0, 1]), 0.5)
    assert np.array_equal(pl.disorder[[0, 1]], 0.5 * before)
    cumw = model.stop_cumw.copy()
    s.weight_stops(np.array([0]), 10.0)
    assert model.stop_cumw[-1] > cumw[-1]  # the stop weights the enforcement mechanism draws by follow
    s.change_skill(np.array([0]), 5.0)
    assert off.skill[0] == 1.0  # clipped to 0..1
    s.change_skill(np.array([0]), -5.0)
    assert off.skill[0] == 0.0
    offender = np.flatnonzero(res.offending > 0)[:1]
    rate = res.offending[offender].copy()
    s.lower_offending(offender, 2 * rate)
    assert np.array_equal(res.offending[offender], rate)  # never raised
    s.lower_offending(offender, rate / 2)
    assert np.array_equal(res.offending[offender], rate / 2)


def test_programs_reach_the_model_only_through_the_surface():
    """No program module touches ``_model`` or the internals the Surface wraps (methods of the same name aside)."""
    bad = []
    for path in sorted(PROGRAMS.glob("*.py")):
        if path.name == "program.py":
            continue
        tree = ast.parse(path.read_text())
        called = {id(node.func) for node in ast.walk(tree) if isinstance(node, ast.Call)}
        for node in ast.walk(tree):
            if not isinstance(node, ast.Attribute):
                continue
            if node.attr.startswith("_model") or (node.attr in INTERNALS and id(node) not in called):
                bad.append(f"{path.name}:{node.lineno}: .{node.attr}")
    assert not bad, "programs must go through cpsim.programs.program.Surface:\n" + "\n".join(bad)


def test_a_beats_session_waits_for_its_first_day_with_hours_until_the_next_falls_due():
    from cpsim.programs.delivery import BeatSessions

    s = BeatSessions(3)
    s.fall_due(np.array([True, True, False]))  # beat 2 has nothing to hold
    assert s.hold(np.array([0.0, 0.5, 1.0])).tolist() == [False, True, False]  # held smaller in beat 1
    assert s.pending.tolist() == [True, False, False]
    assert not s.hold(np.zeros(3)).any() and s.pending[0]  # no hours again: beat 0 still waits
    s.fall_due()  # the next falls due: beat 0's waiting session is that one, not a second
    assert s.hold(np.ones(3)).tolist() == [True, True, True] and not s.pending.any()
    assert not s.hold(np.ones(3)).any()  # once a round
