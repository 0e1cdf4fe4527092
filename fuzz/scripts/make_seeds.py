#!/usr/bin/env python3
"""Writes the seed corpora in fuzz/corpus/<target>/ from the hand-written
fixtures of crates/mtls-wire/tests/it/fixtures.rs. Run from fuzz/."""
import os

def h(s):
    return bytes.fromhex("".join(s.split()))

CH_BODY = h("""0303
 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f
 20 aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
 0010 c02b c02c c02f c030 cca9 cca8 009c 00ff  01 00
 0063 0000 000e 000c 00 0009 6c6f63616c686f7374 000a 0006 0004 001d 0017
 000b 0002 01 00 000d 000e 000c 0804 0403 0401 0805 0501 0806
 0010 000e 000c 02 6832 08 687474702f312e31 0017 0000 ff01 0001 00 0023 0000
 002b 0005 04 0304 0303 0015 0003 000000""")
CH_NOEXT = h("0303" + "55" * 32 + "00 0002 c02f 01 00")
CH_EMPTYEXT = CH_NOEXT + h("0000")
CH_SNI = h("0303" + "00" * 32 + "00 0002 c02f 01 00 0011 0000 000d 000b 00 0003 616263 05 0002 7879")
SH_BODY = h("""0303 1f1e1d1c1b1a191817161514131211100f0e0d0c0b0a09080706050403020100
 20 bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb c02f 00
 0020 ff01 0001 00 0017 0000 0000 0000 000b 0002 01 00 0010 0005 0003 02 6832 0023 0000""")
SH_TLS13 = h("0303" + "77" * 32 + "00 1301 00 0006 002b 0002 0304")
CERT = h("00000f 000005 3003020101 000004 30020500")
CERT_EMPTY = h("000000")
SKE = h("03 001d 20" + "9f" * 32 + "0804 0008 0102030405060708")
CR = h("02 01 40 0008 0403 0804 0401 0201 000a 0004 30023100 0002 3000")
CR_NOCA = h("01 01 0002 0401 0000")
CV = h("0804 0006 a1a2a3a4a5a6")
CKE_EC = h("20" + "42" * 32)
CKE_RSA = h("0010" + "e7" * 16)
FIN = h("0102030405060708090a0b0c")
NST = h("00001c20 0004 deadbeef")
STATUS = h("01 000000")

def msg(t, body):
    return bytes([t]) + len(body).to_bytes(3, "big") + body

def rec(ct, frag):
    return bytes([ct]) + b"\x03\x03" + len(frag).to_bytes(2, "big") + frag

seeds = {
    "client_hello": [CH_BODY, CH_NOEXT, CH_EMPTYEXT, CH_SNI],
    "server_hello": [SH_BODY, SH_TLS13],
    "certificate": [CERT, CERT_EMPTY],
    "server_key_exchange": [b"\x01" + SKE, b"\x00" + SKE],
    "certificate_request": [CR, CR_NOCA],
    "client_key_exchange": [b"\x01" + CKE_EC, b"\x02" + CKE_RSA],
    "extensions": [
        b"\x00" + CH_BODY[2 + 32 + 33 + 18 + 2:],
        b"\x00" + CH_SNI[2 + 32 + 1 + 4 + 2:],
        b"\x01" + SH_BODY[2 + 32 + 33 + 3:],
        b"\x01" + SH_TLS13[2 + 32 + 1 + 3:],
        b"\x00",
        b"\x00\x00\x00",
    ],
    "alert": [h("0232"), h("0100"), h("01")],
    "dn_list": [h("000a 0004 30023100 0002 3000"), h("0000")],
    "handshake_message": [
        b"\x00" + msg(1, CH_BODY),
        b"\x00" + msg(1, CH_NOEXT),
        b"\x00" + msg(2, SH_BODY) + msg(11, CERT),
        b"\x01" + msg(12, SKE) + msg(13, CR) + msg(14, b""),
        b"\x00" + msg(11, CERT_EMPTY) + msg(15, CV),
        b"\x01" + msg(16, CKE_EC) + msg(20, FIN),
        b"\x02" + msg(16, CKE_RSA),
        b"\x00" + msg(4, NST) + msg(0, b"") + msg(22, STATUS),
        b"\x00" + msg(13, CR_NOCA),
    ],
    "record_stream": [
        rec(22, msg(1, CH_BODY)),
        rec(22, msg(2, SH_BODY) + msg(11, CERT) + msg(14, b"")),
        rec(21, h("0232")) + rec(20, h("01")) + rec(23, b"\x00" * 24),
        rec(22, msg(14, b""))[:7],
    ],
}

for target, items in seeds.items():
    d = os.path.join("corpus", target)
    os.makedirs(d, exist_ok=True)
    for i, data in enumerate(items):
        with open(os.path.join(d, f"seed-{i:02}"), "wb") as f:
            f.write(data)
print("ok")
