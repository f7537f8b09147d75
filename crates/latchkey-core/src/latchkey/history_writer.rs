//! History off the request path: a send takes an id at once (so it can
//! still answer with `history_id`) and hands its record to one writer
//! thread, which seals and commits what arrives within a few milliseconds
//! in a single transaction (group commit). A crash can lose the rows of the
//! last few milliseconds; credentials never go this way (they commit durably and
//! synchronously in the OAuth engine).
//!
//! Ids come from blocks reserved in the database (`store::history::
//! reserve_ids`), so two processes writing history never pick the same id.

use super::history_draft::HistoryDraft;
use crate::error::Result;
use crate::model::{HistoryLimits, NewHistory};
use crate::store::{history, Store};
use crate::vault::Vault;
use std::ops::Range;
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::Duration;

/// Ids reserved at a time: one small write per this many sends.
const ID_BLOCK: i64 = 256;
/// Records committed in one transaction at most.
const MAX_BATCH: usize = 512;
/// How long the writer lets records gather before committing them together:
/// each commit costs WAL writes and file locks whatever its size, so under
/// load one commit per window instead of one per send. A crash loses at
/// most this much history.
const BATCH_WINDOW: Duration = Duration::from_millis(5);
/// Rows written between background checkpoints: well below SQLite's
/// automatic threshold (1000 pages), so a send's commit rarely does one.
const CHECKPOINT_EVERY: usize = 200;

pub(crate) struct Record {
    pub id: i64,
    pub draft: HistoryDraft,
    pub limits: HistoryLimits,
    pub vault: Arc<Vault>,
}

enum Job {
    Write(Box<Record>),
    /// Answered once everything queued before it is committed.
    Flush(Sender<()>),
}

pub(crate) struct HistoryWriter {
    store: Arc<Store>,
    ids: Mutex<Range<i64>>,
    queue: Mutex<Option<(Sender<Job>, JoinHandle<()>)>>,
}

impl HistoryWriter {
    pub fn new(store: Arc<Store>) -> Self {
        Self {
            store,
            ids: Mutex::new(0..0),
            queue: Mutex::new(None),
        }
    }

    fn ids(&self) -> MutexGuard<'_, Range<i64>> {
        self.ids.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The next free history id (reserving a block when this one is used up).
    pub fn next_id(&self) -> Result<i64> {
        let mut ids = self.ids();
        if ids.is_empty() {
            let start = self.store.write(|tx| history::reserve_ids(tx, ID_BLOCK))?;
            *ids = start..start + ID_BLOCK;
        }
        let id = ids.start;
        ids.start += 1;
        Ok(id)
    }

    /// Queues `record` for the writer thread (started on first use).
    pub fn submit(&self, record: Record) {
        let mut queue = self.queue.lock().unwrap_or_else(|p| p.into_inner());
        if queue.is_none() {
            let (tx, rx) = mpsc::channel();
            let store = Arc::clone(&self.store);
            let spawned = std::thread::Builder::new()
                .name("latchkey-history".into())
                .spawn(move || run(&store, &rx));
            match spawned {
                Ok(handle) => *queue = Some((tx, handle)),
                // No thread: write it here rather than lose it.
                Err(_) => {
                    commit(&self.store, vec![record]);
                    return;
                }
            }
        }
        if let Some((tx, _)) = queue.as_ref() {
            if let Err(mpsc::SendError(Job::Write(record))) = tx.send(Job::Write(Box::new(record)))
            {
                commit(&self.store, vec![*record]);
            }
        }
    }

    /// Waits until every record queued so far is committed.
    pub fn flush(&self) {
        let done = {
            let queue = self.queue.lock().unwrap_or_else(|p| p.into_inner());
            let Some((tx, handle)) = queue.as_ref() else {
                return;
            };
            let (done_tx, done) = mpsc::channel();
            if tx.send(Job::Flush(done_tx)).is_err() {
                return;
            }
            handle.thread().unpark();
            done
        };
        let _ = done.recv();
    }
}

impl Drop for HistoryWriter {
    /// Commits what is queued before the process goes on (or exits).
    fn drop(&mut self) {
        let taken = self.queue.lock().unwrap_or_else(|p| p.into_inner()).take();
        if let Some((tx, handle)) = taken {
            drop(tx);
            // Ends the batch window now: the queue is committed without delay.
            handle.thread().unpark();
            let _ = handle.join();
        }
    }
}

fn run(store: &Store, jobs: &Receiver<Job>) {
    let checkpointer = store.checkpointer().ok();
    let mut since_checkpoint = 0;
    while let Ok(first) = jobs.recv() {
        let mut records = Vec::new();
        let mut waiting = Vec::new();
        let take = |job: Job, records: &mut Vec<Record>, waiting: &mut Vec<Sender<()>>| match job {
            Job::Write(r) => records.push(*r),
            Job::Flush(done) => waiting.push(done),
        };
        let flushing = matches!(first, Job::Flush(_));
        take(first, &mut records, &mut waiting);
        // The sends of the next BATCH_WINDOW queue up without waking this
        // thread (a receiver blocked on the channel is woken by every send;
        // a parked thread is not) and go in the same commit. A flush or the
        // writer's end unparks it at once; an early wake-up only makes a
        // smaller batch.
        if !flushing {
            std::thread::park_timeout(BATCH_WINDOW);
        }
        while let Ok(job) = jobs.try_recv() {
            take(job, &mut records, &mut waiting);
            if records.len() >= MAX_BATCH {
                break;
            }
        }
        since_checkpoint += records.len();
        commit(store, records);
        for done in waiting {
            let _ = done.send(());
        }
        if since_checkpoint >= CHECKPOINT_EVERY {
            since_checkpoint = 0;
            // Best effort: a busy database is checkpointed next time.
            if let Some(c) = &checkpointer {
                let _ = c.run();
            }
        }
    }
}

/// A record redacted and sealed, ready to insert.
struct Row {
    id: i64,
    record: NewHistory,
    limits: HistoryLimits,
    blob: Vec<u8>,
}

/// Redacts and seals each record, then inserts them all in one transaction;
/// if that fails (one bad row), each goes in alone so the others are kept.
fn commit(store: &Store, records: Vec<Record>) {
    if records.is_empty() {
        return;
    }
    let rows: Vec<Row> = records
        .into_iter()
        .map(|r| {
            let record = r.draft.redact(&r.limits);
            let blob = history::seal_record(r.id, &record, |purpose, bytes| {
                r.vault.seal_bytes(purpose, bytes)
            });
            Row {
                id: r.id,
                record,
                limits: r.limits,
                blob,
            }
        })
        .collect();
    let insert_all = |rows: &[Row]| {
        store.write(|tx| {
            let mut files = Vec::new();
            for row in rows {
                history::insert_sealed(tx, row.id, &row.record, &row.blob)?;
            }
            // Pruned once per batch, to the limits of its newest send.
            if let Some(last) = rows.last() {
                let newest = rows.iter().map(|r| r.id).max().unwrap_or(last.id);
                files.extend(history::prune(tx, newest, &last.limits)?);
            }
            Ok(files)
        })
    };
    let files = match insert_all(&rows) {
        Ok(files) => files,
        Err(_) => rows
            .chunks(1)
            .filter_map(|one| insert_all(one).ok())
            .flatten()
            .collect(),
    };
    for file in files {
        let _ = std::fs::remove_file(file);
    }
}
