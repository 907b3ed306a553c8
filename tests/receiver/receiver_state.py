"""Everything the receiver has seen, the faults it was told to inject, and waiting on arrivals."""

from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import dataclass, field

from metric_series import MetricTables
from trace_schema import TraceTables

SIGNALS = ("traces", "metrics", "logs")


@dataclass
class Fault:
    status: int
    retry_after: str | None
    delay_ms: int


@dataclass
class _FaultPlan:
    statuses: list[int]
    retry_after: str | None
    delay_ms: int
    signal: str | None

    def as_json(self) -> dict:
        return {
            "statuses": list(self.statuses),
            "retry_after": self.retry_after,
            "delay_ms": self.delay_ms,
            "signal": self.signal,
        }


def parse_fault_plan(payload) -> _FaultPlan:
    """Validate a POST /_receiver/faults body; raises ValueError with a readable message."""
    if not isinstance(payload, dict):
        raise ValueError("body must be a JSON object")
    statuses = payload.get("statuses")
    if not isinstance(statuses, list) or not statuses:
        raise ValueError("'statuses' must be a non-empty list of HTTP status codes")
    if not all(
        isinstance(s, int) and not isinstance(s, bool) and 100 <= s <= 599 for s in statuses
    ):
        raise ValueError("'statuses' must hold integers between 100 and 599")
    retry_after = payload.get("retry_after")
    if retry_after is not None:
        retry_after = str(retry_after)
    delay_ms = payload.get("delay_ms", 0)
    if not isinstance(delay_ms, int) or isinstance(delay_ms, bool) or delay_ms < 0:
        raise ValueError("'delay_ms' must be a non-negative integer")
    signal = payload.get("signal")
    if signal is not None and signal not in SIGNALS:
        raise ValueError(f"'signal' must be one of {', '.join(SIGNALS)}")
    return _FaultPlan(list(statuses), retry_after, delay_ms, signal)


@dataclass
class _SignalStats:
    requests: int = 0
    accepted: int = 0
    rejected: int = 0
    statuses: Counter = field(default_factory=Counter)

    def as_json(self) -> dict:
        return {
            "requests": self.requests,
            "accepted": self.accepted,
            "rejected": self.rejected,
            "statuses": {str(code): n for code, n in sorted(self.statuses.items())},
        }


class ReceiverState:
    """Thread-safe store shared by all handler threads."""

    def __init__(self):
        self._changed = threading.Condition()
        self.trace_tables = TraceTables()
        self.metric_tables = MetricTables()  # what GreptimeDB would store per metric table
        self.reset()

    def reset(self) -> None:
        with self._changed:
            self._seq = 0
            self._requests: list[dict] = []
            self._preflights: list[dict] = []
            self._items: dict[str, list[dict]] = {signal: [] for signal in SIGNALS}
            self._stats = {signal: _SignalStats() for signal in SIGNALS}
            self._faults: list[_FaultPlan] = []
            self._hold_ms = 0
            self._abandoned: list[dict] = []
            self.trace_tables.clear()
            self.metric_tables.clear()
            self._changed.notify_all()

    # ------------------------------------------------------------ recording

    def next_seq(self) -> int:
        with self._changed:
            self._seq += 1
            return self._seq

    def record_request(self, entry: dict, items: list[dict], accepted: int, rejected: int) -> None:
        with self._changed:
            self._requests.append(entry)
            signal = entry["signal"]
            self._items[signal].extend(items)
            if signal == "metrics" and items:
                self.metric_tables.write(entry["database"], items)
            stats = self._stats[signal]
            stats.requests += 1
            stats.accepted += accepted
            stats.rejected += rejected
            stats.statuses[entry["status"]] += 1
            self._changed.notify_all()

    def record_preflight(self, entry: dict) -> None:
        with self._changed:
            self._preflights.append(entry)

    # ------------------------------------------------------------ faults

    def add_faults(self, plan: _FaultPlan) -> int:
        with self._changed:
            self._faults.append(plan)
            return sum(len(p.statuses) for p in self._faults)

    def clear_faults(self) -> None:
        with self._changed:
            self._faults.clear()

    def pending_faults(self) -> list[dict]:
        with self._changed:
            return [plan.as_json() for plan in self._faults]

    def take_fault(self, signal: str) -> Fault | None:
        """The next injected status for a request to `signal`, consuming it."""
        with self._changed:
            for plan in self._faults:
                if plan.signal in (None, signal):
                    status = plan.statuses.pop(0)
                    if not plan.statuses:
                        self._faults.remove(plan)
                    return Fault(status, plan.retry_after, plan.delay_ms)
            return None

    # ------------------------------------------------------------ hold (page-close tests)

    def set_hold(self, hold_ms: int) -> None:
        """Every later OTLP POST waits `hold_ms` before its body is read (0: off)."""
        with self._changed:
            self._hold_ms = hold_ms

    def hold_ms(self) -> int:
        with self._changed:
            return self._hold_ms

    def record_abandoned(self, entry: dict) -> None:
        """A held request whose client hung up before the answer: not stored, only listed."""
        with self._changed:
            self._abandoned.append(entry)
            self._changed.notify_all()

    def abandoned(self) -> list[dict]:
        with self._changed:
            return list(self._abandoned)

    # ------------------------------------------------------------ queries

    def requests(self, signal: str | None = None, since: int = 0) -> list[dict]:
        with self._changed:
            entries = [
                e for e in self._requests if e["seq"] > since and signal in (None, e["signal"])
            ]
        return sorted(entries, key=lambda e: e["seq"])

    def preflights(self) -> list[dict]:
        with self._changed:
            return list(self._preflights)

    def items(self, signal: str, since: int = 0, database: str | None = None) -> list[dict]:
        with self._changed:
            items = [
                item
                for item in self._items[signal]
                if item["request_seq"] > since and database in (None, item["database"])
            ]
        return sorted(items, key=lambda item: item["request_seq"])

    def stats(self) -> dict:
        with self._changed:
            return {
                **{signal: self._stats[signal].as_json() for signal in SIGNALS},
                "preflights": len(self._preflights),
                "pending_faults": sum(len(p.statuses) for p in self._faults),
                "abandoned": len(self._abandoned),
            }

    def wait_for(self, signal: str, minimum: int, timeout_s: float) -> tuple[int, bool]:
        """Block until `minimum` accepted items of `signal` arrived; returns (count, timed_out)."""
        deadline = time.monotonic() + timeout_s
        with self._changed:
            while True:
                count = len(self._items[signal])
                remaining = deadline - time.monotonic()
                if count >= minimum or remaining <= 0:
                    return count, count < minimum
                self._changed.wait(remaining)
