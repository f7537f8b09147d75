//! Parsed documents kept in the backend for the viewer, so a 50 MB
//! response never crosses IPC whole: the UI asks for one node's children at
//! a time. Bounded by count and bytes; the least recently used goes first.

use super::extract::run_extractors;
use super::find::{find_key, find_key_page, FindPage, FindResult};
use super::format::parse_json;
use super::jsonpath::{query_path, query_path_page, PathQueryPage, PathQueryResult};
use super::node::JsonNode;
use super::path::{format_path, node_at, parse_path, push_index, push_key, PathSegment};
use super::search::{search, SearchQuery, SearchResult};
use crate::error::{Error, Result};
use crate::model::{ExtractedValue, Extractor};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};
use ts_rs::TS;

/// Most children one page may hold, whatever the caller asks.
const MAX_PAGE: usize = 1000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CacheLimits {
    pub max_documents: usize,
    /// Measured as the documents' JSON text size; parsed trees take a few
    /// times more memory.
    pub max_bytes: usize,
}

impl Default for CacheLimits {
    fn default() -> Self {
        Self {
            max_documents: 16,
            max_bytes: 256 * 1024 * 1024,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct DocumentInfo {
    pub id: String,
    /// Size of the JSON text.
    pub bytes: usize,
    /// The root node (path `$`).
    pub root: JsonNode,
}

/// One page of a node's children.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ChildPage {
    pub path: String,
    /// How many children the node has in all.
    pub total: usize,
    pub offset: usize,
    pub children: Vec<JsonNode>,
}

struct Entry {
    value: Arc<Value>,
    /// The HTTP status of the answer this is the body of, kept here so no
    /// caller has to say it again (and none can claim another).
    status: Option<u16>,
    bytes: usize,
    last_used: u64,
}

#[derive(Default)]
struct Inner {
    docs: HashMap<String, Entry>,
    bytes: usize,
    tick: u64,
}

pub struct JsonDocumentCache {
    limits: CacheLimits,
    inner: Mutex<Inner>,
}

impl Default for JsonDocumentCache {
    fn default() -> Self {
        Self::new(CacheLimits::default())
    }
}

impl JsonDocumentCache {
    pub fn new(limits: CacheLimits) -> Self {
        Self {
            limits,
            inner: Mutex::new(Inner::default()),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // Entries are replaced whole, so a panic elsewhere cannot leave one half-built.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Parses and keeps a document.
    pub fn insert_text(&self, text: &str) -> Result<DocumentInfo> {
        self.check_size(text.len())?;
        let value = parse_json(text, "the document")?;
        Ok(self.insert_value(value, text.len()))
    }

    /// Parses and keeps the body of an answer with its HTTP `status`.
    pub fn insert_answer_text(&self, text: &str, status: u16) -> Result<DocumentInfo> {
        self.check_size(text.len())?;
        let value = parse_json(text, "the document")?;
        Ok(self.keep(value, text.len(), Some(status)))
    }

    /// Reads a JSON file (a response spilled to disk) and keeps it.
    pub fn insert_file(&self, path: &Path) -> Result<DocumentInfo> {
        let bytes = std::fs::read(path)
            .map_err(|e| Error::InvalidInput(format!("cannot read {}: {e}", path.display())))?;
        self.insert_bytes(&bytes)
    }

    /// Parses JSON bytes (a large body, opened) and keeps the document.
    pub fn insert_bytes(&self, bytes: &[u8]) -> Result<DocumentInfo> {
        let value = self.parse_bytes(bytes)?;
        Ok(self.insert_value(value, bytes.len()))
    }

    /// [`JsonDocumentCache::insert_bytes`] for the body of an answer with
    /// its HTTP `status`.
    pub fn insert_answer_bytes(&self, bytes: &[u8], status: u16) -> Result<DocumentInfo> {
        let value = self.parse_bytes(bytes)?;
        Ok(self.keep(value, bytes.len(), Some(status)))
    }

    fn parse_bytes(&self, bytes: &[u8]) -> Result<Value> {
        self.check_size(bytes.len())?;
        serde_json::from_slice(bytes).map_err(|e| super::format::invalid_json("the document", &e))
    }

    fn check_size(&self, bytes: usize) -> Result<()> {
        if bytes > self.limits.max_bytes {
            return Err(Error::TooLarge(format!(
                "the document is {} bytes, more than the viewer keeps ({} bytes)",
                bytes, self.limits.max_bytes
            )));
        }
        Ok(())
    }

    /// Keeps an already parsed document of `bytes` text size.
    pub fn insert_value(&self, value: Value, bytes: usize) -> DocumentInfo {
        self.keep(value, bytes, None)
    }

    fn keep(&self, value: Value, bytes: usize, status: Option<u16>) -> DocumentInfo {
        let id = uuid::Uuid::new_v4().to_string();
        let root = JsonNode::new(None, None, "$".into(), &value);
        let mut inner = self.lock();
        inner.tick += 1;
        let tick = inner.tick;
        inner.bytes += bytes;
        inner.docs.insert(
            id.clone(),
            Entry {
                value: Arc::new(value),
                status,
                bytes,
                last_used: tick,
            },
        );
        self.evict(&mut inner, &id);
        DocumentInfo { id, bytes, root }
    }

    /// Drops least recently used documents (never `keep`) until within limits.
    fn evict(&self, inner: &mut Inner, keep: &str) {
        while inner.docs.len() > self.limits.max_documents.max(1)
            || inner.bytes > self.limits.max_bytes
        {
            let oldest = inner
                .docs
                .iter()
                .filter(|(id, _)| id.as_str() != keep)
                .min_by_key(|(_, e)| e.last_used)
                .map(|(id, _)| id.clone());
            let Some(oldest) = oldest else { break };
            if let Some(entry) = inner.docs.remove(&oldest) {
                inner.bytes -= entry.bytes;
            }
        }
    }

    pub fn remove(&self, id: &str) -> bool {
        let mut inner = self.lock();
        match inner.docs.remove(id) {
            Some(entry) => {
                inner.bytes -= entry.bytes;
                true
            }
            None => false,
        }
    }

    pub fn len(&self) -> usize {
        self.lock().docs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn get(&self, id: &str) -> Result<Arc<Value>> {
        Ok(self.get_with_status(id)?.0)
    }

    fn get_with_status(&self, id: &str) -> Result<(Arc<Value>, Option<u16>)> {
        let mut inner = self.lock();
        inner.tick += 1;
        let tick = inner.tick;
        let entry = inner.docs.get_mut(id).ok_or_else(|| {
            Error::NotFound(format!(
                "the document `{id}` is no longer open: send the request again"
            ))
        })?;
        entry.last_used = tick;
        Ok((Arc::clone(&entry.value), entry.status))
    }

    /// Children `offset..offset+limit` of the node at `path`.
    pub fn children(&self, id: &str, path: &str, offset: usize, limit: usize) -> Result<ChildPage> {
        let doc = self.get(id)?;
        let segments = parse_path(path)?;
        let node = resolve(&doc, &segments, path)?;
        let base = format_path(&segments);
        let limit = limit.min(MAX_PAGE);
        let child = |key: Option<String>, index: Option<usize>, value: &Value| {
            let mut child_path = base.clone();
            match (&key, index) {
                (Some(k), _) => push_key(&mut child_path, k),
                (None, Some(i)) => push_index(&mut child_path, i),
                (None, None) => {}
            }
            JsonNode::new(key, index, child_path, value)
        };
        let (total, children) = match node {
            Value::Object(map) => (
                map.len(),
                map.iter()
                    .skip(offset)
                    .take(limit)
                    .map(|(k, v)| child(Some(k.clone()), None, v))
                    .collect(),
            ),
            Value::Array(items) => (
                items.len(),
                items
                    .iter()
                    .enumerate()
                    .skip(offset)
                    .take(limit)
                    .map(|(i, v)| child(None, Some(i), v))
                    .collect(),
            ),
            _ => (0, Vec::new()),
        };
        Ok(ChildPage {
            path: base,
            total,
            offset,
            children,
        })
    }

    /// The whole value at `path` (to copy it).
    pub fn value(&self, id: &str, path: &str) -> Result<Value> {
        let doc = self.get(id)?;
        let segments = parse_path(path)?;
        resolve(&doc, &segments, path).cloned()
    }

    pub fn search(&self, id: &str, query: &SearchQuery) -> Result<SearchResult> {
        Ok(search(&*self.get(id)?, query))
    }

    pub fn find_key(&self, id: &str, key: &str, case_insensitive: bool) -> Result<FindResult> {
        Ok(find_key(&*self.get(id)?, key, case_insensitive))
    }

    pub fn query_path(&self, id: &str, expression: &str) -> Result<PathQueryResult> {
        query_path(&*self.get(id)?, expression)
    }

    /// One page of a find, for the viewer.
    pub fn find_key_page(
        &self,
        id: &str,
        key: &str,
        case_insensitive: bool,
        offset: usize,
        limit: usize,
    ) -> Result<FindPage> {
        Ok(find_key_page(
            &*self.get(id)?,
            key,
            case_insensitive,
            offset,
            limit,
        ))
    }

    /// One page of a JSONPath query, for the viewer.
    pub fn query_path_page(
        &self,
        id: &str,
        expression: &str,
        offset: usize,
        limit: usize,
    ) -> Result<PathQueryPage> {
        query_path_page(&*self.get(id)?, expression, offset, limit)
    }

    /// A saved request's extractors run on a kept document, with the HTTP
    /// status of the answer it is the body of (`None`: kept as no answer).
    pub fn extract(
        &self,
        id: &str,
        extractors: &[Extractor],
    ) -> Result<(Option<u16>, Vec<ExtractedValue>)> {
        let (doc, status) = self.get_with_status(id)?;
        Ok((status, run_extractors(Some(&doc), extractors)))
    }
}

fn resolve<'a>(doc: &'a Value, segments: &[PathSegment], path: &str) -> Result<&'a Value> {
    node_at(doc, segments)
        .ok_or_else(|| Error::NotFound(format!("nothing at `{path}` in this document")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::NodeKind;

    fn big_array(n: usize) -> String {
        let items: Vec<String> = (0..n)
            .map(|i| format!(r#"{{"id":{i},"name":"item {i}"}}"#))
            .collect();
        format!(r#"{{"data":[{}],"meta":{{"a b":true}}}}"#, items.join(","))
    }

    #[test]
    fn pages_children_by_path() {
        let cache = JsonDocumentCache::default();
        let info = cache.insert_text(&big_array(5000)).unwrap();
        assert_eq!(info.root.kind, NodeKind::Object);
        assert_eq!(info.root.child_count, 2);
        let page = cache.children(&info.id, "$.data", 100, 3).unwrap();
        assert_eq!(page.total, 5000);
        assert_eq!(page.children.len(), 3);
        assert_eq!(page.children[0].index, Some(100));
        assert_eq!(page.children[0].path, "$.data[100]");
        assert_eq!(page.children[0].child_count, 2);
        let leaf = cache.children(&info.id, "$.data[100]", 0, 10).unwrap();
        assert_eq!(leaf.children[1].key.as_deref(), Some("name"));
        assert_eq!(leaf.children[1].preview, "\"item 100\"");
        let meta = cache.children(&info.id, "$.meta", 0, 10).unwrap();
        assert_eq!(meta.children[0].path, "$.meta['a b']");
        assert_eq!(
            cache.value(&info.id, "$.meta['a b']").unwrap(),
            Value::Bool(true)
        );
        let capped = cache.children(&info.id, "$.data", 0, 1_000_000).unwrap();
        assert_eq!(capped.children.len(), MAX_PAGE);
        let err = cache.children(&info.id, "$.nope", 0, 1).unwrap_err();
        assert_eq!(err.code(), crate::error::ErrorCode::NotFound);
        let found = cache.find_key(&info.id, "name", false).unwrap();
        assert_eq!(found.matches.len(), 5000);
        let hits = cache
            .search(
                &info.id,
                &SearchQuery {
                    text: "item 4999".into(),
                    ..Default::default()
                },
            )
            .unwrap();
        assert_eq!(hits.hits[0].path, "$.data[4999].name");
        assert_eq!(
            cache.query_path(&info.id, "$.data[-1].id").unwrap().matches[0].path,
            "$.data[4999].id"
        );
    }

    #[test]
    fn evicts_least_recently_used_by_count_and_bytes() {
        let cache = JsonDocumentCache::new(CacheLimits {
            max_documents: 2,
            max_bytes: 1000,
        });
        let a = cache.insert_text("[1]").unwrap().id;
        let b = cache.insert_text("[2]").unwrap().id;
        cache.children(&a, "$", 0, 1).unwrap(); // a is now fresher than b
        let c = cache.insert_text("[3]").unwrap().id;
        assert!(cache.children(&b, "$", 0, 1).is_err());
        assert!(cache.children(&a, "$", 0, 1).is_ok());
        assert!(cache.children(&c, "$", 0, 1).is_ok());
        let big = format!("[\"{}\"]", "x".repeat(996));
        let d = cache.insert_text(&big).unwrap().id;
        assert_eq!(cache.len(), 1);
        assert!(cache.children(&d, "$", 0, 1).is_ok());
        let too_big = format!("[\"{}\"]", "x".repeat(2000));
        assert_eq!(
            cache.insert_text(&too_big).unwrap_err().code(),
            crate::error::ErrorCode::TooLarge
        );
        assert!(cache.remove(&d));
        assert!(cache.is_empty());
    }

    #[test]
    fn an_answer_keeps_its_status_for_the_extractors() {
        let cache = JsonDocumentCache::default();
        let extractors = [Extractor::FindKey {
            key: "id".into(),
            case_insensitive: false,
            variable: None,
        }];
        let answer = cache.insert_answer_text(r#"{"id":7}"#, 404).unwrap().id;
        let (status, found) = cache.extract(&answer, &extractors).unwrap();
        assert_eq!(status, Some(404));
        assert_eq!(found[0].value, Some(serde_json::json!(7)));
        let spilled = cache.insert_answer_bytes(br#"{"id":8}"#, 201).unwrap().id;
        assert_eq!(cache.extract(&spilled, &extractors).unwrap().0, Some(201));
        let pasted = cache.insert_text(r#"{"id":9}"#).unwrap().id;
        assert_eq!(cache.extract(&pasted, &extractors).unwrap().0, None);
    }
}
