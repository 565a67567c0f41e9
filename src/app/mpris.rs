//! "Now playing" and media keys on the Linux desktop: a small MPRIS server
//! (`org.mpris.MediaPlayer2.readalong`) on the session bus, written on `zbus`.
//!
//! Why not the `souvlaki` crate: its zbus backend (0.9.3) never sends the `Seeked` signal, so a
//! desktop widget would not learn of a click-to-seek; it reports a fixed `Rate` of 1 whatever the
//! speed; its service thread wakes every 10 ms even when nothing happens; and it panics on its
//! thread when there is no session bus. This server is about as long as the glue souvlaki would
//! need, and sleeps until something changes.
//!
//! Threads: the D-Bus connection, the signals it sends and the calls it answers all live on the
//! `mpris` thread (and zbus's own executor thread). The UI thread only sends it a
//! [`NowPlaying`] snapshot when something changed, over a channel, and takes in the
//! [`Command`]s the calls became, once a frame; a call wakes the window with a repaint request.
//! No app state is touched from another thread. Without a session bus the thread logs why and
//! ends, and everything here does nothing.

use std::collections::HashMap;
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use eframe::egui::Context;
use zbus::object_server::SignalEmitter;
use zbus::zvariant::{ObjectPath, Value};

use super::{Command, ReadalongApp};
use crate::state::SPEED_RANGE;

/// The bus name's last part: `org.mpris.MediaPlayer2.readalong`.
const BUS_NAME: &str = "org.mpris.MediaPlayer2.readalong";
/// Where both MPRIS interfaces live, as the specification says.
const OBJECT_PATH: &str = "/org/mpris/MediaPlayer2";
/// A jump of the heard position by more than this from where the last report says it should be
/// is a seek (the listener's or the player's own, such as the restart at the end).
const JUMP: Duration = Duration::from_millis(250);

/// What the desktop is told about the episode playing: everything MPRIS shows.
#[derive(Clone, Debug, PartialEq)]
pub struct NowPlaying {
    /// The episode's title; `None` when no episode is open.
    pub title: Option<String>,
    /// The episode's length, once known.
    pub length: Option<Duration>,
    /// True while playing.
    pub playing: bool,
    /// The position heard when this snapshot was taken.
    pub position: Duration,
    /// The playback speed.
    pub rate: f64,
    /// The volume, 0 to 1.
    pub volume: f64,
    /// True when there are lines to step to (Next and Previous).
    pub has_lines: bool,
    /// Counts the seeks; a change sends `Seeked`.
    pub seeks: u64,
}

impl NowPlaying {
    /// Where this snapshot says the position is `elapsed` after it was taken.
    fn position_after(&self, elapsed: Duration) -> Duration {
        let moved = if self.playing {
            elapsed.mul_f64(self.rate.max(0.0))
        } else {
            Duration::ZERO
        };
        let position = self.position + moved;
        self.length.map_or(position, |length| position.min(length))
    }

    /// True when everything but the position is the same as in `other`.
    fn same_apart_from_position(&self, other: &NowPlaying) -> bool {
        NowPlaying {
            position: other.position,
            ..self.clone()
        } == *other
    }
}

/// The app's end of the MPRIS server: snapshots go out, commands come in.
pub struct MediaControls {
    updates: Option<Sender<(NowPlaying, Instant)>>,
    commands: Receiver<Command>,
    /// The last snapshot sent, and when it was taken.
    sent: Option<(NowPlaying, Instant)>,
    /// Seeks found by a jump of the position (added to the app's own count).
    jumps: u64,
}

impl MediaControls {
    /// Does nothing: no server, no commands (tests, and the window kittest drives).
    pub fn off() -> MediaControls {
        let (_, commands) = mpsc::channel();
        MediaControls {
            updates: None,
            commands,
            sent: None,
            jumps: 0,
        }
    }

    /// Starts the server on its own thread. Calls from the desktop wake `ctx`.
    pub fn start(ctx: &Context) -> MediaControls {
        let (update_tx, update_rx) = mpsc::channel();
        let (command_tx, commands) = mpsc::channel();
        let ctx = ctx.clone();
        let spawned = std::thread::Builder::new()
            .name("mpris".to_owned())
            .spawn(move || {
                let wake: Wake = Arc::new(move || ctx.request_repaint());
                if let Err(e) = serve(&update_rx, &Sender::clone(&command_tx), &wake) {
                    log::info!("no media keys or \"now playing\" (MPRIS): {e}");
                }
            });
        let updates = match spawned {
            Ok(_) => Some(update_tx),
            Err(e) => {
                log::info!("no media keys (MPRIS): cannot start its thread: {e}");
                None
            }
        };
        MediaControls {
            updates,
            commands,
            sent: None,
            jumps: 0,
        }
    }

    /// The commands the desktop sent since the last frame.
    pub fn commands(&self) -> Vec<Command> {
        self.commands.try_iter().collect()
    }

    /// Tells the desktop about `now` when it differs from what was told: anything but the
    /// position, or a position that jumped from where the last report says it is.
    pub fn publish(&mut self, mut now: NowPlaying) {
        let Some(updates) = &self.updates else {
            return;
        };
        let taken = Instant::now();
        now.seeks += self.jumps;
        if let Some((sent, sent_at)) = &self.sent {
            let expected = sent.position_after(taken.saturating_duration_since(*sent_at));
            let jumped = now.position.abs_diff(expected) > JUMP;
            if now.same_apart_from_position(sent) && !jumped {
                return;
            }
            if jumped && sent.seeks == now.seeks && now.title == sent.title {
                self.jumps += 1;
                now.seeks += 1;
            }
        }
        if updates.send((now.clone(), taken)).is_err() {
            // The server ended (no session bus): stop building snapshots for it.
            self.updates = None;
        }
        self.sent = Some((now, taken));
    }
}

impl ReadalongApp {
    /// Queues the commands the desktop sent (media keys, a "now playing" widget).
    pub(super) fn handle_media_keys(&mut self) {
        let commands = self.media_controls.commands();
        self.pending.extend(commands);
    }

    /// Tells the desktop what is playing now, when that changed.
    pub(super) fn publish_now_playing(&mut self) {
        let now = NowPlaying {
            title: self.episode_title(),
            length: self.duration(),
            playing: self.player.is_playing(),
            position: self.heard_position(),
            rate: f64::from(self.speed),
            volume: f64::from(self.state.settings.volume),
            has_lines: self.transcript().is_some(),
            seeks: self.seeks,
        };
        self.media_controls.publish(now);
    }
}

type Wake = Arc<dyn Fn() + Send + Sync>;

/// What both interfaces share: the last snapshot and when it was taken, and where calls go.
struct Shared {
    now: NowPlaying,
    taken: Instant,
    /// Counts the episodes shown, for the track id.
    track: u64,
}

#[derive(Clone)]
struct Link {
    shared: Arc<Mutex<Shared>>,
    commands: Sender<Command>,
    wake: Wake,
}

impl Link {
    fn shared(&self) -> MutexGuard<'_, Shared> {
        self.shared.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn send(&self, command: Command) {
        if self.commands.send(command).is_ok() {
            (self.wake)();
        }
    }
}

/// Connects to the session bus, serves both interfaces, and sends the signals for each
/// snapshot until the app drops its end of the channel.
fn serve(
    updates: &Receiver<(NowPlaying, Instant)>,
    commands: &Sender<Command>,
    wake: &Wake,
) -> zbus::Result<()> {
    let link = Link {
        shared: Arc::new(Mutex::new(Shared {
            now: NowPlaying {
                title: None,
                length: None,
                playing: false,
                position: Duration::ZERO,
                rate: 1.0,
                volume: 1.0,
                has_lines: false,
                seeks: 0,
            },
            taken: Instant::now(),
            track: 0,
        })),
        commands: commands.clone(),
        wake: wake.clone(),
    };
    let connection = zbus::blocking::connection::Builder::session()?
        .serve_at(OBJECT_PATH, Root)?
        .serve_at(OBJECT_PATH, PlayerInterface(link.clone()))?
        .build()?;
    let name = request_name(&connection)?;
    log::debug!("MPRIS: serving as {name}");
    let player = connection
        .object_server()
        .interface::<_, PlayerInterface>(OBJECT_PATH)?;
    let emitter = player.signal_emitter();
    while let Ok((now, taken)) = updates.recv() {
        let before = {
            let mut shared = link.shared();
            let before = std::mem::replace(&mut shared.now, now.clone());
            shared.taken = taken;
            if before.title != now.title || before.length != now.length {
                shared.track += 1;
            }
            before
        };
        let iface = player.get();
        zbus::block_on(announce(&iface, emitter, &before, &now))?;
    }
    Ok(())
}

/// Takes `org.mpris.MediaPlayer2.readalong`, or when another Readalong has it, a name of this
/// process's own (`...readalong.instance<pid>`, as the specification suggests).
fn request_name(connection: &zbus::blocking::Connection) -> zbus::Result<String> {
    use zbus::fdo::{RequestNameFlags, RequestNameReply};
    let flags = RequestNameFlags::DoNotQueue.into();
    match connection.request_name_with_flags(BUS_NAME, flags) {
        Ok(RequestNameReply::PrimaryOwner | RequestNameReply::AlreadyOwner) => {
            Ok(BUS_NAME.to_owned())
        }
        _ => {
            let own = format!("{BUS_NAME}.instance{}", std::process::id());
            connection.request_name(own.as_str())?;
            Ok(own)
        }
    }
}

/// Sends the `PropertiesChanged` and `Seeked` signals for what changed from `before` to `now`.
async fn announce(
    iface: &PlayerInterface,
    emitter: &SignalEmitter<'_>,
    before: &NowPlaying,
    now: &NowPlaying,
) -> zbus::Result<()> {
    if before.title != now.title || before.length != now.length {
        iface.metadata_changed(emitter).await?;
        iface.can_seek_changed(emitter).await?;
        iface.can_play_changed(emitter).await?;
        iface.can_pause_changed(emitter).await?;
    }
    if before.playing != now.playing || before.title.is_some() != now.title.is_some() {
        iface.playback_status_changed(emitter).await?;
    }
    if before.rate != now.rate {
        iface.rate_changed(emitter).await?;
    }
    if before.volume != now.volume {
        iface.volume_changed(emitter).await?;
    }
    if before.has_lines != now.has_lines {
        iface.can_go_next_changed(emitter).await?;
        iface.can_go_previous_changed(emitter).await?;
    }
    if before.seeks != now.seeks {
        PlayerInterface::seeked(emitter, micros(now.position)).await?;
    }
    Ok(())
}

fn micros(time: Duration) -> i64 {
    i64::try_from(time.as_micros()).unwrap_or(i64::MAX)
}

fn track_id(track: u64) -> String {
    format!("/org/readalong/episode/{track}")
}

/// `org.mpris.MediaPlayer2`: who this player is.
struct Root;

#[zbus::interface(name = "org.mpris.MediaPlayer2")]
impl Root {
    /// Not offered (`CanRaise` is false).
    fn raise(&self) {}

    /// Not offered (`CanQuit` is false).
    fn quit(&self) {}

    #[zbus(property)]
    fn can_quit(&self) -> bool {
        false
    }

    #[zbus(property)]
    fn can_raise(&self) -> bool {
        false
    }

    #[zbus(property)]
    fn has_track_list(&self) -> bool {
        false
    }

    #[zbus(property)]
    fn identity(&self) -> &str {
        "Readalong"
    }

    #[zbus(property)]
    fn desktop_entry(&self) -> &str {
        "readalong"
    }

    #[zbus(property)]
    fn supported_uri_schemes(&self) -> Vec<String> {
        Vec::new()
    }

    #[zbus(property)]
    fn supported_mime_types(&self) -> Vec<String> {
        Vec::new()
    }
}

/// `org.mpris.MediaPlayer2.Player`: the episode, its place, and the controls.
struct PlayerInterface(Link);

#[zbus::interface(name = "org.mpris.MediaPlayer2.Player")]
impl PlayerInterface {
    /// The next line.
    fn next(&self) {
        self.0.send(Command::NextLine);
    }

    /// The previous line.
    fn previous(&self) {
        self.0.send(Command::PreviousLine);
    }

    fn pause(&self) {
        self.0.send(Command::Pause);
    }

    fn play_pause(&self) {
        self.0.send(Command::TogglePlay);
    }

    /// Readalong has no stopped state: Stop pauses, keeping the place.
    fn stop(&self) {
        self.0.send(Command::Pause);
    }

    fn play(&self) {
        self.0.send(Command::Play);
    }

    /// Moves by `offset` microseconds (negative: back).
    fn seek(&self, offset: i64) {
        let by = Duration::from_micros(offset.unsigned_abs());
        self.0.send(Command::SeekBy {
            by,
            back: offset < 0,
        });
    }

    /// Jumps to `position` microseconds, when `track_id` is the episode shown and the position is
    /// inside it (else nothing, as the specification says).
    fn set_position(&self, track_id: ObjectPath<'_>, position: i64) {
        let (track, length) = {
            let shared = self.0.shared();
            (shared.track, shared.now.length)
        };
        let Ok(micros) = u64::try_from(position) else {
            return;
        };
        let to = Duration::from_micros(micros);
        if track_id.as_str() != self::track_id(track) || length.is_some_and(|l| to > l) {
            return;
        }
        self.0.send(Command::SeekTo(to));
    }

    /// Opening a location is not offered (`SupportedUriSchemes` is empty).
    fn open_uri(&self, _uri: String) -> zbus::fdo::Result<()> {
        Err(zbus::fdo::Error::NotSupported(
            "Readalong opens episodes from its window".to_owned(),
        ))
    }

    /// Sent when the position jumps: a seek, or a restart from the beginning.
    #[zbus(signal)]
    async fn seeked(emitter: &SignalEmitter<'_>, position: i64) -> zbus::Result<()>;

    #[zbus(property)]
    fn playback_status(&self) -> &'static str {
        let shared = self.0.shared();
        match (&shared.now.title, shared.now.playing) {
            (None, _) => "Stopped",
            (Some(_), true) => "Playing",
            (Some(_), false) => "Paused",
        }
    }

    #[zbus(property)]
    fn rate(&self) -> f64 {
        self.0.shared().now.rate
    }

    /// A rate of 0 pauses, as the specification says; others set the speed.
    #[zbus(property)]
    fn set_rate(&mut self, rate: f64) {
        if rate <= 0.0 {
            self.0.send(Command::Pause);
        } else if rate.is_finite() {
            self.0.send(Command::SetSpeed(rate as f32));
        }
    }

    #[zbus(property)]
    fn minimum_rate(&self) -> f64 {
        f64::from(*SPEED_RANGE.start())
    }

    #[zbus(property)]
    fn maximum_rate(&self) -> f64 {
        f64::from(*SPEED_RANGE.end())
    }

    #[zbus(property)]
    fn metadata(&self) -> HashMap<String, Value<'static>> {
        let shared = self.0.shared();
        let mut metadata = HashMap::new();
        let Some(title) = &shared.now.title else {
            return metadata;
        };
        if let Ok(path) = ObjectPath::try_from(track_id(shared.track)) {
            metadata.insert("mpris:trackid".to_owned(), Value::from(path));
        }
        metadata.insert("xesam:title".to_owned(), Value::from(title.clone()));
        if let Some(length) = shared.now.length {
            metadata.insert("mpris:length".to_owned(), Value::from(micros(length)));
        }
        metadata
    }

    #[zbus(property)]
    fn volume(&self) -> f64 {
        self.0.shared().now.volume
    }

    #[zbus(property)]
    fn set_volume(&mut self, volume: f64) {
        if volume.is_finite() {
            self.0
                .send(Command::SetVolume(volume.clamp(0.0, 1.0) as f32));
        }
    }

    /// Where the listener is now: the last snapshot moved on by the time since, at the rate.
    /// Not announced on change, as the specification says; `Seeked` tells of jumps.
    #[zbus(property(emits_changed_signal = "false"))]
    fn position(&self) -> i64 {
        let shared = self.0.shared();
        micros(shared.now.position_after(shared.taken.elapsed()))
    }

    #[zbus(property)]
    fn can_go_next(&self) -> bool {
        self.0.shared().now.has_lines
    }

    #[zbus(property)]
    fn can_go_previous(&self) -> bool {
        self.0.shared().now.has_lines
    }

    #[zbus(property)]
    fn can_play(&self) -> bool {
        self.0.shared().now.title.is_some()
    }

    #[zbus(property)]
    fn can_pause(&self) -> bool {
        self.0.shared().now.title.is_some()
    }

    #[zbus(property)]
    fn can_seek(&self) -> bool {
        self.0.shared().now.length.is_some()
    }

    #[zbus(property(emits_changed_signal = "const"))]
    fn can_control(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snapshot(position_secs: u64, playing: bool) -> NowPlaying {
        NowPlaying {
            title: Some("Episode".to_owned()),
            length: Some(Duration::from_secs(100)),
            playing,
            position: Duration::from_secs(position_secs),
            rate: 1.5,
            volume: 1.0,
            has_lines: true,
            seeks: 0,
        }
    }

    #[test]
    fn position_moves_at_the_rate_while_playing_and_stops_at_the_end() {
        let playing = snapshot(10, true);
        assert_eq!(
            playing.position_after(Duration::from_secs(2)),
            Duration::from_secs(13)
        );
        assert_eq!(
            playing.position_after(Duration::from_secs(200)),
            Duration::from_secs(100)
        );
        let paused = snapshot(10, false);
        assert_eq!(
            paused.position_after(Duration::from_secs(2)),
            Duration::from_secs(10)
        );
    }

    #[test]
    fn only_a_jump_or_another_change_is_sent() {
        let (tx, rx) = mpsc::channel();
        let mut controls = MediaControls::off();
        controls.updates = Some(tx);
        controls.publish(snapshot(10, false));
        // The same place again: nothing to say.
        controls.publish(snapshot(10, false));
        // A seek while paused: sent, and counted as a seek.
        controls.publish(snapshot(40, false));
        // Playing now: sent, no new seek.
        controls.publish(snapshot(40, true));
        let sent: Vec<NowPlaying> = rx.try_iter().map(|(now, _)| now).collect();
        let seeks: Vec<(u64, bool)> = sent.iter().map(|n| (n.seeks, n.playing)).collect();
        assert_eq!(seeks, [(0, false), (1, false), (1, true)]);
    }
}
