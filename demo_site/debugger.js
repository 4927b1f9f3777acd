// The live event debugger. It polls the collector's API (which reads its SQLite file, so the
// list survives a restart) for events newer than the last one shown, and puts them on top.
// Everything an event carries is shown as text, never as HTML: events are untrusted input.
const POLL_MS = 1000;
const list = document.getElementById('events');
const typeFilter = document.getElementById('filter-type');
const userFilter = document.getElementById('filter-user');
const sessionFilter = document.getElementById('filter-session');
let lastId = 0;
let generation = 0; // bumped when the filters change, so a stale poll's answer is ignored
let polling = null; // the poll in flight: never two at once, or both would add the same rows

// Any value an event holds as text: strings as they are, anything else as JSON, so an object
// where a name was expected ({"toString": 1}, say) shows as what it is instead of throwing.
function text(value) {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  try { return JSON.stringify(value); } catch (error) { return String(typeof value); }
}

function element(tag, className, content) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (content !== undefined) node.textContent = text(content);
  return node;
}

function fields(value) {
  return value && typeof value === 'object' ? value : {};
}

// What a person looks for in each type of call.
function summary(event) {
  const traits = fields(event.traits);
  switch (event.type) {
    case 'track': return text(event.event);
    case 'page': case 'screen':
      return [event.category, event.name].filter(Boolean).map(text).join(' / ') || text(fields(event.properties).path);
    case 'identify': return text(traits.email || event.userId);
    case 'group': return text(event.groupId) + (traits.name ? ` (${text(traits.name)})` : '');
    case 'alias': return `${text(event.previousId)} → ${text(event.userId)}`;
    default: return '';
  }
}

function pretty(event) {
  const table = element('dl', 'pretty');
  const context = fields(event.context);
  const top = {
    messageId: event.messageId, timestamp: event.timestamp, userId: event.userId,
    anonymousId: event.anonymousId, groupId: event.groupId || context.groupId,
    url: fields(context.page).url,
  };
  for (const [section, values] of [['', top], ['properties.', fields(event.properties)],
                                   ['traits.', fields(event.traits)]]) {
    for (const [key, value] of Object.entries(values)) {
      if (value === undefined || value === null) continue;
      table.append(element('dt', '', section + key), element('dd', '', value));
    }
  }
  return table;
}

// One event's row. Whatever an event holds, the row is made (at worst showing the raw JSON), so
// one odd event never stops the list from updating.
function row(record) {
  try {
    return eventRow(record);
  } catch (error) {
    const item = element('li', 'event');
    item.append(element('pre', '', record.event));
    return item;
  }
}

// The consent the event was sent under ("analytics ✓ marketing ✗"), as analytics-web and
// Segment's consent wrapper stamp it in context.consent.
function consentStamp(event) {
  const preferences = fields(fields(fields(event.context).consent).categoryPreferences);
  const entries = Object.entries(preferences);
  if (!entries.length) return element('span', 'consent-stamp missing', 'no consent stamp');
  return element('span', 'consent-stamp', entries.map(([category, yes]) => `${category} ${yes ? '✓' : '✗'}`).join(' '));
}

// A sender's clock further off than this is worth pointing out next to its events.
const SHOWN_SKEW_MS = 30_000;

// How far the sender's clock was off, as the collector worked it out ("clock 3 h ahead"), or
// nothing when it was about right or could not be told.
function skew({ sentAt, originalTimestamp, timestamp }) {
  if (!sentAt || !originalTimestamp) return '';
  const off = Date.parse(originalTimestamp) - Date.parse(timestamp);
  if (!(Math.abs(off) >= SHOWN_SKEW_MS)) return '';
  const seconds = Math.abs(off) / 1000;
  const amount = seconds < 90 ? `${Math.round(seconds)} s`
    : seconds < 5400 ? `${Math.round(seconds / 60)} min` : `${Math.round(seconds / 3600)} h`;
  return `clock ${amount} ${off > 0 ? 'ahead' : 'behind'}`;
}

// When the event happened (corrected for the sender's clock), with the receipt in its tooltip.
function happened({ receivedAt, timestamp }) {
  const shown = element('time', 'happened', new Date(timestamp || receivedAt).toLocaleTimeString());
  shown.setAttribute('datetime', timestamp || receivedAt);
  shown.title = `received ${new Date(receivedAt).toLocaleString()}`;
  return shown;
}

// The visit the event belongs to (its id is when it started); a click filters by it.
function sessionStamp(event) {
  const id = fields(event.context).sessionId;
  if (id === undefined || id === null) return element('span', 'session');
  const stamp = element('button', 'session', `visit ${text(id)}`);
  stamp.type = 'button';
  stamp.title = fields(event.context).sessionStart ? 'the first event of this visit' : 'show this visit only';
  stamp.addEventListener('click', (click) => {
    click.preventDefault();
    sessionFilter.value = String(id);
    restart();
  });
  return stamp;
}

function eventRow(record) {
  const { id, event } = record;
  const item = element('li', 'event');
  item.dataset.id = id;
  item.dataset.type = text(event.type);
  const line = element('summary');
  line.append(
    element('span', `type type-${text(event.type)}`, event.type),
    element('span', 'name', summary(event)),
    element('span', 'who', event.userId || event.anonymousId),
    sessionStamp(event),
    consentStamp(event),
    element('span', 'skew', skew(record)),
    happened(record),
  );
  const details = element('details');
  const raw = element('details', 'raw');
  raw.append(element('summary', '', 'Raw JSON'), element('pre', '', JSON.stringify(event, null, 2)));
  details.append(line, pretty(event), raw);
  item.append(details);
  return item;
}

function query(extra) {
  const params = new URLSearchParams(extra);
  if (typeFilter.value) params.set('type', typeFilter.value);
  if (userFilter.value.trim()) params.set('user', userFilter.value.trim());
  if (sessionFilter.value.trim()) params.set('session', sessionFilter.value.trim());
  return params;
}

async function getJSON(path, params) {
  const response = await fetch(`${path}?${params}`);
  if (!response.ok) throw new Error(`${path} answered ${response.status}`);
  return response.json();
}

function poll() {
  if (!polling) polling = fetchNewer().finally(() => { polling = null; });
  return polling;
}

async function fetchNewer() {
  const asked = generation;
  try {
    // The first page of a view comes newest first; after that, everything newer, oldest first.
    const params = lastId ? query({ after: lastId, limit: 500 }) : query({ order: 'desc', limit: 200 });
    const [{ events }, stats] = await Promise.all([getJSON('/v1/events', params),
                                                   getJSON('/v1/stats', new URLSearchParams())]);
    if (asked !== generation) return;
    const newestFirst = lastId ? events.reverse() : events;
    list.prepend(...newestFirst.map(row));
    if (events.length) lastId = Math.max(lastId, ...events.map((record) => record.id));
    for (const name of ['requests', 'events', 'rejected', 'duplicates']) {
      document.getElementById(`count-${name}`).textContent = stats[name];
    }
    document.getElementById('empty').hidden = list.children.length > 0;
    document.getElementById('status').textContent = '';
  } catch (error) {
    document.getElementById('status').textContent = `collector unreachable, retrying (${error.message})`;
  }
}

async function restart() {
  generation += 1;
  lastId = 0;
  list.replaceChildren();
  await poll(); // one in flight asked with the old filters: its answer is dropped, so ask again
  poll();
}

typeFilter.addEventListener('change', restart);
userFilter.addEventListener('input', restart);
sessionFilter.addEventListener('input', restart);
document.getElementById('filters').addEventListener('submit', (submit) => submit.preventDefault());
poll();
setInterval(poll, POLL_MS);
