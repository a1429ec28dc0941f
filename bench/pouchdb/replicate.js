'use strict';
// The PouchDB side of the side-by-side run, driven line by line over stdin/stdout by
// io.syncline.bench.PouchDbBench, which counts the bytes of every HTTP exchange with its relay:
//   -> "port <p>"                the CouchDB-protocol server listens on 127.0.0.1:<p>
//   <- "relay <r>"               replicas reach the server through 127.0.0.1:<r>
//   -> "filled <ms>"             replica A holds the records (not timed as sync)
//   <- "go initial"  -> "done initial <ms> <pushMs>"
//   <- "go delta"    -> "done delta <ms> <pushMs>"
//   <- "go noop <n>" -> "done noop <medianMs>"
// The trip is the engine's: A pushes to the server while B follows the server live; a phase ends
// when B holds every change.
const fs = require('fs');
const path = require('path');
const readline = require('readline');
const express = require('express');
const PouchDB = require('pouchdb');

const args = {};
for (let i = 2; i + 1 < process.argv.length; i += 2) {
  args[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
}
const dir = args.dir;
const records = parseInt(args.records, 10);
const batch = parseInt(args.batch || '1000', 10);
const SIZE = 200;

function key(i) {
  return 'c' + String(i).padStart(9, '0');
}

// The same 200-byte JSON document as the Java side's Payloads.json(i, rev).
function doc(i, rev) {
  const head =
    '{"name":"Contact ' + i + '","email":"contact' + i + '@example.org","phone":"+44 20 ' +
    String(i % 10000000).padStart(7, '0') + '","rev":' + rev + ',"note":"';
  let pad = '';
  for (let k = 0; k < SIZE - head.length - 2; k++) {
    pad += String.fromCharCode(97 + ((i + k) % 26));
  }
  const d = JSON.parse(head + pad + '"}');
  d._id = key(i);
  return d;
}

// Lines from the driver, kept until asked for: one may arrive before the script waits for it.
const lines = readline.createInterface({ input: process.stdin });
const received = [];
const waiting = [];
lines.on('line', (l) => {
  const w = waiting.shift();
  if (w) w(l.trim());
  else received.push(l.trim());
});
function nextLine() {
  if (received.length > 0) return Promise.resolve(received.shift());
  return new Promise((resolve) => waiting.push(resolve));
}

function say(s) {
  process.stdout.write(s + '\n');
}

async function main() {
  fs.mkdirSync(path.join(dir, 'server'), { recursive: true });
  const Server = PouchDB.defaults({ prefix: path.join(dir, 'server') + path.sep });
  const app = express();
  app.use('/', require('express-pouchdb')(Server, { mode: 'minimumForPouchDB', inMemoryConfig: true }));
  const server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  say('port ' + server.address().port);
  const relay = (await nextLine()).split(' ')[1];
  const remote = 'http://127.0.0.1:' + relay + '/bench';

  const a = new PouchDB(path.join(dir, 'a'));
  const b = new PouchDB(path.join(dir, 'b'));
  let t = Date.now();
  for (let i = 0; i < records; i += 1000) {
    const docs = [];
    for (let k = i; k < Math.min(records, i + 1000); k++) docs.push(doc(k, 0));
    await a.bulkDocs(docs);
  }
  await new PouchDB(remote).info(); // creates the server's database
  say('filled ' + (Date.now() - t));

  // B follows the server live for the whole run; a phase waits for B to have written `target`.
  let written = 0;
  let want = 0;
  let onTarget = null;
  const live = b.replicate.from(remote, { live: true, retry: true, batch_size: batch });
  live.on('change', (info) => {
    written += info.docs_written;
    if (onTarget && written >= want) {
      const f = onTarget;
      onTarget = null;
      f();
    }
  });
  function bHolds(n) {
    want = n;
    return written >= n ? Promise.resolve() : new Promise((resolve) => (onTarget = resolve));
  }

  await nextLine(); // go initial
  t = Date.now();
  let pushMs = 0;
  const push = a.replicate.to(remote, { batch_size: batch }).then(() => (pushMs = Date.now() - t));
  await bHolds(records);
  await push;
  say('done initial ' + (Date.now() - t) + ' ' + pushMs);

  // 1%: every hundredth record gets revision 1 (reading the current _rev is not timed).
  const delta = Math.max(1, Math.floor(records / 100));
  const ids = [];
  for (let k = 0; k < delta; k++) ids.push(key(k * 100));
  const current = await a.allDocs({ keys: ids });
  const updates = current.rows.map((row) => {
    const d = doc(parseInt(row.id.substring(1), 10), 1);
    d._rev = row.value.rev;
    return d;
  });
  await a.bulkDocs(updates);
  await nextLine(); // go delta
  t = Date.now();
  const deltaPush = a.replicate.to(remote, { batch_size: batch }).then(() => (pushMs = Date.now() - t));
  await bHolds(records + delta);
  await deltaPush;
  say('done delta ' + (Date.now() - t) + ' ' + pushMs);

  live.cancel();
  const n = parseInt((await nextLine()).split(' ')[2], 10); // go noop <n>
  const times = [];
  // As many untimed first, as the Java side does: both measure warmed-up no-ops.
  for (let k = 0; k < n; k++) {
    await a.replicate.to(remote, { batch_size: batch });
    await b.replicate.from(remote, { batch_size: batch });
  }
  for (let k = 0; k < n; k++) {
    t = process.hrtime.bigint();
    await a.replicate.to(remote, { batch_size: batch });
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
    t = process.hrtime.bigint();
    await b.replicate.from(remote, { batch_size: batch });
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  times.sort((x, y) => x - y);
  say('done noop ' + times[Math.floor(times.length / 2)].toFixed(2));
  server.close();
  process.exit(0);
}

main().catch((e) => {
  process.stderr.write('pouchdb side failed: ' + (e && e.stack ? e.stack : e) + '\n');
  process.exit(1);
});
