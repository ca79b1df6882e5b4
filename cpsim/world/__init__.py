"""The world a model runs in: population, places, officers and the social graph."""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
import numpy as np

from cpsim.scenario.graphfile import read_graph_file
from cpsim.world.graph import SocialGraph, build_graph
from cpsim.world.population import (
    Officers,
    Places,
    Residents,
    build_officers,
    build_residents_and_places,
)

__all__ = ["Officers", "Places", "Residents", "SocialGraph", "World", "build_world"]


@dataclass
class World:
    """Everything drawn at initialisation."""

    residents: Residents
    places: Places
    officers: Officers
    graph: SocialGraph
    beat_risk: np.ndarray

    @property
    def n_beats(self) -> int:
        """Number of police beats."""
        return len(self.beat_risk)


def build_world(scenario, streams: dict[str, np.random.Generator], graph: nx.Graph | None = None) -> World:
    """Draw the population, officers and social graph of a scenario.

    Args:
        scenario: The validated scenario.
        streams: Named random streams ("population", "graph", "officers").
        graph: Optional networkx graph to use as the social graph (node count = residents).

    Returns:
        The world.

    Raises:
        ValueError: When a supplied graph (or a graph file changed since the scenario was
            loaded) does not have one node per resident.

    """
    n = scenario.population.residents
    # The loader has checked a graph file (format, one node per resident); it is read here.
    if graph is None and scenario.graph.kind == "file":
        graph = read_graph_file(scenario.graph.path)
    if graph is not None and graph.number_of_nodes() != n:
        raise ValueError(f"graph: {graph.number_of_nodes()} nodes; allowed: one per resident ({n})")
    residents, places, beat_risk = build_residents_and_places(scenario, streams["population"])
    social = build_graph(scenario, residents, streams["graph"], graph)
    officers = build_officers(scenario, residents, beat_risk, streams["officers"])
    return World(residents, places, officers, social, beat_risk)
