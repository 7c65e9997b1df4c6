//! Small charts drawn on the server as inline SVG: counts per day as bars in a fixed box, and the
//! days those counts are about. Plain numbers in, rectangles out; the template only writes them.
use chrono::NaiveDate;

/// The SVG box and the space kept between two bars.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Frame {
    pub width: f64,
    pub height: f64,
    pub gap: f64,
}

/// One bar: where it sits in the box (SVG coordinates, y down) and the count it shows.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
    pub value: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct BarChart {
    pub width: f64,
    pub height: f64,
    /// One per value, left to right; a zero has no height.
    pub bars: Vec<Bar>,
    /// The largest value: the height of a full bar.
    pub max: u32,
    pub total: u32,
}

fn round1(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

/// The lowest a bar of a non-zero count is drawn, so one order among fifty still shows.
const MIN_BAR: f64 = 1.0;

/// `values` (oldest first) as bars that fill the box's width; the tallest fills its height.
pub fn bars(values: &[u32], f: Frame) -> BarChart {
    let max = values.iter().copied().max().unwrap_or(0);
    let slot = if values.is_empty() {
        0.0
    } else {
        f.width / values.len() as f64
    };
    let width = round1((slot - f.gap).max(MIN_BAR));
    let bars = values
        .iter()
        .enumerate()
        .map(|(i, &value)| {
            let height = if max == 0 || value == 0 {
                0.0
            } else {
                round1((f64::from(value) / f64::from(max) * f.height).max(MIN_BAR))
            };
            Bar {
                x: round1(slot * i as f64),
                y: round1(f.height - height),
                width,
                height,
                value,
            }
        })
        .collect();
    BarChart {
        width: f.width,
        height: f.height,
        bars,
        max,
        total: values.iter().sum(),
    }
}

/// Counts per day for the `days` days ending with `last` (oldest first), from (day, count) pairs
/// in any order; days without a pair count zero and pairs outside the range are left out.
pub fn daily(counts: &[(NaiveDate, i64)], last: NaiveDate, days: u32) -> Vec<u32> {
    let mut out = vec![0u32; days as usize];
    for (day, n) in counts {
        let back = (last - *day).num_days();
        if (0..i64::from(days)).contains(&back) {
            let i = days as usize - 1 - back as usize;
            out[i] = out[i].saturating_add(u32::try_from(*n).unwrap_or(u32::MAX));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const F: Frame = Frame {
        width: 100.0,
        height: 20.0,
        gap: 1.0,
    };

    fn shape(c: &BarChart) -> Vec<(f64, f64, f64, f64)> {
        c.bars
            .iter()
            .map(|b| (b.x, b.y, b.width, b.height))
            .collect()
    }

    #[test]
    fn bars_table() {
        type Row = (&'static str, Vec<u32>, Vec<(f64, f64, f64, f64)>);
        let table: Vec<Row> = vec![
            ("no values, no bars", vec![], vec![]),
            (
                "all zero: flat bars at the bottom",
                vec![0, 0],
                vec![(0.0, 20.0, 49.0, 0.0), (50.0, 20.0, 49.0, 0.0)],
            ),
            (
                "the tallest fills the box, half is half",
                vec![2, 4],
                vec![(0.0, 10.0, 49.0, 10.0), (50.0, 0.0, 49.0, 20.0)],
            ),
            (
                "one among many still shows",
                vec![1, 100, 0, 0],
                vec![
                    (0.0, 19.0, 24.0, 1.0),
                    (25.0, 0.0, 24.0, 20.0),
                    (50.0, 20.0, 24.0, 0.0),
                    (75.0, 20.0, 24.0, 0.0),
                ],
            ),
            (
                "thirds are rounded to a tenth",
                vec![1, 3, 2],
                vec![
                    (0.0, 13.3, 32.3, 6.7),
                    (33.3, 0.0, 32.3, 20.0),
                    (66.7, 6.7, 32.3, 13.3),
                ],
            ),
        ];
        for (name, values, expected) in table {
            assert_eq!(shape(&bars(&values, F)), expected, "{name}");
        }
    }

    #[test]
    fn bars_keep_their_counts_and_stay_in_the_box() {
        let values = [3, 0, 7, 1, 12, 5, 0, 9];
        let c = bars(&values, F);
        assert_eq!((c.max, c.total), (12, 37));
        assert_eq!(c.bars.iter().map(|b| b.value).collect::<Vec<_>>(), values);
        for b in &c.bars {
            assert!(b.x >= 0.0 && b.x + b.width <= F.width + 0.05, "{b:?}");
            assert!(
                b.y >= 0.0 && (b.y + b.height - F.height).abs() < 0.05,
                "{b:?}"
            );
        }
    }

    #[test]
    fn many_bars_narrower_than_the_gap_are_still_drawn() {
        let c = bars(&[1; 200], F);
        assert!(c.bars.iter().all(|b| b.width >= MIN_BAR), "{:?}", c.bars[0]);
    }

    #[test]
    fn daily_table() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let last = d("2026-03-10");
        type Row = (&'static str, Vec<(NaiveDate, i64)>, Vec<u32>);
        let table: Vec<Row> = vec![
            ("nothing: zeros", vec![], vec![0, 0, 0, 0]),
            (
                "each day in its place, oldest first",
                vec![(d("2026-03-10"), 4), (d("2026-03-07"), 1)],
                vec![1, 0, 0, 4],
            ),
            (
                "days outside the range are left out",
                vec![
                    (d("2026-03-06"), 9),
                    (d("2026-03-11"), 9),
                    (d("2026-03-08"), 2),
                ],
                vec![0, 2, 0, 0],
            ),
            (
                "the same day twice adds up",
                vec![(d("2026-03-09"), 2), (d("2026-03-09"), 3)],
                vec![0, 0, 5, 0],
            ),
        ];
        for (name, counts, expected) in table {
            assert_eq!(daily(&counts, last, 4), expected, "{name}");
        }
    }
}
