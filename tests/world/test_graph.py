"""cpsim/world/graph.py: the social graph, clustered and homophilous, held as CSR arrays."""

from __future__ import annotations

import networkx as nx
import numpy as np
from resident_arrays import built_world

from cpsim.world.graph import from_edges, from_networkx


def test_local_graph_is_clustered_and_homophilous():
    s, w = built_world(5000)
    g, res = w.graph, w.residents
    src = np.repeat(np.arange(g.n), g.degree())
    same_beat = (res.beat[src] == res.beat[g.indices]).mean()
    chance = np.sum((np.bincount(res.beat) / res.n) ** 2)
    assert same_beat > chance + 0.3
    same_group = (res.group[src] == res.group[g.indices]).mean()
    assert same_group > np.sum((np.bincount(res.group) / res.n) ** 2) + 0.1
    assert 5 < g.degree().mean() < 12
    assert nx.average_clustering(g.to_networkx()) > 0.1


def test_spread_is_the_sparse_matrix_product():
    rng = np.random.default_rng(1)
    nxg = nx.gnm_random_graph(200, 800, seed=2)
    g = from_networkx(nxg)
    v = rng.standard_normal(200)
    a = nx.to_numpy_array(nxg, nodelist=range(200))
    speakers = np.arange(200)
    assert np.allclose(g.spread(speakers, v), a @ v)
    assert g.to_networkx().number_of_edges() == 800


def test_from_edges_drops_self_ties_and_duplicates():
    g = from_edges(np.array([0, 0, 1, 2, 2]), np.array([1, 1, 0, 2, 0]), 3)
    assert g.n_edges == 2 and sorted(g.neighbors(0).tolist()) == [1, 2]
