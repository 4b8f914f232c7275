//! Property tests of the rules everything else trusts: the lifecycles under random event sequences, the wire names
//! of every status, validation of untrusted input, and webhook signing.

use hsrc_shared::api::{Address, Metadata, PayerDetails};
use hsrc_shared::lifecycle::{ChargeStatus, PaymentEvent, PaymentStatus, SessionEvent, SessionStatus};
use hsrc_shared::webhook::{self, WebhookSecret};
use hsrc_shared::{codes, validate};
use proptest::prelude::*;

fn session_event() -> impl Strategy<Value = SessionEvent> {
    prop_oneof![
        Just(SessionEvent::Confirm),
        Just(SessionEvent::PaymentSucceeded),
        any::<bool>().prop_map(|attempts_remain| SessionEvent::PaymentNeedsNewMethod { attempts_remain }),
        Just(SessionEvent::PaymentFailed),
        Just(SessionEvent::Cancel),
        Just(SessionEvent::Expire),
    ]
}

fn payment_event() -> impl Strategy<Value = PaymentEvent> {
    prop::sample::select(vec![
        PaymentEvent::Confirm,
        PaymentEvent::Succeed,
        PaymentEvent::Authorize,
        PaymentEvent::RequireAction,
        PaymentEvent::ActionCompleted,
        PaymentEvent::RequirePaymentMethod,
        PaymentEvent::Fail,
        PaymentEvent::Capture,
        PaymentEvent::Cancel,
    ])
}

/// The session moves the design allows: (from, to) pairs, whatever the event.
fn session_move_allowed(from: SessionStatus, to: SessionStatus) -> bool {
    use SessionStatus::*;
    matches!(
        (from, to),
        (Pending, Processing)
            | (Pending, Cancelled)
            | (Pending, Expired)
            | (Processing, Completed)
            | (Processing, Pending)
            | (Processing, Failed)
    )
}

fn payment_move_allowed(from: PaymentStatus, to: PaymentStatus) -> bool {
    use PaymentStatus::*;
    matches!(
        (from, to),
        (Created, Processing)
            | (RequiresPaymentMethod, Processing)
            | (Processing, Succeeded)
            | (Processing, Authorized)
            | (Processing, RequiresAction)
            | (Processing, RequiresPaymentMethod)
            | (RequiresAction, Processing)
            | (RequiresAction, RequiresPaymentMethod)
            | (Authorized, Succeeded)
            | (Authorized, Cancelled)
            | (Created, Cancelled)
            | (RequiresPaymentMethod, Cancelled)
            | (RequiresPaymentMethod, Failed)
            | (Created, Failed)
            | (Processing, Failed)
            | (RequiresAction, Failed)
            | (RequiresAction, Cancelled)
            | (Processing, Cancelled)
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn random_session_events_never_reach_an_illegal_state(events in prop::collection::vec(session_event(), 0..40)) {
        let mut state = SessionStatus::Pending;
        let mut was_terminal = false;
        for ev in events {
            match state.next(ev) {
                Ok(to) => {
                    prop_assert!(!was_terminal, "{state:?} is terminal but moved to {to:?} on {ev:?}");
                    prop_assert!(session_move_allowed(state, to), "{state:?} -> {to:?} on {ev:?}");
                    state = to;
                }
                Err(e) => {
                    // A refusal says what was attempted and why, and leaves the state as it was.
                    prop_assert_eq!(e.from.as_str(), state.as_str());
                    prop_assert!(e.to_string().starts_with("You cannot "));
                }
            }
            was_terminal = state.is_terminal();
        }
    }

    #[test]
    fn random_payment_events_never_reach_an_illegal_state(events in prop::collection::vec(payment_event(), 0..40)) {
        let mut state = PaymentStatus::Created;
        for ev in events {
            let before = state;
            if let Ok(to) = state.next(ev) {
                prop_assert!(!before.is_terminal(), "{before:?} is terminal but moved to {to:?} on {ev:?}");
                prop_assert!(payment_move_allowed(before, to), "{before:?} -> {to:?} on {ev:?}");
                state = to;
            }
        }
    }

    #[test]
    fn terminal_states_refuse_every_event(s in prop::sample::select(SessionStatus::ALL.to_vec()), ev in session_event(),
                                          p in prop::sample::select(PaymentStatus::ALL.to_vec()), pev in payment_event()) {
        if s.is_terminal() {
            prop_assert!(s.next(ev).is_err());
        }
        if p.is_terminal() {
            prop_assert!(p.next(pev).is_err());
        }
    }

}

proptest! {
    // Validation and HMAC are slower per case in debug builds: fewer cases keep the suite quick.
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn metadata_validation_never_panics_and_accepts_only_what_fits(
        entries in prop::collection::btree_map("\\PC{0,45}", "\\PC{0,520}", 0..60)
    ) {
        let m: Metadata = entries;
        if validate::metadata(&m, "metadata").is_ok() {
            prop_assert!(m.len() <= validate::MAX_METADATA_KEYS);
            for (k, v) in &m {
                prop_assert!(!k.is_empty() && k.len() <= validate::MAX_METADATA_KEY_CHARS);
                prop_assert!(k.bytes().all(|b| b.is_ascii_alphanumeric() || b"_.-".contains(&b)));
                prop_assert!(v.chars().count() <= validate::MAX_METADATA_VALUE_CHARS);
                prop_assert!(!v.chars().any(char::is_control));
            }
        } else {
            let e = validate::metadata(&m, "metadata").unwrap_err();
            prop_assert_eq!(e.status, 400);
            prop_assert!(e.param.as_deref().unwrap_or_default().starts_with("metadata"));
        }
    }

    #[test]
    fn payer_validation_is_idempotent_and_never_panics(
        name in proptest::option::of("\\PC{0,60}"),
        email in proptest::option::of("[a-zA-Z0-9._%+@-]{0,30}"),
        phone in proptest::option::of("[+0-9 ()-]{0,20}"),
        line1 in "\\PC{0,40}", city in "\\PC{0,20}", postal in "[A-Za-z0-9 -]{0,12}", country in "[A-Z]{0,3}",
    ) {
        let details = PayerDetails {
            name, email, phone,
            billing_address: Some(Address { line1, line2: None, city, state: None, postal_code: postal, country }),
            ..Default::default()
        };
        if let Ok(clean) = validate::payer_details(&details, &[]) {
            prop_assert_eq!(validate::payer_details(&clean, &[]), Ok(clean.clone()));
        } else {
            let e = validate::payer_details(&details, &[]).unwrap_err();
            prop_assert_eq!(e.status, 400);
            prop_assert!(e.param.is_some());
            prop_assert!(e.code == codes::PARAMETER_INVALID || e.code == codes::PARAMETER_MISSING, "{}", e.code);
        }
    }

    #[test]
    fn a_signed_delivery_verifies_and_any_change_breaks_it(
        secret_bytes in prop::collection::vec(any::<u8>(), webhook::MIN_SECRET_BYTES..=webhook::MAX_SECRET_BYTES),
        other_bytes in prop::collection::vec(any::<u8>(), webhook::MIN_SECRET_BYTES..=webhook::MAX_SECRET_BYTES),
        msg_id in "msg_[a-zA-Z0-9]{1,30}",
        timestamp in 1_600_000_000i64..2_000_000_000,
        body in prop::collection::vec(any::<u8>(), 0..300),
        skew in -webhook::TOLERANCE_SECS..=webhook::TOLERANCE_SECS,
        flip in any::<prop::sample::Index>(),
    ) {
        let secret = WebhookSecret::from_random_bytes(&secret_bytes).unwrap();
        let other = WebhookSecret::from_random_bytes(&other_bytes).unwrap();
        let ts = timestamp.to_string();
        let header = webhook::signature_header(&[&secret], &msg_id, timestamp, &body);
        prop_assert_eq!(webhook::verify(&secret, &msg_id, &ts, &header, &body, timestamp + skew), Ok(()));
        // During rotation either secret verifies a header carrying both signatures.
        let both = webhook::signature_header(&[&other, &secret], &msg_id, timestamp, &body);
        prop_assert_eq!(webhook::verify(&secret, &msg_id, &ts, &both, &body, timestamp), Ok(()));
        if secret_bytes != other_bytes {
            prop_assert!(webhook::verify(&other, &msg_id, &ts, &header, &body, timestamp).is_err());
        }
        // Any flipped byte of the body, another id, another timestamp, or a stale delivery fails.
        if !body.is_empty() {
            let mut tampered = body.clone();
            tampered[flip.index(body.len())] ^= 0x01;
            prop_assert!(webhook::verify(&secret, &msg_id, &ts, &header, &tampered, timestamp).is_err());
        }
        let other_id = format!("{}x", msg_id);
        prop_assert!(webhook::verify(&secret, &other_id, &ts, &header, &body, timestamp).is_err());
        prop_assert!(webhook::verify(&secret, &msg_id, &(timestamp + 1).to_string(), &header, &body, timestamp).is_err());
        prop_assert!(webhook::verify(&secret, &msg_id, &ts, &header, &body, timestamp + webhook::TOLERANCE_SECS + 1).is_err());
        // A secret survives its text form.
        let parsed = WebhookSecret::parse(&secret.to_whsec_string()).unwrap();
        prop_assert_eq!(parsed.as_bytes(), secret.as_bytes());
    }
}

#[test]
fn every_status_round_trips_through_its_wire_name() {
    for s in SessionStatus::ALL {
        assert_eq!(SessionStatus::parse(s.as_str()), Some(s));
        assert_eq!(serde_json::to_value(s).unwrap(), s.as_str());
        assert_eq!(serde_json::from_value::<SessionStatus>(serde_json::json!(s.as_str())).unwrap(), s);
    }
    for s in PaymentStatus::ALL {
        assert_eq!(PaymentStatus::parse(s.as_str()), Some(s));
        assert_eq!(serde_json::to_value(s).unwrap(), s.as_str());
        assert_eq!(serde_json::from_value::<PaymentStatus>(serde_json::json!(s.as_str())).unwrap(), s);
    }
    for s in ChargeStatus::ALL {
        assert_eq!(ChargeStatus::parse(s.as_str()), Some(s));
        assert_eq!(serde_json::to_value(s).unwrap(), s.as_str());
    }
    // Wire names are exact: no case folding, no surrounding space.
    assert_eq!(SessionStatus::parse("pending"), None);
    assert_eq!(SessionStatus::parse(" PENDING"), None);
    assert_eq!(PaymentStatus::parse("succeeded"), None);
}
