//! What the JSON readers share: one element of a `segments` list, and times written in seconds.

use std::time::Duration;

use serde_json::Value;

use super::timestamp::from_secs_f64;

/// One element of the `segments` list and the line it starts on.
pub(crate) struct Segment {
    /// 1-based line where the element starts.
    pub line: usize,
    /// The element.
    pub value: Value,
}

/// A number of seconds, written as a JSON number or a numeric string.
pub(crate) fn seconds(v: Option<&Value>) -> Option<Duration> {
    match v? {
        Value::Number(n) => from_secs_f64(n.as_f64()?),
        Value::String(s) => from_secs_f64(s.trim().parse().ok()?),
        _ => None,
    }
}
