#!/usr/bin/env python3
"""Writes the seed corpora of the mtls-record targets (deframer, record_open,
handshake_reassembly) in fuzz/corpus/<target>/. Run from fuzz/.

Sources: captured record streams (crates/mtls-testkit/vectors/*/transcript-*.hex,
crates/mtls-record/tests/vectors/*/c2s.hex, cut after the first protected record),
captured handshake messages, and records sealed here with the fixed key of
fuzz/src/record.rs (RECORD_KEY / RECORD_IV), so that the fuzzer starts past the MAC check.
Needs Python `cryptography`."""
import glob, os
from cryptography.hazmat.primitives.ciphers.aead import AESGCM, ChaCha20Poly1305

WIRE = "../crates/mtls-testkit/vectors"
REC = "../crates/mtls-record/tests/vectors"
KEY = bytes(range(32))
IV = bytes(range(0xa0, 0xac))

def load(p):
    return bytes.fromhex("".join(open(p).read().split()))

def put(target, name, data):
    d = f"corpus/{target}"
    os.makedirs(d, exist_ok=True)
    open(f"{d}/{name}", "wb").write(data)

def rec(typ, body, ver=b"\x03\x03"):
    return bytes([typ]) + ver + len(body).to_bytes(2, "big") + body

def hs(typ, body):
    return bytes([typ]) + len(body).to_bytes(3, "big") + body

class Sealer:
    """RecordEncrypter of lib.rs: suite 0 AES-128-GCM, 1 AES-256-GCM, 2 ChaCha20-Poly1305."""
    def __init__(self, suite):
        self.suite, self.seq = suite, 0
    def seal(self, typ, pt, ver=b"\x03\x03"):
        seq = self.seq.to_bytes(8, "big")
        self.seq += 1
        aad = seq + bytes([typ]) + ver + len(pt).to_bytes(2, "big")
        if self.suite == 2:
            nonce = bytes(a ^ b for a, b in zip(IV, bytes(4) + seq))
            frag = ChaCha20Poly1305(KEY).encrypt(nonce, pt, aad)
        else:
            key = KEY[:16] if self.suite == 0 else KEY
            frag = seq + AESGCM(key).encrypt(IV[:4] + seq, pt, aad)
        return rec(typ, frag, ver)

def records(stream):
    out, i = [], 0
    while i + 5 <= len(stream):
        n = int.from_bytes(stream[i + 3:i + 5], "big")
        out.append(stream[i:i + 5 + n])
        i += 5 + n
    return out

def cut_after_ccs(stream, extra=1):
    """The records up to the ChangeCipherSpec and `extra` more."""
    rs, out, left = records(stream), [], None
    for r in rs:
        out.append(r)
        if left is not None:
            left -= 1
            if left == 0:
                break
        if r[0] == 20:
            left = extra
    return b"".join(out)

FIN = hs(20, bytes(range(12)))
APP = b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"
CLOSE = b"\x01\x00"

# --- deframer: [flags, chunks, stream...] -------------------------------
# flags: bits 0-1 suite, bit 2 protected at start, bit 3 harness seals, bit 4 expect TLS 1.2,
# bits 5-6 handshake cap; chunks: two nibbles indexing CHUNKS.
n = 0
for p in sorted(glob.glob(f"{WIRE}/*/transcript-*.hex"))[:4]:
    s = p.split("/")[-2] + "-" + p.split("-")[-1][:3]
    put("deframer", f"real-{s}", bytes([0x00, 0x71]) + cut_after_ccs(load(p)))
for p in sorted(glob.glob(f"{REC}/*/c2s.hex"))[:2]:
    s = p.split("/")[-2]
    put("deframer", f"real-{s}", bytes([0x00, 0xb0]) + cut_after_ccs(load(p), 2))
# Plaintext handshake, CCS, then protected records: written in the clear, sealed by the
# harness (bit 3).
clear = (rec(22, hs(1, b"\x03\x03" + bytes(34)) + hs(14, b""))
         + rec(22, hs(11, bytes(3))[:3]) + rec(22, hs(11, bytes(3))[3:])
         + rec(20, b"\x01") + rec(22, FIN) + rec(23, APP) + rec(23, b"") + rec(23, b"x")
         + rec(21, CLOSE))
for suite in range(3):
    put("deframer", f"seal-suite{suite}", bytes([0x08 | 0x10 | suite, 0x0c]) + clear)
put("deframer", "seal-protected-start", bytes([0x0c | 0x02, 0x38])
    + rec(22, FIN) + rec(23, b"") * 3 + rec(23, APP) + rec(21, CLOSE))
put("deframer", "seal-cap4", bytes([0x08 | 0x20, 0x11]) + rec(22, hs(14, b"") * 3 + hs(2, b"x")))
# Sealed here (bit 3 clear): the stream as a peer would send it.
for suite in range(3):
    s = Sealer(suite)
    body = (rec(22, hs(2, bytes(38))) + rec(20, b"\x01") + s.seal(22, FIN)
            + s.seal(23, APP) + s.seal(23, b"") + s.seal(22, hs(0, b"")) + s.seal(21, CLOSE))
    put("deframer", f"sealed-suite{suite}", bytes([suite, 0x9a]) + body)
s = Sealer(2)
put("deframer", "sealed-start-chacha", bytes([0x04 | 2, 0xff])
    + s.seal(23, APP * 3) + s.seal(22, hs(4, bytes(100))[:50]) + s.seal(22, hs(4, bytes(100))[50:]))

# --- record_open ----------------------------------------------------------
# mode 0: [suite, type, ver hi, ver lo, fragment...]; mode 1: [suite|4, split, type, minor,
# tamper hi, tamper lo, plaintext...]
for suite in range(3):
    overhead = 16 if suite == 2 else 24
    put("record_open", f"forge-short-{suite}", bytes([suite, 23, 3, 3]) + bytes(overhead - 1))
    put("record_open", f"forge-{suite}", bytes([suite, 23, 3, 3]) + bytes(range(64)))
    put("record_open", f"genuine-{suite}",
        bytes([suite, 23, 3, 3]) + Sealer(suite).seal(23, APP)[5:])
    put("record_open", f"roundtrip-{suite}", bytes([suite | 4, 7, 23, 3, 0, 9]) + APP)
put("record_open", "forge-overflow", bytes([8, 23, 3, 3]) + bytes(40))
put("record_open", "forge-overflow-chacha", bytes([8 | 2, 23, 3, 3]) + bytes(2047))
put("record_open", "roundtrip-empty", bytes([4, 0, 21, 3, 0, 0]))
put("record_open", "roundtrip-hs", bytes([6, 1, 22, 1, 1, 2]) + FIN)

# --- handshake_reassembly: [flags, k sizes, stream...] --------------------
# flags: bits 0-2 k-1, bits 3-4 cap, bit 5 protected, bits 6-7 suite.
for sess in ["openssl-ecdhe-ecdsa", "gnutls-to-openssl", "openssl-rsa-kx"]:
    msgs = sorted(glob.glob(f"{WIRE}/{sess}/[0-9][0-9]-*.hex"))
    if not msgs:
        continue
    stream = b"".join(load(p) for p in msgs)
    put("handshake_reassembly", f"real-{sess}", bytes([0x02, 1, 200, 0]) + stream)
put("handshake_reassembly", "protected-chacha", bytes([0x20 | 0x80 | 1, 3, 17])
    + hs(20, bytes(12)) + hs(4, bytes(40)) + hs(0, b""))
put("handshake_reassembly", "cap4", bytes([0x08, 2]) + hs(0, b"") * 4 + hs(1, b"too long"))
put("handshake_reassembly", "cap300-partial", bytes([0x10 | 1, 5, 0])
    + hs(11, bytes(200)) + hs(11, bytes(400))[:30])
put("handshake_reassembly", "tiny", bytes([0x00, 1]) + hs(14, b"") + hs(1, b"ab")[:3])
