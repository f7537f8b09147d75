//! Copy as cURL (the token as `$LATCHKEY_TOKEN` unless asked for) and
//! import from a pasted curl command.

use super::auth::AuthPlacement;
use super::spec::PreparedRequest;
use crate::error::{Error, Result};
use crate::model::Param;
use crate::model::{RequestBody, RequestSpec};
use reqwest::header::CONTENT_TYPE;

/// The shell variable a copied command reads the token from.
pub const TOKEN_PLACEHOLDER: &str = "$LATCHKEY_TOKEN";
/// URL- and shell-safe stand-in, swapped for the placeholder after quoting.
const MARKER: &str = "LATCHKEYTOKENMARKER";

/// A curl command for `request`. With `auth`, the token is shown only when
/// `reveal_token`; otherwise the command reads it from `$LATCHKEY_TOKEN`.
pub fn to_curl(
    request: &PreparedRequest,
    auth: Option<&AuthPlacement>,
    reveal_token: bool,
) -> Result<String> {
    let mut request = request.clone();
    if let Some(auth) = auth {
        let token = if reveal_token {
            auth.token().expose().to_string()
        } else {
            MARKER.to_string()
        };
        let stand_in = match auth {
            AuthPlacement::Header { name, prefix, .. } => AuthPlacement::Header {
                name: name.clone(),
                prefix: prefix.clone(),
                token: token.into(),
            },
            AuthPlacement::Query { name, .. } => AuthPlacement::Query {
                name: name.clone(),
                token: token.into(),
            },
        };
        stand_in.apply(&mut request)?;
    }
    let implied = if request.body.is_some() {
        "POST"
    } else {
        "GET"
    };
    let mut first = String::from("curl");
    if request.method.as_str() != implied {
        first.push_str(&format!(" -X {}", quote(request.method.as_str())));
    }
    first.push(' ');
    first.push_str(&quote(request.url.as_str()));
    let mut parts = vec![first];
    for (name, value) in &request.headers {
        let text = format!(
            "{}: {}",
            header_case(name.as_str()),
            String::from_utf8_lossy(value.as_bytes())
        );
        parts.push(format!("-H {}", quote(&text)));
    }
    if let Some(body) = &request.body {
        parts.push(format!(
            "--data-raw {}",
            quote(&String::from_utf8_lossy(body))
        ));
    }
    Ok(parts.join(" \\\n  "))
}

/// Single-quotes for the shell; a marked token becomes `"$LATCHKEY_TOKEN"`
/// spliced between quoted parts so the shell expands it.
fn quote(text: &str) -> String {
    text.split(MARKER)
        .map(|piece| {
            if piece.is_empty() {
                String::new()
            } else {
                format!("'{}'", piece.replace('\'', "'\\''"))
            }
        })
        .collect::<Vec<_>>()
        .join(&format!("\"{TOKEN_PLACEHOLDER}\""))
}

/// `content-type` as people write it: `Content-Type`.
fn header_case(name: &str) -> String {
    name.split('-')
        .map(|part| {
            let mut chars = part.chars();
            match chars.next() {
                Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join("-")
}

/// Options that take a value but do not change the request.
const IGNORED_WITH_VALUE: &[&str] = &[
    "-o",
    "--output",
    "-m",
    "--max-time",
    "--connect-timeout",
    "-w",
    "--write-out",
    "--retry",
    "-x",
    "--proxy",
];
/// Flags that do not change the request.
const IGNORED_FLAGS: &[&str] = &[
    "-s",
    "--silent",
    "-S",
    "--show-error",
    "-L",
    "--location",
    "-i",
    "--include",
    "-v",
    "--verbose",
    "--compressed",
    "-k",
    "--insecure",
    "-f",
    "--fail",
    "-g",
    "--globoff",
    "--http1.1",
    "--http2",
    "-#",
    "--progress-bar",
    "-sS",
    "-sL",
    "-Ls",
    "-sSL",
    "-fsSL",
];

/// Reads a pasted curl command into a request.
pub fn from_curl(command: &str) -> Result<RequestSpec> {
    let joined = command.replace("\\\r\n", " ").replace("\\\n", " ");
    let words = shell_words::split(joined.trim()).map_err(|e| {
        Error::InvalidInput(format!(
            "the command cannot be read as shell words ({e}): check its quotes"
        ))
    })?;
    let mut words = words.into_iter().peekable();
    if words.peek().map(String::as_str) == Some("$") {
        words.next();
    }
    if words.next().as_deref() != Some("curl") {
        return Err(Error::InvalidInput(
            "paste a command that starts with `curl`".into(),
        ));
    }
    let mut method = None;
    let mut url = None;
    let mut headers: Vec<Param> = Vec::new();
    let mut data: Vec<String> = Vec::new();
    let mut json = false;
    let mut get = false;
    let mut words = words.collect::<Vec<_>>().into_iter();
    while let Some(word) = words.next() {
        // `-XPOST` and `--request=POST` spell an option and its value together.
        let (flag, attached) = split_option(&word);
        let mut value = |what: &str| -> Result<String> {
            match attached.clone() {
                Some(v) => Ok(v),
                None => words
                    .next()
                    .ok_or_else(|| Error::InvalidInput(format!("`{flag}` needs {what} after it"))),
            }
        };
        match flag.as_str() {
            "-X" | "--request" => method = Some(value("a method")?),
            "-H" | "--header" => {
                let text = value("a header")?;
                let (name, val) = text.split_once(':').ok_or_else(|| {
                    Error::InvalidInput(format!("the header `{text}` has no `:` between its name and value"))
                })?;
                headers.push(Param { name: name.trim().into(), value: val.trim().into() });
            }
            "-d" | "--data" | "--data-ascii" | "--data-binary" | "--data-raw" => {
                let text = value("the data")?;
                if text.starts_with('@') && flag != "--data-raw" {
                    return Err(Error::InvalidInput(format!(
                        "`{flag} {text}` reads a file, which an import cannot do: paste the file's content instead"
                    )));
                }
                // curl drops newlines from -d/--data (not --data-binary/--data-raw).
                let text = if matches!(flag.as_str(), "-d" | "--data" | "--data-ascii") {
                    text.replace(['\r', '\n'], "")
                } else {
                    text
                };
                data.push(text);
            }
            "--data-urlencode" => {
                let text = value("the data")?;
                data.push(match text.split_once('=') {
                    Some((name, v)) => format!("{name}={}", url::form_urlencoded::byte_serialize(v.as_bytes()).collect::<String>()),
                    None => url::form_urlencoded::byte_serialize(text.as_bytes()).collect(),
                });
            }
            "--json" => {
                data.push(value("the JSON")?);
                json = true;
            }
            "--url" => url = Some(value("a URL")?),
            "-G" | "--get" => get = true,
            "-u" | "--user" => {
                return Err(Error::InvalidInput(
                    "`-u`/`--user` (basic auth) is not imported: Latchkey puts the service's token on the request; \
                     add an Authorization header by hand if this API really wants a password"
                        .into(),
                ))
            }
            "-F" | "--form" => {
                return Err(Error::InvalidInput("`-F` (multipart form) is not supported: use -d or --json".into()))
            }
            "-b" | "--cookie" => headers.push(Param { name: "Cookie".into(), value: value("cookies")? }),
            "-A" | "--user-agent" => headers.push(Param { name: "User-Agent".into(), value: value("a user agent")? }),
            "-e" | "--referer" => headers.push(Param { name: "Referer".into(), value: value("a URL")? }),
            f if IGNORED_WITH_VALUE.contains(&f) => {
                value("a value")?;
            }
            f if IGNORED_FLAGS.contains(&f) => {}
            f if f.starts_with('-') && f.len() > 1 => {
                return Err(Error::InvalidInput(format!("the curl option `{f}` is not supported by the import")))
            }
            _ => {
                if url.is_some() {
                    return Err(Error::InvalidInput(format!("more than one URL (`{word}`): import one request at a time")));
                }
                url = Some(word.clone());
            }
        }
    }
    let url = url.ok_or_else(|| Error::InvalidInput("the command has no URL".into()))?;
    let mut spec = RequestSpec {
        url,
        headers,
        ..Default::default()
    };
    let body_text = (!data.is_empty()).then(|| data.join("&"));
    match (body_text, get) {
        (Some(text), true) => {
            for (name, value) in url::form_urlencoded::parse(text.as_bytes()) {
                spec.query.push(Param {
                    name: name.into_owned(),
                    value: value.into_owned(),
                });
            }
        }
        (Some(text), false) => spec.body = body_from(text, json, &mut spec.headers),
        (None, _) => {}
    }
    let implied = if matches!(spec.body, RequestBody::None) {
        "GET"
    } else {
        "POST"
    };
    spec.method = method.unwrap_or_else(|| implied.to_string());
    Ok(spec)
}

fn split_option(word: &str) -> (String, Option<String>) {
    if let Some(rest) = word.strip_prefix("--") {
        if let Some((name, value)) = rest.split_once('=') {
            return (format!("--{name}"), Some(value.to_string()));
        }
        return (word.to_string(), None);
    }
    // Short options with the value attached: -XPOST, -H'X: y', -d'a=b'.
    for short in ["-X", "-H", "-d", "-b", "-A", "-e", "-o", "-m", "-u", "-F"] {
        if let Some(value) = word.strip_prefix(short).filter(|v| !v.is_empty()) {
            return (short.to_string(), Some(value.to_string()));
        }
    }
    (word.to_string(), None)
}

/// The body kind from its content type (taken out of the headers) and text.
fn body_from(text: String, json: bool, headers: &mut Vec<Param>) -> RequestBody {
    let position = headers
        .iter()
        .position(|h| h.name.eq_ignore_ascii_case(CONTENT_TYPE.as_str()));
    let content_type = position.map(|i| headers[i].value.clone());
    let mime = content_type.as_deref().map(|c| {
        c.split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase()
    });
    let parses = serde_json::from_str::<serde_json::Value>(&text).is_ok();
    let body = match mime.as_deref() {
        _ if json => RequestBody::Json { text },
        Some(m) if (m == "application/json" || m.ends_with("+json")) && parses => {
            RequestBody::Json { text }
        }
        Some("application/x-www-form-urlencoded") | None if !parses || mime.is_some() => {
            RequestBody::Form {
                fields: url::form_urlencoded::parse(text.as_bytes())
                    .map(|(k, v)| Param {
                        name: k.into_owned(),
                        value: v.into_owned(),
                    })
                    .collect(),
            }
        }
        // curl would send a bare JSON `-d` as a form, but it was meant as JSON.
        None => RequestBody::Json { text },
        Some(_) => RequestBody::Raw {
            content_type: content_type.clone().unwrap_or_default(),
            text,
        },
    };
    // A plain type is implied by the body kind; a vendor type stays a header.
    let implied = matches!(
        mime.as_deref(),
        Some("application/json") | Some("application/x-www-form-urlencoded")
    ) || matches!(body, RequestBody::Raw { .. });
    if let (Some(i), true) = (position, implied) {
        headers.remove(i);
    }
    if json
        && !headers
            .iter()
            .any(|h| h.name.eq_ignore_ascii_case("accept"))
    {
        headers.push(Param {
            name: "Accept".into(),
            value: "application/json".into(),
        });
    }
    body
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Secret;
    use crate::model::TokenPlacement;

    #[test]
    fn copies_with_a_placeholder_unless_the_token_is_asked_for() {
        let spec = RequestSpec {
            method: "POST".into(),
            url: "https://api.getgo.com/G2M/rest/meetings".into(),
            body: RequestBody::Json {
                text: r#"{"subject":"It's on"}"#.into(),
            },
            ..Default::default()
        };
        let request = spec.prepare(None).unwrap();
        let auth = AuthPlacement::new(&TokenPlacement::default(), Secret::new("tok-1"));
        let hidden = to_curl(&request, Some(&auth), false).unwrap();
        assert_eq!(
            hidden,
            "curl 'https://api.getgo.com/G2M/rest/meetings' \\\n  -H 'Content-Type: application/json' \\\n  \
             -H 'Authorization: Bearer '\"$LATCHKEY_TOKEN\" \\\n  --data-raw '{\"subject\":\"It'\\''s on\"}'"
        );
        assert!(!hidden.contains("tok-1"));
        let shown = to_curl(&request, Some(&auth), true).unwrap();
        assert!(
            shown.contains("-H 'Authorization: Bearer tok-1'"),
            "{shown}"
        );
        let query = AuthPlacement::new(
            &TokenPlacement::Query {
                name: "access_token".into(),
            },
            Secret::new("t"),
        );
        let get = RequestSpec {
            url: "https://x/a?b=1".into(),
            ..Default::default()
        }
        .prepare(None)
        .unwrap();
        assert_eq!(
            to_curl(&get, Some(&query), false).unwrap(),
            "curl 'https://x/a?b=1&access_token='\"$LATCHKEY_TOKEN\""
        );
        // What the shell would read back is the same request.
        let back = from_curl(&to_curl(&request, None, false).unwrap()).unwrap();
        assert_eq!(back.method, "POST");
        assert_eq!(back.body, spec.body);
    }

    #[test]
    fn imports_methods_headers_and_bodies() {
        let spec = from_curl(
            "curl -X PATCH 'https://api.example.com/items/1' \\\n  -H 'Content-Type: application/json' -H \"X-Trace: a:b\" \\\n  --data-raw '{\"a\": 1}' -sS --compressed",
        )
        .unwrap();
        assert_eq!(spec.method, "PATCH");
        assert_eq!(spec.url, "https://api.example.com/items/1");
        assert_eq!(spec.headers, vec![Param::new("X-Trace", "a:b")]);
        assert_eq!(
            spec.body,
            RequestBody::Json {
                text: "{\"a\": 1}".into()
            }
        );

        let form =
            from_curl("curl https://x/token -d grant_type=client_credentials -d 'scope=a b'")
                .unwrap();
        assert_eq!(form.method, "POST");
        assert_eq!(
            form.body,
            RequestBody::Form {
                fields: vec![
                    Param::new("grant_type", "client_credentials"),
                    Param::new("scope", "a b")
                ]
            }
        );

        let json = from_curl("curl --json '{\"x\":true}' --url https://x/y").unwrap();
        assert_eq!(
            json.body,
            RequestBody::Json {
                text: "{\"x\":true}".into()
            }
        );
        assert_eq!(json.headers, vec![Param::new("Accept", "application/json")]);

        let get = from_curl("curl -G https://x/search -d q=hello%20world -d n=5").unwrap();
        assert_eq!(get.method, "GET");
        assert_eq!(
            get.query,
            vec![Param::new("q", "hello world"), Param::new("n", "5")]
        );
        assert_eq!(get.body, RequestBody::None);

        let raw =
            from_curl("curl -XPUT https://x/doc -H 'Content-Type: text/csv' --data-binary 'a,b'")
                .unwrap();
        assert_eq!(raw.method, "PUT");
        assert_eq!(
            raw.body,
            RequestBody::Raw {
                content_type: "text/csv".into(),
                text: "a,b".into()
            }
        );
        assert!(raw.headers.is_empty());
    }

    #[test]
    fn refuses_what_it_cannot_import_with_a_reason() {
        let err = |cmd: &str| from_curl(cmd).unwrap_err().to_string();
        assert!(err("curl -u alice:pw https://x/").contains("basic auth"));
        assert!(err("curl -d @body.json https://x/").contains("reads a file"));
        assert!(err("wget https://x/").contains("starts with `curl`"));
        assert!(err("curl -H 'no colon' https://x/").contains("has no `:`"));
        assert!(err("curl 'https://x/").contains("quotes"));
        assert!(err("curl --frobnicate https://x/").contains("`--frobnicate` is not supported"));
        assert!(err("curl -X").contains("needs a method"));
        assert!(err("curl -s").contains("no URL"));
    }
}
