//! Drives the real Readalong window through its accessibility tree: open, click a line, search, scroll, snapshot.

#![allow(clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::time::Duration;

use eframe::egui::{self, Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use readalong::app::{AudioChoice, Command, ReadalongApp, StartOptions, StateChoice};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn harness_for(path: PathBuf) -> Harness<'static, ReadalongApp> {
    harness_at(path, None)
}

/// The app opened on `path`, playing from `at` when given.
fn harness_at(path: PathBuf, at: Option<Duration>) -> Harness<'static, ReadalongApp> {
    harness_sized(path, at, egui::vec2(1000.0, 640.0))
}

fn harness_sized(
    path: PathBuf,
    at: Option<Duration>,
    size: egui::Vec2,
) -> Harness<'static, ReadalongApp> {
    harness_with(path, at, size, StateChoice::InMemory)
}

/// The app opened on `path` in a window of `size`, remembering in `state`; no sound, no signals,
/// no desktop media controls.
fn harness_with(
    path: PathBuf,
    at: Option<Duration>,
    size: egui::Vec2,
    state: StateChoice,
) -> Harness<'static, ReadalongApp> {
    let mut harness = Harness::builder().with_size(size).build_eframe(move |cc| {
        ReadalongApp::new(
            cc,
            StartOptions {
                path: Some(path),
                at,
                speed: None,
                audio: AudioChoice::Silent("test".to_owned()),
                state,
                handle_signals: false,
                media_controls: false,
                audio_dirs: Vec::new(),
            },
        )
    });
    settle(&mut harness);
    harness
}

/// Runs frames until the episode has been read in the background and nothing is pending.
fn settle(harness: &mut Harness<'static, ReadalongApp>) {
    harness.step();
    for _ in 0..2000 {
        if !harness.state().is_busy() {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
        harness.step();
    }
    assert!(
        !harness.state().is_busy(),
        "the episode was read within 20 s"
    );
    // A few more frames, so the first reveal of the new transcript is behind us.
    harness.run();
    harness.step();
    harness.run();
}

/// A transcript long enough to scroll: 200 lines, one every 3 seconds.
fn long_episode() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut vtt = String::from("WEBVTT\n\n");
    for i in 0..200u32 {
        let (start, end) = (i * 3, i * 3 + 2);
        vtt.push_str(&format!(
            "00:{:02}:{:02}.000 --> 00:{:02}:{:02}.000\nLine number {i} of the long episode.\n\n",
            start / 60,
            start % 60,
            end / 60,
            end % 60
        ));
    }
    std::fs::write(dir.path().join("long.vtt"), vtt).expect("write");
    dir
}

#[test]
fn opens_an_episode_and_shows_its_lines_and_speakers() {
    let harness = harness_for(fixture("episode"));
    let app = harness.state();
    let transcript = app.transcript().expect("a transcript is shown");
    assert_eq!(
        transcript.cues.len(),
        8,
        "the richer VTT is preferred over the TXT"
    );
    harness.get_by_label_contains("Welcome back to the show");
    harness.get_by_label_contains("no audio beside interview.vtt: reading only");
    assert!(!app.is_playing());
}

#[test]
fn clicking_a_line_seeks_there_and_stays_paused() {
    let mut harness = harness_for(fixture("episode"));
    harness
        .get_by_label_contains("The highlight tells me")
        .click();
    harness.run();
    let app = harness.state();
    assert_eq!(app.heard_position(), Duration::from_millis(14_500));
    assert!(
        !app.is_playing(),
        "a paused player stays paused after a click"
    );
    assert_eq!(app.lit_cue(), Some(3));
}

#[test]
fn arrow_keys_step_lines_and_space_plays() {
    let mut harness = harness_for(fixture("episode"));
    harness.key_press(Key::ArrowDown);
    harness.run();
    assert_eq!(
        harness.state().heard_position(),
        Duration::from_millis(1_000)
    );
    harness.key_press(Key::ArrowDown);
    harness.run();
    assert_eq!(
        harness.state().heard_position(),
        Duration::from_millis(4_500)
    );
    harness.key_press(Key::ArrowUp);
    harness.run();
    assert_eq!(
        harness.state().heard_position(),
        Duration::from_millis(1_000)
    );
    harness.key_press(Key::Space);
    harness.step();
    assert!(harness.state().is_playing());
    harness.key_press(Key::Space);
    harness.step();
    assert!(!harness.state().is_playing());
}

#[test]
fn search_marks_matches_and_steps_through_them() {
    let mut harness = harness_for(fixture("episode"));
    harness.key_press_modifiers(Modifiers::COMMAND, Key::F);
    harness.run();
    harness.get_by_label("Search:");
    harness
        .get_by_role(egui::accesskit::Role::TextInput)
        .type_text("DATABASE");
    harness.run();
    harness.get_by_label("1 of 3");
    harness.key_press(Key::Enter);
    harness.run();
    harness.get_by_label("2 of 3");
    harness.key_press_modifiers(Modifiers::SHIFT, Key::Enter);
    harness.run();
    harness.get_by_label("1 of 3");
    harness.key_press_modifiers(Modifiers::SHIFT, Key::Enter);
    harness.run();
    harness.get_by_label("3 of 3");
    assert!(
        !harness.state().is_following(),
        "stepping through matches stops following"
    );
    harness.key_press(Key::Escape);
    harness.run();
    assert!(
        harness.query_by_label("3 of 3").is_none(),
        "escape closes search"
    );
    assert!(
        harness.state().is_following(),
        "escape goes back to follow mode"
    );
}

#[test]
fn scrolling_by_hand_turns_follow_off_and_back_to_now_turns_it_on() {
    let dir = long_episode();
    let mut harness = harness_for(dir.path().to_path_buf());
    assert!(harness.state().is_following());
    harness.hover_at(egui::pos2(500.0, 300.0));
    harness.event(egui::Event::MouseWheel {
        unit: egui::MouseWheelUnit::Point,
        delta: egui::vec2(0.0, -400.0),
        phase: egui::TouchPhase::Move,
        modifiers: Modifiers::NONE,
        source: egui::MouseWheelSource::Wheel,
    });
    harness.run();
    assert!(
        !harness.state().is_following(),
        "a scroll by hand stops following"
    );
    harness.get_by_label_contains("Back to now").click();
    harness.run();
    assert!(harness.state().is_following());
    assert!(harness.query_by_label_contains("Back to now").is_none());
}

#[test]
fn follow_mode_keeps_the_lit_line_in_view() {
    let dir = long_episode();
    let mut harness = harness_for(dir.path().to_path_buf());
    harness
        .state_mut()
        .send(Command::SeekTo(Duration::from_secs(450)));
    harness.run();
    assert_eq!(harness.state().lit_cue(), Some(150));
    harness.get_by_label_contains("Line number 150 of");
    assert!(
        harness
            .query_by_label_contains("Line number 0 of")
            .is_none(),
        "rows out of view are not laid out"
    );
}

#[test]
fn a_broken_path_shows_an_error_instead_of_crashing() {
    let harness = harness_for(PathBuf::from("/no/such/episode.vtt"));
    assert!(
        harness
            .state()
            .error()
            .is_some_and(|e| e.contains("/no/such/episode.vtt"))
    );
    harness.get_by_label_contains("/no/such/episode.vtt");
}

/// The window background comes from the frame's clear colour (see `app::theme`), which the
/// test renderer does not use: the snapshot's background is transparent.
#[test]
fn main_window_snapshot() {
    let mut harness = harness_for(fixture("episode"));
    harness
        .get_by_label_contains("And a click on any line")
        .click();
    harness.run();
    harness.snapshot("main_window");
}

/// The label of line `i` of the long episode, as the row's accessible name begins.
fn long_line(i: usize) -> String {
    format!("Line number {i} of the long episode.")
}

/// Where line `i` is on screen, if it is drawn.
fn line_rect(harness: &Harness<'_, ReadalongApp>, i: usize) -> Option<egui::Rect> {
    harness
        .query_by_label_contains(&long_line(i))
        .map(|node| node.rect())
}

/// The first line drawn: the one at the view's top.
fn first_drawn_line(harness: &Harness<'_, ReadalongApp>) -> usize {
    (0..200)
        .find(|&i| line_rect(harness, i).is_some())
        .expect("some line is drawn")
}

fn wheel(harness: &mut Harness<'_, ReadalongApp>, down_pts: f32) {
    harness.hover_at(egui::pos2(500.0, 300.0));
    harness.event(egui::Event::MouseWheel {
        unit: egui::MouseWheelUnit::Point,
        delta: egui::vec2(0.0, -down_pts),
        phase: egui::TouchPhase::Move,
        modifiers: Modifiers::NONE,
        source: egui::MouseWheelSource::Wheel,
    });
    harness.run();
}

#[test]
fn clicking_a_visible_line_does_not_scroll() {
    let dir = long_episode();
    let mut harness = harness_for(dir.path().to_path_buf());
    let before = line_rect(&harness, 2).expect("line 2 is drawn");
    harness.get_by_label_contains(&long_line(12)).click();
    harness.run();
    assert_eq!(harness.state().lit_cue(), Some(12));
    assert_eq!(
        line_rect(&harness, 2),
        Some(before),
        "the view stays where the reader clicked"
    );
}

#[test]
fn clicking_a_partly_hidden_line_does_not_scroll_it_into_view() {
    let dir = long_episode();
    let mut harness = harness_for(dir.path().to_path_buf());
    // One row per line, so the top row can be cut in half.
    harness.state_mut().send(Command::ToggleParagraphView);
    settle(&mut harness);
    let row_pts = line_rect(&harness, 1).expect("line 1").top()
        - line_rect(&harness, 0).expect("line 0").top();
    // Five and a half rows down: the line at the top is cut in half.
    wheel(&mut harness, row_pts * 5.5);
    assert!(!harness.state().is_following());
    let top = first_drawn_line(&harness);
    let cut = line_rect(&harness, top).expect("the top line");
    let reference = line_rect(&harness, top + 4);
    harness.hover_at(egui::pos2(cut.center().x, cut.bottom() - 3.0));
    harness.drag_at(egui::pos2(cut.center().x, cut.bottom() - 3.0));
    harness.drop_at(egui::pos2(cut.center().x, cut.bottom() - 3.0));
    harness.run();
    assert_eq!(
        harness.state().lit_cue(),
        Some(top),
        "the cut line was clicked"
    );
    assert!(harness.state().is_following(), "a click follows again");
    assert_eq!(line_rect(&harness, top + 4), reference, "nothing moved");
}

#[test]
fn after_opening_the_lit_line_is_in_view() {
    let dir = long_episode();
    let harness = harness_at(dir.path().to_path_buf(), Some(Duration::from_secs(450)));
    let lit = harness.state().lit_cue().expect("a lit line");
    assert!((150..=151).contains(&lit), "lit {lit}");
    let rect = line_rect(&harness, lit).expect("the lit line is drawn");
    let view_top = harness.get_by_label("Help").rect().bottom();
    let view_bottom = harness.get_by_label("⟲ 15").rect().top();
    assert!(
        rect.top() >= view_top && rect.bottom() <= view_bottom,
        "lit line at {rect:?}, view {view_top}..{view_bottom}"
    );
    assert!(
        line_rect(&harness, lit - 2).is_some() && line_rect(&harness, lit + 2).is_some(),
        "lines around it are in view too"
    );
}

#[test]
fn end_and_home_scroll_the_view_and_stop_following() {
    let dir = long_episode();
    let mut harness = harness_for(dir.path().to_path_buf());
    assert!(harness.state().is_following());
    harness.key_press(Key::End);
    harness.run();
    assert!(!harness.state().is_following(), "End is a scroll by hand");
    assert!(line_rect(&harness, 199).is_some(), "the last line is shown");
    assert!(line_rect(&harness, 0).is_none());
    harness.key_press(Key::Home);
    harness.run();
    assert!(line_rect(&harness, 0).is_some(), "the first line is shown");
    assert!(line_rect(&harness, 199).is_none());
    harness.key_press(Key::PageDown);
    harness.run();
    assert!(line_rect(&harness, 0).is_none(), "Page Down moved on");
    assert!(!harness.state().is_following());
}

#[test]
fn rows_read_speaker_text_and_time() {
    let harness = harness_for(fixture("episode"));
    let transcript = harness.state().transcript().expect("a transcript");
    let named = transcript
        .cues
        .iter()
        .find(|c| c.speaker.is_some())
        .expect("a cue with a speaker");
    let label = format!(
        "{}, {}, {}",
        named.speaker.as_deref().unwrap_or_default(),
        named.text,
        readalong::timefmt::clock(named.start)
    );
    harness.get_by_label(&label);
}

#[test]
fn escape_closes_the_keys_overlay_then_search() {
    let mut harness = harness_for(fixture("episode"));
    harness.key_press(Key::F1);
    harness.run();
    harness.get_by_label("Close");
    harness.state_mut().send(Command::FocusSearch);
    harness.run();
    harness.key_press(Key::Escape);
    harness.run();
    assert!(
        harness.query_by_label("Close").is_none(),
        "Escape closed the keys first"
    );
    assert!(
        harness.query_by_label("Search:").is_some(),
        "search stays open"
    );
    harness.key_press(Key::Escape);
    harness.run();
    assert!(harness.query_by_label("Search:").is_none(), "then search");
}

#[test]
fn escape_closes_a_dropdown_and_a_click_outside_it_does_not_seek() {
    let mut harness = harness_for(fixture("episode"));
    harness.get_by_label("File").click();
    harness.run();
    assert!(
        harness.query_by_label("Open folder or library…").is_some(),
        "the menu opened"
    );
    harness.key_press(Key::Escape);
    harness.run();
    assert!(
        harness.query_by_label("Open folder or library…").is_none(),
        "Escape closed the menu"
    );

    harness.get_by_label("File").click();
    harness.run();
    let before = harness.state().heard_position();
    harness
        .get_by_label_contains("The highlight tells me")
        .click();
    harness.run();
    assert!(
        harness.query_by_label("Open folder or library…").is_none(),
        "the click closed the menu"
    );
    assert_eq!(
        harness.state().heard_position(),
        before,
        "a click that closes a menu does not seek"
    );
    harness
        .get_by_label_contains("The highlight tells me")
        .click();
    harness.run();
    assert_eq!(
        harness.state().heard_position(),
        Duration::from_millis(14_500),
        "the next click seeks"
    );
}

#[test]
fn every_control_is_reachable_at_480_by_400() {
    let size = egui::vec2(480.0, 400.0);
    let harness = harness_sized(fixture("episode"), None, size);
    let window = egui::Rect::from_min_size(egui::Pos2::ZERO, size);
    for label in [
        "File", "▶ Play", "⟲ 15", "30 ⟳", "Position", "Speed", "Volume",
    ] {
        for node in harness.get_all_by_label_contains(label) {
            let rect = node.rect();
            assert!(
                window.contains_rect(rect) && rect.width() >= 20.0,
                "{label} at {rect:?} is not fully inside the 480 x 400 window"
            );
        }
    }
    harness.get_by_label_contains("Welcome back to the show");
    let mut harness = harness;
    harness.state_mut().send(Command::FocusSearch);
    harness.run();
    let field = harness.get_by_role(egui::accesskit::Role::TextInput).rect();
    assert!(window.contains_rect(field), "the search box at {field:?}");
}

#[test]
fn ctrl_o_without_a_file_dialog_offers_readalong_s_own_open_box() {
    let has_zenity = std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join("zenity").is_file()));
    if has_zenity || std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some() {
        return; // The desktop can show a real dialog here.
    }
    let mut harness = harness_for(fixture("episode"));
    harness.key_press_modifiers(Modifiers::COMMAND, Key::O);
    for _ in 0..300 {
        harness.step();
        if harness
            .query_by_label_contains("A folder, an audio file or a transcript")
            .is_some()
        {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    harness.run();
    assert!(
        harness
            .state()
            .status_texts()
            .iter()
            .any(|t| t.contains("No file dialog")),
        "the status bar says what is missing: {:?}",
        harness.state().status_texts()
    );
    let dir = long_episode();
    harness
        .get_by_role(egui::accesskit::Role::TextInput)
        .type_text(dir.path().to_str().expect("utf-8"));
    harness.run();
    harness.get_by_label("Open").click();
    settle(&mut harness);
    let transcript = harness.state().transcript().expect("opened");
    assert_eq!(transcript.cues.len(), 200, "the typed folder was opened");
    assert!(
        harness
            .query_by_label_contains("A folder, an audio file or a transcript")
            .is_none()
    );
}

fn library_state_key(key: &str) -> PathBuf {
    let root = std::fs::canonicalize(fixture("library")).expect("library");
    readalong::library::episode_state_key(&root, key)
}

#[test]
fn a_library_lists_its_episodes_newest_first_and_the_filter_narrows_them() {
    let mut harness = harness_for(fixture("library"));
    let keys: Vec<String> = harness
        .state()
        .library()
        .expect("the folder opens as a library")
        .episodes()
        .iter()
        .map(|e| e.key.clone())
        .collect();
    assert_eq!(keys, vec!["2", "1", "pants-build"]);
    harness.get_by_label_contains("#2 What's new in python");
    harness.get_by_label_contains("#1 First steps with Readalong");
    assert!(
        harness.state().transcript().is_none(),
        "no episode is open yet"
    );
    harness.get_by_label("Filter episodes").focus();
    harness.run();
    harness.get_by_label("Filter episodes").type_text("pants");
    harness.run();
    assert!(harness.query_by_label_contains("#1 First steps").is_none());
    harness.get_by_label_contains("Pants build");
    harness.key_press(Key::Enter);
    settle(&mut harness);
    assert_eq!(
        harness.state().episode_title().as_deref(),
        Some("Pants build"),
        "Enter in the filter opens the episode chosen"
    );
}

#[test]
fn a_hit_in_the_library_search_opens_its_episode_at_its_line_and_plays() {
    let mut harness = harness_for(fixture("library"));
    harness.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::F);
    harness.run();
    harness
        .get_by_label("Search every episode")
        .type_text("durable");
    settle(&mut harness);
    let hits = harness.state().library().expect("library").hits();
    assert_eq!(
        hits,
        vec![
            ("2".to_owned(), Duration::from_secs(6)),
            ("1".to_owned(), Duration::from_secs(4)),
            ("pants-build".to_owned(), Duration::from_millis(3500)),
        ],
        "each episode once, in the transcript it opens with, newest first"
    );
    harness.get_by_label_contains("where to start").click();
    settle(&mut harness);
    let app = harness.state();
    assert_eq!(
        app.episode_title().as_deref(),
        Some("First steps with Readalong")
    );
    assert!(app.is_playing(), "a hit plays from its line");
    assert!(app.heard_position() >= Duration::from_secs(4));
    assert_eq!(app.lit_cue(), Some(1));
}

#[test]
fn each_episode_of_a_library_keeps_its_own_place() {
    let mut harness = harness_for(fixture("library"));
    harness.get_by_label_contains("#1 First steps").click();
    settle(&mut harness);
    harness.get_by_label_contains("Start with a").click();
    harness.run();
    assert_eq!(harness.state().heard_position(), Duration::from_secs(8));
    harness.get_by_label_contains("#2 What's new").click();
    settle(&mut harness);
    assert_eq!(harness.state().heard_position(), Duration::ZERO);
    let place = |key: &str| {
        harness
            .state()
            .state()
            .place(&library_state_key(key))
            .map(|p| p.position())
    };
    assert_eq!(place("1"), Some(Duration::from_secs(8)));
    harness.get_by_label_contains("#1 First steps").click();
    settle(&mut harness);
    assert_eq!(
        harness.state().heard_position(),
        Duration::from_secs(8),
        "episode 1 resumes where it was left, not where episode 2 was"
    );
}

#[test]
fn a_pairing_fixed_by_the_listener_is_used_and_remembered() {
    let mut harness = harness_for(fixture("library"));
    let audio = std::fs::canonicalize(fixture("library-audio/Talk Python - 1.mp3")).expect("audio");
    harness.state_mut().send(Command::SetPairing {
        key: "2".to_owned(),
        audio: Some(audio.clone()),
    });
    settle(&mut harness);
    let app = harness.state();
    let episode = app
        .library()
        .and_then(|l| l.episode("2"))
        .expect("episode 2");
    assert_eq!(episode.audio.as_deref(), Some(audio.as_path()));
    assert_eq!(
        episode.paired_by,
        Some(readalong::library::PairedBy::Chosen)
    );
    let root = std::fs::canonicalize(fixture("library")).expect("library");
    assert_eq!(
        app.state().library(&root).pairs.get("2"),
        Some(&Some(audio))
    );
    harness
        .state_mut()
        .send(Command::ResetPairing("2".to_owned()));
    settle(&mut harness);
    assert_eq!(
        harness
            .state()
            .library()
            .and_then(|l| l.episode("2"))
            .and_then(|e| e.audio.clone()),
        None,
        "pairing automatically again: episode 2 has no audio of its own"
    );
}

#[test]
fn a_line_synced_from_its_menu_lights_and_its_point_can_be_removed() {
    let mut harness = harness_for(fixture("episode"));
    harness.get_by_label_contains("And a click on any").click();
    harness.run();
    assert_eq!(
        harness.state().heard_position(),
        Duration::from_millis(19_500)
    );
    assert_eq!(harness.state().lit_cue(), Some(4));

    // The listener hears "The highlight tells me" (14.5 s in the transcript) now, at 19.5 s.
    harness
        .get_by_label_contains("The highlight tells me")
        .click_secondary();
    harness.run();
    harness.get_by_label("This line is playing now").click();
    harness.run();
    let app = harness.state();
    assert_eq!(app.sync_map().points().len(), 1);
    assert_eq!(
        app.sync_map().to_audio(Duration::from_millis(14_500)),
        Some(Duration::from_millis(19_500))
    );
    assert_eq!(app.lit_cue(), Some(3), "the synced line is lit");
    assert_eq!(
        app.heard_position(),
        Duration::from_millis(19_500),
        "no seek"
    );
    assert!(
        app.status_texts().iter().any(|t| t == "1 sync point"),
        "{:?}",
        app.status_texts()
    );

    // The Sync popover lists it with its offset, and removes it.
    harness.get_by_label("Sync").click();
    harness.run();
    harness.get_by_label_contains("+5.0 s");
    harness.get_by_label("Remove").click();
    harness.run();
    let app = harness.state();
    assert!(app.sync_map().points().is_empty());
    assert_eq!(app.lit_cue(), Some(4));
    harness.get_by_label("No sync points.");
}

#[test]
fn comma_and_period_move_the_transcript_and_the_status_bar_says_so() {
    let mut harness = harness_for(fixture("episode"));
    harness
        .get_by_label_contains("The highlight tells me")
        .click();
    harness.run();
    assert_eq!(harness.state().lit_cue(), Some(3));
    harness.key_press(Key::Period);
    harness.run();
    assert_eq!(harness.state().sync_map().offset_ms(), 100);
    // The line is heard 0.1 s later than the transcript says: at 14.5 s it has not started yet.
    assert_eq!(harness.state().lit_cue(), Some(2));
    harness.key_press_modifiers(Modifiers::SHIFT, Key::Comma);
    harness.run();
    harness.key_press(Key::Comma);
    harness.run();
    let app = harness.state();
    assert_eq!(app.sync_map().offset_ms(), -1000);
    assert_eq!(app.lit_cue(), Some(3));
    assert!(
        app.status_texts().iter().any(|t| t == "offset -1.0 s"),
        "{:?}",
        app.status_texts()
    );
}

#[test]
fn audio_between_two_sync_points_that_the_transcript_lacks_lights_no_line() {
    let mut harness = harness_for(fixture("episode"));
    // "The highlight tells me" is heard at its own time, 14.5 s.
    harness
        .get_by_label_contains("The highlight tells me")
        .click();
    harness.run();
    harness
        .get_by_label_contains("The highlight tells me")
        .click_secondary();
    harness.run();
    harness.get_by_label("This line is playing now").click();
    harness.run();
    // "Search helps too" (24.5 s in the transcript) is heard at 34.5 s: 10 s of audio inserted.
    // Pointing at the line and pressing S ties it.
    harness
        .state_mut()
        .send(Command::SeekTo(Duration::from_millis(34_500)));
    harness.run();
    harness.get_by_label_contains("Search helps too").hover();
    harness.run();
    harness.key_press(Key::S);
    harness.run();
    let app = harness.state();
    assert_eq!(app.sync_map().points().len(), 2);
    assert_eq!(app.lit_cue(), Some(5));

    let cases = [
        (20_000, Some(4)),
        (24_600, None),
        (30_000, None),
        (34_500, Some(5)),
    ];
    for (at_ms, want) in cases {
        harness
            .state_mut()
            .send(Command::SeekTo(Duration::from_millis(at_ms)));
        harness.run();
        assert_eq!(harness.state().lit_cue(), want, "at {at_ms} ms");
    }
    // Down from inside the inserted audio goes to the next line in the transcript.
    harness
        .state_mut()
        .send(Command::SeekTo(Duration::from_millis(30_000)));
    harness.run();
    harness.key_press(Key::ArrowDown);
    harness.run();
    assert_eq!(
        harness.state().heard_position(),
        Duration::from_millis(34_500)
    );
    assert!(
        harness
            .state()
            .status_texts()
            .iter()
            .any(|t| t == "2 sync points")
    );
}

/// The sentences shown, each as (label start, start time): what a click on it must seek to.
fn shown_sentences(harness: &Harness<'_, ReadalongApp>) -> Vec<(String, Duration)> {
    harness
        .state()
        .blocks()
        .paragraphs
        .iter()
        .flat_map(|p| {
            p.sentences
                .iter()
                .map(|s| (p.text[s.range.clone()].to_owned(), s.start))
        })
        .collect()
}

#[test]
fn paragraph_grouping_keeps_every_cues_time() {
    let mut harness = harness_for(fixture("paragraphs/fragments.vtt"));
    let blocks = harness.state().blocks().clone();
    let texts: Vec<&str> = blocks.paragraphs.iter().map(|p| p.text.as_str()).collect();
    assert_eq!(
        texts,
        [
            "Welcome back. Today we look at why published captions break sentences. It was hard to read. \
             The trick there is to join them again.",
            "Happy to have you. I agree.",
            "After a long pause, a new paragraph starts.",
        ]
    );
    // A click on every sentence plays from that sentence's own start, and lights it.
    for (text, start) in shown_sentences(&harness) {
        harness.get_by_label_contains(&text).click();
        harness.run();
        assert_eq!(harness.state().heard_position(), start, "{text}");
        let lit = harness.state().lit_sentence().expect("a lit sentence");
        let para = &harness.state().blocks().paragraphs[lit.paragraph];
        assert_eq!(&para.text[para.sentences[lit.sentence].range.clone()], text);
    }
    // Every cue's time lights the sentence that holds the cue's first word.
    let cues = harness
        .state()
        .transcript()
        .expect("a transcript")
        .cues
        .clone();
    for (index, cue) in cues.iter().enumerate() {
        harness.state_mut().send(Command::SeekTo(cue.start));
        harness.run();
        let (paragraph, byte) = blocks.locate(index, 0).expect("the cue is shown");
        let want = blocks.paragraphs[paragraph].sentence_at_byte(byte);
        let lit = harness.state().lit_sentence().expect("a lit sentence");
        assert_eq!(
            (lit.paragraph, lit.sentence),
            (paragraph, want),
            "cue {index}"
        );
        assert_eq!(harness.state().lit_cue(), Some(index));
    }
}

#[test]
fn the_view_menu_switches_between_paragraphs_and_lines_as_published() {
    let mut harness = harness_for(fixture("paragraphs/fragments.vtt"));
    assert!(harness.state().state().settings.paragraph_view);
    assert_eq!(harness.state().blocks().len(), 3);
    harness.get_by_label("View").click();
    harness.run();
    harness.get_by_label_contains("Lines as published").click();
    settle(&mut harness);
    assert!(
        !harness.state().state().settings.paragraph_view,
        "remembered"
    );
    assert_eq!(harness.state().blocks().len(), 6, "one row per cue");
    harness.get_by_label_contains("hard to read. The trick there is, 0:05");
    harness
        .get_by_label_contains("Welcome back. Today we look at")
        .click();
    harness.run();
    assert_eq!(harness.state().heard_position(), Duration::from_secs(1));
    harness.key_press(Key::P);
    settle(&mut harness);
    assert!(harness.state().state().settings.paragraph_view);
    assert_eq!(harness.state().blocks().len(), 3);
    harness.get_by_label_contains("The trick there is to join them again.");
}

#[test]
fn file_menu_offers_export_in_every_shape() {
    let mut harness = harness_for(fixture("paragraphs/fragments.vtt"));
    harness.get_by_label("File").click();
    harness.run();
    harness.get_by_label_contains("Export…").hover();
    harness.run();
    for label in ["WebVTT", "SubRip (SRT)", "JSON", "Text", "Markdown"] {
        harness.get_by_label_contains(label);
    }
}

#[test]
fn the_view_menu_switches_the_theme_and_remembers_it() {
    use readalong::state::ThemeChoice;
    let mut harness = harness_for(fixture("paragraphs/fragments.vtt"));
    assert_eq!(harness.state().state().settings.theme, ThemeChoice::System);
    for (label, choice, theme) in [
        ("Light", ThemeChoice::Light, egui::Theme::Light),
        ("Dark", ThemeChoice::Dark, egui::Theme::Dark),
    ] {
        harness.get_by_label("View").click();
        harness.run();
        harness.get_by_label(label).click();
        harness.run();
        assert_eq!(harness.state().state().settings.theme, choice, "{label}");
        assert_eq!(harness.ctx.theme(), theme, "{label}");
        assert_eq!(
            harness.ctx.style_of(harness.ctx.theme()).visuals.dark_mode,
            theme == egui::Theme::Dark
        );
        harness.key_press(Key::Escape);
        harness.run();
    }
    harness
        .state_mut()
        .send(Command::SetTheme(ThemeChoice::System));
    harness.run();
    assert_eq!(harness.state().state().settings.theme, ThemeChoice::System);
}

#[test]
fn the_speaker_menu_shows_only_one_speakers_lines() {
    let mut harness = harness_for(fixture("episode"));
    let all = harness.state().blocks().len();
    harness.get_by_label("View").click();
    harness.run();
    harness.get_by_label("Speakers").hover();
    harness.run();
    harness.get_by_label("Only Theo").click();
    settle(&mut harness);
    let blocks = harness.state().blocks();
    assert!(blocks.len() < all);
    assert!(
        blocks
            .paragraphs
            .iter()
            .all(|p| p.speaker.as_deref() == Some("Theo"))
    );
    assert!(
        harness
            .query_by_label_contains("Welcome back to the show")
            .is_none()
    );
    harness.get_by_label_contains("showing only Theo's lines");
    harness
        .get_by_label_contains("The highlight tells me")
        .click();
    harness.run();
    assert_eq!(
        harness.state().heard_position(),
        Duration::from_millis(14_500)
    );
    harness.state_mut().send(Command::FilterSpeaker(None));
    settle(&mut harness);
    assert_eq!(harness.state().blocks().len(), all);
    harness.get_by_label_contains("Welcome back to the show");
}

#[test]
fn a_click_on_a_timed_word_plays_from_that_word() {
    let mut harness = harness_for(fixture("paragraphs/words.vtt"));
    let sentence = harness.get_by_label_contains("How are you?").rect();
    let click_at = |harness: &mut Harness<'_, ReadalongApp>, at: egui::Pos2| {
        harness.hover_at(at);
        harness.drag_at(at);
        harness.drop_at(at);
        harness.run();
    };
    // The first word, "How", is the sentence's start.
    click_at(
        &mut harness,
        egui::pos2(sentence.left() + 4.0, sentence.center().y),
    );
    assert_eq!(harness.state().heard_position(), Duration::from_secs(3));
    // The pointer on the sentence's last word, "you?", plays from that word.
    click_at(
        &mut harness,
        egui::pos2(sentence.right() - 4.0, sentence.center().y),
    );
    assert_eq!(harness.state().heard_position(), Duration::from_secs(4));
    let lit = harness.state().lit_sentence().expect("a lit sentence");
    assert_eq!((lit.paragraph, lit.sentence), (0, 1));
    let para = &harness.state().blocks().paragraphs[0];
    let word = para
        .word_at(lit.sentence, harness.state().heard_position())
        .map(|w| &para.text[w.range.clone()]);
    assert_eq!(word, Some("you?"), "the word heard is the one lit");
}

/// An episode folder with `episode.wav` (8 kHz mono: tone bursts for lines, silence between)
/// and `episode.vtt` timed against the audio without `block_s` seconds of other sound, inserted
/// in the pause before line 7 (index 6). Returns the folder and the lines' starts in ms.
fn episode_with_block(block_s: f64) -> (tempfile::TempDir, Vec<u64>) {
    const RATE: u32 = 8000;
    let mut samples: Vec<i16> = Vec::new();
    let silence = |samples: &mut Vec<i16>, secs: f64| {
        samples.extend(std::iter::repeat_n(0, (secs * f64::from(RATE)) as usize));
    };
    let tone = |samples: &mut Vec<i16>, secs: f64, hz: f64| {
        for k in 0..(secs * f64::from(RATE)) as usize {
            let t = k as f64 / f64::from(RATE);
            samples.push((9000.0 * (2.0 * std::f64::consts::PI * hz * t).sin()) as i16);
        }
    };
    let mut vtt = String::from("WEBVTT\n\n");
    let mut starts = Vec::new();
    let mut shift_ms = 0;
    let ms = |n: usize| n as u64 * 1000 / u64::from(RATE);
    silence(&mut samples, 1.0);
    for i in 0..12u64 {
        let speech = 1.5 + (i as f64 * 0.37) % 1.5;
        let pause = 0.4 + (i as f64 * 0.23) % 0.8;
        let start = ms(samples.len()) - shift_ms;
        tone(&mut samples, speech, 180.0 + 20.0 * i as f64);
        let end = ms(samples.len()) - shift_ms;
        starts.push(start);
        let clock = |t: u64| format!("00:{:02}:{:02}.{:03}", t / 60_000, t / 1000 % 60, t % 1000);
        vtt.push_str(&format!(
            "{} --> {}\nLine {} of the show.\n\n",
            clock(start),
            clock(end),
            i + 1
        ));
        if i == 5 && block_s > 0.0 {
            let before = samples.len();
            silence(&mut samples, pause / 2.0 + 0.3);
            // Other sound with short breaks, then silence up to the block's length.
            while ms(samples.len() - before) + 2000 < (block_s * 1000.0) as u64 {
                tone(&mut samples, 1.2, 520.0);
                silence(&mut samples, 0.2);
            }
            let rest = block_s - (samples.len() - before) as f64 / f64::from(RATE) + pause / 2.0;
            silence(&mut samples, rest);
            shift_ms = (block_s * 1000.0) as u64;
        } else {
            silence(&mut samples, pause);
        }
    }
    silence(&mut samples, 1.0);
    let data: Vec<u8> = samples.iter().flat_map(|s| s.to_le_bytes()).collect();
    let mut wav = Vec::new();
    wav.extend_from_slice(b"RIFF");
    wav.extend_from_slice(&(36 + data.len() as u32).to_le_bytes());
    wav.extend_from_slice(b"WAVEfmt ");
    wav.extend_from_slice(&16u32.to_le_bytes());
    for v in [1u16, 1] {
        wav.extend_from_slice(&v.to_le_bytes());
    }
    for v in [RATE, RATE * 2] {
        wav.extend_from_slice(&v.to_le_bytes());
    }
    for v in [2u16, 16] {
        wav.extend_from_slice(&v.to_le_bytes());
    }
    wav.extend_from_slice(b"data");
    wav.extend_from_slice(&(data.len() as u32).to_le_bytes());
    wav.extend_from_slice(&data);
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("episode.wav"), wav).expect("write wav");
    std::fs::write(dir.path().join("episode.vtt"), vtt).expect("write vtt");
    (dir, starts)
}

/// Clicks "Suggest sync points" in the Sync popover and runs frames until the search is done.
fn suggest_sync_points(harness: &mut Harness<'static, ReadalongApp>) {
    harness.get_by_label("Sync").click();
    harness.run();
    harness.get_by_label("Suggest sync points").click();
    harness.step();
    for _ in 0..2000 {
        if !harness.state().is_suggesting() {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
        harness.step();
    }
    assert!(!harness.state().is_suggesting(), "found within 20 s");
    harness.run();
}

#[test]
fn suggested_sync_points_are_shown_and_applied_only_when_asked() {
    let (dir, starts) = episode_with_block(20.0);
    let mut harness = harness_for(dir.path().to_path_buf());
    suggest_sync_points(&mut harness);
    harness.get_by_label_contains("Found 1 block the transcript does not have");
    harness.get_by_label_contains(
        "20.0 s, between line 6 \"Line 6 of the show.\" and line 7 \"Line 7 of the show.\"",
    );
    assert!(
        harness.state().sync_map().points().is_empty(),
        "nothing is applied before Apply"
    );
    harness.get_by_label("Apply").click();
    harness.run();
    let map = harness.state().sync_map().clone();
    assert_eq!(map.points().len(), 2, "{map:?}");
    for (line, shift_ms) in [(5, 0i64), (6, 20_000)] {
        let start = Duration::from_millis(starts[line]);
        let heard = map.to_audio(start).expect("heard").as_millis() as i64;
        let error_ms = heard - starts[line] as i64 - shift_ms;
        assert!(error_ms.abs() <= 50, "line {}: {error_ms} ms off", line + 1);
    }
    assert!(harness.query_by_label("Apply").is_none());
    harness.get_by_label("Suggest sync points");
}

#[test]
fn without_an_inserted_block_nothing_is_suggested() {
    let (dir, _) = episode_with_block(0.0);
    let mut harness = harness_for(dir.path().to_path_buf());
    suggest_sync_points(&mut harness);
    harness.get_by_label_contains("No inserted blocks found");
    assert!(harness.query_by_label("Apply").is_none());
    assert!(harness.state().sync_map().points().is_empty());
}

#[test]
fn brackets_step_the_speed_and_the_presets_set_it() {
    let mut harness = harness_for(fixture("episode"));
    let speed = |harness: &Harness<'_, ReadalongApp>| harness.state().state().settings.speed;
    assert_eq!(speed(&harness), 1.0);
    harness.key_press(Key::CloseBracket);
    harness.run();
    assert_eq!(speed(&harness), 1.25);
    harness.key_press(Key::CloseBracket);
    harness.run();
    assert_eq!(speed(&harness), 1.5);
    harness.key_press(Key::OpenBracket);
    harness.key_press(Key::OpenBracket);
    harness.key_press(Key::OpenBracket);
    harness.run();
    assert_eq!(speed(&harness), 0.75);
    harness.get_by_label("Presets").click();
    harness.run();
    harness.get_by_label("1.75×").click();
    harness.run();
    assert_eq!(speed(&harness), 1.75);
    harness.key_press(Key::CloseBracket);
    harness.run();
    assert_eq!(speed(&harness), 2.0);
    harness.get_by_label("Presets").click();
    harness.run();
    harness.get_by_label("1×").click();
    harness.run();
    assert_eq!(speed(&harness), 1.0);
}

#[test]
fn the_playback_menu_sets_the_skip_sizes_and_the_back_up_after_a_pause() {
    let dir = long_episode();
    let mut harness = harness_for(dir.path().join("long.vtt"));
    let settings = |harness: &Harness<'_, ReadalongApp>| harness.state().state().settings.clone();
    assert_eq!(settings(&harness).back_up_after_pause_secs, 3);
    for (submenu, choice) in [
        ("Skip back", "Skip back: 5 s"),
        ("Skip forward", "Skip forward: 60 s"),
        ("Back up after a pause of over a minute", "Back up: Off"),
    ] {
        harness.get_by_label("Playback").click();
        harness.run();
        harness.get_by_label(submenu).hover();
        harness.run();
        harness.get_by_label(choice).click();
        harness.run();
        harness.key_press(Key::Escape);
        harness.run();
    }
    let chosen = settings(&harness);
    assert_eq!(
        (
            chosen.skip_back_secs,
            chosen.skip_forward_secs,
            chosen.back_up_after_pause_secs
        ),
        (5, 60, 0)
    );
    harness.get_by_label("⟲ 5");
    harness.get_by_label("60 ⟳").click();
    harness.run();
    assert_eq!(harness.state().heard_position(), Duration::from_secs(60));
    harness.key_press(Key::ArrowLeft);
    harness.run();
    assert_eq!(harness.state().heard_position(), Duration::from_secs(55));
    harness.key_press(Key::ArrowRight);
    harness.run();
    assert_eq!(harness.state().heard_position(), Duration::from_secs(115));
}

/// An episode whose MP3 carries two chapters in its ID3 tag (prepended to `audio/cbr.mp3`, 4 s),
/// and a transcript of four lines, each its own block.
fn chaptered_episode() -> tempfile::TempDir {
    use readalong::transcript::chapters::build;
    let dir = tempfile::tempdir().expect("temp dir");
    let tag = build::tag(
        4,
        &[
            build::ctoc(4, "toc", true, &["c1", "c2"]),
            build::chap(4, "c1", 0, 2000, Some("Opening")),
            build::chap(4, "c2", 2000, 4000, Some("The middle")),
        ],
    );
    let audio = std::fs::read(fixture("audio/cbr.mp3")).expect("fixture");
    std::fs::write(dir.path().join("ep.mp3"), [tag, audio].concat()).expect("write");
    let vtt = "WEBVTT\n\n\
        00:00.000 --> 00:01.000\n<v Ann>First words of the show.\n\n\
        00:01.000 --> 00:02.000\n<v Bob>A reply from Bob.\n\n\
        00:02.000 --> 00:03.000\n<v Ann>Now the middle part starts.\n\n\
        00:03.000 --> 00:04.000\n<v Bob>And it ends here.\n";
    std::fs::write(dir.path().join("ep.vtt"), vtt).expect("write");
    dir
}

#[test]
fn chapters_head_their_blocks_and_the_chapters_menu_jumps() {
    let dir = chaptered_episode();
    let mut harness = harness_for(dir.path().join("ep.mp3"));
    let titles: Vec<String> = harness
        .state()
        .chapters()
        .iter()
        .map(|c| c.title.clone())
        .collect();
    assert_eq!(titles, ["Opening", "The middle"]);
    let opening = harness.get_by_label("Chapter: Opening").rect();
    let middle = harness.get_by_label("Chapter: The middle").rect();
    let now_the_middle = harness
        .get_by_label_contains("Now the middle part starts.")
        .rect();
    let reply = harness.get_by_label_contains("A reply from Bob.").rect();
    assert!(
        reply.bottom() <= middle.top() && now_the_middle.contains_rect(middle),
        "the header is at the top of the block its chapter starts in: {reply:?} {middle:?} {now_the_middle:?}"
    );
    assert!(opening.bottom() <= reply.top());
    assert_eq!(harness.state().current_chapter(), Some(0));
    harness.get_by_label("Chapters").click();
    harness.run();
    harness.get_by_label("The middle 0:02").click();
    harness.run();
    assert_eq!(harness.state().heard_position(), Duration::from_secs(2));
    assert_eq!(harness.state().current_chapter(), Some(1));
    assert!(harness.state().is_following());
}

#[test]
fn a_chapters_json_beside_the_transcript_is_read_and_hidden_chapters_are_left_out() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::copy(
        fixture("paragraphs/fragments.vtt"),
        dir.path().join("fragments.vtt"),
    )
    .expect("copy");
    std::fs::write(
        dir.path().join("chapters.json"),
        r#"{"version":"1.2.0","chapters":[{"startTime":0,"title":"Hello"},
            {"startTime":1,"title":"Sponsor","toc":false},{"startTime":10,"title":"Tricks"}]}"#,
    )
    .expect("write");
    let mut harness = harness_for(dir.path().join("fragments.vtt"));
    let titles: Vec<String> = harness
        .state()
        .chapters()
        .iter()
        .map(|c| c.title.clone())
        .collect();
    assert_eq!(titles, ["Hello", "Tricks"]);
    harness.get_by_label("Chapter: Hello");
    assert!(harness.query_by_label_contains("Sponsor").is_none());
    assert_eq!(
        harness.state().transcript().map(|t| t.cues.len()),
        Some(6),
        "chapters.json is not taken for a transcript"
    );
    harness.get_by_label("Chapters").click();
    harness.run();
    harness.get_by_label("Tricks 0:10").click();
    harness.run();
    assert_eq!(harness.state().heard_position(), Duration::from_secs(10));
}

/// Runs frames until one puts text on the clipboard (at most a few); returns that text.
fn copied_text(harness: &mut Harness<'static, ReadalongApp>) -> Option<String> {
    for _ in 0..4 {
        harness.step();
        let copied = harness
            .output()
            .platform_output
            .commands
            .iter()
            .find_map(|c| match c {
                egui::OutputCommand::CopyText(text) => Some(text.clone()),
                _ => None,
            });
        if copied.is_some() {
            return copied;
        }
    }
    None
}

#[test]
fn a_sentence_s_menu_copies_a_quote_and_a_link_and_ctrl_c_copies_the_lit_sentence() {
    let mut harness = harness_for(fixture("episode"));
    // The transcript is heard 2 s later than its times: the quote gives the time heard (16.5 s),
    // the link the transcript's time, which `--at` takes through the same map.
    harness.state_mut().send(Command::SetOffset(2000));
    harness.run();
    let title = harness.state().episode_title().expect("a title");
    let sentence = "The highlight tells me exactly which line I am hearing.";
    let items = [
        ("Copy quote", format!("\"{sentence}\" ({title}, 0:16)")),
        (
            "Copy link at this time",
            format!(
                "readalong {} --at 0:14.5",
                fixture("episode/interview.vtt")
                    .canonicalize()
                    .expect("fixture")
                    .display()
            ),
        ),
        ("Copy text", sentence.to_owned()),
    ];
    for (item, want) in items {
        harness.get_by_label_contains(sentence).click_secondary();
        harness.run();
        harness.get_by_label(item).click();
        assert_eq!(
            copied_text(&mut harness).as_deref(),
            Some(want.as_str()),
            "{item}"
        );
        harness.run();
    }

    harness
        .get_by_label_contains("And a click on any line")
        .click();
    harness.run();
    // One event, so the frame that copies is the last one run (kittest runs a frame per event).
    harness.event(egui::Event::Key {
        key: Key::C,
        physical_key: None,
        pressed: true,
        repeat: false,
        modifiers: Modifiers::COMMAND,
    });
    assert_eq!(
        copied_text(&mut harness).as_deref(),
        Some("And a click on any line jumps the audio right there.")
    );
    // The desktop sends Ctrl+C as a copy event.
    harness.event(egui::Event::Copy);
    assert_eq!(
        copied_text(&mut harness).as_deref(),
        Some("And a click on any line jumps the audio right there.")
    );
}

#[test]
fn shift_arrows_select_sentences_across_lines_and_copy_takes_the_selection() {
    let mut harness = harness_for(fixture("episode"));
    harness.key_press(Key::ArrowDown);
    harness.run();
    harness.key_press_modifiers(Modifiers::SHIFT, Key::ArrowDown);
    harness.key_press_modifiers(Modifiers::SHIFT, Key::ArrowDown);
    harness.run();
    assert_eq!(
        harness.state().heard_position(),
        Duration::from_millis(1_000),
        "selecting does not seek"
    );
    let selected = "Welcome back to the show, everyone. Today we talk about reading transcripts \
                    while you listen.\n\nThanks for having me.";
    harness.event(egui::Event::Copy);
    assert_eq!(copied_text(&mut harness).as_deref(), Some(selected));
    let title = harness.state().episode_title().expect("a title");
    harness
        .get_by_label_contains("Today we talk about")
        .click_secondary();
    harness.run();
    harness.get_by_label("Copy quote").click();
    assert_eq!(
        copied_text(&mut harness),
        Some(format!("\"{selected}\" ({title}, 0:01)"))
    );
    harness.run();
    harness.key_press_modifiers(Modifiers::SHIFT, Key::ArrowUp);
    harness.run();
    harness.event(egui::Event::Copy);
    assert_eq!(
        copied_text(&mut harness).as_deref(),
        Some(
            "Welcome back to the show, everyone. Today we talk about reading transcripts while you listen."
        )
    );
    harness.key_press(Key::Escape);
    harness.run();
    assert_eq!(
        harness.state().selection(),
        None,
        "Escape drops the selection"
    );
}

#[test]
fn an_episode_left_more_than_a_minute_ago_resumes_a_little_earlier() {
    let now_unix_secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs();
    // (saved when, back up setting, resumes at)
    let cases = [
        (now_unix_secs - 3600, 3, Duration::from_secs(27)),
        (now_unix_secs - 3600, 0, Duration::from_secs(30)),
        (now_unix_secs, 3, Duration::from_secs(30)),
    ];
    for (saved_unix_secs, back_up_secs, want) in cases {
        let episode = long_episode();
        let config = tempfile::tempdir().expect("temp dir");
        let transcript = episode
            .path()
            .canonicalize()
            .expect("temp dir")
            .join("long.vtt");
        let state = serde_json::json!({
            "settings": {"back_up_after_pause_secs": back_up_secs},
            "episodes": {
                readalong::state::episode_key(&transcript): {
                    "position_secs": 30.0,
                    "saved_unix_secs": saved_unix_secs,
                }
            }
        });
        std::fs::write(config.path().join("state.json"), state.to_string()).expect("write");
        let config_dir = config.path().to_path_buf();
        let harness = harness_with(
            transcript,
            None,
            egui::vec2(1000.0, 640.0),
            StateChoice::At(config_dir),
        );
        assert_eq!(
            harness.state().heard_position(),
            want,
            "saved {} s ago, back up {back_up_secs} s",
            now_unix_secs - saved_unix_secs
        );
    }
}

#[test]
fn a_mouse_drag_selects_sentences_across_lines() {
    let mut harness = harness_for(fixture("episode"));
    let from = harness.get_by_label_contains("Today we talk about").rect();
    let to = harness
        .get_by_label_contains("Thanks for having me.")
        .rect();
    harness.drag_at(from.center());
    harness.run();
    harness.hover_at(egui::pos2(from.center().x + 30.0, from.center().y));
    harness.run();
    harness.hover_at(to.left_center() + egui::vec2(20.0, 0.0));
    harness.run();
    harness.drop_at(to.left_center() + egui::vec2(20.0, 0.0));
    harness.run();
    assert_eq!(harness.state().heard_position(), Duration::ZERO, "no seek");
    harness.event(egui::Event::Copy);
    assert_eq!(
        copied_text(&mut harness).as_deref(),
        Some("Today we talk about reading transcripts while you listen.\n\nThanks for having me.")
    );
    harness
        .get_by_label_contains("And a click on any line")
        .click();
    harness.run();
    assert_eq!(
        harness.state().selection(),
        None,
        "a click drops the selection"
    );
}
