// The inbox's live updates and keyboard navigation. Rows arrive as server-rendered, escaped HTML
// over server-sent events; nothing from a post is ever put into the page any other way.
(function () {
  "use strict";

  const list = document.querySelector("[data-inbox]");
  if (!list) {
    return;
  }
  const MAX_ROWS = 300;
  const NEW_FOR_MS = 8000;
  const RECONNECT_GRACE_MS = 4000;
  const baseTitle = document.title;
  const status = document.querySelector("[data-live-status]");
  const statusText = document.querySelector("[data-live-text]");
  const counter = document.querySelector("[data-new-count]");
  const announcer = document.querySelector("[data-announcer]");
  const empty = document.querySelector("[data-empty]");
  let newCount = 0;

  function setStatus(state, text) {
    status.dataset.state = state;
    statusText.textContent = text;
  }

  function rowFrom(html) {
    const template = document.createElement("template");
    template.innerHTML = html;
    return template.content.querySelector(".post-row");
  }

  // Rows are ordered by priority, then newest first; a new post has the highest id so far.
  function rowAfterPlaceOf(priority, id) {
    return Array.from(list.children).find((row) => {
      const rowPriority = Number(row.dataset.priority);
      return rowPriority < priority || (rowPriority === priority && Number(row.dataset.postId) < id);
    });
  }

  function countNew() {
    newCount += 1;
    counter.textContent = String(newCount);
    document.title = "(" + newCount + ") " + baseTitle;
    announcer.textContent = newCount === 1 ? "1 new post" : newCount + " new posts";
  }

  function insertPost(data) {
    const id = Number(data.id);
    const priority = Number(data.priority);
    if (list.querySelector('[data-post-id="' + id + '"]')) {
      return;
    }
    const row = rowFrom(data.html);
    if (!row) {
      return;
    }
    row.classList.add("is-new");
    list.insertBefore(row, rowAfterPlaceOf(priority, id) || null);
    window.setTimeout(() => row.classList.remove("is-new"), NEW_FOR_MS);
    while (list.children.length > MAX_ROWS) {
      list.lastElementChild.remove();
    }
    if (empty) {
      empty.hidden = true;
    }
    countNew();
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
    source.addEventListener("post", (event) => insertPost(JSON.parse(event.data)));
    source.addEventListener("error", () => {
      // The server ends each stream after a while and the browser reconnects by itself, sending
      // Last-Event-ID; only a reconnection that takes long is worth showing. A closed source means
      // the answer was no stream at all, e.g. a redirect to the login page after the session ended.
      window.clearTimeout(slowReconnect);
      if (source.readyState === EventSource.CLOSED) {
        setStatus("offline", "Offline: reload the page");
      } else {
        slowReconnect = window.setTimeout(() => setStatus("connecting", "Reconnecting…"), RECONNECT_GRACE_MS);
      }
    });
  }

  function rowLinks() {
    return Array.from(list.querySelectorAll(".post-row__link"));
  }

  function moveFocus(step) {
    const links = rowLinks();
    if (links.length === 0) {
      return;
    }
    const current = links.indexOf(document.activeElement);
    const next = current === -1 ? 0 : Math.min(links.length - 1, Math.max(0, current + step));
    links[next].focus();
    links[next].closest(".post-row").scrollIntoView({ block: "nearest" });
  }

  document.addEventListener("keydown", (event) => {
    const target = event.target;
    const typing = target instanceof Element && target.closest("input, textarea, select, [contenteditable]");
    if (event.altKey || event.ctrlKey || event.metaKey || typing) {
      return;
    }
    if (event.key === "j") {
      moveFocus(1);
    } else if (event.key === "k") {
      moveFocus(-1);
    }
  });

  connect();
})();
