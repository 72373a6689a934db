/**
 * A page's fixed texts, named in its index.html: `data-i18n` (the content), `data-i18n-aria-label`
 * and `data-i18n-placeholder` take the translation of their key, and each `data-language` button
 * says whether it is the language shown.
 */
export function showMarkedTexts(translate: (key: string) => string, language: string): void {
  document.documentElement.lang = language;
  for (const node of document.querySelectorAll<HTMLElement>('[data-i18n]')) node.textContent = translate(node.dataset.i18n ?? '');
  for (const node of document.querySelectorAll<HTMLElement>('[data-i18n-aria-label]'))
    node.setAttribute('aria-label', translate(node.dataset.i18nAriaLabel ?? ''));
  for (const node of document.querySelectorAll<HTMLElement>('[data-i18n-placeholder]'))
    node.setAttribute('placeholder', translate(node.dataset.i18nPlaceholder ?? ''));
  for (const button of document.querySelectorAll<HTMLElement>('[data-language]'))
    button.setAttribute('aria-pressed', String(button.dataset.language === language));
}
