// Translation forms in the campaign's staff page: the text boxes take the direction and the
// language of the language chosen beside them (Arabic is typed right to left). Which
// languages run right to left comes from the page: data-rtl-languages="ar".
(function () {
  "use strict";

  function rtlLanguages(element) {
    const group = element.closest("[data-rtl-languages]");
    return group ? group.dataset.rtlLanguages.split(/\s+/).filter(Boolean) : [];
  }

  function follow(select) {
    const form = select.closest(".translation-form");
    if (!form) {
      return;
    }
    const language = select.value;
    const direction = rtlLanguages(select).includes(language) ? "rtl" : "ltr";
    form.querySelectorAll(".translation-input input[type=text], .translation-input textarea")
      .forEach(function (box) {
        if (language) {
          box.lang = language;
          box.dir = direction;
        } else {
          box.removeAttribute("lang");
          box.removeAttribute("dir");
        }
      });
  }

  document.addEventListener("change", function (event) {
    if (event.target.matches(".translation-form select[name$='-language']")) {
      follow(event.target);
    }
  });
})();
