// Tribune's moderators' console: the keyboard map, decisions through the JSON API (with the
// session's CSRF token), bulk decisions, undo, claims on what is shown and live updates.
// No dependencies and no build step; every action also has a button or a form that works
// without this script. The words it shows come from the page (data-msg-* attributes).
(function () {
  'use strict';
  var root = document.getElementById('console');
  if (!root || !root.querySelector('.cards')) return;
  var csrf = root.dataset.csrf;
  var viewer = root.dataset.viewer;
  var pending = root.dataset.view === 'pending';
  // Keys 1-7, in the order the guidelines list them.
  var CATEGORIES = ['profanity', 'vulgarity', 'threat', 'personal_attack', 'identity_abuse',
    'promotion', 'off_topic'];
  var UNDO_MS = 10000;
  var LAST_KEY = 'tribune-console-last';
  // Key-to-next-card times, read by the browser benchmark.
  var timings = window.tribuneTimings = [];
  var selected = new Set();
  var focused = null;
  var newComments = 0;

  // Numbers in the page language's digits, as the server writes them.
  var digits = new Intl.NumberFormat(document.documentElement.lang || undefined);
  function words(name, values) {
    var text = root.dataset['msg' + name] || '';
    Object.keys(values || {}).forEach(function (key) {
      var value = values[key];
      text = text.split('{' + key + '}').join(typeof value === 'number' ? digits.format(value) : String(value));
    });
    return text;
  }
  function decisionWord(decision) {
    return root.dataset['wordsDecision' + camel(decision)] || decision;
  }
  function camel(code) {
    return String(code || '').split('_').map(function (part) {
      return part.charAt(0).toUpperCase() + part.slice(1);
    }).join('');
  }
  function visibleCards() {
    return Array.prototype.slice.call(root.querySelectorAll('.card:not(.done)'));
  }
  function card(id) { return document.getElementById('comment-' + id); }
  function say(text, where) {
    var box = (where && where.querySelector('.card-message')) || document.getElementById('message');
    box.textContent = text;
    box.hidden = !text;
  }
  function refusal(answer) {
    var error = answer.data && answer.data.error;
    return words(camel(error && error.code)) || (error && error.message) || words('Failed');
  }
  function api(method, path, body) {
    return fetch('/api/v1' + path, {
      method: method,
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf },
      body: body ? JSON.stringify(body) : undefined
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        return { ok: response.ok, data: data };
      });
    }, function () { return { ok: false, data: {} }; });
  }

  function focus(target) {
    if (focused) focused.classList.remove('focused');
    focused = target || null;
    if (!focused) return;
    focused.classList.add('focused');
    focused.focus({ preventScroll: true });
    focused.scrollIntoView({ block: 'nearest' });
  }
  function move(step) {
    var list = visibleCards();
    if (!list.length) return;
    var at = list.indexOf(focused);
    focus(list[at < 0 ? 0 : Math.min(list.length - 1, Math.max(0, at + step))]);
  }
  // The card to work on after `done` leaves the screen: the next, else the previous.
  function after(done) {
    var list = visibleCards();
    var at = list.indexOf(done);
    return list[at + 1] || list[at - 1] || null;
  }
  function finish(done) {
    done.classList.add('done');
    done.hidden = true;
    selected.delete(Number(done.dataset.id));
  }
  function screenCleared() {
    if (visibleCards().length) return;
    // The next comments, now that these left the queue (the cursor starts afresh).
    if (pending) location.reload();
  }

  function decide(target, decision, category, started) {
    if (!target || target.dataset.busy || target.dataset.status !== 'pending') return;
    if (decision === 'reject' && !category) {
      say(words('ChooseCategory'), target);
      target.querySelector('select[name=category]').focus();
      return;
    }
    target.dataset.busy = '1';
    var id = Number(target.dataset.id);
    var note = target.querySelector('form.reject input[name=note]');
    var body = { decision: decision };
    if (decision === 'reject') body.category = category;
    if (note && note.value.trim()) body.note = note.value;
    api('POST', '/moderation/comments/' + id + '/decision', body).then(function (answer) {
      delete target.dataset.busy;
      if (!answer.ok) {
        target.classList.add('refused');
        say(refusal(answer), target);
        return;
      }
      var next = after(target);
      finish(target);
      remember(id);
      say(words('Decided'));
      focus(next);
      timings.push(performance.now() - started);
      syncSelection();
      screenCleared();
    });
  }

  function remember(id) {
    try { sessionStorage.setItem(LAST_KEY, JSON.stringify({ id: id, at: Date.now() })); } catch (e) { /* private mode */ }
  }
  function undo() {
    var last = null;
    try { last = JSON.parse(sessionStorage.getItem(LAST_KEY) || 'null'); } catch (e) { last = null; }
    if (!last || Date.now() - last.at > UNDO_MS) {
      say(words(last ? 'UndoExpired' : 'NothingToUndo'));
      return;
    }
    api('POST', '/moderation/comments/' + last.id + '/undo').then(function (answer) {
      if (!answer.ok) { say(refusal(answer)); return; }
      try { sessionStorage.removeItem(LAST_KEY); } catch (e) { /* private mode */ }
      var back = card(last.id);
      if (!back) { location.reload(); return; }
      back.hidden = false;
      back.classList.remove('done');
      say(words('Undone'));
      focus(back);
    });
  }

  function syncSelection() {
    root.querySelectorAll('.card input.select').forEach(function (box) {
      box.checked = selected.has(Number(box.value));
    });
    document.getElementById('selected-count').textContent = digits.format(selected.size);
  }
  function toggle(target) {
    if (!target || target.dataset.status !== 'pending') return;
    var id = Number(target.dataset.id);
    if (selected.has(id)) selected.delete(id); else selected.add(id);
    syncSelection();
  }
  function selectAlike(target) {
    if (!target) return;
    target.dataset.alike.split(' ').filter(Boolean).forEach(function (id) { selected.add(Number(id)); });
    syncSelection();
  }
  // The category for "reject the selection": the bulk form's, else the one the engine named
  // for every selected comment on screen.
  function bulkCategory(ids) {
    var chosen = document.getElementById('bulk-category').value;
    if (chosen) return chosen;
    var named = ids.map(function (id) { var c = card(id); return c ? c.dataset.suggested : ''; });
    var first = named[0] || '';
    return named.every(function (c) { return c === first; }) ? first : '';
  }
  function bulk(decision) {
    var ids = Array.from(selected);
    if (!ids.length) { say(words('NoSelection')); return; }
    var body = { ids: ids, decision: decision };
    if (decision === 'reject') {
      body.category = bulkCategory(ids);
      if (!body.category) {
        say(words('ChooseCategory'));
        document.getElementById('bulk-category').focus();
        return;
      }
    }
    var note = document.querySelector('#bulk input[name=note]').value;
    if (note.trim()) body.note = note;
    api('POST', '/moderation/decisions', body).then(function (answer) {
      if (!answer.ok) { say(refusal(answer)); return; }
      var refused = 0;
      answer.data.results.forEach(function (result) {
        var target = card(result.id);
        if (result.outcome === 'decided') {
          if (target) finish(target);
        } else {
          refused += 1;
          if (target) say(words(camel(result.outcome)), target);
        }
      });
      selected.clear();
      syncSelection();
      say(words('BulkDone', { decided: answer.data.decided, refused: refused }));
      if (!focused || focused.classList.contains('done')) focus(visibleCards()[0]);
      screenCleared();
    });
  }

  // What `r` rejects as: the engine's category, else the one chosen in the card's control.
  function chosenCategory(target) {
    if (!target) return '';
    var select = target.querySelector('form.reject select[name=category]');
    return target.dataset.suggested || (select ? select.value : '');
  }
  function toggleHistory(target) {
    var details = target && target.querySelector('details.history');
    if (details) details.open = !details.open;
  }
  function openArticle(target) {
    if (target) window.open(target.dataset.article, '_blank', 'noopener');
  }
  function toggleKeys() {
    var dialog = document.getElementById('keys');
    if (dialog.open) dialog.close(); else dialog.showModal();
  }

  document.addEventListener('keydown', function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    var target = event.target;
    var typing = target && /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName);
    if (event.key === 'Escape') {
      if (typing) target.blur();
      return;
    }
    if (typing) return;
    // While the key map is open, only `?` (and Esc) act.
    if (document.getElementById('keys').open && event.key !== '?') return;
    var started = performance.now();
    var key = event.key;
    if (key >= '1' && key <= '7') {
      decide(focused, 'reject', CATEGORIES[Number(key) - 1], started);
    } else if (key === 'j') move(1);
    else if (key === 'k') move(-1);
    else if (key === 'a') decide(focused, 'approve', null, started);
    else if (key === 'r') decide(focused, 'reject', chosenCategory(focused), started);
    else if (key === 'x') toggle(focused);
    else if (key === 'A') bulk('approve');
    else if (key === 'R') bulk('reject');
    else if (key === 's') selectAlike(focused);
    else if (key === 'h') toggleHistory(focused);
    else if (key === 'o') openArticle(focused);
    else if (key === 'u') undo();
    else if (key === '/') document.getElementById('search').focus();
    else if (key === '?') toggleKeys();
    else return;
    event.preventDefault();
  });

  // The buttons do what the keys do.
  root.addEventListener('submit', function (event) {
    var form = event.target;
    var target = form.closest('.card');
    var started = performance.now();
    if (target && form.classList.contains('approve')) {
      event.preventDefault();
      decide(target, 'approve', null, started);
    } else if (target && form.classList.contains('reject')) {
      event.preventDefault();
      decide(target, 'reject', form.querySelector('select[name=category]').value, started);
    } else if (form.id === 'bulk') {
      event.preventDefault();
      bulk(event.submitter && event.submitter.value === 'reject' ? 'reject' : 'approve');
    }
  });
  root.addEventListener('click', function (event) {
    var button = event.target.closest('[data-action]');
    if (!button) return;
    var target = button.closest('.card');
    if (target) focus(target);
    if (button.dataset.action === 'alike') selectAlike(target);
    else if (button.dataset.action === 'keys') toggleKeys();
  });
  root.addEventListener('change', function (event) {
    if (!event.target.classList.contains('select')) return;
    var id = Number(event.target.value);
    if (event.target.checked) selected.add(id); else selected.delete(id);
    syncSelection();
  });
  root.addEventListener('focusin', function (event) {
    var target = event.target.closest && event.target.closest('.card');
    if (target && target !== focused) focus(target);
  });

  // Claim what is shown; give it back on leaving.
  var shown = visibleCards().filter(function (c) { return c.dataset.status === 'pending'; })
    .map(function (c) { return Number(c.dataset.id); });
  if (pending && shown.length) {
    api('POST', '/moderation/claim', { ids: shown, minutes: 15 }).then(function (answer) {
      root.dataset.claimed = answer.ok ? 'yes' : 'no';
      if (!answer.ok) return;
      var mine = new Set(answer.data.comments.map(function (c) { return c.id; }));
      shown.forEach(function (id) {
        if (mine.has(id)) return;
        var target = card(id);
        if (target) { target.classList.add('claimed'); say(words('ClaimedByOther'), target); }
      });
    });
    window.addEventListener('pagehide', function () {
      var form = new URLSearchParams();
      form.set('csrf', csrf);
      form.set('ids', shown.join(' '));
      navigator.sendBeacon('/moderation/release', form);
    });
  }

  // Live: new comments and others' decisions, from the database through any node.
  if (window.EventSource) {
    var live = document.getElementById('live');
    var source = new EventSource('/moderation/events?after=' + encodeURIComponent(root.dataset.after));
    source.addEventListener('decisions', function (event) {
      JSON.parse(event.data).forEach(function (decision) {
        var target = card(decision.comment_id);
        if (decision.decision === 'review' && decision.actor !== viewer) {
          if (!target) newComments += 1;
        } else if (decision.actor !== viewer && target && !target.classList.contains('done')) {
          // The server still has the last word: a key pressed on it is refused with why.
          target.classList.add('stale');
          // A refusal already shown on the card says more; it stays.
          if (target.querySelector('.card-message').hidden) {
            say(words('DecidedMeanwhile', { actor: decision.actor, decision: decisionWord(decision.decision) }), target);
          }
        }
      });
      if (newComments) live.textContent = words('NewComments', { n: newComments });
    });
    window.addEventListener('pagehide', function () { source.close(); });
  }

  focus(visibleCards()[0]);
  window.tribuneReady = true;
})();
