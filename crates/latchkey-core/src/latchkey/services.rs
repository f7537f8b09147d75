//! Service operations of [`Latchkey`].

use super::Latchkey;
use crate::error::{Error, FieldError, Result};
use crate::model::{Operation, OperationsChange, Secret};
use crate::openapi::Purpose;
use crate::service::{
    api_key_purpose, client_secret_purpose, validate, ExportDocument, RemovedService, SecretChange,
    Service, ServiceInput, ValidInput, EXPORT_VERSION,
};
use crate::store::{operations, services, users};
use crate::vault::Vault;
use std::sync::Arc;

impl Latchkey {
    pub fn list_services(&self) -> Result<Vec<Service>> {
        self.store.read(services::list)
    }

    pub fn get_service(&self, slug: &str) -> Result<Service> {
        self.store.read(|conn| services::get(conn, slug))
    }

    /// Validates and stores a new service, sealing its client secret.
    pub fn create_service(&self, input: &ServiceInput) -> Result<Service> {
        let valid = validate(input)?;
        let vault = self.vault_for(&valid)?;
        self.store.write(|tx| {
            let id = services::insert(tx, &valid.spec)?;
            apply_secrets(tx, vault.as_deref(), id, &valid)?;
            services::get(tx, &valid.spec.slug)
        })
    }

    /// [`Latchkey::create_service`] with the operations read from its API
    /// description, stored in the same transaction.
    pub fn create_service_with_operations(
        &self,
        input: &ServiceInput,
        ops: &[Operation],
    ) -> Result<Service> {
        let valid = validate(input)?;
        let vault = self.vault_for(&valid)?;
        self.store.write(|tx| {
            let id = services::insert(tx, &valid.spec)?;
            apply_secrets(tx, vault.as_deref(), id, &valid)?;
            operations::replace(tx, id, ops)?;
            services::get(tx, &valid.spec.slug)
        })
    }

    /// Replaces the operations of service `slug` (from a newer document),
    /// and says how many were added, removed and kept.
    pub fn replace_operations(&self, slug: &str, ops: &[Operation]) -> Result<OperationsChange> {
        self.store.write(|tx| {
            let service = services::get(tx, slug)?;
            let change = OperationsChange::between(&operations::list(tx, service.id)?, ops);
            operations::replace(tx, service.id, ops)?;
            Ok(change)
        })
    }

    /// Reads the API description at `source` (a file or an http(s) URL)
    /// again and replaces service `slug`'s operations with its own. A
    /// document that cannot be read changes nothing.
    pub async fn update_operations_from(
        &self,
        slug: &str,
        source: &str,
    ) -> Result<OperationsChange> {
        let source = crate::service::api_source(source)?;
        // A service that does not exist is said before anything is fetched.
        self.get_service(slug)?;
        let api = crate::service::import_api(source, Purpose::Operations).await?;
        self.replace_operations(slug, &api.description.operations)
    }

    /// The operations of service `slug`, in the document's order.
    pub fn list_operations(&self, slug: &str) -> Result<Vec<Operation>> {
        self.store.read(|conn| {
            let service = services::get(conn, slug)?;
            operations::list(conn, service.id)
        })
    }

    /// One operation of service `slug`, by operationId or `METHOD /path`.
    pub fn operation(&self, slug: &str, key: &str) -> Result<Operation> {
        let all = self.list_operations(slug)?;
        if all.is_empty() {
            return Err(Error::NotFound(format!(
                "service `{slug}` has no operations: read them from its API description with `latchkey service edit {slug} --openapi FILE|URL`"
            )));
        }
        all.into_iter().find(|op| op.is_named(key)).ok_or_else(|| {
            Error::NotFound(format!(
                "service `{slug}` has no operation `{key}`: name it by operationId or as `METHOD /path` (`latchkey operations {slug}` lists them)"
            ))
        })
    }

    /// Replaces the service `slug` with `input` (which may rename it). The
    /// stored secret is kept unless `input` sets or clears it.
    pub fn update_service(&self, slug: &str, input: &ServiceInput) -> Result<Service> {
        let valid = validate(input)?;
        let vault = self.vault_for(&valid)?;
        self.store.write(|tx| {
            let current = services::get(tx, slug)?;
            services::update(tx, current.id, &valid.spec)?;
            apply_secrets(tx, vault.as_deref(), current.id, &valid)?;
            services::get(tx, &valid.spec.slug)
        })
    }

    /// Removes a service. One with users is removed (with its users and
    /// their tokens) only when `force` is set.
    pub fn remove_service(&self, slug: &str, force: bool) -> Result<RemovedService> {
        self.store.write(|tx| {
            let service = services::get(tx, slug)?;
            let count = users::count(tx, service.id)?;
            if count > 0 && !force {
                let (noun, them) = if count == 1 {
                    ("user", "its user")
                } else {
                    ("users", "them")
                };
                return Err(Error::Conflict(format!(
                    "service `{slug}` has {count} {noun}: pass --force to remove it and {them}"
                )));
            }
            services::delete(tx, service.id)?;
            Ok(RemovedService {
                slug: slug.to_string(),
                users_removed: count,
            })
        })
    }

    /// The plaintext client secret, for the OAuth grants and explicit export.
    pub fn client_secret(&self, slug: &str) -> Result<Option<Secret>> {
        self.oauth().client_secret(slug)
    }

    /// The services named (all when `slugs` is empty) as an export document.
    /// Client secrets are included only with `with_secrets`.
    pub fn export_services(&self, slugs: &[String], with_secrets: bool) -> Result<ExportDocument> {
        let chosen = if slugs.is_empty() {
            self.list_services()?
        } else {
            slugs
                .iter()
                .map(|slug| self.get_service(slug))
                .collect::<Result<Vec<_>>>()?
        };
        let mut out = Vec::with_capacity(chosen.len());
        for service in &chosen {
            let mut value = serde_json::to_value(ServiceInput::from(&service.spec))
                .map_err(|err| Error::InvalidInput(format!("cannot export: {err}")))?;
            if with_secrets {
                if let (Some(secret), Some(object)) = (
                    self.client_secret(&service.spec.slug)?,
                    value.as_object_mut(),
                ) {
                    object.insert("client_secret".into(), secret.expose().into());
                }
            }
            out.push(value);
        }
        Ok(ExportDocument {
            latchkey_export: EXPORT_VERSION,
            services: out,
        })
    }

    /// Imports an export document: every service is checked first, then all
    /// are written in one transaction, or none is.
    pub fn import_services(&self, document: &str) -> Result<Vec<Service>> {
        let inputs = ExportDocument::parse(document)?;
        let mut valid: Vec<ValidInput> = Vec::with_capacity(inputs.len());
        let mut errors = Vec::new();
        for (i, input) in inputs.iter().enumerate() {
            match validate(input) {
                Ok(v) if valid.iter().any(|o| o.spec.slug == v.spec.slug) => {
                    errors.push(FieldError::new(
                        &format!("services[{i}].slug"),
                        format!(
                            "service #{} (`{}`): the file lists this slug twice",
                            i + 1,
                            v.spec.slug
                        ),
                    ));
                }
                Ok(v) => valid.push(v),
                Err(Error::Validation(fields)) => {
                    errors.extend(fields.into_iter().map(|f| FieldError {
                        field: format!("services[{i}].{}", f.field),
                        message: format!("service #{} (`{}`): {}", i + 1, input.slug, f.message),
                    }))
                }
                Err(other) => return Err(other),
            }
        }
        if !errors.is_empty() {
            return Err(Error::Validation(errors));
        }
        let needs_vault = valid.iter().any(needs_vault);
        let vault = if needs_vault {
            Some(self.vault()?)
        } else {
            None
        };
        self.store.write(|tx| {
            let mut created = Vec::with_capacity(valid.len());
            for v in &valid {
                let id = services::insert(tx, &v.spec)?;
                apply_secrets(tx, vault.as_deref(), id, v)?;
                created.push(services::get(tx, &v.spec.slug)?);
            }
            Ok(created)
        })
    }

    /// The vault, unlocked only when a secret is about to be sealed.
    fn vault_for(&self, valid: &ValidInput) -> Result<Option<Arc<Vault>>> {
        if needs_vault(valid) {
            self.vault().map(Some)
        } else {
            Ok(None)
        }
    }

    /// The plaintext API key of an `api_key` service, to place on a request.
    pub(crate) fn api_key_of(&self, service: &Service) -> Result<Secret> {
        let sealed = self
            .store
            .read(|conn| services::sealed_api_key(conn, service.id))?;
        let slug = &service.spec.slug;
        let blob = sealed.ok_or_else(|| {
            Error::InvalidInput(format!(
                "service `{slug}` has no API key stored: add it with `latchkey service edit {slug} --api-key-stdin` (or the API key field of the service form), or send without auth"
            ))
        })?;
        self.vault()?.open(&api_key_purpose(service.id), &blob)
    }
}

fn needs_vault(valid: &ValidInput) -> bool {
    matches!(valid.secret, SecretChange::Set(_)) || valid.api_key.is_some()
}

/// Seals what `valid` sets: the client secret and the API key.
fn apply_secrets(
    tx: &rusqlite::Connection,
    vault: Option<&Vault>,
    id: i64,
    valid: &ValidInput,
) -> Result<()> {
    apply_secret(tx, vault, id, &valid.secret)?;
    match (&valid.api_key, vault) {
        (None, _) => Ok(()),
        (Some(key), Some(vault)) => {
            let sealed = vault.seal(&api_key_purpose(id), key);
            services::set_sealed_api_key(tx, id, &sealed)
        }
        (Some(_), None) => Err(Error::InvalidInput(
            "internal: an API key was given without an unlocked vault".into(),
        )),
    }
}

fn apply_secret(
    tx: &rusqlite::Connection,
    vault: Option<&Vault>,
    id: i64,
    change: &SecretChange,
) -> Result<()> {
    match (change, vault) {
        (SecretChange::Keep, _) => Ok(()),
        (SecretChange::Clear, _) => services::set_sealed_secret(tx, id, None),
        (SecretChange::Set(secret), Some(vault)) => {
            let sealed = vault.seal(&client_secret_purpose(id), secret);
            services::set_sealed_secret(tx, id, Some(&sealed))
        }
        (SecretChange::Set(_), None) => Err(Error::InvalidInput(
            "internal: a secret was given without an unlocked vault".into(),
        )),
    }
}
