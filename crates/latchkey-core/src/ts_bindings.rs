//! TypeScript declarations of every type that crosses IPC, generated with
//! ts-rs into `ui/src/api/bindings/`. A test fails when the committed files
//! are stale; `make bindings` rewrites them.

use std::path::Path;
use ts_rs::{Config, ExportError, TS};

/// Writes the declarations of every IPC root type (and what they use) into `dir`.
pub fn export_bindings(dir: &Path) -> Result<(), ExportError> {
    // i64 timestamps and sizes arrive as JSON numbers, not bigints.
    let cfg = Config::new().with_out_dir(dir).with_large_int("number");
    crate::AppInfo::export_all(&cfg)?;
    crate::ErrorPayload::export_all(&cfg)?;
    crate::Service::export_all(&cfg)?;
    crate::ServiceInput::export_all(&cfg)?;
    crate::RemovedService::export_all(&cfg)?;
    crate::User::export_all(&cfg)?;
    crate::UserInput::export_all(&cfg)?;
    crate::Preset::export_all(&cfg)?;
    crate::DiscoveredEndpoints::export_all(&cfg)?;
    crate::service::ServiceDefaults::export_all(&cfg)?;
    crate::service::DiscoveryFill::export_all(&cfg)?;
    crate::service::ApiImportFill::export_all(&cfg)?;
    crate::model::Operation::export_all(&cfg)?;
    crate::model::OperationSummary::export_all(&cfg)?;
    crate::model::OperationsChange::export_all(&cfg)?;
    crate::model::Variable::export_all(&cfg)?;
    // Requests, history and the JSON tools.
    crate::http::RequestSpec::export_all(&cfg)?;
    crate::http::SendOptions::export_all(&cfg)?;
    crate::Sent::export_all(&cfg)?;
    crate::SendInput::export_all(&cfg)?;
    crate::SendOutcome::export_all(&cfg)?;
    crate::SendProgress::export_all(&cfg)?;
    crate::http::HistoryFilter::export_all(&cfg)?;
    crate::http::HistoryPage::export_all(&cfg)?;
    crate::http::HistoryEntry::export_all(&cfg)?;
    crate::http::HistoryLimits::export_all(&cfg)?;
    crate::http::SavedRequest::export_all(&cfg)?;
    crate::http::SavedRequestInput::export_all(&cfg)?;
    crate::http::ExtractedValue::export_all(&cfg)?;
    crate::json::BodyRow::export_all(&cfg)?;
    crate::json::FindPage::export_all(&cfg)?;
    crate::json::PathQueryPage::export_all(&cfg)?;
    crate::json::DocumentInfo::export_all(&cfg)?;
    crate::json::ChildPage::export_all(&cfg)?;
    crate::json::SearchQuery::export_all(&cfg)?;
    crate::json::SearchResult::export_all(&cfg)?;
    crate::AuthEvent::export_all(&cfg)?;
    crate::ModelChanged::export_all(&cfg)?;
    crate::LoginLink::export_all(&cfg)?;
    crate::StartedLogin::export_all(&cfg)?;
    crate::DevicePrompt::export_all(&cfg)?;
    crate::SignOut::export_all(&cfg)?;
    crate::oauth::ServiceTokenState::export_all(&cfg)?;
    crate::local_api::ApiKeyStatus::export_all(&cfg)?;
    crate::local_api::LocalApiStatus::export_all(&cfg)?;
    crate::local_api::RevealedApiKey::export_all(&cfg)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;
    use std::path::PathBuf;

    fn committed_dir() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/api/bindings")
    }

    fn read_tree(dir: &Path) -> BTreeMap<String, String> {
        std::fs::read_dir(dir)
            .map(|entries| {
                entries
                    .filter_map(|e| e.ok())
                    .filter(|e| e.path().extension().is_some_and(|x| x == "ts"))
                    .map(|e| {
                        let name = e.file_name().to_string_lossy().into_owned();
                        (name, std::fs::read_to_string(e.path()).unwrap())
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    #[test]
    fn typescript_bindings_are_fresh() {
        let committed = committed_dir();
        if std::env::var_os("LATCHKEY_WRITE_BINDINGS").is_some() {
            if committed.exists() {
                std::fs::remove_dir_all(&committed).unwrap();
            }
            export_bindings(&committed).unwrap();
        }
        let fresh = tempfile::tempdir().unwrap();
        export_bindings(fresh.path()).unwrap();
        let want = read_tree(fresh.path());
        let have = read_tree(&committed);
        assert!(!want.is_empty(), "no bindings were generated");
        assert_eq!(
            have.keys().collect::<Vec<_>>(),
            want.keys().collect::<Vec<_>>(),
            "ui/src/api/bindings has other files than the Rust types produce: run `make bindings`"
        );
        for (name, text) in &want {
            assert_eq!(
                have.get(name),
                Some(text),
                "ui/src/api/bindings/{name} is stale: run `make bindings` and commit it"
            );
        }
    }
}
