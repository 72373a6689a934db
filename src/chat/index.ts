import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import { createTranslator } from '../i18n/translator';
import { FileKeyStore } from './fileKeyStore';
import { ReplyListener } from './replyListener';
import { runSecureStep } from './secureStepClient';
import { runChatLoop, TerminalChat } from './terminalChat';
import { TerminalIo } from './terminalIo';

// A developer's terminal: talks to the bot started by `npm start` (or BOT_URL), and does its secure steps here.
const botUrl = process.env.BOT_URL ?? `http://127.0.0.1:${process.env.PORT ?? '3978'}/api/messages`;
// Certificates made here are kept as NPKI folders under NPKI_DIR (and used from there for a proof).
const keyFolder = process.env.NPKI_DIR ?? join(homedir(), 'NPKI-sandbox');
const io = new TerminalIo({ input: process.stdin, output: process.stdout, terminal: process.stdin.isTTY === true });
io.write(`Connected to ${botUrl}. Type a message, a number to pick a choice, or /quit.`);
io.write(`Secure steps run here: secrets are typed hidden, keys are made on this machine and kept in ${keyFolder}.`);
void (async () => {
  let chat: TerminalChat | undefined;
  const translator = await createTranslator();
  const store = new FileKeyStore(keyFolder);
  const listener = await ReplyListener.start((activity) => chat?.showProactive(activity));
  chat = new TerminalChat({
    botUrl,
    serviceUrl: listener.serviceUrl,
    userId: `terminal-${userInfo().username}`,
    write: (line) => io.write(line),
    // The secure page may have an origin of its own (the server's SECURE_ORIGIN).
    secureOrigins: process.env.SECURE_ORIGIN === undefined ? [] : [process.env.SECURE_ORIGIN],
    onSecureStep: () => io.interrupt(),
  });
  await runChatLoop(chat, io, (url) => runSecureStep(url, { terminal: io, store, translator }))
    .catch((err: unknown) => io.write(`(error) ${err instanceof Error ? err.message : String(err)}`))
    .finally(() => {
      io.close();
      void listener.close();
    });
})();
