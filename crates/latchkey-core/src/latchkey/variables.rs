//! Variables on [`Latchkey`]: `{{NAME}}` values, global or per service
//! (the service's wins), secret ones sealed by the vault.

use super::requests::SendRequest;
use super::Latchkey;
use crate::error::{Error, Result};
use crate::model::{Param, RequestBody, Secret, Variable};
use crate::service::Service;
use crate::store::{services, variables};
use crate::template::{self, Context};
use std::collections::BTreeMap;

impl Latchkey {
    fn scope_id(&self, conn: &rusqlite::Connection, service: Option<&str>) -> Result<Option<i64>> {
        service
            .map(|slug| services::get(conn, slug).map(|s| s.id))
            .transpose()
    }

    /// Sets a plain variable in the scope (global when `service` is `None`).
    pub fn set_variable(&self, service: Option<&str>, name: &str, value: &str) -> Result<Variable> {
        template::check_name(name)?;
        self.store.write(|tx| {
            let scope = self.scope_id(tx, service)?;
            variables::set_plain(tx, scope, name, value)?;
            stored(tx, scope, name)
        })
    }

    /// Sets a secret variable: sealed at rest, never listed or shown in
    /// history.
    pub fn set_secret_variable(
        &self,
        service: Option<&str>,
        name: &str,
        value: &Secret,
    ) -> Result<Variable> {
        template::check_name(name)?;
        if value.expose().is_empty() {
            return Err(Error::InvalidInput(format!(
                "the secret value of `{name}` is empty: pipe it in, e.g. `printf %s \"$TOKEN\" | latchkey var set {name} --secret --value-stdin`"
            )));
        }
        let vault = self.vault()?;
        self.store.write(|tx| {
            let scope = self.scope_id(tx, service)?;
            variables::set_secret(tx, scope, name, &|id| {
                vault.seal(&variables::purpose(id), value)
            })?;
            stored(tx, scope, name)
        })
    }

    /// The variable `name` as a request in `service` sees it: the
    /// service's own, else the global one.
    pub fn variable(&self, service: Option<&str>, name: &str) -> Result<Variable> {
        Ok(self.lookup_variable(service, name)?.variable)
    }

    /// The value of `name` as a request sees it, a secret one opened.
    pub fn variable_value(&self, service: Option<&str>, name: &str) -> Result<Secret> {
        let found = self.lookup_variable(service, name)?;
        self.open_variable(&found)
    }

    fn lookup_variable(
        &self,
        service: Option<&str>,
        name: &str,
    ) -> Result<variables::StoredVariable> {
        template::check_name(name)?;
        self.store.read(|conn| {
            let scope = self.scope_id(conn, service)?;
            if let Some(found) = variables::get(conn, scope, name)? {
                return Ok(found);
            }
            if scope.is_some() {
                if let Some(found) = variables::get(conn, None, name)? {
                    return Ok(found);
                }
            }
            Err(not_set(service, name))
        })
    }

    fn open_variable(&self, found: &variables::StoredVariable) -> Result<Secret> {
        match (&found.variable.value, &found.sealed) {
            (Some(value), _) => Ok(Secret::new(value.clone())),
            (None, Some(sealed)) => self.vault()?.open(&variables::purpose(found.id), sealed),
            (None, None) => Err(Error::damaged(format!(
                "variable `{}` (no value stored)",
                found.variable.name
            ))),
        }
    }

    /// Variables of one scope and the global ones (`Some(slug)`), or every
    /// variable (`None`). Secret values are left out.
    pub fn list_variables(&self, service: Option<&str>) -> Result<Vec<Variable>> {
        self.store.read(|conn| {
            let rows = match service {
                Some(_) => variables::list(conn, self.scope_id(conn, service)?)?,
                None => variables::list_all(conn)?,
            };
            Ok(rows.into_iter().map(|r| r.variable).collect())
        })
    }

    /// Removes `name` from exactly this scope.
    pub fn unset_variable(&self, service: Option<&str>, name: &str) -> Result<()> {
        template::check_name(name)?;
        self.store.write(|tx| {
            let scope = self.scope_id(tx, service)?;
            if variables::delete(tx, scope, name)? {
                Ok(())
            } else {
                Err(not_set(service, name))
            }
        })
    }

    /// Stores a value captured from an answer: into the service's own
    /// variable when it has one of that name, else a global one.
    pub fn capture_variable(
        &self,
        service: Option<&str>,
        name: &str,
        value: &str,
    ) -> Result<Variable> {
        template::check_name(name)?;
        let own = match service {
            Some(slug) => self.store.read(|conn| {
                let scope = self.scope_id(conn, Some(slug))?;
                Ok(variables::get(conn, scope, name)?.is_some())
            })?,
            None => false,
        };
        self.set_variable(if own { service } else { None }, name, value)
    }

    /// `send` with every `{{NAME}}` replaced, and the secret values used
    /// (for the history's redaction). An unknown name is an error naming
    /// it, before anything is sent.
    pub(crate) fn expand_send(
        &self,
        send: &SendRequest,
        service: Option<&Service>,
    ) -> Result<(SendRequest, Vec<Secret>)> {
        let request = &send.request;
        let mut texts: Vec<&str> = vec![&request.url];
        let params = |list: &'_ [Param]| -> Vec<String> {
            list.iter()
                .flat_map(|p| [p.name.clone(), p.value.clone()])
                .collect()
        };
        let mut owned = params(&request.query);
        owned.extend(params(&request.headers));
        match &request.body {
            RequestBody::None => {}
            RequestBody::Json { text } | RequestBody::Raw { text, .. } => owned.push(text.clone()),
            RequestBody::Form { fields } => owned.extend(params(fields)),
        }
        texts.extend(owned.iter().map(String::as_str));
        let mut names = Vec::new();
        for text in texts {
            for name in template::references(text)? {
                if !names.contains(&name) {
                    names.push(name);
                }
            }
        }
        let has_escape = owned.iter().any(|t| t.contains("\\{{")) || request.url.contains("\\{{");
        if names.is_empty() && !has_escape {
            return Ok((send.clone(), Vec::new()));
        }
        let (values, secrets) = self.values_for(&names, service)?;
        let value = |name: &str| values.get(name).map(|s| s.expose().to_string());
        let text = |t: &str| template::expand(t, Context::Text, &value);
        let list = |l: &[Param]| -> Result<Vec<Param>> {
            l.iter()
                .map(|p| {
                    Ok(Param {
                        name: text(&p.name)?,
                        value: text(&p.value)?,
                    })
                })
                .collect()
        };
        let mut expanded = send.clone();
        expanded.request.url = text(&request.url)?;
        expanded.request.query = list(&request.query)?;
        expanded.request.headers = list(&request.headers)?;
        expanded.request.body = match &request.body {
            RequestBody::None => RequestBody::None,
            RequestBody::Json { text: body } => RequestBody::Json {
                text: template::expand(body, Context::Json, &value)?,
            },
            RequestBody::Raw {
                content_type,
                text: body,
            } => RequestBody::Raw {
                content_type: content_type.clone(),
                text: text(body)?,
            },
            RequestBody::Form { fields } => RequestBody::Form {
                fields: list(fields)?,
            },
        };
        Ok((expanded, secrets))
    }

    fn values_for(
        &self,
        names: &[String],
        service: Option<&Service>,
    ) -> Result<(BTreeMap<String, Secret>, Vec<Secret>)> {
        let rows = self
            .store
            .read(|conn| variables::list(conn, service.map(|s| s.id)))?;
        // Global rows come first for each name, so the service's overwrites.
        let mut chosen: BTreeMap<&str, &variables::StoredVariable> = BTreeMap::new();
        for row in &rows {
            chosen.insert(&row.variable.name, row);
        }
        let missing: Vec<String> = names
            .iter()
            .filter(|n| !chosen.contains_key(n.as_str()))
            .cloned()
            .collect();
        if !missing.is_empty() {
            return Err(template::unknown(&missing));
        }
        let mut values = BTreeMap::new();
        let mut secrets = Vec::new();
        for name in names {
            let row = chosen[name.as_str()];
            let value = self.open_variable(row)?;
            if row.variable.secret {
                secrets.push(value.clone());
            }
            values.insert(name.clone(), value);
        }
        Ok((values, secrets))
    }
}

fn stored(conn: &rusqlite::Connection, scope: Option<i64>, name: &str) -> Result<Variable> {
    variables::get(conn, scope, name)?
        .map(|r| r.variable)
        .ok_or_else(|| Error::Internal(format!("variable `{name}` was not stored")))
}

fn not_set(service: Option<&str>, name: &str) -> Error {
    match service {
        Some(slug) => Error::NotFound(format!(
            "variable `{name}` is not set for service `{slug}` (nor globally): `latchkey var set {name} VALUE --service {slug}` sets it"
        )),
        None => Error::NotFound(format!(
            "variable `{name}` is not set globally: `latchkey var set {name} VALUE` sets it (`latchkey var list` shows every scope)"
        )),
    }
}
