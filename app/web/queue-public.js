// The kiosk (/traek-nummer.html: POST /api/v1/queue/tickets) and the
// waiting-room screen (/ventevaerelse.html: GET /api/v1/queue/screen every
// few seconds). No sign-in, no personal data. ?municipality=NNNN chooses the
// municipality when the installation has several with a queue. Text is set
// with textContent only.
"use strict";
(function () {
  const params = new URLSearchParams(location.search);
  const municipality = params.get("municipality") || "";
  const query = municipality ? "?municipality=" + encodeURIComponent(municipality) : "";
  function add(parent, tag, text, cls) {
    const el = document.createElement(tag);
    if (text !== undefined) el.textContent = text;
    if (cls) el.className = cls;
    parent.appendChild(el);
    return el;
  }
  async function json(path, options) {
    const r = await fetch(path, options);
    const body = await r.json().catch(() => ({}));
    if (!r.ok) throw new Error(body.detail || "Der skete en fejl (" + r.status + ")");
    return body;
  }

  // The kiosk: one big button per group; the number drawn is shown for a while.
  async function kiosk(root) {
    const out = document.getElementById("kiosk-ticket");
    let groups;
    try {
      groups = await json("/api/v1/queue/groups" + query);
    } catch (e) {
      out.textContent = "Nummertræk er ikke muligt lige nu: " + e.message;
      return;
    }
    let timer;
    for (const g of groups.groups) {
      const b = add(root, "button", "", "kiosk-button");
      b.type = "button";
      add(b, "span", g.name, "kiosk-button-name");
      b.addEventListener("click", async () => {
        clearTimeout(timer);
        out.textContent = "";
        try {
          const body = { group: g.id };
          if (municipality) body.municipality = municipality;
          const t = await json("/api/v1/queue/tickets", {
            method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
          });
          add(out, "span", "Dit nummer er", "kiosk-ticket-label");
          add(out, "strong", t.ticket.number, "kiosk-ticket-number");
          add(out, "span", t.ticket.group_name + ". Vent, til nummeret vises på skærmen.", "kiosk-ticket-label");
        } catch (e) {
          out.textContent = "Nummeret kunne ikke trækkes: " + e.message;
        }
        timer = setTimeout(() => { out.textContent = ""; }, 15000);
      });
    }
  }

  // The screen: the last numbers called, and how many wait; refreshed every 5 s.
  function screen() {
    const latest = document.getElementById("screen-latest");
    const body = document.querySelector("#screen-called tbody");
    const waiting = document.getElementById("screen-waiting");
    let last = "";
    async function refresh() {
      try {
        const s = await json("/api/v1/queue/screen" + query);
        body.textContent = "";
        s.called.forEach((c, i) => {
          const tr = add(body, "tr", undefined, i === 0 ? "screen-newest" : "");
          add(tr, "td", c.number, "screen-number");
          add(tr, "td", c.desk_name);
        });
        const first = s.called[0];
        const text = first ? "Nummer " + first.number + " til " + first.desk_name : "Ingen er kaldt op endnu.";
        if (text !== last) latest.textContent = last = text;
        waiting.textContent = "";
        for (const g of s.groups) add(waiting, "li", g.name + ": " + g.waiting + (g.waiting === 1 ? " venter" : " venter"));
      } catch (e) {
        if (last !== "error") latest.textContent = last = "Skærmen kan ikke hente numrene lige nu.";
      }
    }
    refresh();
    setInterval(refresh, 5000);
  }

  document.addEventListener("DOMContentLoaded", () => {
    const groups = document.getElementById("kiosk-groups");
    if (groups) kiosk(groups);
    if (document.getElementById("screen-called")) screen();
  });
})();
