/* The search index (search/search_index.json: 0.6 MB in English, 1.5 MB in Greek) is fetched when the
 * reader first goes to search, not with every first page view. Material's script asks for it as the page
 * starts (with XMLHttpRequest); this script, loaded before it, holds that one request back until the
 * reader focuses or clicks the search, presses one of its keys (/, s, f) outside a form, or arrives with
 * words to search (?q=). Nothing else is held: every other request goes out as it was made.
 */
(function () {
  "use strict";
  var release = null;
  var wanted = new Promise(function (resolve) { release = resolve; });
  function want() {
    if (release) {
      release();
      release = null;
    }
  }
  if (new URLSearchParams(window.location.search).has("q")) want();
  document.addEventListener("focusin", function (event) {
    var target = event.target;
    if (target && target.matches && target.matches("input[name=query], .md-search__input")) want();
  }, true);
  document.addEventListener("click", function (event) {
    var target = event.target;
    if (target && target.closest && target.closest("label[for=__search], .md-search")) want();
  }, true);
  document.addEventListener("keydown", function (event) {
    var typing = event.target && event.target.closest && event.target.closest("input, select, textarea");
    if (!typing && /^[/sfSF]$/.test(event.key)) want();
  }, true);

  // Material asks with XMLHttpRequest: the request to the index is opened as before, and sent once wanted.
  function isIndex(address) {
    try { return /\/search\/search_index\.json$/.test(new URL(String(address), window.location.href).pathname); }
    catch (e) { return false; }
  }
  var open = XMLHttpRequest.prototype.open;
  var send = XMLHttpRequest.prototype.send;
  XMLHttpRequest.prototype.open = function (method, address) {
    this.atlasSearchIndex = isIndex(address);
    return open.apply(this, arguments);
  };
  XMLHttpRequest.prototype.send = function () {
    if (!this.atlasSearchIndex) return send.apply(this, arguments);
    var request = this, args = arguments;
    wanted.then(function () { send.apply(request, args); });
  };
  var original = window.fetch;
  if (typeof original === "function") {
    window.fetch = function (input) {
      if (isIndex(typeof input === "string" ? input : input && input.url)) {
        var self = this, args = arguments;
        return wanted.then(function () { return original.apply(self, args); });
      }
      return original.apply(this, arguments);
    };
  }
})();
