//! `latchkey var set|get|list|unset`

use crate::output::outln;
use crate::{output, secret_input};
use clap::Subcommand;
use latchkey_core::model::Variable;
use latchkey_core::{Error, Latchkey, Result};

#[derive(Subcommand)]
pub enum VarCommand {
    /// Set a variable for `{{NAME}}` in requests (global, or --service's).
    Set {
        name: String,
        /// The value (not with --value-stdin).
        #[arg(
            required_unless_present = "value_stdin",
            conflicts_with = "value_stdin"
        )]
        value: Option<String>,
        /// Only for this service's requests (it wins over a global one).
        #[arg(long, value_name = "SLUG")]
        service: Option<String>,
        /// Sealed at rest, never listed, masked in history.
        #[arg(long, requires = "value_stdin")]
        secret: bool,
        /// Read the value from the first line of stdin.
        #[arg(long)]
        value_stdin: bool,
    },
    /// Print a variable's value (the service's, else the global one).
    Get {
        name: String,
        #[arg(long, value_name = "SLUG")]
        service: Option<String>,
        /// Print a secret variable's value.
        #[arg(long)]
        reveal: bool,
    },
    /// List variables: every one, or the global ones and --service's.
    List {
        #[arg(long, value_name = "SLUG")]
        service: Option<String>,
    },
    /// Remove a variable from one scope (global, or --service's).
    Unset {
        name: String,
        #[arg(long, value_name = "SLUG")]
        service: Option<String>,
    },
}

pub fn run(app: &Latchkey, command: &VarCommand, json: bool) -> Result<()> {
    match command {
        VarCommand::Set {
            name,
            value,
            service,
            secret,
            value_stdin,
        } => {
            let service = service.as_deref();
            let stored = match (value, *value_stdin) {
                (Some(value), _) => app.set_variable(service, name, value)?,
                (None, true) => {
                    let value = secret_input::from_stdin("variable value")?;
                    if *secret {
                        app.set_secret_variable(service, name, &value)?
                    } else {
                        app.set_variable(service, name, value.expose())?
                    }
                }
                (None, false) => {
                    return Err(Error::InvalidInput(
                        "give a value, or --value-stdin to read it".into(),
                    ))
                }
            };
            if json {
                return output::json(&stored);
            }
            outln!("Set {} `{name}`{}.", kind(&stored), scope(&stored))?;
            Ok(())
        }
        VarCommand::Get {
            name,
            service,
            reveal,
        } => {
            let found = app.variable(service.as_deref(), name)?;
            if found.secret && !reveal {
                return Err(Error::InvalidInput(format!(
                    "`{name}` is a secret variable: add --reveal to print its value"
                )));
            }
            let value = app.variable_value(service.as_deref(), name)?;
            if json {
                let mut shown = found.clone();
                shown.value = Some(value.expose().to_string());
                return output::json(&shown);
            }
            output::write_stdout(format!("{}\n", value.expose()).as_bytes())?;
            Ok(())
        }
        VarCommand::List { service } => {
            let list = app.list_variables(service.as_deref())?;
            if json {
                return output::json(&list);
            }
            output::list(
                &list,
                "No variables yet: `latchkey var set NAME VALUE` sets one.",
                &["NAME", "SCOPE", "VALUE"],
                |v| {
                    vec![
                        v.name.clone(),
                        v.service.clone().unwrap_or_else(|| "(global)".into()),
                        match &v.value {
                            Some(value) => value.clone(),
                            None => "•••••• (secret)".into(),
                        },
                    ]
                },
            )?;
            Ok(())
        }
        VarCommand::Unset { name, service } => {
            app.unset_variable(service.as_deref(), name)?;
            if !json {
                let place = service
                    .as_deref()
                    .map(|s| format!(" of service `{s}`"))
                    .unwrap_or_else(|| " (global)".into());
                outln!("Removed variable `{name}`{place}.")?;
            }
            Ok(())
        }
    }
}

fn kind(v: &Variable) -> &'static str {
    if v.secret {
        "secret variable"
    } else {
        "variable"
    }
}

fn scope(v: &Variable) -> String {
    match &v.service {
        Some(slug) => format!(" for service `{slug}`"),
        None => " (global)".into(),
    }
}
