//! `latchkey`: the core from a shell. Each subcommand parses, calls one core
//! function and prints the answer.

mod auth_cmd;
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
    /// Print a login link for a user (to open or send); finish with `authorize --paste`.
    LoginLink { service: String, user: String },
    /// Sign a user in (browser + loopback redirect by default) and store the tokens.
    Authorize {
        service: String,
        /// The user to sign in (not needed with --client-credentials).
        #[arg(required_unless_present = "client_credentials")]
        user: Option<String>,
        /// Print the link instead of opening a browser.
        #[arg(long)]
        no_browser: bool,
        /// Seconds to wait for the browser to come back.
        #[arg(long, value_name = "SECS", default_value_t = 300, value_parser = clap::value_parser!(u64).range(1..=86400))]
        timeout: u64,
        /// Print the link, then read the redirect address (or code) from stdin.
        #[arg(long, conflicts_with_all = ["device", "client_credentials"])]
        paste: bool,
        /// Use the device grant: show a code to enter on any device.
        #[arg(long, conflicts_with = "client_credentials")]
        device: bool,
        /// Fetch the service's own client-credentials token.
        #[arg(long, conflicts_with = "user")]
        client_credentials: bool,
    },
    /// Print a valid access token (refreshing it if needed) and nothing else.
    Token {
        service: String,
        /// Leave out for a client-credentials service's own token.
        user: Option<String>,
        /// Refresh even if the stored token is still valid.
        #[arg(long)]
        refresh: bool,
    },
    /// Users with their status, scopes and time to expiry.
    Status { service: Option<String> },
    /// Revoke a user's tokens at the provider and remove them.
    Revoke {
        service: String,
        user: String,
        /// Remove the local tokens even if the provider refuses to revoke them.
        #[arg(long)]
        force: bool,
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
        Command::LoginLink { service, user } => {
            auth_cmd::login_link(&open()?, service, user, cli.json)
        }
        Command::Authorize {
            service,
            user,
            no_browser,
            timeout,
            paste,
            device,
            client_credentials,
        } => {
            let args = auth_cmd::AuthorizeArgs {
                service,
                user: user.as_deref(),
                no_browser: *no_browser,
                timeout: *timeout,
                paste: *paste,
                device: *device,
                client_credentials: *client_credentials,
            };
            auth_cmd::authorize(&open()?, &args, cli.json)
        }
        Command::Token {
            service,
            user,
            refresh,
        } => auth_cmd::token(&open()?, service, user.as_deref(), *refresh),
        Command::Status { service } => auth_cmd::status(&open()?, service.as_deref(), cli.json),
        Command::Revoke {
            service,
            user,
            force,
        } => auth_cmd::revoke(&open()?, service, user, *force, cli.json),
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
