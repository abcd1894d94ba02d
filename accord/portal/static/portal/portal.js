// The portal's only script: optional comforts; every page works without it.
(function () {
  "use strict";
  // The lockout's end in the reader's own time, beside the UTC instant.
  document.querySelectorAll("time[data-local]").forEach(function (el) {
    var t = new Date(el.getAttribute("datetime"));
    if (!isNaN(t)) {
      el.textContent += " (" + t.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }) + " your time)";
    }
  });
  // Choosing an excluded type shows the policy's guidance at once.
  var type = document.getElementById("request_type");
  var note = document.getElementById("type-guidance");
  if (type && note) {
    var show = function () {
      var opt = type.options[type.selectedIndex];
      var guidance = opt && opt.getAttribute("data-guidance");
      note.hidden = !guidance;
      note.textContent = guidance ? "Not covered by support (clause " + opt.getAttribute("data-clause") + "): " + guidance : "";
    };
    type.addEventListener("change", show);
    show();
  }
})();
