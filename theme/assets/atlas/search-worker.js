/* Material for MkDocs' search worker, with three changes a reader of the atlas expects:
 *
 * - Accents and other marks fold away on both sides of a search, in every language and script:
 *   "Seebrucke" finds "Seebrücke", "Fluchtlinge" and "Flüchtlinge" find "Flüchtlinge", "Θεσσαλονικη"
 *   finds "Θεσσαλονίκη", "zrodla" finds "Źródła". Results show the text as written: only the words lunr
 *   compares are folded. Words indexed fold before any step of lunr's pipeline runs (lunr.Pipeline's
 *   run, whatever the language's steps); words searched fold in the query message, before Material's
 *   worker reads it (it adds a wildcard to every word, and lunr runs no pipeline on those).
 * - Where the language stems its words (generator/core/i18n.py, SEARCH: German, Italian, Greek, French,
 *   Spanish), the words searched are stemmed by the same lunr stemmer as the index: "Städte" finds
 *   "Stadt" and "Flüchtling" finds "Flüchtlinge".
 * - A page whose title is the words searched comes first: "Potsdam" finds the city of Potsdam before
 *   the initiatives whose titles and text name it more often.
 *
 * Material's worker loads lunr's languages (the search's lang) from its own folder's neighbour; this
 * file points it there.
 *
 * Material's worker comes first: its address is this file's ?worker=, set in theme/main.html, a path
 * next to this one and nothing else. It reads messages {type: 0, data: {config, docs}} (set up) and
 * {type: 2, data: "the words"} (search), and answers {type: 3, data: {items: [[page, sections...]]}}.
 */
(function () {
  "use strict";
  var worker = new URLSearchParams(self.location.search).get("worker") || "";
  if (!/^\.\.\/javascripts\/workers\/search\.[0-9a-f]+\.min\.js$/.test(worker)) {
    throw new Error("search-worker.js: expected ?worker=../javascripts/workers/search.<hash>.min.js");
  }
  var SETUP = 0, QUERY = 2, RESULT = 3;
  var SPECIAL = { "ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i" };

  function fold(text) {
    return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "")
      .replace(/[ßæœøłđðþı]/g, function (c) { return SPECIAL[c]; })
      .replace(/[ÆŒØŁĐÐÞ]/g, function (c) { return SPECIAL[c.toLowerCase()].toUpperCase(); });
  }

  // Words alone, folded and in lower case: "Seebrücke <mark>Safe</mark> Harbours" -> "seebrucke safe harbours".
  function words(text) {
    return fold(text.replace(/<[^>]*>/g, " ").replace(/&[#\w]+;/g, " ")).toLowerCase()
      .replace(/[^\p{L}\p{N}]+/gu, " ").trim();
  }

  // The words searched, as the index holds them: folded, and stemmed where the language stems.
  var stemmer = null;
  function asIndexed(query) {
    var folded = fold(query);
    if (!stemmer) return folded;
    return folded.replace(/[\p{L}\p{N}]+/gu, function (word) {
      var token = stemmer(new self.lunr.Token(word.toLowerCase(), {}));
      var stem = token && token.toString();
      return stem || word;
    });
  }

  var searched = "";
  var config = null;
  var listen = self.addEventListener;
  self.addEventListener = function (type, listener, options) {
    if (type !== "message") return listen.call(self, type, listener, options);
    return listen.call(self, type, function (event) {
      var message = event.data;
      if (message && message.type === SETUP && message.data && message.data.config) {
        config = message.data.config;
        stemmer = null;
      }
      if (message && message.type === QUERY && typeof message.data === "string") {
        searched = words(message.data);
        if (!stemmer && config && (config.pipeline || []).indexOf("stemmer") >= 0) {
          var language = (config.lang || [])[0];
          var support = language === "en" ? self.lunr : self.lunr[language];
          stemmer = (support && support.stemmer) || null;
        }
        event = { data: Object.assign({}, message, { data: asIndexed(message.data) }) };
      }
      return listener.call(self, event);
    }, options);
  };
  var post = self.postMessage;
  self.postMessage = function (message) {
    var items = message && message.type === RESULT && message.data && message.data.items;
    if (Array.isArray(items) && searched) {
      var named = function (page) {
        var first = page[0] || {};
        return words((first.parent || first).title || "") === searched;
      };
      message.data.items = items.filter(named).concat(items.filter(function (page) { return !named(page); }));
    }
    return post.apply(self, arguments);
  };
  // Material's worker loads lunr's language support (German, Greek, ... stemmers) from "../lunr/",
  // next to its own folder (assets/javascripts/); from this file's folder (assets/atlas/) that is elsewhere.
  var load = self.importScripts;
  self.importScripts = function () {
    var urls = Array.prototype.map.call(arguments, function (url) {
      return typeof url === "string" && url.indexOf("../lunr/") === 0 ? "../javascripts/lunr/" + url.slice(8) : url;
    });
    return load.apply(self, urls);
  };
  try {
    importScripts(worker);
  } finally {
    self.addEventListener = listen;
  }

  // Every token folds before the language's steps (trimmer, stop words, stemmer), in the index and in
  // the words Material matches to results alike.
  var run = self.lunr.Pipeline.prototype.run;
  self.lunr.Pipeline.prototype.run = function (tokens) {
    for (var i = 0; i < tokens.length; i++) {
      tokens[i].update(function (text) { return fold(text); });
    }
    return run.call(this, tokens);
  };
})();
