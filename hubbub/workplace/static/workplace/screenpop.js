// The phone's screen pop: asks every few seconds which calls ring for the agent and shows one card
// per call with the caller's customer card. Everything from the server is set with textContent or
// as a link's href from our own URLs: a caller's name never becomes markup.
(function () {
  "use strict";

  const stack = document.querySelector("[data-screen-pop]");
  if (!stack || !window.fetch) {
    return;
  }
  const DISMISSED_KEY = "hubbub.screenpop.dismissed";
  const MAX_DISMISSED = 50;
  let pollMs = 4000;
  let timer = 0;
  let inFlight = false;

  function dismissed() {
    try {
      const stored = JSON.parse(window.sessionStorage.getItem(DISMISSED_KEY) || "[]");
      return Array.isArray(stored) ? stored : [];
    } catch (error) {
      return [];
    }
  }

  function dismiss(callId, card) {
    const kept = dismissed().filter((id) => id !== callId).slice(-(MAX_DISMISSED - 1));
    kept.push(callId);
    try {
      window.sessionStorage.setItem(DISMISSED_KEY, JSON.stringify(kept));
    } catch (error) {
      // Private mode without storage: the card comes back on the next page, no harm done.
    }
    card.remove();
  }

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text !== undefined) {
      node.textContent = text;
    }
    return node;
  }

  function link(href, className, text) {
    const node = element("a", className, text);
    // Only our own paths ("/customers/7/"), whatever the server sends.
    node.href = href.startsWith("/") && !href.startsWith("//") ? href : "#";
    return node;
  }

  function shortTime(iso) {
    const when = new Date(iso);
    return Number.isNaN(when.getTime()) ? "" : when.toLocaleString([], { dateStyle: "short", timeStyle: "short" });
  }

  function customerPart(customer) {
    const part = element("div", "screen-pop__customer");
    const head = element("p", "screen-pop__who");
    head.append(link(customer.url, "screen-pop__name", customer.name));
    const tier = String(customer.tier || "").replace(/[^a-z]/g, "");
    head.append(" ", element("span", "badge tier tier--" + tier, tier.charAt(0).toUpperCase() + tier.slice(1)));
    part.append(head);
    if (customer.email) {
      part.append(element("p", "screen-pop__contact muted", customer.email));
    }
    if (customer.last_interactions.length) {
      part.append(element("h3", "screen-pop__subtitle", "Last interactions"));
      const list = element("ol", "screen-pop__history");
      customer.last_interactions.forEach((entry) => {
        const row = element("li");
        row.append(element("span", "screen-pop__when muted", shortTime(entry.occurred_at) + " · " + entry.label));
        row.append(element("span", "screen-pop__summary", entry.summary));
        list.append(row);
      });
      part.append(list);
    }
    return part;
  }

  function cardFor(call) {
    const card = element("section", "screen-pop__card");
    card.dataset.callId = call.call_id;
    card.dataset.signature = JSON.stringify(call);
    card.setAttribute("aria-label", "Call from " + call.caller);
    const head = element("header", "screen-pop__head");
    head.append(element("p", "screen-pop__state", call.answered ? "On the call" : "Incoming call"));
    head.append(element("p", "screen-pop__number", call.caller));
    const close = element("button", "screen-pop__close", "×");
    close.type = "button";
    close.setAttribute("aria-label", "Dismiss the call from " + call.caller);
    close.addEventListener("click", () => dismiss(call.call_id, card));
    head.append(close);
    card.append(head);
    card.append(call.customer ? customerPart(call.customer) : element("p", "muted", "Unknown caller"));
    card.append(link(call.conversation_url, "screen-pop__conversation button button--quiet", "Open the call's conversation"));
    return card;
  }

  function show(calls) {
    const hidden = new Set(dismissed());
    const wanted = calls.filter((call) => !hidden.has(call.call_id));
    const ids = new Set(wanted.map((call) => call.call_id));
    Array.from(stack.children).forEach((card) => {
      if (!ids.has(card.dataset.callId)) {
        card.remove();
      }
    });
    wanted.forEach((call) => {
      const shown = Array.from(stack.children).find((card) => card.dataset.callId === call.call_id);
      if (!shown) {
        stack.append(cardFor(call));
      } else if (shown.dataset.signature !== JSON.stringify(call)) {
        shown.replaceWith(cardFor(call));  // answered, or the card changed; unchanged cards keep focus
      }
    });
  }

  async function poll() {
    window.clearTimeout(timer);
    if (inFlight) {
      return;
    }
    inFlight = true;
    try {
      if (!document.hidden) {
        const response = await fetch(stack.dataset.url, {
          headers: { Accept: "application/json" },
          credentials: "same-origin",
          redirect: "error",
        });
        if (response.ok) {
          const data = await response.json();
          pollMs = Math.max(1000, Number(data.poll_seconds) * 1000 || pollMs);
          show(Array.isArray(data.calls) ? data.calls : []);
        }
      }
    } catch (error) {
      // Offline or logged out: keep what is shown and ask again later.
    } finally {
      inFlight = false;
      timer = window.setTimeout(poll, pollMs);
    }
  }

  document.addEventListener("visibilitychange", () => {
    if (!document.hidden) {
      poll();
    }
  });
  poll();
})();
