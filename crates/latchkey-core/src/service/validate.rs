//! Turns a [`ServiceInput`] into a [`ServiceSpec`], collecting one specific
//! message per wrong field so a form can show them all at once.

use super::origins::normalize_origins;
use super::urls::{check_endpoint, check_redirect, DEFAULT_REDIRECT_URI};
use super::{ServiceInput, ServiceSpec};
use crate::error::{Error, FieldError, Result};
use crate::model::Secret;
use crate::model::{param_label, Param};
use crate::model::{AuthKind, ClientAuth, TokenPlacement};

const MAX_SLUG: usize = 64;
const MAX_NAME: usize = 100;
const MAX_CLIENT_ID: usize = 1000;

/// Parameters Latchkey sets itself; a service may not override them.
const RESERVED_AUTHORIZE: &[&str] = &[
    "response_type",
    "client_id",
    "redirect_uri",
    "state",
    "code_challenge",
    "code_challenge_method",
    "scope",
];
const RESERVED_TOKEN: &[&str] = &[
    "grant_type",
    "code",
    "redirect_uri",
    "code_verifier",
    "refresh_token",
    "client_id",
    "client_secret",
    "device_code",
];

/// A validated input: the definition and what to do with the secrets.
#[derive(Debug)]
pub struct ValidInput {
    pub spec: ServiceSpec,
    pub secret: SecretChange,
    /// The API key: set when given, else kept.
    pub api_key: Option<Secret>,
}

#[derive(Debug)]
pub enum SecretChange {
    Keep,
    Set(Secret),
    Clear,
}

/// Checks every field of `input`; all problems are reported together.
pub fn validate(input: &ServiceInput) -> Result<ValidInput> {
    let mut errors = Vec::new();
    let mut check = |field: &str, result: std::result::Result<(), String>| {
        if let Err(message) = result {
            errors.push(FieldError::new(field, message));
        }
    };

    check("slug", check_slug(&input.slug));
    let name = clean(&input.name)
        .unwrap_or(input.slug.as_str())
        .to_string();
    check("name", check_name(&name));
    let preset = clean(&input.preset).map(str::to_string);
    if let Some(id) = &preset {
        if crate::presets::find_preset(id).is_none() {
            check(
                "preset",
                Err(format!(
                    "there is no preset `{id}`: `latchkey presets` lists them"
                )),
            );
        }
    }

    let kind = input.auth_kind;
    let client_id = clean(&input.client_id).map(str::to_string);
    check("client_id", check_client_id(kind, client_id.as_deref()));
    check("client_secret", check_secret(input));
    check("api_key", check_api_key(input));

    let mut url =
        |field: &str, label: &str, value: &Option<String>, required: bool| match clean(value) {
            Some(text) => match check_endpoint(label, text) {
                Ok(url) => Some(url),
                Err(message) => {
                    errors.push(FieldError::new(field, message));
                    None
                }
            },
            None => {
                if required {
                    errors.push(FieldError::new(
                        field,
                        format!("{label} is required for {} services", kind.in_words()),
                    ));
                }
                None
            }
        };
    let authorize_url = url(
        "authorize_url",
        "authorize URL",
        &input.authorize_url,
        kind == AuthKind::AuthorizationCode,
    );
    let token_url = url(
        "token_url",
        "token URL",
        &input.token_url,
        needs_client_id(kind),
    );
    let revocation_url = url(
        "revocation_url",
        "revocation URL",
        &input.revocation_url,
        false,
    );
    let device_url = url(
        "device_url",
        "device authorization URL",
        &input.device_url,
        kind == AuthKind::DeviceCode,
    );
    let api_base_url = url("api_base_url", "API base URL", &input.api_base_url, false);

    let redirect_uri = if kind == AuthKind::AuthorizationCode {
        let text = clean(&input.redirect_uri).unwrap_or(DEFAULT_REDIRECT_URI);
        match check_redirect(text) {
            Ok(uri) => Some(uri),
            Err(message) => {
                errors.push(FieldError::new("redirect_uri", message));
                None
            }
        }
    } else {
        clean(&input.redirect_uri).and_then(|text| match check_redirect(text) {
            Ok(uri) => Some(uri),
            Err(message) => {
                errors.push(FieldError::new("redirect_uri", message));
                None
            }
        })
    };

    let separator = input.scope_separator.clone().unwrap_or_else(|| " ".into());
    let scopes = match parse_scopes(&input.scopes, &separator) {
        Ok(scopes) => scopes,
        Err(message) => {
            errors.push(FieldError::new("scopes", message));
            Vec::new()
        }
    };
    for (field, params, reserved) in [
        (
            "authorize_params",
            &input.authorize_params,
            RESERVED_AUTHORIZE,
        ),
        ("token_params", &input.token_params, RESERVED_TOKEN),
    ] {
        if let Err(message) = check_params(field, params, reserved) {
            errors.push(FieldError::new(field, message));
        }
    }

    let token_placement = match check_placement(&input.token_placement) {
        Ok(placement) => placement,
        Err(error) => {
            errors.push(error);
            TokenPlacement::default()
        }
    };

    let token_origins = match normalize_origins(&input.token_origins) {
        Ok(list) => list,
        Err(message) => {
            errors.push(FieldError::new("token_origins", message));
            Vec::new()
        }
    };

    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    let secret = match (&input.client_secret, input.clear_client_secret) {
        (Some(secret), _) => SecretChange::Set(secret.clone()),
        (None, true) => SecretChange::Clear,
        (None, false) => SecretChange::Keep,
    };
    Ok(ValidInput {
        spec: ServiceSpec {
            slug: input.slug.clone(),
            name,
            preset,
            auth_kind: kind,
            client_id,
            authorize_url,
            token_url,
            revocation_url,
            device_url,
            scopes,
            scope_separator: separator,
            authorize_params: input.authorize_params.clone(),
            token_params: input.token_params.clone(),
            client_auth: input.client_auth,
            pkce: input.pkce,
            redirect_uri,
            api_base_url,
            token_placement,
            token_origins,
            // Kept exactly as discovery reported it: RFC 9207 compares
            // issuers as plain strings, so nothing is normalized.
            issuer: input
                .issuer
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string),
            authorization_response_iss: input.authorization_response_iss,
        },
        secret,
        api_key: input.api_key.clone(),
    })
}

/// Whether the provider identifies the app by a client id.
fn needs_client_id(kind: AuthKind) -> bool {
    matches!(
        kind,
        AuthKind::AuthorizationCode | AuthKind::ClientCredentials | AuthKind::DeviceCode
    )
}

/// The trimmed value, or `None` when absent or blank.
fn clean(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

fn check_slug(slug: &str) -> std::result::Result<(), String> {
    if slug.is_empty() {
        return Err(
            "slug is required: use lowercase letters, digits and hyphens, e.g. `gotomeeting`"
                .into(),
        );
    }
    let suggestion = suggest_slug(slug);
    // Only a suggestion that passes these checks itself is offered.
    let try_instead = if suggestion.is_empty() || suggestion == slug {
        String::new()
    } else {
        format!(": try `{suggestion}`")
    };
    if slug.chars().any(|c| c.is_ascii_uppercase()) {
        return Err(format!("slug `{slug}` must be lowercase{try_instead}"));
    }
    if !slug
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        return Err(format!(
            "slug `{slug}` may contain only lowercase letters, digits and hyphens{try_instead}"
        ));
    }
    if slug.starts_with('-') || slug.ends_with('-') {
        return Err(format!(
            "slug `{slug}` must start and end with a letter or digit"
        ));
    }
    if slug.len() > MAX_SLUG {
        return Err(format!("slug is longer than {MAX_SLUG} characters"));
    }
    Ok(())
}

/// A valid slug close to `text`: lowercase ASCII letters and digits, every
/// other run of characters one hyphen, none at the ends ("My Service" →
/// `my-service`); empty when nothing usable is left.
pub fn suggest_slug(text: &str) -> String {
    let mut slug = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let mut slug = slug.trim_end_matches('-').to_string();
    slug.truncate(MAX_SLUG);
    slug.trim_end_matches('-').to_string()
}

fn check_name(name: &str) -> std::result::Result<(), String> {
    if name.chars().count() > MAX_NAME {
        return Err(format!("name is longer than {MAX_NAME} characters"));
    }
    if name.chars().any(char::is_control) {
        return Err("name must not contain control characters".into());
    }
    Ok(())
}

fn check_client_id(kind: AuthKind, client_id: Option<&str>) -> std::result::Result<(), String> {
    match client_id {
        None if needs_client_id(kind) => Err(format!(
            "client ID is required for {} services: copy it from the provider's app registration",
            kind.in_words()
        )),
        None => Ok(()),
        Some(id) if id.chars().any(|c| c.is_whitespace() || c.is_control()) => {
            Err("client ID must not contain spaces or control characters".into())
        }
        Some(id) if id.len() > MAX_CLIENT_ID => Err(format!(
            "client ID is longer than {MAX_CLIENT_ID} characters"
        )),
        Some(_) => Ok(()),
    }
}

fn check_secret(input: &ServiceInput) -> std::result::Result<(), String> {
    let Some(secret) = &input.client_secret else {
        return Ok(());
    };
    if secret.is_empty() {
        return Err("client secret is empty: leave it out instead".into());
    }
    if secret.expose().chars().any(char::is_control) {
        return Err("client secret must not contain line breaks or control characters".into());
    }
    if input.client_auth == ClientAuth::None {
        return Err(
            "a client secret was given but client auth is `none`, so it would never be sent: use `basic` or `post`, or leave the secret out"
                .into(),
        );
    }
    Ok(())
}

fn check_api_key(input: &ServiceInput) -> std::result::Result<(), String> {
    let Some(key) = &input.api_key else {
        return Ok(());
    };
    if input.auth_kind != AuthKind::ApiKey {
        return Err(format!(
            "an API key was given but the service authenticates with {}: set the authentication to api_key, or leave the key out",
            input.auth_kind
        ));
    }
    if key.is_empty() {
        return Err("API key is empty: paste the key your provider issued".into());
    }
    if key
        .expose()
        .chars()
        .any(|c| c.is_control() || !c.is_ascii())
    {
        return Err(
            "API key must be printable ASCII without line breaks, as an HTTP header needs".into(),
        );
    }
    Ok(())
}

/// Splits scopes on `separator`; each must be an RFC 6749 scope-token.
pub fn parse_scopes(text: &str, separator: &str) -> std::result::Result<Vec<String>, String> {
    if separator.is_empty() {
        return Err("scope separator must not be empty: use a space or a comma".into());
    }
    let mut scopes: Vec<String> = Vec::new();
    for scope in text
        .split(separator)
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        if let Some(bad) = scope
            .chars()
            .find(|&c| !matches!(c, '\x21' | '\x23'..='\x5b' | '\x5d'..='\x7e'))
        {
            let shown = if bad == ' ' {
                "a space".to_string()
            } else {
                format!("`{}`", bad.escape_default())
            };
            return Err(format!(
                "scope `{scope}` contains {shown}, which OAuth scopes cannot contain (scopes are separated by {:?})",
                separator
            ));
        }
        if !scopes.iter().any(|s| s == scope) {
            scopes.push(scope.to_string());
        }
    }
    Ok(scopes)
}

fn check_params(
    field: &str,
    params: &[Param],
    reserved: &[&str],
) -> std::result::Result<(), String> {
    let label = param_label(field);
    for (i, param) in params.iter().enumerate() {
        let name = param.name.as_str();
        if name.trim().is_empty() {
            return Err(format!(
                "{label} #{} has no name: write it as name=value",
                i + 1
            ));
        }
        if name.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(format!("{label} name `{name}` must not contain spaces"));
        }
        if reserved.contains(&name) {
            return Err(format!(
                "{label} `{name}` is set by Latchkey itself: remove it"
            ));
        }
        if params[..i].iter().any(|p| p.name == name) {
            return Err(format!("{label} `{name}` is given twice"));
        }
        if param.value.chars().any(char::is_control) {
            return Err(format!(
                "{label} `{name}` has a control character in its value"
            ));
        }
    }
    Ok(())
}

/// Trims the placement's name and prefix and checks they are sendable.
fn check_placement(placement: &TokenPlacement) -> std::result::Result<TokenPlacement, FieldError> {
    match placement {
        TokenPlacement::Header { name, prefix } => {
            let (name, prefix) = (name.trim(), prefix.trim());
            if name.is_empty() {
                return Err(FieldError::new(
                    "token_placement",
                    "token header name is required, e.g. Authorization",
                ));
            }
            if !name.chars().all(is_header_char) {
                return Err(FieldError::new(
                    "token_placement",
                    format!("token header name `{name}` is not a valid HTTP header name"),
                ));
            }
            if prefix.chars().any(char::is_control) || prefix.len() > 50 {
                return Err(FieldError::new(
                    "token_placement",
                    "token prefix must be a short word without line breaks, e.g. Bearer",
                ));
            }
            Ok(TokenPlacement::Header {
                name: name.to_string(),
                prefix: prefix.to_string(),
            })
        }
        TokenPlacement::Query { name } => {
            let name = name.trim();
            if name.is_empty() {
                return Err(FieldError::new(
                    "token_placement",
                    "a query parameter name is required when the token goes in the query, e.g. access_token",
                ));
            }
            if name
                .chars()
                .any(|c| c.is_whitespace() || c.is_control() || c == '&' || c == '=' || c == '#')
            {
                return Err(FieldError::new(
                    "token_placement",
                    format!(
                        "token query parameter `{name}` must not contain spaces, `&`, `=` or `#`"
                    ),
                ));
            }
            Ok(TokenPlacement::Query {
                name: name.to_string(),
            })
        }
    }
}

/// RFC 9110 `tchar`.
fn is_header_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggested_slugs_are_valid_themselves() {
        for (typed, suggested) in [
            ("My Service", "my-service"),
            ("GoTo", "goto"),
            ("go_to  meeting!", "go-to-meeting"),
            ("  Zoom (EU) ", "zoom-eu"),
            ("Café", "caf"),
            ("---", ""),
        ] {
            let got = suggest_slug(typed);
            assert_eq!(got, suggested, "{typed}");
            if !got.is_empty() {
                assert_eq!(check_slug(&got), Ok(()), "{got}");
            }
        }
        let err = check_slug("My Service").unwrap_err();
        assert!(err.ends_with("try `my-service`"), "{err}");
        let err = check_slug("go to").unwrap_err();
        assert!(err.ends_with("try `go-to`"), "{err}");
        assert!(!check_slug("---").unwrap_err().contains("try"));
    }

    #[test]
    fn scopes_split_on_the_separator_without_duplicates() {
        assert_eq!(
            parse_scopes(" a  b a ", " ").unwrap(),
            vec!["a".to_string(), "b".to_string()]
        );
        assert_eq!(
            parse_scopes("repo,user", ",").unwrap(),
            vec!["repo".to_string(), "user".to_string()]
        );
        let err = parse_scopes("repo user", ",").unwrap_err();
        assert!(err.contains("a space"), "{err}");
    }

    #[test]
    fn a_minimal_authorization_code_service_gets_the_defaults() {
        let input = ServiceInput {
            slug: "gotomeeting".into(),
            client_id: Some("abc".into()),
            authorize_url: Some("https://authentication.logmeininc.com/oauth/authorize".into()),
            token_url: Some("https://authentication.logmeininc.com/oauth/token".into()),
            ..Default::default()
        };
        let valid = validate(&input).unwrap();
        assert_eq!(valid.spec.name, "gotomeeting");
        assert_eq!(
            valid.spec.redirect_uri.as_deref(),
            Some(DEFAULT_REDIRECT_URI)
        );
        assert_eq!(valid.spec.token_placement, TokenPlacement::default());
        assert!(matches!(valid.secret, SecretChange::Keep));
    }

    #[test]
    fn every_wrong_field_is_reported_at_once() {
        let input = ServiceInput {
            slug: "Bad Slug".into(),
            token_url: Some("http://example.com/token".into()),
            ..Default::default()
        };
        let Err(Error::Validation(errors)) = validate(&input) else {
            panic!("expected a validation error");
        };
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["slug", "client_id", "authorize_url", "token_url"]);
    }
}
