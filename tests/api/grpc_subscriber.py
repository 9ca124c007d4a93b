#!/usr/bin/python3
"""A real python3-grpcio client of synwatchd's API, for the end-to-end test.

Generates the synwatch.v1 messages with protoc, checks a configuration with
ValidateConfig, applies a change to the running daemon's configuration (port_scan's
ports: 15 becomes 14) over the etag it read, then subscribes to alerts and prints each
event as one JSON line until the daemon ends the stream. Exit status 0 when the stream
ended because synwatchd stopped (UNAVAILABLE "synwatchd is stopping").

usage: grpc_subscriber.py SERVER PROTO_DIR OUT_DIR
"""
import importlib
import json
import subprocess
import sys

import grpc
from google.protobuf import json_format


def main():
    server, proto_dir, out_dir = sys.argv[1:4]
    subprocess.run(["protoc", "-I", proto_dir, "--python_out", out_dir,
                    "synwatch/v1/common.proto", "synwatch/v1/alerts.proto",
                    "synwatch/v1/configuration.proto"], check=True)
    sys.path.insert(0, out_dir)
    alerts = importlib.import_module("synwatch.v1.alerts_pb2")
    configuration = importlib.import_module("synwatch.v1.configuration_pb2")

    channel = grpc.insecure_channel(server)
    validate = channel.unary_unary(
        "/synwatch.v1.Configuration/ValidateConfig",
        request_serializer=configuration.ValidateConfigRequest.SerializeToString,
        response_deserializer=configuration.ValidateConfigResponse.FromString)
    validate(configuration.ValidateConfigRequest(yaml="sessions:\n  capacity: 65536\n"), timeout=10)
    try:
        validate(configuration.ValidateConfigRequest(yaml="sessions:\n  capacity: lots\n"), timeout=10)
        print("ValidateConfig accepted 'capacity: lots'", file=sys.stderr)
        return 1
    except grpc.RpcError as e:
        if e.code() != grpc.StatusCode.INVALID_ARGUMENT or not e.details().startswith("sessions.capacity:"):
            print("ValidateConfig: unexpected", e.code(), e.details(), file=sys.stderr)
            return 1

    get = channel.unary_unary(
        "/synwatch.v1.Configuration/GetConfig",
        request_serializer=configuration.GetConfigRequest.SerializeToString,
        response_deserializer=configuration.GetConfigResponse.FromString)
    apply = channel.unary_unary(
        "/synwatch.v1.Configuration/ApplyConfig",
        request_serializer=configuration.ApplyConfigRequest.SerializeToString,
        response_deserializer=configuration.ApplyConfigResponse.FromString)
    current = get(configuration.GetConfigRequest(), timeout=10)
    if "ports: 15" not in current.yaml:
        print("GetConfig: expected port_scan's 'ports: 15' in", repr(current.yaml), file=sys.stderr)
        return 1
    applied = apply(configuration.ApplyConfigRequest(yaml=current.yaml.replace("ports: 15", "ports: 14"),
                                                     expected_etag=current.etag), timeout=10)
    if not applied.applied or applied.version != current.version + 1 or \
            list(applied.changed) != ["detectors.port_scan.ports"]:
        print("ApplyConfig: unexpected", applied, file=sys.stderr)
        return 1
    try:  # the etag read before is stale now
        apply(configuration.ApplyConfigRequest(yaml=current.yaml, expected_etag=current.etag), timeout=10)
        print("ApplyConfig accepted a stale etag", file=sys.stderr)
        return 1
    except grpc.RpcError as e:
        if e.code() != grpc.StatusCode.ABORTED:
            print("ApplyConfig with a stale etag: unexpected", e.code(), e.details(), file=sys.stderr)
            return 1
    print("applied version", applied.version, file=sys.stderr, flush=True)

    subscribe = channel.unary_stream(
        "/synwatch.v1.Alerts/Subscribe",
        request_serializer=alerts.SubscribeRequest.SerializeToString,
        response_deserializer=alerts.AlertEvent.FromString)
    stream = subscribe(alerts.SubscribeRequest())
    stream.initial_metadata()  # synwatchd sends its headers once the subscription is in place
    print("subscribed", file=sys.stderr, flush=True)
    try:
        for event in stream:
            print(json.dumps(json_format.MessageToDict(event.alert, preserving_proto_field_name=True),
                             separators=(",", ":")),
                  flush=True)
    except grpc.RpcError as e:
        if e.code() == grpc.StatusCode.UNAVAILABLE and e.details() == "synwatchd is stopping":
            return 0
        print("Subscribe ended:", e.code(), e.details(), file=sys.stderr)
        return 1
    print("Subscribe ended without a status", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
