//! Statistics over runs of minutes, computed in closed form.
//!
//! A resource's metrics are described per hour as a few pieces of constant state (see
//! `usage.rs`); inside a piece every metric follows one [`Shape`]: a constant, a constant with
//! minute-to-minute jitter, a ramp (an uptime), or a single event at the piece's first minute.
//! For each shape the count, sum, minimum and maximum of any run of its minutes come from a
//! formula or a table lookup, never from visiting the minutes, so that an hour costs a handful of
//! operations whatever its period. [`Shape::value_at`] evaluates one minute directly; the tests
//! hold the two against each other so that the shortcut cannot drift from the minutes it stands
//! for.
//!
//! Jitter reads a fixed template of 60 values in `[-1, 1]` starting at a phase per piece, so a
//! run of `n` minutes covers a cyclic range of the template whose sum comes from prefix sums and
//! whose extremes come from a sparse table.

use std::sync::OnceLock;

use crate::seed::SplitMix;

/// Count, sum, minimum and maximum of a set of samples: all CloudWatch keeps of them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Stats {
    /// Samples (`SampleCount`).
    pub(crate) count: u64,
    /// Their sum.
    pub(crate) sum: f64,
    /// The least (`+inf` when none).
    pub(crate) min: f64,
    /// The greatest (`-inf` when none).
    pub(crate) max: f64,
}

impl Stats {
    /// No samples.
    pub(crate) const NONE: Stats = Stats {
        count: 0,
        sum: 0.0,
        min: f64::INFINITY,
        max: f64::NEG_INFINITY,
    };

    /// One sample.
    pub(crate) fn one(value: f64) -> Stats {
        Stats {
            count: 1,
            sum: value,
            min: value,
            max: value,
        }
    }

    /// Adds `other`'s samples.
    pub(crate) fn merge(&mut self, other: Stats) {
        self.count += other.count;
        self.sum += other.sum;
        self.min = self.min.min(other.min);
        self.max = self.max.max(other.max);
    }

    /// Whether there are no samples.
    pub(crate) fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The statistic's value, or `None` without samples.
    pub(crate) fn statistic(&self, statistic: Statistic) -> Option<f64> {
        if self.is_empty() {
            return None;
        }
        Some(match statistic {
            Statistic::SampleCount => self.count as f64,
            Statistic::Sum => self.sum,
            Statistic::Average => self.sum / self.count as f64,
            Statistic::Minimum => self.min,
            Statistic::Maximum => self.max,
        })
    }
}

/// The statistics computed from count, sum, minimum and maximum.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Statistic {
    /// Number of samples ("Data Samples" in the WorkSpaces pages).
    SampleCount,
    /// Sum.
    Sum,
    /// Mean.
    Average,
    /// Least.
    Minimum,
    /// Greatest.
    Maximum,
}

impl Statistic {
    /// All of them.
    #[cfg(test)]
    pub(crate) const ALL: [Statistic; 5] = [
        Statistic::SampleCount,
        Statistic::Sum,
        Statistic::Average,
        Statistic::Minimum,
        Statistic::Maximum,
    ];

    /// The statistic a `Stat` names exactly (the names are case-sensitive).
    pub(crate) fn named(name: &str) -> Option<Statistic> {
        Some(match name {
            "SampleCount" => Statistic::SampleCount,
            "Sum" => Statistic::Sum,
            "Average" => Statistic::Average,
            "Minimum" => Statistic::Minimum,
            "Maximum" => Statistic::Maximum,
            _ => return None,
        })
    }
}

/// How a metric's samples run through one piece: the piece starts at `piece_start` and lies
/// inside the hour starting at `hour_start` (both absolute minutes).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Shape {
    /// The same value every minute.
    Constant(f64),
    /// `level + amplitude * template[(minute - hour_start + phase) % 60]` every minute;
    /// `amplitude >= 0`.
    Jitter {
        /// Mean level.
        level: f64,
        /// Largest deviation from it.
        amplitude: f64,
        /// Where in the template the hour starts, `0..60`.
        phase: u32,
    },
    /// `first + step * (minute - piece_start)` every minute; `step >= 0`.
    Ramp {
        /// Value at the piece's first minute.
        first: f64,
        /// Increase per minute.
        step: f64,
    },
    /// One sample, at the piece's first minute only.
    Event(f64),
}

impl Shape {
    /// The samples at minutes `from..to`, a run inside the piece.
    pub(crate) fn stats(self, piece_start: i64, hour_start: i64, from: i64, to: i64) -> Stats {
        if to <= from {
            return Stats::NONE;
        }
        let n = (to - from) as u64;
        match self {
            Shape::Constant(value) => Stats {
                count: n,
                sum: value * n as f64,
                min: value,
                max: value,
            },
            Shape::Jitter {
                level,
                amplitude,
                phase,
            } => {
                let first = ((from - hour_start) as u64 + u64::from(phase)) % 60;
                let range = template().cyclic_range(first as usize, n as usize);
                Stats {
                    count: n,
                    sum: level * n as f64 + amplitude * range.sum,
                    min: level + amplitude * range.min,
                    max: level + amplitude * range.max,
                }
            }
            Shape::Ramp { first, step } => {
                let start_value = first + step * (from - piece_start) as f64;
                let end_value = start_value + step * (n - 1) as f64;
                Stats {
                    count: n,
                    sum: start_value * n as f64 + step * (n * (n - 1) / 2) as f64,
                    min: start_value,
                    max: end_value,
                }
            }
            Shape::Event(value) => {
                if from <= piece_start && piece_start < to {
                    Stats::one(value)
                } else {
                    Stats::NONE
                }
            }
        }
    }

    /// The sample at one minute of the piece, evaluated directly: the tests' measure of the
    /// closed forms.
    #[cfg(test)]
    pub(crate) fn value_at(self, piece_start: i64, hour_start: i64, minute: i64) -> Option<f64> {
        match self {
            Shape::Constant(value) => Some(value),
            Shape::Jitter {
                level,
                amplitude,
                phase,
            } => {
                let index = ((minute - hour_start) as u64 + u64::from(phase)) % 60;
                Some(level + amplitude * template().values()[index as usize])
            }
            Shape::Ramp { first, step } => Some(first + step * (minute - piece_start) as f64),
            Shape::Event(value) => (minute == piece_start).then_some(value),
        }
    }
}

/// The jitter a constant with noise of `relative` of its level gets, kept inside `[low, high]`.
pub(crate) fn jitter(level: f64, relative: f64, low: f64, high: f64, phase: u32) -> Shape {
    let level = level.clamp(low, high);
    let amplitude = (level * relative)
        .min(level - low)
        .min(high - level)
        .max(0.0);
    Shape::Jitter {
        level,
        amplitude,
        phase: phase % 60,
    }
}

/// Sum and extremes of a range of the template.
#[derive(Debug, Clone, Copy, PartialEq)]
struct RangeStats {
    sum: f64,
    min: f64,
    max: f64,
}

/// 60 values in `[-1, 1]`, kept as their prefix sums and sparse tables of minima and maxima
/// (whose first rows are the values themselves).
struct Template {
    prefix: [f64; 61],
    /// `minima[k][i]`: least of `values[i..i + 2^k]`.
    minima: [[f64; 60]; 6],
    maxima: [[f64; 60]; 6],
}

#[cfg(test)]
impl Template {
    /// The 60 values: the sparse tables' first row.
    fn values(&self) -> &[f64; 60] {
        &self.minima[0]
    }
}

fn template() -> &'static Template {
    static TEMPLATE: OnceLock<Template> = OnceLock::new();
    TEMPLATE.get_or_init(|| {
        let mut rng = SplitMix::new(0x5EED_0F00_57A7);
        let mut values = [0.0; 60];
        // Each minute half new noise, half the previous minute's: smoother than white noise.
        let mut previous = 0.0;
        for value in &mut values {
            let fresh = rng.unit() * 2.0 - 1.0;
            *value = 0.5 * fresh + 0.5 * previous;
            previous = *value;
        }
        let mean = values.iter().sum::<f64>() / 60.0;
        values.iter_mut().for_each(|v| *v -= mean);
        let largest = values.iter().fold(0.0_f64, |m, v| m.max(v.abs()));
        values.iter_mut().for_each(|v| *v /= largest);
        let mut prefix = [0.0; 61];
        for i in 0..60 {
            prefix[i + 1] = prefix[i] + values[i];
        }
        let mut minima = [[0.0; 60]; 6];
        let mut maxima = [[0.0; 60]; 6];
        minima[0] = values;
        maxima[0] = values;
        for k in 1..6 {
            let half = 1 << (k - 1);
            for i in 0..60 {
                if i + (1 << k) <= 60 {
                    minima[k][i] = minima[k - 1][i].min(minima[k - 1][i + half]);
                    maxima[k][i] = maxima[k - 1][i].max(maxima[k - 1][i + half]);
                }
            }
        }
        Template {
            prefix,
            minima,
            maxima,
        }
    })
}

impl Template {
    /// `values[start..start + len]`, `1 <= len`, `start + len <= 60`.
    fn linear_range(&self, start: usize, len: usize) -> RangeStats {
        let level = usize::BITS - 1 - len.leading_zeros();
        let k = level as usize;
        let other = start + len - (1 << k);
        RangeStats {
            sum: self.prefix[start + len] - self.prefix[start],
            min: self.minima[k][start].min(self.minima[k][other]),
            max: self.maxima[k][start].max(self.maxima[k][other]),
        }
    }

    /// `len` values (`1..=60`) from `start`, wrapping past the end.
    fn cyclic_range(&self, start: usize, len: usize) -> RangeStats {
        if start + len <= 60 {
            return self.linear_range(start, len);
        }
        let head = self.linear_range(start, 60 - start);
        let tail = self.linear_range(0, start + len - 60);
        RangeStats {
            sum: head.sum + tail.sum,
            min: head.min.min(tail.min),
            max: head.max.max(tail.max),
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// The statistics of the minute values `from..to` of a piece, folded one minute at a time.
    pub(crate) fn folded(
        shape: Shape,
        piece_start: i64,
        hour_start: i64,
        from: i64,
        to: i64,
    ) -> Stats {
        let mut stats = Stats::NONE;
        for minute in from..to {
            if let Some(value) = shape.value_at(piece_start, hour_start, minute) {
                stats.merge(Stats::one(value));
            }
        }
        stats
    }

    /// Two statistics agree, up to floating-point rounding of sums.
    pub(crate) fn assert_close(closed: Stats, folded: Stats, what: &str) {
        assert_eq!(closed.count, folded.count, "{what}: count");
        if closed.count == 0 {
            return;
        }
        for statistic in Statistic::ALL {
            let (a, b) = (
                closed.statistic(statistic).unwrap_or(f64::NAN),
                folded.statistic(statistic).unwrap_or(f64::NAN),
            );
            assert!(
                (a - b).abs() <= 1e-9 * (1.0 + a.abs().max(b.abs())),
                "{what}: {statistic:?} {a} vs {b}"
            );
        }
    }

    #[test]
    fn template_is_centred_and_bounded() {
        let t = template();
        assert!(t.prefix[60].abs() < 1e-9);
        assert!(t.values().iter().all(|v| (-1.0..=1.0).contains(v)));
        assert!(t.values().iter().any(|v| (v.abs() - 1.0).abs() < 1e-12));
    }

    #[test]
    fn closed_forms_equal_the_minutes_they_cover() {
        let shapes = [
            Shape::Constant(7.0),
            jitter(40.0, 0.3, 0.0, 100.0, 17),
            jitter(99.0, 0.3, 0.0, 100.0, 59),
            Shape::Ramp {
                first: 3600.0,
                step: 60.0,
            },
            Shape::Event(2.0),
        ];
        let hour_start = 29_714_520; // a whole hour, in minutes
        for shape in shapes {
            for piece_start in [hour_start, hour_start + 13] {
                for from in piece_start..hour_start + 60 {
                    for to in from..=hour_start + 60 {
                        let closed = shape.stats(piece_start, hour_start, from, to);
                        let minutes = folded(shape, piece_start, hour_start, from, to);
                        assert_close(closed, minutes, &format!("{shape:?} {from}..{to}"));
                    }
                }
            }
        }
    }

    #[test]
    fn jitter_stays_inside_its_bounds() {
        for level in [0.0, 0.5, 50.0, 99.9, 100.0, 250.0] {
            let shape = jitter(level, 0.5, 0.0, 100.0, 3);
            let stats = shape.stats(0, 0, 0, 60);
            assert!(stats.min >= 0.0 && stats.max <= 100.0, "{level}: {stats:?}");
        }
    }
}
