#!/usr/bin/env python3
"""Seed corpora for the fuzzers in tests/fuzz, from the project's captures.

  seed_corpora.py OUT_DIR CAPTURE...

Writes OUT_DIR/<fuzzer>/<n>: export datagrams by protocol (with the decoder fuzzers'
control byte in front), runs of consecutive IPFIX messages for the differential fuzzer, whole frames for the packet view (with its link-type byte),
and the shipped configuration for the parser. Reads classic pcap (either byte order,
micro- or nanosecond); other files are skipped with a note.
"""
import os
import struct
import sys

LINK_INDEX = {0: 0, 1: 1, 101: 2, 108: 3, 113: 4, 228: 5, 229: 6, 276: 7}  # packet_view_fuzz.cc


def frames(path):
    with open(path, "rb") as f:
        header = f.read(24)
        if len(header) < 24:
            return
        magic = header[:4]
        if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
            e = "<"
        elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
            e = ">"
        else:
            print(f"seed_corpora: {path}: not classic pcap, skipped", file=sys.stderr)
            return
        link = struct.unpack(e + "I", header[20:24])[0] & 0xFFFF
        while True:
            record = f.read(16)
            if len(record) < 16:
                return
            _, _, captured, _ = struct.unpack(e + "IIII", record)
            yield link, f.read(captured)


def udp_payload(link, frame):
    """The UDP payload of an Ethernet or raw-IP frame; None otherwise."""
    at = 0
    if link == 1:
        if len(frame) < 14:
            return None
        ethertype, at = struct.unpack(">H", frame[12:14])[0], 14
        while ethertype == 0x8100 and len(frame) >= at + 4:
            ethertype, at = struct.unpack(">H", frame[at + 2:at + 4])[0], at + 4
    elif link not in (101, 228, 229):
        return None
    if len(frame) < at + 1:
        return None
    version = frame[at] >> 4
    if version == 4 and len(frame) >= at + 20 and frame[at + 9] == 17:
        at += (frame[at] & 15) * 4
    elif version == 6 and len(frame) >= at + 40 and frame[at + 6] == 17:
        at += 40
    else:
        return None
    return frame[at + 8:] if len(frame) >= at + 8 else None


def kind(payload):
    if len(payload) >= 4 and struct.unpack(">I", payload[:4])[0] == 5:
        return "fuzz_decode_sflow"
    if len(payload) >= 2:
        return {5: "fuzz_decode_v5", 9: "fuzz_decode_v9", 10: "fuzz_decode_ipfix"}.get(struct.unpack(">H", payload[:2])[0])
    return None


def interface_table_seeds():
    """IPFIX and NetFlow v9 options data naming two interfaces, then a flow through them:
    no bundled exporter names its interfaces, so these reach the interface table."""
    names = [(1, b"Te0/0/0", b"TRANSIT: AS64500"), (2, b"Vl100", b"servers")]
    flow = (bytes([203, 0, 113, 50, 198, 51, 100, 10]) + struct.pack(">HHBBII", 40000, 22, 6, 2, 1, 2))
    flow_fields = [(8, 4), (12, 4), (7, 2), (11, 2), (4, 1), (6, 1), (10, 4), (14, 4)]

    def fields(specs):
        return b"".join(struct.pack(">HH", i, n) for i, n in specs)

    def set_(set_id, body):
        return struct.pack(">HH", set_id, 4 + len(body)) + body

    # IPFIX: scope ingressInterface, variable-length names.
    records = b"".join(struct.pack(">IB", i, len(n)) + n + bytes([len(d)]) + d for i, n, d in names)
    sets = (set_(3, struct.pack(">HHH", 300, 3, 1) + fields([(10, 4), (82, 0xFFFF), (83, 0xFFFF)]))
            + set_(300, records)
            + set_(2, struct.pack(">HH", 256, len(flow_fields)) + fields(flow_fields))
            + set_(256, flow))
    ipfix = struct.pack(">HHIII", 10, 16 + len(sets), 1700000000, 0, 0) + sets
    # NetFlow v9: Interface scope (type 2), fixed-length NUL-padded names.
    records = b"".join(struct.pack(">I", i) + n.ljust(16, b"\0") + d.ljust(32, b"\0") for i, n, d in names)
    sets = (set_(1, struct.pack(">HHH", 300, 4, 8) + fields([(2, 4), (82, 16), (83, 32)]))
            + set_(300, records)
            + set_(0, struct.pack(">HH", 256, len(flow_fields)) + fields(flow_fields))
            + set_(256, flow))
    v9 = struct.pack(">HHIIII", 9, 6, 100000, 1700000000, 0, 0) + sets
    return [("fuzz_decode_ipfix", ipfix), ("fuzz_decode_v9", v9)]


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    out = sys.argv[1]
    counts = {}

    def write(fuzzer, data):
        d = os.path.join(out, fuzzer)
        os.makedirs(d, exist_ok=True)
        n = counts.get(fuzzer, 0)
        if n >= 2000:  # plenty: libFuzzer minimises from here
            return
        with open(os.path.join(d, str(n)), "wb") as f:
            f.write(data)
        counts[fuzzer] = n + 1

    for path in sys.argv[2:]:
        ipfix = []  # this capture's IPFIX messages in order, for the differential fuzzer
        for link, frame in frames(path):
            if link in LINK_INDEX:
                write("fuzz_packet_view", bytes([LINK_INDEX[link]]) + frame)
            payload = udp_payload(link, frame)
            fuzzer = kind(payload) if payload is not None else None
            if fuzzer:
                write(fuzzer, b"\x00" + payload)
            if fuzzer == "fuzz_decode_ipfix":
                ipfix.append(payload)
        # Runs of consecutive messages, so templates and options come before their data.
        for start in range(0, len(ipfix), 4):
            run = b"".join(ipfix[start:start + 8])
            if len(run) <= 65535:
                write("fuzz_ipfix_differential", run)
    for fuzzer, payload in interface_table_seeds():
        write(fuzzer, b"\x00" + payload)
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
    with open(os.path.join(root, "deploy", "synwatch.example.yaml"), "rb") as f:
        write("fuzz_config", f.read())
    for fuzzer in ("fuzz_api_requests",):
        write(fuzzer, b"\x00")
    print("seed_corpora: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
