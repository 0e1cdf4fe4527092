#!/usr/bin/env python3
"""Captures real TLS 1.3 handshakes between other implementations as
round-trip vectors for mtls-wire (see ../README.md).

For each session:
  1. start the real server on 127.0.0.1:<free port> (under `timeout`), its
     stdin fed by a timed script (s_server's `c` and `k` commands);
  2. for a resumption, run one client connection straight to the server
     first (it saves the session);
  3. run the real client through a one-shot recording proxy
     (../../../../../scripts/capture-vectors/proxy.py), its stdin fed by a
     timed script (s_client's `K` command, data lines, EOF);
  4. split each direction of the recorded bytes into records, open the
     protected ones with the connection's NSS key log (decrypt.py: HKDF,
     AES-GCM / ChaCha20-Poly1305, KeyUpdate generations), join the
     handshake content and split it into messages;
  5. walk every message field by field (decrypt.py) and check the facts the
     command lines force (suite, group, HelloRetryRequest, client
     certificate, post-handshake request, KeyUpdate, PSK, early data);
  6. where one side is OpenSSL, compare the messages with what its `-msg`
     printed for the same connection: byte for byte the same;
  7. write NN-<sender>-<message>.hex, session.toml, transcript-*.hex and the
     connection's key log lines.

    python3 capture.py [--out DIR] [--only NAME] [--keep-work]

Only 127.0.0.1 is used; every child runs under `timeout`.
"""

from __future__ import annotations

import argparse
import datetime
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import decrypt as d

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[4]
PKI = HERE.parents[1] / "pki"
sys.path.insert(0, str(REPO / "scripts" / "capture-vectors"))
from proxy import RecordingProxy  # noqa: E402

LOOPBACK = "127.0.0.1"
PROC_TIMEOUT = 30

OSSL_SERVER = ["openssl", "s_server", "-accept", "127.0.0.1:{port}", "-naccept", "1", "-tls1_3",
               "-CAfile", "{pki}/ca.pem"]
OSSL_CLIENT = ["openssl", "s_client", "-connect", "127.0.0.1:{pport}", "-tls1_3", "-CAfile",
               "{pki}/ca.pem", "-verify_return_error", "-verify_hostname", "localhost",
               "-servername", "localhost"]
GNUTLS_SERVER = ["gnutls-serv", "--port", "{port}", "--echo", "--x509cafile", "{pki}/ca.pem",
                 "--priority", "NORMAL:-VERS-ALL:+VERS-TLS1.3"]
GNUTLS_CLIENT = ["gnutls-cli", "127.0.0.1", "--port", "{pport}", "--x509cafile", "{pki}/ca.pem",
                 "--verify-hostname", "localhost", "--sni-hostname", "localhost",
                 "--priority", "NORMAL:-VERS-ALL:+VERS-TLS1.3"]
PY_PEER = [sys.executable, str(HERE / "py_peer13.py")]
MSG = ["-msg", "-msgfile", "{msgfile}"]
OSSL_KEYLOG = ["-keylogfile", "{keylog}"]


def ossl_cert(name: str) -> list[str]:
    return ["-cert", "{pki}/" + name + ".pem", "-key", "{pki}/" + name + ".key"]


def gnutls_cert(name: str) -> list[str]:
    return ["--x509certfile", "{pki}/" + name + ".pem", "--x509keyfile", "{pki}/" + name + ".key"]


def py_cert(name: str) -> list[str]:
    return ["--cert", "{pki}/" + name + ".pem", "--key", "{pki}/" + name + ".key",
            "--ca", "{pki}/ca.pem"]


HELLO = [(0.0, b"hello mtls\n")]

SESSIONS: list[dict] = [
    {
        "name": "openssl-mtls-key-update",
        "description": "OpenSSL s_client -> s_server -Verify 1, TLS_AES_128_GCM_SHA256, X25519; "
                       "client RSA certificate (CertificateVerify RSA-PSS); then the client's "
                       "KeyUpdate(update_requested) (`K`) and the server's answer",
        "client_impl": "openssl", "server_impl": "openssl",
        "server": OSSL_SERVER + ossl_cert("server-ecdsa") + [
            "-Verify", "1", "-verify_return_error", "-ciphersuites", "TLS_AES_128_GCM_SHA256",
            "-groups", "X25519"],
        "client": OSSL_CLIENT + ossl_cert("client-rsa") + OSSL_KEYLOG + MSG + [
            "-ciphersuites", "TLS_AES_128_GCM_SHA256", "-groups", "X25519"],
        "client_stdin": HELLO + [(1.5, b"K\n"), (2.0, None)],
        # OpenSSL answers a KeyUpdate(update_requested) with its next write.
        "server_stdin": [(2.5, b"server data after the key update\n")],
        "msg_side": "client",
        "server_cert": "server-ecdsa", "client_cert": "client-rsa",
        "expect": {"cipher_suite": 0x1301, "group": 29, "hrr": 0, "certificate_request": "handshake",
                   "client_cv_scheme": 0x0804, "server_cv_scheme": 0x0403,
                   "key_update_client": [1], "key_update_server": [0]},
    },
    {
        "name": "openssl-hrr",
        "description": "OpenSSL s_client (-groups X25519:P-256, so a key share for X25519 only) -> "
                       "s_server -groups P-256: HelloRetryRequest selecting P-256; "
                       "TLS_AES_256_GCM_SHA384, server RSA, client ECDSA P-256",
        "client_impl": "openssl", "server_impl": "openssl",
        "server": OSSL_SERVER + ossl_cert("server-rsa") + [
            "-Verify", "1", "-verify_return_error", "-groups", "P-256",
            "-ciphersuites", "TLS_AES_256_GCM_SHA384"],
        "client": OSSL_CLIENT + ossl_cert("client-ecdsa") + OSSL_KEYLOG + MSG + [
            "-groups", "X25519:P-256", "-ciphersuites", "TLS_AES_256_GCM_SHA384"],
        "client_stdin": HELLO + [(1.5, None)],
        "msg_side": "client",
        "server_cert": "server-rsa", "client_cert": "client-ecdsa",
        "expect": {"cipher_suite": 0x1302, "group": 23, "hrr": 1, "hrr_group": 23, "hrr_cookie": 0,
                   "certificate_request": "handshake", "client_cv_scheme": 0x0403,
                   "server_cv_scheme": 0x0804},
    },
    {
        "name": "openssl-resumption-early-data",
        "description": "OpenSSL s_client -sess_in (a ticket of a first, unrecorded connection) "
                       "-early_data -> s_server -early_data: PSK (psk_dhe_ke) resumption with "
                       "0-RTT data accepted, EndOfEarlyData; TLS_CHACHA20_POLY1305_SHA256, P-384",
        "client_impl": "openssl", "server_impl": "openssl",
        "server": [a if a != "1" else "2" for a in OSSL_SERVER] + ossl_cert("server-ecdsa") + [
            "-early_data", "-max_early_data", "16384", "-ciphersuites",
            "TLS_CHACHA20_POLY1305_SHA256", "-groups", "P-384"],
        "pre_client": OSSL_CLIENT + ["-sess_out", "{work}/session.pem", "-ciphersuites",
                                     "TLS_CHACHA20_POLY1305_SHA256", "-groups", "P-384"],
        "pre_client_stdin": HELLO + [(1.5, None)],
        "client": OSSL_CLIENT + OSSL_KEYLOG + MSG + [
            "-sess_in", "{work}/session.pem", "-early_data", "{work}/early.txt",
            "-ciphersuites", "TLS_CHACHA20_POLY1305_SHA256", "-groups", "P-384"],
        "client_stdin": HELLO + [(1.5, None)],
        "files": {"early.txt": b"early data, 0-RTT\n"},
        "msg_side": "client",
        "server_cert": "", "client_cert": "",
        "expect": {"cipher_suite": 0x1303, "group": 24, "hrr": 0, "psk": 1, "early_data": 1,
                   "certificate_request": "none"},
    },
    {
        "name": "openssl-post-handshake-auth",
        "description": "OpenSSL s_client -enable_pha -> s_server, which asks for the client's "
                       "certificate after the handshake (`c`); TLS_AES_128_GCM_SHA256, P-256, "
                       "client ECDSA",
        "client_impl": "openssl", "server_impl": "openssl",
        "server": OSSL_SERVER + ossl_cert("server-ecdsa") + [
            "-ciphersuites", "TLS_AES_128_GCM_SHA256", "-groups", "P-256"],
        "server_stdin": [(1.5, b"c\n"), (1.0, b"server data after the request\n")],
        "client": OSSL_CLIENT + ossl_cert("client-ecdsa") + OSSL_KEYLOG + MSG + [
            "-enable_pha", "-groups", "P-256"],
        "client_stdin": HELLO + [(3.0, None)],
        "msg_side": "client",
        "server_cert": "server-ecdsa", "client_cert": "client-ecdsa",
        "expect": {"cipher_suite": 0x1301, "group": 23, "hrr": 0,
                   "certificate_request": "post_handshake", "client_cv_scheme": 0x0403,
                   "pha_offered": 1},
    },
    {
        "name": "openssl-empty-client-cert",
        "description": "OpenSSL s_client without a certificate -> s_server -verify 1 (optional): "
                       "the client answers the CertificateRequest with an empty Certificate and "
                       "no CertificateVerify; TLS_AES_256_GCM_SHA384, X25519",
        "client_impl": "openssl", "server_impl": "openssl",
        "server": OSSL_SERVER + ossl_cert("server-ecdsa") + [
            "-verify", "1", "-ciphersuites", "TLS_AES_256_GCM_SHA384"],
        "client": OSSL_CLIENT + OSSL_KEYLOG + MSG + ["-ciphersuites", "TLS_AES_256_GCM_SHA384"],
        "client_stdin": HELLO + [(1.5, None)],
        "msg_side": "client",
        "server_cert": "server-ecdsa", "client_cert": "",
        "expect": {"cipher_suite": 0x1302, "group": 29, "hrr": 0,
                   "certificate_request": "handshake", "client_cv_scheme": 0,
                   "server_cv_scheme": 0x0403},
    },
    {
        "name": "gnutls-to-openssl",
        "description": "gnutls-cli (TLS 1.3 only) -> OpenSSL s_server -Verify 1, client RSA "
                       "certificate; messages cross-checked with the server's -msg",
        "client_impl": "gnutls", "server_impl": "openssl",
        "server": OSSL_SERVER + ossl_cert("server-ecdsa") + MSG + ["-Verify", "1",
                                                                   "-verify_return_error"],
        "client": GNUTLS_CLIENT + gnutls_cert("client-rsa"),
        "client_env": {"SSLKEYLOGFILE": "{keylog}"},
        "client_stdin": HELLO + [(1.5, None)],
        "msg_side": "server",
        "server_cert": "server-ecdsa", "client_cert": "client-rsa",
        "expect": {"hrr": 0, "certificate_request": "handshake", "server_cv_scheme": 0x0403},
    },
    {
        "name": "openssl-to-gnutls-hrr",
        "description": "OpenSSL s_client (-groups X25519:P-256) -> gnutls-serv "
                       "--require-client-cert (TLS 1.3, secp256r1 only): HelloRetryRequest, "
                       "client ECDSA certificate, server RSA",
        "client_impl": "openssl", "server_impl": "gnutls",
        "server": GNUTLS_SERVER[:-1] + ["NORMAL:-VERS-ALL:+VERS-TLS1.3:-GROUP-ALL:+GROUP-SECP256R1"]
        + gnutls_cert("server-rsa") + ["--require-client-cert", "--verify-client-cert"],
        "client": OSSL_CLIENT + ossl_cert("client-ecdsa") + OSSL_KEYLOG + MSG
        + ["-groups", "X25519:P-256"],
        "client_stdin": HELLO + [(1.5, None)],
        "msg_side": "client",
        "server_cert": "server-rsa", "client_cert": "client-ecdsa",
        "expect": {"hrr": 1, "hrr_group": 23, "group": 23, "certificate_request": "handshake",
                   "client_cv_scheme": 0x0403},
    },
    {
        "name": "python-post-handshake-auth",
        "description": "Python ssl client (post_handshake_auth) -> Python ssl server, which calls "
                       "verify_client_post_handshake() after the first line; client RSA",
        "client_impl": "python", "server_impl": "python",
        "server": PY_PEER + ["server", "--port", "{port}"] + py_cert("server-ecdsa"),
        "client": PY_PEER + ["client", "--port", "{pport}", "--keylog", "{keylog}"]
        + py_cert("client-rsa"),
        "msg_side": None,
        "server_cert": "server-ecdsa", "client_cert": "client-rsa",
        "expect": {"hrr": 0, "certificate_request": "post_handshake", "pha_offered": 1,
                   "client_cv_scheme": 0x0804},
    },
]


class CaptureError(Exception):
    pass


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((LOOPBACK, 0))
        return s.getsockname()[1]


def is_listening(port: int) -> bool:
    """A LISTEN socket on `port` in /proc/net/tcp (no connect: a one-shot
    server's accept is not used up)."""
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


def feed(p: subprocess.Popen, script) -> threading.Thread:
    """Writes `script` [(delay s, bytes or None = close)] to p's stdin."""
    def run():
        for delay, data in script:
            time.sleep(delay)
            try:
                if data is None:
                    p.stdin.close()
                    return
                p.stdin.write(data)
                p.stdin.flush()
            except (OSError, ValueError):
                return
    t = threading.Thread(target=run, daemon=True)
    t.start()
    return t


def stop(p: subprocess.Popen) -> None:
    """Stops a child we started, by its own PID."""
    if p.poll() is None:
        p.terminate()
        try:
            p.wait(5)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait(5)


def spawn(cmd, work: Path, log: str, script, env=None) -> subprocess.Popen:
    p = subprocess.Popen(["timeout", str(PROC_TIMEOUT), *cmd], cwd=work, env=env,
                         stdin=subprocess.PIPE if script is not None else subprocess.DEVNULL,
                         stdout=open(work / log, "wb"), stderr=subprocess.STDOUT)
    if script is not None:
        feed(p, script)
    return p


def run_session(s: dict, work: Path) -> dict:
    port = free_port()
    sub = {"pki": str(PKI), "port": port, "pport": port, "keylog": str(work / "keylog.txt"),
           "msgfile": str(work / "msg.txt"), "work": str(work)}
    for name, data in s.get("files", {}).items():
        (work / name).write_bytes(data)
    fill = lambda cmd: [a.format(**sub) for a in cmd]  # noqa: E731
    # The server keeps its stdin open (s_server quits on EOF) until stopped.
    server_script = list(s.get("server_stdin", [(1.0, b"server data\n")])) + [(60.0, None)]
    server = spawn(fill(s["server"]), work, "server.log", [], None)
    client = None
    try:
        for _ in range(100):
            if is_listening(port):
                break
            if server.poll() is not None:
                raise CaptureError("server exited: " + (work / "server.log").read_text())
            time.sleep(0.1)
        else:
            raise CaptureError("server did not start listening")
        if "pre_client" in s:
            pre = spawn(fill(s["pre_client"]), work, "pre_client.log", s["pre_client_stdin"])
            pre.wait(20)
        proxy = RecordingProxy(port, 0, 20.0).start()
        sub["pport"] = proxy.port
        env = dict(os.environ)
        env.update({k: v.format(**sub) for k, v in s.get("client_env", {}).items()})
        client_cmd = fill(s["client"])
        client = spawn(client_cmd, work, "client.log", s.get("client_stdin"), env)
        feed(server, server_script)
        try:
            client.wait(20)
        except subprocess.TimeoutExpired:
            pass
        time.sleep(0.5)
        stop(server)
        proxy.join()
        if not proxy.chunks:
            raise CaptureError(f"nothing captured ({proxy.error})")
        sub["pport"] = "$PROXY_PORT"
        sub["port"] = "$SERVER_PORT"
        sub.update({"pki": "pki", "keylog": "keylog.txt", "msgfile": "msg.txt", "work": "."})
        return {
            "chunks": list(proxy.chunks),
            "server_cmd": " ".join(fill(s["server"])),
            "client_cmd": " ".join(fill(s["client"])),
            "pre_client_cmd": " ".join(fill(s["pre_client"])) if "pre_client" in s else "",
            "keylog": (work / "keylog.txt").read_text() if (work / "keylog.txt").exists() else "",
            "msg": (work / "msg.txt").read_text() if (work / "msg.txt").exists() else "",
        }
    finally:
        if client is not None:
            stop(client)
        stop(server)


def msg_messages(text: str) -> list[tuple[str, bytes]]:
    """The handshake messages OpenSSL's -msg printed: [(">>>" or "<<<", bytes)]."""
    out, cur = [], None
    for line in text.splitlines():
        if line.startswith((">>> ", "<<< ")):
            cur = None
            if "Handshake [length" in line:
                cur = [line[:3], b""]
                out.append(cur)
        elif cur is not None and line.startswith("    "):
            cur[1] += bytes.fromhex(line.strip())
    return [(a, b) for a, b in out]


def analyse(s: dict, run: dict) -> dict:
    """Decrypts the capture, splits and decodes the messages, checks the
    expectations. Returns the messages in wire order and the facts."""
    chunks = run["chunks"]
    recs = {dr: d.split_records(chunks, dr) for dr in ("c2s", "s2c")}
    hellos = [m for _, m in d.handshake_messages(d.open_direction(
        [r for r in recs["c2s"] if r[1][0] == 22], [], 0x1301))]
    if not hellos or hellos[0][0] != 1:
        raise CaptureError("the client's first message is not a ClientHello")
    random = d.decode(hellos[0])["random"]
    secrets = d.keylog_secrets(run["keylog"], random)
    plain_s2c = [m for _, m in d.handshake_messages(
        [(i, h[0], f) for i, h, f in recs["s2c"] if h[0] == 22])]
    server_hellos = [d.decode(m) for m in plain_s2c if m[0] == 2]
    final_sh = [f for f in server_hellos if not f["hrr"]]
    if not final_sh:
        raise CaptureError("no ServerHello")
    suite = final_sh[-1]["suite"]
    c_names = ["CLIENT_EARLY_TRAFFIC_SECRET", "CLIENT_HANDSHAKE_TRAFFIC_SECRET",
               "CLIENT_TRAFFIC_SECRET_0"]
    s_names = ["SERVER_HANDSHAKE_TRAFFIC_SECRET", "SERVER_TRAFFIC_SECRET_0"]
    missing = [n for n in c_names[1:] + s_names if n not in secrets]
    if missing:
        raise CaptureError(f"key log lacks {missing}")
    opened = {
        "c2s": d.open_direction(recs["c2s"], [secrets[n] for n in c_names if n in secrets], suite),
        "s2c": d.open_direction(recs["s2c"], [secrets[n] for n in s_names], suite),
    }
    msgs = []
    for dr, sender in (("c2s", "client"), ("s2c", "server")):
        for n, (idx, m) in enumerate(d.handshake_messages(opened[dr])):
            f = d.decode(m)
            name = "hello_retry_request" if f.get("hrr") else d.NAMES[m[0]]
            msgs.append((idx, n, sender, name, m, f))
    msgs.sort(key=lambda x: (x[0], x[1]))
    alerts = [(dr, c) for dr in opened for _, t, c in opened[dr] if t == 21]
    app = {dr: sum(len(c) for _, t, c in opened[dr] if t == 23) for dr in opened}
    facts = facts_of(msgs, suite)
    for k, v in s["expect"].items():
        if facts.get(k) != v:
            raise CaptureError(f"expected {k} = {v!r}, captured {facts.get(k)!r}")
    if not app["c2s"] or not app["s2c"]:
        raise CaptureError(f"no application data both ways: {app}")
    for dr, a in alerts:
        if a != b"\x01\x00":
            raise CaptureError(f"{dr} alert {a.hex()}")
    check_msg(s, run, msgs)
    return {"msgs": msgs, "facts": facts, "random": random}


def ext_types(f: dict | None) -> list[int]:
    return [t for t, _ in f["ext"]] if f else []


def facts_of(msgs, suite: int) -> dict:
    by = lambda sender, name: [f for _, _, s, n, _, f in msgs if s == sender and n == name]  # noqa: E731
    ch, sh = by("client", "client_hello"), by("server", "server_hello")
    hrr = by("server", "hello_retry_request")
    ee, cr = by("server", "encrypted_extensions"), by("server", "certificate_request")
    names = [n for _, _, _, n, _, _ in msgs]
    sh_ext = dict(sh[0]["ext"]) if sh else {}
    first_ch_ext = dict(ch[0]["ext"])
    sni = first_ch_ext.get(0, b"")
    cv = lambda sender: (by(sender, "certificate_verify") or [{"scheme": 0}])[0]["scheme"]  # noqa: E731
    certs = lambda sender: len((by(sender, "certificate") or [{"certs": []}])[0]["certs"])  # noqa: E731
    cr_pos = names.index("certificate_request") if cr else -1
    fin_pos = [i for i, n in enumerate(names) if n == "finished"]
    return {
        "cipher_suite": suite,
        "cipher_suite_name": d.SUITES[suite][0],
        "group": int.from_bytes(sh_ext.get(51, b"\0\0")[:2], "big"),
        "hrr": int(bool(hrr)),
        "hrr_group": int.from_bytes(dict(hrr[0]["ext"]).get(51, b"\0\0")[:2], "big") if hrr else 0,
        "hrr_cookie": int(bool(hrr) and 44 in dict(hrr[0]["ext"])),
        "psk": int(41 in sh_ext),
        "early_data": int(bool(ee) and 42 in dict(ee[0]["ext"])),
        "pha_offered": int(49 in first_ch_ext),
        "certificate_request": "none" if not cr else (
            "post_handshake" if len(fin_pos) >= 2 and cr_pos > fin_pos[1] else "handshake"),
        "server_cert_count": certs("server"),
        "client_cert_count": certs("client"),
        "server_cv_scheme": cv("server"),
        "client_cv_scheme": cv("client"),
        "key_update_client": [f["request_update"] for f in by("client", "key_update")],
        "key_update_server": [f["request_update"] for f in by("server", "key_update")],
        "new_session_tickets": len(by("server", "new_session_ticket")),
        "nst_max_early_data": int(any(42 in dict(f["ext"]) for f in by("server", "new_session_ticket"))),
        "ch_extension_types": ext_types(ch[0]),
        "sh_extension_types": ext_types(sh[0] if sh else None),
        "hrr_extension_types": ext_types(hrr[0] if hrr else None),
        "ee_extension_types": ext_types(ee[0] if ee else None),
        "cr_extension_types": ext_types(cr[0] if cr else None),
        "sni": sni[5:].decode() if len(sni) > 5 else "",
    }


def check_msg(s: dict, run: dict, msgs) -> None:
    """The messages decrypted here must be the ones the OpenSSL side printed."""
    side = s.get("msg_side")
    if side is None:
        return
    printed = msg_messages(run["msg"])
    other = "server" if side == "client" else "client"
    for sender, arrow in ((side, ">>>"), (other, "<<<")):
        mine = [m for _, _, snd, _, m, _ in msgs if snd == sender]
        theirs = [m for a, m in printed if a == arrow]
        if mine != theirs:
            raise CaptureError(f"{sender}'s messages differ from {side}'s -msg: "
                               f"{len(mine)} decrypted, {len(theirs)} printed")


def wrap_hex(b: bytes) -> str:
    h = b.hex()
    return "\n".join(h[i:i + 64] for i in range(0, len(h), 64)) + "\n"


def toml_value(v) -> str:
    if isinstance(v, bool):
        return str(int(v))
    if isinstance(v, int):
        return f"0x{v:04X}" if v > 255 else str(v)
    if isinstance(v, list):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    return '"' + str(v).replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_session(s: dict, run: dict, res: dict, out: Path) -> None:
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    files = []
    for n, (_, _, sender, name, m, _) in enumerate(res["msgs"], 1):
        fname = f"{n:02d}-{sender}-{name}.hex"
        (out / fname).write_text(wrap_hex(m))
        files.append(fname)
    for dr in ("c2s", "s2c"):
        (out / f"transcript-{dr}.hex").write_text(
            wrap_hex(b"".join(c for x, c in run["chunks"] if x == dr)))
    rnd = res["random"].hex()
    (out / "keylog.txt").write_text(
        "".join(line + "\n" for line in run["keylog"].splitlines() if rnd in line.lower()))
    lines = [
        "# Captured by tls13/tools/capture.py; do not edit by hand.",
        "# NN-<sender>-<message>.hex: one TLS 1.3 handshake message each (decrypted), 4-byte header",
        "# included, in the order they completed on the wire. transcript-*.hex: raw TCP bytes per",
        "# direction. keylog.txt: the NSS key log lines of this connection.",
        f"name = {toml_value(s['name'])}",
        f"description = {toml_value(s['description'])}",
        f"client_impl = {toml_value(s['client_impl'])}",
        f"server_impl = {toml_value(s['server_impl'])}",
        f"server_cert_fixture = {toml_value(s['server_cert'] + '.pem' if s['server_cert'] else '')}",
        f"client_cert_fixture = {toml_value(s['client_cert'] + '.pem' if s['client_cert'] else '')}",
    ]
    lines += [f"{k} = {toml_value(v)}" for k, v in res["facts"].items()]
    lines += [
        f"messages = {toml_value(files)}",
        "# $SERVER_PORT: the real server; $PROXY_PORT: proxy.py, which forwards to $SERVER_PORT.",
        f"server_command = {toml_value(run['server_cmd'])}",
        f"pre_client_command = {toml_value(run['pre_client_cmd'])}",
        f"client_command = {toml_value(run['client_cmd'])}",
        f"captured = {toml_value(datetime.date.today().isoformat())}",
    ]
    (out / "session.toml").write_text("\n".join(lines) + "\n")


def tool_versions() -> list[str]:
    def out(cmd):
        r = subprocess.run(["timeout", "10", *cmd], capture_output=True, text=True)
        return (r.stdout or r.stderr).splitlines()[0].strip()
    import ssl
    return [
        f"openssl = {out(['openssl', 'version'])}",
        f"gnutls = {out(['gnutls-cli', '--version'])}",
        f"python = Python {sys.version.split()[0]} ({ssl.OPENSSL_VERSION})",
    ]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(HERE.parent))
    ap.add_argument("--only")
    ap.add_argument("--keep-work", action="store_true")
    a = ap.parse_args()
    out = Path(a.out)
    info = ["# Written by tls13/tools/capture.py",
            f"date = {datetime.datetime.now(datetime.timezone.utc).isoformat(timespec='seconds')}"]
    info += tool_versions()
    failed = []
    for s in SESSIONS:
        if a.only and s["name"] != a.only:
            continue
        for attempt in range(3):
            work = Path(tempfile.mkdtemp(prefix=f"tls13-{s['name']}-"))
            try:
                run = run_session(s, work)
                res = analyse(s, run)
                write_session(s, run, res, out / s["name"])
                f = res["facts"]
                info.append(f"session {s['name']}: {f['cipher_suite_name']} group={f['group']} "
                            f"messages={len(res['msgs'])}")
                print(f"{s['name']}: {len(res['msgs'])} messages", flush=True)
                break
            except (CaptureError, d.DecryptError) as e:
                print(f"{s['name']} attempt {attempt + 1}: {e} (work: {work})", flush=True)
                if attempt == 2:
                    failed.append(s["name"])
            finally:
                if not a.keep_work:
                    shutil.rmtree(work, ignore_errors=True)
    if not a.only:
        (out / "CAPTURE-INFO.txt").write_text("\n".join(info) + "\n")
    if failed:
        print("failed:", ", ".join(failed))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
