import { emit, enqueueActions } from 'xstate';
import type { FlowEmitted } from '../contract/replies';
import type { IssuedCertificate } from '../contract/secure';
import type { Replacement } from '../contract/domain';
import { flow, onSecurePage } from '../flowSetup';

const failed = { target: '#root.menu', actions: 'explainFailure' } as const;
/** Ours to fix: the new certificate is saved, the old one still works; an agent revokes it. */
const OLD_NOT_REVOKED = { type: 'reply', key: 'reissue.oldNotRevoked', choices: ['menu.choices.agent'] } as const;

/**
 * The renewal page: the device proves it holds the certificate being renewed, and makes the new
 * one. The server revokes the old certificate (superseded) once the new one is delivered, before
 * the chat is told: nothing is left for the flow to revoke.
 */
function renewalPage(journey: string) {
  return onSecurePage('renewal', journey, {
    // Transition actions run after the journey's exit cleared its context: use the event only.
    CERTIFICATE_ISSUED: {
      target: '#root.menu',
      actions: enqueueActions(({ enqueue, event }) =>
        issuedReplies(event.issued, 'renewal', event.oldStillValid !== true).forEach((reply) => enqueue.emit(reply)),
      ),
    },
    SECURE_FAILED: failed,
  });
}

/**
 * The end of 발급, on the secure page: the customer's device makes the key and R, asks the CA with
 * the bank's authorisation, protects the key with the password and keeps the files; the chat
 * learns only what was issued.
 */
export function certificateOnDevice(journey: string) {
  return flow.createStateConfig({
    initial: 'onSecurePage',
    states: {
      onSecurePage: onSecurePage('issuance', journey, {
        // Transition actions run after the journey's exit cleared its context: use the event only.
        CERTIFICATE_ISSUED: {
          target: '#root.menu',
          actions: enqueueActions(({ enqueue, event }) => issuedReplies(event.issued).forEach((reply) => enqueue.emit(reply))),
        },
        SECURE_FAILED: failed,
      }),
    },
  });
}

/**
 * 갱신 authorised by the current key alone, without 본인 인증: on the renewal page the device proves
 * it holds a certificate of this bank close to its expiry, which tells the server whose it is and
 * what is renewed; the new certificate is made on the device as in 발급, and the server revokes the
 * old one once the new one is delivered. The chat learns only what was issued.
 */
export function renewalOnDevice(journey: string) {
  return flow.createStateConfig({
    initial: 'onSecurePage',
    states: {
      onSecurePage: renewalPage(journey),
    },
  });
}

/**
 * The end of 재발급 and 갱신 of a certificate picked in the chat: a new certificate made on the
 * device as in 발급 (a renewal's page first has the device prove it holds the picked certificate:
 * 갱신 is authorised by the current key). A renewal's old certificate is revoked by the server on
 * delivery; a reissue's here, once its successor exists. Either way the customer is told what that means.
 */
export function replacementOnDevice(journey: string) {
  return flow.createStateConfig({
    initial: 'choosingPage',
    states: {
      choosingPage: {
        always: [
          { guard: ({ context }) => context.issuance?.replaces?.mode === 'renewal', target: 'renewingOnPage' },
          { target: 'reissuingOnPage' },
        ],
      },
      reissuingOnPage: onSecurePage('issuance', journey, { CERTIFICATE_ISSUED: { target: 'revokingOld' }, SECURE_FAILED: failed }),
      renewingOnPage: renewalPage(journey),
      // A reissue: the old certificate may be lost or leaked, so the flow revokes it with the customer's reason.
      revokingOld: {
        tags: 'busy',
        invoke: {
          src: 'revokeReplaced',
          input: ({ context, event }) => ({
            customerId: context.identity?.customerId ?? '',
            replaces: context.issuance?.replaces as Replacement,
            issued: (event as { issued: IssuedCertificate }).issued,
          }),
          onDone: {
            target: '#root.menu',
            actions: enqueueActions(({ enqueue, event }) =>
              issuedReplies(event.output.issued, event.output.replaced).forEach((reply) => enqueue.emit(reply)),
            ),
          },
          // The new certificate is on the device; the old one still works until an agent revokes it: said, with an agent offered.
          onError: { target: '#root.menu', actions: emit(OLD_NOT_REVOKED) },
        },
      },
    },
  });
}

function issuedReplies(issued: IssuedCertificate, replaced?: Replacement['mode'], oldRevoked = true): FlowEmitted[] {
  const card: FlowEmitted = {
    type: 'reply',
    card: 'facts',
    key: replaced === undefined ? 'issuance.issued' : `reissue.done.${replaced}`,
    params: {
      ca: { key: `certificates.cas.${issued.ca}` },
      type: { key: `issuance.types.${issued.type}` },
      serial: issued.serialNumber,
      from: issued.notBefore,
      to: issued.notAfter,
      name: issued.maskedName,
    },
  };
  // The old certificate is revoked: it stops working here and everywhere it was copied.
  const old: FlowEmitted[] =
    replaced === undefined
      ? []
      : oldRevoked
        ? [
            { type: 'reply', key: 'reissue.oldRevoked' },
            { type: 'reply', key: 'reissue.otherDevices' },
          ]
        : [OLD_NOT_REVOKED];
  return [card, { type: 'reply', key: 'issuance.savedOnDevice' }, ...old, { type: 'reply', key: 'issuance.advice' }];
}
