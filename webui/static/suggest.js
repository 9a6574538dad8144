// Autocomplete for every search box: a progressive enhancement over a plain GET form.
// Without JavaScript the form simply submits; with it, /api/suggest fills a listbox that
// works with the mouse and with ArrowUp/ArrowDown/Enter/Escape.
(function () {
  "use strict";
  var DELAY_MS = 150;
  var counter = 0;

  function attach(form) {
    var input = form.querySelector('input[name="q"]');
    if (!input) return;
    var listId = "suggestions-" + (++counter);
    var list = document.createElement("ul");
    list.id = listId;
    list.className = "suggestions";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "搜索建议");
    list.hidden = true;
    form.appendChild(list);
    input.setAttribute("autocomplete", "off");
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", listId);
    input.setAttribute("aria-expanded", "false");

    var timer = null, active = -1, latest = 0, composing = false;

    function items() { return list.querySelectorAll("li"); }

    function close() {
      list.hidden = true;
      list.textContent = "";
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }

    function highlight(index) {
      var all = items();
      if (!all.length) return;
      active = (index + all.length) % all.length;
      for (var i = 0; i < all.length; i++) {
        all[i].setAttribute("aria-selected", i === active ? "true" : "false");
      }
      input.setAttribute("aria-activedescendant", all[active].id);
    }

    function choose(text) {
      input.value = text;
      close();
      form.submit();
    }

    function show(typed, suggestions) {
      close();
      if (!suggestions.length) return;
      suggestions.forEach(function (text, i) {
        var item = document.createElement("li");
        item.id = listId + "-" + i;
        item.setAttribute("role", "option");
        item.setAttribute("aria-selected", "false");
        var at = text.indexOf(typed);
        if (at >= 0) {  // the typed part in bold, built as text nodes (never HTML)
          var bold = document.createElement("b");
          bold.textContent = typed;
          item.appendChild(document.createTextNode(text.slice(0, at)));
          item.appendChild(bold);
          item.appendChild(document.createTextNode(text.slice(at + typed.length)));
        } else {
          item.textContent = text;
        }
        item.addEventListener("mousedown", function (event) {
          event.preventDefault();  // keep focus in the box
          choose(text);
        });
        list.appendChild(item);
      });
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function fetchSuggestions() {
      var typed = input.value.trim();
      var ticket = ++latest;
      if (!typed) { close(); return; }
      fetch("/api/suggest?q=" + encodeURIComponent(typed), { headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { suggestions: [] }; })
        .then(function (data) {
          if (ticket === latest && document.activeElement === input) show(typed, data.suggestions || []);
        })
        .catch(close);
    }

    input.addEventListener("input", function () {
      if (composing) return;  // wait for the IME to finish a Chinese word
      clearTimeout(timer);
      timer = setTimeout(fetchSuggestions, DELAY_MS);
    });
    input.addEventListener("compositionstart", function () { composing = true; });
    input.addEventListener("compositionend", function () {
      composing = false;
      clearTimeout(timer);
      timer = setTimeout(fetchSuggestions, DELAY_MS);
    });
    input.addEventListener("keydown", function (event) {
      if (event.isComposing || composing) return;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (list.hidden) { fetchSuggestions(); return; }
        event.preventDefault();
        highlight(active + (event.key === "ArrowDown" ? 1 : -1));
      } else if (event.key === "Enter" && !list.hidden && active >= 0) {
        event.preventDefault();
        choose(items()[active].textContent);
      } else if (event.key === "Escape" && !list.hidden) {
        event.preventDefault();
        close();
      }
    });
    input.addEventListener("blur", function () { setTimeout(close, 100); });
  }

  document.querySelectorAll("form.search").forEach(attach);
})();
