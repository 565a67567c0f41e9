//! Raising the audio threads' scheduling priority where the system allows it.
//!
//! The output callback asks for real-time scheduling (`SCHED_FIFO`), else a better nice value;
//! the decode thread asks for a better nice value (it works ahead by seconds, so it only needs
//! to win against ordinary busy threads, not to run at once). An ordinary user is usually
//! allowed neither (no `CAP_SYS_NICE`, `RLIMIT_RTPRIO` 0): that is fine, the threads then run at
//! normal priority and the decode queue's length is what keeps the sound going.

/// What a thread got.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Priority {
    /// Real-time scheduling (`SCHED_FIFO`).
    Realtime,
    /// A better nice value than the default.
    Raised,
    /// The system allowed neither; the thread runs at normal priority.
    Unchanged,
}

impl Priority {
    /// The outcome in words, for the log.
    pub fn describe(self) -> &'static str {
        match self {
            Priority::Realtime => "real-time (SCHED_FIFO)",
            Priority::Raised => "raised nice value",
            Priority::Unchanged => "normal (the system allows no raise)",
        }
    }
}

/// `SCHED_FIFO` priority of the output callback: above every normal thread and below the
/// kernel's interrupt threads and sound servers (which use 50 and up).
const OUTPUT_REALTIME_PRIORITY: i32 = 10;
/// Nice value of the output callback when real-time scheduling is refused.
const OUTPUT_NICE: i32 = -15;
/// Nice value of the decode thread.
const DECODE_NICE: i32 = -10;

/// Raises the calling thread (the output callback's) as far as the system allows.
pub fn raise_output_thread() -> Priority {
    if set_realtime(OUTPUT_REALTIME_PRIORITY) {
        Priority::Realtime
    } else if set_nice(OUTPUT_NICE) {
        Priority::Raised
    } else {
        Priority::Unchanged
    }
}

/// Raises the calling thread (the decode thread) as far as the system allows.
pub fn raise_decode_thread() -> Priority {
    if set_nice(DECODE_NICE) {
        Priority::Raised
    } else {
        Priority::Unchanged
    }
}

#[cfg(target_os = "linux")]
fn set_realtime(priority: i32) -> bool {
    let param = libc::sched_param {
        sched_priority: priority,
    };
    // SAFETY: `pthread_self()` is the calling thread and `param` is a valid `sched_param` that
    // outlives the call.
    unsafe { libc::pthread_setschedparam(libc::pthread_self(), libc::SCHED_FIFO, &param) == 0 }
}

#[cfg(target_os = "linux")]
fn set_nice(nice: i32) -> bool {
    // SAFETY: plain system calls on the calling thread's own id. On Linux a nice value belongs
    // to a thread, so this changes only the calling thread.
    unsafe { libc::setpriority(libc::PRIO_PROCESS, libc::gettid() as libc::id_t, nice) == 0 }
}

#[cfg(not(target_os = "linux"))]
fn set_realtime(_priority: i32) -> bool {
    false
}

#[cfg(not(target_os = "linux"))]
fn set_nice(_nice: i32) -> bool {
    false
}
