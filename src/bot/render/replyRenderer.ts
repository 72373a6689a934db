import { ActionTypes, Activity, Attachment, CardAction, CardFactory, MessageFactory } from 'botbuilder';
import type { TFunction } from 'i18next';
import type { Reply, ReplyChoice } from '../../../dialogs/contract/replies';
import { resolveParams } from '../../i18n/replyText';
import { capabilitiesOf, ChannelCapabilities } from './channelCapabilities';

/** Turns a flow's reply keys into message activities in one language, shaped for the channel. */
export function renderReplies(replies: readonly Reply[], t: TFunction, channelId: string): Partial<Activity>[] {
  const can = capabilitiesOf(channelId);
  return replies.map((reply) => renderReply(reply, t, can));
}

function renderReply(reply: Reply, t: TFunction, can: ChannelCapabilities): Partial<Activity> {
  let text = t(reply.key, resolveParams(reply.params, t));
  const link = reply.button === undefined ? undefined : String(reply.params?.[reply.button.param] ?? '');
  // Where no button can carry the link (SMS …), the link goes into the text.
  if (link !== undefined && !can.heroCards) text = `${text}\n${link}`;
  const choices = reply.choices ?? [];
  const actions = choices.map((choice) => toAction(choice, t));
  // Without buttons the choices go into the text, so the customer still sees what to answer.
  if (actions.length > 0 && !can.suggestedActions) text = `${text}\n\n${numberedLines(choices, actions).join('\n')}`;
  const activity = actions.length > 0 && can.suggestedActions ? MessageFactory.suggestedActions(actions, text) : MessageFactory.text(text);
  if (reply.card === 'facts' && can.adaptiveCards) {
    // The card shows the text itself; the same text beside it would appear twice in Web Chat and Teams.
    delete activity.text;
    activity.attachments = [factsCard(text)];
  } else if (reply.button !== undefined && link !== undefined && can.heroCards) {
    // The words stay in the message and the card carries only the button, titled by its label:
    // Messenger's cards take titles of 80 characters at most, and some hosts drop a card's text.
    const title = t(reply.button.key);
    activity.attachments = [CardFactory.heroCard(title, undefined, [{ type: ActionTypes.OpenUrl, title, value: link }])];
  }
  return activity;
}

/** "Title\n- label: value\n…\nclosing line" as a card: the title, a fact set, then the rest. */
function factsCard(text: string): Attachment {
  const [title = '', ...lines] = text.split('\n');
  const facts = lines.flatMap((line) => {
    const fact = /^- ([^:]+): (.*)$/.exec(line);
    return fact === null ? [] : [{ title: fact[1] ?? '', value: fact[2] ?? '' }];
  });
  const rest = lines.filter((line) => !/^- [^:]+: /.test(line));
  return CardFactory.adaptiveCard({
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.3',
    fallbackText: text,
    body: [
      { type: 'TextBlock', text: title, weight: 'Bolder', size: 'Medium', wrap: true },
      { type: 'FactSet', facts },
      ...rest.map((line) => ({ type: 'TextBlock', text: line, wrap: true })),
    ],
  });
}

/** A label key answers with its label; a data-built label answers with its own value ("1"). */
function toAction(choice: ReplyChoice, t: TFunction): CardAction {
  if (typeof choice === 'string') {
    const title = t(choice);
    return { type: ActionTypes.ImBack, title, value: title };
  }
  return { type: ActionTypes.ImBack, title: t(choice.key, resolveParams(choice.params, t)), value: choice.value };
}

/**
 * "1. …" lines. A data-built choice is numbered by its value, which is what the flow reads; a
 * label-key choice is numbered by position but answered by its label (or words of it).
 */
function numberedLines(choices: readonly ReplyChoice[], actions: readonly CardAction[]): string[] {
  return choices.map((choice, i) => {
    const title = String(actions[i]?.title ?? '');
    return `${typeof choice === 'string' ? i + 1 : choice.value}. ${title}`;
  });
}
