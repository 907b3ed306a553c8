"""GreptimeDB's OTLP/HTTP request rules, independent of the HTTP server that applies them.

Each rule either returns a `Reply` (the response GreptimeDB would send) or lets the request
through. Sources are cited in /work/shared/greptimedb-otlp.md; the comments name the GreptimeDB
code each rule mirrors.
"""

from __future__ import annotations

import base64
import binascii
import json
import zlib
from dataclasses import dataclass, field

import brotli
import zstandard

PROTOBUF = "application/x-protobuf"
JSON_TYPE = "application/json"
TEXT_PLAIN = "text/plain; charset=utf-8"


@dataclass
class Reply:
    status: int
    body: bytes = b""
    content_type: str | None = None
    headers: list[tuple[str, str]] = field(default_factory=list)
    error: str | None = None  # what the request log records as the failure


class Refused(Exception):
    """A request stopped by a rule; `reply` is what GreptimeDB answers."""

    def __init__(self, reply: Reply):
        super().__init__(reply.error)
        self.reply = reply


def json_reply(status: int, payload, headers=(), error: str | None = None) -> Reply:
    body = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
    if error is None and isinstance(payload, dict):
        error = payload.get("error")
    return Reply(status, body, JSON_TYPE, list(headers), error)


def error_reply(status: int, message: str) -> Reply:
    """A handler error as servers::error::Error renders it: {"error": "<msg>"}."""
    return json_reply(status, {"error": message})


def text_reply(status: int, text: str) -> Reply:
    """An axum extractor rejection: text/plain."""
    return Reply(status, text.encode(), TEXT_PLAIN, [], text)


def protobuf_reply(status: int, body: bytes, error: str | None = None) -> Reply:
    return Reply(status, body, PROTOBUF, [], error)


# -------------------------------- CORS (tower-http CorsLayer)

CORS_ALLOW_METHODS = "GET,POST,PUT,DELETE,HEAD"
CORS_VARY = "origin, access-control-request-method, access-control-request-headers"


def cors_headers(origin: str | None, allowed_origins: list[str] | None, preflight: bool):
    """Headers GreptimeDB's CorsLayer adds: `*`, or the Origin echoed when it is in the list."""
    headers = []
    if allowed_origins is None:
        headers.append(("access-control-allow-origin", "*"))
    elif origin is not None and origin in allowed_origins:
        headers.append(("access-control-allow-origin", origin))
    headers.append(("vary", CORS_VARY))
    if preflight:
        headers.append(("access-control-allow-methods", CORS_ALLOW_METHODS))
        headers.append(("access-control-allow-headers", "*"))
    return headers


# -------------------------------- database (authorize.rs)

DEFAULT_CATALOG = "greptime"
DEFAULT_SCHEMA = "public"


def resolve_database(headers, query: str) -> str:
    """`x-greptime-db-name`, else the first raw `db=` query pair (empty = absent), else public."""
    header = headers.get("x-greptime-db-name")
    if header is not None and _is_visible_ascii(header):  # an unreadable header is ignored
        return header
    for pair in query.split("&"):
        if pair.startswith("db="):
            return pair[3:] or DEFAULT_SCHEMA
    return DEFAULT_SCHEMA


def split_database(database: str) -> tuple[str, str]:
    """`[<catalog>-]<schema>`, split on the first '-'."""
    catalog, dash, schema = database.partition("-")
    return (catalog, schema) if dash else (DEFAULT_CATALOG, database)


def unknown_database_message(database: str) -> str:
    catalog, schema = split_database(database)
    return f"Failed to find schema, schema info: {catalog}.{schema}"


# -------------------------------- auth (authorize.rs, static provider)

PUBLIC_PATH_PREFIXES = ("/v1/health", "/v1/influxdb/ping", "/v1/influxdb/health")

USER_NOT_FOUND = 7000
USER_PASSWORD_MISMATCH = 7002
AUTH_HEADER_NOT_FOUND = 7003
INVALID_AUTH_HEADER = 7004
INVALID_ARGUMENTS = 1004


class AuthFailure(Exception):
    def __init__(self, code: int, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def needs_auth(path: str) -> bool:
    return path.startswith("/v1/") and not path.startswith(PUBLIC_PATH_PREFIXES)


def check_auth(headers, users: dict[str, str]) -> Reply | None:
    """None when the credentials are good, else GreptimeDB's 401 reply."""
    try:
        username, password = _credentials(headers)
        _authenticate(users, username, password)
    except AuthFailure as failure:
        return auth_failure_reply(failure)
    return None


def auth_failure_reply(failure: AuthFailure) -> Reply:
    headers = [("x-greptime-err-code", str(failure.code))]
    header_msg = f"error: {failure.message}, execution_time_ms: 0"
    if _is_visible_ascii(header_msg):  # http::HeaderValue refuses anything else
        headers.append(("x-greptime-err-msg", header_msg))
    payload = {"code": failure.code, "error": failure.message, "execution_time_ms": 0}
    return json_reply(401, payload, headers)


def _credentials(headers) -> tuple[str, str]:
    value = headers.get("x-greptime-auth")
    if value is None:
        value = headers.get("authorization")
    if value is None:
        raise AuthFailure(AUTH_HEADER_NOT_FOUND, "Not found http or grpc authorization header")
    if not _is_visible_ascii(value):
        raise AuthFailure(
            INVALID_AUTH_HEADER, "Invalid visibility ASCII chars: failed to convert header to a str"
        )
    scheme, space, credential = value.partition(" ")
    if not space or " " in credential:
        raise AuthFailure(INVALID_AUTH_HEADER, "Invalid http authorization header")
    if scheme.lower() != "basic":
        raise AuthFailure(
            INVALID_AUTH_HEADER, f"Unsupported http auth scheme, name: {scheme.lower()}"
        )
    decoded = _decode_base64_strict(credential)
    try:
        text = decoded.decode("utf-8")
    except UnicodeDecodeError as err:
        raise AuthFailure(INVALID_AUTH_HEADER, f"Invalid utf-8 value: {err}") from None
    username, colon, password = text.partition(":")
    if not colon:
        raise AuthFailure(INVALID_AUTH_HEADER, "Invalid http authorization header")
    return username, password


_BASE64_SYMBOLS = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=")


def _decode_base64_strict(credential: str) -> bytes:
    """Rust base64 0.22 STANDARD: canonical padding required, no stray bits, no other symbols."""
    raw = credential.encode("ascii")
    for offset, byte in enumerate(raw):
        if byte not in _BASE64_SYMBOLS:
            raise AuthFailure(
                INVALID_AUTH_HEADER,
                f"Invalid base64 value: Invalid symbol {byte}, offset {offset}.",
            )
    try:
        decoded = base64.b64decode(raw, validate=True)
    except binascii.Error:
        raise AuthFailure(INVALID_AUTH_HEADER, "Invalid base64 value: Invalid padding") from None
    if base64.b64encode(decoded) != raw:
        raise AuthFailure(INVALID_AUTH_HEADER, "Invalid base64 value: Invalid last symbol")
    return decoded


def _authenticate(users: dict[str, str], username: str, password: str) -> None:
    if not username:
        raise AuthFailure(INVALID_ARGUMENTS, "Illegal param: blank username")
    if username not in users:
        raise AuthFailure(USER_NOT_FOUND, f"User not found, username: {username}")
    if not password:
        raise AuthFailure(INVALID_ARGUMENTS, "Illegal param: blank password")
    if users[username] != password:
        raise AuthFailure(
            USER_PASSWORD_MISMATCH, f"Username and password does not match, username: {username}"
        )


def _is_visible_ascii(value: str) -> bool:
    return all(c == "\t" or " " <= c <= "~" for c in value)


# -------------------------------- body (tower-http decompression + axum limit)

DEFAULT_BODY_LIMIT = 64 * 1024 * 1024
LIMIT_EXCEEDED = "Failed to buffer the request body: length limit exceeded"
_ZSTD_SLICE = 1024


def decode_body(body: bytes, content_encoding: str | None, limit: int) -> bytes:
    """Decompress exactly `gzip`, `deflate`, `br`, `zstd`; pass everything else through.

    Raises Refused: 413 past `limit` decoded bytes, 400 for a corrupt stream.
    """
    decoder = _DECODERS.get(content_encoding)
    try:
        decoded = decoder(body, limit) if decoder else body
    except Refused:
        raise
    except Exception as err:  # zlib.error, brotli.error, zstandard.ZstdError, EOFError
        message = f"Failed to buffer the request body: invalid {content_encoding} stream: {err}"
        raise Refused(text_reply(400, message)) from None
    if len(decoded) > limit:
        raise Refused(text_reply(413, LIMIT_EXCEEDED))
    return decoded


def _too_large() -> Refused:
    return Refused(text_reply(413, LIMIT_EXCEEDED))


def _zlib_decoder(wbits: int):
    def decode(body: bytes, limit: int) -> bytes:
        stream = zlib.decompressobj(wbits)
        out = stream.decompress(body, limit + 1)
        if len(out) > limit:
            raise _too_large()
        if not stream.eof:
            raise EOFError("unexpected end of stream")
        if stream.unused_data:
            raise ValueError("trailing bytes after the end of the stream")
        return out

    return decode


def _brotli(body: bytes, limit: int) -> bytes:
    stream = brotli.Decompressor()
    out = bytearray(stream.process(body, output_buffer_limit=limit + 1))
    while len(out) <= limit and not stream.can_accept_more_data():
        out += stream.process(b"", output_buffer_limit=limit + 1 - len(out))
    if len(out) > limit:
        raise _too_large()
    if not stream.is_finished():
        raise EOFError("unexpected end of stream")
    return bytes(out)


def _zstd(body: bytes, limit: int) -> bytes:
    # decompressobj has no output cap, so feed small slices and check the size as it grows.
    stream = zstandard.ZstdDecompressor().decompressobj()
    out = bytearray()
    for start in range(0, len(body), _ZSTD_SLICE):
        if stream.eof:
            raise ValueError("trailing bytes after the end of the frame")
        out += stream.decompress(body[start : start + _ZSTD_SLICE])
        if len(out) > limit:
            raise _too_large()
    if not stream.eof:
        raise EOFError("unexpected end of stream")
    if stream.unused_data:
        raise ValueError("trailing bytes after the end of the frame")
    return bytes(out)


_DECODERS = {
    "gzip": _zlib_decoder(16 + zlib.MAX_WBITS),
    "deflate": _zlib_decoder(zlib.MAX_WBITS),
    "br": _brotli,
    "zstd": _zstd,
    "identity": None,
}


# -------------------------------- content type (http/otlp.rs)


def is_json_content_type(content_type: str | None) -> bool:
    """Any MIME type whose subtype is `json`, parameters ignored."""
    if not content_type:
        return False
    essence = content_type.split(";", 1)[0].strip().lower()
    _, slash, subtype = essence.partition("/")
    return bool(slash) and subtype == "json"


def unsupported_json_reply(content_type: str) -> Reply:
    return error_reply(
        400,
        f"Unsupported content type '{content_type}'. OTLP endpoint only supports "
        f"'{PROTOBUF}'. Please configure your OTLP exporter to use protobuf encoding.",
    )


def decode_failure_reply(content_type: str | None, detail: str) -> Reply:
    shown = content_type if content_type else "not specified"
    return error_reply(400, f"Failed to decode OTLP request (content-type: {shown}): {detail}")


# -------------------------------- pipelines (extractor.rs, pipeline manager)

PIPELINE_HEADERS = ("x-greptime-log-pipeline-name", "x-greptime-pipeline-name")  # legacy wins
# greptime_trace_v2: GreptimeDB 1.3+ (PR #9192), attributes in JSON columns (trace_schema.py).
TRACE_PIPELINES = ("greptime_trace_v1", "greptime_trace_v0", "greptime_trace_v2")
LOG_PIPELINES = ("greptime_identity",)


def pipeline_name(headers) -> str | None:
    for name in PIPELINE_HEADERS:
        value = headers.get(name)
        if value is not None:
            return value
    return None


def invalid_header_reply(headers) -> Reply | None:
    """A pipeline header that is not visible ASCII: axum's 400 text/plain rejection."""
    for name in PIPELINE_HEADERS:
        value = headers.get(name)
        if value is not None and not _is_visible_ascii(value):
            return text_reply(400, f"`{name}` header is not valid UTF-8 string type.")
    return None


def check_trace_pipeline(name: str | None) -> Reply | None:
    if name is None:
        return error_reply(400, "Pipeline is required for this API.")
    if name not in TRACE_PIPELINES:
        return error_reply(400, "Not supported: Unsupported pipeline for trace")
    return None


def check_log_pipeline(name: str | None) -> Reply | None:
    """Logs take no pipeline (direct OTLP mapping) or a built-in one; the receiver has no others."""
    if name is None or name in LOG_PIPELINES:
        return None
    return error_reply(
        400, f"Pipeline not found: {name} (the test receiver has no custom pipelines)"
    )


# -------------------------------- google.rpc.Status (trace total rejection)


def rpc_status(code: int, message: str) -> bytes:
    """google.rpc.Status{code = 1, message = 2}, as prost encodes it (zero code omitted)."""
    out = bytearray()
    if code:
        out += b"\x08" + _varint(code & 0xFFFFFFFFFFFFFFFF)
    if message:
        encoded = message.encode()
        out += b"\x12" + _varint(len(encoded)) + encoded
    return bytes(out)


def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)
