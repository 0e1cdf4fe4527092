"""Python ssl client for tests/it/python_tls13.rs: TLS 1.3 only, with a client certificate.

Usage: python3 py_client13.py PORT CERT KEY CA MODE
MODE "plain": one line, the echo, close. MODE "pha": the same with post_handshake_auth
enabled, so that the server may ask for the certificate after the handshake (RFC 8446
4.6.2); OpenSSL answers such a request on its own while it reads.
Connects to 127.0.0.1:PORT verifying the server as "localhost" and prints what it saw.
Every wait is bounded (10 s).
"""
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

with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
    with ctx.wrap_socket(sock, server_hostname="localhost") as tls:
        print("VERSION", tls.version(), flush=True)
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
        try:
            tls.unwrap()
        except (ssl.SSLError, OSError) as e:
            print("UNWRAP", e, flush=True)
print("DONE", flush=True)
