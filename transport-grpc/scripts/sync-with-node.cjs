#!/usr/bin/env node
// A client nobody wrote in Java: syncs with a Syncline gRPC server from
// src/main/proto/syncline_sync.proto and docs/grpc-protocol.md alone, with @grpc/grpc-js.
//
//   node sync-with-node.cjs <host:port> <bearer-token> [scope]
//
// It needs @grpc/grpc-js and @grpc/proto-loader (see package.json next to it; NodeClientTest
// installs them under target/). It handshakes, pulls the scope from the start (a server stream),
// pushes two batches on one push stream (one record created, then another created and deleted),
// is refused a push into another user's scope (PERMISSION_DENIED with the rejections trailer),
// follows the scope live and sees a change arrive, and checks that no token gives UNAUTHENTICATED
// and a wrong protocol version FAILED_PRECONDITION. Prints a one-line JSON summary; exits
// non-zero, saying why, on any unexpected answer.
'use strict';
const path = require('path');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

const [target, token, scope = 'alice'] = process.argv.slice(2);
if (!target || !token) {
  console.error('usage: node sync-with-node.cjs <host:port> <bearer-token> [scope]');
  process.exit(2);
}
const PROTO = path.join(__dirname, '..', 'src', 'main', 'proto', 'syncline_sync.proto');
const definition = protoLoader.loadSync(PROTO, {
  keepCase: true,
  longs: String,
  defaults: true,
});
const syncline = grpc.loadPackageDefinition(definition).syncline.v1;
const client = new syncline.Sync(target, grpc.credentials.createInsecure());
const replicaId = 'node-' + Math.random().toString(16).slice(2, 10);

function fail(message) {
  console.error('sync-with-node: ' + message);
  process.exit(1);
}

function metadata(opts = {}) {
  const m = new grpc.Metadata();
  m.set('syncline-protocol', opts.protocol ?? '1');
  if (opts.token !== null) m.set('authorization', 'Bearer ' + (opts.token ?? token));
  return m;
}

function deadline(seconds = 20) {
  return { deadline: new Date(Date.now() + seconds * 1000) };
}

// A version stamp: milliseconds in the upper 48 bits, a counter in the lower 16.
let counter = 0;
function version() {
  return { stamp: ((BigInt(Date.now()) << 16n) + BigInt(counter++)).toString(), replica_id: replicaId };
}

let seq = 0;
function change(key, json, deleted = false, recordScope = scope) {
  return {
    seq: String(++seq),
    record: {
      collection: 'notes',
      key,
      scope: recordScope,
      version: version(),
      deleted,
      payload: deleted ? Buffer.alloc(0) : Buffer.from(json, 'utf8'),
      meta: Buffer.alloc(0),
    },
  };
}

function handshake(opts) {
  return new Promise((resolve, reject) =>
    client.Handshake(
      { protocol_version: 1, replica_id: replicaId, epoch: 'node-epoch' },
      metadata(opts),
      deadline(),
      (err, res) => (err ? reject(err) : resolve(res)),
    ),
  );
}

function pullAll(afterSeq) {
  return new Promise((resolve, reject) => {
    const changes = [];
    let cursor = afterSeq;
    const call = client.Pull(
      { requester_id: replicaId, scope, after_seq: String(afterSeq), max_changes: 100, max_bytes: 0 },
      metadata(),
      deadline(),
    );
    call.on('data', (page) => {
      changes.push(...page.changes);
      cursor = Number(page.next_cursor);
    });
    call.on('error', reject);
    call.on('end', () => resolve({ changes, cursor }));
  });
}

// One push stream: each batch is acknowledged (after an atomic apply) before the next goes.
function pushBatches(batches) {
  return new Promise((resolve, reject) => {
    const call = client.Push(metadata(), deadline());
    const acked = [];
    let i = 0;
    const next = () => {
      if (i === batches.length) {
        call.end();
        return;
      }
      call.write(batches[i++]);
    };
    call.on('data', (ack) => {
      acked.push(ack.batch_id);
      next();
    });
    call.on('error', reject);
    call.on('end', () => resolve(acked));
    next();
  });
}

async function main() {
  const hs = await handshake();
  if (hs.protocol_version !== 1) fail('unexpected protocol version ' + hs.protocol_version);

  const first = await pullAll(0);
  const pulled = first.changes.map((c) => c.record.collection + '/' + c.record.key);

  const acked = await pushBatches([
    {
      sender_id: replicaId,
      scope,
      batch_id: 'node-1',
      changes: [change('from-node-1', '{"text":"hello from node","n":1}'), change('from-node-2', '{"n":2}')],
    },
    { sender_id: replicaId, scope, batch_id: 'node-2', changes: [change('from-node-2', '', true)] },
  ]);
  if (acked.join(',') !== 'node-1,node-2') fail('acknowledged ' + JSON.stringify(acked));

  // Our own changes are not echoed back to us.
  const second = await pullAll(first.cursor);
  if (second.changes.length !== 0) fail('own changes echoed: ' + JSON.stringify(second.changes));

  // Another user's scope: refused, with the refused changes in a binary trailer.
  let refusedWith = null;
  let rejectionsTrailer = false;
  try {
    await pushBatches([
      { sender_id: replicaId, scope: 'bob', batch_id: 'intrude', changes: [change('intruder', '{}', false, 'bob')] },
    ]);
  } catch (err) {
    refusedWith = grpc.status[err.code];
    rejectionsTrailer = err.metadata.get('syncline-rejections-bin').length === 1;
  }
  if (refusedWith !== 'PERMISSION_DENIED' || !rejectionsTrailer) fail('intrusion answered ' + refusedWith);

  // Live: follow the scope as another requester and see a new change arrive.
  const live = client.Live({ requester_id: replicaId + '-watch', scope, after_seq: String(second.cursor) }, metadata());
  const liveKey = await new Promise((resolve, reject) => {
    live.on('data', (page) => resolve(page.changes[0].record.key));
    live.on('error', (err) => {
      if (err.code !== grpc.status.CANCELLED) reject(err);
    });
    pushBatches([
      { sender_id: replicaId, scope, batch_id: 'node-3', changes: [change('from-node-3', '{"n":3}')] },
    ]).catch(reject);
  });
  live.cancel();

  // No token, and a protocol version this server does not speak.
  const noToken = await handshake({ token: null }).then(() => 'OK', (err) => grpc.status[err.code]);
  const wrongVersion = await handshake({ protocol: '2' }).then(() => 'OK', (err) => grpc.status[err.code]);

  client.close();
  console.log(
    JSON.stringify({ ok: true, server: hs.replica_id, pulled, acked, refusedWith, liveKey, noToken, wrongVersion }),
  );
}

main().catch((err) => fail((err && err.stack) || String(err)));
