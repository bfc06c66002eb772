// hubbub web chat: an embeddable widget, plain JavaScript with no framework and no CDN.
//
//   <script src="https://hubbub.example/chat/widget.js" data-account="42" async></script>
//
// Optional: data-visitor-name and data-visitor-email when the page knows who the visitor is.
// Every text from the network (greeting, messages) is put into the page with textContent only, so
// hostile text stays text. The session token is sent in a header, never in a URL; the event stream
// is read with fetch() because EventSource cannot send headers.
(function () {
  "use strict";

  const script = document.currentScript;
  if (!script || !script.dataset.account || !/^\d+$/.test(script.dataset.account)) {
    return;
  }
  const BASE = new URL(script.src).origin;
  const ACCOUNT = script.dataset.account;
  const STORAGE_KEY = "hubbub-chat:" + BASE + ":" + ACCOUNT;
  const COLOUR = /^#[0-9a-fA-F]{6}$/;
  const MAX_CHARS = 4000;
  const MAX_RECONNECT_MS = 15000;
  const STYLE = `
    :host { all: initial; }
    .launcher, .panel { font: 14px/1.4 system-ui, sans-serif; color: #1f2430; }
    .launcher { position: fixed; right: 20px; bottom: 20px; z-index: 2147483000; border: 0;
      border-radius: 999px; padding: 12px 18px; background: var(--accent); color: #fff; cursor: pointer;
      box-shadow: 0 4px 16px rgba(0,0,0,.2); font-weight: 600; }
    .launcher:focus-visible, button:focus-visible, textarea:focus-visible { outline: 3px solid #f59f00; }
    .unread { display: inline-block; min-width: 1.4em; margin-left: 6px; border-radius: 999px;
      background: #fff; color: var(--accent); font-size: 12px; text-align: center; }
    .panel { position: fixed; right: 20px; bottom: 76px; z-index: 2147483000; width: min(360px, calc(100vw - 40px));
      height: min(480px, calc(100vh - 110px)); display: flex; flex-direction: column; background: #fff;
      border-radius: 12px; box-shadow: 0 8px 32px rgba(0,0,0,.25); overflow: hidden; }
    .panel[hidden] { display: none; }
    .head { background: var(--accent); color: #fff; padding: 12px 16px; font-weight: 600; }
    .log { flex: 1; overflow-y: auto; margin: 0; padding: 12px; list-style: none; background: #f6f7f9; }
    .msg { max-width: 80%; margin: 6px 0; padding: 8px 12px; border-radius: 12px; white-space: pre-wrap;
      overflow-wrap: anywhere; }
    .msg--agent, .msg--greeting { background: #fff; border: 1px solid #dde1e7; }
    .msg--visitor { margin-left: auto; background: var(--accent); color: #fff; }
    .msg--pending { opacity: .6; }
    .msg--failed { outline: 2px solid #c92a2a; cursor: pointer; }
    .status { min-height: 1.2em; margin: 0; padding: 0 12px; font-size: 12px; color: #5c6370; }
    form { display: flex; gap: 8px; padding: 10px; border-top: 1px solid #dde1e7; }
    textarea { flex: 1; resize: none; height: 38px; padding: 8px; border: 1px solid #c3c9d2;
      border-radius: 8px; font: inherit; }
    form button { border: 0; border-radius: 8px; padding: 0 14px; background: var(--accent); color: #fff;
      font-weight: 600; cursor: pointer; }`;

  let session = loadSession();
  let lastEventId = 0;
  let streaming = false;
  let reconnectMs = 1000;
  let unread = 0;

  const host = document.createElement("div");
  host.setAttribute("data-hubbub-chat", "");
  const root = host.attachShadow({ mode: "open" });
  const style = document.createElement("style");
  style.textContent = STYLE;
  const launcher = element("button", "launcher", "Chat with us");
  launcher.type = "button";
  launcher.setAttribute("aria-expanded", "false");
  const badge = element("span", "unread", "");
  badge.hidden = true;
  launcher.append(badge);
  const panel = element("section", "panel", "");
  panel.hidden = true;
  panel.setAttribute("role", "dialog");
  panel.setAttribute("aria-label", "Chat");
  const head = element("header", "head", "Chat");
  const log = element("ol", "log", "");
  log.setAttribute("aria-live", "polite");
  const status = element("p", "status", "");
  const form = element("form", "", "");
  const input = element("textarea", "", "");
  input.maxLength = MAX_CHARS;
  input.placeholder = "Write a message…";
  input.setAttribute("aria-label", "Your message");
  const send = element("button", "", "Send");
  send.type = "submit";
  form.append(input, send);
  panel.append(head, log, status, form);
  root.append(style, panel, launcher);
  applyLook();

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    node.textContent = text;
    return node;
  }

  function loadSession() {
    try {
      const stored = JSON.parse(window.sessionStorage.getItem(STORAGE_KEY) || "null");
      return stored && typeof stored.token === "string" && typeof stored.thread === "string" ? stored : null;
    } catch (error) {
      return null;
    }
  }

  function saveSession(value) {
    session = value;
    try {
      if (value) {
        window.sessionStorage.setItem(STORAGE_KEY, JSON.stringify(value));
      } else {
        window.sessionStorage.removeItem(STORAGE_KEY);
      }
    } catch (error) {
      // Storage may be disabled; the chat then lasts as long as the page.
    }
  }

  function applyLook() {
    const colour = session && COLOUR.test(session.colour || "") ? session.colour : "#3b5bdb";
    host.style.setProperty("--accent", colour);
    head.textContent = (session && session.greeting) || "Chat with us";
  }

  function setStatus(text) {
    status.textContent = text;
  }

  function newClientId() {
    const bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
  }

  function bubble(id, from, text) {
    let item = id ? log.querySelector('[data-id="' + CSS.escape(id) + '"]') : null;
    if (!item) {
      item = element("li", "msg msg--" + from, text);
      if (id) {
        item.dataset.id = id;
      }
      log.append(item);
      log.scrollTop = log.scrollHeight;
    }
    return item;
  }

  async function request(path, options) {
    const headers = Object.assign({ "Content-Type": "application/json" }, options.headers || {});
    if (session) {
      headers["X-Chat-Token"] = session.token;
    }
    return fetch(BASE + path, Object.assign({}, options, { headers: headers, credentials: "omit" }));
  }

  async function startSession() {
    const body = { name: script.dataset.visitorName || "", email: script.dataset.visitorEmail || "" };
    const response = await request("/chat/" + ACCOUNT + "/sessions", { method: "POST", body: JSON.stringify(body) });
    if (!response.ok) {
      throw new Error(response.status === 429 ? "Too many chats started; try again later." : "Chat is unavailable.");
    }
    const opened = await response.json();
    saveSession({ token: opened.token, thread: opened.thread, greeting: opened.greeting, colour: opened.colour });
    lastEventId = 0;
    applyLook();
    connect();
  }

  async function deliver(item, clientId, text, retried) {
    item.classList.add("msg--pending");
    item.classList.remove("msg--failed");
    const response = await request("/chat/sessions/messages", {
      method: "POST",
      body: JSON.stringify({ client_id: clientId, text: text }),
    });
    if (response.status === 401 && !retried) {
      saveSession(null);
      await startSession();
      item.dataset.id = session.thread + ":" + clientId;
      return deliver(item, clientId, text, true);
    }
    if (!response.ok) {
      throw new Error(response.status === 429 ? "You are writing fast; wait a moment." : "Not sent.");
    }
    item.classList.remove("msg--pending");
    setStatus("");
  }

  async function sendMessage(text) {
    if (!session) {
      await startSession();
    }
    const clientId = newClientId();
    const item = bubble(session.thread + ":" + clientId, "visitor", text);
    try {
      await deliver(item, clientId, text, false);
    } catch (error) {
      item.classList.add("msg--failed");
      item.title = "Not sent: select to try again";
      item.addEventListener("click", () => deliver(item, clientId, text, true).catch(() => {}), { once: true });
      setStatus(error.message);
    }
  }

  function showEvent(data) {
    if (typeof data.id !== "string" || typeof data.text !== "string") {
      return;
    }
    const from = data.from === "visitor" ? "visitor" : "agent";
    const item = bubble(data.id, from, data.text);
    item.classList.remove("msg--pending");
    if (from === "agent" && panel.hidden) {
      unread += 1;
      badge.textContent = String(unread);
      badge.hidden = false;
    }
  }

  function handleBlock(block) {
    let id = null;
    let name = "message";
    const data = [];
    for (const line of block.split("\n")) {
      const colon = line.indexOf(":");
      const field = colon === -1 ? line : line.slice(0, colon);
      const value = colon === -1 ? "" : line.slice(colon + 1).replace(/^ /, "");
      if (field === "id") {
        id = value;
      } else if (field === "event") {
        name = value;
      } else if (field === "data") {
        data.push(value);
      } else if (field === "retry" && /^\d+$/.test(value)) {
        reconnectMs = Number(value);
      }
    }
    if (id !== null && /^\d+$/.test(id)) {
      lastEventId = Math.max(lastEventId, Number(id));
    }
    if (name === "message" && data.length) {
      try {
        showEvent(JSON.parse(data.join("\n")));
      } catch (error) {
        // A malformed event is skipped; the next ones still arrive.
      }
    }
  }

  async function readStream() {
    const response = await request("/chat/sessions/events", {
      method: "GET",
      headers: { "Last-Event-ID": String(lastEventId), Accept: "text/event-stream" },
    });
    if (response.status === 401) {
      saveSession(null);
      return false;
    }
    if (!response.ok || !response.body) {
      throw new Error("stream " + response.status);
    }
    setStatus("");
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) {
        return true;
      }
      buffer += decoder.decode(value, { stream: true }).replace(/\r\n?/g, "\n");
      let end = buffer.indexOf("\n\n");
      while (end !== -1) {
        handleBlock(buffer.slice(0, end));
        buffer = buffer.slice(end + 2);
        end = buffer.indexOf("\n\n");
      }
    }
  }

  async function connect() {
    if (streaming || !session) {
      return;
    }
    streaming = true;
    let failures = 0;
    while (session) {
      try {
        if (!(await readStream())) {
          break;
        }
        failures = 0;
      } catch (error) {
        failures += 1;
        if (failures > 2) {
          setStatus("Reconnecting…");
        }
      }
      await new Promise((resolve) => window.setTimeout(resolve, Math.min(MAX_RECONNECT_MS, reconnectMs * 2 ** Math.min(failures, 4))));
    }
    streaming = false;
  }

  function toggle() {
    const opening = panel.hidden;
    panel.hidden = !opening;
    launcher.setAttribute("aria-expanded", String(opening));
    if (opening) {
      unread = 0;
      badge.hidden = true;
      input.focus();
    }
  }

  launcher.addEventListener("click", toggle);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) {
      return;
    }
    input.value = "";
    sendMessage(text.slice(0, MAX_CHARS)).catch((error) => setStatus(error.message));
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      form.requestSubmit();
    }
  });

  (document.body || document.documentElement).append(host);
  if (session) {
    connect();
  }
})();
