//! Saving the listener's place when the system asks Readalong to stop (SIGTERM, SIGINT, SIGHUP).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use eframe::egui::Context;
use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};

/// How long the window has to save and close before the process ends anyway.
const GRACE: Duration = Duration::from_secs(3);

/// Watches for stop signals on a named thread. The returned flag turns true when one arrives,
/// and the window is woken so its `logic` saves the place and closes. If the window does not
/// close within a few seconds (it may not be drawing), the process exits; the place saved
/// every few seconds while playing is on disk by then.
pub fn watch(ctx: &Context) -> Arc<AtomicBool> {
    let flag = Arc::new(AtomicBool::new(false));
    let mut signals = match signal_hook::iterator::Signals::new([SIGTERM, SIGINT, SIGHUP]) {
        Ok(signals) => signals,
        Err(e) => {
            log::warn!("cannot watch for stop signals: {e}");
            return flag;
        }
    };
    let (thread_flag, ctx) = (flag.clone(), ctx.clone());
    let spawned = std::thread::Builder::new()
        .name("stop-signals".to_owned())
        .spawn(move || {
            if let Some(signal) = signals.forever().next() {
                thread_flag.store(true, Ordering::Relaxed);
                ctx.request_repaint();
                std::thread::sleep(GRACE);
                std::process::exit(128 + signal);
            }
        });
    if let Err(e) = spawned {
        log::warn!("cannot watch for stop signals: {e}");
    }
    flag
}
