"""Sparkline coordinates: oldest value left, the peak at the top, zero on the floor."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from hubbub.metrics.sparklines import HEIGHT, PAD, WIDTH, Sparkline, sparkline


def test_values_map_to_points_from_left_to_right_with_the_peak_on_top():
    assert sparkline([0, 4, 2]) == Sparkline(
        line="0.0,30.5 60.0,1.5 120.0,16.0",
        area="0.0,32.0 0.0,30.5 60.0,1.5 120.0,16.0 120.0,32.0",
        peak=4,
        total=6,
        last=2,
    )


def test_an_hour_of_silence_is_a_flat_line_on_the_floor():
    line = sparkline([0] * 60)

    assert {point.split(",")[1] for point in line.line.split()} == {"30.5"}
    assert (line.peak, line.total, line.last) == (0, 0, 0)


def test_no_values_draw_one_point():
    assert sparkline([]).line == "0.0,30.5"


@given(st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=120))
def test_every_point_stays_inside_the_box(values):
    for point in sparkline(values).line.split():
        x, y = (float(part) for part in point.split(","))
        assert 0 <= x <= WIDTH
        assert PAD - 0.05 <= y <= HEIGHT - PAD + 0.05
