// callqa review workbench: the pages call the JSON API with fetch(); POSTs carry the CSRF token.
"use strict";

function csrfToken() {
  const meta = document.querySelector('meta[name="csrf-token"]');
  return meta ? meta.content : "";
}

function say(text, ok) {
  const box = document.getElementById("message");
  if (!box) return;
  box.textContent = text;
  box.className = ok ? "message ok" : "message";
  box.hidden = false;
}

async function post(url, body) {
  const response = await fetch(url, {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRF-Token": csrfToken() },
    body: JSON.stringify(body || {}),
  });
  let data = {};
  try { data = await response.json(); } catch (e) { data = {}; }
  if (!response.ok) {
    const detail = typeof data.detail === "string" ? data.detail : JSON.stringify(data.detail || "");
    throw new Error(response.status + " " + detail);
  }
  return data;
}

function playFrom(seconds) {
  const player = document.getElementById("player");
  if (!player) return;
  const start = () => {
    player.currentTime = seconds;
    player.play().catch(() => {});
  };
  if (player.readyState >= 1) start();
  else player.addEventListener("loadedmetadata", start, { once: true });
  if (player.readyState < 1) player.load();
}

function wire() {
  const login = document.getElementById("login");
  if (login) {
    login.addEventListener("submit", async (event) => {
      event.preventDefault();
      const form = new FormData(login);
      try {
        await post("/api/login", { username: form.get("username"), password: form.get("password") });
        window.location.assign(login.dataset.next || "/queue");
      } catch (error) {
        say("登录失败 Login failed: " + error.message);
      }
    });
  }
  const logout = document.getElementById("logout");
  if (logout) {
    logout.addEventListener("click", async () => {
      try { await post("/api/logout"); } finally { window.location.assign("/login"); }
    });
  }
  document.querySelectorAll("button.seek").forEach((button) => {
    button.addEventListener("click", () => {
      document.querySelectorAll(".current").forEach((el) => el.classList.remove("current"));
      const holder = button.closest(".finding, .seg");
      if (holder) holder.classList.add("current");
      playFrom(parseFloat(button.dataset.start));
    });
  });
  document.querySelectorAll("form.verdict button[data-verdict]").forEach((button) => {
    button.addEventListener("click", async () => {
      const form = button.closest("form");
      try {
        await post("/api/findings/" + encodeURIComponent(form.dataset.finding) + "/verdict",
          { verdict: button.dataset.verdict, note: form.elements.note.value });
        window.location.reload();
      } catch (error) { say("保存失败 Not saved: " + error.message); }
    });
  });
  document.querySelectorAll("form.appeal-form").forEach((form) => {
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const callId = document.body.dataset.call || decodeURIComponent(window.location.pathname.split("/")[2]);
      try {
        await post("/api/calls/" + encodeURIComponent(callId) + "/appeals",
          { finding_id: form.dataset.finding || null, reason: form.elements.reason.value });
        window.location.reload();
      } catch (error) { say("申诉失败 Appeal not filed: " + error.message); }
    });
  });
  document.querySelectorAll("form.decide button[data-decision]").forEach((button) => {
    button.addEventListener("click", async () => {
      const form = button.closest("form");
      try {
        await post("/api/appeals/" + form.dataset.appeal + "/decision",
          { decision: button.dataset.decision, note: form.elements.note.value });
        window.location.reload();
      } catch (error) { say("保存失败 Not saved: " + error.message); }
    });
  });
  const signoff = document.getElementById("signoff");
  if (signoff) {
    signoff.addEventListener("submit", async (event) => {
      event.preventDefault();
      try {
        const done = await post("/api/batches/" + encodeURIComponent(signoff.elements.batch_id.value) + "/signoff",
          { note: signoff.elements.note.value });
        say("已签核 Signed off: " + done.batch_id, true);
      } catch (error) { say("签核失败 Not signed off: " + error.message); }
    });
  }
  const recheck = document.getElementById("recheck");
  if (recheck) {
    recheck.addEventListener("submit", async (event) => {
      event.preventDefault();
      try {
        const done = await post("/api/agents/" + encodeURIComponent(recheck.dataset.agent) + "/recheck",
          { n_calls: parseInt(recheck.elements.n_calls.value, 10) });
        say("已安排复检 Re-check ordered: " + done.agent_id + " × " + done.n_calls, true);
      } catch (error) { say("安排失败 Not ordered: " + error.message); }
    });
  }
  const doc = document.getElementById("api-doc");
  if (doc) renderApi(doc);
}

async function renderApi(holder) {
  const spec = await (await fetch(holder.dataset.src, { credentials: "same-origin" })).json();
  for (const [path, methods] of Object.entries(spec.paths || {})) {
    for (const [method, op] of Object.entries(methods)) {
      const box = document.createElement("div");
      box.className = "api-route";
      const head = document.createElement("div");
      const code = document.createElement("code");
      code.textContent = method.toUpperCase() + " " + path;
      head.appendChild(code);
      const summary = document.createElement("span");
      summary.textContent = "  " + (op.summary || "");
      head.appendChild(summary);
      box.appendChild(head);
      const text = document.createElement("p");
      text.textContent = op.description || "";
      box.appendChild(text);
      const params = (op.parameters || []).map((p) => p.name + " (" + p.in + ")").join(", ");
      if (params) {
        const line = document.createElement("small");
        line.textContent = "parameters: " + params;
        box.appendChild(line);
      }
      holder.appendChild(box);
    }
  }
}

document.addEventListener("DOMContentLoaded", wire);
