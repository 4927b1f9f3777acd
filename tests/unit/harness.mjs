// Runs the transpiled browser modules in Node for the unit tests: one JSON request a line on
// stdin, {module, call, args}, one JSON answer a line on stdout, {value} or {error}. Started
// once per test session, so thousands of cases run in seconds.
//
// A few browser globals the modules use are given here: the build's defines, and a cookie jar
// that refuses cookies on public suffixes the way a browser does (for top_domain). Arguments
// that are functions or objects with methods in the browser come as markers:
//   {"$user": {"id": ..., "anonymousId": ...}}  an object answering user.id(), user.anonymousId()
//   {"$recorder": true}                          an object recording every method called on it;
//                                                its calls come back as "calls" in the answer
// A request may instead give {module, run}: JavaScript source of a function, called with the
// module (its classes, to drive an instance through a scenario); its result is the value.
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { webcrypto } from 'node:crypto';

const [folder, version, eventMethods] = process.argv.slice(2);
globalThis.ANALYTICS_WEB_VERSION = version;
globalThis.SNIPPET_EVENT_METHODS = JSON.parse(eventMethods);
globalThis.crypto ??= webcrypto;
globalThis.window = globalThis;  // the browser's global object, as the modules name it

let publicSuffixes = [];
let jar = {};
globalThis.document = {
  get cookie() { return Object.entries(jar).map(([k, v]) => `${k}=${v}`).join('; '); },
  set cookie(text) {
    const [pair, ...attributes] = text.split(';').map((part) => part.trim());
    const [key, value] = pair.split('=');
    const domain = attributes.find((a) => a.startsWith('domain='));
    if (domain && publicSuffixes.includes(domain.slice(7))) return;  // a browser refuses these
    if (attributes.includes('max-age=-1')) delete jar[key]; else jar[key] = value;
  },
};

// A browser around the delivery code for scenario tests (test_delivery_scenarios.py), installed
// by the scenario: timers on a clock the test moves (tick), fetch answering what the test
// scripts (answers: {status, headers, hold}), navigator, Web Storage in memory, and window and
// document as event targets. restore() gives the real timers and clock back.
globalThis.fakeBrowser = () => {
  const real = { setTimeout, clearTimeout, setInterval, clearInterval, fetch: globalThis.fetch };
  const realNow = Date.now;
  const start = realNow();
  const absent = ['localStorage', 'sessionStorage', 'navigator', 'addEventListener', 'removeEventListener', 'dispatchEvent'];
  const before = Object.fromEntries(absent.map((name) => [name, Object.getOwnPropertyDescriptor(globalThis, name)]));
  let now = 0;
  let nextId = 1;
  const timers = new Map();
  const schedule = (fn, ms, every) => { timers.set(nextId, { at: now + (ms || 0), fn, every }); return nextId++; };
  Date.now = () => start + now;  // the tabs' heartbeats and leases read this clock too
  Object.assign(globalThis, {
    setTimeout: (fn, ms) => schedule(fn, ms, 0),
    setInterval: (fn, ms) => schedule(fn, ms, ms || 1),
    clearTimeout: (id) => timers.delete(id),
    clearInterval: (id) => timers.delete(id),
  });
  const storage = () => {
    const data = new Map();
    return {
      getItem: (key) => (data.has(key) ? data.get(key) : null),
      setItem: (key, value) => { data.set(key, String(value)); },
      removeItem: (key) => { data.delete(key); },
      key: (index) => [...data.keys()][index] ?? null,
      get length() { return data.size; },
    };
  };
  globalThis.localStorage = storage();
  globalThis.sessionStorage = storage();
  const events = new EventTarget();
  globalThis.addEventListener = events.addEventListener.bind(events);
  globalThis.removeEventListener = events.removeEventListener.bind(events);
  globalThis.dispatchEvent = events.dispatchEvent.bind(events);
  Object.assign(globalThis.document, {
    visibilityState: 'visible',
    addEventListener: () => {},
    removeEventListener: () => {},
  });
  Object.defineProperty(globalThis, 'navigator', {
    value: { onLine: true, sendBeacon: () => false }, configurable: true, writable: true,
  });
  const requests = [];
  const answers = [];
  let started = 0;
  globalThis.fetch = async (url, init) => {
    started += 1;
    const gzip = (init.headers || {})['Content-Encoding'] === 'gzip';
    const text = gzip
      ? await new Response(init.body.stream().pipeThrough(new DecompressionStream('gzip'))).text()
      : await init.body.text();
    const batch = JSON.parse(text);
    requests.push({
      url, keepalive: init.keepalive, gzip, size: init.body.size,
      ids: batch.batch.map((event) => event.messageId), retryCount: batch.retryCount || 0,
    });
    const answer = answers.shift() || { status: 200 };
    if (answer.hold) await answer.hold;
    const headers = answer.headers || {};
    return { status: answer.status, headers: { get: (name) => headers[name] ?? null }, text: async () => answer.text || '' };
  };
  const turn = () => new Promise((resolve) => setImmediate(resolve));  // promise chains run
  const settle = async () => { for (let i = 0; i < 10; i++) await turn(); };
  // Until ``holds()``, on real time (compression runs on Node's thread pool), 5 s at most.
  const until = async (holds) => {
    for (let waited = 0; !holds(); waited += 2) {
      if (waited > 5000) throw new Error('waited 5 s for ' + holds);
      await new Promise((resolve) => real.setTimeout(resolve, 2));
    }
  };
  return {
    requests,
    answers,
    settle,
    until,
    // Every request made so far has reached the fake API (read, decompressed).
    arrived: () => until(() => requests.length === started),
    now: () => now,
    async tick(ms) {
      const until = now + ms;
      for (;;) {
        await settle();
        const [id, timer] = [...timers].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at)[0] || [];
        if (!timer) break;
        now = timer.at;
        if (timer.every) timer.at += timer.every; else timers.delete(id);
        timer.fn();
      }
      now = until;
      await settle();
    },
    restore() {
      Object.assign(globalThis, real);
      Date.now = realNow;
      for (const [name, descriptor] of Object.entries(before)) {
        if (descriptor) Object.defineProperty(globalThis, name, descriptor); else delete globalThis[name];
      }
    },
  };
};

const modules = {};
async function load(name) {
  modules[name] ??= await import(pathToFileURL(`${folder}/analytics_web.browser.${name}.js`).href);
  return modules[name];
}

function revive(value, calls) {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    if ('$user' in value) return { id: () => value.$user.id, anonymousId: () => value.$user.anonymousId };
    if ('$recorder' in value) return new Proxy({}, { get: (_, method) => (...args) => { calls.push([method, ...args]); } });
  }
  return value;
}

function plain(value) {
  if (value instanceof Uint8Array) return { $bytes: Buffer.from(value).toString('base64') };
  if (Array.isArray(value)) return value.map(plain);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  return value;
}

for await (const line of createInterface({ input: process.stdin })) {
  const request = JSON.parse(line);
  const calls = [];
  try {
    if (request.publicSuffixes) { publicSuffixes = request.publicSuffixes; jar = {}; }
    const module = await load(request.module);
    if (request.run) {
      const value = await (0, eval)(request.run)(module);
      process.stdout.write(JSON.stringify({ value: plain(value), calls }) + '\n');
      continue;
    }
    if (typeof module[request.call] !== 'function') throw new Error(`${request.module}.${request.call} is not a function`);
    let value = module[request.call](...request.args.map((arg) => revive(arg, calls)));
    if (value && typeof value.then === 'function') value = await value;
    process.stdout.write(JSON.stringify({ value: plain(value), calls }) + '\n');
  } catch (error) {
    process.stdout.write(JSON.stringify({ error: String(error && error.message || error) }) + '\n');
  }
}
