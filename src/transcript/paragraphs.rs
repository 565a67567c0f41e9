//! The paragraph view: cues joined per speaker, re-split into sentences, and grouped into paragraphs.
//!
//! Published cues often break mid-sentence ("was. The trick there is…" / "interesting little twist…"), so the
//! text reads in fragments. [`Paragraphs::build`] joins the consecutive cues of one speaker, splits the joined
//! text into sentences (at `.`, `?`, `!` or `…` before a word that is not lowercase, with a few abbreviations kept
//! whole), and groups sentences into paragraphs at speaker turns and pauses: a gap of more than [`PAUSE`] between
//! cues, or a paragraph that would run longer than [`LONGEST_PARAGRAPH`].
//!
//! Every sentence keeps its own start time, so the highlight and click-to-jump stay exact: a sentence that starts
//! at a cue's start has that cue's time; one that starts inside a cue has the time of its word when the cue has
//! word times, and otherwise a time interpolated by characters between the cue's start and its end (never past
//! the next cue's start). Times only grow from one sentence to the next.
//!
//! Where the cues have word times, each block keeps its timed words ([`Paragraph::word_at`]) for the word-level
//! highlight.
//!
//! [`Paragraphs::as_published`] gives the same shape with one paragraph per cue, so a view can show either.

use std::ops::Range;
use std::time::Duration;

use super::model::{Cue, Transcript};

/// A gap between cues longer than this starts a new paragraph (and ends the sentence before it).
pub const PAUSE: Duration = Duration::from_millis(1500);
/// A paragraph is not made longer than this; the next sentence starts a new one.
pub const LONGEST_PARAGRAPH: Duration = Duration::from_secs(60);
/// A sentence with no end in sight (captions without punctuation) is cut at the next cue boundary past this many
/// bytes of text.
pub const LONGEST_SENTENCE_BYTES: usize = 400;

/// Words ending in a full stop that do not end a sentence.
const ABBREVIATIONS: &[&str] = &[
    "mr.", "mrs.", "ms.", "dr.", "prof.", "st.", "vs.", "e.g.", "i.e.", "etc.", "approx.", "no.",
];

/// One sentence inside a paragraph.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sentence {
    /// When it starts being spoken.
    pub start: Duration,
    /// Its bytes in the paragraph's text (without trailing spaces).
    pub range: Range<usize>,
}

/// One block of the view: a paragraph in the paragraph view, a cue as published.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Paragraph {
    /// The text shown.
    pub text: String,
    /// Who speaks, if the source names them.
    pub speaker: Option<String>,
    /// True when this block begins a speaker's turn (named, or marked `>>`).
    pub turn: bool,
    /// The sentences, in order; never empty.
    pub sentences: Vec<Sentence>,
    /// The index of the first cue whose text is in this block.
    pub first_cue: usize,
    /// The timed words, in text order, when the transcript has word times: each word's bytes in the text and its
    /// start.
    pub words: Vec<TimedWord>,
    /// Which run of one speaker's cues this block belongs to, and where its text starts in that run's text.
    run: usize,
    run_offset: usize,
}

impl Paragraph {
    /// When the block starts: its first sentence's start.
    pub fn start(&self) -> Duration {
        self.sentences.first().map_or(Duration::ZERO, |s| s.start)
    }

    /// The sentence holding byte `at` of the text (the last one starting at or before it).
    pub fn sentence_at_byte(&self, at: usize) -> usize {
        self.sentences
            .partition_point(|s| s.range.start <= at)
            .saturating_sub(1)
    }
}

/// A word of a block with its own time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TimedWord {
    /// Its bytes in the block's text.
    pub range: Range<usize>,
    /// When it starts being spoken.
    pub start: Duration,
}

/// Where one cue's text went: its run, where its trimmed text starts in the run's text, and how many bytes of
/// leading space were trimmed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct CuePlace {
    run: usize,
    run_offset: usize,
    lead: usize,
    /// The first paragraph of the run.
    first_paragraph: usize,
}

/// The blocks of a transcript, with what is needed to find a time's sentence and a cue's place.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Paragraphs {
    /// The blocks, in time order.
    pub paragraphs: Vec<Paragraph>,
    /// The transcript's named speakers, in order of first appearance (all of them, even when only one's blocks
    /// are kept), so each keeps the same place, and colour, in every view.
    pub speakers: Vec<String>,
    /// Every sentence's start, in order, with its (paragraph, sentence) index.
    starts: Vec<(Duration, usize, usize)>,
    cues: Vec<CuePlace>,
}

/// A position in the view: a block and a sentence in it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SentenceId {
    /// The block's index.
    pub paragraph: usize,
    /// The sentence's index in the block.
    pub sentence: usize,
}

impl Paragraphs {
    /// The paragraph view of `t` (see the module docs).
    pub fn build(t: &Transcript) -> Self {
        let mut out = Paragraphs::default();
        for (run, cues) in runs(t).into_iter().enumerate() {
            out.add_run(t, run, cues);
        }
        out.speakers = t.speakers().into_iter().map(str::to_owned).collect();
        out.index_starts();
        out
    }

    /// One block per cue, each a single sentence at the cue's start: the transcript as published.
    pub fn as_published(t: &Transcript) -> Self {
        let mut out = Paragraphs::default();
        for (index, cue) in t.cues.iter().enumerate() {
            out.cues.push(CuePlace {
                run: index,
                run_offset: 0,
                lead: 0,
                first_paragraph: index,
            });
            out.paragraphs.push(Paragraph {
                text: cue.text.clone(),
                speaker: cue.speaker.clone(),
                turn: t.starts_turn(index),
                sentences: vec![Sentence {
                    start: cue.start,
                    range: 0..cue.text.len(),
                }],
                first_cue: index,
                words: cue_words(cue, cue.text.len() - cue.text.trim_start().len()),
                run: index,
                run_offset: 0,
            });
        }
        out.speakers = t.speakers().into_iter().map(str::to_owned).collect();
        out.index_starts();
        out
    }

    /// Only the blocks `name` speaks: the others are left out, their cues shown nowhere ([`Paragraphs::locate`]
    /// gives `None`), and a time in them lights the last sentence of `name`'s heard before it.
    pub fn only_speaker(self, name: &str) -> Self {
        let mut new_index = vec![None; self.paragraphs.len()];
        let mut paragraphs = Vec::new();
        for (old, para) in self.paragraphs.into_iter().enumerate() {
            if para.speaker.as_deref() == Some(name) {
                new_index[old] = Some(paragraphs.len());
                paragraphs.push(para);
            }
        }
        // A run is one speaker's, so its blocks are all kept or all left out.
        let cues = self
            .cues
            .into_iter()
            .map(|place| CuePlace {
                first_paragraph: new_index
                    .get(place.first_paragraph)
                    .copied()
                    .flatten()
                    .unwrap_or(usize::MAX),
                ..place
            })
            .collect();
        let mut out = Paragraphs {
            paragraphs,
            speakers: self.speakers,
            starts: Vec::new(),
            cues,
        };
        out.index_starts();
        out
    }

    /// The place of speaker `name` among the transcript's speakers, in order of first appearance.
    pub fn speaker_index(&self, name: &str) -> Option<usize> {
        self.speakers.iter().position(|s| s == name)
    }

    /// How many blocks there are.
    pub fn len(&self) -> usize {
        self.paragraphs.len()
    }

    /// True when there are no blocks.
    pub fn is_empty(&self) -> bool {
        self.paragraphs.is_empty()
    }

    /// The sentence being spoken at `t`: among the sentences started at or before `t`, the one that started last.
    pub fn sentence_at(&self, t: Duration) -> Option<SentenceId> {
        let started = self.starts.partition_point(|s| s.0 <= t);
        let &(_, paragraph, sentence) = self.starts.get(started.checked_sub(1)?)?;
        Some(SentenceId {
            paragraph,
            sentence,
        })
    }

    /// The first sentence start after `t`, if any.
    pub fn next_start_after(&self, t: Duration) -> Option<Duration> {
        let started = self.starts.partition_point(|s| s.0 <= t);
        self.starts.get(started).map(|s| s.0)
    }

    /// The sentence after (`forward`) or before `id`, in reading order.
    pub fn step(&self, id: SentenceId, forward: bool) -> Option<SentenceId> {
        let flat = self
            .starts
            .iter()
            .position(|&(_, p, s)| p == id.paragraph && s == id.sentence)?;
        let next = if forward {
            flat + 1
        } else {
            flat.checked_sub(1)?
        };
        let &(_, paragraph, sentence) = self.starts.get(next)?;
        Some(SentenceId {
            paragraph,
            sentence,
        })
    }

    /// The first sentence, if any.
    pub fn first(&self) -> Option<SentenceId> {
        let &(_, paragraph, sentence) = self.starts.first()?;
        Some(SentenceId {
            paragraph,
            sentence,
        })
    }

    /// The sentence `id`, if it exists.
    pub fn sentence(&self, id: SentenceId) -> Option<&Sentence> {
        self.paragraphs
            .get(id.paragraph)?
            .sentences
            .get(id.sentence)
    }

    /// Where byte `at` of cue `cue`'s text is shown: the block and the byte in its text. `None` for a cue with no
    /// text (or past the end).
    pub fn locate(&self, cue: usize, at: usize) -> Option<(usize, usize)> {
        let place = self.cues.get(cue)?;
        self.paragraphs.get(place.first_paragraph)?;
        let pos = place.run_offset + at.saturating_sub(place.lead);
        let mut index = place.first_paragraph;
        while let Some(next) = self.paragraphs.get(index + 1)
            && next.run == place.run
            && next.run_offset <= pos
        {
            index += 1;
        }
        let paragraph = self.paragraphs.get(index)?;
        (paragraph.run == place.run).then(|| (index, pos.saturating_sub(paragraph.run_offset)))
    }

    fn index_starts(&mut self) {
        self.starts = self
            .paragraphs
            .iter()
            .enumerate()
            .flat_map(|(p, para)| {
                para.sentences
                    .iter()
                    .enumerate()
                    .map(move |(s, sentence)| (sentence.start, p, s))
            })
            .collect();
    }

    /// Joins one run's cues, splits the text into sentences and the sentences into paragraphs.
    fn add_run(&mut self, t: &Transcript, run: usize, cues: Range<usize>) {
        let first_paragraph = self.paragraphs.len();
        let joined = Joined::of(t, cues.clone());
        for &(run_offset, lead) in &joined.offsets {
            self.cues.push(CuePlace {
                run,
                run_offset,
                lead,
                first_paragraph,
            });
        }
        let sentences = joined.sentences();
        let mut groups: Vec<Vec<(Range<usize>, Duration)>> = Vec::new();
        let mut paragraph_start = Duration::ZERO;
        for range in &sentences {
            let start = joined.time_at(range.start);
            // Where its text ends, not where the next sentence starts: a pause after it is not part of it.
            let end = joined.time_at(range.end);
            let pause = joined.gap_before(range.start) > PAUSE;
            let too_long = end.saturating_sub(paragraph_start) > LONGEST_PARAGRAPH;
            match groups.last_mut() {
                Some(group) if !pause && !too_long => group.push((range.clone(), start)),
                _ => {
                    paragraph_start = start;
                    groups.push(vec![(range.clone(), start)]);
                }
            }
        }
        let first_cue = &t.cues[cues.start];
        let run_words = joined.words();
        for (index, group) in groups.into_iter().enumerate() {
            let (Some(first), Some(last)) = (group.first(), group.last()) else {
                continue;
            };
            let base = first.0.start;
            let end = last.0.end;
            let text = joined.text[base..end].to_owned();
            let words = run_words
                .iter()
                .filter(|w| w.range.start >= base && w.range.end <= end)
                .map(|w| TimedWord {
                    range: w.range.start - base..w.range.end - base,
                    start: w.start,
                })
                .collect();
            self.paragraphs.push(Paragraph {
                text,
                speaker: first_cue.speaker.clone(),
                turn: index == 0 && t.starts_turn(cues.start),
                sentences: group
                    .iter()
                    .map(|(range, start)| Sentence {
                        start: *start,
                        range: range.start - base..range.end - base,
                    })
                    .collect(),
                first_cue: joined.cue_at_byte(base),
                words,
                run,
                run_offset: base,
            });
        }
    }
}

/// The transcript's cues cut into runs of one speaker: a new run at every turn.
fn runs(t: &Transcript) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    for index in 1..t.cues.len() {
        if t.starts_turn(index) {
            out.push(start..index);
            start = index;
        }
    }
    if start < t.cues.len() {
        out.push(start..t.cues.len());
    }
    out
}

/// One run's cue texts joined with single spaces, and where each cue's text and time went.
struct Joined<'a> {
    t: &'a Transcript,
    text: String,
    /// The cues of the run, in order.
    order: Vec<usize>,
    /// For each cue: where its trimmed text starts in `text`, and the bytes of space trimmed before it.
    offsets: Vec<(usize, usize)>,
    /// For each cue: where its trimmed text ends in `text`.
    ends: Vec<usize>,
}

impl<'a> Joined<'a> {
    fn of(t: &'a Transcript, cues: Range<usize>) -> Self {
        let mut joined = Joined {
            t,
            text: String::new(),
            order: Vec::new(),
            offsets: Vec::new(),
            ends: Vec::new(),
        };
        for index in cues {
            let raw = t.cues[index].text.as_str();
            let piece = raw.trim();
            if !piece.is_empty() && !joined.text.is_empty() {
                joined.text.push(' ');
            }
            let lead = raw.len() - raw.trim_start().len();
            joined.order.push(index);
            joined.offsets.push((joined.text.len(), lead));
            joined.text.push_str(piece);
            joined.ends.push(joined.text.len());
        }
        joined
    }

    /// The position in `order` of the cue holding byte `at`: the last with text starting at or before it. A cue
    /// without text shares the next one's offset and comes before it, so the one with text wins.
    fn slot_at(&self, at: usize) -> usize {
        self.offsets
            .partition_point(|&(offset, _)| offset <= at)
            .saturating_sub(1)
    }

    fn cue(&self, slot: usize) -> &'a Cue {
        let t: &'a Transcript = self.t;
        &t.cues[self.order[slot]]
    }

    /// The timed words of the whole run, with byte ranges in its text.
    fn words(&self) -> Vec<TimedWord> {
        let mut out = Vec::new();
        for (slot, &(offset, _)) in self.offsets.iter().enumerate() {
            let cue = self.cue(slot);
            if cue.words.is_empty() {
                continue;
            }
            out.extend(cue_words(cue, 0).into_iter().map(|w| TimedWord {
                range: w.range.start + offset..w.range.end + offset,
                start: w.start,
            }));
        }
        out
    }

    fn cue_at_byte(&self, at: usize) -> usize {
        self.order[self.slot_at(at)]
    }

    /// When the cue in `slot` stops being the one heard: its end, but never past the next cue's start.
    fn span_end(&self, slot: usize) -> Duration {
        let index = self.order[slot];
        let start = self.t.cues[index].start;
        let end = self.t.cue_end(index, None).unwrap_or(start);
        let end = match self.t.cues.get(index + 1) {
            Some(next) => end.min(next.start),
            None => end,
        };
        end.max(start)
    }

    /// When byte `at` of the text is spoken: its cue's start at the cue's first byte; inside a cue, its word's
    /// time when the cue's words match its text, else interpolated by characters over the cue's span.
    fn time_at(&self, at: usize) -> Duration {
        let slot = self.slot_at(at);
        let cue = self.cue(slot);
        let (offset, _) = self.offsets[slot];
        let piece = &self.text[offset..self.ends[slot]];
        let local = at.saturating_sub(offset).min(piece.len());
        if local == 0 {
            return cue.start;
        }
        let before = &piece[..local];
        let span_end = self.span_end(slot);
        if !cue.words.is_empty() && cue.words.len() == piece.split_whitespace().count() {
            let word = before.split_whitespace().count();
            if let Some(w) = cue.words.get(word) {
                return w.start.clamp(cue.start, span_end.max(cue.start));
            }
        }
        let total_chars = piece.chars().count().max(1) as u32;
        let before_chars = before.chars().count() as u32;
        cue.start + (span_end - cue.start) * before_chars / total_chars
    }

    /// The silence before byte `at`, when it is the start of a cue: from the previous cue's end (if it has one).
    fn gap_before(&self, at: usize) -> Duration {
        let slot = self.slot_at(at);
        if slot == 0 || self.offsets[slot].0 != at {
            return Duration::ZERO;
        }
        self.gap_before_slot(slot)
    }

    fn gap_before_slot(&self, slot: usize) -> Duration {
        let index = self.order[slot];
        let Some(previous) = index.checked_sub(1).and_then(|i| self.t.cues.get(i)) else {
            return Duration::ZERO;
        };
        previous.end.map_or(Duration::ZERO, |end| {
            self.t.cues[index].start.saturating_sub(end)
        })
    }

    /// The sentences of the text: cut after sentence ends ([`sentence_starts`]), at pauses, and
    /// at cue boundaries once a sentence runs too long. Ranges leave out trailing spaces.
    fn sentences(&self) -> Vec<Range<usize>> {
        let mut cuts = sentence_starts(&self.text);
        let forced = self.forced_cuts(&cuts);
        cuts.extend(forced);
        cuts.sort_unstable();
        cuts.dedup();
        let mut out = Vec::new();
        let mut from = 0;
        for at in cuts.into_iter().chain(std::iter::once(self.text.len())) {
            let end = from + self.text[from..at].trim_end().len();
            if end > from {
                out.push(from..end);
            }
            from = at;
        }
        out
    }

    /// Cue boundaries that end a sentence whatever its punctuation: a pause before the cue, or a sentence that has
    /// run on for more than [`LONGEST_SENTENCE_BYTES`].
    fn forced_cuts(&self, cuts: &[usize]) -> Vec<usize> {
        let mut out = Vec::new();
        let mut last_cut = 0;
        let mut next_cut = 0;
        for (slot, &(offset, _)) in self.offsets.iter().enumerate().skip(1) {
            while next_cut < cuts.len() && cuts[next_cut] <= offset {
                last_cut = last_cut.max(cuts[next_cut]);
                next_cut += 1;
            }
            if offset == self.ends[slot] {
                continue;
            }
            if self.gap_before_slot(slot) > PAUSE || offset - last_cut > LONGEST_SENTENCE_BYTES {
                out.push(offset);
                last_cut = offset;
            }
        }
        out
    }
}

/// A cue's timed words matched to its text in order, each word taking as many whitespace-separated tokens as its
/// own text has; ranges are bytes of the cue's trimmed text, plus `shift`. Words left when the tokens run out are
/// dropped.
fn cue_words(cue: &Cue, shift: usize) -> Vec<TimedWord> {
    let piece = cue.text.trim();
    let base = piece.as_ptr() as usize;
    let mut tokens = piece.split_whitespace().map(|token| {
        let start = token.as_ptr() as usize - base;
        start..start + token.len()
    });
    let mut out = Vec::new();
    for word in &cue.words {
        let count = word.text.split_whitespace().count().max(1);
        let Some(first) = tokens.next() else {
            break;
        };
        let last = (1..count)
            .filter_map(|_| tokens.next())
            .last()
            .unwrap_or(first.clone());
        out.push(TimedWord {
            range: first.start + shift..last.end + shift,
            start: word.start,
        });
    }
    out
}

impl Paragraph {
    /// The word being spoken at `t` inside sentence `sentence`: the last of its timed words started by `t`.
    pub fn word_at(&self, sentence: usize, t: Duration) -> Option<&TimedWord> {
        let range = self.sentences.get(sentence)?.range.clone();
        self.words
            .iter()
            .filter(|w| w.range.start >= range.start && w.range.end <= range.end)
            .take_while(|w| w.start <= t)
            .last()
    }

    /// The timed word holding byte `at` of the text, if any.
    pub fn word_at_byte(&self, at: usize) -> Option<&TimedWord> {
        self.words.iter().find(|w| w.range.contains(&at))
    }
}

/// Where sentences start in `text`, after the first: after `.`, `?`, `!` or `…` (any run of them), closing quotes
/// or brackets, and a space, when the next word does not start with a lowercase letter ("e.g. this" goes on) and
/// the word before is not an abbreviation ("Mr. Smith"). These are the Unicode sentence rules (UAX #29) as they
/// apply to transcripts, written out because the general algorithm took 1.3 s on a 62 MB transcript.
fn sentence_starts(text: &str) -> Vec<usize> {
    let mut out = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((_, c)) = chars.next() {
        if !matches!(c, '.' | '?' | '!' | '…') {
            continue;
        }
        while let Some(&(_, next)) = chars.peek()
            && matches!(
                next,
                '.' | '?' | '!' | '…' | '"' | '\'' | ')' | ']' | '”' | '’' | '»'
            )
        {
            chars.next();
        }
        let mut spaced = false;
        while let Some(&(_, next)) = chars.peek()
            && next.is_whitespace()
        {
            spaced = true;
            chars.next();
        }
        let Some(&(start, next)) = chars.peek() else {
            break;
        };
        if spaced && !next.is_lowercase() && !ends_with_abbreviation(&text[..start]) {
            out.push(start);
        }
    }
    out
}

/// True when `before` (the text up to a sentence boundary) ends in a word like "Mr." or "e.g.".
fn ends_with_abbreviation(before: &str) -> bool {
    let word = before.trim_end().rsplit(' ').next().unwrap_or_default();
    let word = word.trim_start_matches(['(', '"', '\'', '“', '‘']);
    ABBREVIATIONS.iter().any(|a| word.eq_ignore_ascii_case(a))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transcript::{Format, Word};

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    /// A cue from `start_ms` to `end_ms` (0 for no end), spoken by `speaker` ("" for nobody named).
    fn cue(start_ms: u64, end_ms: u64, speaker: &str, text: &str) -> Cue {
        Cue {
            start: ms(start_ms),
            end: (end_ms > 0).then(|| ms(end_ms)),
            speaker: (!speaker.is_empty()).then(|| speaker.to_owned()),
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

    /// Each paragraph as its sentences, each written `start_ms text`.
    fn shape(p: &Paragraphs) -> Vec<Vec<String>> {
        p.paragraphs
            .iter()
            .map(|para| {
                para.sentences
                    .iter()
                    .map(|s| format!("{} {}", s.start.as_millis(), &para.text[s.range.clone()]))
                    .collect()
            })
            .collect()
    }

    #[test]
    fn cues_are_joined_and_split_into_sentences_and_paragraphs() {
        type Case = (&'static str, Vec<Cue>, Vec<Vec<&'static str>>);
        let cases: Vec<Case> = vec![
            (
                "a sentence ending mid-cue starts at a time interpolated by characters",
                vec![
                    cue(0, 2300, "", "It was. The trick there is"),
                    cue(2300, 4000, "", "to wait."),
                ],
                vec![vec!["0 It was.", "707 The trick there is to wait."]],
            ),
            (
                "a sentence starting at a cue keeps the cue's time",
                vec![
                    cue(0, 1000, "", "Hello there."),
                    cue(1000, 2000, "", "Happy to have"),
                    cue(2000, 3000, "", "you here."),
                ],
                vec![vec!["0 Hello there.", "1000 Happy to have you here."]],
            ),
            (
                "a speaker turn starts a paragraph",
                vec![
                    cue(0, 1000, "Ana", "Welcome to the show."),
                    cue(1000, 2000, "Ana", "Glad you came."),
                    cue(2000, 3000, "Ben", "Thanks for having me."),
                ],
                vec![
                    vec!["0 Welcome to the show.", "1000 Glad you came."],
                    vec!["2000 Thanks for having me."],
                ],
            ),
            (
                "a pause over 1.5 s starts a paragraph, one under it does not",
                vec![
                    cue(0, 1000, "", "One."),
                    cue(2400, 3000, "", "Two."),
                    cue(5000, 6000, "", "Three."),
                ],
                vec![vec!["0 One.", "2400 Two."], vec!["5000 Three."]],
            ),
            (
                "a pause mid-sentence ends the sentence",
                vec![
                    cue(0, 1000, "", "and so"),
                    cue(9000, 10000, "", "we began."),
                ],
                vec![vec!["0 and so"], vec!["9000 we began."]],
            ),
            (
                "abbreviations do not end a sentence",
                vec![cue(0, 1000, "", "Mr. Smith met Dr. Jones, e.g. Today.")],
                vec![vec!["0 Mr. Smith met Dr. Jones, e.g. Today."]],
            ),
            (
                "a paragraph is cut before it runs over 60 s",
                vec![
                    cue(0, 30_000, "", "First part."),
                    cue(30_000, 55_000, "", "Second part."),
                    cue(55_000, 70_000, "", "Third part."),
                ],
                vec![
                    vec!["0 First part.", "30000 Second part."],
                    vec!["55000 Third part."],
                ],
            ),
            (
                "spaces around cue text are dropped when joining",
                vec![
                    cue(0, 1000, "", "  Spaced  "),
                    cue(1000, 2000, "", " out. "),
                ],
                vec![vec!["0 Spaced out."]],
            ),
        ];
        for (name, cues, want) in cases {
            let got = shape(&Paragraphs::build(&transcript(cues)));
            assert_eq!(got, want, "{name}");
        }
    }

    #[test]
    fn sentences_start_after_an_end_and_a_space_before_a_word_not_lowercase() {
        let cases: [(&str, &[&str]); 9] = [
            (
                "One. Two? Three! Four… Five",
                &["Two?", "Three!", "Four…", "Five"],
            ),
            ("Wait... what? No!? Yes.", &["No!?", "Yes."]),
            ("He said \"go.\" Then left.", &["Then"]),
            ("(Really.) Sure.", &["Sure."]),
            ("Python 3.12 is out. 3 cheers.", &["3 cheers."]),
            ("Mr. Smith and Dr. Who, e.g. This.", &[]),
            ("It ends.", &[]),
            ("No space.Here", &[]),
            ("Done.  “Quoted” next.", &["“Quoted”"]),
        ];
        for (text, want) in cases {
            let got: Vec<&str> = sentence_starts(text)
                .into_iter()
                .map(|start| text[start..].split(' ').next().unwrap_or_default())
                .collect();
            let want: Vec<&str> = want
                .iter()
                .map(|w| w.split(' ').next().unwrap_or_default())
                .collect();
            assert_eq!(got, want, "{text}");
        }
    }

    #[test]
    fn an_unpunctuated_run_is_cut_at_cue_boundaries() {
        let cues = (0..40)
            .map(|i| {
                cue(
                    i * 1000,
                    i * 1000 + 1000,
                    "",
                    "and then some more words that go on",
                )
            })
            .collect();
        let p = Paragraphs::build(&transcript(cues));
        let longest = p
            .paragraphs
            .iter()
            .flat_map(|para| para.sentences.iter().map(|s| s.range.len()))
            .max()
            .unwrap_or_default();
        assert!(longest <= LONGEST_SENTENCE_BYTES + 40, "{longest}");
    }

    #[test]
    fn word_times_give_a_sentence_its_start() {
        let mut c = cue(0, 4000, "", "Yes. We did it");
        let words = [("Yes.", 0), ("We", 2500), ("did", 3000), ("it", 3500)];
        c.words = words
            .iter()
            .map(|&(text, start_ms)| Word {
                start: ms(start_ms),
                end: None,
                text: text.to_owned(),
            })
            .collect();
        let p = Paragraphs::build(&transcript(vec![c.clone()]));
        assert_eq!(shape(&p), [["0 Yes.", "2500 We did it"]]);
        let para = &p.paragraphs[0];
        let heard = |sentence, at_ms| {
            para.word_at(sentence, ms(at_ms))
                .map(|w| &para.text[w.range.clone()])
        };
        assert_eq!(heard(1, 2400), None, "before the sentence's first word");
        assert_eq!(heard(1, 2500), Some("We"));
        assert_eq!(heard(1, 3200), Some("did"));
        assert_eq!(heard(1, 9000), Some("it"));
        assert_eq!(
            heard(0, 9000),
            Some("Yes."),
            "only the sentence's own words"
        );
        assert_eq!(
            para.word_at_byte("Yes. We d".len()).map(|w| w.start),
            Some(ms(3000))
        );
        let published = Paragraphs::as_published(&transcript(vec![c]));
        assert_eq!(published.paragraphs[0].words.len(), 4);
    }

    #[test]
    fn turns_and_speakers_are_kept_on_the_first_paragraph() {
        let mut marked = cue(3000, 4000, "", "Right.");
        marked.turn = true;
        let t = transcript(vec![
            cue(0, 1000, "", "So."),
            cue(1000, 2000, "", "Yes."),
            marked,
        ]);
        let p = Paragraphs::build(&t);
        let turns: Vec<bool> = p.paragraphs.iter().map(|para| para.turn).collect();
        assert_eq!(turns, [false, true]);
        let t = transcript(vec![
            cue(0, 1000, "Ana", "Hi."),
            cue(1000, 2000, "Ben", "Hey."),
        ]);
        let p = Paragraphs::build(&t);
        let speakers: Vec<Option<&str>> = p
            .paragraphs
            .iter()
            .map(|para| para.speaker.as_deref())
            .collect();
        assert_eq!(speakers, [Some("Ana"), Some("Ben")]);
        assert!(p.paragraphs.iter().all(|para| para.turn));
    }

    #[test]
    fn only_one_speakers_blocks_are_kept() {
        let t = transcript(vec![
            cue(0, 1000, "Ana", "Hi. I am Ana."),
            cue(1000, 2000, "Ben", "Hey."),
            cue(2000, 3000, "Ana", "Welcome."),
        ]);
        for p in [Paragraphs::build(&t), Paragraphs::as_published(&t)] {
            let ana = p.only_speaker("Ana");
            let texts: Vec<&str> = ana.paragraphs.iter().map(|p| p.text.as_str()).collect();
            assert_eq!(texts, ["Hi. I am Ana.", "Welcome."]);
            assert_eq!(ana.locate(1, 0), None, "Ben's cue is not shown");
            assert_eq!(
                ana.speakers,
                ["Ana", "Ben"],
                "every speaker keeps their place"
            );
            assert_eq!(ana.locate(2, 0), Some((1, 0)));
            // While Ben speaks, Ana's last sentence before stays lit.
            assert_eq!(ana.sentence_at(ms(1500)).map(|id| id.paragraph), Some(0));
            assert_eq!(ana.sentence_at(ms(2500)).map(|id| id.paragraph), Some(1));
        }
    }

    #[test]
    fn the_sentence_heard_and_the_place_of_a_cue() {
        let t = transcript(vec![
            cue(0, 2300, "", "It was. The trick there is"),
            cue(2300, 4000, "", "to wait."),
            cue(9000, 10000, "", "Later."),
        ]);
        let p = Paragraphs::build(&t);
        let id = |paragraph, sentence| {
            Some(SentenceId {
                paragraph,
                sentence,
            })
        };
        let cases = [
            (0, id(0, 0)),
            (707, id(0, 0)),
            (708, id(0, 1)),
            (8999, id(0, 1)),
            (9000, id(1, 0)),
        ];
        for (at_ms, want) in cases {
            assert_eq!(p.sentence_at(ms(at_ms)), want, "at {at_ms} ms");
        }
        assert_eq!(
            p.locate(1, 0),
            Some((0, "It was. The trick there is ".len()))
        );
        assert_eq!(p.locate(2, 0), Some((1, 0)));
        assert_eq!(
            p.step(
                SentenceId {
                    paragraph: 0,
                    sentence: 1
                },
                true
            ),
            id(1, 0)
        );
        assert_eq!(
            p.step(
                SentenceId {
                    paragraph: 0,
                    sentence: 0
                },
                false
            ),
            None
        );
        let published = Paragraphs::as_published(&t);
        assert_eq!(published.len(), 3);
        assert_eq!(published.sentence_at(ms(2300)), id(1, 0));
    }
}
