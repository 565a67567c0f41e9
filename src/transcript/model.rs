//! The transcript model every reader produces: cues with typed times, speakers, words and warnings.

use std::fmt;
use std::time::Duration;

/// The shape a transcript was read from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    /// `HH:MM:SS text` lines (Talk Python's `.txt`), with optional `<v Name>` tags or `>>` turns.
    TimestampedText,
    /// A transcript copied from an episode's web page: `MM:SS` stamps, a header and a footer.
    WebPage,
    /// W3C WebVTT.
    WebVtt,
    /// YouTube's WebVTT captions (auto-captions with rolling lines and `<c>` word times included).
    YouTubeVtt,
    /// SubRip.
    Srt,
    /// Podcasting 2.0 JSON (`{"version", "segments": [...]}`).
    Podcasting20Json,
    /// OpenAI Whisper's JSON output.
    WhisperJson,
}

impl Format {
    /// The short, stable name used by `export` and `info`.
    pub fn name(self) -> &'static str {
        match self {
            Format::TimestampedText => "text",
            Format::WebPage => "webpage",
            Format::WebVtt => "vtt",
            Format::YouTubeVtt => "youtube-vtt",
            Format::Srt => "srt",
            Format::Podcasting20Json => "podcasting2-json",
            Format::WhisperJson => "whisper-json",
        }
    }

    /// How much a format tells beyond plain timed text; higher is richer.
    /// An episode folder with several transcripts opens the richest one first.
    pub fn richness(self) -> u8 {
        match self {
            Format::Podcasting20Json | Format::WhisperJson => 5,
            Format::WebVtt | Format::YouTubeVtt => 4,
            Format::Srt => 3,
            Format::TimestampedText => 2,
            Format::WebPage => 1,
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One timed word inside a cue, for word-level highlighting.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Word {
    /// When the word starts.
    pub start: Duration,
    /// When the word ends, if the source says.
    pub end: Option<Duration>,
    /// The word as displayed (without leading space).
    pub text: String,
}

/// One line of the transcript: the unit that is highlighted and clicked.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Cue {
    /// When the line starts being spoken.
    pub start: Duration,
    /// When it ends, if the source says; otherwise the next cue's start (or the end of the audio).
    pub end: Option<Duration>,
    /// Who speaks, if the source names them.
    pub speaker: Option<String>,
    /// True when the source marks a change of speaker at this cue without naming one (`>>`).
    pub turn: bool,
    /// The plain text shown to the reader, with markup removed and entities decoded.
    pub text: String,
    /// Word times, when the source has them.
    pub words: Vec<Word>,
    /// The 1-based line in the source file where this cue begins.
    pub line: usize,
}

/// A problem the reader recovered from. It names the line so the user can find it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Warning {
    /// The 1-based line in the source file.
    pub line: usize,
    /// What was wrong and what the reader did about it.
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

/// A whole transcript, its cues sorted by start (equal starts keep file order).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Transcript {
    /// The episode title, when the source carries one.
    pub title: Option<String>,
    /// The shape it was read from.
    pub format: Format,
    /// The cues, sorted by start.
    pub cues: Vec<Cue>,
    /// What the reader recovered from.
    pub warnings: Vec<Warning>,
}

impl Transcript {
    /// The cue being spoken at `t`: among the cues started at or before `t`, the one that started last.
    /// Before the first cue starts, nothing is active.
    pub fn cue_at(&self, t: Duration) -> Option<usize> {
        let started = self.cues.partition_point(|c| c.start <= t);
        started.checked_sub(1)
    }

    /// When cue `index` ends: its own end if the source gave one, otherwise the next cue's start,
    /// otherwise `audio_end` (the end of the audio, when known).
    pub fn cue_end(&self, index: usize, audio_end: Option<Duration>) -> Option<Duration> {
        let cue = self.cues.get(index)?;
        cue.end
            .or_else(|| self.cues.get(index + 1).map(|next| next.start))
            .or(audio_end)
    }

    /// How long the episode runs when there is no audio to say: the last line's end, and at least
    /// five seconds past its start. `None` without cues.
    pub fn length_without_audio(&self) -> Option<Duration> {
        const TAIL_WITHOUT_END: Duration = Duration::from_secs(5);
        let last = self.cues.len().checked_sub(1)?;
        let tail_end = self.cues.get(last)?.start + TAIL_WITHOUT_END;
        Some(
            self.cue_end(last, None)
                .map_or(tail_end, |end| end.max(tail_end)),
        )
    }

    /// The names of the speakers, in order of first appearance.
    pub fn speakers(&self) -> Vec<&str> {
        let mut seen: Vec<&str> = Vec::new();
        for name in self.cues.iter().filter_map(|c| c.speaker.as_deref()) {
            if !seen.contains(&name) {
                seen.push(name);
            }
        }
        seen
    }

    /// True when cue `index` begins a new speaker's turn: a named speaker differing from the
    /// previous cue's, or an unnamed turn mark.
    pub fn starts_turn(&self, index: usize) -> bool {
        let Some(cue) = self.cues.get(index) else {
            return false;
        };
        if cue.turn {
            return true;
        }
        match (
            index.checked_sub(1).and_then(|i| self.cues.get(i)),
            &cue.speaker,
        ) {
            (_, None) => false,
            (None, Some(_)) => true,
            (Some(prev), Some(name)) => prev.speaker.as_deref() != Some(name.as_str()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cue(start_ms: u64, text: &str) -> Cue {
        Cue {
            start: Duration::from_millis(start_ms),
            text: text.to_owned(),
            ..Cue::default()
        }
    }

    fn transcript(cues: Vec<Cue>) -> Transcript {
        Transcript {
            title: None,
            format: Format::WebVtt,
            cues,
            warnings: Vec::new(),
        }
    }

    #[test]
    fn cue_at_picks_the_cue_that_started_last() {
        let t = transcript(vec![
            cue(1000, "a"),
            cue(2000, "b"),
            cue(2000, "c"),
            cue(5000, "d"),
        ]);
        let cases = [
            (0, None),
            (999, None),
            (1000, Some(0)),
            (1999, Some(0)),
            (2000, Some(2)),
            (4999, Some(2)),
            (5000, Some(3)),
            (999_999, Some(3)),
        ];
        for (ms, want) in cases {
            assert_eq!(t.cue_at(Duration::from_millis(ms)), want, "at {ms} ms");
        }
    }

    #[test]
    fn cue_end_falls_back_to_next_start_then_audio_end() {
        let mut first = cue(0, "a");
        first.end = Some(Duration::from_millis(500));
        let t = transcript(vec![first, cue(1000, "b"), cue(2000, "c")]);
        let audio_end = Some(Duration::from_secs(9));
        assert_eq!(t.cue_end(0, audio_end), Some(Duration::from_millis(500)));
        assert_eq!(t.cue_end(1, audio_end), Some(Duration::from_millis(2000)));
        assert_eq!(t.cue_end(2, audio_end), audio_end);
        assert_eq!(t.cue_end(2, None), None);
        assert_eq!(t.cue_end(3, audio_end), None);
    }

    #[test]
    fn turns_come_from_speaker_changes_and_marks() {
        let named = |name: &str| Cue {
            speaker: Some(name.to_owned()),
            ..cue(0, "x")
        };
        let marked = Cue {
            turn: true,
            ..cue(0, "x")
        };
        let t = transcript(vec![
            named("A"),
            named("A"),
            named("B"),
            cue(0, "x"),
            marked,
        ]);
        let got: Vec<bool> = (0..5).map(|i| t.starts_turn(i)).collect();
        assert_eq!(got, [true, false, true, false, true]);
        assert_eq!(t.speakers(), ["A", "B"]);
    }
}
