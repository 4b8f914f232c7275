//! BIN (IIN) lookup: what the first 6–8 digits of a card say about it — card type, network, loyalty family
//! (the Turkish programmes installments are priced by), issuing country and whether it is a commercial card.
//!
//! Pure and data-driven: [`BIN_TABLE`] is the sandbox acquirer's BIN list (the numbers of the README's test cards
//! and a few ranges that exercise the rules). A live acquirer's BIN file would replace the table, not the code.
//! Only 6–8 digits are ever accepted ([`parse_bin`]), so nothing that calls this can be handed a full card number.

use crate::card::{detect_brand, CardBrand};
use crate::error::{codes, ApiError};
use serde::{Deserialize, Serialize};

/// Fewest digits a BIN lookup takes (the classic 6-digit BIN).
pub const MIN_BIN_LENGTH: usize = 6;
/// Most digits a BIN lookup takes (the 8-digit BINs schemes moved to); anything longer is refused.
pub const MAX_BIN_LENGTH: usize = 8;

/// Credit, debit or prepaid, as the issuer registered the range.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CardType {
    Credit,
    Debit,
    Prepaid,
    /// The range is not in the table.
    Unknown,
}

/// The Turkish card programmes (issuer loyalty families) that price installments; `none` for everything else.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CardFamily {
    Bonus,
    World,
    Axess,
    Maximum,
    Cardfinans,
    Paraf,
    Troy,
    None,
}

impl CardFamily {
    /// Every family with a programme (all but `None`), in a stable order.
    pub const PROGRAMMES: [CardFamily; 7] =
        [Self::Bonus, Self::World, Self::Axess, Self::Maximum, Self::Cardfinans, Self::Paraf, Self::Troy];

    /// Wire name: `"bonus"`, `"world"`, …, `"none"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Bonus => "bonus",
            Self::World => "world",
            Self::Axess => "axess",
            Self::Maximum => "maximum",
            Self::Cardfinans => "cardfinans",
            Self::Paraf => "paraf",
            Self::Troy => "troy",
            Self::None => "none",
        }
    }

    /// The family of a wire name.
    pub fn parse(s: &str) -> Option<Self> {
        Self::PROGRAMMES.into_iter().chain([Self::None]).find(|f| f.as_str() == s)
    }
}

/// One row of the BIN table: every number starting with `prefix` (6–8 digits) has these facts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BinRange {
    pub prefix: &'static str,
    pub card_type: CardType,
    pub brand: CardBrand,
    pub family: CardFamily,
    /// ISO 3166-1 alpha-2 of the issuer.
    pub issuer_country: &'static str,
    pub commercial: bool,
}

const fn range(
    prefix: &'static str,
    card_type: CardType,
    brand: CardBrand,
    family: CardFamily,
    issuer_country: &'static str,
    commercial: bool,
) -> BinRange {
    BinRange { prefix, card_type, brand, family, issuer_country, commercial }
}

use CardBrand::{Mastercard, Troy, Visa};
use CardType::{Credit, Debit, Prepaid};

/// The sandbox BIN table. The longest matching prefix wins.
pub const BIN_TABLE: &[BinRange] = &[
    // The installment test cards of the README.
    range("540061", Credit, Mastercard, CardFamily::Bonus, "TR", false),
    range("554960", Credit, Mastercard, CardFamily::World, "TR", false),
    range("413226", Debit, Visa, CardFamily::None, "TR", false),
    range("979200", Credit, Troy, CardFamily::Troy, "TR", false),
    // The original sandbox cards: issued outside Türkiye.
    range("424242", Credit, Visa, CardFamily::None, "US", false),
    range("555555", Credit, Mastercard, CardFamily::None, "US", false),
    range("400000", Credit, Visa, CardFamily::None, "US", false),
    // Ranges that exercise the rules (no sandbox card): a commercial Bonus card, a prepaid Troy card, and an
    // 8-digit range inside a 6-digit one.
    range("540062", Credit, Mastercard, CardFamily::Bonus, "TR", true),
    range("979201", Prepaid, Troy, CardFamily::None, "TR", false),
    range("55496099", Debit, Mastercard, CardFamily::None, "TR", false),
];

/// What a BIN says: the body of `GET /v1/bins/:bin` and the card facts installment plans are decided on.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BinInfo {
    pub object: String,
    /// The first six digits (never more, whatever was asked).
    pub bin: String,
    pub card_type: CardType,
    /// `visa`, `mastercard`, `amex`, `troy` or `unknown`.
    pub brand: String,
    pub family: CardFamily,
    /// ISO 3166-1 alpha-2, or null when the range is unknown.
    pub issuer_country: Option<String>,
    pub commercial: bool,
}

impl BinInfo {
    /// A Turkish consumer credit card: the only kind installments are offered on.
    pub fn installments_eligible(&self) -> bool {
        self.card_type == CardType::Credit && self.issuer_country.as_deref() == Some("TR") && !self.commercial
    }
}

/// The parameter a BIN arrives in on `GET /v1/bins/:bin`.
pub const PARAM_BIN: &str = "bin";

/// Checks a BIN as sent: 6–8 ASCII digits, nothing else. The error never repeats the input.
pub fn parse_bin<'a>(input: &'a str, param: &str) -> Result<&'a str, ApiError> {
    let ok = (MIN_BIN_LENGTH..=MAX_BIN_LENGTH).contains(&input.len()) && input.bytes().all(|b| b.is_ascii_digit());
    if ok {
        Ok(input)
    } else {
        Err(ApiError::invalid_code(
            codes::PARAMETER_INVALID,
            param,
            "Send only the first 6 to 8 digits of the card number: a BIN lookup never takes a full card number.",
        ))
    }
}

/// Looks a valid BIN (see [`parse_bin`]) up. Unknown ranges still get the brand from the leading digits, with
/// card type `unknown` and no country (single payment only).
pub fn lookup(bin: &str) -> BinInfo {
    let best = BIN_TABLE.iter().filter(|r| bin.starts_with(r.prefix)).max_by_key(|r| r.prefix.len());
    let six = bin.get(..MIN_BIN_LENGTH).unwrap_or(bin).to_string();
    match best {
        Some(r) => BinInfo {
            object: "bin".into(),
            bin: six,
            card_type: r.card_type,
            brand: r.brand.as_str().into(),
            family: r.family,
            issuer_country: Some(r.issuer_country.into()),
            commercial: r.commercial,
        },
        None => BinInfo {
            object: "bin".into(),
            bin: six,
            card_type: CardType::Unknown,
            brand: detect_brand(bin).as_str().into(),
            family: CardFamily::None,
            issuer_country: None,
            commercial: false,
        },
    }
}

/// The BIN facts of a full, already validated card number (edge only: confirm checks the chosen plan with it).
pub fn lookup_card(digits: &str) -> BinInfo {
    lookup(digits.get(..MAX_BIN_LENGTH).unwrap_or(digits))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sandbox_cards_have_their_documented_facts() {
        let bonus = lookup("54006100");
        assert_eq!((bonus.card_type, bonus.brand.as_str(), bonus.family), (Credit, "mastercard", CardFamily::Bonus));
        assert_eq!(bonus.issuer_country.as_deref(), Some("TR"));
        assert!(bonus.installments_eligible());
        let world = lookup("554960");
        assert_eq!((world.family, world.brand.as_str()), (CardFamily::World, "mastercard"));
        let debit = lookup("4132260");
        assert_eq!((debit.card_type, debit.brand.as_str(), debit.family), (Debit, "visa", CardFamily::None));
        assert!(!debit.installments_eligible());
        let troy = lookup("979200");
        assert_eq!((troy.card_type, troy.brand.as_str(), troy.family), (Credit, "troy", CardFamily::Troy));
        assert!(troy.installments_eligible());
        let foreign = lookup("42424242");
        assert_eq!((foreign.card_type, foreign.issuer_country.as_deref()), (Credit, Some("US")));
        assert!(!foreign.installments_eligible());
    }

    #[test]
    fn commercial_prepaid_and_unknown_cards_are_not_eligible() {
        let commercial = lookup("540062");
        assert!(commercial.commercial && !commercial.installments_eligible());
        assert_eq!(lookup("979201").card_type, Prepaid);
        let unknown = lookup("37828200");
        assert_eq!(
            (unknown.card_type, unknown.brand.as_str(), unknown.issuer_country.as_deref()),
            (CardType::Unknown, "amex", None)
        );
        assert!(!unknown.installments_eligible());
        assert_eq!(lookup("97921234").brand, "troy");
    }

    #[test]
    fn the_longest_prefix_wins_and_only_six_digits_are_returned() {
        assert_eq!(lookup("554960").card_type, Credit);
        let eight = lookup("55496099");
        assert_eq!((eight.card_type, eight.bin.as_str()), (Debit, "554960"));
        assert_eq!(lookup_card("5549600000000004").card_type, Credit);
        assert_eq!(lookup_card("5400610000000001").family, CardFamily::Bonus);
    }

    #[test]
    fn only_six_to_eight_digits_are_accepted_and_never_echoed() {
        for ok in ["540061", "5400610", "54006100"] {
            assert_eq!(parse_bin(ok, "bin").unwrap(), ok);
        }
        for bad in ["", "54006", "540061000", "5400610000000001", "54006a", "540 61", "５４００６１", "-540061"] {
            let e = parse_bin(bad, "bin").unwrap_err();
            assert_eq!((e.status, e.param.as_deref()), (400, Some("bin")));
            assert!(bad.is_empty() || !e.message.contains(bad), "{bad}");
        }
    }

    #[test]
    fn family_names_round_trip() {
        for f in CardFamily::PROGRAMMES.into_iter().chain([CardFamily::None]) {
            assert_eq!(CardFamily::parse(f.as_str()), Some(f));
            assert_eq!(serde_json::to_value(f).unwrap(), f.as_str());
        }
        assert_eq!(CardFamily::parse("gold"), None);
    }
}
