// "Copy" buttons beside the reference and account numbers on the donate pages. The buttons
// are in the page, hidden; they show only where the browser lets a page write to the
// clipboard. The text to copy is in data-copy, the word to show afterwards in data-copied.
(function () {
  "use strict";
  if (!navigator.clipboard || !window.isSecureContext) return;
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var label = button.textContent;
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(button.getAttribute("data-copy")).then(function () {
        button.textContent = button.getAttribute("data-copied") || label;
        window.setTimeout(function () { button.textContent = label; }, 2000);
      });
    });
  });
})();
