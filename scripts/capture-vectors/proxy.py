#!/usr/bin/env python3
"""Recording TCP proxy for capturing TLS handshakes on loopback.

Listens on 127.0.0.1:<port> (0 = pick a free port), accepts exactly ONE
connection, connects to the real server at 127.0.0.1:<upstream>, forwards
bytes in both directions and records every chunk in arrival order as
(direction, bytes), direction being "c2s" or "s2c".

Importable (RecordingProxy) and runnable on its own:

    python3 proxy.py --listen 0 --upstream 4433 --out capture.json --timeout 20

Every socket operation is bounded by the overall deadline; nothing here talks
to anything but 127.0.0.1.
"""

from __future__ import annotations

import argparse
import json
import select
import socket
import threading
import time

LOOPBACK = "127.0.0.1"


class RecordingProxy:
    """One-shot recording proxy. Call start(), run the client against .port,
    then join(); .chunks holds [(dir, bytes), ...] in arrival order."""

    def __init__(self, upstream_port: int, listen_port: int = 0, timeout: float = 20.0):
        self.upstream_port = upstream_port
        self.timeout = timeout
        self.chunks: list[tuple[str, bytes]] = []
        self.error: str | None = None
        self._lsock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._lsock.bind((LOOPBACK, listen_port))
        self._lsock.listen(1)
        self.port = self._lsock.getsockname()[1]
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> "RecordingProxy":
        self._thread.start()
        return self

    def join(self) -> None:
        self._thread.join(self.timeout + 5)
        if self._thread.is_alive():
            self.error = (self.error or "") + " proxy thread did not finish"

    def c2s(self) -> bytes:
        return b"".join(b for d, b in self.chunks if d == "c2s")

    def s2c(self) -> bytes:
        return b"".join(b for d, b in self.chunks if d == "s2c")

    def _run(self) -> None:
        deadline = time.monotonic() + self.timeout
        client = upstream = None
        try:
            self._lsock.settimeout(self.timeout)
            client, _ = self._lsock.accept()
            upstream = socket.create_connection((LOOPBACK, self.upstream_port), timeout=5)
            peers = {client: (upstream, "c2s"), upstream: (client, "s2c")}
            open_ = {client, upstream}
            while open_ and time.monotonic() < deadline:
                ready, _, _ = select.select(list(open_), [], [], 0.2)
                for s in ready:
                    other, direction = peers[s]
                    try:
                        data = s.recv(65536)
                    except OSError:
                        data = b""
                    if not data:
                        # half-close towards the other side, stop reading this one
                        open_.discard(s)
                        try:
                            other.shutdown(socket.SHUT_WR)
                        except OSError:
                            pass
                        continue
                    self.chunks.append((direction, data))
                    try:
                        other.sendall(data)
                    except OSError:
                        open_.discard(s)
            if open_:
                self.error = "proxy deadline reached with connections still open"
        except Exception as e:  # noqa: BLE001 - report, the caller decides
            self.error = f"{type(e).__name__}: {e}"
        finally:
            for s in (client, upstream, self._lsock):
                if s is not None:
                    try:
                        s.close()
                    except OSError:
                        pass


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--listen", type=int, default=0)
    ap.add_argument("--upstream", type=int, required=True)
    ap.add_argument("--out", required=True, help="JSON file: list of [dir, hex]")
    ap.add_argument("--timeout", type=float, default=20.0)
    a = ap.parse_args()
    p = RecordingProxy(a.upstream, a.listen, a.timeout)
    print(f"listening on {LOOPBACK}:{p.port}", flush=True)
    p.start()
    p.join()
    with open(a.out, "w") as f:
        json.dump([[d, b.hex()] for d, b in p.chunks], f)
    if p.error:
        print("proxy:", p.error)


if __name__ == "__main__":
    main()
