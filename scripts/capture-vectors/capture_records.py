#!/usr/bin/env python3
"""Capture whole TLS 1.2 mutual-auth connections (handshake + application data
both ways + close_notify) between `openssl s_client` and `openssl s_server`,
with NSS key logs, for the mtls-record known-answer tests.

    python3 scripts/capture-vectors/capture_records.py --out crates/mtls-record/tests/vectors

Per session:
  1. starts `openssl s_server -rev` (reverses every line it receives) on
     127.0.0.1:<free port>, under `timeout`;
  2. starts the recording proxy (proxy.py) and runs `openssl s_client -quiet
     -no_ign_eof` against it, under `timeout`, writes the session's input lines
     on its stdin, waits until the reversed lines are back on its stdout, then
     closes stdin (the client then sends close_notify);
  3. checks, independently of the Rust code under test: the negotiated suite,
     both key logs agree, and - with Python `cryptography` - derives the key
     block from the logged master secret, decrypts every protected record both
     ways, and requires Finished first, then exactly the bytes written to
     s_client's stdin (c2s) and exactly what s_client printed (s2c);
  4. writes <out>/<session>/{c2s.hex,s2c.hex,keylog.txt,session.toml}.

Only 127.0.0.1 is used; every child runs under `timeout`; every loop is bounded.
The PKI is the one of crates/mtls-testkit/vectors/pki (read only); the record
tests do not look at certificates.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import hmac
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from capture import (  # noqa: E402
    CaptureError, PROC_TIMEOUT, SUITES, fill, free_port, is_listening, make_pki, stop, toml_value,
    wrap_hex,
)
from proxy import RecordingProxy  # noqa: E402

SESSION_DEADLINE = 25.0
REPO = HERE.parent.parent
DEFAULT_PKI = REPO / "crates/mtls-testkit/vectors/pki"

# suite -> (PRF hash, AEAD name, key length, fixed IV length)
SUITE_PARAMS = {
    0xC02B: ("sha256", "aes128gcm", 16, 4),
    0xC02C: ("sha384", "aes256gcm", 32, 4),
    0xC02F: ("sha256", "aes128gcm", 16, 4),
    0xC030: ("sha384", "aes256gcm", 32, 4),
    0xCCA8: ("sha256", "chacha20poly1305", 32, 12),
    0xCCA9: ("sha256", "chacha20poly1305", 32, 12),
    0x009C: ("sha256", "aes128gcm", 16, 4),
    0x009D: ("sha384", "aes256gcm", 32, 4),
}

SERVER = ["openssl", "s_server", "-accept", "127.0.0.1:{port}", "-naccept", "1", "-tls1_2",
          "-CAfile", "{pki}/ca.pem", "-Verify", "1", "-verify_return_error", "-no_ticket", "-rev",
          "-keylogfile", "{skeylog}"]
CLIENT = ["openssl", "s_client", "-connect", "127.0.0.1:{pport}", "-tls1_2", "-CAfile", "{pki}/ca.pem",
          "-verify_return_error", "-verify_hostname", "localhost", "-servername", "localhost",
          "-quiet", "-no_ign_eof", "-keylogfile", "{ckeylog}"]


def cert(name: str) -> list[str]:
    return ["-cert", "{pki}/" + name + ".pem", "-key", "{pki}/" + name + ".key"]


def text_line(n: int, length: int) -> bytes:
    """A deterministic printable line of exactly `length` bytes plus '\\n', whose
    content changes along the line (so misordered or repeated fragments show)."""
    out = bytearray()
    i = 0
    while len(out) < length:
        out += f"[{n}:{i:05d}]".encode()
        i += 1
    return bytes(out[:length]) + b"\n"


SHORT = [b"hello mtls\n", b"second line, a bit longer than the first one\n", b"3\n"]

SESSIONS: list[dict] = [
    {
        "name": "ecdhe-ecdsa-aes128gcm",
        "description": "ECDHE(P-256)-ECDSA with AES-128-GCM (PRF SHA-256), client RSA cert; one line "
                       "longer than 16 KiB so that application data spans records both ways",
        "cipher": "ECDHE-ECDSA-AES128-GCM-SHA256", "suite": 0xC02B,
        "server_extra": cert("server-ecdsa") + ["-groups", "P-256"],
        "client_extra": cert("client-rsa"),
        "input": SHORT + [text_line(4, 17000)] + [b"bye\n"],
    },
    {
        "name": "ecdhe-ecdsa-aes256gcm-sha384",
        "description": "ECDHE(X25519)-ECDSA with AES-256-GCM, PRF SHA-384, client ECDSA cert",
        "cipher": "ECDHE-ECDSA-AES256-GCM-SHA384", "suite": 0xC02C,
        "server_extra": cert("server-ecdsa"),
        "client_extra": cert("client-ecdsa"),
        "input": SHORT + [text_line(4, 3000)],
    },
    {
        "name": "ecdhe-ecdsa-chacha20poly1305",
        "description": "ECDHE(X25519)-ECDSA with ChaCha20-Poly1305 (PRF SHA-256), client RSA cert; one "
                       "line longer than 16 KiB",
        "cipher": "ECDHE-ECDSA-CHACHA20-POLY1305", "suite": 0xCCA9,
        "server_extra": cert("server-ecdsa"),
        "client_extra": cert("client-rsa"),
        "input": SHORT + [text_line(4, 16500)],
    },
    {
        "name": "rsa-aes128gcm",
        "description": "static RSA key exchange with AES-128-GCM (PRF SHA-256), client ECDSA cert",
        "cipher": "AES128-GCM-SHA256", "suite": 0x009C,
        "server_extra": cert("server-rsa"),
        "client_extra": cert("client-ecdsa"),
        "input": SHORT,
    },
    {
        "name": "ecdhe-rsa-aes128gcm-frag512",
        "description": "ECDHE(X25519)-RSA with AES-128-GCM, both sides limited to 512-byte records "
                       "(-max_send_frag 512): handshake messages (certificates) span several records",
        "cipher": "ECDHE-RSA-AES128-GCM-SHA256", "suite": 0xC02F,
        "server_extra": cert("server-rsa") + ["-max_send_frag", "512"],
        "client_extra": cert("client-rsa") + ["-max_send_frag", "512"],
        "input": SHORT + [text_line(4, 1500)],
    },
]


# --------------------------------------------------------------------------
# Independent decryption (Python hmac/hashlib + cryptography)
# --------------------------------------------------------------------------

def prf(hname: str, secret: bytes, label: bytes, seed: bytes, n: int) -> bytes:
    h = getattr(hashlib, hname)
    out, a = b"", label + seed
    for _ in range(100):  # bounded: 100 blocks is far more than any key block
        if len(out) >= n:
            break
        a = hmac.new(secret, a, h).digest()
        out += hmac.new(secret, a + label + seed, h).digest()
    return out[:n]


def records(stream: bytes, what: str) -> list[tuple[int, int, bytes]]:
    out = []
    pos = 0
    for _ in range(1_000_000):  # bounded
        if pos == len(stream):
            return out
        if len(stream) - pos < 5:
            raise CaptureError(f"{what}: trailing partial record header")
        typ, ver, ln = stream[pos], struct.unpack(">H", stream[pos + 1:pos + 3])[0], \
            struct.unpack(">H", stream[pos + 3:pos + 5])[0]
        if len(stream) - pos - 5 < ln:
            raise CaptureError(f"{what}: trailing partial record")
        out.append((typ, ver, stream[pos + 5:pos + 5 + ln]))
        pos += 5 + ln
    raise CaptureError(f"{what}: too many records")


def hs_messages(data: bytes) -> list[bytes]:
    out = []
    for _ in range(10000):
        if not data:
            return out
        ln = int.from_bytes(data[1:4], "big")
        if len(data) < 4 + ln:
            raise CaptureError("partial handshake message")
        out.append(data[:4 + ln])
        data = data[4 + ln:]
    raise CaptureError("too many handshake messages")


def decrypt_direction(stream: bytes, what: str, aead: str, key: bytes, iv: bytes) -> dict:
    """Walk one direction: pre-CCS handshake bytes in the clear, then decrypt."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM, ChaCha20Poly1305

    cipher = ChaCha20Poly1305(key) if aead == "chacha20poly1305" else AESGCM(key)
    res = {"hs_plain": b"", "hs_records": 0, "max_hs_record": 0, "protected_hs": b"", "app": b"",
           "app_records": 0, "max_app_record": 0, "alerts": [], "ccs": False, "records": 0}
    seq = 0
    for typ, ver, body in records(stream, what):
        res["records"] += 1
        if ver != 0x0303 and not (ver == 0x0301 and res["records"] == 1):
            raise CaptureError(f"{what}: record version {ver:#06x}")
        if not res["ccs"]:
            if typ == 22:
                res["hs_plain"] += body
                res["hs_records"] += 1
                res["max_hs_record"] = max(res["max_hs_record"], len(body))
            elif typ == 20:
                if body != b"\x01":
                    raise CaptureError(f"{what}: bad CCS")
                res["ccs"] = True
            else:
                raise CaptureError(f"{what}: record type {typ} before CCS")
            continue
        if typ == 20:
            raise CaptureError(f"{what}: second CCS (renegotiation?)")
        if aead == "chacha20poly1305":
            nonce = bytes(a ^ b for a, b in zip(iv, bytes(4) + seq.to_bytes(8, "big")))
            ct = body
        else:
            nonce, ct = iv + body[:8], body[8:]
        plen = len(ct) - 16
        aad = seq.to_bytes(8, "big") + bytes([typ]) + ver.to_bytes(2, "big") + plen.to_bytes(2, "big")
        pt = cipher.decrypt(nonce, ct, aad)
        seq += 1
        if typ == 22:
            res["protected_hs"] += pt
        elif typ == 23:
            res["app"] += pt
            res["app_records"] += 1
            res["max_app_record"] = max(res["max_app_record"], len(pt))
        elif typ == 21:
            res["alerts"].append(pt.hex())
        else:
            raise CaptureError(f"{what}: record type {typ} after CCS")
    if not res["ccs"]:
        raise CaptureError(f"{what}: no ChangeCipherSpec")
    return res


def check(sess: dict, c2s: bytes, s2c: bytes, keylog: list[str], client_out: bytes) -> dict:
    c_recs = records(c2s, "c2s")
    s_recs = records(s2c, "s2c")
    if not c_recs or c_recs[0][0] != 22 or not s_recs or s_recs[0][0] != 22:
        raise CaptureError("streams do not start with a handshake record")
    c_hs = b""
    for t, _, b in c_recs:
        if t == 20:
            break
        if t == 22:
            c_hs += b
    ch = hs_messages(c_hs)[0]
    if ch[0] != 1:
        raise CaptureError("first c2s message is not a ClientHello")
    client_random = ch[6:38]
    # ServerHello: may span records when fragmented; join the pre-CCS handshake bytes.
    s_hs = b""
    for t, _, b in s_recs:
        if t == 20:
            break
        if t == 22:
            s_hs += b
    sh = hs_messages(s_hs)[0]
    if sh[0] != 2:
        raise CaptureError("first s2c message is not a ServerHello")
    server_random = sh[6:38]
    sid_len = sh[38]
    suite = struct.unpack(">H", sh[39 + sid_len:41 + sid_len])[0]
    if suite != sess["suite"]:
        raise CaptureError(f"negotiated {suite:#06x}, wanted {sess['suite']:#06x}")
    ext_types = []
    rest = sh[42 + sid_len:]
    if rest:
        ext = rest[2:2 + struct.unpack(">H", rest[:2])[0]]
        for _ in range(100):
            if not ext:
                break
            et, el = struct.unpack(">HH", ext[:4])
            ext_types.append(et)
            ext = ext[4 + el:]
    ms = None
    for ln in keylog:
        parts = ln.split()
        if len(parts) == 3 and parts[0] == "CLIENT_RANDOM" and bytes.fromhex(parts[1]) == client_random:
            ms = bytes.fromhex(parts[2])
    if ms is None or len(ms) != 48:
        raise CaptureError("no CLIENT_RANDOM line for this connection in the key log")

    hname, aead, klen, ivlen = SUITE_PARAMS[suite]
    info = {"suite": suite, "prf_hash": hname, "aead": aead, "ems": 23 in ext_types,
            "sh_extension_types": ext_types}
    try:
        import cryptography  # noqa: F401
    except ImportError:
        print("WARNING: python3 cryptography not installed: captures NOT cross-checked", file=sys.stderr)
        info["cross_checked"] = False
        return info
    kb = prf(hname, ms, b"key expansion", server_random + client_random, 2 * (klen + ivlen))
    ck, sk = kb[:klen], kb[klen:2 * klen]
    civ, siv = kb[2 * klen:2 * klen + ivlen], kb[2 * klen + ivlen:]
    dc = decrypt_direction(c2s, "c2s", aead, ck, civ)
    ds = decrypt_direction(s2c, "s2c", aead, sk, siv)
    # Finished first, with the right verify_data.
    c_msgs, s_msgs = hs_messages(dc["hs_plain"]), hs_messages(ds["hs_plain"])
    cfin, sfin = hs_messages(dc["protected_hs"]), hs_messages(ds["protected_hs"])
    if [m[0] for m in cfin] != [20] or [m[0] for m in sfin] != [20]:
        raise CaptureError("protected handshake is not exactly one Finished each way")
    s_flight1 = []
    s_later = []
    for m in s_msgs:
        (s_later if s_flight1 and s_flight1[-1][0] == 14 else s_flight1).append(m)
    transcript = c_msgs[0] + b"".join(s_flight1) + b"".join(c_msgs[1:])
    h = getattr(hashlib, hname)
    want_c = prf(hname, ms, b"client finished", h(transcript).digest(), 12)
    transcript += cfin[0] + b"".join(s_later)
    want_s = prf(hname, ms, b"server finished", h(transcript).digest(), 12)
    if cfin[0][4:] != want_c or sfin[0][4:] != want_s:
        raise CaptureError("Finished verify_data does not match the key log")
    sent = b"".join(sess["input"])
    if dc["app"] != sent:
        raise CaptureError(f"c2s application data ({len(dc['app'])} bytes) != input ({len(sent)} bytes)")
    if ds["app"] != client_out:
        raise CaptureError(f"s2c application data ({len(ds['app'])} bytes) != s_client output "
                           f"({len(client_out)} bytes)")
    info.update({"cross_checked": True, "c2s": dc, "s2c": ds,
                 "server_flight_msgs": [m[0] for m in s_msgs], "client_flight_msgs": [m[0] for m in c_msgs],
                 "s2c_is_reversed_lines": client_out == b"".join(l[:-1][::-1] + b"\n" for l in sess["input"])})
    return info


# --------------------------------------------------------------------------
# Running one session
# --------------------------------------------------------------------------

def run_session(sess: dict, pki: Path, work: Path) -> dict:
    name = sess["name"]
    port = free_port()
    skeylog, ckeylog = work / f"{name}.server.keylog", work / f"{name}.client.keylog"
    for f in (skeylog, ckeylog):
        f.unlink(missing_ok=True)
    subst = {"pki": str(pki), "port": port, "pport": 0, "skeylog": str(skeylog), "ckeylog": str(ckeylog)}
    server_t = SERVER + ["-cipher", sess["cipher"]] + sess["server_extra"]
    client_t = CLIENT + ["-cipher", sess["cipher"]] + sess["client_extra"]
    slog = open(work / f"{name}.server.log", "wb")
    server = subprocess.Popen(["timeout", str(PROC_TIMEOUT), *fill(server_t, subst)], stdin=subprocess.PIPE,
                              stdout=slog, stderr=subprocess.STDOUT, cwd=work)
    client = None
    cout_path = work / f"{name}.client.out"
    try:
        for _ in range(100):  # up to ~10 s
            if is_listening(port):
                break
            if server.poll() is not None:
                raise CaptureError(f"server exited early: {(work / (name + '.server.log')).read_text()}")
            time.sleep(0.1)
        else:
            raise CaptureError("server did not start listening")
        proxy = RecordingProxy(port, 0, SESSION_DEADLINE).start()
        subst["pport"] = proxy.port
        cout = open(cout_path, "wb")
        clog = open(work / f"{name}.client.log", "wb")
        client = subprocess.Popen(["timeout", str(PROC_TIMEOUT), *fill(client_t, subst)], stdin=subprocess.PIPE,
                                  stdout=cout, stderr=clog, cwd=work)
        sent = b"".join(sess["input"])
        assert client.stdin is not None
        # One line at a time, so that each short line goes out in its own record.
        for line in sess["input"]:
            client.stdin.write(line)
            client.stdin.flush()
            time.sleep(0.05)
        for _ in range(150):  # up to ~15 s for the reversed lines to come back
            if cout_path.stat().st_size >= len(sent) or client.poll() is not None:
                break
            time.sleep(0.1)
        time.sleep(0.2)
        try:
            client.stdin.close()  # EOF: s_client -no_ign_eof sends close_notify and exits
        except OSError:
            pass
        try:
            client.wait(10)
        except subprocess.TimeoutExpired:
            stop(client)
        try:
            server.wait(3)
        except subprocess.TimeoutExpired:
            stop(server)
        proxy.join()
        cout.close()
        clog.close()
        if not proxy.chunks:
            raise CaptureError(f"nothing captured (proxy: {proxy.error})")
        kl_s = [ln for ln in (skeylog.read_text() if skeylog.exists() else "").splitlines()
                if ln and not ln.startswith("#")]
        kl_c = [ln for ln in (ckeylog.read_text() if ckeylog.exists() else "").splitlines()
                if ln and not ln.startswith("#")]
        cr_c = [ln for ln in kl_c if ln.startswith("CLIENT_RANDOM ")]
        cr_s = [ln for ln in kl_s if ln.startswith("CLIENT_RANDOM ")]
        if not cr_c or cr_s != cr_c:
            raise CaptureError(f"client and server CLIENT_RANDOM lines differ or are empty:\n{kl_c}\n{kl_s}")
        return {
            "c2s": proxy.c2s(), "s2c": proxy.s2c(), "keylog": list(dict.fromkeys(kl_c + kl_s)),
            "client_out": cout_path.read_bytes(),
            "server_t": server_t, "client_t": client_t,
            "logs": (work / f"{name}.client.log").read_text(errors="replace")[-2000:] + "\n---\n"
                    + (work / f"{name}.server.log").read_text(errors="replace")[-2000:],
        }
    finally:
        if client is not None:
            stop(client)
        stop(server)
        slog.close()


def write_session(sess: dict, res: dict, info: dict, outdir: Path) -> None:
    d = outdir / sess["name"]
    if d.exists():
        shutil.rmtree(d)
    d.mkdir(parents=True)
    (d / "c2s.hex").write_text(wrap_hex(res["c2s"]))
    (d / "s2c.hex").write_text(wrap_hex(res["s2c"]))
    (d / "keylog.txt").write_text("\n".join(res["keylog"]) + "\n")
    disp = {"pki": "pki", "port": "$SERVER_PORT", "pport": "$PROXY_PORT", "skeylog": "keylog.txt",
            "ckeylog": "keylog.txt"}

    def rel(template: list[str]) -> str:
        return " ".join(fill(template, disp))

    sent = b"".join(sess["input"])
    out = res["client_out"]
    NL = b"\n"
    close_c = "0100" in info["c2s"]["alerts"] if info.get("cross_checked") else None
    close_s = "0100" in info["s2c"]["alerts"] if info.get("cross_checked") else None
    lines = [
        "# Captured by scripts/capture-vectors/capture_records.py; do not edit by hand.",
        "# c2s.hex / s2c.hex: the raw TCP bytes of one connection, per direction (client to server,",
        "# server to client), whole: handshake, ChangeCipherSpec, protected records, alerts.",
        "# keylog.txt: NSS key log (CLIENT_RANDOM <client random> <master secret>) of that connection.",
        "# c2s plaintext = exactly the bytes written to s_client's stdin; s2c plaintext = exactly what",
        "# s_client -quiet printed (s_server -rev reverses each line).",
        f"name = {toml_value(sess['name'])}",
        f"description = {toml_value(sess['description'])}",
        f"cipher_suite = 0x{info['suite']:04X}",
        f"cipher_suite_name = {toml_value(SUITES[info['suite']])}",
        f"prf_hash = {toml_value(info['prf_hash'])}",
        f"aead = {toml_value(info['aead'])}",
        f"extended_master_secret = {toml_value(info['ems'])}",
        f"c2s_plaintext_len = {len(sent)}",
        f"c2s_plaintext_sha256 = {toml_value(hashlib.sha256(sent).hexdigest())}",
        f"c2s_first_line = {toml_value(sess['input'][0].decode())}",
        f"s2c_plaintext_len = {len(out)}",
        f"s2c_plaintext_sha256 = {toml_value(hashlib.sha256(out).hexdigest())}",
        f"s2c_first_line = {toml_value(out.split(NL)[0].decode() + chr(10))}",
    ]
    if info.get("cross_checked"):
        for dname in ("c2s", "s2c"):
            x = info[dname]
            lines += [
                f"{dname}_handshake_records = {x['hs_records']}",
                f"{dname}_max_handshake_record = {x['max_hs_record']}",
                f"{dname}_app_records = {x['app_records']}",
                f"{dname}_max_app_record = {x['max_app_record']}",
            ]
        lines += [f"c2s_close_notify = {toml_value(close_c)}", f"s2c_close_notify = {toml_value(close_s)}",
                  f"s2c_is_reversed_lines = {toml_value(info['s2c_is_reversed_lines'])}",
                  "cross_checked = true  # decrypted by the capture script with Python cryptography"]
    lines += [
        "# $SERVER_PORT: the real server; $PROXY_PORT: proxy.py, which forwards to $SERVER_PORT;",
        "# pki: crates/mtls-testkit/vectors/pki. Both peers log keys (separate files, same CLIENT_RANDOM).",
        f"server_command = {toml_value(rel(res['server_t']))}",
        f"client_command = {toml_value(rel(res['client_t']))}",
        f"captured = {toml_value(datetime.date.today().isoformat())}",
    ]
    (d / "session.toml").write_text("\n".join(lines) + "\n")


def main() -> int:
    ap = argparse.ArgumentParser(description="Capture TLS 1.2 connections for the record-layer tests.")
    ap.add_argument("--out", required=True, type=Path, help="e.g. crates/mtls-record/tests/vectors")
    ap.add_argument("--pki", type=Path, default=DEFAULT_PKI, help="certificates (default: mtls-wire's)")
    ap.add_argument("--only", action="append", help="capture only this session (repeatable)")
    ap.add_argument("--keep-work", action="store_true", help="keep the temporary work dir (logs)")
    a = ap.parse_args()

    out: Path = a.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="mtls-capture-records-"))
    pki = a.pki.resolve()
    if not (pki / "ca.pem").exists():
        pki = work / "pki"
        make_pki(pki)
        print(f"no PKI at {a.pki}: generated a throwaway one in {pki}")
    failed, summary = [], []
    try:
        for sess in SESSIONS:
            if a.only and sess["name"] not in a.only:
                continue
            ok = False
            for attempt in range(3):  # bounded retries (port races, slow start)
                try:
                    res = run_session(sess, pki, work)
                    info = check(sess, res["c2s"], res["s2c"], res["keylog"], res["client_out"])
                    write_session(sess, res, info, out)
                    msg = (f"OK   {sess['name']}: {SUITES[info['suite']]} c2s={len(res['c2s'])}B "
                           f"s2c={len(res['s2c'])}B cross_checked={info['cross_checked']}")
                    if info.get("cross_checked"):
                        msg += (f" app_records c2s={info['c2s']['app_records']} s2c={info['s2c']['app_records']}"
                                f" hs_records c2s={info['c2s']['hs_records']} s2c={info['s2c']['hs_records']}"
                                f" alerts c2s={info['c2s']['alerts']} s2c={info['s2c']['alerts']}")
                    print(msg, flush=True)
                    summary.append(msg[5:])
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
        r = subprocess.run(["timeout", "10", "openssl", "version"], capture_output=True, text=True)
        try:
            import cryptography
            cv = cryptography.__version__
        except ImportError:
            cv = "not installed"
        (out / "CAPTURE-INFO.txt").write_text(
            "# Written by scripts/capture-vectors/capture_records.py\n"
            f"date = {datetime.datetime.now(datetime.timezone.utc).isoformat(timespec='seconds')}\n"
            f"openssl = {r.stdout.strip()}\n"
            f"python = Python {sys.version.split()[0]}, cryptography {cv}\n"
            + "".join(f"session {s}\n" for s in summary))
    if failed:
        print("FAILED: " + ", ".join(failed), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
