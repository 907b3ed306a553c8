"""Prints the Resource of an OTLP trace request body (file BODY) as JSON, with the official
opentelemetry-proto package (not our decoder): [[key, {"type", "value"}], ...] in wire order.

    python decode_resource.py BODY
"""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "receiver"))

from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest  # noqa: E402
from otlp_json import any_value  # noqa: E402

request = ExportTraceServiceRequest.FromString(Path(sys.argv[1]).read_bytes())
resource = request.resource_spans[0].resource
print(json.dumps([[kv.key, any_value(kv.value)] for kv in resource.attributes]))
