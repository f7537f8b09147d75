//! `latchkey request`: send as a user and print the body, or one value of
//! it (`--find joinURL` prints the bare URL, for `$(...)`).

use crate::failure::Failure;
use crate::output;
use clap::Args;
use latchkey_core::http::{
    run_extractors, CancellationToken, Extractor, HistorySource, HttpResponse, RequestBody,
    RequestSpec, ResponseBody, SendOptions,
};
use latchkey_core::json::compile_path;
use latchkey_core::template::value_text;
use latchkey_core::{Error, Latchkey, Param, Result, SendRequest};
use std::io::{IsTerminal, Read};
use tokio::runtime::Runtime;

/// The global `--json` flag's value when given without one (see `Cli::json`).
pub const JSON_OUTPUT: &str = "\u{1}json-output";

#[derive(Args)]
pub struct RequestArgs {
    /// The service's slug.
    service: String,
    /// The user to send as; `-` for none (a service without user auth).
    user: String,
    /// Any HTTP method: GET, POST, PROPFIND, ...
    method: String,
    /// Absolute, or relative to the service's API base URL (e.g. /meetings).
    url: String,
    /// A JSON body: inline, @FILE, or - for stdin (checked before sending).
    #[arg(long, value_name = "JSON|@FILE|-", conflicts_with = "form")]
    json: Option<String>,
    /// A form field (application/x-www-form-urlencoded); repeat for more.
    #[arg(long = "form", value_name = "NAME=VALUE")]
    form: Vec<String>,
    /// A request header; repeat for more.
    #[arg(long = "header", short = 'H', value_name = "NAME: VALUE")]
    headers: Vec<String>,
    /// A query parameter added to the URL; repeat for more.
    #[arg(long = "query", value_name = "NAME=VALUE")]
    query: Vec<String>,
    /// Print only the first value of this key, found anywhere in the JSON answer.
    #[arg(long, value_name = "KEY", conflicts_with = "path")]
    find: Option<String>,
    /// Print only the first node this JSONPath selects, e.g. '$[0].joinURL'.
    #[arg(long, value_name = "JSONPATH")]
    path: Option<String>,
    /// With --find or --path: print every match as a JSON array.
    #[arg(long)]
    all: bool,
    /// Store a value of the JSON answer in a variable: NAME=KEY (found
    /// anywhere) or NAME='$.json.path'; repeat for more.
    #[arg(long = "set", value_name = "NAME=KEY|NAME=$.PATH")]
    set: Vec<String>,
    /// Print the status line and the response headers before the body.
    #[arg(long, short = 'i')]
    include: bool,
    /// Seconds for the whole exchange (redirects, a token refresh, the body).
    #[arg(long, value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..=86400))]
    timeout: Option<u64>,
    /// Send no token, even for a user.
    #[arg(long)]
    no_auth: bool,
    /// Print the request as a curl command instead of sending it; the token
    /// is left out as "$LATCHKEY_TOKEN" (set it with `latchkey token`).
    #[arg(long, conflicts_with_all = ["find", "path", "include", "timeout"])]
    as_curl: bool,
}

/// What to print of a JSON answer instead of the whole body.
pub struct Extract(Option<Extractor>, bool);

impl Extract {
    /// Every match as a JSON array instead of the first (`--all`).
    pub fn all(self, all: bool) -> Result<Self> {
        if all && self.0.is_none() {
            return Err(Error::InvalidInput(
                "--all goes with --find KEY or --path JSONPATH".into(),
            ));
        }
        Ok(Self(self.0, all))
    }

    /// Checked before sending, so a typo does not cost a request.
    pub fn new(find: Option<&str>, path: Option<&str>) -> Result<Self> {
        if let Some(key) = find {
            if key.is_empty() {
                return Err(Error::InvalidInput(
                    "--find needs a key, e.g. joinURL".into(),
                ));
            }
            return Ok(Self(
                Some(Extractor::FindKey {
                    key: key.to_string(),
                    case_insensitive: false,
                    variable: None,
                }),
                false,
            ));
        }
        if let Some(expression) = path {
            compile_path(expression)?;
            return Ok(Self(
                Some(Extractor::JsonPath {
                    expression: expression.to_string(),
                    variable: None,
                }),
                false,
            ));
        }
        Ok(Self(None, false))
    }
}

pub fn request(
    rt: &Runtime,
    app: &Latchkey,
    args: &RequestArgs,
) -> std::result::Result<(), Failure> {
    let send = send_request(args)?;
    if args.as_curl {
        let command = app.curl_command(&send, args.no_auth)?;
        output::write_stdout(format!("{command}\n").as_bytes())?;
        return Ok(());
    }
    let extract = Extract::new(args.find.as_deref(), args.path.as_deref())?.all(args.all)?;
    let captures = args
        .set
        .iter()
        .map(|text| Capture::parse(text))
        .collect::<Result<Vec<_>>>()?;
    let response = send_now(rt, app, &send, args.no_auth)?;
    if response.is_success() {
        capture(app, &args.service, &response, &captures)?;
    }
    print_response(&response, &extract, args.include)
}

/// One `--set NAME=KEY|NAME=$.path`.
struct Capture {
    name: String,
    extractor: Extractor,
}

impl Capture {
    /// Checked before sending, like --find and --path.
    fn parse(text: &str) -> Result<Self> {
        let Some((name, what)) = text
            .split_once('=')
            .filter(|(n, w)| !n.is_empty() && !w.is_empty())
        else {
            return Err(Error::InvalidInput(format!(
                "`{}` is not a capture: write --set NAME=KEY (a key found anywhere) or --set NAME='$.json.path'",
                shown(text)
            )));
        };
        latchkey_core::template::check_name(name)?;
        let extractor = latchkey_core::json::capture_extractor(what)?;
        Ok(Self {
            name: name.to_string(),
            extractor,
        })
    }
}

/// Stores each capture's first match; one that matches nothing fails the
/// command after the others are stored, naming it.
fn capture(
    app: &Latchkey,
    service: &str,
    response: &HttpResponse,
    captures: &[Capture],
) -> Result<()> {
    if captures.is_empty() {
        return Ok(());
    }
    let doc = response.json();
    let extractors: Vec<Extractor> = captures.iter().map(|c| c.extractor.clone()).collect();
    let found = run_extractors(doc.as_ref(), &extractors);
    let mut missed = Vec::new();
    for (capture, found) in captures.iter().zip(found) {
        match found.value {
            Some(value) => {
                let text = value_text(&value);
                let stored = app.capture_variable(Some(service), &capture.name, &text)?;
                let place = stored
                    .service
                    .map(|s| format!(" of service `{s}`"))
                    .unwrap_or_default();
                eprintln!("latchkey: set variable `{}`{place} = {text}", capture.name);
            }
            None => missed.push(format!(
                "`{}` ({})",
                capture.name,
                found.error.unwrap_or_else(|| "nothing matched".into())
            )),
        }
    }
    if missed.is_empty() {
        Ok(())
    } else {
        Err(Error::InvalidInput(format!(
            "--set found nothing for {}",
            missed.join(", ")
        )))
    }
}

/// Sends and waits for the answer.
pub fn send_now(
    rt: &Runtime,
    app: &Latchkey,
    send: &SendRequest,
    no_auth: bool,
) -> Result<HttpResponse> {
    let cancel = CancellationToken::new();
    let sent = rt.block_on(async {
        if no_auth {
            app.send_request(send, None, &cancel).await
        } else {
            app.send(send, &cancel).await
        }
    })?;
    Ok(sent.response)
}

fn send_request(args: &RequestArgs) -> Result<SendRequest> {
    let body = match (args.json.as_deref(), args.form.is_empty()) {
        // `latchkey --json request ...`: the output flag, not a body.
        (Some(JSON_OUTPUT), true) | (None, true) => RequestBody::None,
        (Some(JSON_OUTPUT), false) | (None, false) => RequestBody::Form {
            fields: pairs(&args.form, "--form")?,
        },
        (Some(source), _) => RequestBody::Json {
            text: read_source(source, "JSON body")?,
        },
    };
    let headers = args
        .headers
        .iter()
        .map(|h| header(h))
        .collect::<Result<Vec<_>>>()?;
    let mut options = SendOptions::default();
    if let Some(secs) = args.timeout {
        options.timeout_ms = secs.saturating_mul(1000);
        options.connect_timeout_ms = options.connect_timeout_ms.min(options.timeout_ms);
    }
    Ok(SendRequest {
        service: Some(args.service.clone()),
        user: Some(args.user.clone()).filter(|u| u != "-"),
        request: RequestSpec {
            method: args.method.clone(),
            url: args.url.clone(),
            query: pairs(&args.query, "--query")?,
            headers,
            body,
        },
        options,
        source: HistorySource::Cli,
        progress_id: None,
    })
}

/// `inline`, `@FILE` or `-` (stdin).
fn read_source(source: &str, what: &str) -> Result<String> {
    let read_err = |name: &str, e: std::io::Error| {
        Error::InvalidInput(format!("cannot read the {what} from {name}: {e}"))
    };
    if source == "-" {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| read_err("stdin", e))?;
        Ok(text)
    } else if let Some(path) = source.strip_prefix('@') {
        std::fs::read_to_string(path).map_err(|e| read_err(path, e))
    } else {
        Ok(source.to_string())
    }
}

/// `Name: value`.
fn header(text: &str) -> Result<Param> {
    match text.split_once(':') {
        Some((name, value)) if !name.trim().is_empty() => Ok(Param {
            name: name.trim().to_string(),
            value: value.trim().to_string(),
        }),
        _ => Err(Error::InvalidInput(format!(
            "`{}` is not a header: write it as --header 'Name: value'",
            shown(text)
        ))),
    }
}

/// `name=value` pairs of --query and --form.
fn pairs(items: &[String], flag: &str) -> Result<Vec<Param>> {
    items
        .iter()
        .map(|item| match item.split_once('=') {
            Some((name, value)) if !name.is_empty() => Ok(Param {
                name: name.to_string(),
                value: value.to_string(),
            }),
            _ => Err(Error::InvalidInput(format!(
                "`{}` is not a name=value pair: write it as {flag} name=value",
                shown(item)
            ))),
        })
        .collect()
}

/// Echoed input, cut short (a pasted value may be long).
fn shown(text: &str) -> String {
    let short: String = text.chars().take(80).collect();
    if short.len() < text.len() {
        format!("{short}…")
    } else {
        short
    }
}

/// The status line and headers (with `include`), then the body or the
/// extracted value. An error status prints the body and fails with it.
pub fn print_response(
    response: &HttpResponse,
    extract: &Extract,
    include: bool,
) -> std::result::Result<(), Failure> {
    if include {
        let mut head = format!("HTTP {}\n", response.status_line());
        for h in &response.headers {
            head.push_str(&format!("{}: {}\n", h.name, h.value));
        }
        head.push('\n');
        output::write_stdout(head.as_bytes())?;
    }
    let extractor = extract.0.as_ref().filter(|_| response.is_success());
    let Some(extractor) = extractor else {
        write_body(response)?;
        if response.is_success() {
            return Ok(());
        }
        return Err(Failure::HttpStatus(format!(
            "HTTP {}",
            response.status_line()
        )));
    };
    let doc = response.json();
    if extract.1 {
        let all =
            latchkey_core::json::all_matches(doc.as_ref(), extractor).map_err(Failure::NoMatch)?;
        output::json(&all)?;
        return Ok(());
    }
    let found = run_extractors(doc.as_ref(), std::slice::from_ref(extractor));
    match found.into_iter().next() {
        Some(found) => match (found.value, found.error) {
            (Some(value), _) => {
                output::write_stdout(format!("{}\n", value_text(&value)).as_bytes())?;
                Ok(())
            }
            (None, error) => {
                Err(Failure::NoMatch(error.unwrap_or_else(|| {
                    "nothing matched in the response".into()
                })))
            }
        },
        None => Err(Failure::NoMatch("nothing matched in the response".into())),
    }
}

/// Pretty JSON on a terminal; otherwise the bytes as received.
fn write_body(response: &HttpResponse) -> Result<()> {
    let terminal = std::io::stdout().is_terminal();
    match &response.body {
        ResponseBody::Empty => {}
        ResponseBody::Text { text, .. } if terminal => {
            let mut shown = latchkey_core::json::pretty(text).unwrap_or_else(|_| text.clone());
            if !shown.ends_with('\n') {
                shown.push('\n');
            }
            output::write_stdout(shown.as_bytes())?;
        }
        ResponseBody::Binary { note, .. } | ResponseBody::File { note, .. } if terminal => {
            eprintln!("latchkey: {note}; redirect stdout to a file to get the bytes");
        }
        // A large body is sealed on disk: opened through the core.
        ResponseBody::File { .. } => output::write_stdout(&response.body_bytes()?)?,
        _ => output::write_stdout(&response.body_bytes()?)?,
    }
    Ok(())
}
