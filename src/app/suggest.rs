//! "Suggest sync points": decodes the episode's audio and aligns its transcript on a background
//! thread (`suggest-sync`), then holds the blocks found for the listener to apply or dismiss in
//! the Sync popover. Nothing is applied without the listener's word.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, TryRecvError};
use std::sync::{Arc, Mutex};

use eframe::egui::{self, Context, RichText};

use super::command::Command;
use super::status_bar::StatusItem;
use super::{POLL_WAIT, ReadalongApp};
use crate::timefmt;
use crate::transcript::Transcript;
use crate::transcript::align::{self, CueSpan, Suggestion};

/// The longest piece of a line's text shown beside a suggestion.
const LINE_CHARS: usize = 40;

/// What the background search answers.
type Answer = Result<Option<Vec<Suggestion>>, String>;

/// A search running on its thread; dropping it cancels the search.
pub struct SuggestJob {
    answer: Receiver<Answer>,
    cancel: Arc<AtomicBool>,
    /// The fraction done, 0 to 1, as the thread last said.
    progress: Arc<Mutex<f32>>,
}

impl Drop for SuggestJob {
    fn drop(&mut self) {
        self.cancel.store(true, Ordering::Relaxed);
    }
}

/// Where "Suggest sync points" is.
#[derive(Default)]
pub enum SuggestState {
    /// Not asked, or the last answer was applied or dismissed.
    #[default]
    Idle,
    /// Finding blocks.
    Finding(SuggestJob),
    /// Blocks found, waiting for the listener.
    Found(Vec<Suggestion>),
    /// The search found no inserted block.
    NothingFound,
    /// The search could not run.
    Failed(String),
}

impl SuggestState {
    /// True while the search runs.
    pub fn is_finding(&self) -> bool {
        matches!(self, SuggestState::Finding(_))
    }
}

/// Starts the search on `audio` for `cues` on a thread named `suggest-sync`. The thread wakes
/// the UI (`ctx`) when it is done.
fn spawn(ctx: &Context, audio: PathBuf, cues: Vec<CueSpan>) -> Result<SuggestJob, String> {
    let (tx, rx) = mpsc::channel();
    let cancel = Arc::new(AtomicBool::new(false));
    let progress = Arc::new(Mutex::new(0.0f32));
    let (thread_cancel, thread_progress, ctx) = (cancel.clone(), progress.clone(), ctx.clone());
    std::thread::Builder::new()
        .name("suggest-sync".to_owned())
        .spawn(move || {
            let mut shown = 0.0f32;
            let mut report = |fraction: f32| {
                if fraction - shown >= 0.01 {
                    shown = fraction;
                    if let Ok(mut p) = thread_progress.lock() {
                        *p = fraction;
                    }
                }
            };
            let answer =
                crate::audio::energy::align_file(&audio, &cues, &thread_cancel, &mut report)
                    .map(|found| found.map(|a| align::suggestions(&a, &cues)));
            let _ = tx.send(answer);
            ctx.request_repaint();
        })
        .map_err(|e| format!("cannot start the suggest-sync thread: {e}"))?;
    Ok(SuggestJob {
        answer: rx,
        cancel,
        progress,
    })
}

impl ReadalongApp {
    /// Starts looking for inserted blocks in the open episode's audio (a second ask while one
    /// runs restarts it).
    pub(super) fn start_suggest(&mut self, ctx: &Context) {
        let Some(episode) = &self.episode else {
            return;
        };
        let (Some(audio), Some(transcript)) = (episode.files.audio.clone(), episode.transcript())
        else {
            self.suggest = SuggestState::Failed(
                "an episode with both audio and a transcript is needed".to_owned(),
            );
            return;
        };
        let cues = align::cue_spans(transcript);
        self.suggest = match spawn(ctx, audio, cues) {
            Ok(job) => SuggestState::Finding(job),
            Err(e) => SuggestState::Failed(e),
        };
    }

    /// Takes in the search's answer when it comes.
    pub(super) fn handle_suggest(&mut self, ctx: &Context) {
        let SuggestState::Finding(job) = &self.suggest else {
            return;
        };
        self.suggest = match job.answer.try_recv() {
            Ok(Ok(Some(found))) if found.is_empty() => SuggestState::NothingFound,
            Ok(Ok(Some(found))) => SuggestState::Found(found),
            Ok(Ok(None)) => SuggestState::Idle,
            Ok(Err(e)) => SuggestState::Failed(e),
            Err(TryRecvError::Disconnected) => {
                SuggestState::Failed("the search stopped unexpectedly".to_owned())
            }
            Err(TryRecvError::Empty) => {
                ctx.request_repaint_after(POLL_WAIT);
                return;
            }
        };
    }

    /// Adds every suggested point to the episode's map (remembered), the newest winning over
    /// points that disagree.
    pub(super) fn apply_suggestions(&mut self) {
        let SuggestState::Found(found) = std::mem::take(&mut self.suggest) else {
            return;
        };
        let mut map = self.sync.clone();
        let mut dropped = 0;
        for point in found.iter().flat_map(|s| &s.points) {
            let (next, gone) = map.with_heard_point(point.transcript, point.audio);
            map = next;
            dropped += gone;
        }
        self.set_sync(map);
        if dropped > 0 {
            self.sync_notice = Some(format!(
                "removed {dropped} sync point(s) that disagreed with the suggested ones"
            ));
        }
    }
}

/// What the status bar says while the search runs, and while its suggestions wait (the Sync
/// popover may be closed meanwhile).
pub fn status_item(state: &SuggestState) -> Option<StatusItem> {
    match state {
        SuggestState::Finding(_) => Some(StatusItem::info("finding inserted blocks…")),
        SuggestState::Found(found) => Some(StatusItem::info(format!(
            "{} inserted block(s) found: apply or dismiss them in Sync",
            found.len()
        ))),
        _ => None,
    }
}

/// The "Suggest sync points" part of the Sync popover.
pub fn suggest_ui(
    ui: &mut egui::Ui,
    state: &SuggestState,
    transcript: Option<&Transcript>,
    can_suggest: bool,
    commands: &mut Vec<Command>,
) {
    match state {
        SuggestState::Idle | SuggestState::NothingFound | SuggestState::Failed(_) => {
            let button = ui
                .add_enabled(can_suggest, egui::Button::new("Suggest sync points"))
                .on_hover_text(
                    "Look for blocks in the audio that the transcript does not have (inserted \
                     ads) and suggest sync points around them, for you to check",
                )
                .on_disabled_hover_text("Needs an episode with both audio and a transcript");
            if button.clicked() {
                commands.push(Command::SuggestSyncPoints);
            }
            match state {
                SuggestState::NothingFound => {
                    ui.label("No inserted blocks found: the transcript matches the audio.");
                }
                SuggestState::Failed(e) => {
                    ui.label(RichText::new(format!("Cannot suggest sync points: {e}")).weak());
                }
                _ => {}
            }
        }
        SuggestState::Finding(job) => {
            let fraction = job.progress.lock().map_or(0.0, |p| *p);
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label(format!("Finding inserted blocks… {:.0}%", fraction * 100.0));
                if ui.button("Cancel").clicked() {
                    commands.push(Command::DismissSuggestions);
                }
            });
        }
        SuggestState::Found(found) => {
            let n = found.len();
            ui.label(if n == 1 {
                "Found 1 block the transcript does not have:".to_owned()
            } else {
                format!("Found {n} blocks the transcript does not have:")
            });
            for s in found {
                ui.label(suggestion_text(s, transcript));
            }
            ui.horizontal(|ui| {
                if ui
                    .button("Apply")
                    .on_hover_text("Add these sync points")
                    .clicked()
                {
                    commands.push(Command::ApplySuggestions);
                }
                if ui.button("Dismiss").clicked() {
                    commands.push(Command::DismissSuggestions);
                }
            });
        }
    }
}

/// "Block at 0:16, 30.0 s, between line 2 "…" and line 3 "…"".
pub fn suggestion_text(s: &Suggestion, transcript: Option<&Transcript>) -> String {
    let line = |i: usize| {
        let text = transcript
            .and_then(|t| t.cues.get(i))
            .map(|c| c.text.as_str())
            .unwrap_or_default();
        let mut short: String = text.chars().take(LINE_CHARS).collect();
        if text.chars().count() > LINE_CHARS {
            short.push('…');
        }
        format!("line {} \"{short}\"", i + 1)
    };
    let head = format!(
        "Block at {}, {:.1} s,",
        timefmt::clock(s.audio_start),
        s.block.length().as_secs_f64()
    );
    match s.cues.as_slice() {
        [before, after] => format!("{head} between {} and {}", line(*before), line(*after)),
        _ => format!("{head} before {}", line(s.block.before_cue)),
    }
}
