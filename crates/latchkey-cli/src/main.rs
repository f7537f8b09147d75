//! `latchkey`: the core from a shell. Each subcommand parses, calls one core
//! function and prints the answer.

use clap::{Parser, Subcommand};
use latchkey_core::{ErrorCode, KeyringState};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "latchkey",
    version,
    about = "OAuth 2.0 tokens and API requests, kept locally"
)]
struct Cli {
    /// Where the database lives (default: the platform data dir, or $LATCHKEY_DATA_DIR).
    #[arg(long, global = true, value_name = "DIR")]
    data_dir: Option<PathBuf>,

    /// Machine-readable JSON on stdout.
    #[arg(long, global = true)]
    json: bool,

    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Show the version, the data directory and whether the OS keyring is reachable.
    Info,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(&cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            if cli.json {
                eprintln!("{}", serde_json::json!(err.to_payload()));
            } else {
                eprintln!("latchkey: {err}");
            }
            ExitCode::from(exit_code(err.code()))
        }
    }
}

/// 2 for input the person can fix, 1 for everything that failed at run time.
fn exit_code(code: ErrorCode) -> u8 {
    match code {
        ErrorCode::InvalidInput | ErrorCode::NotFound => 2,
        _ => 1,
    }
}

fn run(cli: &Cli) -> latchkey_core::Result<()> {
    match cli.command {
        Command::Info => {
            let info = latchkey_core::app_info(cli.data_dir.as_deref())?;
            if cli.json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&info).unwrap_or_default()
                );
            } else {
                let mark = match info.keyring.state {
                    KeyringState::Available => "ok",
                    KeyringState::Locked => "locked",
                    KeyringState::Unavailable => "unavailable",
                };
                println!("Latchkey {}", info.version);
                println!("data dir  {}", info.data_dir);
                println!("keyring   {mark}: {}", info.keyring.detail);
            }
            Ok(())
        }
    }
}
