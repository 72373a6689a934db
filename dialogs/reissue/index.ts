import type { Journey } from '../journey';
import { reissue } from './reissue';

export const reissueJourney: Journey = {
  id: 'reissuing',
  startsOn: { intent: 'REISSUE' },
  menuChoice: 'menu.choices.reissue',
  deskLabel: 'desk.journeys.reissuing',
  services: ['listCertificates', 'revokeReplaced'],
  states: reissue,
};
