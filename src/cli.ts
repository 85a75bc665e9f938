/**
 * The `deskops` command: start, shell, migrate, backup, copy-db, tick, doctor. Configuration comes from the
 * environment, with `.env` filling gaps. Stdout carries only what the command is for (replies,
 * reports); logs and errors go to stderr.
 */
import { anyPlatformConfigured } from './adapters/registry.js';
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findUp } from './store/find-up.js';
import { inspect } from 'node:util';
import { Command } from 'commander';
import dotenv from 'dotenv';
import { storeTrouble, storeTroubleAdvice } from './app/errors.js';
import { ConfigError, databaseUrlSecrets, loadConfig, SECRET_VARIABLES } from './config.js';
import { emailUrlSecrets } from './config-email.js';
import { scrubSecrets } from './log.js';

/** Exit code for a configuration the environment got wrong. */
export const EXIT_CONFIG = 2;
/** Exit code for a database that cannot be used (read-only, full, locked, damaged): restarting will not help. */
export const EXIT_DATABASE = 3;

/** An expected failure of a subcommand: the message for stderr and the exit code. */
class CommandFailed extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
    this.name = 'CommandFailed';
  }
}

function packageVersion(): string {
  // Found upwards: src/cli.ts sits one level below the root, its bundle deeper (bin/bundle.js).
  const manifest = JSON.parse(readFileSync(findUp(dirname(fileURLToPath(import.meta.url)), 'package.json') ?? 'package.json', 'utf8')) as { version?: unknown };
  return typeof manifest.version === 'string' ? manifest.version : '0.0.0';
}

/** Runs the shell adapter; loaded on demand because the command graph is most of start-up time. */
async function openShell(): Promise<void> {
  const config = loadConfig();
  const shell = await import('./adapters/shell/start.js');
  await shell.startShell(config);
}

/**
 * `deskops start`: with Slack, Rocket.Chat and/or email configured, those platforms and the
 * scheduler in one process until SIGINT/SIGTERM; with none, the shell.
 */
async function start(): Promise<void> {
  const config = loadConfig();
  if (!anyPlatformConfigured(config)) return openShell();
  const service = await import('./adapters/service.js');
  await service.runService(config);
}

function print(text: string): void {
  process.stdout.write(`${text}\n`);
}

/** The commander program; actions read configuration only when they run, so --help always works. */
export function buildProgram(): Command {
  const program = new Command('deskops')
    .description('A help desk inside Slack, Rocket.Chat or a terminal shell')
    .version(packageVersion(), '-v, --version', 'print the version')
    .showSuggestionAfterError();

  program
    .command('start')
    .description('start deskops: Slack, Rocket.Chat and/or email with the scheduler when configured, else the terminal shell')
    .action(start);

  program
    .command('shell')
    .description('open the terminal shell (also beside a running Slack bot, on the same database)')
    .action(openShell);

  program
    .command('migrate')
    .description('apply pending database migrations and show the schema state')
    .action(async () => {
      const config = loadConfig();
      if (config.databaseUrl) {
        const { prepareStorage } = await import('./store/open.js');
        await prepareStorage(config);
        print('PostgreSQL (DESKOPS_DATABASE_URL): every migration in migrations/pg is applied.');
        return;
      }
      // Loaded on demand, like every subcommand's code: `deskops start` never needs the store here.
      const { formatMigrationReport, migrateDatabase } = await import('./cli/migrate.js');
      print(formatMigrationReport(migrateDatabase(config.dbPath)));
    });

  program
    .command('backup')
    .description('copy the database with SQLite online backup (safe while deskops runs)')
    .argument('<file>', 'the backup file to write')
    .option('-f, --force', 'replace the file if it exists')
    .action(async (file: string, options: { force?: boolean }) => {
      const { dbPath, databaseUrl } = loadConfig();
      if (databaseUrl) throw new CommandFailed('deskops backup: deskops backup copies the SQLite file, and DESKOPS_DATABASE_URL puts deskops on PostgreSQL: back it up with pg_dump instead, e.g. pg_dump --format=custom --file=deskops.dump "$DESKOPS_DATABASE_URL"', EXIT_CONFIG);
      const { BackupRefused, backupDatabase } = await import('./cli/backup.js');
      try {
        const result = await backupDatabase({ dbPath, target: file, force: options.force === true });
        print(`Backed up ${dbPath} to ${result.path} (${result.bytes.toLocaleString('en-US')} bytes)`);
      } catch (error) {
        if (error instanceof BackupRefused) throw new CommandFailed(`deskops backup: ${error.message}`, 1);
        throw error;
      }
    });

  program
    .command('copy-db')
    .description('copy the SQLite database into an empty PostgreSQL one, verified by counts and checksums per table (stop deskops first)')
    .option('--to <url>', 'the PostgreSQL database, postgres://user:password@host:5432/deskops (default: DESKOPS_DATABASE_URL)')
    .option('--from <file>', 'the SQLite file to copy (default: DESKOPS_DB)')
    .action(async (options: { to?: string; from?: string }) => {
      const config = loadConfig();
      const to = options.to ?? config.databaseUrl;
      if (!to) throw new CommandFailed('deskops copy-db: name the PostgreSQL database to copy into: deskops copy-db --to postgres://user:password@host:5432/deskops (or set DESKOPS_DATABASE_URL).', EXIT_CONFIG);
      const copy = await import('./cli/copy-db.js');
      let report;
      try {
        report = await copy.copyDatabase({ from: options.from ?? config.dbPath, to });
      } catch (error) {
        if (error instanceof copy.CopyRefused || error instanceof copy.CopyFailed) throw new CommandFailed(`deskops copy-db: ${error.message}`, 1);
        // --to may not be DESKOPS_DATABASE_URL, which the crash handler scrubs: its password is scrubbed here.
        throw new CommandFailed(scrubSecrets(`deskops copy-db: unexpected error: ${inspect(error)}`, [...secretValues(), ...databaseUrlSecrets({ DESKOPS_DATABASE_URL: to })]), 1);
      }
      print(copy.formatCopyReport(report));
      // The report names the tables that differ; the exit code is for scripts.
      if (!report.committed) throw new CommandFailed('', 1);
    });

  program
    .command('tick')
    .description('run every scheduled job once as of an instant (default now), then print what is due as posted messages')
    .option('--at <instant>', 'the instant the jobs see, e.g. 2026-11-23T10:00:00Z (no offset: team time zone)')
    .action(async (options: { at?: string }) => {
      const config = loadConfig();
      const tick = await import('./cli/tick.js');
      try {
        await tick.tickCommand(config, options, (text) => process.stdout.write(text));
      } catch (error) {
        if (error instanceof tick.TickUsageError) throw new CommandFailed(`deskops tick: ${error.message}`, EXIT_CONFIG);
        if (error instanceof tick.TickJobsFailed) throw new CommandFailed(`deskops tick: ${error.message}`, 1);
        throw error;
      }
    });

  program
    .command('doctor')
    .description('check configuration, database, outbox, job runs, chat connectivity and the mail servers; one line per check and a verdict')
    .option('--json', 'print the report as JSON (for scripts and monitoring)')
    .option('--strict', 'exit 1 on warnings too, not only on failures')
    .option('--timeout <ms>', 'longest wait for one chat API call', '5000')
    .action(async (options: { json?: boolean; strict?: boolean; timeout: string }) => {
      const timeoutMs = Number(options.timeout);
      if (!Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > 60_000) throw new CommandFailed(`deskops doctor: --timeout "${options.timeout}" must be a whole number of milliseconds from 1 to 60000.`, EXIT_CONFIG);
      const doctor = await import('./cli/doctor.js');
      const report = await doctor.runDoctor({ timeoutMs });
      print(options.json === true ? JSON.stringify(report, null, 2) : doctor.formatDoctorReport(report));
      const code = doctor.doctorExitCode(report, options.strict === true);
      // The report says everything; the exit code is for scripts.
      if (code !== 0) throw new CommandFailed('', code);
    });

  return program;
}

/** Runs the CLI on `argv` and returns the exit code (commander exits by itself for --help and usage errors). */
/** The configured secret values, for scrubbing text printed outside the logger. */
function secretValues(): string[] {
  return [...SECRET_VARIABLES.map((name) => process.env[name]?.trim() ?? ''), ...emailUrlSecrets(process.env), ...databaseUrlSecrets(process.env)].filter((value) => value.length >= 6);
}

/**
 * Node prints an uncaught error itself, unscrubbed, before exiting: an SDK's error may carry a
 * request with its token. Print it scrubbed instead, then exit as Node would.
 */
function scrubCrashes(): void {
  const crash = (kind: string) => (error: unknown) => {
    console.error(scrubSecrets(`deskops: ${kind}: ${inspect(error)}`, secretValues()));
    process.exit(1);
  };
  process.once('uncaughtException', crash('uncaught exception'));
  process.once('unhandledRejection', crash('unhandled rejection'));
}

export async function runCli(argv: readonly string[] = process.argv): Promise<number> {
  // Real environment variables win over .env; `quiet` keeps dotenv's banner off stdout.
  dotenv.config({ quiet: true });
  scrubCrashes();
  try {
    await buildProgram().parseAsync([...argv]);
    return 0;
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`deskops: ${error.message}\nSee .env.example for every variable and its format.`);
      return EXIT_CONFIG;
    }
    if (error instanceof CommandFailed) {
      if (error.message !== '') console.error(error.message);
      return error.exitCode;
    }
    const trouble = storeTrouble(error);
    if (trouble) {
      console.error(`deskops: cannot use the database: ${storeTroubleAdvice(trouble)}. (${(error as { code?: string }).code}: ${(error as Error).message})`);
      return EXIT_DATABASE;
    }
    // Printed outside the logger, so scrubbed here: an SDK's error may carry a request with its token.
    console.error(scrubSecrets(`deskops: unexpected error: ${inspect(error)}`, secretValues()));
    return 1;
  }
}
