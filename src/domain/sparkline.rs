//! A marker's values over a patient's orders as a small line chart: where each point goes in an
//! SVG box, and the part of the box the reference range covers. Points are spaced evenly (one per
//! order, oldest left); the vertical scale spans the values shown.

/// The SVG box and the margin kept free around the line so dots are not cut off.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Frame {
    pub width: f64,
    pub height: f64,
    pub pad: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Sparkline {
    /// (x, y) per value, in the order given, rounded to 0.1.
    pub points: Vec<(f64, f64)>,
    /// The reference range inside the chart as (top y, bottom y), when it overlaps the values.
    pub band: Option<(f64, f64)>,
}

impl Sparkline {
    /// The `points` attribute of an SVG polyline: `x,y x,y ...`.
    pub fn polyline(&self) -> String {
        self.points
            .iter()
            .map(|(x, y)| format!("{x},{y}"))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

fn round1(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

/// The chart of `values` (oldest first) with the reference range `(min, max)` (either side may be
/// open). None for fewer than two values or a value that is not a finite number: one value is no
/// trend.
pub fn sparkline(values: &[f64], range: (Option<f64>, Option<f64>), f: Frame) -> Option<Sparkline> {
    if values.len() < 2 || values.iter().any(|v| !v.is_finite()) {
        return None;
    }
    let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let (top, bottom) = (f.pad, f.height - f.pad);
    let y_of = |v: f64| {
        if hi == lo {
            f.height / 2.0
        } else {
            bottom - (v - lo) / (hi - lo) * (bottom - top)
        }
    };
    let step = (f.width - 2.0 * f.pad) / (values.len() - 1) as f64;
    let points = values
        .iter()
        .enumerate()
        .map(|(i, v)| (round1(f.pad + step * i as f64), round1(y_of(*v))))
        .collect();
    let (rmin, rmax) = (
        range.0.unwrap_or(f64::NEG_INFINITY),
        range.1.unwrap_or(f64::INFINITY),
    );
    let band = if range == (None, None) {
        None
    } else if hi == lo {
        // A flat line: the band fills the box when the value is in range.
        (rmin <= lo && lo <= rmax).then_some((top, bottom))
    } else {
        // A band thinner than the rounding (an outlier squeezes the rest) is left out.
        let (from, to) = (rmin.max(lo), rmax.min(hi));
        let (y_top, y_bottom) = (round1(y_of(to)), round1(y_of(from)));
        (from < to && y_top < y_bottom).then_some((y_top, y_bottom))
    };
    Some(Sparkline { points, band })
}

#[cfg(test)]
mod tests {
    use super::*;

    const F: Frame = Frame {
        width: 104.0,
        height: 24.0,
        pad: 2.0,
    };

    #[test]
    fn points_and_band_table() {
        type Row = (
            &'static str,
            Vec<f64>,
            (Option<f64>, Option<f64>),
            Option<(&'static str, Option<(f64, f64)>)>,
        );
        let table: Vec<Row> = vec![
            ("no values", vec![], (None, None), None),
            ("one value is no trend", vec![5.0], (None, None), None),
            ("not a number", vec![1.0, f64::NAN], (None, None), None),
            ("infinite", vec![1.0, f64::INFINITY], (None, None), None),
            (
                "rising: oldest bottom left, newest top right",
                vec![100.0, 200.0],
                (None, None),
                Some(("2,22 102,2", None)),
            ),
            (
                "falling, three evenly spaced",
                vec![200.0, 150.0, 100.0],
                (None, None),
                Some(("2,2 52,12 102,22", None)),
            ),
            (
                "flat line sits in the middle, inside its range",
                vec![7.0, 7.0, 7.0],
                (Some(5.0), Some(9.0)),
                Some(("2,12 52,12 102,12", Some((2.0, 22.0)))),
            ),
            (
                "flat line outside its range has no band",
                vec![12.0, 12.0],
                (None, Some(9.0)),
                Some(("2,12 102,12", None)),
            ),
            (
                "upper limit only (<150): band from the bottom up to 150",
                vec![100.0, 200.0],
                (None, Some(150.0)),
                Some(("2,22 102,2", Some((12.0, 22.0)))),
            ),
            (
                "lower limit only (>40) below every value: band fills the box",
                vec![50.0, 60.0],
                (Some(40.0), None),
                Some(("2,22 102,2", Some((2.0, 22.0)))),
            ),
            (
                "range entirely above the values: no band",
                vec![1.0, 2.0],
                (Some(5.0), Some(9.0)),
                Some(("2,22 102,2", None)),
            ),
            (
                "range touching the top only: no band",
                vec![1.0, 2.0],
                (Some(2.0), None),
                Some(("2,22 102,2", None)),
            ),
            (
                "an outlier squeezes the band below the rounding: no band",
                vec![-4.0, 1e6],
                (Some(0.0), Some(10.0)),
                Some(("2,22 102,2", None)),
            ),
            (
                "rounding to a tenth",
                vec![0.0, 1.0, 3.0],
                (None, None),
                Some(("2,22 52,15.3 102,2", None)),
            ),
        ];
        for (name, values, range, expected) in table {
            let got = sparkline(&values, range, F);
            let got = got.as_ref().map(|s| (s.polyline(), s.band));
            let expected = expected.map(|(p, b)| (p.to_string(), b));
            assert_eq!(got, expected, "{name}");
        }
    }

    #[test]
    fn every_point_stays_inside_the_box() {
        let values = [3.2, -4.0, 25.0, 0.0, 17.5];
        let s = sparkline(&values, (Some(0.0), Some(10.0)), F).unwrap();
        assert_eq!(s.points.len(), values.len());
        for (x, y) in &s.points {
            assert!((F.pad..=F.width - F.pad).contains(x), "x {x}");
            assert!((F.pad..=F.height - F.pad).contains(y), "y {y}");
        }
        let (top, bottom) = s.band.unwrap();
        assert!(F.pad <= top && top < bottom && bottom <= F.height - F.pad);
    }
}
