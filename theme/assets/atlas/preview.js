/* The live preview only (make serve): while a data file has an error, the preview keeps the
 * last good site and lists the errors over every page, with file, line and message. The
 * list comes from atlas-preview.json, which the atlas plugin writes after every rebuild;
 * once the file is fixed the page reloads and the list is gone. Text is set with
 * textContent only: the messages quote the contributor's file. */
(function (script) {
  "use strict";
  var url = new URL("../../atlas-preview.json", script.src);

  function show(errors) {
    var old = document.getElementById("atlas-preview-errors");
    if (old) old.remove();
    if (!errors.length) return;
    var box = document.createElement("section");
    box.id = "atlas-preview-errors";
    box.className = "atlas-preview-errors";
    box.setAttribute("role", "alert");
    var title = document.createElement("h2");
    title.textContent = errors.length === 1 ? "The atlas's data has an error" : "The atlas's data has " + errors.length + " errors";
    box.appendChild(title);
    var note = document.createElement("p");
    note.textContent = "The preview shows the site as it was before. Fix the file and save: this page reloads.";
    box.appendChild(note);
    var list = document.createElement("ul");
    errors.forEach(function (text) {
      var item = document.createElement("li");
      var code = document.createElement("code");
      code.textContent = text;
      item.appendChild(code);
      list.appendChild(item);
    });
    box.appendChild(list);
    document.body.insertBefore(box, document.body.firstChild);
  }

  fetch(url, { cache: "no-store" })
    .then(function (response) { return response.ok ? response.json() : { errors: [] }; })
    .then(function (data) { show(Array.isArray(data.errors) ? data.errors.map(String) : []); })
    .catch(function () { /* no preview file: nothing to show */ });
})(document.currentScript);
