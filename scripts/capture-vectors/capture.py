#!/usr/bin/env python3
"""Capture real TLS 1.2 (mutual-auth) handshake messages from OpenSSL, GnuTLS,
Python ssl and curl, for the mtls-wire codec tests.

    python3 scripts/capture-vectors/capture.py --out crates/mtls-testkit/vectors

What it does, per session:
  1. starts the real server on 127.0.0.1:<free port> (under `timeout`),
  2. starts a recording proxy (proxy.py) on 127.0.0.1:<another port>,
  3. runs the real client against the proxy (under `timeout`),
  4. splits each direction into TLS records, reassembles the plaintext
     handshake records (type 22) seen before that direction's first
     ChangeCipherSpec (type 20), and splits that stream into handshake
     messages (1-byte type, 3-byte length),
  5. checks every message with an independent strict Python decoder and
     checks the negotiated parameters against what the command line forced,
  6. writes one .hex file per message (with its 4-byte header), a
     session.toml with the context (kx, suite, group, commands, expected
     facts), the raw TCP byte streams and the NSS key log.

Only 127.0.0.1 is used. Every child process runs under `timeout`, every loop
is bounded. Existing PKI in <out>/pki is reused unless --fresh-pki is given
(so regenerating does not churn the certificate fixtures).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from proxy import RecordingProxy  # noqa: E402

LOOPBACK = "127.0.0.1"
PROC_TIMEOUT = 30  # seconds, passed to `timeout` for every child
SESSION_DEADLINE = 25.0  # seconds, proxy lifetime per session

HS_NAMES = {
    0: "hello_request",
    1: "client_hello",
    2: "server_hello",
    4: "new_session_ticket",
    11: "certificate",
    12: "server_key_exchange",
    13: "certificate_request",
    14: "server_hello_done",
    15: "certificate_verify",
    16: "client_key_exchange",
    20: "finished",
    22: "certificate_status",
}

SUITES = {
    0xC02B: "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
    0xC02C: "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
    0xC02F: "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
    0xC030: "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
    0xCCA8: "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
    0xCCA9: "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
    0x009C: "TLS_RSA_WITH_AES_128_GCM_SHA256",
    0x009D: "TLS_RSA_WITH_AES_256_GCM_SHA384",
}
GROUPS = {23: "secp256r1", 24: "secp384r1", 25: "secp521r1", 29: "x25519", 30: "x448"}
GROUP_POINT_LEN = {23: 65, 24: 97, 25: 133, 29: 32, 30: 56}


class CaptureError(Exception):
    pass


# --------------------------------------------------------------------------
# PKI
# --------------------------------------------------------------------------

def run(cmd: list[str], cwd: Path, timeout: int = PROC_TIMEOUT) -> None:
    r = subprocess.run(["timeout", str(timeout), *cmd], cwd=cwd, capture_output=True, text=True)
    if r.returncode != 0:
        raise CaptureError(f"command failed ({r.returncode}): {' '.join(cmd)}\n{r.stderr}")


def make_pki(pki: Path) -> None:
    """CA (P-256), server ECDSA P-256, server RSA-2048, client RSA-2048,
    client ECDSA P-256; all leaves carry EKU and keyUsage."""
    pki.mkdir(parents=True, exist_ok=True)
    days = "3650"
    run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
         "-keyout", "ca.key", "-out", "ca.pem", "-days", days, "-subj", "/CN=mtls test CA",
         "-addext", "basicConstraints=critical,CA:TRUE",
         "-addext", "keyUsage=critical,keyCertSign,cRLSign"], pki)
    (pki / "server.ext").write_text(
        "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n"
        "keyUsage=critical,digitalSignature\n")
    # RSA server cert is also used for static-RSA key exchange: keyEncipherment.
    (pki / "server-rsa.ext").write_text(
        "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n"
        "keyUsage=critical,digitalSignature,keyEncipherment\n")
    (pki / "client.ext").write_text(
        "extendedKeyUsage=clientAuth\nkeyUsage=critical,digitalSignature\n")
    leaves = [
        ("server-ecdsa", ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"], "/CN=localhost", "server.ext"),
        ("server-rsa", ["-newkey", "rsa:2048"], "/CN=localhost", "server-rsa.ext"),
        ("client-rsa", ["-newkey", "rsa:2048"], "/CN=test-client-rsa", "client.ext"),
        ("client-ecdsa", ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"], "/CN=test-client-ecdsa",
         "client.ext"),
    ]
    for name, keyopts, subj, ext in leaves:
        run(["openssl", "req", *keyopts, "-nodes", "-keyout", f"{name}.key", "-out", f"{name}.csr",
             "-subj", subj], pki)
        run(["openssl", "x509", "-req", "-in", f"{name}.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
             "-CAcreateserial", "-out", f"{name}.pem", "-days", days, "-extfile", ext], pki)
        (pki / f"{name}.csr").unlink()
    for f in ("ca.srl",):
        if (pki / f).exists():
            (pki / f).unlink()


# --------------------------------------------------------------------------
# Sessions
# --------------------------------------------------------------------------
# Placeholders in commands: {pki} (dir), {port} (server port), {pport} (proxy
# port), {keylog} (key-log file path). A session's "expect" entries are forced
# by the command lines; the capture fails if the bytes disagree.

OPENSSL_SERVER = ["openssl", "s_server", "-accept", "127.0.0.1:{port}", "-naccept", "1", "-tls1_2",
                  "-CAfile", "{pki}/ca.pem", "-keylogfile", "{keylog}"]
OPENSSL_CLIENT = ["openssl", "s_client", "-connect", "127.0.0.1:{pport}", "-tls1_2",
                  "-CAfile", "{pki}/ca.pem", "-verify_return_error", "-verify_hostname", "localhost",
                  "-servername", "localhost"]
GNUTLS_SERVER = ["gnutls-serv", "--port", "{port}", "--echo", "--x509cafile", "{pki}/ca.pem",
                 "--require-client-cert", "--verify-client-cert"]
GNUTLS_CLIENT = ["gnutls-cli", "127.0.0.1", "--port", "{pport}", "--x509cafile", "{pki}/ca.pem",
                 "--verify-hostname", "localhost", "--sni-hostname", "localhost"]


def cert_args_openssl(name: str, flag_cert: str = "-cert", flag_key: str = "-key") -> list[str]:
    return [flag_cert, "{pki}/" + name + ".pem", flag_key, "{pki}/" + name + ".key"]


def cert_args_gnutls(name: str) -> list[str]:
    return ["--x509certfile", "{pki}/" + name + ".pem", "--x509keyfile", "{pki}/" + name + ".key"]


PY_PEER = [sys.executable, str(HERE / "py_peer.py")]

SESSIONS: list[dict] = [
    {
        "name": "openssl-ecdhe-ecdsa",
        "description": "OpenSSL s_client -> OpenSSL s_server, mTLS required, ECDHE(P-256)-ECDSA, "
                       "client RSA cert signing with RSA-PSS",
        "client_impl": "openssl", "server_impl": "openssl",
        "server": OPENSSL_SERVER + cert_args_openssl("server-ecdsa") + [
            "-Verify", "1", "-verify_return_error", "-cipher", "ECDHE-ECDSA-AES128-GCM-SHA256",
            "-groups", "P-256", "-client_sigalgs", "RSA-PSS+SHA256:rsa_pkcs1_sha256:ECDSA+SHA256", "-rev"],
        "client": OPENSSL_CLIENT + cert_args_openssl("client-rsa") + [
            "-cipher", "ECDHE-ECDSA-AES128-GCM-SHA256", "-keylogfile", "{keylog}"],
        "server_cert": "server-ecdsa", "client_cert": "client-rsa",
        "expect": {"kx": "ecdhe", "cipher_suite": 0xC02B, "group": 23,
                   "cr_sigalgs": [0x0804, 0x0401, 0x0403], "cv_scheme": 0x0804},
    },
    {
        "name": "openssl-rsa-kx",
        "description": "OpenSSL s_client -> OpenSSL s_server, mTLS required, static RSA key exchange "
                       "(no ServerKeyExchange), client ECDSA cert; server records fragmented at 512 bytes",
        "client_impl": "openssl", "server_impl": "openssl",
        "server": OPENSSL_SERVER + cert_args_openssl("server-rsa") + [
            "-Verify", "1", "-verify_return_error", "-cipher", "AES128-GCM-SHA256",
            "-client_sigalgs", "ECDSA+SHA256:ECDSA+SHA384:RSA-PSS+SHA256", "-max_send_frag", "512", "-rev"],
        "client": OPENSSL_CLIENT + cert_args_openssl("client-ecdsa") + [
            "-cipher", "AES128-GCM-SHA256", "-keylogfile", "{keylog}"],
        "server_cert": "server-rsa", "client_cert": "client-ecdsa",
        "expect": {"kx": "rsa", "cipher_suite": 0x009C,
                   "cr_sigalgs": [0x0403, 0x0503, 0x0804], "cv_scheme": 0x0403},
    },
    {
        "name": "gnutls-ecdhe-rsa",
        "description": "gnutls-cli -> gnutls-serv, client cert required and verified, ECDHE-RSA, "
                       "client ECDSA cert",
        "client_impl": "gnutls", "server_impl": "gnutls",
        "server": GNUTLS_SERVER + cert_args_gnutls("server-rsa") + [
            "--priority", "NORMAL:-VERS-ALL:+VERS-TLS1.2"],
        "client": GNUTLS_CLIENT + cert_args_gnutls("client-ecdsa") + [
            "--priority", "NONE:+VERS-TLS1.2:+ECDHE-RSA:+AES-128-GCM:+AEAD:+CURVE-ALL:+SIGN-ALL:+COMP-NULL"],
        "client_env": {"SSLKEYLOGFILE": "{keylog}"},
        "server_cert": "server-rsa", "client_cert": "client-ecdsa",
        "expect": {"kx": "ecdhe", "cipher_suite": 0xC02F},
    },
    {
        "name": "gnutls-to-openssl",
        "description": "gnutls-cli -> OpenSSL s_server, mTLS required, ECDHE-ECDSA-CHACHA20-POLY1305, "
                       "client RSA cert",
        "client_impl": "gnutls", "server_impl": "openssl",
        "server": OPENSSL_SERVER + cert_args_openssl("server-ecdsa") + [
            "-Verify", "1", "-verify_return_error", "-cipher", "ECDHE-ECDSA-CHACHA20-POLY1305", "-rev"],
        "client": GNUTLS_CLIENT + cert_args_gnutls("client-rsa") + [
            "--priority", "NORMAL:-VERS-ALL:+VERS-TLS1.2"],
        "client_env": {"SSLKEYLOGFILE": "{keylog}"},
        "server_cert": "server-ecdsa", "client_cert": "client-rsa",
        "expect": {"kx": "ecdhe", "cipher_suite": 0xCCA9},
    },
    {
        "name": "openssl-to-gnutls",
        "description": "OpenSSL s_client -> gnutls-serv, client cert required and verified, "
                       "ECDHE(X25519)-RSA-AES256-GCM-SHA384, client ECDSA cert",
        "client_impl": "openssl", "server_impl": "gnutls",
        "server": GNUTLS_SERVER + cert_args_gnutls("server-rsa") + [
            "--priority", "NORMAL:-VERS-ALL:+VERS-TLS1.2"],
        "client": OPENSSL_CLIENT + cert_args_openssl("client-ecdsa") + [
            "-cipher", "ECDHE-RSA-AES256-GCM-SHA384", "-groups", "X25519", "-keylogfile", "{keylog}"],
        "server_cert": "server-rsa", "client_cert": "client-ecdsa",
        "expect": {"kx": "ecdhe", "cipher_suite": 0xC030, "group": 29},
    },
    {
        "name": "python-ecdhe-ecdsa",
        "description": "Python ssl client -> Python ssl server (CERT_REQUIRED), TLS 1.2, "
                       "ECDHE-ECDSA-AES256-GCM-SHA384, SNI localhost, ALPN h2,http/1.1 -> http/1.1, "
                       "client RSA cert",
        "client_impl": "python", "server_impl": "python",
        "server": PY_PEER + ["server", "--port", "{port}", "--cert", "{pki}/server-ecdsa.pem",
                             "--key", "{pki}/server-ecdsa.key", "--ca", "{pki}/ca.pem", "--verify", "required",
                             "--ciphers", "ECDHE-ECDSA-AES256-GCM-SHA384", "--alpn", "http/1.1"],
        "client": PY_PEER + ["client", "--port", "{pport}", "--cert", "{pki}/client-rsa.pem",
                             "--key", "{pki}/client-rsa.key", "--ca", "{pki}/ca.pem",
                             "--server-name", "localhost", "--alpn", "h2,http/1.1", "--keylog", "{keylog}"],
        "server_cert": "server-ecdsa", "client_cert": "client-rsa",
        "expect": {"kx": "ecdhe", "cipher_suite": 0xC02C, "sni": "localhost",
                   "client_alpn": ["h2", "http/1.1"], "server_alpn": "http/1.1"},
    },
    {
        "name": "openssl-empty-client-cert",
        "description": "OpenSSL s_client without a certificate -> OpenSSL s_server -verify 1 (optional "
                       "client auth): client sends an empty Certificate and no CertificateVerify",
        "client_impl": "openssl", "server_impl": "openssl",
        "server": OPENSSL_SERVER + cert_args_openssl("server-ecdsa") + [
            "-verify", "1", "-cipher", "ECDHE-ECDSA-AES128-GCM-SHA256", "-rev"],
        "client": OPENSSL_CLIENT + ["-cipher", "ECDHE-ECDSA-AES128-GCM-SHA256", "-keylogfile", "{keylog}"],
        "server_cert": "server-ecdsa", "client_cert": None,
        "expect": {"kx": "ecdhe", "cipher_suite": 0xC02B},
    },
    {
        "name": "curl-to-openssl",
        "description": "curl (libcurl/OpenSSL) -> OpenSSL s_server -www, mTLS required, TLS 1.2 max, "
                       "SNI localhost, ALPN h2,http/1.1 -> http/1.1, client ECDSA cert",
        "client_impl": "curl", "server_impl": "openssl",
        "server": OPENSSL_SERVER + cert_args_openssl("server-ecdsa") + [
            "-Verify", "1", "-verify_return_error", "-cipher", "ECDHE-ECDSA-AES256-GCM-SHA384",
            "-alpn", "http/1.1", "-www"],
        "client": ["curl", "-sS", "-o", "/dev/null", "--max-time", "15", "--tlsv1.2", "--tls-max", "1.2",
                   "--http2", "--cacert", "{pki}/ca.pem", "--cert", "{pki}/client-ecdsa.pem",
                   "--key", "{pki}/client-ecdsa.key", "--resolve", "localhost:{pport}:127.0.0.1",
                   "https://localhost:{pport}/"],
        "client_env": {"SSLKEYLOGFILE": "{keylog}"},
        "client_stdin": False,
        "optional_tool": "curl",
        "server_cert": "server-ecdsa", "client_cert": "client-ecdsa",
        "expect": {"kx": "ecdhe", "cipher_suite": 0xC02C, "sni": "localhost",
                   "client_alpn": ["h2", "http/1.1"], "server_alpn": "http/1.1"},
    },
]


# --------------------------------------------------------------------------
# Record / handshake splitting
# --------------------------------------------------------------------------

def split_transcript(chunks: list[tuple[str, bytes]]) -> tuple[list[tuple[str, bytes]], dict]:
    """Return the pre-CCS handshake messages of both directions in completion
    order, plus per-direction info (ccs seen, alerts, record count)."""
    st = {d: {"rec": b"", "hs": b"", "ccs": False, "alerts": [], "records": 0, "hs_records": 0,
              "app_after_ccs": 0} for d in ("c2s", "s2c")}
    out: list[tuple[str, bytes]] = []
    for direction, data in chunks:
        s = st[direction]
        s["rec"] += data
        for _ in range(100000):  # bounded
            if len(s["rec"]) < 5:
                break
            ctype, ver, ln = s["rec"][0], struct.unpack(">H", s["rec"][1:3])[0], struct.unpack(">H", s["rec"][3:5])[0]
            if len(s["rec"]) < 5 + ln:
                break
            body, s["rec"] = s["rec"][5:5 + ln], s["rec"][5 + ln:]
            s["records"] += 1
            if ctype not in (20, 21, 22, 23):
                raise CaptureError(f"{direction}: unexpected record type {ctype}")
            if ver not in (0x0301, 0x0303):
                raise CaptureError(f"{direction}: unexpected record version {ver:#06x}")
            if s["ccs"]:
                if ctype == 23:
                    s["app_after_ccs"] += 1
                continue
            if ctype == 20:
                if s["hs"]:
                    raise CaptureError(f"{direction}: CCS with a partial handshake message buffered")
                s["ccs"] = True
            elif ctype == 21:
                s["alerts"].append(body.hex())
            elif ctype == 23:
                raise CaptureError(f"{direction}: application data before CCS")
            else:
                s["hs_records"] += 1
                s["hs"] += body
                for _ in range(100000):  # bounded
                    if len(s["hs"]) < 4:
                        break
                    mlen = int.from_bytes(s["hs"][1:4], "big")
                    if len(s["hs"]) < 4 + mlen:
                        break
                    out.append((direction, s["hs"][:4 + mlen]))
                    s["hs"] = s["hs"][4 + mlen:]
    for d, s in st.items():
        if s["rec"] and not s["ccs"]:
            raise CaptureError(f"{d}: trailing partial record before CCS")
    return out, st


# --------------------------------------------------------------------------
# Independent strict decoder (sanity checks + facts for session.toml)
# --------------------------------------------------------------------------

class R:
    def __init__(self, b: bytes, what: str):
        self.b, self.i, self.what = b, 0, what

    def take(self, n: int) -> bytes:
        if self.i + n > len(self.b):
            raise CaptureError(f"{self.what}: truncated at {self.i} (+{n} > {len(self.b)})")
        v = self.b[self.i:self.i + n]
        self.i += n
        return v

    def u8(self) -> int:
        return self.take(1)[0]

    def u16(self) -> int:
        return struct.unpack(">H", self.take(2))[0]

    def u24(self) -> int:
        return int.from_bytes(self.take(3), "big")

    def vec(self, lenbytes: int) -> bytes:
        n = int.from_bytes(self.take(lenbytes), "big")
        return self.take(n)

    def done(self) -> None:
        if self.i != len(self.b):
            raise CaptureError(f"{self.what}: {len(self.b) - self.i} trailing bytes")

    def left(self) -> int:
        return len(self.b) - self.i


def parse_extensions(r: R) -> list[tuple[int, bytes]]:
    if r.left() == 0:
        return []
    exts = R(r.vec(2), r.what + " extensions")
    out = []
    while exts.left():
        t = exts.u16()
        out.append((t, exts.vec(2)))
    seen = [t for t, _ in out]
    if len(seen) != len(set(seen)):
        raise CaptureError(f"{r.what}: duplicate extension")
    return out


def u16_list(b: bytes, what: str) -> list[int]:
    if len(b) % 2:
        raise CaptureError(f"{what}: odd length")
    return [struct.unpack(">H", b[i:i + 2])[0] for i in range(0, len(b), 2)]


def decode(sender: str, msg: bytes, kx: str, facts: dict) -> str:
    """Strictly decode one handshake message; return its name. Fills facts."""
    if len(msg) < 4:
        raise CaptureError("message shorter than its header")
    mtype = msg[0]
    if int.from_bytes(msg[1:4], "big") != len(msg) - 4:
        raise CaptureError("u24 length != size - 4")
    name = HS_NAMES.get(mtype)
    if name is None:
        raise CaptureError(f"unknown handshake type {mtype}")
    r = R(msg[4:], f"{sender} {name}")
    if name == "client_hello":
        if r.u16() != 0x0303:
            raise CaptureError("client_hello: legacy_version != 1.2")
        r.take(32)
        sid = r.vec(1)
        suites = u16_list(r.vec(2), "cipher_suites")
        comp = r.vec(1)
        exts = parse_extensions(r)
        r.done()
        facts["ch_session_id_len"] = len(sid)
        facts["ch_suites"] = suites
        facts["ch_compression"] = list(comp)
        facts["ch_ext_types"] = [t for t, _ in exts]
        for t, body in exts:
            e = R(body, f"client_hello ext {t}")
            if t == 0:  # server_name
                lst = R(e.vec(2), "server_name_list")
                e.done()
                ntype = lst.u8()
                host = lst.vec(2)
                lst.done()
                if ntype != 0:
                    raise CaptureError("server_name: name type != host_name")
                facts["ch_sni"] = host.decode()
            elif t == 16:  # ALPN
                lst = R(e.vec(2), "alpn list")
                e.done()
                protos = []
                while lst.left():
                    protos.append(lst.vec(1).decode())
                facts["ch_alpn"] = protos
            elif t == 10:
                facts["ch_groups"] = u16_list(e.vec(2), "supported_groups")
                e.done()
            elif t == 13:
                facts["ch_sigalgs"] = u16_list(e.vec(2), "signature_algorithms")
                e.done()
    elif name == "server_hello":
        if r.u16() != 0x0303:
            raise CaptureError("server_hello: version != 1.2")
        r.take(32)
        sid = r.vec(1)
        suite = r.u16()
        comp = r.u8()
        exts = parse_extensions(r)
        r.done()
        facts["sh_session_id_len"] = len(sid)
        facts["sh_suite"] = suite
        facts["sh_compression"] = comp
        facts["sh_ext_types"] = [t for t, _ in exts]
        for t, body in exts:
            if t == 16:
                e = R(body, "sh alpn")
                lst = R(e.vec(2), "sh alpn list")
                e.done()
                p = lst.vec(1).decode()
                lst.done()
                facts["sh_alpn"] = p
    elif name == "certificate":
        lst = R(r.vec(3), f"{sender} certificate_list")
        r.done()
        lens = []
        while lst.left():
            c = lst.vec(3)
            if not c or c[0] != 0x30:
                raise CaptureError("certificate entry is not a DER SEQUENCE")
            lens.append(len(c))
        facts[f"{sender}_cert_count"] = len(lens)
        facts[f"{sender}_cert_lens"] = lens
    elif name == "server_key_exchange":
        if kx != "ecdhe":
            raise CaptureError("server_key_exchange in a non-ECDHE session")
        if r.u8() != 3:
            raise CaptureError("ske: curve_type != named_curve")
        group = r.u16()
        point = r.vec(1)
        scheme = r.u16()
        sig = r.vec(2)
        r.done()
        if GROUP_POINT_LEN.get(group) != len(point):
            raise CaptureError(f"ske: point length {len(point)} for group {group}")
        facts["ske_group"] = group
        facts["ske_point_len"] = len(point)
        facts["ske_scheme"] = scheme
        facts["ske_sig_len"] = len(sig)
    elif name == "certificate_request":
        types = list(r.vec(1))
        sigalgs = u16_list(r.vec(2), "cr sigalgs")
        cas = R(r.vec(2), "cr ca names")
        r.done()
        n = 0
        while cas.left():
            dn = cas.vec(2)
            if not dn or dn[0] != 0x30:
                raise CaptureError("cr: DN is not a DER SEQUENCE")
            n += 1
        facts["cr_cert_types"] = types
        facts["cr_sigalgs"] = sigalgs
        facts["cr_ca_names"] = n
    elif name == "server_hello_done":
        r.done()
    elif name == "client_key_exchange":
        if kx == "ecdhe":
            p = r.vec(1)
            facts["cke_point_len"] = len(p)
        else:
            p = r.vec(2)
            facts["cke_encrypted_pms_len"] = len(p)
        r.done()
    elif name == "certificate_verify":
        facts["cv_scheme"] = r.u16()
        facts["cv_sig_len"] = len(r.vec(2))
        r.done()
    elif name == "new_session_ticket":
        facts["nst_lifetime_hint"] = struct.unpack(">I", r.take(4))[0]
        facts["nst_ticket_len"] = len(r.vec(2))
        r.done()
    elif name == "certificate_status":
        if r.u8() != 1:
            raise CaptureError("certificate_status: type != ocsp")
        r.vec(3)
        r.done()
    return name


# --------------------------------------------------------------------------
# Running one session
# --------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((LOOPBACK, 0))
        return s.getsockname()[1]


def is_listening(port: int) -> bool:
    """Check /proc/net/tcp{,6} for a LISTEN socket on port (does not connect,
    so a one-shot server's accept is not consumed)."""
    want = f":{port:04X}"
    for f in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(f).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            parts = line.split()
            if len(parts) > 3 and parts[1].endswith(want) and parts[3] == "0A":
                return True
    return False


def fill(args: list[str], subst: dict) -> list[str]:
    return [a.format(**subst) for a in args]


def stop(p: subprocess.Popen) -> None:
    """Stop a child we started (by its own PID; `timeout` forwards the signal)."""
    if p.poll() is None:
        p.terminate()
        try:
            p.wait(5)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait(5)


def handshake_done(chunks: list[tuple[str, bytes]]) -> bool:
    try:
        _, st = split_transcript(list(chunks))
    except CaptureError:
        return False
    return st["c2s"]["ccs"] and st["s2c"]["ccs"] and st["s2c"]["app_after_ccs"] >= 1


def run_session(sess: dict, pki: Path, work: Path) -> dict:
    port = free_port()
    keylog = work / f"{sess['name']}.keylog"
    subst = {"pki": str(pki), "port": port, "pport": 0, "keylog": str(keylog)}
    server_cmd = fill(sess["server"], subst)
    slog = open(work / f"{sess['name']}.server.log", "wb")
    server = subprocess.Popen(["timeout", str(PROC_TIMEOUT), *server_cmd], stdin=subprocess.PIPE,
                              stdout=slog, stderr=subprocess.STDOUT, cwd=work)
    client = None
    try:
        for _ in range(100):  # up to ~10 s
            if is_listening(port):
                break
            if server.poll() is not None:
                raise CaptureError(f"server exited early: {(work / (sess['name'] + '.server.log')).read_text()}")
            time.sleep(0.1)
        else:
            raise CaptureError("server did not start listening")
        proxy = RecordingProxy(port, 0, SESSION_DEADLINE).start()
        subst["pport"] = proxy.port
        client_cmd = fill(sess["client"], subst)
        env = dict(os.environ)
        for k, v in sess.get("client_env", {}).items():
            env[k] = v.format(**subst)
        clog = open(work / f"{sess['name']}.client.log", "wb")
        client = subprocess.Popen(["timeout", str(PROC_TIMEOUT), *client_cmd],
                                  stdin=subprocess.PIPE if sess.get("client_stdin", True) else subprocess.DEVNULL,
                                  stdout=clog, stderr=subprocess.STDOUT, cwd=work, env=env)
        if client.stdin is not None:
            client.stdin.write(b"hello mtls\n")
            client.stdin.flush()
        for _ in range(150):  # up to ~15 s: wait for CCS both ways + echoed data
            if handshake_done(proxy.chunks) or client.poll() is not None:
                break
            time.sleep(0.1)
        time.sleep(0.3)
        if client.stdin is not None:
            try:
                client.stdin.close()
            except OSError:
                pass
        try:
            client.wait(10)
        except subprocess.TimeoutExpired:
            stop(client)
        stop(server)
        proxy.join()
        chunks = list(proxy.chunks)
        if not chunks:
            raise CaptureError(f"nothing captured (proxy: {proxy.error})")
        return {
            "chunks": chunks,
            "server_cmd": server_cmd,
            "client_cmd": client_cmd,
            "client_env": {k: v.format(**subst) for k, v in sess.get("client_env", {}).items()},
            "server_port": port,
            "proxy_port": proxy.port,
            "keylog": keylog.read_text() if keylog.exists() else "",
            "client_log": (work / f"{sess['name']}.client.log").read_text(errors="replace"),
            "server_log": (work / f"{sess['name']}.server.log").read_text(errors="replace"),
        }
    finally:
        if client is not None:
            stop(client)
        stop(server)
        slog.close()


# --------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------

def wrap_hex(b: bytes) -> str:
    h = b.hex()
    return "\n".join(h[i:i + 64] for i in range(0, len(h), 64)) + "\n"


def toml_value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, str):
        return json.dumps(v)  # a valid TOML basic string for what we store
    if isinstance(v, list):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    raise TypeError(v)


def hexint(v: int) -> str:
    return f"0x{v:04X}"


def check_and_write(sess: dict, res: dict, outdir: Path, pki: Path) -> dict:
    exp = sess["expect"]
    kx = exp["kx"]
    msgs, st = split_transcript(res["chunks"])
    for d in ("c2s", "s2c"):
        if not st[d]["ccs"]:
            raise CaptureError(f"{d}: no ChangeCipherSpec (handshake incomplete?)\n"
                               f"client log:\n{res['client_log'][-2000:]}\nserver log:\n{res['server_log'][-2000:]}")
        if st[d]["alerts"]:
            raise CaptureError(f"{d}: alert before CCS: {st[d]['alerts']}")
    facts: dict = {}
    names = []
    for d, m in msgs:
        sender = "client" if d == "c2s" else "server"
        names.append((sender, decode(sender, m, kx, facts), m))

    # Expected flow.
    flow = [("client", "client_hello"), ("server", "server_hello"), ("server", "certificate")]
    if kx == "ecdhe":
        flow.append(("server", "server_key_exchange"))
    flow += [("server", "certificate_request"), ("server", "server_hello_done"), ("client", "certificate"),
             ("client", "client_key_exchange")]
    if sess["client_cert"]:
        flow.append(("client", "certificate_verify"))
    got = [(s, n) for s, n, _ in names]
    got_core = [x for x in got if x != ("server", "new_session_ticket") and x != ("server", "certificate_status")]
    if got_core != flow:
        raise CaptureError(f"unexpected message flow:\n got {got}\nwant {flow}")

    # Negotiated parameters vs. what the command line forced.
    def need(cond: bool, what: str) -> None:
        if not cond:
            raise CaptureError(f"{sess['name']}: {what} (facts: {facts})")

    need(facts["sh_suite"] == exp["cipher_suite"], f"suite {facts['sh_suite']:#06x} != {exp['cipher_suite']:#06x}")
    need(exp["cipher_suite"] in facts["ch_suites"], "client_hello does not offer the negotiated suite")
    need(facts["server_cert_count"] >= 1, "no server certificate")
    # OpenSSL-based peers append the CA from -CAfile to their chain, so >= 1.
    if sess["client_cert"]:
        need(facts["client_cert_count"] >= 1, "client sent no certificate")
    else:
        need(facts["client_cert_count"] == 0, "client certificate list is not empty")
    if "group" in exp:
        need(facts.get("ske_group") == exp["group"], "ECDHE group")
    if kx == "ecdhe":
        need(facts["cke_point_len"] == facts["ske_point_len"], "client point length != server point length")
    else:
        need(facts["cke_encrypted_pms_len"] == 256, "RSA-2048 encrypted premaster is not 256 bytes")
    for k in ("cr_sigalgs", "cv_scheme"):
        if k in exp:
            need(facts.get(k) == exp[k], f"{k} = {facts.get(k)} != {exp[k]}")
    if "sni" in exp:
        need(facts.get("ch_sni") == exp["sni"], "SNI")
    if "client_alpn" in exp:
        need(facts.get("ch_alpn") == exp["client_alpn"], "client ALPN")
        need(facts.get("sh_alpn") == exp["server_alpn"], "server ALPN")
    if "cv_scheme" in facts:
        need(facts["cv_scheme"] in facts["cr_sigalgs"], "CV scheme not offered in CertificateRequest")

    # Write.
    d = outdir / sess["name"]
    if d.exists():
        shutil.rmtree(d)
    d.mkdir(parents=True)
    files = []
    for i, (sender, name, m) in enumerate(names, 1):
        fn = f"{i:02d}-{sender}-{name}.hex"
        (d / fn).write_text(wrap_hex(m))
        # Re-read and re-check what was written (type byte and u24 length).
        back = bytes.fromhex("".join((d / fn).read_text().split()))
        if back != m or back[0] != {v: k for k, v in HS_NAMES.items()}[name] or \
                int.from_bytes(back[1:4], "big") != len(back) - 4:
            raise CaptureError(f"{fn}: write-back check failed")
        files.append(fn)
    c2s = b"".join(b for dd, b in res["chunks"] if dd == "c2s")
    s2c = b"".join(b for dd, b in res["chunks"] if dd == "s2c")
    (d / "transcript-c2s.hex").write_text(wrap_hex(c2s))
    (d / "transcript-s2c.hex").write_text(wrap_hex(s2c))
    # Client and server may both log to the same file: keep each line once.
    kl = list(dict.fromkeys(ln for ln in res["keylog"].splitlines() if ln and not ln.startswith("#")))
    if kl:
        (d / "keylog.txt").write_text("\n".join(kl) + "\n")

    # Commands as run, with the per-run values replaced by readable names.
    disp = {"pki": "pki", "port": "$SERVER_PORT", "pport": "$PROXY_PORT", "keylog": "keylog.txt"}

    def rel(template: list[str]) -> str:
        cmd = fill(template, disp)
        s = " ".join(a if a and all(c.isalnum() or c in "-_./:,=@+$" for c in a) else "'" + a + "'" for a in cmd)
        return s.replace(sys.executable, "python3").replace(str(HERE), "scripts/capture-vectors")

    env = " ".join(f"{k}={v.format(**disp)}" for k, v in sess.get("client_env", {}).items())

    lines = [
        "# Captured by scripts/capture-vectors/capture.py; do not edit by hand.",
        "# Files NN-<sender>-<message>.hex: one TLS 1.2 handshake message each, 4-byte header included,",
        "# in the order they completed on the wire. transcript-*.hex: raw TCP bytes per direction.",
        "# keylog.txt: NSS key log (CLIENT_RANDOM <random> <master secret>) for the same connection.",
        f"name = {toml_value(sess['name'])}",
        f"description = {toml_value(sess['description'])}",
        f"client_impl = {toml_value(sess['client_impl'])}",
        f"server_impl = {toml_value(sess['server_impl'])}",
        f"kx = {toml_value(kx)}",
        f"cipher_suite = {hexint(facts['sh_suite'])}",
        f"cipher_suite_name = {toml_value(SUITES.get(facts['sh_suite'], 'unknown'))}",
    ]
    if kx == "ecdhe":
        lines += [f"group = {facts['ske_group']}",
                  f"group_name = {toml_value(GROUPS.get(facts['ske_group'], 'unknown'))}",
                  f"ecdhe_point_len = {facts['ske_point_len']}",
                  f"ske_signature_scheme = {hexint(facts['ske_scheme'])}"]
    else:
        lines += [f"encrypted_premaster_len = {facts['cke_encrypted_pms_len']}"]
    lines += [
        f"server_cert_fixture = {toml_value(sess['server_cert'] + '.pem')}",
        f"client_cert_fixture = {toml_value((sess['client_cert'] or '') and sess['client_cert'] + '.pem')}",
        f"server_cert_count = {facts['server_cert_count']}",
        f"client_cert_count = {facts['client_cert_count']}",
        f"cr_cert_types = {toml_value(facts['cr_cert_types'])}",
        "cr_sigalgs = [" + ", ".join(hexint(x) for x in facts["cr_sigalgs"]) + "]",
        f"cr_ca_names = {facts['cr_ca_names']}",
    ]
    if "cv_scheme" in facts:
        lines.append(f"cv_scheme = {hexint(facts['cv_scheme'])}")
    lines.append(f"ch_extension_types = {toml_value(facts['ch_ext_types'])}")
    lines.append(f"sh_extension_types = {toml_value(facts['sh_ext_types'])}")
    if "ch_sni" in facts:
        lines.append(f"sni = {toml_value(facts['ch_sni'])}")
    if "ch_alpn" in facts:
        lines.append(f"client_alpn = {toml_value(facts['ch_alpn'])}")
    if "sh_alpn" in facts:
        lines.append(f"server_alpn = {toml_value(facts['sh_alpn'])}")
    lines += [
        f"messages = {toml_value(files)}",
        "# $SERVER_PORT: the real server; $PROXY_PORT: proxy.py, which forwards to $SERVER_PORT.",
        f"server_command = {toml_value(rel(sess['server']))}",
        f"client_command = {toml_value((env + ' ' if env else '') + rel(sess['client']))}",
        f"captured = {toml_value(datetime.date.today().isoformat())}",
    ]
    (d / "session.toml").write_text("\n".join(lines) + "\n")
    return {"name": sess["name"], "suite": SUITES.get(facts["sh_suite"]), "kx": kx,
            "group": GROUPS.get(facts.get("ske_group", -1)), "messages": len(files),
            "files": files}


def tool_versions() -> dict:
    def out(cmd: list[str]) -> str:
        try:
            r = subprocess.run(["timeout", "10", *cmd], capture_output=True, text=True)
            return (r.stdout or r.stderr).strip().splitlines()[0]
        except (OSError, IndexError):
            return "not available"
    import ssl
    return {
        "openssl": out(["openssl", "version"]),
        "gnutls": out(["gnutls-cli", "--version"]),
        "python": f"Python {sys.version.split()[0]} ({ssl.OPENSSL_VERSION})",
        "curl": out(["curl", "--version"]),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description="Capture TLS 1.2 mTLS handshake vectors.")
    ap.add_argument("--out", required=True, type=Path, help="e.g. crates/mtls-testkit/vectors")
    ap.add_argument("--fresh-pki", action="store_true", help="regenerate the PKI even if present")
    ap.add_argument("--only", action="append", help="capture only this session (repeatable)")
    ap.add_argument("--keep-work", action="store_true", help="keep the temporary work dir (logs)")
    a = ap.parse_args()

    out: Path = a.out.resolve()
    pki = out / "pki"
    if a.fresh_pki or not (pki / "ca.pem").exists():
        if pki.exists():
            shutil.rmtree(pki)
        make_pki(pki)
        print(f"PKI generated in {pki}")
    else:
        print(f"reusing PKI in {pki}")

    work = Path(tempfile.mkdtemp(prefix="mtls-capture-"))
    summary = []
    failed = []
    try:
        for sess in SESSIONS:
            if a.only and sess["name"] not in a.only:
                continue
            tool = sess.get("optional_tool")
            if tool and shutil.which(tool) is None:
                print(f"SKIP {sess['name']}: {tool} not installed")
                continue
            ok = False
            for attempt in range(3):  # bounded retries (port races, slow start)
                try:
                    res = run_session(sess, pki, work)
                    info = check_and_write(sess, res, out, pki)
                    summary.append(info)
                    print(f"OK   {info['name']}: {info['suite']} kx={info['kx']} group={info['group']} "
                          f"messages={info['messages']}")
                    ok = True
                    break
                except CaptureError as e:
                    print(f"retry {sess['name']} (attempt {attempt + 1}): {e}", flush=True)
            if not ok:
                failed.append(sess["name"])
    finally:
        if a.keep_work:
            print(f"work dir kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)

    if summary and not a.only:
        v = tool_versions()
        (out / "CAPTURE-INFO.txt").write_text(
            "# Written by scripts/capture-vectors/capture.py\n"
            f"date = {datetime.datetime.now(datetime.timezone.utc).isoformat(timespec='seconds')}\n"
            + "".join(f"{k} = {val}\n" for k, val in v.items())
            + "".join(f"session {s['name']}: {s['suite']} kx={s['kx']} group={s['group']} "
                      f"messages={s['messages']}\n" for s in summary))
    if failed:
        print("FAILED: " + ", ".join(failed), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
