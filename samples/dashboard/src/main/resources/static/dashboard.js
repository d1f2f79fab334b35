// The dashboard page: laravel-echo over pusher-js (both served by this app from /vendor), state
// loaded over HTTP and kept current by events, nothing lost or doubled across a refresh, a
// reconnect or an outage (live-state.js).
import { reloadOnSubscribe, Sequence, Versions } from './live-state.js';
import { appendAnsi } from './ansi.js';

const Echo = window.Echo.default; // /vendor/echo.iife.js; with a bundler: import Echo from 'laravel-echo'
const $ = (id) => document.getElementById(id);
const me = await (await fetch('/api/me')).json();

// tag::echo[]
const realtime = me.realtime;
const host = realtime.host || location.hostname;
const port = realtime.port || Number(location.port) || (location.protocol === 'https:' ? 443 : 80);
const echo = new Echo({
  broadcaster: 'pusher',
  client: new Pusher(realtime.key, {
    cluster: 'mt1', forceTLS: realtime.tls,
    wsHost: host, wsPort: port, wssPort: port,
    // the HTTP fallback, for networks that block WebSockets: pusher-js's own transports, same server
    httpHost: host, httpPort: port, httpsPort: port, httpPath: '/pusher',
    enabledTransports: ['ws', 'wss', 'xhr_streaming', 'xhr_polling'],
    channelAuthorization: { endpoint: '/broadcasting/auth', headers: { [me.csrf.header]: me.csrf.token } },
  }),
});
// end::echo[]
const pusher = echo.connector.pusher;
window.dashboard = { echo, seen: [] }; // the browser test reads what arrived

$('me').textContent = me.user.name;
showConnection();
pusher.connection.bind('state_change', showConnection);

function showConnection() {
  const state = pusher.connection.state;
  const transport = state === 'connected' ? pusher.connection.connection?.transport?.name : null;
  const badge = $('connection');
  badge.className = 'badge state-' + state;
  badge.textContent = { initialized: 'Starting…', connecting: 'Connecting…', connected: 'Connected',
    unavailable: 'Unavailable, retrying', failed: 'Not supported', disconnected: 'Disconnected' }[state] ?? state;
  badge.dataset.state = state;
  badge.dataset.transport = transport ?? '';
  if (transport) {
    badge.textContent += ' · ' + transport;
  }
}

/** Calls the page's API with the session, the CSRF token and X-Socket-ID (so broadcasts skip this tab). */
async function api(method, path, body) {
  const headers = { 'Content-Type': 'application/json', [me.csrf.header]: me.csrf.token };
  if (echo.socketId()) {
    headers['X-Socket-ID'] = echo.socketId();
  }
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (!response.ok) {
    const problem = await response.json().catch(() => ({}));
    throw new Error(problem.message || `${method} ${path}: ${response.status}`);
  }
  return response.status === 204 || response.status === 202 ? null : response.json();
}

// ---- toasts ----------------------------------------------------------------------------------------

function toast(text, kind = 'info') {
  const element = document.createElement('div');
  element.className = 'toast ' + kind;
  element.textContent = text;
  $('toasts').appendChild(element);
  setTimeout(() => element.remove(), 8000);
}

function refused(what, status) {
  const banner = $('refusal');
  banner.hidden = false;
  banner.textContent = `The server refused you ${what} (HTTP ${status}). ${me.user.name} is not on this board's team:`
    + ' ask a member to add you.';
  $('main').hidden = true;
}

// ---- the board -----------------------------------------------------------------------------------

const board = { columns: [], tasks: new Map(), selected: null };
const taskVersions = new Versions();
const commitsSeen = new Versions();
const specVersions = new Versions();

const boardChannel = echo.join(`board.${me.boardId}`)
  .here((users) => { viewers.clear(); users.forEach((u) => viewers.set(u.id, u)); showViewers(); })
  .joining((u) => { viewers.set(u.id, u); showViewers(); })
  .leaving((u) => { viewers.delete(u.id); showViewers(); })
  .error((e) => refused(`the board's channel`, e.status ?? 'error'))
  .listen('.task.updated', (e) => { seen('task.updated', e.task.id); applyTask(e.task, true); })
  .listen('.commit.created', (e) => { seen('commit.created', e.commit.seq); applyCommit(e.commit); })
  .listen('.spec.updated', (e) => { seen('spec.updated', e.spec.version); applySpec(e.spec, true); });
reloadOnSubscribe(boardChannel, loadBoard);

function seen(event, what) {
  window.dashboard.seen.push(`${event}:${what}`);
}

/** The board's state: all of it on the first load, what changed meanwhile on a reload after a reconnect. */
async function loadBoard() {
  const snapshot = await api('GET', '/api/board');
  const reload = board.columns.length > 0; // changes a reload finds happened while this page was away: tell
  board.columns = snapshot.columns;
  snapshot.tasks.forEach((task) => applyTask(task, reload));
  snapshot.commits.forEach(applyCommit);
  applySpec(snapshot.spec, reload);
  renderBoard();
}

// tag::apply[]
/**
 * A card from the snapshot or from an event: kept only if newer than the one shown. `tell`: toast
 * if it just ended (an event, or a reload after a reconnect; not the first load, not our own move).
 */
function applyTask(task, tell) {
  if (!taskVersions.accept(task.id, task.version)) {
    return;
  }
  const before = board.tasks.get(task.id);
  board.tasks.set(task.id, task);
  if (tell && before && before.status !== task.status && (task.status === 'done' || task.status === 'failed')) {
    toast(`${task.title}: ${task.status === 'done' ? 'done, ready for review' : 'the agent failed'}`,
      task.status === 'done' ? 'success' : 'error');
  }
  renderBoard();
  if (board.selected === task.id) {
    showTaskHead();
  }
}
// end::apply[]

function applyCommit(commit) {
  if (!commitsSeen.accept('commit-' + commit.seq, 1)) {
    return;
  }
  const item = document.createElement('li');
  item.dataset.seq = commit.seq;
  const sha = document.createElement('code');
  sha.textContent = commit.sha;
  item.append(sha, `${commit.message} `, Object.assign(document.createElement('span'),
    { className: 'muted', textContent: `task ${commit.taskId} · ${new Date(commit.at).toLocaleTimeString()}` }));
  const list = $('commits');
  const after = [...list.children].find((li) => Number(li.dataset.seq) < commit.seq);
  list.insertBefore(item, after ?? null);
}

function applySpec(spec, tell) {
  if (!specVersions.accept('spec', spec.version)) {
    return;
  }
  $('spec-text').textContent = spec.text;
  $('spec-version').textContent = 'v' + spec.version;
  $('spec-by').textContent = 'Last edited by ' + spec.editedBy;
  if (tell) {
    toast(`${spec.editedBy} changed the spec (v${spec.version})`, 'info');
  }
}

function renderBoard() {
  const root = $('board');
  root.replaceChildren(...board.columns.map((column) => {
    const element = document.createElement('div');
    element.className = 'column';
    element.dataset.column = column;
    element.append(Object.assign(document.createElement('h2'),
      { textContent: { todo: 'To do', doing: 'In progress', review: 'Review', done: 'Done' }[column] ?? column }));
    for (const task of [...board.tasks.values()].filter((t) => t.column === column)) {
      element.append(card(task));
    }
    element.addEventListener('dragover', (e) => { e.preventDefault(); element.classList.add('over'); });
    element.addEventListener('dragleave', () => element.classList.remove('over'));
    element.addEventListener('drop', (e) => {
      e.preventDefault();
      element.classList.remove('over');
      move(Number(e.dataTransfer.getData('text/plain')), column);
    });
    return element;
  }));
}

function card(task) {
  const element = document.createElement('div');
  element.className = `card status-${task.status}` + (board.selected === task.id ? ' selected' : '');
  element.draggable = true;
  element.id = `card-${task.id}`;
  element.dataset.task = task.id;
  element.append(task.title, Object.assign(document.createElement('div'),
    { className: 'meta', textContent: `#${task.id}` + (task.status === 'idle' ? '' : ` · ${task.status}`) }));
  element.addEventListener('dragstart', (e) => e.dataTransfer.setData('text/plain', String(task.id)));
  element.addEventListener('click', () => select(task.id));
  return element;
}

// tag::move[]
/** Moves the card here at once, then tells the server; other tabs hear of it, this one does not. */
async function move(id, column) {
  const task = board.tasks.get(id);
  if (!task || task.column === column) {
    return;
  }
  board.tasks.set(id, { ...task, column });
  renderBoard();
  try {
    applyTask(await api('POST', `/api/tasks/${id}/move`, { column }), false);
  } catch (e) {
    toast(`Could not move the card: ${e.message}`, 'error');
    await loadBoard();
  }
}
// end::move[]

// ---- who is looking --------------------------------------------------------------------------------

const viewers = new Map();

function showViewers() {
  $('viewers').replaceChildren(...[...viewers.values()].map((u) => {
    const avatar = document.createElement('span');
    avatar.className = 'avatar';
    avatar.style.background = u.color;
    avatar.title = u.name;
    avatar.dataset.name = u.name;
    avatar.textContent = u.name.split(' ').map((w) => w[0]).join('');
    return avatar;
  }));
}

// ---- a task's agent ------------------------------------------------------------------------------

let taskChannel = null;
let run = 0;
const lines = new Sequence(showLine, { onGap: () => loadRun() });
const worktreeVersions = new Versions();

function select(id) {
  if (board.selected === id) {
    return;
  }
  if (taskChannel) {
    echo.leave(`task.${board.selected}`);
  }
  board.selected = id;
  history.replaceState(null, '', `#task=${id}`);
  run = 0;
  lines.reset();
  $('agent-output').replaceChildren();
  $('terminal-output').replaceChildren();
  $('task').hidden = false;
  $('pick').hidden = true;
  showTaskHead();
  renderBoard();
  // tag::task-channel[]
  taskChannel = echo.private(`task.${id}`)
    .listen('.output', (batch) => batch.lines.forEach(offerLine))
    .listen('.worktree', (e) => showWorktree(e.values.worktree));
  reloadOnSubscribe(taskChannel, loadRun);
  // end::task-channel[]
}

/** The run's lines after the last one shown (all of them after a refresh), and its worktree. */
async function loadRun() {
  const id = board.selected;
  let view = await api('GET', `/api/tasks/${id}/run?after=${lines.last}`);
  if (id !== board.selected || view.run < run) {
    return;
  }
  if (view.run > run) { // a run this page has not shown yet: all of its lines
    newRun(view.run);
    if (view.lines.length > 0 && view.lines[0].n !== 1) {
      view = await api('GET', `/api/tasks/${id}/run?after=0`);
    }
  }
  view.lines.forEach(offerLine);
  if (view.worktree) {
    showWorktree(view.worktree);
  }
}

function newRun(id) {
  run = id;
  lines.reset();
  $('agent-output').replaceChildren();
  $('terminal-output').replaceChildren();
}

function offerLine(line) {
  if (line.run < run) {
    return;
  }
  if (line.run > run) {
    newRun(line.run);
  }
  lines.offer(line.n, line);
}

function showLine(line) {
  const pane = $(line.stream === 'agent' ? 'agent-output' : 'terminal-output');
  const row = document.createElement('div');
  row.dataset.n = line.n;
  appendAnsi(row, line.text);
  const atBottom = pane.scrollHeight - pane.scrollTop - pane.clientHeight < 30;
  pane.appendChild(row);
  if (atBottom) {
    pane.scrollTop = pane.scrollHeight;
  }
}

function showWorktree(worktree) {
  if (worktree.run < run || !worktreeVersions.accept(`${worktree.run}`, worktree.version)) {
    return;
  }
  $('worktree-phase').textContent = worktree.phase;
  $('worktree-percent').textContent = worktree.percent + '%';
  $('worktree-bar').style.width = worktree.percent + '%';
}

function showTaskHead() {
  const task = board.tasks.get(board.selected);
  if (!task) {
    return;
  }
  $('task-title').textContent = `#${task.id} ${task.title}`;
  $('task-status').textContent = task.status;
  $('task-status').className = 'status ' + task.status;
  $('run').disabled = task.status === 'running';
}

$('run').addEventListener('click', async () => {
  try {
    await api('POST', `/api/tasks/${board.selected}/run`);
  } catch (e) {
    toast(e.message, 'error');
  }
});

$('edit-spec').addEventListener('click', async () => {
  const text = prompt('The spec', $('spec-text').textContent);
  if (text !== null) {
    try {
      applySpec(await api('POST', '/api/spec', { text }), false);
    } catch (e) {
      toast(e.message, 'error');
    }
  }
});

// ---- notifications -------------------------------------------------------------------------------

// tag::notification[]
echo.private(`App.Models.User.${me.user.id}`)
  .notification((n) => toast(n.message, n.status === 'done' ? 'success' : 'error'));
// end::notification[]

const fromHash = /task=(\d+)/.exec(location.hash);
if (fromHash) {
  select(Number(fromHash[1]));
}
