#!/usr/bin/env python3
"""The peer benchmark's table (perf/peers/run.sh): for each capture and collector, the
highest loss-free rate and the records accepted per CPU-second at it; and, at the
highest rate both synwatchd and the peer took without loss, each one's records per
CPU-second and their ratio, and the kernel floor's ratio to the peer there: the highest
any kernel-socket collector could show. Then synwatchd over DPDK. Markdown, for
perf/RESULTS.md.

A step run more than once (REPEATS) counts as one: loss-free only if every run was, with
the median of its runs' records per CPU-second and achieved rate.

    perf/peers/report.py STEPS.tsv [DPDK.tsv]
"""
import csv
import statistics
import sys


# The receiver that only counts (synwatch-udp-sink): a bound, not a peer.
FLOOR = "kernel-floor"


def is_peer(collector):
    return collector not in ("synwatchd", FLOOR)


def rows(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def one_per_step(steps):
    """The runs of each (format, collector, rate) folded into one row, in first-run order."""
    runs = {}
    for r in steps:
        runs.setdefault((r["format"], r["collector"], r["rate"]), []).append(r)
    folded = []
    for group in runs.values():
        row = dict(group[0])
        row["lost"] = max(r["lost"] for r in group)
        for k in ("per_cpu_s", "achieved"):
            row[k] = int(statistics.median(r[k] for r in group))
        folded.append(row)
    return folded


def millions(n):
    return f"{n / 1e6:.2f} M"


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    steps = rows(sys.argv[1])
    by = {}
    for r in steps:
        for k in ("rate", "achieved", "sent", "accepted", "lost", "rcvbuf_errors", "per_cpu_s"):
            r[k] = int(r[k])
        r["cpu_s"] = float(r["cpu_s"])
    steps = one_per_step(steps)
    for r in steps:
        by.setdefault((r["format"], r["collector"]), []).append(r)

    def best(fmt, collector):
        """The highest loss-free step, or None."""
        ok = [r for r in by.get((fmt, collector), []) if r["lost"] == 0]
        return max(ok, key=lambda r: r["rate"]) if ok else None

    def at(fmt, collector, rate):
        return next((r for r in by.get((fmt, collector), []) if r["rate"] == rate), None)

    def common(fmt, peer):
        """The highest rate both synwatchd and `peer` took without loss, or None."""
        rates = [r["rate"] for r in by.get((fmt, peer), []) if r["lost"] == 0]
        mine = {r["rate"] for r in by.get((fmt, "synwatchd"), []) if r["lost"] == 0}
        both = [r for r in rates if r in mine]
        return max(both) if both else None

    def ceiling(fmt, peer_step):
        """The kernel floor's records per CPU-second over the peer's, at the peer's rate."""
        floor = at(fmt, FLOOR, peer_step["rate"])
        if floor is None or floor["lost"] or not peer_step["per_cpu_s"]:
            return ""
        return f"{floor['per_cpu_s'] / peer_step['per_cpu_s']:.2f}x"

    formats = list(dict.fromkeys(r["format"] for r in steps))
    print("| capture | collector | highest loss-free rate | records per CPU-second there "
          "| compared at | peer per CPU-second | synwatchd per CPU-second | synwatchd / peer "
          "| kernel floor / peer |")
    print("|---|---|---|---|---|---|---|---|---|")
    worst = None
    for fmt in formats:
        for collector in dict.fromkeys(r["collector"] for r in steps if r["format"] == fmt):
            b = best(fmt, collector)
            if b is None:
                first = by[(fmt, collector)][0]
                print(f"| {fmt} | {collector} | none (lost {first['lost']:,} of {first['sent']:,} "
                      f"at {millions(first['rate'])}/s) | | | | | | |")
                continue
            limited = " (sender-limited)" if b["achieved"] * 100 < b["rate"] * 97 else ""
            rest = "| | | | | |"
            rate = common(fmt, collector) if is_peer(collector) else None
            if rate is not None:
                p, s = at(fmt, collector, rate), at(fmt, "synwatchd", rate)
                r = s["per_cpu_s"] / p["per_cpu_s"] if p["per_cpu_s"] else 0
                worst = r if worst is None or r < worst else worst
                rest = (f"| {millions(rate)}/s | {millions(p['per_cpu_s'])} | {millions(s['per_cpu_s'])} "
                        f"| **{r:.2f}x** | {ceiling(fmt, p)} |")
            print(f"| {fmt} | {collector} | {millions(b['rate'])}/s{limited} | "
                  f"{millions(b['per_cpu_s'])} {rest}")
    if worst is not None:
        print(f"\nLowest synwatchd / peer ratio: {worst:.2f}x (at the highest rate both took without loss).")

    if len(sys.argv) == 3:
        dpdk = rows(sys.argv[2])
        if dpdk:
            print("\n| capture | synwatchd over DPDK net_pcap: records/s | CPU-seconds per second "
                  "| records per CPU-second | / best kernel-socket peer |")
            print("|---|---|---|---|---|")
            for d in dpdk:
                fmt, per = d["format"], int(d["per_cpu_s"])
                peers = [best(fmt, c) for (f, c) in by if f == fmt and is_peer(c)]
                peers = [p["per_cpu_s"] for p in peers if p is not None]
                ratio = f"{per / max(peers):.2f}x" if peers else ""
                print(f"| {fmt} | {millions(int(d['records_per_s']))} | {float(d['cpu_per_s']):.2f} | "
                      f"{millions(per)} | {ratio} |")


if __name__ == "__main__":
    main()
