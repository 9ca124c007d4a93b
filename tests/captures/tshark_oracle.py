#!/usr/bin/env python3
"""Writes the tshark oracle of one export capture: Wireshark's decoding of every flow
record (NetFlow v5/v9, IPFIX) or sFlow flow sample, one JSON object per line, in the
field names of the 'record' contract (DESIGN.md section 5).

usage: tshark_oracle.py EXPORT_PCAP UDP_PORT cflow|sflow OUT.jsonl.gz

Times are epoch milliseconds: v5/v9 uptime-relative times are placed with the header's
export time and sysUpTime, IPFIX uptime-relative times with the systemInitTime of the
options data. NetFlow v9 packets are decoded from a copy whose header count is set to
0xffff, because softflowd writes a count that is too small and Wireshark stops there.
"""
import calendar
import gzip
import json
import os
import re
import struct
import subprocess
import sys
import tempfile

MONTHS = {m: i for i, m in enumerate(
    'Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec'.split(), 1)}


def epoch_ms(text):
    """'Nov 21, 2026 05:30:30.107000000 UTC' -> epoch milliseconds (float)."""
    m = re.match(r'(\w+)\s+(\d+), (\d+) (\d+):(\d+):(\d+)(?:\.(\d+))?', text)
    if not m:
        return None
    mon, day, year, hh, mi, ss, frac = m.groups()
    secs = calendar.timegm((int(year), MONTHS[mon], int(day), int(hh), int(mi), int(ss)))
    return round((secs + (float('0.' + frac) if frac else 0.0)) * 1000, 3)


def number(v):
    if isinstance(v, list):
        v = v[0]
    if v is None:
        return None
    if isinstance(v, str) and v.startswith('0x'):
        return int(v, 16)
    try:
        return int(v)
    except ValueError:
        return float(v)


def leaves(tree, out=None):
    """All leaf fields of a tshark JSON subtree, first occurrence wins."""
    out = {} if out is None else out
    for k, v in tree.items():
        if isinstance(v, dict):
            leaves(v, out)
        else:
            out.setdefault(k, v)
    return out


def v9_count_opened(path):
    """A copy of the pcap with every NetFlow v9 header count set to 0xffff."""
    with open(path, 'rb') as f:
        data = bytearray(f.read())
    endian = '<' if data[:4] in (b'\xd4\xc3\xb2\xa1', b'\x4d\x3c\xb2\xa1') else '>'
    pos = 24
    while pos + 16 <= len(data):
        caplen = struct.unpack(endian + 'I', data[pos + 8:pos + 12])[0]
        frame = pos + 16
        if data[frame + 12:frame + 14] == b'\x08\x00':  # Ethernet, IPv4
            udp_payload = frame + 14 + (data[frame + 14] & 0x0f) * 4 + 8
            if data[udp_payload:udp_payload + 2] == b'\x00\x09':
                data[udp_payload + 2:udp_payload + 4] = b'\xff\xff'
        pos = frame + caplen
    fd, copy = tempfile.mkstemp(suffix='.pcap')
    with os.fdopen(fd, 'wb') as f:
        f.write(data)
    return copy


def packets(pcap, port, dissector):
    cmd = ['tshark', '-n', '-r', pcap, '-d', f'udp.port=={port},{dissector}', '-T', 'json',
           '--no-duplicate-keys', '-J', f'frame {dissector}']
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    for pkt in json.loads(out):
        yield pkt['_source']['layers']


def cflow_records(layers, sys_init):
    c = layers.get('cflow')
    if c is None:
        return
    header = leaves({k: v for k, v in c.items()
                     if not k.startswith(('FlowSet', 'pdu', 'Set '))})
    version = number(header.get('cflow.version'))
    name = {5: 'v5', 9: 'v9', 10: 'ipfix'}[version]
    export_ms = epoch_ms(header['cflow.timestamp'])
    uptime_s = number(header.get('cflow.sysuptime'))
    domain = number(header.get('cflow.source_id', header.get('cflow.od_id')))
    sampling = number(header.get('cflow.samplerate')) if version == 5 else None

    def record(tree):
        f = leaves(tree)
        src = f.get('cflow.srcaddr', f.get('cflow.srcaddrv6'))
        dst = f.get('cflow.dstaddr', f.get('cflow.dstaddrv6'))
        if src is None or dst is None:
            if 'cflow.sys_init_time' in f:
                sys_init[domain] = epoch_ms(f['cflow.sys_init_time'])
            return {'kind': 'options', 'version': name}
        if version == 10:
            base = sys_init.get(domain)
        else:
            base = export_ms - uptime_s * 1000.0
        times = {}
        for key, rel, absolute in (('start_ms', 'cflow.timestart', 'cflow.abstimestart'),
                                   ('end_ms', 'cflow.timeend', 'cflow.abstimeend')):
            if rel in f and base is not None:
                times[key] = round(base + float(f[rel]) * 1000.0, 3)
            elif absolute in f:
                t = epoch_ms(f[absolute])
                times[key] = round(base, 3) if t == 0.0 and base is not None else t
        times.setdefault('start_ms', times.get('end_ms'))
        times.setdefault('end_ms', times.get('start_ms'))
        return {'kind': 'flow', 'version': name, 'domain': domain, 'export_ms': export_ms,
                'src': src, 'dst': dst,
                'sport': number(f.get('cflow.srcport')), 'dport': number(f.get('cflow.dstport')),
                'proto': number(f.get('cflow.protocol')),
                'tcp_flags': number(f.get('cflow.tcpflags')),
                'packets': number(f.get('cflow.packets', f.get('cflow.packets64'))),
                'bytes': number(f.get('cflow.octets', f.get('cflow.octets64'))),
                'sampling': sampling, **times}

    for k, v in c.items():
        if k.startswith('pdu '):
            yield record(v)
        elif k.startswith(('FlowSet', 'Set ')) and isinstance(v, dict):
            for k2, v2 in v.items():
                if k2.startswith('Flow ') and isinstance(v2, dict):
                    yield record(v2)


IPV6_EXTENSIONS = {0, 43, 44, 51, 60, 135}


def upper_layer(ipv6):
    """The protocol after the IPv6 extension headers, from tshark's '*.nxt' fields."""
    proto = number(ipv6['ipv6.nxt'])
    f = leaves(ipv6)
    for key in ('ipv6.hopopts.nxt', 'ipv6.dstopts.nxt', 'ipv6.routing.nxt',
                'ipv6.fraghdr.nxt', 'ah.next_header'):
        if proto in IPV6_EXTENSIONS and key in f:
            proto = number(f[key])
    return proto


def sflow_records(layers):
    s = layers.get('sflow')
    if s is None:
        return
    arrival_ms = round(float(layers['frame']['frame.time_epoch']) * 1000, 3)
    for k, v in s.items():
        if not isinstance(v, dict) or not k.startswith(('Flow sample', 'Expanded flow sample')):
            continue
        r = {'kind': 'sample', 'version': 'sflow', 'export_ms': arrival_ms, 'src': None,
             'sampling': number(v.get('sflow.flow_sample.sampling_rate')), 'packets': 1}
        for k2, v2 in v.items():
            if not (k2.startswith('Raw packet header') and isinstance(v2, dict)):
                continue
            h = v2.get('sflow_245.header_tree', {})
            if isinstance(h.get('ip'), dict):
                ip = h['ip']
                r.update(src=ip['ip.src'], dst=ip['ip.dst'], proto=number(ip['ip.proto']),
                         bytes=number(ip['ip.len']))
            elif isinstance(h.get('ipv6'), dict):
                ip = h['ipv6']
                r.update(src=ip['ipv6.src'], dst=ip['ipv6.dst'], proto=upper_layer(ip),
                         bytes=number(ip['ipv6.plen']) + 40)
            if isinstance(h.get('tcp'), dict):
                t = h['tcp']
                r.update(sport=number(t['tcp.srcport']), dport=number(t['tcp.dstport']),
                         tcp_flags=number(t['tcp.flags']) & 0xff)
            elif isinstance(h.get('udp'), dict):
                u = h['udp']
                r.update(sport=number(u['udp.srcport']), dport=number(u['udp.dstport']))
        yield r


def main():
    pcap, port, dissector, out = sys.argv[1:5]
    source = v9_count_opened(pcap) if dissector == 'cflow' else pcap
    n = 0
    try:
        with gzip.open(out, 'wt') as o:
            sys_init = {}
            for layers in packets(source, port, dissector):
                frame = number(layers['frame']['frame.number'])
                gen = cflow_records(layers, sys_init) if dissector == 'cflow' else sflow_records(layers)
                for r in gen:
                    r['frame'] = frame
                    o.write(json.dumps(r, separators=(',', ':')) + '\n')
                    n += 1
    finally:
        if source != pcap:
            os.unlink(source)
    print(f'{os.path.basename(out)}: {n} lines')


if __name__ == '__main__':
    main()
