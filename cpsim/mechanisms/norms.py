"""Collective memory: a group's and a neighbourhood's shared view of the police, kept as stocks.

Where each resident's attitudes settle (their anchor, cpsim.mechanisms.trust) starts from a
shared view: the collective memory ``M_g`` of their group (history, identity, linked fate) plus
their neighbourhood's departure from it, ``L_b`` (legal cynicism is shared by neighbours:
Sampson & Bartusch 1998; Kirk & Papachristos 2011). Both are stocks, made of what is told and
heard: the part of each story heard (word of mouth) and each incident met in the news that a
resident keeps (``kept``, cpsim.mechanisms.trust). What happened to oneself — a stop, a visit,
a victimisation — stays one's own: it moves the resident's attitude, which relaxes toward the
anchor within a few years, and reaches the memories as the stories the resident tells. Once a
week, per component (legitimacy, effectiveness), the week's kept changes of what was told and
heard give what is shared:

    K_g = kept by group g's members / members            (what the group heard in common)
    E_b = kept by beat b's residents / residents - sum_g s_bg K_g   (what the beat heard beyond its groups)

and the memories take it in:

    M_g <- D + (M_g - D) f_g + K_g
    L_b <- L_b f_b + E_b

with ``s_bg`` the share of beat b's residents in group g, D = ``trust.diffuse_support`` (the
balance of what each generation learns of police apart from experience: family, school,
media) and ``f = 0.5 ** (7 / half-life)`` (``trust.memory_half_life_days``,
``trust.neighbourhood_memory_half_life_days``). A resident's attitude is their memories plus
their own departure from them: the shared part of what they kept is already in their attitude
and moves from their departure into the memories (the attitude stays where it is), and as the
memories fade toward D every member's attitude moves with them. Their anchor (cpsim.model)
holds the memories whole and their own part mixed with the ties' departures, so what was
theirs alone fades toward the anchor within a few years while what the group shares stays as
long as the memories keep it: one change, never counted twice. The L's average to zero over
residents, so the groups' memories carry the city's level and the gaps between groups, the L's
the differences between neighbourhoods. A program that changes what residents live moves
their attitudes within a few years, and the memories by what it gives them to tell; the news,
which the whole group meets, moves the memories.

A memory's equilibrium is ``D + K_g / (1 - f_g)`` (K per week): the level today's flow sustains,
and since positive experiences move trust less the higher it is and negative ones more
(cpsim.mechanisms.trust), K falls as M rises: the equilibrium is stable. History sets where
memories start (``trust.initial_by_group``, cpsim.model); a memory started elsewhere moves to
its equilibrium, so a gap that today's flows do not sustain closes, at a rate the model
reports (``cpsim validate --only gaps``), and one that they do stays.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cpsim.world.state import state

COMPONENTS = 2  # legitimacy, effectiveness
# Experiences the collective memories are made of, besides stories heard (cpsim.model's word of
# mouth): what is told and heard, not what happened to oneself (that stays one's own).
SHARED_KINDS = ("incident_news",)


@dataclass
class Memory:
    """The collective memories: per group and per beat, per component (legitimacy, effectiveness)."""

    group: np.ndarray = state("0–1", "Per group and component, the group's collective memory of police (M_g)")
    beat: np.ndarray = state("0–1 scale, ±", "Per beat and component, the neighbourhood's departure (L_b)")
    kept_group: np.ndarray = state("0–1 scale", "Per group and component, the week's kept changes so far (sum)")
    kept_beat: np.ndarray = state("0–1 scale", "Per beat and component, the week's kept changes so far (sum)")
    members: np.ndarray = state("persons", "Residents per group")
    residents: np.ndarray = state("persons", "Residents per beat")
    mix: np.ndarray = state("1", "Per beat and group, the share of the beat's residents in the group (s_bg)")


def start(group: np.ndarray, beat: np.ndarray, n_groups: int, n_beats: int, level: np.ndarray) -> Memory:
    """The memories at the start: each group's at ``level`` (history), no neighbourhood departs from it.

    Args:
        group: Each resident's group.
        beat: Each resident's beat.
        n_groups: Number of groups.
        n_beats: Number of beats.
        level: Per group and component, the memory at the start, shape (groups, 2).

    Returns:
        The memories, with empty weekly tallies.
    """
    members = np.bincount(group, minlength=n_groups).astype(float)
    residents = np.bincount(beat, minlength=n_beats).astype(float)
    cells = np.bincount(beat.astype(np.int64) * n_groups + group, minlength=n_beats * n_groups)
    mix = cells.reshape(n_beats, n_groups) / np.maximum(residents, 1.0)[:, None]
    return Memory(
        group=np.array(level, float).reshape(n_groups, COMPONENTS),
        beat=np.zeros((n_beats, COMPONENTS)),
        kept_group=np.zeros((n_groups, COMPONENTS)),
        kept_beat=np.zeros((n_beats, COMPONENTS)),
        members=members,
        residents=residents,
        mix=mix,
    )


def tally(memory: Memory, group: np.ndarray, beat: np.ndarray, kept: np.ndarray) -> None:
    """Add experiences' kept changes to the week's tallies (in place).

    Args:
        memory: The memories.
        group: The group of each experience's resident.
        beat: The beat of each experience's resident.
        kept: The change each experience left in the resident's attitudes, shape (2, experiences).
    """
    if group.size == 0:
        return
    n_groups, n_beats = memory.kept_group.shape[0], memory.kept_beat.shape[0]
    for c in range(COMPONENTS):
        memory.kept_group[:, c] += np.bincount(group, weights=kept[c], minlength=n_groups)
        memory.kept_beat[:, c] += np.bincount(beat, weights=kept[c], minlength=n_beats)


def shared(memory: Memory) -> tuple[np.ndarray, np.ndarray]:
    """The week's shared kept changes so far: per group (K_g) and per beat beyond its groups (E_b)."""
    per_member = memory.kept_group / np.maximum(memory.members, 1.0)[:, None]
    per_resident = memory.kept_beat / np.maximum(memory.residents, 1.0)[:, None]
    return per_member, per_resident - memory.mix @ per_member


def settle(memory: Memory, res, t, days: int) -> None:
    """A week's step (in place): the memories take in what was shared and fade; members' attitudes fade with them.

    A resident's attitude is their memories plus their own departure: the shared part of the week's
    kept changes is already in their attitude and moves into the memories (the attitude stays), and
    as the memories fade toward the diffuse support every member's attitude moves with them.

    Args:
        memory: The memories; the week's tallies are emptied.
        res: Residents arrays (group, beat, attitudes: they move with their memories' fading).
        t: The trust section (diffuse_support, the memories' half-lives).
        days: Days since the last step (the tallies' span).
    """
    group_part, beat_part = shared(memory)
    d = t.diffuse_support
    keep_group = 0.5 ** (days / t.memory_half_life_days)
    keep_beat = 0.5 ** (days / t.neighbourhood_memory_half_life_days)
    group_fade = (d - memory.group) * (1.0 - keep_group)
    beat_fade = -memory.beat * (1.0 - keep_beat)
    for c, attitude in enumerate((res.attitude_legitimacy, res.attitude_effectiveness)):
        attitude += group_fade[:, c][res.group] + beat_fade[:, c][res.beat]
        np.clip(attitude, 0.0, 1.0, out=attitude)
    memory.group[:] = np.clip(memory.group + group_fade + group_part, 0.0, 1.0)
    memory.beat[:] = memory.beat + beat_fade + beat_part
    memory.kept_group[:] = 0.0
    memory.kept_beat[:] = 0.0


def equilibrium(t, per_member_week: np.ndarray) -> np.ndarray:
    """The level a group's memory settles at if its members keep ``per_member_week`` in common a week.

    Args:
        t: The trust section.
        per_member_week: Per group and component, shared kept changes per member a week.

    Returns:
        ``D + K / (1 - f)`` per group and component.
    """
    keep = 0.5 ** (7.0 / t.memory_half_life_days)
    return t.diffuse_support + np.asarray(per_member_week, float) / (1.0 - keep)
