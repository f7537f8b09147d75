//! `latchkey login-link | authorize | token | status | revoke`: the OAuth
//! engine from a shell. Only `token` ever prints a token.

use crate::output::{self, outln};
use latchkey_core::{Error, Latchkey, Result, User, UserStatus};
use std::io::{BufRead, IsTerminal, Write};
use std::time::Duration;
use tokio::runtime::Runtime;

pub struct AuthorizeArgs<'a> {
    pub service: &'a str,
    pub user: Option<&'a str>,
    pub no_browser: bool,
    pub timeout: u64,
    pub paste: bool,
    pub device: bool,
    pub client_credentials: bool,
}

pub fn login_link(app: &Latchkey, service: &str, user: &str, json: bool) -> Result<()> {
    let link = app.login_link(service, user)?;
    if json {
        return output::json(&link);
    }
    outln!("{}", link.url)?;
    Ok(())
}

pub fn authorize(rt: &Runtime, app: &Latchkey, args: &AuthorizeArgs<'_>, json: bool) -> Result<()> {
    if args.client_credentials {
        let token = rt.block_on(app.service_token(args.service, true))?;
        if json {
            return output::json(&serde_json::json!({
                "service": args.service,
                "scopes": token.scopes,
                "expires_at": token.expires_at,
            }));
        }
        outln!(
            "Fetched the client-credentials token of service `{}` (scopes: {}; {}).",
            args.service,
            scopes(&token.scopes),
            expiry(token.expires_at)
        )?;
        return Ok(());
    }
    let user = args.user.ok_or_else(|| {
        Error::InvalidInput(format!(
            "which user? `latchkey authorize {} USER` (or --client-credentials for a service token)",
            args.service
        ))
    })?;
    let done = if args.paste {
        let link = app.login_link(args.service, user)?;
        outln!(
            "Open this link (on any machine) and sign in:\n\n{}\n",
            link.url
        )?;
        eprint!("Then paste the address the browser ended on (or just the code) and press Enter: ");
        let _ = std::io::stderr().flush();
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .map_err(|e| Error::InvalidInput(format!("cannot read the pasted address: {e}")))?;
        rt.block_on(app.complete_from_pasted(args.service, user, &line))?
    } else if args.device {
        let pending = rt.block_on(app.start_device_authorization(args.service, user))?;
        let prompt = pending.prompt();
        outln!(
            "To sign in, open {} and enter the code {}",
            prompt.verification_uri,
            prompt.user_code
        )?;
        if let Some(complete) = &prompt.verification_uri_complete {
            outln!("(or open {complete})")?;
        }
        if !args.no_browser {
            let target = prompt
                .verification_uri_complete
                .as_deref()
                .unwrap_or(&prompt.verification_uri);
            let _ = open::that_detached(target);
        }
        eprintln!("Waiting for the sign-in to be approved...");
        rt.block_on(app.finish_device_authorization(pending))?
    } else {
        let timeout = Duration::from_secs(args.timeout);
        let no_browser = args.no_browser;
        rt.block_on(
            // The core calls this mid-sign-in and takes no error back: with
            // stdout gone the sign-in still finishes, or times out.
            app.authorize_in_browser(args.service, user, timeout, |link| {
                if no_browser {
                    let _ = outln!("Open this link to sign in:\n\n{}\n", link.url);
                } else if let Err(err) = open::that_detached(&link.url) {
                    eprintln!("latchkey: cannot open a browser ({err}); open this link yourself:");
                    let _ = outln!("{}", link.url);
                } else {
                    eprintln!(
                        "Opened the sign-in page in your browser; if it did not appear, open:\n{}",
                        link.url
                    );
                }
                eprintln!(
                    "The provider must send the browser back to this redirect URI:\n  {}\n{}",
                    link.redirect_uri, link.registration_hint
                );
                eprintln!(
                    "Waiting up to {} s for the sign-in to finish...",
                    timeout.as_secs()
                );
            }),
        )?
    };
    if json {
        return output::json(&done);
    }
    outln!(
        "Authorized `{}` for service `{}`{} (scopes: {}; {}).",
        done.external_id,
        done.service_slug,
        done.email
            .as_deref()
            .map(|e| format!(" as {e}"))
            .unwrap_or_default(),
        scopes(&done.granted_scopes),
        expiry(done.expires_at)
    )?;
    Ok(())
}

/// Prints the access token alone, for `$(latchkey token ...)`; with
/// `--json`, `{access_token, token_type, expires_at, scopes}`.
pub fn token(
    rt: &Runtime,
    app: &Latchkey,
    service: &str,
    user: Option<&str>,
    refresh: bool,
    json: bool,
) -> Result<()> {
    let token = match user {
        Some(user) => rt.block_on(app.access_token(service, user, refresh))?,
        None => rt.block_on(app.service_token(service, refresh))?,
    };
    if json {
        return output::json(&serde_json::json!({
            "access_token": token.access_token.expose(),
            "token_type": token.token_type,
            "expires_at": token.expires_at,
            "scopes": token.scopes,
        }));
    }
    outln!("{}", token.access_token.expose())?;
    if std::io::stdout().is_terminal() {
        eprintln!("(this is a secret: do not paste it where others can read it)");
    }
    Ok(())
}

pub fn status(app: &Latchkey, service: Option<&str>, json: bool) -> Result<()> {
    let services = match service {
        Some(slug) => vec![app.get_service(slug)?],
        None => app.list_services()?,
    };
    let mut users: Vec<User> = Vec::new();
    let mut service_tokens = Vec::new();
    for s in &services {
        users.extend(app.list_users(&s.spec.slug)?);
        service_tokens.extend(app.service_token_state(&s.spec.slug)?);
    }
    if json {
        return output::json(&serde_json::json!({
            "users": users,
            "service_tokens": service_tokens,
        }));
    }
    if !service_tokens.is_empty() {
        let rows: Vec<Vec<String>> = service_tokens
            .iter()
            .map(|t| {
                vec![
                    t.service_slug.clone(),
                    t.state.clone(),
                    scopes(&t.scopes),
                    if t.state == "none" {
                        "-".into()
                    } else {
                        expiry(t.expires_at)
                    },
                ]
            })
            .collect();
        outln!("Service tokens (client credentials):")?;
        output::table(&["SERVICE", "TOKEN", "SCOPES", "EXPIRES"], &rows)?;
        if users.is_empty() {
            return Ok(());
        }
        outln!()?;
    }
    output::list(
        &users,
        "No users yet: `latchkey user add SERVICE ID` adds one.",
        &["SERVICE", "USER", "STATUS", "SCOPES", "EXPIRES", "EMAIL"],
        |u| {
            vec![
                u.service_slug.clone(),
                u.external_id.clone(),
                u.status.to_string(),
                scopes(&u.granted_scopes),
                if u.status == UserStatus::Authorized || u.status == UserStatus::NeedsReauth {
                    expiry(u.expires_at)
                } else {
                    "-".into()
                },
                output::or_dash(u.email.as_deref()),
            ]
        },
    )?;
    Ok(())
}

pub fn revoke(
    rt: &Runtime,
    app: &Latchkey,
    service: &str,
    user: &str,
    force: bool,
    json: bool,
) -> Result<()> {
    let done = rt.block_on(app.sign_out(service, user, force))?;
    if json {
        return output::json(&done);
    }
    outln!("{}", done.message)?;
    Ok(())
}

fn scopes(list: &[String]) -> String {
    if list.is_empty() {
        "-".into()
    } else {
        list.join(" ")
    }
}

/// "expires in 5m 3s", "expired 2m ago", "no expiry".
fn expiry(expires_at: Option<i64>) -> String {
    let Some(at) = expires_at else {
        return "no known expiry".into();
    };
    let now = latchkey_core::now_ms();
    let secs = (at - now) / 1000;
    let span = |s: i64| {
        let s = s.abs();
        if s >= 3600 {
            format!("{}h {}m", s / 3600, (s % 3600) / 60)
        } else if s >= 60 {
            format!("{}m {}s", s / 60, s % 60)
        } else {
            format!("{s}s")
        }
    };
    if secs >= 0 {
        format!("expires in {}", span(secs))
    } else {
        format!("expired {} ago", span(secs))
    }
}
