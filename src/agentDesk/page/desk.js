// Agent desk: plain browser JS (ES module), no framework, no build step.
// Served as-is at /agent/desk.js. Talks to the JSON API under /agent/api and listens to
// Server-Sent Events at /agent/api/events.
//
// Customer and agent text is untrusted: it only ever reaches the page through textContent.

const API = '/agent/api';
const IDLE_AFTER_MS = 5 * 60 * 1000;
const SAFETY_REFRESH_MS = 30 * 1000;
const BANNER_MS = 10 * 1000;

const JOURNEYS = {
  issuing: '인증서 발급',
  registering: '타기관 인증서 등록·해제',
  reissuing: '재발급·갱신',
  menu: '메뉴',
};
const REASONS = {
  customerAsked: '고객 요청',
  misunderstood: '이해 못 함 3회',
  lockout: '인증 잠김',
  error: '시스템 오류',
};
const STATUSES = { queued: '대기 중', withAgent: '상담 중', ended: '종료됨' };
const LANGUAGES = { ko: '한국어', en: 'English' };
const ERRORS = {
  alreadyTaken: '이미 다른 상담원이 맡은 상담입니다.',
  notFound: '상담을 찾을 수 없습니다. 이미 종료되었을 수 있습니다.',
  notYours: '내가 맡은 상담이 아니어서 처리할 수 없습니다.',
  wrongCredentials: '상담원 ID 또는 비밀번호가 올바르지 않습니다.',
  tooManyAttempts: '로그인 시도가 너무 많습니다. 잠시 후 다시 시도해 주세요.',
  signInRequired: '로그인이 필요합니다. 다시 로그인해 주세요.',
  network: '서버에 연결할 수 없습니다. 네트워크를 확인해 주세요.',
};
const END_DONE = {
  resume: '고객을 챗봇으로 돌려보냈습니다 (하던 단계부터).',
  menu: '고객을 챗봇 메뉴로 돌려보냈습니다.',
  close: '상담을 종료했습니다.',
};

// ---------------------------------------------------------------- state

const state = {
  me: null, // agentId
  waiting: [],
  mine: [],
  others: null, // conversations other agents hold: a supervisor's view only
  agents: [],
  openId: null,
  detail: null, // Detail of the open conversation, or null while loading
  openSeq: 0, // guards against out-of-order detail loads
  seenEntries: new Set(), // dedupe keys of entries shown in the open transcript
  pendingEntries: [], // SSE entries that arrived while the open conversation was loading
  unread: new Set(),
  events: null, // EventSource
  clockSkew: 0, // server time - client time (ms), from the Date header
  refreshTimer: null,
  queueReload: null,
  busy: false,
};

// ---------------------------------------------------------------- DOM helpers

const $ = (id) => document.getElementById(id);

/** Creates an element. Text is always set through textContent. */
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key === 'text') node.textContent = value;
    else if (key === 'dataset') Object.assign(node.dataset, value);
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else if (value === true) node.setAttribute(key, '');
    else node.setAttribute(key, String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    node.append(typeof child === 'string' ? document.createTextNode(child) : child);
  }
  return node;
}

const now = () => Date.now() + state.clockSkew;

function formatDuration(ms) {
  const total = Math.max(0, Math.floor(ms / 1000));
  return `${Math.floor(total / 60)}분 ${total % 60}초`;
}

const timeFormat = new Intl.DateTimeFormat('ko-KR', { hour: '2-digit', minute: '2-digit', hour12: false });
const dateTimeFormat = new Intl.DateTimeFormat('ko-KR', { dateStyle: 'medium', timeStyle: 'medium' });
const formatTime = (ms) => timeFormat.format(new Date(ms));
const formatDateTime = (ms) => dateTimeFormat.format(new Date(ms));

const journeyLabel = (id) => JOURNEYS[id] ?? String(id ?? '');
const reasonLabel = (id) => REASONS[id] ?? String(id ?? '');
const statusLabel = (id) => STATUSES[id] ?? String(id ?? '');
const languageLabel = (id) => LANGUAGES[id] ?? String(id ?? '');
const customerName = (c) => c.maskedName || '이름 미확인';

function isMine(c) {
  return Boolean(c && state.me && c.status === 'withAgent' && c.agentId === state.me);
}

function isIdle(c) {
  return Boolean(
    c && !c.customerLeft && c.status !== 'ended' && typeof c.lastCustomerAt === 'number' &&
      now() - c.lastCustomerAt > IDLE_AFTER_MS,
  );
}

// ---------------------------------------------------------------- banner

let bannerTimer = null;

function showBanner(message, kind = 'error') {
  const banner = $('banner');
  $('banner-text').textContent = message;
  banner.dataset.kind = kind;
  banner.setAttribute('role', kind === 'error' ? 'alert' : 'status');
  banner.hidden = false;
  clearTimeout(bannerTimer);
  bannerTimer = setTimeout(hideBanner, kind === 'error' ? BANNER_MS * 2 : BANNER_MS);
}

function hideBanner() {
  clearTimeout(bannerTimer);
  $('banner').hidden = true;
  $('banner-text').textContent = '';
}

function errorMessage(error, status) {
  if (error && ERRORS[error]) return ERRORS[error];
  if (status >= 500) return `서버 오류가 발생했습니다. 잠시 후 다시 시도해 주세요. (${status})`;
  return `요청을 처리하지 못했습니다.${error ? ` (${error})` : status ? ` (${status})` : ''}`;
}

// ---------------------------------------------------------------- API

class ApiError extends Error {
  constructor(status, code) {
    super(code || `HTTP ${status}`);
    this.status = status;
    this.code = code;
  }
}

/**
 * Calls the desk API. Resolves with the JSON body on 2xx; throws ApiError otherwise.
 * A 401 on anything but sign-in drops back to the sign-in form.
 */
async function api(method, path, body) {
  const init = { method, credentials: 'same-origin', headers: { accept: 'application/json' }, cache: 'no-store' };
  if (body !== undefined) {
    init.headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(API + path, init);
  } catch {
    throw new ApiError(0, 'network');
  }
  noteServerClock(res);
  let data = null;
  const text = await res.text();
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (res.ok) return data ?? {};
  const code = data && typeof data.error === 'string' ? data.error : undefined;
  if (res.status === 401 && path !== '/session') {
    showSignIn(state.me ? ERRORS.signInRequired : undefined);
  }
  throw new ApiError(res.status, code);
}

function noteServerClock(res) {
  const header = res.headers.get('date');
  if (!header) return;
  const server = Date.parse(header);
  if (Number.isNaN(server)) return;
  const skew = server - Date.now();
  // The Date header has one-second resolution: only correct clearly wrong client clocks.
  state.clockSkew = Math.abs(skew) > 2000 ? skew : 0;
}

/** Runs an action call; shows the Korean banner on failure. Returns the body or undefined. */
async function act(method, path, body) {
  try {
    const data = await api(method, path, body);
    if ($('banner').dataset.kind === 'error') hideBanner(); // a stale error no longer applies
    return data;
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return undefined; // sign-in form shown
    showBanner(errorMessage(err.code, err.status));
    if (err.code === 'alreadyTaken' || err.code === 'notFound' || err.code === 'notYours') scheduleQueueReload(0);
    return undefined;
  }
}

const conversationPath = (id, action = '') =>
  `/conversations/${encodeURIComponent(id)}${action ? `/${action}` : ''}`;

// ---------------------------------------------------------------- views

function showView(name) {
  $('loading-view').hidden = name !== 'loading';
  $('login-view').hidden = name !== 'login';
  $('desk-view').hidden = name !== 'desk';
}

function showSignIn(message) {
  stopLive();
  state.me = null;
  state.waiting = [];
  state.mine = [];
  state.others = null;
  state.unread.clear();
  closeConversation();
  showView('login');
  updateTitle();
  if (message) showBanner(message);
  $('login-password').value = '';
  $('login-submit').disabled = false;
  (($('login-id').value && $('login-password')) || $('login-id')).focus();
}

async function showDesk(agentId) {
  state.me = agentId;
  $('signed-in-as').textContent = agentId;
  showView('desk');
  await Promise.all([refreshQueue(), refreshAgents()]);
  startLive();
}

// ---------------------------------------------------------------- sign-in / out

async function onSignIn(event) {
  event.preventDefault();
  const id = $('login-id').value.trim();
  const password = $('login-password').value;
  if (!id || !password) {
    showBanner('상담원 ID와 비밀번호를 입력해 주세요.');
    (id ? $('login-password') : $('login-id')).focus();
    return;
  }
  $('login-submit').disabled = true;
  try {
    const data = await api('POST', '/session', { id, password });
    hideBanner();
    $('login-password').value = '';
    await showDesk(data.agentId ?? id);
  } catch (err) {
    showBanner(errorMessage(err.code, err.status));
    $('login-password').value = '';
    $('login-password').focus();
  } finally {
    $('login-submit').disabled = false;
  }
}

async function onSignOut() {
  stopLive();
  try {
    await api('DELETE', '/session');
  } catch {
    // Signed out either way.
  }
  showSignIn();
  showBanner('로그아웃했습니다.', 'info');
}

// ---------------------------------------------------------------- queue

async function refreshQueue() {
  let data;
  try {
    data = await api('GET', '/queue');
  } catch (err) {
    if (err.status !== 401) showBanner(errorMessage(err.code, err.status));
    return;
  }
  state.waiting = Array.isArray(data.waiting) ? data.waiting : [];
  state.mine = Array.isArray(data.mine) ? data.mine : [];
  state.others = Array.isArray(data.others) ? data.others : null;
  for (const id of [...state.unread]) {
    if (!findSummary(id)) state.unread.delete(id);
  }
  renderLists();
}

function scheduleQueueReload(delay = 150) {
  clearTimeout(state.queueReload);
  state.queueReload = setTimeout(refreshQueue, delay);
}

async function refreshAgents() {
  try {
    const data = await api('GET', '/agents');
    state.agents = Array.isArray(data.agents) ? data.agents : [];
  } catch {
    state.agents = [];
  }
  renderTransferOptions();
}

function renderLists() {
  // Re-rendering replaces the list buttons: keep keyboard focus where it was.
  const active = document.activeElement;
  const activeItem = active?.closest?.('.conv-item');
  const refocus = activeItem
    ? { testid: activeItem.dataset.testid, id: activeItem.dataset.id, take: active.classList.contains('ci-take') }
    : null;

  renderList($('waiting-list'), state.waiting, 'queue-item');
  renderList($('mine-list'), state.mine, 'mine-item');
  renderList($('others-list'), state.others ?? [], 'others-item');

  if (refocus) {
    const item = [...document.querySelectorAll(`.conv-item[data-testid="${refocus.testid}"]`)].find(
      (node) => node.dataset.id === refocus.id,
    );
    item?.querySelector(refocus.take ? '.ci-take' : '.ci-open')?.focus({ preventScroll: true });
  }
  $('waiting-count').textContent = String(state.waiting.length);
  $('mine-count').textContent = String(state.mine.length);
  $('others-count').textContent = String(state.others?.length ?? 0);
  $('others-section').hidden = state.others === null;
  $('waiting-empty').hidden = state.waiting.length > 0;
  $('mine-empty').hidden = state.mine.length > 0;
  updateTitle();
  tick();
}

function renderList(list, items, testid) {
  const sorted = [...items].sort((a, b) => a.queuedAt - b.queuedAt);
  list.replaceChildren(...sorted.map((c) => renderItem(c, testid)));
}

function renderItem(c, testid) {
  const waiting = testid === 'queue-item';
  const unread = state.unread.has(c.id);
  const selected = c.id === state.openId;

  const flags = el(
    'span',
    { class: 'ci-flags' },
    el('span', { class: `tag tag-reason tag-${c.reason}`, text: reasonLabel(c.reason) }),
    c.customerLeft ? el('span', { class: 'tag tag-left', text: '고객 나감' }) : null,
    el('span', { class: 'tag tag-idle', hidden: true, dataset: { tick: 'idle', since: String(c.lastCustomerAt ?? '') } }),
    unread ? el('span', { class: 'tag tag-unread', text: '새 메시지' }) : null,
  );

  const open = el(
    'button',
    {
      type: 'button',
      class: 'ci-open',
      'aria-current': selected ? 'true' : undefined,
      onclick: () => openConversation(c.id),
    },
    el(
      'span',
      { class: 'ci-top' },
      el('span', { class: 'ci-name', text: customerName(c) }),
      el('span', { class: 'lang-badge', lang: 'en', title: languageLabel(c.language), text: String(c.language ?? '').toUpperCase() }),
      waiting
        ? el('span', { class: 'ci-wait', dataset: { tick: 'wait', since: String(c.queuedAt) }, title: `대기 시작 ${formatDateTime(c.queuedAt)}` })
        : null,
    ),
    el('span', { class: 'ci-journey', text: [journeyLabel(c.journey), c.step, testid === 'others-item' && c.agentId ? `담당 ${c.agentId}` : null].filter(Boolean).join(' · ') }),
    flags,
  );

  const item = el(
    'li',
    {
      class: `conv-item${selected ? ' is-selected' : ''}${unread ? ' is-unread' : ''}${c.customerLeft ? ' is-left' : ''}`,
      'data-testid': testid,
      'data-id': c.id,
    },
    open,
  );
  if (waiting) {
    item.append(
      el('button', {
        type: 'button',
        class: 'btn btn-primary btn-small ci-take',
        'data-testid': 'take',
        'aria-label': `${customerName(c)} 상담 맡기 (Take)`,
        text: '맡기',
        onclick: () => takeConversation(c.id),
      }),
    );
  }
  return item;
}

/** Updates every ticking label (waiting time, idle time) once a second, without re-rendering. */
function tick() {
  const t = now();
  for (const node of document.querySelectorAll('[data-tick]')) {
    const since = Number(node.dataset.since);
    if (!node.dataset.since || Number.isNaN(since)) continue;
    if (node.dataset.tick === 'wait') {
      node.textContent = `대기 ${formatDuration(t - since)}`;
    } else if (node.dataset.tick === 'idle') {
      const idle = t - since > IDLE_AFTER_MS && !node.closest('.is-left, .is-ended');
      node.hidden = !idle;
      if (idle) node.textContent = `응답 없음 ${Math.floor((t - since) / 60000)}분`;
    }
  }
}

function updateTitle() {
  const n = state.unread.size;
  document.title = `${n ? `(${n}) ` : ''}상담원 데스크 · 공동인증서 도우미`;
}

// ---------------------------------------------------------------- conversation

function findSummary(id) {
  return state.mine.find((c) => c.id === id) ?? state.waiting.find((c) => c.id === id) ?? state.others?.find((c) => c.id === id);
}

async function openConversation(id, { focus = 'title' } = {}) {
  const seq = ++state.openSeq;
  if (state.openId !== id) {
    state.openId = id;
    state.detail = null;
    state.seenEntries = new Set();
    state.pendingEntries = [];
    $('transcript').replaceChildren();
  }
  state.unread.delete(id);
  renderLists();
  let data;
  try {
    data = await api('GET', conversationPath(id));
  } catch (err) {
    if (seq !== state.openSeq) return;
    if (err.status !== 401) {
      showBanner(errorMessage(err.code, err.status));
      closeConversation();
      scheduleQueueReload(0);
    }
    return;
  }
  if (seq !== state.openSeq) return;
  showDetail(data.conversation, focus);
}

function showDetail(detail, focus) {
  if (!detail) return;
  const sameConversation = state.openId === detail.id;
  state.openId = detail.id;
  state.detail = detail;
  if (!sameConversation) state.pendingEntries = [];
  state.seenEntries = new Set();
  $('transcript').replaceChildren();
  for (const entry of detail.transcript ?? []) appendEntry(entry, false);
  for (const entry of state.pendingEntries) appendEntry(entry, false);
  state.pendingEntries = [];
  renderConversation();
  scrollTranscript(true);
  $('conv-placeholder').hidden = true;
  $('conv').hidden = false;
  renderLists();
  if (focus === 'reply' && !$('reply-input').disabled) $('reply-input').focus();
  else if (focus === 'title') $('conv-title').focus({ preventScroll: true });
}

function closeConversation() {
  state.openSeq++;
  state.openId = null;
  state.detail = null;
  state.seenEntries = new Set();
  state.pendingEntries = [];
  $('transcript').replaceChildren();
  $('conv').hidden = true;
  $('conv-placeholder').hidden = false;
}

function renderConversation() {
  const d = state.detail;
  if (!d) return;
  const mine = isMine(d);
  const ended = d.status === 'ended';

  $('conv').classList.toggle('is-ended', ended);
  $('conv').classList.toggle('is-left', Boolean(d.customerLeft));
  $('conv-title').textContent = customerName(d);
  $('conv-sub').textContent = [journeyLabel(d.journey), d.step, reasonLabel(d.reason)].filter(Boolean).join(' · ');

  // Header action: take a previewed queued conversation.
  const headActions = $('conv-head-actions');
  headActions.replaceChildren();
  if (d.status === 'queued') {
    headActions.append(
      el('button', {
        type: 'button',
        class: 'btn btn-primary',
        'data-testid': 'conv-take',
        text: '이 상담 맡기',
        onclick: () => takeConversation(d.id),
      }),
    );
  }

  // State line.
  const notices = [];
  if (ended) notices.push('종료된 상담입니다.');
  else if (d.status === 'queued') notices.push('대기 중인 상담입니다. 맡은 뒤에 답장할 수 있습니다.');
  else if (!mine) notices.push(`${d.agentId ? `${d.agentId} 상담원이` : '다른 상담원이'} 맡은 상담입니다.`);
  if (d.customerLeft) notices.push('고객이 대화를 떠났습니다.');
  const stateLine = $('conv-state');
  stateLine.textContent = notices.join(' ');
  stateLine.hidden = notices.length === 0;
  stateLine.dataset.kind = d.customerLeft || ended ? 'warn' : 'info';

  // Meta.
  const rows = [
    ['고객', customerName(d)],
    ['업무', journeyLabel(d.journey)],
    ['단계', d.step || '—'],
    ['연결 사유', reasonLabel(d.reason)],
    ['언어', languageLabel(d.language)],
    ['상태', statusLabel(d.status)],
    ['담당', d.agentId || '—'],
    ['대기 시작', d.queuedAt ? formatDateTime(d.queuedAt) : '—'],
  ];
  const meta = $('conv-meta');
  meta.replaceChildren();
  for (const [term, value] of rows) {
    meta.append(el('div', { class: 'meta-row' }, el('dt', { text: term }), el('dd', { text: value })));
  }
  if (d.status === 'queued') {
    meta.append(
      el('div', { class: 'meta-row' }, el('dt', { text: '대기 시간' }),
        el('dd', { dataset: { tick: 'wait', since: String(d.queuedAt) } })),
    );
  }
  if (!ended && !d.customerLeft && typeof d.lastCustomerAt === 'number') {
    meta.append(
      el('div', { class: 'meta-row' }, el('dt', { text: '마지막 응답' }),
        el('dd', {}, formatTime(d.lastCustomerAt), ' ',
          el('span', { class: 'tag tag-idle', hidden: true, dataset: { tick: 'idle', since: String(d.lastCustomerAt) } }))),
    );
  }

  // Notes.
  const notes = Array.isArray(d.notes) ? d.notes : [];
  $('notes-section').hidden = notes.length === 0;
  $('notes').replaceChildren(
    ...notes.map((n) =>
      el('li', { class: 'note' },
        el('div', { class: 'note-head' },
          el('span', { class: 'note-from', text: n.from }),
          el('time', { class: 'note-time', datetime: new Date(n.at).toISOString(), title: formatDateTime(n.at), text: formatTime(n.at) })),
        el('p', { class: 'note-text', text: n.text })),
    ),
  );

  // Controls.
  $('end-section').hidden = !mine;
  $('transfer-section').hidden = !mine;
  const canReply = mine && !ended;
  $('reply-input').disabled = !canReply;
  $('reply-send').disabled = !canReply;
  const hint = $('composer-hint');
  hint.hidden = canReply && !d.customerLeft;
  hint.textContent = canReply
    ? '고객이 떠나 메시지가 전달되지 않을 수 있습니다.'
    : d.status === 'queued' ? '상담을 맡으면 답장할 수 있습니다.' : '이 상담에는 답장할 수 없습니다.';
  if (mine) renderTransferOptions();
  tick();
}

function renderTransferOptions() {
  const select = $('transfer-to');
  const previous = select.value;
  const others = state.agents.filter((a) => a && a.id && a.id !== state.me);
  select.replaceChildren(
    el('option', { value: '', text: others.length ? '상담원 선택' : '이관할 수 있는 상담원이 없습니다' }),
    ...others.map((a) => el('option', { value: a.id, text: a.id })),
  );
  if (others.some((a) => a.id === previous)) select.value = previous;
}

const FROM_LABELS = { customer: '고객', bot: '챗봇', agent: '상담원', system: '시스템' };

function entryKey(e) {
  return `${e.from}\u0000${e.at}\u0000${e.agentId ?? ''}\u0000${e.text}`;
}

function appendEntry(entry, scroll = true) {
  if (!entry || typeof entry.text !== 'string') return;
  const key = entryKey(entry);
  if (state.seenEntries.has(key)) return;
  state.seenEntries.add(key);

  let who = FROM_LABELS[entry.from] ?? String(entry.from);
  if (entry.from === 'agent' && entry.agentId) who = entry.agentId === state.me ? `나 (${entry.agentId})` : `상담원 ${entry.agentId}`;
  if (entry.from === 'customer' && state.detail?.maskedName) who = `고객 ${state.detail.maskedName}`;

  const transcript = $('transcript');
  const nearBottom = transcript.scrollHeight - transcript.scrollTop - transcript.clientHeight < 80;
  const at = typeof entry.at === 'number' ? entry.at : now();
  transcript.append(
    el('li', {
      class: `entry entry-${entry.from}${entry.from === 'agent' && entry.agentId === state.me ? ' entry-self' : ''}`,
      'data-testid': 'transcript-entry',
      'data-from': entry.from,
    },
    el('div', { class: 'entry-meta' },
      el('span', { class: 'entry-who', text: who }),
      el('time', { class: 'entry-time', datetime: new Date(at).toISOString(), title: formatDateTime(at), text: formatTime(at) })),
    el('p', { class: 'entry-text', text: entry.text })),
  );
  if (scroll) scrollTranscript(nearBottom || entry.from === 'agent');
}

function scrollTranscript(force) {
  const transcript = $('transcript');
  if (force) transcript.scrollTop = transcript.scrollHeight;
}

// ---------------------------------------------------------------- actions

async function withBusy(fn) {
  if (state.busy) return;
  state.busy = true;
  document.body.classList.add('is-busy');
  try {
    await fn();
  } finally {
    state.busy = false;
    document.body.classList.remove('is-busy');
  }
}

function takeConversation(id) {
  return withBusy(async () => {
    const data = await act('POST', conversationPath(id, 'take'));
    if (!data) return;
    state.openSeq++;
    if (state.openId !== id) state.pendingEntries = [];
    state.openId = id;
    showDetail(data.conversation, 'reply');
    await refreshQueue();
  });
}

async function onReply(event) {
  event.preventDefault();
  const input = $('reply-input');
  const text = input.value.trim();
  const id = state.openId;
  if (!text || !id || input.disabled) return;
  $('reply-send').disabled = true;
  try {
    const data = await act('POST', conversationPath(id, 'messages'), { text });
    if (!data) return;
    if (input.value.trim() === text) input.value = '';
    if (state.openId === id && data.entry) appendEntry(data.entry);
  } finally {
    $('reply-send').disabled = !isMine(state.detail) || state.detail?.status === 'ended';
    input.focus();
  }
}

function onReplyKey(event) {
  if (event.key === 'Enter' && !event.shiftKey && !event.isComposing && event.keyCode !== 229) {
    event.preventDefault();
    $('reply-form').requestSubmit();
  }
}

function endConversation(mode) {
  const id = state.openId;
  if (!id) return;
  return withBusy(async () => {
    const data = await act('POST', conversationPath(id, 'end'), { mode });
    if (!data) return;
    if (state.openId === id) closeConversation();
    state.unread.delete(id);
    showBanner(END_DONE[mode] ?? END_DONE.close, 'info');
    await refreshQueue();
  });
}

async function onTransfer(event) {
  event.preventDefault();
  const id = state.openId;
  const to = $('transfer-to').value;
  const note = $('transfer-note').value.trim();
  if (!id) return;
  if (!to) {
    showBanner('이관할 상담원을 선택해 주세요.');
    $('transfer-to').focus();
    return;
  }
  await withBusy(async () => {
    const data = await act('POST', conversationPath(id, 'transfer'), { to, note });
    if (!data) return;
    $('transfer-note').value = '';
    $('transfer-to').value = '';
    if (state.openId === id) closeConversation();
    state.unread.delete(id);
    showBanner(`${to} 상담원에게 이관했습니다.`, 'info');
    await refreshQueue();
  });
}

// ---------------------------------------------------------------- live events

function startLive() {
  stopLive();
  setConnection('connecting');
  const source = new EventSource(`${API}/events`, { withCredentials: true });
  state.events = source;
  let hadError = false;

  source.onopen = () => {
    setConnection('open');
    if (hadError) {
      // Events may have been missed while disconnected.
      hadError = false;
      scheduleQueueReload(0);
      if (state.openId) openConversation(state.openId, { focus: 'none' });
    }
  };
  source.onmessage = (event) => {
    let data;
    try {
      data = JSON.parse(event.data);
    } catch {
      return;
    }
    if (data && typeof data.type === 'string') onEvent(data);
  };
  source.onerror = async () => {
    hadError = true;
    setConnection('reconnecting');
    try {
      await api('GET', '/me'); // a 401 shows the sign-in form and closes the stream
    } catch (err) {
      if (err.status === 401) return;
    }
    if (state.events === source && source.readyState === EventSource.CLOSED) {
      // The browser gave up (e.g. a non-200 answer): retry ourselves.
      setTimeout(() => {
        if (state.events === source && state.me) startLive();
      }, 5000);
    }
  };

  state.refreshTimer = setInterval(() => {
    if (state.me) refreshQueue();
  }, SAFETY_REFRESH_MS);
}

function stopLive() {
  if (state.events) {
    state.events.onerror = null;
    state.events.close();
    state.events = null;
  }
  clearInterval(state.refreshTimer);
  state.refreshTimer = null;
  clearTimeout(state.queueReload);
}

function setConnection(kind) {
  const node = $('conn-status');
  node.dataset.state = kind;
  node.textContent = kind === 'open' ? '실시간 연결됨' : kind === 'reconnecting' ? '재연결 중…' : '연결 중…';
}

function updateSummary(id, patch) {
  for (const c of [...state.waiting, ...state.mine, ...(state.others ?? [])]) if (c.id === id) Object.assign(c, patch);
}

function onEvent(ev) {
  switch (ev.type) {
    case 'queueChanged':
      scheduleQueueReload();
      break;

    case 'message': {
      const { id, entry } = ev;
      if (!entry) break;
      if (entry.from === 'customer' && typeof entry.at === 'number') {
        updateSummary(id, { lastCustomerAt: entry.at });
        if (state.detail?.id === id) state.detail.lastCustomerAt = entry.at;
      }
      if (id === state.openId) {
        if (state.detail) {
          appendEntry(entry);
          if (entry.from === 'customer') renderConversation();
        } else {
          state.pendingEntries.push(entry);
        }
      } else if (findSummary(id)) {
        state.unread.add(id);
      }
      renderLists();
      break;
    }

    case 'customerLeft':
      updateSummary(ev.id, { customerLeft: true });
      if (state.detail?.id === ev.id) {
        state.detail.customerLeft = true;
        renderConversation();
      }
      renderLists();
      break;

    case 'transferred':
      if (ev.to === state.me && ev.from !== state.me) {
        state.unread.add(ev.id);
        showBanner(`${ev.from ?? '다른'} 상담원이 상담을 이관했습니다. ‘내 상담’을 확인하세요.`, 'info');
      }
      if (ev.id === state.openId && ev.to !== state.me && state.detail) {
        state.detail.agentId = ev.to;
        renderConversation();
      }
      scheduleQueueReload(0);
      break;

    case 'ended':
      updateSummary(ev.id, { status: 'ended' });
      state.unread.delete(ev.id);
      if (state.detail?.id === ev.id) {
        state.detail.status = 'ended';
        renderConversation();
      }
      scheduleQueueReload(0);
      break;

    default:
      break;
  }
}

// ---------------------------------------------------------------- boot

async function boot() {
  $('login-form').addEventListener('submit', onSignIn);
  $('sign-out').addEventListener('click', onSignOut);
  $('banner-close').addEventListener('click', hideBanner);
  $('reply-form').addEventListener('submit', onReply);
  $('reply-input').addEventListener('keydown', onReplyKey);
  $('transfer-form').addEventListener('submit', onTransfer);
  for (const button of document.querySelectorAll('#end-section [data-mode]')) {
    button.addEventListener('click', () => endConversation(button.dataset.mode));
  }
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && !$('banner').hidden) hideBanner();
  });
  setInterval(tick, 1000);

  showView('loading');
  try {
    const me = await api('GET', '/me');
    await showDesk(me.agentId);
  } catch (err) {
    if (err.status !== 401) {
      showSignIn();
      showBanner(errorMessage(err.code, err.status));
    }
  }
}

boot();
