"""Transparency releases: perceived effectiveness moves toward what is achieved."""

from __future__ import annotations

import numpy as np
from small_town import model_after, program


def test_transparency_moves_perceived_effectiveness_toward_what_is_achieved():
    kw = {
        "transparency__enabled": True,
        "transparency__reach": 1.0,
        "transparency__engagement_log_odds": 0.0,
        "transparency__strength": 1.0,
        "transparency__fidelity": 1.0,
        "transparency__interval_days": 30,
    }
    m, base = model_after(92, **kw), model_after(92)
    p = program(m, "transparency")
    assert len(p.log) == 3
    warranted = p.log[-1][2]
    gap = np.abs(m.residents.effectiveness - warranted).mean()
    gap0 = np.abs(base.residents.effectiveness - warranted).mean()
    assert gap < 0.95 * gap0  # one release moves each viewer a step of the way


def test_a_release_due_on_a_day_without_hours_is_published_on_the_next_day_with_hours(monkeypatch):
    from cpsim.programs import transparency

    granted, due = transparency.granted_share, transparency.Transparency._due
    state = {"due": 0, "refused": []}

    def count_due(self):
        state["due"] += 1
        due(self)

    def none_on_the_first_due_day(model, hours):
        # the first release day grants no hours; every other day as the split grants them
        if state["due"] == 1 and not state["refused"]:
            state["refused"].append(model.day)
            return 0.0 * granted(model, hours)
        return granted(model, hours)

    monkeypatch.setattr(transparency.Transparency, "_due", count_due)
    monkeypatch.setattr(transparency, "granted_share", none_on_the_first_due_day)
    kw = {"transparency__enabled": True, "transparency__interval_days": 30}
    p = program(model_after(92, **kw), "transparency")
    days, refused = [row[0] for row in p.log], state["refused"]
    assert len(refused) == 1 and len(days) == 3  # none lost (as many as the undisturbed run's)
    assert days[0] == refused[0] + 1 and days[1] - refused[0] == 30  # a day late, the next on time
