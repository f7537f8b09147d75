//! `latchkey service ...`

use crate::output::outln;
use crate::{output, secret_input};
use clap::{Args, Subcommand};
use latchkey_core::openapi::Purpose;
use latchkey_core::service::ImportedApi;
use latchkey_core::{
    AuthKind, ClientAuth, Error, FieldError, Latchkey, Param, PkceMode, Result, Service,
    ServiceInput, TokenPlacement,
};
use std::path::PathBuf;
use tokio::runtime::Runtime;

#[derive(Subcommand)]
pub enum ServiceCommand {
    /// Register an API service.
    Add {
        slug: String,
        /// Start from a preset (`latchkey presets` lists them); flags override it.
        #[arg(long, value_name = "NAME")]
        preset: Option<String>,
        /// Fill the endpoints from the issuer's RFC 8414 / OpenID Connect metadata.
        #[arg(long, value_name = "URL")]
        issuer: Option<String>,
        /// Read the endpoints, scopes, base URL, name and operations from an
        /// OpenAPI 3.x or Swagger 2.0 document (JSON or YAML, a file or a URL).
        #[arg(long, value_name = "FILE|URL")]
        openapi: Option<String>,
        #[command(flatten)]
        flags: Box<ServiceFlags>,
    },
    /// List the services.
    List,
    /// Show one service (never its secret).
    Show { slug: String },
    /// Change a service: only the flags given change.
    Edit {
        slug: String,
        /// Give the service a new slug.
        #[arg(long, value_name = "NEW_SLUG")]
        rename: Option<String>,
        /// Forget the stored client secret.
        #[arg(long, conflicts_with = "client_secret_stdin")]
        clear_client_secret: bool,
        /// Forget the listed token origins (the API base URL's stays);
        /// --token-origin flags given with it start the new list.
        #[arg(long)]
        clear_token_origins: bool,
        /// Replace the operations with those of a newer OpenAPI / Swagger
        /// document (the service's settings stay as they are).
        #[arg(long, value_name = "FILE|URL")]
        openapi: Option<String>,
        #[command(flatten)]
        flags: Box<ServiceFlags>,
    },
    /// Remove a service; one with users needs --force (which removes them too).
    Remove {
        slug: String,
        #[arg(long)]
        force: bool,
    },
    /// Print services as a JSON document (all when no slug is given).
    Export {
        slugs: Vec<String>,
        /// Include client secrets in plain text.
        #[arg(long)]
        with_secrets: bool,
    },
    /// Add the services of an export document (`-` reads stdin): all or none.
    Import { file: PathBuf },
}

/// The fields of a service; on `edit`, only the ones given change.
#[derive(Args)]
pub struct ServiceFlags {
    /// Display name.
    #[arg(long)]
    name: Option<String>,
    #[arg(
        long,
        value_name = "authorization_code|client_credentials|device_code|api_key|none"
    )]
    auth_kind: Option<AuthKind>,
    #[arg(long, value_name = "URL")]
    authorize_url: Option<String>,
    #[arg(long, value_name = "URL")]
    token_url: Option<String>,
    #[arg(long, value_name = "URL")]
    revocation_url: Option<String>,
    #[arg(long, value_name = "URL")]
    device_url: Option<String>,
    #[arg(long, value_name = "ID")]
    client_id: Option<String>,
    /// Read the client secret from the first line of stdin.
    #[arg(long)]
    client_secret_stdin: bool,
    /// Read the API key (`--auth-kind api_key`) from the first line of stdin;
    /// on edit it replaces the stored key.
    #[arg(long, conflicts_with = "client_secret_stdin")]
    api_key_stdin: bool,
    /// Scopes, separated by the scope separator, e.g. "openid email".
    #[arg(long)]
    scopes: Option<String>,
    /// What separates scopes (default: a space; GitHub and Slack use ",").
    #[arg(long, value_name = "TEXT")]
    scope_separator: Option<String>,
    /// Loopback redirect URI, e.g. http://127.0.0.1:8749/callback.
    #[arg(long, value_name = "URL")]
    redirect_uri: Option<String>,
    #[arg(long, value_name = "URL")]
    api_base_url: Option<String>,
    #[arg(long, value_name = "basic|post|none")]
    client_auth: Option<ClientAuth>,
    #[arg(long, value_name = "S256|plain|off")]
    pkce: Option<PkceMode>,
    /// Word before the token in the header, e.g. Bearer or OAuth2 ("" for none).
    #[arg(long, value_name = "WORD")]
    token_prefix: Option<String>,
    /// Send the token in this header (default Authorization).
    #[arg(long, value_name = "NAME")]
    token_header: Option<String>,
    /// Send the token as this query parameter instead of a header.
    #[arg(long, value_name = "NAME", conflicts_with_all = ["token_header", "token_prefix"])]
    token_query: Option<String>,
    /// Extra authorize-URL parameter; repeat for more (replaces the list on edit).
    #[arg(long = "authorize-param", value_name = "NAME=VALUE")]
    authorize_params: Vec<String>,
    /// Extra token-request parameter; repeat for more (replaces the list on edit).
    #[arg(long = "token-param", value_name = "NAME=VALUE")]
    token_params: Vec<String>,
    /// Another origin the token may go to besides the API base URL's, e.g.
    /// https://uploads.example.com; repeat for more (added to the list on edit).
    #[arg(long = "token-origin", value_name = "URL")]
    token_origins: Vec<String>,
}

impl ServiceFlags {
    /// Writes the given flags over `input`.
    fn apply(&self, input: &mut ServiceInput) -> Result<()> {
        let set = |target: &mut Option<String>, value: &Option<String>| {
            if value.is_some() {
                target.clone_from(value);
            }
        };
        set(&mut input.name, &self.name);
        set(&mut input.authorize_url, &self.authorize_url);
        set(&mut input.token_url, &self.token_url);
        set(&mut input.revocation_url, &self.revocation_url);
        set(&mut input.device_url, &self.device_url);
        set(&mut input.client_id, &self.client_id);
        set(&mut input.scope_separator, &self.scope_separator);
        set(&mut input.redirect_uri, &self.redirect_uri);
        set(&mut input.api_base_url, &self.api_base_url);
        if let Some(kind) = self.auth_kind {
            input.auth_kind = kind;
        }
        if let Some(scopes) = &self.scopes {
            input.scopes.clone_from(scopes);
        }
        if let Some(auth) = self.client_auth {
            input.client_auth = auth;
        }
        if let Some(pkce) = self.pkce {
            input.pkce = pkce;
        }
        self.apply_placement(&mut input.token_placement);
        input
            .token_origins
            .extend(self.token_origins.iter().cloned());
        let mut errors = Vec::new();
        for (field, given, target) in [
            (
                "authorize_params",
                &self.authorize_params,
                &mut input.authorize_params,
            ),
            ("token_params", &self.token_params, &mut input.token_params),
        ] {
            if given.is_empty() {
                continue;
            }
            let parsed: Vec<std::result::Result<Param, FieldError>> =
                given.iter().map(|text| Param::parse(text, field)).collect();
            errors.extend(parsed.iter().filter_map(|p| p.as_ref().err().cloned()));
            *target = parsed.into_iter().filter_map(|p| p.ok()).collect();
        }
        if !errors.is_empty() {
            return Err(Error::Validation(errors));
        }
        if self.client_secret_stdin {
            input.client_secret = Some(secret_input::from_stdin("client secret")?);
        }
        if self.api_key_stdin {
            input.api_key = Some(secret_input::from_stdin("API key")?);
        }
        Ok(())
    }

    fn apply_placement(&self, placement: &mut TokenPlacement) {
        if let Some(name) = &self.token_query {
            *placement = TokenPlacement::Query { name: name.clone() };
            return;
        }
        if self.token_header.is_none() && self.token_prefix.is_none() {
            return;
        }
        let (name, prefix) = match placement {
            TokenPlacement::Header { name, prefix } => (name.clone(), prefix.clone()),
            TokenPlacement::Query { .. } => ("Authorization".into(), "Bearer".into()),
        };
        *placement = TokenPlacement::Header {
            name: self.token_header.clone().unwrap_or(name),
            prefix: self.token_prefix.clone().unwrap_or(prefix),
        };
    }
}

pub fn run(rt: &Runtime, app: &Latchkey, command: &ServiceCommand, json: bool) -> Result<()> {
    match command {
        ServiceCommand::Add {
            slug,
            preset,
            issuer,
            openapi,
            flags,
        } => {
            let mut input = latchkey_core::service::draft(preset.as_deref(), slug)?;
            let mut operations = Vec::new();
            if let Some(source) = openapi {
                let api = import_api(rt, source, Purpose::Service(flags.auth_kind))?;
                input.apply_api(&api);
                operations = api.description.operations;
            }
            if let Some(issuer) = issuer {
                input = discover(rt, issuer, input)?;
            }
            flags.apply(&mut input)?;
            if input.client_secret.is_none() && wants_secret(&input) {
                input.client_secret = secret_input::prompt(slug, "Client secret")?;
            }
            if input.api_key.is_none() && input.auth_kind == AuthKind::ApiKey {
                input.api_key = secret_input::prompt(slug, "API key")?;
            }
            let service = if openapi.is_some() {
                app.create_service_with_operations(&input, &operations)?
            } else {
                app.create_service(&input)?
            };
            print_service(&service, json, "Added")
        }
        ServiceCommand::List => {
            let services = app.list_services()?;
            if json {
                return output::json(&services);
            }
            output::list(
                &services,
                "No services yet: `latchkey service add SLUG` adds one.",
                &["SLUG", "NAME", "AUTH KIND", "CLIENT ID", "CLIENT SECRET"],
                |s| {
                    vec![
                        s.spec.slug.clone(),
                        s.spec.name.clone(),
                        s.spec.auth_kind.to_string(),
                        output::or_dash(s.spec.client_id.as_deref()),
                        secret_state(s).into(),
                    ]
                },
            )?;
            Ok(())
        }
        ServiceCommand::Show { slug } => print_service(&app.get_service(slug)?, json, ""),
        ServiceCommand::Edit {
            slug,
            rename,
            clear_client_secret,
            clear_token_origins,
            openapi,
            flags,
        } => {
            let current = app.get_service(slug)?;
            let operations = match openapi {
                Some(source) => Some(import_api(rt, source, Purpose::Operations)?),
                None => None,
            };
            let mut input = ServiceInput::from(&current.spec);
            if let Some(new) = rename {
                input.slug.clone_from(new);
            }
            input.clear_client_secret = *clear_client_secret;
            if *clear_token_origins {
                input.token_origins.clear();
            }
            flags.apply(&mut input)?;
            let service = app.update_service(slug, &input)?;
            if let Some(api) = operations {
                app.replace_operations(&service.spec.slug, &api.description.operations)?;
            }
            print_service(&service, json, "Updated")
        }
        ServiceCommand::Remove { slug, force } => {
            let removed = app.remove_service(slug, *force)?;
            if json {
                return output::json(&removed);
            }
            match removed.users_removed {
                0 => outln!("Removed service `{slug}`.")?,
                1 => outln!("Removed service `{slug}` and its user.")?,
                n => outln!("Removed service `{slug}` and its {n} users.")?,
            }
            Ok(())
        }
        ServiceCommand::Export {
            slugs,
            with_secrets,
        } => {
            let document = app.export_services(slugs, *with_secrets)?;
            if *with_secrets {
                eprintln!("latchkey: warning: this export contains client secrets in plain text; keep it private and delete it after use");
            }
            output::json(&document)
        }
        ServiceCommand::Import { file } => {
            let text = read_document(file)?;
            let services = app.import_services(&text)?;
            if json {
                return output::json(&services);
            }
            let slugs: Vec<String> = services
                .iter()
                .map(|s| format!("`{}`", s.spec.slug))
                .collect();
            match slugs.len() {
                0 => outln!("The file has no services; nothing was imported.")?,
                1 => outln!("Imported service {}.", slugs[0])?,
                n => outln!("Imported {n} services: {}.", slugs.join(", "))?,
            }
            Ok(())
        }
    }
}

/// Whether to offer a secret prompt: a confidential client without one.
fn wants_secret(input: &ServiceInput) -> bool {
    matches!(
        input.auth_kind,
        AuthKind::AuthorizationCode | AuthKind::ClientCredentials
    ) && input.client_auth != ClientAuth::None
}

/// Runs the core's async discovery to completion and says on stderr where
/// each endpoint came from.
fn discover(rt: &Runtime, issuer: &str, mut input: ServiceInput) -> Result<ServiceInput> {
    let found = rt.block_on(async {
        let client = latchkey_core::discovery::http_client()?;
        latchkey_core::discovery::discover(&client, issuer).await
    })?;
    eprintln!("Discovered from {}:", found.documents.join(" + "));
    for source in &found.endpoint_sources {
        eprintln!(
            "  {:<31} {}  (from {})",
            source.endpoint, source.url, source.document_url
        );
    }
    input.apply_discovery(&found);
    Ok(input)
}

/// Reads an API description (and follows its openIdConnect scheme through
/// discovery), saying on stderr what was found.
fn import_api(rt: &Runtime, source: &str, purpose: Purpose) -> Result<ImportedApi> {
    let api = rt.block_on(latchkey_core::service::import_api(source, purpose))?;
    let description = &api.description;
    let scheme = description
        .oauth
        .as_ref()
        .map(|o| format!("; OAuth scheme `{}` ({})", o.name, o.flow.label()))
        .unwrap_or_default();
    eprintln!(
        "Read {} document `{}`: {} operation{}{scheme}.",
        description.spec,
        description.title.as_deref().unwrap_or("untitled"),
        description.operations.len(),
        if description.operations.len() == 1 {
            ""
        } else {
            "s"
        },
    );
    if let Some(found) = &api.discovered {
        eprintln!("Discovered from {}.", found.documents.join(" + "));
    }
    for note in &description.notes {
        eprintln!("latchkey: note: {note}");
    }
    Ok(api)
}

fn read_document(file: &PathBuf) -> Result<String> {
    let result = if file.as_os_str() == "-" {
        std::io::read_to_string(std::io::stdin())
    } else {
        std::fs::read_to_string(file)
    };
    result.map_err(|err| {
        Error::InvalidInput(format!(
            "cannot read the import file {} ({err})",
            file.display()
        ))
    })
}

fn secret_state(service: &Service) -> &'static str {
    if service.has_client_secret {
        "set"
    } else {
        "not set"
    }
}

fn print_service(service: &Service, json: bool, verb: &str) -> Result<()> {
    if json {
        return output::json(service);
    }
    let spec = &service.spec;
    if !verb.is_empty() {
        outln!("{verb} service `{}`.", spec.slug)?;
    }
    let params = |list: &[Param]| {
        let shown: Vec<String> = list
            .iter()
            .map(|p| format!("{}={}", p.name, p.value))
            .collect();
        output::or_dash(Some(&shown.join(" ")))
    };
    let placement = match &spec.token_placement {
        TokenPlacement::Header { name, prefix } if prefix.is_empty() => {
            format!("header {name}: <token>")
        }
        TokenPlacement::Header { name, prefix } => format!("header {name}: {prefix} <token>"),
        TokenPlacement::Query { name } => format!("query ?{name}=<token>"),
    };
    output::fields(&[
        ("slug", spec.slug.clone()),
        ("name", spec.name.clone()),
        ("preset", output::or_dash(spec.preset.as_deref())),
        ("auth kind", spec.auth_kind.to_string()),
        ("client id", output::or_dash(spec.client_id.as_deref())),
        ("client secret", secret_state(service).into()),
        (
            "API key",
            if service.has_api_key {
                "set"
            } else {
                "not set"
            }
            .into(),
        ),
        (
            "authorize URL",
            output::or_dash(spec.authorize_url.as_deref()),
        ),
        ("token URL", output::or_dash(spec.token_url.as_deref())),
        (
            "revocation URL",
            output::or_dash(spec.revocation_url.as_deref()),
        ),
        ("device URL", output::or_dash(spec.device_url.as_deref())),
        (
            "scopes",
            output::or_dash(Some(&spec.scopes.join(&spec.scope_separator))),
        ),
        ("scope separator", format!("{:?}", spec.scope_separator)),
        ("authorize params", params(&spec.authorize_params)),
        ("token params", params(&spec.token_params)),
        ("client auth", spec.client_auth.to_string()),
        ("PKCE", spec.pkce.to_string()),
        (
            "redirect URI",
            output::or_dash(spec.redirect_uri.as_deref()),
        ),
        (
            "API base URL",
            output::or_dash(spec.api_base_url.as_deref()),
        ),
        ("token placement", placement),
        (
            "token origins",
            output::or_dash(Some(
                &latchkey_core::service::TokenOrigins::of_service(spec)
                    .shown()
                    .join(" "),
            )),
        ),
    ])?;
    Ok(())
}
