//! Median, min and max of a figure's trials.

/// A figure over several trials.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Summary {
    /// The median trial.
    pub median: f64,
    /// The lowest trial.
    pub min: f64,
    /// The highest trial.
    pub max: f64,
    /// How many trials.
    pub trials: usize,
}

impl Summary {
    /// The summary of `samples`; `None` when there are none (or one is not a number).
    pub fn of(samples: &[f64]) -> Option<Self> {
        if samples.iter().any(|x| x.is_nan()) {
            return None;
        }
        if samples.is_empty() {
            return None;
        }
        let mut v = samples.to_vec();
        v.sort_by(f64::total_cmp);
        let n = v.len();
        let median = if n % 2 == 1 {
            *v.get(n / 2)?
        } else {
            (v.get(n / 2 - 1)? + v.get(n / 2)?) / 2.0
        };
        Some(Self {
            median,
            min: *v.first()?,
            max: *v.last()?,
            trials: n,
        })
    }

    /// A single exact value (a heap figure).
    pub fn exact(x: f64) -> Self {
        Self {
            median: x,
            min: x,
            max: x,
            trials: 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_min_max() {
        let s = Summary::of(&[3.0, 1.0, 2.0]).unwrap();
        assert_eq!((s.median, s.min, s.max, s.trials), (2.0, 1.0, 3.0, 3));
        let s = Summary::of(&[4.0, 1.0, 2.0, 3.0]).unwrap();
        assert_eq!(s.median, 2.5);
        assert!(Summary::of(&[]).is_none());
    }
}
