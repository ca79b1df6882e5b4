"""Where the page draws each beat, place and resident: computed once per model build.

The neighbourhood has no map coordinates, so the drawing follows its structure: beats
are blocks on a grid, a beat's places (street segments) are cells inside its block, and a
place's residents sit in its cell on a sunflower spiral, household members next to each
other. Positions come straight from the arrays (no force-directed layout), so a layout
of thousands of residents takes milliseconds and never changes while the model runs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

ASPECT = 1.4  # the pictures' drawing area is 1.4 times wider than tall (height 1)
GAP = 0.02  # margin around each beat block
BAND = 0.07  # top strip of each block, where its name and officers are drawn
GOLDEN_ANGLE = np.pi * (3.0 - np.sqrt(5.0))


@dataclass(frozen=True)
class Layout:
    """Drawing coordinates (x to the right, y up; the whole drawing is ASPECT x 1).

    Attributes:
        xy: Position of each resident (n x 2).
        place_box: x0, y0, x1, y1 of each place's cell.
        beat_box: x0, y0, x1, y1 of each beat's block (inside the gaps).
        width: Total width (blocks per row).
        height: Total height (rows of blocks).

    """

    xy: np.ndarray
    place_box: np.ndarray
    beat_box: np.ndarray
    width: float
    height: float

    def officer_xy(self, beat: np.ndarray) -> np.ndarray:
        """Positions of officers in the top strip of their beat's block (n_officers x 2).

        Officers off the beats (beat -1) get NaN: they are not drawn.
        """
        xy = np.full((len(beat), 2), np.nan)
        on = np.flatnonzero(beat >= 0)
        if on.size == 0:
            return xy
        b = beat[on]
        order = np.argsort(b, kind="stable")
        counts = np.bincount(b, minlength=len(self.beat_box))
        slot = np.empty(on.size, np.int64)
        slot[order] = np.arange(on.size) - np.repeat(np.cumsum(counts) - counts, counts)
        box = self.beat_box[b]
        left = box[:, 0] + 0.16  # after the beat's name
        spacing = np.minimum(0.045, (box[:, 2] - left) / np.maximum(counts[b], 1))
        xy[on, 0] = left + (slot + 0.5) * spacing
        xy[on, 1] = box[:, 3] - BAND / 2
        return xy


def neighbourhood_layout(model) -> Layout:
    """Lay out a model's beats, places and residents (see the module docstring).

    Args:
        model: A CommunityModel (reads its residents' beat/place arrays and places' beats).

    Returns:
        The layout.

    """
    res, places = model.residents, model.places
    n_beats = model.n_beats
    cols = _columns(n_beats)
    rows = int(np.ceil(n_beats / cols))
    bw, bh = ASPECT / cols, 1.0 / rows
    b = np.arange(n_beats)
    bx, by = (b % cols) * bw, (rows - 1 - b // cols) * bh
    beat_box = np.column_stack([bx + GAP, by + GAP, bx + bw - GAP, by + bh - GAP])

    # Places: a grid of cells filling each block below its top strip, cells near square.
    place_beat = places.beat.astype(np.int64)
    per_beat = np.bincount(place_beat, minlength=n_beats)
    first = np.cumsum(per_beat) - per_beat
    k = np.arange(places.n) - first[place_beat]  # rank of the place within its beat
    inner_w, inner_h = bw - 2 * GAP, bh - 2 * GAP - BAND
    side = np.clip(np.round(np.sqrt(per_beat * inner_w / inner_h)), 1, np.maximum(per_beat, 1)).astype(np.int64)
    nrows = np.ceil(per_beat / side).astype(np.int64)
    box = beat_box[place_beat]
    w = inner_w / side[place_beat]
    h = inner_h / np.maximum(nrows[place_beat], 1)
    x0 = box[:, 0] + (k % side[place_beat]) * w
    y1 = box[:, 3] - BAND - (k // side[place_beat]) * h
    place_box = np.column_stack([x0, y1 - h, x0 + w, y1])

    # Residents: a sunflower spiral in their place's cell (even spacing, no randomness).
    n = res.n
    rank = np.empty(n, np.int64)
    rank[res.by_place] = np.arange(n) - np.repeat(res.place_start[:-1], places.residents)
    m = places.residents[res.place]
    radius = np.sqrt((rank + 0.5) / np.maximum(m, 1)) * 0.44
    angle = rank * GOLDEN_ANGLE
    cell = place_box[res.place]
    cx, cy = (cell[:, 0] + cell[:, 2]) / 2, (cell[:, 1] + cell[:, 3]) / 2
    w, h = cell[:, 2] - cell[:, 0], cell[:, 3] - cell[:, 1]
    xy = np.column_stack([cx + radius * np.cos(angle) * w, cy + radius * np.sin(angle) * h])
    return Layout(xy=xy, place_box=place_box, beat_box=beat_box, width=ASPECT, height=1.0)


def _columns(n_beats: int) -> int:
    """Blocks per row: blocks as square as the drawing allows, few empty slots."""

    def cost(cols: int) -> float:
        rows = -(-n_beats // cols)
        return abs(np.log(ASPECT * rows / cols)) + 1.5 * (rows * cols - n_beats) / n_beats

    return min(range(1, n_beats + 1), key=cost)
