// The conversation page: new messages of the thread arrive over server-sent events and are built
// with textContent only, so a customer's text never becomes HTML. The reply form sends once: the
// button is disabled on submit, and the server ignores a second submission of the same form key.
(function () {
  "use strict";

  const list = document.querySelector("[data-conversation]");
  if (!list) {
    return;
  }
  const status = document.querySelector("[data-live-status]");
  const statusText = document.querySelector("[data-live-text]");
  const form = document.querySelector("[data-reply-form]");
  const RECONNECT_GRACE_MS = 4000;

  function setStatus(state, text) {
    status.dataset.state = state;
    statusText.textContent = text;
  }

  function paragraph(className, text) {
    const node = document.createElement("p");
    node.className = className;
    node.textContent = text;
    return node;
  }

  function addMessage(data) {
    const id = Number(data.id);
    if (!Number.isSafeInteger(id) || list.querySelector('[data-message-id="' + id + '"]')) {
      return;
    }
    const item = document.createElement("li");
    item.className = "history__item conversation__message conversation__message--" + (data.inbound ? "inbound" : "outbound");
    item.dataset.messageId = String(id);
    const author = document.createElement("strong");
    author.textContent = data.inbound ? String(data.author || "") : list.dataset.brand;
    const head = paragraph("conversation__author", "");
    head.append(author);
    const when = document.createElement("time");
    when.dateTime = String(data.at || "");
    when.textContent = "just now";
    const meta = paragraph("history__meta", "");
    meta.append(when);
    item.append(head, paragraph("conversation__text", String(data.text || "")), meta);
    item.classList.add("is-new");
    list.append(item);
    item.scrollIntoView({ block: "nearest" });
  }

  function connect() {
    const url = new URL(list.dataset.eventsUrl, window.location.href);
    url.searchParams.set("after", list.dataset.latestId);
    const source = new EventSource(url);
    let slowReconnect = 0;
    source.addEventListener("open", () => {
      window.clearTimeout(slowReconnect);
      setStatus("live", "Live");
    });
    source.addEventListener("message", (event) => addMessage(JSON.parse(event.data)));
    source.addEventListener("error", () => {
      // Streams end now and then and the browser reconnects with Last-Event-ID by itself.
      window.clearTimeout(slowReconnect);
      if (source.readyState === EventSource.CLOSED) {
        setStatus("offline", "Offline: reload the page");
      } else {
        slowReconnect = window.setTimeout(() => setStatus("connecting", "Reconnecting…"), RECONNECT_GRACE_MS);
      }
    });
  }

  if (form) {
    form.addEventListener("submit", () => {
      const button = form.querySelector("button[type=submit]");
      window.setTimeout(() => {
        button.disabled = true;
      }, 0);
    });
    const text = form.querySelector("textarea");
    text.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        form.requestSubmit();
      }
    });
  }

  connect();
})();
