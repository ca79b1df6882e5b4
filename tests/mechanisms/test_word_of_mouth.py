"""cpsim/mechanisms/word_of_mouth.py: stories are summed per teller and reach only the teller's ties (F4)."""

from __future__ import annotations

import numpy as np
import pytest

from cpsim.mechanisms.word_of_mouth import MIN_STORY, hear, merge
from cpsim.world.graph import from_edges


def test_a_residents_stories_are_summed_and_faint_ones_dropped():
    idx, stories = merge([
        (np.array([3, 1]), np.array([[0.2, 0.0, 0.0], [0.5 * MIN_STORY, 0.0, 0.0]])),
        (np.array([3]), np.array([[0.1, -0.3, 0.0]])),
    ])  # fmt: skip
    assert idx.tolist() == [3] and stories[0] == pytest.approx([0.3, -0.3, 0.0])


def test_only_ties_hear_a_story_and_more_so_the_more_who_tell_it():
    graph = from_edges(np.array([0, 1, 2]), np.array([1, 2, 3]), 5)  # a path 0-1-2-3, and 4 alone
    listeners, heard = hear(graph, np.array([0, 2]), np.array([[0.4, 0.0, 0.0], [0.4, 0.0, 0.0]]), 0.5)
    assert listeners.tolist() == [1, 3]  # the tellers' ties, nobody else
    assert heard[:, 0] == pytest.approx([0.4, 0.2])  # 1 hears both tellers, 3 one of them
