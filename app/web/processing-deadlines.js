// The published processing deadlines (GET /api/v1/processing-deadlines), one
// table per municipality; no sign-in. Text is set with textContent only.
"use strict";
(function () {
  const UNITS = { days: ["dag", "dage"], weeks: ["uge", "uger"], working_days: ["arbejdsdag", "arbejdsdage"] };
  function deadlineText(d) {
    const names = UNITS[d.unit] || [d.unit, d.unit];
    let text = d.amount + " " + (d.amount === 1 ? names[0] : names[1]);
    if (d.from_receipt) text += " fra modtagelsen";
    if (d.roll_to_working_day) text += " (til næste arbejdsdag, hvis fristen ender på en lukkedag)";
    return text;
  }
  function cell(row, tag, text) {
    const c = document.createElement(tag);
    c.textContent = text;
    if (tag === "th") c.scope = "row";
    row.appendChild(c);
  }
  function render(list) {
    const root = document.getElementById("deadlines");
    const byMunicipality = new Map();
    for (const d of list) {
      const key = d.municipality + " " + (d.municipality_name || "");
      if (!byMunicipality.has(key)) byMunicipality.set(key, []);
      byMunicipality.get(key).push(d);
    }
    for (const [name, rows] of byMunicipality) {
      const h = document.createElement("h2");
      h.textContent = name;
      root.appendChild(h);
      const table = document.createElement("table");
      const caption = document.createElement("caption");
      caption.textContent = "Sagsbehandlingsfrister, " + name;
      table.appendChild(caption);
      const head = document.createElement("thead");
      const hr = document.createElement("tr");
      for (const t of ["Område", "Sag", "Trin", "Frist"]) {
        const th = document.createElement("th");
        th.scope = "col";
        th.textContent = t;
        hr.appendChild(th);
      }
      head.appendChild(hr);
      table.appendChild(head);
      const body = document.createElement("tbody");
      for (const d of rows) {
        const tr = document.createElement("tr");
        cell(tr, "th", d.service_area);
        cell(tr, "td", d.workflow_title || d.workflow);
        cell(tr, "td", d.stage_title || d.stage);
        cell(tr, "td", deadlineText(d.deadline));
        body.appendChild(tr);
      }
      table.appendChild(body);
      root.appendChild(table);
    }
  }
  const status = document.getElementById("deadlines-status");
  fetch("/api/v1/processing-deadlines", { headers: { Accept: "application/json" } })
    .then((r) => (r.ok ? r.json() : Promise.reject(new Error("HTTP " + r.status))))
    .then((doc) => {
      const list = doc.processing_deadlines || [];
      render(list);
      status.textContent = list.length === 0 ? "Der er ikke offentliggjort frister endnu." : "";
    })
    .catch((e) => {
      status.textContent = "Fristerne kunne ikke hentes (" + e.message + "). Prøv igen senere.";
    });
})();
