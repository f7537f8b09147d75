//! `latchkey`: the core from a shell. Each subcommand parses, calls one core
//! function and prints the answer.

mod auth_cmd;
mod failure;
mod history_cmd;
mod json_cmd;
mod operations_cmd;
mod output;
mod presets_cmd;
mod request_cmd;
mod secret_input;
mod serve_cmd;
mod service_cmd;
mod user_cmd;
mod var_cmd;

use crate::output::outln;
use clap::{Parser, Subcommand};
use failure::Failure;
use latchkey_core::{KeyringState, Latchkey};
use std::path::PathBuf;
use std::process::ExitCode;
use tokio::runtime::Runtime;

#[derive(Parser)]
#[command(
    name = "latchkey",
    version = latchkey_core::VERSION_AND_COMMIT,
    about = "OAuth 2.0 tokens and API requests, kept locally"
)]
struct Cli {
    /// Where the database lives (default: the platform data dir, or $LATCHKEY_DATA_DIR).
    #[arg(long, global = true, value_name = "DIR")]
    data_dir: Option<PathBuf>,

    /// Machine-readable JSON on stdout.
    // A string, not a bool: `request --json BODY` shares the id, and clap
    // copies a global's value between a command and its subcommands by id.
    #[arg(long, global = true, num_args = 0, default_missing_value = request_cmd::JSON_OUTPUT)]
    json: Option<String>,

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
    /// A service's operations (from its OpenAPI document); `show OPERATION`
    /// prints one's parameters and request body skeleton.
    Operations(operations_cmd::OperationsArgs),
    /// Variables for `{{NAME}}` in requests: set, get, list, unset.
    #[command(subcommand)]
    Var(var_cmd::VarCommand),
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
    /// Print a valid access token (refreshing it if needed) and nothing else;
    /// with --json, {access_token, token_type, expires_at, scopes}.
    Token {
        service: String,
        /// Leave out for a client-credentials service's own token.
        user: Option<String>,
        /// Refresh even if the stored token is still valid.
        #[arg(long)]
        refresh: bool,
    },
    /// Users with their status, scopes and time to expiry, and the
    /// client-credentials services' own tokens.
    Status { service: Option<String> },
    /// Send a request as a user and print the body (or, with --find/--path, one value).
    Request(Box<request_cmd::RequestArgs>),
    /// Find a key anywhere in a JSON document and print its value.
    Find(json_cmd::FindArgs),
    /// Run a JSONPath (RFC 9535) query on a JSON document and print what it selects.
    Path(json_cmd::PathArgs),
    /// Past requests, newest first; `history show|rerun|clear`.
    History(history_cmd::HistoryArgs),
    /// Serve the local automation API on loopback (makes an API key on first run).
    Serve {
        /// 0 picks a free port; the first line printed names it.
        #[arg(long, default_value_t = latchkey_core::local_api::DEFAULT_PORT)]
        port: u16,
        /// A loopback address (127.0.0.1 or ::1); other addresses are refused.
        #[arg(long, value_name = "ADDR", default_value = "127.0.0.1")]
        bind: String,
    },
    /// The local API's key: `rotate` prints a new one, `status` says if one is set.
    #[command(subcommand)]
    ApiKey(serve_cmd::ApiKeyCommand),
    /// Revoke a user's tokens at the provider and remove them.
    Revoke {
        service: String,
        user: String,
        /// Remove the local tokens even if the provider refuses to revoke them.
        #[arg(long)]
        force: bool,
    },
}

impl Cli {
    /// Whether output (and errors) should be JSON. `request --json` is its body.
    fn json_output(&self) -> bool {
        self.json.is_some() && !matches!(self.command, Command::Request(_))
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = runtime()
        .map_err(Failure::from)
        .and_then(|rt| run(&cli, &rt));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        // The reader took what it wanted (`| head -1`): done, as for `cat`.
        Err(Failure::Core(err)) if output::is_closed_pipe(&err) => ExitCode::SUCCESS,
        Err(failure) => {
            failure.report(cli.json_output());
            ExitCode::from(failure.exit_code())
        }
    }
}

/// The one async runtime of the process: every command that talks to a
/// server or serves blocks on it.
fn runtime() -> latchkey_core::Result<Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(latchkey_core::Error::io("cannot start the async runtime"))
}

fn run(cli: &Cli, rt: &Runtime) -> Result<(), Failure> {
    let open = || Latchkey::open(cli.data_dir.as_deref());
    let json = cli.json_output();
    match &cli.command {
        Command::Request(args) => request_cmd::request(rt, &open()?, args),
        Command::Find(args) => json_cmd::find(args, json),
        Command::Path(args) => json_cmd::path(args, json),
        Command::History(args) => history_cmd::run(rt, &open()?, args, json),
        _ => Ok(run_core(cli, rt)?),
    }
}

/// The commands whose only failures are the core's errors.
fn run_core(cli: &Cli, rt: &Runtime) -> latchkey_core::Result<()> {
    let open = || Latchkey::open(cli.data_dir.as_deref());
    let json = cli.json_output();
    match &cli.command {
        Command::Request(_) | Command::Find(_) | Command::Path(_) | Command::History(_) => Ok(()),
        Command::Serve { port, bind } => serve_cmd::serve(rt, open()?, *port, bind),
        Command::ApiKey(command) => serve_cmd::api_key(&open()?, command, json),
        Command::Info => info(cli, json),
        Command::Service(command) => service_cmd::run(rt, &open()?, command, json),
        Command::User(command) => user_cmd::run(&open()?, command, json),
        Command::Operations(args) => operations_cmd::run(&open()?, args, json),
        Command::Var(command) => var_cmd::run(&open()?, command, json),
        Command::Presets { command } => presets_cmd::run(command.as_ref(), json),
        Command::LoginLink { service, user } => auth_cmd::login_link(&open()?, service, user, json),
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
            auth_cmd::authorize(rt, &open()?, &args, json)
        }
        Command::Token {
            service,
            user,
            refresh,
        } => auth_cmd::token(rt, &open()?, service, user.as_deref(), *refresh, json),
        Command::Status { service } => auth_cmd::status(&open()?, service.as_deref(), json),
        Command::Revoke {
            service,
            user,
            force,
        } => auth_cmd::revoke(rt, &open()?, service, user, *force, json),
    }
}

fn info(cli: &Cli, json: bool) -> latchkey_core::Result<()> {
    let info = latchkey_core::app_info(cli.data_dir.as_deref())?;
    if json {
        return output::json(&info);
    }
    let mark = match info.keyring.state {
        KeyringState::Available => "ok",
        KeyringState::Locked => "locked",
        KeyringState::Unavailable => "unavailable",
    };
    outln!("Latchkey {} (commit {})", info.version, info.commit)?;
    outln!("data dir  {}", info.data_dir)?;
    outln!("keyring   {mark}: {}", info.keyring.detail)?;
    Ok(())
}
