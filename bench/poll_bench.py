#!/usr/bin/env python3
"""bench/poll_bench.py: end-to-end throughput of `intake poll` on the local servers.

Appends N realistic customer mails (the samples in samples/mail, each with a fresh Message-ID)
to a fresh mailbox over IMAP, then times `intake poll` (fetch, parse, classify, store, flag;
acknowledgements queued, not sent) into a fresh database, and an empty re-run (the cron case).
Usage: scripts/servers start; bench/poll_bench.py [--count 2000] [--bin build/intake]
Not part of the tests: it measures, it does not check."""
import argparse, glob, imaplib, os, re, secrets, ssl, subprocess, sys, tempfile, time

top = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ap = argparse.ArgumentParser()
ap.add_argument("--count", type=int, default=2000)
ap.add_argument("--bin", default=os.path.join(top, "build", "intake"))
args = ap.parse_args()

env = {}
for line in subprocess.run([os.path.join(top, "scripts", "servers"), "env"], check=True,
                           capture_output=True, text=True).stdout.splitlines():
    if line.startswith("export "):
        k, v = line[7:].split("=", 1)
        env[k] = v.strip("'")
tag = "bench%d" % os.getpid()
user, pw = tag + "@roycom.com.cn", secrets.token_hex(12)
subprocess.run([os.path.join(top, "scripts", "servers"), "adduser", user, pw], check=True, capture_output=True)
subprocess.run(["psql", "-h", env["PGHOST"], "-p", env["PGPORT"], "-d", "postgres", "-qc",
                "CREATE DATABASE " + tag], check=True)
work = tempfile.mkdtemp(prefix="intake-bench-")
pwfile = os.path.join(work, "pw")
open(pwfile, "w").write(pw)
conf = os.path.join(work, "intake.conf")
open(conf, "w").write(f"""[imap]
url = imaps://localhost:{env['INTAKE_IMAPS_PORT']}/INBOX
user = {user}
password_file = {pwfile}
ca_file = {env['INTAKE_CA_FILE']}
[smtp]
send = false
[db]
conninfo = host={env['PGHOST']} port={env['PGPORT']} dbname={tag}
""")
subprocess.run([args.bin, "db", "migrate", "--config", conf], check=True, capture_output=True)
subprocess.run([args.bin, "assets", "import", os.path.join(top, "samples", "assets.csv"), "--config", conf],
               check=True, capture_output=True)

samples = [open(f, "rb").read() for f in sorted(glob.glob(os.path.join(top, "samples", "mail", "*.eml")))]
ctx = ssl.create_default_context(cafile=env["INTAKE_CA_FILE"])
for _ in range(50):  # Dovecot re-reads its passwd-file at most once a second
    try:
        imap = imaplib.IMAP4_SSL("localhost", int(env["INTAKE_IMAPS_PORT"]), ssl_context=ctx)
        imap.login(user, pw)
        break
    except (imaplib.IMAP4.error, OSError):
        time.sleep(0.1)
total = 0
t0 = time.time()
for i in range(args.count):
    raw = samples[i % len(samples)]
    raw = re.sub(rb"(?im)^Message-ID:[^\r\n]*", b"Message-ID: <bench-%d-%s@example.com>" % (i, tag.encode()), raw, count=1)
    imap.append("INBOX", None, None, raw)
    total += len(raw)
imap.logout()
print(f"appended {args.count} mails, {total / 1e6:.1f} MB, in {time.time() - t0:.1f} s")

t0 = time.time()
out = subprocess.run([args.bin, "poll", "--config", conf], capture_output=True, text=True)
dt = time.time() - t0
print(out.stdout.strip() or out.stderr.strip())
print(f"intake poll: {args.count / dt:.0f} mails/s, {total / 1e6 / dt:.2f} MB/s ({dt:.2f} s, one process)")
times = []
for _ in range(5):
    t0 = time.time()
    subprocess.run([args.bin, "poll", "--quiet", "--config", conf], check=True)
    times.append(time.time() - t0)
times.sort()
print(f"intake poll with nothing new (the cron case): median {times[2] * 1000:.0f} ms")
subprocess.run(["psql", "-h", env["PGHOST"], "-p", env["PGPORT"], "-d", "postgres", "-qc",
                "DROP DATABASE " + tag + " WITH (FORCE)"], check=True)
