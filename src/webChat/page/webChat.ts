import type { createDirectLine, createStore, StyleOptions } from 'botframework-webchat';
import type { CardActionMiddleware } from './secureOverlay';
import type { Language } from './texts';

/** Web Chat's full bundle, served from npm by the bot itself (/webchat/webchat.js), sets this global. */
interface WebChatGlobal {
  readonly createDirectLine: typeof createDirectLine;
  readonly createStore: typeof createStore;
  renderWebChat(props: WebChatProps, element: HTMLElement): void;
}

export type DirectLine = ReturnType<typeof createDirectLine>;
export type Store = ReturnType<typeof createStore>;

export interface WebChatProps {
  readonly directLine: DirectLine;
  readonly store: Store;
  readonly locale: string;
  readonly styleOptions: StyleOptions;
  readonly cardActionMiddleware?: CardActionMiddleware;
}

declare global {
  interface Window {
    readonly WebChat: WebChatGlobal;
  }
}

export const webChat = (): WebChatGlobal => window.WebChat;

/** Web Chat's own locale for each of the bot's languages. */
export const WEB_CHAT_LOCALES: Readonly<Record<Language, string>> = { ko: 'ko-KR', en: 'en-US' };

/** The bank's look; the avatars' initials are the page's texts. */
export function styleOptions(initials: { readonly bot: string; readonly user: string }): StyleOptions {
  return {
    accent: '#0b4a8b',
    botAvatarInitials: initials.bot,
    botAvatarBackgroundColor: '#0b4a8b',
    userAvatarInitials: initials.user,
    bubbleBorderRadius: 12,
    bubbleFromUserBorderRadius: 12,
    bubbleFromUserBackground: '#e8f1fb',
    suggestedActionBorderRadius: 16,
    suggestedActionLayout: 'flow',
    primaryFont: "'Apple SD Gothic Neo', 'Malgun Gothic', 'Noto Sans KR', 'NanumGothic', system-ui, sans-serif",
    sendBoxTextWrap: true,
    // Files are chosen on the secure page, where they stay on the device.
    hideUploadButton: true,
  };
}
