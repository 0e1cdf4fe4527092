#!/usr/bin/env python3
"""Python `ssl` TLS 1.2 peer (one connection) for capture.py.

    py_peer.py server --port P --cert C --key K --ca CA [--verify required|optional|none]
                      [--ciphers S] [--alpn a,b]
    py_peer.py client --port P [--cert C --key K] --ca CA [--server-name N] [--alpn a,b] [--keylog F]

Loopback only; every socket has a timeout. The server echoes one line.
"""

import argparse
import socket
import ssl
import sys

LOOPBACK = "127.0.0.1"
TIMEOUT = 15


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("role", choices=["server", "client"])
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--cert")
    ap.add_argument("--key")
    ap.add_argument("--ca", required=True)
    ap.add_argument("--verify", choices=["required", "optional", "none"], default="required")
    ap.add_argument("--ciphers")
    ap.add_argument("--alpn")
    ap.add_argument("--server-name")
    ap.add_argument("--keylog")
    a = ap.parse_args()

    if a.role == "server":
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.minimum_version = ctx.maximum_version = ssl.TLSVersion.TLSv1_2
        if a.ciphers:
            ctx.set_ciphers(a.ciphers)
        ctx.load_cert_chain(a.cert, a.key)
        ctx.load_verify_locations(a.ca)
        ctx.verify_mode = {"required": ssl.CERT_REQUIRED, "optional": ssl.CERT_OPTIONAL,
                           "none": ssl.CERT_NONE}[a.verify]
        if a.alpn:
            ctx.set_alpn_protocols(a.alpn.split(","))
        if a.keylog:
            ctx.keylog_filename = a.keylog
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as ls:
            ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            ls.bind((LOOPBACK, a.port))
            ls.listen(1)
            ls.settimeout(TIMEOUT)
            conn, _ = ls.accept()
            conn.settimeout(TIMEOUT)
            with ctx.wrap_socket(conn, server_side=True) as tls:
                print("server: peer", tls.getpeercert().get("subject"), tls.cipher(),
                      tls.selected_alpn_protocol(), flush=True)
                line = tls.recv(1024)
                tls.sendall(line[::-1])
                try:
                    tls.unwrap()
                except (ssl.SSLError, OSError):
                    pass
    else:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.minimum_version = ctx.maximum_version = ssl.TLSVersion.TLSv1_2
        ctx.load_verify_locations(a.ca)
        if a.cert:
            ctx.load_cert_chain(a.cert, a.key)
        if a.alpn:
            ctx.set_alpn_protocols(a.alpn.split(","))
        if a.keylog:
            ctx.keylog_filename = a.keylog
        if not a.server_name:
            ctx.check_hostname = False
        with socket.create_connection((LOOPBACK, a.port), timeout=TIMEOUT) as s:
            with ctx.wrap_socket(s, server_hostname=a.server_name) as tls:
                tls.sendall(b"hello mtls\n")
                print("client: got", tls.recv(1024), tls.cipher(), tls.selected_alpn_protocol(), flush=True)
                try:
                    tls.unwrap()
                except (ssl.SSLError, OSError):
                    pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
