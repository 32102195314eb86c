// The published opening hours (GET /api/v1/opening-hours): per municipality
// its channels' weekly hours and each unit's, and the next two weeks day by
// day with the reason on a closed day; no sign-in. Text is set with
// textContent only.
"use strict";
(function () {
  function add(parent, tag, text) {
    const el = document.createElement(tag);
    if (text !== undefined) el.textContent = text;
    parent.appendChild(el);
    return el;
  }
  function weeks(w) {
    if (!w) return "";
    if (w === "odd") return " (ulige uger)";
    if (w === "even") return " (lige uger)";
    return " (hver " + w.every + ". uge fra " + w.from + ")";
  }
  function rulesTable(parent, caption, rules) {
    const table = add(parent, "table");
    add(table, "caption", caption);
    const head = add(add(table, "thead"), "tr");
    for (const title of ["Dage", "Åbent", "Bemærkning"]) {
      const th = add(head, "th", title);
      th.scope = "col";
    }
    const body = add(table, "tbody");
    for (const r of rules) {
      const tr = add(body, "tr");
      const th = add(tr, "th", r.days_da.join(", ") + weeks(r.weeks));
      th.scope = "row";
      add(tr, "td", r.opens + "–" + r.closes);
      add(tr, "td", r.appointment_only ? "Kun ved tidsbestilling" : "");
    }
  }
  function nextDays(parent, caption, days) {
    const table = add(parent, "table");
    table.className = "next-days";
    add(table, "caption", caption);
    const head = add(add(table, "thead"), "tr");
    for (const title of ["Dato", "Åbent"]) {
      const th = add(head, "th", title);
      th.scope = "col";
    }
    const body = add(table, "tbody");
    for (const d of days) {
      const tr = add(body, "tr");
      const th = add(tr, "th", d.weekday_da + " " + d.date);
      th.scope = "row";
      const open = d.open.map((i) => i.opens + "–" + i.closes + (i.appointment_only ? " (tidsbestilling)" : "")).join(", ");
      add(tr, "td", open || (d.closed_because ? "Lukket: " + d.closed_because : "Lukket"));
    }
  }
  const channelNames = { personal_attendance: "Personligt fremmøde", phone: "Telefon", assisted_self_service: "Medbetjening" };
  function render(data) {
    const root = document.getElementById("hours");
    for (const m of data.municipalities) {
      const block = add(root, "section");
      block.className = "card";
      block.dataset.municipality = m.code;
      add(block, "h2", m.name);
      for (const c of m.channels) {
        add(block, "h3", channelNames[c.channel] || c.label_da);
        rulesTable(block, "Faste åbningstider: " + (channelNames[c.channel] || c.label_da), c.rules);
      }
      for (const u of m.units) {
        const h = add(block, "h3", u.name);
        h.id = "unit-" + m.code + "-" + u.id;
        rulesTable(block, "Faste åbningstider: " + u.name, u.rules);
        if (u.appointments_for.length) add(block, "p", "Her kan du bestille tid (log ind på Mine sager).");
        nextDays(block, "De næste 14 dage: " + u.name, u.next_days);
      }
    }
  }
  const status = document.getElementById("hours-status");
  fetch("/api/v1/opening-hours", { headers: { Accept: "application/json" } })
    .then((r) => {
      if (!r.ok) throw new Error("HTTP " + r.status);
      return r.json();
    })
    .then((d) => {
      render(d);
      status.textContent = d.municipalities.length ? "" : "Ingen kommune er sat op endnu.";
    })
    .catch(() => {
      status.textContent = "Åbningstiderne kunne ikke hentes. Ring til kommunens borgerservice.";
    });
})();
