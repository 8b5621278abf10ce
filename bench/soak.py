#!/usr/bin/env python3
"""bench/soak.py: many mails through cron-like polls while the servers are restarted and killed.

Not a test and not in CI: it runs for minutes to hours and then checks what the service promises.
It starts its OWN PostgreSQL, Dovecot and OpenSMTPD (scripts/servers with a run dir of its own,
other ports, OpenSMTPD in a private mount namespace: INTAKE_SMTPD_PRIVATE=1), never the shared
ones, and stops them at the end. While it appends N mails by IMAP to the service mailbox
(generated customer mails from samples/mail plus poison: a 6 KB Message-ID, invalid UTF-8 and NUL
in headers, a mail without a blank line, the same mail delivered twice, a reused Message-ID with
other bytes, auto-replies, follow-ups quoting order numbers, strangers quoting them), it starts
`intake poll` every second (overlapping; exit 75 is fine) and at random restarts or SIGKILLs
(with all their children) PostgreSQL, Dovecot and OpenSMTPD, or SIGKILLs a running poll. Then,
servers up, one clean poll and the acknowledgements drained, it checks:
  - every mail in the mailbox (FETCH, by UID and SHA-256) is stored exactly once: its UID is in
    intake.mailbox_uids on a row with the same SHA-256, or recorded in intake.quarantine; no two
    intake.messages rows hold the same bytes; no mail left unflagged (\\Seen, marked_at);
  - orders: per stored mail machine_index 0..k-1 (one per machine), none for auto-replies;
  - acknowledgements: the copies OpenSMTPD delivered into the recipients' Maildirs, counted by
    Message-ID against intake.outbox: none sent twice (two SMTP transactions, told apart by
    OpenSMTPD's id in Received: one transaction delivered twice is OpenSMTPD's redelivery after
    its stop or kill, counted and shown, not intake's), none that is not a sent/in-doubt row;
  - a normal mail appended after all that is stored by the next poll;
and prints the figures (mails, polls, kills per server, exit codes, time, mails/s). Exit 0 iff
every check passed; the run dir is kept on failure (logs/, polls/ with each failed poll's output).

Usage (as root, on a machine with scripts/install-deps done; the shared servers may keep running):
    bench/soak.py [--count 100000] [--rate 25] [--bin build/intake] [--kill-every 5:20] [--port-base 21000]
"""
import argparse, atexit, collections, glob, hashlib, imaplib, os, random, re, secrets, shutil, signal, ssl
import subprocess, sys, threading, time

sys.dont_write_bytecode = True  # no bench/__pycache__ in the checkout
import benchlib
from benchlib import TOP as top, SERVERS as servers_sh

ap = argparse.ArgumentParser(description="soak: mails, polls and server kills; then exactly once")
ap.add_argument("--count", type=int, default=100000, help="mails to deliver (default 100000)")
ap.add_argument("--bin", default=os.path.join(top, "build", "intake"))
ap.add_argument("--run-dir", default="/var/tmp/intake-soak-%d" % os.getpid(),
                help="its own servers' run dir (must not have servers running)")
ap.add_argument("--port-base", type=int, default=21000, help="PG +432, IMAP +143, IMAPS +993, LMTP +24, SMTP +25, SMTPS +465")
ap.add_argument("--kill-every", default="5:20", help="seconds between server disruptions, MIN:MAX")
ap.add_argument("--rate", type=float, default=25.0, help="mails appended per second (default 25), so polls, kills and delivery overlap")
ap.add_argument("--poll-every", type=float, default=1.0, help="seconds between poll starts")
ap.add_argument("--seed", type=int, default=None)
ap.add_argument("--keep", action="store_true", help="keep the run dir (and stop its servers) even on success")
args = ap.parse_args()
seed = args.seed if args.seed is not None else secrets.randbits(32)
rnd = random.Random(seed)
if os.getuid() != 0:
    sys.exit("soak: run as root (scripts/servers starts daemons as other users)")
if not os.access(args.bin, os.X_OK):
    sys.exit("soak: %s is not built (cmake --build build)" % args.bin)

RUN = os.path.abspath(args.run_dir)
ports = {"PG": 432, "IMAP": 143, "IMAPS": 993, "LMTP": 24, "SMTP": 25, "SMTPS": 465}
senv = dict(os.environ, INTAKE_RUN_DIR=RUN, INTAKE_SMTPD_PRIVATE="1",
            **{"INTAKE_%s_PORT" % k: str(args.port_base + v) for k, v in ports.items()})


def servers(*a, check=True):
    return subprocess.run([servers_sh, *a], env=senv, capture_output=True, text=True, check=check)


def log(msg):
    print("soak %s %s" % (time.strftime("%H:%M:%S"), msg), flush=True)


# ---- our own servers -------------------------------------------------------------------------
if os.path.realpath(RUN) == os.path.realpath(os.environ.get("INTAKE_RUN_DIR", "/nonexistent")):
    sys.exit("soak: --run-dir is $INTAKE_RUN_DIR (shared servers?); give soak a run dir of its own")
os.makedirs(RUN, exist_ok=True)
os.chmod(RUN, 0o755)
owner = servers("owner").stdout.strip()
if owner != "none":
    sys.exit("soak: the servers of %s are in use (%s); soak kills and restarts its servers, so it needs a run dir of its own" % (RUN, owner))
log("run dir %s, ports %d+, seed %d" % (RUN, args.port_base, seed))


def at_exit():
    """However soak ends: no poll of ours left running, our servers stopped (never the shared ones)."""
    for p, _, _ in running_polls:
        if p.returncode is None:
            p.kill()
    servers("stop", check=False)


running_polls = []
atexit.register(at_exit)
signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
r = servers("start", check=False)
if r.returncode != 0:
    sys.exit("soak: could not start its servers:\n" + r.stdout + r.stderr)
env = benchlib.servers_env(senv)
PGHOST, PGPORT, DB = env["PGHOST"], env["PGPORT"], "soak"
SERVICE = "service@roycom.com.cn"
pw = open(os.path.join(RUN, "secrets", SERVICE + ".pass")).read()
polls_dir = os.path.join(RUN, "polls")
os.makedirs(polls_dir, exist_ok=True)


def psql(sql, db=DB, check=True):
    r = subprocess.run(["psql", "-X", "-At", "-F", "\t", "-h", PGHOST, "-p", PGPORT, "-d", db, "-c", sql],
                       capture_output=True, text=True)
    if check and r.returncode != 0:
        raise RuntimeError("psql: " + r.stderr.strip())
    return [l.split("\t") for l in r.stdout.splitlines()] if r.returncode == 0 else None


psql("DROP DATABASE IF EXISTS soak WITH (FORCE)", db="postgres")
psql("CREATE DATABASE soak", db="postgres")
conf = os.path.join(RUN, "soak.conf")
text = open(os.path.join(RUN, "intake.conf")).read().replace("dbname=intake", "dbname=" + DB)
# Every acknowledgement that may go, goes (no global cap); retries come quickly so the end drains;
# waits are short so a poll facing a dead server gives up within the run.
text = text.replace("send = true\n", "send = true\nmax_acks_per_hour = 0\nretry_backoff = 2s,5s\n"
                    "connect_timeout = 5\ntimeout = 20\n")
text = text.replace("processed_folder =\n", "processed_folder =\ntimeout = 60s\nstale_lock_after = 2m\n")
with open(conf, "w") as f:
    f.write(text)
benchlib.migrate(args.bin, conf)

# ---- the mail mix ----------------------------------------------------------------------------
samples = benchlib.sample_mails()
domains = ["bjhz-fin.com", "tjzhxx.com.cn", "xhzs.com.cn", "hzxy-soft.com", "xueyuyun.cn",
           "pjsz-tech.com", "tsyun.com.cn", "163.com", "qq.com"] + ["cust%d.com.cn" % i for i in range(40)]
known_orders = []  # (order_no, from_addr), refreshed from the database while it is up
sent = []  # raw bytes of mails appended (for duplicates and reused Message-IDs)
kinds = collections.Counter()
tag = "%x" % seed


def rfc_date():
    return time.strftime("%a, %d %b %Y %H:%M:%S +0800", time.localtime()).encode()


def customer(i):
    return ("c%d@%s" % (i % 3000, domains[i % len(domains)])).encode()


def simple(i, frm, subject, body, extra=b"", mid=None):
    mid = mid or b"<soak-%s-%d@%s>" % (tag.encode(), i, frm.split(b"@")[1])
    return (b"From: =?UTF-8?B?5a6i5oi3?= <" + frm + b">\r\nTo: " + SERVICE.encode() + b"\r\nSubject: " + subject +
            b"\r\nDate: " + rfc_date() + b"\r\nMessage-ID: " + mid + b"\r\n" + extra +
            b"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" +
            body + b"\r\n")


def make_mail(i):
    """One mail of the mix: (kind, raw bytes)."""
    x = rnd.random()
    if x < 0.03 and sent:
        return "duplicate", rnd.choice(sent[-500:])
    if x < 0.05 and sent:
        old = rnd.choice(sent[-500:])
        m = re.search(rb"(?im)^Message-ID:[^\r\n]*", old)
        if m:
            return "reused_mid", simple(i, customer(i), b"=?UTF-8?B?6K6+5aSH5pWF6Zqc?=",
                                        "另一封邮件，同一个 Message-ID，序号 %d".encode() % i, mid=m.group(0)[11:].strip())
    if x < 0.08:
        return "auto_reply", simple(i, customer(i), "自动回复: 我不在办公室".encode(), "我将于下周一返回。".encode(),
                                    b"Auto-Submitted: auto-replied\r\nX-Autoreply: yes\r\n")
    if 0.08 <= x < 0.15 and not known_orders:
        x = 1.0  # no order to quote yet: a customer mail
    if x < 0.13:
        no, frm = rnd.choice(known_orders)
        return "followup", simple(i, frm.encode(), b"Re: [" + no.encode() + b"] =?UTF-8?B?6K6+5aSH5pWF6Zqc?=",
                                  ("补充：联系人 王工 13812345678，地址 北京市海淀区中关村大街1号。\r\n> 您的工单 %s 已受理" % no).encode())
    if x < 0.15:
        no, _ = rnd.choice(known_orders)
        return "stranger_followup", simple(i, b"x%d@othercorp%d.cn" % (i, i % 7), b"Re: " + no.encode(),
                                           ("请把工单 %s 改为已解决，地址改为 上海市浦东新区。" % no).encode())
    if x < 0.16:
        mid = b"<" + "".join(rnd.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(6000)).encode() + b"@long>"
        return "long_message_id", simple(i, customer(i), b"long id", "服务器故障 SN 12345".encode(), mid=mid)
    if x < 0.17:
        return "bad_header", simple(i, customer(i), b"bad \xff\xfe\xc3( bytes", "故障".encode(),
                                    b"X-Bad: nul\x00here \xff\r\n" if rnd.random() < 0.5 else b"X-Bad: \xe4\xb8\r\n")
    if x < 0.18:
        lines = b"".join(b"line %d of a mail without a blank line \xe6\x95\x85\xe9\x9a\x9c\r\n" % k for k in range(1500))
        return "no_blank_line", (b"From: <" + customer(i) + b">\r\nSubject: no body\r\nMessage-ID: <soak-nb-%s-%d@x>\r\n" % (tag.encode(), i) + lines)
    raw = benchlib.with_message_id(samples[i % len(samples)], b"<soak-%s-%d@example.com>" % (tag.encode(), i))
    raw = re.sub(rb"(?im)^(From:[^<\r\n]*<)[^>\r\n]*>", lambda m: m.group(1) + customer(i) + b">", raw, count=1)
    return "customer", raw


# ---- the workers -----------------------------------------------------------------------------
stop_all = threading.Event()
stats = {"appended": 0, "append_retries": 0, "append_rejected": 0, "polls": 0}
exit_codes = collections.Counter()
poll_errors = collections.Counter()  # first error line of each failed poll, digits masked
kills = collections.Counter()
lock = threading.Lock()
ctx = ssl.create_default_context(cafile=env["INTAKE_CA_FILE"])


def imap_login():
    imap = imaplib.IMAP4_SSL("localhost", int(env["INTAKE_IMAPS_PORT"]), ssl_context=ctx, timeout=30)
    imap.login(SERVICE, pw)
    return imap


def appender():
    imap, i, start = None, 0, time.time()
    while i < args.count:
        ahead = start + i / args.rate - time.time()
        if ahead > 0:
            time.sleep(ahead)
        kind, raw = make_mail(i)
        while True:
            try:
                if imap is None:
                    imap = imap_login()
                typ, data = imap.append("INBOX", None, None, raw)
                if typ == "OK":
                    break
                if b"UNAVAILABLE" in data[0] or b"shutting down" in data[0]:
                    raise imaplib.IMAP4.abort(repr(data))
                stats["append_rejected"] += 1
                kind = "refused_" + kind
                log("dovecot refused a %s mail: %r" % (kind, data[0][:200]))
                break
            except (imaplib.IMAP4.abort, imaplib.IMAP4.error, OSError):
                # Dovecot gone mid-APPEND: it may have stored the mail; sending it again is a
                # duplicate delivery, which intake must take as the same mail.
                stats["append_retries"] += 1
                imap = None
                time.sleep(0.2)
        kinds[kind] += 1
        if kind != "duplicate":
            sent.append(raw)
            del sent[:-1000]
        stats["appended"] = i = i + 1
        if i % 200 == 0:
            rows = psql("SELECT order_no, from_addr FROM intake.orders WHERE from_addr IS NOT NULL "
                        "ORDER BY id DESC LIMIT 200", check=False)
            if rows:
                known_orders[:] = [tuple(r) for r in rows]
        if i % 1000 == 0:
            log("%d/%d mails appended, %d polls, kills %s" % (i, args.count, stats["polls"], dict(kills)))
    if imap is not None:
        try:
            imap.logout()
        except Exception:
            pass


def reap():
    for p, f, n in running_polls[:]:
        if p.poll() is not None:
            running_polls.remove((p, f, n))
            f.close()
            with lock:
                exit_codes[p.returncode] += 1
            if p.returncode in (0, 75):
                os.unlink(f.name)
            elif p.returncode < 0:
                with lock:
                    poll_errors["killed by signal %d (soak's poll kill)" % -p.returncode] += 1
            else:
                with open(f.name, errors="replace") as g:
                    err = [l for l in g if "error" in l or "fatal" in l]
                why = re.sub(r"^\S+ intake: ", "", err[0].strip()) if err else "(no error line)"
                why = re.sub(r"[0-9]+", "N", why)[:110]
                with lock:
                    poll_errors[why] += 1


def start_poll():
    n = stats["polls"] = stats["polls"] + 1
    f = open(os.path.join(polls_dir, "poll-%06d.log" % n), "wb")
    f.write(b"started %s\n" % time.strftime("%H:%M:%S").encode())
    f.flush()
    p = subprocess.Popen([args.bin, "poll", "--config", conf], stdout=f, stderr=subprocess.STDOUT)
    running_polls.append((p, f, n))


def poller():
    while not stop_all.is_set():
        reap()
        start_poll()
        stop_all.wait(args.poll_every)


def pid_of(name):
    if name == "postgresql":
        p = os.path.join(RUN, "pg", "data", "postmaster.pid")
    else:
        p = os.path.join(RUN, "pids", name + ".pid")
    try:
        return int(open(p).readline())
    except (OSError, ValueError):
        return None


def tree(pid):
    out = [pid]
    for c in subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split():
        out += tree(int(c))
    return out


events = []  # (time, event) for the report and for reading the logs


def chaos():
    lo, hi = (float(v) for v in args.kill_every.split(":"))
    while not stop_all.wait(rnd.uniform(lo, hi)):
        name = rnd.choice(["postgresql", "dovecot", "smtpd", "poll"])
        how = rnd.choice(["kill", "restart"]) if name != "poll" else "kill"
        if name == "poll":  # cron's run killed (OOM, a timeout): a poll mid-mail, mid-ack
            live = [p for p, _, _ in running_polls[:] if p.poll() is None]
            if not live:
                continue
            rnd.choice(live).send_signal(signal.SIGKILL)
        elif how == "kill":
            pid = pid_of(name)
            if pid:
                for p in tree(pid):  # the server and every child: a crash, no clean shutdown
                    try:
                        os.kill(p, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
        else:
            servers("stop", name, check=False)
        kills["%s %s" % (name, how)] += 1
        events.append((time.strftime("%H:%M:%S"), "%s %s" % (how, name)))
        stop_all.wait(rnd.uniform(0, 3))
        ensure_up()


def ensure_up():
    for attempt in range(60):
        r = servers("start", check=False)
        if r.returncode == 0:
            return
        time.sleep(1)  # PostgreSQL refuses while the killed backends' shared memory is still attached
    log("servers would not start again:\n" + r.stdout + r.stderr)


def wait_polls(bound):
    t0 = time.time()
    while running_polls and time.time() - t0 < bound:
        reap()
        time.sleep(0.2)
    return [n for _, _, n in running_polls]


# ---- the run ---------------------------------------------------------------------------------
t0 = time.time()
threads = [threading.Thread(target=f, daemon=True) for f in (poller, chaos)]
for t in threads:
    t.start()
appender()
t_append = time.time() - t0
stop_all.set()
for t in threads:
    t.join()
ensure_up()
hung = wait_polls(600)
failures = []
if hung:
    failures.append("polls still running 10 min after the end: %s (see polls/)" % hung)
final = None
for _ in range(30):  # the final clean poll: the lock of a SIGKILLed poll's session may still be held
    r = subprocess.run([args.bin, "poll", "--config", conf], capture_output=True, text=True)
    final = r
    if r.returncode == 0:
        break
    time.sleep(2)
log("final poll exit %d: %s" % (final.returncode, (final.stdout + final.stderr).strip()[-400:]))
if final.returncode != 0:
    failures.append("the final poll did not succeed (exit %d)" % final.returncode)
for _ in range(60):  # acknowledgements retried after SMTP outages: drain what is due
    pend = psql("SELECT count(*) FROM intake.outbox WHERE status IN ('pending','sending')")[0][0]
    if pend == "0":
        break
    subprocess.run([args.bin, "acks", "send", "--config", conf], capture_output=True)
    time.sleep(2)
smtpd_pid = pid_of("smtpd")
for _ in range(120):  # OpenSMTPD hands the acknowledgements to Dovecot's LMTP: wait for its queue
    q = subprocess.run(["nsenter", "-t", str(smtpd_pid), "-m", "smtpctl", "show", "queue"],
                       capture_output=True, text=True)
    if q.returncode == 0 and not q.stdout.strip():
        break
    time.sleep(1)
total = time.time() - t0
# After all that, a normal mail must arrive within one poll.
canary_mid = "<soak-canary-%s@example.com>" % tag
imap = imap_login()
imap.append("INBOX", None, None, benchlib.with_message_id(samples[0], canary_mid.encode()))
imap.logout()
r = subprocess.run([args.bin, "poll", "--config", conf], capture_output=True, text=True)
canary = psql("SELECT count(*) FROM intake.messages WHERE message_id = '%s'" % canary_mid.strip("<>"))[0][0]
if r.returncode != 0 or canary != "1":
    failures.append("a normal mail after the run was not stored by one poll (exit %d, stored %s): %s"
                    % (r.returncode, canary, (r.stdout + r.stderr).strip()[-300:]))

# ---- the checks ------------------------------------------------------------------------------
imap = imap_login()
imap.select("INBOX", readonly=True)
uidvalidity = int(re.search(rb"UIDVALIDITY (\d+)", imap.status("INBOX", "(UIDVALIDITY)")[1][0]).group(1))
uids = [int(u) for u in imap.uid("SEARCH", None, "ALL")[1][0].split()]
box = {}  # uid -> (sha256, seen, message-id)
for k in range(0, len(uids), 500):
    chunk = ",".join(str(u) for u in uids[k:k + 500])
    typ, data = imap.uid("FETCH", chunk, "(UID FLAGS BODY.PEEK[])")
    for item in data:
        if not isinstance(item, tuple):
            continue
        meta, body = item
        uid = int(re.search(rb"UID (\d+)", meta).group(1))
        flags = re.search(rb"FLAGS \(([^)]*)\)", meta)
        mid = re.search(rb"(?im)^Message-ID:\s*([^\r\n]{0,80})", body)
        box[uid] = (hashlib.sha256(body).hexdigest(), bool(flags and b"\\Seen" in flags.group(1)),
                    mid.group(1).decode(errors="replace") if mid else "")
imap.logout()
stored = {int(u): (s, int(m), mk) for u, s, m, mk in psql(
    "SELECT u.uid, m.sha256, m.id, coalesce(u.marked_at::text, '') FROM intake.mailbox_uids u "
    "JOIN intake.messages m ON m.id = u.message_id WHERE u.uidvalidity = %d" % uidvalidity)}
quarantined = {int(u): e for u, e in psql("SELECT uid, error FROM intake.quarantine WHERE uidvalidity = %d" % uidvalidity)}
lost, wrong, unseen, unmarked = [], [], [], []
for uid, (sha, seen, mid) in sorted(box.items()):
    if uid in stored:
        if stored[uid][0] != sha:
            wrong.append((uid, mid, sha, stored[uid][0]))
        if not stored[uid][2]:
            unmarked.append(uid)
    elif uid not in quarantined:
        lost.append((uid, mid, sha))
    if not seen:
        unseen.append(uid)
dups = psql("SELECT sha256, count(*), string_agg(id::text, ',') FROM intake.messages GROUP BY 1 HAVING count(*) > 1")
box_shas = {s for s, _, _ in box.values()}
phantom = psql("SELECT count(*) FROM intake.messages")[0][0]
orders_bad = psql("SELECT message_id, count(*), max(machine_index) FROM intake.orders GROUP BY 1 "
                  "HAVING count(*) <> max(machine_index) + 1 OR count(DISTINCT machine_index) <> count(*)")
auto_orders = psql("SELECT count(*) FROM intake.orders o JOIN intake.messages m ON m.id = o.message_id "
                   "WHERE m.headers ~* 'Auto-Submitted: auto-replied'")[0][0]
n_orders = psql("SELECT count(*), count(DISTINCT message_id) FROM intake.orders")[0]
outbox = dict(psql("SELECT status, count(*) FROM intake.outbox GROUP BY 1"))
ob = {mid.strip("<>"): st for mid, st in psql("SELECT message_id, status FROM intake.outbox")}
delivered = collections.Counter()
submissions = collections.defaultdict(set)
service_dir = os.path.realpath(os.path.join(RUN, "mail", "roycom.com.cn", "service"))
for f in glob.glob(os.path.join(RUN, "mail", "*", "*", "*", "*")):
    if os.path.realpath(f).startswith(service_dir + os.sep) or os.path.basename(os.path.dirname(f)) not in ("new", "cur"):
        continue
    head = open(f, "rb").read(65536).split(b"\n\n", 1)[0].split(b"\r\n\r\n", 1)[0]
    m = re.search(rb"(?im)^Message-ID:\s*<?([^>\r\n]+)>?", head)
    if m:
        mid = m.group(1).decode(errors="replace")
        delivered[mid] += 1
        # OpenSMTPD's id of the SMTP transaction that brought it: two copies with one id were
        # sent once by intake and delivered twice by OpenSMTPD (stopped after Dovecot's LMTP
        # saved the mail but before it recorded the delivery: it delivers again on restart).
        t = re.search(rb"\(OpenSMTPD\) with E?SMTPS?A? id ([0-9a-f]+)", head)
        submissions[mid].add(t.group(1) if t else f)
dup_acks = {m: len(submissions[m]) for m in submissions if len(submissions[m]) > 1}
redelivered = {m: c for m, c in delivered.items() if c > len(submissions[m])}
stray_acks = [m for m in delivered if ob.get(m) not in ("sent", "failed", "sending")]
undelivered = [m for m, st in ob.items() if st == "sent" and m not in delivered]
failed_delivered = [m for m, st in ob.items() if st == "failed" and m in delivered]
qerr = collections.Counter(e.split(":")[0][:60] for e in quarantined.values())

if lost:
    failures.append("LOST: %d mails in the mailbox are in neither mailbox_uids nor quarantine: %s" % (len(lost), lost[:10]))
if wrong:
    failures.append("UID stored with other bytes: %s" % wrong[:10])
if dups:
    failures.append("DUPLICATE stored mails (same SHA-256, several rows): %s" % dups[:10])
if unseen or unmarked:
    failures.append("left unflagged after the final poll: %d not \\Seen %s, %d marked_at NULL %s"
                    % (len(unseen), unseen[:10], len(unmarked), unmarked[:10]))
if orders_bad:
    failures.append("orders of one mail not one per machine: %s" % orders_bad[:10])
if auto_orders != "0":
    failures.append("%s orders from auto-replies" % auto_orders)
if dup_acks:
    failures.append("DUPLICATE acknowledgements: sent by intake in several SMTP transactions: %s" % list(dup_acks.items())[:10])
if stray_acks:
    failures.append("delivered acknowledgements that no sent/in-doubt outbox row explains: %s" % stray_acks[:10])

# ---- the figures -----------------------------------------------------------------------------
print()
print("soak: %d mails appended in %.0f s (%.1f mails/s), whole run %.0f s; seed %d" % (
    stats["appended"], t_append, stats["appended"] / t_append, total, seed))
print("  mix: " + ", ".join("%s %d" % kv for kv in sorted(kinds.items())))
print("  APPEND retried after a Dovecot outage %d, refused by Dovecot %d" % (stats["append_retries"], stats["append_rejected"]))
print("  polls: %d started, exit codes %s; final poll exit %d" % (
    stats["polls"], ", ".join("%s: %d" % kv for kv in sorted(exit_codes.items())), final.returncode))
for why, c in poll_errors.most_common(8):
    print("    failed polls, %d: %s" % (c, why))
print("  a normal mail after the run: stored by the next poll: %s" % ("yes" if canary == "1" else "NO"))
print("  disruptions: " + ", ".join("%s %d" % kv for kv in sorted(kills.items())))
print("  mailbox: %d mails (UIDVALIDITY %d), %d distinct; stored rows %s; by UID: %d stored, %d quarantined by UID %s" % (
    len(box), uidvalidity, len(box_shas), phantom, len(stored), len(quarantined), dict(qerr)))
print("  orders: %s for %s mails; auto-reply orders %s" % (n_orders[0], n_orders[1], auto_orders))
print("  outbox (failed: in doubt or given up, for ops): %s; delivered copies %d (distinct %d), sent twice by intake %d, "
      "delivered again by OpenSMTPD after its stop/kill %d %s, sent but not in a Maildir %d" % (
          outbox, sum(delivered.values()), len(delivered), len(dup_acks), len(redelivered),
          sorted(redelivered)[:4], len(undelivered)))
print("  failed (in doubt) acknowledgements that did reach the recipient: %d %s" % (len(failed_delivered), failed_delivered[:4]))
print("  lost %d, stored twice %d, unflagged %d, duplicate acks %d" % (len(lost), len(dups), len(unseen) + len(unmarked), len(dup_acks)))
with open(os.path.join(RUN, "events.log"), "w") as f:
    f.writelines("%s %s\n" % e for e in events)
if failures:
    print("\nsoak: FAILED (run dir kept: %s; events.log, polls/, logs/)" % RUN)
    for m in failures:
        print("  - " + m)
at_exit()
atexit.unregister(at_exit)
if not failures and not args.keep:
    shutil.rmtree(RUN, ignore_errors=True)
print("soak: %s" % ("ok" if not failures else "FAILED"))
sys.exit(1 if failures else 0)
