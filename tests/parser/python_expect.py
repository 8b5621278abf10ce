#!/usr/bin/python3
"""Prints, as JSON, what Python's email package (policy.default) decodes as Subject and From for
each mail file under the directories given: the reference for test_foreign.c. Run by the test."""
import email
import email.policy
import json
import os
import sys


def decode(path):
    out = {"file": path}
    try:
        with open(path, "rb") as f:
            msg = email.message_from_binary_file(f, policy=email.policy.default)
        subj = msg["subject"]
        out["subject"] = None if subj is None else str(subj)
        frm = msg["from"]
        if frm is None:
            out["from_name"] = out["from_addr"] = None
        else:
            addrs = getattr(frm, "addresses", ())
            if addrs:
                out["from_name"] = addrs[0].display_name
                out["from_addr"] = addrs[0].addr_spec
            else:
                out["from_name"] = None
                out["from_addr"] = None
                out["from_raw"] = str(frm)
    except Exception as e:  # Python could not read it: no expectation
        out["error"] = "%s: %s" % (type(e).__name__, e)
    return out


def main():
    files = []
    for d in sys.argv[1:]:
        for root, _, names in os.walk(d):
            for n in sorted(names):
                if n.endswith((".eml", ".raw", ".golden")) or (n.startswith("msg_") and n.endswith(".txt")):
                    files.append(os.path.join(root, n))
    json.dump([decode(p) for p in sorted(files)], sys.stdout, ensure_ascii=False)


main()
