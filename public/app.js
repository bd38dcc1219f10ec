/* global document, window, EventSource */
// IntegralGit pages: times in the viewer's zone, confirmations, and the live deployment log.
// Loaded with `defer` from /static (the CSP allows no inline script). Never uses innerHTML:
// everything from the server is placed with textContent.
(function () {
  'use strict';

  var UNITS = [['year', 31536000], ['month', 2592000], ['day', 86400], ['hour', 3600], ['min', 60], ['s', 1]];

  function relative(ms) {
    var seconds = Math.round((Date.now() - ms) / 1000);
    var abs = Math.abs(seconds);
    if (abs < 5) return 'just now';
    for (var i = 0; i < UNITS.length; i++) {
      var unit = UNITS[i][0];
      var size = UNITS[i][1];
      if (abs >= size) {
        var n = Math.floor(abs / size);
        var word = unit === 'min' || unit === 's' ? unit : n === 1 ? unit : unit + 's';
        return seconds >= 0 ? n + ' ' + word + ' ago' : 'in ' + n + ' ' + word;
      }
    }
    return 'just now';
  }

  var localFormat = new Intl.DateTimeFormat(undefined, {
    year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit', timeZoneName: 'short',
  });

  function utc(ms) {
    return new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
  }

  function renderTimes() {
    var nodes = document.querySelectorAll('time[data-time]');
    for (var i = 0; i < nodes.length; i++) {
      var el = nodes[i];
      var ms = Date.parse(el.getAttribute('datetime'));
      if (isNaN(ms)) continue;
      var local = localFormat.format(new Date(ms));
      if (el.getAttribute('data-time') === 'abs') {
        el.textContent = local;
        el.title = utc(ms);
      } else {
        el.textContent = relative(ms);
        el.title = local + '\n' + utc(ms);
      }
    }
  }

  function confirmForms() {
    var forms = document.querySelectorAll('form[data-confirm]');
    for (var i = 0; i < forms.length; i++) {
      forms[i].addEventListener('submit', function (ev) {
        if (!window.confirm(this.getAttribute('data-confirm'))) ev.preventDefault();
      });
    }
  }

  var STREAMS = { stdout: true, stderr: true, system: true };
  var STATUSES = { queued: true, running: true, succeeded: true, failed: true, skipped: true };

  function field(name) {
    return document.querySelector('[data-field="' + name + '"]');
  }

  function headline(d) {
    if (d.status === 'succeeded') return d.commit ? 'Deployed ' + d.commit.slice(0, 10) + ' successfully.' : 'Succeeded.';
    if (d.status === 'skipped') return 'Nothing was deployed.';
    if (d.status === 'failed') {
      if (d.signal) return 'The deployment failed: the script was killed by ' + d.signal + '.';
      if (d.exitCode !== null && d.exitCode !== 0) return 'The deployment failed: the script exited with code ' + d.exitCode + '.';
      return 'The deployment failed.';
    }
    return d.status;
  }

  function duration(ms) {
    if (ms === null || ms === undefined) return '—';
    if (ms < 1000) return Math.round(ms) + ' ms';
    if (ms < 60000) return (ms / 1000).toFixed(1) + ' s';
    var s = Math.round(ms / 1000);
    return Math.floor(s / 60) + ' min ' + String(s % 60).padStart(2, '0') + ' s';
  }

  var elapsedTimer = null;

  // a running deployment's duration counts up each second until its end event
  function elapsed() {
    var dur = field('duration');
    var since = dur && Date.parse(dur.getAttribute('data-since') || '');
    if (!dur || !since || isNaN(since)) return;
    var show = function () {
      dur.textContent = duration(Math.max(0, Date.now() - since)) + ' so far';
    };
    show();
    elapsedTimer = window.setInterval(show, 1000);
  }

  function finished(d) {
    if (elapsedTimer !== null) window.clearInterval(elapsedTimer);
    elapsedTimer = null;
    var status = STATUSES[d.status] ? d.status : 'failed';
    var pill = document.querySelector('[data-field="status"] .pill');
    if (pill) {
      pill.className = 'pill pill-' + status;
      pill.textContent = status;
    }
    var box = field('explanation');
    if (box) box.className = 'explain explain-' + status;
    var h = field('headline');
    if (h) h.textContent = headline(d);
    var detail = field('detail');
    var text = d.error || d.skipReason;
    if (detail && text) {
      detail.textContent = text;
      detail.hidden = false;
    }
    var dur = field('duration');
    if (dur) dur.textContent = duration(d.durationMs);
    var exit = field('exit');
    if (exit) exit.textContent = d.signal ? 'killed by ' + d.signal : d.exitCode !== null ? 'code ' + d.exitCode : '—';
    var fin = field('finishedAt');
    if (fin && d.finishedAt) {
      var t = document.createElement('time');
      t.setAttribute('datetime', d.finishedAt);
      t.setAttribute('data-time', 'abs');
      fin.textContent = '';
      fin.appendChild(t);
    }
    var live = field('live');
    if (live) live.hidden = true;
    document.title = document.title.replace(/^Deployment/, '[' + status + '] Deployment');
    renderTimes();
  }

  function liveLog() {
    var log = document.getElementById('log');
    if (!log || !log.getAttribute('data-events') || typeof EventSource === 'undefined') return;
    var lastSeq = Number(log.getAttribute('data-after')) || 0;
    var source = new EventSource(log.getAttribute('data-events') + '?after=' + lastSeq);
    source.addEventListener('log', function (ev) {
      var chunk = JSON.parse(ev.data);
      if (chunk.seq <= lastSeq) return;
      lastSeq = chunk.seq;
      var steps = field('steps');
      if (steps && chunk.stream === 'system') {
        var li = document.createElement('li');
        li.textContent = chunk.text.replace(/\n+$/, '');
        steps.appendChild(li);
      }
      var atBottom = log.scrollTop + log.clientHeight >= log.scrollHeight - 40;
      var span = document.createElement('span');
      span.className = 'log-' + (STREAMS[chunk.stream] ? chunk.stream : 'stdout');
      span.setAttribute('data-seq', String(chunk.seq));
      span.textContent = chunk.text;
      log.appendChild(span);
      var empty = field('log-empty');
      if (empty) empty.hidden = true;
      if (atBottom) log.scrollTop = log.scrollHeight;
    });
    source.addEventListener('end', function (ev) {
      source.close();
      var d = JSON.parse(ev.data);
      if (d) finished(d);
    });
  }

  function setPill(holder, status, label) {
    var pill = holder && holder.querySelector('.pill');
    if (!pill) return;
    pill.className = 'pill pill-' + (STATUSES[status] ? status : 'none');
    pill.textContent = label || status;
  }

  function deploymentRow(href, d) {
    var li = document.createElement('li');
    li.className = 'deploy-row live-new';
    li.setAttribute('data-id', String(d.id));
    var main = document.createElement('div');
    main.className = 'deploy-main';
    var pillLink = document.createElement('a');
    pillLink.className = 'pill-link';
    pillLink.href = href;
    var pill = document.createElement('span');
    pill.className = 'pill';
    pillLink.appendChild(pill);
    var id = document.createElement('a');
    id.className = 'deploy-id';
    id.href = href;
    id.textContent = '#' + d.id;
    var trigger = document.createElement('span');
    trigger.className = 'meta-item tag ' + (d.trigger === 'config' ? 'tag-config' : 'tag-trigger');
    trigger.textContent = d.trigger === 'config' ? 'config change' : d.trigger;
    main.appendChild(pillLink);
    main.appendChild(document.createTextNode(' '));
    main.appendChild(id);
    main.appendChild(document.createTextNode(' '));
    main.appendChild(trigger);
    li.appendChild(main);
    setPill(li, d.status);
    return li;
  }

  // the index and the repo page: status pills, queue and new deployments as they happen
  function liveRepos() {
    var root = document.querySelector('[data-repo-events]');
    if (!root || typeof EventSource === 'undefined') return;
    var source = new EventSource(root.getAttribute('data-repo-events'));
    source.addEventListener('repo', function (ev) {
      var s = JSON.parse(ev.data);
      var scopes = document.querySelectorAll('[data-live-repo]');
      for (var i = 0; i < scopes.length; i++) {
        var scope = scopes[i];
        if (scope.getAttribute('data-live-repo') !== s.repo) continue;
        var queue = scope.querySelector('[data-field="queue"]');
        if (queue) queue.textContent = s.queueDepth === 0 ? 'empty' : s.queueDepth + ' waiting';
        if (!s.last) continue;
        var href = scope.getAttribute('data-repo-href') + '/deployments/' + s.last.id;
        var pillLink = scope.querySelector('[data-field="last-pill"]');
        if (pillLink) {
          setPill(pillLink, s.last.status);
          pillLink.href = href;
        }
        var lastId = scope.querySelector('[data-field="last-id"]');
        if (lastId) {
          lastId.textContent = '#' + s.last.id;
          lastId.href = href;
        }
        var list = document.querySelector('ol[data-live-list]');
        if (list && list.getAttribute('data-live-list') === s.repo) {
          var row = list.querySelector('li[data-id="' + s.last.id + '"]');
          if (row) {
            setPill(row, s.last.status);
          } else {
            list.insertBefore(deploymentRow(href, s.last), list.firstChild);
            var empty = list.parentNode.querySelector('p.empty');
            if (empty) empty.hidden = true;
          }
        }
      }
    });
  }

  // long lists keep their tail folded on phones; a wide screen has the room to show it
  function openWide() {
    if (!window.matchMedia || !window.matchMedia('(min-width: 1000px)').matches) return;
    var folded = document.querySelectorAll('details[data-open-wide]');
    for (var i = 0; i < folded.length; i++) folded[i].open = true;
  }

  function start() {
    openWide();
    renderTimes();
    window.setInterval(renderTimes, 30000);
    confirmForms();
    elapsed();
    liveLog();
    liveRepos();
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
