// The wall's live refresh: every few seconds, fetch every panel again as server-rendered, escaped
// HTML and swap it in. Nothing from a post or a topic is put into the page any other way.
(function () {
  "use strict";

  const wall = document.querySelector("[data-wall]");
  if (!wall) {
    return;
  }
  const pollMs = Math.max(1, Number(wall.dataset.pollSeconds) || 5) * 1000;
  const status = document.querySelector("[data-live-status]");
  const statusText = document.querySelector("[data-live-text]");
  const baseTitle = document.title;

  function setStatus(state, text) {
    status.dataset.state = state;
    statusText.textContent = text;
  }

  function clock() {
    return new Date().toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" });
  }

  // A focused button (a supervisor about to acknowledge) is not swapped away under the pointer.
  function panelIsBusy(panel) {
    return panel.contains(document.activeElement) && document.activeElement !== document.body;
  }

  function showPanels(data) {
    Object.entries(data.panels).forEach(([name, html]) => {
      const panel = wall.querySelector('[data-panel="' + name + '"]');
      if (panel && !panelIsBusy(panel)) {
        panel.innerHTML = html;
      }
    });
    const open = Number(data.open_alerts) || 0;
    document.title = open > 0 ? "(" + open + ") " + baseTitle : baseTitle;
  }

  async function refresh() {
    try {
      const response = await fetch(wall.dataset.panelsUrl, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
        redirect: "error",
      });
      if (!response.ok) {
        throw new Error("HTTP " + response.status);
      }
      showPanels(await response.json());
      setStatus("live", "Updated " + clock());
    } catch (error) {
      // A redirect to the login page after the session ended lands here too.
      setStatus("offline", "Offline since " + clock() + ": retrying");
    }
    window.setTimeout(refresh, pollMs);
  }

  setStatus("live", "Live");
  window.setTimeout(refresh, pollMs);
})();
