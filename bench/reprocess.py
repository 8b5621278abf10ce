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
checks only that each run succeeded and covered the N orders. The database is dropped at the end
and the mailbox emptied (the IMAP user stays, as with `scripts/servers adduser`).

Usage (as root, the local servers running; export INTAKE_RUN_DIR=/work/main/.run in a worktree):
    bench/reprocess.py [--count 100000] [--sample 1000] [--bin build/intake] [--perf FILE]
"""
import argparse, glob, imaplib, os, re, secrets, shutil, ssl, subprocess, sys, tempfile, time

top = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ap = argparse.ArgumentParser()
ap.add_argument("--count", type=int, default=100000, help="orders to reprocess")
ap.add_argument("--sample", type=int, default=1000, help="mails polled for real before copying")
ap.add_argument("--bin", default=os.path.join(top, "build", "intake"))
ap.add_argument("--perf", metavar="FILE", help="record the --yes run system-wide with perf into FILE")
ap.add_argument("--keep", action="store_true", help="keep the database and configuration (printed) to look into")
args = ap.parse_args()

env = {}
for line in subprocess.run([os.path.join(top, "scripts", "servers"), "env"], check=True,
                           capture_output=True, text=True).stdout.splitlines():
    if line.startswith("export "):
        k, v = line[7:].split("=", 1)
        env[k] = v.strip("'")
tag = "reproc%d" % os.getpid()
user, pw = tag + "@roycom.com.cn", secrets.token_hex(12)
subprocess.run([os.path.join(top, "scripts", "servers"), "adduser", user, pw], check=True, capture_output=True)
psql = ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", env["PGHOST"], "-p", env["PGPORT"]]
subprocess.run(psql + ["-d", "postgres", "-c", "CREATE DATABASE " + tag], check=True)
work = tempfile.mkdtemp(prefix="intake-reprocess-")
pwfile = os.path.join(work, "pw")
with open(pwfile, "w") as f:
    f.write(pw)
os.chmod(pwfile, 0o600)


def sql(query):
    return subprocess.run(psql + ["-At", "-d", tag, "-c", query], check=True, capture_output=True,
                          text=True).stdout.strip()


def postgres_cpu():
    """CPU seconds used so far by PostgreSQL (every backend: ended ones count in their parent's
    cutime/cstime); other sessions on the machine count too."""
    tick, use = os.sysconf("SC_CLK_TCK"), 0.0
    for pid in os.listdir("/proc"):
        try:
            with open("/proc/%s/stat" % pid) as f:
                st = f.read()
        except OSError:
            continue
        if st[st.index("(") + 1:st.rindex(")")].startswith("postgres"):
            use += sum(int(x) for x in st[st.rindex(")") + 2:].split()[11:15]) / tick
    return use


cpu = [0.0, 0.0]  # CPU seconds of the last run: the command, PostgreSQL


def run(cmd):
    """Runs cmd, returns (seconds, peak RSS in MB, stdout+stderr); exits when it fails."""
    pg0 = postgres_cpu()
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    out = p.stdout.read()
    _, status, usage = os.wait4(p.pid, 0)
    dt = time.perf_counter() - t0
    cpu[:] = [usage.ru_utime + usage.ru_stime, postgres_cpu() - pg0]
    code = os.waitstatus_to_exitcode(status)
    text = out.decode(errors="replace")
    if code != 0:
        sys.exit("reprocess bench: %s exited %d:\n%s" % (" ".join(cmd[:3]), code, text[-4000:]))
    return dt, usage.ru_maxrss / 1024.0, text


def imap_login(ctx):
    for _ in range(50):  # Dovecot re-reads its passwd-file at most once a second
        try:
            imap = imaplib.IMAP4_SSL("localhost", int(env["INTAKE_IMAPS_PORT"]), ssl_context=ctx)
            imap.login(user, pw)
            return imap
        except (imaplib.IMAP4.error, OSError):
            time.sleep(0.1)
    sys.exit("reprocess bench: cannot log in as " + user)


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
        subprocess.run(psql + ["-d", tag, "-v", "rounds=%d" % rounds, "-v", "drop_mails=%d" % drop, "-f", script],
                       check=True, capture_output=True)
    surplus = base * (rounds + 1) - count
    # orders per mail in the sample: drop that many fewer mails so we stay at or just above count
    per_mail = float(sql("SELECT count(*)::float / count(DISTINCT message_id) FROM intake.orders"))
    fill_with(int(surplus / per_mail) if rounds else 0)
    return int(sql("SELECT count(*) FROM intake.orders"))


try:
    conf = os.path.join(work, "intake.conf")
    with open(conf, "w") as f:
        f.write(f"""[imap]
url = imaps://localhost:{env['INTAKE_IMAPS_PORT']}/INBOX
user = {user}
password_file = {pwfile}
ca_file = {env['INTAKE_CA_FILE']}
[smtp]
send = false
[db]
conninfo = host={env['PGHOST']} port={env['PGPORT']} dbname={tag}
""")
    run([args.bin, "db", "migrate", "--config", conf])
    run([args.bin, "assets", "import", os.path.join(top, "samples", "assets.csv"), "--config", conf])

    samples = [open(f, "rb").read() for f in sorted(glob.glob(os.path.join(top, "samples", "mail", "*.eml")))]
    ctx = ssl.create_default_context(cafile=env["INTAKE_CA_FILE"])
    imap = imap_login(ctx)
    for i in range(min(args.sample, args.count)):
        raw = samples[i % len(samples)]
        raw = re.sub(rb"(?im)^Message-ID:[^\r\n]*", b"Message-ID: <reproc-%d-%s@example.com>" % (i, tag.encode()),
                     raw, count=1)
        imap.append("INBOX", None, None, raw)
    p_s, _, out = run([args.bin, "poll", "--config", conf])
    imap.select("INBOX")
    imap.store("1:*", "+FLAGS.SILENT", "(\\Deleted)")
    imap.expunge()
    imap.logout()

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
finally:
    if args.keep:
        print("kept: database %s, configuration %s" % (tag, os.path.join(work, "intake.conf")))
    else:
        subprocess.run(psql + ["-d", "postgres", "-c", "DROP DATABASE IF EXISTS " + tag + " WITH (FORCE)"],
                       capture_output=True)
        shutil.rmtree(work, ignore_errors=True)
