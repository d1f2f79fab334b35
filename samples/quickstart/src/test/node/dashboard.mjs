// The quick start's page, under Node: Ann and Bob open the dashboard of project 7, Eve (not a
// member) tries to; the backend runs the agent on task 42 and Bob and Ann edit the spec.
// Every subscription goes through the app's real /broadcasting/auth endpoint.
import assert from 'node:assert/strict';
import Echo from 'laravel-echo';
import Pusher from 'pusher-js';

const port = Number(process.env.PORT);
const base = `http://127.0.0.1:${port}`;
const timer = setTimeout(() => fail(new Error('timed out after 20 s')), 20000);

function fail(error) {
  console.error(error.stack ?? String(error));
  process.exit(1);
}

function open(user) {
  return new Echo({
    broadcaster: 'pusher',
    client: new Pusher('app-key', {
      cluster: 'mt1', wsHost: '127.0.0.1', wsPort: port, forceTLS: false, enabledTransports: ['ws'],
      disableStats: true,
      channelAuthorization: { endpoint: `${base}/broadcasting/auth`, headers: { 'X-User': user } },
    }),
  });
}

async function until(condition, what) {
  const deadline = Date.now() + 10000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`waited 10 s for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function watch(echo, seen) {
  echo.channel('project.7')
    .listen('.task.updated', (e) => seen.push(`project:task.updated:${e.task.state}`))
    .listen('.commit.created', (e) => seen.push(`project:commit.created:${e.commit.sha}`));
  echo.private('task.42')
    .listen('.agent.status', (e) => seen.push(`task:agent.status:${e.status}`))
    .listen('.agent.output', (e) => seen.push(`task:agent.output:${e.line}`))
    .listen('.terminal.output', (e) => seen.push(`task:terminal.output:${e.chunk}`))
    .listen('.worktree.status', (e) => seen.push(`task:worktree.status:${e.branch}`))
    .listen('.commit.created', (e) => seen.push(`task:commit.created:${e.commit.message}`));
  const viewers = [];
  echo.join('project.7')
    .here((users) => viewers.push(...users.map((u) => u.name)))
    .joining((u) => viewers.push(u.name))
    .listen('.spec.updated', (e) => seen.push(`presence:spec.updated:${e.editedBy}`));
  return viewers;
}

async function post(path, user, socketId) {
  const headers = { 'X-User': user };
  if (socketId) headers['X-Socket-ID'] = socketId;
  const response = await fetch(`${base}${path}`, { method: 'POST', headers });
  assert.equal(response.status, 204, `POST ${path}`);
}

try {
  const ann = open('1');
  const bob = open('2');
  const eve = open('3');
  const annSeen = [];
  const bobSeen = [];
  const annViewers = watch(ann, annSeen);
  watch(bob, bobSeen);
  const eveErrors = [];
  eve.private('task.42').error((e) => eveErrors.push(e.status));
  const subscribed = (echo, name) => echo.connector.pusher.channel(name)?.subscribed === true;
  await until(() => ['project.7', 'private-task.42', 'presence-project.7']
    .every((c) => subscribed(ann, c) && subscribed(bob, c)), 'Ann and Bob subscribed through /broadcasting/auth');
  await until(() => eveErrors.length === 1, "Eve's refusal");
  assert.deepEqual(eveErrors, [403]);
  await until(() => annViewers.includes('Bob'), 'Bob among the viewers Ann sees');

  await post('/api/tasks/42/run', '1');
  const run = [
    'project:task.updated:running', 'task:agent.status:working', 'task:agent.output:npm test',
    'task:terminal.output:PASS  src/flaky.test.js', 'task:worktree.status:task-42',
    'project:commit.created:9fceb02', 'task:commit.created:Fix the flaky test',
    'task:agent.status:done', 'project:task.updated:done',
  ];
  await until(() => run.every((e) => annSeen.includes(e)) && run.every((e) => bobSeen.includes(e)), 'the agent run');

  await post('/api/projects/7/spec', '2', bob.socketId()); // Bob edits: the others see it, not Bob
  await post('/api/projects/7/spec', '1', ann.socketId()); // then Ann edits
  await until(() => bobSeen.includes('presence:spec.updated:Ann'), "Ann's edit reaching Bob");
  await until(() => annSeen.includes('presence:spec.updated:Bob'), "Bob's edit reaching Ann");
  assert.deepEqual(annSeen.filter((e) => e.startsWith('presence:')), ['presence:spec.updated:Bob']);
  assert.deepEqual(bobSeen.filter((e) => e.startsWith('presence:')), ['presence:spec.updated:Ann']);

  console.log(JSON.stringify({ ok: true, ann: annSeen, bob: bobSeen, viewers: annViewers, eve: eveErrors }));
  for (const echo of [ann, bob, eve]) echo.disconnect();
  clearTimeout(timer);
  process.exit(0);
} catch (error) {
  fail(error);
}
