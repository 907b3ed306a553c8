#!/usr/bin/env python3
"""GreptimeDB-compatible OTLP/HTTP test receiver: the HTTP layer and the command line.
(Over 400 lines: every inspection endpoint the tests read lives next to the handler it inspects.)

    python3 tests/receiver/greptime_receiver.py --port 4000 [--host 127.0.0.1]
        [--auth user:password]... [--cors-origins https://a,https://b]
        [--body-limit 64MiB] [--databases web,foo] [--quiet] [--summary]

From Python (pytest): `with start_receiver() as receiver: ... receiver.url ...`.
See README.md for what is enforced and for the /_receiver/ query API.
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import sys
import threading
import time
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TextIO
from urllib.parse import urlsplit

# The sibling modules import by name whatever the working directory.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import receiver_api
from greptime_contract import (
    DEFAULT_BODY_LIMIT,
    LIMIT_EXCEEDED,
    Refused,
    Reply,
    check_auth,
    check_log_pipeline,
    check_trace_pipeline,
    cors_headers,
    decode_body,
    invalid_header_reply,
    is_json_content_type,
    json_reply,
    needs_auth,
    pipeline_name,
    DEFAULT_SCHEMA,
    resolve_database,
    split_database,
    text_reply,
    unsupported_json_reply,
)
from otlp_ingest import DEFAULT_TABLES, IngestContext, Outcome, decode, ingest, item_count
from receiver_state import ReceiverState

OTLP_ROUTES = {
    "/v1/otlp/v1/traces": "traces",
    "/v1/otlp/v1/metrics": "metrics",
    "/v1/otlp/v1/logs": "logs",
}
HEALTH_PATHS = ("/v1/health", "/health")
TABLE_HEADERS = {"traces": "x-greptime-trace-table-name", "logs": "x-greptime-log-table-name"}
ITEM_COUNT_FIELDS = {"traces": "span_count", "metrics": "metric_point_count", "logs": "log_count"}
ITEM_NOUNS = {"traces": "spans", "metrics": "metric points", "logs": "log records"}
LABEL_NOUNS = {"traces": "span names", "metrics": "metric names", "logs": "bodies"}
DRAIN_FACTOR = 4  # bodies up to this many times the limit are read (and refused with 413)


@dataclass
class ReceiverConfig:
    host: str = "127.0.0.1"
    port: int = 4000
    users: dict[str, str] = field(default_factory=dict)  # empty: no auth, like GreptimeDB
    cors_origins: list[str] | None = None  # None: any origin (`*`)
    body_limit: int = DEFAULT_BODY_LIMIT
    # Databases that exist, besides `public` (GreptimeDB creates only that one; any other must be
    # created first, `CREATE DATABASE`, or writes to it are refused as GreptimeDB refuses them).
    databases: frozenset[str] = frozenset()
    quiet: bool = False
    summary: bool = False
    # Not GreptimeDB: what a proxy in front of it might add, so browsers can read these headers.
    expose_headers: list[str] | None = None
    out: TextIO | None = None  # where log lines go; None: sys.stdout


@dataclass
class HttpRequest:
    method: str
    target: str
    path: str
    query: str
    headers: dict[str, str]  # lowercased names; the first value of a repeated header
    body: bytes | None  # None: longer than the body limit (already drained)
    body_length: int


class Receiver:
    """Routes one HTTP request to a reply; shared by every handler thread."""

    def __init__(self, config: ReceiverConfig):
        self.config = config
        self.state = ReceiverState()
        self._print_lock = threading.Lock()

    # ------------------------------------------------------------ entry point

    def handle(self, request: HttpRequest) -> Reply:
        origin = request.headers.get("origin")
        if request.method == "OPTIONS":
            return self._preflight(request, origin)
        reply = self._route(request)
        reply.headers.extend(cors_headers(origin, self.config.cors_origins, preflight=False))
        if self.config.expose_headers:
            reply.headers.append(("access-control-expose-headers", ", ".join(self.config.expose_headers)))
        return reply

    def _preflight(self, request: HttpRequest, origin: str | None) -> Reply:
        """tower-http answers every OPTIONS itself: 200, empty, before auth and routing."""
        if not request.path.startswith(receiver_api.PREFIX):
            self.state.record_preflight(
                {
                    "path": request.target,
                    "origin": origin,
                    "request_method": request.headers.get("access-control-request-method"),
                    "request_headers": request.headers.get("access-control-request-headers"),
                    "received_at_ms": _now_ms(),
                }
            )
            self._log_plain(request, 200, "preflight")
        return Reply(200, headers=cors_headers(origin, self.config.cors_origins, preflight=True))

    def _route(self, request: HttpRequest) -> Reply:
        if request.path.startswith(receiver_api.PREFIX):
            return receiver_api.handle(
                self.state, request.method, request.path, request.query, request.body or b""
            )
        signal = OTLP_ROUTES.get(request.path)
        if signal is not None:
            return self._export(signal, request)
        reply = self._auth(request) or self._other_route(request)
        self._log_plain(request, reply.status, reply.error)
        return reply

    def _other_route(self, request: HttpRequest) -> Reply:
        if request.path in HEALTH_PATHS:
            if request.method in ("GET", "HEAD", "POST"):
                return json_reply(200, {})
            return Reply(405, headers=[("allow", "GET,HEAD,POST")], error="method not allowed")
        return Reply(404, error="not found")

    def _auth(self, request: HttpRequest) -> Reply | None:
        if self.config.users and needs_auth(request.path):
            return check_auth(request.headers, self.config.users)
        return None

    # ------------------------------------------------------------ OTLP exports

    def _export(self, signal: str, request: HttpRequest) -> Reply:
        started = time.monotonic()
        database = resolve_database(request.headers, request.query)
        catalog, schema = split_database(database)
        entry = {
            "seq": self.state.next_seq(),
            "signal": signal,
            "path": request.target,
            "method": request.method,
            "status": None,
            "headers": request.headers,
            "database": database,
            "catalog": catalog,
            "schema": schema,
            "table": request.headers.get(TABLE_HEADERS.get(signal, ""), DEFAULT_TABLES[signal]),
            "pipeline": pipeline_name(request.headers),
            "content_type": request.headers.get("content-type"),
            "content_encoding": request.headers.get("content-encoding"),
            "body_bytes": request.body_length,
            "decoded_bytes": None,
            ITEM_COUNT_FIELDS[signal]: None,
            "accepted": 0,
            "rejected": 0,
            "received_at_ms": _now_ms(),
            "error": None,
            "warnings": [],
            "fault": False,
            "_body": request.body,
            "_decoded": None,
        }
        outcome = self._export_outcome(signal, request, entry)
        reply = outcome.reply
        entry.update(
            status=reply.status,
            error=reply.error or None,
            accepted=len(outcome.items),
            rejected=outcome.rejected,
            warnings=outcome.warnings,
            services=outcome.services,
            duration_ms=round((time.monotonic() - started) * 1000, 3),
        )
        self.state.record_request(entry, outcome.items, len(outcome.items), outcome.rejected)
        self._log_export(signal, request, entry, outcome)
        return reply

    def _export_outcome(self, signal: str, request: HttpRequest, entry: dict) -> Outcome:
        """GreptimeDB's order: CORS (done), auth, routing, header extractors, body, handler."""
        try:
            self._apply_fault(signal, request, entry)
            self._admit(signal, request)
            message = self._decode(signal, request, entry)
            self._check_pipeline(signal, entry["pipeline"])
        except Refused as refused:
            return Outcome(refused.reply)
        context = IngestContext(
            seq=entry["seq"],
            database=entry["database"],
            table=entry["table"],
            database_exists=self._database_exists(entry["database"]),
            trace_tables=self.state.trace_tables,
            pipeline=entry["pipeline"],
        )
        return ingest(signal, message, context)

    def _apply_fault(self, signal: str, request: HttpRequest, entry: dict) -> None:
        fault = self.state.take_fault(signal) if request.method == "POST" else None
        if fault is None:
            return
        entry["fault"] = True
        if fault.delay_ms:
            time.sleep(fault.delay_ms / 1000)
        if fault.status != 200:  # 200 means: answer normally, after the delay
            headers = [("retry-after", fault.retry_after)] if fault.retry_after is not None else []
            message = {"error": f"Injected fault: HTTP {fault.status}"}
            raise Refused(json_reply(fault.status, message, headers))

    def _admit(self, signal: str, request: HttpRequest) -> None:
        """Auth, then method routing, then the header extractors."""
        reply = self._auth(request)
        if reply is None and request.method != "POST":
            reply = Reply(405, headers=[("allow", "POST")], error="method not allowed")
        if reply is None and signal != "metrics":
            reply = invalid_header_reply(request.headers)
        if reply is not None:
            raise Refused(reply)

    def _decode(self, signal: str, request: HttpRequest, entry: dict):
        """Buffer and decompress the body, refuse JSON, parse the protobuf message."""
        if request.body is None:
            raise Refused(text_reply(413, LIMIT_EXCEEDED))
        body = decode_body(request.body, entry["content_encoding"], self.config.body_limit)
        entry["decoded_bytes"] = len(body)
        entry["_decoded"] = body
        content_type = entry["content_type"]
        if is_json_content_type(content_type):
            raise Refused(unsupported_json_reply(content_type))
        message = decode(signal, body, content_type)
        entry[ITEM_COUNT_FIELDS[signal]] = item_count(signal, message)
        return message

    @staticmethod
    def _check_pipeline(signal: str, pipeline: str | None) -> None:
        check = {"traces": check_trace_pipeline, "logs": check_log_pipeline}.get(signal)
        reply = check(pipeline) if check else None
        if reply is not None:
            raise Refused(reply)

    def _database_exists(self, database: str) -> bool:
        known = {split_database(d) for d in self.config.databases | {DEFAULT_SCHEMA}}
        return split_database(database) in known

    # ------------------------------------------------------------ log lines

    def _log_export(self, signal: str, request: HttpRequest, entry: dict, outcome: Outcome):
        if self.config.summary:
            self._print(_summary_line(signal, request, entry, outcome))
        elif not self.config.quiet:
            self._print(_plain_line(signal, request, entry))

    def _log_plain(self, request: HttpRequest, status: int, detail: str | None) -> None:
        if not self.config.quiet and not self.config.summary:
            self._print(
                f"[receiver] {request.method} {request.target} {status} {detail or ''}".rstrip()
            )

    def _print(self, line: str) -> None:
        with self._print_lock:
            out = self.config.out or sys.stdout
            print(line, file=out, flush=True)


def _plain_line(signal: str, request: HttpRequest, entry: dict) -> str:
    parts = [
        f"[receiver] {request.method} {request.target} db={entry['database']} {entry['status']}"
    ]
    count = entry[ITEM_COUNT_FIELDS[signal]]
    if count is not None:
        parts.append(f"{count} {ITEM_NOUNS[signal]}")
    if entry["rejected"] and entry["status"] == 200:
        parts[-1] += f", {entry['rejected']} rejected"
    if entry["fault"]:
        parts.append("(injected fault)")
    if entry["error"] and entry["status"] != 200:
        parts.append(f"error: {entry['error']}")
    return " ".join(parts)


def _summary_line(signal: str, request: HttpRequest, entry: dict, outcome: Outcome) -> str:
    head = f"[receiver] {request.method} {signal} db={entry['database']} {entry['status']}"
    if entry["status"] != 200:
        injected = " (injected fault)" if entry["fault"] else ""
        return f"{head}{injected} error: {entry['error']}" if entry["error"] else head + injected
    accepted = len(outcome.items)
    rejected = f", {entry['rejected']} rejected" if entry["rejected"] else ""
    services = ", ".join(outcome.services) or "unknown"
    line = f"{head} {accepted} {ITEM_NOUNS[signal]}{rejected} (service {services})"
    labels = list(dict.fromkeys(outcome.labels))
    if labels:
        shown = ", ".join(labels[:6]) + ("…" if len(labels) > 6 else "")
        line += f": {LABEL_NOUNS[signal]} {shown}"
    return line


def _now_ms() -> int:
    return int(time.time() * 1000)


# -------------------------------- HTTP server plumbing


class _BadRequest(Exception):
    pass


class ReceiverHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "greptime-test-receiver"

    def __getattr__(self, name: str):
        # Any method token (GET, POST, PATCH, ...) goes through one dispatcher.
        if name.startswith("do_"):
            return self._handle
        raise AttributeError(name)

    def _handle(self) -> None:
        receiver: Receiver = self.server.receiver
        url = urlsplit(self.path)
        # Hold mode (page-close tests): wait before reading the body, then store the request only
        # if its client is still there. A request the browser cancelled with the page is then
        # never counted, even though its bytes may already sit in the socket buffer.
        hold_ms = receiver.state.hold_ms() if self.command == "POST" and url.path in OTLP_ROUTES else 0
        if hold_ms:
            time.sleep(hold_ms / 1000)
        try:
            body, length = self._read_body(receiver.config.body_limit)
        except _BadRequest as err:
            self.close_connection = True
            self._send(text_reply(400, str(err)))
            return
        if length is None:  # far too large to drain: answer and drop the connection
            self.close_connection = True
            self._send(text_reply(413, LIMIT_EXCEEDED))
            return
        if hold_ms and self._client_gone():
            receiver.state.record_abandoned(
                {"path": self.path, "body_bytes": length, "hold_ms": hold_ms, "at_ms": _now_ms()}
            )
            self.close_connection = True
            return
        request = HttpRequest(
            method=self.command,
            target=self.path,
            path=url.path,
            query=url.query,
            headers=_lowercase_headers(self.headers),
            body=body,
            body_length=length,
        )
        self._send(receiver.handle(request))

    def _client_gone(self) -> bool:
        """True when the client closed or reset the connection (nothing is left to read but EOF)."""
        sock = self.connection
        try:
            sock.setblocking(False)
            try:
                return sock.recv(1, socket.MSG_PEEK) == b""
            finally:
                sock.setblocking(True)
        except BlockingIOError:
            return False  # still connected, waiting for the answer
        except OSError:
            return True

    def _read_body(self, limit: int) -> tuple[bytes | None, int | None]:
        """(body, length); body None past `limit`, length None when not even drained."""
        if "chunked" in self.headers.get("transfer-encoding", "").lower():
            return self._read_chunked(limit)
        raw_length = self.headers.get("content-length", "0").strip() or "0"
        if not raw_length.isdigit():
            raise _BadRequest(f"invalid content-length: {raw_length!r}")
        length = int(raw_length)
        if length > limit * DRAIN_FACTOR:
            return None, None
        body = self.rfile.read(length)
        return (body if length <= limit else None), length

    def _read_chunked(self, limit: int) -> tuple[bytes | None, int | None]:
        body = bytearray()
        total = 0
        while True:
            size_line = self.rfile.readline(1024).split(b";", 1)[0].strip()
            try:
                size = int(size_line, 16)
            except ValueError:
                raise _BadRequest("invalid chunk size") from None
            if size == 0:
                while self.rfile.readline(1024).strip():  # trailers
                    pass
                return (bytes(body) if total <= limit else None), total
            chunk = self.rfile.read(size)
            self.rfile.readline(1024)  # CRLF after the chunk
            total += size
            if total > limit * DRAIN_FACTOR:
                return None, None
            if total <= limit:
                body += chunk

    def _send(self, reply: Reply) -> None:
        self.send_response(reply.status)
        if reply.content_type:
            self.send_header("content-type", reply.content_type)
        self.send_header("content-length", str(len(reply.body)))
        for name, value in reply.headers:
            self.send_header(name, value)
        if self.close_connection:
            self.send_header("connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(reply.body)

    def version_string(self) -> str:
        return self.server_version

    def log_message(self, format, *args):  # the receiver prints its own lines
        pass


def _lowercase_headers(message) -> dict[str, str]:
    headers: dict[str, str] = {}
    for name, value in message.items():
        headers.setdefault(name.lower(), value)
    return headers


class ReceiverServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, config: ReceiverConfig):
        self.address_family = socket.AF_INET6 if ":" in config.host else socket.AF_INET
        self.receiver = Receiver(config)
        super().__init__((config.host, config.port), ReceiverHandler)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


# -------------------------------- embedding (pytest) and CLI


class RunningReceiver:
    """A receiver serving from a background thread; stop() (or `with`) shuts it down."""

    def __init__(self, server: ReceiverServer):
        self.server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def port(self) -> int:
        return self.server.server_address[1]

    @property
    def state(self) -> ReceiverState:
        return self.server.receiver.state

    @property
    def config(self) -> ReceiverConfig:
        return self.server.receiver.config

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> RunningReceiver:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def start_receiver(config: ReceiverConfig | None = None, **overrides) -> RunningReceiver:
    """Start on an ephemeral loopback port (by default, quietly) in a daemon thread."""
    base = config or ReceiverConfig(port=0, quiet=True)
    return RunningReceiver(ReceiverServer(replace(base, **overrides)))


_SIZE = re.compile(r"(\d+)\s*(|b|k|kb|kib|m|mb|mib|g|gb|gib)", re.I)
_UNITS = {
    "": 1,
    "b": 1,
    "k": 1024,
    "kb": 1000,
    "kib": 1024,
    "m": 1024**2,
    "mb": 1000**2,
    "mib": 1024**2,
    "g": 1024**3,
    "gb": 1000**3,
    "gib": 1024**3,
}


def parse_size(text: str) -> int:
    match = _SIZE.fullmatch(text.strip())
    if not match:
        raise argparse.ArgumentTypeError(f"not a size: {text!r} (e.g. 67108864, 64MiB, 2MB)")
    return int(match.group(1)) * _UNITS[match.group(2).lower()]


def parse_user(text: str) -> tuple[str, str]:
    user, colon, password = text.partition(":")
    if not colon or not user:
        raise argparse.ArgumentTypeError(f"expected user:password, got {text!r}")
    return user, password


def _comma_list(text: str) -> list[str]:
    return [item.strip() for item in text.split(",") if item.strip()]


def parse_args(argv=None) -> ReceiverConfig:
    parser = argparse.ArgumentParser(description="GreptimeDB-compatible OTLP/HTTP test receiver")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=4000, help="0 picks a free port")
    parser.add_argument(
        "--auth",
        type=parse_user,
        action="append",
        default=[],
        metavar="USER:PASSWORD",
        help="require Basic auth (repeatable)",
    )
    parser.add_argument(
        "--cors-origins",
        type=_comma_list,
        default=None,
        metavar="ORIGINS",
        help="comma-separated allowed origins (default: any, `*`)",
    )
    parser.add_argument(
        "--body-limit",
        type=parse_size,
        default=DEFAULT_BODY_LIMIT,
        help="decoded body limit (default 64MiB)",
    )
    parser.add_argument(
        "--databases",
        type=_comma_list,
        default=[],
        metavar="DBS",
        help="comma-separated databases that exist besides public, as if created (default: none)",
    )
    parser.add_argument(
        "--expose-headers",
        type=_comma_list,
        default=None,
        metavar="HEADERS",
        help="add Access-Control-Expose-Headers, as a proxy in front of GreptimeDB might (GreptimeDB sends none)",
    )
    parser.add_argument("--quiet", action="store_true", help="no per-request log lines")
    parser.add_argument(
        "--summary", action="store_true", help="one human-readable summary line per OTLP request"
    )
    args = parser.parse_args(argv)
    return ReceiverConfig(
        host=args.host,
        port=args.port,
        users=dict(args.auth),
        cors_origins=args.cors_origins,
        body_limit=args.body_limit,
        databases=frozenset(args.databases),
        quiet=args.quiet,
        summary=args.summary,
        expose_headers=args.expose_headers,
    )


def main(argv=None) -> int:
    config = parse_args(argv)
    server = ReceiverServer(config)
    print(f"[receiver] listening on {server.url}", flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
