//! Telling a front end that the database changed, whoever changed it: the
//! CLI, `latchkey serve`, a refresh in this process. One thread polls
//! SQLite's data version on a timer (see `store::watch`) and reports which
//! kinds of things changed.

use super::Latchkey;
use crate::error::Result;
use crate::store::watch::ChangeWatch;
use serde::Serialize;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::Duration;
use ts_rs::TS;

/// What a window should reload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ModelKind {
    Services,
    Users,
    History,
    /// Settings, saved requests, a service's token.
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ModelChanged {
    pub kinds: Vec<ModelKind>,
}

/// Polls until dropped.
pub struct ModelWatch {
    _stop: mpsc::Sender<()>,
}

impl Latchkey {
    /// Calls `on_change` within `every` of any commit to the database, by
    /// any process, until the returned watch is dropped.
    pub fn watch_model(
        &self,
        every: Duration,
        on_change: impl Fn(ModelChanged) + Send + 'static,
    ) -> Result<ModelWatch> {
        let mut watch = ChangeWatch::open(self.store.path())?;
        let (stop, stopped) = mpsc::channel::<()>();
        std::thread::Builder::new()
            .name("latchkey-model-watch".into())
            .spawn(move || {
                // Wakes every `every`; a message or a dropped sender stops it.
                while let Err(RecvTimeoutError::Timeout) = stopped.recv_timeout(every) {
                    // A busy or briefly locked database is looked at next tick.
                    if let Ok(Some(changed)) = watch.poll() {
                        let kinds = [
                            (changed.services, ModelKind::Services),
                            (changed.users, ModelKind::Users),
                            (changed.history, ModelKind::History),
                            (changed.other, ModelKind::Other),
                        ]
                        .into_iter()
                        .filter_map(|(yes, kind)| yes.then_some(kind))
                        .collect();
                        on_change(ModelChanged { kinds });
                    }
                }
            })
            .map_err(crate::error::Error::io("cannot start the change watch"))?;
        Ok(ModelWatch { _stop: stop })
    }
}
