#!/usr/bin/env python3
"""End to end: `intake inspect --json` on demo mails + registry; checks the classifier's fields.
Usage: inspect_samples.py INTAKE_BINARY SOURCE_DIR"""
import json, subprocess, sys

intake, src = sys.argv[1], sys.argv[2]
cases = [
    ("16-weekend-night-outage-gb18030-qp.eml", "2026-11-21T23:26:30+08:00",
     dict(kind="fault", sn="RCS25M0123456", tier="gold", coverage="covered", severity="S1", priority="P1",
          onsite_class="4h", received_at="2026-11-21T23:26:30+08:00",
          sla=dict(clock="7x24", response_due="2026-11-21T23:56:30+08:00", plan_due="2026-11-22T03:26:30+08:00",
                   onsite_due="2026-11-22T03:26:30+08:00"))),
    ("17-after-relocation-xian.eml", "2026-11-23T09:04:50+08:00",
     dict(kind="fault", coverage="needs_review", tier="silver", onsite_class="next_day", city="西安市",
          sla=dict(clock="5x8", response_due="2026-11-23T09:34:50+08:00", plan_due="2026-11-23T15:04:50+08:00",
                   onsite_due="2026-11-24T17:00:00+08:00"))),
    ("02-formal-gb2312-base64-xiqing.eml", None,
     dict(kind="fault", coverage="needs_review", onsite_class="negotiated", warranty_start=None)),
    ("11-out-of-office-auto-reply.eml", None,
     dict(kind="ignored", ignored_reason="auto_reply", coverage=None, priority=None, sla=None)),
    ("12-value-added-install-hebei-county.eml", None,
     dict(kind="value_added", coverage="not_covered", onsite_class="negotiated", sla=None)),
    ("14-mixed-zh-en-parts-order-supermicro.eml", None,
     dict(coverage="chargeable", sn="S411795X5A01234")),
]
reasons_wanted = {"17-after-relocation-xian.eml": "relocation", "02-formal-gb2312-base64-xiqing.eml": "legacy_policy",
                  "12-value-added-install-hebei-county.eml": "value_added_service"}
failed = 0
for name, received, want in cases:
    cmd = [intake, "inspect", f"{src}/samples/mail/{name}", "--assets", f"{src}/samples/assets.csv", "--json"]
    if received:
        cmd += ["--received", received]
    out = subprocess.run(cmd, capture_output=True, text=True)
    if out.returncode != 0:
        print(f"FAIL {name}: exit {out.returncode}: {out.stderr}")
        failed += 1
        continue
    got = json.loads(out.stdout)
    for k in ("message_id", "kind", "sn", "sn_candidates", "component", "missing", "coverage", "reasons", "severity",
              "priority", "onsite_class", "sla", "warranty_start", "warranty_end", "tier", "received_at"):
        if k not in got:
            print(f"FAIL {name}: member {k} missing")
            failed += 1
    for k, v in want.items():
        if got.get(k) != v:
            print(f"FAIL {name}: {k}: expected {v!r}, got {got.get(k)!r}")
            failed += 1
    code = reasons_wanted.get(name)
    if code and code not in [r["code"] for r in got["reasons"]]:
        print(f"FAIL {name}: reason {code} missing in {got['reasons']}")
        failed += 1
    explain = subprocess.run([c for c in cmd if c != "--json"], capture_output=True, text=True)
    if explain.returncode != 0 or "Rules applied" not in explain.stdout:
        print(f"FAIL {name}: EXPLAIN output")
        failed += 1
# Writing habits (tests/data/mail, issue 15): the registry resolves a hand-copied SN (O for 0, I for 1),
# and EXPLAIN says so; Traditional Chinese meets the same keyword tables.
habits = [
    ("cust-habit-sn-o-for-zero-i-for-one.eml",
     dict(sn="RCS25A0012345", tier="silver", coverage="covered", model="SYS-620U-TNR"), "look-alike characters"),
    ("cust-habit-traditional-big5-guangzhou.eml",
     dict(component="machine_part", severity="S2", city="广州市", district="天河区", onsite_class="next_day"), None),
]
for name, want, explained in habits:
    cmd = [intake, "inspect", f"{src}/tests/data/mail/{name}", "--assets", f"{src}/samples/assets.csv",
           "--received", "2026-11-25T10:00:00+08:00"]
    out = subprocess.run(cmd + ["--json"], capture_output=True, text=True)
    got = json.loads(out.stdout) if out.returncode == 0 else {}
    for k, v in want.items():
        if got.get(k) != v:
            print(f"FAIL {name}: {k}: expected {v!r}, got {got.get(k)!r}")
            failed += 1
    explain = subprocess.run(cmd, capture_output=True, text=True).stdout
    if explained and explained not in explain:
        print(f"FAIL {name}: EXPLAIN does not say {explained!r}")
        failed += 1
print("inspect samples:", "FAILED" if failed else "ok", f"({len(cases)} mails)")
sys.exit(1 if failed else 0)
