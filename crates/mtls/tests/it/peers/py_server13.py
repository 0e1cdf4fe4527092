"""Python ssl server for tests/it/python_tls13.rs: TLS 1.3 only.

Usage: python3 py_server13.py CERT KEY CA MODE
Binds 127.0.0.1:0 and prints "PORT <n>"; accepts one connection.
MODE "plain": client certificate required in the handshake; one line echoed as
"py-echo: <line>".
MODE "pha": post_handshake_auth, so no certificate is asked in the handshake (RFC 8446
4.6.2); after the first line the server calls verify_client_post_handshake(), sends the
echo (the CertificateRequest goes before it), reads a second line (by then the client's
answer has been processed) and answers "py-who: <subject>".
Every wait is bounded (10 s).
"""
import socket
import ssl
import sys

cert, key, ca, mode = sys.argv[1:5]
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.minimum_version = ssl.TLSVersion.TLSv1_3
ctx.verify_mode = ssl.CERT_REQUIRED
ctx.load_cert_chain(cert, key)
ctx.load_verify_locations(ca)
if mode == "pha":
    ctx.post_handshake_auth = True


def read_line(tls):
    line = b""
    while not line.endswith(b"\n"):
        chunk = tls.recv(1024)
        if not chunk:
            break
        line += chunk
    return line


def common_name(peer):
    if not peer:
        return "nobody"
    for rdn in peer["subject"]:
        for k, v in rdn:
            if k == "commonName":
                return "CN=" + v
    return "unnamed"


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
        print("BEFORE", common_name(tls.getpeercert()), flush=True)
        line = read_line(tls)
        print("RECEIVED", line.decode().rstrip("\n"), flush=True)
        if mode == "pha":
            tls.verify_client_post_handshake()
            tls.sendall(b"py-echo: " + line)
            second = read_line(tls)
            print("RECEIVED", second.decode().rstrip("\n"), flush=True)
            who = common_name(tls.getpeercert())
            print("AFTER", who, flush=True)
            tls.sendall(b"py-who: " + who.encode() + b"\n")
        else:
            tls.sendall(b"py-echo: " + line)
        try:
            tls.unwrap()  # close_notify both ways
        except (ssl.SSLError, OSError) as e:
            print("UNWRAP", e, flush=True)
print("DONE", flush=True)
