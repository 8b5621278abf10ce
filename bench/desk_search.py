#!/usr/bin/env python3
"""bench/desk_search.py: intake.search and the desk's views on a database of N orders.

Makes a fresh database (intake db migrate), fills it with N generated orders (one mail row each;
SNs, phones, addresses and customer names varied as real ones are) by INSERT ... SELECT, and times
each query --runs times (median and worst, ms, wall time of the statement seen by the client):
intake.search by order number, SN, part of an SN, phone in two spellings, e-mail address and
customer name; the queue; one order's thread; sla_report for a month. The peer, in the same run:
the same LIKE as a sequential scan (index scans off), so the trigram index's worth is a ratio.
Not a test: it measures and prints. Drops its database at the end, also when it fails or is
interrupted.

Usage (the local servers running: scripts/servers start):
    bench/desk_search.py [--orders 1000000] [--runs 7] [--bin build/intake]
"""
import argparse, os, statistics, sys, time

sys.dont_write_bytecode = True  # no bench/__pycache__ in the checkout
import benchlib
from benchlib import TOP as top

ap = argparse.ArgumentParser()
ap.add_argument("--orders", type=int, default=1000000)
ap.add_argument("--runs", type=int, default=7)
ap.add_argument("--bin", default=os.path.join(top, "build", "intake"))
args = ap.parse_args()

env = benchlib.servers_env()
db = "desk_bench_%d" % os.getpid()


def psql(sql, dbname=db):
    return benchlib.psql(env, dbname, sql)


# Order g (0-based) arrives 86.4 s after g-1: 1,000 orders a day, sequence g % 1000 + 1.
FILL = """
INSERT INTO intake.messages (id, dedupe_key, message_id, sha256, from_addr, subject, headers, raw, size,
                             internal_date, body_text)
SELECT g + 1, 'mid:' || g, g || '@c.example.cn', md5(g::text),
       'user' || (g % 50000) || '@cust' || (g % 3000) || '.com.cn', '服务器故障 ' || g, 'From: x',
       '\\x00'::bytea, 1, timestamptz '2024-01-01 00:00+08' + g * interval '86.4 seconds',
       '服务器宕机，电源灯不亮。'
  FROM generate_series(0, N - 1) g;
SELECT setval('intake.messages_id_seq', N);
INSERT INTO intake.orders (order_no, status, message_id, received_at, from_addr, subject, kind, sn, model,
                           contact, phone, address, city, customer, tier, coverage, priority, severity,
                           response_due, plan_due, onsite_due, responded_at, plan_at)
SELECT 'RC' || to_char(timestamptz '2024-01-01 00:00+08' + g * interval '86.4 seconds', 'YYYYMMDD') || '-'
         || lpad((g % 1000 + 1)::text, 4, '0'),
       CASE WHEN g >= N - 2000 THEN 'queued' ELSE 'closed' END, g + 1,
       timestamptz '2024-01-01 00:00+08' + g * interval '86.4 seconds',
       'user' || (g % 50000) || '@cust' || (g % 3000) || '.com.cn', '服务器故障 ' || g, 'fault',
       'RCS' || lpad(g::text, 10, '0'), 'RC-R2290 G' || (g % 6), '联系人' || (g % 7000),
       '139' || lpad(((g::bigint * 7919) % 100000000)::text, 8, '0'),
       '天津市河西区友谊路' || (g % 300) || '号', '天津市', '客户公司' || (g % 3000) || '有限公司',
       CASE WHEN g % 3 = 0 THEN 'gold' ELSE 'silver' END, 'covered', 'P' || (g % 4 + 1), 'S2',
       timestamptz '2024-01-01 01:00+08' + g * interval '86.4 seconds',
       timestamptz '2024-01-01 04:00+08' + g * interval '86.4 seconds',
       timestamptz '2024-01-02 04:00+08' + g * interval '86.4 seconds',
       CASE WHEN g % 5 <> 0 THEN timestamptz '2024-01-01 00:30+08' + g * interval '86.4 seconds' END,
       CASE WHEN g % 4 <> 0 THEN timestamptz '2024-01-01 02:00+08' + g * interval '86.4 seconds' END
  FROM generate_series(0, N - 1) g;
INSERT INTO intake.order_messages (order_id, message_id, role) SELECT id, message_id, 'initial' FROM intake.orders;
VACUUM ANALYZE intake.orders; VACUUM ANALYZE intake.messages; VACUUM ANALYZE intake.order_messages;
"""


def timed(sql, runs, setup=""):
    """Median and worst wall ms of sql run inside one psql session (\\timing), after one warm-up."""
    script = setup + "\n\\timing on\n" + "\n".join([sql] * (runs + 1))
    out = psql(script)
    ms = [float(l.split()[1]) for l in out.splitlines() if l.startswith("Time: ")][1:]
    rows = [l for l in out.splitlines() if not l.startswith("Time: ")]
    return statistics.median(ms), max(ms), rows


benchlib.make_database(env, db)
conf = benchlib.write_config(benchlib.work_dir("intake-desk-search-"), env, db)
benchlib.migrate(args.bin, conf, assets=False)
t0 = time.monotonic()
psql(FILL.replace("N - 1", str(args.orders - 1)).replace("N - 2000", str(args.orders - 2000))
     .replace("setval('intake.messages_id_seq', N)", "setval('intake.messages_id_seq', %d)" % args.orders))
fill_s = time.monotonic() - t0
n = args.orders
g = n // 2 + 12345 if n > 30000 else n // 2
order_no = psql("SELECT order_no FROM intake.orders WHERE message_id = %d" % (g + 1))
sn = "RCS%010d" % g
phone = psql("SELECT phone FROM intake.orders WHERE message_id = %d" % (g + 1))
print("desk_search: %d orders filled (and indexed) in %.0f s; table %s, search index %s" % (
    n, fill_s, psql("SELECT pg_size_pretty(pg_total_relation_size('intake.orders'))"),
    psql("SELECT pg_size_pretty(pg_relation_size('intake.orders_search'))")))
queries = [
    ("search: order number", "SELECT count(*) FROM intake.search('%s');" % order_no),
    ("search: SN", "SELECT count(*) FROM intake.search('%s');" % sn),
    ("search: part of an SN (6 chars)", "SELECT count(*) FROM intake.search('%s');" % sn[-6:]),
    ("search: phone as written 139-xxxx-xxxx",
     "SELECT count(*) FROM intake.search('%s-%s-%s');" % (phone[:3], phone[3:7], phone[7:])),
    ("search: phone +86 with blanks", "SELECT count(*) FROM intake.search('+86 %s %s %s');" % (
        phone[:3], phone[3:7], phone[7:])),
    ("search: e-mail address", "SELECT count(*) FROM intake.search('user%d@cust%d.com.cn');" % (
        g % 50000, g % 3000)),
    ("search: customer name (limit 50)", "SELECT count(*) FROM intake.search('客户公司%d有限');" % (g % 3000)),
    ("queue: first 20", "SELECT count(*) FROM (SELECT * FROM intake.queue LIMIT 20) q;"),
    ("order_thread of one order", "SELECT count(*) FROM intake.order_thread WHERE order_no = '%s';" % order_no),
    ("sla_report: one month", "SELECT count(*) FROM intake.sla_report WHERE month = '2025-03-01';"),
]
print("%-40s %10s %10s  %s" % ("query", "median ms", "worst ms", "rows"))
for name, sql in queries:
    med, worst, rows = timed(sql, args.runs)
    print("%-40s %10.2f %10.2f  %s" % (name, med, worst, rows[-1] if rows else "-"))
like = "SELECT count(*) FROM intake.orders WHERE search_key LIKE '%%%s%%';" % phone
med_i, _, _ = timed(like, 3)
med_s, _, _ = timed(like, 1, "SET enable_bitmapscan = off; SET enable_indexscan = off;")
print("peer: the phone LIKE with the trigram index %.2f ms, as a sequential scan %.2f ms (%.0fx)" % (
    med_i, med_s, med_s / med_i if med_i else 0))
