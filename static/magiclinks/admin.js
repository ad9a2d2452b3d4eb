// Copy buttons of the once-shown link and API token panels. The clipboard API needs a secure context
// (https or localhost); elsewhere the old execCommand path still works, and as a last resort the text
// is selected so the agent can press Ctrl+C.
(function () {
  "use strict";

  function flash(button, text, copied) {
    var label = button.querySelector(".sr-copy-label") || button;
    var original = button.getAttribute("data-label") || label.textContent;
    button.setAttribute("data-label", original);
    label.textContent = text;
    button.classList.toggle("is-copied", copied);
    window.clearTimeout(button._srTimer);
    button._srTimer = window.setTimeout(function () {
      label.textContent = original;
      button.classList.remove("is-copied");
    }, 2500);
  }

  function legacyCopy(input) {
    input.focus();
    input.select();
    input.setSelectionRange(0, input.value.length);
    try {
      return document.execCommand("copy");
    } catch (e) {
      return false;
    }
  }

  function copy(button) {
    var input = document.getElementById(button.getAttribute("data-copy-target"));
    if (!input) return;
    var done = function () { flash(button, "Copied", true); };
    var fallback = function () {
      if (legacyCopy(input)) done();
      else flash(button, "Press Ctrl+C", false);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(input.value).then(done, fallback);
    } else {
      fallback();
    }
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-copy-target]") : null;
    if (button) copy(button);
  });
  document.addEventListener("focusin", function (event) {
    if (event.target.classList && event.target.classList.contains("sr-copy-input")) event.target.select();
  });
})();
