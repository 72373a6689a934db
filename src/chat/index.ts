import { userInfo } from 'node:os';
import { createInterface } from 'node:readline/promises';
import { ReplyListener } from './replyListener';
import { TerminalChat, runChatLoop } from './terminalChat';

// A developer's terminal: talks to the bot started by `npm start` (or BOT_URL).
const botUrl = process.env.BOT_URL ?? `http://127.0.0.1:${process.env.PORT ?? '3978'}/api/messages`;
const write = (line: string): void => void process.stdout.write(`${line}\n`);
const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: process.stdin.isTTY });
write(`Connected to ${botUrl}. Type a message, a number to pick a choice, /attach <file>… to send files, or /quit.`);
void (async () => {
  let chat: TerminalChat | undefined;
  const listener = await ReplyListener.start((activity) => {
    chat?.showProactive(activity);
    rl.prompt(true);
  });
  chat = new TerminalChat({ botUrl, serviceUrl: listener.serviceUrl, userId: `terminal-${userInfo().username}`, write });
  await runChatLoop(chat, rl, write)
    .catch((err: unknown) => write(`(error) ${err instanceof Error ? err.message : String(err)}`))
    .finally(() => {
      rl.close();
      void listener.close();
    });
})();
