//! `latchkey find` and `latchkey path`: the JSON tools on any document.

use crate::failure::Failure;
use crate::output;
use clap::Args;
use latchkey_core::json::{find_key, parse_json, query_path};
use latchkey_core::template::value_text;
use latchkey_core::{Error, Result};
use serde_json::Value;
use std::io::Read;
use std::path::PathBuf;

#[derive(Args)]
pub struct FindArgs {
    /// The key, e.g. joinURL.
    key: String,
    /// A JSON file; `-` or nothing reads stdin.
    file: Option<PathBuf>,
    /// Match the key in any case (joinurl finds joinURL).
    #[arg(long, short = 'i')]
    ignore_case: bool,
    /// Print every match as PATH<TAB>VALUE, not just the first value.
    #[arg(long)]
    all: bool,
}

#[derive(Args)]
pub struct PathArgs {
    /// An RFC 9535 expression, e.g. '$[0].joinURL' or '$..joinURL'.
    expression: String,
    /// A JSON file; `-` or nothing reads stdin.
    file: Option<PathBuf>,
}

pub fn find(args: &FindArgs, json: bool) -> std::result::Result<(), Failure> {
    let (doc, what) = read_document(args.file.as_ref())?;
    let result = find_key(&doc, &args.key, args.ignore_case);
    if json {
        output::json(&result)?;
    }
    let Some(first) = result.first.as_ref().filter(|_| !result.matches.is_empty()) else {
        return Err(Failure::NoMatch(format!("no key `{}` in {what}", args.key)));
    };
    if json {
        return Ok(());
    }
    if !args.all {
        output::write_stdout(format!("{}\n", value_text(first)).as_bytes())?;
        return Ok(());
    }
    let mut text = String::new();
    for m in &result.matches {
        // Each match's full value, by the path find reported for it.
        let value = query_path(&doc, &m.path)?
            .matches
            .into_iter()
            .next()
            .map(|p| p.value)
            .unwrap_or(Value::Null);
        text.push_str(&format!("{}\t{}\n", m.path, value_text(&value)));
    }
    output::write_stdout(text.as_bytes())?;
    Ok(())
}

pub fn path(args: &PathArgs, json: bool) -> std::result::Result<(), Failure> {
    let (doc, what) = read_document(args.file.as_ref())?;
    let result = query_path(&doc, &args.expression)?;
    if json {
        output::json(&result)?;
    }
    if result.matches.is_empty() {
        return Err(Failure::NoMatch(format!(
            "`{}` selects nothing in {what}",
            args.expression
        )));
    }
    if !json {
        let text: String = result
            .matches
            .iter()
            .map(|m| format!("{}\n", value_text(&m.value)))
            .collect();
        output::write_stdout(text.as_bytes())?;
    }
    Ok(())
}

/// The parsed document and how messages name it.
fn read_document(file: Option<&PathBuf>) -> Result<(Value, String)> {
    let (text, what) = match file.filter(|f| f.as_os_str() != "-") {
        Some(path) => {
            let what = format!("`{}`", path.display());
            let text = std::fs::read_to_string(path)
                .map_err(|e| Error::InvalidInput(format!("cannot read {what}: {e}")))?;
            (text, what)
        }
        None => {
            let mut text = String::new();
            std::io::stdin()
                .read_to_string(&mut text)
                .map_err(|e| Error::InvalidInput(format!("cannot read stdin: {e}")))?;
            (text, "the input".to_string())
        }
    };
    Ok((parse_json(&text, &what)?, what))
}
