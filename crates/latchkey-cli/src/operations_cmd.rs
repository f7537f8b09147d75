//! `latchkey operations SLUG [show OPERATION]`

use crate::output::{self, outln};
use clap::{Args, Subcommand};
use latchkey_core::model::Operation;
use latchkey_core::{Latchkey, Result};

#[derive(Args)]
pub struct OperationsArgs {
    /// The service whose operations to list.
    service: String,
    #[command(subcommand)]
    command: Option<OperationsCommand>,
}

#[derive(Subcommand)]
enum OperationsCommand {
    /// One operation's parameters and request body skeleton.
    Show {
        /// The operationId, or `METHOD /path` (quoted).
        operation: String,
        /// Print only the request body skeleton (JSON), to edit and send.
        #[arg(long)]
        body: bool,
    },
}

pub fn run(app: &Latchkey, args: &OperationsArgs, json: bool) -> Result<()> {
    match &args.command {
        None => list(app, &args.service, json),
        Some(OperationsCommand::Show { operation, body }) => {
            let op = app.operation(&args.service, operation)?;
            if json {
                return output::json(&op);
            }
            if *body {
                let skeleton = op
                    .request_body
                    .as_ref()
                    .map(|b| b.skeleton.clone())
                    .unwrap_or(serde_json::Value::Null);
                return output::json(&skeleton);
            }
            show(&op)
        }
    }
}

fn list(app: &Latchkey, slug: &str, json: bool) -> Result<()> {
    let ops = app.list_operations(slug)?;
    if json {
        let rows: Vec<latchkey_core::model::OperationSummary> =
            ops.iter().map(Into::into).collect();
        return output::json(&rows);
    }
    output::list(
        &ops,
        &format!(
            "Service `{slug}` has no operations: `latchkey service edit {slug} --openapi FILE|URL` reads them."
        ),
        &["METHOD", "PATH", "OPERATION ID", "SUMMARY"],
        |op| {
            vec![
                op.method.clone(),
                op.path.clone(),
                output::or_dash(op.operation_id.as_deref()),
                output::or_dash(op.summary.as_deref()),
            ]
        },
    )?;
    Ok(())
}

fn show(op: &Operation) -> Result<()> {
    let id = op
        .operation_id
        .as_deref()
        .map(|id| format!("  ({id})"))
        .unwrap_or_default();
    outln!("{} {}{id}", op.method, op.path)?;
    if let Some(summary) = &op.summary {
        outln!("{summary}")?;
    }
    if !op.parameters.is_empty() {
        outln!()?;
        outln!("Parameters:")?;
        let rows: Vec<Vec<String>> = op
            .parameters
            .iter()
            .map(|p| {
                vec![
                    p.name.clone(),
                    p.location.to_string(),
                    if p.required { "required" } else { "optional" }.into(),
                    serde_json::to_string(&p.example).unwrap_or_default(),
                    output::or_dash(p.description.as_deref()),
                ]
            })
            .collect();
        output::table(&["NAME", "IN", "", "EXAMPLE", "DESCRIPTION"], &rows)?;
    }
    if let Some(body) = &op.request_body {
        outln!()?;
        outln!(
            "Body ({}, {}):",
            body.content_type,
            if body.required {
                "required"
            } else {
                "optional"
            }
        )?;
        output::json(&body.skeleton)?;
    }
    Ok(())
}
