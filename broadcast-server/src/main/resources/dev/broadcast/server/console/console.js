// The debug console's page: log in, then poll the app's state every second, follow the live tail
// (server-sent events) and send test events. Served from the jar, no libraries.
'use strict';

const $ = (id) => document.getElementById(id);
let stream = null;
let poller = null;
const MAX_ROWS = 500;

async function call(path, body) {
  const options = body === undefined ? {} : {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
  };
  const response = await fetch('/console/api/' + path, { credentials: 'same-origin', ...options });
  const json = await response.json().catch(() => ({}));
  return { status: response.status, json };
}

function show(loggedIn, state) {
  $('login-view').hidden = loggedIn;
  $('app-view').hidden = !loggedIn;
  $('logout').hidden = !loggedIn;
  $('who').textContent = loggedIn ? `app ${state.appId} (key ${state.key})` : '';
}

function render(state) {
  const count = (n, one, many) => `${n} ${n === 1 ? one : many}`;
  $('summary').dataset.connections = state.connections;
  $('summary').textContent = count(state.connections, 'connection', 'connections') + ', '
    + count(state.channels.length, 'channel', 'channels');
  $('updated').textContent = 'updated ' + new Date().toLocaleTimeString();
  const body = $('channels').tBodies[0];
  body.replaceChildren(...state.channels.map((channel) => {
    const row = document.createElement('tr');
    for (const text of [channel.name, String(channel.subscriptions), (channel.members || []).join(', ')]) {
      const cell = document.createElement('td');
      cell.textContent = text;
      row.append(cell);
    }
    return row;
  }));
}

async function refresh() {
  const { status, json } = await call('state');
  if (status === 401) {
    stop();
    show(false);
    return;
  }
  if (status === 200) {
    show(true, json);
    render(json);
  }
}

function matches(row) {
  const filter = $('filter').value.trim().toLowerCase();
  return filter === '' || row.textContent.toLowerCase().includes(filter);
}

function follow() {
  stream = new EventSource('/console/api/tail');
  stream.onopen = () => { $('tail-state').textContent = 'following'; };
  stream.onerror = () => { $('tail-state').textContent = 'reconnecting…'; };
  stream.onmessage = (message) => {
    const activity = JSON.parse(message.data);
    const row = document.createElement('tr');
    row.className = activity.kind;
    const time = new Date(activity.at).toLocaleTimeString([], { hour12: false }) + '.'
      + String(new Date(activity.at).getMilliseconds()).padStart(3, '0');
    const kind = activity.kind.toLowerCase().replace('_', ' ') + (activity.dropped ? ` (${activity.dropped} dropped before)` : '');
    for (const [text, css] of [[time], [kind], [activity.channel || ''], [activity.event || ''], [activity.socketId || ''],
      [activity.detail || '', 'detail']]) {
      const cell = document.createElement('td');
      cell.textContent = text;
      if (css) cell.className = css;
      row.append(cell);
    }
    row.hidden = !matches(row);
    const body = $('tail').tBodies[0];
    body.prepend(row);
    while (body.rows.length > MAX_ROWS) body.deleteRow(body.rows.length - 1);
  };
}

function start() {
  if (!stream) follow();
  if (!poller) poller = setInterval(refresh, 1000);
}

function stop() {
  if (stream) { stream.close(); stream = null; }
  if (poller) { clearInterval(poller); poller = null; }
}

$('login').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  const { status, json } = await call('login', { key: form.get('key'), secret: form.get('secret') });
  if (status !== 200) {
    $('login-error').textContent = json.error || `Refused (${status})`;
    return;
  }
  $('login-error').textContent = '';
  event.target.reset();
  await refresh();
  start();
});

$('logout').addEventListener('click', async () => {
  await call('logout', {});
  stop();
  show(false);
});

$('send').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  const { status, json } = await call('trigger', { channel: form.get('channel'), event: form.get('event'), data: form.get('data') });
  $('send-result').textContent = status === 200 ? `Sent: reached ${json.reached} connection(s)` : (json.error || `Refused (${status})`);
  $('send-result').className = status === 200 ? '' : 'error';
});

$('filter').addEventListener('input', () => {
  for (const row of $('tail').tBodies[0].rows) row.hidden = !matches(row);
});

refresh().then(() => { if (!$('app-view').hidden) start(); });
