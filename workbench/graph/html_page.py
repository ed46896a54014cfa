"""The page template and script of the interactive HTML view (see html.py).

The script draws on a canvas, reads its data from the JSON element `graph-data`, and
writes text only through `textContent`. It loads nothing.
"""

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy"
 content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>@TITLE@</title>
<style>
html,body{margin:0;height:100%;font:13px/1.4 system-ui,sans-serif;color:#222}
header{padding:6px 10px;border-bottom:1px solid #ddd}
h1{font-size:16px;margin:0 0 4px 0}
#main{display:flex;height:calc(100% - 64px)}
canvas{flex:1;min-width:0;background:#fcfcfc;cursor:grab}
aside{width:320px;overflow:auto;border-left:1px solid #ddd;padding:8px}
#tip{position:fixed;pointer-events:none;background:#fff;border:1px solid #999;
 padding:2px 6px;display:none}
.sw{display:inline-block;width:10px;height:10px;border-radius:5px;margin-right:4px}
.ln{display:inline-block;width:28px;margin-right:4px;vertical-align:middle}
li{margin:2px 0} ul{padding-left:16px}
</style></head><body>
<header><h1>@TITLE@</h1><span>@COUNTS@</span> ·
<label>colour by <select id="colour"><option value="role">role</option>
<option value="country">country</option></select></label>
<label><input type="checkbox" id="hyp" checked> show hypotheses</label>
<input id="search" placeholder="find an entity" size="24"></header>
<div id="main"><canvas id="c"></canvas>
<aside><div id="legend"></div><hr><div id="info">Click a node or an edge.</div></aside></div>
<div id="tip"></div>
<script type="application/json" id="graph-data">@DATA@</script>
<script>@SCRIPT@</script>
</body></html>
"""

SCRIPT = r"""
(function () {
"use strict";
var D = JSON.parse(document.getElementById("graph-data").textContent);
var N = D.nodes, E = D.edges, S = D.strengths;
var cv = document.getElementById("c"), cx = cv.getContext("2d");
var tip = document.getElementById("tip"), info = document.getElementById("info");
var scale = 1, ox = 0, oy = 0, R = 1, mode = "role", showHyp = true, sel = null;
function el(tag, text, parent) {
  var e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (parent) parent.appendChild(e);
  return e;
}
function sx(n) { return n[5] * R * scale + ox; }
function sy(n) { return n[6] * R * scale + oy; }
function resize() {
  var d = window.devicePixelRatio || 1, w = cv.clientWidth, h = cv.clientHeight;
  cv.width = w * d; cv.height = h * d;
  cx.setTransform(d, 0, 0, d, 0, 0);
  R = Math.min(w, h) / 2.2; ox = w / 2; oy = h / 2;
  draw();
}
function draw() {
  var w = cv.clientWidth, h = cv.clientHeight;
  cx.clearRect(0, 0, w, h);
  for (var s = 0; s < S.length; s++) {
    if (s === 0 && !showHyp) continue;
    var st = D.edgeStyles[S[s]];
    cx.beginPath();
    for (var i = 0; i < E.length; i++) {
      var e = E[i];
      if (e[3] !== s) continue;
      var a = N[e[0]], b = N[e[1]];
      cx.moveTo(sx(a), sy(a)); cx.lineTo(sx(b), sy(b));
    }
    cx.lineWidth = st.width; cx.setLineDash(st.dash); cx.strokeStyle = st.colour;
    cx.globalAlpha = 0.7; cx.stroke();
    if (E.length <= 3000) arrows(s, st.colour);
  }
  cx.setLineDash([]); cx.globalAlpha = 1;
  var r = N.length > 5000 ? 2 : 5, labels = N.length <= 150 || scale > 4;
  for (var j = 0; j < N.length; j++) {
    var n = N[j], x = sx(n), y = sy(n);
    if (x < -10 || y < -10 || x > w + 10 || y > h + 10) continue;
    cx.beginPath(); cx.arc(x, y, n[2] === "site" ? r + 2 : r, 0, 6.2832);
    cx.fillStyle = mode === "role" ? n[7] : n[8]; cx.fill();
    if (sel && sel.node === j) { cx.lineWidth = 2; cx.strokeStyle = "#000"; cx.stroke(); }
    if (labels) { cx.fillStyle = "#222"; cx.fillText(n[1], x + r + 2, y + 3); }
  }
}
function arrows(s, colour) {
  cx.beginPath();
  for (var i = 0; i < E.length; i++) {
    var e = E[i];
    if (e[3] !== s) continue;
    var ax = sx(N[e[0]]), ay = sy(N[e[0]]), bx = sx(N[e[1]]), by = sy(N[e[1]]);
    var a = Math.atan2(by - ay, bx - ax), tx = bx - 7 * Math.cos(a), ty = by - 7 * Math.sin(a);
    cx.moveTo(tx, ty);
    cx.lineTo(tx - 8 * Math.cos(a - 0.4), ty - 8 * Math.sin(a - 0.4));
    cx.lineTo(tx - 8 * Math.cos(a + 0.4), ty - 8 * Math.sin(a + 0.4));
    cx.closePath();
  }
  cx.setLineDash([]); cx.fillStyle = colour; cx.fill();
}
function nearestNode(x, y) {
  var best = -1, bd = 64;
  for (var i = 0; i < N.length; i++) {
    var dx = sx(N[i]) - x, dy = sy(N[i]) - y, d = dx * dx + dy * dy;
    if (d < bd) { bd = d; best = i; }
  }
  return best;
}
function nearestEdge(x, y) {
  var best = -1, bd = 25;
  for (var i = 0; i < E.length; i++) {
    var e = E[i];
    if (e[3] === 0 && !showHyp) continue;
    var ax = sx(N[e[0]]), ay = sy(N[e[0]]), bx = sx(N[e[1]]), by = sy(N[e[1]]);
    var dx = bx - ax, dy = by - ay, L = dx * dx + dy * dy;
    var t = L ? ((x - ax) * dx + (y - ay) * dy) / L : 0;
    t = Math.max(0, Math.min(1, t));
    var px = ax + t * dx - x, py = ay + t * dy - y, d = px * px + py * py;
    if (d < bd) { bd = d; best = i; }
  }
  return best;
}
function edgeText(e) {
  return N[e[0]][1] + " — " + D.kinds[e[2]] + " → " + N[e[1]][1] +
    " [" + S[e[3]] + ", " + e[4] + " evidence]";
}
function showNode(i) {
  var n = N[i], k = 0;
  info.textContent = "";
  el("h3", n[1], info);
  el("div", n[2] + (n[3] ? " · " + n[3] : "") + (n[4] ? " · " + n[4].toUpperCase() : ""), info);
  el("div", "id " + n[0], info);
  var ul = el("ul", undefined, info);
  for (var j = 0; j < E.length && k < 200; j++) {
    if (E[j][0] === i || E[j][1] === i) { el("li", edgeText(E[j]), ul); k++; }
  }
}
function showEdge(i) {
  var e = E[i];
  info.textContent = "";
  el("h3", D.kinds[e[2]], info);
  el("div", N[e[0]][1] + " → " + N[e[1]][1], info);
  el("div", "evidence: " + S[e[3]] +
    (e[3] === 0 ? " (no evidence: a hypothesis)" : ", " + e[4] + " piece(s)"), info);
  el("div", "edge " + e[5], info);
  if (e[6]) {
    var ul = el("ul", undefined, info);
    e[6].split(" ").forEach(function (u) { el("li", u, ul); });
  }
}
function swatch(ul, cls, text, style) {
  var li = el("li", "", ul), s = el("span", "", li);
  s.className = cls;
  Object.keys(style).forEach(function (k) { s.style[k] = style[k]; });
  li.appendChild(document.createTextNode(text));
}
function legend() {
  var L = document.getElementById("legend"), ul;
  L.textContent = "";
  el("b", "Organisations by role", L); ul = el("ul", undefined, L);
  Object.keys(D.roleColours).forEach(function (k) {
    swatch(ul, "sw", k, { background: D.roleColours[k] });
  });
  el("b", "Other entities", L); ul = el("ul", undefined, L);
  Object.keys(D.kindColours).forEach(function (k) {
    swatch(ul, "sw", k, { background: D.kindColours[k] });
  });
  el("b", "Edges by evidence", L); ul = el("ul", undefined, L);
  S.forEach(function (k) {
    var st = D.edgeStyles[k];
    var line = st.width + "px " + (st.dash.length ? "dashed " : "solid ") + st.colour;
    swatch(ul, "ln", k, { borderTop: line });
  });
}
var drag = null;
cv.addEventListener("mousedown", function (ev) {
  drag = { x: ev.offsetX, y: ev.offsetY, ox: ox, oy: oy, moved: false };
});
window.addEventListener("mouseup", function (ev) {
  if (drag && !drag.moved) {
    var i = nearestNode(ev.offsetX, ev.offsetY), j = -1;
    if (i >= 0) { sel = { node: i }; showNode(i); }
    else if ((j = nearestEdge(ev.offsetX, ev.offsetY)) >= 0) { sel = { edge: j }; showEdge(j); }
    draw();
  }
  drag = null;
});
cv.addEventListener("mousemove", function (ev) {
  if (drag) {
    var dx = ev.offsetX - drag.x, dy = ev.offsetY - drag.y;
    if (Math.abs(dx) + Math.abs(dy) > 3) drag.moved = true;
    ox = drag.ox + dx; oy = drag.oy + dy; draw();
    return;
  }
  var i = nearestNode(ev.offsetX, ev.offsetY);
  if (i < 0) { tip.style.display = "none"; return; }
  tip.textContent = N[i][1];
  tip.style.left = ev.clientX + 12 + "px"; tip.style.top = ev.clientY + 12 + "px";
  tip.style.display = "block";
});
cv.addEventListener("wheel", function (ev) {
  ev.preventDefault();
  var f = ev.deltaY < 0 ? 1.2 : 1 / 1.2;
  ox = ev.offsetX - (ev.offsetX - ox) * f; oy = ev.offsetY - (ev.offsetY - oy) * f;
  scale *= f; draw();
}, { passive: false });
document.getElementById("colour").addEventListener("change", function (ev) {
  mode = ev.target.value; draw();
});
document.getElementById("hyp").addEventListener("change", function (ev) {
  showHyp = ev.target.checked; draw();
});
document.getElementById("search").addEventListener("change", function (ev) {
  var q = ev.target.value.toLowerCase();
  if (!q) return;
  for (var i = 0; i < N.length; i++) {
    if (N[i][1].toLowerCase().indexOf(q) < 0 && N[i][0] !== q) continue;
    sel = { node: i }; showNode(i); scale = Math.max(scale, 3);
    ox = cv.clientWidth / 2 - N[i][5] * R * scale;
    oy = cv.clientHeight / 2 - N[i][6] * R * scale;
    draw();
    return;
  }
});
window.addEventListener("resize", resize);
legend(); resize();
})();
"""
