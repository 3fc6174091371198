"""A fault-injecting TCP proxy for loopback tests of the sync path.

Sits between the sync client and the real server. Each new connection takes
the next fault from a queue (then `ok` once the queue is empty):

- `cut_before`: read the request, close; the server never sees it.
- `cut_after`: forward the request, read the server's whole reply (so the server has
  committed), then close without giving the client a byte of it.
- `cut_mid_reply`: forward the request, pass half the reply, close.
- `hold`: read the request and keep it, close at once (the client gives up); the
  request reaches the server only when `release()` is called: a message arriving late.
- `replay`: forward the request (the server commits), but answer with the last reply
  an earlier exchange got: a replayed or misrouted reply.
- `ok`: forward both ways.

`rate` (bytes/s) and `latency` (s, one way) shape every connection like a slow link.
With `shared_link=True` the rate is one link's, shared by every connection in each
direction (a tablet's one radio: two uploads at once each get half of it, an upload and
a download each get all of theirs), so a client that opens several connections at once
is not credited with bandwidth it would not have.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections import deque


class FaultProxy:
    """A loopback TCP proxy to `target_port` with a queue of faults."""

    def __init__(
        self,
        target_port: int,
        rate: float | None = None,
        latency: float = 0.0,
        *,
        shared_link: bool = False,
    ):
        self.target_port = target_port
        self.rate = rate
        # One lock per direction, held while a chunk is on the link (shared_link only).
        self._links = {True: threading.Lock(), False: threading.Lock()} if shared_link else {}
        self.latency = latency
        self.faults: deque[str] = deque()
        self.seen: list[str] = []
        self.bytes_up = 0
        self.bytes_down = 0
        self.held: list[bytes] = []
        self.last_reply = b""
        self._lock = threading.Lock()
        self._sock = socket.socket()
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(64)
        self.port = self._sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._closed = False
        threading.Thread(target=self._accept_loop, daemon=True).start()

    def inject(self, *faults: str) -> None:
        """Queue faults for the next connections, in order."""
        with self._lock:
            self.faults.extend(faults)

    def release(self) -> list[bytes]:
        """Deliver the held requests now, in order; returns the server's replies."""
        with self._lock:
            held, self.held = self.held, []
        replies = []
        for request in held:
            with socket.create_connection(("127.0.0.1", self.target_port)) as server:
                server.sendall(request)
                replies.append(self._read_message(server))
        return replies

    def close(self) -> None:
        """Stop accepting connections."""
        self._closed = True
        self._sock.close()

    def _accept_loop(self) -> None:
        while not self._closed:
            try:
                client, _ = self._sock.accept()
            except OSError:
                return
            with self._lock:
                fault = self.faults.popleft() if self.faults else "ok"
                self.seen.append(fault)
            threading.Thread(target=self._handle, args=(client, fault), daemon=True).start()

    # -- shaping ---------------------------------------------------------
    def _send(self, sock: socket.socket, data: bytes, up: bool) -> None:
        if self.rate:
            step = max(256, int(self.rate / 20))
            link = self._links.get(up) or contextlib.nullcontext()
            for i in range(0, len(data), step):
                chunk = data[i : i + step]
                with link:
                    sock.sendall(chunk)
                    time.sleep(len(chunk) / self.rate)
        else:
            sock.sendall(data)
        with self._lock:
            if up:
                self.bytes_up += len(data)
            else:
                self.bytes_down += len(data)

    # -- HTTP/1.1 message framing (enough for our own client and server) --
    @staticmethod
    def _read_message(sock: socket.socket) -> bytes:
        """One HTTP message (request or response) with a Content-Length body."""
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(65536)
            if not chunk:
                return data
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value.strip())
        while len(body) < length:
            chunk = sock.recv(65536)
            if not chunk:
                break
            body += chunk
        return head + b"\r\n\r\n" + body

    def _handle(self, client: socket.socket, fault: str) -> None:
        server = None
        try:
            while True:  # one request/response exchange per loop (keep-alive)
                request = self._read_message(client)
                if not request:
                    return
                if self.latency:
                    time.sleep(self.latency)
                if fault == "cut_before":
                    return
                if fault == "hold":
                    with self._lock:
                        self.held.append(request)
                    return
                if server is None:
                    server = socket.create_connection(("127.0.0.1", self.target_port))
                self._send(server, request, up=True)
                reply = self._read_message(server)
                if not reply:
                    return
                if fault == "cut_after":
                    return
                if fault == "replay":
                    self._send(client, self.last_reply, up=False)
                    return
                self.last_reply = reply
                if self.latency:
                    time.sleep(self.latency)
                if fault == "cut_mid_reply":
                    self._send(client, reply[: len(reply) // 2], up=False)
                    return
                self._send(client, reply, up=False)
        except OSError:
            return
        finally:
            for s in (client, server):
                if s is not None:
                    with contextlib.suppress(OSError):
                        s.shutdown(socket.SHUT_RDWR)
                    s.close()
