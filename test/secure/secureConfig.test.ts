import { loadConfig } from '../../src/config/config';

describe('SECURE_ORIGIN and BANK_APP_LINK', () => {
  test("the secure page is at PUBLIC_BASE_URL's origin unless SECURE_ORIGIN gives one of its own", () => {
    expect(loadConfig({}).secure.origin).toBe('http://127.0.0.1:3978');
    expect(loadConfig({ PUBLIC_BASE_URL: 'https://chat.bank.example/bot/' }).secure.origin).toBe('https://chat.bank.example');
    expect(
      loadConfig({ PUBLIC_BASE_URL: 'https://chat.bank.example', SECURE_ORIGIN: 'https://Secure.Bank.example:8443' }).secure.origin,
    ).toBe('https://secure.bank.example:8443');
  });

  test('it must be https outside loopback, where WebCrypto would not run; loopback http is a secure context', () => {
    expect(loadConfig({ SECURE_ORIGIN: 'http://localhost:8080' }).secure.origin).toBe('http://localhost:8080');
    expect(() => loadConfig({ SECURE_ORIGIN: 'http://secure.bank.example' })).toThrow(/SECURE_ORIGIN: .*https outside loopback/);
    expect(() => loadConfig({ PUBLIC_BASE_URL: 'http://chat.bank.example' })).toThrow(/SECURE_ORIGIN: .*\(from PUBLIC_BASE_URL\)/);
    expect(() => loadConfig({ SECURE_ORIGIN: 'https://secure.bank.example/path' })).toThrow(/SECURE_ORIGIN: must be an origin/);
  });

  test("the bank's app's deep link needs a place for the ticket; the default is the sandbox's", () => {
    expect(loadConfig({}).secure.appLink).toBe('bankapp-sandbox://secure?ticket={ticket}');
    expect(loadConfig({ BANK_APP_LINK: 'kbank://cert/secure?t={ticket}' }).secure.appLink).toBe('kbank://cert/secure?t={ticket}');
    expect(() => loadConfig({ BANK_APP_LINK: 'kbank://cert/secure' })).toThrow(/BANK_APP_LINK: must be a URL with \{ticket\}/);
  });
});
