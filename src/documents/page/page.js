"use strict";
// The interactive half of the planner's page: the network map and the responses with their
// approval ticks. Everything it draws comes from the JSON block #data; it fetches nothing.
(function () {
  const D = JSON.parse(document.getElementById("data").textContent);
  const SVG = "http://www.w3.org/2000/svg"; // a namespace name, never fetched
  const PAGE = 50; // responses shown at a time
  const DISRUPTIONS_SHOWN = 30;
  // Numbers as the rest of the page writes them (text.rs): money with two decimals, counts
  // with none, both grouped by thousands. `+ 0` turns a negative zero into zero.
  const moneyFmt = new Intl.NumberFormat("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  const countFmt = new Intl.NumberFormat("en-US", { maximumFractionDigits: 6 });
  const money = (x) => moneyFmt.format(Math.round(x * 100) / 100 + 0) + (D.currency ? " " + D.currency : "");
  const count = (n) => countFmt.format(n);
  const $ = (id) => document.getElementById(id);

  function el(tag, attrs, ...kids) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "class") e.className = v;
      else if (k.startsWith("data-")) e.setAttribute(k, v);
      else e[k] = v;
    }
    for (const k of kids) if (k != null) e.append(k);
    return e;
  }
  // An id written into a sentence reads as one piece in the sentence's order, whatever its
  // letters: an id in right-to-left letters would otherwise take the number or id after it
  // into its run ("ת1, ת2" shown as "ת2 ,ת1"). Text marks an id by U+2068 and U+2069 (first
  // strong isolate, pop directional isolate), as the data block's sentences mark theirs
  // (text.rs, `Isolated`); `rich` makes each a <bdi> element, and tooltips, which hold no
  // elements, keep the marks.
  const iso = (id) => "\u2068" + id + "\u2069";
  const MARKED = /\u2068([^\u2068\u2069]*)\u2069/;
  const unmarked = (text) => text.replace(/[\u2068\u2069]/g, "");
  // `text` as nodes, each piece `split` captures (`split` has one group) a <bdi> element.
  const bdis = (text, split) => text.split(split).map((p, k) => (k % 2 ? el("bdi", {}, p) : p)).filter((p) => p !== "");
  const rich = (text) => bdis(text, MARKED);
  // A letter of a right-to-left script (text.rs, `right_to_left`).
  const RTL = /[\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFC\u{10800}-\u{10FFF}\u{1E800}-\u{1EFFF}]/u;
  // The command (or what stands in its place) with each word holding a right-to-left letter
  // isolated, so that a list of such ids reads in its order; what is copied is the text.
  const RTL_WORD = new RegExp(`([^\\s,']*${RTL.source}[^\\s,']*)`, "u");
  const setCommand = (text) => $("command").replaceChildren(...bdis(text, RTL_WORD));
  // A map label: a node's id, whole or cut to fit with "…". SVG text holds no <bdi>, so an
  // id with a right-to-left letter stands between the marks, which the browser lays out as
  // an isolate: the "…" of a cut one then shows where it is cut, after its last letter.
  const labelText = (text) => (RTL.test(text) ? iso(text) : text);
  function svgEl(tag, attrs, title) {
    const e = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    if (title) {
      const t = document.createElementNS(SVG, "title");
      t.textContent = title;
      e.append(t);
    }
    return e;
  }

  // ---- the approval state ------------------------------------------------------------
  // Ticking a response ticks everything it requires; unticking or rejecting one unticks
  // everything that requires it, so the selection is always one `recourse apply` accepts.
  // A rejection is the planner's own word and only they take it back: a tick that would
  // approve a rejected response is refused and the card says which one blocks it.
  const byId = new Map(D.responses.map((r) => [r.id, r]));
  const requiredBy = new Map();
  for (const r of D.responses)
    for (const q of r.requires) {
      if (!requiredBy.has(q)) requiredBy.set(q, []);
      requiredBy.get(q).push(r.id);
    }
  const approved = new Set();
  const rejected = new Set();

  // What ticking `id` approves that is not approved yet: it and what it requires,
  // transitively. The approved responses are closed under `requires` and none is rejected,
  // so the walk stops at them.
  function closure(id) {
    const out = new Set();
    const stack = [id];
    while (stack.length) {
      const x = stack.pop();
      if (out.has(x) || approved.has(x) || !byId.has(x)) continue;
      out.add(x);
      stack.push(...byId.get(x).requires);
    }
    return out;
  }
  // The rejected responses a tick on `id` would have to approve, most valuable first (its
  // own rejection excepted: ticking a rejected card is taking that rejection back).
  function blockers(id) {
    return [...closure(id)].filter((x) => x !== id && rejected.has(x)).sort(byRank);
  }
  // Ticks refused because they need a rejected response, shown on their cards until the
  // planner takes the rejection back or unticks.
  const refused = new Set();
  // Per rejected response, the approved ones its rejection unticked.
  const dropped = new Map();

  // The responses a tick cannot approve: the rejected ones and those requiring one,
  // transitively. One pass in the document's order, which lists every response after the
  // ones it requires (`recourse report` refuses a document that does not).
  function blockedAll() {
    const out = new Set();
    for (const r of D.responses) if (rejected.has(r.id) || r.requires.some((q) => out.has(q))) out.add(r.id);
    return out;
  }

  // Approves `id` and what it requires, unless that needs a rejected response (`blocked`,
  // when known): then nothing changes and the card says why. Returns whether it approved.
  function tryApprove(id, blocked = blockers(id).length > 0) {
    if (blocked) {
      refused.add(id);
      return false;
    }
    refused.delete(id);
    dropped.delete(id);
    approve(id);
    return true;
  }
  function approve(id) {
    const stack = [id];
    while (stack.length) {
      const x = stack.pop();
      if (approved.has(x) || !byId.has(x)) continue;
      approved.add(x);
      rejected.delete(x);
      stack.push(...byId.get(x).requires);
    }
  }
  // Unticks `id` and everything approved that requires it; returns those others.
  function unapprove(id) {
    const gone = [];
    const stack = [id];
    while (stack.length) {
      const x = stack.pop();
      if (!approved.delete(x)) continue;
      if (x !== id) gone.push(x);
      stack.push(...(requiredBy.get(x) || []));
    }
    return gone.sort(byRank);
  }
  function reject(id) {
    refused.delete(id);
    if (rejected.has(id)) {
      rejected.delete(id);
      dropped.delete(id);
    } else {
      const gone = unapprove(id);
      if (gone.length) dropped.set(id, gone);
      rejected.add(id);
    }
  }
  // What the card of `id` says about its tick, or "".
  function tickNote(id) {
    const list = (ids) => ids.map(iso).join(", ");
    if (refused.has(id)) {
      const no = blockers(id);
      if (no.length) {
        const one = no.length === 1;
        return `Not approved: ${iso(id)} needs ${list(no)}, which you rejected: un-reject ${one ? "it" : "them"} first.`;
      }
      refused.delete(id);
    }
    if (rejected.has(id) && dropped.has(id)) {
      const gone = dropped.get(id);
      return `Rejecting ${iso(id)} unticked ${list(gone)}, which ${gone.length === 1 ? "requires" : "require"} it.`;
    }
    return "";
  }

  const byRank = (a, b) => byId.get(a).rank - byId.get(b).rank;

  // The ticks outlast a reload: kept in this browser's storage under the digest of the
  // responses, so a page of other responses (solved again, another scenario), whose digest
  // differs, never gets them, even where the same ids name other responses.
  const KEPT = "recourse.approvals." + D.digest;
  function keep(ids, no) {
    try {
      if (ids.length || no.length)
        localStorage.setItem(KEPT, JSON.stringify({ responses_digest: D.digest, approve: ids, reject: no }));
      else localStorage.removeItem(KEPT);
    } catch (e) {
      // No storage (turned off, or a sandboxed frame): the ticks last as long as the page.
    }
  }
  function restore() {
    let kept = null;
    try {
      kept = JSON.parse(localStorage.getItem(KEPT) || "null");
    } catch (e) {
      return 0;
    }
    if (!kept || kept.responses_digest !== D.digest) return 0;
    for (const id of kept.reject || []) if (byId.has(id)) rejected.add(id);
    // Most valuable first: each walk then stops at the requirements approved before it.
    const ids = (kept.approve || []).filter((id) => byId.has(id)).sort(byRank);
    for (const id of ids) if (!rejected.has(id) && !blockers(id).length) approve(id);
    return approved.size + rejected.size;
  }
  // Text as one shell word, taken as written: quoted unless plain.
  const quoted = (s) => (/^[A-Za-z0-9._\/:=+,-]+$/.test(s) ? s : "'" + s.replace(/'/g, "'\\''") + "'");
  // A file name as one shell word that `recourse apply` reads as a file: a relative name
  // beginning with "-" (which would be taken for an option) written "./-name", the same file.
  const shellWord = (s) => quoted(s.startsWith("-") ? "./" + s : s);
  // `--approve` or `--reject` with a list of response ids, as shell words the shell passes
  // on unchanged (a proposals document edited by hand can name a response "R1;rm x"); a
  // list beginning with "-" is joined to its option by "=", so it is not taken for one.
  const idsOption = (option, ids) => {
    const list = ids.join(",");
    return list.startsWith("-") ? [quoted(option + "=" + list)] : [option, quoted(list)];
  };
  // A character a terminal takes as a keystroke or a line's end when a command holding it
  // is pasted, quoted or not: a control character (C0, DEL, C1: ESC can end a bracketed
  // paste, a newline runs the line before it), or a line or paragraph separator.
  const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
  const CONTROLS = new RegExp(CONTROL.source, "g");
  // A name with each such character written as an escape (`\u{1b}`), as the text reports
  // write them.
  const escaped = (name) => name.replace(CONTROLS, (c) => "\\u{" + c.codePointAt(0).toString(16) + "}");
  // Why the page gives no command to paste, where a file's name holds such a character; or "".
  function unpasteable() {
    const bad = [["scenario", D.files.scenario], ["proposals", D.files.proposals]]
      .filter(([, name]) => name && CONTROL.test(name))
      .map(([file, name]) => `the ${file} file's name, "${escaped(name)}"`);
    if (!bad.length) return "";
    const [has, files] = bad.length === 1 ? ["has", "file"] : ["have", "files"];
    return `No command to paste: ${bad.join(", and ")}, ${has} a control character, which a terminal takes as a keystroke. ` +
      `Rename the ${files}, and make this page again.`;
  }
  function showSelection() {
    const ids = [...approved].sort(byRank);
    const no = [...rejected].sort(byRank);
    let total = 0;
    for (const id of ids) total += byId.get(id).net;
    keep(ids, no);
    if (!ids.length && !no.length) $("restored").hidden = true;
    $("approved-total").textContent = money(total);
    $("approved-count").textContent =
      `(${count(ids.length)} of ${count(D.responses.length)} responses approved, ${count(no.length)} rejected)`;
    const unsafe = unpasteable();
    if (unsafe) {
      setCommand(unsafe);
    } else if (!D.files.proposals) {
      // No proposals document was written with this page: solving again can rank the
      // responses differently, and the same ids would then approve other responses.
      setCommand("This page was written without its proposals document, so it gives no recourse apply command. To approve: recourse solve " +
        shellWord(D.files.scenario) + " -o proposals.json, then recourse report proposals.json --scenario " +
        shellWord(D.files.scenario) + " -o report.html, and tick on that page.");
    } else if (ids.length || no.length) {
      const words = ["recourse", "apply", shellWord(D.files.scenario), shellWord(D.files.proposals)];
      if (ids.length) words.push(...idsOption("--approve", ids));
      if (no.length) words.push(...idsOption("--reject", no));
      words.push("--responses-digest", D.digest, "-o", "next.json");
      setCommand(words.join(" "));
    } else if (!D.responses.length) {
      setCommand("Nothing to approve: the plan changes nothing, so there is no response (orders still late or short are listed under Unresolved orders).");
    } else {
      setCommand("Tick the responses to approve: the recourse apply command for them appears here.");
    }
    // Without responses there is no approval to download, nor rules of ticking to read.
    $("download").hidden = !D.files.proposals || !D.responses.length;
    $("tick-rules").hidden = !D.responses.length;
    const file = JSON.stringify({ approve: ids, reject: no, responses_digest: D.digest }, null, 1) + "\n";
    $("download").href = "data:application/json;charset=utf-8," + encodeURIComponent(file);
    for (const card of document.querySelectorAll("#responses .resp")) {
      const id = card.dataset.id;
      card.querySelector("input.approve").checked = approved.has(id);
      card.classList.toggle("approved", approved.has(id));
      card.classList.toggle("rejected", rejected.has(id));
      card.querySelector("button.reject").textContent = rejected.has(id) ? "rejected (undo)" : "reject";
      const note = tickNote(id);
      const p = card.querySelector(".tick-note");
      p.replaceChildren(...rich(note));
      p.hidden = !note;
    }
  }

  // ---- the map -------------------------------------------------------------------------
  const W = 1000, H = 560, PAD = 28;
  const LABEL_MAX = 240; // the widest a node's label runs, in the map's units
  const KINDS = ["plant", "dc", "store", "customer"];
  const KIND_NAMES = { plant: "plants", dc: "DCs", store: "stores", customer: "customer zones" };

  // Positions in the picture: by location (equirectangular, scaled to fit), or in columns
  // by kind with each column ordered by where its neighbours sit (fewer crossing lanes).
  function positions() {
    const n = D.nodes.length;
    let raw;
    if (D.geo) {
      const lat0 = D.nodes.reduce((s, x) => s + x.at[0], 0) / Math.max(n, 1);
      const k = Math.cos((lat0 * Math.PI) / 180);
      const lon = unwrapped(D.nodes.map((x) => x.at[1]));
      raw = D.nodes.map((x, i) => [lon[i] * k, -x.at[0]]);
    } else {
      const kinds = KINDS.filter((k) => D.nodes.some((x) => x.kind === k));
      const nbrs = D.nodes.map(() => []);
      for (const l of D.lanes) { nbrs[l.from].push(l.to); nbrs[l.to].push(l.from); }
      const y = new Array(n).fill(0.5);
      raw = new Array(n);
      kinds.forEach((kind, c) => {
        const col = D.nodes.map((x, i) => i).filter((i) => D.nodes[i].kind === kind);
        const placed = (j) => raw[j] !== undefined;
        const centre = (i) => {
          const p = nbrs[i].filter(placed);
          return p.length ? p.reduce((s, j) => s + y[j], 0) / p.length : 0.5;
        };
        col.sort((a, b) => centre(a) - centre(b) || D.nodes[a].id.localeCompare(D.nodes[b].id));
        col.forEach((i, j) => { y[i] = (j + 1) / (col.length + 1); raw[i] = [c, y[i]]; });
      });
      const cols = Math.max(kinds.length - 1, 1);
      return raw.map(([c, yy]) => [PAD + 60 + ((W - 2 * PAD - 120) * c) / cols, PAD + (H - 2 * PAD) * yy]);
    }
    let [x0, x1, y0, y1] = [Infinity, -Infinity, Infinity, -Infinity];
    for (const [x, y] of raw) { x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y); }
    const s = Math.min((W - 2 * PAD) / Math.max(x1 - x0, 1e-9), (H - 2 * PAD) / Math.max(y1 - y0, 1e-9));
    const ox = (W - s * (x1 - x0)) / 2, oy = (H - s * (y1 - y0)) / 2;
    return spread(raw.map(([x, y]) => [ox + s * (x - x0), oy + s * (y - y0)]));
  }
  // Longitudes as one run without a jump: a network across the antimeridian (New Zealand,
  // Fiji, Samoa, Hawaii) is cut at the widest gap between its nodes' longitudes instead,
  // the ones west of the cut moved on by 360 degrees, so its lanes do not cross the frame.
  function unwrapped(lons) {
    const sorted = [...new Set(lons)].sort((a, b) => a - b);
    let gap = 360 - (sorted[sorted.length - 1] - sorted[0]), cut = null;
    for (let k = 1; k < sorted.length; k++)
      if (sorted[k] - sorted[k - 1] > gap) [gap, cut] = [sorted[k] - sorted[k - 1], sorted[k]];
    return cut === null ? lons : lons.map((l) => (l < cut ? l + 360 : l));
  }
  // Nodes drawn at one spot (the same location, or a few units apart) are spread on a
  // small circle around it, far enough apart that each mark and its ring show whole.
  function spread(p) {
    const near = 6, groups = [];
    for (let i = 0; i < p.length; i++) {
      const g = groups.find((g) => Math.hypot(p[g[0]][0] - p[i][0], p[g[0]][1] - p[i][1]) < near);
      if (g) g.push(i); else groups.push([i]);
    }
    const out = p.map((x) => [...x]);
    for (const g of groups) {
      if (g.length < 2) continue;
      const cx = g.reduce((s, i) => s + p[i][0], 0) / g.length, cy = g.reduce((s, i) => s + p[i][1], 0) / g.length;
      const r = Math.max(30, 16 / Math.sin(Math.PI / g.length));
      g.forEach((i, j) => {
        const a = (2 * Math.PI * j) / g.length;
        if (Math.cos(a) < -1e-9) firstSide[i] = -1;
        out[i] = [Math.min(W - 8, Math.max(8, cx + r * Math.cos(a))), Math.min(H - 8, Math.max(8, cy + r * Math.sin(a)))];
      });
    }
    return out;
  }

  // Per node, the side its label is tried on first: right (1), or left (-1) for a node on
  // the left of a circle of spread nodes, whose label then points away from the others.
  const firstSide = D.nodes.map(() => 1);
  const P = positions();
  const map = $("map");
  const mapBox = $("map-box");
  const moves = svgEl("g", { id: "moves" });
  const focusLayer = svgEl("g", { id: "focus" });
  const hitLane = new Set(); // lanes a disruption hit, drawn red
  const nodeTitle = (i) => {
    const x = D.nodes[i];
    return `${iso(x.id)}${x.name ? " (" + iso(x.name) + ")" : ""}: ${x.kind}`;
  };
  const laneTitle = (l) => {
    const x = D.lanes[l];
    return `${iso(x.id)}: ${iso(D.nodes[x.from].id)} → ${iso(D.nodes[x.to].id)}, ${x.mode}`;
  };
  // Lanes between the same two nodes (either way: the modes, a lane and its way back) bow
  // apart, LANE_GAP map units between neighbours at the middle, so each can be told apart
  // and a disruption on one is not read as one on another; a lone lane is straight.
  const LANE_GAP = 12;
  const bend = (() => {
    const pairs = new Map();
    D.lanes.forEach((x, l) => {
      const k = Math.min(x.from, x.to) + "," + Math.max(x.from, x.to);
      if (!pairs.has(k)) pairs.set(k, []);
      pairs.get(k).push(l);
    });
    const out = new Array(D.lanes.length).fill(0);
    for (const ls of pairs.values()) ls.forEach((l, j) => { out[l] = (j - (ls.length - 1) / 2) * LANE_GAP; });
    return out;
  })();
  // A lane's drawing as path data: a line, or a quadratic curve whose middle sits `bend`
  // units off the line, to the side fixed by the pair's lower node index (so a lane and
  // its way back keep apart too).
  function lanePath(l) {
    const x = D.lanes[l];
    const [a, b] = [P[x.from], P[x.to]];
    const f = (v) => v.toFixed(1);
    const [p, q] = x.from < x.to ? [a, b] : [b, a];
    const len = Math.hypot(q[0] - p[0], q[1] - p[1]);
    if (!bend[l] || !len) return `M${f(a[0])},${f(a[1])}L${f(b[0])},${f(b[1])}`;
    // The curve's middle lies halfway between the chord's middle and the control point.
    const off = (2 * bend[l]) / len;
    const cx = (a[0] + b[0]) / 2 - (q[1] - p[1]) * off, cy = (a[1] + b[1]) / 2 + (q[0] - p[0]) * off;
    return `M${f(a[0])},${f(a[1])}Q${f(cx)},${f(cy)} ${f(b[0])},${f(b[1])}`;
  }
  function laneLine(l, cls, title) {
    return svgEl("path", { d: lanePath(l), class: cls, "data-lane": D.lanes[l].id }, title);
  }
  function ring(i, cls, title) {
    const [x, y] = P[i];
    return svgEl("circle", { cx: x, cy: y, r: 10, class: cls, "data-node": D.nodes[i].id }, title);
  }

  function drawMap() {
    const defs = svgEl("defs");
    const marker = svgEl("marker", { id: "arrow", viewBox: "0 0 10 10", refX: 16, refY: 5,
      markerWidth: 21, markerHeight: 21, markerUnits: "userSpaceOnUse", orient: "auto-start-reverse" });
    marker.append(svgEl("path", { d: "M0,0 L10,5 L0,10 z", fill: "#2f6fd6" }));
    defs.append(marker);
    map.append(defs);
    // Every lane in one path: one element however large the network.
    let d = "";
    for (let l = 0; l < D.lanes.length; l++) d += lanePath(l);
    map.append(svgEl("path", { d, class: "lane" }));
    const hits = svgEl("g", { id: "hits" });
    const hitLanes = new Map(), hitNodes = new Map(), surgeNodes = new Map();
    const add = (m, k, text) => m.set(k, (m.get(k) || []).concat(text));
    D.disruptions.forEach((x) => {
      for (const l of x.lanes) add(hitLanes, l, x.text);
      for (const i of x.nodes) add(x.surge ? surgeNodes : hitNodes, i, x.text);
    });
    for (const [l, texts] of hitLanes) {
      hitLane.add(l);
      hits.append(laneLine(l, "hit", laneTitle(l) + "\n" + texts.join("\n")));
    }
    for (const [i, texts] of surgeNodes) hits.append(ring(i, "surge-node", nodeTitle(i) + "\n" + texts.join("\n")));
    for (const [i, texts] of hitNodes) hits.append(ring(i, "hit-node", nodeTitle(i) + "\n" + texts.join("\n")));
    // The selected response's movements go beneath the disruptions: red always shows, and
    // on a hit lane the movement is drawn wider (`under-hit`), a border around the red.
    map.append(moves, hits);
    const nodes = svgEl("g", { id: "nodes" });
    D.nodes.forEach((x, i) => {
      const [cx, cy] = P[i];
      const shape = x.kind === "customer"
        ? svgEl("rect", { x: cx - 4.5, y: cy - 4.5, width: 9, height: 9, class: "k-customer", "data-node": x.id }, nodeTitle(i))
        : svgEl("circle", { cx, cy, r: 5.5, class: "k-" + x.kind, "data-node": x.id }, nodeTitle(i));
      nodes.append(shape);
    });
    // Labels go above every lane, ring and arrow, with a halo, so a line never hides one.
    map.append(nodes, focusLayer, labels);
    for (const x of D.disruptions) {
      for (const i of x.nodes) hitNode.add(i);
      for (const l of x.lanes) hitNode.add(D.lanes[l].from).add(D.lanes[l].to);
    }
    placeLabels([]);
    const kinds = KINDS.filter((k) => D.nodes.some((x) => x.kind === k));
    const legend = $("legend");
    for (const k of kinds) legend.append(el("i", { class: "k-" + k }), KIND_NAMES[k] + " ");
    legend.append(` · ${count(D.lanes.length)} lanes · red: hit by an outage, a delay or a loss · orange ring: demand surge · blue: what the selected response ships (dashed: what it stops shipping; edged around the red where it uses a hit lane)`);
    $("map-note").replaceChildren(...rich(mapNote()));
  }

  // The map is drawn at a pixel a unit or more (page.css), so its text stays readable; where
  // that is wider than its box, the box scrolls sideways, and a note above it says so.
  const mapScrolls = () => mapBox.scrollWidth > mapBox.clientWidth;
  function showScrollNote() {
    $("map-scroll").hidden = !mapScrolls();
  }
  // The nodes last picked (a response's or a disruption's), and the box's width the map
  // was last scrolled to them in.
  let mapPicked = [];
  let boxWidth = null;
  // Scrolls the map's box sideways to the middle of nodes `ix` (node indices), so the nodes
  // just picked show on a narrow screen; a map its box holds whole does not move.
  function scrollMapTo(ix) {
    mapPicked = ix;
    boxWidth = mapBox.clientWidth;
    if (!ix.length || !mapScrolls()) return;
    const xs = ix.map((i) => P[i][0]);
    const mid = (Math.min(...xs) + Math.max(...xs)) / 2;
    const m = map.getScreenCTM(), box = mapBox.getBoundingClientRect();
    if (!m) return;
    mapBox.scrollLeft += m.a * mid + m.e - (box.left + mapBox.clientLeft + mapBox.clientWidth / 2);
  }

  // A box made narrower or wider (the window resized, a phone turned) is scrolled to the
  // nodes picked, as when the page opens at that width; a resize that keeps its width (a
  // phone's address bar hiding) leaves the reader's own scrolling alone.
  function resized() {
    showScrollNote();
    if (mapBox.clientWidth !== boxWidth) scrollMapTo(mapPicked);
  }

  // How the nodes are placed, and when not by location, which nodes lack one.
  function mapNote() {
    if (D.geo) return "Nodes placed by their location.";
    const byKind = "nodes are laid out by kind (plants, DCs, stores, customer zones from left to right).";
    const none = D.nodes.filter((x) => !x.at).map((x) => iso(x.id));
    if (none.length === D.nodes.length) return "The scenario gives no locations: " + byKind;
    const named = none.length > 3 ? none.slice(0, 3).join(", ") + ` and ${count(none.length - 3)} more` : none.join(", ");
    const has = none.length === 1 ? "has" : "have";
    return `${count(none.length)} of ${count(D.nodes.length)} nodes ${has} no location (${named}), so all ` + byKind;
  }

  // ---- the labels ----------------------------------------------------------------------
  // On a network of up to LABEL_ALL nodes every node is labelled. On a larger one a label
  // is drawn only where it covers no other label and no node, and the labels are placed in
  // the order of what matters to the planner: the nodes of the selected response (or of
  // the disruption picked in the list), the nodes the disruptions hit (a hit lane's two
  // ends too), the nodes sending or receiving at-risk orders (most first), then the rest
  // while room is left.
  const LABEL_ALL = 40;
  const LABEL_TRIED = 400; // candidates measured and tried at most, on a large network
  const labels = svgEl("g", { id: "labels" });
  const hitNode = new Set();
  const ringed = new Set(D.disruptions.flatMap((x) => x.nodes)); // drawn with a ring
  const labelWidth = new Map(); // node index -> its whole label's width, measured once

  function labelOrder(first) {
    const risk = (i) => D.nodes[i].risk || 0;
    const byRisk = (a, b) => risk(b) - risk(a) || a - b;
    const all = D.nodes.map((x, i) => i);
    const seq = [...first, ...[...hitNode].sort(byRisk), ...all.filter((i) => risk(i) > 0).sort(byRisk), ...all];
    return [...new Set(seq)].slice(0, D.nodes.length <= LABEL_ALL ? D.nodes.length : LABEL_TRIED);
  }
  // Widths of the nodes' whole labels, measured together (one layout for all of them).
  function measure(order) {
    const todo = order.filter((i) => !labelWidth.has(i));
    const ts = todo.map((i) => {
      const t = svgEl("text", { x: 0, y: 0 });
      t.textContent = labelText(D.nodes[i].id);
      labels.append(t);
      return t;
    });
    todo.forEach((i, k) => {
      // Not laid out (a hidden frame): about 6.5 units a character at 11px.
      labelWidth.set(i, ts[k].getComputedTextLength() || Array.from(D.nodes[i].id).length * 6.5);
    });
    for (const t of ts) t.remove();
  }
  // Where the label of node `i` goes on `side` (1: right of the node, -1: left), cut to the
  // room up to the frame (or LABEL_MAX): its box, and how much of it is cut off.
  function labelSpot(i, side) {
    const [cx, cy] = P[i];
    const w = labelWidth.get(i);
    const room = Math.max(0, Math.min(LABEL_MAX, side > 0 ? W - cx - 17 : cx - 17));
    const shown = Math.min(w, room);
    const x0 = side > 0 ? cx + 13 : cx - 13 - shown;
    return { i, side, room, lost: (w - shown) / Math.max(w, 1), box: [x0, cy - 7, x0 + shown, cy + 7] };
  }
  const overlap = (a, b) => a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];
  // What a spot covers: labels already placed and other nodes' marks (`hits`), and the
  // rings drawn around the nodes a disruption hit (radius 10, stroke 3: `rings`).
  function covers(spot, placed) {
    const hits = placed.filter((o) => overlap(spot.box, o.box)).length;
    let marks = 0, rings = 0;
    P.forEach(([x, y], j) => {
      if (j === spot.i) return;
      if (overlap(spot.box, [x - 7, y - 7, x + 7, y + 7])) marks++;
      else if (ringed.has(j) && overlap(spot.box, [x - 11.5, y - 11.5, x + 11.5, y + 11.5])) rings++;
    });
    return { hits: hits + marks, rings };
  }
  // The better side for node `i`'s label: covering least, then cut least (a label cut at
  // the frame flips to the other side), then its first side. `null` when every side
  // covers something and the network is too large to label all.
  function bestSpot(i, placed) {
    let best = null, bestScore = Infinity;
    for (const side of [firstSide[i], -firstSide[i]]) {
      const spot = labelSpot(i, side);
      const { hits, rings } = covers(spot, placed);
      if (hits && D.nodes.length > LABEL_ALL) continue;
      // Cutting most of a label costs more than covering a node; a few letters, less. Part
      // of a ring may go under a label where nothing else is free.
      const score = hits * 3 + rings + (spot.lost > 0 ? 1 + 4 * spot.lost : 0);
      if (score < bestScore) [best, bestScore] = [spot, score];
    }
    return best;
  }
  // Draws the labels, those of `first` (node indices) placed before any other.
  function placeLabels(first) {
    const order = labelOrder(first);
    measure(order);
    const placed = [];
    for (const i of order) {
      const spot = bestSpot(i, placed);
      if (spot) placed.push(spot);
    }
    labels.replaceChildren();
    for (const spot of placed) {
      const [cx, cy] = P[spot.i];
      const id = D.nodes[spot.i].id;
      const t = svgEl("text", spot.side > 0 ? { x: cx + 13, y: cy + 4 } : { x: cx - 13, y: cy + 4, "text-anchor": "end" });
      t.textContent = labelText(id);
      // The node's whole id and name on hover, however much of the label is shown.
      const g = svgEl("g", { "data-node": id }, nodeTitle(spot.i));
      g.append(t);
      labels.append(g);
      if (spot.lost > 0) fitLabel(t, id, spot.room);
    }
  }
  // The nodes a response acts at: its lanes' ends and its local hand-overs and receipts.
  function responseNodes(r) {
    const out = [...r.at];
    for (const l of [...r.add, ...r.remove]) out.push(D.lanes[l].from, D.lanes[l].to);
    return out;
  }

  // A label longer than `room` (to the frame, or LABEL_MAX) is cut to fit and ends in "…".
  function fitLabel(t, id, room) {
    const chars = Array.from(id);
    const width = () => t.getComputedTextLength();
    // Not laid out (a hidden frame): cut by characters, about 6.5 units each at 11px.
    const fits = (k) => {
      t.textContent = labelText(chars.slice(0, k).join("") + (k < chars.length ? "…" : ""));
      return width() > 0 ? width() <= room : (k + 1) * 6.5 <= room;
    };
    if (!fits(chars.length)) {
      let lo = 0, hi = chars.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (fits(mid)) lo = mid; else hi = mid - 1;
      }
      fits(lo);
    }
  }

  function showMoves(r) {
    moves.replaceChildren();
    if (!r) return;
    const under = (l) => (hitLane.has(l) ? " under-hit" : "");
    for (const l of r.remove) moves.append(laneLine(l, "remove" + under(l), laneTitle(l) + " (no longer used)"));
    for (const l of r.add) moves.append(laneLine(l, "add" + under(l), laneTitle(l) + ` (${iso(r.id)})`));
    for (const i of r.at) moves.append(ring(i, "act-node", nodeTitle(i) + ` (${iso(r.id)})`));
  }

  function showDisruptions() {
    const list = $("disruptions");
    let shown = 0;
    const more = () => {
      const next = D.disruptions.slice(shown, shown + DISRUPTIONS_SHOWN);
      next.forEach((x, k) => {
        // Reached with Tab and picked with Enter or Space, as with a click.
        const li = el("li", { "data-index": shown + k, tabIndex: 0 }, ...rich(x.text));
        list.append(li);
      });
      shown += next.length;
      $("more-disruptions").hidden = shown >= D.disruptions.length;
      $("more-disruptions").textContent = `show more (${count(D.disruptions.length - shown)} left)`;
    };
    if (!D.disruptions.length) list.append(el("li", {}, "none"));
    more();
    $("more-disruptions").addEventListener("click", more);
    const pick = (li) => {
      const x = D.disruptions[+li.dataset.index];
      for (const o of list.querySelectorAll(".focus")) o.classList.remove("focus");
      li.classList.add("focus");
      focusLayer.replaceChildren();
      for (const l of x.lanes) focusLayer.append(laneLine(l, "hit", x.text));
      for (const i of x.nodes) focusLayer.append(ring(i, x.surge ? "surge-node" : "hit-node", x.text));
      const picked = [...x.nodes, ...x.lanes.flatMap((l) => [D.lanes[l].from, D.lanes[l].to])];
      placeLabels(picked);
      scrollMapTo(picked);
    };
    list.addEventListener("click", (e) => {
      const li = e.target.closest("li[data-index]");
      if (li) pick(li);
    });
    list.addEventListener("keydown", (e) => {
      const li = e.target.closest("li[data-index]");
      if (!li || (e.key !== "Enter" && e.key !== " ")) return;
      e.preventDefault();
      pick(li);
    });
  }

  // ---- the responses -------------------------------------------------------------------
  let filtered = D.responses;
  let shown = 0;
  let focused = null;

  function card(r) {
    const badges = r.approvals.map((a) => el("span", { class: "badge " + a }, a));
    const head = el("header", {},
      el("label", {}, el("input", { type: "checkbox", class: "approve", "data-id": r.id }), " approve"),
      el("strong", {}, `#${r.rank} `, el("bdi", {}, r.id)),
      el("span", { class: "net" }, "net " + money(r.net)),
      el("span", { class: "note" }, r.cost < 0 ? "saves " + money(-r.cost) + " in running costs" : "cost " + money(r.cost)),
      ...badges,
      el("button", { type: "button", class: "reject" }, "reject"),
      el("button", { type: "button", class: "show" }, "show on map"));
    const actions = el("ul", {}, ...r.actions.map(([owner, text]) =>
      el("li", {}, el("span", { class: "badge " + owner }, owner), " ", ...rich(text))));
    const parts = [head, el("p", { class: "tick-note", role: "status", hidden: true }), el("p", {}, ...rich(r.explanation)), actions];
    const links = (label, ids) => {
      if (!ids.length) return null;
      const p = el("p", { class: "note" }, label + " ");
      ids.forEach((id, k) => {
        if (k) p.append(", ");
        // A link, so Tab reaches it and Enter follows it; the click handler goes there.
        p.append(el("a", { href: "#resp-" + id, "data-goto": id }, el("bdi", {}, id)));
      });
      return p;
    };
    parts.push(links("Requires", r.requires), links("Required by", requiredBy.get(r.id) || []));
    // A long card (more than a third of a printed page or so) may break across pages in
    // print; a short one is kept whole.
    const long = r.actions.length > 6 || r.explanation.length > 900;
    return el("article", { class: "resp" + (long ? " long" : ""), id: "resp-" + r.id, "data-id": r.id },
      ...parts.filter(Boolean));
  }

  function showMore() {
    const list = $("responses");
    const next = filtered.slice(shown, shown + PAGE);
    list.append(...next.map(card));
    shown += next.length;
    const left = filtered.length - shown;
    $("more-responses").hidden = left <= 0;
    $("more-responses").textContent = `show ${count(Math.min(left, PAGE))} more (${count(left)} left)`;
    $("shown").textContent = `showing ${count(shown)} of ${count(filtered.length)}` +
      (filtered.length < D.responses.length ? ` matching (${count(D.responses.length)} in all)` : "");
    // What a printout holds: the cards on screen.
    $("printed").textContent = shown < D.responses.length
      ? `Printed: the ${count(shown)} responses shown of ${count(D.responses.length)} (show more on the page before printing to print more).`
      : "";
    showSelection();
  }

  // A search finds a response by its id or its rank as the card writes them ("R12" is R12,
  // not R120; "#12"), by any id it names whole (an order, its destination, a SKU, a node,
  // a lane, a receipt: `terms`), or by words of its label, explanation and actions.
  const found = new Map();
  function findable(r) {
    if (!found.has(r.id)) {
      const ids = new Set([r.id, ...r.terms].map((x) => x.toLowerCase()));
      const text = unmarked([`#${r.rank} ${r.id}`, r.explanation, ...r.actions.map((a) => a[1])].join("\n")).toLowerCase();
      found.set(r.id, { ids, text });
    }
    return found.get(r.id);
  }
  function matches(r, q) {
    if (/^r\d+$/.test(q)) return r.id.toLowerCase() === q;
    if (/^#\d+$/.test(q)) return "#" + r.rank === q;
    const f = findable(r);
    return f.ids.has(q) || f.text.includes(q);
  }
  function filter() {
    const owner = $("owner").value;
    const q = $("search").value.trim().toLowerCase();
    filtered = D.responses.filter((r) => (!owner || r.approvals.includes(owner)) && (!q || matches(r, q)));
    const all = filtered.length === D.responses.length;
    $("tick-matching").hidden = !filtered.length;
    $("tick-matching").textContent = all ? `tick all ${count(filtered.length)}` : `tick the ${count(filtered.length)} matching`;
    shown = 0;
    $("responses").replaceChildren();
    if (!filtered.length) {
      const why = D.responses.length ? "No response matches." : "No responses: nothing to approve.";
      $("responses").append(el("p", { class: "note" }, why));
    }
    showMore();
  }

  function focus(id) {
    focused = id;
    for (const c of document.querySelectorAll("#responses .resp.focus")) c.classList.remove("focus");
    const c = document.getElementById("resp-" + id);
    if (c) c.classList.add("focus");
    const r = byId.get(id);
    showMoves(r);
    const at = r ? responseNodes(r) : [];
    placeLabels(at);
    scrollMapTo(at);
  }

  function wire() {
    const list = $("responses");
    list.addEventListener("change", (e) => {
      const box = e.target.closest("input.approve");
      if (!box) return;
      if (box.checked) tryApprove(box.dataset.id);
      else {
        refused.delete(box.dataset.id);
        unapprove(box.dataset.id);
      }
      showSelection();
    });
    list.addEventListener("click", (e) => {
      const cardEl = e.target.closest(".resp");
      if (!cardEl) return;
      const id = cardEl.dataset.id;
      if (e.target.closest("button.reject")) { reject(id); showSelection(); return; }
      const go = e.target.closest("a[data-goto]");
      if (go) {
        e.preventDefault();
        if (!document.getElementById("resp-" + go.dataset.goto)) {
          $("owner").value = "";
          $("search").value = go.dataset.goto;
          filter();
        }
        focus(go.dataset.goto);
        document.getElementById("resp-" + go.dataset.goto)?.scrollIntoView({ block: "nearest" });
        return;
      }
      if (e.target.closest("input, label")) return;
      focus(id);
      // On a page longer than the screen the map is far above the card: bring it into view,
      // the response's movements drawn on it.
      if (e.target.closest("button.show")) map.scrollIntoView({ behavior: "smooth", block: "start" });
    });
    $("owner").addEventListener("change", filter);
    $("search").addEventListener("input", filter);
    // Ticks every response the filter matches, shown or not, most valuable first, as one
    // tick each would: a rejected one stays rejected, and one that requires a rejected one
    // stays unticked with its card saying why.
    $("tick-matching").addEventListener("click", () => {
      const blocked = blockedAll();
      for (const r of filtered) if (!rejected.has(r.id) && !approved.has(r.id)) tryApprove(r.id, blocked.has(r.id));
      showSelection();
    });
    $("more-responses").addEventListener("click", showMore);
    // The command, reached with Tab, is selected whole: Ctrl+C then copies it.
    $("command").addEventListener("focus", () => getSelection().selectAllChildren($("command")));
  }

  if (restore())
    $("restored").hidden = false;
  drawMap();
  showScrollNote();
  addEventListener("resize", resized);
  showDisruptions();
  wire();
  filter();
  if (D.responses.length) focus(D.responses[0].id);
  performance.mark("recourse-ready");
  document.body.dataset.ready = "1";
})();
