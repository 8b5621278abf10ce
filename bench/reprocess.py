#!/usr/bin/env python3
"""bench/reprocess.py: how fast `intake reprocess --all` re-runs N stored orders.

Makes its own database and IMAP user, polls --sample generated customer mails (samples/mail, each
with a fresh Message-ID) once through `intake poll`, so the orders, their raw mails, follow-ups and
registry matches are what a real poll stores; then copies those orders with their mails in SQL
(new ids and order numbers, the same bytes) up to N orders, and clears the symptoms of one order
in ten, so that reprocess has changes to show, write and audit. Then times, each on the same database:
  - `intake reprocess --all --dry-run` (every order re-run, rolled back),
  - `intake reprocess --all --yes` (every order re-run and written),
and prints orders/s and peak RSS (wait4 rusage) of each. Not a test: it measures and prints; it
checks only that each run succeeded and covered the N orders. At the end, also when it fails or
is interrupted, the database is dropped (--keep keeps it and the configuration) and the IMAP user
is removed with its mailbox (`scripts/servers deluser`; its mails are in the database).

Usage (as root, the local servers running; export INTAKE_RUN_DIR=/work/main/.run in a worktree):
    bench/reprocess.py [--count 100000] [--sample 1000] [--bin build/intake] [--perf FILE]
"""
import argparse, os, re, sys, time

sys.dont_write_bytecode = True  # no bench/__pycache__ in the checkout
import benchlib
from benchlib import TOP as top

benchlib.WHO = "reprocess bench"

ap = argparse.ArgumentParser()
ap.add_argument("--count", type=int, default=100000, help="orders to reprocess")
ap.add_argument("--sample", type=int, default=1000, help="mails polled for real before copying")
ap.add_argument("--bin", default=os.path.join(top, "build", "intake"))
ap.add_argument("--perf", metavar="FILE", help="record the --yes run system-wide with perf into FILE")
ap.add_argument("--keep", action="store_true", help="keep the database and configuration (printed) to look into")
args = ap.parse_args()

env = benchlib.servers_env()
tag = "reproc%d" % os.getpid()
user, pw = benchlib.make_user(tag)
benchlib.make_database(env, tag, keep=args.keep)
work = benchlib.work_dir("intake-reprocess-", keep=args.keep)
conf = benchlib.write_config(work, env, tag, user, pw)
if args.keep:  # printed last, after the table or the error
    benchlib.at_end(print, "kept: database %s, configuration %s" % (tag, conf))


def sql(query):
    return benchlib.psql(env, tag, query)


cpu = [0.0, 0.0]  # CPU seconds of the last run: the command, PostgreSQL


def run(cmd):
    """Runs cmd, returns (seconds, peak RSS in MB, stdout+stderr); exits when it fails."""
    r = benchlib.run_timed(cmd, servers=("postgres",))
    cpu[:] = [r.cpu, r.servers.get("postgres", 0.0)]
    return r.seconds, r.rss_mb, r.out


# Copies every polled order (with its mails: the initial one and follow-ups) `rounds` times; round g
# shifts ids by g * the largest id so the copies map 1:1, and numbers the copies RCyyyymmdd-gNNNN.
COPY = """
CREATE TEMP TABLE base_o AS SELECT * FROM intake.orders;
CREATE TEMP TABLE base_m AS SELECT * FROM intake.messages
  WHERE id IN (SELECT message_id FROM intake.order_messages);
CREATE TEMP TABLE base_om AS SELECT * FROM intake.order_messages;
SELECT max(id) AS om FROM intake.messages \\gset
SELECT max(id) AS oo FROM base_o \\gset
INSERT INTO intake.messages (id, dedupe_key, message_id, sha256, from_addr, from_display, subject, headers,
  raw, size, internal_date, fetched_at, parse_error, ignored_reason, parts, body_text, attachments)
SELECT m.id + g * :om, m.dedupe_key || ':copy' || g, m.message_id, m.sha256, m.from_addr, m.from_display,
  m.subject, m.headers, m.raw, m.size, m.internal_date, m.fetched_at, m.parse_error, m.ignored_reason,
  m.parts, m.body_text, m.attachments
FROM base_m m CROSS JOIN generate_series(1, :rounds) g;
INSERT INTO intake.orders (id, order_no, status, message_id, received_at, from_addr, subject, kind,
  review_reason, sn, model, symptoms, contact, phone, address, city, district, missing, sn_candidates,
  customer, tier, component, warranty_start, warranty_end, coverage, reasons, severity, priority,
  onsite_class, sla_clock, response_due, plan_due, onsite_due, followup_of, base_response_due,
  base_plan_due, base_onsite_due, machine_index)
SELECT o.id + g * :oo, left(o.order_no, 11) || g || right(o.order_no, 4), o.status, o.message_id + g * :om,
  o.received_at, o.from_addr, o.subject, o.kind, o.review_reason, o.sn, o.model, o.symptoms, o.contact,
  o.phone, o.address, o.city, o.district, o.missing, o.sn_candidates, o.customer, o.tier, o.component,
  o.warranty_start, o.warranty_end, o.coverage, o.reasons, o.severity, o.priority, o.onsite_class,
  o.sla_clock, o.response_due, o.plan_due, o.onsite_due, o.followup_of, o.base_response_due,
  o.base_plan_due, o.base_onsite_due, o.machine_index
FROM base_o o CROSS JOIN generate_series(1, :rounds) g;
INSERT INTO intake.order_messages (order_id, message_id, role, added_at)
SELECT om.order_id + g * :oo, om.message_id + g * :om, om.role, om.added_at
FROM base_om om CROSS JOIN generate_series(1, :rounds) g;
SELECT setval('intake.messages_id_seq', (SELECT max(id) FROM intake.messages));
SELECT setval('intake.orders_id_seq', (SELECT max(id) FROM intake.orders));
-- the copies past N go (the newest first, whole mails: a batch report keeps its orders together)
CREATE TEMP TABLE extra AS SELECT id, message_id FROM intake.orders
  WHERE message_id IN (SELECT message_id FROM intake.orders GROUP BY message_id
                       ORDER BY message_id DESC LIMIT :drop_mails);
DELETE FROM intake.order_messages WHERE order_id IN (SELECT id FROM extra);
DELETE FROM intake.orders WHERE id IN (SELECT id FROM extra);
DELETE FROM intake.messages m WHERE m.id > :om AND NOT EXISTS (SELECT 1 FROM intake.order_messages om
  WHERE om.message_id = m.id);
ANALYZE;
"""


def fill(count):
    """Copies the polled orders until there are at least count; returns how many there are."""
    base = int(sql("SELECT count(*) FROM intake.orders"))
    if base == 0:
        sys.exit("reprocess bench: the sample poll made no orders")
    rounds = max(0, -(-count // base) - 1)
    script = os.path.join(work, "copy.sql")
    with open(script, "w") as f:
        f.write(COPY)
    # whole mails to drop: most mails open one order, so count - total orders beyond N, at most
    def fill_with(drop):
        benchlib.psql(env, tag, args=["-v", "rounds=%d" % rounds, "-v", "drop_mails=%d" % drop, "-f", script])
    surplus = base * (rounds + 1) - count
    # orders per mail in the sample: drop that many fewer mails so we stay at or just above count
    per_mail = float(sql("SELECT count(*)::float / count(DISTINCT message_id) FROM intake.orders"))
    fill_with(int(surplus / per_mail) if rounds else 0)
    return int(sql("SELECT count(*) FROM intake.orders"))


benchlib.migrate(args.bin, conf)

samples = benchlib.sample_mails()
imap = benchlib.imap_login(env, user, pw)
for i in range(min(args.sample, args.count)):
    raw = benchlib.with_message_id(samples[i % len(samples)], b"<reproc-%d-%s@example.com>" % (i, tag.encode()))
    imap.append("INBOX", None, None, raw)
imap.logout()
p_s, _, out = run([args.bin, "poll", "--config", conf])

t0 = time.perf_counter()
n = fill(args.count)
f_s = time.perf_counter() - t0
mails = int(sql("SELECT count(*) FROM intake.messages"))
print(f"{n} orders ({mails} mails): {min(args.sample, args.count)} polled in {p_s:.1f} s, copied in SQL in "
      f"{f_s:.1f} s; local PostgreSQL (fsync on)")

# as after a rule change: one order in ten reads differently now (its symptoms were lost)
sql("UPDATE intake.orders SET symptoms = NULL WHERE id % 10 = 0")
results = []
for label, extra in (("--dry-run", ["--dry-run"]), ("--yes", ["--yes"])):
    perf = (["perf", "record", "-q", "-a", "-g", "-o", args.perf, "--"]
            if args.perf and label == "--yes" else [])
    audit0 = int(sql("SELECT count(*) FROM intake.audit"))
    dt, rss, out = run(perf + [args.bin, "reprocess", "--all", "--config", conf] + extra)
    m = re.search(r"^reprocess: (\d+) orders, (\d+) (?:would change|changed), (\d+) unchanged, (\d+) unreadable",
                  out, re.M)
    if not m or int(m.group(1)) != n:
        sys.exit("reprocess bench: %s did not cover %d orders:\n%s" % (label, n, out[-4000:]))
    audit = int(sql("SELECT count(*) FROM intake.audit")) - audit0
    results.append((label, dt, rss, m.groups(), audit, list(cpu)))
print("| run | orders | seconds | orders/s | peak RSS | CPU ms/order intake / PostgreSQL "
      "| changed / unchanged / unreadable | audit rows |")
print("| --- | --- | --- | --- | --- | --- | --- | --- |")
for label, dt, rss, g, audit, (own, pg) in results:
    print(f"| reprocess --all {label} | {n:,} | {dt:.1f} | {n / dt:,.0f} | {rss:.0f} MB | "
          f"{own * 1000 / n:.2f} / {pg * 1000 / n:.2f} | {g[1]} / {g[2]} / {g[3]} | {audit} |")
