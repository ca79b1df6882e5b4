"""Residents and officers as Mesa agents: views onto the model's state arrays.

Every per-day mechanism is vectorised over the arrays in ``model.residents`` and
``model.officers``; an agent reads and writes its own row, so the Mesa idioms work
(``model.agents_by_type[Resident].agg("trust", np.mean)``, ``select``, ``groupby``).

The simulation itself never reads an agent, and creating them took three quarters of a
city's build time, so ``AgentViews`` creates them the first time anything asks Mesa for its
agents (``model.agents``, ``agents_by_type``, ``agent_types``) or registers another agent:
all at once and in row order (resident row ``i`` has ``unique_id`` ``i + 1``, officers
follow), so what Mesa shows is the same whenever it is first asked.
"""

from __future__ import annotations

from typing import Any

import mesa
import numpy as np
from mesa.agentset import AbstractAgentSet


class Resident(mesa.Agent):
    """A resident: a view onto row ``index`` of the model's resident arrays."""

    def __init__(self, model: mesa.Model, index: int) -> None:
        """Create the resident for row ``index``."""
        super().__init__(model)
        self.index = int(index)

    def _get(self, name: str):
        return getattr(self.model.residents, name)[self.index]

    def _set(self, name: str, value) -> None:
        getattr(self.model.residents, name)[self.index] = value

    trust = property(lambda self: float(self._get("trust")), doc="Trust index, 0-1.")
    legitimacy = property(
        lambda self: float(self._get("legitimacy")),
        lambda self, v: self._set("legitimacy", v),
        doc="Perceived procedural fairness / legitimacy, 0-1.",
    )
    effectiveness = property(
        lambda self: float(self._get("effectiveness")),
        lambda self, v: self._set("effectiveness", v),
        doc="Perceived police effectiveness, 0-1.",
    )
    safety = property(lambda self: float(self._get("safety")), doc="Perceived safety, 0-1.")
    familiarity = property(lambda self: float(self._get("familiarity")), doc="Familiarity with the beat team, 0-1.")
    beat = property(lambda self: int(self._get("beat")), doc="Police beat (neighbourhood).")
    place = property(lambda self: int(self._get("place")), doc="Home street segment.")
    youth = property(lambda self: bool(self._get("youth")), doc="Aged 12-24.")
    engagement = property(lambda self: float(self._get("engagement")), doc="Civic engagement, 0-1.")
    offender = property(lambda self: bool(self._get("offender")), doc="An active offender.")

    @property
    def group(self) -> str:
        """Name of the resident's group."""
        return self.model.params.population.group_names[self._get("group")]

    @property
    def neighbors(self) -> list[int]:
        """Indices of the residents tied to this one in the social graph."""
        return self.model.social.neighbors(self.index).tolist()


class Officer(mesa.Agent):
    """A sworn officer: a view onto row ``index`` of the model's officer arrays."""

    def __init__(self, model: mesa.Model, index: int) -> None:
        """Create the officer for row ``index``."""
        super().__init__(model)
        self.index = int(index)

    beat = property(
        lambda self: int(self.model.officers.beat[self.index]),
        doc="Assigned beat (-1: not on a beat).",
    )
    skill = property(
        lambda self: float(self.model.officers.skill[self.index]),
        lambda self, v: self.model.officers.skill.__setitem__(self.index, v),
        doc="Procedural skill, 0-1.",
    )
    on_duty = property(lambda self: bool(self.model.officers.on_duty[self.index]), doc="Working today.")

    def hours(self, activity: str) -> float:
        """Hours this officer has spent on an activity since the start."""
        return float(self.model.officers.hours[activity][self.index])


class AgentViews(mesa.Model):
    """A Mesa model whose Resident and Officer agents are created on first use.

    The model sets ``residents`` and ``officers`` (state arrays with a row count ``n``) in
    its ``__init__``; the views over their rows appear the first time Mesa's agent
    registry is read or written, so a run that never looks at an agent creates none.
    """

    _agent_views_made = False

    def _make_agent_views(self) -> None:
        # Before the arrays exist there is nothing to view; a later call makes the views.
        if self._agent_views_made or "officers" not in self.__dict__:
            return
        self._agent_views_made = True  # first: the views' own registration comes back here
        Resident.create_agents(self, self.residents.n, np.arange(self.residents.n))
        Officer.create_agents(self, self.officers.n, np.arange(self.officers.n))

    @property
    def agents(self) -> AbstractAgentSet[mesa.Agent]:
        """Mesa's set of all agents (residents and officers created on first use)."""
        self._make_agent_views()
        return super().agents

    @agents.setter
    def agents(self, agents: Any) -> None:
        mesa.Model.agents.fset(self, agents)  # Mesa's own refusal

    @property
    def agents_by_type(self) -> dict[type[mesa.Agent], AbstractAgentSet[mesa.Agent]]:
        """Mesa's agent sets by class (residents and officers created on first use)."""
        self._make_agent_views()
        return super().agents_by_type

    @property
    def agent_types(self) -> list[type[mesa.Agent]]:
        """Mesa's agent classes (residents and officers created on first use)."""
        self._make_agent_views()
        return super().agent_types

    def register_agent(self, agent: mesa.Agent) -> None:
        """Register an agent with Mesa, after the residents and officers (ids stay in row order)."""
        self._make_agent_views()
        super().register_agent(agent)

    def remove_all_agents(self) -> None:
        """Remove every agent; residents and officers not yet created are never created."""
        self._agent_views_made = True
        super().remove_all_agents()
