/**
 * The one contract every platform deskops talks on implements (the shell, Slack, Rocket.Chat,
 * email): it is started and stopped, says how healthy it is, delivers the outbox rows routed to
 * it through its sink, renders a Reply its own way, and turns what arrives (commands, requesters'
 * messages) into the shared command path and requester-message use case, through the engine's
 * asynchronous port (src/engine/port.ts): an adapter never touches the database itself. Adding a
 * platform is a folder under src/adapters/ with a module, registered in adapters/registry.ts.
 */
import type { Config } from '../config.js';
import type { DeliverySink } from '../delivery/sink.js';
import type { Logger } from '../log.js';
import type { Engine } from '../engine/port.js';
import type { ServicePlatform } from '../domain/vocabulary.js';
import type { Reply } from '../views/reply.js';
import type { Lease } from '../replicas/lease.js';

/** How an adapter is doing, for GET /healthz and deskops doctor. */
export interface AdapterHealth {
  /** 'standby': another replica holds this platform's stream (Rocket.Chat); this one still posts. */
  state: 'ready' | 'standby' | 'connecting' | 'reconnecting' | 'stopped';
  /** What is wrong, in words, when not ready. */
  detail?: string;
}

/** One running platform. */
export interface PlatformAdapter {
  readonly platform: ServicePlatform | 'shell';
  /** Starts receiving; resolves once it listens (the platform itself may still be connecting). */
  start(): Promise<void>;
  /** Stops receiving and delivering; resolves when all of it is done. Never throws. */
  stop(): Promise<void>;
  health(): AdapterHealth;
  /** Delivers the outbox rows routed to this platform. */
  readonly sink: DeliverySink;
  /** The Reply as this platform shows it (Block Kit, a Rocket.Chat message, terminal text, a mail: the mail's subject asks the engine for the ticket's title, so it may resolve later). */
  render(reply: Reply): unknown;
  /** The HTTP port it listens on, when it serves one (Slack HTTP mode serves GET /healthz there). */
  httpPort?(): number | undefined;
}

/** What building an adapter needs: the configuration, the engine (the port to the database and use cases), a logger. */
export interface AdapterDeps {
  config: Config;
  engine: Engine;
  logger: Logger;
  /** HTTP port for platforms that listen on one (Slack HTTP mode); 0 picks a free one (tests). */
  port?: number;
  /** Aborted when deskops stops: long waits (rate limits, reconnects) give up. */
  signal?: AbortSignal;
  /** A lease replicas take turns for (replicas/lease.ts), by name: Rocket.Chat's stream is read by one replica at a time. */
  lease?: (name: string) => Lease;
  /** The service's health report, for an adapter that serves GET /healthz (200 when `ok`). */
  health?: () => Promise<{ ok: boolean } & Record<string, unknown>>;
}

/** A platform deskops can run on: whether the configuration asks for it, and how to build it. */
export interface AdapterModule {
  readonly platform: ServicePlatform;
  configured(config: Config): boolean;
  create(deps: AdapterDeps): PlatformAdapter;
}

/**
 * A platform as registered: `configured` is cheap (it reads the configuration), `load` imports the
 * platform's code (Bolt, the Rocket.Chat SDK, mail libraries) only when it runs.
 */
export interface AdapterEntry {
  readonly platform: ServicePlatform;
  configured(config: Config): boolean;
  load(): Promise<AdapterModule>;
}
