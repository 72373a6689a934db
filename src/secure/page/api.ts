import type { MobileCarrier } from '../../../dialogs/contract/domain';
import { base64Of, bytesFromBase64 } from '../../certificates/npki/bytes';
import type { PossessionProof, PossessionResult } from '../../device/possessionProof';
import type {
  CodeChecked,
  CodeSent,
  ConsentTerm,
  Continued,
  Handover,
  IssuanceAuthorized,
  IssuanceSaved,
  PasswordCounted,
  ProofChecked,
  SecureView,
} from '../secureApi';

export interface IdentityDetails {
  readonly name: string;
  /** 13 digits. */
  readonly rrn: string;
  readonly carrier: MobileCarrier;
  /** Digits only. */
  readonly phone: string;
}

/** Possession of a certificate's key: all base64. */
export interface Proof {
  readonly certificate: string;
  readonly signature: string;
  readonly randomNum?: string;
}

/** A proof as the server and the app's bridge take it. */
export const proofOf = ({ certificate, signature, randomNum }: PossessionProof): Proof => ({
  certificate: base64Of(certificate),
  signature: base64Of(signature),
  ...(randomNum !== undefined && { randomNum: base64Of(randomNum) }),
});

/** A proof the app's bridge gave, as the device's own proofs are. */
export function possessionOf(proof: Proof): PossessionResult {
  const certificate = bytesFromBase64(proof.certificate);
  const signature = bytesFromBase64(proof.signature);
  return proof.randomNum === undefined
    ? { status: 'noRandom', proof: { certificate, signature } }
    : { status: 'signed', proof: { certificate, signature, randomNum: bytesFromBase64(proof.randomNum) } };
}

export type CodeStep = 'identity' | 'additional';

/** A refusal: the HTTP status, the server's `error` (`network` when the server could not be reached) and the facts it gave with it. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: Readonly<Record<string, unknown>> = {},
  ) {
    super(code);
  }
}

/** A fetch: the browser's own on the page; one that keeps the session's cookie and sends the page's Origin in the terminal chat. */
export type Fetch = (url: string, init: RequestInit & NoStore) => Promise<Response>;

/** The page's calls are never cached; Node's RequestInit does not name the option (its fetch caches nothing). */
interface NoStore {
  readonly cache?: 'no-store';
}

export interface SecureApiOptions {
  /** Where the API is: `/secure/api` on the page's own origin unless given (the terminal chat: `<SECURE_ORIGIN>/secure/api`). */
  readonly base?: string;
  /** The platform's fetch unless given. */
  readonly fetch?: Fetch;
}

/**
 * The page's API under /secure/api (docs/secure-step.md; the answers are typed in ../secureApi.ts).
 * Every call is a JSON POST; the session cookie rides along, and no request carries the ticket but
 * `open`'s body. Each call resolves with the answer's body or throws an ApiError. The answers are
 * the server's own; they are not parsed again here. The same calls serve the page (the browser's
 * fetch, relative to its origin) and the terminal chat (Node, given the origin and a fetch).
 */
export function secureApiAt(options: SecureApiOptions = {}) {
  const base = options.base ?? '/secure/api';
  // A browser's fetch must be called on its global, never detached from it.
  const send: Fetch = options.fetch ?? ((url, init) => globalThis.fetch(url, init));
  const post = <T>(path: string, body: object = {}): Promise<T> => postJson<T>(send, `${base}${path}`, body);
  return {
    open: (ticket: string) => post<SecureView>('/open', { ticket }),
    consent: (accepted: readonly ConsentTerm[]) => post<object>('/consent', { accepted }),
    startIdentity: (details: IdentityDetails) => post<CodeSent>('/identity/start', details),
    startAdditional: () => post<CodeSent>('/additional/start'),
    verify: (step: CodeStep, code: string) => post<CodeChecked>(`/${step}/verify`, { code }),
    authorize: () => post<IssuanceAuthorized>('/issuance/authorize'),
    saved: (serialNumber: string) => post<IssuanceSaved>('/issuance/saved', { serialNumber }),
    proof: (proof: Proof) => post<ProofChecked>('/proof', proof),
    wrongPassword: () => post<PasswordCounted>('/wrong-password'),
    cancel: () => post<object>('/cancel'),
    handover: (to: 'pc' | 'app') => post<Handover>('/handover', { to }),
    continueWith: (code: string) => post<Continued>('/continue', { code }),
  };
}

export type SecureApi = ReturnType<typeof secureApiAt>;

/** The page's own: its origin's API, with the browser's fetch. */
export const secureApi: SecureApi = secureApiAt();

async function postJson<T>(send: Fetch, url: string, body: object): Promise<T> {
  let response: Response;
  try {
    response = await send(url, {
      method: 'POST',
      credentials: 'same-origin',
      cache: 'no-store',
      headers: { accept: 'application/json', 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'network');
  }
  const data = parse(await response.text());
  if (response.ok) return (data ?? {}) as T;
  const { error, ...detail } = data ?? {};
  throw new ApiError(response.status, typeof error === 'string' ? error : `http${response.status}`, detail);
}

function parse(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = text === '' ? undefined : JSON.parse(text);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
