// The import job's page without JavaScript: the person presses „Stand aktualisieren“.
// With it, the page asks for its own newer state every two seconds, updates the status text
// and the progress bar in place (the status is a live region), and loads the result once the
// job has finished (the fetched page then has no running job).
(function () {
  "use strict";
  var region = document.getElementById("import-running");
  if (!region || !window.fetch || !window.DOMParser) {
    return;
  }
  var url = region.getAttribute("data-url");

  function copyText(next, id) {
    var from = next.getElementById(id);
    var to = document.getElementById(id);
    if (from && to && from.textContent !== to.textContent) {
      to.textContent = from.textContent;
    }
  }

  function poll() {
    window.fetch(url, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        return response.text();
      })
      .then(function (html) {
        var next = new window.DOMParser().parseFromString(html, "text/html");
        if (!next.getElementById("import-running")) {
          window.location.replace(url);
          return;
        }
        copyText(next, "import-state");
        copyText(next, "import-progress-label");
        var from = next.getElementById("import-progress");
        var bar = document.getElementById("import-progress");
        ["max", "value"].forEach(function (name) {
          if (from.hasAttribute(name)) {
            bar.setAttribute(name, from.getAttribute(name));
          } else {
            bar.removeAttribute(name);
          }
        });
        window.setTimeout(poll, 2000);
      })
      .catch(function () {
        window.setTimeout(poll, 5000);
      });
  }

  window.setTimeout(poll, 2000);
})();
