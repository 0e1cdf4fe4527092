#!/usr/bin/env python3
"""Seeds for the TLS 1.3 parser targets (handshake_message_tls13, message_body_tls13,
extensions_tls13, inner_plaintext) and two TLS 1.3 flights for roundtrip, from the captured
TLS 1.3 vectors (read-only, crates/mtls-testkit/vectors/tls13/) plus a few hand-made inputs
for what no capture shows (a cookie, a CertificateEntry with extensions). Run from fuzz/."""
import glob, os

V = "../crates/mtls-testkit/vectors/tls13"
CTX = {"ch": 0, "sh": 1, "hrr": 2, "ee": 3, "cr": 4, "ct": 5, "nst": 6}


def load(p):
    return bytes.fromhex("".join(open(p).read().split()))


def put(target, name, data):
    d = f"corpus/{target}"
    os.makedirs(d, exist_ok=True)
    open(f"{d}/{name}", "wb").write(data)


def msgs(session):
    return [(os.path.basename(p)[3:-4].split("-", 1)[1], load(p))
            for p in sorted(glob.glob(f"{V}/{session}/[0-9][0-9]-*.hex"))]


def hello_tail(body, client):
    i = 34
    i += 1 + body[i]
    if client:
        i += 2 + int.from_bytes(body[i:i + 2], "big")
        i += 1 + body[i]
        return body[i:]
    return body[i + 3:]


sessions = sorted(os.path.basename(os.path.dirname(p)) for p in glob.glob(f"{V}/*/session.toml"))
bodies = {}
for s in sessions:
    ms = msgs(s)
    put("handshake_message_tls13", f"real-{s}", b"".join(m for _, m in ms))
    for name, m in ms:
        bodies.setdefault(name, []).append((s, m))
for s in ("openssl-hrr", "openssl-resumption-early-data"):
    put("roundtrip", f"real-tls13-{s}", b"".join(m for _, m in msgs(s)))

# One body per message kind, from the session that shows it best.
pick = {
    "client_hello": "openssl-resumption-early-data", "server_hello": "openssl-resumption-early-data",
    "hello_retry_request": "openssl-to-gnutls-hrr", "encrypted_extensions": "gnutls-to-openssl",
    "certificate_request": "openssl-to-gnutls-hrr", "certificate": "openssl-post-handshake-auth",
    "certificate_verify": "openssl-hrr", "finished": "openssl-hrr",
    "new_session_ticket": "openssl-resumption-early-data", "key_update": "openssl-mtls-key-update",
    "end_of_early_data": "openssl-resumption-early-data",
}
for name, want in pick.items():
    for s, m in bodies.get(name, []):
        if s == want:
            put("message_body_tls13", f"real-{name}", m[:1] + m[4:])
            break
for s, m in bodies["certificate"]:
    if s == "openssl-empty-client-cert" and len(m) == 8:
        put("message_body_tls13", "real-empty-certificate", m[:1] + m[4:])

# Extension blocks, first byte = the message (fuzz_extensions_tls13).
ext = {}
for s, m in bodies["client_hello"]:
    ext.setdefault("ch", []).append((s, hello_tail(m[4:], True)))
for s, m in bodies["server_hello"]:
    ext.setdefault("sh", []).append((s, hello_tail(m[4:], False)))
for s, m in bodies["hello_retry_request"]:
    ext.setdefault("hrr", []).append((s, hello_tail(m[4:], False)))
for s, m in bodies["encrypted_extensions"]:
    ext.setdefault("ee", []).append((s, m[4:]))
for s, m in bodies["certificate_request"]:
    body = m[4:]
    ext.setdefault("cr", []).append((s, body[1 + body[0]:]))
for s, m in bodies["new_session_ticket"]:
    body = m[4:]
    i = 8
    i += 1 + body[i]
    i += 2 + int.from_bytes(body[i:i + 2], "big")
    ext.setdefault("nst", []).append((s, body[i:]))
for ctx, entries in ext.items():
    # The sessions that show the most first: resumption (psk, early_data), GnuTLS.
    entries.sort(key=lambda e: (0 if "resumption" in e[0] else 1 if "gnutls" in e[0] else 2, e[0]))
    seen = set()
    for s, block in entries:
        if block in seen or len(seen) >= 2:
            continue
        seen.add(block)
        put("extensions_tls13", f"real-{ctx}-{s}", bytes([CTX[ctx]]) + block)
# Hand-made: a HelloRetryRequest block with a cookie, a CertificateEntry block with
# status_request and signed_certificate_timestamp.
put("extensions_tls13", "hrr-cookie",
    bytes([CTX["hrr"]]) + bytes.fromhex("0014 002b00020304 00330002001d 002c0004 0002abcd".replace(" ", "")))
put("extensions_tls13", "ct-ocsp-sct",
    bytes([CTX["ct"]]) + bytes.fromhex("000d 0005 0005 0100000001 0012 0000".replace(" ", "")))

# Inner plaintexts: content, type, padding.
put("inner_plaintext", "application-data-padded", b"hello mtls\n" + b"\x17" + bytes(16))
put("inner_plaintext", "handshake", bytes.fromhex("1800000101") + b"\x16")
put("inner_plaintext", "alert", b"\x01\x00\x15")
put("inner_plaintext", "zeros", bytes(8))
print(f"{len(sessions)} sessions")
