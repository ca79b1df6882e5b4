"""The two pictures of the neighbourhood: its social network and its beat map.

Each picture has a background drawn once per run with matplotlib (ties, beat outlines,
beat names). Each day only the colours are painted onto a copy of it with numpy
(precomputed pixel stamps per resident, officer and place), and the result is encoded as
a JPEG. Redrawing thousands of ties with matplotlib every day would cost far more than the
simulated day itself. Legends and colour scales are HTML on the page (crisp and large on a
projector); ``Colours`` says what a picture's colours mean.

Residents are coloured either by their trust in police now or by how much it changed since
day 0. The change scale follows the data: the smallest of NICE_SCALES that holds 99% of
residents, so the few residents a day touches stand out while the scale stays readable.
"""

from __future__ import annotations

import hashlib
import io
from collections import OrderedDict
from dataclasses import dataclass
from functools import cache
from typing import Literal

import matplotlib
import numpy as np
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from PIL import Image, ImageDraw, ImageFont

from cpsim.app.positions import BAND, Layout

Mode = Literal["change", "trust"]
TRUST_CMAP = "RdYlBu"  # red: little trust in police, blue: much
# Change: red (lost trust) - grey (no change; white would vanish on the white page) - blue (gained).
CHANGE_CMAP = LinearSegmentedColormap.from_list("change", ["#b2182b", "#f4a582", "#d0d0d0", "#92c5de", "#2166ac"])
NICE_SCALES = (0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0)
MARKS = (  # drawn in this order, so a contact's ring is on top
    ("heard", "heard a story today", (90, 90, 90), 0.9),
    ("news", "saw an incident in the news today", (170, 0, 170), 1.6),
    ("program", "at a program or event today", (0, 150, 60), 1.6),
    ("contact", "police contact or crime today", (0, 0, 0), 1.6),
)
SIZE = (7.0, 5.0)  # inches at DPI: 700 x 500 pixels, the drawing's 1.4 : 1
DPI = 100
LABEL_PT = 13
TIE_ALPHA, TIE_GREY = 0.04, 110
_BACKGROUNDS: OrderedDict[bytes, tuple] = OrderedDict()  # network backgrounds by neighbourhood, newest last
NAVY, WHITE, INK = np.array([20, 33, 99], np.uint8), np.array([255, 255, 255], np.uint8), (30, 30, 30)


@cache
def _lut(name: str) -> np.ndarray:
    cmap = CHANGE_CMAP if name == "change" else matplotlib.colormaps[name]
    return (cmap(np.linspace(0.0, 1.0, 256))[:, :3] * 255).round().astype(np.uint8)


@dataclass(frozen=True)
class Colours:
    """What a picture's colours mean.

    Attributes:
        mode: "trust" (trust now, 0..1) or "change" (trust now minus day 0, -scale..scale).
        scale: Half-width of the change scale (1 for trust).

    """

    mode: Mode
    scale: float = 1.0

    @property
    def lo(self) -> float:
        """Value at the red end."""
        return -self.scale if self.mode == "change" else 0.0

    @property
    def hi(self) -> float:
        """Value at the blue end."""
        return self.scale if self.mode == "change" else 1.0

    def rgb(self, values: np.ndarray) -> np.ndarray:
        """RGB colour of each value (NaN: light grey); values beyond the scale get its end colour."""
        v = np.asarray(values, float)
        unit = (v - self.lo) / (self.hi - self.lo)
        out = _lut("change" if self.mode == "change" else TRUST_CMAP)[
            np.clip(np.nan_to_num(unit, nan=0.0) * 255, 0, 255).round().astype(np.int64)
        ]
        out[np.isnan(v)] = (235, 235, 235)
        return out

    def gradient(self, stops: int = 9) -> list[str]:
        """Hex colours from the red end to the blue end (for an HTML colour bar)."""
        return [f"#{c[0]:02x}{c[1]:02x}{c[2]:02x}" for c in self.rgb(np.linspace(self.lo, self.hi, stops))]


def change_scale(*changes: np.ndarray, share: float = 0.99) -> float:
    """The smallest of NICE_SCALES that holds ``share`` of the residents' changes."""
    values = np.abs(np.concatenate([np.asarray(c, float).ravel() for c in changes]))
    top = float(np.quantile(values, share)) if values.size else 0.0
    return next((s for s in NICE_SCALES if top <= s), NICE_SCALES[-1])


def trust_colours(values: np.ndarray) -> np.ndarray:
    """RGB colour of each trust value on the 0..1 scale (NaN: light grey)."""
    return Colours("trust").rgb(values)


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


def _ring(inner: float, width: float) -> np.ndarray:
    r = int(np.ceil(inner + width))
    dy, dx = np.mgrid[-r : r + 1, -r : r + 1]
    d = np.sqrt(dx**2 + dy**2)
    keep = (d > inner) & (d <= inner + width + 0.3)
    return np.column_stack([dy[keep], dx[keep]])


def _square(half: int) -> np.ndarray:
    dy, dx = np.mgrid[-half : half + 1, -half : half + 1]
    return np.column_stack([dy.ravel(), dx.ravel()])


def _figure(layout: Layout) -> tuple[Figure, object]:
    fig = Figure(figsize=SIZE, dpi=DPI)
    fig.patch.set_facecolor("white")
    ax = fig.add_axes((0.0, 0.0, 1.0, 1.0))
    ax.set_xlim(0, layout.width)
    ax.set_ylim(0, layout.height)
    ax.set_aspect("equal")
    ax.set_axis_off()
    return fig, ax


def _render(fig: Figure, ax) -> Canvas:
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    rgba = np.asarray(canvas.buffer_rgba())
    return Canvas(background=rgba[:, :, :3].copy(), matrix=ax.transData.get_matrix().copy())


def _beat_outlines(ax, layout: Layout, names: bool) -> None:
    for b, (x0, y0, x1, y1) in enumerate(layout.beat_box):
        ax.add_patch(Rectangle((x0, y0), x1 - x0, y1 - y0, fill=False, lw=1.2, ec="#666666"))
        ax.plot([x0, x1], [y1 - BAND, y1 - BAND], color="#bbbbbb", lw=0.8)
        if names:
            ax.text(
                x0 + 0.012,
                y1 - BAND / 2,
                f"Beat {b + 1}",
                fontsize=LABEL_PT,
                va="center",
                color="#222222",
                fontweight="bold",
            )


def _draw_ties(canvas: Canvas, rows: np.ndarray, cols: np.ndarray, a: np.ndarray, b: np.ndarray) -> None:
    """Shade the background along each tie (a[i], b[i]), faintly: ties overlapping darken.

    A pixel-stepped line per tie, counted with numpy, costs ~10x less than matplotlib's
    anti-aliased LineCollection (~0.6 s for 6,500 ties), and Reset redraws it.
    """
    h, w = canvas.shape
    dr, dc = rows[b] - rows[a], cols[b] - cols[a]
    steps = np.maximum(np.abs(dr), np.abs(dc)) + 1
    seg = np.repeat(np.arange(a.size), steps)
    t = (np.arange(seg.size) - np.repeat(np.cumsum(steps) - steps, steps)) / np.maximum(steps - 1, 1)[seg]
    r = np.clip(np.rint(rows[a][seg] + t * dr[seg]).astype(np.int64), 0, h - 1)
    c = np.clip(np.rint(cols[a][seg] + t * dc[seg]).astype(np.int64), 0, w - 1)
    # Faint: thousands of ties at full strength read as a grey haze over the residents.
    shade = 1.0 - (1.0 - TIE_ALPHA) ** np.bincount(r * w + c, minlength=h * w).reshape(h, w, 1)
    canvas.background[:] = (canvas.background * (1.0 - shade) + TIE_GREY * shade).round().astype(np.uint8)


class NetworkPicture:
    """Residents coloured by trust (or its change), their ties, today's marks, the beat officers."""

    def __init__(self, run) -> None:
        """Draw the background (ties, beats) and precompute every stamp.

        A Reset, or a scenario that changes no resident or tie, builds the same
        neighbourhood again: its background is reused (drawing it is most of a Reset).

        Args:
            run: A cpsim.app.classroom.PageRun (its model and layout).

        """
        layout: Layout = run.layout
        g = run.model.social
        key = hashlib.blake2b(b"".join(a.tobytes() for a in (layout.xy, layout.beat_box, g.indptr, g.indices))).digest()
        if key not in _BACKGROUNDS:
            fig, ax = _figure(layout)
            _beat_outlines(ax, layout, names=True)
            canvas = _render(fig, ax)
            rows, cols = canvas.pixels(layout.xy)
            src = np.repeat(np.arange(g.n), g.degree())
            keep = src < g.indices
            _draw_ties(canvas, rows, cols, src[keep], g.indices[keep])
            _BACKGROUNDS[key] = (canvas, rows, cols)
            while len(_BACKGROUNDS) > 8:
                _BACKGROUNDS.popitem(last=False)
        self.canvas, self.rows, self.cols = _BACKGROUNDS[key]
        radius = float(np.clip(2.6 * np.sqrt(2000 / max(g.n, 1)), 1.5, 4.0))
        self.nodes = self.canvas.stamp(self.rows, self.cols, _disc(radius))
        self.rings = {name: _ring(radius + 0.3, width) for name, _, _, width in MARKS}
        self.layout = layout

    def draw(self, run, colours: Colours) -> bytes:
        """The picture of today, as JPEG bytes."""
        m = run.model
        img = self.canvas.background.copy()
        flat = img.reshape(-1, 3)
        values = m.residents.trust - run.trust_start if colours.mode == "change" else m.residents.trust
        flat[self.nodes.ravel()] = np.repeat(colours.rgb(values), self.nodes.shape[1], axis=0)
        touched = run.touched_today() if m.day else {}
        for name, _, rgb, _ in MARKS:
            idx = touched.get(name, ())
            if len(idx):
                flat[self.canvas.stamp(self.rows[idx], self.cols[idx], self.rings[name]).ravel()] = rgb
        off = m.officers
        xy = self.layout.officer_xy(off.beat)
        shown = ~np.isnan(xy[:, 0])
        if shown.any():
            rows, cols = self.canvas.pixels(xy[shown])
            duty = off.on_duty[shown] if m.day else np.zeros(shown.sum(), bool)
            outer, inner = self.canvas.stamp(rows, cols, _square(6)), self.canvas.stamp(rows, cols, _square(4))
            flat[outer.ravel()] = NAVY
            flat[inner.ravel()] = np.where(np.repeat(duty, inner.shape[1])[:, None], NAVY, WHITE)
        return self.canvas.encode(img)


class BeatMapPicture:
    """Each place (street segment) coloured by its residents' mean trust (or its change), with beat means."""

    def __init__(self, run) -> None:
        """Draw the background (beat outlines) and find every place cell's pixels."""
        layout: Layout = run.layout
        fig, ax = _figure(layout)
        _beat_outlines(ax, layout, names=False)
        self.canvas = _render(fig, ax)
        box = layout.place_box
        r0, c0 = self.canvas.pixels(box[:, [0, 3]])  # top-left corners
        r1, c1 = self.canvas.pixels(box[:, [2, 1]])  # bottom-right corners
        # A one-pixel white margin keeps neighbouring places apart.
        self.cells = np.column_stack([r0 + 1, r1 - 1, c0 + 1, c1 - 1]).tolist()
        tr, tc = self.canvas.pixels(np.column_stack([layout.beat_box[:, 0] + 0.012, layout.beat_box[:, 3] - BAND / 2]))
        self.labels = list(zip(tc.tolist(), tr.tolist(), strict=True))

    @staticmethod
    def values(run, mode: Mode) -> tuple[np.ndarray, np.ndarray]:
        """Mean trust (or its change since day 0) of each place's and each beat's residents."""
        m = run.model
        res = m.residents
        values = res.trust - run.trust_start if mode == "change" else res.trust
        with np.errstate(invalid="ignore", divide="ignore"):
            place = np.bincount(res.place, weights=values, minlength=m.places.n) / m.places.residents
            beat = np.bincount(res.beat, weights=values, minlength=m.n_beats) / m.beat_residents
        return place, beat

    def draw(self, run, colours: Colours) -> bytes:
        """The map of today, as JPEG bytes."""
        place_value, beat_value = self.values(run, colours.mode)
        img = self.canvas.background.copy()
        for (a, b, c, d), colour in zip(self.cells, colours.rgb(place_value), strict=True):
            img[a:b, c:d] = colour  # one slice per place: a few dozen per day
        pil = Image.fromarray(img, "RGB")
        pen = ImageDraw.Draw(pil)
        for b, (x, y) in enumerate(self.labels):
            if colours.mode == "change":
                text = f"Beat {b + 1}: change in trust {signed(beat_value[b], 3)}"
            else:
                text = f"Beat {b + 1}: mean trust {beat_value[b]:.2f}"
            pen.text((x, y), text, fill=INK, font=_font(17), anchor="lm")
        return self.canvas.encode(np.asarray(pil))


def signed(value: float, digits: int) -> str:
    """A number with its sign, a true minus, and no "-0.000"."""
    text = f"{value:+.{digits}f}"
    if float(text) == 0:
        return f"{0:.{digits}f}"
    return text.replace("-", "\u2212")
