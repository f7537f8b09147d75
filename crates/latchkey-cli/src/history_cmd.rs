//! `latchkey history [show|rerun|clear]`: past sends, secrets already
//! redacted by the core before they were stored.

use crate::failure::Failure;
use crate::output::{self, outln};
use crate::request_cmd::{print_response, send_now, Extract};
use clap::{Args, Subcommand};
use latchkey_core::http::{HistoryEntry, HistoryFilter, HistorySource, RequestBody, ResponseBody};
use latchkey_core::Latchkey;
use tokio::runtime::Runtime;

#[derive(Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct HistoryArgs {
    #[command(subcommand)]
    command: Option<HistoryCommand>,
    /// Only this service's requests.
    #[arg(long)]
    service: Option<String>,
    /// Only this user's requests.
    #[arg(long)]
    user: Option<String>,
    /// A status (200), a class (4xx) or `error` (no answer).
    #[arg(long, value_name = "200|4xx|error")]
    status: Option<String>,
    /// Text found in the URL, method, request or error.
    #[arg(long)]
    text: Option<String>,
    /// How many to list (newest first).
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u32).range(1..=500))]
    limit: u32,
}

#[derive(Subcommand)]
enum HistoryCommand {
    /// One request and its answer, secrets redacted.
    Show { id: i64 },
    /// Send a past request again, with fresh auth.
    Rerun {
        id: i64,
        /// Print only the first value of this key in the JSON answer.
        #[arg(long, value_name = "KEY", conflicts_with = "path")]
        find: Option<String>,
        /// Print only the first node this JSONPath selects.
        #[arg(long, value_name = "JSONPATH")]
        path: Option<String>,
        /// Print the status line and the response headers first.
        #[arg(long, short = 'i')]
        include: bool,
    },
    /// Delete all history, or one service's.
    Clear {
        #[arg(long)]
        service: Option<String>,
    },
}

pub fn run(rt: &Runtime, app: &Latchkey, args: &HistoryArgs, json: bool) -> Result<(), Failure> {
    match &args.command {
        None => list(app, args, json),
        Some(HistoryCommand::Show { id }) => {
            let entry = app.history_entry(*id)?;
            if json {
                return Ok(output::json(&entry)?);
            }
            show(&entry)?;
            Ok(())
        }
        Some(HistoryCommand::Rerun {
            id,
            find,
            path,
            include,
        }) => {
            let extract = Extract::new(find.as_deref(), path.as_deref())?;
            let mut send = app.rerun_request(*id)?;
            send.source = HistorySource::Cli;
            let response = send_now(rt, app, &send, false)?;
            print_response(&response, &extract, *include)
        }
        Some(HistoryCommand::Clear { service }) => {
            let count = app.clear_history(service.as_deref())?;
            if json {
                return Ok(output::json(&serde_json::json!({ "deleted": count }))?);
            }
            let scope = service
                .as_deref()
                .map(|s| format!(" of service `{s}`"))
                .unwrap_or_default();
            outln!("Deleted {count} history entries{scope}.")?;
            Ok(())
        }
    }
}

fn list(app: &Latchkey, args: &HistoryArgs, json: bool) -> Result<(), Failure> {
    let page = app.history(&HistoryFilter {
        service: args.service.clone(),
        user: args.user.clone(),
        status: args.status.clone(),
        text: args.text.clone(),
        offset: 0,
        limit: args.limit,
    })?;
    if json {
        return Ok(output::json(&page)?);
    }
    output::list(
        &page.entries,
        "No requests in history match.",
        &["ID", "TIME (UTC)", "METHOD", "URL", "STATUS", "MS"],
        |e| {
            vec![
                e.id.to_string(),
                output::utc_time(e.created_at),
                e.method.clone(),
                e.url.clone(),
                match (e.status, &e.error) {
                    (Some(status), _) => status.to_string(),
                    (None, Some(_)) => "error".into(),
                    (None, None) => "-".into(),
                },
                e.duration_ms.map(|ms| ms.to_string()).unwrap_or("-".into()),
            ]
        },
    )?;
    if page.has_more {
        outln!("(more: raise --limit or narrow with --service, --status, --text)")?;
    }
    Ok(())
}

fn show(entry: &HistoryEntry) -> latchkey_core::Result<()> {
    let s = &entry.summary;
    let status = match (s.status, &entry.reason) {
        (Some(status), Some(reason)) if !reason.is_empty() => format!("{status} {reason}"),
        (Some(status), _) => status.to_string(),
        (None, _) => "-".into(),
    };
    output::fields(&[
        ("id", s.id.to_string()),
        ("time", format!("{} UTC", output::utc_time(s.created_at))),
        ("source", s.source.as_str().to_string()),
        ("service", output::or_dash(s.service.as_deref())),
        ("user", output::or_dash(s.user.as_deref())),
        ("status", status),
        (
            "duration",
            s.duration_ms
                .map(|ms| format!("{ms} ms"))
                .unwrap_or("-".into()),
        ),
        ("error", output::or_dash(s.error.as_deref())),
    ])?;
    let r = &entry.request;
    outln!("\n> {} {}", s.method, s.url)?;
    for h in &r.headers {
        outln!("> {}: {}", h.name, h.value)?;
    }
    match &r.body {
        RequestBody::None => {}
        RequestBody::Json { text } | RequestBody::Raw { text, .. } => outln!(">\n{text}")?,
        RequestBody::Form { fields } => {
            let pairs: Vec<String> = fields
                .iter()
                .map(|f| format!("{}={}", f.name, f.value))
                .collect();
            outln!(">\n{}", pairs.join("&"))?;
        }
    }
    if s.status.is_none() {
        return Ok(());
    }
    outln!()?;
    for h in &entry.response_headers {
        outln!("< {}: {}", h.name, h.value)?;
    }
    match &entry.response_body {
        ResponseBody::Text { text, .. } => {
            let shown = latchkey_core::json::pretty(text).unwrap_or_else(|_| text.clone());
            outln!("<\n{shown}")?;
        }
        ResponseBody::Binary { note, .. } | ResponseBody::File { note, .. } => {
            outln!("<\n({note})")?
        }
        ResponseBody::Empty => {}
    }
    if entry.response_truncated {
        outln!("(the body was longer; history keeps only its start)")?;
    }
    Ok(())
}
