//! `latchkey presets [show NAME]`

use crate::output::{self, outln};
use clap::Subcommand;
use latchkey_core::presets::{preset, presets};
use latchkey_core::{Result, TokenPlacement};

#[derive(Subcommand)]
pub enum PresetsCommand {
    /// Show everything one preset fills in, and its provider's quirks.
    Show { name: String },
}

pub fn run(command: Option<&PresetsCommand>, json: bool) -> Result<()> {
    match command {
        None => {
            if json {
                return output::json(&presets());
            }
            let rows: Vec<Vec<String>> = presets()
                .iter()
                .map(|p| {
                    vec![
                        p.id.clone(),
                        p.name.clone(),
                        p.auth_kind.to_string(),
                        p.docs_url.clone(),
                    ]
                })
                .collect();
            output::table(&["PRESET", "NAME", "AUTH KIND", "DOCS"], &rows)?;
            Ok(())
        }
        Some(PresetsCommand::Show { name }) => {
            let p = preset(name)?;
            if json {
                return output::json(p);
            }
            let placement = match &p.token_placement {
                TokenPlacement::Header { name, prefix } => {
                    format!("header {name}: {prefix} <token>")
                }
                TokenPlacement::Query { name } => format!("query ?{name}=<token>"),
            };
            output::fields(&[
                ("preset", p.id.clone()),
                ("name", p.name.clone()),
                ("auth kind", p.auth_kind.to_string()),
                ("authorize URL", output::or_dash(Some(&p.authorize_url))),
                ("token URL", output::or_dash(Some(&p.token_url))),
                (
                    "revocation URL",
                    output::or_dash(p.revocation_url.as_deref()),
                ),
                (
                    "device URL",
                    output::or_dash(p.device_authorization_url.as_deref()),
                ),
                (
                    "scopes",
                    output::or_dash(Some(&p.default_scopes.join(&p.scope_separator))),
                ),
                ("scope separator", format!("{:?}", p.scope_separator)),
                ("client auth", p.client_auth.to_string()),
                ("PKCE", p.pkce.to_string()),
                ("token placement", placement),
                ("API base URL", output::or_dash(p.api_base_url.as_deref())),
                ("docs", p.docs_url.clone()),
            ])?;
            for quirk in &p.quirks {
                outln!("  - {quirk}")?;
            }
            Ok(())
        }
    }
}
