//! Secrets come from stdin or a hidden prompt, never from argv (which any
//! user can read in `ps`).

use latchkey_core::{Error, Result, Secret};
use std::io::{BufRead, IsTerminal};

/// One line from stdin, without its line ending; `what` names it in errors.
pub fn from_stdin(what: &str) -> Result<Secret> {
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|err| Error::InvalidInput(format!("cannot read the {what} from stdin: {err}")))?;
    Ok(into_secret(line))
}

/// Asks with hidden input when a person is at the terminal; `None` when
/// not interactive or when they enter nothing.
pub fn prompt(slug: &str, what: &str) -> Result<Option<Secret>> {
    if !std::io::stdin().is_terminal() || !std::io::stderr().is_terminal() {
        return Ok(None);
    }
    let answer = rpassword::prompt_password(format!(
        "{what} for `{slug}` (hidden; leave empty for none): "
    ))
    .map_err(|err| Error::InvalidInput(format!("cannot read the {what}: {err}")))?;
    Ok(Some(into_secret(answer)).filter(|s| !s.is_empty()))
}

/// Moves the text into a `Secret` (which wipes it on drop) without copying.
fn into_secret(mut text: String) -> Secret {
    let kept = text.trim_end_matches(['\r', '\n']).len();
    text.truncate(kept);
    Secret::new(text)
}
