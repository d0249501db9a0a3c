#!/usr/bin/env python3
"""The book's Spark/Faust job written the obvious way, as the baseline for bench_pipeline.

Reads the recorded v2 frames (recv_ts<TAB>session<TAB>frame), json.loads each frame, keeps a
dict per side per symbol as the book, and sums price * remaining per side in tumbling windows.
Usage: python_baseline.py TSV [LOOPS] [WINDOW_SECONDS] [ROUNDS]; prints one line, of the
fastest round: `python_baseline changes=N seconds=S changes_per_sec=R windows=W rounds=K`.
"""
import json
import sys
import time


def run(lines, window_s):
    books = {}
    sums = {}
    windows = 0
    changes = 0
    current = {}
    for recv_ts, session, frame in lines:
        msg = json.loads(frame)
        if msg.get("type") != "l2_updates":
            continue
        sym = msg["symbol"]
        key = (session, sym)
        first = key not in books
        book = books.setdefault(key, {"buy": {}, "sell": {}})
        w = int(recv_ts // window_s)
        if current.get(sym) is not None and current[sym] != w:
            windows += 1
            sums[sym] = {"buy": 0.0, "sell": 0.0}
        current[sym] = w
        acc = sums.setdefault(sym, {"buy": 0.0, "sell": 0.0})
        for side, price, qty in msg["changes"]:
            changes += 1
            p = float(price)
            q = float(qty)
            if q == 0:
                book[side].pop(price, None)
            else:
                book[side][price] = q
            if not first:
                acc[side] += p * q
    return changes, windows


def main():
    path = sys.argv[1]
    loops = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    window_s = float(sys.argv[3]) if len(sys.argv) > 3 else 60.0
    # Rounds of `loops` loops each; the fastest round is reported, as bench_pipeline does
    # (on a noisy host one slow round would otherwise flatter the C++ side).
    rounds = int(sys.argv[4]) if len(sys.argv) > 4 else 1
    lines = []
    with open(path) as f:
        next(f)  # header
        for line in f:
            ts, session, frame = line.rstrip("\n").split("\t", 2)
            lines.append((float(ts), session, frame))
    best = None
    for _ in range(rounds):
        total = 0
        windows = 0
        start = time.perf_counter()
        for _ in range(loops):
            c, w = run(lines, window_s)
            total += c
            windows += w
        secs = time.perf_counter() - start
        if best is None or secs < best[0]:
            best = (secs, total, windows)
    secs, total, windows = best
    print(f"python_baseline changes={total} seconds={secs:.3f} changes_per_sec={total / secs:.0f} windows={windows} rounds={rounds}")


if __name__ == "__main__":
    main()
