//! The bounded list of problems a reader recovered from, so a broken file cannot flood it.

use super::model::Warning;

/// At most this many warnings are kept; one more says how many were left out.
pub(crate) const MAX_WARNINGS: usize = 200;

/// Collects warnings while a file is read.
#[derive(Debug, Default)]
pub(crate) struct Warnings {
    list: Vec<Warning>,
    dropped: usize,
}

impl Warnings {
    /// A new, empty collector.
    pub(crate) fn new() -> Self {
        Self::default()
    }

    /// Records that something was wrong on `line` and what was done about it.
    pub(crate) fn push(&mut self, line: usize, message: impl Into<String>) {
        if self.list.len() < MAX_WARNINGS {
            self.list.push(Warning {
                line,
                message: message.into(),
            });
        } else {
            self.dropped += 1;
        }
    }

    /// The warnings, ordered by line (equal lines keep the order they were found in).
    pub(crate) fn finish(mut self) -> Vec<Warning> {
        self.list.sort_by_key(|w| w.line);
        if self.dropped > 0 {
            let line = self.list.last().map_or(1, |w| w.line);
            self.list.push(Warning {
                line,
                message: format!(
                    "{} more problems after this one were not listed",
                    self.dropped
                ),
            });
        }
        self.list
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warnings_are_sorted_and_capped() {
        let mut w = Warnings::new();
        w.push(5, "b");
        w.push(2, "a");
        let got = w.finish();
        assert_eq!(got.iter().map(|w| w.line).collect::<Vec<_>>(), [2, 5]);

        let mut w = Warnings::new();
        for i in 0..MAX_WARNINGS + 10 {
            w.push(i + 1, "x");
        }
        let got = w.finish();
        assert_eq!(got.len(), MAX_WARNINGS + 1);
        assert!(got[MAX_WARNINGS].message.starts_with("10 more"));
    }
}
