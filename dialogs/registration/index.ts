import type { Journey } from '../journey';
import { registration } from './registration';

export const registrationJourney: Journey = {
  id: 'registering',
  startsOn: { intent: 'REGISTER' },
  menuChoice: 'menu.choices.register',
  deskLabel: 'desk.journeys.registering',
  services: ['listCertificates', 'releaseCertificate'],
  states: registration,
};
