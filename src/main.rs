//! Starts the Readalong window, or runs a command-line subcommand.

use std::process::ExitCode;

use clap::Parser;
use readalong::app::{AudioChoice, ReadalongApp, StartOptions, StateChoice, native_options};
use readalong::cli::{self, Cli};

fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

fn main() -> ExitCode {
    env_logger::Builder::from_env(
        env_logger::Env::default().default_filter_or("warn,symphonia_bundle_mp3=error"),
    )
    .init();
    let args = Cli::parse();
    if let Some(command) = &args.command {
        return match cli::run(command, &mut std::io::stdout().lock()) {
            Ok(cli::Outcome::Done) => ExitCode::SUCCESS,
            Ok(cli::Outcome::NothingFound) => ExitCode::from(1),
            // A reader that stopped reading (`| head`) is not an error.
            Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("readalong: {e:#}");
                // A bad argument exits 2, as clap's own argument errors do.
                if e.downcast_ref::<cli::UsageError>().is_some() {
                    ExitCode::from(2)
                } else {
                    ExitCode::from(cli::error_status(command))
                }
            }
        };
    }
    if let (Some(path), Some(at)) = (&args.path, args.at)
        && let Err(e) = cli::check_start_at(path, at)
    {
        eprintln!("readalong: {e:#}");
        return ExitCode::from(2);
    }
    let options = StartOptions {
        path: args.path,
        at: args.at,
        speed: args.speed,
        audio: if args.no_audio {
            AudioChoice::Silent("turned off with --no-audio".to_owned())
        } else {
            AudioChoice::Device
        },
        state: StateChoice::Default,
        handle_signals: true,
        media_controls: true,
        audio_dirs: args.audio_dirs,
    };
    let result = eframe::run_native(
        "Readalong",
        native_options(),
        Box::new(|cc| Ok(Box::new(ReadalongApp::new(cc, options)))),
    );
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("readalong: cannot open a window: {e}");
            ExitCode::FAILURE
        }
    }
}
