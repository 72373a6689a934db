import { loggedBotActivity, loggedCustomerActivity } from '../../src/directLine/loggedCopy';

const TICKET = 'q2Xw3_Ab-9cd8EfGh7IjKl6MnOp5QrSt4UvWx3Yz2A1';
const LINK = `https://secure.bank.example/secure/${TICKET}`;

test('the secure step card is logged with the link’s ticket replaced, in its text and its button; long digit runs masked', () => {
  const card = {
    type: 'message',
    conversation: { id: 'conv123456789' },
    replyToId: 'conv123456789|0000012',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.hero',
        content: {
          text: `본인 인증은 보안 화면에서 해요.\n${LINK}`,
          buttons: [{ type: 'openUrl', title: '본인 인증하기', value: LINK }],
        },
      },
    ],
  };
  const logged = loggedBotActivity(card);
  expect(JSON.stringify(logged)).not.toContain(TICKET);
  expect(logged.attachments).toEqual([
    {
      contentType: 'application/vnd.microsoft.card.hero',
      content: {
        text: '본인 인증은 보안 화면에서 해요.\nhttps://secure.bank.example/secure/delivered',
        buttons: [{ type: 'openUrl', title: '본인 인증하기', value: 'https://secure.bank.example/secure/delivered' }],
      },
    },
  ]);
  // addressing stays as it is, digits and all
  expect(logged).toMatchObject({ conversation: { id: 'conv123456789' }, replyToId: 'conv123456789|0000012' });
  expect(loggedBotActivity({ type: 'message', text: '인증번호: 482913' }).text).toBe('인증번호: ******');
});

test('what the customer typed is logged masked, Web Chat’s echo key kept', () => {
  const logged = loggedCustomerActivity({
    type: 'message',
    text: '770707-1234567, 010-5555-6666, 비밀번호 Gildong#2026!',
    channelData: { clientActivityID: '1234567abc' },
  });
  expect(logged).toEqual({
    type: 'message',
    text: '******-*******, ***-****-****, 비밀번호 ********',
    channelData: { clientActivityID: '1234567abc' },
  });
});
