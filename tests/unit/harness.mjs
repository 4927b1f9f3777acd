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
