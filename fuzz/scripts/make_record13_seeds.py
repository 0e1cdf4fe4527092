#!/usr/bin/env python3
"""Writes the seed corpus of the TLS 1.3 record target (record_tls13) in
fuzz/corpus/record_tls13/. Run from fuzz/.

Byte 0 picks the mode (see fuzz/src/record13.rs, fuzz_record_tls13): reader streams, in
plaintext or sealed at run time by seal_stream13 (their application_data records hold whole
inner plaintexts: content, type, padding), and records sealed here with the fixed keys of
record13.rs (RECORD_KEY with the generation in its first byte, RECORD_IV; nonce = IV XOR
sequence number, the header as additional data, RFC 8446 5.2-5.3) for the decrypter mode and
the protected reader mode, so that the fuzzer starts past the MAC check. The first ClientHello
and ServerHello of a captured TLS 1.3 session seed the plaintext reader. Needs Python
`cryptography`."""
import os
from cryptography.hazmat.primitives.ciphers.aead import AESGCM, ChaCha20Poly1305

KEY = bytes(range(32))
IV = bytes(range(0xA0, 0xAC))
V = "../crates/mtls-testkit/vectors/tls13"


def put(name, data):
    d = "corpus/record_tls13"
    os.makedirs(d, exist_ok=True)
    open(f"{d}/{name}", "wb").write(data)


def rec(typ, body, ver=b"\x03\x03"):
    return bytes([typ]) + ver + len(body).to_bytes(2, "big") + body


def hs(typ, body):
    return bytes([typ]) + len(body).to_bytes(3, "big") + body


def inner(content, typ, padding=0):
    return content + bytes([typ]) + bytes(padding)


def seal(suite, generation, seq, inner_pt, outer=23, ver=b"\x03\x03"):
    """Record `seq` of `generation` under suite 0 AES-128-GCM, 1 AES-256-GCM, 2 ChaCha."""
    key = bytearray(KEY[:16] if suite == 0 else KEY)
    key[0] ^= generation
    nonce = bytes(a ^ b for a, b in zip(IV, bytes(4) + seq.to_bytes(8, "big")))
    header = bytes([outer]) + ver + (len(inner_pt) + 16).to_bytes(2, "big")
    aead = ChaCha20Poly1305(bytes(key)) if suite == 2 else AESGCM(bytes(key))
    return header + aead.encrypt(nonce, inner_pt, header)


def load(p):
    return bytes.fromhex("".join(open(p).read().split()))


ee = hs(8, b"\x00\x00")
fin = hs(20, bytes(range(32)))
ku = hs(24, b"\x01")
ccs = rec(20, b"\x01")
close = inner(b"\x01\x00", 21)

# One suite per case, in turn (suite 0 AES-128-GCM, 1 AES-256-GCM, 2 ChaCha20-Poly1305).
# Mode 0, protected, sealed at run time (flags: suite | 8 | 16); byte 1: two chunk sizes.
stream = (rec(23, inner(ee + fin[:10], 22)) + ccs + rec(23, inner(fin[10:], 22, 3))
          + rec(23, inner(b"data", 23)) + rec(23, inner(b"", 23, 5))
          + rec(23, inner(ku, 22)) + rec(23, inner(b"after update", 23, 1))
          + rec(23, close))
put("stream-sealed", bytes([0 | 8 | 16, 0xF0]) + stream)
# A KeyUpdate followed in its record by another message: the key change is refused.
put("stream-spanning", bytes([1 | 8 | 16, 0x0F]) + rec(23, inner(ku + fin[:5], 22)) + rec(23, inner(fin[5:], 22)))
# Malformed inner plaintexts for the reader: zeros, a protected CCS, empty handshake content,
# one byte too long; a plaintext handshake record after keys; a CCS of 2. (At most 16 seeds,
# as for the other record targets.)
bad = [("zeros", bytes(40)), ("ccs", inner(b"\x01", 20)), ("empty-hs", inner(b"", 22, 7)),
       ("long", inner(bytes(16384), 23, 1))]
for i, (name, body) in enumerate(bad):
    put(f"stream-{name}", bytes([i % 3 | 8 | 16, 0xFF]) + rec(23, inner(b"ok", 23)) + rec(23, body))
put("stream-plaintext-after-keys", bytes([2 | 8 | 16, 0x11]) + rec(22, ee))
put("stream-bad-ccs", bytes([0 | 8 | 16, 0x22]) + rec(20, b"\x02"))
# Mode 0, protected, records sealed here (flags: suite | 8), odd record versions, expecting
# TLS 1.2 versions (bit 5, ignored in TLS 1.3 mode); a KeyUpdate moves to generation 1.
suite = 2
genuine = (seal(suite, 0, 0, inner(ee, 22)) + ccs
           + seal(suite, 0, 1, inner(b"hello", 23, 10), ver=b"\x03\x01")
           + seal(suite, 0, 2, inner(ku, 22))
           + seal(suite, 1, 0, inner(b"gen 1", 23), ver=b"\x00\x00")
           + seal(suite, 1, 1, close))
put("stream-genuine", bytes([suite | 8 | 32, 0x73]) + genuine)
# Mode 1, the decrypter: a genuine record 0, padded, of zeros, another outer type, a forgery,
# an oversized one.
for suite, (name, record) in enumerate([
        ("genuine", seal(0, 0, 0, inner(b"abc", 23))),
        ("padded", seal(1, 0, 0, inner(b"abc", 22, 100))),
        ("zeros", seal(2, 0, 0, bytes(20)))]):
    put(f"open-{name}", bytes([suite | 4]) + record[:3] + record[5:])
outer = seal(0, 0, 0, inner(b"abc", 23), outer=22)
put("open-outer-hs", bytes([0 | 4]) + outer[:3] + outer[5:])
forged = bytearray(seal(1, 0, 0, inner(b"abc", 23)))
forged[7] ^= 1
put("open-forged", bytes([1 | 4]) + forged[:3] + forged[5:])
put("open-oversized", bytes([2 | 4 | 8]) + b"\x17\x03\x03" + bytes(20))

# Mode 0, plaintext (flags 0): a captured ClientHello and ServerHello with the compatibility
# CCS between, as TLS 1.3 peers send them.
ch = load(f"{V}/openssl-mtls-key-update/01-client-client_hello.hex")
sh = load(f"{V}/openssl-mtls-key-update/02-server-server_hello.hex")
put("stream-hellos", bytes([0, 0x4B]) + rec(22, ch, b"\x03\x01") + ccs + rec(22, sh) + rec(21, b"\x02\x28"))
