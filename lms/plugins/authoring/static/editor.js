/* ATMP Learn, course editing: small helps for the Markdown textarea. The page works without
   this file; it is served from the app itself (the CSP allows no inline or outside script). */
(function () {
  "use strict";
  var textarea = document.querySelector(".editor-form textarea");
  if (!textarea) {
    return;
  }

  // "Line 12" next to a problem: put the cursor on that line of the text being edited.
  function selectLine(number) {
    var lines = textarea.value.split("\n");
    var start = 0;
    for (var i = 0; i < number - 1 && i < lines.length; i += 1) {
      start += lines[i].length + 1;
    }
    var end = start + (lines[number - 1] || "").length;
    textarea.focus();
    textarea.setSelectionRange(start, end);
    var lineHeight = textarea.scrollHeight / Math.max(lines.length, 1);
    textarea.scrollTop = Math.max(0, (number - 3) * lineHeight);
  }

  document.querySelectorAll("a.line-link[data-line]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      selectLine(parseInt(link.getAttribute("data-line"), 10) || 1);
    });
  });

  // Leaving the page with unsaved text asks first (the browser words the question).
  var saved = textarea.value;
  var submitting = false;
  textarea.form.addEventListener("submit", function () {
    submitting = true;
  });
  window.addEventListener("beforeunload", function (event) {
    if (!submitting && textarea.value !== saved) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
})();
