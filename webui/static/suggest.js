// Autocomplete for every search box: a progressive enhancement over a plain GET form.
// Without JavaScript the form simply submits; with it, /api/suggest fills a listbox that
// works with the mouse and with ArrowUp/ArrowDown/Enter/Escape. ArrowUp/ArrowDown put the
// choice in the box (going past either end brings back what was typed); each item says what
// it does (a document's title opens it, a word is searched for), read after a pause, and
// Escape closes the list and clears what the status said.
(function () {
  "use strict";
  var DELAY_MS = 150;
  var ACTIONS = { title: "打开文档", section: "打开段落", word: "搜索此词" };  // by the API's type code
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
    var status = document.createElement("div");  // tells a screen reader what appeared
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    form.appendChild(list);
    form.appendChild(status);
    input.setAttribute("autocomplete", "off");
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", listId);
    input.setAttribute("aria-expanded", "false");

    var timer = null, active = -1, latest = 0, composing = false, typed = "", shown = [];

    function options() { return list.querySelectorAll("li"); }

    function close() {
      list.hidden = true;
      list.textContent = "";
      active = -1;
      shown = [];
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }

    function select(index) {  // -1: nothing selected, the box shows what was typed
      var all = options();
      active = index;
      for (var i = 0; i < all.length; i++) {
        all[i].setAttribute("aria-selected", i === active ? "true" : "false");
      }
      if (active >= 0) {
        input.value = shown[active].text;
        input.setAttribute("aria-activedescendant", all[active].id);
      } else {
        input.value = typed;
        input.removeAttribute("aria-activedescendant");
      }
    }

    function move(step) {
      var count = shown.length;
      if (!count) return;
      if (active < 0) {
        if (step > 0) select(0);  // ArrowUp before any choice picks nothing
        return;
      }
      var next = active + step;
      select(next >= count || next < 0 ? -1 : next);
    }

    function choose(item) {
      close();
      if (item.url) { window.location.assign(item.url); return; }
      input.value = item.text;
      var marker = form.querySelector('input[name="sug"]');
      if (!marker) {  // tells the query log the query came from the list (nothing about who)
        marker = document.createElement("input");
        marker.type = "hidden";
        marker.name = "sug";
        form.appendChild(marker);
      }
      marker.value = "1";
      form.submit();
    }

    function normalise(raw) {  // the typed items, or plain strings from an older server
      return raw.map(function (item) {
        return typeof item === "string" ? { text: item, type: "", url: null } : item;
      });
    }

    function show(text, items) {
      close();
      typed = text;
      if (!items.length) { status.textContent = "没有搜索建议"; return; }
      shown = items;
      items.forEach(function (entry, i) {
        var item = document.createElement("li");
        item.id = listId + "-" + i;
        item.setAttribute("role", "option");
        item.setAttribute("aria-selected", "false");
        var label = document.createElement("span");
        label.className = "text";
        var at = entry.text.indexOf(text);
        if (at >= 0) {  // the typed part in bold, built as text nodes (never HTML)
          var bold = document.createElement("b");
          bold.textContent = text;
          label.appendChild(document.createTextNode(entry.text.slice(0, at)));
          label.appendChild(bold);
          label.appendChild(document.createTextNode(entry.text.slice(at + text.length)));
        } else {
          label.textContent = entry.text;
        }
        item.appendChild(label);
        var action = ACTIONS[entry.type] || entry.type_label;
        if (action) {
          var type = document.createElement("span");
          type.className = "type";
          type.setAttribute("aria-hidden", "true");
          type.textContent = action;
          item.appendChild(type);
          item.setAttribute("aria-label", entry.text + "，" + action);
        }
        item.addEventListener("mousedown", function (event) {
          event.preventDefault();  // keep focus in the box
          choose(entry);
        });
        list.appendChild(item);
      });
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      status.textContent = "有 " + items.length + " 条搜索建议，可用上下方向键选择";
    }

    function fetchSuggestions() {
      var text = input.value.trim();
      var ticket = ++latest;
      if (!text) { close(); return; }
      fetch("/api/suggest?q=" + encodeURIComponent(text), { headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { suggestions: [] }; })
        .then(function (data) {
          if (ticket === latest && document.activeElement === input) {
            show(text, normalise(data.items || data.suggestions || []));
          }
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
        event.preventDefault();
        if (list.hidden) { if (event.key === "ArrowDown") fetchSuggestions(); return; }
        move(event.key === "ArrowDown" ? 1 : -1);
      } else if (event.key === "Enter" && !list.hidden && active >= 0) {
        event.preventDefault();
        choose(shown[active]);
      } else if (event.key === "Escape" && !list.hidden) {
        event.preventDefault();
        var keep = typed;
        close();
        input.value = keep;
        status.textContent = "";
      }
    });
    input.addEventListener("blur", function () {
      setTimeout(function () { close(); status.textContent = ""; }, 100);
    });
  }

  document.querySelectorAll("form.search").forEach(attach);
})();
