// Give select2's search boxes (Django admin autocomplete) the label of the field they belong
// to, so that screen readers announce them (WCAG 1.3.1, 4.1.2).
(function () {
  "use strict";
  function labelFor(select) {
    var label = select.id && document.querySelector('label[for="' + select.id + '"]');
    return label ? label.textContent.replace(/:\s*$/, "").trim() : "";
  }
  function labelSearchFields(root) {
    root.querySelectorAll(".select2-container").forEach(function (container) {
      var select = container.previousElementSibling;
      if (!select || select.tagName !== "SELECT") {
        return;
      }
      var text = labelFor(select);
      container.querySelectorAll(".select2-search__field:not([aria-label])").forEach(function (field) {
        field.setAttribute("aria-label", text);
      });
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    labelSearchFields(document);
    new MutationObserver(function () {
      labelSearchFields(document);
    }).observe(document.body, { childList: true, subtree: true });
  });
})();
