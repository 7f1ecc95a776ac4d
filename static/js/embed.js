/* Coalition campaigns live counter. Fills <div data-campaign="<slug>"> elements.
 * Optional: data-lang="es", data-ref="<partner code>". No cookies, no tracking,
 * no dependencies. Refreshes every 60 seconds while the page is visible; the script tag's
 * data-refresh="<seconds>" (1 to 3600) changes that. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !window.fetch) return;
  var origin = new URL(script.src, window.location.href).origin;
  var seconds = parseInt(script.getAttribute("data-refresh") || "", 10);
  var INTERVAL = seconds >= 1 && seconds <= 3600 ? seconds * 1000 : 60000;
  var SLUG = /^[-a-zA-Z0-9_]{1,80}$/;
  var REF = /^[A-Za-z0-9_-]{1,40}$/;
  var LANG = /^[a-z]{2}$/;

  function node(tag, className, text) {
    var el = document.createElement(tag);
    if (className) el.className = className;
    if (text !== undefined) el.textContent = text;
    return el;
  }

  function number(n, lang) {
    try { return n.toLocaleString(lang); } catch (e) { return String(n); }
  }

  function render(box, data, lang, ref) {
    var wrap = node("div", "coalition-counter");
    wrap.lang = data.language;
    var link = node("a", "coalition-counter-title", data.title);
    var href = new URL(data.browser_url);
    if (ref) href.searchParams.set("ref", ref);
    link.href = href.toString();
    link.target = "_blank";
    link.rel = "noopener";
    wrap.appendChild(link);
    data.figures.forEach(function (figure) {
      var line = node("p", "coalition-counter-figure");
      line.appendChild(node("strong", null, number(figure.count, lang)));
      line.appendChild(document.createTextNode(" " + figure.label));
      wrap.appendChild(line);
      if (figure.goal) {
        var bar = node("progress", "coalition-counter-bar");
        bar.max = 100;
        bar.value = figure.percent || 0;
        bar.setAttribute("aria-label", figure.label);
        bar.style.width = "100%";
        wrap.appendChild(bar);
      }
    });
    var f = data.fundraising;
    if (f && f.currency && f.total_amount !== null) {
      var raised = node("p", "coalition-counter-figure");
      raised.appendChild(node("strong", null, money(f.total_amount, f.currency, lang)));
      wrap.appendChild(raised);
    }
    box.replaceChildren(wrap);
  }

  // The amount in the page's language, as our pages write it ("€2,734.56", "2734,56 €"),
  // with the decimals the API sends (none for yen).
  function money(amount, currency, lang) {
    var places = (String(amount).split(".")[1] || "").length;
    try {
      return new Intl.NumberFormat(lang || undefined, {
        style: "currency", currency: currency,
        minimumFractionDigits: places, maximumFractionDigits: places,
      }).format(Number(amount));
    } catch (error) {
      return amount + " " + currency;
    }
  }

  function load(box) {
    var slug = box.getAttribute("data-campaign") || "";
    var lang = box.getAttribute("data-lang") || "";
    var ref = box.getAttribute("data-ref") || "";
    if (!SLUG.test(slug)) return;
    if (!REF.test(ref)) ref = "";
    var url = origin + "/api/v1/campaigns/" + encodeURIComponent(slug) + "/progress/";
    if (LANG.test(lang)) url += "?lang=" + lang;
    fetch(url, { credentials: "omit", mode: "cors", referrerPolicy: "no-referrer" })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.json();
      })
      .then(function (data) { render(box, data, lang || undefined, ref); })
      .catch(function () { /* keep the last number shown */ });
  }

  function refresh() {
    if (document.visibilityState === "hidden") return;
    var boxes = document.querySelectorAll("div[data-campaign]");
    for (var i = 0; i < boxes.length; i++) load(boxes[i]);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", refresh);
  } else {
    refresh();
  }
  window.setInterval(refresh, INTERVAL);
})();
