/* The atlas's maps: the explorer on /map/ and the mini-maps on city and network pages.
 *
 * Everything comes from this site: Leaflet and Leaflet.markercluster (vendored), the
 * country outlines (Natural Earth) and the cities layer (data/cities.geojson). No tile
 * server is contacted unless mkdocs.yml switches one on (extra.atlas.tiles).
 * Text from the data is always inserted with textContent, never as HTML: Leaflet sets
 * string popups and tooltips as innerHTML, so they only ever get DOM nodes.
 * Material's instant navigation swaps pages without a reload, so maps are created on
 * every document$ emission and the previous page's maps are removed first.
 * Leaflet is loaded only when a page has a map, the first time one does: its files are
 * added to <body>, which instant navigation keeps (it rewrites <head>).
 */
(function () {
  "use strict";

  var EUROPE = [[34, -12], [66, 35]];
  var live = []; // maps of the current page, removed when the page is swapped
  var jsonCache = {};
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

  // Leaflet for every map; markercluster for the explorer and network maps, which cluster.
  function libraries(root, clusters) {
    var vendor = root + "assets/vendor/";
    var wanted = [addFile(vendor + "leaflet/leaflet.css"), addFile(vendor + "leaflet/leaflet.js")];
    if (clusters) {
      wanted.push(addFile(vendor + "leaflet.markercluster/MarkerCluster.css"),
                  addFile(vendor + "leaflet.markercluster/MarkerCluster.Default.css"),
                  wanted[1].then(function () { return addFile(vendor + "leaflet.markercluster/leaflet.markercluster.js"); }));
    }
    return Promise.all(wanted);
  }

  function getJSON(url) {
    if (!jsonCache[url]) {
      jsonCache[url] = fetch(url).then(function (response) {
        if (!response.ok) throw new Error(url + ": HTTP " + response.status);
        return response.json();
      });
      jsonCache[url].catch(function () { delete jsonCache[url]; });
    }
    return jsonCache[url];
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

  function baseMap(container, root, options) {
    var map = L.map(container, Object.assign({
      minZoom: 2,
      maxZoom: 12, // clustering needs it, and outlines at 1:50m carry no more detail
      zoomSnap: 0.25,
      worldCopyJump: false,
      attributionControl: true,
      keyboard: true,
    }, options || {}));
    map.attributionControl.setPrefix(false);
    map.attributionControl.addAttribution("Outlines: Natural Earth · Data: Moving Cities Atlas (CC BY 4.0)");
    var tiles = tilesConfig();
    if (tiles && tiles.url) {
      L.tileLayer(tiles.url, { attribution: tiles.attribution || "", maxZoom: tiles.max_zoom || 18 }).addTo(map);
    }
    var removed = false;
    map.on("unload", function () { removed = true; });
    var outlines = getJSON(root + "assets/atlas/countries.geojson").then(function (data) {
      if (removed) return null;  // the reader left the page before the outlines arrived
      var layer = L.geoJSON(data, {
        interactive: false,
        style: function () { return { className: tiles && tiles.url ? "atlas-land atlas-land--over-tiles" : "atlas-land", weight: 0.7 }; },
      });
      layer.addTo(map);
      layer.bringToBack();
      return layer;
    });
    live.push(map);
    return { map: map, outlines: outlines };
  }

  function cityMarker(feature) {
    var p = feature.properties;
    var c = feature.geometry.coordinates;
    return L.circleMarker([c[1], c[0]], {
      radius: p.featured ? 8 : 6,
      className: p.featured ? "atlas-marker atlas-marker--featured" : "atlas-marker",
      weight: 1.5,
      fillOpacity: 0.9,
    });
  }

  function popupFor(p, root, names) {
    var box = element("div", "atlas-popup");
    var title = element("a", "atlas-popup__title", p.name);
    title.href = root + p.url;
    box.appendChild(title);
    box.appendChild(element("div", "atlas-popup__country", p.country_name + (p.featured ? " · featured profile" : "")));
    if (p.networks.length) {
      box.appendChild(element("div", "atlas-popup__networks",
        "Networks: " + p.networks.map(function (slug) { return names[slug] || slug; }).join(", ")));
    }
    box.appendChild(element("div", "atlas-popup__initiatives",
      p.initiatives === 1 ? "1 initiative" : p.initiatives + " initiatives"));
    return box;
  }

  /* ---- the explorer on /map/ ---------------------------------------------------- */

  function readState(form) {
    var query = new URLSearchParams(window.location.search);
    var state = {
      view: query.get("view") || "all",
      network: query.get("network") || "",
      country: query.get("country") || "",
      topic: query.get("topic") || "",
      z: parseFloat(query.get("z")),
      lat: parseFloat(query.get("lat")),
      lng: parseFloat(query.get("lng")),
    };
    if (["featured", "all", "network"].indexOf(state.view) < 0) state.view = "all";
    ["network", "country", "topic"].forEach(function (name) {
      var select = form.elements[name];
      var known = Array.prototype.some.call(select.options, function (o) { return o.value === state[name]; });
      if (!known) state[name] = "";
    });
    return state;
  }

  function writeForm(form, state) {
    Array.prototype.forEach.call(form.elements.view, function (radio) { radio.checked = radio.value === state.view; });
    form.elements.network.value = state.network;
    form.elements.country.value = state.country;
    form.elements.topic.value = state.topic;
    // In the network view the network picker chooses the view: "All networks" makes no sense there.
    form.elements.network.options[0].disabled = state.view === "network";
  }

  function stateURL(state, map) {
    var query = new URLSearchParams();
    if (state.view !== "all") query.set("view", state.view);
    ["network", "country", "topic"].forEach(function (name) { if (state[name]) query.set(name, state[name]); });
    if (map) {
      var centre = map.getCenter();
      query.set("z", String(Math.round(map.getZoom() * 100) / 100));
      query.set("lat", centre.lat.toFixed(4));
      query.set("lng", centre.lng.toFixed(4));
    }
    var search = query.toString();
    return window.location.pathname + (search ? "?" + search : "") + window.location.hash;
  }

  function matches(p, state) {
    if (state.view === "featured" && !p.featured) return false;
    if (state.network && p.networks.indexOf(state.network) < 0) return false;
    if (state.country && p.country !== state.country) return false;
    if (state.topic && p.topics.indexOf(state.topic) < 0) return false;
    return true;
  }

  function describe(count, state, form) {
    var text = count === 1 ? "1 city shown" : count.toLocaleString("en") + " cities shown";
    var parts = [];
    if (state.view === "featured") parts.push("featured profiles");
    if (state.network) parts.push("members of " + form.elements.network.selectedOptions[0].textContent);
    if (state.country) parts.push("in " + form.elements.country.selectedOptions[0].textContent);
    if (state.topic) parts.push("with initiatives on " + form.elements.topic.selectedOptions[0].textContent.toLowerCase());
    return parts.length ? text + ": " + parts.join(", ") : text;
  }

  function explorer(container) {
    var page = container.closest("article") || document;
    var form = page.querySelector("[data-atlas-controls]");
    var counter = page.querySelector("[data-atlas-count]");
    var list = page.querySelector("[data-atlas-list]");
    var root = siteRoot(container);
    var names = {};
    Array.prototype.forEach.call(form.elements.network.options, function (o) { if (o.value) names[o.value] = o.textContent; });

    var state = readState(form);
    if (state.view === "network" && !state.network) state.network = form.elements.network.options[1] ? form.elements.network.options[1].value : "";
    writeForm(form, state);

    var base = baseMap(container, root);
    var map = base.map;
    if (!isNaN(state.z) && !isNaN(state.lat) && !isNaN(state.lng)) {
      map.setView([state.lat, state.lng], state.z);
    } else {
      map.fitBounds(EUROPE);
    }
    var onClustered = null; // called once markercluster has placed every marker
    var clusters = L.markerClusterGroup({
      chunkedLoading: true,
      chunkProgress: function (processed, total) {
        if (processed === total && onClustered) { var done = onClustered; onClustered = null; done(); }
      },
      showCoverageOnHover: false,
      maxClusterRadius: 45,
      spiderfyOnMaxZoom: true,
    });
    map.addLayer(clusters);
    var entries = [];
    // Without a shared position in the address, the first view fits the cities shown.
    var fitOnNextFilter = isNaN(state.z) || isNaN(state.lat) || isNaN(state.lng);
    // While a new view is fitted, a move belongs to the entry about to be pushed, not the one before it.
    var fittingNewView = false;

    function apply(pushHistory, then) {
      var shown = [];
      for (var i = 0; i < entries.length; i++) {
        if (matches(entries[i].properties, state)) shown.push(entries[i]);
      }
      clusters.clearLayers();
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
        item.appendChild(document.createTextNode(", " + p.country_name + (p.featured ? " (featured)" : "")));
        fragment.appendChild(item);
        lastCountry = p.country;
      });
      list.replaceChildren(fragment);
      counter.textContent = describe(shown.length, state, form);
      if (fitOnNextFilter && shown.length) {
        var bounds = L.latLngBounds(shown.map(function (e) { return e.marker.getLatLng(); }));
        fittingNewView = pushHistory;
        map.fitBounds(bounds.pad(0.1), { maxZoom: 9, animate: false });
        fittingNewView = false;
      }
      fitOnNextFilter = false;
      var url = stateURL(state, map);
      if (pushHistory) window.history.pushState(null, "", url);
      else window.history.replaceState(null, "", url);
    }

    function onChange() {
      var view = Array.prototype.filter.call(form.elements.view, function (r) { return r.checked; })[0];
      state.view = view ? view.value : "all";
      state.network = form.elements.network.value;
      state.country = form.elements.country.value;
      state.topic = form.elements.topic.value;
      if (state.view === "network" && !state.network) state.network = form.elements.network.options[1] ? form.elements.network.options[1].value : "";
      writeForm(form, state);
      fitOnNextFilter = true;
      apply(true);
    }

    function onReset(event) {
      event.preventDefault();
      state = { view: "all", network: "", country: "", topic: "" };
      writeForm(form, state);
      fittingNewView = true;
      map.fitBounds(EUROPE);
      fittingNewView = false;
      apply(true);
    }

    function onMove() {
      if (fittingNewView) return;
      window.history.replaceState(null, "", stateURL(state, map));
    }

    function onPopState() {
      if (!document.body.contains(container)) return;
      state = readState(form);
      writeForm(form, state);
      if (!isNaN(state.z) && !isNaN(state.lat) && !isNaN(state.lng)) map.setView([state.lat, state.lng], state.z, { animate: false });
      apply(false);
    }

    form.addEventListener("change", onChange);
    form.addEventListener("reset", onReset);
    map.on("moveend", onMove);
    window.addEventListener("popstate", onPopState);
    map.on("unload", function () { window.removeEventListener("popstate", onPopState); });

    getJSON(root + "data/cities.geojson").then(function (data) {
      var features = data.features.slice().sort(function (a, b) {
        var pa = a.properties, pb = b.properties;
        return pa.country_name.localeCompare(pb.country_name) || pa.name.localeCompare(pb.name);
      });
      entries = features.map(function (feature) {
        var marker = cityMarker(feature);
        marker.bindPopup(function () { return popupFor(feature.properties, root, names); });
        marker.bindTooltip(element("span", null, feature.properties.name), { direction: "top", offset: [0, -6] });
        return { properties: feature.properties, marker: marker };
      });
      apply(false, function () {
        container.setAttribute("data-atlas-ready", String(entries.length));
        if (window.performance && performance.mark) performance.mark("atlas-map-ready");
      });
    }).catch(function (error) {
      counter.textContent = "The map's data could not be loaded (" + error.message + "). The cities are listed by country on the Cities page.";
    });
  }

  /* ---- mini-maps on city and network pages ------------------------------------- */

  function partBounds(feature, point) {
    // The part of a country that holds the city (France's mainland, not French Guiana).
    var best = null, bestDistance = Infinity;
    var polygons = feature.geometry.type === "MultiPolygon" ? feature.geometry.coordinates : [feature.geometry.coordinates];
    polygons.forEach(function (polygon) {
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

  function miniMap(container) {
    var root = siteRoot(container);
    var kind = container.getAttribute("data-atlas-map");
    var base = baseMap(container, root, { scrollWheelZoom: false });
    var map = base.map;
    map.fitBounds(EUROPE);
    if (kind === "city") {
      // The city's point is on the page: nothing to download but the outlines.
      var lat = parseFloat(container.getAttribute("data-lat"));
      var lng = parseFloat(container.getAttribute("data-lng"));
      if (isNaN(lat) || isNaN(lng)) return;
      var feature = {
        geometry: { coordinates: [lng, lat] },
        properties: {
          name: container.getAttribute("data-name") || "",
          country: container.getAttribute("data-country") || "",
          featured: container.hasAttribute("data-featured"),
        },
      };
      var marker = cityMarker(feature).addTo(map);
      marker.bindTooltip(element("span", null, feature.properties.name), { permanent: true, direction: "top", offset: [0, -8] });
      base.outlines.then(function (outlines) {
        var point = marker.getLatLng();
        var bounds = null;
        if (outlines) {
          outlines.eachLayer(function (layer) {
            if (layer.feature && layer.feature.id === feature.properties.country) {
              layer.getElement && layer.getElement() && layer.getElement().classList.add("atlas-land--focus");
              bounds = partBounds(layer.feature, point);
            }
          });
        }
        if (bounds) map.fitBounds(bounds.pad(0.1), { maxZoom: 8 });
        else map.setView(point, 7);
        container.setAttribute("data-atlas-ready", "1");
      });
    } else if (kind === "network") {
      var network = container.getAttribute("data-network");
      getJSON(root + "data/networks/" + network + ".geojson").then(function (data) {
        var markers = data.features.map(function (feature) {
          var marker = cityMarker(feature);
          marker.bindPopup(function () { return popupFor(feature.properties, root, {}); });
          marker.bindTooltip(element("span", null, feature.properties.name), { direction: "top", offset: [0, -6] });
          return marker;
        });
        var clusters = L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 40 });
        clusters.addLayers(markers);
        map.addLayer(clusters);
        if (markers.length) map.fitBounds(L.latLngBounds(markers.map(function (m) { return m.getLatLng(); })).pad(0.2), { maxZoom: 8 });
        container.setAttribute("data-atlas-ready", String(markers.length));
      });
    }
  }

  function removeMap(map) {
    // A zoom animation ends on a timer that map.remove() does not cancel; when the reader leaves
    // mid-zoom (instant navigation), the timer would move a map that is gone. Mark it finished.
    map._animatingZoom = false;
    map.remove();
  }

  // The maps' data downloads while the libraries do (getJSON keeps the promise for the map).
  function prefetch(container) {
    var root = siteRoot(container);
    var kind = container.getAttribute("data-atlas-map");
    var data = kind === "explore" ? "data/cities.geojson"
      : kind === "network" ? "data/networks/" + container.getAttribute("data-network") + ".geojson" : null;
    getJSON(root + "assets/atlas/countries.geojson").catch(function () {});
    if (data) getJSON(root + data).catch(function () {});
  }

  function setUp() {
    live.forEach(removeMap);
    live = [];
    var current = ++generation;
    var containers = Array.prototype.slice.call(document.querySelectorAll("[data-atlas-map]"));
    if (!containers.length) return; // no map: no Leaflet
    var clusters = containers.some(function (c) { return c.getAttribute("data-atlas-map") !== "city"; });
    containers.forEach(prefetch);
    libraries(siteRoot(containers[0]), clusters).then(function () {
      if (current !== generation) return; // the reader has already gone on to another page
      containers.forEach(function (container) {
        try {
          if (container.getAttribute("data-atlas-map") === "explore") explorer(container);
          else miniMap(container);
        } catch (error) {
          if (window.console) console.warn("atlas map:", error);
        }
      });
    }).catch(function (error) {
      if (window.console) console.warn("atlas map:", error);
      var counter = document.querySelector("[data-atlas-count]");
      if (counter) counter.textContent = "The map could not be loaded (" + error.message + "). The cities are listed by country on the Cities page.";
    });
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(setUp);
  } else {
    document.addEventListener("DOMContentLoaded", setUp);
  }
})();
