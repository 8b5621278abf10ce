"""bench/benchlib.py: the set-up the benchmarks share, written once.

The local servers' environment, an IMAP user and a database of the bench's own (removed again
however the bench ends: normally, by an error, sys.exit, Ctrl-C or SIGTERM), the intake
configuration, `intake db migrate` + `assets import`, the generated sample mails, and timing a
command (wall time, and from wait4 its peak RSS and CPU, with the servers' CPU beside it).
Python 3 standard library only.
"""
import atexit, collections, glob, imaplib, os, re, secrets, shutil, signal, ssl, subprocess, sys, tempfile, time

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SERVERS = os.path.join(TOP, "scripts", "servers")
# Prefix of the messages with which a bench gives up: the script's name.
WHO = os.path.splitext(os.path.basename(sys.argv[0]))[0]


def die(msg):
    """Ends the bench with `WHO: msg` on stderr and exit 1 (the clean-up still runs)."""
    sys.exit("%s: %s" % (WHO, msg))


# ---- clean-up ------------------------------------------------------------------------------------
_cleanups = []  # (function, args), run last in, first out


def at_end(fn, *args):
    """Runs fn(*args) when the bench ends, however it ends: normal end, exception, sys.exit,
    KeyboardInterrupt (atexit), SIGTERM or SIGHUP (turned into sys.exit). Last registered, first run."""
    if not _cleanups:
        for sig in (signal.SIGTERM, signal.SIGHUP):
            if signal.getsignal(sig) == signal.SIG_DFL:  # not under nohup, not a handler of the script's
                signal.signal(sig, lambda signo, _: sys.exit(128 + signo))
    _cleanups.append((fn, args))


def cleanup():
    """Runs what at_end registered, now (each once; a failing step does not stop the others).
    A second Ctrl-C while it runs is ignored, so the user and database do not stay behind half-removed."""
    old = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        while _cleanups:
            fn, args = _cleanups.pop()
            try:
                fn(*args)
            except Exception as e:  # one failed step must not leave the others undone
                print("%s: clean-up %s: %s" % (WHO, fn.__name__, e), file=sys.stderr)
    finally:
        signal.signal(signal.SIGINT, old)


atexit.register(cleanup)


# ---- servers, user, database, configuration ---------------------------------------------------------
def servers_env(env=None):
    """The `export` lines of `scripts/servers env` as a dict (PGHOST, PGPORT, INTAKE_IMAPS_PORT,
    INTAKE_CA_FILE, INTAKE_RUN_DIR, ...); env: the environment to run it in (default ours)."""
    out = subprocess.run([SERVERS, "env"], check=True, capture_output=True, text=True, env=env).stdout
    vals = {}
    for line in out.splitlines():
        if line.startswith("export "):
            k, v = line[7:].split("=", 1)
            vals[k] = v.strip("'")
    return vals


def make_user(local_part, domain="roycom.com.cn"):
    """Adds IMAP user local_part@domain with a random password (`scripts/servers adduser`) and
    removes it again at the end (`scripts/servers deluser`: its mailbox goes too). Returns (user, pw)."""
    user, pw = "%s@%s" % (local_part, domain), secrets.token_hex(12)
    at_end(_deluser, user)  # before adding: an interrupt in between still removes it
    r = subprocess.run([SERVERS, "adduser", user, pw], capture_output=True, text=True)
    if r.returncode != 0:
        die("scripts/servers adduser %s failed:\n%s%s" % (user, r.stdout, r.stderr))
    return user, pw


def _deluser(user):
    r = subprocess.run([SERVERS, "deluser", user], capture_output=True, text=True)
    # "no user": adduser never got so far; anything else is worth a line
    if r.returncode != 0 and "no user" not in r.stderr:
        print("%s: could not remove IMAP user %s: %s" % (WHO, user, r.stderr.strip()), file=sys.stderr)


def psql(env, db, sql=None, args=()):
    """Runs psql on database db of the local PostgreSQL (-X -qAt, ON_ERROR_STOP), sql on its
    stdin, extra args before; returns stdout stripped; a failure ends the bench with psql's message."""
    cmd = ["psql", "-X", "-qAt", "-v", "ON_ERROR_STOP=1", "-h", env["PGHOST"], "-p", env["PGPORT"], "-d", db]
    r = subprocess.run(cmd + list(args), input=sql if sql is not None else "", capture_output=True, text=True)
    if r.returncode != 0:
        die("psql: %s\n%s" % ((sql or " ".join(args))[:300], r.stderr))
    return r.stdout.strip()


def make_database(env, name, keep=False):
    """Creates database name and drops it at the end (WITH (FORCE): a poll still connected does not
    keep it), unless keep. Returns name."""
    if not keep:
        at_end(_dropdb, env, name)
    psql(env, "postgres", "CREATE DATABASE " + name)
    return name


def _dropdb(env, name):
    subprocess.run(["psql", "-X", "-q", "-h", env["PGHOST"], "-p", env["PGPORT"], "-d", "postgres", "-c",
                    "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)"], capture_output=True)


def work_dir(prefix, keep=False):
    """A fresh temporary directory, removed at the end unless keep."""
    d = tempfile.mkdtemp(prefix=prefix)
    if not keep:
        at_end(shutil.rmtree, d, True)
    return d


def write_config(work, env, db, user=None, pw=None):
    """Writes work/intake.conf: the local database db and, with user, the local Dovecot's INBOX by
    IMAPS (the password in work/pw, mode 600); acknowledgements are queued, never sent. Returns its path."""
    text = ""
    if user:
        pwfile = os.path.join(work, "pw")
        with open(os.open(pwfile, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as f:
            f.write(pw)
        text += (f"[imap]\nurl = imaps://localhost:{env['INTAKE_IMAPS_PORT']}/INBOX\nuser = {user}\n"
                 f"password_file = {pwfile}\nca_file = {env['INTAKE_CA_FILE']}\n")
    text += f"[smtp]\nsend = false\n[db]\nconninfo = host={env['PGHOST']} port={env['PGPORT']} dbname={db}\n"
    conf = os.path.join(work, "intake.conf")
    with open(conf, "w") as f:
        f.write(text)
    return conf


def migrate(bin_, conf, assets=True):
    """`intake db migrate` and (assets) `intake assets import samples/assets.csv` with conf."""
    run_timed([bin_, "db", "migrate", "--config", conf])
    if assets:
        run_timed([bin_, "assets", "import", os.path.join(TOP, "samples", "assets.csv"), "--config", conf])


# ---- mails -------------------------------------------------------------------------------------------
def sample_mails(folder=None):
    """The customer mails (*.eml) in folder (default samples/mail), as bytes, in name order."""
    folder = folder or os.path.join(TOP, "samples", "mail")
    mails = [open(f, "rb").read() for f in sorted(glob.glob(os.path.join(folder, "*.eml")))]
    if not mails:
        die("no *.eml in " + folder)
    return mails


def with_message_id(raw, mid):
    """raw with its (first) Message-ID header replaced by Message-ID: mid (bytes, with <>)."""
    return re.sub(rb"(?im)^Message-ID:[^\r\n]*", b"Message-ID: " + mid, raw, count=1)


def imap_login(env, user, pw):
    """An IMAPS session of the local Dovecot logged in as user; tried for about 5 s, since Dovecot
    re-reads its passwd-file at most once a second after adduser."""
    ctx = ssl.create_default_context(cafile=env["INTAKE_CA_FILE"])
    for _ in range(50):
        try:
            imap = imaplib.IMAP4_SSL("localhost", int(env["INTAKE_IMAPS_PORT"]), ssl_context=ctx)
            imap.login(user, pw)
            return imap
        except (imaplib.IMAP4.error, OSError):
            time.sleep(0.1)
    die("cannot log in to IMAPS as " + user)


# ---- measuring ---------------------------------------------------------------------------------------
# Which process names (comm) count as which server in server_cpu().
SERVER_PROCS = {
    "postgres": lambda comm: comm.startswith("postgres"),
    "dovecot": lambda comm: comm in ("imap", "dovecot"),
}


def server_cpu(names=("postgres", "dovecot")):
    """CPU seconds used so far by each server in names (keys of SERVER_PROCS), ended children
    included: a backend or imap process that exited is counted in its parent's cutime/cstime.
    Other sessions' use of the same servers counts too."""
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
        for name in names:
            if SERVER_PROCS[name](comm):
                fields = st[st.rindex(")") + 2:].split()
                use[name] = use.get(name, 0.0) + sum(int(x) for x in fields[11:15]) / tick  # utime..cstime
                break
    return use


Run = collections.namedtuple("Run", "seconds rss_mb out cpu servers sys")
Run.__doc__ = """One timed command: wall seconds, peak RSS in MB and own CPU seconds (user + system,
from wait4), its stdout+stderr as text, {server: CPU seconds} the servers used meanwhile, and the
system part of its own CPU seconds (mbsync's is most of its CPU: writes and fsyncs)."""


def run_timed(cmd, servers=(), **kw):
    """Runs cmd (stdin /dev/null, stdout and stderr captured together) and returns a Run; servers:
    the names whose CPU (server_cpu) is measured around it. A failure ends the bench with the
    command's output. The command is killed if the bench is interrupted meanwhile."""
    before = server_cpu(servers) if servers else {}
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, **kw)
    try:
        out = p.stdout.read()
        _, status, usage = os.wait4(p.pid, 0)
    except BaseException:
        p.kill()
        p.wait()
        raise
    p.returncode = os.waitstatus_to_exitcode(status)  # reaped here: Popen must not wait for it again
    p.stdout.close()
    dt = time.perf_counter() - t0
    if servers:
        # A backend or imap process ends a moment after its client: until its parent reaps it, its
        # CPU is in neither its own nor the parent's figures (one run counted 0.002 ms/mail for PG).
        time.sleep(0.5)
    after = server_cpu(servers) if servers else {}
    text = out.decode(errors="replace")
    if p.returncode != 0:
        die("%s exited %d:\n%s" % (" ".join(cmd[:3]), p.returncode, text[-4000:]))
    return Run(dt, usage.ru_maxrss / 1024.0, text, usage.ru_utime + usage.ru_stime,
               {k: after.get(k, 0.0) - before.get(k, 0.0) for k in after}, usage.ru_stime)
