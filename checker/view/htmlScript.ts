/**
 * The trace page's inline script: selection (click a step, or j/k, ArrowDown/ArrowUp, Home/End;
 * hovering a step's box previews it),
 * the state panel (the selected step's doc, the locks every thread holds, the whole state with
 * what the step changed highlighted) and `#step-N` links. It reads the view from the page's
 * `<script type="application/json" id="hmmcheck-trace">` and builds nodes with textContent only.
 *
 * Kept as plain ES2020 in a String.raw string (so no `${…}` placeholders in it; backslashes stay
 * as written) because the page carries it inline; the end-to-end test (test/e2e/viewer.e2e.test.ts) runs it in Chromium.
 */
export const HTML_SCRIPT = String.raw`
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('hmmcheck-trace').textContent);
  // The step's source links, as the page rendered them (escaped, from the model's citations).
  function sourceLinksOf(i) {
    var src = stepRows[i] && stepRows[i].querySelector('.src');
    return src ? src.cloneNode(true) : null;
  }
  var view = data.view, colors = data.colors;
  var stepRows = Array.prototype.slice.call(document.querySelectorAll('[data-testid="step"]'));
  var panel = document.querySelector('[data-testid="state-panel"]');
  var last = view.steps.length - 1;
  var current = -1;

  function h(tag, attrs, children) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === 'text') e.textContent = attrs[k];
      else if (k === 'style') e.style.cssText = attrs[k];
      else e.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { if (c) e.appendChild(typeof c === 'string' ? document.createTextNode(c) : c); });
    return e;
  }

  function laneName(id) {
    var lane = view.lanes.find(function (l) { return l.id === id; });
    return lane && lane.environment ? 'environment' : id;
  }

  function verdictNote(step) {
    if (view.violationStep !== step.index) return null;
    var text = view.propertyKind === 'invariant' ? '✗ invariant ' + view.property + ' is violated in this state'
      : view.propertyKind === 'action' ? '✗ action property ' + view.property + ' is violated by this step'
      : view.propertyKind === 'deadlock' ? '✗ deadlock: no step is enabled after this one'
      : view.propertyKind === 'error' ? '✗ the model failed in a successor of this state'
      : '✗ ' + view.property + ' is violated' + (view.loop === undefined ? ''
        : view.loop === last ? ': this state repeats forever (stuttering)'
        : ': after this step the behaviour is back in ' + (view.loop === 0 ? 'the initial state' : 'the state after step ' + view.loop) + ', and steps ' + (view.loop + 1) + ' to ' + last + ' repeat forever');
    return h('div', { 'class': 'bad-note', 'data-testid': 'violation-note', text: text + (view.propertyDoc ? ' — ' + view.propertyDoc : '') });
  }

  function holdsList(step) {
    // A trace of an unknown model has variable lanes, which hold no locks.
    if (view.unknownModel !== undefined) return null;
    var items = view.lanes.filter(function (l) { return !l.environment; }).map(function (l) {
      var held = step.holds[l.id] || [];
      var chips = held.length ? held.map(function (x) {
        return h('span', { 'class': 'chip', style: '--lock:' + colors.locks[x.lock], title: x.path, text: (x.waits ? 'waits ' : '') + x.path });
      }) : [h('span', { 'class': 'none', text: 'nothing' })];
      return h('li', { style: '--lane:' + colors.lanes[l.id] }, [h('span', { 'class': 'who', text: l.id })].concat(chips));
    });
    return h('ul', { 'class': 'holds-list', 'data-testid': 'holds' }, items);
  }

  function stateTable(step) {
    var changed = {};
    step.changes.forEach(function (c) { changed[c.path] = c; });
    var paths = Object.keys(changed);
    var leaf = 0;
    var firstChanged = null;
    var rows = view.rows.map(function (r) {
      var pad = 'padding-left:' + (6 + r.depth * 14) + 'px';
      if (!r.leaf) {
        var inner = paths.some(function (p) { return p.indexOf(r.path + '.') === 0 || p.indexOf(r.path + '[') === 0; });
        var cls = 'group' + (r.thread && r.depth === 0 ? ' thread' : '') + (inner ? ' has-change' : '');
        var attrs = { 'class': cls, 'data-testid': 'state-row', 'data-path': r.path };
        if (r.thread) attrs.style = '--lane:' + colors.lanes[r.thread];
        return h('tr', attrs, [h('td', { 'class': 'name', colspan: '2', style: pad, text: r.name })]);
      }
      var value = step.values[leaf++];
      var c = changed[r.path];
      var cell = c ? h('td', { 'class': 'value' }, [h('span', { 'class': 'before', text: c.before }), h('span', { 'class': 'arrow', text: '→' }), value])
        : h('td', { 'class': 'value', text: value });
      var tr = h('tr', { 'class': 'leaf' + (c ? ' changed' : ''), 'data-testid': 'state-row', 'data-path': r.path }, [h('td', { 'class': 'name', style: pad, text: r.name }), cell]);
      if (c) { tr.setAttribute('data-changed', 'true'); if (!firstChanged) firstChanged = tr; }
      return tr;
    });
    return { table: h('table', { 'class': 'state', 'data-testid': 'state-table' }, rows), firstChanged: firstChanged };
  }

  function render(i) {
    var step = view.steps[i];
    var lane = step.lane;
    var title = h('h2', { 'data-testid': 'panel-title' }, [
      'Step ' + i,
      lane !== null ? h('span', { 'class': 'lane-pill', style: '--lane:' + colors.lanes[lane], text: laneName(lane) }) : null,
      h('span', { 'class': 'label', style: lane !== null ? '--lane:' + colors.lanes[lane] : '', text: step.label })
    ]);
    var prev = h('button', { type: 'button', 'data-testid': 'prev', title: 'previous step (k, ↑)', text: '↑ previous' });
    var next = h('button', { type: 'button', 'data-testid': 'next', title: 'next step (j, ↓)', text: 'next ↓' });
    prev.disabled = i === 0; next.disabled = i === last;
    prev.onclick = function () { select(i - 1, true); };
    next.onclick = function () { select(i + 1, true); };
    var jumps = [];
    if (step.jump) jumps.push('continues at ' + step.jump);
    if (step.finishes) jumps.push('the thread finishes');
    var n = step.changes.length;
    var t = stateTable(step);
    var head = h('div', { 'class': 'panel-head' }, [
      title,
      h('div', { 'class': 'doc', 'data-testid': 'panel-doc', text: (step.doc || step.action) + (jumps.length ? ' (' + jumps.join('; ') + ')' : '') }),
      sourceLinksOf(i),
      verdictNote(step),
      h('div', { 'class': 'nav' }, [prev, next, h('span', { text: i + ' / ' + last })])
    ]);
    panel.replaceChildren.apply(panel, [
      head,
      view.unknownModel === undefined ? h('h3', { text: 'Locks held after this step' }) : null,
      holdsList(step),
      h('h3', { text: (i === 0 ? 'Initial state' : 'State after step ' + i) + (i > 0 ? ' · ' + n + ' change' + (n === 1 ? '' : 's') + ' highlighted' : '') }),
      t.table
    ].filter(Boolean));
    panel.setAttribute('data-step', String(i));
    // The head stays on top while the state scrolls under it; rows scrolled to must clear it.
    panel.style.setProperty('--panel-head-h', head.getBoundingClientRect().height + 'px');
    if (t.firstChanged) {
      var pr = panel.getBoundingClientRect(), rr = t.firstChanged.getBoundingClientRect();
      var top = pr.top + head.getBoundingClientRect().height;
      if (rr.top < top || rr.bottom > pr.bottom) t.firstChanged.scrollIntoView({ block: 'nearest' });
    }
  }

  // Hovering a step's box previews its state after a short pause; leaving the box shows the selection again.
  var previewing = -1, hoverTimer = 0;
  function preview(i) {
    clearTimeout(hoverTimer);
    hoverTimer = setTimeout(function () {
      if (i === current) return;
      previewing = i;
      render(i);
      panel.setAttribute('data-preview', 'true');
    }, 180);
  }
  function endPreview() {
    clearTimeout(hoverTimer);
    if (previewing < 0) return;
    previewing = -1;
    panel.removeAttribute('data-preview');
    render(current);
  }

  function select(i, scroll) {
    if (i < 0 || i > last) return;
    if (previewing >= 0) { previewing = -1; panel.removeAttribute('data-preview'); if (i === current) render(i); }
    clearTimeout(hoverTimer);
    if (i === current) return;
    if (current >= 0) { stepRows[current].classList.remove('selected'); stepRows[current].removeAttribute('aria-current'); }
    current = i;
    stepRows[i].classList.add('selected');
    stepRows[i].setAttribute('aria-current', 'step');
    render(i);
    if (scroll) stepRows[i].scrollIntoView({ block: 'nearest' });
    if (history.replaceState) history.replaceState(null, '', '#step-' + i);
  }

  // Rows scrolled to must clear the sticky lane header, whose height depends on its lock legends.
  var head = document.querySelector('.row.head');
  function measureHead() { if (head) document.documentElement.style.setProperty('--head-h', head.getBoundingClientRect().height + 'px'); }
  measureHead();
  window.addEventListener('resize', measureHead);

  stepRows.forEach(function (row, i) {
    row.addEventListener('click', function () { select(i, false); });
    var box = row.querySelector('[data-testid="step-box"], .init-box');
    if (box) {
      box.addEventListener('mouseenter', function () { preview(i); });
      box.addEventListener('mouseleave', endPreview);
    }
  });

  document.addEventListener('keydown', function (e) {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    var tag = e.target && e.target.tagName;
    if (tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT') return;
    var to = null;
    if (e.key === 'ArrowDown' || e.key === 'j') to = current + 1;
    else if (e.key === 'ArrowUp' || e.key === 'k') to = current - 1;
    else if (e.key === 'Home' || e.key === 'g') to = 0;
    else if (e.key === 'End' || e.key === 'G') to = last;
    if (to === null) return;
    e.preventDefault();
    select(Math.max(0, Math.min(last, to)), true);
  });

  var m = /^#step-(\d+)$/.exec(location.hash);
  select(m ? Math.min(last, Number(m[1])) : 0, false);
  if (m) stepRows[current].scrollIntoView({ block: 'nearest' });
})();
`;
