"""A city built from a table of areas (``[areas]``): residents, groups and risk per area, ties next door.

Each area of the areas file (cpsim/scenario/areas_file.py) is one police beat. Nothing here
is drawn at random except which residents a tie reaches:

- residents per area: the city's residents shared out in proportion to the areas'
  populations (largest remainder, so each area is within one resident of its share at
  the scale);
- groups: each area's residents shared out over the groups by the area's shares, the same
  way; residents are numbered area by area and group by group, so the consecutive
  residents of a place who form a household are mostly of one group, as households are;
- beat risk: the area's crime rate relative to the city's (``areas.violent_weight``),
  resident-weighted mean 1; places keep their lognormal spread within the area
  (``population.place_risk_sigma``), normalised so the area's resident-weighted mean risk
  is exactly its table value;
- ties next door: with an adjacency file, a share ``areas.border_share`` of the long ties
  that leave an area go to a bordering area, chosen in proportion to its residents (of the
  resident's group, for the ties ``graph.homophily_group`` keeps within the group).
"""

from __future__ import annotations

import numpy as np

from cpsim.scenario.areas_file import AreaTable, area_residents, area_risk, group_counts, read_areas
from cpsim.world.layout import beat_index, sample_weighted_within, sample_within, stable_order


def area_table(scenario) -> AreaTable:
    """The validated areas table of a scenario with ``areas.path`` (cached by the reader)."""
    a = scenario.areas
    return read_areas(a.path, scenario.population.group_names, a.composition, a.adjacency)


def area_layout(scenario) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Beat and group of every resident, and each beat's crime risk, from the areas table.

    Args:
        scenario: A validated scenario with ``areas.path`` (its population.residents is the
            city's size at the stated scale).

    Returns:
        Beat (int32) and group (int8) per resident, risk multiplier per beat.

    """
    table = area_table(scenario)
    per_area = area_residents(table, scenario.population.residents)
    counts = group_counts(table, per_area)
    beat = np.repeat(np.arange(table.n), per_area).astype(np.int32)
    group = np.repeat(np.tile(np.arange(counts.shape[1]), table.n), counts.ravel()).astype(np.int8)
    return beat, group, area_risk(table, per_area, scenario.areas.violent_weight)


def place_risk(draw: np.ndarray, place_beat: np.ndarray, place_res: np.ndarray, beat_risk: np.ndarray) -> np.ndarray:
    """Place risks whose resident-weighted mean in each beat is the beat's risk.

    Args:
        draw: A lognormal draw per place (the spread of risk between street segments).
        place_beat: Beat of each place.
        place_res: Residents of each place.
        beat_risk: Risk of each beat (the area's, from the table).

    Returns:
        Risk multiplier per place.

    """
    n_beats = beat_risk.size
    mean = np.bincount(place_beat, draw * place_res, n_beats) / np.maximum(
        np.bincount(place_beat, place_res, n_beats), 1
    )
    return draw / np.where(mean > 0, mean, 1.0)[place_beat] * beat_risk[place_beat]


def borders_csr(scenario, n_beats: int) -> tuple[np.ndarray, np.ndarray] | None:
    """Each beat's bordering beats as CSR arrays (indptr, indices), or None without an adjacency file."""
    if not scenario.areas.path or not scenario.areas.adjacency:
        return None
    pairs = area_table(scenario).borders
    a = np.concatenate([pairs[:, 0], pairs[:, 1]])
    b = np.concatenate([pairs[:, 1], pairs[:, 0]])
    order = np.lexsort((b, a))
    indptr = np.concatenate([[0], np.cumsum(np.bincount(a, minlength=n_beats))]).astype(np.int64)
    return indptr, b[order].astype(np.int64)


def next_door(
    src: np.ndarray,
    in_group: np.ndarray,
    residents,
    borders: tuple[np.ndarray, np.ndarray],
    rng: np.random.Generator,
) -> np.ndarray:
    """The other end of long ties sent to bordering areas.

    A bordering area is chosen in proportion to its residents (of the resident's own
    group where ``in_group``), then a resident of it (of that group) uniformly. A tie from
    an area with no such neighbour goes anywhere in the city instead (of the group where
    ``in_group``), so no area loses ties for lack of borders.

    Args:
        src: The resident each tie starts from.
        in_group: Ties kept within the resident's group.
        residents: The residents' arrays (beat, group).
        borders: Bordering beats as CSR (indptr, indices).
        rng: The graph stream.

    Returns:
        The resident each tie reaches.

    """
    indptr, nbr = borders
    n_beats = indptr.size - 1
    n_groups = int(residents.group.max()) + 1
    beat = residents.beat.astype(np.int64)
    group = residents.group.astype(np.int64)
    counts = np.bincount(beat * n_groups + group, minlength=n_beats * n_groups).reshape(n_beats, n_groups)
    entry_beat = np.repeat(np.arange(n_beats), np.diff(indptr))
    out = np.full(src.size, -1, np.int64)
    for grouped in (False, True):
        mask = in_group if grouped else ~in_group
        if not mask.any():
            continue
        # What a tie draws from: the entries of its beat's neighbour list (x each group, for group ties).
        if grouped:
            member_key = (entry_beat[:, None] * n_groups + np.arange(n_groups)).ravel()
            weight, member_area = counts[nbr].ravel(), np.repeat(nbr, n_groups)
            res_key, n_keys = beat * n_groups + group, n_beats * n_groups
        else:
            member_key, weight, member_area = entry_beat, counts[nbr].sum(1), nbr
            res_key, n_keys = beat, n_beats
        order, start = beat_index(member_key, n_keys)
        cum = np.concatenate([[0.0], np.cumsum(weight[order].astype(float))])
        picked = sample_weighted_within(order, start, cum, res_key[src[mask]], rng)
        area = np.where(picked >= 0, member_area[np.maximum(picked, 0)], -1)
        target = np.where(area >= 0, area * n_groups + group[src[mask]], -1) if grouped else area
        r_order, r_start = beat_index(res_key, n_keys)
        got = np.full(target.size, -1, np.int64)
        ok = target >= 0
        got[ok] = sample_within(r_order, r_start, target[ok], rng)
        out[np.flatnonzero(mask)] = got
    lost = np.flatnonzero(out < 0)
    if lost.size:  # no bordering area (of the group): anywhere in the city, as other leaving ties go
        own = np.where(in_group[lost], group[src[lost]], n_groups)  # key n_groups: everyone
        order = np.concatenate([stable_order(group), np.arange(group.size)])
        start = np.concatenate([[0], np.cumsum(np.bincount(group, minlength=n_groups)), [2 * group.size]])
        out[lost] = sample_within(order, start, own, rng)
    return out


def people_per_resident(scenario) -> float:
    """Real residents one simulated resident stands for: ``areas.scale``, or the table's people per resident, or 1.

    A city drawn without an areas table is its own size (each resident is one person); real-world
    rates per person (publicized incidents per 100,000 residents, say) become rates per
    simulated resident times this.
    """
    if not scenario.areas.path:
        return 1.0
    if scenario.areas.scale > 0:
        return float(scenario.areas.scale)
    return float(area_table(scenario).population.sum()) / max(scenario.population.residents, 1)
