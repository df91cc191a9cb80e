#!/usr/bin/env python3
"""Writes a realistic recruiter's mailbox for the benchmarks: conversations of
1 to 8 messages with proper Message-ID / In-Reply-To / References chains, the
recruiter's own replies among them, English, Simplified Chinese and Polish
text (UTF-8, GB2312 and ISO-8859-2 parts), HTML alternatives, and about one
message in six with a 20-150 KB attachment, over two years. Deterministic
for a given seed. About 400 MB for 20,000 messages.

    make_mailbox.py --count 20000 --maildir DIR     # DIR/{cur,new,tmp}
    make_mailbox.py --count 100000 --mbox FILE
"""

import argparse
import base64
import os
import random
from email.header import Header

ME = "Tom Recruiter <recruiter@test>"
FIRST = ["Anna", "Wei", "Agnieszka", "Ben", "Li", "Piotr", "Maria", "Chen", "Olga", "Sam",
         "Zofia", "Jun", "Ewa", "Tom", "Hanna", "Ming", "Kasia", "Raj", "Sara", "Yuki"]
LAST = ["Zhang", "Nowak", "Smith", "Kowalski", "Wang", "Lindqvist", "Garcia", "Liu",
        "Wiśniewska", "Okafor", "Chen", "Müller", "Lewandowski", "Tanaka", "Brown"]
ROLES = ["Senior Rust Engineer", "Data Analyst", "Product Manager", "DevOps Engineer",
         "Frontend Developer", "Sales Director", "QA Lead", "Embedded Engineer"]
EN = ["Thank you for your application to the {role} role.",
      "Could we schedule a call on Thursday at 10:00 CET?",
      "Please find my updated CV attached; I have six years of experience.",
      "The hiring manager would like to meet you next week.",
      "I am interested in the position and available from next month.",
      "Could you share the salary range and whether remote work is possible?"]
ZH = ["您好，我对{role}职位很感兴趣。", "附件是我的简历，请查收。", "请问周四上午十点方便面试吗？",
      "谢谢您的回复，期待与您合作。", "我目前在深圳工作，可以下个月入职。"]
PL = ["Dzień dobry, przesyłam zgłoszenie na stanowisko {role}.",
      "Czy możemy porozmawiać w piątek o 11:00?", "W załączniku przesyłam aktualne CV.",
      "Dziękuję za odpowiedź, pozdrawiam serdecznie.", "Jestem dostępna od przyszłego miesiąca."]
PREFIX = {"en": "Re:", "zh": "回复:", "pl": "Odp:"}


def person(rng, i):
    first, last = rng.choice(FIRST), rng.choice(LAST)
    return f"{first} {last}", f"{first.lower()}.{i}@cand{i % 97}.example"


def encode_header(text):
    return Header(text, "utf-8").encode() if any(ord(c) > 127 for c in text) else text


def body_text(rng, lang, role, lines):
    pool = {"en": EN, "zh": ZH, "pl": PL}[lang]
    return "\n\n".join(rng.choice(pool).format(role=role) for _ in range(lines))


def text_part(text, lang):
    # Some Chinese mail still comes as GB2312, some Polish as ISO-8859-2.
    charset = {"zh": "gb2312", "pl": "iso-8859-2"}.get(lang, "utf-8")
    try:
        data = text.encode(charset)
    except UnicodeEncodeError:
        charset, data = "utf-8", text.encode("utf-8")
    return (f"Content-Type: text/plain; charset={charset}\r\nContent-Transfer-Encoding: base64\r\n\r\n"
            + base64.encodebytes(data).decode().replace("\n", "\r\n"))


def html_part(text):
    html = "<html><body>" + "".join(f"<p>{p}</p>" for p in text.split("\n\n")) + \
        '<p style="color:#888">Sent from the careers portal</p></body></html>'
    return ("Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
            + base64.encodebytes(html.encode()).decode().replace("\n", "\r\n"))


def message(rng, n, sender, to, subject, lang, role, date, msgid, refs):
    text = body_text(rng, lang, role, rng.randint(2, 6))
    headers = [f"From: {sender}", f"To: {to}", f"Subject: {encode_header(subject)}",
               f"Message-ID: <{msgid}>", f"Date: {date}", "MIME-Version: 1.0"]
    if refs:
        headers += [f"In-Reply-To: <{refs[-1]}>", "References: " + " ".join(f"<{r}>" for r in refs)]
    alternative = f"alt{n}"
    body = (f"Content-Type: multipart/alternative; boundary=\"{alternative}\"\r\n\r\n"
            f"--{alternative}\r\n{text_part(text, lang)}\r\n--{alternative}\r\n{html_part(text)}\r\n--{alternative}--\r\n")
    if rng.random() < 1 / 6:
        mixed = f"mix{n}"
        name = rng.choice(["CV.pdf", "Lebenslauf.pdf", "简历.docx", "portfolio.zip", "CV-2026.docx"])
        data = rng.randbytes(rng.randint(20_000, 150_000))
        attachment = (f"Content-Type: application/octet-stream; name=\"{encode_header(name)}\"\r\n"
                      f"Content-Disposition: attachment; filename=\"{encode_header(name)}\"\r\n"
                      "Content-Transfer-Encoding: base64\r\n\r\n"
                      + base64.encodebytes(data).decode().replace("\n", "\r\n"))
        headers.append(f"Content-Type: multipart/mixed; boundary=\"{mixed}\"")
        raw = "\r\n".join(headers) + "\r\n\r\n" + f"--{mixed}\r\n{body}\r\n--{mixed}\r\n{attachment}\r\n--{mixed}--\r\n"
    else:
        head, rest = body.split("\r\n\r\n", 1)
        raw = "\r\n".join(headers + [head]) + "\r\n\r\n" + rest
    return raw.encode("utf-8")


def mailbox(count, seed):
    """Yields (unix time, raw message, seen) oldest first."""
    rng = random.Random(seed)
    start = 1_730_000_000  # late 2024; two years of mail
    span = 2 * 365 * 86_400
    made = 0
    conversation = 0
    while made < count:
        conversation += 1
        name, address = person(rng, conversation)
        lang = rng.choices(["en", "zh", "pl"], [6, 2, 2])[0]
        role = rng.choice(ROLES)
        subject = {"en": f"Application: {role}", "zh": f"应聘：{role}",
                   "pl": f"Zgłoszenie: {role}"}[lang]
        t = start + rng.randrange(span)
        refs = []
        for k in range(min(rng.choice([1, 1, 2, 2, 3, 4, 5, 8]), count - made)):
            mine = k % 2 == 1
            msgid = f"m{conversation}.{k}.{seed}@{'agency.test' if mine else 'cand.example'}"
            when = t + k * rng.randint(600, 86_400)
            date = __import__("email.utils").utils.formatdate(when)
            sender, to = (ME, f"{name} <{address}>") if mine else (f"{name} <{address}>", ME)
            subj = subject if k == 0 else f"{PREFIX[lang]} {subject}"
            yield when, message(rng, made, sender, to, subj, lang, role, date, msgid, list(refs)), rng.random() < 0.8
            refs.append(msgid)
            made += 1


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--count", type=int, default=20_000)
    ap.add_argument("--seed", type=int, default=7)
    out = ap.add_mutually_exclusive_group(required=True)
    out.add_argument("--maildir")
    out.add_argument("--mbox")
    args = ap.parse_args()
    total = 0
    if args.maildir:
        for sub in ("cur", "new", "tmp"):
            os.makedirs(os.path.join(args.maildir, sub), exist_ok=True)
        for i, (when, raw, seen) in enumerate(mailbox(args.count, args.seed)):
            path = os.path.join(args.maildir, "cur", f"{when}.M{i}P1.bench:2,{'S' if seen else ''}")
            with open(path, "wb") as f:
                f.write(raw)
            os.utime(path, (when, when))
            total += len(raw)
    else:
        with open(args.mbox, "wb") as f:
            for when, raw, _ in mailbox(args.count, args.seed):
                # mboxrd: quote "From " lines in the body (there are none, but be safe).
                raw = raw.replace(b"\r\n", b"\n").replace(b"\nFrom ", b"\n>From ")
                f.write(b"From MAILER-DAEMON Thu Jan  1 00:00:00 2026\n" + raw + b"\n")
                total += len(raw)
    print(f"{args.count} messages, {total / 1e6:.0f} MB")


if __name__ == "__main__":
    main()
