#!/usr/bin/env python3
"""bench/throughput.py: `intake poll` against mbsync (isync) on the same mailbox, in one run.

Fills a fresh mailbox of the local Dovecot with N customer mails (the samples in samples/mail,
each with a fresh Message-ID), then measures, each on the same server in the same run:
  - mbsync fetching the whole INBOX into an empty Maildir (fetch only), and its no-op sync;
  - `intake poll` end to end (fetch, parse, classify, store, flag; acknowledgements queued, not
    sent) into a fresh database, and its no-op poll (the cron case);
and prints mails/s, the ratio intake/mbsync, no-op times (median of --noop runs) and peak RSS of
each (wait4 rusage of the process). Not a test: it measures and prints.

Usage (as root, the local servers running: scripts/servers start):
    bench/throughput.py [--count 10000] [--bin build-rel/intake] [--noop 5]
"""
import argparse, glob, imaplib, os, re, secrets, shutil, ssl, statistics, subprocess, sys, tempfile, time

top = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ap = argparse.ArgumentParser()
ap.add_argument("--count", type=int, default=10000)
ap.add_argument("--bin", default=os.path.join(top, "build", "intake"))
ap.add_argument("--noop", type=int, default=5, help="no-op runs of each (median)")
ap.add_argument("--perf", metavar="FILE",
                help="record the intake poll system-wide with perf (call graphs) into FILE; figures then include perf's cost")
args = ap.parse_args()

if not shutil.which("mbsync"):
    print("throughput: installing isync (mbsync) from Debian", file=sys.stderr)
    subprocess.run(["apt-get", "install", "-y", "-q", "--no-install-recommends", "isync"], check=True,
                   stdout=subprocess.DEVNULL)

env = {}
for line in subprocess.run([os.path.join(top, "scripts", "servers"), "env"], check=True,
                           capture_output=True, text=True).stdout.splitlines():
    if line.startswith("export "):
        k, v = line[7:].split("=", 1)
        env[k] = v.strip("'")
tag = "tput%d" % os.getpid()
user, pw = tag + "@roycom.com.cn", secrets.token_hex(12)
subprocess.run([os.path.join(top, "scripts", "servers"), "adduser", user, pw], check=True, capture_output=True)
subprocess.run(["psql", "-X", "-h", env["PGHOST"], "-p", env["PGPORT"], "-d", "postgres", "-qc",
                "CREATE DATABASE " + tag], check=True)
work = tempfile.mkdtemp(prefix="intake-throughput-")
pwfile = os.path.join(work, "pw")
with open(pwfile, "w") as f:
    f.write(pw)
os.chmod(pwfile, 0o600)


def server_cpu():
    """CPU seconds used so far by the servers (PostgreSQL, Dovecot), ended children included: a
    backend or imap process that exited is counted in its parent's cutime/cstime."""
    tick = os.sysconf("SC_CLK_TCK")
    use = {}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % pid) as f:
                st = f.read()
        except OSError:
            continue
        comm = st[st.index("(") + 1:st.rindex(")")]
        name = "postgres" if comm.startswith("postgres") else "dovecot" if comm in ("imap", "dovecot") else None
        if name:
            fields = st[st.rindex(")") + 2:].split()
            use[name] = use.get(name, 0.0) + sum(int(x) for x in fields[11:15]) / tick
    return use


cpu = {}  # command name -> (own CPU s, {server: CPU s}) of the last run


def run(cmd, **kw):
    """Runs cmd, returns (seconds, peak RSS in MB, completed stdout+stderr)."""
    before = server_cpu()
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, **kw)
    out = p.stdout.read()
    _, status, usage = os.wait4(p.pid, 0)
    dt = time.perf_counter() - t0
    after = server_cpu()
    cpu[cmd[0]] = (usage.ru_utime + usage.ru_stime, {k: after.get(k, 0.0) - before.get(k, 0.0) for k in after})
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        sys.exit("throughput: %s exited %d:\n%s" % (cmd[0], code, out.decode(errors="replace")))
    return dt, usage.ru_maxrss / 1024.0, out.decode(errors="replace")


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
    for _ in range(50):  # Dovecot re-reads its passwd-file at most once a second
        try:
            imap = imaplib.IMAP4_SSL("localhost", int(env["INTAKE_IMAPS_PORT"]), ssl_context=ctx)
            imap.login(user, pw)
            break
        except (imaplib.IMAP4.error, OSError):
            time.sleep(0.1)
    size = 0
    for i in range(args.count):
        raw = samples[i % len(samples)]
        raw = re.sub(rb"(?im)^Message-ID:[^\r\n]*", b"Message-ID: <tput-%d-%s@example.com>" % (i, tag.encode()),
                     raw, count=1)
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
    got = len(os.listdir(os.path.join(maildir, "INBOX", "new"))) + len(os.listdir(os.path.join(maildir, "INBOX", "cur")))
    if got != args.count:
        sys.exit("throughput: mbsync fetched %d of %d mails" % (got, args.count))
    m_noop = statistics.median(run(mbsync)[0] for _ in range(args.noop))

    perf = ["perf", "record", "-q", "-a", "-g", "-o", args.perf, "--"] if args.perf else []
    i_s, i_rss, out = run(perf + [args.bin, "poll", "--config", conf])
    i_cpu = cpu[perf[0] if perf else args.bin]
    orders = subprocess.run(["psql", "-X", "-At", "-h", env["PGHOST"], "-p", env["PGPORT"], "-d", tag, "-c",
                             "SELECT count(*) FROM intake.messages"], check=True, capture_output=True,
                            text=True).stdout.strip()
    if int(orders) != args.count:
        sys.exit("throughput: intake stored %s of %d mails: %s" % (orders, args.count, out))
    noops = [run([args.bin, "poll", "--config", conf]) for _ in range(args.noop)]
    i_noop = statistics.median(n[0] for n in noops)
    i_noop_rss = max(n[1] for n in noops)

    mb = size / 1e6
    print(f"{args.count} mails, {mb:.1f} MB, local Dovecot + PostgreSQL (fsync on), one run")
    print(f"| | mails/s | MB/s | no-op run (median of {args.noop}) | peak RSS |")
    print("| --- | --- | --- | --- | --- |")
    print(f"| mbsync fetch only (isync) | {args.count / m_s:,.0f} | {mb / m_s:.1f} | {m_noop * 1000:.0f} ms | {m_rss:.0f} MB |")
    print(f"| intake poll end to end | {args.count / i_s:,.0f} | {mb / i_s:.1f} | {i_noop * 1000:.0f} ms | {i_rss:.0f} MB (no-op {i_noop_rss:.0f} MB) |")
    print("CPU ms per mail, first run of each (client / PostgreSQL / Dovecot):")
    for label, (own, servers) in (("mbsync", m_cpu), ("intake", i_cpu)):
        print(f"  {label}: {own * 1000 / args.count:.3f} / {servers.get('postgres', 0) * 1000 / args.count:.3f}"
              f" / {servers.get('dovecot', 0) * 1000 / args.count:.3f}")
    print(f"ratio intake/mbsync: throughput {m_s / i_s:.2f}x, no-op time {i_noop / m_noop:.2f}x")
finally:
    subprocess.run(["psql", "-X", "-h", env["PGHOST"], "-p", env["PGPORT"], "-d", "postgres", "-qc",
                    "DROP DATABASE IF EXISTS " + tag + " WITH (FORCE)"], capture_output=True)
    shutil.rmtree(work, ignore_errors=True)
