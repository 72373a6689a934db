import { byId } from './dom';

/** The elements of index.html the desk works with, found once (the script runs after the page is parsed). */
export const ui = {
  banner: byId('banner'),
  bannerText: byId('banner-text'),
  bannerClose: byId('banner-close', HTMLButtonElement),

  loadingView: byId('loading-view'),
  loginView: byId('login-view'),
  deskView: byId('desk-view'),

  loginForm: byId('login-form', HTMLFormElement),
  loginId: byId('login-id', HTMLInputElement),
  loginPassword: byId('login-password', HTMLInputElement),
  loginSubmit: byId('login-submit', HTMLButtonElement),

  connection: byId('conn-status'),
  signedInAs: byId('signed-in-as'),
  signOut: byId('sign-out', HTMLButtonElement),

  waitingList: byId('waiting-list', HTMLUListElement),
  waitingCount: byId('waiting-count'),
  waitingEmpty: byId('waiting-empty'),
  mineList: byId('mine-list', HTMLUListElement),
  mineCount: byId('mine-count'),
  mineEmpty: byId('mine-empty'),
  othersSection: byId('others-section'),
  /** Supervisors' way to the journey funnel (/agent/ops). */
  opsLink: byId('ops-link'),
  othersList: byId('others-list', HTMLUListElement),
  othersCount: byId('others-count'),

  placeholder: byId('conv-placeholder'),
  conversation: byId('conv'),
  title: byId('conv-title'),
  subtitle: byId('conv-sub'),
  headActions: byId('conv-head-actions'),
  notice: byId('conv-state'),
  meta: byId('conv-meta'),
  notesSection: byId('notes-section'),
  notes: byId('notes', HTMLUListElement),
  endSection: byId('end-section'),
  endButtons: [...document.querySelectorAll<HTMLButtonElement>('#end-section [data-mode]')],

  transcript: byId('transcript', HTMLOListElement),
  replyForm: byId('reply-form', HTMLFormElement),
  replyInput: byId('reply-input', HTMLTextAreaElement),
  replySend: byId('reply-send', HTMLButtonElement),
  composerHint: byId('composer-hint'),

  transferSection: byId('transfer-section'),
  transferForm: byId('transfer-form', HTMLFormElement),
  transferTo: byId('transfer-to', HTMLSelectElement),
  transferNote: byId('transfer-note', HTMLTextAreaElement),

  languageButtons: [...document.querySelectorAll<HTMLButtonElement>('[data-language]')],
};
