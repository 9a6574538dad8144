// Which result was opened, for the query log: a progressive enhancement over /go links.
// Without JavaScript a result's links go through /go, which counts the click and redirects.
// Here each link gets the document's own address back (data-href), so that copying the link,
// middle-clicking it or opening it in a new tab gives that address, and the same /go URL is
// sent as a beacon when the link is followed (click, Enter, Ctrl+click or the middle button).
(function () {
  "use strict";
  if (!navigator.sendBeacon) return;  // the /go links work as they are

  function send(event) {
    if (event.type === "auxclick" && event.button !== 1) return;  // the middle button only
    navigator.sendBeacon(event.currentTarget.getAttribute("data-go"));
  }

  var links = document.querySelectorAll("a[data-href]");
  for (var i = 0; i < links.length; i++) {
    var link = links[i];
    link.setAttribute("data-go", link.getAttribute("href"));
    link.setAttribute("href", link.getAttribute("data-href"));
    link.addEventListener("click", send);
    link.addEventListener("auxclick", send);
  }
})();
