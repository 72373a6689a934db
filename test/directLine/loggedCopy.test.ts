import { loggedBotActivity, loggedCustomerActivity } from '../../src/directLine/loggedCopy';

const TOKEN = 'q2Xw3_Ab-9cd8EfGh7IjKl6MnOp5QrSt4UvWx3Yz2A1';
const LINK = `https://bank.example/certificates/download/${TOKEN}`;

test('the download card is logged with the link’s token replaced, in its text and its button; the sandbox code masked', () => {
  const card = {
    type: 'message',
    conversation: { id: 'conv123456789' },
    replyToId: 'conv123456789|0000012',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.hero',
        content: {
          text: `10분 안에 한 번만 내려받을 수 있어요: ${LINK}`,
          buttons: [{ type: 'openUrl', title: '인증서 내려받기', value: `${LINK}?format=pfx` }],
        },
      },
    ],
  };
  const logged = loggedBotActivity(card);
  expect(JSON.stringify(logged)).not.toContain(TOKEN);
  expect(logged.attachments).toEqual([
    {
      contentType: 'application/vnd.microsoft.card.hero',
      content: {
        text: '10분 안에 한 번만 내려받을 수 있어요: https://bank.example/certificates/download/delivered',
        buttons: [{ type: 'openUrl', title: '인증서 내려받기', value: 'https://bank.example/certificates/download/delivered?format=pfx' }],
      },
    },
  ]);
  // addressing stays as it is, digits and all
  expect(logged).toMatchObject({ conversation: { id: 'conv123456789' }, replyToId: 'conv123456789|0000012' });
  expect(loggedBotActivity({ type: 'message', text: '[샌드박스] 인증번호: 482913' }).text).toBe('[샌드박스] 인증번호: ******');
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
