//! The sync trace: with `READALONG_TRACE=FILE`, one JSON line per playback event, for checking sync (and
//! how soon a transcript shows) from outside.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The environment variable naming the trace file.
pub const TRACE_ENV: &str = "READALONG_TRACE";

/// What happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TraceEvent {
    /// An episode was opened.
    Open,
    /// The position jumped.
    Seek,
    /// Playback started.
    Play,
    /// Playback paused.
    Pause,
    /// The lit line changed.
    Highlight,
    /// The transcript view drew its first rows of a newly shown transcript (once per transcript).
    Shown,
}

impl TraceEvent {
    fn name(self) -> &'static str {
        match self {
            TraceEvent::Open => "open",
            TraceEvent::Seek => "seek",
            TraceEvent::Play => "play",
            TraceEvent::Pause => "pause",
            TraceEvent::Highlight => "highlight",
            TraceEvent::Shown => "shown",
        }
    }
}

/// An append-only trace file; writes nothing when tracing is off.
#[derive(Default)]
pub struct Trace {
    file: Option<File>,
}

impl Trace {
    /// Opens the file named by `READALONG_TRACE`, if set. A file that cannot be opened is logged and skipped.
    pub fn from_env() -> Trace {
        match std::env::var_os(TRACE_ENV) {
            Some(path) => Trace::to_file(Path::new(&path)),
            None => Trace::default(),
        }
    }

    /// Appends to `path`.
    pub fn to_file(path: &Path) -> Trace {
        match OpenOptions::new().create(true).append(true).open(path) {
            Ok(file) => Trace { file: Some(file) },
            Err(e) => {
                log::warn!("cannot open trace file {}: {e}", path.display());
                Trace::default()
            }
        }
    }

    /// Writes one event with the heard position and the lit cue.
    pub fn record(&mut self, event: TraceEvent, position: Duration, cue: Option<usize>) {
        let Some(file) = self.file.as_mut() else {
            return;
        };
        let t_unix = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_secs_f64();
        let line = serde_json::json!({
            "t_unix": t_unix,
            "event": event.name(),
            "pos_secs": position.as_secs_f64(),
            "cue": cue,
        });
        if let Err(e) = writeln!(file, "{line}") {
            log::warn!("trace write failed, tracing stops: {e}");
            self.file = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_one_json_line_per_event() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("trace.jsonl");
        let mut trace = Trace::to_file(&path);
        trace.record(TraceEvent::Seek, Duration::from_millis(1500), Some(3));
        trace.record(TraceEvent::Pause, Duration::from_secs(2), None);
        let text = std::fs::read_to_string(&path).expect("read");
        let lines: Vec<serde_json::Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).expect("json"))
            .collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0]["event"], "seek");
        assert_eq!(lines[0]["pos_secs"], 1.5);
        assert_eq!(lines[0]["cue"], 3);
        assert_eq!(lines[1]["cue"], serde_json::Value::Null);
        assert!(lines[1]["t_unix"].as_f64().is_some_and(|t| t > 1.6e9));
    }
}
