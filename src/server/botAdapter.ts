import {
  Activity,
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  ConfigurationBotFrameworkAuthenticationOptions,
  InvokeResponse,
  TurnContext,
} from 'botbuilder';
import type { Config } from '../config/config';

/**
 * CloudAdapter with its authenticated entry point opened up: `process()` would parse the
 * request and print failures to the console itself; we validate, log and answer them ourselves.
 */
export class BotAdapter extends CloudAdapter {
  handle(authHeader: string, activity: Activity, logic: (context: TurnContext) => Promise<void>): Promise<InvokeResponse | undefined> {
    return this.processActivity(authHeader, activity, logic);
  }
}

export function createBotAdapter(config: Config): BotAdapter {
  const options: ConfigurationBotFrameworkAuthenticationOptions = { ...config.botAuth };
  return new BotAdapter(new ConfigurationBotFrameworkAuthentication(options));
}
