// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";

  // The time-zone question: pre-select the browser's own zone when it is in the list and
  // the provider has not chosen one yet.
  var zone = document.querySelector("select[data-prefill-zone]");
  if (zone && window.Intl && Intl.DateTimeFormat) {
    var browser = Intl.DateTimeFormat().resolvedOptions().timeZone;
    var option = browser && zone.querySelector('option[value="' + browser + '"]');
    if (option) {
      zone.value = browser;
    }
  }

  // A form that changes something says so once: a second click does not send it twice.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.getAttribute("data-submitted")) {
      event.preventDefault();
      return;
    }
    form.setAttribute("data-submitted", "yes");
  });

  // After an error, the summary gets the focus (GOV.UK's error summary pattern).
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
  }
})();
