/* golive search: fills in search.html from the index in search/.
 *
 * Every index file is a script that calls golive.searchIndex, searchShard or
 * searchDocs, so that it loads from file:// too (fetch is refused there).
 * A query loads the shard list, the shards its words need (by their first
 * two or three characters) and the document files of the results shown.
 * Words are split and lowercased as golive splits them when it builds the
 * index (src/search/mod.rs): runs of letters and digits, at most 64
 * characters, stop words left out. Every word must match (AND); a word
 * matches the terms it begins (a one-character word only itself). Results
 * are ranked as `ranked` below says.
 */
(function () {
  'use strict';
  var golive = window.golive = window.golive || {};
  var PAGE = 20;
  var MAX_TERM = 64;
  var index = null;
  var shards = {};
  var docs = {};
  golive.searchIndex = function (value) { index = value; };
  golive.searchShard = function (name, terms) { shards[name] = terms; };
  golive.searchDocs = function (id, records) { docs[id] = records; };

  var status = document.getElementById('golive-search-status');
  var list = document.getElementById('golive-search-results');
  var more = document.getElementById('golive-search-more');
  var box = document.getElementById('golive-search-q');
  if (!status || !list) { return; }

  /* Loads the script at `src` once; resolves when it ran or failed. */
  var loading = {};
  function load(src) {
    if (!loading[src]) {
      loading[src] = new Promise(function (resolve) {
        var s = document.createElement('script');
        s.src = src;
        s.onload = function () { resolve(true); };
        s.onerror = function () { resolve(false); };
        document.head.appendChild(s);
      });
    }
    return loading[src];
  }

  function hex(name) {
    return Array.from(new TextEncoder().encode(name)).map(function (b) {
      return b.toString(16).padStart(2, '0');
    }).join('');
  }

  function chars(s) { return Array.from(s).length; }

  function words(text) {
    var stop = (index && index.stop) || [];
    var seen = {};
    return (text.match(/[\p{Alphabetic}\p{N}]+/gu) || []).map(function (w) {
      return Array.from(w.toLowerCase()).slice(0, MAX_TERM).join('');
    }).filter(function (w) {
      if (stop.indexOf(w) >= 0 || seen[w]) { return false; }
      seen[w] = true;
      return true;
    });
  }

  /* Whether term `t` matches query word `w`. */
  function matches(t, w) {
    return chars(w) === 1 ? t === w : t.indexOf(w) === 0;
  }

  /* The shards query word `w` needs. */
  function needed(w) {
    var one = chars(w) === 1;
    return index.shards.filter(function (n) {
      if (one) { return n === w; }
      return chars(n) >= 2 && (w.indexOf(n) === 0 || n.indexOf(w) === 0);
    });
  }

  /* The records (as "id:n") whose terms match `w`, each with whether a
   * matching term is in its title and whether one is `w` itself. A record
   * number followed by "*" in a posting has the term in its title. */
  function postings(w) {
    var found = {};
    needed(w).forEach(function (name) {
      var terms = shards[name] || {};
      Object.keys(terms).forEach(function (t) {
        if (!matches(t, w)) { return; }
        var exact = t === w;
        terms[t].split(' ').forEach(function (entry) {
          var parts = entry.split(':');
          (parts[1] || '').split('.').forEach(function (n) {
            var title = n.slice(-1) === '*';
            var key = parts[0] + ':' + (title ? n.slice(0, -1) : n);
            var f = found[key] || (found[key] = { title: false, exact: false });
            f.title = f.title || title;
            f.exact = f.exact || exact;
          });
        });
      });
    });
    return found;
  }

  /* Ranking, best first (computed from the shards alone):
   * 1. records whose title has every query word (a word may match the start
   *    of a title word, as in the search itself);
   * 2. then records where every query word is a whole word of the record,
   *    before those that only have words beginning with it;
   * 3. then by kind: readiness report, go-live runbook, deployment request,
   *    troubleshooting runbook, checklist item (document 0 holds the
   *    runbooks; a release's records 0, 1 and 2 are its report, runbook
   *    and request, the rest its checklist items);
   * 4. then the index's fixed order: document id, then record. */
  function kind(k) {
    var parts = k.split(':');
    var n = parseInt(parts[1], 36);
    if (parts[0] === '0') { return 3; }
    return n < 3 ? n : 4;
  }

  function byId(a, b) {
    var x = a.split(':'), y = b.split(':');
    return (parseInt(x[0], 36) - parseInt(y[0], 36)) || (parseInt(x[1], 36) - parseInt(y[1], 36));
  }

  function ranked(keys, sets) {
    var rank = {};
    keys.forEach(function (k) {
      var title = sets.every(function (s) { return s[k].title; });
      var exact = sets.every(function (s) { return s[k].exact; });
      rank[k] = [title ? 0 : 1, exact ? 0 : 1, kind(k)];
    });
    return keys.sort(function (a, b) {
      var x = rank[a], y = rank[b];
      return (x[0] - y[0]) || (x[1] - y[1]) || (x[2] - y[2]) || byId(a, b);
    });
  }

  /* The text around the first matched word, matched words in <mark>. */
  function snippet(text, ws) {
    var re = /[\p{Alphabetic}\p{N}]+/gu;
    var hit = function (word) {
      var t = Array.from(word.toLowerCase()).slice(0, MAX_TERM).join('');
      return ws.some(function (w) { return matches(t, w); });
    };
    var m, first = -1;
    while ((m = re.exec(text)) !== null) {
      if (hit(m[0])) { first = m.index; break; }
    }
    var start = first > 60 ? text.lastIndexOf(' ', first - 60) + 1 : 0;
    var end = Math.min(text.length, start + 220);
    var part = text.slice(start, end);
    var p = document.createElement('p');
    p.className = 'snippet';
    var at = 0;
    re.lastIndex = 0;
    if (start > 0) { p.appendChild(document.createTextNode('… ')); }
    while ((m = re.exec(part)) !== null) {
      if (!hit(m[0])) { continue; }
      p.appendChild(document.createTextNode(part.slice(at, m.index)));
      var mark = document.createElement('mark');
      mark.textContent = m[0];
      p.appendChild(mark);
      at = m.index + m[0].length;
    }
    p.appendChild(document.createTextNode(part.slice(at)));
    if (end < text.length) { p.appendChild(document.createTextNode(' …')); }
    return p;
  }

  function show(keys, from, ws) {
    var page = keys.slice(from, from + PAGE);
    var ids = {};
    page.forEach(function (k) { ids[k.split(':')[0]] = true; });
    return Promise.all(Object.keys(ids).map(function (id) {
      return load('search/docs/' + id + '.js');
    })).then(function () {
      page.forEach(function (k) {
        var parts = k.split(':');
        var record = (docs[parts[0]] || [])[parseInt(parts[1], 36)];
        if (!record) { return; }
        var li = document.createElement('li');
        var a = document.createElement('a');
        a.className = 'result-title';
        a.href = record.url;
        a.textContent = record.title;
        li.appendChild(a);
        var context = document.createElement('span');
        context.className = 'result-context';
        context.textContent = record.context;
        li.appendChild(context);
        li.appendChild(snippet(record.text, ws));
        list.appendChild(li);
      });
      var shown = Math.min(keys.length, from + PAGE);
      more.hidden = shown >= keys.length;
      more.onclick = function () { show(keys, shown, ws); };
    });
  }

  function search(query) {
    var ws = words(query);
    list.textContent = '';
    more.hidden = true;
    if (!ws.length) {
      status.textContent = 'Type words in the search box at the top of the page.';
      return Promise.resolve();
    }
    var files = {};
    ws.forEach(function (w) { needed(w).forEach(function (n) { files[n] = true; }); });
    return Promise.all(Object.keys(files).map(function (n) {
      return load('search/shards/' + hex(n) + '.js');
    })).then(function () {
      var sets = ws.map(postings);
      var keys = ranked(Object.keys(sets[0]).filter(function (k) {
        return sets.every(function (s) { return s[k]; });
      }), sets);
      var n = keys.length;
      status.textContent = (n === 0 ? 'No results' : n + ' result' + (n === 1 ? '' : 's')) +
        ' for ' + query.trim();
      return show(keys, 0, ws);
    });
  }

  var query = new URLSearchParams(window.location.search).get('q') || '';
  if (box) { box.value = query; }
  status.textContent = 'Searching…';
  load('search/index.js').then(function (ok) {
    if (!ok || !index) {
      status.textContent = 'The search index is missing: build the site again.';
      return;
    }
    return search(query);
  });
}());
