//! A message catalogue in both languages, and the `{name}` filler for its templates.
//!
//! [`catalogue!`](crate::catalogue!) declares the keys with their English and Turkish texts. Each language's texts
//! are stored as one string with the end offset of every message, so `Msg::text` is a table lookup (a `match` over
//! every key and language was about 3 KB of the form's wasm code).

/// Declares `pub enum Msg` (with `Msg::ALL` and `Msg::text(Lang)`) from `Key => "English", "Türkçe";` lines, each
/// optionally with doc comments.
#[macro_export]
macro_rules! catalogue {
    ($($(#[$doc:meta])* $key:ident => $en:literal, $tr:literal;)*) => {
        /// A message key of the catalogue.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Msg {
            $($(#[$doc])* $key,)*
        }

        /// Every English text, back to back.
        const EN_TEXT: &str = concat!($($en),*);
        /// Every Turkish text, back to back.
        const TR_TEXT: &str = concat!($($tr),*);
        /// End offsets of the English texts, in key order.
        static EN_ENDS: [u16; Msg::ALL.len()] = $crate::catalogue::ends([$($en.len()),*]);
        /// End offsets of the Turkish texts, in key order.
        static TR_ENDS: [u16; Msg::ALL.len()] = $crate::catalogue::ends([$($tr.len()),*]);

        impl Msg {
            /// Every key, for completeness tests.
            pub const ALL: &'static [Msg] = &[$(Msg::$key,)*];

            /// The text of this message in `lang`.
            pub fn text(self, lang: $crate::Lang) -> &'static str {
                let (text, ends) = match lang {
                    $crate::Lang::En => (EN_TEXT, &EN_ENDS),
                    $crate::Lang::Tr => (TR_TEXT, &TR_ENDS),
                };
                $crate::catalogue::slice(text, ends, self as usize)
            }
        }
    };
}

/// Running sums of text lengths: where each text of a packed catalogue string ends.
pub const fn ends<const N: usize>(lens: [usize; N]) -> [u16; N] {
    let mut out = [0u16; N];
    let mut end = 0;
    let mut i = 0;
    while i < N {
        end += lens[i];
        assert!(end <= u16::MAX as usize, "catalogue text too long for u16 offsets");
        out[i] = end as u16;
        i += 1;
    }
    out
}

/// The `i`th text of a packed string (empty if out of range).
pub fn slice(text: &'static str, ends: &[u16], i: usize) -> &'static str {
    let start = if i == 0 { 0 } else { ends.get(i - 1).copied().unwrap_or_default() as usize };
    let end = ends.get(i).copied().unwrap_or_default() as usize;
    text.get(start..end).unwrap_or_default()
}

/// Replaces `{name}` placeholders with their values, in one pass: a value is never filled again, and a brace
/// without a known name stays as it is.
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    // Byte searches: both braces are ASCII, so every index is a char boundary (and no `str::find` pattern code).
    let brace = |s: &str, b: u8| s.bytes().position(|c| c == b);
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = brace(rest, b'{') {
        out.push_str(&rest[..open]);
        let tail = &rest[open + 1..];
        let value = brace(tail, b'}')
            .and_then(|close| values.iter().find(|(k, _)| *k == &tail[..close]).map(|(_, v)| (close, *v)));
        match value {
            Some((close, v)) => {
                out.push_str(v);
                rest = &tail[close + 1..];
            }
            None => {
                out.push('{');
                rest = tail;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Lang;

    crate::catalogue! {
        /// First.
        One => "One", "Bir";
        Two => "Pay {amount}", "{amount} öde";
        Three => "", "Üç";
    }

    #[test]
    fn packed_texts_come_back_whole() {
        assert_eq!(Msg::ALL.len(), 3);
        assert_eq!(Msg::One.text(Lang::En), "One");
        assert_eq!(Msg::One.text(Lang::Tr), "Bir");
        assert_eq!(Msg::Two.text(Lang::Tr), "{amount} öde");
        assert_eq!(Msg::Three.text(Lang::En), "");
        assert_eq!(Msg::Three.text(Lang::Tr), "Üç");
        assert_eq!(slice("ab", &[1, 2], 7), "");
    }

    #[test]
    fn fill_replaces_every_placeholder_once() {
        assert_eq!(fill(Msg::Two.text(Lang::En), &[("amount", "₺125.00")]), "Pay ₺125.00");
        assert_eq!(fill("{a}-{a} {b} {", &[("a", "x")]), "x-x {b} {");
        assert_eq!(fill("{a}{b}", &[("a", "{b}"), ("b", "y")]), "{b}y");
        assert_eq!(fill("", &[("a", "x")]), "");
    }
}
