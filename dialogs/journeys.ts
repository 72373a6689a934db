import { issuanceJourney } from './issuance';
import type { Journey } from './journey';
import { registrationJourney } from './registration';
import { reissueJourney } from './reissue';

/** Every journey the bot offers, in the order of the menu. */
export const JOURNEYS: readonly Journey[] = [issuanceJourney, registrationJourney, reissueJourney];

/** The menu: the journeys, then what a customer can always ask. */
export const MENU_CHOICES: readonly string[] = [
  ...JOURNEYS.map((journey) => journey.menuChoice),
  'menu.choices.whatIs',
  'menu.choices.agent',
];
