//! A saved request's extractors run on an answer, storing what they find in
//! the variables they name.

use super::Latchkey;
use crate::error::Result;
use crate::json::JsonDocumentCache;
use crate::model::{ExtractedValue, Extractor};
use crate::template;

impl Latchkey {
    /// Runs `extractors` on the answer kept in `cache` as `doc`, then
    /// [`Latchkey::store_extracted`] with the status kept with it.
    pub fn extract(
        &self,
        cache: &JsonDocumentCache,
        doc: &str,
        service: &str,
        extractors: &[Extractor],
    ) -> Result<Vec<ExtractedValue>> {
        let (status, found) = cache.extract(doc, extractors)?;
        self.store_extracted(service, status, found)
    }

    /// After a successful (2xx) answer, as `--set` does, stores each value
    /// whose extractor names a variable, with `--set`'s text and scope.
    /// One that found nothing stores nothing: the variable keeps its value,
    /// and so does every one when `status` is no 2xx or `None` (no answer).
    pub fn store_extracted(
        &self,
        service: &str,
        status: Option<u16>,
        mut found: Vec<ExtractedValue>,
    ) -> Result<Vec<ExtractedValue>> {
        // Every name is checked first, so a bad one stores nothing at all.
        check_variables(found.iter().map(|f| &f.extractor))?;
        if !status.is_some_and(|s| (200..300).contains(&s)) {
            return Ok(found);
        }
        for item in &mut found {
            let (Some(name), Some(value)) = (item.extractor.variable(), &item.value) else {
                continue;
            };
            self.capture_variable(Some(service), name, &template::value_text(value))?;
            item.stored_as = Some(name.to_string());
        }
        Ok(found)
    }
}

fn check_variables<'a>(extractors: impl IntoIterator<Item = &'a Extractor>) -> Result<()> {
    extractors
        .into_iter()
        .filter_map(Extractor::variable)
        .try_for_each(template::check_name)
}
