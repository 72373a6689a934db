import { inspect } from 'node:util';

/**
 * A value holding personal data that shows only its masked form: every way it can turn into
 * text gives `masked`, because personal data must never leak through logging or serialisation.
 */
export abstract class MaskedValue {
  abstract readonly masked: string;

  toString(): string {
    return this.masked;
  }

  toJSON(): string {
    return this.masked;
  }

  [Symbol.toPrimitive](): string {
    return this.masked;
  }

  [inspect.custom](): string {
    return this.masked;
  }
}
