// A correct hand-written implementation of geometry.spec.md, used by the test suite.
use crate::api::GeometryApi;
use crate::types::*;

fn check(field: &str, length: f64) -> Result<f64, GeometryError> {
    if length < 0.0 {
        return Err(GeometryError::NegativeLength {
            field: field.to_string(),
        });
    }
    Ok(length)
}

/// Implements [`GeometryApi`].
#[derive(Debug, Default)]
pub struct Geometry {}

impl GeometryApi for Geometry {
    fn area(&self, shape: &Shape) -> Result<f64, GeometryError> {
        match *shape {
            Shape::Circle { radius } => Ok(std::f64::consts::PI * check("radius", radius)?.powi(2)),
            Shape::Rect { width, height } => Ok(check("width", width)? * check("height", height)?),
            Shape::Polygon { ref points } => {
                if points.len() < 3 {
                    return Ok(0.0);
                }
                let twice: f64 = points
                    .iter()
                    .zip(points.iter().cycle().skip(1))
                    .map(|(p, q)| p.x * q.y - q.x * p.y)
                    .sum();
                Ok(twice.abs() / 2.0)
            }
        }
    }

    fn total_area(
        &self,
        groups: &BTreeMap<Label, Vec<Shape>>,
    ) -> Result<BTreeMap<Label, f64>, GeometryError> {
        let mut totals = BTreeMap::new();
        for (label, shapes) in groups {
            let mut sum = 0.0;
            for shape in shapes {
                sum += self.area(shape)?;
            }
            totals.insert(label.clone(), sum);
        }
        Ok(totals)
    }

    fn bounding_box(&self, shape: &Shape) -> Option<Box_> {
        let corner = |x: f64, y: f64| Point { x, y };
        match *shape {
            Shape::Circle { radius: r } => Some(Box_ {
                min: corner(-r, -r),
                max: corner(r, r),
            }),
            Shape::Rect { width, height } => Some(Box_ {
                min: corner(0.0, 0.0),
                max: corner(width, height),
            }),
            Shape::Polygon { ref points } => {
                let first = points.first()?;
                let (mut min, mut max) = (first.clone(), first.clone());
                for p in points {
                    min = corner(min.x.min(p.x), min.y.min(p.y));
                    max = corner(max.x.max(p.x), max.y.max(p.y));
                }
                Some(Box_ { min, max })
            }
        }
    }
}
