#!/usr/bin/env python3
"""Ground truth for a bundled scenario, from the raw packets only (independent of every
flow exporter): one entry per TCP connection with Zeek's conn_state, whether the
handshake completed, and the perspective ('excluded' for link-local and multicast).

usage: packet_truth.py TRAFFIC_PCAP INTERNAL_PREFIX[,...] OUT_JSON

Connections: the canonical 5-tuple; a pure SYN with a new initial sequence number, or
300 s of silence, starts a new connection on the same 5-tuple (Zeek's rules). The
initiator sent the first pure SYN; if the first packet is a SYN-ACK, its receiver;
otherwise the sender of the first packet. Endpoint states follow Zeek's TCP analyzer:
INACTIVE, SYN_SENT, SYN_ACK_SENT, PARTIAL, ESTABLISHED, CLOSED, RESET; conn_state() is
Zeek's (base/protocols/conn/main.zeek).
"""
import ipaddress
import json
import re
import struct
import sys

FIN, SYN, RST, PSH, ACK, URG = 0x01, 0x02, 0x04, 0x08, 0x10, 0x20
INACTIVE, SYN_SENT, SYN_ACK_SENT, PARTIAL, ESTABLISHED, CLOSED, RESET = range(7)


def packets(path):
    """(time, src, dst, sport, dport, flags, seq, payload_len) of every TCP packet."""
    with open(path, 'rb') as f:
        data = f.read()
    endian = '<' if data[:4] in (b'\xd4\xc3\xb2\xa1', b'\x4d\x3c\xb2\xa1') else '>'
    nanos = data[:4] in (b'\x4d\x3c\xb2\xa1', b'\xa1\xb2\x3c\x4d')
    pos = 24
    while pos + 16 <= len(data):
        sec, frac, caplen, _ = struct.unpack(endian + 'IIII', data[pos:pos + 16])
        frame = data[pos + 16:pos + 16 + caplen]
        pos += 16 + caplen
        t = sec + frac / (1e9 if nanos else 1e6)
        off, ethertype = 14, struct.unpack('>H', frame[12:14])[0]
        while ethertype in (0x8100, 0x88a8):
            ethertype = struct.unpack('>H', frame[off + 2:off + 4])[0]
            off += 4
        if ethertype == 0x0800:
            ihl = (frame[off] & 0x0f) * 4
            total = struct.unpack('>H', frame[off + 2:off + 4])[0]
            if frame[off + 9] != 6 or struct.unpack('>H', frame[off + 6:off + 8])[0] & 0x1fff:
                continue
            src = str(ipaddress.IPv4Address(frame[off + 12:off + 16]))
            dst = str(ipaddress.IPv4Address(frame[off + 16:off + 20]))
            tcp, ip_payload = off + ihl, total - ihl
        elif ethertype == 0x86dd:
            if frame[off + 6] != 6:
                continue
            src = str(ipaddress.IPv6Address(frame[off + 8:off + 24]))
            dst = str(ipaddress.IPv6Address(frame[off + 24:off + 40]))
            tcp, ip_payload = off + 40, struct.unpack('>H', frame[off + 4:off + 6])[0]
        else:
            continue
        sport, dport, seq = struct.unpack('>HHI', frame[tcp:tcp + 8])
        data_off = (frame[tcp + 12] >> 4) * 4
        yield t, src, dst, sport, dport, frame[tcp + 13], seq, ip_payload - data_off


class Endpoint:
    def __init__(self):
        self.state = INACTIVE
        self.size = 0
        self.isn = None


class Connection:
    def __init__(self, orig, resp, t):
        self.orig, self.resp = orig, resp          # (address, port)
        self.ep = {orig: Endpoint(), resp: Endpoint()}
        self.history = ''
        self.first = self.last = t
        self.handshake_acked = False

    def add(self, sender, flags, seq, payload, t):
        self.last = t
        me = self.ep[sender]
        peer = self.ep[self.resp if sender == self.orig else self.orig]
        is_orig = sender == self.orig
        letter = ''
        if flags & SYN and flags & ACK:
            letter = 'H'
        elif flags & SYN:
            letter = 'S'
        elif flags & RST:
            letter = 'R'
        elif flags & FIN:
            letter = 'F'
        elif payload > 0:
            letter = 'D'
        elif flags & ACK:
            letter = 'A'
        if letter and (letter.upper() if is_orig else letter.lower()) not in self.history:
            self.history += letter.upper() if is_orig else letter.lower()
        me.size += max(payload, 0)
        if flags & RST:
            me.state = RESET
            return
        if flags & SYN:
            if me.isn is None:
                me.isn = seq
            if me.state == INACTIVE:
                me.state = SYN_ACK_SENT if flags & ACK else SYN_SENT
            if flags & ACK and peer.state == SYN_SENT:
                # A SYN-ACK answering a SYN establishes both ends (Zeek).
                me.state = peer.state = ESTABLISHED
        elif me.state == INACTIVE:
            me.state = PARTIAL
        elif me.state == SYN_SENT and flags & ACK and peer.state in (SYN_ACK_SENT, ESTABLISHED):
            me.state = peer.state = ESTABLISHED
        if flags & ACK and not flags & SYN and is_orig and 'h' in self.history:
            self.handshake_acked = True
        if flags & FIN:
            me.state = CLOSED

    def conn_state(self):
        os, rs = self.ep[self.orig].state, self.ep[self.resp].state
        o_inactive = os in (INACTIVE, PARTIAL)
        r_inactive = rs in (INACTIVE, PARTIAL)
        if rs == RESET:
            if os in (SYN_SENT, SYN_ACK_SENT) or (
                    os == RESET and self.ep[self.orig].size == 0 and self.ep[self.resp].size == 0):
                return 'REJ'
            return 'RSTRH' if o_inactive else 'RSTR'
        if os == RESET:
            if r_inactive:
                return 'RSTOS0' if re.fullmatch(r'\^?S[^HAFGIQ]*R.*', self.history) else 'OTH'
            return 'RSTO'
        if rs == CLOSED and os == CLOSED:
            return 'SF'
        if os == CLOSED:
            return 'SH' if r_inactive else 'S2'
        if rs == CLOSED:
            return 'SHR' if o_inactive else 'S3'
        if os == SYN_SENT and rs == INACTIVE:
            return 'S0'
        if os == ESTABLISHED and rs == ESTABLISHED:
            return 'S1'
        return 'OTH'


def main():
    pcap, prefixes, out = sys.argv[1], sys.argv[2].split(','), sys.argv[3]
    nets = [ipaddress.ip_network(p) for p in prefixes]
    internal = lambda a: any(ipaddress.ip_address(a) in n for n in nets)
    live, done = {}, []
    for t, src, dst, sport, dport, flags, seq, payload in packets(pcap):
        a, b = (src, sport), (dst, dport)
        key = tuple(sorted([a, b]))
        c = live.get(key)
        pure_syn = flags & SYN and not flags & ACK
        if c is not None and (t - c.last > 300 or (
                pure_syn and c.ep[a].isn is not None and c.ep[a].isn != seq)):
            done.append(live.pop(key))
            c = None
        if c is None:
            if flags & SYN and flags & ACK:
                c = live[key] = Connection(b, a, t)    # a leading SYN-ACK: its receiver began
            else:
                c = live[key] = Connection(a, b, t)
        c.add(a, flags, seq, payload, t)
    done.extend(live.values())
    sessions = []
    for c in sorted(done, key=lambda c: c.first):
        (ca, cp), (sa, sp) = c.orig, c.resp
        ci, si = internal(ca), internal(sa)
        perspective = ('private' if ci and si else 'outbound' if ci else
                       'inbound' if si else 'edge')
        # DESIGN.md section 3: link-local and multicast addresses are excluded (spoofed
        # floods pick such sources too).
        if any(ipaddress.ip_address(a).is_link_local or ipaddress.ip_address(a).is_multicast for a in (ca, sa)):
            perspective = 'excluded'
        sessions.append({'client': ca, 'client_port': cp, 'server': sa, 'server_port': sp,
                         'ipv': 6 if ':' in ca else 4, 'state': c.conn_state(),
                         'established': c.handshake_acked, 'perspective': perspective,
                         'history': c.history})
    with open(out, 'w') as f:
        json.dump({'internal_prefixes': prefixes, 'sessions': sessions}, f, indent=0)
    states = {}
    for s in sessions:
        states[s['state']] = states.get(s['state'], 0) + 1
    print(f'{out}: {len(sessions)} TCP connections {states}')


if __name__ == '__main__':
    main()
