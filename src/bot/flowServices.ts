import { fromPromise } from 'xstate';
import type { CheckCodeInput, CheckCodeOutput, SendCodeInput, SendCodeOutput } from '../../dialogs/identityServices';
import { rootMachine } from '../../dialogs/rootMachine';
import type { IdentityProvider, Lockout } from '../identity/identityProvider';
import { OTP_LOCKOUT_MS } from '../identity/oneTimePassword';
import { MobileNumber } from '../identity/phoneNumber';
import { ResidentRegistrationNumber } from '../identity/residentRegistrationNumber';
import type { SecretBox } from '../state/secretBox';
import { SEAL } from './personalDataGuard';

export interface FlowServiceDependencies {
  readonly identity: IdentityProvider;
  readonly lockout: Lockout;
  readonly box: SecretBox;
  readonly now: () => Date;
}

/** The root machine with the bot's services behind its named actors. */
export function provideFlowServices(deps: FlowServiceDependencies) {
  return rootMachine.provide({
    actors: {
      sendVerificationCode: fromPromise<SendCodeOutput, SendCodeInput>(({ input }) => sendVerificationCode(deps, input)),
      checkVerificationCode: fromPromise<CheckCodeOutput, CheckCodeInput>(({ input }) => checkVerificationCode(deps, input)),
    },
  });
}

async function sendVerificationCode(deps: FlowServiceDependencies, input: SendCodeInput): Promise<SendCodeOutput> {
  const now = deps.now();
  const lockedUntil = await deps.lockout.lockedUntil(input.customerId);
  if (lockedUntil !== undefined && lockedUntil > now.getTime()) return { status: 'locked', until: lockedUntil };
  const phone = unsealPhone(deps.box, input.sealedPhone);
  if (input.previous !== undefined) {
    const resent = await deps.identity.resend(input.previous, { carrier: input.carrier, phone }, now);
    if (resent.result === 'locked') return { status: 'locked', until: now.getTime() + OTP_LOCKOUT_MS };
    if (resent.result === 'tooSoon') return { status: 'tooSoon' };
    return { status: 'sent', challenge: resent.challenge, sandboxCode: resent.sandboxCode };
  }
  const rrn = unsealRrn(deps.box, input.sealedRrn, now);
  const started = await deps.identity.startVerification({ name: input.name, rrn, carrier: input.carrier, phone, purpose: input.purpose }, now);
  return { status: 'sent', challenge: started.challenge, sandboxCode: started.sandboxCode };
}

async function checkVerificationCode(deps: FlowServiceDependencies, input: CheckCodeInput): Promise<CheckCodeOutput> {
  const now = deps.now();
  const outcome = await deps.identity.checkCode(input.challenge, input.code, now);
  // The lock holds across conversations and instances, not just this challenge.
  if (outcome.result === 'locked') await deps.lockout.lock(input.customerId, now.getTime() + OTP_LOCKOUT_MS);
  return outcome;
}

function unsealPhone(box: SecretBox, sealed: string): MobileNumber {
  const parsed = MobileNumber.parse(box.open(SEAL.phone, sealed)?.toString() ?? '');
  if (!parsed.ok) throw new Error('sealed phone number did not open');
  return parsed.value;
}

function unsealRrn(box: SecretBox, sealed: string, now: Date): ResidentRegistrationNumber {
  const parsed = ResidentRegistrationNumber.parse(box.open(SEAL.rrn, sealed)?.toString() ?? '', now);
  if (!parsed.ok) throw new Error('sealed resident registration number did not open');
  return parsed.value;
}
