"""Python ssl client for tests/it/python_tls13.rs: TLS 1.3 only, with a client certificate.

Usage: python3 py_client13.py PORT CERT KEY CA MODE
MODE "plain": one line, the echo, close. MODE "pha": the same with post_handshake_auth
enabled, so that the server may ask for the certificate after the handshake (RFC 8446
4.6.2); OpenSSL answers such a request on its own while it reads. MODE "resume": two
connections, the second offering the session (ticket) of the first (RFC 8446 2.2); each
prints "REUSED True|False".
With PY_KEYLOG set, OpenSSL writes its key log (NSS format) there.
Connects to 127.0.0.1:PORT verifying the server as "localhost" and prints what it saw.
Every wait is bounded (10 s).
"""
import os
import socket
import ssl
import sys

port, cert, key, ca, mode = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.minimum_version = ssl.TLSVersion.TLSv1_3
ctx.load_cert_chain(cert, key)
ctx.load_verify_locations(ca)
if mode == "pha":
    ctx.post_handshake_auth = True
if os.environ.get("PY_KEYLOG"):
    ctx.keylog_filename = os.environ["PY_KEYLOG"]


def one_connection(session):
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        with ctx.wrap_socket(sock, server_hostname="localhost", session=session) as tls:
            saved = exchange(tls)
    return saved


def exchange(tls):
    print("VERSION", tls.version(), flush=True)
    print("REUSED", tls.session_reused, flush=True)
    print("CIPHER", tls.cipher()[0], flush=True)
    print("SUBJECT", tls.getpeercert()["subject"], flush=True)
    tls.sendall(b"hello from python\n")
    line = b""
    while not line.endswith(b"\n"):
        chunk = tls.recv(1024)
        if not chunk:
            break
        line += chunk
    print("ECHO", line.decode().rstrip("\n"), flush=True)
    # The tickets came before the echo: the session now holds one.
    saved = tls.session
    try:
        tls.unwrap()
    except (ssl.SSLError, OSError) as e:
        print("UNWRAP", e, flush=True)
    return saved


saved = one_connection(None)
if mode == "resume":
    one_connection(saved)
print("DONE", flush=True)
