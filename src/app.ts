import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { ROOT_MACHINE_VERSION } from '../dialogs/rootMachine';
import { AttachmentDownloader } from './bot/decode/attachmentDownloader';
import { CertificateBot } from './bot/certificateBot';
import { provideFlowServices } from './bot/step/flowServices';
import { PersonalDataGuard } from './bot/decode/personalDataGuard';
import { ActivityDecoder } from './bot/decode/decodeActivity';
import { ChoiceReader } from './bot/decode/choiceReader';
import { IssuanceTracking } from './bot/step/issuanceTracking';
import type { IdentityProvider } from './identity/identityProvider';
import type { VerificationLimits } from './identity/verificationLimits';
import { ChatDisplayOtpSender, SandboxIdentityProvider } from './identity/sandboxIdentityProvider';
import { SecretBox } from './state/secretBox';
import { FlowRunner } from './bot/step/flowRunner';
import type { Config } from './config/config';
import { CertificateService, createCertificateService } from './certificates/certificateService';
import type { DownloadStore } from './certificates/stores/downloadStore';
import { createTranslator } from './i18n/translator';
import type { Logger } from './logging/logger';
import type { ActivityDeduplicator } from './state/activityDeduplicator';
import { ConversationStore } from './state/conversationStore';
import { createRedisClient, isRedisReachable, waitForRedisReady } from './state/redisClient';
import type { StateStorage } from './state/stateStorage';
import { createBotAdapter } from './server/botAdapter';
import { registerCertificateRoutes } from './server/certificateRoutes';
import { createServer } from './server/createServer';
import { HandoffBoard, MemoryHandoffBoard } from './handoff/handoffBoard';
import { DESK_EVENTS, DeskEvents } from './handoff/handoffEvents';
import { MemoryBroadcast } from './state/broadcast';
import { AgentDirectory } from './agentDesk/agentAccounts';
import { registerSessionRoutes } from './agentDesk/agentAuth';
import { AgentDesk } from './agentDesk/agentDesk';
import { DeskStreams, registerDeskRoutes } from './agentDesk/deskRoutes';
import { DeskScope } from './agentDesk/deskScope';
import { publicOrigin } from './agentDesk/sameOrigin';
import { HandoffAudit, MemoryHandoffAudit } from './handoff/handoffAudit';
import { AdapterMessenger } from './agentDesk/adapterMessenger';
import { registerWebChatRoutes } from './webChat/webChatRoutes';
import { ServiceHours } from './handoff/serviceHours';
import { createInProcessGateway } from './directLine/botGateway';
import { DirectLineChannel, mountDirectLine } from './directLine/mountDirectLine';
import { createStores } from './stores';

/** A turn must end well inside a channel's 15 s budget, even when a service stalls. */
const SETTLE_TIMEOUT_MS = 6_000;
/** Turns sent before Redis is connected would fail at once (no offline queue), so startup waits a little. */
const STARTUP_REDIS_WAIT_MS = 3_000;

export interface App {
  /** Starts listening; resolves with the bound port (useful with port 0 in tests). */
  listen(): Promise<number>;
  /** Stops taking requests, lets in-flight turns finish, then closes Redis. */
  close(): Promise<void>;
}

export async function createApp(config: Config, logger: Logger): Promise<App> {
  const redis =
    config.redis === undefined
      ? undefined
      : createRedisClient(config.redis.url, logger, { commandTimeoutMs: config.redis.commandTimeoutMs });
  const box = new SecretBox(config.secretsKey ?? ephemeralSecretsKey(logger));
  const sessionTtlSeconds = config.agentDesk.sessionMinutes * 60;
  const stores = createStores(redis, {
    prefix: config.state.keyPrefix,
    stateTtlSeconds: config.state.ttlSeconds,
    dedupTtlSeconds: config.state.dedupTtlSeconds,
    agentSessionTtlSeconds: sessionTtlSeconds,
    box,
    logger,
  });
  // Created (or loaded) at start, so the sandbox CAs exist before the first customer arrives.
  const certificates = await createCertificateService({
    caDirectory: config.certificates.caDirectory,
    trustedRootsDirectory: config.certificates.trustedRootsDirectory,
    crlDirectory: config.certificates.crlDirectory,
    validityDays: config.certificates.validityDays,
    crlUrl: (caId) => `${config.publicBaseUrl}/ca/${caId}.crl`,
    stores: stores.certificates,
  });
  const { handoffBoard: board, deskEvents, handoffAudit: audit, downloads } = stores;
  const issuances = new IssuanceTracking(certificates, logger);
  const bot = await createCertificateBot({
    audit,
    hubChannels: config.hubChannels,
    issuances,
    testIssueDelayMs: config.testHooks.issueDelayMs,
    board,
    deskEvents,
    serviceHours: new ServiceHours(config.agentDesk.hours, config.agentDesk.timeZone),
    certificates,
    downloads,
    publicBaseUrl: config.publicBaseUrl,
    flowIdleMs: config.flowIdleMinutes * 60_000,
    uploadHosts: config.uploadHosts,
    storage: stores.state,
    deduplicator: stores.deduplicator,
    logger,
    box,
    // The sandbox shows its one-time codes in the chat so a newcomer can finish a journey.
    identity: new SandboxIdentityProvider({
      sender: new ChatDisplayOtpSender(logger),
      key: box.hashKey('otp'),
      revealCodes: config.sandbox,
    }),
    verificationLimits: stores.verificationLimits,
  });
  const adapter = createBotAdapter(config);
  // Direct Line turns run in this process: their adapter has no credentials and is never exposed over HTTP.
  const inProcessAdapter = createBotAdapter({ ...config, botAuth: { MicrosoftAppType: 'MultiTenant' } });
  const directLineGateway = createInProcessGateway(inProcessAdapter, (context) => bot.run(context));
  let directLine: DirectLineChannel | undefined;
  const directory = await agentDirectoryFor(config, logger);
  const translator = await createTranslator();
  const { agentSessions: sessions, signInThrottle: throttle } = stores;
  const scope = new DeskScope(board, config.agentDesk.supervisors);
  const desk = new AgentDesk({
    store: new ConversationStore(stores.state, logger),
    board,
    events: deskEvents,
    messenger: new AdapterMessenger(adapter, config.botAuth.MicrosoftAppId, inProcessAdapter),
    translator,
    audit,
    scope,
    logger,
    clock: Date.now,
    handBack: (id, mode, agentId) => bot.handBack(id, mode, agentId),
  });
  let streams: DeskStreams | undefined;
  // The bot answers its own failures; this only catches what escapes it (e.g. a send that failed).
  adapter.onTurnError = async (_context, error) => {
    logger.error({ err: { name: error.name, message: error.message } }, 'unhandled turn error');
  };
  let closing = false;
  const server = createServer({
    config,
    adapter,
    logic: (context) => bot.run(context),
    logger,
    isReady: async () => !closing && (redis === undefined || (await isRedisReachable(redis))),
    mount: (routes) => {
      const certificateRevocationList = (caId: string) => (caId === certificates.bankCa.profile.id ? certificates.crl() : undefined);
      registerCertificateRoutes(routes, { downloads, certificateRevocationList });
      // The desk acts only on requests from its own page, at PUBLIC_BASE_URL.
      const ownOrigin = () => publicOrigin(config.publicBaseUrl, (server.address() as AddressInfo).port);
      registerSessionRoutes(routes, {
        directory,
        sessions,
        throttle,
        events: deskEvents,
        ownOrigin,
        secureCookies: config.publicBaseUrl.startsWith('https:'),
        sessionTtlSeconds,
        logger,
      });
      streams = registerDeskRoutes(routes, { desk, sessions, directory, events: deskEvents, scope, ownOrigin });
      registerWebChatRoutes(routes, config.chatFrameAncestors);
      directLine = mountDirectLine(routes, {
        config,
        store: stores.directLine,
        feed: stores.activityFeed,
        gateway: directLineGateway,
        tokenKey: box.hashKey('directline-token'),
        logger,
      });
    },
  });

  return {
    async listen() {
      // A bot with Redis down still starts, unready, and connects in the background.
      if (redis !== undefined) {
        await waitForRedisReady(redis, STARTUP_REDIS_WAIT_MS).catch(() =>
          logger.warn('Redis is not reachable yet; starting unready and retrying in the background'),
        );
      }
      // restify re-emits the HTTP server's 'error'; a port in use must fail startup with a message.
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(config.port, config.host, () => {
          server.removeListener('error', reject);
          resolve();
        });
      });
      const port = (server.address() as AddressInfo).port;
      // Issuances a killed predecessor left behind are revoked even if their customers never return.
      if (redis !== undefined) issuances.startSweeping();
      logger.info(
        {
          host: config.host,
          port,
          sandbox: config.sandbox,
          botAuthenticated: config.botAuthenticated,
          state: config.redis ? 'redis' : 'memory',
        },
        config.sandbox
          ? 'listening in the sandbox: one-time codes are shown in the chat; loopback only'
          : config.botAuthenticated
            ? 'listening; Bot Framework authentication is on'
            : 'listening; no MicrosoftAppId, so /api/messages answers loopback callers only',
      );
      return port;
    },
    async close() {
      closing = true;
      issuances.stopSweeping();
      streams?.closeAll();
      await directLine?.close();
      await new Promise<void>((resolve) => {
        // Keep-alive connections would hold close() open; each is dropped once its turn is answered.
        const dropIdle = setInterval(() => server.server.closeIdleConnections(), 50);
        server.server.close(() => {
          clearInterval(dropIdle);
          resolve();
        });
        server.server.closeIdleConnections();
      });
      stores.close();
      if (redis !== undefined) await redis.quit().catch(() => redis.disconnect());
    },
  };
}

/** The configured agents; in the sandbox without any, one `local` agent whose password is printed once. */
async function agentDirectoryFor(config: Config, logger: Logger): Promise<AgentDirectory> {
  if (config.agentDesk.accounts.length > 0 || !config.sandbox) return new AgentDirectory(config.agentDesk.accounts);
  const local = await AgentDirectory.withLocalAgent();
  // A sandbox trial's own throwaway credential, shown once so a newcomer can open the desk; never a customer's secret.
  logger.info(
    { agent: local.id },
    `agent desk at /agent: sign in as "${local.id}" with password ${local.password} (set AGENTS to configure real agents)`,
  );
  return local.directory;
}

export interface BotServices {
  readonly storage: StateStorage;
  readonly deduplicator: ActivityDeduplicator;
  readonly logger: Logger;
  readonly box: SecretBox;
  readonly identity: IdentityProvider;
  /** Wrong codes and sends counted per customer and per phone (Redis in the app, so instances share them). */
  readonly verificationLimits: VerificationLimits;
  readonly certificates: CertificateService;
  readonly downloads: DownloadStore;
  readonly publicBaseUrl: string;
  readonly flowIdleMs: number;
  /** Hosts besides the channel's own from which uploaded files may be fetched. */
  readonly uploadHosts: readonly string[];
  readonly clock?: () => number;
  /** The agent desk's board and live events; in memory unless given (Redis in the app). */
  readonly board?: HandoffBoard;
  readonly deskEvents?: DeskEvents;
  /** When agents are available; always, unless given. */
  readonly serviceHours?: ServiceHours;
  /** Channels of an external handoff hub (none unless given), and the audit its events go to (memory unless given). */
  readonly hubChannels?: readonly string[];
  readonly audit?: HandoffAudit;
  /** Journals issuances with the turns waiting for them; one of its own unless given (the app sweeps with it). */
  readonly issuances?: IssuanceTracking;
  /** Test drills only: JCA_TEST_ISSUE_DELAY_MS (see Config.testHooks). */
  readonly testIssueDelayMs?: number;
}

/** The bot with its flow, services and translations, on whatever storage the caller gives it. */
export async function createCertificateBot(deps: BotServices): Promise<CertificateBot> {
  const clock = deps.clock ?? Date.now;
  const issuances = deps.issuances ?? new IssuanceTracking(deps.certificates, deps.logger);
  const machine = provideFlowServices({
    ...deps,
    issuances,
    serviceHours: deps.serviceHours ?? ServiceHours.always(),
    now: () => new Date(clock()),
  });
  const translator = await createTranslator();
  return new CertificateBot({
    store: new ConversationStore(deps.storage, deps.logger),
    deduplicator: deps.deduplicator,
    decoder: new ActivityDecoder(new PersonalDataGuard(deps.box, () => new Date(clock())), new ChoiceReader(translator)),
    flow: new FlowRunner(machine, ROOT_MACHINE_VERSION, SETTLE_TIMEOUT_MS),
    translator,
    logger: deps.logger,
    clock,
    flowIdleMs: deps.flowIdleMs,
    attachments: new AttachmentDownloader(deps.uploadHosts),
    handoff: { board: deps.board ?? new MemoryHandoffBoard(), events: deps.deskEvents ?? new MemoryBroadcast(DESK_EVENTS) },
    hub: { channels: deps.hubChannels ?? [], audit: deps.audit ?? new MemoryHandoffAudit() },
    issuances,
  });
}

/** Without SECRETS_KEY, sealed values and customer ids last only as long as this process. */
function ephemeralSecretsKey(logger: Logger): Buffer {
  logger.warn(
    'SECRETS_KEY is not set: using a random key for this process; set it when state must survive restarts or several instances share it',
  );
  return randomBytes(32);
}
