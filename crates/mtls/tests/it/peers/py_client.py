"""Python ssl client for tests/it/python_interop.rs: TLS 1.2 with a client certificate.

Usage: python3 py_client.py PORT CERT KEY CA
Connects to 127.0.0.1:PORT verifying the server as "localhost", sends one line, prints
the echo and the server's subject, and exits. Every wait is bounded (10 s).
"""
import socket
import ssl
import sys

port, cert, key, ca = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.maximum_version = ssl.TLSVersion.TLSv1_2
ctx.load_cert_chain(cert, key)
ctx.load_verify_locations(ca)

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
print("DONE", flush=True)
