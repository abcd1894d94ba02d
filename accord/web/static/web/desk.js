// Accord desk: tell the server the browser's time zone, so instants can be shown
// in the viewer's zone beside the policy's (accord/web/zones.py reads the cookie).
(function () {
  "use strict";
  try {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (zone) {
      document.cookie = "accord_tz=" + zone + "; path=/; SameSite=Lax; max-age=31536000";
    }
  } catch (e) {
    // No Intl support: times are shown in the policy's zone only.
  }
})();

// The Content-Security-Policy allows no inline handlers: a <select data-autosubmit>
// submits its form when changed.
document.addEventListener("change", function (event) {
  var target = event.target;
  if (target instanceof HTMLSelectElement && target.hasAttribute("data-autosubmit") && target.form) {
    target.form.submit();
  }
});

// Keyboard navigation, as in Zendesk and JSM: on the queue j/k move the selection,
// Enter opens the selected request, r opens it at the reply box; on a request page
// r goes to the reply box. Keys typed into a field are left alone.
(function () {
  "use strict";
  function typing(e) {
    var t = e.target;
    return t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));
  }
  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll("table.queue tr[data-number]"));
  }
  var selected = -1;
  function select(i) {
    var all = rows();
    if (!all.length) return;
    selected = Math.max(0, Math.min(all.length - 1, i));
    all.forEach(function (r, k) { r.classList.toggle("selected", k === selected); });
    all[selected].scrollIntoView({ block: "nearest" });
  }
  function open(hash) {
    var row = rows()[selected];
    var link = row && row.querySelector("a");
    if (link) window.location.href = link.getAttribute("href") + (hash || "");
  }
  function focusReply() {
    var box = document.getElementById("id_reply-body");
    if (!box) return false;
    var details = document.getElementById("action-reply");
    if (details) details.open = true;
    box.focus();
    return true;
  }
  document.addEventListener("keydown", function (e) {
    if (typing(e) || e.altKey || e.ctrlKey || e.metaKey) return;
    var onQueue = rows().length > 0;
    if (onQueue && (e.key === "j" || e.key === "k")) {
      select(selected < 0 ? 0 : selected + (e.key === "j" ? 1 : -1));
      e.preventDefault();
    } else if (onQueue && e.key === "Enter" && selected >= 0) {
      open("");
      e.preventDefault();
    } else if (e.key === "r") {
      if (onQueue && selected >= 0) { open("#reply"); e.preventDefault(); }
      else if (focusReply()) e.preventDefault();
    }
  });
  // The queue refreshes itself: keep the selection on the same request.
  document.addEventListener("htmx:afterSwap", function () { if (selected >= 0) select(selected); });
  if (window.location.hash === "#reply") {
    document.addEventListener("DOMContentLoaded", focusReply);
  }
})();

// Saving a view saves the filters as they are now: htmx changes them without a page
// load, so they are copied from the filter form when the view is saved.
document.addEventListener("submit", function (e) {
  "use strict";
  var form = e.target;
  var filters = document.getElementById("filters");
  if (!form || form.id !== "save-view" || !filters) return;
  form.querySelectorAll("input[data-filter]").forEach(function (i) { i.remove(); });
  new FormData(filters).forEach(function (value, name) {
    var input = document.createElement("input");
    input.type = "hidden";
    input.name = name;
    input.value = value;
    input.setAttribute("data-filter", "");
    form.appendChild(input);
  });
});
