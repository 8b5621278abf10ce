#!/usr/bin/env python3
"""Writes the parser fixtures of tests/data/mail: NAME.eml (exact bytes) + NAME.json (expected fields).

Every mail below is written by hand; the helpers only do transfer and charset encoding, so bytes in
GB2312/GBK/GB18030/Big5, base64, quoted-printable and RFC 2047/2231 come out exact. After writing, the
script re-reads every file with Python's `email` package and checks each expectation against the mail
itself (an SN, phone, contact, address or symptom substring that the mail does not contain is a bug in
this script). Run: python3 make_fixtures.py   (writes next to itself; deletes stale NAME.eml/json).
See README.md for the meaning of the JSON keys.
"""
import base64
import datetime
import email
import email.policy
import html
import html.parser
import json
import os
import quopri
import random
import re
import sys
import unicodedata
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = []          # (name, raw bytes, expect dict)
RNG = random.Random(20261125)
OWN = "service@roycom.com.cn"

GB = {"gb2312", "gbk", "gb18030", "x-gbk", "cp936", "euc-cn"}


def codec(charset):
    c = charset.lower()
    return "gb18030" if c in GB else c


# ---------------------------------------------------------------------------------------------
# header helpers

def ew(text, charset="UTF-8", enc="B", maxlen=75):
    """RFC 2047 encoded-words for text, split between characters, each at most maxlen long."""
    cd = codec(charset)
    words, chunk = [], ""
    for ch in text:
        trial = chunk + ch
        if chunk and len(_ew1(trial.encode(cd), charset, enc)) > maxlen:
            words.append(_ew1(chunk.encode(cd), charset, enc))
            chunk = ch
        else:
            chunk = trial
    if chunk:
        words.append(_ew1(chunk.encode(cd), charset, enc))
    return " ".join(words)


def _ew1(raw, charset, enc):
    if enc.upper() == "B":
        return "=?%s?B?%s?=" % (charset, base64.b64encode(raw).decode())
    out = []
    for b in raw:
        if b == 0x20:
            out.append("_")
        elif 0x30 <= b <= 0x39 or 0x41 <= b <= 0x5A or 0x61 <= b <= 0x7A:
            out.append(chr(b))
        else:
            out.append("=%02X" % b)
    return "=?%s?Q?%s?=" % (charset, "".join(out))


def ew_split_bytes(text, charset, cut, enc="B"):
    """Two adjacent encoded-words that split text's bytes at byte offset cut (mid-character)."""
    raw = text.encode(codec(charset))
    return _ew1(raw[:cut], charset, enc) + " " + _ew1(raw[cut:], charset, enc)


def addr(name, address, charset="UTF-8", enc="B"):
    if name is None:
        return address
    if all(ord(c) < 128 for c in name):
        return "%s <%s>" % (name, address)
    return "%s <%s>" % (ew(name, charset, enc), address)


WD = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
MO = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def date(s, tz="+0800"):
    """'2026-11-20 10:15:07' -> 'Fri, 20 Nov 2026 10:15:07 +0800'"""
    if len(s) == 16:
        s += ":%02d" % RNG.randrange(60)
    t = datetime.datetime.strptime(s, "%Y-%m-%d %H:%M:%S")
    return "%s, %d %s %d %s %s" % (WD[t.weekday()], t.day, MO[t.month - 1], t.year,
                                     t.strftime("%H:%M:%S"), tz)


_used_mids = set()


def mid(style, domain, stamp="20261120101500"):
    """A Message-ID in the style of a real mailer (without <>)."""
    h = lambda n: "".join(RNG.choice("0123456789abcdef") for _ in range(n))
    H = lambda n: h(n).upper()
    a = lambda n: "".join(RNG.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
                          for _ in range(n))
    if style == "coremail":
        v = "%s.%s.%s.Coremail.%s" % (h(8), h(4), h(11), domain)
    elif style == "qq":
        v = "tencent_%s@qq.com" % H(32)
    elif style == "foxmail":
        v = "%s%s@%s" % (stamp, "".join(RNG.choice("0123456789") for _ in range(7)), domain)
    elif style == "outlook":
        host = re.match(r"[A-Z0-9]+PR\d+MB\d+", domain)
        v = "%s%s@%s" % (host.group(0) if host else RNG.choice(["SH0PR01MB", "BJ0PR01MB"]) +
                         "".join(RNG.choice("0123456789") for _ in range(4)), H(16), domain)
    elif style == "exchange":
        v = "%s$%s$%s$@%s" % ("0000" + h(8), h(8), h(8), domain)
    elif style == "gmail":
        v = "CA%s@mail.gmail.com" % a(40)
    elif style == "apple":
        v = "%s-%s-%s-%s-%s@%s" % (H(8), H(4), H(4), H(4), H(12), domain)
    elif style == "uuid":
        v = "%s-%s-%s-%s-%s@%s" % (h(8), h(4), h(4), h(4), h(12), domain)
    elif style == "php":
        v = "%s.%s@%s" % (stamp, a(10), domain)
    else:
        v = "%s@%s" % (a(20), domain)
    assert v not in _used_mids
    _used_mids.add(v)
    return v


# ---------------------------------------------------------------------------------------------
# body helpers

def b64(data, width=76):
    s = base64.b64encode(data).decode()
    return ("\n".join(s[i:i + width] for i in range(0, len(s), width)) + "\n").encode()


def qp(data):
    return quopri.encodestring(data)


def encode_text(text, charset="utf-8", cte="8bit"):
    raw = text.encode(codec(charset)) if isinstance(text, str) else text
    if cte == "base64":
        return b64(raw)
    if cte == "quoted-printable":
        return qp(raw)
    return raw


def hdrs(pairs):
    out = b""
    for k, v in pairs:
        if isinstance(v, bytes):
            out += k.encode() + b": " + v + b"\n"
        else:
            out += ("%s: %s\n" % (k, v)).encode("utf-8")
    return out


def part(ctype, body, cte=None, disp=None, extra=()):
    """One MIME entity (headers + blank line + body) as bytes."""
    pairs = [("Content-Type", ctype)]
    if cte:
        pairs.append(("Content-Transfer-Encoding", cte))
    if disp:
        pairs.append(("Content-Disposition", disp))
    pairs += list(extra)
    if not body.endswith(b"\n"):
        body += b"\n"
    return hdrs(pairs) + b"\n" + body


def tpart(text, charset="utf-8", cte="base64", subtype="plain", params="", extra=()):
    return part('text/%s; charset="%s"%s' % (subtype, charset, params),
                encode_text(text, charset, cte), cte, extra=extra)


def mp(subtype, boundary, parts, preamble=b"", epilogue=b"", params=""):
    """(Content-Type value, body bytes) of a multipart."""
    body = preamble
    for p in parts:
        body += b"--" + boundary.encode() + b"\n" + p
    body += b"--" + boundary.encode() + b"--\n" + epilogue
    return ('multipart/%s; boundary="%s"%s' % (subtype, boundary, params), body)


def mail(headers, body, crlf=False):
    raw = hdrs(headers) + b"\n" + body
    if crlf:
        raw = raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    return raw


def std(frm, subject, dt, msgid, ctype="text/plain; charset=UTF-8", cte="8bit", to=OWN,
        extra=(), pre=(), mime=True, received=None):
    """The usual header block; values are already RFC 2047-encoded (or bytes for raw 8bit)."""
    h = list(pre)
    if received:
        h.append(("Received", received))
    h.append(("From", frm))
    h.append(("To", to))
    if subject is not None:
        h.append(("Subject", subject))
    if dt is not None:
        h.append(("Date", dt))
    if msgid is not None:
        h.append(("Message-ID", "<%s>" % msgid))
    h += list(extra)
    if mime:
        h.append(("MIME-Version", "1.0"))
        if ctype:
            h.append(("Content-Type", ctype))
        if cte:
            h.append(("Content-Transfer-Encoding", cte))
    return h


def rcvd(helo, ip, dt):
    return "from %s (%s [%s])\n\tby mx.roycom.com.cn (Postfix) with ESMTPS id %s\n\tfor <%s>; %s" % (
        helo, helo, ip, "".join(RNG.choice("0123456789ABCDEF") for _ in range(10)), OWN, dt)


def fx(name, raw, expect):
    assert re.fullmatch(r"[a-z0-9][a-z0-9-]*", name), name
    assert all(n != name for n, _, _ in FIXTURES), name
    FIXTURES.append((name, raw, expect))


# Tiny fake binary payloads.
JPEG = (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x48\x00\x48\x00\x00\xff\xdb\x00\x43\x00"
        + bytes(range(1, 65)) + b"\xff\xc0\x00\x0b\x08\x00\x02\x00\x02\x01\x01\x11\x00"
        b"\xff\xda\x00\x08\x01\x01\x00\x00\x3f\x00\xd2\xcf\x20\xff\xd9")
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f"
       b"\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99=\x1d"
       b"\x00\x00\x00\x00IEND\xaeB`\x82")
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
ZIP = b"PK\x05\x06" + b"\x00" * 18
XLSX = b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00" + bytes(range(32, 96)) + b"PK\x05\x06" + b"\x00" * 18
# TNEF: signature 0x223E9F78, key, then an attMAPIProps-ish record; enough to look like winmail.dat
TNEF = (b"\x78\x9f\x3e\x22" + b"\x01\x00" + b"\x01\x06\x90\x08\x00\x04\x00\x00\x00\x00\x00\x01\x00\x01\x00"
        + b"\x01\x07\x90\x06\x00\x08\x00\x00\x00\xe4\x04\x00\x00\x00\x00\x00\x00\xe8\x00"
        + b"\x01\x0d\x80\x04\x00\x02\x00\x00\x00\x02\x00\x02\x00\x01\x00" + bytes(range(0, 120)))

# =============================================================================================
# A. MIME structure
# =============================================================================================

# A1: plain text/plain UTF-8 8bit, everything labelled: the baseline.
t = """您好：

我司一台服务器出现硬盘故障，RAID卡报警，第4块盘亮黄灯，阵列降级。

设备SN：RCS25A0012346
设备型号：SYS-620U-TNR
设备地址：北京市海淀区西北旺东路10号院东区14号楼3层
联系人：张伟
联系电话：13801234567

谢谢！
"""
d = date("2026-11-02 09:12")
fx("mime-plain-utf8-8bit-all-fields", mail(std(
    addr("张伟", "zhangwei@bjzl-yuntu.com"), ew("服务器硬盘故障报修"), d,
    mid("coremail", "bjzl-yuntu.com"), received=rcvd("mail.bjzl-yuntu.com", "123.57.10.8", d)),
    t.encode()), {
    "sn": "RCS25A0012346", "model": "SYS-620U-TNR",
    "symptoms_contains": ["第4块盘亮黄灯", "阵列降级"], "symptoms_excludes": ["您好"],
    "contact": "张伟", "phone": "13801234567", "address_contains": "西北旺东路10号院",
    "city": "北京市", "district": "海淀区", "missing_parse": [], "attachments": [],
    "charset_used": "UTF-8"})

# A2: multipart/mixed, text base64 + PDF with an RFC 2231 filename (故障报告.pdf).
t = """各位工程师好，

我们福田机房的一台GPU服务器，8张卡里面有2张在nvidia-smi里显示 ERR!，跑训练任务的时候整机风扇狂转然后自动重启。
详细的日志和照片整理在附件的故障报告里了。

S/N: RCS25E0220451
型号: SYS-420GP-TNR
地址: 深圳市福田区深南大道6008号特区报业大厦21楼机房
联系人: 邓嘉明
手机: 138 2657 4410

邓嘉明
深圳鹏城视觉智能有限公司 | 基础架构组
"""
ct, body = mp("mixed", "----=_Part_41529_1918238714.1763790055123", [
    tpart(t, "utf-8", "base64"),
    part('application/pdf; name="=?UTF-8?B?5pWF6Zqc5oql5ZGKLnBkZg==?="', b64(PDF), "base64",
         "attachment; filename*=UTF-8''%E6%95%85%E9%9A%9C%E6%8A%A5%E5%91%8A.pdf"),
])
d = date("2026-11-22 13:40")
fx("mime-mixed-pdf-rfc2231-filename", mail(std(
    addr("邓嘉明", "dengjm@pcvision.com.cn"), ew("GPU卡报错 整机自动重启"), d,
    mid("php", "pcvision.com.cn", "1763790055123"), ctype=ct, cte=None), body), {
    "sn": "RCS25E0220451", "model": "SYS-420GP-TNR",
    "symptoms_contains": ["ERR!", "自动重启"], "symptoms_excludes": ["基础架构组"],
    "contact": "邓嘉明", "phone": "13826574410", "address_contains": "深南大道6008号",
    "city": "深圳市", "district": "福田区", "missing_parse": [],
    "attachments": [{"filename": "故障报告.pdf", "content_type": "application/pdf"}]})

# A3: Foxmail style: GB18030 base64 body, attachment name as RFC 2047 inside quotes (not RFC 2231).
t = """你好，
服务器BMC一直在报警，截图见附件。报警内容是 "FAN3 Lower Critical going low"，风扇3转速掉到0了，机箱温度在往上走。
设备序列号：RCS25C0200101
型号：RC-R2290 G5
设备在天津市河西区友谊路35号城市大厦5楼机房，联系人 冯晓东，电话 022-2321 5566
"""
ct, body = mp("mixed", "----=_NextPart_6737F1A2_0B4C8D30_2E6A9F11", [
    tpart(t, "gb18030", "base64"),
    part('image/png; name="%s"' % ew("BMC告警截图.png", "gb18030"), b64(PNG), "base64",
         'attachment; filename="%s"' % ew("BMC告警截图.png", "gb18030")),
], preamble=b"This is a multi-part message in MIME format.\n\n")
d = date("2026-11-16 10:05")
fx("mime-mixed-rfc2047-filename-gb18030", mail(std(
    addr("冯晓东", "fengxd@tjgangshu.com", "gb18030"), ew("BMC风扇报警", "gb18030"), d,
    mid("foxmail", "tjgangshu.com", "202611161005"), ctype=ct, cte=None,
    extra=[("X-Mailer", "Foxmail 7.2.25.375[cn]")]), body), {
    "sn": "RCS25C0200101", "model": "RC-R2290 G5",
    "symptoms_contains": ["FAN3 Lower Critical going low", "风扇3转速掉到0"],
    "contact": "冯晓东", "phone": "022-23215566", "address_contains": "友谊路35号",
    "city": "天津市", "district": "河西区", "missing_parse": [],
    "attachments": [{"filename": "BMC告警截图.png", "content_type": "image/png"}],
    "charset_used": "GB18030"})

# A4: text/plain attachment with an RFC 2231 continued filename; the attachment holds a disk
#     serial and an 11-digit counter that must not become the SN or the phone.
t = """Hi,

第3块硬盘 SMART 报 Reallocated_Sector_Ct 一直在涨，今天阵列已经把它踢掉了，smartctl 输出见附件。
主机序列号: RCS25G0240116
机型 SYS-6029P-TRT
放在南京市江宁区秣陵街道将军大道100号 江宁数据中心 2楼 A区12号柜
联系人 钱昊  电话 025-5218 7766-8023

thx
"""
smart = """smartctl 7.3 2022-02-28 r5338 [x86_64-linux-5.14.0-362.el9.x86_64] (local build)
=== START OF INFORMATION SECTION ===
Device Model:     WDC WUH721818ALE6L4
Serial Number:    WD-3WH8KL2J
LU WWN Device Id: 5 000cca 2b1c4d9e3
Firmware Version: PCGNW232
User Capacity:    18,000,207,937,536 bytes [18.0 TB]
  5 Reallocated_Sector_Ct   0x0033   087   087   010    Pre-fail  Always       -       1288
  9 Power_On_Hours          0x0032   099   099   000    Old_age   Always       -       13923
241 Total_LBAs_Written      0x0032   100   100   000    Old_age   Always       -       17612345678
"""
fn = "硬盘SMART信息_第3块盘.txt"
q = urllib.parse.quote(fn.encode())
cut = q.index("%", 40)  # splits inside a multibyte character: segments join as bytes before decoding
ct, body = mp("mixed", "=-Zx3vQ9b0dT8lKp2Wn4YcA==", [
    tpart(t, "utf-8", "quoted-printable"),
    part('text/plain; charset="utf-8"', smart.encode(), "7bit",
         "attachment;\n filename*0*=UTF-8''%s;\n filename*1*=%s" % (q[:cut], q[cut:])),
])
d = date("2026-11-24 16:22")
fx("mime-text-attachment-rfc2231-continuation", mail(std(
    addr("钱昊", "qianhao@jinling-data.com"), ew("硬盘SMART报错 第3块盘掉线"), d,
    mid("uuid", "jinling-data.com"), ctype=ct, cte=None,
    extra=[("User-Agent", "Evolution 3.46.4-2")]), body), {
    "sn": "RCS25G0240116", "model": "SYS-6029P-TRT",
    "symptoms_contains": ["Reallocated_Sector_Ct"], "symptoms_excludes": ["Firmware Version", "thx"],
    "contact": "钱昊", "phone": "025-52187766-8023", "address_contains": "将军大道100号",
    "city": "南京市", "district": "江宁区", "missing_parse": [],
    "sn_candidates_excludes": ["WD-3WH8KL2J"],
    "attachments": [{"filename": fn, "content_type": "text/plain"}]})

# A5: multipart/alternative from Outlook, English, both parts quoted-printable.
t = """Hi team,

One of our GPU nodes in Beijing won't boot since this morning. It powers on, fans spin up, then
it stops at POST code 0xB7 and the BMC shows "CPU1 Status - Configuration Error". Nothing was
changed on the hardware.

Serial No.: RCS25J0260301
Model: AS-4125GS-TNRT
Address: 5/F, Building 3, No. 6 Zhongguancun South Street, Haidian District, Beijing
Contact: Li Na, +86 139 1063 2288

Thanks,
Li Na
Weiming LLM Research Institute
"""
h = """<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"><style>p{margin:0}</style></head>
<body><p>Hi team,</p><p>&nbsp;</p>
<p>One of our GPU nodes in Beijing won&#39;t boot since this morning. It powers on, fans spin up, then
it stops at POST code 0xB7 and the BMC shows &quot;CPU1 Status - Configuration Error&quot;. Nothing was
changed on the hardware.</p><p>&nbsp;</p>
<p>Serial No.: RCS25J0260301<br>Model: AS-4125GS-TNRT<br>
Address: 5/F, Building 3, No. 6 Zhongguancun South Street, Haidian District, Beijing<br>
Contact: Li Na, +86 139 1063 2288</p><p>&nbsp;</p>
<p>Thanks,<br>Li Na<br><span style="color:gray">Weiming LLM Research Institute</span></p></body></html>
"""
ct, body = mp("alternative", "_000_SG2PR06MB5432A1B2C3D4E5F6SG2PR06MB5432apcp_", [
    tpart(t, "utf-8", "quoted-printable"), tpart(h, "utf-8", "quoted-printable", "html")])
d = date("2026-11-19 08:47")
fx("mime-alternative-qp-english", mail(std(
    addr("Li Na", "lina@wmllm.org.cn"), "GPU node won't boot - POST 0xB7", d,
    mid("outlook", "SG2PR06MB5432.apcprd06.prod.outlook.com"), ctype=ct, cte=None,
    extra=[("Content-Language", "en-US"), ("Thread-Topic", "GPU node won't boot - POST 0xB7")]), body), {
    "sn": "RCS25J0260301", "model": "AS-4125GS-TNRT",
    "symptoms_contains": ["POST code 0xB7", "CPU1 Status - Configuration Error"],
    "symptoms_excludes": ["Hi team", "Weiming LLM Research Institute"],
    "contact": "Li Na", "phone": "13910632288", "address_contains": "Zhongguancun South Street",
    "city": "北京市", "district": "海淀区", "missing_parse": []})

# A6: Outlook: multipart/alternative[text/plain, multipart/related[text/html, inline image]].
t = """服务部的老师您好：

我院信息科机房一台服务器今天上午出现异响，声音像是风扇轴承的声音，前面板左侧的告警灯亮黄灯（见下图）。
[cid:image001.jpg@01DB3C2A.5E1F0A40]
目前业务还在跑，担心影响HIS系统，麻烦尽快安排人来看一下。

序列号：RCS25F0230008
型号：RC-R2290 G5
地址：成都市武侯区国学巷37号 华西信息中心2楼机房
联系人：罗晓梅  电话：028-8542 2178

罗晓梅
成都锦城医院 信息科
"""
h = """<html xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office">
<head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<style><!-- p.MsoNormal {margin:0cm; font-size:10.5pt; font-family:DengXian;} --></style></head>
<body lang="ZH-CN" link="#0563C1"><div class="WordSection1">
<p class="MsoNormal">服务部的老师您好：<o:p></o:p></p>
<p class="MsoNormal"><o:p>&nbsp;</o:p></p>
<p class="MsoNormal">我院信息科机房一台服务器今天上午出现异响，声音像是风扇轴承的声音，前面板左侧的告警灯亮黄灯（见下图）。<o:p></o:p></p>
<p class="MsoNormal"><img width="320" height="240" id="Picture_x0020_1" src="cid:image001.jpg@01DB3C2A.5E1F0A40"><o:p></o:p></p>
<p class="MsoNormal">目前业务还在跑，担心影响<span lang="EN-US">HIS</span>系统，麻烦尽快安排人来看一下。<o:p></o:p></p>
<p class="MsoNormal"><o:p>&nbsp;</o:p></p>
<p class="MsoNormal">序列号：<span lang="EN-US">RCS25F0230008</span><o:p></o:p></p>
<p class="MsoNormal">型号：<span lang="EN-US">RC-R2290 G5</span><o:p></o:p></p>
<p class="MsoNormal">地址：成都市武侯区国学巷<span lang="EN-US">37</span>号 华西信息中心<span lang="EN-US">2</span>楼机房<o:p></o:p></p>
<p class="MsoNormal">联系人：罗晓梅<span lang="EN-US">&nbsp; </span>电话：<span lang="EN-US">028-8542 2178</span><o:p></o:p></p>
<p class="MsoNormal"><o:p>&nbsp;</o:p></p>
<p class="MsoNormal">罗晓梅<o:p></o:p></p><p class="MsoNormal">成都锦城医院 信息科<o:p></o:p></p>
</div></body></html>
"""
rel_ct, rel_body = mp("related", "_005_HK0PR01MB2233B8F1C2D3E4A5HK0PR01MB2233apcp_", [
    tpart(h, "utf-8", "base64", "html"),
    part('image/jpeg; name="image001.jpg"', b64(JPEG), "base64",
         'inline; filename="image001.jpg"; size=%d' % len(JPEG),
         extra=[("Content-ID", "<image001.jpg@01DB3C2A.5E1F0A40>")]),
], params='; type="multipart/alternative"')
ct, body = mp("alternative", "_000_HK0PR01MB2233B8F1C2D3E4A5HK0PR01MB2233apcp_", [
    tpart(t, "utf-8", "base64"),
    part(rel_ct, rel_body)])
d = date("2026-11-25 10:31")
fx("mime-alternative-related-inline-image-outlook", mail(std(
    addr("罗晓梅", "luoxiaomei@jchospital.cn"), ew("服务器异响 告警灯亮黄灯"), d,
    mid("outlook", "HK0PR01MB2233.apcprd01.prod.exchangelabs.com"), ctype=ct, cte=None,
    extra=[("Thread-Index", "AdtCkq3m8vX1YzR0Q5eLw2nH4pJk9A=="), ("Content-Language", "zh-CN")]), body), {
    "sn": "RCS25F0230008", "model": "RC-R2290 G5",
    "symptoms_contains": ["异响", "风扇轴承"], "symptoms_excludes": ["服务部的老师您好", "成都锦城医院 信息科"],
    "contact": "罗晓梅", "phone": "028-85422178", "address_contains": "国学巷37号",
    "city": "成都市", "district": "武侯区", "missing_parse": []})

# A7: HTML only inside multipart/related (a logo in the signature); label and value in adjacent cells.
h = """<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>
<div style="font-size:14px;font-family:'Microsoft YaHei'">
<p>您好，以下设备申请保修：</p>
<table style="border:1px solid #999" cellpadding="6">
<tbody>
<tr><td>设备序列号</td><td>RCS25D0210033</td></tr>
<tr><td>设备型号</td><td>RC-R4290G G5</td></tr>
<tr><td>故障现象</td><td>BMC报 "PCIe Slot 4 Correctable Error" 后第3张GPU掉卡，<br>lspci 看不到该卡，冷启动后恢复，但每天都会复现</td></tr>
<tr><td>设备地址</td><td>杭州市滨江区网商路599号 之江智算中心 B2-03机柜</td></tr>
<tr><td>联系人</td><td>潘宇航</td></tr>
<tr><td>联系电话</td><td>0571-8663 2019</td></tr>
</tbody></table>
<br>
<table><tr><td><img src="cid:logo@zjzs" width="120"></td>
<td style="font-size:12px;color:#666">潘宇航 运维工程师<br>杭州之江智算有限公司<br>总机 0571-8663 2000 | 地址：杭州市滨江区网商路599号</td></tr></table>
</div></body></html>
"""
ct, body = mp("related", "--Apple-Mail=_7C1A2B3D-4E5F-4A6B-8C7D-9E0F1A2B3C4D", [
    tpart(h, "utf-8", "quoted-printable", "html"),
    part('image/png; name="logo.png"', b64(PNG), "base64", 'inline; filename="logo.png"',
         extra=[("Content-ID", "<logo@zjzs>")])], params='; type="text/html"')
d = date("2026-11-18 14:08")
fx("mime-related-html-only-table", mail(std(
    addr("潘宇航", "panyh@zjzs.tech"), ew("保修申请-GPU掉卡"), d, mid("uuid", "zjzs.tech"),
    ctype=ct, cte=None), body), {
    "sn": "RCS25D0210033", "model": "RC-R4290G G5",
    "symptoms_contains": ["PCIe Slot 4 Correctable Error", "掉卡"],
    "contact": "潘宇航", "phone": "0571-86632019", "address_contains": "网商路599号",
    "city": "杭州市", "district": "滨江区", "missing_parse": []})

# A8: nested: mixed[alternative[plain, related[html, png]], xlsx (RFC 2231 name)]; four SNs, one faulty.
t = """刘工好，

上周交付的4台机器（清单见附件）里，RCS25H0250020 这台在做压测的时候掉盘，
RAID 卡日志里反复出现 "PD 06 is now OFFLINE"，另外3台正常。

型号：RC-R2290 G5
地址：湖北省武汉市东湖新技术开发区高新大道999号 光谷云计算中心 3号机房
联系人：熊磊  18971026635

附件里其他3台的SN也在，供参考：RCS25H0250021、RCS25H0250022、RCS25H0250023。

熊磊
"""
h = ("<div>刘工好，</div><div><br></div><div>上周交付的4台机器（清单见附件）里，<b>RCS25H0250020</b> 这台在做压测的时候掉盘，</div>"
     "<div>RAID 卡日志里反复出现 \"PD 06 is now OFFLINE\"，另外3台正常。</div><div><br></div>"
     "<div>型号：RC-R2290 G5</div><div>地址：湖北省武汉市东湖新技术开发区高新大道999号 光谷云计算中心 3号机房</div>"
     "<div>联系人：熊磊&nbsp; 18971026635</div><div><br></div>"
     "<div>附件里其他3台的SN也在，供参考：RCS25H0250021、RCS25H0250022、RCS25H0250023。</div>"
     "<div><br></div><div><img src=\"cid:sig-1\"> 熊磊</div>\n")
rel = mp("related", "b3_related_c0ffee", [tpart(h, "utf-8", "base64", "html"),
    part("image/png", b64(PNG), "base64", "inline", extra=[("Content-ID", "<sig-1>")])])
alt = mp("alternative", "b2_alt_c0ffee", [tpart(t, "utf-8", "base64"), part(rel[0], rel[1])])
xl = "交付设备清单.xlsx"
ct, body = mp("mixed", "b1_mixed_c0ffee", [
    part(alt[0], alt[1]),
    part("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b64(XLSX), "base64",
         "attachment; filename*=UTF-8''" + urllib.parse.quote(xl.encode()))])
d = date("2026-11-26 17:55")
fx("mime-nested-mixed-alternative-related-xlsx", mail(std(
    addr("熊磊", "xionglei@ovcloud.com.cn"), ew("新交付服务器压测掉盘"), d,
    mid("uuid", "ovcloud.com.cn"), ctype=ct, cte=None), body), {
    "sn": "RCS25H0250020",
    "sn_candidates": ["RCS25H0250020", "RCS25H0250021", "RCS25H0250022", "RCS25H0250023"],
    "model": "RC-R2290 G5", "symptoms_contains": ["PD 06 is now OFFLINE"],
    "symptoms_excludes": ["刘工好"],
    "contact": "熊磊", "phone": "18971026635", "address_contains": "高新大道999号",
    "city": "武汉市", "missing_parse": [],
    "attachments": [{"filename": xl,
                     "content_type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}]})

# A9: forwarded as an attachment (message/rfc822): the details are only in the attached mail.
inner_t = """你好，

我们公司一台服务器风扇声音特别大，一直是满转速，BMC里看 FAN2 显示 "N/A"，温度正常，重启BMC也没用。

机器编号：RCS25Q0156001
型号：RC-R2290 G5
地址：河南省郑州市金水区花园路139号 中原云谷大厦12层机房
联系人：贾宏伟
电话：0371-6598 3322

贾宏伟
"""
inner = mail(std(addr("贾宏伟", "jiahw@zyyungu.com"), ew("服务器风扇满转速"), date("2026-11-13 15:02"),
                 mid("coremail", "zyyungu.com"), ctype="text/plain; charset=utf-8", cte="base64",
                 to=addr("销售-孟凡", "mengfan@roycom.com.cn")),
             b64(inner_t.encode()))
t = """服务部：

客户的报修邮件见附件，我这边在出差，请帮忙直接联系客户处理。

孟凡
融科联创 华中区销售
"""
ct, body = mp("mixed", "_002_TYZPR03MB7788ABCDEF012345_", [
    tpart(t, "utf-8", "base64"),
    part('message/rfc822; name="=?UTF-8?B?5pyN5Yqh5Zmo6aOO5omH5ruh6L2s6YCfLmVtbA==?="', inner, None,
         'attachment; filename="=?UTF-8?B?5pyN5Yqh5Zmo6aOO5omH5ruh6L2s6YCfLmVtbA==?="')])
d = date("2026-11-13 16:40")
fx("mime-forward-as-rfc822-attachment", mail(std(
    addr("孟凡", "mengfan@roycom.com.cn"), "FW: " + ew("服务器风扇满转速"), d,
    mid("outlook", "TYZPR03MB7788.apcprd03.prod.outlook.com"), ctype=ct, cte=None), body), {
    "sn": "RCS25Q0156001", "model": "RC-R2290 G5",
    "symptoms_contains": ["FAN2"], "symptoms_excludes": ["我这边在出差"],
    "contact": "贾宏伟", "phone": "0371-65983322", "address_contains": "花园路139号",
    "city": "郑州市", "district": "金水区"})

# A10: message/rfc822 attachment whose inner body is charset=gb2312 base64 with GBK-only 堃.
inner_t = """尊敬的融科联创工程师：

您好！我单位的服务器（主机序列号：RCS25C0200102）今日凌晨2点左右自动重启后，RAID卡无法识别，开机自检提示“No Virtual Drive Configured”，系统无法启动，业务中断。

设备地址：天津市滨海新区第三大街51号 泰达服务外包园3号楼1层机房
联系人：李堃
联系电话：13920183377

请尽快派工程师到现场处理，谢谢！

天津港数科技有限公司
李堃
"""
inner = mail(std(addr("李堃", "likun@tjgangshu.com", "GBK"), ew("紧急：服务器无法启动", "GBK"),
                 date("2026-11-08 07:12"), mid("foxmail", "tjgangshu.com", "202611080712"),
                 ctype='text/plain; charset="gb2312"', cte="base64"), b64(inner_t.encode("gb18030")))
t = """转给你们服务邮箱，客户很急，合同是 RoycomONE 的那一单。
"""
ct, body = mp("mixed", "=_aXa9sW1pQ2r", [
    tpart(t, "utf-8", "8bit"),
    part("message/rfc822", inner, "8bit", "attachment")])
d = date("2026-11-08 07:40")
fx("mime-rfc822-attachment-inner-gb2312-gbk-chars", mail(std(
    addr("杨帆", "yangfan@roycom.com.cn"), "Fwd: " + ew("紧急：服务器无法启动", "GBK"), d,
    mid("uuid", "roycom.com.cn"), ctype=ct, cte=None), body), {
    "sn": "RCS25C0200102", "symptoms_contains": ["No Virtual Drive Configured"],
    "contact": "李堃", "phone": "13920183377", "address_contains": "第三大街51号",
    "city": "天津市", "district": "滨海新区"})

# A11: inline forward, Gmail style "---------- Forwarded message ---------".
t = """Forwarding from our Shenzhen site, please follow up with Ms. Huang directly.

Best,
Daniel Cho
Regional IT Lead, Greater China
Kestrel Logistics Asia Ltd. | 18/F, One Island East, Hong Kong | +852 2960 1188

---------- Forwarded message ---------
From: 黄晓琳 <huangxl@kestrel-sz.cn>
Date: Tue, Nov 17, 2026 at 2:31 PM
Subject: 仓储系统服务器报警
To: Daniel Cho <daniel.cho@kestrel-asia.com>


Hi Daniel,

深圳仓的服务器前面板 i 灯一直闪红灯，BMC 报 "PS1 Power Supply Failure detected"，另一个电源在撑着。

SN: RCS25E0220450
Model: SYS-420GP-TNR
地址：Shenzhen Nanshan, 南海大道1057号科技大厦二期A座8楼
联系人：黄晓琳 手机 136 0265 1187

Thanks
Helen
"""
d = date("2026-11-17 15:20")
fx("mime-forward-inline-gmail-english-outer", mail(std(
    addr("Daniel Cho", "daniel.cho@kestrel-asia.com"), "Fwd: " + ew("仓储系统服务器报警"), d,
    mid("gmail", ""), ctype="text/plain; charset=\"UTF-8\"", cte="quoted-printable"),
    qp(t.encode())), {
    "sn": "RCS25E0220450", "model": "SYS-420GP-TNR",
    "symptoms_contains": ["PS1 Power Supply Failure detected"],
    "symptoms_excludes": ["Forwarding from our Shenzhen site", "One Island East", "Forwarded message", "Helen"],
    "contact": "黄晓琳", "phone": "13602651187", "address_contains": "南海大道1057号",
    "city": "深圳市", "district": "南山区", "missing_parse": []})

# A12: inline forward, Foxmail "-----原始邮件-----", outer writer adds nothing but a request.
t = """请帮忙处理，谢谢。

-----原始邮件-----
发件人："刘建军"<liujj@hebtd.gov.cn>
发送时间：2026年11月10日(星期二) 下午4:37
收件人："信息中心"<xxzx@hebtd.gov.cn>
主题：机房服务器开不开机

信息中心：
    我局机房的服务器停电后来电就开不开机了，按了电源键没反应，电源灯是橙色的。
    设备SN为RCS24K0009876，在石家庄市桥西区维明南大街108号 交通大厦4楼机房。
    联系人刘建军，电话0311-8790 6521。
"""
d = date("2026-11-11 08:55")
fx("mime-forward-inline-yuanshi-foxmail", mail(std(
    addr("河北交通信息中心", "xxzx@hebtd.gov.cn", "gb18030"), ew("转发：机房服务器开不开机", "gb18030"), d,
    mid("foxmail", "hebtd.gov.cn", "202611110855"), ctype='text/plain; charset="gb18030"', cte="base64"),
    b64(t.encode("gb18030"))), {
    "sn": "RCS24K0009876", "symptoms_contains": ["开不开机", "电源灯是橙色的"],
    "symptoms_excludes": ["发送时间", "信息中心:"],
    "contact": "刘建军", "phone": "0311-87906521", "address_contains": "维明南大街108号",
    "city": "石家庄市", "district": "桥西区", "charset_used": "GB18030"})

# A13: Outlook HTML only, charset=gb2312 declared (with GBK-only 喆 and 镕), quoted-printable,
#      Word markup, the table's labels carry a full-width colon inside a <span>.
h = """<html xmlns:o="urn:schemas-microsoft-com:office:office"><head>
<meta http-equiv=Content-Type content="text/html; charset=gb2312">
<meta name=Generator content="Microsoft Word 15 (filtered medium)"></head>
<body lang=ZH-CN><div class=WordSection1>
<p class=MsoNormal>您好！<span lang=EN-US><o:p></o:p></span></p>
<p class=MsoNormal>我中心存储服务器出现故障，具体信息如下：<span lang=EN-US><o:p></o:p></span></p>
<table class=MsoTableGrid border=1 cellspacing=0 cellpadding=0>
<tr><td width=120 valign=top><p class=MsoNormal>序列号<span lang=EN-US>:</span></p></td>
<td width=300 valign=top><p class=MsoNormal><span lang=EN-US>RCS25B0023457</span></p></td></tr>
<tr><td valign=top><p class=MsoNormal>型号</p></td>
<td valign=top><p class=MsoNormal><span lang=EN-US>SYS-2029U-TR4</span></p></td></tr>
<tr><td valign=top><p class=MsoNormal>故障描述</p></td>
<td valign=top><p class=MsoNormal>背板上<span lang=EN-US>12</span>块盘全部不识别，<span lang=EN-US>RAID</span>卡<span lang=EN-US>BIOS</span>里看不到物理盘，更换线缆无效</p></td></tr>
<tr><td valign=top><p class=MsoNormal>联系人</p></td>
<td valign=top><p class=MsoNormal>赵喆镕</p></td></tr>
<tr><td valign=top><p class=MsoNormal>电话</p></td>
<td valign=top><p class=MsoNormal><span lang=EN-US>010-88886666-123</span></p></td></tr>
<tr><td valign=top><p class=MsoNormal>地址</p></td>
<td valign=top><p class=MsoNormal>北京市西城区金融大街<span lang=EN-US>35</span>号国际企业大厦<span lang=EN-US>C</span>座<span lang=EN-US>B2</span></p></td></tr>
</table>
<p class=MsoNormal><span lang=EN-US><o:p>&nbsp;</o:p></span></p>
<p class=MsoNormal>此致<span lang=EN-US><o:p></o:p></span></p>
<p class=MsoNormal>敬礼<span lang=EN-US><o:p></o:p></span></p>
</div></body></html>
"""
d = date("2026-11-12 11:26")
fx("mime-html-only-outlook-gb2312-qp-table", mail(std(
    addr("赵喆镕", "zhaozherong@bjfin-dc.com", "gb2312"), ew("存储服务器硬盘全部不识别", "gb2312"), d,
    mid("exchange", "bjfin-dc.com"), ctype='text/html; charset="gb2312"', cte="quoted-printable",
    extra=[("X-Mailer", "Microsoft Outlook 16.0"), ("Thread-Index", "AdtDf0sQy1Hn8Vh2RqS6w5c0l6tB1w==")]),
    qp(h.encode("gb18030"))), {
    "from": "赵喆镕 <zhaozherong@bjfin-dc.com>", "subject": "存储服务器硬盘全部不识别",
    "sn": "RCS25B0023457", "model": "SYS-2029U-TR4",
    "symptoms_contains": ["块盘全部不识别", "更换线缆无效"], "symptoms_excludes": ["此致", "敬礼"],
    "contact": "赵喆镕", "phone": "010-88886666-123", "address_contains": "金融大街35号",
    "city": "北京市", "district": "西城区", "missing_parse": [], "charset_used": "GB18030"})

# A14: HTML only, <th> labels with full-width colon as an entity (&#65306;), value in the next cell.
h = """<html><body>
<h3 style="color:#c00">服务器报修单</h3>
<table border="1">
<tr><th align="left">客户单位&#65306;</th><td>成都天府软件园数据运营中心</td></tr>
<tr><th align="left">SN&#65306;</th><td>&nbsp;RCS26C0310442&nbsp;</td></tr>
<tr><th align="left">型号&#65306;</th><td>RC-R2290&nbsp;G5</td></tr>
<tr><th align="left">问题描述&#65306;</th><td>服务器系统日志频繁出现 mce: [Hardware Error] CPU 12: Machine Check Exception，之后死机，需要按电源键强制重启</td></tr>
<tr><th align="left">设备地址&#65306;</th><td>成都高新区天府三街199号 太平洋保险金融大厦A区5楼</td></tr>
<tr><th align="left">联系人&#65306;</th><td>唐敏</td></tr>
<tr><th align="left">联系电话&#65306;</th><td>180&nbsp;8051&nbsp;6673</td></tr>
</table>
<p style="font-size:11px;color:#999">本邮件由OA系统报修模块生成，如有疑问请联系信息部 028-6180 0000</p>
</body></html>
"""
d = date("2026-11-14 22:17")
fx("mime-html-only-th-td-entity-colon", mail(std(
    addr("唐敏", "tangmin@tfsoftpark-dc.cn"), ew("报修单-服务器死机"), d,
    mid("php", "tfsoftpark-dc.cn", "20261114221703"), ctype="text/html; charset=UTF-8", cte="base64"),
    b64(h.encode())), {
    "sn": "RCS26C0310442", "model": "RC-R2290 G5",
    "symptoms_contains": ["Machine Check Exception", "死机"], "symptoms_excludes": ["OA系统报修模块"],
    "contact": "唐敏", "phone": "18080516673", "address_contains": "天府三街199号",
    "city": "成都市", "district": "高新区", "missing_parse": []})

# A15: QQ Mail HTML only: <div>/<br>/<font>, &nbsp; between label and value, no table.
h = """<meta http-equiv="Content-Type" content="text/html; charset=GB18030"><div>在吗</div><div><br></div><div>我们机房<font color="#ff0000">服务器掉电</font>了，重新上电以后一直卡在开机logo界面进不去系统&nbsp;</div><div>SN&nbsp;&nbsp;RCS25G0240117</div><div>南京江宁将军大道100号</div><div>小钱&nbsp;15150681212</div><div><br></div><div style="font-size: 12px;font-family: Arial Narrow;padding:2px 0 2px 0;">------------------&nbsp;原始邮件&nbsp;------------------</div><div style="font-size: 12px;background:#efefef;padding:8px;"><div><b>发件人:</b>&nbsp;"融科联创服务支持"&lt;service@roycom.com.cn&gt;;</div><div><b>发送时间:</b>&nbsp;2026年11月2日(星期一) 上午10:02</div></div><div>您好，您的报修已处理完毕。</div>"""
d = date("2026-11-28 21:49")
fx("mime-html-only-qq-divs-no-table", mail(std(
    addr("钱昊", "1034567890@qq.com", "gb18030"), ew("服务器进不去系统", "gb18030"), d,
    mid("qq", ""), ctype='text/html; charset="gb18030"', cte="base64"),
    b64(h.encode("gb18030"))), {
    "sn": "RCS25G0240117", "symptoms_contains": ["卡在开机logo界面"],
    "symptoms_excludes": ["在吗", "您的报修已处理完毕"],
    "phone": "15150681212", "city": "南京市", "district": "江宁区",
    "address_contains": "将军大道100号", "charset_used": "GB18030"})

# A16: format=flowed; delsp=yes with soft breaks inside Chinese words (joined without a space).
t = ("您好，我们有一台服务器今天早上巡检发现硬盘背 \r\n"
     "板故障告警，12个盘位里有4个盘位的指示灯不亮，插 \r\n"
     "进去的盘系统识别不到。\r\n"
     "\r\n"
     "序列号：RCS25A0012347\r\n"
     "地址：北京市海淀区上地十街 \r\n"
     "10号百度大厦东侧 辅楼B1机房\r\n"
     "联系人：白雪 13552018864\r\n"
     "\r\n"
     "-- \r\n"
     "白雪\r\n"
     "北京智联云途科技有限公司\r\n")
d = date("2026-11-04 09:03")
fx("mime-format-flowed-delsp-yes-chinese", mail(std(
    addr("白雪", "baixue@bjzl-yuntu.com"), ew("硬盘背板故障告警"), d,
    mid("uuid", "bjzl-yuntu.com"), ctype="text/plain; charset=UTF-8; format=flowed; delsp=yes",
    cte="8bit", extra=[("User-Agent", "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Thunderbird/128.4.3")]),
    t.encode(), crlf=True), {
    "sn": "RCS25A0012347", "symptoms_contains": ["硬盘背板故障告警", "插进去的盘系统识别不到"],
    "symptoms_excludes": ["北京智联云途科技有限公司"],
    "contact": "白雪", "phone": "13552018864", "address_contains": "上地十街10号",
    "city": "北京市", "district": "海淀区", "missing_parse": ["model"]})

# A17: format=flowed, delsp=no (Thunderbird, English), with space-stuffed lines.
t = ("Hello,\n\n"
     "Our server in Shanghai stopped responding this night. The console shows \n"
     "a kernel panic with \"Fatal Machine check\" and the BMC SEL has an entry \n"
     "\"Uncorrectable Machine Check Exception - Processor #0x01\". It has happened \n"
     "twice this week.\n\n"
     "  From the SEL it looks like CPU2.\n\n"
     "S/N: RCS25E0056790\n"
     "Model: RC-R2290 G5\n"
     "Site: Pudong New Area, Shanghai, 2F, No. 690 Bibo Road\n"
     "Contact: Shen Jiayi, 021-5080 3321\n\n"
     "Regards,\nJiayi\n")
d = date("2026-11-07 07:26")
fx("mime-format-flowed-delsp-no-english", mail(std(
    addr("Shen Jiayi", "shenjiayi@pjsz-tech.com"), "Kernel panic - Fatal Machine check (RCS25E0056790)", d,
    mid("uuid", "pjsz-tech.com"), ctype="text/plain; charset=UTF-8; format=flowed", cte="7bit"),
    t.encode()), {
    "sn": "RCS25E0056790", "model": "RC-R2290 G5",
    "symptoms_contains": ["The console shows a kernel panic", "Uncorrectable Machine Check Exception"],
    "symptoms_excludes": ["Regards"], "phone": "021-50803321", "address_contains": "Bibo Road",
    "city": "上海市", "missing_parse": []})

# A18: Outlook rich text: text/plain body + winmail.dat (application/ms-tnef).
t = """Dear Sir/Madam,

Please be informed that the server below is showing a memory error on DIMMB1 and the system event
log is filling up with "Correctable ECC logging limit reached". Kindly arrange a replacement DIMM.

Server S/N : RCS25L0112346
Server model : RC-R4290G G5
Site address : 6/F, Block B, Hengtong Plaza, 10 Jiuxianqiao Road, Chaoyang District, Beijing
Site contact : Wu Zhe (mobile 136-0112-8891)

Best Regards,
Rajesh Kumar
Service Delivery Manager | Infinitum Systems Pte. Ltd.
DID +65 6221 8870 | Mobile +65 9123 4567

DISCLAIMER: This email and any attachments are confidential and may be privileged. If you are not
the intended recipient, please notify the sender immediately and delete it from your system.
"""
ct, body = mp("mixed", "_001_SG2PR06MB9911F0E1D2C3B4A5SG2PR06MB9911apcp_", [
    tpart(t, "us-ascii", "7bit"),
    part('application/ms-tnef; name="winmail.dat"', b64(TNEF), "base64",
         'attachment; filename="winmail.dat"')])
d = date("2026-11-20 17:02")
fx("mime-tnef-winmail-dat", mail(std(
    addr("Rajesh Kumar", "rajesh.kumar@infinitum-sys.com.sg"), "Memory error on DIMMB1 - S/N RCS25L0112346", d,
    mid("outlook", "SG2PR06MB9911.apcprd06.prod.outlook.com"), ctype=ct, cte=None,
    extra=[("X-MS-TNEF-Correlator", "<SG2PR06MB9911F0E1D2C3B4A5@SG2PR06MB9911.apcprd06.prod.outlook.com>")]), body), {
    "sn": "RCS25L0112346", "model": "RC-R4290G G5",
    "symptoms_contains": ["Correctable ECC logging limit reached"],
    "symptoms_excludes": ["Dear Sir/Madam", "DISCLAIMER", "Infinitum Systems"],
    "contact": "Wu Zhe", "phone": "13601128891", "address_contains": "Jiuxianqiao Road",
    "city": "北京市", "district": "朝阳区", "missing_parse": [],
    "attachments": [{"filename": "winmail.dat", "content_type": "application/ms-tnef"}]})

# A19: CRLF line ends throughout, base64 text/plain.
t = """领导好
咱们那台服务器又死机了，屏幕黑的，键盘没反应，只能长按电源强制关机，这个月第三次了
SN是RCS25N0134568
西安市未央区凤城十二路1号经开数据中心3楼
联系我就行 马晓东 029-8621 4455转603
"""
d = date("2026-11-21 19:33")
fx("mime-crlf-base64-plain", mail(std(
    addr("马晓东", "maxiaodong@sxjk-dc.cn"), ew("又死机了"), d, mid("coremail", "sxjk-dc.cn"),
    ctype="text/plain; charset=utf-8", cte="base64"), b64(t.encode()), crlf=True), {
    "sn": "RCS25N0134568", "symptoms_contains": ["又死机了", "长按电源强制关机"],
    "symptoms_excludes": ["领导好"],
    "phone": "029-86214455-603", "address_contains": "凤城十二路1号",
    "city": "西安市", "district": "未央区", "charset_used": "UTF-8"})

# A20: attachment before the text part (some mobile clients), photo named by the phone.
t = """师傅你好 照片是机器后面的电源，左边那个电源灯不亮，右边绿灯。另外机器一直在嘀嘀叫
机器编号 RCS25F0067891 型号RC-R2290 G5
位置：石家庄市长安区中山东路508号东胜广场B座9层
找我 赵志刚 13831125670
"""
ct, body = mp("mixed", "Apple-Mail-6B2A19C4-7E3D-4F21-9A0B-D5E4C3B2A190", [
    part('image/jpeg; name="IMG_4021.JPG"; x-apple-part-url=6C1B7E1A-0D55-4A7A-8E0E-1A2B3C4D5E6F',
         b64(JPEG), "base64", 'attachment; filename="IMG_4021.JPG"'),
    tpart(t, "utf-8", "quoted-printable")])
d = date("2026-11-15 11:48")
fx("mime-attachment-before-text", mail(std(
    addr("赵志刚", "zhaozhigang1983@qq.com"), ew("电源灯不亮"), d, mid("apple", "qq.com"),
    ctype=ct, cte=None, extra=[("X-Mailer", "iPhone Mail (22B91)")]), body), {
    "sn": "RCS25F0067891", "model": "RC-R2290 G5",
    "symptoms_contains": ["左边那个电源灯不亮", "嘀嘀叫"], "symptoms_excludes": ["师傅你好"],
    "contact": "赵志刚", "phone": "13831125670", "address_contains": "中山东路508号",
    "city": "石家庄市", "district": "长安区", "missing_parse": [],
    "attachments": [{"filename": "IMG_4021.JPG", "content_type": "image/jpeg"}]})

# A21: multipart/alternative whose text/plain part is empty; everything is in the HTML part.
h = """<html><body><p>您好:</p>
<p>贵司售后，我们这有台服务器BIOS里面看内存只认出来<b>448G</b>，实际插的是512G（16条32G），少了两条，
位置是 P1-DIMMF1 和 P1-DIMMF2，两条换了槽位还是不认。</p>
<p>序列号: RCS25K0101235<br/>
型号: SYS-120U-TNR<br/>
地址: 杭州市西湖区文三路90号东部软件园2号楼4楼<br/>
联系人: 周晨曦<br/>
电话: 0571-8821 6654</p>
<p>--<br/>周晨曦 | 杭州西溪云软件有限公司</p></body></html>"""
ct, body = mp("alternative", "000000000000f3a2b1062c9d7e11", [
    part('text/plain; charset="UTF-8"', b"\n", "7bit"), tpart(h, "UTF-8", "quoted-printable", "html")])
d = date("2026-11-10 10:10")
fx("mime-alternative-empty-plain-part", mail(std(
    addr("周晨曦", "zhouchenxi@hzxy-soft.com"), ew("内存识别不全"), d, mid("gmail", ""),
    ctype=ct, cte=None), body), {
    "sn": "RCS25K0101235", "model": "SYS-120U-TNR",
    "symptoms_contains": ["448G", "两条换了槽位还是不认"], "symptoms_excludes": ["杭州西溪云软件有限公司"],
    "contact": "周晨曦", "phone": "0571-88216654", "address_contains": "文三路90号",
    "city": "杭州市", "district": "西湖区", "missing_parse": []})

# A22: Apple Mail splits the body around an inline photo: text/plain, image (inline), text/plain.
t1 = """您好，机器开机自检的时候报这个错：

"""
t2 = """
（屏幕上是 "PEI--Intel MRC Execution--Memory Init." 然后就卡住不动了，代码 0x19）

SN：ZM25AS000871
型号：SYS-120U-TNR
地址：新疆乌鲁木齐市沙依巴克区友好北路689号 丝路云大厦6层
联系人：艾力江 电话：0991-4521 336

发自我的 iPad
"""
ct, body = mp("mixed", "Apple-Mail=_3F2E1D0C-B9A8-4765-9483-A2B1C0D9E8F7", [
    tpart(t1, "utf-8", "quoted-printable", extra=[("Content-Disposition", "inline")]),
    part('image/jpeg; name="IMG_0712.jpeg"', b64(JPEG), "base64", 'inline; filename="IMG_0712.jpeg"',
         extra=[("Content-Id", "<8E1F0A2B-3C4D-4E5F-8A9B-0C1D2E3F4A5B>")]),
    tpart(t2, "utf-8", "quoted-printable", extra=[("Content-Disposition", "inline")])])
d = date("2026-11-29 12:03", "+0600")
fx("mime-apple-split-text-around-inline-image", mail(std(
    addr("艾力江", "alijan@silkcloud.cn"), ew("开机卡在内存初始化"), d, mid("apple", "silkcloud.cn"),
    ctype=ct, cte=None, extra=[("X-Mailer", "iPad Mail (22B83)")]), body), {
    "sn": "ZM25AS000871", "model": "SYS-120U-TNR",
    "symptoms_contains": ["Memory Init", "0x19"], "symptoms_excludes": ["发自我的 iPad"],
    "contact": "艾力江", "phone": "0991-4521336", "address_contains": "友好北路689号",
    "city": "乌鲁木齐市", "district": "沙依巴克区", "missing_parse": []})

# =============================================================================================
# B. Charsets
# =============================================================================================

# B1: charset=gb2312 declared, raw 8bit, with GBK-only characters (镕 喆 堃 珺) in the text.
t = """您好，

我是天津滨海新区的客户，我们这台服务器最近频繁自动重启，系统日志里没有记录，BMC里有“Watchdog 2 Hard Reset”事件。

设备序列号：RCS25C0200103
联系人：王镕珺
手机：15822446617
地址：天津市滨海新区黄海路249号 中信证券数据中心2楼

另外，我们的同事陶喆、李堃之前也报过一次类似的问题，不知道是不是同一个原因。

王镕珺
"""
d = date("2026-11-05 14:48")
fx("cs-gb2312-declared-gbk-only-chars-8bit", mail(std(
    addr("王镕珺", "wangrongjun@tjcitic-dc.com", "gb2312"), ew("服务器频繁自动重启", "gb2312"), d,
    mid("foxmail", "tjcitic-dc.com", "202611051448"), ctype='text/plain; charset="gb2312"', cte="8bit"),
    t.encode("gb18030")), {
    "from": "王镕珺 <wangrongjun@tjcitic-dc.com>", "subject": "服务器频繁自动重启",
    "sn": "RCS25C0200103", "symptoms_contains": ["Watchdog 2 Hard Reset", "频繁自动重启"],
    "contact": "王镕珺", "phone": "15822446617", "address_contains": "黄海路249号",
    "city": "天津市", "district": "滨海新区", "missing_parse": ["model"], "charset_used": "GB18030"})

# B2: charset=gbk declared, quoted-printable (every byte of the Chinese escaped), 喆 in the signature.
t = """各位好：
服务器的RAID卡电池（BBU）告警，MegaRAID Storage Manager 提示 "BBU needs replacement"，缓存策略已经自动从WriteBack变成WriteThrough了，IO性能下降很明显。

SN: RCS25L0112347   型号: RC-R4290G G5
设备地址: 北京市朝阳区酒仙桥路10号恒通广场B座6层
联系人: 吴喆
电话: 136 0112 8890

北京星河智算科技有限公司
地址：北京市朝阳区酒仙桥路10号  总机：010-6437 8800
"""
d = date("2026-11-06 16:30")
fx("cs-gbk-declared-qp", mail(std(
    addr("吴喆", "wuzhe@xhzs.com.cn", "GBK"), ew("RAID卡电池告警 BBU", "GBK", "Q"), d,
    mid("exchange", "xhzs.com.cn"), ctype='text/plain; charset="gbk"', cte="quoted-printable"),
    qp(t.encode("gb18030"))), {
    "from": "吴喆 <wuzhe@xhzs.com.cn>", "subject": "RAID卡电池告警 BBU",
    "sn": "RCS25L0112347", "model": "RC-R4290G G5",
    "symptoms_contains": ["BBU needs replacement", "IO性能下降很明显"],
    "symptoms_excludes": ["总机"], "contact": "吴喆", "phone": "13601128890",
    "address_contains": "酒仙桥路10号", "city": "北京市", "district": "朝阳区",
    "missing_parse": [], "charset_used": "GB18030"})

# B3: charset=GB18030 declared, base64, with 4-byte GB18030 sequences (emoji, CJK Ext-B 𠀋).
t = """救命😭 服务器又挂了，开机一直卡在 Supermicro logo 那里不动，按 DEL 进不去 BIOS🙏

序列号RCS26B0300015
拉萨市堆龙德庆区羊达街道 高原云数据中心 2楼
联系人 次旦𠀋 电话18908918877
"""
d = date("2026-11-22 02:14")
fx("cs-gb18030-declared-4byte-emoji", mail(std(
    addr("次旦", "cidan@gyyun.cn", "GB18030"), ew("又挂了😭", "GB18030"), d,
    mid("coremail", "gyyun.cn"), ctype="text/plain; charset=GB18030", cte="base64"),
    b64(t.encode("gb18030"))), {
    "subject": "又挂了😭", "sn": "RCS26B0300015", "contact": "次旦𠀋",
    "symptoms_contains": ["卡在 Supermicro logo 那里不动", "进不去 BIOS"],
    "phone": "18908918877", "city": "拉萨市", "district": "堆龙德庆区",
    "address_contains": "羊达街道", "charset_used": "GB18030"})

# B4: charset=big5 declared, Traditional Chinese from a Taiwanese engineer; the device is in Shenzhen.
t = """您好：

我們在深圳南山的機房有一台伺服器，昨晚開始兩顆硬碟同時亮橘燈，RAID 控制器顯示 Degraded，
請協助安排工程師到場更換。

S/N: RCS25E0220452
機型: SYS-420GP-TNR
地址: 深圳市南山區粵海街道高新南九道10號 深圳灣科技生態園10棟B座
聯絡人: 林志豪
電話: +86 135 9011 2046

林志豪 敬上
台灣鴻達精密 深圳分公司 資訊部
"""
d = date("2026-11-09 09:40")
fx("cs-big5-declared", mail(std(
    addr("林志豪", "chlin@hongda-sz.com.tw", "Big5"), ew("伺服器硬碟亮橘燈", "Big5"), d,
    mid("outlook", "TYZPR03MB5566.apcprd03.prod.outlook.com"), ctype="text/plain; charset=big5",
    cte="8bit"), t.encode("big5")), {
    "from": "林志豪 <chlin@hongda-sz.com.tw>", "subject": "伺服器硬碟亮橘燈",
    "sn": "RCS25E0220452", "model": "SYS-420GP-TNR", "symptoms_contains": ["Degraded"],
    "symptoms_excludes": ["敬上"], "contact": "林志豪", "phone": "13590112046", "city": "深圳市", "charset_used": "Big5"})

# B5: no charset anywhere: Content-Type text/plain without charset, raw 8bit GB18030 (old Foxmail).
t = """你好，服务器的一块电源坏了，电源模块上的灯是红色的，BMC报PSU2 Failure。
SN：RCS25F0067892
型号：RC-R2290 G5
石家庄市裕华区槐安东路106号联通大厦5层
联系人：赵志刚 0311-8566 3201
"""
d = date("2026-11-03 10:21")
fx("cs-undeclared-gb18030-ctype-without-charset", mail(std(
    addr("赵志刚", "zhaozg@sjzhx.com.cn", "gb2312"), ew("电源模块故障", "gb2312"), d,
    mid("foxmail", "sjzhx.com.cn", "202611031021"), ctype="text/plain", cte="8bit"),
    t.encode("gb18030")), {
    "sn": "RCS25F0067892", "model": "RC-R2290 G5", "symptoms_contains": ["PSU2 Failure"],
    "phone": "0311-85663201", "address_contains": "槐安东路106号", "city": "石家庄市",
    "district": "裕华区", "charset_used": "GB18030"})

# B6: no MIME headers at all, raw 8bit GB18030 body (a script that mails from a server).
t = """报修：
服务器 RCS25G0240118 的 IPMI 报告 CPU0 温度 96 度，已经触发降频 (Thermal Throttling)。
机房空调正常，其他机器温度都在 60 度左右，怀疑散热器硅脂或者风扇有问题。
南京市江宁区将军大道100号
钱昊 15150681212
"""
d = date("2026-11-08 03:15")
fx("cs-undeclared-gb18030-no-mime-headers", mail(std(
    "monitor@jinling-data.com", "server overheat report", d, mid("php", "jinling-data.com", "20261108031500"),
    mime=False), t.encode("gb18030")), {
    "from": "monitor@jinling-data.com", "sn": None, "sn_candidates": ["RCS25G0240118"],
    "symptoms_contains": ["Thermal Throttling", "温度 96 度"], "phone": "15150681212",
    "city": "南京市", "district": "江宁区", "charset_used": "GB18030"})

# B7: no MIME headers, raw 8bit UTF-8 body.
t = """服务器 S/N：RCS25A0012348 今天早上开始 BMC 网口 ping 不通，但是系统业务网口正常，
重启 BMC（ipmitool mc reset cold）也没用，BMC 那个网口的灯不亮。
型号 SYS-620U-TNR，北京海淀区上地信息路11号彩虹大厦3层
联系人 王磊 13910126688
"""
d = date("2026-11-24 09:58")
fx("cs-undeclared-utf8-no-mime-headers", mail(std(
    addr("王磊", "wanglei_bj@163.com"), ew("BMC网口不通"), d, mid("coremail", "163.com"),
    mime=False), t.encode()), {
    "sn": "RCS25A0012348", "model": "SYS-620U-TNR",
    "symptoms_contains": ["BMC 网口 ping 不通", "ipmitool mc reset cold"],
    "contact": "王磊", "phone": "13910126688", "city": "北京市", "district": "海淀区",
    "address_contains": "上地信息路11号", "charset_used": "UTF-8"})

# B8: RFC 2047 subject and From name split inside a UTF-8 character, the way mailers that chop one
#     base64 stream into fixed-size words do it: each word holds a multiple of 3 bytes (no padding),
#     so the cut falls in the middle of 个 and of 买.
t = """硬盘背板上第7个盘位的灯不亮，插什么盘都识别不到，其他盘位正常。
S/N: RCS25J0260302
北京市海淀区颐和园路5号 未名大模型研究院 B1机房
联系人 孟繁星 186 0013 7720
"""
d = date("2026-11-18 20:05")
subj = "第7个盘位识别不到"
assert "=" not in ew_split_bytes(subj, "UTF-8", 6).split("?")[3]  # the first word has no padding
fx("cs-rfc2047-split-multibyte-utf8", mail(std(
    ew_split_bytes("阿不都·买买提", "UTF-8", 12) + " <abdu.maimaiti@wmllm.org.cn>",
    ew_split_bytes(subj, "UTF-8", 6), d, mid("uuid", "wmllm.org.cn"),
    ctype="text/plain; charset=utf-8", cte="base64"), b64(t.encode())), {
    "from": "阿不都·买买提 <abdu.maimaiti@wmllm.org.cn>", "subject": subj, "sn": "RCS25J0260302",
    "symptoms_contains": ["第7个盘位的灯不亮"], "contact": "孟繁星", "phone": "18600137720",
    "city": "北京市", "district": "海淀区"})

# B9: the same with GBK and the Q encoding: the split falls between the two bytes of 镕.
t = """您好，服务器在运行过程中突然断电重启，事件日志里是 "AC Power Lost"，UPS 那边没有断电记录。
设备序列号：RCS24C0034568
天津市西青区海泰西路18号A座2层机房  联系人 刘镕 022-5867 1234 转 8012
"""
d = date("2026-11-27 11:11")
subj = "刘镕：服务器突然断电重启"
fx("cs-rfc2047-split-multibyte-gbk-q", mail(std(
    ew_split_bytes("刘镕", "GBK", 3, "Q") + " <liurong@tjzhxx.com.cn>",
    ew_split_bytes(subj, "GBK", 3, "Q"), d, mid("foxmail", "tjzhxx.com.cn", "202611271111"),
    ctype='text/plain; charset="GBK"', cte="base64"), b64(t.encode("gb18030"))), {
    "from": "刘镕 <liurong@tjzhxx.com.cn>", "subject": subj, "sn": "RCS24C0034568",
    "symptoms_contains": ["AC Power Lost"], "phone": "022-58671234-8012",
    "city": "天津市", "district": "西青区", "charset_used": "GB18030"})

# B10: raw 8-bit UTF-8 in the Subject and From headers (no RFC 2047 at all).
t = """机器风扇全速转，噪音很大，BMC 显示 "Fan Fail"。SN：RCS25H0089013 型号 SYS-6029P-TRT
地址：新疆乌鲁木齐市天山区人民路2号 天山云数据中心
联系人：古丽 电话：13999224518
"""
d = date("2026-11-19 18:44")
fx("cs-raw-utf8-8bit-headers", mail(std(
    "古丽 <guli@tsyun.com.cn>".encode(), "服务器风扇全速 噪音大".encode(), d,
    mid("php", "tsyun.com.cn", "20261119184400"), ctype="text/plain; charset=utf-8", cte="8bit"),
    t.encode()), {
    "from": "古丽 <guli@tsyun.com.cn>", "subject": "服务器风扇全速 噪音大",
    "sn": "RCS25H0089013", "model": "SYS-6029P-TRT", "symptoms_contains": ["Fan Fail"],
    "contact": "古丽", "phone": "13999224518", "city": "乌鲁木齐市", "district": "天山区",
    "address_contains": "人民路2号", "charset_used": "UTF-8"})

# B11: declared UTF-8 but a few bytes are invalid (a pasted console line): replacement characters.
t = ("您好，服务器串口输出乱码后死机，截下来的内容如下：\n"
     "console: ").encode() + b"\xff\xfe\xc3\x28 \xa0\xa1 BUG: soft lockup" + ("""
之后系统就没有响应了。
SN: RCS25M0123457
型号: RC-R2290 G5
地址: 北京市海淀区中关村南大街5号理工科技大厦B1层
联系人: 王堃 18610085566
""").encode()
d = date("2026-11-23 13:37")
fx("cs-utf8-declared-invalid-bytes", mail(std(
    addr("王堃", "wangkun@bjhz-fin.com"), ew("串口乱码后死机"), d, mid("uuid", "bjhz-fin.com"),
    ctype="text/plain; charset=utf-8", cte="8bit"), t), {
    "sn": "RCS25M0123457", "model": "RC-R2290 G5", "symptoms_contains": ["soft lockup", "死机"],
    "contact": "王堃", "phone": "18610085566", "city": "北京市", "district": "海淀区",
    "replacements_min": 1})

# B12: charset="x-gbk" (an alias some webmail sends) with GBK-only 喆.
t = """你好
服务器前面板报警灯一直闪，机箱打开传感器报 "Chassis Intru"，我们没有开过机箱。
设备SN：RCS25L0112348
地址：北京市朝阳区酒仙桥路10号恒通广场B座6层
联系人：陶喆 电话 13601128892
"""
d = date("2026-11-25 15:15")
fx("cs-x-gbk-alias", mail(std(
    addr("陶喆", "taozhe@xhzs.com.cn", "x-gbk"), ew("机箱入侵告警", "x-gbk"), d,
    mid("coremail", "xhzs.com.cn"), ctype="text/plain; charset=x-gbk", cte="base64"),
    b64(t.encode("gb18030"))), {
    "from": "陶喆 <taozhe@xhzs.com.cn>", "subject": "机箱入侵告警", "sn": "RCS25L0112348",
    "symptoms_contains": ["Chassis Intru"], "contact": "陶喆", "phone": "13601128892",
    "city": "北京市", "district": "朝阳区"})

# B13: multipart/alternative with different charsets: text/plain gbk, text/html utf-8.
t = """你好：
我们这边的服务器内存告警，DIMMA2 报 Correctable ECC 次数超过阈值。
设备SN：RCS25D0045679 型号：RC-R4290G G5
成都高新区天府大道中段1388号美年广场A座12楼
联系人：陈晓燕 15828173306
"""
h = "<div>" + t.replace("\n", "</div><div>") + "</div>"
ct, body = mp("alternative", "----=_NextPart_673E0A1C_0F0E1D2C_71A8B3C4", [
    tpart(t, "gbk", "base64"), tpart(h, "utf-8", "base64", "html")],
    preamble=b"This is a multi-part message in MIME format.\n\n")
d = date("2026-11-26 10:42")
fx("cs-alternative-gbk-plain-utf8-html", mail(std(
    addr("陈晓燕", "chenxy@tfzs-ai.com", "gbk"), ew("内存ECC告警", "gbk"), d,
    mid("foxmail", "tfzs-ai.com", "202611261042"), ctype=ct, cte=None), body), {
    "sn": "RCS25D0045679", "model": "RC-R4290G G5", "symptoms_contains": ["Correctable ECC"],
    "contact": "陈晓燕", "phone": "15828173306", "city": "成都市", "district": "高新区",
    "address_contains": "天府大道中段1388号", "missing_parse": []})

# B14: ISO-8859-1 quoted-printable from a German engineer; umlauts; city in English.
t = """Hallo Roycom-Team,

the BMC of our server reports "Voltage P12V Lower Critical - going low" and the server shuts down
under full load. We checked the PDU, it's fine. Our engineer Mr. Müller is on site next week.

S/N: RCS25B0023458
Model: SYS-2029U-TR4
Location: Haidian District, Beijing (Zhongguancun SOHO, Room 1203)
Contact: Jürgen Müller, +86 138 0013 5679

Mit freundlichen Grüßen
Jürgen Müller
"""
d = date("2026-11-11 08:15", "+0100")
fx("cs-iso-8859-1-qp-english", mail(std(
    addr("Jürgen Müller", "juergen.mueller@hartmann-praezision.de", "ISO-8859-1", "Q"),
    "Server shuts down under load - P12V Lower Critical", d, mid("uuid", "hartmann-praezision.de"),
    ctype="text/plain; charset=ISO-8859-1", cte="quoted-printable"), qp(t.encode("latin-1"))), {
    "from": "Jürgen Müller <juergen.mueller@hartmann-praezision.de>",
    "sn": "RCS25B0023458", "model": "SYS-2029U-TR4",
    "symptoms_contains": ["Voltage P12V Lower Critical"],
    "symptoms_excludes": ["Hallo Roycom-Team", "Mit freundlichen"],
    "contact": "Jürgen Müller", "phone": "13800135679", "city": "北京市", "district": "海淀区",
    "charset_used": "ISO-8859-1"})

# B15: charset=us-ascii declared but the body is UTF-8 (a web form that lies about its charset).
t = """[Web表单] 报修申请
设备SN：RCS25Q0156002
设备型号：RC-R2290 G5
问题描述：服务器无法进入系统，提示 "Operating System not found"，之前正常运行，没做过任何变更
设备地址：河南省郑州市金水区花园路139号 中原云谷大厦12层
联系人：贾宏伟
联系电话：13838106612
"""
d = date("2026-11-30 14:02")
fx("cs-declared-us-ascii-actually-utf8", mail(std(
    "webform@zyyungu.com", "=?utf-8?q?=5BWeb=E8=A1=A8=E5=8D=95=5D_=E6=8A=A5=E4=BF=AE=E7=94=B3=E8=AF=B7?=",
    d, mid("php", "zyyungu.com", "20261130140200"), ctype="text/plain; charset=us-ascii", cte="8bit",
    extra=[("Reply-To", "jiahw@zyyungu.com"), ("X-Mailer", "PHPMailer 6.9.1 (https://github.com/PHPMailer/PHPMailer)")]),
    t.encode()), {
    "subject": "[Web表单] 报修申请", "sn": "RCS25Q0156002", "model": "RC-R2290 G5",
    "symptoms_contains": ["Operating System not found"], "contact": "贾宏伟",
    "phone": "13838106612", "address_contains": "花园路139号", "city": "郑州市",
    "district": "金水区", "missing_parse": [], "charset_used": "UTF-8"})

# =============================================================================================
# C. SN labels, separators and other text forms
# =============================================================================================

# C1: full-width everything (phone IME in full-width mode): ＳＮ：ＲＣＳ２５…, digits, colon, spaces.
t = """你好！服务器硬盘报警，前面第二块盘红灯
ＳＮ：ＲＣＳ２５Ａ００１２３４９
型号：ＳＹＳ－６２０Ｕ－ＴＮＲ
地址：北京市海淀区上地十街１０号　辅楼Ｂ１机房
联系人：白雪　电话：１３５５２０１８８６４
"""
d = date("2026-11-07 21:30")
fx("sn-fullwidth-label-digits-colon", mail(std(
    addr("白雪", "baixue_1990@163.com"), ew("硬盘报警ＲＣＳ２５Ａ００１２３４９"), d,
    mid("coremail", "163.com"), ctype="text/plain; charset=UTF-8", cte="base64"), b64(t.encode())), {
    "subject": "硬盘报警ＲＣＳ２５Ａ００１２３４９",
    "sn": "RCS25A0012349", "model": "SYS-620U-TNR", "symptoms_contains": ["第二块盘红灯"],
    "contact": "白雪", "phone": "13552018864", "address_contains": "上地十街10号",
    "city": "北京市", "district": "海淀区", "missing_parse": []})

# C2: 序列号为… (为 as the separator), everything in one run-on paragraph.
t = """您好我们单位的服务器序列号为RCS25N0134569型号为SYS-2029U-TR4现在的问题是开机以后过一会就自动关机了BMC里面看到CPU温度过热报警风扇都在转的麻烦派个人来看看地址在陕西省西安市雁塔区科技路48号创业广场B座1501联系人马晓东电话029-86214455
"""
d = date("2026-11-12 17:46")
fx("sn-label-wei-run-on-paragraph", mail(std(
    addr("马晓东", "maxd_xa@126.com"), ew("服务器自动关机"), d, mid("coremail", "126.com")), t.encode()), {
    "sn": "RCS25N0134569", "model": "SYS-2029U-TR4",
    "symptoms_contains": ["开机以后过一会就自动关机了", "CPU温度过热报警"], "symptoms_excludes": ["您好"],
    "phone": "029-86214455", "city": "西安市", "district": "雁塔区", "address_contains": "科技路48号"})

# C3: 机器编号是 … (是 as the separator), Supermicro-style serial, terse.
t = """机器编号是 ZM25BS001235，
内存又报错了，跟上次一样的 DIMM P1-DIMMC1，这次直接宕机了
深圳南山科苑路15号科兴科学园B栋4楼
黄志强 135 1024 7788
"""
d = date("2026-11-28 06:52")
fx("sn-label-shi-supermicro-serial", mail(std(
    addr("黄志强", "huangzq@yunfan-data.cn"), ew("又宕机了"), d, mid("qq", "")), t.encode()), {
    "sn": "ZM25BS001235", "symptoms_contains": ["直接宕机了"], "phone": "13510247788",
    "city": "深圳市", "district": "南山区", "address_contains": "科苑路15号"})

# C4: SN# and S/N # (hash as the separator), English-ish shorthand from an integrator.
t = """Hi Roycom,

pls help check below unit, customer complains PSU fan noise + PSU1 amber.
SN#RCS25D0210034
model# RC-R4290G G5
site: 杭州市滨江区网商路599号 之江智算中心
onsite contact: 潘宇航 0571-8663 2019

(our ref# INT-2026-1183, S/N # of the replaced PSU last time was P2K08A-1R-2207-0032, FYI)

BR
Tony Xu
Hangzhou Lanxin System Integration
"""
d = date("2026-11-05 11:02")
fx("sn-label-hash-integrator", mail(std(
    addr("Tony Xu", "tony.xu@lanxin-si.com"), "PSU fan noise / PSU1 amber LED", d,
    mid("gmail", ""), ctype='text/plain; charset="UTF-8"', cte="quoted-printable"), qp(t.encode())), {
    "sn": "RCS25D0210034", "model": "RC-R4290G G5", "symptoms_contains": ["PSU1 amber"],
    "symptoms_excludes": ["Hangzhou Lanxin System Integration"],
    "contact": "潘宇航", "phone": "0571-86632019", "city": "杭州市", "district": "滨江区",
    "address_contains": "网商路599号"})

# C5: "Serial Number:" with the value on the next line (copied from a BMC web page).
t = """Hello,

Below is the info copied from the BMC system page:

Product Name:
SYS-421GE-TNRT
Serial Number:
RCS26C0310443
BIOS Version:
2.1b

Problem: the system shuts down under GPU load, the SEL shows "PS2 Input lost" and then
"System Power Off". The rack PDU is fine and other servers on the same PDU work.

The machine is in our lab: Chengdu Hi-tech Zone, Tianfu Software Park Building E3, 3F.
Contact: Zhang Rui, 028-6578 9012 ext. 315

Thanks
"""
d = date("2026-11-13 09:25")
fx("sn-label-serial-number-value-next-line", mail(std(
    addr("Zhang Rui", "zhangrui@tfsoft-lab.cn"), "System shuts down under GPU load", d,
    mid("uuid", "tfsoft-lab.cn")), t.encode()), {
    "sn": "RCS26C0310443", "symptoms_contains": ["PS2 Input lost"],
    "contact": "Zhang Rui", "phone": "028-65789012-315", "city": "成都市", "district": "高新区"})

# C6: 设备SN on its own line, the value after a blank line; formal tone.
t = """您好：

经我方运维人员排查，以下设备存在主板故障，开机无任何显示，主板上诊断灯显示代码“FF”，烦请贵司安排售后服务。

设备SN：

RCS25G0078902

设备型号：RC-R1190 G5
设备所在地址：西藏自治区拉萨市城关区金珠西路158号 世通阳光新城5栋2楼机房
联系人：次仁多吉
联系电话：13989012345

此致
敬礼

成都雪域云信息技术有限公司拉萨分公司
"""
d = date("2026-11-16 10:17")
fx("sn-label-shebei-sn-value-after-blank-line", mail(std(
    addr("次仁多吉", "ciren.duoji@xueyuyun.cn"), ew("主板故障报修申请"), d,
    mid("foxmail", "xueyuyun.cn", "202611161017")), t.encode()), {
    "sn": "RCS25G0078902", "model": "RC-R1190 G5", "symptoms_contains": ["开机无任何显示"],
    "symptoms_excludes": ["此致", "成都雪域云信息技术有限公司拉萨分公司"],
    "contact": "次仁多吉", "phone": "13989012345", "address_contains": "金珠西路158号",
    "city": "拉萨市", "district": "城关区", "missing_parse": []})

# C7: SN only in the subject (labelled), the body describes the fault.
t = """如题，系统盘（M.2 镜像）中的一块报 "Predictive Failure"，RAID1 还在跑，需要换盘。
机器在成都市武侯区国学巷37号华西信息中心2楼机房
罗晓梅 028-8542 2178
"""
d = date("2026-11-20 15:05")
fx("sn-only-in-subject-labelled", mail(std(
    addr("罗晓梅", "luoxiaomei@jchospital.cn"), ew("报修 SN:RCS25F0230009 系统盘预警"), d,
    mid("coremail", "jchospital.cn")), t.encode()), {
    "subject": "报修 SN:RCS25F0230009 系统盘预警", "sn": "RCS25F0230009",
    "symptoms_contains": ["Predictive Failure"], "phone": "028-85422178",
    "city": "成都市", "district": "武侯区", "address_contains": "国学巷37号"})

# C8: unlabelled SN (only "这台"): sn must stay null, the token is a candidate.
t = """你好 RCS25C0200104 这台机器风扇异响很厉害，像是有东西刮到扇叶的声音，昨天还没有
天津市河西区友谊路35号城市大厦5楼
冯晓东 022-2321 5566
"""
d = date("2026-11-03 08:41")
fx("sn-unlabelled-token-only", mail(std(
    addr("冯晓东", "fengxd@tjgangshu.com"), ew("风扇异响"), d, mid("coremail", "tjgangshu.com")),
    t.encode()), {
    "sn": None, "sn_candidates": ["RCS25C0200104"], "symptoms_contains": ["风扇异响很厉害"],
    "phone": "022-23215566", "city": "天津市", "district": "河西区"})

# C9: several SNs; the symptoms are about the second one (said in words, not by position).
t = """您好，

我们这批一共三台：RCS26A0090003、RCS26A0090004、RCS26A0090005，都是10月到的货。
前两台一切正常，有问题的是尾号0004那台：序列号 RCS26A0090004，装完系统以后网卡只认出来一个口，
另外一个25G口 ethtool 显示 "Link detected: no"，换了光模块和光纤都不行。

型号都是 RC-R2290 G5
放在：河北省廊坊市固安县新兴产业示范区锦绣大道东段18号 数据机房
孙建国 13785600123
"""
d = date("2026-11-09 14:14")
fx("sn-several-symptoms-about-one", mail(std(
    addr("孙建国", "gaxrmt_tech@163.com"), ew("网卡25G口不通"), d, mid("coremail", "163.com")),
    t.encode()), {
    "sn": "RCS26A0090004", "sn_candidates": ["RCS26A0090003", "RCS26A0090004", "RCS26A0090005"],
    "model": "RC-R2290 G5", "symptoms_contains": ["Link detected: no"], "phone": "13785600123",
    "city": "廊坊市", "district": "固安县", "address_contains": "锦绣大道东段18号"})

# C10: several SNs, each labelled on its own line; only one line carries a fault.
t = """Hi 融科,
机房巡检结果：
1号机 SN: RCS25E0220453  正常
2号机 SN: RCS25E0220454  前面板亮红灯，BMC 报 "GPU4 Over Temperature"，GPU4 已经降频
3号机 SN: RCS25E0220455  正常
型号 SYS-420GP-TNR ×3，深圳市南山区粤海街道高新南九道10号 深圳湾科技生态园10栋B座
现场：林志豪 13590112046
"""
d = date("2026-11-10 16:09")
fx("sn-several-labelled-one-faulty", mail(std(
    addr("林志豪", "chlin@hongda-sz.com.tw"), ew("巡检发现GPU过热"), d, mid("uuid", "hongda-sz.com.tw")),
    t.encode()), {
    "sn": "RCS25E0220454", "sn_candidates": ["RCS25E0220453", "RCS25E0220454", "RCS25E0220455"],
    "model": "SYS-420GP-TNR", "symptoms_contains": ["GPU4 Over Temperature"],
    "phone": "13590112046", "city": "深圳市", "district": "南山区"})

# C11: lower-case SN and label.
t = """hello, sn: rcs25b0023459 model sys-2029u-tr4
the server beeps continuously after power on and no video output, we already reseated memory.
location: 北京市海淀区海淀大街8号中关村SOHO 1203室
contact: 赵磊 138 0013 5678
"""
d = date("2026-11-14 10:48")
fx("sn-lower-case", mail(std(
    addr("Zhao Lei", "lei.zhao@hartmann-praezision.cn"), "server beeps, no video", d,
    mid("outlook", "AM9PR07MB1122.eurprd07.prod.outlook.com")), t.encode()), {
    "sn": "RCS25B0023459", "symptoms_contains": ["beeps continuously", "no video output"],
    "contact": "赵磊", "phone": "13800135678", "city": "北京市", "district": "海淀区",
    "address_contains": "海淀大街8号"})

# C12: 主机序列号 with a spaced full-width colon and brackets; decoys: P/N, model, IP, date, PO number.
t = """各位好，

主机序列号 ： RCS25D0210035
配置：SYS-421GE-TNRT，内存 MEM-DR564L-HL01-ER48 ×16，系统盘 HDS-2TM-MZ7L31T9HBLT ×2

问题：管理IP 192.168.13.100 的 BMC 登录后，Health 页面显示 "Memory Training Error"，
内存容量少了64G。20261125 凌晨 02:13 第一次出现，采购订单 PO20260815-0032。

杭州市滨江区网商路599号 之江智算中心 B2-05机柜
联系人：潘宇航  联系电话：0571-8663 2019
"""
d = date("2026-11-25 09:20")
fx("sn-label-zhuji-with-decoys", mail(std(
    addr("潘宇航", "panyh@zjzs.tech"), ew("内存训练错误"), d, mid("uuid", "zjzs.tech")), t.encode()), {
    "sn": "RCS25D0210035", "symptoms_contains": ["Memory Training Error"],
    "sn_candidates_excludes": ["MEM-DR564L-HL01-ER48", "HDS-2TM-MZ7L31T9HBLT"],
    "contact": "潘宇航", "phone": "0571-86632019", "city": "杭州市", "district": "滨江区"})

# C13: "S/N" and a Supermicro parts-order serial in lower case, English/Chinese mix.
t = """hi，上个月从你们那里买的超微电源 s/n：os25sm0040503，装上以后一直报 PSU failure，
换回旧电源就正常。型号 PWS-2K08A-1R。寄回还是你们上门？
深圳南山科兴科学园B栋4楼 黄志强 13510247788
"""
d = date("2026-11-17 18:31")
fx("sn-lower-case-parts-order-serial", mail(std(
    addr("黄志强", "huangzq@yunfan-data.cn"), ew("电源配件报错"), d, mid("qq", "")), t.encode()), {
    "sn": "OS25SM0040503", "model": "PWS-2K08A-1R", "symptoms_contains": ["PSU failure"],
    "phone": "13510247788", "city": "深圳市", "district": "南山区"})

# C14: "Serial No." label with a space separator (no colon), English.
t = """Dear Roycom service,

Serial No. RCS25J0260303
Model AS-4125GS-TNRT

After a BIOS update yesterday the system no longer detects the NVMe drives in bays 0-3. The BMC
shows them as "Not Present". Rolling back the BIOS did not help.

Address: Peking University Science Park, No. 5 Yiheyuan Road, Haidian District, Beijing
Contact: Meng Fanxing, 186 0013 7720
"""
d = date("2026-11-21 11:40")
fx("sn-label-serial-no-space", mail(std(
    addr("Meng Fanxing", "mengfx@wmllm.org.cn"), "NVMe drives not detected after BIOS update", d,
    mid("gmail", "")), t.encode()), {
    "sn": "RCS25J0260303", "model": "AS-4125GS-TNRT", "symptoms_contains": ["Not Present"],
    "contact": "Meng Fanxing", "phone": "18600137720", "city": "北京市", "district": "海淀区",
    "missing_parse": []})

# C15: 设备SN号 inside Chinese brackets 【】 in a WeChat-pasted message with timestamps.
t = """【设备SN号】RCS25H0250024
【故障现象】开机报 "No bootable device"，RAID 卡 BIOS 里看虚拟磁盘状态 Offline
【设备型号】RC-R2290 G5
【设备地址】武汉市东湖新技术开发区高新大道999号光谷云计算中心3号机房
【联系人】熊磊
【联系方式】189-7102-6635
"""
d = date("2026-11-30 09:01")
fx("sn-label-brackets-form-template", mail(std(
    addr("熊磊", "xionglei@ovcloud.com.cn"), ew("报修：No bootable device"), d,
    mid("uuid", "ovcloud.com.cn")), t.encode()), {
    "sn": "RCS25H0250024", "model": "RC-R2290 G5",
    "symptoms_contains": ["No bootable device", "Offline"], "contact": "熊磊",
    "phone": "18971026635", "address_contains": "高新大道999号", "city": "武汉市", "missing_parse": []})

# =============================================================================================
# D. Quoted replies and signatures
# =============================================================================================

# D1: "> " quoted reply to a colleague's mail; the new text names another SN than the quote.
t = """这次是另外一台，RCS25A0012350，症状一样：前面板亮红灯，BMC 报 "PSU Redundancy Lost"。
地址同上，北京海淀上地信息路11号彩虹大厦3层，联系我：王磊 139 1012 6688

刘总 <liuzong@zlyt.com.cn> 于2026年11月6日周五 10:02写道：
> 王工，上周那台 RCS25A0012345 的电源换好了吗？
> 我这边的电话是 010-8288 1000，有事打我。
>
> 刘总
"""
d = date("2026-11-06 15:22")
fx("quote-gt-lines-other-sn-in-quote", mail(std(
    addr("王磊", "wanglei_bj@163.com"), ew("Re: 电源问题"), d, mid("coremail", "163.com"),
    extra=[("In-Reply-To", "<7a0c2e1d.51b3.193f0a2c7e1.Coremail.liuzong@zlyt.com.cn>")]), t.encode()), {
    "subject": "Re: 电源问题", "sn": None, "sn_candidates": ["RCS25A0012350"],
    "symptoms_contains": ["PSU Redundancy Lost"], "symptoms_excludes": ["上周那台", "有事打我", "写道"], "phone": "13910126688",
    "city": "北京市", "district": "海淀区",
    "references": ["7a0c2e1d.51b3.193f0a2c7e1.Coremail.liuzong@zlyt.com.cn"], "followup_of": None})

# D2: QQ Mail reply: "------------------ Original ------------------" with From/Date/To/Subject lines.
t = """机器还是不行，今天又蓝屏了两次，错误代码 WHEA_UNCORRECTABLE_ERROR，麻烦你们派工程师过来吧。
SN：RCS25Q0156003  型号 RC-R2290 G5
郑州市金水区花园路139号中原云谷大厦12层
贾宏伟 13838106612


------------------ Original ------------------
From: "销售-孟凡"<mengfan@roycom.com.cn>;
Date: Thu, Nov 19, 2026 05:21 PM
To: "贾宏伟"<1123456789@qq.com>;
Subject: 回复：服务器蓝屏

贾总您好，蓝屏的话建议先把BIOS升级到最新，如果还有问题可以直接发邮件到 service@roycom.com.cn，
或者打400-018-8995，我们工程师会跟进。
孟凡 139 3816 2210
"""
d = date("2026-11-20 09:12")
fx("quote-qq-original-separator", mail(std(
    addr("贾宏伟", "1123456789@qq.com"), ew("回复：服务器蓝屏"), d, mid("qq", ""),
    ctype='text/plain; charset="utf-8"', cte="base64", to=OWN), b64(t.encode())), {
    "sn": "RCS25Q0156003", "model": "RC-R2290 G5",
    "symptoms_contains": ["WHEA_UNCORRECTABLE_ERROR"], "symptoms_excludes": ["升级到最新", "孟凡"],
    "phone": "13838106612", "city": "郑州市", "district": "金水区", "followup_of": None})

# D3: Gmail Chinese reply header "在 2026年11月20日 星期五 10:15，… 写道："
t = """补充一下，今天早上又出现了，这次连 BMC 都登不上去了，只能拔电。
序列号：RCS25J0260304，地址和联系人不变（北京市海淀区颐和园路5号，孟繁星 18600137720）。

在 2026年11月20日 星期五 10:15，孟繁星 <mengfx@wmllm.org.cn> 写道：

> 你好，我们一台服务器夜里死机两次，BMC 有 "CATERR" 记录。
> 联系人：孟繁星 18600137720
"""
d = date("2026-11-21 08:03")
fx("quote-gmail-zai-xiedao", mail(std(
    addr("孟繁星", "mengfx@wmllm.org.cn"), ew("Re: 服务器夜里死机"), d, mid("gmail", ""),
    extra=[("In-Reply-To", "<CAJx1f0mL4Q2bUuZ7o0v9Y3bS8dR2pT6kWq1e@mail.gmail.com>"),
           ("References", "<CAJx1f0mL4Q2bUuZ7o0v9Y3bS8dR2pT6kWq1e@mail.gmail.com>")]), t.encode()), {
    "sn": "RCS25J0260304", "symptoms_contains": ["BMC 都登不上去了"],
    "symptoms_excludes": ["写道", "CATERR"], "contact": "孟繁星", "phone": "18600137720",
    "address_contains": "颐和园路5号",
    "city": "北京市", "district": "海淀区",
    "references": ["CAJx1f0mL4Q2bUuZ7o0v9Y3bS8dR2pT6kWq1e@mail.gmail.com"]})

# D4: English "On Fri, Nov 20, 2026 at 10:15 AM X wrote:" with a > quote holding another phone.
t = """Hi,

Unfortunately the replacement did not fix it. The server powered off again at 03:40 this morning,
SEL entry "Power Unit - Power off/down - Asserted". S/N is RCS25B0023460.

Please call Mr. Zhao Lei on +86 138 0013 5678 to arrange a visit.

Markus

On Fri, Nov 20, 2026 at 10:15 AM Markus Weber <markus.weber@hartmann-praezision.de> wrote:
> Hello, we have a server that powers off at night. Please call me on +49 89 2154 7730.
> Serial RCS25B0023456.
"""
d = date("2026-11-23 10:48", "+0100")
fx("quote-on-date-wrote-english", mail(std(
    addr("Markus Weber", "markus.weber@hartmann-praezision.de"), "Re: Server powers off at night", d,
    mid("gmail", ""), extra=[("In-Reply-To", "<CAGz7nE9qV1sH0yX3wL5kR8tU2mP4dF6aB0c@mail.gmail.com>")]),
    t.encode()), {
    "sn": "RCS25B0023460", "symptoms_contains": ["Power Unit - Power off/down - Asserted"],
    "symptoms_excludes": ["powers off at night", "wrote:"], "phone": "13800135678",
    "references": ["CAGz7nE9qV1sH0yX3wL5kR8tU2mP4dF6aB0c@mail.gmail.com"]})

# D5: Outlook (Chinese UI) reply: a line of underscores, then 发件人/发送时间/收件人/主题.
t = """好的，机器已经断电了，麻烦明天上午安排工程师过来更换主板。
设备SN：RCS25C0200105，联系人：冯晓东 022-2321 5566，地址天津市河西区友谊路35号城市大厦5楼。

________________________________
发件人: 张建 <zhangjian@roycom.com.cn>
发送时间: 2026年11月24日 17:02
收件人: 冯晓东 <fengxd@tjgangshu.com>
主题: 答复: 服务器无法开机

冯工您好，根据您发来的诊断灯代码，初步判断是主板故障，建议更换主板。请问明天上午方便吗？
张建 | 融科联创 技术服务部 | 186 2200 1357
"""
d = date("2026-11-24 17:40")
fx("quote-outlook-chinese-fajianren", mail(std(
    addr("冯晓东", "fengxd@tjgangshu.com"), ew("答复: 答复: 服务器无法开机"), d,
    mid("outlook", "PSAPR01MB4410.apcprd01.prod.outlook.com"), ctype='text/plain; charset="gb2312"',
    cte="base64", to=OWN, extra=[("Thread-Topic", ew("服务器无法开机")), ("Thread-Index", "AQHbPk2aX1b5c3Q0bEe2k7f1Jx8w1A==")]),
    b64(t.encode("gb18030"))), {
    "sn": "RCS25C0200105", "symptoms_contains": ["更换主板"], "symptoms_excludes": ["初步判断是主板故障"],
    "contact": "冯晓东", "phone": "022-23215566", "city": "天津市", "district": "河西区",
    "charset_used": "GB18030"})

# D6: "-----Original Message-----" (Outlook English) below a short Chinese reply.
t = """王工，故障盘已经拔出来了，在槽位5，新盘什么时候能到？还是同一台 S/N: RCS25E0056791。
沈佳怡 137 6180 9925

-----Original Message-----
From: service@roycom.com.cn <service@roycom.com.cn>
Sent: Monday, November 16, 2026 3:20 PM
To: 沈佳怡 <shenjiayi@pjsz-tech.com>
Subject: 硬盘更换安排

沈工您好，请先将故障硬盘（槽位5）拔出，我们的备件明天发出。热线 400-018-8995。
"""
d = date("2026-11-17 09:36")
fx("quote-original-message-outlook-english", mail(std(
    addr("沈佳怡", "shenjiayi@pjsz-tech.com"), "RE: " + ew("硬盘更换安排"), d,
    mid("outlook", "SH0PR01MB6678.CHNPR01.prod.partner.outlook.cn"), ctype="text/plain; charset=utf-8",
    cte="quoted-printable"), qp(t.encode())), {
    "sn": "RCS25E0056791", "symptoms_contains": ["故障盘已经拔出来了"],
    "symptoms_excludes": ["备件明天发出"], "phone": "13761809925", "followup_of": None})

# D7: "-- " signature with the writer's own mobile and the company switchboard; the device contact
#     is someone else, labelled in the body.
t = """Hi 融科的同事，

我们IDC里一台机器的 BMC 报 "Drive Slot 3 Fault"，硬盘灯红色。麻烦安排换盘。
设备序列号：RCS25G0240119
现场联系人：钱昊，电话 025-5218 7766-8023（机房值班）
设备在南京市江宁区秣陵街道将军大道100号 江宁数据中心2楼

-- 
陈立
南京金陵数据有限公司 | 技术总监
手机：139 5188 0021
总机：025-5218 7700  传真：025-5218 7701
地址：南京市鼓楼区中山北路30号城市名人酒店写字楼21层
"""
d = date("2026-11-02 13:30")
fx("sig-dash-dash-device-contact-labelled", mail(std(
    addr("陈立", "chenli@jinling-data.com"), ew("硬盘槽位3故障"), d, mid("uuid", "jinling-data.com")),
    t.encode()), {
    "sn": "RCS25G0240119", "symptoms_contains": ["Drive Slot 3 Fault"],
    "symptoms_excludes": ["技术总监", "中山北路30号"], "contact": "钱昊", "phone": "025-52187766-8023",
    "address_contains": "将军大道100号", "city": "南京市", "district": "江宁区"})

# D8: formal letter (尊敬的… 此致 敬礼) with a company footer of 总机/传真/地址/网址 lines.
t = """尊敬的融科联创（天津）信息技术有限公司：

    我公司于2025年采购贵司服务器若干台。近日其中一台服务器（序列号：RCS25C0200106，型号：RC-R2290 G5）在运行过程中频繁出现系统卡顿，经查为阵列中一块固态硬盘响应超时，RAID卡日志记录“Command timeout on PD 02”。
    为保障生产系统稳定运行，特请贵司派员到场处理。

    设备所在地：天津市河西区友谊路35号城市大厦5楼机房
    联系人：冯晓东
    联系电话：022-2321 5566 转 218

    特此函告。

此致
敬礼！

天津港数科技有限公司
二〇二六年十一月十九日

-----------------------------------------------
天津港数科技有限公司
总机：022-2321 5500    传真：022-2321 5599
地址：天津市和平区南京路189号津汇广场2座18层
网址：www.tjgangshu.com
"""
d = date("2026-11-19 10:06")
fx("sig-formal-cizhi-jingli-company-footer", mail(std(
    addr("天津港数科技有限公司", "office@tjgangshu.com", "gb2312"), ew("关于服务器固态硬盘故障的报修函", "gb2312"), d,
    mid("exchange", "tjgangshu.com"), ctype='text/plain; charset="gb2312"', cte="base64"),
    b64(t.encode("gb18030"))), {
    "sn": "RCS25C0200106", "model": "RC-R2290 G5",
    "symptoms_contains": ["Command timeout on PD 02", "系统卡顿"],
    "symptoms_excludes": ["尊敬的", "此致", "特此函告", "南京路189号", "www.tjgangshu.com"],
    "contact": "冯晓东", "phone": "022-23215566-218", "address_contains": "友谊路35号",
    "city": "天津市", "district": "河西区", "missing_parse": [], "charset_used": "GB18030"})

# D9: long Chinese confidentiality notice after the signature; it has its own phone number.
t = """您好，
我行数据中心一台服务器 iBMC 告警 "Mainboard 12V voltage low"，已经自动切到备机，麻烦安排检测。
序列号：RCS25M0123458
机房：北京市西城区金融大街35号国际企业大厦C座B2
联系人：赵喆镕 010-88886666-123

赵喆镕
信息科技部 | 基础设施处

【保密声明】本邮件及其附件可能包含机密信息，仅供指定收件人使用。如果您不是指定收件人，请立即通知发件人（电话：010-6655 8800）并删除本邮件，不得使用、复制、转发、披露本邮件的任何内容。发件人不对通过电子邮件传送的信息的完整性、及时性负责。本行不对因使用本邮件内容而造成的损失承担责任。
"""
d = date("2026-11-13 11:19")
fx("sig-chinese-confidentiality-notice", mail(std(
    addr("赵喆镕", "zhaozherong@bjfin-dc.com"), ew("主板12V电压低告警"), d,
    mid("exchange", "bjfin-dc.com"), ctype="text/plain; charset=utf-8", cte="base64"), b64(t.encode())), {
    "sn": "RCS25M0123458", "symptoms_contains": ["Mainboard 12V voltage low"],
    "symptoms_excludes": ["保密声明", "基础设施处"], "contact": "赵喆镕", "phone": "010-88886666-123",
    "city": "北京市", "district": "西城区", "address_contains": "金融大街35号"})

# D10: long English legal disclaimer + "think before you print", on a short Chinese-English mail.
t = """Hi,

服务器 S/N: RCS25L0112349 的 BMC 无法登录，web 页面 502，ipmitool 也连不上，但系统正常。
Location: Chaoyang District, Beijing - 酒仙桥路10号恒通广场B座6层
Contact: Wu Zhe 136 0112 8890

Kind regards,
Zhe

________________________________
IMPORTANT NOTICE: This communication, including any attachment, contains information that may be
confidential or privileged, and is intended solely for the entity or individual to whom it is
addressed. If you are not the intended recipient, you should delete this message and are hereby
notified that any disclosure, copying, or distribution of this message is strictly prohibited.
Xinghe AI Computing accepts no liability for any damage caused by any virus transmitted by this
email. Tel +86 10 6437 8800.
P Please consider the environment before printing this e-mail.
"""
d = date("2026-11-27 14:25")
fx("sig-english-legal-disclaimer", mail(std(
    addr("Wu Zhe", "wuzhe@xhzs.com.cn"), "BMC unreachable / BMC无法登录", d,
    mid("outlook", "BJ0PR01MB2234.CHNPR01.prod.partner.outlook.cn")), t.encode()), {
    "subject": "BMC unreachable / BMC无法登录",
    "sn": "RCS25L0112349", "symptoms_contains": ["BMC 无法登录"],
    "symptoms_excludes": ["IMPORTANT NOTICE", "Kind regards", "environment before printing"],
    "contact": "Wu Zhe", "phone": "13601128890", "city": "北京市", "district": "朝阳区"})

# D11: no labelled contact: the only name and mobile are in the signature (the writer is the contact).
t = """你好，

RCS25K0101236 这台服务器的 BIOS 设置被清掉了，每次开机时间都变成 2000 年，应该是主板电池没电了，
CMOS 报 "CMOS Battery Low"。能不能寄一个电池过来，我们自己换。

设备在杭州市西湖区文三路90号东部软件园2号楼

周晨曦
杭州西溪云软件有限公司 运维部
手机 158 6811 2093
"""
d = date("2026-11-04 15:51")
fx("sig-only-contact-is-signature", mail(std(
    addr("周晨曦", "zhouchenxi@hzxy-soft.com"), ew("CMOS电池没电"), d, mid("uuid", "hzxy-soft.com")),
    t.encode()), {
    "sn": None, "sn_candidates": ["RCS25K0101236"], "symptoms_contains": ["CMOS Battery Low"],
    "contact": "周晨曦", "phone": "15868112093", "city": "杭州市", "district": "西湖区"})

# D12: mobile mail-app footers ("来自网易邮箱大师", "Sent from my Huawei phone") must not be symptoms.
t = """服务器亮黄灯了，机器编号RCS25F0230010，成都市武侯区国学巷37号，罗晓梅 18328041177

来自网易邮箱大师
"""
d = date("2026-11-15 20:26")
fx("sig-mail-app-footer-wangyi", mail(std(
    addr("罗晓梅", "luoxm1988@163.com"), ew("亮黄灯"), d, mid("coremail", "163.com"),
    extra=[("X-Mailer", "NetEase Flash Mail 2.4.1.32")]), t.encode()), {
    "sn": "RCS25F0230010", "symptoms_contains": ["亮黄灯"], "symptoms_excludes": ["来自网易邮箱大师"],
    "phone": "18328041177", "city": "成都市", "district": "武侯区"})

t = """Server RCS25E0220456 fans at 100% since the firmware upgrade, very loud. Shenzhen Nanshan office, 4F.
Pls call me 13590112046.

Lin

Sent from my HUAWEI phone
"""
d = date("2026-11-28 23:58")
fx("sig-mail-app-footer-sent-from-phone", mail(std(
    addr("Lin Zhihao", "chlin@hongda-sz.com.tw"), "fans 100% after firmware upgrade", d,
    mid("uuid", "hongda-sz.com.tw")), t.encode()), {
    "sn_candidates": ["RCS25E0220456"], "symptoms_contains": ["fans at 100%"],
    "symptoms_excludes": ["Sent from my HUAWEI phone"], "phone": "13590112046",
    "city": "深圳市", "district": "南山区"})

# D13: a Japanese company's signature (Tokyo HQ phone, address) vs the labelled site contact in Suzhou.
t = """融科联创 サービスご担当者様 / 服务部：

苏州工厂的服务器（S/N：RCS25G0240120）昨晚开始报 "Fan5 Lower Non-Critical"，风扇转速偏低。
请安排检查。

设备地址：江苏省苏州市工业园区星湖街328号 创意产业园12幢3楼
现场联系人：周敏（IT课） 0512-6288 5123

よろしくお願いいたします。
--------------------------------------------------
佐藤 健一 (Kenichi Sato)
Asahi Precision Co., Ltd. 情報システム部
〒105-0011 東京都港区芝公園2-4-1
TEL: +81-3-5402-7700  FAX: +81-3-5402-7701
--------------------------------------------------
"""
d = date("2026-11-11 10:33", "+0900")
fx("sig-japanese-hq-vs-site-contact", mail(std(
    addr("佐藤 健一", "k-sato@asahi-precision.co.jp", "ISO-2022-JP"), ew("苏州工厂服务器风扇告警"), d,
    mid("uuid", "asahi-precision.co.jp")), t.encode()), {
    "from": "佐藤 健一 <k-sato@asahi-precision.co.jp>",
    "sn": "RCS25G0240120", "symptoms_contains": ["Fan5 Lower Non-Critical"],
    "symptoms_excludes": ["サービスご担当者様", "芝公園", "よろしくお願いいたします"], "contact": "周敏",
    "phone": "0512-62885123", "city": "苏州市", "address_contains": "星湖街328号"})

# =============================================================================================
# E. Places
# =============================================================================================

# E1: 北京海淀 without 市/区 (WeChat style).
t = """在北京海淀中关村东路1号院清华科技园 的机房 服务器 SN RCS25M0123459 系统起不来了 一直重启循环
刘洋 187 1023 4456
"""
d = date("2026-11-01 22:47")
fx("place-beijing-haidian-without-suffixes", mail(std(
    addr("刘洋", "liuyang_it@qq.com"), ew("一直重启"), d, mid("qq", "")), t.encode()), {
    "sn": "RCS25M0123459", "symptoms_contains": ["一直重启循环"], "phone": "18710234456",
    "city": "北京市", "district": "海淀区", "address_contains": "中关村东路1号院"})

# E2: 天津西青 without suffixes, very short.
t = """天津西青 学府工业区 服务器 RCS24C0034569 报警 亮黄灯
刘镕 186 2222 0917
"""
d = date("2026-11-02 07:58")
fx("place-tianjin-xiqing-without-suffixes", mail(std(
    addr("刘镕", "liurong1985@126.com", "GBK"), ew("报警", "GBK"), d, mid("coremail", "126.com")), t.encode()), {
    "from": "刘镕 <liurong1985@126.com>", "sn_candidates": ["RCS24C0034569"],
    "symptoms_contains": ["亮黄灯"], "phone": "18622220917", "city": "天津市", "district": "西青区"})

# E3: 天津市西青区… full form inside a longer sentence.
t = """你好，麻烦安排工程师明天到天津市西青区张家窝镇知景道36号 西青数据中心3号楼 现场看一下，
服务器（序列号：RCS26D0320011，型号RC-R2290 G5）RAID卡过热告警 "ROC temperature above threshold"。
联系人：郭婷 13602093318
"""
d = date("2026-11-26 16:40")
fx("place-tianjin-xiqing-full-form", mail(std(
    addr("郭婷", "guoting@xqdc.com.cn"), ew("RAID卡过热告警"), d, mid("uuid", "xqdc.com.cn")), t.encode()), {
    "sn": "RCS26D0320011", "model": "RC-R2290 G5",
    "symptoms_contains": ["ROC temperature above threshold"], "contact": "郭婷",
    "phone": "13602093318", "address_contains": "知景道36号", "city": "天津市", "district": "西青区",
    "missing_parse": []})

# E4: 成都高新区 (no 市), the district is a development zone.
t = """你们好，成都高新区天府五街200号菁蓉汇3栋 我们的服务器 RCS25F0230011 今天上午宕机了，重启后
BMC 报 "Processor CPU1 IERR"。
联系人 唐敏 180 8051 6673
"""
d = date("2026-11-05 12:12")
fx("place-chengdu-gaoxin-without-city-suffix", mail(std(
    addr("唐敏", "tangmin@tfsoftpark-dc.cn"), ew("服务器宕机 CPU IERR"), d,
    mid("uuid", "tfsoftpark-dc.cn")), t.encode()), {
    "sn_candidates": ["RCS25F0230011"], "symptoms_contains": ["Processor CPU1 IERR"],
    "contact": "唐敏", "phone": "18080516673", "city": "成都市", "district": "高新区",
    "address_contains": "天府五街200号"})

# E5: "Chengdu Hi-tech Zone" in English.
t = """Hello Roycom,

Our storage node keeps dropping off the network: the Mellanox NIC link goes down every few hours
("mlx5_core: Link down") and comes back after a cable re-plug.

S/N: RCS25D0045680
Site: Tianfu Software Park, Chengdu Hi-tech Zone, Sichuan
Contact person: Ms. Chen, 158 2817 3306

Cheers,
Alex Wang
"""
d = date("2026-11-19 13:57")
fx("place-chengdu-hi-tech-zone-english", mail(std(
    addr("Alex Wang", "alex.wang@tfzs-ai.com"), "NIC link down every few hours", d, mid("gmail", "")),
    t.encode()), {
    "sn": "RCS25D0045680", "symptoms_contains": ["Link down"], "phone": "15828173306",
    "city": "成都市", "district": "高新区", "symptoms_excludes": ["Cheers"]})

# E6: "Shenzhen Nanshan" in English, the device address is the only place in the mail.
t = """Dear support,

Server S/N RCS25E0220457 reports "PCIe Slot 2 fatal error" at boot and the RAID controller
in that slot is not detected.

Address: 9F, Tower A, Kexing Science Park, Keyuan Road, Shenzhen Nanshan
Contact: Peter Huang / +86 135 1024 7789

Peter
"""
d = date("2026-11-24 08:20")
fx("place-shenzhen-nanshan-english", mail(std(
    addr("Peter Huang", "peter.huang@yunfan-data.cn"), "PCIe Slot 2 fatal error", d,
    mid("uuid", "yunfan-data.cn")), t.encode()), {
    "sn": "RCS25E0220457", "symptoms_contains": ["PCIe Slot 2 fatal error"],
    "contact": "Peter Huang", "phone": "13510247789", "city": "深圳市", "district": "南山区",
    "address_contains": "Keyuan Road"})

# E7: 河北省…县 without the city (怀来县 is in 张家口市, but the mail does not say so).
t = """您好！
我公司位于河北省怀来县东花园镇京北大数据产业园的机房内，有一台贵司的服务器（SN：RCS25P0145679，型号：RC-R2290 G5）出现两块硬盘同时掉线的情况，阵列已经离线，业务中断。
请尽快安排工程师上门处理。
联系人：高志远
电话：0313-6891 202  手机：15931382207
"""
d = date("2026-11-07 09:33")
fx("place-hebei-county-without-city", mail(std(
    addr("高志远", "gaozy@jbdata.cn"), ew("两块硬盘掉线 阵列离线"), d, mid("coremail", "jbdata.cn")), t.encode()), {
    "sn": "RCS25P0145679", "model": "RC-R2290 G5", "symptoms_contains": ["两块硬盘同时掉线"],
    "contact": "高志远", "phone_one_of": ["0313-6891202", "15931382207"],
    "district": "怀来县", "address_contains": "东花园镇"})

# E8: 河北省张家口市张北县 (city and county).
t = """服务部：
张北的机房（河北省张家口市张北县张北云计算产业园B区2号楼）有一台服务器风扇模块报错，FAN4 转速 0 RPM。
SN: RCS25P0145680
型号: SYS-6029P-TRT
联系人: 高志远 15931382207
"""
d = date("2026-11-13 14:36")
fx("place-hebei-city-and-county", mail(std(
    addr("高志远", "gaozy@jbdata.cn"), ew("风扇模块报错"), d, mid("coremail", "jbdata.cn")), t.encode()), {
    "sn": "RCS25P0145680", "model": "SYS-6029P-TRT", "symptoms_contains": ["FAN4 转速 0 RPM"],
    "contact": "高志远", "phone": "15931382207", "city": "张家口市", "district": "张北县",
    "missing_parse": []})

# E9: 西藏拉萨 without a district.
t = """你好，我们是西藏拉萨的用户，服务器有一块电源坏了，电源上的灯不亮，BMC 报 PSU1 AC lost，电源线换过了。
序列号 RCS26B0300016
联系人 次旦 电话 0891-6330 452
"""
d = date("2026-11-10 11:27")
fx("place-tibet-lhasa-without-district", mail(std(
    addr("次旦", "cidan@gyyun.cn"), ew("电源坏了"), d, mid("coremail", "gyyun.cn")), t.encode()), {
    "sn": "RCS26B0300016", "symptoms_contains": ["PSU1 AC lost"], "contact": "次旦",
    "phone": "0891-6330452", "address": None, "city": "拉萨市", "district": None})

# E10: 新疆乌鲁木齐 without a district.
t = """新疆乌鲁木齐，服务器序列号ZM25AS000872，开机报内存错误 "DIMM P2-DIMMD1 Uncorrectable"，系统起不来。
联系人艾力江 手机 13899851263
"""
d = date("2026-11-16 12:45", "+0600")
fx("place-xinjiang-urumqi-without-district", mail(std(
    addr("艾力江", "alijan@silkcloud.cn"), ew("内存错误起不来"), d, mid("apple", "silkcloud.cn")), t.encode()), {
    "sn": "ZM25AS000872", "symptoms_contains": ["DIMM P2-DIMMD1 Uncorrectable"],
    "phone": "13899851263", "address": None, "city": "乌鲁木齐市", "district": None})

# E11: a city without a district (设备在石家庄).
t = """设备在石家庄，型号 SYS-2029U-TR4，序列号 RCS24K0009877，开机自检卡在 "Checking NVMe devices"。
联系人：刘建军  0311-8790 6521
"""
d = date("2026-11-18 10:02")
fx("place-city-without-district", mail(std(
    addr("刘建军", "liujj@hebtd.gov.cn"), ew("开机自检卡住"), d, mid("foxmail", "hebtd.gov.cn", "202611181002")),
    t.encode()), {
    "sn": "RCS24K0009877", "model": "SYS-2029U-TR4", "symptoms_contains": ["Checking NVMe devices"],
    "contact": "刘建军", "phone": "0311-87906521", "address": None, "city": "石家庄市", "district": None})

# E12: no place at all: address and location are missing.
t = """您好，
服务器序列号：RCS25Q0156004，型号：RC-R2290 G5。
故障：阵列卡缓存模块告警 "Cache module failure"，写缓存被禁用。
联系人：贾宏伟，电话：13838106612。
谢谢。
"""
d = date("2026-11-09 08:08")
fx("place-none-address-location-missing", mail(std(
    addr("贾宏伟", "jiahw@zyyungu.com"), ew("阵列卡缓存模块告警"), d, mid("coremail", "zyyungu.com")),
    t.encode()), {
    "sn": "RCS25Q0156004", "model": "RC-R2290 G5", "symptoms_contains": ["Cache module failure"],
    "contact": "贾宏伟", "phone": "13838106612", "address": None, "city": None, "district": None,
    "missing_parse": ["address", "location"]})

# E13: the device is in Chengdu; the signature's company address is in Beijing.
t = """您好，

我们部署在成都的边缘节点有一台服务器无法开机，按电源键后电源指示灯闪一下就灭。
设备序列号：RCS25J0260305
设备地址：成都市锦江区东大街下东大街段99号 成都分公司机房
现场联系人：何雨桐 028-8665 9011

王浩然
北京未名大模型研究院 基础设施部
地址：北京市海淀区颐和园路5号  电话：010-6275 1000
"""
d = date("2026-11-12 09:49")
fx("place-device-site-vs-signature-address", mail(std(
    addr("王浩然", "wanghr@wmllm.org.cn"), ew("成都节点服务器无法开机"), d, mid("gmail", "")), t.encode()), {
    "sn": "RCS25J0260305", "symptoms_contains": ["闪一下就灭"],
    "symptoms_excludes": ["基础设施部", "颐和园路5号"], "contact": "何雨桐", "phone": "028-86659011",
    "address_contains": "下东大街段99号", "city": "成都市", "district": "锦江区"})

# E14: a municipality with a district (重庆市渝北区).
t = """你好，重庆市渝北区仙桃数据谷中路28号的机房，服务器 SN：RCS25R0167001 RAID 卡报 "Battery has failed"。
联系人：谭静 023-6788 2145
"""
d = date("2026-11-23 15:28")
fx("place-chongqing-municipality-district", mail(std(
    addr("谭静", "tanjing@cqxt-dc.com"), ew("RAID卡电池故障"), d, mid("uuid", "cqxt-dc.com")), t.encode()), {
    "sn": "RCS25R0167001", "symptoms_contains": ["Battery has failed"], "contact": "谭静",
    "phone": "023-67882145", "city": "重庆市", "district": "渝北区", "address_contains": "仙桃数据谷中路28号"})

# E15: 上海 named as a city only ("我们上海的机房").
t = """你好，我们上海的机房有台机器硬盘坏了一块，RAID 重建失败，"Rebuild failed on PD 03"。
S/N: RCS25E0056792
沈佳怡 137 6180 9925
"""
d = date("2026-11-14 19:05")
fx("place-shanghai-city-only", mail(std(
    addr("沈佳怡", "shenjiayi@pjsz-tech.com"), ew("RAID重建失败"), d, mid("uuid", "pjsz-tech.com")), t.encode()), {
    "sn": "RCS25E0056792", "symptoms_contains": ["Rebuild failed on PD 03"], "phone": "13761809925",
    "address": None, "city": "上海市", "district": None})

# =============================================================================================
# F. Phones and decoys
# =============================================================================================

# F1: mobile written with dashes.
t = """你好，服务器 BMC 报 "Power Supply 2 Fan Fail"，电源风扇不转了。
SN：RCS25E0220458
地址：深圳市福田区深南大道6008号特区报业大厦21楼机房
联系人：邓嘉明，手机：138-2657-4410
"""
d = date("2026-11-03 13:13")
fx("phone-mobile-with-dashes", mail(std(
    addr("邓嘉明", "dengjm@pcvision.com.cn"), ew("电源风扇不转"), d, mid("php", "pcvision.com.cn", "1762146780123")),
    t.encode()), {
    "sn": "RCS25E0220458", "contact": "邓嘉明", "phone": "13826574410",
    "city": "深圳市", "district": "福田区", "missing_parse": ["model"]})

# F2: 0086 / (+86) prefixes.
t = """Dear Roycom,
Our server (SN: RCS25B0023461) has a failed NVMe drive, slot 2, status "Critical Warning: 0x04".
Please contact our site engineer Mr. Qiao at 0086 139 1234 5678 or (+86)13912345679.
Site: 海淀区海淀大街8号中关村SOHO 1203, Beijing
"""
d = date("2026-11-06 18:18")
fx("phone-0086-and-plus86-prefixes", mail(std(
    addr("Markus Weber", "markus.weber@hartmann-praezision.de"), "failed NVMe drive slot 2", d,
    mid("uuid", "hartmann-praezision.de")), t.encode()), {
    "sn": "RCS25B0023461", "symptoms_contains": ["Critical Warning: 0x04"],
    "phone_one_of": ["13912345678", "13912345679"], "city": "北京市", "district": "海淀区"})

# F3: landline with area code and 转 extension, spaces inside the number.
t = """您好，我单位服务器电源模块故障，请安排更换。
序列号：RCS24C0034570
型号：RC-R2290 G4
地址：天津市西青区华苑产业区海泰西路18号A座2层机房
联系人：刘镕
联系电话：022-5867 1234 转 8012
"""
d = date("2026-11-20 10:15")
fx("phone-landline-zhuan-extension", mail(std(
    addr("刘镕", "liurong@tjzhxx.com.cn", "GBK"), ew("电源模块故障", "GBK"), d,
    mid("foxmail", "tjzhxx.com.cn", "202611201015"), ctype='text/plain; charset="GBK"', cte="base64"),
    b64(t.encode("gb18030"))), {
    "from": "刘镕 <liurong@tjzhxx.com.cn>", "sn": "RCS24C0034570", "model": "RC-R2290 G4",
    "contact": "刘镕", "phone": "022-58671234-8012", "city": "天津市", "district": "西青区",
    "missing_parse": [], "charset_used": "GB18030"})

# F4: landline with "ext." in English.
t = """Hi,
the server below shows "Chassis fan 1 failure" on the front LCD.
SN: RCS25J0260306
Model: AS-4125GS-TNRT
Address: No. 5 Yiheyuan Road, Haidian District, Beijing
Contact: Wang Haoran, Tel. 010-6275 1000 ext. 305
"""
d = date("2026-11-09 16:44")
fx("phone-landline-ext-english", mail(std(
    addr("Wang Haoran", "wanghr@wmllm.org.cn"), "Chassis fan 1 failure", d, mid("gmail", "")), t.encode()), {
    "sn": "RCS25J0260306", "model": "AS-4125GS-TNRT", "contact": "Wang Haoran",
    "phone": "010-62751000-305", "city": "北京市", "district": "海淀区", "missing_parse": []})

# F5: a 400 number as the only phone.
t = """你好，我们是杭州的客户，服务器 RCS25D0210036 的 GPU 有一张识别不到，nvidia-smi 显示 7 张。
杭州市滨江区网商路599号 之江智算中心
有问题请打我们运维值班电话 400-650-8866
"""
d = date("2026-11-15 03:30")
fx("phone-400-number-only", mail(std(
    "noc@zjzs.tech", ew("GPU少一张"), d, mid("uuid", "zjzs.tech")), t.encode()), {
    "sn_candidates": ["RCS25D0210036"], "phone": "400-650-8866", "city": "杭州市", "district": "滨江区"})

# F6: an 800 number as the phone, labelled.
t = """故障：服务器网卡 "eno1: NIC Link is Down" 反复闪断。
SN：RCS25Q0156005
联系电话：800-810-8888（转运维）
地址：郑州市金水区花园路139号中原云谷大厦12层
"""
d = date("2026-11-25 11:50")
fx("phone-800-number", mail(std(
    "it-support@zyyungu.com", ew("网卡闪断"), d, mid("coremail", "zyyungu.com")), t.encode()), {
    "sn": "RCS25Q0156005", "phone": "800-810-8888", "city": "郑州市", "district": "金水区",
    "symptoms_contains": ["NIC Link is Down"]})

# F7: decoys only: dates, an IP, part numbers, an e-invoice number, a contract number, a Unix
#     timestamp, a MAC and the SN; no phone at all.
t = """您好：
设备SN：RCS25H0250025（合同编号 HT20250301-018，发票号码 25112000000012345678）
2025年12月01日到货，20261125 晚上 BMC（IP 10.12.130.25，MAC 3C:EC:EF:12:34:56）报
"Memory Correctable ECC @DIMMB1"，event id 1763605234。
备件料号 MEM-DR532L-SL01-ER48 / P4X-DC4510-2T。
设备在武汉市东湖新技术开发区高新大道999号光谷云计算中心3号机房。
"""
d = date("2026-11-26 08:31")
fx("phone-decoys-only-no-phone", mail(std(
    addr("熊磊", "xionglei@ovcloud.com.cn"), ew("内存ECC告警"), d, mid("uuid", "ovcloud.com.cn")), t.encode()), {
    "sn": "RCS25H0250025", "phone": None, "city": "武汉市",
    "symptoms_contains": ["Memory Correctable ECC"],
    "sn_candidates_excludes": ["MEM-DR532L-SL01-ER48"]})

# F8: decoys around a real labelled mobile (IP, date, asset tag that starts with 1 and is 11+ digits).
t = """报修信息
资产编号：13920261125001
SN：RCS25N0134570
管理口IP：172.16.13.80
故障时间：2026-11-25 14:30
故障：服务器无法上电，PSU 指示灯不亮
联系人：马晓东
手机：13991203366
地址：陕西省西安市未央区凤城十二路1号 经开数据中心3楼
"""
d = date("2026-11-25 15:02")
fx("phone-decoys-plus-real-mobile", mail(std(
    addr("马晓东", "maxiaodong@sxjk-dc.cn"), ew("服务器无法上电"), d, mid("uuid", "sxjk-dc.cn")), t.encode()), {
    "sn": "RCS25N0134570", "contact": "马晓东", "phone": "13991203366",
    "symptoms_contains": ["无法上电"], "city": "西安市", "district": "未央区"})

# F9: the contact's mobile in parentheses right after the name, several other people mentioned.
t = """你好，服务器坏了一块盘，麻烦换一下。之前跟你们的王工（王建 13702218865）沟通过，他说直接发邮件就行。
设备SN: RCS25C0200107
现场找李工(139-1111-2222)，他在机房
地址：天津市河西区友谊路35号城市大厦5楼
"""
d = date("2026-11-27 09:09")
fx("phone-mobile-in-parentheses-after-name", mail(std(
    addr("冯晓东", "fengxd@tjgangshu.com"), ew("换盘"), d, mid("coremail", "tjgangshu.com")), t.encode()), {
    "sn": "RCS25C0200107", "phone": "13911112222", "contact": "李工", "city": "天津市", "district": "河西区"})

# =============================================================================================
# G. Mail to ignore: auto-replies, bounces, bulk/list, our own mail
# =============================================================================================

ACK_SUBJ = "[RC20261117-0005] 已收到您的报修：服务器硬盘故障"

# G1: Auto-Submitted: auto-replied, but an ordinary-looking subject.
t = """您好，我正在外地出差（11月17日-11月21日），期间不能及时查看邮件。
服务器相关事宜请联系 李工 13820019922。谢谢！
"""
d = date("2026-11-17 10:40")
fx("ign-auto-submitted-auto-replied", mail(std(
    addr("冯晓东", "fengxd@tjgangshu.com"), "Re: " + ew(ACK_SUBJ), d, mid("coremail", "tjgangshu.com"),
    extra=[("Auto-Submitted", "auto-replied"), ("In-Reply-To", "<ack.RC20261117-0005.1@roycom.com.cn>")]),
    t.encode()), {"ignored_reason": "auto_reply"})

# G2: X-Autoreply: yes (no Auto-Submitted, subject does not say so).
t = """您的来信已收到，我会尽快处理。
"""
d = date("2026-11-17 10:41")
fx("ign-x-autoreply-yes-header-only", mail(std(
    addr("贾宏伟", "jiahw@zyyungu.com"), "Re: " + ew(ACK_SUBJ), d, mid("coremail", "zyyungu.com"),
    extra=[("X-Autoreply", "yes"), ("X-Mailer", "Coremail Webmail Server Version XT6.0.4")]),
    t.encode()), {"ignored_reason": "auto_reply"})

# G3: only the subject says it: 自动回复：
t = """这是一封自动回复邮件。您好，您的邮件我已收到，工作日会尽快回复您。
"""
d = date("2026-11-18 19:02")
fx("ign-subject-zidong-huifu", mail(std(
    addr("黄志强", "1301234567@qq.com"), ew("自动回复：" + ACK_SUBJ), d, mid("qq", "")),
    t.encode()), {"subject": "自动回复：" + ACK_SUBJ, "ignored_reason": "auto_reply"})

# G4: "Out of Office:" subject (Lotus/Domino style, no Auto-Submitted header).
t = """I will be out of the office starting 2026-11-16 and will not return until 2026-11-30.

For urgent matters regarding the Beijing data centre please contact Mr. Zhao Lei (+86 138 0013 5678).
"""
d = date("2026-11-16 09:00", "+0100")
fx("ign-subject-out-of-office", mail(std(
    addr("Markus Weber", "markus.weber@hartmann-praezision.de"),
    "Out of Office: Re: [RC20261116-0001] Server reboots by itself", d, mid("uuid", "hartmann-praezision.de")),
    t.encode()), {"ignored_reason": "auto_reply"})

# G5: Exchange "Automatic reply:" with Auto-Submitted: auto-generated and X-Auto-Response-Suppress.
t = """您好，我目前休假中，11月23日返回。紧急事项请致电 021-5080 3300。

Thank you for your email. I am on leave and will return on 23 Nov.
"""
d = date("2026-11-18 08:00")
fx("ign-subject-automatic-reply-exchange", mail(std(
    addr("沈佳怡", "shenjiayi@pjsz-tech.com"), "Automatic reply: " + ew(ACK_SUBJ), d,
    mid("outlook", "SH0PR01MB6678.CHNPR01.prod.partner.outlook.cn"),
    ctype="text/plain; charset=utf-8", cte="base64",
    extra=[("Auto-Submitted", "auto-generated"), ("X-Auto-Response-Suppress", "All"),
           ("X-MS-Exchange-Inbox-Rules-Loop", "shenjiayi@pjsz-tech.com")]), b64(t.encode())), {
    "ignored_reason": "auto_reply"})

# G6: a customer's monitoring system (Zabbix) mails alerts with Auto-Submitted: auto-generated;
#     it even carries an SN, but it is not a person's request.
t = """Problem started at 03:12:44 on 2026.11.22
Problem name: Disk /dev/sdc failed (SMART overall-health: FAILED)
Host: storage-07 (RCS25G0240121)
Severity: High
Operational data: FAILED

Original problem ID: 88317260
"""
d = date("2026-11-22 03:12:45")
fx("ign-auto-submitted-auto-generated-monitoring", mail(std(
    "Zabbix <zabbix@jinling-data.com>", "Problem: Disk /dev/sdc failed on storage-07", d,
    mid("php", "jinling-data.com", "1763752365.88317260"),
    extra=[("Auto-Submitted", "auto-generated"), ("X-Mailer", "Zabbix 6.4.18")]), t.encode()), {
    "ignored_reason": "auto_reply"})

# G7: Auto-Submitted: no is a normal mail: NOT ignored.
t = """您好，服务器硬盘指示灯红色，RAID 显示 "Failed"，请安排更换。
SN：RCS25G0240122
南京市江宁区将军大道100号江宁数据中心2楼
联系人：钱昊 15150681212
"""
d = date("2026-11-22 09:30")
fx("ign-auto-submitted-no-is-not-ignored", mail(std(
    addr("钱昊", "qianhao@jinling-data.com"), ew("硬盘红灯"), d, mid("uuid", "jinling-data.com"),
    extra=[("Auto-Submitted", "no")]), t.encode()), {
    "ignored_reason": None, "sn": "RCS25G0240122", "contact": "钱昊", "phone": "15150681212",
    "city": "南京市", "district": "江宁区"})

# G8: X-Auto-Response-Suppress alone (set by the customer's ticket tool) asks others not to
#     auto-respond; it does not make this request an auto-reply.
t = """Ticket #INC0048812 - 服务器故障转厂商

SN: RCS25L0112350
故障描述：服务器内存故障灯亮，BMC 报 "DIMMC1 Uncorrectable ECC"
设备地址：北京市朝阳区酒仙桥路10号恒通广场B座6层
联系人：吴喆
联系电话：13601128890
"""
d = date("2026-11-24 11:12")
fx("ign-x-auto-response-suppress-only-not-ignored", mail(std(
    addr("星河ITSM", "itsm@xhzs.com.cn"), ew("[INC0048812] 服务器故障转厂商"), d,
    mid("uuid", "xhzs.com.cn"), extra=[("X-Auto-Response-Suppress", "OOF, DR, RN, NRN, AutoReply")]),
    t.encode()), {
    "ignored_reason": None, "sn": "RCS25L0112350", "contact": "吴喆", "phone": "13601128890",
    "symptoms_contains": ["DIMMC1 Uncorrectable ECC"], "city": "北京市", "district": "朝阳区"})

# G9: a delivery status report (multipart/report) from MAILER-DAEMON, empty return path, quoting
#     our acknowledgement with its order number.
ack = mail([("From", "=?UTF-8?B?6J6N56eR6IGU5Yib5pyN5Yqh5pSv5oyB?= <service@roycom.com.cn>"),
            ("To", "wrong-user@tfzs-ai.com"), ("Subject", ew("[RC20261112-0003] 已收到您的报修")),
            ("Date", date("2026-11-12 10:00:01")), ("Message-ID", "<ack.RC20261112-0003.1@roycom.com.cn>"),
            ("Auto-Submitted", "auto-replied"), ("MIME-Version", "1.0"),
            ("Content-Type", "text/plain; charset=UTF-8"), ("Content-Transfer-Encoding", "base64")],
           b64("您好，我们已收到您的报修，工单号 RC20261112-0003。\n".encode()))
ct, body = mp("report", "5F6A2C0E31.1762912805/mx.roycom.com.cn", [
    part("text/plain; charset=us-ascii", b"""This is the mail system at host mx.roycom.com.cn.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients.

<wrong-user@tfzs-ai.com>: host mx.tfzs-ai.com[47.246.1.9] said: 550 5.1.1
    <wrong-user@tfzs-ai.com>: Recipient address rejected: User unknown
""", None, "notification", extra=[("Content-Description", "Notification")]),
    part("message/delivery-status", b"""Reporting-MTA: dns; mx.roycom.com.cn
Arrival-Date: Thu, 12 Nov 2026 10:00:03 +0800

Final-Recipient: rfc822; wrong-user@tfzs-ai.com
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 Recipient address rejected: User unknown
""", None, extra=[("Content-Description", "Delivery report")]),
    part("message/rfc822", ack, None, extra=[("Content-Description", "Undelivered Message")])],
    params="; report-type=delivery-status")
d = date("2026-11-12 10:00:05")
fx("ign-bounce-multipart-report-mailer-daemon", mail(std(
    "MAILER-DAEMON@mx.roycom.com.cn (Mail Delivery System)", "Undelivered Mail Returned to Sender", d,
    "20261112020005.5F6A2C0E31@mx.roycom.com.cn", ctype=ct, cte=None,
    pre=[("Return-Path", "<>")]), body), {
    "ignored_reason": "bounce"})

# G10: a Chinese bounce from postmaster (no multipart/report), quoting an order number in text.
t = """很抱歉您的邮件没能成功发送到您指定的邮箱。
收件人：zhaozg_old@sjzhx.com.cn
主题：[RC20261105-0002] 已收到您的报修
退信原因：收件人邮箱不存在（550 Mailbox not found）

此为系统邮件，请勿直接回复。
"""
d = date("2026-11-05 10:20")
fx("ign-bounce-postmaster-chinese", mail(std(
    addr("系统退信", "postmaster@sjzhx.com.cn"), ew("系统退信"), d, mid("uuid", "sjzhx.com.cn")),
    t.encode()), {"ignored_reason": "bounce"})

# G11: only the empty return path marks it (an Exchange "delivery delayed" notice, text/plain).
t = """传递尚未完成
此邮件的传递已延迟。服务器将继续尝试传递此邮件。

主题: [RC20261121-0004] 已收到您的报修
收件人: office@tjgangshu.com
"""
d = date("2026-11-21 13:33")
fx("ign-bounce-empty-return-path-only", mail(std(
    addr("Microsoft Outlook", "MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@tjgangshu.com"),
    ew("已延迟传递: [RC20261121-0004] 已收到您的报修"), d, mid("outlook", "tjgangshu.com"),
    pre=[("Return-Path", "<>")]), t.encode()), {"ignored_reason": "bounce"})

# G12: a Postfix bounce that also says Auto-Submitted: auto-replied (delivery report wins).
ct, body = mp("report", "A1B2C3D4E5.1763200000/mail.jbdata.cn", [
    part("text/plain; charset=us-ascii", b"""This is the mail system at host mail.jbdata.cn.

####################################################################
# THIS IS A WARNING ONLY.  YOU DO NOT NEED TO RESEND YOUR MESSAGE. #
####################################################################

Your message could not be delivered for more than 4 hour(s).
It will be retried until it is 5 day(s) old.
""", None, "notification"),
    part("message/delivery-status", b"""Reporting-MTA: dns; mail.jbdata.cn

Final-Recipient: rfc822; gaozy@jbdata.cn
Action: delayed
Status: 4.4.1
""", None),
    part("text/rfc822-headers", ("Subject: " + ew("[RC20261115-0008] 已收到您的报修") +
                                 "\nFrom: service@roycom.com.cn\n").encode(), None)],
    params="; report-type=delivery-status")
d = date("2026-11-15 14:53")
fx("ign-bounce-with-auto-submitted-header", mail(std(
    "Mail Delivery System <MAILER-DAEMON@mail.jbdata.cn>", "Delayed Mail (still being retried)", d,
    "20261115065300.A1B2C3D4E5@mail.jbdata.cn", ctype=ct, cte=None,
    pre=[("Return-Path", "<>")], extra=[("Auto-Submitted", "auto-replied")]), body), {
    "ignored_reason": "bounce"})

# G13: a newsletter, Precedence: bulk.
h = """<html><body><h2>超微 X14 平台新品发布会邀请</h2><p>尊敬的合作伙伴：</p>
<p>诚邀您参加 2026 年 12 月 3 日在北京举办的超微 X14 服务器新品发布会……</p>
<p>咨询电话：400-800-1234</p><p><a href="https://mkt.example-distributor.cn/unsub?u=8812">退订</a></p></body></html>"""
d = date("2026-11-20 10:00")
fx("ign-bulk-precedence-bulk", mail(std(
    addr("神州数码渠道营销", "marketing@mkt.example-distributor.cn"), ew("【邀请函】超微X14新品发布会"), d,
    mid("php", "mkt.example-distributor.cn", "20261120100000"), ctype="text/html; charset=utf-8", cte="base64",
    extra=[("Precedence", "bulk"), ("X-Campaign-Id", "DC-2026-11-X14")]), b64(h.encode())), {
    "ignored_reason": "bulk"})

# G14: a mailing list (List-Id + Precedence: list) the mailbox was subscribed to; it even
#      describes a fault with an SN.
t = """[告警] storage-03 (RCS25C0200108) 阵列降级，请值班同事关注。

--
infra-alerts mailing list
https://lists.tjgangshu.com/mailman/listinfo/infra-alerts
"""
d = date("2026-11-23 04:10")
fx("ign-list-id-and-precedence-list", mail(std(
    addr("值班机器人", "oncall-bot@tjgangshu.com"), ew("[infra-alerts] storage-03 阵列降级"), d,
    mid("uuid", "tjgangshu.com"), to="infra-alerts@lists.tjgangshu.com",
    extra=[("List-Id", "Infra alerts <infra-alerts.lists.tjgangshu.com>"), ("Precedence", "list"),
           ("List-Post", "<mailto:infra-alerts@lists.tjgangshu.com>"), ("Sender", "infra-alerts-bounces@lists.tjgangshu.com")]),
    t.encode()), {"ignored_reason": "bulk"})

# G15: List-Id and List-Unsubscribe only, no Precedence.
t = """Supermicro BIOS/BMC security advisory SA-2026-11: updated firmware for X13 platforms is available.
Please see https://www.example-vendor.com/support/security for details.
"""
d = date("2026-11-26 02:00", "-0800")
fx("ign-list-id-only", mail(std(
    "Vendor Security Advisories <advisories@example-vendor.com>", "Security Advisory SA-2026-11", d,
    mid("uuid", "example-vendor.com"),
    extra=[("List-Id", "<security-advisories.example-vendor.com>"),
           ("List-Unsubscribe", "<https://www.example-vendor.com/unsub?l=sa>, <mailto:unsub@example-vendor.com>")]),
    t.encode()), {"ignored_reason": "bulk"})

# G16: Precedence: junk.
t = """尊敬的客户：您好！我司专业提供机房托管、IDC带宽、服务器租用，价格优惠，欢迎来电咨询 13800001111。
"""
d = date("2026-11-27 15:00")
fx("ign-precedence-junk", mail(std(
    addr("IDC推广", "sales@idc-promo.example.cn"), ew("机房托管特价"), d, mid("php", "idc-promo.example.cn", "20261127150000"),
    extra=[("Precedence", "junk")]), t.encode()), {"ignored_reason": "bulk"})

# G17: mail from the service mailbox itself (an engineer replying from it, CC to the mailbox).
t = """沈工您好，

备件（硬盘 HUS728T8TALE6L4）已于今天发出，顺丰单号 SF1402938827711，预计明天上午到。
工程师张建（186 2200 1357）明天下午到现场更换。

融科联创 技术服务部
热线：400-018-8995
"""
d = date("2026-11-17 16:05")
fx("ign-loop-own-service-address", mail(std(
    addr("融科联创服务支持", "service@roycom.com.cn"), "Re: " + ew("[RC20261117-0005] 服务器硬盘故障"), d,
    mid("uuid", "roycom.com.cn"), to=addr("沈佳怡", "shenjiayi@pjsz-tech.com"),
    extra=[("Cc", OWN)]), t.encode()), {"ignored_reason": "loop"})

# G18: our own address in other letter case.
t = """测试邮件，请忽略。test mail please ignore.
"""
d = date("2026-11-28 09:00")
fx("ign-loop-own-address-mixed-case", mail(std(
    addr("融科联创服务支持", "Service@Roycom.COM.cn"), "test", d, mid("uuid", "roycom.com.cn")),
    t.encode()), {"ignored_reason": "loop"})

# =============================================================================================
# H. Follow-ups
# =============================================================================================

# H1: Re: [order] … with the acknowledgement quoted; the reply supplies the missing SN.
t = """序列号找到了：RCS25H0089014，标签在机器顶上左下角，之前没注意。

-----原始邮件-----
发件人："融科联创服务支持" <service@roycom.com.cn>
发送时间：2026年11月12日(星期四) 下午2:03
收件人："阿不都热依木" <abdurehim.m@tsyun.com.cn>
主题：[RC20261112-0007] 已收到您的报修：乌鲁木齐服务器硬盘故障报修

您好，我们已收到您的报修（工单号 RC20261112-0007）。
还缺少以下信息，请回复本邮件补充：设备SN（位于机器顶部左下角位置）。
服务热线 400-018-8995（7x24），邮箱 5x8 值守。
"""
d = date("2026-11-13 09:58")
fx("fu-re-bracketed-order-adds-sn", mail(std(
    addr("阿不都热依木", "abdurehim.m@tsyun.com.cn"), "Re: " + ew("[RC20261112-0007] 已收到您的报修：乌鲁木齐服务器硬盘故障报修"), d,
    mid("uuid", "tsyun.com.cn"),
    extra=[("In-Reply-To", "<ack.RC20261112-0007.1@roycom.com.cn>"),
           ("References", "<5f2e91c0-3a7b-4d1e-b6c2-0e8d4f9a1b99@tsyun.com.cn> <ack.RC20261112-0007.1@roycom.com.cn>")]),
    t.encode()), {
    "followup_of": "RC20261112-0007", "sn": "RCS25H0089014", "phone": None,
    "references": ["ack.RC20261112-0007.1@roycom.com.cn", "5f2e91c0-3a7b-4d1e-b6c2-0e8d4f9a1b99@tsyun.com.cn"],
    "sn_candidates_excludes": ["RC20261112-0007", "RC20261112"]})

# H2: 回复： + order number without brackets.
t = """好的，明天上午9点机房有人，工程师直接过来就行。
"""
d = date("2026-11-18 17:20")
fx("fu-huifu-order-without-brackets", mail(std(
    addr("钱昊", "qianhao@jinling-data.com"), ew("回复：RC20261118-0012 硬盘槽位3故障"), d,
    mid("qq", "")), t.encode()), {"followup_of": "RC20261118-0012"})

# H3: 答复: (Outlook Chinese) + 【】 brackets.
t = """收到，谢谢。另外请工程师带一块同型号的 7.68T NVMe 盘备用。

发件人: 融科联创服务支持 <service@roycom.com.cn>
发送时间: 2026年11月20日 11:02
收件人: 唐敏 <tangmin@tfsoftpark-dc.cn>
主题: 【RC20261120-0003】已收到您的报修
"""
d = date("2026-11-20 11:30")
fx("fu-dafu-fullwidth-brackets", mail(std(
    addr("唐敏", "tangmin@tfsoftpark-dc.cn"), ew("答复: 【RC20261120-0003】已收到您的报修"), d,
    mid("outlook", "SH0PR01MB1234.CHNPR01.prod.partner.outlook.cn")), t.encode()), {
    "followup_of": "RC20261120-0003"})

# H4: Fwd: [order] (a colleague forwards the acknowledgement back with a question).
t = """请问这个工单现在什么进度？工程师说今天来，到现在还没人联系我们。

---------- Forwarded message ---------
From: 融科联创服务支持 <service@roycom.com.cn>
Date: Mon, Nov 23, 2026 at 9:07 AM
Subject: [RC20261123-0015] 已收到您的报修
To: <maxiaodong@sxjk-dc.cn>
"""
d = date("2026-11-23 16:45")
fx("fu-fwd-bracketed-order", mail(std(
    addr("马晓东", "maxiaodong@sxjk-dc.cn"), "Fwd: " + ew("[RC20261123-0015] 已收到您的报修"), d,
    mid("gmail", "")), t.encode()), {"followup_of": "RC20261123-0015"})

# H5: 转发: + order number without brackets.
t = """转给你们现场的同事，机房门禁已经开通，来之前打 13838106612。
"""
d = date("2026-11-16 08:15")
fx("fu-zhuanfa-order-without-brackets", mail(std(
    addr("贾宏伟", "jiahw@zyyungu.com"), ew("转发: RC20261116-0002 服务器风扇满转速"), d,
    mid("coremail", "zyyungu.com")), t.encode()), {"followup_of": "RC20261116-0002", "contact": None})

# H6: RE: RE: with the order number.
t = """Engineer arrived and replaced the PSU, the amber LED is gone. Thanks, you can close the ticket.
"""
d = date("2026-11-06 15:55", "+0100")
fx("fu-re-re-uppercase", mail(std(
    addr("Markus Weber", "markus.weber@hartmann-praezision.de"), "RE: RE: [RC20261104-0009] Server reboots by itself", d,
    mid("outlook", "AM9PR07MB7154.eurprd07.prod.outlook.com")), t.encode()), {
    "followup_of": "RC20261104-0009"})

# H7: the order number only in the quoted body (the subject lost it).
t = """现在又好了，先观察两天，有问题再联系。

> 您好，我们已收到您的报修，工单号：RC20261119-0021。
> 如需补充信息请直接回复本邮件。
> 融科联创服务支持
"""
d = date("2026-11-19 18:30")
fx("fu-order-number-only-in-quoted-body", mail(std(
    addr("贾宏伟", "1123456789@qq.com"), ew("Re: 已收到您的报修"), d, mid("qq", "")), t.encode()), {
    "followup_of": "RC20261119-0021"})

# H8: a new mail (no Re:) that names an existing order in its own words.
t = """你好，关于工单RC20261117-0009，换完主板以后现在又出现了同样的问题，开机卡在0xB2，麻烦再安排一下。
"""
d = date("2026-11-22 10:22")
fx("fu-order-named-in-new-mail", mail(std(
    addr("刘洋", "liuyang_it@qq.com"), ew("问题又出现了"), d, mid("qq", "")), t.encode()), {
    "followup_of": "RC20261117-0009", "phone": None})

# H9: In-Reply-To only (no order number anywhere): followup_of stays null, the ids are listed.
t = """补充一下：机器在机柜 A-07，第3U。
"""
d = date("2026-11-22 00:12")
fx("fu-in-reply-to-only", mail(std(
    addr("王堃", "wangkun@bjhz-fin.com"), ew("Re: 核心服务器宕机"), d, mid("uuid", "bjhz-fin.com"),
    extra=[("In-Reply-To", "<ack.RC20261121-0011.1@roycom.com.cn>")]), t.encode()), {
    "followup_of": None, "references": ["ack.RC20261121-0011.1@roycom.com.cn"]})

# H10: References only (a thread of three), no In-Reply-To, no order number.
t = """Any update? The node is still down.
"""
d = date("2026-11-24 09:00")
fx("fu-references-only", mail(std(
    addr("Li Na", "lina@wmllm.org.cn"), "Re: GPU node won't boot", d, mid("gmail", ""),
    extra=[("References", "<CAFq2n0wX7hPz3L1sM9vK0rT5yE8uB2a@mail.gmail.com>\n <ack.RC20261119-0002.1@roycom.com.cn>\n <20261120031500.GA2231@roycom.com.cn>")]),
    t.encode()), {
    "followup_of": None,
    "references": ["CAFq2n0wX7hPz3L1sM9vK0rT5yE8uB2a@mail.gmail.com", "ack.RC20261119-0002.1@roycom.com.cn",
                   "20261120031500.GA2231@roycom.com.cn"]})

# H11: order number with a full-width hyphen and digits inside 【】 after 回复：.
t = """工程师的电话打不通，请让他回电 15828173306。
"""
d = date("2026-11-26 13:21")
fx("fu-fullwidth-order-number", mail(std(
    addr("陈晓燕", "chenxy@tfzs-ai.com"), ew("回复：【ＲＣ２０２６１１２６－０００４】GPU掉卡"), d,
    mid("foxmail", "tfzs-ai.com", "202611261321")), t.encode()), {
    "followup_of": "RC20261126-0004", "phone": "15828173306"})

# =============================================================================================
# I. Hostile and odd mail
# =============================================================================================

# I1: no Subject header.
t = """你好，服务器 SN：RCS25A0012351 开机报 "CPU Fan Failure"，北京市海淀区上地信息路11号，王磊 13910126688
"""
fx("odd-no-subject-header", mail(std(
    addr("王磊", "wanglei_bj@163.com"), None, date("2026-11-03 09:09"), mid("coremail", "163.com")),
    t.encode()), {"subject": None, "sn": "RCS25A0012351", "phone": "13910126688"})

# I2: no Date header (received time must come from elsewhere).
t = """SN: RCS25F0230012 服务器无法开机，成都市武侯区国学巷37号，罗晓梅 028-8542 2178
"""
fx("odd-no-date-header", mail(std(
    addr("罗晓梅", "luoxiaomei@jchospital.cn"), ew("无法开机"), None, mid("coremail", "jchospital.cn"),
    received=rcvd("mail.jchospital.cn", "118.112.40.3", date("2026-11-04 08:30"))), t.encode()), {
    "sn": "RCS25F0230012", "phone": "028-85422178", "city": "成都市", "district": "武侯区"})

# I3: no Message-ID header (the dedupe key falls back to a digest).
t = """服务器 S/N: RCS25E0056793 BMC 报 "PSU1 Failure"，上海市浦东新区碧波路690号，沈佳怡 13761809925
"""
fx("odd-no-message-id-header", mail(std(
    addr("沈佳怡", "shenjiayi@pjsz-tech.com"), ew("电源故障"), date("2026-11-05 17:17"), None),
    t.encode()), {"message_id": None, "sn": "RCS25E0056793", "phone": "13761809925", "city": "上海市",
                  "district": "浦东新区"})

# I4: no Subject, no Date, no Message-ID, no MIME headers: From, To and a body only.
t = """SN RCS25G0240123 亮红灯 钱昊 15150681212
"""
fx("odd-no-subject-date-message-id", mail(std(
    "qianhao@jinling-data.com", None, None, None, mime=False), t.encode()), {
    "message_id": None, "subject": None, "from": "qianhao@jinling-data.com", "symptoms_contains": ["亮红灯"],
    "phone": "15150681212"})

# I5: an RFC 2047 subject whose decoded text holds CR/LF and a fake header (header injection).
inj = "服务器报修\r\nBcc: attacker@example.net\r\nX-Injected: yes"
t = """SN：RCS25C0200109，风扇告警。天津市河西区友谊路35号 冯晓东 022-2321 5566
"""
fx("odd-encoded-crlf-in-subject", mail(std(
    addr("冯晓东", "fengxd@tjgangshu.com"), "=?UTF-8?B?%s?=" % base64.b64encode(inj.encode()).decode(),
    date("2026-11-06 06:06"), mid("uuid", "tjgangshu.com")), t.encode()), {
    "subject_excludes": ["\r", "\n"], "sn": "RCS25C0200109", "symptoms_contains": ["风扇告警"]})

# I6: a very long subject (a pasted log line, 180 encoded-words folded over many lines).
long_subj = "服务器报错日志：" + "；".join(
    "[%02d:%02d] mce: CPU%d Machine Check: 0 Bank 5: be00000000800400" % (h_ // 60, h_ % 60, h_ % 64)
    for h_ in range(0, 60 * 24, 16))
enc = ew(long_subj).replace(" ", "\n ")
t = """日志太长放标题里了，机器 SN: RCS25M0123460，北京市海淀区中关村南大街5号，王堃 18610085566
"""
fx("odd-very-long-subject", mail(std(
    addr("王堃", "wangkun@bjhz-fin.com"), enc, date("2026-11-07 07:07"), mid("uuid", "bjhz-fin.com")),
    t.encode()), {"subject": long_subj, "sn": "RCS25M0123460", "phone": "18610085566"})


def nested(levels, inner):
    ct_, body_ = "text/plain; charset=utf-8", inner
    for i in range(levels):
        ct_, body_ = mp("mixed", "nest-%02d-%s" % (i, "x" * 8), [part(ct_, body_, "8bit" if i == 0 else None)])
    return ct_, body_


# I7: 50 nested multiparts (over the depth limit of 20): a clear depth error is expected.
ct, body = nested(50, "SN: RCS25A0012352 最里面的一层\n".encode())
fx("odd-nested-50-multiparts", mail(std(
    "fuzz@example.net", "nested 50", date("2026-11-08 08:08"), mid("uuid", "example.net"), ctype=ct, cte=None),
    body), {"error_contains": "depth"})

# I8: 12 nested multiparts (within limits): parses, the innermost text is found.
ct, body = nested(12, "你好，SN：RCS25A0012353 硬盘告警，王磊 13910126688\n".encode())
fx("odd-nested-12-multiparts", mail(std(
    addr("王磊", "wanglei_bj@163.com"), ew("嵌套"), date("2026-11-08 09:09"), mid("coremail", "163.com"),
    ctype=ct, cte=None), body), {"sn": "RCS25A0012353", "symptoms_contains": ["硬盘告警"], "phone": "13910126688"})

# I9: garbage boundary: the declared boundary never appears; the SN is in the subject.
body = b"""--this-is-not-the-boundary
Content-Type: text/plain; charset=utf-8

\xe4\xbd\xa0\xe5\xa5\xbd
--this-is-not-the-boundary--
"""
fx("odd-garbage-boundary", mail(std(
    addr("刘洋", "liuyang_it@qq.com"), ew("报修 SN:RCS25M0123461 开不了机"), date("2026-11-09 09:09"),
    mid("qq", ""), ctype='multipart/mixed; boundary="\x01\x7f==??**garbage"', cte=None), body), {
    "sn": "RCS25M0123461"})

# I10: a boundary that is never closed (the mail was truncated after the text part).
ct, body = mp("mixed", "----=_Part_0_1_unclosed", [
    tpart("服务器 SN：RCS25D0045681 GPU 掉卡，成都市高新区天府大道中段1388号，陈晓燕 15828173306\n", "utf-8", "8bit"),
    part('image/jpeg; name="a.jpg"', b64(JPEG)[:40], "base64", 'attachment; filename="a.jpg"')])
body = body[:body.rindex(b"------=_Part_0_1_unclosed--")]
fx("odd-boundary-never-closed", mail(std(
    addr("陈晓燕", "chenxy@tfzs-ai.com"), ew("GPU掉卡"), date("2026-11-10 10:10"), mid("uuid", "tfzs-ai.com"),
    ctype=ct, cte=None), body), {"sn": "RCS25D0045681", "phone": "15828173306"})

# I11: multipart/mixed without any boundary parameter.
t = b"""SN: RCS25B0023462 server down
"""
fx("odd-multipart-without-boundary", mail(std(
    "zhao.lei@hartmann-praezision.cn", "SN RCS25B0023462 down", date("2026-11-11 11:11"),
    mid("uuid", "hartmann-praezision.cn"), ctype="multipart/mixed", cte=None), t), {})

# I12: headers only, no body at all (not even the blank line).
fx("odd-headers-only-no-body", hdrs(std(
    addr("黄志强", "huangzq@yunfan-data.cn"), ew("SN：ZM25BS001236 内存报错"), date("2026-11-12 12:12"),
    mid("uuid", "yunfan-data.cn"))), {"sn": "ZM25BS001236"})

# I13: NUL bytes and other control characters in an 8bit body.
t = "你好，SN：RCS25K0101237 ".encode() + b"\x00\x00\x01\x02\x1b[31m" + \
    " BMC 告警 \"Fan Redundancy Lost\"，周晨曦 15868112093\n".encode()
fx("odd-nul-and-control-bytes", mail(std(
    addr("周晨曦", "zhouchenxi@hzxy-soft.com"), ew("风扇冗余丢失"), date("2026-11-13 13:13"),
    mid("uuid", "hzxy-soft.com")), t), {"sn": "RCS25K0101237", "phone": "15868112093"})

# I14: mixed line endings (CRLF headers, LF body, a lone CR).
raw = mail(std(addr("马晓东", "maxiaodong@sxjk-dc.cn"), ew("硬盘告警"), date("2026-11-14 14:14"),
               mid("uuid", "sxjk-dc.cn")), b"", crlf=True)
raw += "SN：RCS25N0134571\n硬盘告警，前面板红灯\r西安市未央区凤城十二路1号 马晓东 13991203366\n".encode()
fx("odd-mixed-line-endings", raw, {"sn": "RCS25N0134571", "phone": "13991203366"})

# I15: a 40,000-character single line of pasted log before the actual request.
t = ("dmesg: " + " ".join("[%d.%06d] ata%d: SError: { UnrecovData HostInt }" % (i, i * 7919 % 1000000, i % 8)
                          for i in range(800)) + "\n\n").encode() + \
    "以上是日志。SN：RCS25G0240124，硬盘报错，南京市江宁区将军大道100号，钱昊 15150681212\n".encode()
fx("odd-very-long-line", mail(std(
    addr("钱昊", "qianhao@jinling-data.com"), ew("硬盘报错日志"), date("2026-11-15 15:15"),
    mid("uuid", "jinling-data.com")), t), {"sn": "RCS25G0240124", "phone": "15150681212"})

# I16: broken base64 (stray characters, missing padding) in a text part.
good = b64("服务器 SN：RCS25Q0156006 无法开机，郑州市金水区花园路139号，贾宏伟 13838106612\n".encode())
bad = good.replace(b"\n", b"!!\n", 1).rstrip(b"=\n") + b"\n"
fx("odd-broken-base64", mail(std(
    addr("贾宏伟", "jiahw@zyyungu.com"), ew("无法开机"), date("2026-11-16 16:16"), mid("uuid", "zyyungu.com"),
    ctype="text/plain; charset=utf-8", cte="base64"), bad), {})

# I17: raw 8-bit GBK bytes in the Subject header (an old client, no RFC 2047).
t = """SN：RCS25C0200110 服务器报修，电源故障。天津市河西区友谊路35号 冯晓东 022-2321 5566
"""
fx("odd-raw-gbk-bytes-in-subject", mail(std(
    addr("冯晓东", "fengxd@tjgangshu.com"), "服务器电源故障报修".encode("gb18030"), date("2026-11-17 17:17"),
    mid("uuid", "tjgangshu.com"), ctype="text/plain; charset=gbk", cte="8bit"), t.encode("gb18030")), {
    "subject": "服务器电源故障报修", "sn": "RCS25C0200110", "charset_used": "GB18030"})

# =============================================================================================
# J. Requests that are not faults (the parse side still has to get the fields right)
# =============================================================================================

# J1: no SN and no model at all; everything else is there.
t = """你好，我们公司机房有一台你们的服务器，今天下午突然断电后就开不了机了，按电源键没有任何反应。
机器标签在机柜最上面够不着，序列号暂时没法提供。
地址：广州市天河区珠江新城华夏路10号富力中心28楼机房
联系人：梁嘉欣
电话：020-3886 5521
"""
d = date("2026-11-14 16:36")
fx("misc-missing-sn-and-model", mail(std(
    addr("梁嘉欣", "liangjx@gzfl-tech.com"), ew("服务器断电后开不了机"), d, mid("coremail", "gzfl-tech.com")),
    t.encode()), {
    "sn": None, "sn_candidates": [], "model": None, "symptoms_contains": ["开不了机"],
    "contact": "梁嘉欣", "phone": "020-38865521", "address_contains": "华夏路10号", "city": "广州市",
    "district": "天河区", "missing_parse": ["sn", "model"]})

# J2: a consultation about warranty; no device fields except the SN.
t = """您好，

请问贵司服务器的保修期是怎么计算的？我们 2025 年 3 月到货的一批机器（其中一台序列号 RCS25A0012354），
发票是 4 月开的，保修是从到货开始算还是从发票日期开始算？如何申请按发票日期计算？

谢谢！
北京智联云途科技有限公司 采购部
"""
d = date("2026-11-16 11:05")
fx("misc-consultation-warranty-question", mail(std(
    addr("采购部", "purchase@bjzl-yuntu.com"), ew("咨询：保修期如何计算"), d, mid("coremail", "bjzl-yuntu.com")),
    t.encode()), {
    "sn": "RCS25A0012354", "symptoms_contains": ["保修期是怎么计算的"], "symptoms_excludes": ["采购部"],
    "phone": None})

# J3: value-added request (rack installation and OS installation) for three servers, no fault.
t = """Hi 融科，

新到的3台服务器（S/N: RCS26D0320012 / RCS26D0320013 / RCS26D0320014，型号 RC-R4290G G5）需要上架安装和系统安装（Ubuntu 22.04 + NVIDIA 驱动 + CUDA 12.4），
机房在天津市西青区张家窝镇知景道36号西青数据中心3号楼，下周一到周三都可以进场。麻烦报个价，按人天算也行。

对接人：郭婷 13602093318
"""
d = date("2026-11-20 14:44")
fx("misc-value-added-rack-and-os-install", mail(std(
    addr("郭婷", "guoting@xqdc.com.cn"), ew("新机器上架+装系统报价"), d, mid("uuid", "xqdc.com.cn")),
    t.encode()), {
    "sn_candidates": ["RCS26D0320012", "RCS26D0320013", "RCS26D0320014"], "model": "RC-R4290G G5",
    "contact": "郭婷", "phone": "13602093318", "city": "天津市", "district": "西青区",
    "address_contains": "知景道36号"})

# J4: English question about extending the warranty (续保), signature with a Singapore office.
t = """Hello,

Could you please advise how we can extend the warranty of our server S/N RCS25L0112351 by two more
years, and what the price would be? The current warranty ends in 2028.

Best regards,
Rajesh Kumar
Infinitum Systems Pte. Ltd. | +65 6221 8870
"""
d = date("2026-11-27 17:50", "+0800")
fx("misc-english-warranty-extension-question", mail(std(
    addr("Rajesh Kumar", "rajesh.kumar@infinitum-sys.com.sg"), "Warranty extension for RCS25L0112351", d,
    mid("outlook", "SG2PR06MB9911.apcprd06.prod.outlook.com")), t.encode()), {
    "sn": "RCS25L0112351", "symptoms_contains": ["extend the warranty"],
    "symptoms_excludes": ["Best regards", "Infinitum Systems"], "phone": None})

# =============================================================================================
# Self-check and output
# =============================================================================================

EW = re.compile(r"=\?([^?\s]+)\?([BbQq])\?([^?\s]*)\?=")


def _ew_bytes(enc, payload):
    if enc in "Bb":
        payload += "=" * (-len(payload) % 4)
        return base64.b64decode(payload)
    return re.sub(rb"=([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]),
                  payload.replace("_", " ").encode())


def decode_header(raw):
    """RFC 2047 decoding as GMime does it: adjacent words of one charset are joined as bytes
    before conversion (so a character split over two words survives), GB charsets via GB18030,
    raw 8-bit as UTF-8 else GB18030."""
    raw = re.sub(rb"\r?\n(?=[ \t])", b"", raw)
    try:
        s = raw.decode("utf-8")
    except UnicodeDecodeError:
        s = raw.decode("gb18030", "replace")
    out, pend_cs, pend = [], None, b""
    pos = 0

    def flush():
        nonlocal pend_cs, pend
        if pend_cs is not None:
            out.append(pend.decode(codec(pend_cs.split("*")[0]), "replace"))
        pend_cs, pend = None, b""

    for m in EW.finditer(s):
        gap = s[pos:m.start()]
        if not (pend_cs is not None and gap.strip(" \t") == ""):
            flush()
            out.append(gap)
        cs = m.group(1)
        if pend_cs is not None and pend_cs.lower() != cs.lower():
            flush()
        pend_cs = cs if pend_cs is None else pend_cs
        pend += _ew_bytes(m.group(2), m.group(3))
        pos = m.end()
    flush()
    out.append(s[pos:])
    return "".join(out).strip()


def raw_header(raw, name):
    head = re.split(rb"\r?\n\r?\n", raw, 1)[0]
    m = re.search(rb"(?im)^" + re.escape(name.encode()) + rb":[ \t]*((?:.*)(?:\r?\n[ \t].*)*)", head)
    return m.group(1).rstrip(b"\r") if m else None


class _Html(html.parser.HTMLParser):
    BLOCK = {"br", "p", "div", "tr", "td", "th", "li", "table", "h1", "h2", "h3", "h4"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out, self.skip = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("style", "script", "head"):
            self.skip += 1
        if tag in self.BLOCK:
            self.out.append("\n")

    def handle_endtag(self, tag):
        if tag in ("style", "script", "head"):
            self.skip -= 1
        if tag in self.BLOCK:
            self.out.append("\n")

    def handle_data(self, data):
        if not self.skip:
            self.out.append(data)


def html_text(s):
    p = _Html()
    p.feed(s)
    return "".join(p.out)


def unflow(text, delsp):
    lines, out, cur = text.replace("\r\n", "\n").split("\n"), [], ""
    for ln in lines:
        if ln.startswith(" "):
            ln = ln[1:]
        if ln.endswith(" ") and ln != "-- ":
            cur += ln[:-1] if delsp else ln
        else:
            out.append(cur + ln)
            cur = ""
    if cur:
        out.append(cur)
    return "\n".join(out)


def utf8_ok(raw):
    try:
        raw.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


def gb_pairs(raw):
    """Byte pairs that are GB text: >= 80 % of the pairs have both bytes in 0xA1-0xFE."""
    pairs = core = i = 0
    while i + 1 < len(raw):
        c, t = raw[i], raw[i + 1]
        if c < 0x81:
            i += 1
            continue
        pairs += 1
        if 0x30 <= t <= 0x39:
            i += 4
            continue
        core += c >= 0xA1 and t >= 0xA1
        i += 2
    return pairs >= 2 and core * 5 >= pairs * 4


def decode_part(p):
    """(text, charset used, replacements) the way the parser is expected to decode one text part."""
    raw = p.get_payload(decode=True) or b""
    declared = p.get_param("charset")
    declared = declared.lower() if isinstance(declared, str) else None
    western = declared and re.match(r"(iso-8859-|windows-125|cp125|latin)", declared)
    if western and any(b >= 0x80 for b in raw) and (utf8_ok(raw) or gb_pairs(raw)):
        # a Western label on UTF-8 or GB bytes (Outlook Express): taken for what the bytes are
        text, used = (raw.decode("utf-8"), "UTF-8") if utf8_ok(raw) else (raw.decode("gb18030", "replace"), "GB18030")
    elif declared and declared not in ("us-ascii", "ascii"):
        used = "GB18030" if declared in GB else declared.upper()
        text = raw.decode(codec(declared), "replace")
    else:
        try:
            text, used = raw.decode("utf-8"), "UTF-8"
        except UnicodeDecodeError:
            text, used = raw.decode("gb18030", "replace"), "GB18030"
    if (p.get_param("format") or "").lower() == "flowed":
        text = unflow(text, (p.get_param("delsp") or "").lower() == "yes")
    if p.get_content_subtype() == "html":
        text = html_text(text)
    return text, used, text.count("\ufffd")


def text_parts(msg):
    for p in msg.walk():
        if p.is_multipart() or p.get_content_maintype() != "text":
            continue
        if p.get_content_subtype() not in ("plain", "html"):
            continue
        if (p.get("Content-Disposition") or "").lower().startswith("attachment"):
            continue
        yield p


def norm(s):
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", s))


PINYIN = {"北京": "Beijing", "成都": "Chengdu", "深圳": "Shenzhen", "上海": "Shanghai", "海淀": "Haidian",
          "高新": "Hi-tech", "南山": "Nanshan", "朝阳": "Chaoyang", "浦东新": "Pudong",
          "浦东": "Pudong", "西城": "Xicheng", "苏州": "Suzhou", "天津": "Tianjin",
          "滨海": ("Binhai", "TEDA", "天津经济技术开发区"), "石家庄": "Shijiazhuang", "裕华": "Yuhua"}
FROM_SIMPLE = re.compile(r'^\s*(?:"?([^"<>()\[\]:;@\\,.]*?)"?\s*<([^<>\s]+)>|([^\s<>()]+@[^\s<>()]+))\s*$')


def shorthand_sns(up):
    """The SNs a text names in shorthand after a full one: 'RCS25A0012345、46、47' (tails),
    'RCS25A0012345~47', '…45至…47', 'RCS…45-RCS…47' (ranges, up to 20)."""
    out = []
    for m in re.finditer(r"[A-Z]{1,4}[0-9]{2}[A-Z0-9]{5,16}", up):
        sn, rest = m.group(0), up[m.end():]
        digits = len(sn) - len(sn.rstrip("0123456789"))
        def tail(t):
            return sn[:len(sn) - len(t)] + t if 0 < len(t) < digits else None
        k = re.match(r"((?:\s*[、,/]\s*[0-9]{1,4}(?![0-9]))+)", rest)
        if k:
            out += [tail(t) for t in re.findall(r"[0-9]+", k.group(1)) if tail(t)]
            continue
        r = re.match(r"\s*(?:~|至|到|-)\s*([A-Z]{1,4}[0-9]{2}[A-Z0-9]{5,16}|[0-9]{1,4}(?![0-9]))", rest)
        if r:
            end = r.group(1) if not r.group(1).isdigit() else tail(r.group(1))
            if end and len(end) == len(sn) and end[:len(sn) - digits] == sn[:len(sn) - digits]:
                a, b = int(sn[len(sn) - digits:]), int(end[len(sn) - digits:])
                if 0 < b - a < 20:
                    out += [sn[:len(sn) - digits] + str(x).zfill(digits) for x in range(a + 1, b + 1)]
    # '…RCS26A0090001 这台…另外两台（尾号0002、0003）': the last digits of the SN before
    for m in re.finditer(r"(?:台|机器|服务器)[的(（ ]*(?:尾号|尾数|后四位|末四位)[是为: ]*([0-9]{2,6}(?:\s*[、,/和]\s*[0-9]{2,6})*)", up):
        before = re.findall(r"[A-Z]{1,4}[0-9]{2}[A-Z0-9]{5,16}", up[:m.start()])
        if before:
            base = before[-1]
            out += [base[:len(base) - len(t)] + t for t in re.findall(r"[0-9]+", m.group(1))]
    return out


def check(name, raw, exp):
    """Fills message_id/from/subject when they are certain; asserts every expectation against the mail."""
    problems = []
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    if "error_contains" in exp:
        if set(exp) != {"error_contains"}:
            problems.append("error_contains must stand alone")
        return problems
    mid_raw = raw_header(raw, "Message-ID")
    if "message_id" not in exp and mid_raw is not None:
        exp["message_id"] = mid_raw.decode().strip().strip("<>")
    frm_raw = raw_header(raw, "From")
    if "from" not in exp and frm_raw is not None:
        dec = decode_header(frm_raw)
        m = FROM_SIMPLE.match(dec)
        if m and m.group(2):
            exp["from"] = "%s <%s>" % (m.group(1).strip(), m.group(2)) if m.group(1).strip() else m.group(2)
        elif m:
            exp["from"] = m.group(3)
    sub_raw = raw_header(raw, "Subject")
    if "subject" not in exp and sub_raw is not None:
        dec = decode_header(sub_raw)
        if "\r" not in dec and "\n" not in dec:
            exp["subject"] = dec
    # Python's own view of the headers must agree where it can decode them.
    for key, hdr in (("from", "From"), ("subject", "Subject")):
        if exp.get(key) is not None and msg[hdr] is not None:
            try:
                py = str(msg[hdr])
            except Exception as e:  # noqa: BLE001 - report, don't die
                py = "<%s>" % e
            if py != exp[key]:
                NOTES.append("%s: %s: python %r, expected %r" % (name, key, py[:60], exp[key][:60]))
    texts, used, repl = [], [], 0
    for p in text_parts(msg):
        t, u, r = decode_part(p)
        texts.append(t)
        used.append(u)
        repl += r
    body = norm("\n".join(texts))
    every = norm("\n".join(decode_part(p)[0] for p in msg.walk()
                           if not p.is_multipart() and p.get_content_maintype() == "text"))
    subj = norm(exp.get("subject") or "")
    hay = body + " " + subj
    up = hay.upper()
    # A labelled SN written in groups ("RCS-25A-0110012", "RCS 25A 0100011") is expected joined.
    up_joined = re.sub(r"[ -]", "", up) + " " + " ".join(shorthand_sns(up))
    if exp.get("sn"):  # the text, or an attachment's name
        names = " ".join((p.get_filename() or "") for p in msg.walk()).upper()
        for p in msg.walk():  # and a text attachment's (a CSV of machines, also as application/vnd.ms-excel)
            if p.get_filename() and (p.get_content_maintype() == "text" or
                                     decode_header((p.get_filename() or "").encode()).lower().endswith((".csv", ".txt"))):
                try:
                    names += " " + p.get_payload(decode=True).decode(p.get_content_charset() or "gb18030",
                                                                     "replace").upper()
                except (LookupError, AttributeError):
                    pass
        if exp["sn"] not in up and exp["sn"] not in up_joined and exp["sn"] not in names:
            problems.append("sn %s not in mail" % exp["sn"])
    for c in exp.get("sn_candidates", []):
        if c not in up and c not in up_joined:
            problems.append("candidate %s not in mail" % c)
    for c in exp.get("sn_candidates_excludes", []):
        if c.upper() not in (every + " " + subj).upper():
            problems.append("excluded candidate %s not in mail (pointless)" % c)
    if exp.get("model") and norm(exp["model"]).upper() not in up:
        problems.append("model %s not in mail" % exp["model"])
    for s in exp.get("symptoms_contains", []):  # a subject may name the fault the text does not
        if norm(s) not in body and norm(s) not in norm(subj):
            problems.append("symptom %r not in body" % s)
    for s in exp.get("symptoms_excludes", []):
        if norm(s) not in every and norm(s) not in norm(subj):
            problems.append("excluded %r not in body (pointless)" % s)
    # "Tom 137…" signed by "Tom Xu <tom.xu@…>": the full name is the From display name.
    if exp.get("contact") and norm(exp["contact"]) not in body and \
            norm(exp["contact"]) not in norm(decode_header(raw_header(raw, "From") or b"")):
        problems.append("contact %r not in body" % exp["contact"])
    # a number said in Chinese numerals ("一三八零…") counts as its digits
    han = str.maketrans("零〇一幺二三四五六七八九", "001123456789")
    digits = re.sub(r"\D", "", body) + " " + re.sub(r"[^0-9]", "", body.translate(han))
    for ph in ([exp["phone"]] if exp.get("phone") else []) + exp.get("phone_one_of", []):
        d = re.sub(r"\D", "", ph)  # a landline after +86 loses its 0: "+86-10-8888 6666" is 010-88886666
        if d not in digits and not (d.startswith("0") and "86" + d[1:] in digits):
            problems.append("phone %s not in body" % ph)
    if exp.get("address_contains") and norm(exp["address_contains"]) not in body.replace(" ", "") \
            and norm(exp["address_contains"]) not in body:
        problems.append("address %r not in body" % exp["address_contains"])
    for key, suffix in (("city", "市"), ("district", "")):
        v = exp.get(key)
        if v:
            stem = v[:-1] if len(v) > 2 else v
            stem = stem[:-1] if stem.endswith("新") and key == "district" and stem != "高新" else stem
            # a city the mail does not name may follow from a district only it has (越秀区 → 广州市)
            implied = key == "city" and exp.get("district") and exp["district"][:-1] in body
            names = PINYIN.get(stem, ())
            names = (names,) if isinstance(names, str) else names
            if stem not in body and not any(n in body for n in names) and not implied:
                problems.append("%s %s not in body" % (key, v))
    if exp.get("followup_of") and exp["followup_of"] not in hay:
        problems.append("order %s not in mail" % exp["followup_of"])
    refs = b" ".join(filter(None, [raw_header(raw, "In-Reply-To"), raw_header(raw, "References")])).decode()
    for r in exp.get("references", []):
        if "<%s>" % r not in refs:
            problems.append("reference %s not in headers" % r)
    if "charset_used" in exp:
        if len(used) != 1:
            problems.append("charset_used given but %d text parts" % len(used))
        elif used[0].lower() != exp["charset_used"].lower():
            problems.append("charset_used %s, decoded as %s" % (exp["charset_used"], used[0]))
    if exp.get("replacements_min", 0) > repl:
        problems.append("replacements %d < %d" % (repl, exp["replacements_min"]))
    if "attachments" in exp:
        got = []
        for p in msg.walk():
            if (p.get("Content-Disposition") or "").lower().startswith("attachment"):
                got.append({"filename": p.get_filename(), "content_type": p.get_content_type()})
        for a in exp["attachments"]:
            if a not in got:
                problems.append("attachment %r not found (python sees %r)" % (a, got))
    for k in exp:
        if k not in KEYS and k != "machines":  # machines: tests/parser/fixture_compare.h reads it
            problems.append("unknown key %s" % k)
    for m in exp.get("machines", []):
        if m["sn"] not in up and m["sn"] not in up_joined and m["sn"] not in every.upper() and \
                m["sn"] not in " ".join((p.get_payload(decode=True) or b"").decode("gb18030", "replace")
                                        for p in msg.walk() if p.get_filename()).upper():
            problems.append("machine %s not in mail" % m["sn"])
    mp_ = exp.get("missing_parse")
    if mp_ is not None:
        order = ["sn", "model", "symptoms", "address", "contact", "phone", "location"]
        if mp_ != [f for f in order if f in mp_]:
            problems.append("missing_parse out of order")
        for f in ("sn", "model", "contact", "phone"):
            if exp.get(f) and f in mp_:
                problems.append("%s both given and missing" % f)
    return problems


KEYS = ["message_id", "from", "subject", "subject_excludes", "ignored_reason", "followup_of", "references",
        "sn", "sn_candidates", "sn_candidates_excludes", "model", "symptoms_contains", "symptoms_excludes",
        "contact", "phone", "phone_one_of", "address", "address_contains", "city", "district",
        "missing_parse", "attachments", "charset_used", "replacements_min", "error_contains"]
NOTES = []


def main():
    bad = 0
    names = set()
    for name, raw, exp in FIXTURES:
        problems = check(name, raw, exp)
        if problems:
            bad += 1
            print("FAIL %s:\n  %s" % (name, "\n  ".join(problems)))
        ordered = {k: exp[k] for k in KEYS if k in exp}
        with open(os.path.join(HERE, name + ".eml"), "wb") as f:
            f.write(raw)
        with open(os.path.join(HERE, name + ".json"), "w", encoding="utf-8") as f:
            json.dump(ordered, f, ensure_ascii=False, indent=2)
            f.write("\n")
        names.add(name)
    # blind-*: mails nobody on the team wrote (a QA blind run), and hand-*: pairs written by hand
    # outside this script, kept as they came with their expectations (parse-side fields); checked
    # against the mail like the others, never rewritten nor removed.
    for fn in sorted(os.listdir(HERE)):
        stem, ext = os.path.splitext(fn)
        if (ext == ".eml" and stem.startswith(("blind-", "hand-"))
                and os.path.exists(os.path.join(HERE, stem + ".json"))):
            with open(os.path.join(HERE, fn), "rb") as f:
                raw = f.read()
            with open(os.path.join(HERE, stem + ".json"), encoding="utf-8") as f:
                exp = json.load(f)
            problems = check(stem, raw, exp)
            if problems:
                bad += 1
                print("FAIL %s:\n  %s" % (stem, "\n  ".join(problems)))
            names.add(stem)
    for fn in os.listdir(HERE):
        stem, ext = os.path.splitext(fn)
        if ext in (".eml", ".json") and stem not in names and not stem.startswith("cust-"):
            os.remove(os.path.join(HERE, fn))
    for n in NOTES:
        print("note", n)
    print("%d fixtures written to %s, %d with problems" % (len(FIXTURES), HERE, bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
