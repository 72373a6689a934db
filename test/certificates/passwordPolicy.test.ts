import { brokenPasswordRules, PasswordRule } from '../../src/certificates/npki/passwordPolicy';

const customer = { birthDate: ['900101', '19900101'], phone: '01024681357' };

test.each<[string, PasswordRule[]]>([
  ['Gildong#2026!', []],
  ['Qw#8rT5!mZ', []],
  ['Short#1a', ['tooShort']],
  ['onlyletters!!x', ['missingDigit']],
  ['1593572846!#', ['missingLetter']],
  ['Password5920', ['missingSpecial']],
  ["Gildong'2026!", ['forbiddenCharacter']],
  ['Gil|dong2026!', ['forbiddenCharacter']],
  ['Gildong\\2026!', ['forbiddenCharacter']],
  ['Gildong"2026!', ['forbiddenCharacter']],
  ['Xq#1234word!', ['sequence']],
  ['Xq#9753abc!', ['sequence']],
  ['Xq#9753cba!', ['sequence']],
  ['Xq#97531ABC', ['sequence']],
  ['Xq#97531!111', ['repeated']],
  ['Xq#975aaa3!', ['repeated']],
  ['Xq#900101!z', ['containsBirthDate']],
  ['Xq#2468zzx!', ['containsPhoneNumber']],
  ['Xq#13572b!x', ['containsPhoneNumber']],
  ['a', ['tooShort', 'missingDigit', 'missingSpecial']],
  ['111', ['tooShort', 'missingLetter', 'missingSpecial', 'repeated']],
  ['A'.padEnd(60, 'x') + '1#', ['tooLong', 'repeated']],
])('%s breaks %j', (password, expected) => {
  expect(brokenPasswordRules(password, customer)).toEqual(expected);
});

test('9 then 0 or z then a do not count as a sequence, nor do digits mixed with letters', () => {
  expect(brokenPasswordRules('Xq#890zab!w', customer)).toEqual([]);
  expect(brokenPasswordRules('Xq#9:;<=t5!', customer)).toEqual([]);
});
