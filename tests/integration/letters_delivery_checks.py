#!/usr/bin/env python3
"""The HTTP side of letters_delivery_test.sh (see there). Subcommands:
  main BASE                 the refusal, Digital Post after failures, print, rerouting
  open BASE CPR             opens a passport case; prints its id
  delivered-once BASE CASE  waits until the case's letters are delivered, each once
Tokens come from the environment (FRIDA, BO, ANNA, CITIZEN); RECEIVED is the
receiver's folder, PRINTED the print plugin's."""
import base64
import glob
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET

MONTHS = ["januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september", "oktober",
          "november", "december"]


def fail(message):
    print("FAIL: " + message, file=sys.stderr)
    sys.exit(1)


def call(base, method, path, token, body=None, raw=False):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(base + path, data=data, method=method,
                                 headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=20) as r:
            payload = r.read()
            return r.status, payload if raw else json.loads(payload or b"null")
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


def open_passport(base, cpr, refuse_reasons=None):
    frida, bo = os.environ["FRIDA"], os.environ["BO"]
    case = ok(call(base, "POST", "/api/v1/cases", frida, {"workflow": "passport", "citizen_cpr": cpr}), "open", 201)
    cid = case["id"]
    if refuse_reasons is None:
        return cid
    actions = f"/api/v1/cases/{cid}/actions/"
    ok(call(base, "POST", actions + "register", frida, {}), "register")
    ok(call(base, "POST", actions + "complete", frida,
            {"fields": {"full_name": "Jens Hansen", "height_cm": 182, "fee_paid": True},
             "attachments": [{"name": "photo", "kind": "image/jpeg"}, {"name": "identity_document", "kind": "passport"}]}),
       "complete")
    ok(call(base, "POST", actions + "refuse", bo, {"fields": {"reasons": refuse_reasons}}), "refuse")
    return cid


def letters(base, cid):
    return ok(call(base, "GET", f"/api/v1/cases/{cid}/letters", os.environ["BO"]), "letters")["letters"]


def wait_delivered(base, cid, kinds, timeout=90):
    """Waits until letters of each kind in `kinds` are delivered; returns the letters."""
    deadline = time.time() + timeout
    seen_incident = False
    while True:
        ls = letters(base, cid)
        seen_incident = seen_incident or any(l["incident"] for l in ls)
        have = {l["kind"] for l in ls if l["state"] == "delivered"}
        if all(k in have for k in kinds):
            return ls, seen_incident
        failed = [l for l in ls if l["state"] == "failed"]
        if failed:
            fail(f"case {cid}: letters failed: {failed}")
        if time.time() > deadline:
            fail(f"case {cid}: letters not delivered in {timeout} s: {ls}")
        time.sleep(0.2)


def messages():
    """Each MeMo message the receiver stored: (uuid, recipient, pdf bytes)."""
    out = []
    for path in sorted(glob.glob(os.path.join(os.environ["RECEIVED"], "*.xml"))):
        root = ET.parse(path).getroot()
        def first(tag):
            for el in root.iter():
                if el.tag.split("}")[-1] == tag:
                    return el
            return None
        uuid = first("messageUUID")
        recipient = None
        for el in root.iter():
            if el.tag.split("}")[-1] == "Recipient":
                for child in el:
                    if child.tag.split("}")[-1] == "recipientID":
                        recipient = child.text
        content = first("content")
        pdf = base64.b64decode(content.text) if content is not None and content.text else b""
        out.append((uuid.text if uuid is not None else os.path.basename(path), recipient, pdf))
    return out


def pdf_text(pdf):
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(pdf)
        f.flush()
        return subprocess.run(["pdftotext", "-layout", f.name, "-"], check=True, capture_output=True).stdout.decode()


def written(iso):
    y, m, d = (int(x) for x in iso.split("-"))
    return f"{d}. {MONTHS[m - 1]} {y}"


def history(base, cid):
    return ok(call(base, "GET", f"/api/v1/cases/{cid}/history", os.environ["BO"]), "history")["events"]


def check_main(base):
    reasons = "Fotoet opfylder ikke kravene til pasfotos: baggrunden er ikke lys nok."
    cid = open_passport(base, "010490-9989", reasons)
    ls, seen_incident = wait_delivered(base, cid, ["receipt", "decision"])
    decision = next(l for l in ls if l["kind"] == "decision")
    if decision["channel"] != "digital_post":
        fail(f"the decision went by {decision['channel']}")
    # The delivery receipt is on the case; the receiver's failures were an incident that cleared.
    events = history(base, cid)
    sent = [e for e in events if e["action"] == "letter_sent"]
    if len(sent) != len([l for l in ls if l["state"] == "delivered"]):
        fail(f"{len(sent)} letter_sent events for {len(ls)} letters")
    receipts = {e["data"]["letter"]["id"]: e["data"]["letter"] for e in sent}
    if not receipts[decision["id"]]["receipt"].startswith("dp-"):
        fail(f"the decision's receipt is {receipts[decision['id']]}")
    retried = [l for l in receipts.values() if l.get("failed_attempts", 0) > 0]
    if not retried or not all(l.get("incident_closed") for l in retried):
        fail(f"the receiver's three failures left no trace of a cleared incident: {receipts}")
    if not seen_incident and not retried:
        fail("no incident was seen")
    open_incidents = ok(call(base, "GET", "/api/v1/admin/letters?incidents=true", os.environ["ANNA"]), "incidents")["letters"]
    if any(l["case_id"] == cid for l in open_incidents):
        fail(f"incidents still open: {open_incidents}")
    if not any(e["action"] == "decision_sent" for e in events):
        fail("no decision_sent event: the complaint deadline was not fixed by the channel")
    state = ok(call(base, "GET", f"/api/v1/cases/{cid}", os.environ["BO"]), "case")
    refuse = next(e for e in events if e["action"] == "refuse")
    appeals = refuse["data"]["decision"]["complaint_guidance"]["appeals_body"]
    # Exactly one message per delivered Digital Post letter of this citizen so far.
    mine = [m for m in messages() if m[1] == "0104909989"]
    digital = [l for l in ls if l["channel"] == "digital_post" and l["state"] == "delivered"]
    if len(mine) != len(digital) or len({m[0] for m in mine}) != len(mine):
        fail(f"{len(mine)} messages for {len(digital)} Digital Post letters")
    for m in mine:
        if posts_of(m[0]).count("200") < 1:
            fail(f"message {m[0]} was never answered 200")
    texts = [pdf_text(m[2]) for m in mine]
    dtext = next((t for t in texts if "Klagevejledning" in t), None)
    if dtext is None:
        fail("no MeMo message holds the decision letter")
    flat = " ".join(dtext.split())
    for want in [" ".join(reasons.split()), written(state["complaint_due"]), " ".join(appeals.split()), state["case_number"]]:
        if want not in flat:
            fail(f"the decision letter does not say '{want}':\n{dtext}")
    # The citizen downloads the same PDF from Mine sager.
    mine_letters = ok(call(base, "GET", f"/api/v1/me/cases/{cid}/letters", os.environ["CITIZEN"]), "my letters")["letters"]
    mdec = next(l for l in mine_letters if l["kind"] == "decision")
    code, pdf = call(base, "GET", mdec["download"], os.environ["CITIZEN"], raw=True)
    if code != 200 or not pdf.startswith(b"%PDF"):
        fail(f"the citizen's download: {code}")
    if " ".join(pdf_text(pdf).split()) != flat:
        fail("the citizen's PDF is not the one Digital Post got")

    # A citizen exempt from Digital Post gets letters by print.
    ok(call(base, "POST", "/api/v1/digital-post/exemptions", os.environ["FRIDA"],
            {"cpr": "070761-4285", "reason": "Fritaget efter ansøgning"}), "exempt", 201)
    cid2 = open_passport(base, "070761-4285")
    ls2, _ = wait_delivered(base, cid2, ["receipt"])
    if ls2[0]["channel"] != "print":
        fail(f"the exempt citizen's letter went by {ls2[0]['channel']}")
    batch = "".join(open(p, encoding="utf-8").read() for p in glob.glob(os.path.join(os.environ["PRINTED"], "*", "batch.csv")))
    if "0707614285" not in batch.replace("-", ""):
        fail(f"the print batch does not list the exempt citizen: {batch}")
    # A citizen exempt from mandatory digital self-service is served on paper: print too.
    ok(call(base, "POST", "/api/v1/self-service/exemptions", os.environ["FRIDA"],
            {"cpr": "150372-1234", "reason": "Fritaget for digital selvbetjening efter ansøgning"}), "self-service exempt", 201)
    cid4 = open_passport(base, "150372-1234")
    ls4, _ = wait_delivered(base, cid4, ["receipt"])
    if ls4[0]["channel"] != "print":
        fail(f"the letter of the citizen exempt from digital self-service went by {ls4[0]['channel']}")
    # One the receiver refuses (exempt in the national register) is sent on to print.
    cid3 = open_passport(base, "120780-4451")
    ls3, _ = wait_delivered(base, cid3, ["receipt"])
    if ls3[0]["channel"] != "print" or "digital_post" not in ls3[0].get("rerouted_from", ""):
        fail(f"the refused letter was not rerouted to print: {ls3}")


def wait_appointment_letters(base, aid, kinds, timeout=90):
    """Until the appointment's letters of each kind are delivered; returns the appointment (staff's view)."""
    deadline = time.time() + timeout
    while True:
        a = ok(call(base, "GET", f"/api/v1/appointments/{aid}", os.environ["FRIDA"]), "appointment")["appointment"]
        have = {l["kind"] for l in a["letters"] if l["state"] == "delivered"}
        if all(k in have for k in kinds):
            return a
        if any(l["state"] == "failed" for l in a["letters"]):
            fail(f"appointment {aid}: letters failed: {a['letters']}")
        if time.time() > deadline:
            fail(f"appointment {aid}: letters not delivered in {timeout} s: {a['letters']}")
        time.sleep(0.2)


def check_appointment_letters(base):
    """A booking's confirmation and staff's cancellation reach the citizen through Digital Post, and the
    citizen downloads the confirmation from Mine sager."""
    slots = ok(call(base, "GET", "/api/v1/appointments/slots?area=passports&days=14", os.environ["FRIDA"]), "slots")
    if not slots["slots"]:
        fail("no free passport slot in 14 days")
    slot = slots["slots"][0]
    booked = ok(call(base, "POST", "/api/v1/appointments", os.environ["FRIDA"],
                     {"area": "passports", "starts_at": slot["starts_at"], "cpr": "010490-9989", "channel": "phone"}),
                "book", 201)["appointment"]
    aid = booked["id"]
    a = wait_appointment_letters(base, aid, ["appointment_confirmation"])
    confirmation = next(l for l in a["letters"] if l["kind"] == "appointment_confirmation")
    if confirmation["channel"] != "digital_post" or not confirmation["document_id"]:
        fail(f"the confirmation: {confirmation}")
    clock = slot["local_time"][11:16]  # HH:MM, Copenhagen
    texts = [" ".join(pdf_text(m[2]).split()) for m in messages() if m[1] == "0104909989"]
    ctext = next((t for t in texts if "Bekræftelse af din tid" in t and f"bestillingsnummer {aid}" in t), None)
    if ctext is None:
        fail("no MeMo message holds the appointment's confirmation")
    day = int(slot["local_time"][8:10])
    for want in [f"kl. {clock}", f"den {day}. ", "Hvis du ikke kan komme", "Mine sager", "Husk at medbringe"]:
        if want not in ctext:
            fail(f"the confirmation does not say '{want}':\n{ctext}")
    if "010490" in ctext:
        fail("the confirmation shows the CPR number")
    # The citizen sees the letter beside the appointment and downloads the same PDF.
    mine = ok(call(base, "GET", "/api/v1/me/appointments", os.environ["CITIZEN"]), "my appointments")["appointments"]
    own = next((x for x in mine if x["id"] == aid), None)
    if own is None or not own["letters"] or not own["letters"][0]["document_id"]:
        fail(f"Mine sager does not show the confirmation: {own}")
    code, pdf = call(base, "GET", f"/api/v1/me/appointments/{aid}/documents/{own['letters'][0]['document_id']}",
                     os.environ["CITIZEN"], raw=True)
    if code != 200 or not pdf.startswith(b"%PDF"):
        fail(f"the citizen's download of the confirmation: {code}")
    if " ".join(pdf_text(pdf).split()) != ctext:
        fail("the citizen's confirmation PDF is not the one Digital Post got")
    # Staff cancel it with a reason: a cancellation letter saying why.
    ok(call(base, "POST", f"/api/v1/appointments/{aid}/cancel", os.environ["FRIDA"],
            {"reason": "Pasafdelingen holder lukket"}), "cancel")
    wait_appointment_letters(base, aid, ["appointment_confirmation", "appointment_cancelled"])
    texts = [" ".join(pdf_text(m[2]).split()) for m in messages() if m[1] == "0104909989"]
    if not any("Din tid er aflyst" in t and "Pasafdelingen holder lukket" in t for t in texts):
        fail("no MeMo message holds the cancellation with its reason")
    print(f"appointment {aid}: confirmation and cancellation delivered by Digital Post")


def posts_of(uuid):
    """The receiver's answers to the POSTs of one message."""
    with open(os.environ["RECEIVER_LOG"]) as f:
        return [line.split()[0] for line in f if line.split()[1:] == [uuid]]


def check_delivered_once(base, cid, min_posts):
    """The case's letters are delivered, each as one message; the receiver got it at least min_posts times."""
    ls, _ = wait_delivered(base, cid, ["receipt"])
    events = history(base, cid)
    sent = [e for e in events if e["action"] == "letter_sent"]
    if len(sent) != len(ls):
        fail(f"case {cid}: {len(sent)} letter_sent events for {len(ls)} letters")
    case_number = ok(call(base, "GET", f"/api/v1/cases/{cid}", os.environ["BO"]), "case")["case_number"]
    hits = [m for m in messages() if case_number in " ".join(pdf_text(m[2]).split())]
    if len(hits) != 1:
        fail(f"case {case_number}: {len(hits)} messages at the receiver, not 1")
    posts = posts_of(hits[0][0])
    if len(posts) < min_posts:
        fail(f"case {case_number}: the receiver got its message {len(posts)} times, expected at least {min_posts}")
    print(f"case {case_number}: one message, posted {len(posts)} times ({' '.join(posts)})")


def wait_in_flight(base, cid, timeout=30):
    """Until the receipt letter's PDF is kept (the worker goes on to hand it to the plugin)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        ls = letters(base, cid)
        if any(l.get("document_id") for l in ls):
            return
        time.sleep(0.05)
    fail(f"case {cid}: the worker never took its letter")


def main():
    what, base = sys.argv[1], sys.argv[2]
    if what == "main":
        check_main(base)
        check_appointment_letters(base)
    elif what == "open":
        print(open_passport(base, sys.argv[3]))
    elif what == "delivered-once":
        check_delivered_once(base, int(sys.argv[3]), int(sys.argv[4]))
    elif what == "wait-in-flight":
        wait_in_flight(base, int(sys.argv[3]))
    else:
        fail("unknown check " + what)


if __name__ == "__main__":
    main()
