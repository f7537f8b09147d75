//! "Does this text contain the needle", as the viewer's search asks it of
//! every key and scalar in a document: with the meaning of
//! `text.to_lowercase().contains(&needle.to_lowercase())` when case is
//! ignored, but without lower-casing a copy of each text (on a 50 MB answer
//! those copies and their frees were a third of a search).

use memchr::memmem::Finder;
use serde_json::Number;
use std::fmt::Write;

/// Characters a JSON number's text (as serde_json writes it) is made of:
/// a needle with any other character matches no number.
const NUMBER_CHARS: &str = "0123456789+-.eE";

pub(super) struct TextMatcher {
    /// The needle as compared: lower-cased when case is ignored.
    needle: String,
    case_sensitive: bool,
    /// The lower-cased needle is ASCII, so an ASCII text can be compared
    /// byte by byte, ignoring ASCII case.
    ascii: bool,
    finder: Finder<'static>,
    /// Whether some number's text could contain the needle.
    numbers: bool,
}

impl TextMatcher {
    pub(super) fn new(text: &str, case_sensitive: bool) -> Self {
        let needle = if case_sensitive {
            text.to_string()
        } else {
            text.to_lowercase()
        };
        Self {
            case_sensitive,
            ascii: needle.is_ascii(),
            finder: Finder::new(needle.as_bytes()).into_owned(),
            numbers: needle.chars().all(|c| NUMBER_CHARS.contains(c)),
            needle,
        }
    }

    pub(super) fn contains(&self, text: &str) -> bool {
        if self.case_sensitive {
            return self.finder.find(text.as_bytes()).is_some();
        }
        if self.ascii && contains_ignoring_ascii_case(text.as_bytes(), self.needle.as_bytes()) {
            // The match is made of whole ASCII characters of `text`, which
            // lower-case to the needle.
            return true;
        }
        if text.is_ascii() {
            // An ASCII text lower-cases byte for byte: nothing more can match.
            return false;
        }
        // Other characters can lower-case to ASCII (the Kelvin sign to `k`)
        // or to several characters: ask the exact rule.
        text.to_lowercase().contains(&self.needle)
    }

    /// Whether the number's JSON text contains the needle; the text is
    /// written on the stack.
    pub(super) fn contains_number(&self, number: &Number) -> bool {
        if !self.numbers {
            return false;
        }
        let mut text = StackText::default();
        if write!(text, "{number}").is_ok() {
            self.contains(text.as_str())
        } else {
            self.contains(&number.to_string())
        }
    }
}

/// `needle` (lower-case ASCII, not empty) occurs in `haystack`, ASCII case
/// ignored.
fn contains_ignoring_ascii_case(haystack: &[u8], needle: &[u8]) -> bool {
    let Some((&first, rest)) = needle.split_first() else {
        return true;
    };
    let Some(last_start) = haystack.len().checked_sub(needle.len()) else {
        return false;
    };
    let candidates = &haystack[..=last_start];
    let (lower, upper) = (first, first.to_ascii_uppercase());
    let mut from = 0;
    while let Some(at) = memchr::memchr2(lower, upper, &candidates[from..]) {
        let start = from + at;
        if haystack[start + 1..start + needle.len()].eq_ignore_ascii_case(rest) {
            return true;
        }
        from = start + 1;
    }
    false
}

/// Room for any number serde_json writes (at most 24 characters for an
/// f64, 20 for a 64-bit integer).
#[derive(Default)]
struct StackText {
    buf: [u8; 32],
    len: usize,
}

impl StackText {
    fn as_str(&self) -> &str {
        // Only whole `&str`s are ever copied in.
        std::str::from_utf8(&self.buf[..self.len]).unwrap_or_default()
    }
}

impl Write for StackText {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        let end = self.len + s.len();
        let slot = self.buf.get_mut(self.len..end).ok_or(std::fmt::Error)?;
        slot.copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ignoring_case_means_what_lower_casing_both_means() {
        let m = TextMatcher::new("JoinURL", false);
        assert!(m.contains("https://x/?joinurl=1"));
        assert!(m.contains("JOINURL"));
        assert!(!m.contains("join URL"));
        assert!(!m.contains("joinur"));
        // The Kelvin sign lower-cases to an ASCII `k`.
        assert!(TextMatcher::new("kelvin", false).contains("\u{212A}elvin"));
        // `İ` lower-cases to `i` and a combining dot.
        assert!(TextMatcher::new("i\u{307}", false).contains("\u{130}"));
        assert!(!TextMatcher::new("é", false).contains("e"));
        assert!(TextMatcher::new("É", false).contains("café"));
        assert!(!TextMatcher::new("Join", true).contains("join"));
    }

    #[test]
    fn numbers_are_matched_as_their_json_text() {
        let m = TextMatcher::new("e-7", false);
        assert!(m.contains_number(&Number::from_f64(1.5e-7).unwrap()));
        assert!(TextMatcher::new("42", false).contains_number(&Number::from(1420)));
        assert!(TextMatcher::new("-9223", false).contains_number(&Number::from(i64::MIN)));
        assert!(!TextMatcher::new("item 4", false).contains_number(&Number::from(4)));
        let longest = Number::from_f64(-1.2345678901234567e-300).unwrap();
        assert!(TextMatcher::new("e-300", true).contains_number(&longest));
    }
}
