//! JSON tools: find a key anywhere, JSONPath (RFC 9535), the body builder
//! (rows <-> document), pretty/minify, and a document cache that pages a
//! large response to the viewer one node at a time.

mod cache;
mod extract;
mod find;
mod format;
mod jsonpath;
mod node;
mod path;
mod rows;
mod search;
mod text_match;

pub use cache::{CacheLimits, ChildPage, DocumentInfo, JsonDocumentCache};
pub use extract::{all_matches, capture_extractor, run_extractors};
pub use find::{find_key, find_key_page, FindPage, FindResult, KeyMatch, MAX_RESULT_PAGE};
pub(crate) use format::check_json;
pub use format::{minify, parse_json, pretty};
pub use jsonpath::{
    compile_path, query_path, query_path_page, PathHit, PathMatch, PathQueryPage, PathQueryResult,
};
pub use node::{child_count, preview, JsonNode, NodeKind};
pub use path::{format_path, node_at, parse_path, value_at, PathSegment};
pub use rows::{json_to_rows, rows_to_json, BodyRow, RowType};
pub use search::{search, SearchHit, SearchQuery, SearchResult, SearchTarget};
