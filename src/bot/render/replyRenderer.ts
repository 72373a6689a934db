import { ActionTypes, Activity, Attachment, CardAction, CardFactory, MessageFactory } from 'botbuilder';
import type { TFunction } from 'i18next';
import type { Reply, ReplyChoice } from '../../../dialogs/contract/replies';
import { resolveParams } from '../../i18n/replyText';
import { capabilitiesOf, ChannelCapabilities } from './channelCapabilities';

/** The Adaptive Card input a password card posts back as `activity.value.secret`. */
export const SECRET_INPUT_ID = 'secret';

/** Turns a flow's reply keys into message activities in one language, shaped for the channel. */
export function renderReplies(replies: readonly Reply[], t: TFunction, channelId: string): Partial<Activity>[] {
  const can = capabilitiesOf(channelId);
  return replies.map((reply) => renderReply(reply, t, can));
}

function renderReply(reply: Reply, t: TFunction, can: ChannelCapabilities): Partial<Activity> {
  // A channel without upload gets a variant that says how to go on without sending files.
  const key = reply.asks === 'files' && !can.upload ? `${reply.key}WithoutUpload` : reply.key;
  let text = t(key, resolveParams(reply.params, t));
  const choices = reply.choices ?? [];
  const actions = choices.map((choice) => toAction(choice, t));
  // Without buttons the choices go into the text, so the customer still sees what to answer.
  if (actions.length > 0 && !can.suggestedActions) text = `${text}\n\n${numberedLines(choices, actions).join('\n')}`;
  const activity = actions.length > 0 && can.suggestedActions ? MessageFactory.suggestedActions(actions, text) : MessageFactory.text(text);
  // A card shows the text itself; the same text beside it would appear twice in Web Chat and Teams.
  const card =
    reply.asks === 'password' && can.adaptiveCards
      ? passwordCard(text, t)
      : reply.card === 'facts' && can.adaptiveCards
        ? factsCard(text)
        : reply.button !== undefined && can.heroCards
          ? CardFactory.heroCard('', text, undefined, [
              { type: ActionTypes.OpenUrl, title: t(reply.button.key), value: String(reply.params?.[reply.button.param] ?? '') },
            ])
          : undefined;
  if (card !== undefined) {
    delete activity.text;
    activity.attachments = [card];
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

/** One card asking for a password in a masked field; its submit arrives as `value.secret`. */
function passwordCard(prompt: string, t: TFunction): Attachment {
  return CardFactory.adaptiveCard({
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.5', // Input.Text style "password" is 1.5; older hosts show the fallback text
    fallbackText: prompt,
    body: [
      { type: 'TextBlock', text: prompt, wrap: true },
      // A required input needs a label and an error message, or Web Chat refuses to render the card.
      {
        type: 'Input.Text',
        id: SECRET_INPUT_ID,
        style: 'password',
        isRequired: true,
        label: t('cards.passwordLabel'),
        errorMessage: t('cards.passwordRequired'),
      },
    ],
    actions: [{ type: 'Action.Submit', title: t('cards.submit') }],
  });
}
