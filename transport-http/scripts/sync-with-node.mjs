#!/usr/bin/env node
// A client nobody wrote in Java: syncs with a Syncline HTTP server by following
// docs/http-protocol.md, with nothing but Node's built-in fetch (Node 18 or later).
//
//   node sync-with-node.mjs <base-url> <bearer-token> [scope]
//   node sync-with-node.mjs http://127.0.0.1:8080/ alice-token alice
//
// It handshakes, pulls the scope from the start, pushes two records (one of them
// then deleted), pulls again (its own changes are not echoed back), revalidates the
// empty page with If-None-Match (304), and prints a one-line JSON summary.
// Exits non-zero, saying why, on any unexpected answer.

const [baseArg, token, scope = 'alice'] = process.argv.slice(2);
if (!baseArg || !token) {
  console.error('usage: node sync-with-node.mjs <base-url> <bearer-token> [scope]');
  process.exit(2);
}
const base = baseArg.endsWith('/') ? baseArg : baseArg + '/';
const replicaId = 'node-' + Math.random().toString(16).slice(2, 10);

function fail(message) {
  console.error('sync-with-node: ' + message);
  process.exit(1);
}

async function call(method, path, body, extraHeaders = {}) {
  const headers = {
    'Syncline-Protocol': '1',
    Authorization: 'Bearer ' + token,
    Accept: 'application/json',
    ...extraHeaders,
  };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(new URL(path, base), {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text(); // fetch undoes gzip itself
  const json = text ? JSON.parse(text) : null;
  return { status: response.status, headers: response.headers, json };
}

function expectStatus(what, reply, status) {
  if (reply.status !== status) {
    fail(`${what}: expected HTTP ${status}, got ${reply.status} ${JSON.stringify(reply.json)}`);
  }
}

// A version stamp: milliseconds in the upper 48 bits, a counter in the lower 16,
// as a decimal string (it exceeds 2^53, so never a JSON number).
let counter = 0;
function stamp() {
  return ((BigInt(Date.now()) << 16n) | BigInt(counter++)).toString();
}

function pullQuery(cursor) {
  const q = new URLSearchParams({ scope, requesterId: replicaId, afterSeq: String(cursor) });
  return 'v1/pull?' + q.toString();
}

async function pullAll(cursor, into) {
  for (;;) {
    const reply = await call('GET', pullQuery(cursor));
    expectStatus('pull', reply, 200);
    for (const change of reply.json.changes) {
      into.set(change.collection + '/' + change.key, change);
    }
    cursor = reply.json.nextCursor;
    if (!reply.json.hasMore) return { cursor, etag: reply.headers.get('etag') };
  }
}

const hello = await call('POST', 'v1/handshake', {
  protocolVersion: 1,
  replicaId,
  epoch: 'node-epoch-' + replicaId,
});
expectStatus('handshake', hello, 200);

const seen = new Map();
let { cursor } = await pullAll(0, seen);

const pushed = await call('POST', 'v1/push', {
  senderId: replicaId,
  scope,
  batchId: replicaId + '/1',
  changes: [
    {
      seq: 1,
      collection: 'notes',
      key: 'from-node-1',
      version: { stamp: stamp(), replicaId },
      payload: { text: 'hello from node', n: 1 },
    },
    {
      seq: 2,
      collection: 'notes',
      key: 'from-node-2',
      version: { stamp: stamp(), replicaId },
      payload: { text: 'to be deleted', n: 2 },
    },
  ],
});
expectStatus('push', pushed, 200);

const deleted = await call('POST', 'v1/push', {
  senderId: replicaId,
  scope,
  batchId: replicaId + '/2',
  changes: [
    {
      seq: 3,
      collection: 'notes',
      key: 'from-node-2',
      version: { stamp: stamp(), replicaId },
      deleted: true,
    },
  ],
});
expectStatus('push of a tombstone', deleted, 200);

// A push the server must refuse as a whole: a record in a scope this token may not write.
const refused = await call('POST', 'v1/push', {
  senderId: replicaId,
  scope: 'not-' + scope,
  batchId: replicaId + '/3',
  changes: [
    {
      collection: 'notes',
      key: 'intruder',
      version: { stamp: stamp(), replicaId },
      payload: {},
    },
  ],
});
if (refused.status !== 422 && refused.status !== 403) {
  fail('a push into another scope was not refused: HTTP ' + refused.status);
}

// Our own changes are not sent back to us.
const echo = new Map();
const after = await pullAll(cursor, echo);
if (echo.has('notes/from-node-1')) fail('the server echoed our own change back');
if (!after.etag) fail('an empty page came without an ETag');
const again = await call('GET', pullQuery(after.cursor), undefined, { 'If-None-Match': after.etag });
expectStatus('revalidated empty pull', again, 304);

console.log(
  JSON.stringify({
    ok: true,
    server: hello.json.replicaId,
    replicaId,
    pulled: [...seen.keys()].sort(),
    pushed: ['notes/from-node-1', 'notes/from-node-2'],
    refusedWith: refused.json.error.code,
    notModified: true,
  }),
);
