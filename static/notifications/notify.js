// Agent notifications ("Jane Doe is sharing now · Watch"): poll /notifications/poll every few seconds and
// show new ones as toasts. The newest shown id is kept in localStorage so the agent's tabs and the next
// page do not show a notification twice. Text only ever becomes text (textContent).
(function () {
  "use strict";
  const KEY = "sr.notifications.last";
  const EVERY_MS = 4000;
  const root = document.querySelector("[data-notifications]");
  if (!root || !window.fetch) return;

  function last() {
    const value = Number(localStorage.getItem(KEY));
    return Number.isFinite(value) && value > 0 ? value : null;
  }

  function show(item) {
    const toast = document.createElement("div");
    toast.className = "toast";
    toast.setAttribute("role", "status");
    toast.dataset.notification = String(item.id);
    const text = document.createElement("span");
    text.className = "toast-text";
    text.textContent = item.text;
    toast.append(text);
    if (item.action_url && item.action_url.startsWith("/")) {
      const action = document.createElement("a");
      action.className = "btn btn-small btn-live";
      action.href = item.action_url;
      action.textContent = item.action_label || "Open";
      toast.append(action);
    }
    const close = document.createElement("button");
    close.type = "button";
    close.className = "toast-close";
    close.setAttribute("aria-label", "Dismiss");
    close.textContent = "×";
    close.addEventListener("click", () => toast.remove());
    toast.append(close);
    root.append(toast);
  }

  async function poll() {
    const after = last();
    try {
      const response = await fetch(`/notifications/poll${after ? `?after=${after}` : ""}`, {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      });
      if (response.ok) {
        const data = await response.json();
        for (const item of data.items || []) {
          if (last() !== null && item.id <= last()) continue;
          show(item);
          localStorage.setItem(KEY, String(item.id));
        }
      }
    } catch (e) {
      /* offline or signed out: try again later */
    }
    root.dataset.polled = String(Number(root.dataset.polled || 0) + 1);
    setTimeout(poll, EVERY_MS);
  }
  poll();
})();
