#!/usr/bin/env python3
"""score_s4.py: scores `intake inspect --json` on a scoring set (tests/data/mail/scored-s4) field by field.

usage: score_s4.py INTAKE SET_DIR [THRESHOLD_PERCENT]
SET_DIR holds NAME.eml, expected.json ({"received": …, "mails": {NAME: {field: value}}}) and assets.csv.
Fields: sn, model, contact, phone, city, district, address (the expected text must occur in the
extracted address; null: none may be found), component. Prints the percentage and every miss; exits 1
below THRESHOLD_PERCENT (default 0), 2 when a mail crashes inspect or gives no JSON.
"""
import json, os, re, subprocess, sys, unicodedata

FIELDS = ["sn", "model", "contact", "phone", "city", "district", "address", "component"]


def norm(v):
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", v)).strip()


def phone_digits(v):
    d = re.sub(r"\D", "", v)
    if d.startswith("0086"):
        d = d[2:]
    if d.startswith("86") and len(d) == 13 and d[2] == "1":
        return d[2:]
    if d.startswith("86") and len(d) > 11 and d[2] != "1":
        return "0" + d[2:]  # +86 20 3866 0021 is 020-38660021
    return d


def same(field, want, got):
    if want is None or got is None:
        return want is None and got is None
    if field == "phone":
        return phone_digits(want) == phone_digits(got)
    if field == "address":
        return norm(want) in norm(got)
    if field == "model":
        return norm(want).casefold() == norm(got).casefold()
    return norm(want) == norm(got)


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    intake, set_dir = sys.argv[1], sys.argv[2]
    threshold = float(sys.argv[3]) if len(sys.argv) > 3 else 0.0
    with open(os.path.join(set_dir, "expected.json"), encoding="utf-8") as f:
        spec = json.load(f)
    assets = os.path.join(set_dir, "assets.csv")
    right = total = 0
    misses = []
    for name in sorted(spec["mails"]):
        want = spec["mails"][name]
        cmd = [intake, "inspect", os.path.join(set_dir, name + ".eml"), "--assets", assets, "--received",
               spec["received"], "--json"]
        p = subprocess.run(cmd, capture_output=True, timeout=120)
        try:
            got = json.loads(p.stdout.decode("utf-8"))
        except ValueError:
            print("CRASH %s: exit %d\n%s" % (name, p.returncode, p.stderr.decode("utf-8", "replace")))
            return 2
        for field in FIELDS:
            if field not in want:
                continue
            total += 1
            if same(field, want[field], got.get(field)):
                right += 1
            else:
                misses.append("%s %s: expected %s, got %s" % (name, field, json.dumps(want[field], ensure_ascii=False),
                                                             json.dumps(got.get(field), ensure_ascii=False)))
    pct = 100.0 * right / total if total else 0.0
    for m in misses:
        print("MISS", m)
    print("score: %d/%d fields right = %.2f%% (threshold %.2f%%)" % (right, total, pct, threshold))
    return 0 if pct >= threshold else 1


if __name__ == "__main__":
    sys.exit(main())
