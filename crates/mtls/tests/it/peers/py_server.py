"""Python ssl server for tests/it/python_interop.rs: TLS 1.2, client certificate required.

Usage: python3 py_server.py CERT KEY CA
Binds 127.0.0.1:0 and prints "PORT <n>"; accepts one connection, prints the client's
subject, echoes one line as "py-echo: <line>", and exits. Every wait is bounded (10 s).
"""
import socket
import ssl
import sys

cert, key, ca = sys.argv[1:4]
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.maximum_version = ssl.TLSVersion.TLSv1_2
ctx.verify_mode = ssl.CERT_REQUIRED
ctx.load_cert_chain(cert, key)
ctx.load_verify_locations(ca)

with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as lsock:
    lsock.bind(("127.0.0.1", 0))
    lsock.listen(1)
    lsock.settimeout(10)
    print("PORT", lsock.getsockname()[1], flush=True)
    conn, _ = lsock.accept()
    conn.settimeout(10)
    with ctx.wrap_socket(conn, server_side=True) as tls:
        print("VERSION", tls.version(), flush=True)
        print("CIPHER", tls.cipher()[0], flush=True)
        print("SUBJECT", tls.getpeercert()["subject"], flush=True)
        line = b""
        while not line.endswith(b"\n"):
            chunk = tls.recv(1024)
            if not chunk:
                break
            line += chunk
        print("RECEIVED", line.decode().rstrip("\n"), flush=True)
        tls.sendall(b"py-echo: " + line)
        try:
            tls.unwrap()  # close_notify both ways
        except (ssl.SSLError, OSError) as e:
            print("UNWRAP", e, flush=True)
print("DONE", flush=True)
