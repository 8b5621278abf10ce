#!/usr/bin/python3
"""tests/servers/bad_imap.py: a small IMAP4rev1 server that misbehaves on purpose, for tests (Dovecot
cannot). Enough IMAP for libcurl and intake: CAPABILITY, LOGIN, SELECT/EXAMINE, STATUS, UID SEARCH,
UID FETCH, UID STORE, UID MOVE, CREATE, NOOP, LOGOUT.

Usage: bad_imap.py --state STATE.json --port-file FILE [--log FILE]
Listens on 127.0.0.1 on a free port and writes the port to FILE (atomically). STATE.json is read
again for every command, so a test rewrites it between polls:
  {"uidvalidity": 7,
   "mails": [{"uid": 1, "path": "/tmp/x/1.eml", "date": "25-Nov-2026 10:15:00 +0800"}, ...],
   "fault": {"kind": KIND, "uid": 2, "times": 1}}     (fault optional; times: default every time)
KIND, on a UID FETCH that asks for the body of that uid:
  truncated_literal   literal {n} followed by only n/2 bytes, then ")" and a tagged OK
  short_then_close    literal {n+1000} followed by the n bytes, then the connection is closed
  close_mid_mail      literal {n} followed by half the bytes, then the connection is closed
  slow                the whole answer, one byte per second
  garbage             the answer, then garbage instead of the tagged OK, and silence
  refused             a tagged NO [UNAVAILABLE] to the whole command (the server's "not now")
Every command received is appended to the log (one line; LOGIN's password left out), so a test
can check what was flagged (UID STORE) or moved.
"""
import argparse
import json
import os
import re
import socket
import socketserver
import sys
import threading
import time

ARGS = None
LOCK = threading.Lock()
FAULT_COUNT = {"text": None, "n": 0}


def load_state():
    with open(ARGS.state, "rb") as f:
        text = f.read()
    state = json.loads(text)
    with LOCK:
        if FAULT_COUNT["text"] != text:  # a new script: its fault counts from zero
            FAULT_COUNT["text"] = text
            FAULT_COUNT["n"] = 0
    mails = {}
    for m in state.get("mails", []):
        with open(m["path"], "rb") as f:
            mails[int(m["uid"])] = (f.read(), m.get("date", "25-Nov-2026 10:15:00 +0800"))
    return state, mails


def take_fault(state, uid):
    fault = state.get("fault")
    if not fault or int(fault.get("uid", -1)) != uid:
        return None
    with LOCK:
        times = fault.get("times")
        if times is not None and FAULT_COUNT["n"] >= int(times):
            return None
        FAULT_COUNT["n"] += 1
    return fault["kind"]


def log(line):
    if ARGS.log:
        with LOCK, open(ARGS.log, "a") as f:
            f.write(line + "\n")


def uid_set(text, uids):
    """The UIDs of uids (sorted list) in an IMAP set such as 1:3,7,9:*."""
    out = set()
    top = uids[-1] if uids else 0
    for part in text.split(","):
        lo, _, hi = part.partition(":")
        lo = top if lo == "*" else int(lo)
        hi = lo if not hi else (top if hi == "*" else int(hi))
        lo, hi = min(lo, hi), max(lo, hi)  # "9:*" with 5 the highest is 5:9 (RFC 3501)
        out.update(u for u in uids if lo <= u <= hi)
    return sorted(out)


SECTION = re.compile(r"BODY(?:\.PEEK)?\[(HEADER|TEXT|)\](?:<(\d+)\.(\d+)>)?", re.I)


def section_bytes(mail, section, origin, length):
    cut = mail.find(b"\r\n\r\n")
    header = mail if cut < 0 else mail[: cut + 4]
    data = {"": mail, "HEADER": header, "TEXT": b"" if cut < 0 else mail[cut + 4:]}[section.upper()]
    if origin is None:
        return data, "BODY[%s]" % section.upper()
    origin, length = int(origin), int(length)
    return data[origin: origin + length], "BODY[%s]<%d>" % (section.upper(), origin)


class Client(socketserver.StreamRequestHandler):
    def send(self, data):
        if isinstance(data, str):
            data = data.encode()
        self.wfile.write(data)
        self.wfile.flush()

    def handle(self):
        self.send("* OK [CAPABILITY IMAP4rev1] bad_imap ready\r\n")
        while True:
            line = self.rfile.readline()
            if not line:
                return
            text = line.decode("utf-8", "replace").rstrip("\r\n")
            tag, _, rest = text.partition(" ")
            verb, _, args = rest.partition(" ")
            verb = verb.upper()
            if verb == "UID":
                sub, _, args = args.partition(" ")
                verb = "UID " + sub.upper()
            log(tag + " LOGIN" if verb == "LOGIN" else text)
            try:
                if not self.command(tag, verb, args):
                    return
            except (BrokenPipeError, ConnectionResetError):
                return

    def command(self, tag, verb, args):
        state, mails = load_state()
        uids = sorted(mails)
        validity = int(state.get("uidvalidity", 1))
        uidnext = (uids[-1] + 1) if uids else 1
        if verb == "CAPABILITY":
            self.send("* CAPABILITY IMAP4rev1\r\n%s OK done\r\n" % tag)
        elif verb in ("LOGIN", "NOOP", "CREATE", "UID STORE", "UID MOVE", "CHECK"):
            self.send("%s OK done\r\n" % tag)
        elif verb in ("SELECT", "EXAMINE"):
            self.send("* %d EXISTS\r\n* 0 RECENT\r\n* OK [UIDVALIDITY %d] v\r\n* OK [UIDNEXT %d] n\r\n"
                      "* FLAGS (\\Seen)\r\n%s OK [READ-WRITE] selected\r\n" % (len(uids), validity, uidnext, tag))
        elif verb == "STATUS":
            self.send("* STATUS INBOX (UIDVALIDITY %d UIDNEXT %d)\r\n%s OK done\r\n" % (validity, uidnext, tag))
        elif verb == "UID SEARCH":
            m = re.search(r"UID (\S+)", args, re.I)
            found = uid_set(m.group(1), uids) if m else uids
            self.send("* SEARCH%s\r\n%s OK done\r\n" % ("".join(" %d" % u for u in found), tag))
        elif verb == "UID FETCH":
            return self.fetch(tag, args, state, mails, uids)
        elif verb == "LOGOUT":
            self.send("* BYE bye\r\n%s OK done\r\n" % tag)
            return False
        else:
            self.send("%s BAD unknown command\r\n" % tag)
        return True

    def fetch(self, tag, args, state, mails, uids):
        set_text, _, items = args.partition(" ")
        for uid in uid_set(set_text, uids):
            mail, date = mails[uid]
            parts = ["UID %d" % uid]
            if re.search(r"RFC822\.SIZE", items, re.I):
                parts.append("RFC822.SIZE %d" % len(mail))
            if re.search(r"INTERNALDATE", items, re.I):
                parts.append('INTERNALDATE "%s"' % date)
            literals = []
            for sec in SECTION.finditer(items):
                data, name = section_bytes(mail, sec.group(1), sec.group(2), sec.group(3))
                literals.append((name, data))
            kind = take_fault(state, uid) if literals else None
            if kind == "refused":
                self.send("%s NO [UNAVAILABLE] Mail temporarily unavailable\r\n" % tag)
                return True
            head = ("* %d FETCH (%s" % (uids.index(uid) + 1, " ".join(parts))).encode()
            body = b"".join(b" %s {%d}\r\n%s" % (n.encode(), len(d), d) for n, d in literals) + b")\r\n"
            if kind is None:
                self.send(head + body)
                continue
            name, data = literals[0]
            if kind == "truncated_literal":
                self.send(head + b" %s {%d}\r\n%s)\r\n" % (name.encode(), len(data), data[: len(data) // 2]))
            elif kind == "short_then_close":
                self.send(head + b" %s {%d}\r\n%s" % (name.encode(), len(data) + 1000, data))
                return False
            elif kind == "close_mid_mail":
                self.send(head + b" %s {%d}\r\n%s" % (name.encode(), len(data), data[: len(data) // 2]))
                return False
            elif kind == "slow":
                for i in range(len(head + body)):
                    self.send((head + body)[i: i + 1])
                    time.sleep(1)
            elif kind == "garbage":
                self.send(head + body + b"\x00\xff garbage where a tagged reply belongs\r\n")
                while self.rfile.read(1):  # silence until the client gives up
                    pass
                return False
        self.send("%s OK Fetch completed\r\n" % tag)
        return True


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    global ARGS
    p = argparse.ArgumentParser()
    p.add_argument("--state", required=True)
    p.add_argument("--port-file", required=True)
    p.add_argument("--log")
    ARGS = p.parse_args()
    server = Server(("127.0.0.1", 0), Client)
    tmp = ARGS.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % server.server_address[1])
    os.rename(tmp, ARGS.port_file)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
