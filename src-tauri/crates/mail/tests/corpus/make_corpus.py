#!/usr/bin/env python3
"""Builds the MIME golden corpus: each NAME.eml beside NAME.json.

The .eml files imitate what real mailers send (Thunderbird, Gmail, Outlook,
Foxmail, a Japanese and a Russian client, a broken bulk mailer); each is built
by encoding known text into its charset and transfer encoding, and the .json
holds that known text. So the expectations come from the source text, never
from Candor's parser. Keys in a .json are checked when present; `*_contains`
keys check a substring. Run it again only to add a message; commit both files.
"""
import base64, hashlib, json, os, quopri

HERE = os.path.dirname(os.path.abspath(__file__))

def b64(data: bytes) -> str:
    s = base64.b64encode(data).decode()
    return "\n".join(s[i:i + 76] for i in range(0, len(s), 76))

def qp(data: bytes) -> str:
    return quopri.encodestring(data).decode()

def word(text: str, charset: str, enc: str = "B") -> str:
    raw = text.encode(charset)
    if enc == "B":
        return f"=?{charset}?B?{base64.b64encode(raw).decode()}?="
    q = "".join(c if (c.isalnum() and ord(c) < 128) else f"={b:02X}"
                for c in raw.decode("latin-1") for b in [ord(c)])
    return f"=?{charset}?Q?{q}?="

def attachment(data: bytes, **meta):
    return dict(meta, size=len(data), sha256=hashlib.sha256(data).hexdigest())

def write(name: str, eml: bytes, expected: dict):
    with open(os.path.join(HERE, name + ".eml"), "wb") as f:
        f.write(eml)
    with open(os.path.join(HERE, name + ".json"), "w", encoding="utf-8") as f:
        json.dump(expected, f, ensure_ascii=False, indent=2)
        f.write("\n")

# 1. Thunderbird, plain text, several recipients, a time zone.
body = "Hi Anna,\n\nThanks for your CV. Are you free on Tuesday at 10:00 for a call?\n\nBest,\nTom\n"
write("thunderbird-plain", f"""Message-ID: <5f1c2a3b-0001@agency.example>
Date: Tue, 3 Mar 2026 09:15:00 +0200
MIME-Version: 1.0
User-Agent: Mozilla Thunderbird
From: Tom Recruiter <tom@agency.example>
To: Anna Kowalska <anna.kowalska@example.pl>, "Lee, Ming" <ming.lee@example.cn>
Cc: hiring@client.example
Subject: Call about the backend role
Content-Type: text/plain; charset=UTF-8; format=flowed
Content-Transfer-Encoding: 7bit

{body}""".encode(), {
    "message_id": "5f1c2a3b-0001@agency.example",
    "subject": "Call about the backend role",
    "date": 1772522100,
    "from": [{"name": "Tom Recruiter", "address": "tom@agency.example"}],
    "to": [{"name": "Anna Kowalska", "address": "anna.kowalska@example.pl"},
           {"name": "Lee, Ming", "address": "ming.lee@example.cn"}],
    "cc": [{"name": None, "address": "hiring@client.example"}],
    "text_plain": body, "text_html": None, "attachments": [], "problems": [],
})

# 2. Gmail, multipart/alternative, quoted-printable UTF-8 (Polish), a reply.
text = "Dzień dobry,\n\nchętnie porozmawiam w czwartek o 14:00.\n\nZofia Wiśniewska\n"
html = "<div dir=\"ltr\">Dzień dobry,<br><br>chętnie porozmawiam w <b>czwartek</b> o 14:00.<br><br>Zofia Wiśniewska</div>\n"
write("gmail-alternative-polish", f"""MIME-Version: 1.0
Date: Wed, 4 Mar 2026 13:02:11 +0100
References: <5f1c2a3b-0001@agency.example> <5f1c2a3b-0002@agency.example>
In-Reply-To: <5f1c2a3b-0002@agency.example>
Message-ID: <CAF=xyz+Q@mail.gmail.com>
Subject: {word("Re: Rozmowa w sprawie roli — czwartek", "utf-8")}
From: =?UTF-8?Q?Zofia_Wi=C5=9Bniewska?= <zofia.w@gmail.example>
To: Tom Recruiter <tom@agency.example>
Content-Type: multipart/alternative; boundary="000000000000a1b2c3"

--000000000000a1b2c3
Content-Type: text/plain; charset="UTF-8"
Content-Transfer-Encoding: quoted-printable

{qp(text.encode())}
--000000000000a1b2c3
Content-Type: text/html; charset="UTF-8"
Content-Transfer-Encoding: quoted-printable

{qp(html.encode())}
--000000000000a1b2c3--
""".encode(), {
    "message_id": "CAF=xyz+Q@mail.gmail.com",
    "in_reply_to": ["5f1c2a3b-0002@agency.example"],
    "references": ["5f1c2a3b-0001@agency.example", "5f1c2a3b-0002@agency.example"],
    "subject": "Re: Rozmowa w sprawie roli — czwartek",
    "date": 1772625731,
    "from": [{"name": "Zofia Wiśniewska", "address": "zofia.w@gmail.example"}],
    "text_plain": text, "text_html": html, "attachments": [], "problems": [],
})

# 3. Foxmail, GB2312 subject, name and base64 body.
text = "王经理您好：\n\n附件是候选人李明的简历，请查收。他下周二、周三下午都可以面试。\n\n祝好！\n陈静\n"
write("foxmail-gb2312", f"""Date: Thu, 5 Mar 2026 10:30:45 +0800
From: "{word("陈静", "gb2312")}" <chenjing@headhunt.example.cn>
To: "{word("王经理", "gb2312")}" <wang@client.example.cn>
Subject: {word("候选人简历：李明（高级后端工程师）", "gb2312")}
X-Mailer: Foxmail 7.2.25.228[cn]
Mime-Version: 1.0
Message-ID: <202603051030451234567@headhunt.example.cn>
Content-Type: text/plain; charset="gb2312"
Content-Transfer-Encoding: base64

{b64(text.encode("gb2312"))}
""".encode(), {
    "message_id": "202603051030451234567@headhunt.example.cn",
    "subject": "候选人简历：李明（高级后端工程师）",
    "date": 1772677845,
    "from": [{"name": "陈静", "address": "chenjing@headhunt.example.cn"}],
    "to": [{"name": "王经理", "address": "wang@client.example.cn"}],
    "text_plain": text, "problems": [],
})

# 4. Big5 (Taiwan), base64 body and subject.
text = "您好，\n\n感謝您應徵產品經理一職，我們想安排下週的面談。\n\n人資部\n"
write("big5-taiwan", f"""From: {word("人資部", "big5")} <hr@company.example.tw>
To: applicant@example.tw
Subject: {word("面談邀請：產品經理", "big5")}
Date: Fri, 6 Mar 2026 16:00:00 +0800
Message-ID: <big5-0001@company.example.tw>
MIME-Version: 1.0
Content-Type: text/plain; charset=big5
Content-Transfer-Encoding: base64

{b64(text.encode("big5"))}
""".encode(), {
    "message_id": "big5-0001@company.example.tw",
    "subject": "面談邀請：產品經理",
    "from": [{"name": "人資部", "address": "hr@company.example.tw"}],
    "text_plain": text, "problems": [],
})

# 5. Japanese client, ISO-2022-JP subject and 7-bit body.
text = "山田様\n\n面接の日程についてご連絡いたします。\n来週の月曜日はいかがでしょうか。\n"
body = text.encode("iso2022_jp").decode("ascii")
write("iso-2022-jp", f"""From: {word("採用担当", "iso-2022-jp")} <saiyo@kaisha.example.jp>
To: yamada@example.jp
Subject: {word("面接日程のご連絡", "iso-2022-jp")}
Date: Mon, 9 Mar 2026 09:00:00 +0900
Message-ID: <jp-0001@kaisha.example.jp>
MIME-Version: 1.0
Content-Type: text/plain; charset=ISO-2022-JP
Content-Transfer-Encoding: 7bit

{body}""".encode(), {
    "message_id": "jp-0001@kaisha.example.jp",
    "subject": "面接日程のご連絡",
    "from": [{"name": "採用担当", "address": "saiyo@kaisha.example.jp"}],
    "text_plain": text, "problems": [],
})

# 6. Russian client, KOI8-R quoted-printable.
text = "Добрый день!\n\nСпасибо за резюме. Можем созвониться в пятницу?\n"
write("koi8-r", f"""From: {word("Ирина Петрова", "koi8-r", "Q")} <irina@example.ru>
To: tom@agency.example
Subject: {word("Резюме: ведущий аналитик", "koi8-r", "Q")}
Date: Tue, 10 Mar 2026 11:45:00 +0300
Message-ID: <koi8-0001@example.ru>
MIME-Version: 1.0
Content-Type: text/plain; charset=koi8-r
Content-Transfer-Encoding: quoted-printable

{qp(text.encode("koi8_r"))}""".encode(), {
    "message_id": "koi8-0001@example.ru",
    "subject": "Резюме: ведущий аналитик",
    "from": [{"name": "Ирина Петрова", "address": "irina@example.ru"}],
    "text_plain": text, "problems": [],
})

# 7. Outlook, Windows-1250 body, an RFC 2231 file name and an inline cid: image.
text = "Dzień dobry,\nw załączniku życiorys Zośki.\n"
html = '<p>Dzień dobry,</p><p>w załączniku życiorys Zośki.</p><img src="cid:logo001@agency.example">\n'
pdf = b"%PDF-1.4\n" + bytes(range(256)) * 8 + b"\n%%EOF\n"
png = b"\x89PNG\r\n\x1a\n" + bytes(range(200))
write("outlook-cp1250-attachments", f"""From: Tom Recruiter <tom@agency.example>
To: hm@client.example
Subject: {word("Życiorys kandydatki", "windows-1250", "Q")}
Date: Wed, 11 Mar 2026 08:20:00 +0100
Message-ID: <AM0PR01MB0001@EUR01.prod.outlook.example>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="_mixed_"

--_mixed_
Content-Type: multipart/related; boundary="_related_"; type="multipart/alternative"

--_related_
Content-Type: multipart/alternative; boundary="_alt_"

--_alt_
Content-Type: text/plain; charset="windows-1250"
Content-Transfer-Encoding: quoted-printable

{qp(text.encode("cp1250"))}
--_alt_
Content-Type: text/html; charset="windows-1250"
Content-Transfer-Encoding: quoted-printable

{qp(html.encode("cp1250"))}
--_alt_--

--_related_
Content-Type: image/png; name="image001.png"
Content-Description: image001.png
Content-Disposition: inline; filename="image001.png"
Content-ID: <logo001@agency.example>
Content-Transfer-Encoding: base64

{b64(png)}
--_related_--

--_mixed_
Content-Type: application/pdf; name*=UTF-8''%C5%BCyciorys%20Zo%C5%9Bki.pdf
Content-Disposition: attachment; filename*=UTF-8''%C5%BCyciorys%20Zo%C5%9Bki.pdf
Content-Transfer-Encoding: base64

{b64(pdf)}
--_mixed_--
""".encode(), {
    "message_id": "AM0PR01MB0001@EUR01.prod.outlook.example",
    "subject": "Życiorys kandydatki",
    "text_plain": text, "text_html": html,
    "attachments": [
        attachment(png, filename="image001.png", content_type="image/png",
                   content_id="logo001@agency.example", is_inline=True),
        attachment(pdf, filename="życiorys Zośki.pdf", content_type="application/pdf",
                   content_id=None, is_inline=False),
    ],
    "problems": [],
})

# 8. A broken bulk mailer: no Message-ID, raw 8-bit UTF-8 in headers, an
#    unknown charset, and a multipart whose closing boundary never comes.
write("broken-bulk-mailer", """From: Jobbörse Team <noreply@jobs.example.de>
To: tom@agency.example
Subject: Neue Bewerbung für „Entwickler (m/w/d)“
Date: not a date at all
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="XYZ"

--XYZ
Content-Type: text/plain; charset=x-unknown-charset

Eine neue Bewerbung ist eingegangen: Jonas Müller.
--XYZ
Content-Type: application/octet-stream; name="lebenslauf.txt"
Content-Transfer-Encoding: base64

this is not base64 !!!
""".encode("utf-8"), {
    "message_id": None,
    "subject": "Neue Bewerbung für „Entwickler (m/w/d)“",
    "from": [{"name": "Jobbörse Team", "address": "noreply@jobs.example.de"}],
    "date": None,
    "text_plain_contains": "Jonas M",
})
print("corpus written to", HERE)
