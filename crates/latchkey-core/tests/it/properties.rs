//! Properties over generated input (proptest):
//! - no secret the redactor knows survives redaction, wherever a request or
//!   an answer carries it and however it is encoded there;
//! - the JSON body builder's rows and JSON documents round-trip.

use latchkey_core::http::redact::Redactor;
use latchkey_core::http::{RequestBody, RequestSpec};
use latchkey_core::json::{json_to_rows, rows_to_json, BodyRow, RowType};
use latchkey_core::{Param, Secret};
use proptest::prelude::*;
use serde_json::{Map, Number, Value};

/// Token-like values: the alphabet of opaque tokens, JWTs and base64.
fn secret() -> impl Strategy<Value = String> {
    "[A-Za-z0-9._~+/=-]{12,48}"
}

/// Text around secrets: anything printable, including quotes, `%`, `&`,
/// `=`, non-ASCII and control characters.
fn filler() -> impl Strategy<Value = String> {
    prop_oneof![
        "[ -~]{0,12}",
        "[a-z &=?%#\"\\\\]{0,8}",
        "\\PC{0,6}",
        Just(String::new()),
    ]
}

/// Names that are not secret-like, so only the value rule can catch what
/// they carry.
fn plain_name() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "note", "echo", "subject", "q", "page", "X-Trace", "Accept", "data", "x",
    ])
    .prop_map(str::to_string)
}

/// How a secret is written into text: as is, form-encoded, or
/// percent-encoded byte by byte (what a query string or a server's echo of
/// it may hold).
#[derive(Debug, Clone, Copy)]
enum Encoding {
    Raw,
    Form,
}

fn encode(secret: &str, how: Encoding) -> String {
    match how {
        Encoding::Raw => secret.to_string(),
        Encoding::Form => url::form_urlencoded::byte_serialize(secret.as_bytes()).collect(),
    }
}

fn encoding() -> impl Strategy<Value = Encoding> {
    prop_oneof![Just(Encoding::Raw), Just(Encoding::Form)]
}

/// Text with secrets (chosen by index, encoded one of the ways) between
/// fillers.
fn text_with(secrets: Vec<String>) -> impl Strategy<Value = String> {
    let n = secrets.len();
    prop::collection::vec((filler(), 0..n, encoding()), 1..4).prop_flat_map(move |parts| {
        let secrets = secrets.clone();
        filler().prop_map(move |tail| {
            let mut out = String::new();
            for (before, i, how) in &parts {
                out.push_str(before);
                out.push_str(&encode(&secrets[*i], *how));
            }
            out.push_str(&tail);
            out
        })
    })
}

/// Every way a reader of the redacted text could recover a secret: the
/// text itself, and its form/percent-decoded reading.
fn readings(text: &str) -> Vec<String> {
    let decoded: String = url::form_urlencoded::parse(text.as_bytes())
        .flat_map(|(k, v)| [k.into_owned(), "=".into(), v.into_owned(), "&".into()])
        .collect();
    vec![text.to_string(), decoded]
}

fn assert_no_secret(what: &str, text: &str, secrets: &[String]) -> Result<(), TestCaseError> {
    for reading in readings(text) {
        for s in secrets {
            prop_assert!(
                !reading.contains(s.as_str()),
                "{what} still shows a secret: {s:?} in {reading:?}"
            );
        }
    }
    Ok(())
}

fn param(name: String, value: String) -> Param {
    Param { name, value }
}

/// A request carrying the secrets in its URL (path and query), query
/// params, headers and body; plus the secrets themselves.
fn request_with_secrets() -> impl Strategy<Value = (Vec<String>, RequestSpec)> {
    prop::collection::vec(secret(), 1..4).prop_flat_map(|secrets| {
        let t = || text_with(secrets.clone());
        let body = prop_oneof![
            // A JSON object with a secret under a plain key.
            (plain_name(), t()).prop_map(|(k, v)| RequestBody::Json {
                text: serde_json::json!({ k: v, "n": 1 }).to_string()
            }),
            // A JSON document that is just a string.
            t().prop_map(|v| RequestBody::Json {
                text: Value::String(v).to_string()
            }),
            (plain_name(), t()).prop_map(|(k, v)| RequestBody::Form {
                fields: vec![param(k, v)]
            }),
            t().prop_map(|text| RequestBody::Raw {
                content_type: "text/plain".into(),
                text
            }),
        ];
        let relative = any::<bool>();
        (
            Just(secrets.clone()),
            (t(), t(), plain_name(), relative),
            (plain_name(), t()),
            (plain_name(), t()),
            body,
        )
            .prop_map(
                |(secrets, (path, query, qname, relative), (pn, pv), (hn, hv), body)| {
                    let path: String =
                        url::form_urlencoded::byte_serialize(path.as_bytes()).collect();
                    let query: String =
                        url::form_urlencoded::byte_serialize(query.as_bytes()).collect();
                    let url = if relative {
                        format!("/v1/{path}?{qname}={query}")
                    } else {
                        format!("https://api.example.test/{path}?{qname}={query}")
                    };
                    let spec = RequestSpec {
                        method: "POST".into(),
                        url,
                        query: vec![param(pn, pv)],
                        headers: vec![param(hn, hv)],
                        body,
                    };
                    (secrets, spec)
                },
            )
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn no_secret_survives_redacting_a_request((secrets, spec) in request_with_secrets()) {
        let known: Vec<Secret> = secrets.iter().map(Secret::new).collect();
        let redacted = Redactor::new(&known, &[]).spec(&spec);
        assert_no_secret("the URL", &redacted.url, &secrets)?;
        for p in redacted.query.iter().chain(&redacted.headers) {
            assert_no_secret(&p.name, &p.value, &secrets)?;
        }
        match &redacted.body {
            RequestBody::Json { text } => {
                assert_no_secret("the JSON body", text, &secrets)?;
                // What a viewer shows: the document as parsed.
                if let Ok(doc) = serde_json::from_str::<Value>(text) {
                    assert_no_secret("the parsed JSON body", &format!("{doc:?}"), &secrets)?;
                }
            }
            RequestBody::Form { fields } => {
                for p in fields {
                    assert_no_secret(&p.name, &p.value, &secrets)?;
                }
            }
            RequestBody::Raw { text, .. } => assert_no_secret("the raw body", text, &secrets)?,
            RequestBody::None => {}
        }
    }

    #[test]
    fn no_secret_survives_in_an_answer(
        (secrets, text) in prop::collection::vec(secret(), 1..4)
            .prop_flat_map(|s| (Just(s.clone()), text_with(s))),
        noise in prop::collection::vec(any::<u8>(), 0..8),
    ) {
        let known: Vec<Secret> = secrets.iter().map(Secret::new).collect();
        let redactor = Redactor::new(&known, &[]);
        assert_no_secret("scrubbed text", &redactor.scrub(&text), &secrets)?;
        assert_no_secret("a body", &redactor.body_text(&text), &secrets)?;
        // Bytes that are not UTF-8 around the same text.
        let mut bytes = noise.clone();
        bytes.extend_from_slice(text.as_bytes());
        bytes.extend_from_slice(&noise);
        let scrubbed = redactor.scrub_bytes(&bytes);
        assert_no_secret("scrubbed bytes", &String::from_utf8_lossy(&scrubbed), &secrets)?;
    }

    /// An answer that echoes secrets in JSON, written as PHP's json_encode
    /// and others do (`/` as `\/`), as an object or a bare string.
    #[test]
    fn no_secret_survives_in_an_escaped_json_answer(
        (secrets, text) in prop::collection::vec(secret(), 1..4)
            .prop_flat_map(|s| (Just(s.clone()), text_with(s))),
        key in plain_name(),
        bare in any::<bool>(),
    ) {
        let known: Vec<Secret> = secrets.iter().map(Secret::new).collect();
        let redactor = Redactor::new(&known, &[]);
        let string = Value::String(text).to_string().replace('/', "\\/");
        let body = if bare { string } else { format!("{{\"{key}\":{string}}}") };
        let shown = redactor.body_text(&body);
        assert_no_secret("the body", &shown, &secrets)?;
        let doc: Value = serde_json::from_str(&shown).map_err(|e| TestCaseError::fail(e.to_string()))?;
        assert_no_secret("the body as a viewer shows it", &format!("{doc:?}"), &secrets)?;
    }

    #[test]
    fn documents_round_trip_through_rows(doc in json_value()) {
        match json_to_rows(&doc) {
            Ok(rows) => {
                let back = rows_to_json(&rows).map_err(fail)?;
                prop_assert_eq!(&back, &doc);
                // Key order is the author's and survives too.
                prop_assert_eq!(back.to_string(), doc.to_string());
            }
            // The one document the form cannot hold, refused by name.
            Err(e) => {
                prop_assert!(has_empty_key(&doc), "{}", e);
                prop_assert!(e.to_string().contains("empty key"), "{}", e);
            }
        }
    }

    #[test]
    fn rows_round_trip_through_documents(rows in body_rows()) {
        let doc = rows_to_json(&rows).map_err(fail)?;
        let Ok(again) = json_to_rows(&doc) else {
            // Only raw JSON typed into a row can bring an empty key in.
            prop_assert!(has_empty_key(&doc));
            return Ok(());
        };
        prop_assert_eq!(rows_to_json(&again).map_err(fail)?, doc);
        // Once normalised (raw expanded, numbers tidied), rows come back exactly.
        prop_assert_eq!(json_to_rows(&rows_to_json(&again).map_err(fail)?).map_err(fail)?, again);
    }
}

fn fail(e: latchkey_core::Error) -> TestCaseError {
    TestCaseError::fail(e.to_string())
}

fn has_empty_key(value: &Value) -> bool {
    match value {
        Value::Object(map) => map.iter().any(|(k, v)| k.is_empty() || has_empty_key(v)),
        Value::Array(items) => items.iter().any(has_empty_key),
        _ => false,
    }
}

fn number() -> impl Strategy<Value = Number> {
    prop_oneof![
        any::<i64>().prop_map(Number::from),
        any::<u64>().prop_map(Number::from),
        any::<f64>().prop_filter_map("finite", Number::from_f64),
    ]
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        number().prop_map(Value::Number),
        "\\PC{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec(("\\PC{0,8}", inner), 0..6)
                .prop_map(|pairs| Value::Object(pairs.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

fn leaf_row(key: String) -> impl Strategy<Value = BodyRow> {
    let row = move |kind: RowType, value: String| BodyRow {
        key: key.clone(),
        kind,
        value,
        children: vec![],
    };
    prop_oneof![
        "\\PC{0,12}".prop_map(|v| (RowType::String, v)),
        number().prop_map(|n| (RowType::Number, format!(" {n} "))),
        prop::sample::select(vec!["true", "false", " TRUE", "False "])
            .prop_map(|b| (RowType::Boolean, b.to_string())),
        "\\PC{0,4}".prop_map(|v| (RowType::Null, v)),
        json_value().prop_map(|v| (RowType::Raw, v.to_string())),
    ]
    .prop_map(move |(kind, value)| row(kind, value))
}

/// Valid form rows: keys unique and non-empty in objects, every value
/// parseable for its type.
fn body_rows() -> impl Strategy<Value = BodyRow> {
    let leaf = leaf_row(String::new());
    leaf.prop_recursive(4, 48, 6, |inner| {
        let children = prop::collection::vec(inner, 0..6);
        prop_oneof![
            children.clone().prop_map(|children| BodyRow {
                key: String::new(),
                kind: RowType::Array,
                value: String::new(),
                children,
            }),
            children.prop_map(|children| BodyRow {
                key: String::new(),
                kind: RowType::Object,
                value: String::new(),
                // Unique keys: the builder refuses duplicates by design.
                children: children
                    .into_iter()
                    .enumerate()
                    .map(|(i, mut c)| {
                        c.key = format!("k{i}");
                        c
                    })
                    .collect(),
            }),
        ]
    })
}
