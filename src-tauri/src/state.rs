//! The core handle the commands share. Opened on first use rather than at
//! start-up, so a broken data dir shows as an error in the window (and a
//! retry works once it is fixed) instead of a process that will not start.

use latchkey_core::{ErrorPayload, Latchkey};
use std::sync::{Arc, Mutex};

#[derive(Default)]
pub struct AppState {
    latchkey: Mutex<Option<Arc<Latchkey>>>,
}

impl AppState {
    pub fn latchkey(&self) -> Result<Arc<Latchkey>, ErrorPayload> {
        let mut slot = self.latchkey.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(open) = slot.as_ref() {
            return Ok(Arc::clone(open));
        }
        let open = Arc::new(Latchkey::open(None)?);
        *slot = Some(Arc::clone(&open));
        Ok(open)
    }
}
