// The accessibility statement's contacts (GET /api/v1/accessibility-statement),
// one block per municipality of the installation; no sign-in. Text is set with
// textContent only.
"use strict";
(function () {
  function add(parent, tag, text) {
    const el = document.createElement(tag);
    if (text !== undefined) el.textContent = text;
    parent.appendChild(el);
    return el;
  }
  function render(statement) {
    const root = document.getElementById("contacts");
    const names = statement.municipalities.map((m) => m.name).filter(Boolean);
    if (names.length > 0) {
      for (const el of document.querySelectorAll(".who-answers")) el.textContent = names.join(" og ");
    }
    for (const m of statement.municipalities) {
      const block = add(root, "section");
      block.className = "card";
      add(block, "h3", m.name);
      const list = add(block, "dl");
      list.className = "facts";
      const c = m.contact || {};
      const rows = [["Adresse", c.address], ["Telefon", c.phone], ["E-mail", c.email], ["Web", c.web]];
      for (const [label, value] of rows) {
        if (!value) continue;
        add(list, "dt", label);
        const dd = add(list, "dd");
        if (label === "E-mail") {
          const a = add(dd, "a", value);
          a.href = "mailto:" + value;
        } else if (label === "Web" && /^https?:\/\//.test(value)) {
          const a = add(dd, "a", value);
          a.href = value;
        } else {
          dd.textContent = value;
          dd.className = "pre-line";
        }
      }
    }
  }
  const status = document.getElementById("contacts-status");
  fetch("/api/v1/accessibility-statement", { headers: { Accept: "application/json" } })
    .then((r) => {
      if (!r.ok) throw new Error("HTTP " + r.status);
      return r.json();
    })
    .then((s) => {
      render(s);
      status.textContent = s.municipalities.length ? "" : "Ingen kommune er sat op endnu.";
    })
    .catch(() => {
      status.textContent = "Kontaktoplysningerne kunne ikke hentes. Kontakt kommunens borgerservice.";
    });
})();
