//! Where an episode's chapters show, GUI-free: the block each one heads in the transcript, and the
//! chapter heard now.

use std::time::Duration;

use crate::transcript::chapters::Chapter;
use crate::transcript::paragraphs::Paragraphs;
use crate::transcript::sync::SyncMap;

/// A chapter header over one block of the transcript.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChapterRow {
    /// The block the header is drawn at the top of.
    pub block: usize,
    /// The title shown (the titles of every chapter starting in that block, joined).
    pub title: String,
}

/// The chapter headers of `blocks`: each chapter heads the block it starts in (its audio start
/// taken through `sync` to the transcript); a chapter that starts in audio the transcript does
/// not have (before it, or in an inserted ad) heads the next block. Sorted by block.
pub fn chapter_rows(blocks: &Paragraphs, chapters: &[Chapter], sync: &SyncMap) -> Vec<ChapterRow> {
    let mut rows: Vec<ChapterRow> = Vec::new();
    for chapter in chapters {
        let block = match sync.to_transcript(chapter.start) {
            Some(t) => Some(blocks.sentence_at(t).map_or(0, |id| id.paragraph)),
            None => {
                let next = blocks.paragraphs.partition_point(|p| {
                    sync.to_audio(p.start())
                        .is_none_or(|heard| heard < chapter.start)
                });
                (next < blocks.paragraphs.len()).then_some(next)
            }
        };
        let Some(block) = block.filter(|&b| b < blocks.paragraphs.len()) else {
            continue;
        };
        match rows.last_mut() {
            Some(last) if last.block == block => {
                last.title.push_str(" · ");
                last.title.push_str(&chapter.title);
            }
            _ => rows.push(ChapterRow {
                block,
                title: chapter.title.clone(),
            }),
        }
    }
    rows
}

/// The chapter heard at audio time `heard`: the last one started, if any.
pub fn chapter_at(chapters: &[Chapter], heard: Duration) -> Option<usize> {
    chapters
        .partition_point(|c| c.start <= heard)
        .checked_sub(1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transcript::{Cue, Format, Transcript};

    fn secs(s: u64) -> Duration {
        Duration::from_secs(s)
    }

    /// Blocks as published: one per cue, a cue every 10 s from 5 s.
    fn blocks() -> Paragraphs {
        let cue = |i: u64| Cue {
            start: secs(5 + 10 * i),
            text: format!("Line {i}."),
            ..Cue::default()
        };
        Paragraphs::as_published(&Transcript {
            title: None,
            format: Format::WebVtt,
            cues: (0..4).map(cue).collect(),
            warnings: Vec::new(),
        })
    }

    fn chapter(start: u64, title: &str) -> Chapter {
        Chapter {
            start: secs(start),
            title: title.to_owned(),
            url: None,
        }
    }

    #[test]
    fn each_chapter_heads_the_block_it_starts_in() {
        let blocks = blocks();
        let identity = SyncMap::default();
        let later = SyncMap::default().with_offset_ms(20_000);
        // (chapters, map, (block, title) wanted)
        type Case<'a> = (Vec<Chapter>, &'a SyncMap, Vec<(usize, &'a str)>);
        let cases: Vec<Case> = vec![
            (
                vec![chapter(0, "Intro"), chapter(25, "Main")],
                &identity,
                vec![(0, "Intro"), (2, "Main")],
            ),
            (
                vec![chapter(15, "A"), chapter(16, "B"), chapter(40, "C")],
                &identity,
                vec![(1, "A · B"), (3, "C")],
            ),
            // The transcript is heard 20 s later: a chapter at 10 s is before it, one at 30 s in
            // its line 0 (transcript 10 s), and one past the last line heads nothing new.
            (
                vec![
                    chapter(10, "Before"),
                    chapter(30, "Zero"),
                    chapter(500, "End"),
                ],
                &later,
                vec![(0, "Before · Zero"), (3, "End")],
            ),
            (vec![], &identity, vec![]),
        ];
        for (chapters, map, want) in cases {
            let rows = chapter_rows(&blocks, &chapters, map);
            let got: Vec<(usize, &str)> =
                rows.iter().map(|r| (r.block, r.title.as_str())).collect();
            assert_eq!(got, want);
        }
        assert!(chapter_rows(&Paragraphs::default(), &[chapter(0, "X")], &identity).is_empty());
    }

    #[test]
    fn the_chapter_heard_is_the_last_one_started() {
        let chapters = [chapter(0, "A"), chapter(60, "B"), chapter(120, "C")];
        let cases = [(0, Some(0)), (59, Some(0)), (60, Some(1)), (500, Some(2))];
        for (at, want) in cases {
            assert_eq!(chapter_at(&chapters, secs(at)), want, "{at}");
        }
        assert_eq!(chapter_at(&[chapter(10, "late")], secs(5)), None);
    }
}
