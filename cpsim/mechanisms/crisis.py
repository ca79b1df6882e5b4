"""Mental-health crisis calls: a share of resident help calls, some of which end badly.

A share ``share_of_calls`` of the answered resident help calls (calls that do not report a
crime) are mental-health crises. Each draws one uniform number u when it is answered; a
call handled by police alone ends in use of force or another poor outcome when
``u < force_share``. A co-responder team (cpsim.programs.co_responder) may claim a call
first and handle it with a clinician, where the same u is compared with a smaller
threshold: the calls it saves are exactly those that would have gone badly, so two
scenarios run with the same seed differ only by the team (common random numbers).

A forceful outcome is a police contact of quality 0 (the worst procedure: complaints may
follow) with strongly negative valences (F1, F3), and it is retold ``story_weight`` times
as much as an ordinary contact (F4).
"""

from __future__ import annotations

import numpy as np

from cpsim.kernels import draws


def draw_crisis_calls(callers: np.ndarray, crisis, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Which answered help calls are crises, and each crisis call's outcome draw u.

    Args:
        callers: Residents whose help calls were answered today.
        crisis: The crisis section of the scenario.
        rng: The crisis stream.

    Returns:
        The callers in crisis and one uniform draw per crisis call.

    """
    is_crisis = draws.chances(rng, crisis.share_of_calls, callers.size)  # rng.random(n) < share, compiled
    idx = callers[is_crisis]
    return idx, rng.random(idx.size)


def record_force(contacts, tell, idx: np.ndarray, crisis) -> None:
    """Record crises that ended in force: the contact, and the extra retelling of it.

    Args:
        contacts: The day's contacts buffer.
        tell: The model's ``tell(idx, v_legitimacy, v_effectiveness, fear)``.
        idx: Residents whose crisis ended in force.
        crisis: The crisis section of the scenario.

    """
    if idx.size == 0:
        return
    contacts.add("crisis_force", idx, crisis.force_legitimacy, crisis.force_effectiveness, 0.0)
    extra = max(crisis.story_weight - 1.0, 0.0)
    tell(idx, extra * crisis.force_legitimacy, extra * crisis.force_effectiveness, 0.0)
