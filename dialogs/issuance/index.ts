import type { Journey } from '../journey';
import { issuance } from './issuance';

export const issuanceJourney: Journey = {
  id: 'issuing',
  startsOn: { intent: 'ISSUE' },
  menuChoice: 'menu.choices.issue',
  deskLabel: 'desk.journeys.issuing',
  services: ['findValidCertificate'],
  states: issuance,
};
