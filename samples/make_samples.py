#!/usr/bin/env python3
"""Writes the demo customer mails in samples/mail/ (run from anywhere; bytes are exact).

Each mail is written by hand below; the helpers only do the transfer/charset encoding so that
GB2312/GBK/GB18030 bodies, base64, quoted-printable and RFC 2047 words come out byte-exact.
"""
import base64
import os
import quopri

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "mail")


def ew(text, charset="UTF-8", enc="B"):
    """RFC 2047 encoded-words (each at most 75 characters, split between characters)."""
    codec = "gb18030" if charset.upper() in ("GBK", "GB2312", "GB18030") else charset
    words, chunk = [], ""
    for ch in text:
        trial = chunk + ch
        if len(_ew1(trial.encode(codec), charset, enc)) > 75:
            words.append(_ew1(chunk.encode(codec), charset, enc))
            chunk = ch
        else:
            chunk = trial
    if chunk:
        words.append(_ew1(chunk.encode(codec), charset, enc))
    return " ".join(words)


def _ew1(raw, charset, enc):
    if enc == "B":
        return "=?%s?B?%s?=" % (charset, base64.b64encode(raw).decode())
    q = "".join(
        chr(b) if (0x30 <= b <= 0x39 or 0x41 <= b <= 0x5A or 0x61 <= b <= 0x7A) else "=%02X" % b
        for b in raw
    )
    return "=?%s?Q?%s?=" % (charset, q)


def b64(data):
    s = base64.b64encode(data).decode()
    return "\n".join(s[i:i + 76] for i in range(0, len(s), 76)) + "\n"


def qp(data):
    return quopri.encodestring(data).decode("ascii")


def headers(pairs):
    return "".join("%s: %s\n" % (k, v) for k, v in pairs).encode("ascii")


def write(name, data):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)


def gb(text):
    return text.encode("gb18030")


# ---------------------------------------------------------------------------------------------
# 01: WeChat-style one-liner, raw UTF-8 8bit body, UTF-8 encoded From name.
write("01-wechat-terse-haidian.eml", headers([
    ("Return-Path", "<wanglei_bj@163.com>"),
    ("Received", "from m15-112.163.com (m15-112.163.com [220.181.15.112]) by mx.roycom.com.cn "
                 "with ESMTPS id 4QxK2m; Mon, 2 Nov 2026 09:47:31 +0800"),
    ("From", ew("王磊") + " <wanglei_bj@163.com>"),
    ("To", "service@roycom.com.cn"),
    ("Subject", ew("服务器亮红灯 开不了机")),
    ("Date", "Mon, 2 Nov 2026 09:47:12 +0800"),
    ("Message-ID", "<6f3a1c2e.4b21.18f2a7c3d10.Coremail.wanglei_bj@163.com>"),
    ("MIME-Version", "1.0"),
    ("Content-Type", "text/plain; charset=UTF-8"),
    ("Content-Transfer-Encoding", "8bit"),
]) + b"\n" + """你好 RCS25A0012345 这台早上开不了机 前面板亮红灯
型号SYS-620U-TNR
北京海淀上地信息路11号彩虹大厦3层机房
王工 139 1012 6688 急
""".encode("utf-8"))

# 02: formal letter, charset=gb2312 declared but 镕 (GBK only) in the name; base64 body;
#     GBK-encoded subject and From name; switchboard + fax in the signature; Chinese disclaimer.
#     Asset shipped 2024 -> legacy policy.
body02 = """尊敬的融科联创服务支持团队：

    您好！

    我单位于2024年12月采购的贵公司服务器一台（设备序列号：RCS24C0034567，型号：RC-R2290 G4），近日在例行巡检中发现RAID卡告警，阵列中第3块硬盘状态显示为“Failed”，逻辑盘目前处于降级状态，业务暂未中断。为避免数据风险，特申请保修服务，恳请贵公司尽快安排工程师到场检测并更换故障硬盘。

    设备所在地址：天津市西青区华苑产业区海泰西路18号A座2层机房
    联系人：刘镕
    联系电话：022-5867 1234 转 8012，手机 186 2222 0917

    盼复为感。

此致
敬礼！

天津中恒信息科技有限公司 信息中心
刘镕
2026年11月3日

总机：022-5867 1234    传真：022-5867 1299
地址：天津市西青区华苑产业区海泰西路18号
本邮件及其附件含有天津中恒信息科技有限公司的保密信息，仅限于发送给上面地址中列出的个人或群组。禁止任何其他人以任何形式使用（包括但不限于全部或部分地泄露、复制、或散发）本邮件中的信息。如果您错收了本邮件，请您立即电话或邮件通知发件人并删除本邮件！
"""
write("02-formal-gb2312-base64-xiqing.eml", headers([
    ("Return-Path", "<liurong@tjzhxx.com.cn>"),
    ("Received", "from mail.tjzhxx.com.cn (unknown [117.131.24.6]) by mx.roycom.com.cn; "
                 "Tue, 3 Nov 2026 14:22:05 +0800"),
    ("From", ew("刘镕", "GBK") + " <liurong@tjzhxx.com.cn>"),
    ("To", ew("融科联创服务支持", "GBK") + " <service@roycom.com.cn>"),
    ("Subject", ew("关于我单位服务器硬盘", "GBK") + " " + ew("告警的报修函", "GBK")),
    ("Date", "Tue, 3 Nov 2026 14:21:48 +0800"),
    ("Message-ID", "<202611031421484218875@tjzhxx.com.cn>"),
    ("X-Mailer", "Foxmail 7.2.25.228[cn]"),
    ("MIME-Version", "1.0"),
    ("Content-Type", "text/plain; charset=\"gb2312\""),
    ("Content-Transfer-Encoding", "base64"),
]) + b"\n" + b64(gb(body02)).encode())

# 03: English, quoted-printable (en dash, degree sign), a foreign office in the signature.
body03 = """Hello Roycom support team,

We have a problem with one of our servers in the Beijing office.

Serial Number: RCS25B0023456
Model: SYS-2029U-TR4

Since Saturday the server has rebooted by itself three times – always under load. The BMC
event log shows "PS2 Power Supply Failure Detected" and the PSU on the right side has an
amber LED. Inlet temperature reads 24 °C, so it should not be a cooling issue.

Location: Room 1203, Tower B, Zhongguancun SOHO, No. 8 Haidian Street, Haidian District, Beijing
On-site contact: Mr. Zhao Lei, mobile +86 138 0013 5678

Please let us know when an engineer can come. Our purchase was invoiced in June 2025 and we
asked for the warranty to run from the invoice date.

Best regards,

Markus Weber
IT Infrastructure Manager APAC
Hartmann Präzisionstechnik GmbH
Leopoldstraße 244, 80807 München, Germany
Phone +49 89 2154 7730 | Fax +49 89 2154 7799

This e-mail may contain confidential and/or privileged information. If you are not the
intended recipient (or have received this e-mail in error) please notify the sender
immediately and destroy this e-mail. Any unauthorised copying, disclosure or distribution
of the material in this e-mail is strictly forbidden.
"""
write("03-english-qp-haidian-district-beijing.eml", headers([
    ("Return-Path", "<markus.weber@hartmann-praezision.de>"),
    ("Received", "from EUR04-DB3-obe.outbound.protection.outlook.com (40.107.6.102) by "
                 "mx.roycom.com.cn; Wed, 4 Nov 2026 16:05:40 +0800"),
    ("From", "Markus Weber <markus.weber@hartmann-praezision.de>"),
    ("To", "\"service@roycom.com.cn\" <service@roycom.com.cn>"),
    ("CC", "Zhao Lei <lei.zhao@hartmann-praezision.cn>"),
    ("Subject", "Server reboots by itself - PSU amber LED - S/N RCS25B0023456"),
    ("Date", "Wed, 4 Nov 2026 09:05:22 +0100"),
    ("Message-ID", "<AM9PR07MB7154A1E2C3D4F0B9@AM9PR07MB7154.eurprd07.prod.outlook.com>"),
    ("Content-Language", "en-US"),
    ("MIME-Version", "1.0"),
    ("Content-Type", "text/plain; charset=\"utf-8\""),
    ("Content-Transfer-Encoding", "quoted-printable"),
]) + b"\n" + qp(body03.encode("utf-8")).encode())

# 04: HTML only, a table with label and value in adjacent cells; GPU problem, Chengdu hi-tech zone.
html04 = """<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"></head>
<body style="font-family:微软雅黑;font-size:14px">
<p>您好，</p>
<p>我司在贵司采购的GPU服务器出现故障，详细信息见下表，请尽快安排处理，谢谢！</p>
<table border="1" cellspacing="0" cellpadding="4" style="border-collapse:collapse">
<tr><td style="background:#ddebf7"><b>序列号</b></td><td>RCS25D0045678</td></tr>
<tr><td style="background:#ddebf7"><b>型号</b></td><td>RC-R4290G G5</td></tr>
<tr><td style="background:#ddebf7"><b>问题描述</b></td><td>nvidia-smi只能识别到7张卡，第5张GPU掉卡，dmesg中有Xid 79报错，重启后仍然识别不到</td></tr>
<tr><td style="background:#ddebf7"><b>设备地址</b></td><td>四川省成都市高新区天府大道中段1388号美年广场A座12楼机房</td></tr>
<tr><td style="background:#ddebf7"><b>联系人</b></td><td>陈晓燕</td></tr>
<tr><td style="background:#ddebf7"><b>联系电话</b></td><td>028-8519 6677 / 158 2817 3306</td></tr>
</table>
<p>&nbsp;</p>
<div style="color:#888;font-size:12px">
<p>陈晓燕 | 运维部<br>成都天府智算科技有限公司<br>总机：028-8519 6600<br>www.tfzs-ai.com</p>
</div>
</body></html>
"""
write("04-html-only-table-chengdu-gaoxin.eml", headers([
    ("Return-Path", "<chenxy@tfzs-ai.com>"),
    ("Received", "from smtp.qiye.aliyun.com (smtp.qiye.aliyun.com [47.246.1.8]) by mx.roycom.com.cn; "
                 "Thu, 5 Nov 2026 10:12:19 +0800"),
    ("From", ew("陈晓燕") + " <chenxy@tfzs-ai.com>"),
    ("To", "service@roycom.com.cn"),
    ("Subject", ew("GPU服务器掉卡报修") + " " + ew("（RCS25D0045678）")),
    ("Date", "Thu, 5 Nov 2026 10:12:03 +0800"),
    ("Message-ID", "<1730772723-71824-chenxy@tfzs-ai.com>"),
    ("MIME-Version", "1.0"),
    ("Content-Type", "text/html; charset=utf-8"),
    ("Content-Transfer-Encoding", "base64"),
]) + b"\n" + b64(html04.encode("utf-8")).encode())

# 05: multipart/alternative, text part quoted-printable, Supermicro-style serial, Shenzhen Nanshan.
text05 = """各位好：

我们南山机房有台服务器最近老是自动重启，BMC里面看到内存报错：
"Correctable ECC / other correctable memory error - Asserted  DIMM P1-DIMMC1"
昨晚开始变成 Uncorrectable ECC，系统直接重启了两次。

机器编号：ZM25BS001234
型号：SYS-620U-TNR
地址：深圳市南山区科技园科苑路15号科兴科学园B栋4楼
联系人：黄志强 135-1024-7788

麻烦尽快看一下，谢谢！

--
黄志强
深圳前海云帆数据服务有限公司  系统部
"""
html05 = """<div>各位好：</div><div><br></div>
<div>我们南山机房有台服务器最近老是自动重启，BMC里面看到内存报错：</div>
<div>"Correctable ECC / other correctable memory error - Asserted&nbsp; DIMM P1-DIMMC1"</div>
<div>昨晚开始变成 Uncorrectable ECC，系统直接重启了两次。</div><div><br></div>
<div>机器编号：ZM25BS001234</div><div>型号：SYS-620U-TNR</div>
<div>地址：深圳市南山区科技园科苑路15号科兴科学园B栋4楼</div>
<div>联系人：黄志强 135-1024-7788</div><div><br></div>
<div>麻烦尽快看一下，谢谢！</div><div><br></div>
<div>-- <br>黄志强<br>深圳前海云帆数据服务有限公司&nbsp; 系统部</div>
"""
write("05-multipart-alternative-qp-nanshan.eml", headers([
    ("Return-Path", "<huangzq@yunfan-data.cn>"),
    ("Received", "from mail.yunfan-data.cn (unknown [119.147.33.18]) by mx.roycom.com.cn; "
                 "Fri, 6 Nov 2026 08:31:44 +0800"),
    ("From", ew("黄志强") + " <huangzq@yunfan-data.cn>"),
    ("To", "service@roycom.com.cn"),
    ("Subject", ew("服务器内存报错自动重启")),
    ("Date", "Fri, 6 Nov 2026 08:31:20 +0800"),
    ("Message-ID", "<tencent_5E3B0C7A9F2D4E1B8C6A@qq.com.yunfan-data.cn>"),
    ("MIME-Version", "1.0"),
    ("Content-Type", "multipart/alternative; boundary=\"----=_NextPart_6724B8E8_0A3C2F10_4D7E1B2A\""),
]) + ("""
This is a multi-part message in MIME format.

------=_NextPart_6724B8E8_0A3C2F10_4D7E1B2A
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: quoted-printable

""" + qp(text05.encode("utf-8")) + """
------=_NextPart_6724B8E8_0A3C2F10_4D7E1B2A
Content-Type: text/html; charset="utf-8"
Content-Transfer-Encoding: quoted-printable

""" + qp(html05.encode("utf-8")) + """
------=_NextPart_6724B8E8_0A3C2F10_4D7E1B2A--
""").encode("ascii"))

# 06: multipart/mixed with a photo of the red disk LED (a tiny fake JPEG), Shanghai.
jpeg = (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x48\x00\x48\x00\x00"
        b"\xff\xdb\x00\x43\x00" + bytes(range(1, 65)) +
        b"\xff\xc0\x00\x0b\x08\x00\x02\x00\x02\x01\x01\x11\x00"
        b"\xff\xda\x00\x08\x01\x01\x00\x00\x3f\x00\xd2\xcf\x20\xff\xd9")
text06 = """您好，

我们上海机房的一台服务器硬盘位第2块盘亮红灯（照片见附件），RAID管理界面显示该盘Offline，阵列降级。

SN：RCS25E0056789
型号：RC-R2290 G5
地址：上海市浦东新区张江高科技园区碧波路690号2号楼B1机房
联系人：沈佳怡  电话：021-5080 3321 / 137 6180 9925

请安排更换硬盘，谢谢。

沈佳怡
上海浦江数智科技有限公司
"""
write("06-attachment-red-led-photo-shanghai.eml", headers([
    ("Return-Path", "<shenjiayi@pjsz-tech.com>"),
    ("Received", "from mx1.pjsz-tech.com (mx1.pjsz-tech.com [101.230.7.44]) by mx.roycom.com.cn; "
                 "Mon, 9 Nov 2026 11:03:58 +0800"),
    ("From", ew("沈佳怡") + " <shenjiayi@pjsz-tech.com>"),
    ("To", "service@roycom.com.cn"),
    ("Subject", ew("硬盘亮红灯 RCS25E0056789")),
    ("Date", "Mon, 9 Nov 2026 11:03:41 +0800"),
    ("Message-ID", "<CAF3x9QkY2m7Lr0pJd8sN4vWq@mail.pjsz-tech.com>"),
    ("MIME-Version", "1.0"),
    ("Content-Type", "multipart/mixed; boundary=\"b1_8f0c2d1e7a\""),
]) + ("""
--b1_8f0c2d1e7a
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: base64

""" + b64(text06.encode("utf-8")) + """
--b1_8f0c2d1e7a
Content-Type: image/jpeg; name="IMG_20261109_105512.jpg"
Content-Disposition: attachment; filename="IMG_20261109_105512.jpg"
Content-Transfer-Encoding: base64

""" + b64(jpeg) + """
--b1_8f0c2d1e7a--
""").encode("ascii"))

# 07: sent from a phone with a Chinese IME in full-width mode: ＳＮ：ＲＣＳ２５… and full-width digits.
text07 = """你好，我们石家庄这边服务器电源告警了
ＳＮ：ＲＣＳ２５Ｆ００６７８９０
型号：ＲＣ－Ｒ２２９０ Ｇ５
两个电源模块有一个灯不亮，ＢＭＣ里ＰＳＵ１报警
地址：河北省石家庄市裕华区槐安东路１０６号联通大厦５层
联系人：赵志刚　电话：１３８３１１２５６７０

发自我的iPhone
"""
write("07-fullwidth-sn-shijiazhuang.eml", headers([
    ("Return-Path", "<zhaozhigang1983@qq.com>"),
    ("Received", "from out203-205-221-233.mail.qq.com (203.205.221.233) by mx.roycom.com.cn; "
                 "Tue, 10 Nov 2026 20:16:09 +0800"),
    ("From", ew("赵志刚") + " <zhaozhigang1983@qq.com>"),
    ("To", "service@roycom.com.cn"),
    ("Subject", ew("电源告警")),
    ("Date", "Tue, 10 Nov 2026 20:15:52 +0800"),
    ("Message-ID", "<4E2A7C1F-9B0D-4A53-8C6E-2F1D0B3A5E77@qq.com>"),
    ("X-Mailer", "iPhone Mail (22B83)"),
    ("MIME-Version", "1.0"),
    ("Content-Type", "text/plain; charset=utf-8"),
    ("Content-Transfer-Encoding", "base64"),
]) + b"\n" + b64(text07.encode("utf-8")).encode())

# 08: a colleague forwards the Lhasa site's mail inline (Foxmail's -----原始邮件-----).
text08 = """服务部的同事你们好，

下面是我们拉萨分公司发来的，麻烦帮忙处理一下，现场联系人是次仁多吉。

谢谢！
李海峰
成都雪域云信息技术有限公司 IT部
电话：028-6531 2200

-----原始邮件-----
发件人："次仁多吉" <ciren.duoji@xueyuyun.cn>
发送时间：2026年11月11日(星期三) 上午10:26
收件人："李海峰" <lihaifeng@xueyuyun.cn>
主题：拉萨机房服务器开不了机

李工：

拉萨机房那台服务器今天早上开不了机，按电源键没有任何反应，电源灯也不亮，已经换过插座了，还是不行。

序列号：RCS25G0078901
型号：RC-R1190 G5
地址：西藏自治区拉萨市城关区金珠西路158号世通阳光新城5栋2楼机房
联系人：次仁多吉 电话：139 8901 2345

次仁多吉
"""
write("08-forwarded-inline-lhasa.eml", headers([
    ("Return-Path", "<lihaifeng@xueyuyun.cn>"),
    ("Received", "from smtp.exmail.qq.com (smtpbg.qq.com [43.155.67.158]) by mx.roycom.com.cn; "
                 "Wed, 11 Nov 2026 11:40:27 +0800"),
    ("From", ew("李海峰") + " <lihaifeng@xueyuyun.cn>"),
    ("To", "service@roycom.com.cn"),
    ("Subject", ew("转发：拉萨机房服务器开不了机")),
    ("Date", "Wed, 11 Nov 2026 11:40:10 +0800"),
    ("Message-ID", "<202611111140106631525@xueyuyun.cn>"),
    ("X-Mailer", "Foxmail 7.2.25.375[cn]"),
    ("MIME-Version", "1.0"),
    ("Content-Type", "text/plain; charset=\"utf-8\""),
    ("Content-Transfer-Encoding", "8bit"),
]) + b"\n" + text08.encode("utf-8"))

# 09: no SN (the acknowledgement has to ask for it); Urumqi.
text09 = """您好！

我是新疆天山云数据中心的运维，我们这边一台服务器有两块硬盘坏了，RAID5已经降级，另外一块盘SMART也在报警，担心再坏一块数据就没了，请尽快安排。

机器型号是 SYS-6029P-TRT，序列号我明天去机房抄一下再发给你们，机器标签在顶上不太好看。

地址：新疆乌鲁木齐市高新区（新市区）北京南路358号大成国际大厦7层
联系人：阿不都热依木·买买提  手机：18999126543

谢谢！
"""
write("09-missing-sn-urumqi.eml", headers([
    ("Return-Path", "<abdurehim.m@tsyun.com.cn>"),
    ("Received", "from mail.tsyun.com.cn (unknown [61.128.101.77]) by mx.roycom.com.cn; "
                 "Thu, 12 Nov 2026 13:58:02 +0800"),
    ("From", ew("阿不都热依木") + " <abdurehim.m@tsyun.com.cn>"),
    ("To", "service@roycom.com.cn"),
    ("Subject", ew("乌鲁木齐服务器硬盘故障报修")),
    ("Date", "Thu, 12 Nov 2026 13:57:40 +0800"),
    ("Message-ID", "<5f2e91c0-3a7b-4d1e-b6c2-0e8d4f9a1b23@tsyun.com.cn>"),
    ("MIME-Version", "1.0"),
    ("Content-Type", "text/plain; charset=UTF-8; format=flowed"),
    ("Content-Transfer-Encoding", "8bit"),
]) + b"\n" + text09.encode("utf-8"))

# 10: the same customer replies to his own mail the next morning with the SN (In-Reply-To, quote).
text10 = """补充一下序列号：RCS25H0089012

标签拍不清楚，我是在BMC里面看的，应该没错。

在 2026/11/12 13:57, 阿不都热依木 写道:
> 您好！
>
> 我是新疆天山云数据中心的运维，我们这边一台服务器有两块硬盘坏了，RAID5已经降级，另外一块盘SMART也在报警，担心再坏一块数据就没了，请尽快安排。
>
> 机器型号是 SYS-6029P-TRT，序列号我明天去机房抄一下再发给你们，机器标签在顶上不太好看。
>
> 地址：新疆乌鲁木齐市高新区（新市区）北京南路358号大成国际大厦7层
> 联系人：阿不都热依木·买买提  手机：18999126543
>
> 谢谢！
"""
write("10-reply-adds-sn-urumqi.eml", headers([
    ("Return-Path", "<abdurehim.m@tsyun.com.cn>"),
    ("Received", "from mail.tsyun.com.cn (unknown [61.128.101.77]) by mx.roycom.com.cn; "
                 "Fri, 13 Nov 2026 10:02:17 +0800"),
    ("From", ew("阿不都热依木") + " <abdurehim.m@tsyun.com.cn>"),
    ("To", "service@roycom.com.cn"),
    ("Subject", "Re: " + ew("乌鲁木齐服务器硬盘故障报修")),
    ("Date", "Fri, 13 Nov 2026 10:01:55 +0800"),
    ("Message-ID", "<a81c0e3d-77f2-4b9a-9e15-c4d2b6f80a11@tsyun.com.cn>"),
    ("In-Reply-To", "<5f2e91c0-3a7b-4d1e-b6c2-0e8d4f9a1b23@tsyun.com.cn>"),
    ("References", "<5f2e91c0-3a7b-4d1e-b6c2-0e8d4f9a1b23@tsyun.com.cn>"),
    ("MIME-Version", "1.0"),
    ("Content-Type", "text/plain; charset=UTF-8"),
    ("Content-Transfer-Encoding", "8bit"),
]) + b"\n" + text10.encode("utf-8"))

# 11: out-of-office auto-reply (to one of our acknowledgements): must be ignored, never answered.
text11 = """您好，我于2026年11月14日至11月22日休假，期间邮件可能无法及时回复。紧急事项请联系同事王芳 021-5080 3300。

I am out of the office until 23 November 2026 with limited access to e-mail.
"""
write("11-out-of-office-auto-reply.eml", headers([
    ("Return-Path", "<shenjiayi@pjsz-tech.com>"),
    ("Received", "from mx1.pjsz-tech.com (mx1.pjsz-tech.com [101.230.7.44]) by mx.roycom.com.cn; "
                 "Sat, 14 Nov 2026 08:00:12 +0800"),
    ("From", ew("沈佳怡") + " <shenjiayi@pjsz-tech.com>"),
    ("To", ew("融科联创服务支持") + " <service@roycom.com.cn>"),
    ("Subject", ew("自动回复: ") + " " + ew("[RC20261109-0001] 已收到您的报修")),
    ("Date", "Sat, 14 Nov 2026 08:00:05 +0800"),
    ("Message-ID", "<autoreply.20261114080005.7731@mail.pjsz-tech.com>"),
    ("Auto-Submitted", "auto-replied"),
    ("X-Auto-Response-Suppress", "All"),
    ("In-Reply-To", "<ack.RC20261109-0001@roycom.com.cn>"),
    ("MIME-Version", "1.0"),
    ("Content-Type", "text/plain; charset=UTF-8"),
    ("Content-Transfer-Encoding", "base64"),
]) + b"\n" + b64(text11.encode("utf-8")).encode())

# 12: value-added services (上架安装 + 系统安装) for two new servers in a Hebei county.
text12 = """融科联创的各位老师好：

我们上个月在贵公司采购的两台服务器已经到货，序列号分别是 RCS26A0090001 和 RCS26A0090002，型号 RC-R2290 G5。
我们这边没有专门的运维人员，想请贵公司安排工程师上门做上架安装（含机柜布线、贴线缆标签），并帮忙做系统安装：
麒麟V10 SP3，装好硬件驱动，BMC设置好管理IP。需要多少费用请报个价。

设备在：河北省廊坊市固安县新兴产业示范区锦绣大道东段18号 数据机房
联系人：孙建国 电话 0316-6218 899 手机 13785600123

孙建国
固安县融媒体中心 技术部
"""
write("12-value-added-install-hebei-county.eml", headers([
    ("Return-Path", "<gaxrmt_tech@163.com>"),
    ("Received", "from m16-46.163.com (m16-46.163.com [220.181.16.46]) by mx.roycom.com.cn; "
                 "Mon, 16 Nov 2026 15:44:50 +0800"),
    ("From", ew("孙建国") + " <gaxrmt_tech@163.com>"),
    ("To", "service@roycom.com.cn"),
    ("Subject", ew("新购服务器上架安装及系统安装服务报价")),
    ("Date", "Mon, 16 Nov 2026 15:44:31 +0800"),
    ("Message-ID", "<3b8e1a2c.7f31.1931a2e4c55.Coremail.gaxrmt_tech@163.com>"),
    ("MIME-Version", "1.0"),
    ("Content-Type", "text/plain; charset=UTF-8"),
    ("Content-Transfer-Encoding", "quoted-printable"),
]) + b"\n" + qp(text12.encode("utf-8")).encode())

# 13: a consultation (请问…如何…): how to update the BMC firmware; Hangzhou.
text13 = """您好，

请问一下 RCS25K0101234 这台机器的BMC固件如何升级？现在版本是 01.01.10，看超微官网有新版本了，自己升级会不会影响保修？另外BIOS要不要一起升？

机器在杭州市西湖区文三路90号东部软件园2号楼

谢谢
周晨曦
"""
write("13-consultation-bmc-firmware-hangzhou.eml", headers([
    ("Return-Path", "<zhouchenxi@hzxy-soft.com>"),
    ("Received", "from mail.hzxy-soft.com (unknown [115.236.9.21]) by mx.roycom.com.cn; "
                 "Tue, 17 Nov 2026 10:20:33 +0800"),
    ("From", ew("周晨曦") + " <zhouchenxi@hzxy-soft.com>"),
    ("To", "service@roycom.com.cn"),
    ("Subject", ew("请问BMC固件如何升级")),
    ("Date", "Tue, 17 Nov 2026 10:20:14 +0800"),
    ("Message-ID", "<20261117102014.GA18221@hzxy-soft.com>"),
    ("MIME-Version", "1.0"),
    ("Content-Type", "text/plain; charset=utf-8"),
    ("Content-Transfer-Encoding", "8bit"),
]) + b"\n" + text13.encode("utf-8"))

# 14: mixed Chinese/English, a parts order (Supermicro memory) with a Supermicro-style serial.
text14 = """Hi team,

上次(8月)在你们这买的一批Supermicro 32G内存条, order serial S411795X5A01234, P/N MEM-DR532L-SL01-ER48,
其中有一根插上以后 POST 卡在 DIMM training, BMC event log: "Memory uncorrectable ECC, DIMM P2-DIMMA1".
换到别的slot也一样，应该是内存条本身坏了，能不能寄一根新的过来？

Ship to: 天津市南开区华苑产业区梓苑路6号 A座3层
Contact: Kevin 刘凯文 / 176 2200 8531

Thanks!
Kevin Liu
Tianjin Haihe Cloud Co., Ltd.
"""
write("14-mixed-zh-en-parts-order-supermicro.eml", headers([
    ("Return-Path", "<kevin.liu@haihecloud.com>"),
    ("Received", "from mail.haihecloud.com (unknown [60.29.153.10]) by mx.roycom.com.cn; "
                 "Wed, 18 Nov 2026 17:48:03 +0800"),
    ("From", "Kevin Liu <kevin.liu@haihecloud.com>"),
    ("To", "service@roycom.com.cn"),
    ("Subject", ew("内存条坏了 memory DIMM failure (parts order S411795X5A01234)")),
    ("Date", "Wed, 18 Nov 2026 17:47:45 +0800"),
    ("Message-ID", "<CAKx7Pq3=Hn2m0vQ8fJd1wT9Zr@mail.haihecloud.com>"),
    ("MIME-Version", "1.0"),
    ("Content-Type", "text/plain; charset=UTF-8"),
    ("Content-Transfer-Encoding", "8bit"),
]) + b"\n" + text14.encode("utf-8"))

# 15: charset=gbk declared, 8bit body with 喆 in the name; software problem with SuperAI
#     (the asset bundles SuperAI;VMware vSphere).
text15 = """你好：

我们这边SuperAI平台从昨天下午开始登录不了，页面一直转圈，后台看到 superai-scheduler 服务反复重启，日志里报 "license check failed"。
服务器本身硬件看着正常，BMC 没有告警。

设备SN：RCS25L0112345
型号：RC-R4290G G5
地址：北京市朝阳区酒仙桥路10号恒通广场B座6层
联系人：吴喆  13601128890

麻烦远程帮忙看一下，谢谢！

吴喆
北京星河智算科技有限公司
总机：010-6437 8800
"""
write("15-gbk-8bit-superai-software-chaoyang.eml", headers([
    ("Return-Path", "<wuzhe@xhzs.com.cn>"),
    ("Received", "from mail.xhzs.com.cn (unknown [123.127.88.6]) by mx.roycom.com.cn; "
                 "Thu, 19 Nov 2026 09:15:40 +0800"),
    ("From", ew("吴喆", "GBK") + " <wuzhe@xhzs.com.cn>"),
    ("To", "service@roycom.com.cn"),
    ("Subject", ew("SuperAI平台无法登录", "GBK")),
    ("Date", "Thu, 19 Nov 2026 09:15:22 +0800"),
    ("Message-ID", "<000001db3a2c$4f1e8b20$ed5ba160$@xhzs.com.cn>"),
    ("X-Mailer", "Microsoft Outlook 16.0"),
    ("MIME-Version", "1.0"),
    ("Content-Type", "text/plain; charset=\"gbk\""),
    ("Content-Transfer-Encoding", "8bit"),
]) + b"\n" + gb(text15))

# 16: Saturday night outage from a gold customer, charset=gb18030 quoted-printable, 堃 in the name.
text16 = """紧急！！！

我们的核心业务服务器 RCS25M0123456 刚才 23:10 左右突然宕机，现在无法开机，按电源键风扇转一下就停，BMC 能登录但是显示 "System Power: Off"，报 "PSU AC lost"，业务已经中断了！！

两路电源都换过PDU插座了，还是一样。

型号：RC-R2290 G5
地址：北京市海淀区中关村南大街5号理工科技大厦B1层 机房 A-07机柜
联系人：王堃 18610085566（24小时开机）

请马上安排工程师！！
"""
write("16-weekend-night-outage-gb18030-qp.eml", headers([
    ("Return-Path", "<wangkun@bjhz-fin.com>"),
    ("Received", "from mail.bjhz-fin.com (unknown [106.37.112.9]) by mx.roycom.com.cn; "
                 "Sat, 21 Nov 2026 23:26:51 +0800"),
    ("From", ew("王堃", "GB18030") + " <wangkun@bjhz-fin.com>"),
    ("To", "service@roycom.com.cn"),
    ("Subject", ew("【紧急】核心服务器宕机 业务中断", "GB18030")),
    ("Date", "Sat, 21 Nov 2026 23:26:30 +0800"),
    ("Message-ID", "<20261121232630.5b1c9e@bjhz-fin.com>"),
    ("Importance", "high"),
    ("X-Priority", "1"),
    ("MIME-Version", "1.0"),
    ("Content-Type", "text/plain; charset=GB18030"),
    ("Content-Transfer-Encoding", "quoted-printable"),
]) + b"\n" + qp(gb(text16)).encode())

# 17: after a machine-room move one server does not start (relocation -> needs review); Xi'an.
text17 = """你好，
我们上周五机房搬迁（从高新区搬到经开区），搬完以后其中一台服务器开不了机了，其他几台都正常。
开机后前面板 i 灯闪红，BMC 报 "Backplane presence fault"。

S/N: RCS25N0134567
型号 SYS-2029U-TR4
地址 陕西省西安市未央区凤城十二路1号 经开数据中心3楼
联系人 马晓东 029-8621 4455 转 603

谢谢
"""
write("17-after-relocation-xian.eml", headers([
    ("Return-Path", "<maxiaodong@sxjk-dc.cn>"),
    ("Received", "from mail.sxjk-dc.cn (unknown [113.140.22.31]) by mx.roycom.com.cn; "
                 "Mon, 23 Nov 2026 09:05:12 +0800"),
    ("From", ew("马晓东") + " <maxiaodong@sxjk-dc.cn>"),
    ("To", "service@roycom.com.cn"),
    ("Subject", ew("机房搬迁后服务器开不了机")),
    ("Date", "Mon, 23 Nov 2026 09:04:50 +0800"),
    ("Message-ID", "<d2f7a8b1c0e94f6a9b3e5c7d1a2f4e60@sxjk-dc.cn>"),
    ("MIME-Version", "1.0"),
    ("Content-Type", "text/plain; charset=UTF-8"),
    ("Content-Transfer-Encoding", "8bit"),
]) + b"\n" + text17.encode("utf-8"))

print("wrote", len([n for n in os.listdir(OUT) if n.endswith(".eml")]), "mails to", OUT)
