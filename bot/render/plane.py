"""Draw the anxiety × avoidance self-reflection picture.

Adult attachment is usually described on two continuous dimensions rather than as four boxes, so the
picture shows a plane with the member's point on it (and, optionally, how it moved over time). The four
softly tinted quadrants only say which style a point is *closer to*; the footer repeats that this is a
self-reflection and not a diagnosis, because the picture will often be looked at without the text around it.

Design choices, and why:

* Everything is drawn at twice the final size and then box-downsampled. Pillow's shapes are not
  anti-aliased; supersampling gives smooth circles and lines while keeping the output deterministic.
* Only Pillow's bundled scalable font (``ImageFont.load_default(size=...)``) is used, so the picture looks
  the same on every host and needs no font files.
* The PNG is written without any metadata (no timestamps, no text chunks), so the same input always gives
  byte-identical output; that keeps caching and tests simple.
* Quadrant labels and the coordinate label are placed so they avoid the member's point: a member sitting
  right in a corner should still be able to read both their own numbers and the quadrant name.
"""

from __future__ import annotations

import io
import math
import numbers
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal, TypeAlias

from PIL import Image, ImageDraw, ImageFont

__all__ = [
    "HEIGHT",
    "MAX_SCORE",
    "MIN_SCORE",
    "POINT_COLOUR",
    "WIDTH",
    "point_to_pixel",
    "render_plane",
]

MIN_SCORE = 1.0
MAX_SCORE = 7.0
_MIDPOINT = 4.0

WIDTH = 800
HEIGHT = 800

# Supersampling factor: draw big, then shrink with a box filter for smooth edges.
_SCALE = 2

# Plot area in final-image pixels (left, top, right, bottom). Square, so one step on either axis looks
# like the same distance.
_PLOT_LEFT = 118.0
_PLOT_TOP = 80.0
_PLOT_RIGHT = 742.0
_PLOT_BOTTOM = 704.0

_RGB: TypeAlias = tuple[int, int, int]
_Box: TypeAlias = tuple[float, float, float, float]
_Font: TypeAlias = ImageFont.FreeTypeFont | ImageFont.ImageFont

# Gentle palette: calm blues and greens, nothing alarming.
_BACKGROUND: _RGB = (250, 251, 252)
_TEXT: _RGB = (44, 58, 74)
_MUTED_TEXT: _RGB = (104, 118, 134)
_FRAME: _RGB = (168, 182, 198)
_GRID: _RGB = (255, 255, 255)
_MIDLINE: _RGB = (128, 150, 176)
POINT_COLOUR: _RGB = (31, 84, 140)  # public so tests and callers can find the member's point
_POINT_RING: _RGB = (255, 255, 255)
_HISTORY: _RGB = (150, 174, 202)
_LABEL_FILL: _RGB = (255, 255, 255)
_LABEL_BORDER: _RGB = (184, 200, 218)

_POINT_RADIUS = 11.0
_POINT_RING_WIDTH = 3.0
_HISTORY_RADIUS = 4.5
_HISTORY_LINE_WIDTH = 2.0

_TITLE = "Your self-reflection"
_X_AXIS_TITLE = "Avoidance (1–7)"
_Y_AXIS_TITLE = "Anxiety (1–7)"
_FOOTER = "Self-reflection, not a diagnosis. The lines at 4 are a rough guide."

# The bundled font has no en dash, em dash or multiplication sign (they would show as empty boxes), so
# those are swapped for their plain ASCII look-alikes at draw time; the source strings keep the proper text.
_ASCII_FALLBACKS = str.maketrans({"–": "-", "—": "-", "×": "x"})

_HAlign = Literal["left", "centre", "right"]
_VAlign = Literal["top", "middle", "bottom"]


@dataclass(frozen=True, slots=True)
class _Quadrant:
    """One tinted quadrant: which side of each midline it is on, its colours and its label."""

    high_anxiety: bool
    high_avoidance: bool
    style: str
    tint: _RGB
    ink: _RGB


_QUADRANTS: tuple[_Quadrant, ...] = (
    _Quadrant(high_anxiety=True, high_avoidance=False, style="anxious", tint=(227, 237, 250), ink=(46, 82, 130)),
    _Quadrant(high_anxiety=False, high_avoidance=False, style="secure", tint=(228, 243, 233), ink=(40, 100, 68)),
    _Quadrant(
        high_anxiety=False,
        high_avoidance=True,
        style="dismissive-avoidant",
        tint=(225, 241, 243),
        ink=(34, 94, 106),
    ),
    _Quadrant(
        high_anxiety=True,
        high_avoidance=True,
        style="fearful-avoidant",
        tint=(236, 235, 248),
        ink=(80, 76, 134),
    ),
)


def _check_score(name: str, value: float) -> float:
    """Return ``value`` as a float, or explain in plain words why it cannot be drawn.

    The message names the score so that a caller mixing up the two arguments sees it immediately.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} score must be a number from 1 to 7, got {value!r}")
    number = float(value)
    if math.isnan(number):
        raise ValueError(f"{name} score must be a number from 1 to 7, got NaN (not a number)")
    if not MIN_SCORE <= number <= MAX_SCORE:
        raise ValueError(f"{name} score must be between 1 and 7, got {number:g}")
    return number


def _to_plot(anxiety: float, avoidance: float) -> tuple[float, float]:
    """Map already-validated scores to exact (unrounded) final-image coordinates."""
    span = MAX_SCORE - MIN_SCORE
    x = _PLOT_LEFT + (avoidance - MIN_SCORE) / span * (_PLOT_RIGHT - _PLOT_LEFT)
    y = _PLOT_BOTTOM - (anxiety - MIN_SCORE) / span * (_PLOT_BOTTOM - _PLOT_TOP)
    return x, y


def point_to_pixel(anxiety: float, avoidance: float) -> tuple[int, int]:
    """Pixel ``(x, y)`` in the rendered image where a result sits.

    Avoidance runs left (1) to right (7); anxiety runs bottom (1) to top (7), as in the usual research
    plots. Exposed so callers and tests can find the member's point without re-deriving the layout.
    """
    x, y = _to_plot(_check_score("anxiety", anxiety), _check_score("avoidance", avoidance))
    return round(x), round(y)


@lru_cache(maxsize=16)
def _font(size: int) -> _Font:
    """Pillow's bundled scalable font at ``size`` final-image pixels (cached: loading is not free)."""
    return ImageFont.load_default(size=size * _SCALE)


def _displayable(text: str) -> str:
    """``text`` with characters the bundled font cannot draw replaced by close ASCII equivalents."""
    return text.translate(_ASCII_FALLBACKS)


def _overlaps(a: _Box, b: _Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _inside(inner: _Box, outer: _Box) -> bool:
    return outer[0] <= inner[0] and outer[1] <= inner[1] and inner[2] <= outer[2] and inner[3] <= outer[3]


def _grow(box: _Box, by: float) -> _Box:
    return (box[0] - by, box[1] - by, box[2] + by, box[3] + by)


class _Painter:
    """Thin wrapper that lets the layout code think in final-image pixels while drawing supersampled."""

    def __init__(self, image: Image.Image) -> None:
        self._image = image
        self._draw = ImageDraw.Draw(image)

    @staticmethod
    def _s(value: float) -> float:
        return value * _SCALE

    def _sbox(self, box: _Box) -> tuple[float, float, float, float]:
        return (self._s(box[0]), self._s(box[1]), self._s(box[2]), self._s(box[3]))

    def rect(
        self,
        box: _Box,
        *,
        fill: _RGB | None = None,
        outline: _RGB | None = None,
        width: float = 1,
        radius: float = 0,
    ) -> None:
        self._draw.rounded_rectangle(
            self._sbox(box), radius=self._s(radius), fill=fill, outline=outline, width=round(self._s(width))
        )

    def line(self, points: Sequence[tuple[float, float]], *, fill: _RGB, width: float) -> None:
        scaled = [(self._s(x), self._s(y)) for x, y in points]
        self._draw.line(scaled, fill=fill, width=round(self._s(width)), joint="curve")

    def circle(self, centre: tuple[float, float], radius: float, *, fill: _RGB) -> None:
        self._draw.circle((self._s(centre[0]), self._s(centre[1])), self._s(radius), fill=fill)

    def measure(self, text: str, size: int) -> tuple[float, float, float]:
        """Width, height and top offset of ``text`` (ink box), in final-image pixels."""
        left, top, right, bottom = self._draw.textbbox((0, 0), _displayable(text), font=_font(size))
        return (right - left) / _SCALE, (bottom - top) / _SCALE, top / _SCALE

    def text_box(self, text: str, x: float, y: float, size: int, h: _HAlign, v: _VAlign) -> _Box:
        """Where ``text`` would land if anchored at ``(x, y)`` with the given alignment."""
        width, height, _ = self.measure(text, size)
        left = {"left": x, "centre": x - width / 2, "right": x - width}[h]
        top = {"top": y, "middle": y - height / 2, "bottom": y - height}[v]
        return (left, top, left + width, top + height)

    def text(
        self,
        text: str,
        x: float,
        y: float,
        *,
        size: int,
        fill: _RGB,
        h: _HAlign = "left",
        v: _VAlign = "top",
    ) -> _Box:
        """Draw ``text`` aligned by its visible ink box; return that box for collision checks."""
        box = self.text_box(text, x, y, size, h, v)
        shown = _displayable(text)
        left, top, _, _ = self._draw.textbbox((0, 0), shown, font=_font(size))
        self._draw.text((self._s(box[0]) - left, self._s(box[1]) - top), shown, font=_font(size), fill=fill)
        return box

    def vertical_text(self, text: str, x: float, y: float, *, size: int, fill: _RGB) -> None:
        """Draw ``text`` reading bottom-to-top, centred on ``(x, y)`` (used for the y-axis title)."""
        font, shown = _font(size), _displayable(text)
        left, top, right, bottom = self._draw.textbbox((0, 0), shown, font=font)
        mask = Image.new("L", (math.ceil(right - left), math.ceil(bottom - top)), 0)
        ImageDraw.Draw(mask).text((-left, -top), shown, font=font, fill=255)
        mask = mask.transpose(Image.Transpose.ROTATE_90)
        corner = (round(self._s(x) - mask.width / 2), round(self._s(y) - mask.height / 2))
        self._image.paste(fill, (*corner, corner[0] + mask.width, corner[1] + mask.height), mask)


def _quadrant_box(quadrant: _Quadrant) -> _Box:
    mid_x, mid_y = _to_plot(_MIDPOINT, _MIDPOINT)
    left, right = (mid_x, _PLOT_RIGHT) if quadrant.high_avoidance else (_PLOT_LEFT, mid_x)
    top, bottom = (_PLOT_TOP, mid_y) if quadrant.high_anxiety else (mid_y, _PLOT_BOTTOM)
    return (left, top, right, bottom)


def _draw_quadrant_label(painter: _Painter, quadrant: _Quadrant, obstacles: Sequence[_Box]) -> None:
    """Label a quadrant in its outer corner, or in another corner if the member's point is in the way.

    The label is two lines ("Closer to" small, the style name larger) so the style name reads at a glance
    while the softening "closer to" stays attached to it.
    """
    small, large, gap, pad = 14, 19, 5.0, 14.0
    lead = "Closer to"
    lead_w, lead_h, _ = painter.measure(lead, small)
    name_w, name_h, _ = painter.measure(quadrant.style, large)
    block_w, block_h = max(lead_w, name_w), lead_h + gap + name_h

    q_left, q_top, q_right, q_bottom = _quadrant_box(quadrant)
    outer_h: _HAlign = "right" if quadrant.high_avoidance else "left"
    inner_h: _HAlign = "left" if quadrant.high_avoidance else "right"
    outer_v: _VAlign = "top" if quadrant.high_anxiety else "bottom"
    inner_v: _VAlign = "bottom" if quadrant.high_anxiety else "top"

    def block_at(h: _HAlign, v: _VAlign) -> _Box:
        left = q_left + pad if h == "left" else q_right - pad - block_w
        top = q_top + pad if v == "top" else q_bottom - pad - block_h
        return (left, top, left + block_w, top + block_h)

    candidates = [(outer_h, outer_v), (outer_h, inner_v), (inner_h, outer_v), (inner_h, inner_v)]
    blocks = [(h, block_at(h, v)) for h, v in candidates]
    h, block = next(((h, b) for h, b in blocks if not any(_overlaps(b, o) for o in obstacles)), blocks[0])

    x = block[0] if h == "left" else block[2]
    painter.text(lead, x, block[1], size=small, fill=quadrant.ink, h=h)
    painter.text(quadrant.style, x, block[1] + lead_h + gap, size=large, fill=quadrant.ink, h=h)


def _coordinate_label_box(painter: _Painter, text: str, size: int, centre: tuple[float, float]) -> _Box:
    """Pick a spot beside the point for its numbers: right if it fits, else left, above or below."""
    width, height, _ = painter.measure(text, size)
    pad_x, pad_y, gap = 9.0, 6.0, _POINT_RADIUS + 10.0
    box_w, box_h = width + 2 * pad_x, height + 2 * pad_y
    cx, cy = centre
    candidates: list[_Box] = [
        (cx + gap, cy - box_h / 2, cx + gap + box_w, cy + box_h / 2),
        (cx - gap - box_w, cy - box_h / 2, cx - gap, cy + box_h / 2),
        (cx - box_w / 2, cy - gap - box_h, cx + box_w / 2, cy - gap),
        (cx - box_w / 2, cy + gap, cx + box_w / 2, cy + gap + box_h),
    ]
    area = _grow((_PLOT_LEFT, _PLOT_TOP, _PLOT_RIGHT, _PLOT_BOTTOM), -6.0)
    for box in candidates:
        if _inside(box, area):
            return box
    # Cannot happen with the current layout, but never let the label leave the picture.
    left = min(max(candidates[0][0], area[0]), area[2] - box_w)
    top = min(max(candidates[0][1], area[1]), area[3] - box_h)
    return (left, top, left + box_w, top + box_h)


def _draw_axes(painter: _Painter) -> None:
    """Ticks 1..7, tick labels and both axis titles."""
    tick_size, tick_len = 15, 6.0
    for value in range(int(MIN_SCORE), int(MAX_SCORE) + 1):
        x, _ = _to_plot(MIN_SCORE, float(value))
        painter.line([(x, _PLOT_BOTTOM), (x, _PLOT_BOTTOM + tick_len)], fill=_FRAME, width=1.5)
        painter.text(str(value), x, _PLOT_BOTTOM + tick_len + 5, size=tick_size, fill=_MUTED_TEXT, h="centre")
        _, y = _to_plot(float(value), MIN_SCORE)
        painter.line([(_PLOT_LEFT - tick_len, y), (_PLOT_LEFT, y)], fill=_FRAME, width=1.5)
        painter.text(str(value), _PLOT_LEFT - tick_len - 7, y, size=tick_size, fill=_MUTED_TEXT, h="right", v="middle")
    centre_x = (_PLOT_LEFT + _PLOT_RIGHT) / 2
    centre_y = (_PLOT_TOP + _PLOT_BOTTOM) / 2
    painter.text(_X_AXIS_TITLE, centre_x, _PLOT_BOTTOM + 36, size=18, fill=_TEXT, h="centre")
    painter.vertical_text(_Y_AXIS_TITLE, _PLOT_LEFT - 62, centre_y, size=18, fill=_TEXT)


def render_plane(anxiety: float, avoidance: float, *, history: Sequence[tuple[float, float]] = ()) -> bytes:
    """PNG bytes of the anxiety × avoidance plane with the member's point.

    ``anxiety`` and ``avoidance`` are the member's current scores on the 1–7 scale. ``history`` holds earlier
    ``(anxiety, avoidance)`` results, oldest first; they are drawn as small faint dots joined by a thin line
    that ends at the current point, so change over time is visible without drawing attention away from now.

    Raises ``ValueError`` (naming the offending score) for values outside 1–7 or NaN, and ``TypeError`` for
    values that are not numbers at all.
    """
    anxiety = _check_score("anxiety", anxiety)
    avoidance = _check_score("avoidance", avoidance)
    past: list[tuple[float, float]] = []
    for index, item in enumerate(history):
        if len(item) != 2:
            raise ValueError(f"history[{index}] must be an (anxiety, avoidance) pair, got {item!r}")
        past.append(
            (
                _check_score(f"history[{index}] anxiety", item[0]),
                _check_score(f"history[{index}] avoidance", item[1]),
            )
        )

    image = Image.new("RGB", (WIDTH * _SCALE, HEIGHT * _SCALE), _BACKGROUND)
    painter = _Painter(image)

    # Quadrant tints, then a faint white grid at every whole score, then the midlines and the frame.
    for quadrant in _QUADRANTS:
        painter.rect(_quadrant_box(quadrant), fill=quadrant.tint)
    for value in range(int(MIN_SCORE) + 1, int(MAX_SCORE)):
        x, y = _to_plot(float(value), float(value))
        painter.line([(x, _PLOT_TOP), (x, _PLOT_BOTTOM)], fill=_GRID, width=1.5)
        painter.line([(_PLOT_LEFT, y), (_PLOT_RIGHT, y)], fill=_GRID, width=1.5)
    mid_x, mid_y = _to_plot(_MIDPOINT, _MIDPOINT)
    painter.line([(mid_x, _PLOT_TOP), (mid_x, _PLOT_BOTTOM)], fill=_MIDLINE, width=2)
    painter.line([(_PLOT_LEFT, mid_y), (_PLOT_RIGHT, mid_y)], fill=_MIDLINE, width=2)
    painter.rect((_PLOT_LEFT, _PLOT_TOP, _PLOT_RIGHT, _PLOT_BOTTOM), outline=_FRAME, width=1.5)

    _draw_axes(painter)
    painter.text(_TITLE, WIDTH / 2, 28, size=26, fill=_TEXT, h="centre")
    painter.text(_FOOTER, WIDTH / 2, HEIGHT - 14, size=15, fill=_MUTED_TEXT, h="centre", v="bottom")

    # History: a thin faint trail ending at the current point. Drawn before the labels so text stays
    # readable where the trail crosses it, and before the point so the trail ends under it.
    centre = _to_plot(anxiety, avoidance)
    if past:
        trail = [_to_plot(a, v) for a, v in past]
        painter.line([*trail, centre], fill=_HISTORY, width=_HISTORY_LINE_WIDTH)
        for spot in trail:
            painter.circle(spot, _HISTORY_RADIUS, fill=_HISTORY)

    # Decide where the member's point and its numbers go first, so quadrant labels can step aside.
    coordinates = f"anxiety {anxiety:.1f} · avoidance {avoidance:.1f}"
    coord_size = 16
    coord_box = _coordinate_label_box(painter, coordinates, coord_size, centre)
    reach = _POINT_RADIUS + _POINT_RING_WIDTH
    point_box = (centre[0] - reach, centre[1] - reach, centre[0] + reach, centre[1] + reach)
    obstacles = [_grow(point_box, 6.0), _grow(coord_box, 6.0)]
    for quadrant in _QUADRANTS:
        _draw_quadrant_label(painter, quadrant, obstacles)

    # The member's point: a white ring keeps it clear on any tint, line or history dot.
    painter.circle(centre, reach, fill=_POINT_RING)
    painter.circle(centre, _POINT_RADIUS, fill=POINT_COLOUR)
    painter.rect(coord_box, fill=_LABEL_FILL, outline=_LABEL_BORDER, width=1, radius=7)
    painter.text(
        coordinates,
        (coord_box[0] + coord_box[2]) / 2,
        (coord_box[1] + coord_box[3]) / 2,
        size=coord_size,
        fill=_TEXT,
        h="centre",
        v="middle",
    )

    final = image.reduce(_SCALE)
    buffer = io.BytesIO()
    final.save(buffer, format="PNG", optimize=False, compress_level=9)
    return buffer.getvalue()
