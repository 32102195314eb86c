#!/usr/bin/env python3
"""The browser's side of a sign-in through OpenID Connect (oidc_sign_in_test.sh).

    oidc_sign_in_checks.py main|rotated PUBLIC_URL ISSUER STAFF_TOKEN

main proves: a citizen signs in through the provider's login form and gets a
session cookie (HttpOnly, SameSite=Lax) that reads /api/v1/me/cases; the
session answer has no CPR number; a staff member's groups give the roles the
staff list also gives them; a POST with the cookie and no X-CSRF-Token, a
wrong one or another Origin is 403 csrf_refused, with it passes; a bearer
token needs no CSRF token; a staff id not on the staff list and a citizen
with NSIS Low are refused with a page of their own; use slides the idle
expiry, and a session left idle is 401; sign-out ends the session at once and
sends the browser to the provider's end_session endpoint; a return_to of
another site is refused; a login attempt is used once. rotated: after the
provider rotated its keys, citizens (RS256) and staff (ES256) sign in again.
Every Set-Cookie, Location, URL and HTML body of the flows is kept and none
shows the test citizen's CPR number in any spelling.
"""
import http.cookiejar
import json
import re
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

PHASE, BASE, ISSUER, TOKEN = sys.argv[1:5]
CPR_SPELLINGS = re.compile(r"0104909989|010490-9989|010490 9989")
SEEN = []  # (what, text) of everything the flows showed
FAILED = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        FAILED.append(what)


class Recorder(urllib.request.HTTPRedirectHandler):
    """Follows redirects, keeping every hop's Location and Set-Cookie."""

    def __init__(self, hops):
        self.hops = hops

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        self.hops.append({"url": req.full_url, "status": code, "location": headers.get("Location", ""),
                          "set_cookie": headers.get_all("Set-Cookie") or []})
        SEEN.append(("Location", headers.get("Location", "")))
        for c in headers.get_all("Set-Cookie") or []:
            SEEN.append(("Set-Cookie", c))
        return super().redirect_request(req, fp, code, msg, headers, newurl)


class Browser:
    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.hops = []
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), Recorder(self.hops))

    def open(self, url, data=None, headers=None, method=None):
        SEEN.append(("URL", url))
        req = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
        try:
            r = self.opener.open(req, timeout=20)
            status, body, final, hdrs = r.status, r.read().decode("utf-8", "replace"), r.geturl(), r.headers
        except urllib.error.HTTPError as e:
            status, body, final, hdrs = e.code, e.read().decode("utf-8", "replace"), e.geturl(), e.headers
        SEEN.append(("URL", final))
        SEEN.append(("body of " + final, body))
        for c in hdrs.get_all("Set-Cookie") or []:
            SEEN.append(("Set-Cookie", c))
        return status, body, final, hdrs

    def api(self, method, path, body=None, csrf=None, origin=None):
        headers = {"Accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if csrf is not None:
            headers["X-CSRF-Token"] = csrf
        if origin is not None:
            headers["Origin"] = origin
        status, text, _, hdrs = self.open(BASE + path, data=data, headers=headers, method=method)
        try:
            return status, json.loads(text) if text else None, hdrs
        except ValueError:
            return status, text, hdrs

    def session_cookie(self):
        for c in self.jar:
            if c.name == "sagsflow_session":
                return c
        return None

    def sign_in(self, kind, account, return_to="/"):
        """The login link, the provider's form (typed account id), back to Sagsflow."""
        status, body, final, _ = self.open(f"{BASE}/auth/login/{kind}?return_to={urllib.parse.quote(return_to)}")
        if status != 200 or "/interaction/" not in final:
            return status, body, final
        action = re.search(r'action="([^"]+)"', body).group(1)
        data = urllib.parse.urlencode({"login": account}).encode()
        return self.open(urllib.parse.urljoin(final, action), data=data)[:3]


def callback_hop(browser):
    return next((h for h in browser.hops if h["url"].startswith(BASE + "/auth/callback")), None)


def main():
    # Not signed in: the providers on offer.
    anonymous = Browser()
    status, s, _ = anonymous.api("GET", "/api/v1/session")
    check(status == 200 and s == {"signed_in": False, "sign_in": {"citizen": True, "staff": True}},
          f"GET /api/v1/session without a session offers both sign-ins ({status} {s})")

    # A citizen signs in.
    jens = Browser()
    status, body, final = jens.sign_in("citizen", "jens", "/#mine-sager")
    check(status == 200 and final.startswith(BASE + "/"),
          f"the citizen's sign-in ends on the return_to page ({status} {final})")
    hop = callback_hop(jens)
    check(hop is not None and hop["status"] == 303 and hop["location"] == "/#mine-sager",
          f"the callback answers 303 to return_to ({hop and hop['status']} {hop and hop['location']})")
    cookie_header = next((c for c in (hop or {}).get("set_cookie", []) if c.startswith("sagsflow_session=")), "")
    check("HttpOnly" in cookie_header and "SameSite=Lax" in cookie_header and "Path=/" in cookie_header,
          f"the session cookie is HttpOnly, SameSite=Lax, Path=/ ({re.sub('=[^;]*', '=…', cookie_header, 1)})")
    value = cookie_header.split(";")[0].split("=", 1)[1] if cookie_header else ""
    check(len(value) == 43 and re.fullmatch(r"[A-Za-z0-9_-]+", value) is not None,
          "the session id is 32 random bytes in base64url")
    status, s, _ = jens.api("GET", "/api/v1/session")
    check(status == 200 and s.get("signed_in") and s.get("kind") == "citizen" and s.get("via") == "session"
          and s.get("name") == "Jens Jensen" and s.get("person") is None and len(s.get("csrf_token") or "") >= 32
          and s.get("idle_expires_at") and s.get("expires_at"),
          f"the citizen's session says who (the name, never the CPR number), with a CSRF token ({status})")
    status, cases, _ = jens.api("GET", "/api/v1/me/cases")
    check(status == 200, f"GET /api/v1/me/cases works with the cookie ({status})")

    # A login attempt is used once: the same callback again is refused.
    if hop:
        status, body, _, _ = Browser().open(hop["url"])
        check(status == 400 and "ukendt, brugt eller udløbet" in body, f"a callback's state is used once ({status})")

    # return_to to another site is refused (no open redirect).
    for evil in ("//evil.example/", "https://evil.example/", "/\\evil.example"):
        status, body, _, _ = Browser().open(f"{BASE}/auth/login/citizen?return_to={urllib.parse.quote(evil)}")
        check(status == 400, f"return_to {evil} is refused ({status})")

    # Staff: groups map to roles, limited to those the staff list gives.
    bo = Browser()
    status, _, final = bo.sign_in("staff", "bo")
    check(status == 200 and final == BASE + "/", f"bo signs in as staff ({status} {final})")
    status, s, _ = bo.api("GET", "/api/v1/session")
    check(s.get("kind") == "staff" and s.get("person") == "bo" and sorted(s.get("roles", [])) == ["caseworker", "frontdesk"],
          f"bo's groups (sf-frontdesk, sf-caseworkers, sf-admins) give only the staff list's roles: {s.get('roles')}")
    csrf = s.get("csrf_token")
    inquiry = {"channel": "phone", "type": "general_information", "area": "passports"}
    status, p, _ = bo.api("POST", "/api/v1/inquiries", inquiry)
    check(status == 403 and isinstance(p, dict) and p.get("code") == "csrf_refused",
          f"a POST with the cookie and no X-CSRF-Token is 403 csrf_refused ({status})")
    status, p, _ = bo.api("POST", "/api/v1/inquiries", inquiry, csrf="x" * len(csrf))
    check(status == 403 and p.get("code") == "csrf_refused", f"a wrong X-CSRF-Token is refused ({status})")
    status, p, _ = bo.api("POST", "/api/v1/inquiries", inquiry, csrf=csrf, origin="http://evil.example")
    check(status == 403 and p.get("code") == "csrf_refused", f"another site's Origin is refused ({status})")
    status, p, _ = bo.api("POST", "/api/v1/inquiries", inquiry, csrf=csrf, origin=BASE)
    check(status == 201, f"with the session's X-CSRF-Token (and our Origin) the POST passes ({status} {p})")
    req = urllib.request.Request(BASE + "/api/v1/inquiries", data=json.dumps(inquiry).encode(), method="POST",
                                 headers={"Authorization": "Bearer " + TOKEN, "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=20) as r:
        check(r.status == 201, f"a bearer token's POST needs no CSRF token ({r.status})")

    anna = Browser()
    anna.sign_in("staff", "anna")
    status, s, _ = anna.api("GET", "/api/v1/session")
    check(s.get("roles") == ["admin"], f"anna's sf-admins gives admin: {s.get('roles')}")

    # Not on the staff list: refused with a page of its own, no session.
    mallory = Browser()
    status, body, _ = mallory.sign_in("staff", "mallory")
    check(status == 403 and "medarbejderliste" in body and mallory.session_cookie() is None,
          f"a staff id not on the staff list is refused with a clear page ({status})")

    # NSIS Low when Substantial is required: refused.
    low = Browser()
    status, body, _ = low.sign_in("citizen", "lowjens")
    check(status == 403 and "sikringsniveau" in body and low.session_cookie() is None,
          f"a citizen signed in with NSIS Low is refused ({status})")

    # The provider's error (the user cancelled) is a clear page.
    cancel = Browser()
    status, body, final, _ = cancel.open(f"{BASE}/auth/login/citizen")
    state = urllib.parse.parse_qs(urllib.parse.urlparse(cancel.hops[0]["location"]).query)["state"][0]
    status, body, _, _ = cancel.open(f"{BASE}/auth/callback?error=access_denied&state={state}")
    check(status == 403 and "afbrudt eller afvist" in body, f"error=access_denied is a clear Danish page ({status})")

    # Sign-out: the session ends at once; the browser goes to the provider.
    status, s, _ = jens.api("GET", "/api/v1/session")
    status, p, hdrs = jens.api("POST", "/auth/logout")
    check(status == 403 and p.get("code") == "csrf_refused", f"POST /auth/logout without the CSRF token is refused ({status})")
    status, p, hdrs = jens.api("POST", "/auth/logout", csrf=s["csrf_token"])
    redirect = p.get("redirect", "") if isinstance(p, dict) else ""
    check(status == 200 and redirect.startswith(ISSUER + "/session/end?")
          and "post_logout_redirect_uri=" + urllib.parse.quote(BASE + "/", safe="") in redirect
          and "client_id=sagsflow-citizen" in redirect,
          f"sign-out answers the provider's end_session endpoint ({status} {redirect[:80]})")
    check(any("Max-Age=0" in c for c in hdrs.get_all("Set-Cookie") or []), "sign-out clears the cookie")
    SEEN.append(("redirect", redirect))
    status, body, final, _ = jens.open(redirect)
    check(status == 200 and final.startswith(ISSUER), f"the provider's logout page answers ({status})")
    jens.jar.set_cookie(http.cookiejar.Cookie(0, "sagsflow_session", value, None, False, "127.0.0.1", False, False,
                                              "/", True, False, None, False, None, None, {}))
    status, p, _ = jens.api("GET", "/api/v1/me/cases")
    check(status == 401 and "signing out" in p.get("detail", ""), f"the ended session is refused at once ({status})")
    status, p, _ = bo.api("POST", "/auth/logout", csrf=csrf)
    check(status == 200 and "id_token_hint=" in p.get("redirect", ""), "a staff sign-out gives the provider the ID token hint")

    # Idle expiry slides on use (20 s idle, wide margins for a loaded CI machine; used every 5 s for 15 s), then ends.
    frida = Browser()
    frida.sign_in("staff", "frida")
    alive = True
    for _ in range(3):
        time.sleep(5)
        status, _, _ = frida.api("GET", "/api/v1/me")
        alive = alive and status == 200
    check(alive, "a session used every 5 s outlives its 20 s idle time")
    time.sleep(24)
    status, p, _ = frida.api("GET", "/api/v1/me")
    check(status == 401 and p.get("code") == "invalid_session" and "without use" in p.get("detail", ""),
          f"a session left idle is 401 invalid_session ({status} {p.get('detail') if isinstance(p, dict) else p})")

def rotated():
    for kind, account in (("citizen", "jens"), ("staff", "carl")):
        b = Browser()
        status, body, final = b.sign_in(kind, account)
        status, s, _ = b.api("GET", "/api/v1/session")
        check(s.get("signed_in") is True, f"{account} signs in after the provider rotated its keys ({status})")
        if kind == "staff":
            check(s.get("roles") == ["caseworker"], f"carl is a caseworker: {s.get('roles')}")


main() if PHASE == "main" else rotated()
leaks = [(what, m.group(0)) for what, text in SEEN for m in [CPR_SPELLINGS.search(text or "")] if m]
check(not leaks, f"no CPR number in any Set-Cookie, Location, URL or body ({len(SEEN)} looked at): {leaks[:3]}")
sys.exit(1 if FAILED else 0)
