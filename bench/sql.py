#!/usr/bin/env python3
"""SQL that scripts/bench.sh feeds to `wrangler d1 execute --local`, matching edge/migrations/*.sql.

  sql.py confirm N BASE_URL SQL_OUT TOKENS_OUT
      N open sessions (PENDING, CREATED payment) of the sandbox merchant with real payer tokens: the SQL file
      stores only SHA-256(token), as the Worker does; the tokens go to TOKENS_OUT, one a line, for wrk's confirm
      scenario (each confirm needs a session of its own).
  sql.py fill START COUNT
      One statement pair that generates COUNT sessions and their payments inside SQLite (WITH RECURSIVE), ids
      numbered from START, with random token hashes and a realistic mix of states and ages: the background rows
      of the scaling runs. Printed on stdout for `--command`.
"""
import base64
import hashlib
import secrets
import sys
import time

MERCHANT = "mer_sandbox"


def q(s):
    return "NULL" if s is None else "'" + str(s).replace("'", "''") + "'"


def confirm_sessions(n, base_url, sql_out, tokens_out):
    now = int(time.time() * 1000)
    expires = now + 2 * 3600 * 1000
    sessions, payments, tokens = [], [], []
    for _ in range(n):
        token = "cst_" + base64.urlsafe_b64encode(secrets.token_bytes(32)).rstrip(b"=").decode()
        sid = "cs_" + secrets.token_hex(12)
        pid = "pay_" + secrets.token_hex(12)
        tokens.append(token)
        sessions.append(
            "(" + ", ".join([
                q(sid), q(MERCHANT), q("PENDING"), "0", q(hashlib.sha256(token.encode()).hexdigest()), "12500", q("TRY"),
                q(base_url + "/demo"), q(base_url + "/demo?returned=1"), "NULL", str(expires), "NULL", q("[]"), q("[]"),
                q('{"order_id":"bench"}'), q("[]"), "0", q("automatic"), q("en"), "NULL", "0", "3", "0", q(pid),
                str(now), str(now),
            ]) + ")"
        )
        payments.append(
            "(" + ", ".join([
                q(pid), q(MERCHANT), q(sid), q("CREATED"), "0", "12500", "0", q("TRY"), q("automatic"), "NULL", "NULL",
                "NULL", "0", str(now), str(now),
            ]) + ")"
        )
    # D1 caps one statement at 100 KB: insert in chunks.
    chunk = 100
    with open(sql_out, "w") as f:
        for i in range(0, n, chunk):
            f.write(
                "INSERT INTO checkout_sessions (id, merchant_id, status, version, token_hash, amount, currency, url, "
                "return_url, cancel_url, expires_at, customer, collect, custom_fields, metadata, public_metadata_keys, "
                "secure_mode, capture_method, locale, payer, attempts, max_attempts, livemode, payment_id, created_at, "
                "updated_at) VALUES\n" + ",\n".join(sessions[i:i + chunk]) + ";\n"
            )
            f.write(
                "INSERT INTO payments (id, merchant_id, checkout_session_id, status, version, amount, amount_captured, "
                "currency, capture_method, card, next_action, last_error, livemode, created_at, updated_at) VALUES\n"
                + ",\n".join(payments[i:i + chunk]) + ";\n"
            )
    with open(tokens_out, "w") as f:
        f.write("\n".join(tokens) + "\n")


def fill(start, count):
    """Background sessions: 60 % completed (succeeded payment with a card), 15 % expired, 10 % cancelled,
    5 % failed, 10 % still open; created over the last 30 days."""
    now = int(time.time() * 1000)
    day = 86_400_000
    cte = (
        f"WITH RECURSIVE n(i) AS (SELECT {start} UNION ALL SELECT i + 1 FROM n WHERE i < {start + count - 1}) "
    )
    session_status = (
        "CASE WHEN i % 20 < 12 THEN 'COMPLETED' WHEN i % 20 < 15 THEN 'EXPIRED' WHEN i % 20 < 17 THEN 'CANCELLED' "
        "WHEN i % 20 < 18 THEN 'FAILED' ELSE 'PENDING' END"
    )
    payment_status = (
        "CASE WHEN i % 20 < 12 THEN 'SUCCEEDED' WHEN i % 20 < 17 THEN 'CANCELLED' WHEN i % 20 < 18 THEN 'FAILED' "
        "ELSE 'CREATED' END"
    )
    created = f"({now} - (i * 7919 % (30 * {day})))"
    sessions = (
        "INSERT INTO checkout_sessions (id, merchant_id, status, version, token_hash, amount, currency, url, return_url, "
        "cancel_url, expires_at, customer, collect, custom_fields, metadata, public_metadata_keys, secure_mode, "
        "capture_method, locale, payer, attempts, max_attempts, livemode, payment_id, created_at, updated_at) "
        f"SELECT 'cs_fill' || printf('%09d', i), '{MERCHANT}', {session_status}, 2, lower(hex(randomblob(32))), "
        "1000 + i % 90000, 'TRY', 'https://shop.example/pay', 'https://shop.example/thanks', NULL, "
        f"CASE WHEN i % 20 >= 18 THEN {now} + 7200000 ELSE {created} + 1800000 END, "
        "json_object('name', 'Payer ' || i, 'email', 'payer' || i || '@example.com'), '[]', '[]', "
        "json_object('order_id', 'ord_' || i), '[]', 0, 'automatic', 'tr', "
        "CASE WHEN i % 20 < 12 THEN json_object('name', 'Payer ' || i, 'email', 'payer' || i || '@example.com') END, "
        "CASE WHEN i % 20 < 12 OR i % 20 = 17 THEN 1 ELSE 0 END, 3, 0, 'pay_fill' || printf('%09d', i), "
        f"{created}, {created} FROM n"
    )
    payments = (
        "INSERT INTO payments (id, merchant_id, checkout_session_id, status, version, amount, amount_captured, currency, "
        "capture_method, card, next_action, last_error, livemode, created_at, updated_at) "
        f"SELECT 'pay_fill' || printf('%09d', i), '{MERCHANT}', 'cs_fill' || printf('%09d', i), {payment_status}, 2, "
        "1000 + i % 90000, CASE WHEN i % 20 < 12 THEN 1000 + i % 90000 ELSE 0 END, 'TRY', 'automatic', "
        "CASE WHEN i % 20 < 12 THEN json_object('brand', 'visa', 'last4', printf('%04d', i % 10000), 'exp_month', 12, "
        "'exp_year', 2030, 'fingerprint', lower(hex(randomblob(16)))) END, NULL, NULL, 0, "
        f"{created}, {created} FROM n"
    )
    return cte + sessions + "; " + cte + payments + ";"


def main(argv):
    if len(argv) == 6 and argv[1] == "confirm":
        confirm_sessions(int(argv[2]), argv[3], argv[4], argv[5])
    elif len(argv) == 4 and argv[1] == "fill":
        print(fill(int(argv[2]), int(argv[3])))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
