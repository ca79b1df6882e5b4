"""The residents' social graph, held as CSR arrays with a networkx view on demand.

Word of mouth runs on the CSR arrays (one gather per day over the speakers' ties). Any
networkx graph, GraphML or edge-list file can be used instead of the built-in builder;
large populations are built straight into arrays because building a million-node graph
through networkx takes tens of seconds and gigabytes.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import networkx as nx
import numpy as np

from cpsim.scenario.graphfile import read_graph_file
from cpsim.world.areas import borders_csr, next_door
from cpsim.world.layout import beat_index, sample_within, stable_order


@dataclass
class SocialGraph:
    """Undirected graph over residents 0..n-1 in CSR form (each tie stored both ways)."""

    indptr: np.ndarray
    indices: np.ndarray

    @property
    def n(self) -> int:
        """Number of nodes."""
        return len(self.indptr) - 1

    @property
    def n_edges(self) -> int:
        """Number of undirected ties."""
        return len(self.indices) // 2

    def degree(self) -> np.ndarray:
        """Ties per resident."""
        return np.diff(self.indptr)

    def neighbors(self, i: int) -> np.ndarray:
        """The residents tied to resident i."""
        return self.indices[self.indptr[i] : self.indptr[i + 1]]

    def to_networkx(self) -> nx.Graph:
        """Build a networkx Graph (for analysis and drawing; slow for large graphs)."""
        g = nx.Graph()
        g.add_nodes_from(range(self.n))
        src = np.repeat(np.arange(self.n), self.degree())
        keep = src < self.indices
        g.add_edges_from(zip(src[keep].tolist(), self.indices[keep].tolist(), strict=True))
        return g

    def gather(self, speakers: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The ties of each speaker, concatenated, and how many each speaker has.

        Args:
            speakers: Resident indices.

        Returns:
            Neighbour indices (speaker by speaker) and the tie count of each speaker.

        """
        lo, hi = self.indptr[speakers], self.indptr[speakers + 1]
        counts = hi - lo
        total = int(counts.sum())
        first = np.repeat(lo - np.concatenate([[0], np.cumsum(counts)[:-1]]), counts)
        return self.indices[first + np.arange(total)].astype(np.int64), counts

    def spread(self, speakers: np.ndarray, values: np.ndarray) -> np.ndarray:
        """Sum each resident's neighbours' values: the sparse product A @ v over the speakers.

        Args:
            speakers: Indices of residents with something to pass on.
            values: Their values, shape (len(speakers),) or (len(speakers), channels).

        Returns:
            Per-resident sums, shape (n,) or (n, channels).

        """
        listeners, counts = self.gather(speakers)
        if values.ndim == 1:
            return np.bincount(listeners, np.repeat(values, counts), minlength=self.n)
        rep = np.repeat(values, counts, axis=0)
        return np.stack(
            [np.bincount(listeners, rep[:, c], minlength=self.n) for c in range(values.shape[1])],
            axis=1,
        )


def from_edges(src: np.ndarray, dst: np.ndarray, n: int) -> SocialGraph:
    """Make a simple undirected CSR graph from edge lists (drops self-ties and duplicates)."""
    keep = src != dst
    s, d = src[keep].astype(np.int64, copy=False), dst[keep].astype(np.int64, copy=False)
    # Each tie both ways as one int64 key (from * n + to), so one sort orders the CSR rows.
    key = np.concatenate([s * n + d, d * n + s])
    # Sort-based dedup: numpy's hash-based np.unique is ~10x slower on 10M keys.
    key.sort()
    key = key[np.concatenate([[True], key[1:] != key[:-1]])] if key.size else key
    a = key // n
    indptr = np.concatenate([[0], np.cumsum(np.bincount(a, minlength=n))]).astype(np.int64)
    return SocialGraph(indptr=indptr, indices=(key - a * n).astype(np.int32))


def from_networkx(g: nx.Graph) -> SocialGraph:
    """Convert any networkx graph; nodes are numbered in the graph's node order."""
    nodes = list(g.nodes)
    pos = {node: i for i, node in enumerate(nodes)}
    if g.number_of_edges() == 0:
        return from_edges(np.empty(0, np.int64), np.empty(0, np.int64), len(nodes))
    e = np.array([(pos[u], pos[v]) for u, v in g.edges()], dtype=np.int64)
    return from_edges(e[:, 0], e[:, 1], len(nodes))


def build_local(scenario, residents, rng: np.random.Generator) -> SocialGraph:
    """Clustered local ties plus long ties with homophily, straight into arrays.

    Household members are all tied; each resident adds on average ``neighbour_ties`` ties
    on their street segment and ``long_ties`` ties elsewhere, of which a share stays in
    the same beat (``homophily_beat``) and a share within the same group
    (``homophily_group``). In a city of areas with borders, a share ``areas.border_share``
    of the ties that leave the beat go to a bordering area.

    Args:
        scenario: The validated scenario.
        residents: The residents' arrays.
        rng: The graph stream.

    Returns:
        The social graph.

    """
    g = scenario.graph
    n = residents.n
    srcs, dsts = [], []

    hh_order = stable_order(residents.household)
    hh_sorted = residents.household[hh_order]
    for d in itertools.count(1):  # until d passes the largest household (no cap on its size)
        same = hh_sorted[:-d] == hh_sorted[d:]
        if not same.any():
            break
        srcs.append(hh_order[:-d][same])
        dsts.append(hh_order[d:][same])

    # Each tie has two ends, so each resident starts half of its expected ties.
    # Neighbours: a ring of nearby doors within the street segment (Watts-Strogatz style),
    # so people who know the same neighbours know each other (clustering).
    k_local = rng.poisson(g.neighbour_ties / 2, n)
    src = np.repeat(np.arange(n), k_local)
    pos = np.empty(n, np.int64)
    pos[residents.by_place] = np.arange(n)
    home = residents.place[src]
    lo = residents.place_start[home]
    size = residents.place_start[home + 1] - lo
    window = max(2, int(round(g.neighbour_ties + 1)))
    step = rng.integers(1, window + 1, src.size)
    dst = residents.by_place[lo + (pos[src] - lo + step) % np.maximum(size, 1)]
    srcs.append(src)
    dsts.append(dst)

    k_long = rng.poisson(g.long_ties / 2, n)
    src = np.repeat(np.arange(n), k_long)
    n_groups = int(residents.group.max()) + 1
    n_beats = len(residents.beat_start) - 1
    in_beat = rng.random(src.size) < g.homophily_beat
    in_group = rng.random(src.size) < g.homophily_group
    borders = borders_csr(scenario, n_beats)
    # Of the ties leaving a beat, a share goes next door when the city's areas have borders (cpsim/world/areas.py).
    door = ~in_beat & (rng.random(src.size) < scenario.areas.border_share) if borders is not None else None
    away = ~in_beat if door is None else ~in_beat & ~door
    dst = np.empty(src.size, np.int64)
    keyed = [
        (in_beat & in_group, residents.beat.astype(np.int64) * n_groups + residents.group, n_beats * n_groups),
        (in_beat & ~in_group, residents.beat.astype(np.int64), n_beats),
        (away & in_group, residents.group.astype(np.int64), n_groups),
        (away & ~in_group, np.zeros(n, np.int64), 1),
    ]
    for mask, key, n_keys in keyed:
        order, start = beat_index(key, n_keys)
        dst[mask] = sample_within(order, start, key[src[mask]], rng)
    if door is not None:
        dst[door] = next_door(src[door], in_group[door], residents, borders, rng)
    srcs.append(src)
    dsts.append(dst)

    src, dst = np.concatenate(srcs), np.concatenate(dsts)
    ok = dst >= 0
    return from_edges(src[ok], dst[ok], n)


def build_graph(scenario, residents, rng: np.random.Generator, graph: nx.Graph | None = None):
    """Build the social graph the scenario asks for (or convert the one given).

    Args:
        scenario: The validated scenario.
        residents: The residents' arrays.
        rng: The graph stream (networkx generators take their seed from it).
        graph: A networkx graph supplied by the caller, used as is.

    Returns:
        The social graph.

    """
    kind = scenario.graph.kind
    n = residents.n
    seed = int(rng.integers(2**31 - 1))
    if graph is not None:
        return from_networkx(graph)
    if kind == "local":
        return build_local(scenario, residents, rng)
    if kind == "watts_strogatz":
        return from_networkx(
            nx.watts_strogatz_graph(n, min(scenario.graph.ws_k, n - 1), scenario.graph.ws_p, seed=seed)
        )
    if kind == "powerlaw_cluster":
        m = max(1, min(scenario.graph.ws_k // 2, n - 1))
        return from_networkx(nx.powerlaw_cluster_graph(n, m, scenario.graph.ws_p, seed=seed))
    return from_networkx(read_graph_file(scenario.graph.path))
