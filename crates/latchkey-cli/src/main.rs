//! `latchkey`: the core from a shell. Each subcommand parses, calls one core
//! function and prints the answer.

mod output;
mod presets_cmd;
mod secret_input;
mod service_cmd;
mod user_cmd;

use clap::{Parser, Subcommand};
use latchkey_core::{ErrorCode, KeyringState, Latchkey};
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
    /// Register, list, show, edit, remove, export and import API services.
    #[command(subcommand)]
    Service(service_cmd::ServiceCommand),
    /// Add, list and remove a service's users.
    #[command(subcommand)]
    User(user_cmd::UserCommand),
    /// The provider presets `service add --preset` can start from.
    Presets {
        #[command(subcommand)]
        command: Option<presets_cmd::PresetsCommand>,
    },
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
        ErrorCode::InvalidInput | ErrorCode::NotFound | ErrorCode::Conflict => 2,
        _ => 1,
    }
}

fn run(cli: &Cli) -> latchkey_core::Result<()> {
    let open = || Latchkey::open(cli.data_dir.as_deref());
    match &cli.command {
        Command::Info => info(cli),
        Command::Service(command) => service_cmd::run(&open()?, command, cli.json),
        Command::User(command) => user_cmd::run(&open()?, command, cli.json),
        Command::Presets { command } => presets_cmd::run(command.as_ref(), cli.json),
    }
}

fn info(cli: &Cli) -> latchkey_core::Result<()> {
    let info = latchkey_core::app_info(cli.data_dir.as_deref())?;
    if cli.json {
        return output::json(&info);
    }
    let mark = match info.keyring.state {
        KeyringState::Available => "ok",
        KeyringState::Locked => "locked",
        KeyringState::Unavailable => "unavailable",
    };
    println!("Latchkey {}", info.version);
    println!("data dir  {}", info.data_dir);
    println!("keyring   {mark}: {}", info.keyring.detail);
    Ok(())
}
