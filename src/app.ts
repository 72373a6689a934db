import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { ROOT_MACHINE_VERSION } from '../dialogs/rootMachine';
import type { Activity, ConversationReference } from 'botbuilder';
import type { VerifiedIdentity } from '../dialogs/contract/domain';
import { CertificateBot, SecurePages } from './bot/certificateBot';
import { provideFlowServices } from './bot/step/flowServices';
import { PersonalDataGuard } from './bot/decode/personalDataGuard';
import { ActivityDecoder } from './bot/decode/decodeActivity';
import { ChoiceReader } from './bot/decode/choiceReader';
import { PageDisplayOtpSender, SandboxIdentityProvider } from './identity/sandboxIdentityProvider';
import { SecretBox } from './state/secretBox';
import { keyProviderFor } from './keys/keyProviderFor';
import { FlowRunner } from './bot/step/flowRunner';
import type { Config } from './config/config';
import { CertificateService, createCertificateService } from './certificates/certificateService';
import { createTranslator } from './i18n/translator';
import type { Logger } from './logging/logger';
import type { ActivityDeduplicator } from './state/activityDeduplicator';
import { ConversationStore } from './state/conversationStore';
import { createRedisClient, isRedisReachable, waitForRedisReady } from './state/redisClient';
import type { StateStorage } from './state/stateStorage';
import { createBotAdapter } from './server/botAdapter';
import { registerCertificateRoutes } from './server/certificateRoutes';
import { registerCaRoutes } from './server/caRoutes';
import { CA_ISSUANCE_PATH } from './certificates/ca/issuanceEndpoint';
import type { Server } from 'restify';
import { createListenerServer, createServer } from './server/createServer';
import { closeGracefully, listenOn } from './server/listening';
import { registerMetricsRoute } from './server/metricsRoute';
import { createProcessMetrics } from './metrics/processMetrics';
import { HandoffBoard, MemoryHandoffBoard, queueLength } from './handoff/handoffBoard';
import { DESK_EVENTS, DeskEvents } from './handoff/handoffEvents';
import { MemoryBroadcast } from './state/broadcast';
import { AgentDirectory } from './agentDesk/agentAccounts';
import { registerSessionRoutes } from './agentDesk/agentAuth';
import { AgentDesk } from './agentDesk/agentDesk';
import { DeskStreams, registerDeskRoutes } from './agentDesk/deskRoutes';
import { DeskScope } from './agentDesk/deskScope';
import { publicOrigin } from './server/sameOrigin';
import { HandoffAudit, MemoryHandoffAudit } from './handoff/handoffAudit';
import { AdapterMessenger } from './agentDesk/adapterMessenger';
import { registerWebChatRoutes } from './webChat/webChatRoutes';
import { ServiceHours } from './handoff/serviceHours';
import { createInProcessGateway } from './directLine/botGateway';
import { DirectLineChannel, mountDirectLine } from './directLine/mountDirectLine';
import { createStores } from './stores';
import { openRecords } from './records/openRecords';
import { startDailyRetention } from './records/dailyRetention';
import { auditConfiguration } from './records/configurationAudit';
import { CodeVerification } from './identity/codeVerification';
import { registerSecureRoutes } from './secure/secureRoutes';
import { SecureSteps } from './secure/secureSteps';
import { builtPage } from './server/staticFiles';
import { deliverProactively } from './bot/deliver/deliverTurn';
import { createMetrics, type Metrics, unrecordedMetrics } from './metrics/metrics';
import { observedDatabase } from './records/observedDatabase';
import { SqlJourneyEventLog } from './records/sqlJourneyEventLog';
import { BatchedJourneyEventLog } from './records/batchedJourneyEventLog';
import { registerOpsRoutes } from './agentDesk/opsRoutes';
import { JourneyTracker } from './metrics/journeyTracker';
import type { JourneyEventLog } from './metrics/journeyEvents';

/** A turn must end well inside a channel's 15 s budget, even when a service stalls. */
const SETTLE_TIMEOUT_MS = 6_000;
/** Turns sent before Redis is connected would fail at once (no offline queue), so startup waits a little. */
const STARTUP_REDIS_WAIT_MS = 3_000;

export interface App {
  /** Starts listening; resolves with the bound port (useful with port 0 in tests). */
  listen(): Promise<number>;
  /** The port the desk's own listener is bound to once listening (DESK_PORT); undefined when the desk is on the customer's. */
  deskPort(): number | undefined;
  /** Stops taking requests, lets in-flight turns finish, then closes Redis. */
  close(): Promise<void>;
}

export async function createApp(config: Config, logger: Logger): Promise<App> {
  // Served at /metrics: the process's own metrics and the bot's counters (no personal data in any label).
  const registry = createProcessMetrics();
  // Read at each scrape, once the stores (made below, on the Redis this instruments) exist.
  const metrics = createMetrics(registry, { handoffQueueLength: () => queueLength(stores.handoffBoard), logger });
  const redis =
    config.redis === undefined
      ? undefined
      : createRedisClient(config.redis.url, logger, { commandTimeoutMs: config.redis.commandTimeoutMs, metrics });
  const box = await SecretBox.load(await keyProviderFor(config, config.secretsKey ?? ephemeralSecretsKey(logger)));
  const sessionTtlSeconds = config.agentDesk.sessionMinutes * 60;
  const database = observedDatabase(await openRecords(config.database, logger), (failure) => metrics.storeFailed('postgres', failure));
  const stores = createStores(redis, database, {
    prefix: config.state.keyPrefix,
    stateTtlSeconds: config.state.ttlSeconds,
    dedupTtlSeconds: config.state.dedupTtlSeconds,
    agentSessionTtlSeconds: sessionTtlSeconds,
    box,
    logger,
  });
  let boundPort = 0;
  // Created (or loaded) at start, so the sandbox CAs exist before the first customer arrives.
  const certificates = await createCertificateService({
    caDirectory: config.certificates.caDirectory,
    trustedRootsDirectory: config.certificates.trustedRootsDirectory,
    crlDirectory: config.certificates.crlDirectory,
    validityDays: config.certificates.validityDays,
    crlUrl: (caId) => `${config.publicBaseUrl}/ca/${caId}.crl`,
    // The bound port is known only once listening (PORT=0 in tests).
    caEndpointUrl: () => `${publicOrigin(config.publicBaseUrl, boundPort)}${CA_ISSUANCE_PATH}`,
    stores: stores.certificates,
  });
  const { handoffBoard: board, deskEvents, handoffAudit: audit } = stores;
  const journeyEvents = new SqlJourneyEventLog(database);
  const journeyLog = new BatchedJourneyEventLog(journeyEvents, {
    flushMs: 1_000,
    maxBatch: 500,
    maxPending: 50_000,
    logger,
    onLost: () => metrics.journeyRecordingFailed(),
  });
  // Every step that needs a secret happens on the secure page; its outcome reaches the conversation through the bot.
  const secure = new SecureSteps({
    store: stores.secure,
    consents: stores.consents,
    box,
    codes: new CodeVerification({
      // The sandbox shows its one-time codes on the page, labelled as such, so a newcomer can finish a journey.
      identity: new SandboxIdentityProvider({
        sender: new PageDisplayOtpSender(logger),
        key: box.hashKey('otp'),
        revealCodes: config.sandbox,
      }),
      limits: stores.verificationLimits,
      box,
    }),
    ca: certificates.authority,
    certificates,
    // The step's outcome moves the flow on, and what the flow says is sent without a message from the customer.
    deliver: async ({ address, reference }, event) => {
      const outcome = await bot.secureStepEnded(address, reference as Partial<ConversationReference>, event);
      if (outcome !== undefined)
        await deliverProactively((to, activities) => messenger.send(to, activities), reference, outcome, { translator });
    },
    origin: () => publicOrigin(config.secure.origin, boundPort),
    appLink: config.secure.appLink,
    sandbox: config.sandbox,
    logger,
  });
  const bot = await createCertificateBot({
    audit,
    hubChannels: config.hubChannels,
    board,
    deskEvents,
    serviceHours: new ServiceHours(config.agentDesk.hours, config.agentDesk.timeZone),
    certificates,
    flowIdleMs: config.flowIdleMinutes * 60_000,
    storage: stores.state,
    deduplicator: stores.deduplicator,
    logger,
    box,
    securePages: secure,
    metrics,
    journeyLog,
    // Only the bank's app can vouch for a customer, through the Direct Line token it asked for.
    appCustomer: async (activity) =>
      activity.channelId === 'directline' ? directLine?.appIdentityOf(activity.conversation.id) : undefined,
  });
  const adapter = createBotAdapter(config);
  // Direct Line turns run in this process: their adapter has no credentials and is never exposed over HTTP.
  const inProcessAdapter = createBotAdapter({ ...config, botAuth: { MicrosoftAppType: 'MultiTenant' } });
  const directLineGateway = createInProcessGateway(inProcessAdapter, (context) => bot.run(context));
  let directLine: DirectLineChannel | undefined;
  const directory = await agentDirectoryFor(config, logger);
  const messenger = new AdapterMessenger(adapter, config.botAuth.MicrosoftAppId, inProcessAdapter);
  const translator = await createTranslator();
  const { agentSessions: sessions, signInThrottle: throttle } = stores;
  const scope = new DeskScope(board, config.agentDesk.supervisors);
  const desk = new AgentDesk({
    store: new ConversationStore(stores.state, logger),
    board,
    events: deskEvents,
    messenger,
    translator,
    audit,
    access: stores.staffAccess,
    scope,
    logger,
    clock: Date.now,
    metrics,
    handBack: (id, mode, agentId) => bot.handBack(id, mode, agentId),
  });
  let streams: DeskStreams | undefined;
  // The bot answers its own failures; this only catches what escapes it (e.g. a send that failed).
  adapter.onTurnError = async (_context, error) => {
    logger.error({ err: { name: error.name, message: error.message } }, 'unhandled turn error');
  };
  // The desk acts only on requests from its own page, at the address of the listener it is on.
  const mountDesk = (routes: Server, publicUrl: string) => {
    const ownOrigin = () => publicOrigin(publicUrl, (routes.address() as AddressInfo).port);
    registerSessionRoutes(routes, {
      directory,
      sessions,
      throttle,
      events: deskEvents,
      ownOrigin,
      secureCookies: publicUrl.startsWith('https:'),
      sessionTtlSeconds,
      logger,
    });
    streams = registerDeskRoutes(routes, { desk, sessions, directory, events: deskEvents, scope, ownOrigin });
    registerOpsRoutes(routes, { sessions, directory, scope, journeyEvents });
  };
  // With a listener of its own (DESK_PORT), the desk and /metrics are served there, on an internal network, and nowhere else.
  const listener = config.agentDesk.listener;
  const ownDesk = listener && { ...listener, server: createListenerServer(listener.publicUrl) };
  if (ownDesk !== undefined) {
    mountDesk(ownDesk.server, ownDesk.publicUrl);
    registerMetricsRoute(ownDesk.server, { registry });
  }
  let deskBoundPort: number | undefined;
  let closing = false;
  let stopRetention = (): void => undefined;
  const server = createServer({
    config,
    adapter,
    logic: (context) => bot.run(context),
    logger,
    isReady: async () => !closing && (redis === undefined || (await isRedisReachable(redis))),
    mount: (routes) => {
      const certificateRevocationList = (caId: string) => (caId === certificates.bankCa.profile.id ? certificates.crl() : undefined);
      registerCertificateRoutes(routes, { certificateRevocationList });
      // The sandbox CA's issuance endpoint; it tells the RA (the secure steps) what it issued.
      registerCaRoutes(routes, {
        endpoint: certificates.issuanceEndpoint((notice) => secure.onIssued(notice)),
        // The device calls the CA from the secure page, which may have an origin of its own.
        allowedOrigins: otherOrigins(new URL(certificates.authority.endpoint.url).origin, [config.secure.origin]),
      });
      if (ownDesk === undefined) mountDesk(routes, config.publicBaseUrl);
      // Scrapers from outside reach /metrics here only with the token.
      if (config.metricsToken !== undefined) registerMetricsRoute(routes, { registry, bearerToken: config.metricsToken });
      registerWebChatRoutes(routes, config.chatFrameAncestors);
      registerSecureRoutes(routes, {
        steps: secure,
        page: builtPage('secure'),
        origin: () => publicOrigin(config.secure.origin, boundPort),
        secureCookies: config.secure.origin.startsWith('https:'),
        // The chat page opens a step in an overlay; the bank's app frames the chat page.
        framedBy: [...otherOrigins(config.secure.origin, [config.publicBaseUrl]), ...config.chatFrameAncestors],
        connectsTo: otherOrigins(config.secure.origin, [certificates.authority.endpoint.url]),
        logger,
      });
      directLine = mountDirectLine(routes, {
        config,
        store: stores.directLine,
        feed: stores.activityFeed,
        gateway: directLineGateway,
        tokenKey: box.hashKey('directline-token'),
        box,
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
      const port = await listenOn(server, config.port, config.host);
      boundPort = port;
      if (ownDesk !== undefined) {
        deskBoundPort = await listenOn(ownDesk.server, ownDesk.port, ownDesk.host);
        logger.info({ host: ownDesk.host, port: deskBoundPort, url: ownDesk.publicUrl }, 'agent desk and /metrics on their own listener');
      }
      // Tickets a killed predecessor left open end on time: their customers are told, what they were issued is revoked.
      secure.startSweeping();
      if (config.retention.daily) stopRetention = startDailyRetention(database, config.retention, logger);
      await auditConfiguration(database, 'started', {
        sandbox: config.sandbox,
        botAuthenticated: config.botAuthenticated,
        records: database.kind,
        state: config.redis ? 'redis' : 'memory',
        keyProvider: config.keys.provider,
        sealingKeyId: box.currentKeyId,
        retention: config.retention,
        deskListener: ownDesk !== undefined,
        metricsOnCustomerListener: config.metricsToken !== undefined,
        hubChannels: config.hubChannels,
      });
      logger.info(
        {
          host: config.host,
          port,
          sandbox: config.sandbox,
          botAuthenticated: config.botAuthenticated,
          state: config.redis ? 'redis' : 'memory',
        },
        config.sandbox
          ? 'listening in the sandbox: one-time codes are shown on the secure page; loopback only'
          : config.botAuthenticated
            ? 'listening; Bot Framework authentication is on'
            : 'listening; no MicrosoftAppId, so /api/messages answers loopback callers only',
      );
      return port;
    },
    deskPort: () => deskBoundPort,
    async close() {
      closing = true;
      secure.stopSweeping();
      stopRetention();
      streams?.closeAll();
      await directLine?.close();
      await Promise.all([server, ...(ownDesk === undefined ? [] : [ownDesk.server])].map(closeGracefully));
      stores.close();
      if (redis !== undefined) await redis.quit().catch(() => redis.disconnect());
      await journeyLog.flush();
      await database.close();
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
  readonly certificates: CertificateService;
  /** Opens the secure page for steps that need a secret (src/secure in the app). */
  readonly securePages: SecurePages;
  /** The customer the bank's app passed with the conversation's token; none unless given. */
  readonly appCustomer?: (activity: Activity) => Promise<VerifiedIdentity | undefined>;
  readonly flowIdleMs: number;
  readonly clock?: () => number;
  /** The agent desk's board and live events; in memory unless given (Redis in the app). */
  readonly board?: HandoffBoard;
  readonly deskEvents?: DeskEvents;
  /** When agents are available; always, unless given. */
  readonly serviceHours?: ServiceHours;
  /** Channels of an external handoff hub (none unless given), and the audit its events go to (memory unless given). */
  readonly hubChannels?: readonly string[];
  readonly audit?: HandoffAudit;
  /** Where turns and journeys are counted (nowhere read unless given), and where journey events are kept (nowhere unless given). */
  readonly metrics?: Metrics;
  readonly journeyLog?: JourneyEventLog;
}

/** The bot with its flow, services and translations, on whatever storage the caller gives it. */
export async function createCertificateBot(deps: BotServices): Promise<CertificateBot> {
  const clock = deps.clock ?? Date.now;
  const metrics = deps.metrics ?? unrecordedMetrics();
  const machine = provideFlowServices({
    ...deps,
    serviceHours: deps.serviceHours ?? ServiceHours.always(),
    now: () => new Date(clock()),
  });
  const translator = await createTranslator();
  return new CertificateBot({
    store: new ConversationStore(deps.storage, deps.logger),
    deduplicator: deps.deduplicator,
    decoder: new ActivityDecoder(new PersonalDataGuard(() => new Date(clock())), new ChoiceReader(translator)),
    flow: new FlowRunner(machine, ROOT_MACHINE_VERSION, SETTLE_TIMEOUT_MS),
    translator,
    logger: deps.logger,
    clock,
    flowIdleMs: deps.flowIdleMs,
    handoff: { board: deps.board ?? new MemoryHandoffBoard(), events: deps.deskEvents ?? new MemoryBroadcast(DESK_EVENTS) },
    hub: { channels: deps.hubChannels ?? [], audit: deps.audit ?? new MemoryHandoffAudit() },
    securePages: deps.securePages,
    appCustomer: deps.appCustomer ?? (async () => undefined),
    metrics,
    journeys: new JourneyTracker({ metrics, logger: deps.logger, log: deps.journeyLog }),
  });
}

/** The origins of `urls` other than `origin` (a page's own origin is `'self'` in its policy). */
function otherOrigins(origin: string, urls: readonly string[]): string[] {
  return urls.map((url) => new URL(url).origin).filter((other) => other !== origin);
}

/** Without SECRETS_KEY, sealed values and customer ids last only as long as this process. */
function ephemeralSecretsKey(logger: Logger): Buffer {
  logger.warn(
    'SECRETS_KEY is not set: using a random key for this process; set it when state must survive restarts or several instances share it',
  );
  return randomBytes(32);
}
