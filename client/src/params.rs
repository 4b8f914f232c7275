//! Query parameters of the list endpoints.

/// Paging and filters of `GET /v1/checkout-sessions`, `/v1/payments` and `/v1/events`; unset fields are not sent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListParams {
    /// 1–100 (the API's default is 10).
    pub limit: Option<u32>,
    /// The `next_cursor` of the previous page (older objects).
    pub starting_after: Option<String>,
    /// Events only: an event id; the page holds only newer events (the oldest of them), still newest first.
    pub ending_before: Option<String>,
    /// Sessions and payments: only this status (`COMPLETED`, `SUCCEEDED`, …).
    pub status: Option<String>,
    /// Events only: only this type.
    pub kind: Option<String>,
    /// Events only.
    pub payment_id: Option<String>,
    /// Events only.
    pub checkout_session_id: Option<String>,
}

impl ListParams {
    /// `?a=b&…`, or "" when nothing is set.
    pub fn query(&self) -> String {
        let mut q = url::form_urlencoded::Serializer::new(String::new());
        let limit = self.limit.map(|l| l.to_string());
        let pairs = [
            ("limit", limit.as_deref()),
            ("starting_after", self.starting_after.as_deref()),
            ("ending_before", self.ending_before.as_deref()),
            ("status", self.status.as_deref()),
            ("type", self.kind.as_deref()),
            ("payment_id", self.payment_id.as_deref()),
            ("checkout_session_id", self.checkout_session_id.as_deref()),
        ];
        let mut any = false;
        for (name, value) in pairs {
            if let Some(v) = value {
                q.append_pair(name, v);
                any = true;
            }
        }
        if any {
            format!("?{}", q.finish())
        } else {
            String::new()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::ListParams;

    #[test]
    fn only_set_fields_are_sent_and_values_are_encoded() {
        assert_eq!(ListParams::default().query(), "");
        let p = ListParams {
            limit: Some(5),
            kind: Some("payment.succeeded".into()),
            starting_after: Some("a&b".into()),
            ..Default::default()
        };
        assert_eq!(p.query(), "?limit=5&starting_after=a%26b&type=payment.succeeded");
    }
}
