#!/usr/bin/env python3
"""The HTTP side of notification_mail_test.sh (see there). Subcommands:
  main BASE              queue and assigned notifications, in the pages and by mail
  to-queue BASE          a passport case into Borgerservice's queue; prints its case number
  mail-waits BASE CASE   Bo's mail about CASE is pending (the relay is down)
  mailed BASE CASE       a mail about CASE reaches the sink
Tokens come from the environment (FRIDA, BO); MAILDIR is the sink's Maildir."""
import email
import email.header
import email.policy
import json
import mailbox
import os
import sys
import time
import urllib.error
import urllib.request

CPR = "010490-9989"
NAME = "Jens Hansen"


def fail(message):
    print("FAIL: " + message, file=sys.stderr)
    sys.exit(1)


def call(base, method, path, token, body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(base + path, data=data, method=method,
                                 headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=20) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        payload = e.read()
        try:
            return e.code, json.loads(payload or b"null")
        except ValueError:
            return e.code, payload


def ok(answer, what, status=200):
    code, body = answer
    if code != status:
        fail(f"{what}: HTTP {code} {body}")
    return body


def to_queue(base):
    """A passport case, received and checked by Frida: it waits, unclaimed, for its decision in Borgerservice's queue."""
    frida = os.environ["FRIDA"]
    case = ok(call(base, "POST", "/api/v1/cases", frida, {"workflow": "passport", "citizen_cpr": CPR}), "open", 201)
    actions = f"/api/v1/cases/{case['id']}/actions/"
    ok(call(base, "POST", actions + "register", frida, {}), "register")
    page = ok(call(base, "POST", actions + "complete", frida,
                   {"fields": {"full_name": NAME, "height_cm": 182, "fee_paid": True},
                    "attachments": [{"name": "photo", "kind": "image/jpeg"},
                                    {"name": "identity_document", "kind": "passport"}]}), "complete")
    if not page.get("queue") or page["queue"]["kind"] != "unit" or page["queue"]["id"] != "bsc":
        fail(f"the checked passport case does not wait in Borgerservice's queue: {page.get('queue')}")
    return page["case_number"], page["id"]


def notifications(base, token, unread=False):
    return ok(call(base, "GET", "/api/v1/notifications" + ("?unread=true" if unread else ""), token), "notifications")


def mails():
    """Every message in the sink's Maildir: (to, subject, text)."""
    out = []
    if not os.path.isdir(os.path.join(os.environ["MAILDIR"], "new")):
        return out  # nothing delivered yet: the sink makes the Maildir with its first mail
    box = mailbox.Maildir(os.environ["MAILDIR"], factory=None, create=False)
    for key in box.keys():
        raw = box.get_bytes(key)
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        subject = str(msg["subject"])
        body = msg.get_content() if not msg.is_multipart() else ""
        out.append((str(msg["to"]), subject, body, raw))
    return out


def wait_for_mail(number, to, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        found = [m for m in mails() if number in m[1] and to in m[0]]
        if found:
            return found
        time.sleep(0.2)
    fail(f"no mail about {number} to {to} reached the sink in {timeout} s; it has {[(m[0], m[1]) for m in mails()]}")


def check_private(m):
    to, subject, body, raw = m
    for secret in (CPR, CPR.replace("-", ""), "9989", NAME, "Hansen", "182"):
        if secret.encode() in raw:
            fail(f"the mail '{subject}' holds personal data: {secret!r}")


def main(base):
    bo, frida = os.environ["BO"], os.environ["FRIDA"]
    number, cid = to_queue(base)
    # In the pages: Bo's unit got a case; Frida, who put it there, is not told.
    got = notifications(base, bo, unread=True)
    kinds = [(n["kind"], n["case_number"]) for n in got["notifications"]]
    if ("queue", number) not in kinds:
        fail(f"Bo was not told that {number} came to his unit's queue: {got}")
    if got["unread"] < 1:
        fail(f"no unread notification counted: {got}")
    for n in notifications(base, frida)["notifications"]:
        if n["case_number"] == number:
            fail(f"Frida was told about what she did herself: {n}")
    # By mail, only the case number and the link.
    queued = wait_for_mail(number, "bo.larsen@kommune.example")
    check_private(queued[0])
    if "kø" not in queued[0][1]:
        fail(f"the subject does not say the case came to the queue: {queued[0][1]}")
    if f"https://sagsflow.kommune.example/#/case/{number}" not in queued[0][2]:
        fail(f"the mail does not link to the case page: {queued[0][2]}")
    # Bo, team leader, hands the case to Frida (addressed by its case number).
    ok(call(base, "POST", f"/api/v1/cases/{number}/reassign", bo, {"to": "frida"}), "reassign by case number")
    got = notifications(base, frida, unread=True)
    if ("assigned", number) not in [(n["kind"], n["case_number"]) for n in got["notifications"]]:
        fail(f"Frida was not told that {number} was handed to her: {got}")
    handed = [m for m in wait_for_mail(number, "frida.hansen@kommune.example") if "givet til dig" in m[1]]
    if not handed:
        fail(f"no mail told Frida that {number} was handed to her")
    check_private(handed[0])
    # Bo acted himself: he is told nothing about the reassignment.
    for n in notifications(base, bo)["notifications"]:
        if n["case_number"] == number and n["kind"] == "assigned":
            fail(f"Bo was told about his own reassignment: {n}")
    # Bo reads his: one by id, then the rest; Frida's ids are not his to mark.
    mine = notifications(base, bo)["notifications"]
    marked = ok(call(base, "POST", "/api/v1/notifications/read", bo, {"ids": [mine[0]["id"]]}), "mark one read")
    if marked["marked"] != 1:
        fail(f"marking one read: {marked}")
    others = [n["id"] for n in notifications(base, frida)["notifications"]]
    marked = ok(call(base, "POST", "/api/v1/notifications/read", bo, {"ids": others}), "mark another's")
    if marked["marked"] != 0:
        fail(f"Bo marked Frida's notifications read: {marked}")
    ok(call(base, "POST", "/api/v1/notifications/read", bo, {}), "mark all read")
    if notifications(base, bo)["unread"] != 0:
        fail("notifications are still unread after marking all read")
    code, body = call(base, "POST", "/api/v1/notifications/read", bo, {"ids": ["x"]})
    if code != 400 or body.get("field") != "ids":
        fail(f"a malformed id list is not refused with the field: {code} {body}")


def mail_waits(base, number):
    deadline = time.time() + 20
    while time.time() < deadline:
        ns = [n for n in notifications(base, os.environ["BO"])["notifications"] if n["case_number"] == number]
        if ns and all(n["mail"] == "pending" for n in ns):
            time.sleep(1.5)  # a failed attempt or two have passed
            ns = [n for n in notifications(base, os.environ["BO"])["notifications"] if n["case_number"] == number]
            if all(n["mail"] == "pending" for n in ns):
                return
        time.sleep(0.2)
    fail(f"Bo's mail about {number} is not waiting while the relay is down")


if __name__ == "__main__":
    what, base = sys.argv[1], sys.argv[2]
    if what == "main":
        main(base)
    elif what == "to-queue":
        print(to_queue(base)[0])
    elif what == "mail-waits":
        mail_waits(base, sys.argv[3])
    elif what == "mailed":
        check_private(wait_for_mail(sys.argv[3], "bo.larsen@kommune.example", timeout=60)[0])
    else:
        fail("unknown subcommand " + what)
