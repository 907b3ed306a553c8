"""The receiver's own JSON API under /_receiver/: what arrived, stats, waiting, reset, faults."""

from __future__ import annotations

import base64
import json
from urllib.parse import parse_qs

from greptime_contract import Reply, json_reply
from receiver_state import SIGNALS, ReceiverState, parse_fault_plan

PREFIX = "/_receiver/"
MAX_WAIT_MS = 120_000
_ITEM_ROUTES = {"spans": "traces", "metrics": "metrics", "logs": "logs"}


class BadQuery(ValueError):
    pass


def handle(state: ReceiverState, method: str, path: str, query: str, body: bytes) -> Reply:
    name = path[len(PREFIX) :].strip("/")
    routes = {
        ("GET", "requests"): lambda: _requests(state, _params(query)),
        ("GET", "preflights"): lambda: state.preflights(),
        ("GET", "stats"): state.stats,
        ("GET", "columns"): state.trace_tables.snapshot,
        ("GET", "metric_rows"): lambda: _metric_rows(state, _params(query)),
        ("GET", "wait"): lambda: _wait(state, _params(query)),
        ("POST", "reset"): lambda: _reset(state),
        ("GET", "faults"): lambda: {"pending": state.pending_faults()},
        ("POST", "faults"): lambda: _add_faults(state, body),
        ("DELETE", "faults"): lambda: _clear_faults(state),
        ("GET", "hold"): lambda: {"hold_ms": state.hold_ms()},
        ("POST", "hold"): lambda: _set_hold(state, body),
        ("DELETE", "hold"): lambda: _set_hold(state, b'{"hold_ms": 0}'),
        ("GET", "abandoned"): state.abandoned,
        **{
            ("GET", route): (lambda signal=signal: _items(state, signal, _params(query)))
            for route, signal in _ITEM_ROUTES.items()
        },
    }
    action = routes.get((method, name))
    if action is None:
        known = any(route == name for _, route in routes)
        status = 405 if known else 404
        return json_reply(status, {"error": f"{method} {path} is not a receiver API route"})
    try:
        return json_reply(200, action(), error="")
    except BadQuery as err:
        return json_reply(400, {"error": str(err)})


def _params(query: str) -> dict[str, str]:
    return {key: values[-1] for key, values in parse_qs(query, keep_blank_values=True).items()}


def _int_param(params: dict, name: str, default: int) -> int:
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise BadQuery(f"query parameter '{name}' must be an integer, got {raw!r}") from None


def _signal_param(params: dict, required: bool) -> str | None:
    signal = params.get("signal")
    if signal is None and not required:
        return None
    if signal not in SIGNALS:
        raise BadQuery(f"query parameter 'signal' must be one of {', '.join(SIGNALS)}")
    return signal


def _requests(state: ReceiverState, params: dict) -> list[dict]:
    include_body = params.get("include_body") in ("1", "true")
    entries = state.requests(_signal_param(params, False), _int_param(params, "since", 0))
    return [_public_entry(entry, include_body) for entry in entries]


def _public_entry(entry: dict, include_body: bool) -> dict:
    public = {key: value for key, value in entry.items() if not key.startswith("_")}
    if include_body:
        for key, source in (("body_base64", "_body"), ("decoded_base64", "_decoded")):
            raw = entry.get(source)
            public[key] = None if raw is None else base64.b64encode(raw).decode("ascii")
    return public


def _items(state: ReceiverState, signal: str, params: dict) -> list[dict]:
    return state.items(signal, _int_param(params, "since", 0), params.get("database"))


def _metric_rows(state: ReceiverState, params: dict) -> list[dict]:
    """GreptimeDB-shaped metric rows (tests/receiver/metric_series.py), by database and table."""
    return state.metric_tables.rows(params.get("database"), params.get("table"))


def _wait(state: ReceiverState, params: dict) -> dict:
    signal = _signal_param(params, True)
    minimum = _int_param(params, "min", 1)
    timeout_ms = min(max(_int_param(params, "timeout_ms", 5000), 0), MAX_WAIT_MS)
    count, timed_out = state.wait_for(signal, minimum, timeout_ms / 1000)
    return {"count": count, "timed_out": timed_out}


def _reset(state: ReceiverState) -> dict:
    state.reset()
    return {"reset": True}


def _add_faults(state: ReceiverState, body: bytes) -> dict:
    try:
        plan = parse_fault_plan(json.loads(body or b"null"))
    except (ValueError, UnicodeDecodeError) as err:  # json.JSONDecodeError is a ValueError
        raise BadQuery(f"invalid fault plan: {err}") from None
    return {"pending_statuses": state.add_faults(plan), "pending": state.pending_faults()}


def _clear_faults(state: ReceiverState) -> dict:
    state.clear_faults()
    return {"pending": []}


def _set_hold(state: ReceiverState, body: bytes) -> dict:
    try:
        payload = json.loads(body or b"null")
    except (ValueError, UnicodeDecodeError) as err:
        raise BadQuery(f"invalid hold: {err}") from None
    hold_ms = payload.get("hold_ms") if isinstance(payload, dict) else None
    if not isinstance(hold_ms, int) or isinstance(hold_ms, bool) or not 0 <= hold_ms <= MAX_WAIT_MS:
        raise BadQuery(f"invalid hold: 'hold_ms' must be an integer from 0 to {MAX_WAIT_MS}")
    state.set_hold(hold_ms)
    return {"hold_ms": hold_ms}
