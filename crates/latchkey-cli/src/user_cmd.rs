//! `latchkey user ...`

use crate::output::{self, outln};
use clap::Subcommand;
use latchkey_core::{Latchkey, Result, User, UserInput};

#[derive(Subcommand)]
pub enum UserCommand {
    /// Add a user to a service (status `new` until authorized).
    Add {
        service: String,
        /// Any id you like: an email, a CRM item id, ...
        user_id: String,
        #[arg(long)]
        label: Option<String>,
    },
    /// List a service's users.
    List { service: String },
    /// Remove a user and its tokens.
    Remove { service: String, user_id: String },
}

pub fn run(app: &Latchkey, command: &UserCommand, json: bool) -> Result<()> {
    match command {
        UserCommand::Add {
            service,
            user_id,
            label,
        } => {
            let input = UserInput {
                external_id: user_id.clone(),
                label: label.clone(),
            };
            let user = app.add_user(service, &input)?;
            if json {
                return output::json(&user);
            }
            outln!(
                "Added user `{}` to service `{}` (status {}).",
                user.external_id,
                user.service_slug,
                user.status
            )?;
            Ok(())
        }
        UserCommand::List { service } => {
            let users = app.list_users(service)?;
            if json {
                return output::json(&users);
            }
            output::list(
                &users,
                &format!("Service `{service}` has no users yet: `latchkey user add {service} ID` adds one."),
                &["USER ID", "LABEL", "STATUS", "SCOPES", "EMAIL"],
                row,
            )?;
            Ok(())
        }
        UserCommand::Remove { service, user_id } => {
            let user = app.remove_user(service, user_id)?;
            if json {
                return output::json(&user);
            }
            outln!(
                "Removed user `{}` from service `{}`.",
                user.external_id,
                user.service_slug
            )?;
            Ok(())
        }
    }
}

fn row(user: &User) -> Vec<String> {
    vec![
        user.external_id.clone(),
        output::or_dash(user.label.as_deref()),
        user.status.to_string(),
        output::or_dash(Some(&user.granted_scopes.join(" "))),
        output::or_dash(user.email.as_deref()),
    ]
}
