"""Drives the Python client that openapi-python-client generated from /v1/openapi.json against the local Worker:
create a session -> confirm it with a sandbox card -> get the payment -> list its events. Every response is parsed
into the generated models (a shape the document does not describe fails here). Run by scripts/clients.sh with the
generated package's parent directory as the only argument; needs HSRC_BASE_URL and HSRC_SECRET_KEY."""

import os
import sys
import time

sys.path.insert(0, sys.argv[1])

from hsrc_api import AuthenticatedClient, Client  # noqa: E402
from hsrc_api.api.merchant import create_session, get_payment, list_events  # noqa: E402
from hsrc_api.api.payer import confirm  # noqa: E402
from hsrc_api.models import (  # noqa: E402
    CardInput,
    ConfirmRequest,
    ConfirmResponse,
    CreateSessionRequest,
    CreateSessionRequestMetadata,
    ErrorBody,
    EventList,
    PayerDetails,
    PaymentEnvelope,
    PaymentMethodInput,
    PaymentMethodType,
    PaymentStatus,
    SessionEnvelope,
)

base, key = os.environ["HSRC_BASE_URL"], os.environ["HSRC_SECRET_KEY"]
merchant = AuthenticatedClient(base_url=base, token=key, raise_on_unexpected_status=True)
payer = Client(base_url=base, raise_on_unexpected_status=True)


def expect(value, kind, what):
    assert isinstance(value, kind), f"{what}: expected {kind.__name__}, got {value!r}"
    return value


metadata = CreateSessionRequestMetadata.from_dict({"order_id": "py_client"})
created = expect(
    create_session.sync(client=merchant, body=CreateSessionRequest(amount=12500, currency="TRY", metadata=metadata)),
    SessionEnvelope,
    "create session",
).checkout_session
assert created.token, "the token comes back on create"

card = CardInput(number="4242424242424242", exp_month=12, exp_year=time.gmtime().tm_year + 5, cvc="123")
body = ConfirmRequest(
    payment_method=PaymentMethodInput(type_=PaymentMethodType.CARD, card=card),
    payer=PayerDetails(name="Py Client", email="py@example.com"),
)
confirmed = expect(confirm.sync(created.token, client=payer, body=body), ConfirmResponse, "confirm")
assert confirmed.confirm_result.payment.status == PaymentStatus.SUCCEEDED, confirmed.confirm_result.payment.status

payment = expect(get_payment.sync(created.payment_id, client=merchant), PaymentEnvelope, "get payment").payment
assert payment.status == PaymentStatus.SUCCEEDED and payment.amount == 12500, payment
assert payment.checkout_session_id == created.id and len(payment.charges) >= 1

events = expect(list_events.sync(client=merchant, payment_id=created.payment_id, limit="100"), EventList, "list events")
kinds = {e.type_ for e in events.data}
assert "payment.succeeded" in kinds, kinds
assert all(e.payment_id == created.payment_id for e in events.data)

# The error model parses too.
missing = get_payment.sync("pay_does_not_exist", client=merchant)
assert isinstance(missing, ErrorBody) and missing.error.code == "resource_missing", missing

print(f"[clients] python: session {created.id} -> payment {payment.id} {payment.status} -> {len(events.data)} events")
