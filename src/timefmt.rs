//! Clock text for people: showing a `Duration` as `1:02:03` and reading `--at 1:02:03.5`.

use std::time::Duration;

/// Shows `d` as `M:SS` under an hour and `H:MM:SS` from an hour on (whole seconds, rounded down).
pub fn clock(d: Duration) -> String {
    let total_secs = d.as_secs();
    let (h, m, s) = (total_secs / 3600, (total_secs / 60) % 60, total_secs % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m}:{s:02}")
    }
}

/// Shows `d` as `H:MM:SS.mmm` (hours always shown), for places people read back exactly.
pub fn clock_millis(d: Duration) -> String {
    let total_ms = d.as_millis();
    let (h, m, s, ms) = (
        total_ms / 3_600_000,
        (total_ms / 60_000) % 60,
        (total_ms / 1000) % 60,
        total_ms % 1000,
    );
    format!("{h}:{m:02}:{s:02}.{ms:03}")
}

/// Reads a time given by a person: `3723.5`, `62:03`, `1:02:03.5`. Returns a message on bad input.
pub fn parse_clock(text: &str) -> Result<Duration, String> {
    let bad = || format!("'{text}' is not a time: use seconds (3723.5) or H:MM:SS (1:02:03.5)");
    let parts: Vec<&str> = text.trim().split(':').collect();
    if parts.len() > 3 || parts.iter().any(|p| p.is_empty()) {
        return Err(bad());
    }
    let Some((last, whole)) = parts.split_last() else {
        return Err(bad());
    };
    let secs: f64 = last.parse().map_err(|_| bad())?;
    if !secs.is_finite() || secs < 0.0 || (!whole.is_empty() && secs >= 60.0) {
        return Err(bad());
    }
    let mut total_secs = secs;
    for (i, part) in whole.iter().rev().enumerate() {
        let n: u32 = part.parse().map_err(|_| bad())?;
        if i == 0 && whole.len() == 2 && n >= 60 {
            return Err(bad());
        }
        total_secs += f64::from(n) * 60f64.powi(i as i32 + 1);
    }
    Duration::try_from_secs_f64(total_secs).map_err(|_| bad())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_text() {
        let cases = [
            (0.0, "0:00"),
            (59.9, "0:59"),
            (61.0, "1:01"),
            (3599.0, "59:59"),
            (3723.5, "1:02:03"),
        ];
        for (secs, want) in cases {
            assert_eq!(clock(Duration::from_secs_f64(secs)), want);
        }
    }

    #[test]
    fn parses_seconds_and_clock_forms() {
        let ok = [
            ("3723.5", 3723.5),
            ("0", 0.0),
            ("1:02:03.5", 3723.5),
            ("62:03", 3723.0),
            ("0:05", 5.0),
            (" 1:00 ", 60.0),
        ];
        for (text, want) in ok {
            assert_eq!(
                parse_clock(text),
                Ok(Duration::from_secs_f64(want)),
                "{text}"
            );
        }
        for bad in [
            "", "abc", "-1", "1:60", "1:61:00", "1::2", "1:2:3:4", "NaN", "inf",
        ] {
            assert!(parse_clock(bad).is_err(), "{bad} should be refused");
        }
    }
}
