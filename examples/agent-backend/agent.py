"""A small FastAPI agent behind the example React app, observed the GreptimeDB way.

    GREPTIME_HOST=localhost:4000 python agent.py --port 8000

POST /api/agent {"tool": "search_docs", "input": "…"} runs one `agent_execution` span with the
tool call as its child span (`execute_tool <tool>`, OpenTelemetry's GenAI span name), counts and
times it, and logs its outcome; FastAPI's instrumentation makes the request a server span that
continues the browser's `traceparent`, so the browser's click, its tool-call span, this server
span and the tool span share one trace id. POST /api/ui-elements {"kind": "card", "change": 1}
feeds the live UI element count. The answers include the `traceparent` received (tests read it).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import socket
import sys
import time
from contextlib import asynccontextmanager
from typing import Literal

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from opentelemetry.trace import SpanKind, Status, StatusCode
from pydantic import BaseModel, Field

from observability import Observability, initialize_observability

AGENT_NAME = "workbench-agent"


class ToolError(Exception):
    """A tool failed; the agent reports it in its answer instead of failing the request."""


async def search_docs(text: str) -> dict:
    await asyncio.sleep(0.01)  # stands in for a vector search
    return {"results": [f"{text or 'greptime'} result {i}" for i in range(3)]}


async def query_metrics(text: str) -> dict:
    await asyncio.sleep(0.02)  # stands in for a PromQL query
    return {"results": [{"metric": "agent_requests_total", "value": 42}]}


async def calculator(text: str) -> dict:
    numbers = [float(n) for n in text.replace(",", " ").split() if n.replace(".", "", 1).isdigit()]
    return {"results": [sum(numbers)]}


async def broken_tool(text: str) -> dict:
    await asyncio.sleep(0.005)
    raise ToolError("upstream timed out")


TOOLS = {
    "search_docs": search_docs,
    "query_metrics": query_metrics,
    "calculator": calculator,
    "broken_tool": broken_tool,
}


class AgentRequest(BaseModel):
    tool: str = Field(description="one of the agent's tools")
    input: str = Field(default="", max_length=2000)


class UiElementChange(BaseModel):
    kind: str = Field(default="element", max_length=64)
    change: Literal[1, -1]


def create_app(obs: Observability) -> FastAPI:
    """The app, with `obs` as its telemetry (shut down with the app)."""
    logger = obs.logger

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        yield
        obs.shutdown()  # flush what is queued, export the metrics once more

    app = FastAPI(title="agent-backend", lifespan=lifespan)
    # The browser sends `traceparent` (and, for JSON, content-type): its preflight must allow them.
    app.add_middleware(
        CORSMiddleware,
        allow_origins=["*"],
        allow_methods=["GET", "POST"],
        allow_headers=["traceparent", "tracestate", "content-type"],
    )
    if obs.enabled:
        from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor

        FastAPIInstrumentor.instrument_app(
            app,
            tracer_provider=obs.tracer_provider,
            meter_provider=obs.meter_provider,
            exclude_spans=["receive", "send"],
        )

    @app.post("/api/agent")
    async def run_agent(body: AgentRequest, request: Request) -> dict:
        tool = TOOLS.get(body.tool)
        status, answer = "ok", {}
        with obs.tracer.start_as_current_span(
            "agent_execution", attributes={"agent.name": AGENT_NAME}
        ) as execution:
            if tool is None:
                status, answer = "error", {"error": f"unknown tool {body.tool!r}"}
                execution.set_status(Status(StatusCode.ERROR, answer["error"]))
            else:
                status, answer = await _call_tool(obs, logger, body.tool, tool, body.input)
                if status == "error":
                    execution.set_status(Status(StatusCode.ERROR, answer["error"]))
        obs.requests.add(1, {"agent.name": AGENT_NAME, "status": status})
        return {
            "agent": AGENT_NAME,
            "tool": body.tool,
            "status": status,
            **answer,
            "traceparent": request.headers.get("traceparent"),
        }

    @app.post("/api/ui-elements")
    async def ui_elements(body: UiElementChange, request: Request) -> dict:
        obs.ui_elements.add(body.change, {"ui.element.kind": body.kind})
        return {"ok": True, "traceparent": request.headers.get("traceparent")}

    @app.get("/healthz")
    async def healthz() -> dict:
        return {"ok": True, "telemetry": obs.reason}

    return app


async def _call_tool(
    obs: Observability, logger: logging.Logger, name: str, tool, text: str
) -> tuple[str, dict]:
    attributes = {"agent.name": AGENT_NAME, "tool.name": name}
    started = time.perf_counter()
    with obs.tracer.start_as_current_span(
        f"execute_tool {name}", kind=SpanKind.INTERNAL, attributes=attributes
    ) as span:
        try:
            result = await tool(text)
            status, answer = "ok", result
            logger.info("tool %s ok", name, extra={"tool.name": name})
        except ToolError as error:
            status, answer = "error", {"error": f"tool failed: {error}"}
            span.set_status(Status(StatusCode.ERROR, answer["error"]))
            span.set_attribute("error.type", type(error).__name__)
            # Inside the tool span: the log record carries its trace and span id.
            logger.error("tool %s failed: %s", name, error, extra={"tool.name": name})
    metric_attributes = {**attributes, "status": status}
    obs.tool_calls.add(1, metric_attributes)
    obs.tool_duration.record(time.perf_counter() - started, metric_attributes)
    return status, answer


def main() -> int:
    import uvicorn

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000, help="0 picks a free port")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="[agent] %(message)s")
    obs = initialize_observability()
    app = create_app(obs)
    # Bound here so that port 0 works and the address printed is the real one.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((args.host, args.port))
    print(f"[agent] listening on http://{args.host}:{sock.getsockname()[1]}", flush=True)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    server.run(sockets=[sock])
    return 0


if __name__ == "__main__":
    sys.exit(main())
