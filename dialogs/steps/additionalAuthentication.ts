import { emit } from 'xstate';
import { flow } from '../flowSetup';
import { oneTimeCode } from './oneTimeCode';

/**
 * 추가 인증 (전자금융사기 예방서비스): reissue and other-institution registration can hand a
 * certificate to whoever holds them, so the bank asks for a second code after 본인 인증. The
 * provider is pluggable; the sandbox sends it the same way as the first.
 */
export const additionalAuthentication = flow.createStateConfig({
  ...oneTimeCode('additional', (context) => context.identity),
  entry: emit({ type: 'reply', key: 'codes.additional.intro' }),
});
