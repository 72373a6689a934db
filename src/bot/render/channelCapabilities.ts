import { Channels } from 'botbuilder';

/**
 * What a channel can show or collect, so the renderer can degrade a reply instead of sending
 * something the customer never sees (buttons on SMS, a card on Slack). New degradations add a
 * field here and a row value per channel.
 */
export interface ChannelCapabilities {
  /** Renders suggested actions (buttons, quick replies, keyboards) under a message. */
  readonly suggestedActions: boolean;
  /** Renders Adaptive Cards (the result card with its facts). */
  readonly adaptiveCards: boolean;
  /** Shows hero cards with buttons (an openUrl button for the secure page). */
  readonly heroCards: boolean;
  /** Shows a typing indicator while a slow step (issuance) runs. */
  readonly typing: boolean;
}

/** Unknown channels: plain text only, so nothing a customer needs can go missing. */
const CONSERVATIVE: ChannelCapabilities = { suggestedActions: false, adaptiveCards: false, heroCards: false, typing: false };
const EVERYTHING: ChannelCapabilities = { suggestedActions: true, adaptiveCards: true, heroCards: true, typing: true };

// Why each row: what the Bot Framework connector for that channel delivers in a 1:1 chat.
const TABLE: Readonly<Record<string, ChannelCapabilities>> = {
  // Web Chat (over Direct Line or the hosted page) and the Emulator render everything Web Chat does.
  [Channels.Directline]: EVERYTHING,
  [Channels.Webchat]: EVERYTHING,
  [Channels.Emulator]: EVERYTHING,
  // Personal chats show suggested actions (since 2023) and cards; files need supportsFiles in the app manifest.
  [Channels.Msteams]: EVERYTHING,
  // Slack gets no suggested actions and no Adaptive Cards from the connector, but file shares arrive.
  [Channels.Slack]: { suggestedActions: false, adaptiveCards: false, heroCards: true, typing: true },
  // Telegram keyboards and Messenger quick replies carry suggested actions; cards become images or nothing.
  [Channels.Telegram]: { suggestedActions: true, adaptiveCards: false, heroCards: true, typing: true },
  [Channels.Facebook]: { suggestedActions: true, adaptiveCards: false, heroCards: true, typing: true },
  // LINE and Kik have quick replies/keyboards, but their connectors take images, not arbitrary files.
  [Channels.Line]: { suggestedActions: true, adaptiveCards: false, heroCards: true, typing: false },
  [Channels.Kik]: { suggestedActions: true, adaptiveCards: false, heroCards: true, typing: true },
  // Email: plain mail, but attachments reach the bot.
  [Channels.Email]: { suggestedActions: false, adaptiveCards: false, heroCards: true, typing: false },
  // Skype is retired; kept to the text it surely rendered.
  [Channels.Skype]: { suggestedActions: true, adaptiveCards: false, heroCards: true, typing: true },
  // Text or voice only.
  [Channels.Sms]: CONSERVATIVE,
  [Channels.Twilio]: CONSERVATIVE,
  [Channels.Groupme]: CONSERVATIVE,
  [Channels.Alexa]: CONSERVATIVE,
  [Channels.Telephony]: CONSERVATIVE,
  // botbuilder's TestAdapter in our tests: reads suggested actions and attachments, no card renderer.
  [Channels.Test]: { suggestedActions: true, adaptiveCards: false, heroCards: false, typing: false },
  // Our terminal chat (src/chat/terminalChat.ts): numbers suggested actions itself and has /attach.
  terminal: { suggestedActions: true, adaptiveCards: false, heroCards: false, typing: false },
};

export function capabilitiesOf(channelId: string): ChannelCapabilities {
  const id = channelId.toLowerCase();
  // Own keys only: a channel id such as "constructor" must not find Object.prototype.
  return Object.hasOwn(TABLE, id) ? (TABLE[id] ?? CONSERVATIVE) : CONSERVATIVE;
}
