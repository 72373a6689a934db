/**
 * Messaging apps' in-app browsers, by the marks they put in the user agent. They cannot keep a
 * certificate (no download of blob: files, no certificate store), so the page hands issuance,
 * registration and renewal over to the bank's app or a PC there.
 */
const MESSENGER_MARKS: readonly RegExp[] = [
  /KAKAOTALK/i, // KakaoTalk
  /\bLine\/\d/, // LINE (case matters: "Linux" is no mark)
  /Telegram/i,
  /\bFBAN\/|\bFBAV\/|\bFB_IAB\//, // Facebook and Messenger
  /\bInstagram\b/i,
];

export function isMessengerBrowser(userAgent: string): boolean {
  return MESSENGER_MARKS.some((mark) => mark.test(userAgent));
}
