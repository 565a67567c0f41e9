//! Reading and writing clock stamps (`HH:MM:SS.mmm`, `MM:SS`, `HH:MM:SS,mmm`) and seconds as `Duration`.

use std::time::Duration;

/// Reads a whole clock stamp: `[H+:]MM:SS[(.|,)fff]`. Hours may be any length up to 6 digits,
/// minutes and seconds are below 60 (minutes may exceed 59 only when there are no hours), the
/// fraction has 1 to 9 digits of which the first three (milliseconds) are kept.
pub(crate) fn parse_clock(s: &str) -> Option<Duration> {
    // The separators are ASCII, so working on bytes finds the same places as on chars.
    let s = s.as_bytes();
    let (clock, frac) = match s.iter().position(|&b| b == b'.' || b == b',') {
        Some(i) => (s.get(..i)?, Some(s.get(i + 1..)?)),
        None => (s, None),
    };
    let mut fields = clock.split(|&b| b == b':');
    let a = fields.next()?;
    let b = fields.next()?;
    let c = fields.next();
    if fields.next().is_some() {
        return None;
    }
    let (hours, minutes, seconds) = match c {
        Some(c) => (number(a, 1, 6)?, number(b, 1, 2)?, number(c, 2, 2)?),
        None => (0, number(a, 1, 3)?, number(b, 2, 2)?),
    };
    if seconds >= 60 || (c.is_some() && minutes >= 60) {
        return None;
    }
    let millis = match frac {
        None => 0,
        Some(f) => {
            if f.is_empty() || f.len() > 9 || !f.iter().all(u8::is_ascii_digit) {
                return None;
            }
            let mut ms = 0u64;
            for i in 0..3 {
                let digit = f.get(i).map_or(0, |b| u64::from(b - b'0'));
                ms = ms * 10 + digit;
            }
            ms
        }
    };
    let secs = hours * 3600 + minutes * 60 + seconds;
    Some(Duration::from_secs(secs) + Duration::from_millis(millis))
}

/// `s` as a number when it is `min..=max` ASCII digits.
fn number(s: &[u8], min: usize, max: usize) -> Option<u64> {
    if s.len() < min || s.len() > max || !s.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(s.iter().fold(0, |n, &d| n * 10 + u64::from(d - b'0')))
}

/// A clock stamp at the start of `line`, followed by whitespace or the end of the line.
/// Returns the time and the text after the stamp (leading whitespace removed).
pub(crate) fn leading_clock(line: &str) -> Option<(Duration, &str)> {
    if !line.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let end = line.find(|c: char| c.is_whitespace()).unwrap_or(line.len());
    let stamp = &line[..end];
    let t = parse_clock(stamp)?;
    Some((t, line[end..].trim_start()))
}

/// Seconds (from JSON) as a `Duration`, when finite, not negative and below about 31 years.
pub(crate) fn from_secs_f64(secs: f64) -> Option<Duration> {
    if secs.is_finite() && (0.0..1e9).contains(&secs) {
        // Round to whole milliseconds: sources give at most that precision that matters.
        Some(Duration::from_millis((secs * 1000.0).round() as u64))
    } else {
        None
    }
}

/// A `Duration` as seconds with millisecond precision, for JSON.
pub(crate) fn to_secs_f64(d: Duration) -> f64 {
    d.as_millis() as f64 / 1000.0
}

fn parts(d: Duration) -> (u128, u128, u128, u128) {
    let ms = d.as_millis();
    (ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000)
}

/// `HH:MM:SS`, as in Talk Python's text transcripts (milliseconds dropped).
pub(crate) fn format_hms(d: Duration) -> String {
    let (h, m, s, _) = parts(d);
    format!("{h:02}:{m:02}:{s:02}")
}

/// `HH:MM:SS.mmm` (WebVTT) or `HH:MM:SS,mmm` (SRT), as `sep` says.
pub(crate) fn format_millis(d: Duration, sep: char) -> String {
    let (h, m, s, ms) = parts(d);
    format!("{h:02}:{m:02}:{s:02}{sep}{ms:03}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Option<Duration> {
        Some(Duration::from_millis(n))
    }

    #[test]
    fn parses_clock_stamps() {
        let cases = [
            ("00:00:00", ms(0)),
            ("01:08:58", ms(4_138_000)),
            ("00:00:04.740", ms(4_740)),
            ("00:00:04,740", ms(4_740)),
            ("00:04.5", ms(4_500)),
            ("59:59", ms(3_599_000)),
            ("75:30", ms(4_530_000)),
            ("1:00:06", ms(3_606_000)),
            ("123:00:00.001", ms(442_800_001)),
            ("00:00:01.123456", ms(1_123)),
            ("00:00:60", None),
            ("00:60:00", None),
            ("00:00", ms(0)),
            ("0:5", None),
            ("", None),
            (":", None),
            ("00:00:00.", None),
            ("00:00:00.abc", None),
            ("00:00:00:00", None),
            ("-1:00", None),
            ("1234567:00:00", None),
            ("ab:cd", None),
            ("00:0é", None),
        ];
        for (input, want) in cases {
            assert_eq!(parse_clock(input), want, "{input:?}");
        }
    }

    #[test]
    fn finds_a_leading_stamp() {
        let cases = [
            ("00:01 hello", Some((ms(1000), "hello"))),
            ("00:00:01\tthere", Some((ms(1000), "there"))),
            ("00:00:01", Some((ms(1000), ""))),
            ("00:00:01hello", None),
            ("hello 00:00:01", None),
            ("10:30 a.m.", Some((ms(630_000), "a.m."))),
        ];
        for (input, want) in cases {
            let got = leading_clock(input).map(|(t, rest)| (Some(t), rest));
            assert_eq!(got, want, "{input:?}");
        }
    }

    #[test]
    fn formats_stamps() {
        let d = Duration::from_millis(3_723_045);
        assert_eq!(format_hms(d), "01:02:03");
        assert_eq!(format_millis(d, '.'), "01:02:03.045");
        assert_eq!(format_millis(d, ','), "01:02:03,045");
        assert_eq!(format_hms(Duration::from_secs(100 * 3600)), "100:00:00");
    }

    #[test]
    fn converts_seconds() {
        assert_eq!(from_secs_f64(1.2345), ms(1_235));
        assert_eq!(from_secs_f64(-0.1), None);
        assert_eq!(from_secs_f64(f64::NAN), None);
        assert_eq!(from_secs_f64(f64::INFINITY), None);
        assert_eq!(to_secs_f64(Duration::from_millis(1_500)), 1.5);
    }
}
