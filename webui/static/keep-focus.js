// egov-search: after a filter link is followed (a facet, a year, a time, a sort, a scope),
// the new page puts the keyboard focus back on the same control, not at the top of the page.
// Each such link carries data-focus (its group and value); a chip that removes a filter carries
// data-focus-after, the control of that filter. Without JavaScript nothing changes.
(function () {
  "use strict";
  var KEY = "egov-focus";

  function remembered() {
    try {
      var key = sessionStorage.getItem(KEY);
      sessionStorage.removeItem(KEY);
      return key;
    } catch (err) {
      return null;  // storage off: the page keeps its ordinary focus
    }
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[data-focus], a[data-focus-after]") : null;
    if (!link) { return; }
    var key = link.getAttribute("data-focus-after") || link.getAttribute("data-focus");
    try { sessionStorage.setItem(KEY, key); } catch (err) { /* off */ }
  });

  var key = remembered();
  if (!key) { return; }
  var all = document.querySelectorAll("[data-focus]");
  for (var i = 0; i < all.length; i++) {
    if (all[i].getAttribute("data-focus") === key) {
      all[i].focus();
      return;
    }
  }
})();
