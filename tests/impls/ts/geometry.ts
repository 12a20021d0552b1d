// A correct hand-written implementation of geometry.spec.md, used by the test suite.
import type { GeometryApi } from "./api.js";
import { NegativeLength, type Box, type Label, type Shape } from "./types.js";

function check(field: string, length: number): void {
  if (length < 0) throw new NegativeLength({ field });
}

export class Geometry implements GeometryApi {
  area(shape: Shape): number {
    switch (shape.kind) {
      case "circle":
        check("radius", shape.radius);
        return Math.PI * shape.radius * shape.radius;
      case "rect":
        check("width", shape.width);
        check("height", shape.height);
        return shape.width * shape.height;
      case "polygon": {
        const points = shape.points;
        if (points.length < 3) return 0;
        let twice = 0;
        points.forEach((p, i) => {
          const q = points[(i + 1) % points.length];
          twice += p.x * q.y - q.x * p.y;
        });
        return Math.abs(twice) / 2;
      }
    }
  }

  totalArea(groups: Map<Label, Shape[]>): Map<Label, number> {
    const totals = new Map<Label, number>();
    for (const [label, shapes] of groups) {
      totals.set(label, shapes.reduce((sum, shape) => sum + this.area(shape), 0));
    }
    return totals;
  }

  boundingBox(shape: Shape): Box | undefined {
    switch (shape.kind) {
      case "circle": {
        const r = shape.radius;
        return { min: { x: -r, y: -r }, max: { x: r, y: r } };
      }
      case "rect":
        return { min: { x: 0, y: 0 }, max: { x: shape.width, y: shape.height } };
      case "polygon": {
        if (shape.points.length === 0) return undefined;
        const xs = shape.points.map((p) => p.x);
        const ys = shape.points.map((p) => p.y);
        return {
          min: { x: Math.min(...xs), y: Math.min(...ys) },
          max: { x: Math.max(...xs), y: Math.max(...ys) },
        };
      }
    }
  }
}
