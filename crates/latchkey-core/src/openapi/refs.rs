//! `$ref` resolution inside one document. References are JSON Pointers
//! (`#/components/schemas/Meeting`); a cycle is cut where it closes and the
//! amount of inlined text is bounded, so a self-referencing or exponentially
//! branching schema never hangs the import.

use crate::error::{Error, Result};
use serde_json::{Map, Value};
use std::cell::Cell;

/// Marks a schema left as a reference because inlining it again would loop.
pub const CYCLE_MARK: &str = "x-latchkey-cycle";
/// Marks a reference to another file, which Latchkey does not fetch.
pub const EXTERNAL_MARK: &str = "x-latchkey-external";

/// How deep references may nest while inlining.
const MAX_DEPTH: usize = 48;
/// How many values one inlining may produce before it stops following refs.
const MAX_NODES: usize = 200_000;

pub struct Resolver<'a> {
    doc: &'a Value,
    budget: Cell<usize>,
}

impl<'a> Resolver<'a> {
    pub fn new(doc: &'a Value) -> Self {
        Self {
            doc,
            budget: Cell::new(MAX_NODES),
        }
    }

    /// The value a local reference points at.
    pub fn lookup(&self, reference: &str) -> Result<&'a Value> {
        let Some(pointer) = reference.strip_prefix('#') else {
            return Err(Error::InvalidInput(format!(
                "the reference `{reference}` points outside the document"
            )));
        };
        let decoded = percent_decode(pointer);
        self.doc.pointer(&decoded).ok_or_else(|| {
            Error::InvalidInput(format!(
                "the document refers to `{reference}`, which it does not contain"
            ))
        })
    }

    /// `value`, or what its `$ref` chain ends at (for parameters, bodies,
    /// responses and security schemes, which are used whole).
    pub fn follow(&self, value: &'a Value) -> Result<&'a Value> {
        let mut current = value;
        let mut seen: Vec<&str> = Vec::new();
        while let Some(reference) = ref_of(current) {
            if !reference.starts_with('#') {
                return Err(Error::InvalidInput(format!(
                    "the reference `{reference}` points to another file: bundle the description into one document first"
                )));
            }
            if seen.contains(&reference) || seen.len() > MAX_DEPTH {
                return Err(Error::InvalidInput(format!(
                    "the reference `{reference}` points back to itself"
                )));
            }
            seen.push(reference);
            current = self.lookup(reference)?;
        }
        Ok(current)
    }

    /// A copy of `value` with every local reference replaced by its target.
    pub fn inline(&self, value: &Value) -> Result<Value> {
        self.budget.set(MAX_NODES);
        let mut stack = Vec::new();
        self.inline_in(value, &mut stack)
    }

    fn inline_in(&self, value: &Value, stack: &mut Vec<String>) -> Result<Value> {
        let left = self.budget.get();
        self.budget.set(left.saturating_sub(1));
        match value {
            Value::Array(items) => items
                .iter()
                .map(|item| self.inline_in(item, stack))
                .collect::<Result<Vec<_>>>()
                .map(Value::Array),
            Value::Object(map) => {
                if let Some(reference) = ref_of(value) {
                    return self.inline_ref(reference, map, stack);
                }
                let mut out = Map::with_capacity(map.len());
                for (key, item) in map {
                    // Examples are data, not schema: a `$ref` key there is a value.
                    let copied = if key == "example" || key == "examples" || key == "default" {
                        item.clone()
                    } else {
                        self.inline_in(item, stack)?
                    };
                    out.insert(key.clone(), copied);
                }
                Ok(Value::Object(out))
            }
            other => Ok(other.clone()),
        }
    }

    fn inline_ref(
        &self,
        reference: &str,
        map: &Map<String, Value>,
        stack: &mut Vec<String>,
    ) -> Result<Value> {
        if !reference.starts_with('#') {
            let mut mark = map.clone();
            mark.insert(EXTERNAL_MARK.into(), Value::Bool(true));
            return Ok(Value::Object(mark));
        }
        if stack.iter().any(|r| r == reference)
            || stack.len() >= MAX_DEPTH
            || self.budget.get() == 0
        {
            let mut mark = Map::new();
            mark.insert("$ref".into(), Value::String(reference.into()));
            mark.insert(CYCLE_MARK.into(), Value::Bool(true));
            return Ok(Value::Object(mark));
        }
        let target = self.lookup(reference)?;
        stack.push(reference.to_string());
        let resolved = self.inline_in(target, stack);
        stack.pop();
        let mut resolved = resolved?;
        // OpenAPI 3.1 lets a reference carry siblings (a description): they win.
        if let Value::Object(out) = &mut resolved {
            for (key, item) in map {
                if key != "$ref" {
                    out.insert(key.clone(), item.clone());
                }
            }
        }
        Ok(resolved)
    }
}

fn ref_of(value: &Value) -> Option<&str> {
    value.get("$ref").and_then(Value::as_str)
}

/// `%7B` and friends in a pointer (`#/paths/~1meetings~1%7Bid%7D`).
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(byte) = u8::from_str_radix(&text[i + 1..i + 3], 16) {
                out.push(byte);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_self_reference_is_cut_where_it_closes() {
        let doc = json!({"components": {"schemas": {
            "Node": {"type": "object", "properties": {
                "name": {"type": "string"},
                "children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}}
            }}
        }}});
        let resolver = Resolver::new(&doc);
        let inlined = resolver
            .inline(&json!({"$ref": "#/components/schemas/Node"}))
            .unwrap();
        assert_eq!(inlined["properties"]["name"]["type"], "string");
        let items = &inlined["properties"]["children"]["items"];
        assert_eq!(items[CYCLE_MARK], true);
        assert_eq!(items["$ref"], "#/components/schemas/Node");
    }

    #[test]
    fn exponential_branching_stops_at_the_budget() {
        // Each level refers to the next twice: 2^40 copies if fully inlined.
        let mut schemas = Map::new();
        for i in 0..40 {
            let next = format!("#/s/L{}", i + 1);
            schemas.insert(
                format!("L{i}"),
                json!({"properties": {"a": {"$ref": next}, "b": {"$ref": next}}}),
            );
        }
        schemas.insert("L40".into(), json!({"type": "string"}));
        let doc = json!({ "s": schemas });
        let inlined = Resolver::new(&doc)
            .inline(&json!({"$ref": "#/s/L0"}))
            .unwrap();
        assert!(inlined["properties"]["a"].is_object());
    }

    #[test]
    fn a_missing_target_and_a_reference_loop_are_named() {
        let doc = json!({"a": {"$ref": "#/b"}, "b": {"$ref": "#/a"}});
        let resolver = Resolver::new(&doc);
        let err = resolver.lookup("#/nope").unwrap_err().to_string();
        assert!(err.contains("`#/nope`"), "{err}");
        let err = resolver.follow(&doc["a"]).unwrap_err().to_string();
        assert!(err.contains("points back to itself"), "{err}");
    }

    #[test]
    fn escaped_pointers_are_decoded() {
        let doc = json!({"paths": {"/meetings/{id}": {"get": {}}}});
        let resolver = Resolver::new(&doc);
        assert!(resolver.lookup("#/paths/~1meetings~1%7Bid%7D/get").is_ok());
    }
}
