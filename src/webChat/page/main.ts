// The customer's chat page: Web Chat on this bot's own Direct Line endpoint (/v3/directline).
import { showMarkedTexts } from '../../i18n/page/markedTexts';
import { secureStepInOverlay } from './secureOverlay';
import { isLanguage, Language, PAGE_TEXTS } from './texts';
import { directLineToken } from './token';
import { DirectLine, Store, styleOptions, WEB_CHAT_LOCALES, webChat } from './webChat';

/** What the bot understands as "switch language"; it answers in that language from then on. */
const SWITCH: Readonly<Record<Language, string>> = { ko: '한국어', en: 'English' };

let language: Language = 'ko';

function showTexts(): void {
  const texts: Readonly<Record<string, string>> = PAGE_TEXTS[language];
  showMarkedTexts((key) => texts[key] ?? '', language);
}

function renderChat(directLine: DirectLine, store: Store): void {
  const { botInitials, userInitials } = PAGE_TEXTS[language];
  const element = document.getElementById('webchat');
  if (element === null) return;
  const look = styleOptions({ bot: botInitials, user: userInitials });
  const cardActionMiddleware = secureStepInOverlay(() => PAGE_TEXTS[language]);
  webChat().renderWebChat({ directLine, store, locale: WEB_CHAT_LOCALES[language], styleOptions: look, cardActionMiddleware }, element);
}

function showFailure(): void {
  const status = document.getElementById('status');
  if (status === null) return;
  status.textContent = PAGE_TEXTS[language].failed;
  status.hidden = false;
}

async function start(): Promise<void> {
  showTexts();
  const token = await directLineToken();
  // Over its WebSocket, Direct Line's default.
  const directLine = webChat().createDirectLine({ token, domain: `${location.origin}/v3/directline` });
  const store = webChat().createStore();
  renderChat(directLine, store);
  for (const button of document.querySelectorAll<HTMLElement>('[data-language]')) {
    button.addEventListener('click', () => {
      const next = button.dataset.language;
      if (!isLanguage(next) || next === language) return;
      language = next;
      showTexts();
      renderChat(directLine, store);
      store.dispatch({ type: 'WEB_CHAT/SEND_MESSAGE', payload: { text: SWITCH[next] } });
    });
  }
}

start().catch(showFailure);
