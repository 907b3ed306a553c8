"""Decodes OTLP request bodies the JS tests took from the core, with the official
opentelemetry-proto package (not our decoder), and writes them as JSON to OUT.

    python decode_otlp.py DIR OUT   # DIR holds <n>.traces and <n>.logs bodies (raw protobuf)

Writes {"spans": [...], "logs": [...]} in the receiver's JSON form (tests/receiver/otlp_json.py),
each item with "scope": [name, version].
"""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "receiver"))

from opentelemetry.proto.collector.logs.v1.logs_service_pb2 import ExportLogsServiceRequest  # noqa: E402
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest  # noqa: E402
from otlp_json import log_json, span_json  # noqa: E402


def main(directory: Path, output: Path) -> None:
    out = {"spans": [], "logs": []}
    bodies = [p for p in directory.iterdir() if p.suffix in (".traces", ".logs")]
    for path in sorted(bodies, key=lambda p: int(p.stem)):
        body = path.read_bytes()
        if path.suffix == ".traces":
            request = ExportTraceServiceRequest.FromString(body)
            for rs in request.resource_spans:
                for ss in rs.scope_spans:
                    scope = {"scope": [ss.scope.name, ss.scope.version]}
                    out["spans"].extend(span_json(span, scope) for span in ss.spans)
        else:
            request = ExportLogsServiceRequest.FromString(body)
            for rl in request.resource_logs:
                for sl in rl.scope_logs:
                    scope = {"scope": [sl.scope.name, sl.scope.version]}
                    out["logs"].extend(log_json(record, scope) for record in sl.log_records)
    output.write_text(json.dumps(out))


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
