"""A BROKEN (polygon area keeps its sign) hand-written implementation of geometry.spec.md, used by the test suite."""

from __future__ import annotations

import math

from .types import (
    Box,
    Label,
    NegativeLength,
    Point,
    Shape,
    ShapeCircle,
    ShapePolygon,
    ShapeRect,
)


class Geometry:
    """Implements `GeometryApi`."""

    def area(self, shape: Shape) -> float:
        """Return the area of the shape."""
        if isinstance(shape, ShapeCircle):
            if shape.radius < 0:
                raise NegativeLength(field="radius")
            return math.pi * shape.radius**2
        if isinstance(shape, ShapeRect):
            if shape.width < 0:
                raise NegativeLength(field="width")
            if shape.height < 0:
                raise NegativeLength(field="height")
            return shape.width * shape.height
        points = shape.points
        if len(points) < 3:
            return 0.0
        twice = sum(
            a.x * b.y - b.x * a.y for a, b in zip(points, points[1:] + points[:1])
        )
        return twice / 2

    def total_area(self, groups: dict[Label, list[Shape]]) -> dict[Label, float]:
        """Return the summed area under each label."""
        return {
            label: sum((self.area(s) for s in shapes), 0.0)
            for label, shapes in groups.items()
        }

    def bounding_box(self, shape: Shape) -> Box | None:
        """Return the smallest axis-aligned box holding the shape."""
        if isinstance(shape, ShapeCircle):
            r = shape.radius
            return Box(min=Point(x=-r, y=-r), max=Point(x=r, y=r))
        if isinstance(shape, ShapeRect):
            return Box(min=Point(x=0, y=0), max=Point(x=shape.width, y=shape.height))
        if not shape.points:
            return None
        xs = [p.x for p in shape.points]
        ys = [p.y for p in shape.points]
        return Box(min=Point(x=min(xs), y=min(ys)), max=Point(x=max(xs), y=max(ys)))
