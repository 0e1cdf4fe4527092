"""TLS 1.3 transcript decryption and a strict message decoder, for capture.py.

Independent of the peers that made the capture: the record stream of each
direction is split into records, protected records are opened with the
traffic secrets of the NSS key log (RFC 8446 7.1-7.3: HKDF-Expand-Label for
key and iv, nonce = iv XOR sequence number, the record header as additional
data; "traffic upd" for KeyUpdate), and the handshake bytes are split into
messages. Every message is then walked field by field (vectors, extension
blocks) with no byte left over.

Uses the `cryptography` package for HKDF and the AEADs.
"""

from __future__ import annotations

import hashlib

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM, ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDFExpand
from cryptography.exceptions import InvalidTag


class DecryptError(Exception):
    pass


HRR_RANDOM = hashlib.sha256(b"HelloRetryRequest").digest()

SUITES = {
    0x1301: ("TLS_AES_128_GCM_SHA256", AESGCM, 16, hashes.SHA256()),
    0x1302: ("TLS_AES_256_GCM_SHA384", AESGCM, 32, hashes.SHA384()),
    0x1303: ("TLS_CHACHA20_POLY1305_SHA256", ChaCha20Poly1305, 32, hashes.SHA256()),
}

NAMES = {
    1: "client_hello", 2: "server_hello", 4: "new_session_ticket", 5: "end_of_early_data",
    8: "encrypted_extensions", 11: "certificate", 13: "certificate_request",
    15: "certificate_verify", 20: "finished", 24: "key_update",
}


def hkdf_expand_label(hash_alg, secret: bytes, label: bytes, context: bytes, length: int) -> bytes:
    full = b"tls13 " + label
    info = length.to_bytes(2, "big") + bytes([len(full)]) + full + bytes([len(context)]) + context
    return HKDFExpand(hash_alg, length, info).derive(secret)


class Epoch:
    """One traffic secret of one direction, with its record sequence number."""

    def __init__(self, suite: int, secret: bytes):
        _, aead, key_len, hash_alg = SUITES[suite]
        self.suite, self.secret, self.hash = suite, secret, hash_alg
        self.aead = aead(hkdf_expand_label(hash_alg, secret, b"key", b"", key_len))
        self.iv = hkdf_expand_label(hash_alg, secret, b"iv", b"", 12)
        self.seq = 0

    def next_generation(self) -> "Epoch":
        n = hkdf_expand_label(self.hash, self.secret, b"traffic upd", b"", self.hash.digest_size)
        return Epoch(self.suite, n)

    def open(self, header: bytes, body: bytes) -> bytes | None:
        nonce = bytes(a ^ b for a, b in zip(self.iv, self.seq.to_bytes(12, "big")))
        try:
            out = self.aead.decrypt(nonce, body, header)
        except InvalidTag:
            return None
        self.seq += 1
        return out


def split_records(chunks: list[tuple[str, bytes]], direction: str) -> list[tuple[int, bytes, bytes]]:
    """(index of the chunk that completed it, 5-byte header, fragment) per record."""
    buf, out, got = b"", [], 0
    for i, (d, data) in enumerate(chunks):
        if d != direction:
            continue
        buf += data
        while len(buf) >= 5 and len(buf) >= 5 + int.from_bytes(buf[3:5], "big"):
            n = 5 + int.from_bytes(buf[3:5], "big")
            out.append((i, buf[:5], buf[5:n]))
            buf = buf[n:]
        got += 1
    if buf:
        raise DecryptError(f"{direction}: {len(buf)} bytes after the last whole record")
    return out


def keylog_secrets(keylog: str, client_random: bytes) -> dict[str, bytes]:
    out = {}
    for line in keylog.splitlines():
        parts = line.split()
        if len(parts) == 3 and bytes.fromhex(parts[1]) == client_random:
            out[parts[0]] = bytes.fromhex(parts[2])
    return out


def open_direction(records, secrets: list[bytes], suite: int):
    """Opens the records of one direction. Returns [(chunk index, inner type,
    content)] for every record, plaintext ones included, trying the epochs in
    order (early, handshake, application, then KeyUpdate generations)."""
    epochs = [Epoch(suite, s) for s in secrets]
    cur, out = 0, []
    for idx, header, frag in records:
        typ = header[0]
        if typ != 23:
            out.append((idx, typ, frag))
            continue
        for k in range(cur, cur + 4):
            while k >= len(epochs):
                epochs.append(epochs[-1].next_generation())
            plain = epochs[k].open(header, frag)
            if plain is not None:
                cur = k
                break
        else:
            raise DecryptError(f"a protected record (chunk {idx}) opens under no key")
        inner = plain.rstrip(b"\x00")
        if not inner:
            raise DecryptError("inner plaintext without a content type")
        out.append((idx, inner[-1], inner[:-1]))
    return out


def handshake_messages(opened) -> list[tuple[int, bytes]]:
    """Joins the handshake content (type 22) and splits it into messages:
    [(index of the chunk that completed it, message bytes)]."""
    buf, out = b"", []
    for idx, typ, content in opened:
        if typ != 22:
            continue
        buf += content
        while len(buf) >= 4 and len(buf) >= 4 + int.from_bytes(buf[1:4], "big"):
            n = 4 + int.from_bytes(buf[1:4], "big")
            out.append((idx, buf[:n]))
            buf = buf[n:]
    if buf:
        raise DecryptError(f"{len(buf)} handshake bytes after the last whole message")
    return out


# ---------------------------------------------------------------------------
# Strict decoder: every vector inside its bounds, nothing left over.
# ---------------------------------------------------------------------------

class R:
    def __init__(self, b: bytes, what: str):
        self.b, self.i, self.what = b, 0, what

    def take(self, n: int) -> bytes:
        if self.i + n > len(self.b):
            raise DecryptError(f"{self.what}: {n} bytes past the end")
        v = self.b[self.i:self.i + n]
        self.i += n
        return v

    def u(self, n: int) -> int:
        return int.from_bytes(self.take(n), "big")

    def vec(self, width: int, lo: int, hi: int) -> bytes:
        n = self.u(width)
        if not lo <= n <= hi:
            raise DecryptError(f"{self.what}: vector of {n} bytes outside <{lo}..{hi}>")
        return self.take(n)

    def done(self) -> None:
        if self.i != len(self.b):
            raise DecryptError(f"{self.what}: {len(self.b) - self.i} bytes left over")


def extensions(data: bytes, what: str, lo: int = 0, hi: int = 0xFFFF) -> list[tuple[int, bytes]]:
    r = R(data, what)
    block = R(r.vec(2, lo, hi), what)
    r.done()
    out = []
    while block.i < len(block.b):
        out.append((block.u(2), block.vec(2, 0, 0xFFFF)))
    types = [t for t, _ in out]
    if len(set(types)) != len(types):
        raise DecryptError(f"{what}: duplicate extension")
    return out


def decode(msg: bytes) -> dict:
    """Walks one handshake message; returns the facts capture.py records."""
    typ, body = msg[0], msg[4:]
    if int.from_bytes(msg[1:4], "big") != len(body):
        raise DecryptError("length field does not match")
    r = R(body, NAMES.get(typ, str(typ)))
    f: dict = {"type": typ}
    if typ == 1:
        r.take(2)
        f["random"] = r.take(32)
        r.vec(1, 0, 32)
        suites = r.vec(2, 2, 0xFFFE)
        f["suites"] = [int.from_bytes(suites[i:i + 2], "big") for i in range(0, len(suites), 2)]
        r.vec(1, 1, 255)
        f["ext"] = extensions(r.take(len(body) - r.i), "ClientHello.extensions", 8)
    elif typ == 2:
        r.take(2)
        f["random"] = r.take(32)
        r.vec(1, 0, 32)
        f["suite"] = r.u(2)
        r.take(1)
        f["ext"] = extensions(r.take(len(body) - r.i), "ServerHello.extensions", 6)
        f["hrr"] = f["random"] == HRR_RANDOM
    elif typ == 8:
        f["ext"] = extensions(r.take(len(body)), "EncryptedExtensions.extensions")
    elif typ == 13:
        f["context"] = r.vec(1, 0, 255)
        f["ext"] = extensions(r.take(len(body) - r.i), "CertificateRequest.extensions", 2)
    elif typ == 11:
        f["context"] = r.vec(1, 0, 255)
        entries = R(r.vec(3, 0, 0xFFFFFF), "Certificate.certificate_list")
        f["certs"] = []
        while entries.i < len(entries.b):
            f["certs"].append(entries.vec(3, 1, 0xFFFFFF))
            ext_len = int.from_bytes(entries.b[entries.i:entries.i + 2], "big")
            extensions(entries.take(2 + ext_len), "CertificateEntry.extensions")
    elif typ == 15:
        f["scheme"] = r.u(2)
        r.vec(2, 0, 0xFFFF)
    elif typ == 20:
        f["verify_data"] = r.take(len(body))
    elif typ == 4:
        r.take(8)
        r.vec(1, 0, 255)
        r.vec(2, 1, 0xFFFF)
        f["ext"] = extensions(r.take(len(body) - r.i), "NewSessionTicket.extensions", 0, 0xFFFE)
    elif typ == 24:
        f["request_update"] = r.u(1)
        if f["request_update"] > 1:
            raise DecryptError("KeyUpdate request_update not 0 or 1")
    elif typ == 5:
        pass
    else:
        raise DecryptError(f"unexpected handshake type {typ}")
    r.done()
    return f
