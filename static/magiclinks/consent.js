// Consent page: one submission only. A double click would post twice, and the second post of a
// single-use link answers 410 after the first one already started the session.
(function () {
  "use strict";
  var form = document.getElementById("consent-form");
  if (!form) return;
  var sent = false;
  form.addEventListener("submit", function (event) {
    if (sent) {
      event.preventDefault();
      return;
    }
    sent = true;
    var submitter = event.submitter;
    // aria-disabled, not disabled: a disabled submitter would drop its name/value from the post.
    Array.prototype.forEach.call(form.querySelectorAll("button"), function (button) {
      button.setAttribute("aria-disabled", "true");
    });
    if (submitter && submitter.value === "accept") {
      var label = submitter.querySelector(".label");
      if (label) label.textContent = "Starting…";
    }
  });
})();
