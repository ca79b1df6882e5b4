"""The two pictures of the neighbourhood: its social network and its beat map.

Each picture has a background drawn once per model with matplotlib (ties, beat outlines,
colour bar, legend). Each day only the colours are painted onto a copy of it with numpy
(precomputed pixel stamps per resident, officer and place), and the result is encoded as
a JPEG. Redrawing thousands of ties with matplotlib every day would cost far more than the
simulated day itself.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import cache

import matplotlib
import numpy as np
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.cm import ScalarMappable
from matplotlib.collections import LineCollection
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from PIL import Image, ImageDraw, ImageFont

from cpsim.app.layout import BAND, Layout

TRUST_CMAP = "RdYlBu"  # red: little trust in police, blue: much
SIZE = (7.2, 4.4)  # inches at DPI: 720 x 440 pixels
DPI = 100
NAVY, WHITE, INK = np.array([20, 33, 99], np.uint8), np.array([255, 255, 255], np.uint8), (40, 40, 40)


@cache
def trust_lut() -> np.ndarray:
    """256 RGB colours of the trust scale (index = trust x 255)."""
    rgba = matplotlib.colormaps[TRUST_CMAP](np.linspace(0.0, 1.0, 256))
    return (rgba[:, :3] * 255).round().astype(np.uint8)


def trust_colours(values: np.ndarray) -> np.ndarray:
    """RGB colour of each trust value (NaN: light grey)."""
    v = np.nan_to_num(np.asarray(values, float), nan=-1.0)
    out = trust_lut()[np.clip((v * 255).round(), 0, 255).astype(np.int64)]
    out[v < 0] = (220, 220, 220)
    return out


@cache
def _font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(font_manager.findfont("DejaVu Sans"), size)


@dataclass
class Canvas:
    """A background image and the map from drawing coordinates to its pixels."""

    background: np.ndarray  # rows x cols x 3, uint8
    matrix: np.ndarray  # 3 x 3 affine: data -> display (matplotlib, y up)

    @property
    def shape(self) -> tuple[int, int]:
        """(rows, cols) in pixels."""
        return self.background.shape[0], self.background.shape[1]

    def pixels(self, xy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Pixel (row, col) of each point."""
        d = xy @ self.matrix[:2, :2].T + self.matrix[:2, 2]
        return (self.shape[0] - d[:, 1]).round().astype(np.int64), d[:, 0].round().astype(np.int64)

    def stamp(self, rows: np.ndarray, cols: np.ndarray, offsets: np.ndarray) -> np.ndarray:
        """Flat pixel indices of a stamp (dy, dx offsets) at each point (points x stamp size)."""
        h, w = self.shape
        r = np.clip(rows[:, None] + offsets[None, :, 0], 0, h - 1)
        c = np.clip(cols[:, None] + offsets[None, :, 1], 0, w - 1)
        return r * w + c

    def encode(self, image: np.ndarray) -> bytes:
        """JPEG bytes: ~10x faster to encode than PNG for the speckled network, and smaller."""
        buf = io.BytesIO()
        Image.fromarray(image, "RGB").save(buf, format="jpeg", quality=92)
        return buf.getvalue()


def _disc(radius: float) -> np.ndarray:
    r = int(np.ceil(radius))
    dy, dx = np.mgrid[-r : r + 1, -r : r + 1]
    keep = dx**2 + dy**2 <= radius**2 + radius * 0.5
    return np.column_stack([dy[keep], dx[keep]])


def _square(half: int) -> np.ndarray:
    dy, dx = np.mgrid[-half : half + 1, -half : half + 1]
    return np.column_stack([dy.ravel(), dx.ravel()])


def _figure(layout: Layout) -> tuple[Figure, object]:
    fig = Figure(figsize=SIZE, dpi=DPI)
    fig.patch.set_facecolor("white")
    ax = fig.add_axes((0.005, 0.01, 0.84, 0.98))
    ax.set_xlim(0, layout.width)
    ax.set_ylim(0, layout.height)
    ax.set_aspect("equal")
    ax.set_axis_off()
    cax = fig.add_axes((0.875, 0.22, 0.022, 0.62))
    fig.colorbar(ScalarMappable(Normalize(0, 1), TRUST_CMAP), cax=cax).set_label("trust in police (0-1)", fontsize=9)
    cax.tick_params(labelsize=8)
    return fig, ax


def _render(fig: Figure, ax) -> Canvas:
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    rgba = np.asarray(canvas.buffer_rgba())
    return Canvas(background=rgba[:, :, :3].copy(), matrix=ax.transData.get_matrix().copy())


def _beat_outlines(ax, layout: Layout) -> None:
    for x0, y0, x1, y1 in layout.beat_box:
        ax.add_patch(Rectangle((x0, y0), x1 - x0, y1 - y0, fill=False, lw=1.0, ec="#777777"))
        ax.plot([x0, x1], [y1 - BAND, y1 - BAND], color="#bbbbbb", lw=0.6)


class NetworkPicture:
    """Residents coloured by trust, their ties, and the officers on their beats."""

    def __init__(self, model) -> None:
        """Draw the background (ties, beats, legend) and precompute every stamp."""
        layout: Layout = model.layout
        fig, ax = _figure(layout)
        g = model.social
        src = np.repeat(np.arange(g.n), g.degree())
        keep = src < g.indices
        segs = np.stack([layout.xy[src[keep]], layout.xy[g.indices[keep]]], axis=1)
        ax.add_collection(LineCollection(segs, colors=[(0.35, 0.35, 0.35, 0.07)], linewidths=0.35))
        _beat_outlines(ax, layout)
        for b, (x0, _, _, y1) in enumerate(layout.beat_box):
            ax.text(x0 + 0.01, y1 - BAND / 2, f"Beat {b + 1}", fontsize=8, va="center", color="#333333")
        fig.legend(
            handles=[
                Line2D([], [], ls="", marker="o", ms=5, mfc="#999999", mec="none", label="resident"),
                Line2D([], [], ls="", marker="s", ms=7, mfc="#142163", mec="white", label="officer on duty"),
                Line2D([], [], ls="", marker="s", ms=7, mfc="white", mec="#142163", label="officer off duty"),
                Line2D([], [], color=(0.35, 0.35, 0.35, 0.6), lw=0.8, label="social tie"),
            ],
            loc="lower right", fontsize=7, frameon=False, bbox_to_anchor=(1.0, 0.0),
        )
        self.canvas = _render(fig, ax)
        rows, cols = self.canvas.pixels(layout.xy)
        radius = float(np.clip(2.6 * np.sqrt(2000 / max(g.n, 1)), 1.5, 4.0))
        self.nodes = self.canvas.stamp(rows, cols, _disc(radius))
        self.layout = layout

    def draw(self, model) -> bytes:
        """The picture of today, as JPEG bytes."""
        img = self.canvas.background.copy()
        flat = img.reshape(-1, 3)
        flat[self.nodes.ravel()] = np.repeat(trust_colours(model.residents.trust), self.nodes.shape[1], axis=0)
        off = model.officers
        xy = self.layout.officer_xy(off.beat)
        shown = ~np.isnan(xy[:, 0])
        if shown.any():
            rows, cols = self.canvas.pixels(xy[shown])
            duty = off.on_duty[shown]
            outer, inner = self.canvas.stamp(rows, cols, _square(4)), self.canvas.stamp(rows, cols, _square(3))
            flat[outer.ravel()] = np.where(np.repeat(duty, outer.shape[1])[:, None], WHITE, NAVY)
            flat[inner.ravel()] = np.where(np.repeat(duty, inner.shape[1])[:, None], NAVY, WHITE)
        return self.canvas.encode(img)


class BeatMapPicture:
    """Each place (street segment) coloured by its residents' mean trust, with beat means."""

    def __init__(self, model) -> None:
        """Draw the background (beat outlines, colour bar) and find every place cell's pixels."""
        layout: Layout = model.layout
        fig, ax = _figure(layout)
        _beat_outlines(ax, layout)
        self.canvas = _render(fig, ax)
        box = layout.place_box
        r0, c0 = self.canvas.pixels(box[:, [0, 3]])  # top-left corners
        r1, c1 = self.canvas.pixels(box[:, [2, 1]])  # bottom-right corners
        # A one-pixel white margin keeps neighbouring places apart.
        self.cells = np.column_stack([r0 + 1, r1 - 1, c0 + 1, c1 - 1]).tolist()
        tr, tc = self.canvas.pixels(np.column_stack([layout.beat_box[:, 0] + 0.01, layout.beat_box[:, 3] - BAND / 2]))
        self.labels = list(zip(tc.tolist(), tr.tolist(), strict=True))

    def draw(self, model) -> bytes:
        """The map of today, as JPEG bytes."""
        res, pl = model.residents, model.places
        with np.errstate(invalid="ignore", divide="ignore"):
            place_trust = np.bincount(res.place, weights=res.trust, minlength=pl.n) / pl.residents
            beat_trust = np.bincount(res.beat, weights=res.trust, minlength=model.n_beats) / model.beat_residents
        img = self.canvas.background.copy()
        for (a, b, c, d), colour in zip(self.cells, trust_colours(place_trust), strict=True):
            img[a:b, c:d] = colour  # one slice per place: a few dozen per day
        pil = Image.fromarray(img, "RGB")
        pen = ImageDraw.Draw(pil)
        for b, (x, y) in enumerate(self.labels):
            pen.text((x, y), f"Beat {b + 1}   mean trust {beat_trust[b]:.2f}", fill=INK, font=_font(11), anchor="lm")
        return self.canvas.encode(np.asarray(pil))
