/**
 * The platforms `deskops start` can run on, in order of preference for messages that name no
 * platform. A new platform is a folder under src/adapters/ with an AdapterModule, added here; its
 * code is imported only when the configuration asks for it, so the shell starts without it.
 */
import type { Config } from '../config.js';
import type { AdapterEntry, AdapterModule } from './contract.js';
import type { EmailModuleOptions } from './email/module.js';
import type { StartRocketChatOptions } from './rocketchat/start.js';

/** Every platform; Rocket.Chat's timings can be set (tests make them small), email's outcomes watched. */
export function adapterEntries(options: { rocketChat?: StartRocketChatOptions; email?: EmailModuleOptions } = {}): AdapterEntry[] {
  return [
    { platform: 'slack', configured: (config) => config.slack !== undefined, load: async () => (await import('./slack/module.js')).slackModule },
    {
      platform: 'rocketchat',
      configured: (config) => config.rocketChat !== undefined,
      load: async () => (await import('./rocketchat/module.js')).rocketChatModule(options.rocketChat),
    },
    {
      // DESKOPS_SMTP_URL, DESKOPS_IMAP_URL or DESKOPS_SMTP_LISTEN (config.email is set when one is).
      platform: 'email',
      configured: (config) => config.email !== undefined,
      load: async () => (await import('./email/module.js')).emailModule(options.email),
    },
  ];
}

/** Whether any platform is configured: then `deskops start` runs the service instead of the shell. */
export function anyPlatformConfigured(config: Config): boolean {
  return adapterEntries().some((entry) => entry.configured(config));
}

/** The modules of the configured platforms, loaded. */
export async function configuredModules(config: Config, entries: readonly AdapterEntry[] = adapterEntries()): Promise<AdapterModule[]> {
  return Promise.all(entries.filter((entry) => entry.configured(config)).map((entry) => entry.load()));
}
