//! What the person asks to send ([`RequestSpec`]) and its validated,
//! ready-to-send form ([`PreparedRequest`]).

use crate::error::{Error, FieldError, Result};
use crate::json::check_json;
use crate::model::{Param, RequestBody, RequestSpec};
use crate::net::shown_input;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue, CONTENT_TYPE};
use reqwest::{Method, Url};

/// A request that passed validation: every part is known to be sendable.
#[derive(Debug, Clone)]
pub struct PreparedRequest {
    pub method: Method,
    pub url: Url,
    pub headers: HeaderMap,
    pub body: Option<Vec<u8>>,
}

/// HTTP methods people type in lower case but mean in upper case.
const STANDARD_METHODS: &[&str] = &[
    "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE", "CONNECT",
];

impl RequestSpec {
    /// Drops the body of a GET or HEAD (servers may ignore or refuse it, and
    /// a body left over from a POST is never meant); true if one was dropped.
    pub fn drop_body_if_bodiless(&mut self) -> bool {
        let bodiless = ["GET", "HEAD"]
            .iter()
            .any(|m| self.method.trim().eq_ignore_ascii_case(m));
        if bodiless && !matches!(self.body, RequestBody::None) {
            self.body = RequestBody::None;
            return true;
        }
        false
    }

    /// Validates every part, reporting all problems at once; `base_url` is
    /// the service's API base URL for relative URLs.
    pub fn prepare(&self, base_url: Option<&str>) -> Result<PreparedRequest> {
        let mut errors = Vec::new();
        let method = parse_method(&self.method).map_err(|e| errors.push(e)).ok();
        let url = resolve_url(&self.url, base_url, &self.query)
            .map_err(|e| errors.push(e))
            .ok();
        let mut headers = HeaderMap::new();
        for (i, header) in self.headers.iter().enumerate() {
            match parse_header(header, i) {
                Ok((name, value)) => {
                    headers.append(name, value);
                }
                Err(e) => errors.push(e),
            }
        }
        // A JSON syntax error has its own code and position, so it wins.
        let body = match &self.body {
            RequestBody::None => None,
            RequestBody::Json { text } => {
                check_json(text, "the JSON body")?;
                default_content_type(&mut headers, "application/json");
                Some(text.as_bytes().to_vec())
            }
            RequestBody::Form { fields } => {
                let mut form = url::form_urlencoded::Serializer::new(String::new());
                for field in fields {
                    form.append_pair(&field.name, &field.value);
                }
                default_content_type(&mut headers, "application/x-www-form-urlencoded");
                Some(form.finish().into_bytes())
            }
            RequestBody::Raw { content_type, text } => {
                if !content_type.trim().is_empty() {
                    match HeaderValue::from_str(content_type.trim()) {
                        Ok(value) => {
                            if !headers.contains_key(CONTENT_TYPE) {
                                headers.insert(CONTENT_TYPE, value);
                            }
                        }
                        Err(_) => errors.push(FieldError::new(
                            "body",
                            format!("the content type `{content_type}` has characters HTTP does not allow"),
                        )),
                    }
                }
                Some(text.as_bytes().to_vec())
            }
        };
        match (method, url) {
            (Some(method), Some(url)) if errors.is_empty() => Ok(PreparedRequest {
                method,
                url,
                headers,
                body,
            }),
            _ => Err(Error::Validation(errors)),
        }
    }
}

fn default_content_type(headers: &mut HeaderMap, value: &'static str) {
    if !headers.contains_key(CONTENT_TYPE) {
        headers.insert(CONTENT_TYPE, HeaderValue::from_static(value));
    }
}

fn parse_method(text: &str) -> std::result::Result<Method, FieldError> {
    let text = text.trim();
    let upper = text.to_ascii_uppercase();
    let name = if STANDARD_METHODS.contains(&upper.as_str()) {
        upper.as_str()
    } else {
        text
    };
    if name.is_empty() {
        return Err(FieldError::new(
            "method",
            "the method is empty: use GET, POST, or another HTTP method",
        ));
    }
    Method::from_bytes(name.as_bytes()).map_err(|_| {
        FieldError::new(
            "method",
            format!("`{text}` is not an HTTP method: use letters, digits and !#$%&'*+-.^_`|~ only"),
        )
    })
}

/// An absolute http(s) URL, or `base_url` joined with a relative one (the
/// base's path is kept: `https://api/v1` + `/meetings` is `/v1/meetings`).
pub fn resolve_url(
    text: &str,
    base_url: Option<&str>,
    query: &[Param],
) -> std::result::Result<Url, FieldError> {
    let text = text.trim();
    let fail = |message: String| FieldError::new("url", message);
    if text.is_empty() {
        return Err(fail("the URL is empty".into()));
    }
    let mut url = match Url::parse(text) {
        Ok(url) => url,
        Err(url::ParseError::RelativeUrlWithoutBase) => {
            let base = base_url.map(str::trim).filter(|b| !b.is_empty()).ok_or_else(|| {
                fail(format!(
                    "`{}` is a relative URL and the service has no API base URL: enter a full URL such as https://api.example.com/path",
                    shown_input(text)
                ))
            })?;
            let joined = format!(
                "{}/{}",
                base.trim_end_matches('/'),
                text.trim_start_matches('/')
            );
            Url::parse(&joined).map_err(|e| {
                fail(format!(
                    "`{}` is not a valid URL ({e})",
                    shown_input(&joined)
                ))
            })?
        }
        Err(e) => {
            return Err(fail(format!(
                "`{}` is not a valid URL ({e})",
                shown_input(text)
            )))
        }
    };
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return Err(fail(format!(
            "`{}` is not an http or https URL",
            shown_input(text)
        )));
    }
    if !query.is_empty() {
        let mut pairs = url.query_pairs_mut();
        for param in query {
            if param.name.is_empty() {
                drop(pairs);
                return Err(FieldError::new("query", "a query parameter has no name"));
            }
            pairs.append_pair(&param.name, &param.value);
        }
    }
    Ok(url)
}

fn parse_header(
    header: &Param,
    index: usize,
) -> std::result::Result<(HeaderName, HeaderValue), FieldError> {
    let name = header.name.trim();
    let field = format!("headers[{index}]");
    let name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
        FieldError::new(
            &field,
            format!("`{name}` is not a valid header name: use letters, digits and - (no spaces or colons)"),
        )
    })?;
    let value = HeaderValue::from_str(header.value.trim()).map_err(|_| {
        FieldError::new(
            &field,
            format!("the value of header `{name}` has a line break or another character HTTP does not allow"),
        )
    })?;
    Ok((name, value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_urls_join_the_base_path_and_query_is_appended() {
        let spec = RequestSpec {
            method: "post".into(),
            url: "/meetings?x=1".into(),
            query: vec![Param::new("a b", "c&d")],
            ..Default::default()
        };
        let req = spec
            .prepare(Some("https://api.getgo.com/G2M/rest/"))
            .unwrap();
        assert_eq!(req.method, Method::POST);
        assert_eq!(
            req.url.as_str(),
            "https://api.getgo.com/G2M/rest/meetings?x=1&a+b=c%26d"
        );
    }

    #[test]
    fn get_and_head_lose_a_leftover_body() {
        let with_body = |method: &str| RequestSpec {
            method: method.into(),
            url: "https://api.example.com/x".into(),
            body: RequestBody::Json { text: "{}".into() },
            ..Default::default()
        };
        for method in ["GET", "get", "HEAD"] {
            let mut spec = with_body(method);
            assert!(spec.drop_body_if_bodiless(), "{method}");
            assert_eq!(spec.body, RequestBody::None);
            assert!(!spec.drop_body_if_bodiless());
        }
        let mut post = with_body("POST");
        assert!(!post.drop_body_if_bodiless());
        assert_eq!(post.body, RequestBody::Json { text: "{}".into() });
    }

    #[test]
    fn custom_methods_are_kept_as_typed() {
        let spec = RequestSpec {
            method: "PROPFIND".into(),
            url: "http://127.0.0.1/".into(),
            ..Default::default()
        };
        assert_eq!(spec.prepare(None).unwrap().method.as_str(), "PROPFIND");
        let spec = RequestSpec {
            method: "Purge".into(),
            url: "http://127.0.0.1/".into(),
            ..Default::default()
        };
        assert_eq!(spec.prepare(None).unwrap().method.as_str(), "Purge");
    }

    #[test]
    fn every_bad_part_is_reported_by_field() {
        let spec = RequestSpec {
            method: "GE T".into(),
            url: "/x".into(),
            headers: vec![
                Param::new("Bad Header", "v"),
                Param::new("X-Ok", "line\nbreak"),
            ],
            ..Default::default()
        };
        let Err(Error::Validation(errors)) = spec.prepare(None) else {
            panic!()
        };
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["method", "url", "headers[0]", "headers[1]"]);
        assert!(
            errors[1].message.contains("no API base URL"),
            "{}",
            errors[1].message
        );
        assert!(errors[2]
            .message
            .contains("`Bad Header` is not a valid header name"));
        for url in ["ftp://x/", "http://", "ht tp://x", "mailto:a@b"] {
            let spec = RequestSpec {
                url: url.into(),
                ..Default::default()
            };
            assert!(spec.prepare(None).is_err(), "{url}");
        }
    }

    #[test]
    fn bodies_set_their_content_type_unless_given() {
        let spec = RequestSpec {
            url: "https://x/".into(),
            body: RequestBody::Json {
                text: "{\"a\":\n 1,}".into(),
            },
            ..Default::default()
        };
        match spec.prepare(None).unwrap_err() {
            Error::InvalidJson {
                line,
                column,
                message,
            } => {
                assert_eq!((line, column), (2, 4));
                assert!(
                    message.starts_with("the JSON body is not valid JSON"),
                    "{message}"
                );
            }
            other => panic!("{other:?}"),
        }
        let spec = RequestSpec {
            url: "https://x/".into(),
            body: RequestBody::Form {
                fields: vec![Param::new("a", "1 2"), Param::new("b", "&")],
            },
            ..Default::default()
        };
        let req = spec.prepare(None).unwrap();
        assert_eq!(req.body.as_deref(), Some(&b"a=1+2&b=%26"[..]));
        assert_eq!(
            req.headers[CONTENT_TYPE],
            "application/x-www-form-urlencoded"
        );
        let spec = RequestSpec {
            url: "https://x/".into(),
            headers: vec![Param::new("content-type", "application/vnd.api+json")],
            body: RequestBody::Json { text: "{}".into() },
            ..Default::default()
        };
        assert_eq!(
            spec.prepare(None).unwrap().headers[CONTENT_TYPE],
            "application/vnd.api+json"
        );
    }
}
