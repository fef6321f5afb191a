"""Sends each request of a plan to the emulator twice, through botocore's own JSON (awsJson1_1
for WorkSpaces, awsJson1_0 for CloudWatch, as the model's jsonVersion says) and
smithy-rpc-v2-cbor serializers (signed with botocore's SigV4), and parses both answers with
botocore's own parsers: a client of both encodings that nobody here wrote.

Reads the plan from stdin:
    {"endpoint": "http://127.0.0.1:PORT", "region": "us-east-1", "service": "workspaces",
     "calls": [{"operation": "DescribeWorkspacesPools", "params": {...}}, ...]}
and writes one JSON line per call and protocol to stdout:
    {"operation": ..., "protocol": "json" | "smithy-rpc-v2-cbor", "status": 200,
     "content_type": ..., "smithy_protocol": ..., "query_error": ...,
     "parsed": "<canonical JSON of the parse>"}
For a query-compatible service (CloudWatch) botocore's parsers take an error's code from the
`x-amzn-query-error` header, keeping `__type`'s shape as `QueryErrorCode`.
The Rust test (tests/clients/botocore.rs) compares the two parses; this script only drives
botocore. Client-side parameter validation is off, so that requests the service must refuse
reach it.
"""

import base64
import datetime
import json
import sys

import botocore.auth
import botocore.awsrequest
import botocore.credentials
import botocore.httpsession
import botocore.parsers
import botocore.serialize
import botocore.session

PROTOCOLS = ("json", "smithy-rpc-v2-cbor")


def canonical(value):
    """The parse as JSON text, with botocore's datetimes and bytes spelled out."""

    def spell(item):
        if isinstance(item, datetime.datetime):
            return item.isoformat()
        if isinstance(item, (bytes, bytearray)):
            return base64.b64encode(item).decode("ascii")
        raise TypeError(f"unexpected {type(item)} in a botocore parse")

    return json.dumps(value, sort_keys=True, default=spell)


def call(plan, model, credentials, http, operation_name, params, protocol):
    operation = model.operation_model(operation_name)
    serializer = botocore.serialize.create_serializer(protocol, include_validation=False)
    request_dict = serializer.serialize_to_request(params, operation)
    request = botocore.awsrequest.AWSRequest(
        method=request_dict["method"],
        url=plan["endpoint"] + request_dict["url_path"],
        data=request_dict["body"],
        headers=request_dict["headers"],
    )
    signing_name = model.metadata.get("signingName", model.metadata["endpointPrefix"])
    botocore.auth.SigV4Auth(credentials, signing_name, plan["region"]).add_auth(request)
    response = http.send(request.prepare())
    response_dict = {
        "status_code": response.status_code,
        "headers": response.headers,
        "body": response.content,
    }
    parser = botocore.parsers.create_parser(protocol)
    parsed = parser.parse(response_dict, operation.output_shape)
    if response.status_code >= 300:
        # What a botocore client adds to an error: the members of its modeled shape.
        code = parsed.get("Error", {}).get("Code")
        error_shape = model.shape_for_error_code(code) if code else None
        if error_shape is not None:
            modeled = parser.parse(response_dict, error_shape)
            modeled.pop("ResponseMetadata", None)
            parsed["Modeled"] = modeled
    parsed.pop("ResponseMetadata", None)
    return {
        "operation": operation_name,
        "protocol": protocol,
        "status": response.status_code,
        "content_type": response.headers.get("content-type"),
        "smithy_protocol": response.headers.get("smithy-protocol"),
        "query_error": response.headers.get("x-amzn-query-error"),
        "parsed": canonical(parsed),
    }


def main():
    plan = json.load(sys.stdin)
    session = botocore.session.get_session()
    model = session.get_service_model(plan["service"])
    credentials = botocore.credentials.Credentials("AKIDBOTOCOREDIFF", "botocore-secret")
    http = botocore.httpsession.URLLib3Session()
    for entry in plan["calls"]:
        for protocol in PROTOCOLS:
            result = call(
                plan, model, credentials, http, entry["operation"], entry["params"], protocol
            )
            print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
