"""Sparklines as SVG coordinates, drawn on the server: pure, no database, numbers only."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

WIDTH = 120.0
HEIGHT = 32.0
# Keep the stroke inside the box at the peak and along the floor.
PAD = 1.5


@dataclass(frozen=True, slots=True)
class Sparkline:
    """A polyline and the area under it, in a WIDTH by HEIGHT box, with the figures they show."""

    line: str
    area: str
    peak: int
    total: int
    last: int


def sparkline(values: Sequence[int]) -> Sparkline:
    """The shape of `values`, oldest first, scaled so the peak touches the top."""
    if not values:
        values = [0]
    peak = max(values)
    step = WIDTH / (len(values) - 1) if len(values) > 1 else 0.0
    usable = HEIGHT - 2 * PAD
    points = [
        (index * step, HEIGHT - PAD - (value / peak * usable if peak else 0.0))
        for index, value in enumerate(values)
    ]
    line = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
    area = f"{points[0][0]:.1f},{HEIGHT:.1f} {line} {points[-1][0]:.1f},{HEIGHT:.1f}"
    return Sparkline(line=line, area=area, peak=peak, total=sum(values), last=values[-1])
