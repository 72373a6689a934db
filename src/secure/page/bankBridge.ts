import type { Proof } from './api';
import { sandboxBridge } from './sandboxBridge';

/**
 * The bank's app's JavaScript bridge (docs/secure-step.md): the app's native certificate store keeps
 * the key; phones cannot usefully save NPKI files. Every value is base64.
 */
export interface BankAppBridge {
  readonly certificates: {
    store(files: { readonly signCert: string; readonly signPri: string }): Promise<void>;
    /** The app lets the customer pick a certificate and asks its password itself; null when they decline. */
    sign(challenge: string): Promise<Proof | null>;
  };
}

declare global {
  interface Window {
    readonly bankApp?: BankAppBridge;
  }
}

/** Whether the page uses the sandbox's stand-in for the app's bridge (`?bridge=sandbox`). */
const sandboxBridgeAsked = (): boolean => new URLSearchParams(location.search).get('bridge') === 'sandbox';

/**
 * The bridge the page saves to and signs with, if any: the app's, on this page or on the chat page
 * that opened it in an overlay; or the sandbox's, when asked for. Without one, files are downloads.
 */
export function bankAppBridge(): BankAppBridge | undefined {
  if (window.bankApp !== undefined) return window.bankApp;
  try {
    if (window.parent !== window && window.parent.bankApp !== undefined) return window.parent.bankApp;
  } catch {
    // framed by another origin: its bridge is not ours to use
  }
  return sandboxBridgeAsked() ? sandboxBridge : undefined;
}
