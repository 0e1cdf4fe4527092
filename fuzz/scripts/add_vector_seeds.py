#!/usr/bin/env python3
"""Adds a few captured real-world messages (read-only, from
crates/mtls-testkit/vectors/) to the seed corpora. Run from fuzz/."""
import glob, os

V = "../crates/mtls-testkit/vectors"

def load(p):
    return bytes.fromhex("".join(open(p).read().split()))

def one(session, kind):
    ps = sorted(glob.glob(f"{V}/{session}/*-{kind}.hex"))
    return [load(p) for p in ps]

def put(target, name, data):
    d = f"corpus/{target}"
    os.makedirs(d, exist_ok=True)
    open(f"{d}/{name}", "wb").write(data)

def ch_ext_tail(body):
    i = 34
    i += 1 + body[i]
    i += 2 + int.from_bytes(body[i:i+2], "big")
    i += 1 + body[i]
    return body[i:]

def sh_ext_tail(body):
    i = 34
    i += 1 + body[i]
    return body[i + 3:]

n = 0
for session, kx in [("openssl-ecdhe-ecdsa", 1), ("gnutls-to-openssl", 1),
                    ("openssl-rsa-kx", 2), ("python-ecdhe-ecdsa", 1)]:
    if not os.path.isdir(f"{V}/{session}"):
        continue
    tag = f"real-{session}"
    msgs = sorted(glob.glob(f"{V}/{session}/[0-9][0-9]-*.hex"))
    put("handshake_message", tag, bytes([kx]) + b"".join(load(p) for p in msgs))
    for m in one(session, "client_hello"):
        put("client_hello", tag, m[4:])
        put("extensions", tag + "-ch", b"\x00" + ch_ext_tail(m[4:]))
    for m in one(session, "server_hello"):
        put("server_hello", tag, m[4:])
        put("extensions", tag + "-sh", b"\x01" + sh_ext_tail(m[4:]))
    for m in one(session, "server_key_exchange"):
        put("server_key_exchange", tag, bytes([kx]) + m[4:])
    for m in one(session, "certificate_request"):
        put("certificate_request", tag, m[4:])
        body = m[4:]
        i = 1 + body[0]
        i += 2 + int.from_bytes(body[i:i+2], "big")
        put("dn_list", tag, body[i:])
    for m in one(session, "client_key_exchange"):
        put("client_key_exchange", tag, bytes([kx]) + m[4:])
    certs = one(session, "certificate")
    if certs:
        put("certificate", tag, certs[0][4:])
    t = f"{V}/{session}/transcript-s2c.hex"
    if os.path.exists(t):
        put("record_stream", tag, load(t))
    n += 1
print(f"{n} sessions")
