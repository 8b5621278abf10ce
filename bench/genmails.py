#!/usr/bin/env python3
"""bench/genmails.py: writes N customer mails as Chinese mail clients send them, for
`bench/throughput.py --mails DIR`: multipart/alternative (text/plain and text/html, base64, GBK,
GB18030 or UTF-8, RFC 2047 From and Subject), a Received chain of 2-5 hops, a DKIM-Signature,
X-Mailer Foxmail, a signature with a legal disclaimer — about 4 KB each, like the 43.7 MB of 10,000
mails the throughput issue was measured with (samples/mail average 1.5 KB). The same mails for the
same --seed, but for the Date header (now).
Each mail names an SN, a model, a symptom, an address, a contact and a phone.

Usage: bench/genmails.py DIR [--count 200] [--seed 7]
"""
import argparse, base64, email.utils, os, random

ap = argparse.ArgumentParser()
ap.add_argument("dir")
ap.add_argument("--count", type=int, default=200)
ap.add_argument("--seed", type=int, default=7)
args = ap.parse_args()
rng = random.Random(args.seed)

PLACES = [("北京市海淀区上地信息路11号彩虹大厦3层机房", "海淀"), ("天津市西青区华苑产业园海泰发展六道6号", "西青"),
          ("上海市浦东新区张江高科碧波路690号", "浦东"), ("广东省深圳市南山区科技园高新南一道9号", "南山"),
          ("四川省成都市高新区天府三街199号", "成都"), ("河北省石家庄市长安区中山东路39号", "石家庄"),
          ("陕西省西安市雁塔区科技路48号", "西安")]
MODELS = ["SYS-620U-TNR", "RS-2288H V5", "R4900 G3", "NF5280M6", "SR650", "SYS-1029P-WTR", "PowerEdge R740"]
SYMPTOMS = ["早上开不了机，前面板亮红灯，风扇狂转。", "RAID卡报警，一块硬盘指示灯橙色闪烁，系统日志有大量IO错误。",
            "内存报错，BMC日志显示DIMM C1 ECC不可纠正错误，已经重启两次。", "电源模块故障灯亮，其中一个电源没有输出，服务器只剩单电源运行。",
            "机器频繁死机，蓝屏代码WHEA_UNCORRECTABLE_ERROR，怀疑CPU或主板问题。", "BMC无法登录，网页打不开，IPMI也没有响应。"]
PEOPLE = [("王磊", "wanglei_bj@163.com"), ("李娜", "lina_tj@qq.com"), ("张伟", "zhangwei@sina.com"),
          ("刘洋", "liuyang@126.com"), ("陈静", "chenjing@foxmail.com"), ("赵强", "zhaoqiang@aliyun.com")]
DISCLAIMER = ("本邮件及其附件含有保密信息，仅限于发送给上面地址中列出的个人或群组。禁止任何其他人以任何形式使用（包括但不限于"
              "全部或部分地泄露、复制、或散发）本邮件中的信息。如果您错收了本邮件，请您立即电话或邮件通知发件人并删除本邮件！")


def header_word(text, charset):
    return "=?%s?B?%s?=" % (charset, base64.b64encode(text.encode(charset)).decode())


def b64_lines(data):
    s = base64.b64encode(data).decode()
    return "\r\n".join(s[i:i + 76] for i in range(0, len(s), 76))


def rand_b64(n):
    return base64.b64encode(bytes(rng.getrandbits(8) for _ in range(n))).decode()


os.makedirs(args.dir, exist_ok=True)
for i in range(args.count):
    name, addr = rng.choice(PEOPLE)
    place, short = rng.choice(PLACES)
    model, symptom = rng.choice(MODELS), rng.choice(SYMPTOMS)
    sn = "RCS%02dA%07d" % (rng.randint(20, 26), rng.randint(0, 9999999))
    phone = "1%d%d %04d %04d" % (rng.choice([3, 5, 8]), rng.randint(0, 9), rng.randint(0, 9999), rng.randint(0, 9999))
    cs = rng.choice(["GBK", "UTF-8", "GB18030", "GBK"])
    date = email.utils.format_datetime(email.utils.localtime())
    fields = [("序列号", sn), ("型号", model), ("故障现象", symptom), ("地址", place), ("联系人", name), ("电话", phone)]
    text = ("您好，\r\n\r\n我们公司的服务器出现故障，麻烦尽快安排工程师处理。\r\n\r\n"
            + "".join("%s：%s\r\n" % f for f in fields)
            + "\r\n谢谢！\r\n\r\n%s\r\n%s信息技术有限公司 运维部\r\n\r\n%s\r\n" % (name, short, DISCLAIMER))
    html = ('<html><head><meta http-equiv="Content-Type" content="text/html; charset=%s">'
            "<style>body{font-size:14px;font-family:微软雅黑}</style></head><body>"
            "<div>您好，</div><div><br></div><div>我们公司的服务器出现故障，麻烦尽快安排工程师处理。</div><div><br></div>%s"
            '<div><br></div><div>谢谢！</div><div><br></div><hr style="width:210px;height:1px" align="left">'
            '<div><span>%s</span></div><div>%s信息技术有限公司 运维部</div><div style="color:#999">%s</div></body></html>'
            % (cs, "".join("<div>%s：%s</div>" % f for f in fields), name, short, DISCLAIMER))
    boundary = "----=_Part_%d_%d.%d" % (rng.randint(1, 999999), rng.randint(1, 999999), i)
    host = addr.split("@")[1]
    received = "".join(
        "Received: from mx%d.%s (unknown [%d.%d.%d.%d])\r\n\tby mxgw%d.roycom.com.cn (Postfix) with ESMTPS id %X\r\n"
        "\tfor <service@roycom.com.cn>; %s\r\n"
        % (k, host, rng.randint(1, 223), rng.randint(0, 255), rng.randint(0, 255), rng.randint(1, 254), k,
           rng.getrandbits(40), date) for k in range(rng.randint(2, 5)))
    b = rand_b64(180)
    dkim = ("DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=%s;\r\n\ts=s110527; h=Date:From:Subject:"
            "Content-Type:MIME-Version:\r\n\tMessage-ID; bh=%s;\r\n\tb=%s\r\n"
            % (host, rand_b64(32), "\r\n\t ".join(b[k:k + 70] for k in range(0, 240, 70))))
    mail = ("Return-Path: <%s>\r\n%s%sX-QQ-mid: bizesmtp%dt%d\r\nX-Originating-IP: [%d.%d.%d.%d]\r\n"
            "Date: %s\r\nFrom: %s <%s>\r\nTo: service@roycom.com.cn\r\nSubject: %s\r\nX-Priority: 3\r\n"
            "X-Mailer: Foxmail 7.2.25.254[cn]\r\nMime-Version: 1.0\r\nMessage-ID: <%d%d.%s>\r\n"
            "Content-Type: multipart/alternative;\r\n\tboundary=\"%s\"\r\n\r\n"
            "This is a multi-part message in MIME format.\r\n\r\n"
            "--%s\r\nContent-Type: text/plain;\r\n\tcharset=\"%s\"\r\nContent-Transfer-Encoding: base64\r\n\r\n%s\r\n\r\n"
            "--%s\r\nContent-Type: text/html;\r\n\tcharset=\"%s\"\r\nContent-Transfer-Encoding: base64\r\n\r\n%s\r\n\r\n"
            "--%s--\r\n\r\n"
            % (addr, received, dkim, rng.getrandbits(32), rng.getrandbits(24), rng.randint(1, 223),
               rng.randint(0, 255), rng.randint(0, 255), rng.randint(1, 254), date, header_word(name, cs), addr,
               header_word("服务器故障报修 %s %s" % (model, symptom[:8]), cs), rng.getrandbits(40), i, host, boundary,
               boundary, cs, b64_lines(text.encode(cs)), boundary, cs, b64_lines(html.encode(cs)), boundary))
    with open(os.path.join(args.dir, "%05d.eml" % i), "wb") as f:
        f.write(mail.encode())
