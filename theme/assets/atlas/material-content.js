/* Material for MkDocs 9.8.1's inline "content" script (MIT licence, © Martin Donath), verbatim but for
 * where it reads its one template value, moved into a file so that every page's
 * Content-Security-Policy can refuse inline scripts (theme/partials/javascripts/content.html). */
var target=document.getElementById(location.hash.slice(1));target&&target.name&&(target.checked=target.name.startsWith("__tabbed_"))
