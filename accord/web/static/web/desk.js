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
