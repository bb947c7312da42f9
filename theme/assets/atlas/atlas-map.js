/* The atlas's maps: the explorer on /map/, the home page's map of featured cities, and the maps
 * of city, country and network pages.
 *
 * Everything comes from this site: Leaflet and Leaflet.markercluster (vendored), the basemap
 * (Natural Earth, assets/atlas/basemap.json: a TopoJSON topology written by `make vendor`) and
 * the cities layer (data/cities.geojson). No tile server is contacted unless mkdocs.yml
 * switches one on (extra.atlas.tiles).
 * Text from the data is always inserted with textContent, never as HTML: Leaflet sets
 * string popups and tooltips as innerHTML, so they only ever get DOM nodes.
 * Material's instant navigation swaps pages without a reload, so maps are created on
 * every document$ emission and the previous page's maps are removed first.
 * Leaflet is loaded only when a page has a map, the first time one does: its files are
 * added to <body>, which instant navigation keeps (it rewrites <head>).
 * /embed/map/ is the explorer without its controls, for other sites' iframes: the same address
 * state, no history of its own, wheel zoom only once clicked, and a link back to /map/.
 * Every word the maps show comes from the page's language: the build writes the catalogue's messages
 * into its language's atlas-messages.js (self.atlasMessages), which every page loads before this script.
 */
(function () {
  "use strict";
  // The theme's files, beside this script: in every language's pages, the site root's assets/ (make site
  // publishes them once), found from where this script was loaded, on this site's own host only.
  var script = document.currentScript;
  var ASSETS = script && script.src && new URL(script.src).origin === location.origin
    ? new URL("../", script.src).href : null;

  // Read once: a document keeps its language (another language is another site, loaded anew).
  var parsedMessages = null, plurals = null;
  function messages() {
    if (parsedMessages) return parsedMessages;
    var loaded = self.atlasMessages;
    parsedMessages = loaded && typeof loaded === "object" ? loaded : {};
    return parsedMessages;
  }

  // A message in the page's language, its %(name)s filled in; `count` chooses a plural form (CLDR's rules).
  function t(key, values, count) {
    var all = messages();
    var language = all.language || document.documentElement.lang || "en";
    var message = all[key];
    if (message === undefined) return key;
    if (typeof message === "object") {
      plurals = plurals || new Intl.PluralRules(language);
      var category = plurals.select(count || 0);
      message = message[category] || message.other || message.one || "";
    }
    return message.replace(/%\((\w+)\)s/g, function (whole, name) {
      var value = values ? values[name] : undefined;
      if (value === undefined) return whole;
      return typeof value === "number" ? value.toLocaleString(language) : String(value);
    });
  }

  var EUROPE = [[34, -12], [66, 35]];
  var WORLD = [[-40, -100], [85, 150]]; // the basemap's extent (scripts/vendor.py, WORLD_WINDOW)
  var MAX_ZOOM = 8; // Natural Earth at 1:50m has no more detail: closer, a city sits on a blank plane
  var FIT_ZOOM = 7; // a view fitted to a few cities, or one, shows the region around them
  var live = []; // maps of the current page, removed when the page is swapped
  var cache = {};
  var files = {}; // absolute URL -> promise: each library file is added once
  var generation = 0; // counts document$ emissions, so a late library load skips a page already left

  /* ---- the libraries, on demand ------------------------------------------------- */

  function addFile(url) {
    var absolute = new URL(url, document.baseURI).href;
    if (!files[absolute]) {
      files[absolute] = new Promise(function (resolve, reject) {
        var stylesheet = /\.css$/.test(absolute);
        var node = document.createElement(stylesheet ? "link" : "script");
        node.onload = function () { resolve(); };
        node.onerror = function () {
          delete files[absolute];
          node.remove();
          reject(new Error(url + " could not be loaded"));
        };
        if (stylesheet) {
          node.rel = "stylesheet";
          node.href = absolute;
        } else {
          node.src = absolute;
          node.async = false;
        }
        document.body.appendChild(node);
      });
    }
    return files[absolute];
  }

  // Leaflet for every map; markercluster for the maps of many cities, which cluster.
  function assets(root) {
    return ASSETS || root + "assets/";
  }

  function libraries(root, clusters) {
    var vendor = assets(root) + "vendor/";
    var wanted = [addFile(vendor + "leaflet/leaflet.css"), addFile(vendor + "leaflet/leaflet.js")];
    if (clusters) {
      wanted.push(addFile(vendor + "leaflet.markercluster/MarkerCluster.css"),
                  addFile(vendor + "leaflet.markercluster/MarkerCluster.Default.css"),
                  wanted[1].then(function () { return addFile(vendor + "leaflet.markercluster/leaflet.markercluster.js"); }));
    }
    return Promise.all(wanted);
  }

  function get(url, read) {
    if (!cache[url]) {
      cache[url] = fetch(url).then(function (response) {
        if (!response.ok) throw new Error(url + ": HTTP " + response.status);
        return read(response);
      });
      cache[url].catch(function () { delete cache[url]; });
    }
    return cache[url];
  }

  function getJSON(url) { return get(url, function (response) { return response.json(); }); }

  // The networks' names, for popups away from the explorer (whose network picker has them).
  function networkNames(root) {
    return get(root + "data/networks.csv", function (response) { return response.text(); }).then(function (text) {
      var rows = csvRows(text);
      var slug = rows[0].indexOf("slug"), name = rows[0].indexOf("name");
      var names = {};
      rows.slice(1).forEach(function (row) { if (row[slug]) names[row[slug]] = row[name]; });
      return names;
    });
  }

  function csvRows(text) {
    var rows = [], row = [], field = "", quoted = false;
    for (var i = 0; i < text.length; i++) {
      var c = text[i];
      if (quoted) {
        if (c !== '"') field += c;
        else if (text[i + 1] === '"') { field += '"'; i++; } else quoted = false;
      } else if (c === '"') quoted = true;
      else if (c === ",") { row.push(field); field = ""; }
      else if (c === "\n") { row.push(field); rows.push(row); row = []; field = ""; }
      else if (c !== "\r") field += c;
    }
    if (field || row.length) { row.push(field); rows.push(row); }
    return rows;
  }

  function tilesConfig() {
    // Only the theme's own data block in <head>: an element of the page named "atlas-tiles" is not it.
    var element = document.head.querySelector('script#atlas-tiles[type="application/json"]');
    if (!element) return null;
    try { return JSON.parse(element.textContent); } catch (e) { return null; }
  }

  // The way up to the site's root ("../../"): never a path to another host, whatever the page says.
  function siteRoot(container) {
    var root = container.getAttribute("data-root") || "";
    return /^(\.\.\/)*$/.test(root) ? root : "";
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  /* ---- the basemap: a TopoJSON topology -------------------------------------------- */

  function decodeArcs(topology) {
    var scale = topology.transform.scale, shift = topology.transform.translate;
    return topology.arcs.map(function (arc) {
      var x = 0, y = 0;
      return arc.map(function (delta) {
        x += delta[0];
        y += delta[1];
        return [x * scale[0] + shift[0], y * scale[1] + shift[1]];
      });
    });
  }

  function arcLine(arcs, indexes) {
    var points = [];
    indexes.forEach(function (index) {
      var arc = index >= 0 ? arcs[index] : arcs[~index].slice().reverse();
      for (var i = points.length ? 1 : 0; i < arc.length; i++) points.push(arc[i]);
    });
    return points;
  }

  // One object of the topology as one GeoJSON geometry: a collection of polygons becomes one
  // MultiPolygon, of lines one MultiLineString, so that each layer of the basemap is one SVG path.
  function merged(arcs, object) {
    var polygons = [], lines = [];
    (object.type === "GeometryCollection" ? object.geometries : [object]).forEach(function (g) {
      if (g.type === "Polygon") polygons.push(g.arcs.map(function (r) { return arcLine(arcs, r); }));
      else if (g.type === "MultiPolygon") g.arcs.forEach(function (p) { polygons.push(p.map(function (r) { return arcLine(arcs, r); })); });
      else if (g.type === "LineString") lines.push(arcLine(arcs, g.arcs));
      else if (g.type === "MultiLineString") g.arcs.forEach(function (l) { lines.push(arcLine(arcs, l)); });
    });
    return polygons.length ? { type: "MultiPolygon", coordinates: polygons } : { type: "MultiLineString", coordinates: lines };
  }

  // Land (filled, never stroked: its edges where the data was clipped are no coast), the focused
  // country, lakes, rivers, borders, coasts, then the names of countries and seas.
  function drawBasemap(map, topology, options) {
    var arcs = decodeArcs(topology);
    var renderer = L.svg({ pane: "atlas-base", padding: 0.5 });
    function draw(geometry, className, fill, fillRule) {
      return L.geoJSON(geometry, {
        renderer: renderer,
        interactive: false,
        style: function () { return { className: className, stroke: !fill, fill: fill, weight: 1, fillRule: fillRule || "evenodd" }; },
      }).addTo(map);
    }
    var land = options.overTiles ? "atlas-land atlas-land--over-tiles" : "atlas-land";
    draw(merged(arcs, topology.objects.land), land, true); // Europe's countries, at 1:50m
    // The land around them, from other sources: pieces that overlap add up (nonzero), and a stroke
    // of the land's colour closes the slivers where two sources' borders do not quite meet.
    draw(merged(arcs, topology.objects.beyond), land + " atlas-land--beyond", true, "nonzero").bringToBack();
    var focus = null;
    if (options.focus) {
      var country = topology.objects.countries.geometries.filter(function (g) { return g.id === options.focus; })[0];
      if (country) {
        focus = merged(arcs, country);
        draw(focus, "atlas-land atlas-land--focus", true);
      }
    }
    draw(merged(arcs, topology.objects.lakes), "atlas-lake", true);
    draw(merged(arcs, topology.objects.rivers), "atlas-river", false);
    draw(merged(arcs, topology.objects.borders), "atlas-border", false);
    draw(merged(arcs, topology.objects.coast), "atlas-coast", false);
    if (!options.overTiles) options.labels.basemap(topology.labels || [], options.names || {});
    return { focus: focus };
  }

  // The names on a map: the cities' own at city zoom, and the basemap's countries and seas. Drawn under
  // the cities (a name never hides a city), whole or not at all (never cut by the map's edge), never over
  // one another, a city's marker or a cluster's bubble; the cities' names first (the featured ones before
  // the others), then the countries' (the bigger first) and the seas'. Screen readers skip them: the list
  // under the map, and each city's marker, say it all.
  var CITY_LABEL_ZOOM = 6; // closer than this a region fills the map, and its cities have room for names
  // Where a country's or sea's name may go, in pixels from its place: there first, then a little off.
  var NUDGES = [[0, 0], [0, -18], [0, 18], [-36, 0], [36, 0], [0, -36], [0, 36], [-40, -24], [40, 24], [40, -24], [-40, 24]];

  function labelPlacer(map, container) {
    var layer = L.layerGroup().addTo(map);
    var basemap = []; // countries and seas: { from, latlng, half: [w/2, h/2], marker }
    var cities = null; // function () -> the cities' markers drawn on the map, each { marker, name, featured }
    var cityLabels = {}; // Leaflet id of a city's marker -> its label
    var measure = null;
    function width(name) {
      // A name's width in pixels, in the labels' own font (read once from a label's style).
      if (!measure) {
        var probe = element("span", "atlas-label atlas-label--city");
        probe.appendChild(element("span", null, "x"));
        container.appendChild(probe);
        var style = getComputedStyle(probe.firstChild);
        var context = document.createElement("canvas").getContext("2d");
        context.font = style.fontWeight + " " + style.fontSize + " " + style.fontFamily;
        container.removeChild(probe);
        measure = function (text) { return context.measureText(text).width; };
      }
      return measure(name);
    }

    function overlaps(box, boxes) {
      for (var i = 0; i < boxes.length; i++) {
        var b = boxes[i];
        if (box[0] < b[2] && b[0] < box[2] && box[1] < b[3] && b[1] < box[3]) return true;
      }
      return false;
    }

    function update() {
      var zoom = map.getZoom(), size = map.getSize(), placed = [];
      var frame = container.getBoundingClientRect();
      function inside(box) { return box[0] >= 0 && box[1] >= 0 && box[2] <= size.x && box[3] <= size.y; }
      // What the map draws of the cities, and its controls: a name keeps clear of every bubble, marker,
      // legend and button.
      var drawnNodes = container.querySelectorAll(".marker-cluster, path.atlas-marker, .leaflet-control");
      Array.prototype.forEach.call(drawnNodes, function (node) {
        var r = node.getBoundingClientRect();
        if (r.width) placed.push([r.left - frame.left - 2, r.top - frame.top - 2, r.right - frame.left + 2, r.bottom - frame.top + 2]);
      });
      var keep = {};
      if (cities && zoom >= CITY_LABEL_ZOOM) {
        var drawn = cities().filter(function (c) { return map.hasLayer(c.marker); });
        drawn.sort(function (a, b) { return (b.featured ? 1 : 0) - (a.featured ? 1 : 0); });
        drawn.forEach(function (city) {
          var at = map.latLngToContainerPoint(city.marker.getLatLng());
          var r = city.marker.getRadius() + 3, w = width(city.name), h = 7;
          var right = [at.x + r, at.y - h, at.x + r + w, at.y + h];
          var left = [at.x - r - w, at.y - h, at.x - r, at.y + h];
          var box = inside(right) && !overlaps(right, placed) ? right
            : inside(left) && !overlaps(left, placed) ? left : null;
          if (!box) return;
          placed.push(box);
          var id = L.stamp(city.marker);
          var label = cityLabels[id];
          if (!label || label.name !== city.name) {
            if (label) layer.removeLayer(label.marker);
            var text = element("span", null, city.name);
            text.setAttribute("aria-hidden", "true");
            label = cityLabels[id] = {
              name: city.name,
              marker: L.marker(city.marker.getLatLng(), {
                icon: L.divIcon({ className: "atlas-label atlas-label--city", html: text, iconSize: null }),
                pane: "atlas-labels", interactive: false, keyboard: false,
              }),
            };
          }
          label.marker.setLatLng(city.marker.getLatLng());
          layer.addLayer(label.marker);
          var node = label.marker.getElement();
          if (node) {
            node.classList.toggle("atlas-label--left", box === left);
            node.firstChild.style.setProperty("--atlas-label-gap", r + "px");
          }
          keep[id] = true;
        });
      }
      Object.keys(cityLabels).forEach(function (id) {
        if (!keep[id]) { layer.removeLayer(cityLabels[id].marker); }
      });
      // A name's true size, once: drawn (in capitals, letter-spaced) it may be wider than its letters suggest.
      var unmeasured = basemap.filter(function (label) { return !label.measured && zoom >= label.from; });
      unmeasured.forEach(function (label) { layer.addLayer(label.marker); });
      unmeasured.forEach(function (label) {
        var node = label.marker.getElement();
        var r = node && node.firstChild ? node.firstChild.getBoundingClientRect() : null;
        if (r && r.width) label.half = [r.width / 2 + 2, Math.max(label.half[1], r.height / 2 + 1)];
        label.measured = true;
      });
      basemap.forEach(function (label) {
        var shift = null;
        if (zoom >= label.from) {
          // At its place, or moved a little where a bubble or a city sits there (Germany under a "36").
          var at = map.latLngToContainerPoint(label.latlng);
          shift = NUDGES.filter(function (d) {
            var box = [at.x + d[0] - label.half[0], at.y + d[1] - label.half[1],
                       at.x + d[0] + label.half[0], at.y + d[1] + label.half[1]];
            return inside(box) && !overlaps(box, placed);
          })[0] || null;
          if (shift) placed.push([at.x + shift[0] - label.half[0], at.y + shift[1] - label.half[1],
                                  at.x + shift[0] + label.half[0], at.y + shift[1] + label.half[1]]);
        }
        if (!shift) return layer.removeLayer(label.marker);
        layer.addLayer(label.marker);
        var node = label.marker.getElement();
        if (node) {
          node.firstChild.style.setProperty("--atlas-label-dx", shift[0] + "px");
          node.firstChild.style.setProperty("--atlas-label-dy", shift[1] + "px");
        }
      });
    }

    // After the map moves, and again once the clusters have settled (they animate after a zoom); never
    // after the map is gone (instant navigation removes it while a frame may still be due).
    var pending = false, removed = false;
    map.on("unload", function () { removed = true; });
    function later() {
      if (pending || removed) return;
      pending = true;
      window.requestAnimationFrame(function () { pending = false; if (!removed) update(); });
    }
    map.on("zoomend moveend resize", later);
    return {
      update: later,
      // The basemap's names: [name, lng, lat, from zoom, kind], in the page's language where `names` has it.
      basemap: function (labels, names) {
        basemap = labels.map(function (label) {
          var name = Object.prototype.hasOwnProperty.call(names, label[0]) && typeof names[label[0]] === "string"
            ? names[label[0]] : label[0];
          var text = element("span", null, name);
          text.setAttribute("aria-hidden", "true");
          var icon = L.divIcon({ className: "atlas-label atlas-label--" + label[4], html: text, iconSize: null });
          var latlng = L.latLng(label[2], label[1]);
          return {
            from: label[3],
            latlng: latlng,
            half: [name.length * (label[4] === "sea" ? 2.9 : 3.7) + 2, 7], // of the name's box, in pixels
            marker: L.marker(latlng, { icon: icon, pane: "atlas-labels", interactive: false, keyboard: false }),
          };
        });
        later();
      },
      // The cities whose names the map may show, and the cluster layer whose settling redraws them.
      cities: function (list, clusters) {
        cities = list;
        if (clusters) clusters.on("animationend spiderfied unspiderfied", later);
        later();
      },
    };
  }

  /* ---- a map --------------------------------------------------------------------- */

  function baseMap(container, root, options) {
    options = options || {};
    var tiles = tilesConfig();
    var overTiles = !!(tiles && tiles.url);
    // On a touch screen one finger scrolls the page, as everywhere else on it; two fingers move the map.
    var coarse = !!(window.matchMedia && window.matchMedia("(pointer: coarse)").matches);
    var map = L.map(container, {
      minZoom: 3,
      maxZoom: overTiles ? (tiles.max_zoom || 18) : MAX_ZOOM,
      maxBounds: WORLD,
      maxBoundsViscosity: 0.8,
      zoomSnap: 0.25,
      worldCopyJump: false,
      attributionControl: true,
      keyboard: true,
      dragging: !coarse,
      scrollWheelZoom: options.scrollWheelZoom !== false,
    });
    map.attributionControl.setPrefix(false);
    map.attributionControl.addAttribution(t("attribution"));
    if (overTiles) {
      L.tileLayer(tiles.url, { attribution: tiles.attribution || "", maxZoom: tiles.max_zoom || 18 }).addTo(map);
    }
    map.createPane("atlas-base").style.zIndex = 250; // over tiles (200), under the cities (400)
    map.createPane("atlas-labels").style.zIndex = 350;
    var labels = labelPlacer(map, container);
    // The zoom buttons come first when tabbing, before the cities.
    var controls = container.querySelector(".leaflet-control-container");
    if (controls) container.insertBefore(controls, container.firstChild);
    if (coarse) touchHint(container);
    keyboardPopups(map, container);
    map.on("moveend", function () {
      var centre = map.getCenter();
      container.setAttribute("data-atlas-view", JSON.stringify({ lat: centre.lat, lng: centre.lng, zoom: map.getZoom() }));
    });
    var removed = false;
    map.on("unload", function () { removed = true; });
    // The basemap's names in the page's language (countries from the CLDR, seas from the catalogue).
    var names = getJSON(root + "data/place-names.json").catch(function () { return {}; });
    var basemap = Promise.all([getJSON(assets(root) + "atlas/basemap.json"), names]).then(function (loaded) {
      if (removed) return null; // the reader left the page before the basemap arrived
      return drawBasemap(map, loaded[0], { overTiles: overTiles, focus: options.focus, names: loaded[1], labels: labels });
    });
    live.push(map);
    return { map: map, basemap: basemap, labels: labels };
  }

  function touchHint(container) {
    var hint = element("div", "atlas-map__hint", t("twoFingers"));
    hint.setAttribute("aria-hidden", "true");
    container.appendChild(hint);
    var timer = null;
    container.addEventListener("touchmove", function (event) {
      window.clearTimeout(timer);
      if (event.touches.length !== 1) {
        container.classList.remove("atlas-map--hint");
        return;
      }
      container.classList.add("atlas-map--hint");
      timer = window.setTimeout(function () { container.classList.remove("atlas-map--hint"); }, 1500);
    }, { passive: true });
  }

  // A popup takes the focus when it opens; Escape closes it and gives the focus back to its city.
  function keyboardPopups(map, container) {
    var opener = null;
    map.on("popupopen", function (event) {
      opener = document.activeElement && container.contains(document.activeElement) ? document.activeElement : null;
      var link = event.popup.getElement().querySelector(".atlas-popup a");
      if (link) link.focus({ preventScroll: true });
    });
    container.addEventListener("keydown", function (event) {
      if (event.key !== "Escape") return;
      var open = container.querySelector(".leaflet-popup");
      if (!open) return;
      map.closePopup();
      if (opener && document.body.contains(opener)) opener.focus({ preventScroll: true });
      opener = null;
    });
  }

  // A city's marker is a button with its name: reached by Tab, opened by Enter or Space.
  var CityMarker = null;
  function cityMarkerClass() {
    if (CityMarker) return CityMarker;
    CityMarker = L.CircleMarker.extend({
      onAdd: function (map) {
        L.CircleMarker.prototype.onAdd.call(this, map);
        var path = this.getElement();
        path.setAttribute("tabindex", "0");
        path.setAttribute("role", "button");
        path.setAttribute("aria-label", this.options.label);
        L.DomEvent.on(path, "keydown", this._atlasKey, this);
        return this;
      },
      onRemove: function (map) {
        L.DomEvent.off(this.getElement(), "keydown", this._atlasKey, this);
        return L.CircleMarker.prototype.onRemove.call(this, map);
      },
      _atlasKey: function (event) {
        if (event.key !== "Enter" && event.key !== " ") return;
        L.DomEvent.preventDefault(event);
        this.getElement().focus(); // the popup gives the focus back here
        this.openPopup();
      },
    });
    return CityMarker;
  }

  function cityMarker(feature) {
    var p = feature.properties;
    var c = feature.geometry.coordinates;
    return new (cityMarkerClass())([c[1], c[0]], {
      radius: p.featured ? 8 : 6,
      className: p.featured ? "atlas-marker atlas-marker--featured" : "atlas-marker",
      weight: 1.5,
      fillOpacity: 0.9,
      label: (function (name) { return p.featured ? t("markerFeatured", { name: name }) : name; })(
        p.name + (p.country_name ? ", " + p.country_name : "")),
    });
  }

  function popupFor(p, root, names) {
    var box = element("div", "atlas-popup");
    var title = element("a", "atlas-popup__title", p.name);
    title.href = root + p.url;
    box.appendChild(title);
    box.appendChild(element("p", "atlas-popup__country", p.featured ? t("popupFeatured", { country: p.country_name }) : p.country_name));
    if (p.networks && p.networks.length) {
      box.appendChild(element("p", "atlas-popup__networks",
        t("popupNetworks", { networks: p.networks.map(function (slug) { return names[slug] || slug; }).join(", ") })));
    }
    box.appendChild(element("p", "atlas-popup__initiatives",
      t("popupInitiatives", { count: p.initiatives }, p.initiatives)));
    return box;
  }

  function bindCity(marker, feature, root, names) {
    marker.bindPopup(function () { return popupFor(feature.properties, root, names); },
                     { className: "atlas-popup-frame", maxWidth: 280, autoPanPadding: [24, 24] });
    marker.bindTooltip(element("span", null, feature.properties.name),
                       { direction: "top", offset: [0, -6], className: "atlas-tooltip" });
    return marker;
  }

  // A cluster is a button too, named by what it holds; Enter zooms into it (Leaflet's markers).
  var ClusterIcon = null;
  var CLUSTER_SIZE = { small: 30, medium: 36, large: 42 }; // pixels: atlas.css draws the bubbles to match
  function clusterIcon(cluster) {
    if (!ClusterIcon) {
      ClusterIcon = L.DivIcon.extend({
        createIcon: function (old) {
          var icon = L.DivIcon.prototype.createIcon.call(this, old);
          icon.setAttribute("aria-label", this.options.label);
          return icon;
        },
      });
    }
    var count = cluster.getChildCount();
    var size = count < 10 ? "small" : count < 100 ? "medium" : "large";
    var inner = element("div");
    inner.appendChild(element("span", null, String(count)));
    return new ClusterIcon({
      html: inner,
      className: "marker-cluster marker-cluster-" + size,
      iconSize: L.point(CLUSTER_SIZE[size], CLUSTER_SIZE[size]),
      label: t("cluster", { count: count }, count),
    });
  }

  function clusterGroup(options) {
    return L.markerClusterGroup(Object.assign({
      showCoverageOnHover: false,
      // Wide at the scale of Europe, where bubbles would otherwise overlap; narrow close up, where
      // a "2" that only zooms in tells less than two cities side by side.
      // At the basemap's closest zoom only cities whose markers would touch stay together, so that
      // neighbours such as Cologne and Leverkusen each stand alone with their names.
      maxClusterRadius: function (zoom) {
        return zoom < 4.5 ? 90 : zoom < 5 ? 75 : zoom < 6 ? 60 : zoom < 7 ? 45 : zoom < MAX_ZOOM ? 30 : 14;
      },
      spiderfyOnMaxZoom: true,
      iconCreateFunction: clusterIcon,
    }, options || {}));
  }

  function legend(map, items) {
    var control = L.control({ position: "topright" });
    control.onAdd = function () {
      var box = element("div", "atlas-legend");
      box.setAttribute("role", "group");
      box.setAttribute("aria-label", t("legend"));
      var list = element("ul");
      items.forEach(function (item) {
        var entry = element("li");
        entry.appendChild(element("span", "atlas-legend__symbol atlas-legend__symbol--" + item[0]));
        entry.appendChild(document.createTextNode(item[1]));
        list.appendChild(entry);
      });
      box.appendChild(list);
      L.DomEvent.disableClickPropagation(box);
      return box;
    };
    control.addTo(map);
    return control;
  }

  function fullLegend() {
    return [["featured", t("legendFeatured")], ["city", t("legendCity")], ["cluster", t("legendCluster")]];
  }
  function stateLegendEntries() {
    return [["fulfilled", t("stateFulfilled")], ["declared", t("stateDeclared")], ["not", t("stateNot")]];
  }
  function stateWords(held) {
    return t({ fulfilled: "stateWordsFulfilled", declared: "stateWordsDeclared", not: "stateWordsNot" }[held]);
  }

  function emptyNotice(container, text) {
    var notice = element("p", "atlas-map__empty", text);
    notice.hidden = true;
    container.appendChild(notice);
    return notice;
  }

  /* ---- the explorer on /map/ ---------------------------------------------------- */

  function within(value, low, high) {
    return isFinite(value) ? Math.min(Math.max(value, low), high) : NaN;
  }

  function hasPosition(state) {
    return !isNaN(state.z) && !isNaN(state.lat) && !isNaN(state.lng);
  }

  function readState(form) {
    var query = new URLSearchParams(window.location.search);
    var state = {
      view: query.get("view") || "all",
      network: query.get("network") || "",
      country: query.get("country") || "",
      topic: query.get("topic") || "",
      commitment: query.get("commitment") || "",
      year: within(parseInt(query.get("year"), 10), 1900, 2100), // checked again against the data's years
      // The address is anyone's to write: a position is read only within the world and the map's zooms.
      z: within(parseFloat(query.get("z")), 3, 18),
      lat: within(parseFloat(query.get("lat")), -85, 85),
      lng: within(parseFloat(query.get("lng")), -180, 180),
    };
    if (["featured", "all", "network"].indexOf(state.view) < 0) state.view = "all";
    FILTERS.forEach(function (name) {
      var select = form.elements[name];
      var known = Array.prototype.some.call(select.options, function (o) { return o.value === state[name]; });
      if (!known) state[name] = "";
    });
    if (state.view === "network" && !state.network) state.network = firstNetwork(form);
    return state;
  }

  // The pickers whose value is in the address; a commitment is "network/commitment" (a network's, recorded per member).
  var FILTERS = ["network", "country", "topic", "commitment"];

  function firstNetwork(form) {
    return form.elements.network.options[1] ? form.elements.network.options[1].value : "";
  }

  function writeForm(form, state) {
    Array.prototype.forEach.call(form.elements.view, function (radio) { radio.checked = radio.value === state.view; });
    form.elements.network.value = state.network;
    form.elements.country.value = state.country;
    form.elements.topic.value = state.topic;
    form.elements.commitment.value = state.commitment;
    // In the network view the network picker chooses the view: "All networks" makes no sense there.
    form.elements.network.options[0].disabled = state.view === "network";
  }

  // The year a city joined the network the view is about (the chosen one, or a chosen commitment's), or its
  // first network if none is chosen: as far as the atlas knows (a membership's since, or the date of a
  // commitment it made), else null.
  function joinedYear(p, state) {
    var joined = p.joined || {};
    var network = state.network || (state.commitment ? state.commitment.split("/")[0] : "");
    if (network) return Object.prototype.hasOwnProperty.call(joined, network) ? joined[network] : null;
    var first = null;
    Object.keys(joined).forEach(function (key) { if (first === null || joined[key] < first) first = joined[key]; });
    return first;
  }

  function matches(p, state) {
    if (state.view === "featured" && !p.featured) return false;
    if (state.year) {
      var year = joinedYear(p, state);
      if (year === null || year > state.year) return false;
    }
    if (state.network && p.networks.indexOf(state.network) < 0) return false;
    if (state.country && p.country !== state.country) return false;
    if (state.topic && p.topics.indexOf(state.topic) < 0) return false;
    if (state.commitment && !(p.commitments && Object.prototype.hasOwnProperty.call(p.commitments, state.commitment))) return false;
    return true;
  }

  function filters(state, form) {
    var parts = [];
    if (state.view === "featured") parts.push(t("filterFeatured"));
    if (state.network) parts.push(t("filterNetwork", { network: form.elements.network.selectedOptions[0].textContent }));
    if (state.country) parts.push(t("filterCountry", { country: form.elements.country.selectedOptions[0].textContent }));
    if (state.topic) parts.push(t("filterTopic", { topic: form.elements.topic.selectedOptions[0].textContent.toLowerCase() }));
    if (state.commitment) parts.push(t("filterCommitment", { commitment: form.elements.commitment.selectedOptions[0].textContent }));
    return parts;
  }

  function describe(count, state, form) {
    var parts = filters(state, form);
    if (state.year) parts.push(t("filterYear", { year: String(state.year) }));
    if (!count) {
      if (!parts.length) return t("noMatch");
      return t(parts.length > 1 ? "noMatchMany" : "noMatchOne", { filters: parts.join(", ") });
    }
    var text = t("shown", { count: count }, count);
    return parts.length ? t("shownFiltered", { shown: text, filters: parts.join(", ") }) : text;
  }

  // On phones the view and the filters fold behind one button, so that the map is in the first screen.
  function filtersToggle(form) {
    var panels = [form.querySelector(".atlas-views"), form.querySelector(".atlas-filters")];
    if (!panels[0] || !panels[1]) return function () {};
    panels[0].id = panels[0].id || "atlas-views";
    panels[1].id = panels[1].id || "atlas-filters";
    var button = element("button", "md-button atlas-filters-toggle");
    button.type = "button";
    button.setAttribute("aria-expanded", "false");
    button.setAttribute("aria-controls", panels[0].id + " " + panels[1].id);
    form.insertBefore(button, form.firstChild);
    form.classList.add("atlas-controls--folding");
    button.addEventListener("click", function () {
      var open = button.getAttribute("aria-expanded") !== "true";
      button.setAttribute("aria-expanded", String(open));
      form.classList.toggle("atlas-controls--open", open);
    });
    // `close`: after a choice, the sheet folds away on a phone, and the map with its count shows.
    return function (state, close) {
      var active = filters(state, form).length;
      button.textContent = active ? t("filtersOn", { count: active }, active) : t("filters");
      if (close && form.classList.contains("atlas-controls--open") && getComputedStyle(button).display !== "none") {
        button.setAttribute("aria-expanded", "false");
        form.classList.remove("atlas-controls--open");
      }
    };
  }

  /* ---- the timeline ---------------------------------------------------------------- */

  // A control on the explorer's map, for how the networks grew: a slider of years and a play button. At a
  // year the map shows the cities that had joined by its end (the chosen network, or any), as far as the
  // atlas knows; its last stop is every city, with a year known or not. `onYear(year or NaN)` applies one.
  // Returns { show(year) -> the year it shows } for changes from elsewhere (the address, Show all), or null
  // when no city has a known year.
  function timeline(map, entries, onYear) {
    var first = Infinity, last = -Infinity;
    entries.forEach(function (e) {
      var joined = e.properties.joined || {};
      Object.keys(joined).forEach(function (key) {
        first = Math.min(first, joined[key]);
        last = Math.max(last, joined[key]);
      });
    });
    if (!isFinite(first)) return null;
    var all = last + 1; // the slider's last stop: every city
    var box = element("div", "atlas-timeline leaflet-bar");
    box.setAttribute("role", "group");
    box.setAttribute("aria-label", t("timeline"));
    var play = element("button", "atlas-timeline__play", t("timelinePlay"));
    play.type = "button";
    var label = element("label", "atlas-timeline__label");
    label.appendChild(element("span", "atlas-timeline__title", t("timeline")));
    var range = element("input", "atlas-timeline__range");
    range.type = "range";
    range.min = String(first);
    range.max = String(all);
    range.step = "1";
    label.appendChild(range);
    var output = element("output", "atlas-timeline__value");
    output.setAttribute("aria-hidden", "true"); // the slider says it in words (aria-valuetext)
    box.appendChild(play);
    box.appendChild(label);
    box.appendChild(output);
    L.DomEvent.disableClickPropagation(box);
    L.DomEvent.disableScrollPropagation(box);
    var control = L.control({ position: "bottomleft" });
    control.onAdd = function () { return box; };
    control.addTo(map);

    var timer = null;
    function show(year) {
      if (!(year >= first)) year = NaN; // before the first known year there is nothing to show: all
      else if (year > last) year = last;
      range.value = String(isNaN(year) ? all : year);
      var words = isNaN(year) ? t("timelineAll") : t("timelineBy", { year: String(year) });
      range.setAttribute("aria-valuetext", words);
      output.textContent = isNaN(year) ? t("timelineAllShort") : String(year);
      return year;
    }
    function stop() {
      if (timer === null) return;
      window.clearInterval(timer);
      timer = null;
      play.textContent = t("timelinePlay");
    }
    function step(value) {
      var year = show(value >= all ? NaN : value);
      onYear(year);
    }
    range.addEventListener("input", function () { stop(); step(parseInt(range.value, 10)); });
    play.addEventListener("click", function () {
      if (timer !== null) return stop();
      var from = parseInt(range.value, 10);
      step(from >= last ? first : from + 1);
      play.textContent = t("timelinePause");
      timer = window.setInterval(function () {
        var next = parseInt(range.value, 10) + 1;
        if (next > last) return stop();
        step(next);
        if (next >= last) stop();
      }, 1200);
    });
    map.on("unload", stop);
    return { show: show };
  }

  /* ---- find a city ------------------------------------------------------------------ */

  // A name without its marks, as the search folds it: "Koln" finds Köln, "Gdansk" Gdańsk.
  function fold(text) {
    return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").replace(/ł/g, "l").replace(/Ł/g, "L")
      .replace(/ß/g, "ss").replace(/ø/g, "o").replace(/Ø/g, "O");
  }

  // A search box over the map's cities (a list of their names to choose from, as the reader types):
  // the chosen city is shown, the map flying to it with its card open. `go(entry)` shows one.
  function findBox(before, go) {
    var box = element("div", "atlas-search atlas-find"); // styled as the 404 page's search box
    box.setAttribute("role", "search");
    var label = element("label", null, t("findCity"));
    label.htmlFor = "atlas-find";
    var row = element("div", "atlas-search__row");
    var input = element("input");
    input.type = "search";
    input.id = "atlas-find";
    input.autocomplete = "off";
    input.setAttribute("list", "atlas-find-names");
    var button = element("button", "md-button", t("findGo"));
    button.type = "button";
    var names = element("datalist");
    names.id = "atlas-find-names";
    var status = element("p", "atlas-find__status");
    status.setAttribute("role", "status");
    row.appendChild(input);
    row.appendChild(button);
    box.appendChild(label);
    box.appendChild(row);
    box.appendChild(names);
    box.appendChild(status);
    before.parentNode.insertBefore(box, before);
    var all = [];
    function find() {
      var wanted = fold(input.value.trim()).toLowerCase();
      if (!wanted) return;
      var entry = all.filter(function (e) { return fold(e.properties.name).toLowerCase() === wanted; })[0]
        || all.filter(function (e) { return fold(e.properties.name).toLowerCase().indexOf(wanted) === 0; })[0];
      if (!entry) {
        status.textContent = t("findNone", { name: input.value.trim() });
        return;
      }
      status.textContent = t("findShown", { name: entry.properties.name });
      go(entry);
    }
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); find(); }
    });
    // Choosing a name from the list (a pointer, or arrows and Enter) sets the whole name at once.
    input.addEventListener("input", function (event) {
      if (event.inputType === "insertReplacementText") find();
    });
    button.addEventListener("click", find);
    return function (entries) {
      all = entries;
      var fragment = document.createDocumentFragment();
      entries.forEach(function (e) {
        var option = element("option");
        option.value = e.properties.name;
        option.label = e.properties.name + ", " + e.properties.country_name;
        fragment.appendChild(option);
      });
      names.replaceChildren(fragment);
    };
  }

  function explorer(container) {
    var page = container.closest("article") || document;
    var embedded = container.getAttribute("data-atlas-map") === "embed";
    var form = page.querySelector("[data-atlas-controls]");
    var counter = page.querySelector("[data-atlas-count]");
    var list = page.querySelector("[data-atlas-list]");
    var back = embedded ? page.querySelector("a[data-atlas-open]") : null; // "Open in the atlas"
    var snippet = page.querySelector("textarea[data-atlas-embed]"); // the code to embed this view
    var root = siteRoot(container);
    var here = window.location.pathname; // the map's own address: history is written for it alone
    var names = {};
    Array.prototype.forEach.call(form.elements.network.options, function (o) { if (o.value) names[o.value] = o.textContent; });

    var state = readState(form);
    writeForm(form, state);
    var showFilters = embedded ? function () {} : filtersToggle(form);
    showFilters(state);

    var base = baseMap(container, root, { scrollWheelZoom: !embedded });
    var map = base.map;
    if (embedded) embedding(container, map);
    // Moves the atlas makes itself (restoring a view, fitting a new one) are part of an action, not
    // moves of the reader's: they write no history of their own.
    var quiet = 0;
    function quietly(move) { quiet++; try { move(); } finally { quiet--; } }
    quietly(function () {
      if (hasPosition(state)) map.setView([state.lat, state.lng], state.z, { animate: false });
      else map.fitBounds(EUROPE, { animate: false });
    });
    var onClustered = null; // called once markercluster has placed every marker
    var clusters = clusterGroup({
      chunkedLoading: true,
      chunkProgress: function (processed, total) {
        if (processed === total && onClustered) { var done = onClustered; onClustered = null; done(); }
      },
    });
    map.addLayer(clusters);
    var generalLegend = legend(map, fullLegend());
    var empty = emptyNotice(container, t("noMatchShort"));
    var stateLegend = null; // the colours of a commitment's states, while one is chosen
    var entries = [];
    var visible = []; // the entries the filters show
    // The city the reader looks for: shown (with every city, if the filters hide it), its card open.
    var listNames = embedded ? null : findBox(form, function (entry) {
      function reveal() {
        clusters.zoomToShowLayer(entry.marker, function () {
          entry.marker.openPopup();
          var link = entry.marker.getPopup() && entry.marker.getPopup().getElement();
          link = link && link.querySelector("a[href]");
          if (link) link.focus({ preventScroll: true });
        });
      }
      if (visible.indexOf(entry) >= 0) return reveal();
      state = { view: "all", network: "", country: "", topic: "", commitment: "", year: NaN };
      writeForm(form, state);
      if (years) years.show(state.year);
      apply("push", reveal);
    });
    var years = null; // the timeline, once the data says which years it spans
    // Without a position in the address, a view fits the cities it shows.
    var fitNext = !hasPosition(state);

    function query() {
      var query = new URLSearchParams();
      if (state.view !== "all") query.set("view", state.view);
      FILTERS.forEach(function (name) { if (state[name]) query.set(name, state[name]); });
      if (state.year) query.set("year", String(state.year));
      var centre = map.getCenter();
      query.set("z", String(Math.round(map.getZoom() * 100) / 100));
      query.set("lat", centre.lat.toFixed(4));
      query.set("lng", centre.lng.toFixed(4));
      return "?" + query.toString();
    }

    function address() { return here + query() + window.location.hash; }

    // history: "push" (a new action), "replace" (the same action goes on) or null (restoring one).
    // The view goes to the address, to the way back from an embedded map and to the code to embed it.
    function write(history) {
      if (back) back.href = root + "map/" + query();
      if (snippet) embedCode(snippet, query());
      // An embedded map writes no history: it would become the history of the page around it.
      if (embedded || !history || window.location.pathname !== here) return; // or the reader has left
      if (history === "push") window.history.pushState(null, "", address());
      else window.history.replaceState(window.history.state, "", address());
    }

    function apply(history, then) {
      var shown = [];
      for (var i = 0; i < entries.length; i++) {
        if (matches(entries[i].properties, state)) shown.push(entries[i]);
      }
      clusters.clearLayers();
      // With a commitment chosen, each city is coloured by its state on it, and its name says the state in
      // words, for those who do not see the colour (a path's class and label are set when it is added).
      shown.forEach(function (e) {
        var held = state.commitment && e.properties.commitments ? e.properties.commitments[state.commitment] : null;
        e.held = held === "fulfilled" || held === "declared" || held === "not" ? held : null;
        e.marker.options.className = e.base + (e.held ? " atlas-marker--" + e.held : "");
        e.marker.options.label = e.label + (e.held ? ": " + stateWords(e.held) : "");
      });
      // One legend, for what is drawn: with a commitment chosen, its states' colours in place of the general one.
      if (state.commitment && !stateLegend) { generalLegend.remove(); stateLegend = legend(map, stateLegendEntries()); }
      else if (!state.commitment && stateLegend) { stateLegend.remove(); stateLegend = null; generalLegend.addTo(map); }
      onClustered = then || null;
      clusters.addLayers(shown.map(function (e) { return e.marker; }));
      if (!shown.length && onClustered) { var done = onClustered; onClustered = null; done(); }
      var fragment = document.createDocumentFragment();
      var lastCountry = null;
      shown.forEach(function (e) {
        var p = e.properties;
        var item = element("li", p.country !== lastCountry ? "atlas-list__first" : "");
        var link = element("a", null, p.name);
        link.href = root + p.url;
        item.appendChild(link);
        item.appendChild(document.createTextNode(", " + p.country_name + (p.featured ? " " + t("listFeatured") : "") +
                                                 (e.held ? ": " + stateWords(e.held) : "")));
        fragment.appendChild(item);
        lastCountry = p.country;
      });
      if (list) list.replaceChildren(fragment);
      counter.textContent = describe(shown.length, state, form);
      empty.hidden = shown.length > 0 || !entries.length;
      showFilters(state, history === "push" || history === "replace");
      visible = shown;
      if (fitNext && shown.length) {
        var bounds = L.latLngBounds(shown.map(function (e) { return e.marker.getLatLng(); }));
        quietly(function () { map.fitBounds(bounds.pad(0.1), { maxZoom: FIT_ZOOM, animate: false }); });
      } else if (fitNext && entries.length) {
        // Nothing matches: the whole of Europe, and the notice on the map says why it is empty.
        quietly(function () { map.fitBounds(EUROPE, { animate: false }); });
      }
      fitNext = false;
      base.labels.update();
      write(history);
    }

    // Moving through a list or a group of radios with the keyboard changes it at every key press:
    // those changes are one action (the first pushes an entry, the next ones replace it).
    var keyed = null, streak = null;
    function endStreak() { keyed = null; streak = null; }
    form.addEventListener("keydown", function (event) {
      keyed = /^(Arrow|Page|Home$|End$)/.test(event.key) || event.key.length === 1 ? event.target.name : null;
    });
    form.addEventListener("pointerdown", endStreak);
    form.addEventListener("focusout", function (event) {
      var next = event.relatedTarget;
      if (!next || next.name !== event.target.name) endStreak();
    });

    function onChange(event) {
      var control = event.target.name;
      var byKeyboard = keyed === control;
      var continuing = byKeyboard && streak === control;
      streak = byKeyboard ? control : null;
      var view = Array.prototype.filter.call(form.elements.view, function (r) { return r.checked; })[0];
      state.view = view ? view.value : "all";
      state.network = form.elements.network.value;
      state.country = form.elements.country.value;
      state.topic = form.elements.topic.value;
      state.commitment = form.elements.commitment.value;
      if (state.view === "network" && !state.network) state.network = firstNetwork(form);
      writeForm(form, state);
      fitNext = true;
      apply(continuing ? "replace" : "push");
    }

    function onReset(event) {
      event.preventDefault();
      endStreak();
      state = { view: "all", network: "", country: "", topic: "", commitment: "", year: NaN };
      writeForm(form, state);
      if (years) years.show(state.year);
      quietly(function () { map.fitBounds(EUROPE, { animate: false }); });
      apply("push");
    }

    function onMove() {
      if (!quiet) write("replace"); // the reader's own move: where the current view now is
    }

    function onPopState() {
      if (!document.body.contains(container) || window.location.pathname !== here) return;
      endStreak();
      state = readState(form);
      writeForm(form, state);
      if (years) state.year = years.show(state.year);
      if (hasPosition(state)) quietly(function () { map.setView([state.lat, state.lng], state.z, { animate: false }); });
      fitNext = !hasPosition(state);
      apply(null);
    }

    form.addEventListener("change", onChange);
    form.addEventListener("reset", onReset);
    map.on("moveend", onMove);
    if (!embedded) {
      window.addEventListener("popstate", onPopState);
      map.on("unload", function () { window.removeEventListener("popstate", onPopState); });
    }

    getJSON(root + "data/cities.geojson").then(function (data) {
      // The layer comes sorted by country, then name (generator/render/pages.py): the list's order.
      entries = data.features.map(function (feature) {
        var marker = bindCity(cityMarker(feature), feature, root, names);
        return { properties: feature.properties, marker: marker, base: marker.options.className,
                 label: marker.options.label, held: null, name: feature.properties.name,
                 featured: feature.properties.featured };
      });
      if (listNames) listNames(entries);
      base.labels.cities(function () { return visible; }, clusters);
      if (!embedded) {
        years = timeline(map, entries, function (year) {
          state.year = year;
          apply("replace");
        });
      }
      if (years) state.year = years.show(state.year);
      else if (state.year) state.year = NaN;
      apply(hasPosition(state) ? null : "replace", function () {
        container.setAttribute("data-atlas-ready", String(entries.length));
        if (window.performance && performance.mark) performance.mark("atlas-map-ready");
      });
    }).catch(function (error) {
      counter.textContent = t("dataError", { error: error.message });
    });
  }

  /* ---- the embeddable map, and the code to embed it ------------------------------ */

  // In another site's page: the wheel scrolls that page until the reader clicks the map, and
  // links open the atlas in a new tab rather than inside the frame.
  function embedding(container, map) {
    map.once("click", function () { map.scrollWheelZoom.enable(); });
    container.addEventListener("focusin", function () { map.scrollWheelZoom.enable(); }, { once: true });
    container.closest("article").addEventListener("click", function (event) {
      var link = event.target.closest && event.target.closest("a[href]");
      if (link) {
        link.target = "_blank";
        link.rel = "noopener";
      }
    }, true);
  }

  // The <iframe> code of the embeddable map for a view (an address's query), with an absolute address.
  function embedCode(textarea, query) {
    var base = new URL(textarea.getAttribute("data-atlas-embed") || "", document.baseURI).href;
    var text = element("span");
    text.textContent = base + query; // escaped for an attribute: & as &amp; (quotes below)
    var src = 'src="' + text.innerHTML.replace(/"/g, "&quot;") + '"';
    textarea.value = textarea.value.replace(/src="[^"]*"/, function () { return src; });
  }

  function copyButtons() {
    Array.prototype.forEach.call(document.querySelectorAll("textarea[data-atlas-embed]"), function (textarea) {
      // Written for the site's address; without one (no site_url), completed from this page's.
      var src = /src="([^"]*)"/.exec(textarea.value);
      if (src && !/^https?:/.test(src[1])) {
        var query = src[1].indexOf("?") >= 0 ? src[1].slice(src[1].indexOf("?")).replace(/&amp;/g, "&") : "";
        embedCode(textarea, query);
      }
      var button = textarea.parentNode.querySelector("[data-atlas-copy]");
      if (!button) return;
      button.addEventListener("click", function () {
        textarea.select();
        var done = function () { button.textContent = t("copied"); };
        if (navigator.clipboard && navigator.clipboard.writeText) {
          navigator.clipboard.writeText(textarea.value).then(done, function () {
            button.textContent = t("copyByHand");
          });
        } else {
          button.textContent = t("copyByHand");
        }
      });
    });
  }

  /* ---- the maps of the home, city, country and network pages -------------------- */

  function partBounds(geometry, point) {
    // The part of a country that holds the city (France's mainland, not French Guiana).
    var best = null, bestDistance = Infinity;
    geometry.coordinates.forEach(function (polygon) {
      var bounds = L.latLngBounds(polygon[0].map(function (c) { return [c[1], c[0]]; }));
      var distance = bounds.contains(point) ? 0 : bounds.getCenter().distanceTo(point);
      var area = (bounds.getNorth() - bounds.getSouth()) * (bounds.getEast() - bounds.getWest());
      if (distance < bestDistance || (distance === 0 && bestDistance === 0 && area > best.area)) {
        best = { bounds: bounds, area: area };
        bestDistance = distance;
      }
    });
    return best && bestDistance < 500000 ? best.bounds : null;
  }

  function cityMap(container, root) {
    var lat = parseFloat(container.getAttribute("data-lat"));
    var lng = parseFloat(container.getAttribute("data-lng"));
    var code = container.getAttribute("data-country") || "";
    var base = baseMap(container, root, { scrollWheelZoom: false, focus: code });
    var map = base.map;
    map.fitBounds(EUROPE, { animate: false });
    if (isNaN(lat) || isNaN(lng)) return;
    // The city's point is on the page: nothing to download but the basemap.
    var feature = {
      geometry: { coordinates: [lng, lat] },
      properties: { name: container.getAttribute("data-name") || "", featured: container.hasAttribute("data-featured") },
    };
    var marker = cityMarker(feature).addTo(map);
    marker.bindTooltip(element("span", null, feature.properties.name),
                       { permanent: true, direction: "top", offset: [0, -8], className: "atlas-tooltip" });
    base.basemap.then(function (drawn) {
      var point = marker.getLatLng();
      var bounds = drawn && drawn.focus ? partBounds(drawn.focus, point) : null;
      if (bounds) map.fitBounds(bounds.pad(0.1), { maxZoom: FIT_ZOOM, animate: false });
      else map.setView(point, 6, { animate: false });
      container.setAttribute("data-atlas-ready", "1");
    });
  }

  // A map of some cities (a network's members, a country's cities, the featured ones), clustered.
  function citiesMap(container, root, layer, keep, options) {
    var base = baseMap(container, root, { scrollWheelZoom: false, focus: options.focus });
    var map = base.map;
    map.fitBounds(EUROPE, { animate: false });
    legend(map, options.legend || fullLegend());
    Promise.all([getJSON(root + layer), networkNames(root).catch(function () { return {}; }), base.basemap]).then(function (loaded) {
      var features = loaded[0].features.filter(keep);
      var markers = features.map(function (feature) { return bindCity(cityMarker(feature), feature, root, loaded[1]); });
      var clusters = clusterGroup();
      clusters.addLayers(markers);
      map.addLayer(clusters);
      var named = markers.map(function (marker, i) {
        return { marker: marker, name: features[i].properties.name, featured: features[i].properties.featured };
      });
      base.labels.cities(function () { return named; }, clusters);
      if (markers.length) {
        var bounds = L.latLngBounds(markers.map(function (m) { return m.getLatLng(); }));
        map.fitBounds(bounds.pad(0.2), { maxZoom: FIT_ZOOM - 1, animate: false });
      }
      container.setAttribute("data-atlas-ready", String(markers.length));
    });
  }

  function miniMap(container) {
    var root = siteRoot(container);
    var kind = container.getAttribute("data-atlas-map");
    if (kind === "city") return cityMap(container, root);
    if (kind === "network") {
      var network = container.getAttribute("data-network");
      return citiesMap(container, root, "data/networks/" + network + ".geojson", function () { return true; }, {});
    }
    if (kind === "country") {
      var code = container.getAttribute("data-country");
      return citiesMap(container, root, "data/cities.geojson", function (f) { return f.properties.country === code; }, { focus: code });
    }
    if (kind === "home") {
      return citiesMap(container, root, "data/cities.geojson", function (f) { return f.properties.featured; },
                       { legend: [["featured", t("legendFeatured")], ["cluster", t("legendClusterShort")]] });
    }
  }

  function removeMap(map) {
    // A zoom animation ends on a timer that map.remove() does not cancel; when the reader leaves
    // mid-zoom (instant navigation), the timer would move a map that is gone. Mark it finished.
    map._animatingZoom = false;
    map.remove();
  }

  // The maps' data downloads while the libraries do (the cache keeps the promise for the map).
  function prefetch(container) {
    var root = siteRoot(container);
    var kind = container.getAttribute("data-atlas-map");
    var data = kind === "network" ? "data/networks/" + container.getAttribute("data-network") + ".geojson"
      : kind === "city" ? null : "data/cities.geojson";
    getJSON(assets(root) + "atlas/basemap.json").catch(function () {});
    getJSON(root + "data/place-names.json").catch(function () {});
    if (data) getJSON(root + data).catch(function () {});
    if (kind !== "city" && kind !== "explore" && kind !== "embed") networkNames(root).catch(function () {});
  }

  function setUp() {
    live.forEach(removeMap);
    live = [];
    var current = ++generation;
    copyButtons();
    // What the page says to a reader without scripts: this one has them.
    Array.prototype.forEach.call(document.querySelectorAll("p.atlas-nojs"), function (notice) { notice.hidden = true; });
    var containers = Array.prototype.slice.call(document.querySelectorAll("[data-atlas-map]"));
    if (!containers.length) return; // no map: no Leaflet
    var clusters = containers.some(function (c) { return c.getAttribute("data-atlas-map") !== "city"; });
    containers.forEach(prefetch);
    libraries(siteRoot(containers[0]), clusters).then(function () {
      if (current !== generation) return; // the reader has already gone on to another page
      containers.forEach(function (container) {
        try {
          var kind = container.getAttribute("data-atlas-map");
          if (kind === "explore" || kind === "embed") explorer(container);
          else miniMap(container);
        } catch (error) {
          if (window.console) console.warn("atlas map:", error);
        }
      });
    }).catch(function (error) {
      if (window.console) console.warn("atlas map:", error);
      var counter = document.querySelector("[data-atlas-count]");
      if (counter) counter.textContent = t("mapError", { error: error.message });
    });
  }

  /* ---- the language switcher ------------------------------------------------------ */

  // Each language of the header's switcher leads to this page in that language: the address in <head>'s
  // hreflang link, which instant navigation replaces with the new page's, with the view (?...#...) kept.
  function languageLinks() {
    Array.prototype.forEach.call(document.querySelectorAll("a.md-select__link[hreflang]"), function (link) {
      var language = link.getAttribute("hreflang");
      var same = Array.prototype.find.call(document.head.querySelectorAll("link[hreflang]"), function (l) {
        return l.getAttribute("hreflang") === language;
      });
      if (same) link.href = same.href + window.location.search + window.location.hash;
    });
  }

  /* ---- a missing address, answered in its language ---------------------------------- */

  // GitHub Pages answers every missing address with the site's one /404.html, in English. At an address
  // in a language's folder (/de/...), the page shows that language's own 404 page, fetched from this site,
  // at the same address. (That page is in its language already: it does nothing, so nothing loops.)
  function missingPageInItsLanguage() {
    if (!ASSETS || !document.getElementById("atlas-missing")) return;
    var root = new URL("../", ASSETS);
    if (location.pathname.indexOf(root.pathname) !== 0) return;
    var asked = location.pathname.slice(root.pathname.length).split("/")[0];
    var languages = Array.prototype.map.call(document.querySelectorAll("a.md-select__link[hreflang]"),
      function (link) { return link.getAttribute("hreflang"); });
    if (!asked || asked === document.documentElement.lang || languages.indexOf(asked) < 0) return;
    fetch(new URL(asked + "/404.html", root).href, { credentials: "same-origin" }).then(function (response) {
      return response.ok ? response.text() : null;
    }).then(function (text) {
      if (!text || text.indexOf('id="atlas-missing"') < 0) return;
      document.open();
      document.write(text);
      document.close();
    }).catch(function () { /* the English page stays */ });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", missingPageInItsLanguage);
  } else {
    missingPageInItsLanguage();
  }

  function onPage() {
    languageLinks();
    setUp();
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(onPage);
  } else {
    document.addEventListener("DOMContentLoaded", onPage);
  }
  // The map's filters change the address without a new page: the switcher keeps the view chosen.
  window.addEventListener("popstate", languageLinks);
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a.md-select__link[hreflang]");
    if (link) languageLinks();
  }, true);
})();
