//! The two languages of the checkout and the console.

use hsrc_shared::api::Locale;

/// Turkish or English.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// Turkish: the default, as TRY is the first-class currency.
    #[default]
    Tr,
    /// English.
    En,
}

impl Lang {
    /// The language of a session's locale.
    pub fn from_locale(locale: Locale) -> Self {
        match locale {
            Locale::Tr => Self::Tr,
            Locale::En => Self::En,
        }
    }

    /// Parses an override such as `tr`, `en`, `en-GB` or `TR`; anything else is `None`.
    pub fn parse(value: &str) -> Option<Self> {
        let primary = value.trim().split(['-', '_']).next().unwrap_or_default().to_ascii_lowercase();
        match primary.as_str() {
            "tr" => Some(Self::Tr),
            "en" => Some(Self::En),
            _ => None,
        }
    }

    /// The wire locale for this language (used to format amounts).
    pub fn locale(self) -> Locale {
        match self {
            Self::Tr => Locale::Tr,
            Self::En => Locale::En,
        }
    }

    /// BCP 47 tag for the `lang` attribute.
    pub fn code(self) -> &'static str {
        match self {
            Self::Tr => "tr",
            Self::En => "en",
        }
    }

    /// The other language (the console's toggle).
    pub fn other(self) -> Self {
        match self {
            Self::Tr => Self::En,
            Self::En => Self::Tr,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_tags() {
        assert_eq!(Lang::parse("tr"), Some(Lang::Tr));
        assert_eq!(Lang::parse("en-GB"), Some(Lang::En));
        assert_eq!(Lang::parse(" EN "), Some(Lang::En));
        assert_eq!(Lang::parse("EN-gb"), Some(Lang::En));
        assert_eq!(Lang::parse("tr_TR"), Some(Lang::Tr));
        assert_eq!(Lang::parse("de"), None);
        assert_eq!(Lang::parse(""), None);
    }

    #[test]
    fn round_trips_locale_and_toggles() {
        for lang in [Lang::Tr, Lang::En] {
            assert_eq!(Lang::from_locale(lang.locale()), lang);
            assert_eq!(lang.other().other(), lang);
            assert_eq!(Lang::parse(lang.code()), Some(lang));
        }
    }
}
