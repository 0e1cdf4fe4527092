#!/usr/bin/env python3
"""Python `ssl` TLS 1.3 peer (one connection) for capture.py: a client that
offers post-handshake authentication and a server that asks for the client's
certificate after the handshake (`verify_client_post_handshake`).

    py_peer13.py server --port P --cert C --key K --ca CA [--keylog F]
    py_peer13.py client --port P --cert C --key K --ca CA [--keylog F]

Loopback only; every socket has a timeout. The client sends two lines; the
server reads the first, requests the certificate, answers, reads the second
(which comes after the client's Certificate, CertificateVerify and
Finished) and answers with the client's subject.
"""

import argparse
import socket
import ssl
import sys

LOOPBACK = "127.0.0.1"
TIMEOUT = 15


def context(a, server: bool) -> ssl.SSLContext:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER if server else ssl.PROTOCOL_TLS_CLIENT)
    ctx.minimum_version = ctx.maximum_version = ssl.TLSVersion.TLSv1_3
    ctx.load_cert_chain(a.cert, a.key)
    ctx.load_verify_locations(a.ca)
    if a.keylog:
        ctx.keylog_filename = a.keylog
    return ctx


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("role", choices=["server", "client"])
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--cert", required=True)
    ap.add_argument("--key", required=True)
    ap.add_argument("--ca", required=True)
    ap.add_argument("--keylog")
    a = ap.parse_args()

    if a.role == "server":
        ctx = context(a, True)
        ctx.verify_mode = ssl.CERT_OPTIONAL
        ctx.post_handshake_auth = True
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as ls:
            ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            ls.bind((LOOPBACK, a.port))
            ls.listen(1)
            ls.settimeout(TIMEOUT)
            conn, _ = ls.accept()
            conn.settimeout(TIMEOUT)
            with ctx.wrap_socket(conn, server_side=True) as tls:
                first = tls.recv(1024)
                tls.verify_client_post_handshake()
                tls.sendall(first[::-1])
                tls.recv(1024)
                subject = dict(x[0] for x in tls.getpeercert()["subject"])
                tls.sendall(("client " + subject.get("commonName", "?") + "\n").encode())
                print("server: peer", subject, tls.cipher(), flush=True)
                try:
                    tls.unwrap()
                except (ssl.SSLError, OSError):
                    pass
    else:
        ctx = context(a, False)
        ctx.post_handshake_auth = True
        ctx.check_hostname = False
        with socket.create_connection((LOOPBACK, a.port), timeout=TIMEOUT) as s:
            with ctx.wrap_socket(s, server_hostname="localhost") as tls:
                tls.sendall(b"hello mtls\n")
                print("client: got", tls.recv(1024), flush=True)
                tls.sendall(b"again\n")
                print("client: got", tls.recv(1024), tls.cipher(), flush=True)
                try:
                    tls.unwrap()
                except (ssl.SSLError, OSError):
                    pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
