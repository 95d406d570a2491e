"""The self-reflection picture: valid PNG, point where it should be, clear errors, deterministic output."""

from __future__ import annotations

import io
import math

import pytest
from PIL import Image

from bot.render import point_to_pixel, render_plane
from bot.render.plane import HEIGHT, POINT_COLOUR, WIDTH

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _open(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image.convert("RGB")


def _pixel(image: Image.Image, xy: tuple[int, int]) -> tuple[int, ...]:
    value = image.getpixel(xy)
    assert isinstance(value, tuple)
    return value


def test_output_is_a_png_of_the_expected_size() -> None:
    data = render_plane(3.4, 5.1)

    assert data.startswith(PNG_SIGNATURE)
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "PNG"
        assert image.size == (WIDTH, HEIGHT)
    assert (WIDTH, HEIGHT) == (800, 800)


def test_png_carries_no_metadata() -> None:
    with Image.open(io.BytesIO(render_plane(4.0, 4.0))) as image:
        assert image.info.keys() <= {"dpi", "gamma"}  # nothing time- or host-dependent
        assert not getattr(image, "text", {})


def test_point_is_drawn_at_point_to_pixel() -> None:
    image = _open(render_plane(3.4, 5.1))

    assert _pixel(image, point_to_pixel(3.4, 5.1)) == POINT_COLOUR
    # Somewhere else (the secure corner, far from the point) is not the point's colour.
    assert _pixel(image, point_to_pixel(1.5, 1.5)) != POINT_COLOUR


def test_point_moves_with_the_scores() -> None:
    here = point_to_pixel(2.0, 2.0)
    image = _open(render_plane(6.0, 6.0))

    assert _pixel(image, here) != POINT_COLOUR
    assert _pixel(image, point_to_pixel(6.0, 6.0)) == POINT_COLOUR


def test_axes_orientation() -> None:
    low_x, low_y = point_to_pixel(1.0, 1.0)
    high_x, high_y = point_to_pixel(7.0, 7.0)

    assert low_x < high_x  # avoidance grows to the right
    assert high_y < low_y  # anxiety grows upwards (smaller y is higher on screen)
    mid_x, mid_y = point_to_pixel(4.0, 4.0)
    assert abs(mid_x - (low_x + high_x) / 2) <= 1
    assert abs(mid_y - (low_y + high_y) / 2) <= 1
    # Only anxiety moves the point vertically, only avoidance horizontally.
    assert point_to_pixel(2.0, 5.0)[0] == point_to_pixel(6.0, 5.0)[0]
    assert point_to_pixel(3.0, 2.0)[1] == point_to_pixel(3.0, 6.0)[1]


@pytest.mark.parametrize(("anxiety", "avoidance"), [(1.0, 1.0), (7.0, 7.0), (1.0, 7.0), (7.0, 1.0)])
def test_corner_points_render(anxiety: float, avoidance: float) -> None:
    image = _open(render_plane(anxiety, avoidance))

    x, y = point_to_pixel(anxiety, avoidance)
    assert 0 <= x < WIDTH and 0 <= y < HEIGHT
    assert _pixel(image, (x, y)) == POINT_COLOUR


def test_integer_scores_are_accepted() -> None:
    assert render_plane(4, 4) == render_plane(4.0, 4.0)


@pytest.mark.parametrize(
    ("anxiety", "avoidance", "named"),
    [
        (0.99, 4.0, "anxiety"),
        (7.01, 4.0, "anxiety"),
        (4.0, 0.0, "avoidance"),
        (4.0, 8.0, "avoidance"),
        (-math.inf, 4.0, "anxiety"),
        (4.0, math.inf, "avoidance"),
    ],
)
def test_out_of_range_scores_are_rejected(anxiety: float, avoidance: float, named: str) -> None:
    with pytest.raises(ValueError, match=rf"{named} score must be between 1 and 7"):
        render_plane(anxiety, avoidance)
    with pytest.raises(ValueError, match=named):
        point_to_pixel(anxiety, avoidance)


@pytest.mark.parametrize(("anxiety", "avoidance", "named"), [(math.nan, 4.0, "anxiety"), (4.0, math.nan, "avoidance")])
def test_nan_scores_are_rejected(anxiety: float, avoidance: float, named: str) -> None:
    with pytest.raises(ValueError, match=rf"{named} score .*NaN"):
        render_plane(anxiety, avoidance)


def test_non_numbers_are_rejected() -> None:
    with pytest.raises(TypeError, match="anxiety"):
        render_plane("4", 4.0)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="avoidance"):
        render_plane(4.0, True)


def test_bad_history_is_rejected_with_its_position() -> None:
    with pytest.raises(ValueError, match=r"history\[1\] avoidance"):
        render_plane(4.0, 4.0, history=[(3.0, 3.0), (3.0, 9.0)])
    with pytest.raises(ValueError, match=r"history\[0\] anxiety .*NaN"):
        render_plane(4.0, 4.0, history=[(math.nan, 3.0)])
    with pytest.raises(ValueError, match=r"history\[0\] must be an \(anxiety, avoidance\) pair"):
        render_plane(4.0, 4.0, history=[(3.0, 3.0, 3.0)])  # type: ignore[list-item]


def test_rendering_is_deterministic() -> None:
    history = [(5.5, 2.0), (4.8, 2.5)]

    first = render_plane(3.4, 5.1, history=history)
    second = render_plane(3.4, 5.1, history=history)

    assert first == second


def test_history_is_drawn() -> None:
    history = [(6.0, 2.0), (5.0, 3.0)]
    without = _open(render_plane(3.0, 4.5))
    with_history = _open(render_plane(3.0, 4.5, history=history))

    assert without.tobytes() != with_history.tobytes()
    for anxiety, avoidance in history:
        spot = point_to_pixel(anxiety, avoidance)
        assert _pixel(with_history, spot) != _pixel(without, spot)
        # History is faint: it must not look like the current point.
        assert _pixel(with_history, spot) != POINT_COLOUR
    # The current point is still on top, where it belongs.
    assert _pixel(with_history, point_to_pixel(3.0, 4.5)) == POINT_COLOUR


def test_history_accepts_any_sequence() -> None:
    as_list = render_plane(3.0, 4.5, history=[(6.0, 2.0), (5.0, 3.0)])
    as_tuple = render_plane(3.0, 4.5, history=((6.0, 2.0), (5.0, 3.0)))

    assert as_list == as_tuple
