#!/usr/bin/env python3
"""A stand-in for a Digital Post receiver, for tests (python3 standard library only).

Listens on 127.0.0.1 only and takes MeMo messages by HTTP POST (any path):

  200 {"receipt": "dp-<n>"}   stored as <dir>/<MessageUUID>.xml (with --dir); a message
                              whose MessageUUID came before gets the same receipt and is
                              not stored again
  503 {"error": ...}          for the first N POSTs (--fail-first N)
  422 {"refused": "recipient exempt from Digital Post"}
                              for a message to the CPR number given with --refuse-cpr
  400 {"error": ...}          for a body that is not a MeMo message with a MessageUUID

Usage: digital_post_receiver.py --port 0 [--dir D] [--fail-first N] [--refuse-cpr CPR]
Prints "listening <port>" on stdout once it accepts connections (--port 0: a free port).
It never prints or logs a CPR number.
"""
import argparse
import json
import os
import sys
import threading
import xml.etree.ElementTree as ET
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def local_name(tag):
    return tag.rsplit("}", 1)[-1].lower()


def read_memo(body):
    """(message_uuid, recipient_id) of a MeMo message, namespace-agnostic; None when it is not one."""
    try:
        root = ET.fromstring(body)
    except ET.ParseError:
        return None
    uuid = None
    recipient = None
    for element in root.iter():
        name = local_name(element.tag)
        if name == "messageuuid" and uuid is None:
            uuid = (element.text or "").strip()
        elif name == "recipient" and recipient is None:
            for child in element:
                if local_name(child.tag) == "recipientid":
                    recipient = (child.text or "").strip()
    if not uuid:
        return None
    return uuid, recipient


class Receiver:
    def __init__(self, directory, fail_first, refuse_cpr):
        self.directory = directory
        self.fail_left = fail_first
        self.refuse_cpr = refuse_cpr
        self.receipts = {}  # MessageUUID -> receipt
        self.lock = threading.Lock()
        self.log = None

    def receive(self, body):
        """(status, answer) for one POST, written to the log (--log) as "<status> <uuid>"."""
        status, answer = self.answer(body)
        if self.log:
            memo = read_memo(body)
            with self.lock:
                with open(self.log, "a") as f:
                    f.write("%d %s\n" % (status, memo[0] if memo else "-"))
        return status, answer

    def answer(self, body):
        with self.lock:
            if self.fail_left > 0:
                self.fail_left -= 1
                return 503, {"error": "receiver temporarily unavailable"}
            memo = read_memo(body)
            if memo is None:
                return 400, {"error": "not a MeMo message with a MessageUUID"}
            uuid, recipient = memo
            if not all(c in "0123456789abcdefABCDEF-" for c in uuid):
                return 400, {"error": "MessageUUID is not a UUID"}
            if uuid in self.receipts:
                return 200, {"receipt": self.receipts[uuid]}
            if self.refuse_cpr and recipient == self.refuse_cpr:
                return 422, {"refused": "recipient exempt from Digital Post"}
            receipt = "dp-%d" % (len(self.receipts) + 1)
            if self.directory:
                path = os.path.join(self.directory, uuid + ".xml")
                tmp = path + ".tmp"
                with open(tmp, "wb") as f:
                    f.write(body)
                    f.flush()
                    os.fsync(f.fileno())
                os.replace(tmp, path)
            self.receipts[uuid] = receipt
            return 200, {"receipt": receipt}


def make_handler(receiver):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            status, answer = receiver.receive(body)
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format, *args):  # no request lines (they could carry personal data)
            pass

    return Handler


def main():
    parser = argparse.ArgumentParser(description="A test Digital Post receiver on 127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--dir", default=None)
    parser.add_argument("--fail-first", type=int, default=0)
    parser.add_argument("--refuse-cpr", default=None)
    parser.add_argument("--log", default=None, help="append one line per POST: its status and MessageUUID")
    args = parser.parse_args()
    if args.dir and not os.path.isdir(args.dir):
        parser.error("--dir %s is not a folder" % args.dir)
    receiver = Receiver(args.dir, args.fail_first, args.refuse_cpr)
    receiver.log = args.log
    server = ThreadingHTTPServer(("127.0.0.1", args.port), make_handler(receiver))
    print("listening %d" % server.server_address[1], flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
