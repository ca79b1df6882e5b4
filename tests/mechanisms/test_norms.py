"""cpsim/mechanisms/norms.py: collective memories start at their levels and take in what members share."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from cpsim.mechanisms import norms


def test_memories_start_at_their_level_and_the_week_is_tallied_by_group_and_beat():
    group, beat = np.array([0, 0, 1, 1, 1], np.int8), np.array([0, 1, 1, 1, 0], np.int32)  # the residents' dtypes
    memory = norms.start(group, beat, 2, 2, np.array([[0.6, 0.5], [0.3, 0.2]]))
    assert memory.group.tolist() == [[0.6, 0.5], [0.3, 0.2]] and not memory.beat.any()
    assert memory.members.tolist() == [2, 3] and memory.mix.sum(axis=1) == pytest.approx([1.0, 1.0])
    res = SimpleNamespace(group=group, beat=beat)
    kept = np.array([[0.1, 0.2, 0.4], [0.0, -0.1, 0.0]])  # two components, three experiences
    norms.tally(memory, res, np.array([0, 2, 3]), kept)
    assert memory.kept_group[:, 0] == pytest.approx([0.1, 0.6]) and memory.kept_group[:, 1] == pytest.approx([0, -0.1])
    assert memory.kept_beat[:, 0] == pytest.approx([0.1, 0.6])
    per_member, _ = norms.shared(memory)
    assert per_member[:, 0] == pytest.approx([0.05, 0.2])  # the group's kept changes per member
