#!/usr/bin/env python3
"""bench/throughput.py: `intake poll` against mbsync (isync) on the same mailbox, in one run.

Fills a fresh mailbox of the local Dovecot with N customer mails (the samples in samples/mail,
each with a fresh Message-ID), then measures, each on the same server in the same run:
  - mbsync fetching the whole INBOX into an empty Maildir (fetch only), and its no-op sync;
  - `intake poll` end to end (fetch, parse, classify, store, flag; acknowledgements queued, not
    sent) into a fresh database, and its no-op poll (the cron case);
and prints mails/s, the ratio intake/mbsync, no-op times (median of --noop runs) and peak RSS of
each (wait4 rusage of the process). Not a test: it measures and prints. Its IMAP user (with the
mailbox), database and work dir are removed at the end, also when it fails or is interrupted.

Usage (as root, the local servers running: scripts/servers start):
    bench/throughput.py [--count 10000] [--bin build-rel/intake] [--noop 5]
"""
import argparse, os, shutil, statistics, subprocess, sys

sys.dont_write_bytecode = True  # no bench/__pycache__ in the checkout
import benchlib
from benchlib import TOP as top

ap = argparse.ArgumentParser()
ap.add_argument("--count", type=int, default=10000)
ap.add_argument("--bin", default=os.path.join(top, "build", "intake"))
ap.add_argument("--mails", metavar="DIR", help="the *.eml to repeat (default samples/mail)")
ap.add_argument("--noop", type=int, default=5, help="no-op runs of each (median)")
ap.add_argument("--perf", metavar="FILE",
                help="record the intake poll system-wide with perf (call graphs) into FILE; figures then include perf's cost")
ap.add_argument("--keep", action="store_true", help="keep the database (its name is printed) to look into")
args = ap.parse_args()

if not shutil.which("mbsync"):
    print("throughput: installing isync (mbsync) from Debian", file=sys.stderr)
    subprocess.run(["apt-get", "install", "-y", "-q", "--no-install-recommends", "isync"], check=True,
                   stdout=subprocess.DEVNULL)

env = benchlib.servers_env()
tag = "tput%d" % os.getpid()
user, pw = benchlib.make_user(tag)
benchlib.make_database(env, tag, keep=args.keep)
work = benchlib.work_dir("intake-throughput-")
conf = benchlib.write_config(work, env, tag, user, pw)
pwfile = os.path.join(work, "pw")
cpu = {}  # command name -> (own CPU s, {server: CPU s}) of the last run
machine = {}  # command name -> (busy %, iowait %) of the whole machine during the last run


def proc_stat():
    """The machine's CPU time so far: user, nice, system, idle, iowait, irq, softirq, steal (ticks)."""
    with open("/proc/stat") as f:
        return [int(x) for x in f.readline().split()[1:9]]


def run(cmd):
    """Runs cmd, returns (seconds, peak RSS in MB, stdout+stderr); notes its and the servers' CPU, and
    how busy the whole machine was meanwhile (a poll that waits shows idle cores, one bound by CPU none)."""
    before = proc_stat()
    r = benchlib.run_timed(cmd, servers=("postgres", "dovecot"))
    d = [b - a for a, b in zip(before, proc_stat())]
    total = sum(d) or 1
    machine[cmd[0]] = (100 * (total - d[3] - d[4]) / total, 100 * d[4] / total)
    cpu[cmd[0]] = (r.cpu, r.servers, r.sys)
    return r.seconds, r.rss_mb, r.out


benchlib.migrate(args.bin, conf)

samples = benchlib.sample_mails(args.mails)
imap = benchlib.imap_login(env, user, pw)
size = 0
for i in range(args.count):
    raw = benchlib.with_message_id(samples[i % len(samples)], b"<tput-%d-%s@example.com>" % (i, tag.encode()))
    size += len(raw)
    imap.append("INBOX", None, None, raw)
imap.logout()
subprocess.run(["doveadm", "-c", os.path.join(env["INTAKE_RUN_DIR"], "dovecot", "dovecot.conf"), "index",
                "-u", user, "INBOX"], capture_output=True)

maildir = os.path.join(work, "maildir")
mbsyncrc = os.path.join(work, "mbsyncrc")
with open(mbsyncrc, "w") as f:
    f.write(f"""IMAPAccount bench
Host localhost
Port {env['INTAKE_IMAPS_PORT']}
User {user}
PassCmd "cat {pwfile}"
SSLType IMAPS
CertificateFile {env['INTAKE_CA_FILE']}

IMAPStore far
Account bench

MaildirStore near
Path {maildir}/
Inbox {maildir}/INBOX

Channel bench
Far :far:
Near :near:
Patterns INBOX
Create Near
Sync Pull
SyncState *
""")
os.makedirs(maildir)
mbsync = ["mbsync", "-q", "-c", mbsyncrc, "bench"]
m_s, m_rss, _ = run(mbsync)
m_cpu = cpu["mbsync"]
m_machine = machine["mbsync"]
got = len(os.listdir(os.path.join(maildir, "INBOX", "new"))) + len(os.listdir(os.path.join(maildir, "INBOX", "cur")))
if got != args.count:
    sys.exit("throughput: mbsync fetched %d of %d mails" % (got, args.count))
m_noop = statistics.median(run(mbsync)[0] for _ in range(args.noop))

perf = ["perf", "record", "-q", "-a", "-g", "-o", args.perf, "--"] if args.perf else []
i_s, i_rss, out = run(perf + [args.bin, "poll", "--config", conf])
i_cpu = cpu[perf[0] if perf else args.bin]
i_machine = machine[perf[0] if perf else args.bin]
orders = benchlib.psql(env, tag, "SELECT count(*) FROM intake.messages")
if int(orders) != args.count:
    sys.exit("throughput: intake stored %s of %d mails: %s" % (orders, args.count, out))
noops = [run([args.bin, "poll", "--config", conf]) for _ in range(args.noop)]
i_noop = statistics.median(n[0] for n in noops)
i_noop_rss = max(n[1] for n in noops)

mb = size / 1e6
print(f"{args.count} mails, {mb:.1f} MB, local Dovecot + PostgreSQL (fsync on), one run")
if args.keep:
    print(f"database {tag} kept (DROP DATABASE {tag} WITH (FORCE) when done)")
print(f"| | mails/s | MB/s | no-op run (median of {args.noop}) | peak RSS |")
print("| --- | --- | --- | --- | --- |")
print(f"| mbsync fetch only (isync) | {args.count / m_s:,.0f} | {mb / m_s:.1f} | {m_noop * 1000:.0f} ms | {m_rss:.0f} MB |")
print(f"| intake poll end to end | {args.count / i_s:,.0f} | {mb / i_s:.1f} | {i_noop * 1000:.0f} ms | {i_rss:.0f} MB (no-op {i_noop_rss:.0f} MB) |")
print("CPU ms per mail, first run of each (client, of it the kernel's / PostgreSQL / Dovecot):")
for label, (own, servers, sys_) in (("mbsync", m_cpu), ("intake", i_cpu)):
    print(f"  {label}: {own * 1000 / args.count:.3f}, {sys_ * 1000 / args.count:.3f}"
          f" / {servers.get('postgres', 0) * 1000 / args.count:.3f} / {servers.get('dovecot', 0) * 1000 / args.count:.3f}")
print("Machine busy during the first run of each (all processes, user + system; iowait):")
for label, (busy, iowait) in (("mbsync", m_machine), ("intake", i_machine)):
    print(f"  {label}: {busy:.0f} % busy, {iowait:.0f} % iowait")
print(f"ratio intake/mbsync: throughput {m_s / i_s:.2f}x, no-op time {i_noop / m_noop:.2f}x")
