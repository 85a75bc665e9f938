/** /mail (support addresses and receipts) and /requester (blocking senders, linking an address to a person). */
import type { RequestContext } from '../app/context.js';
import { UsageError } from '../app/errors.js';
import { blockedPatterns, blockSender, linkEmail, unblockSender } from '../app/mail-senders.js';
import { receiptsOn, removeSupportAddress, setReceipts, setSupportAddress, supportAddresses } from '../app/mail-settings.js';
import { isTagFamily } from '../app/tags.js';
import { DEPARTMENT_ALIASES, DEPARTMENTS } from '../domain/vocabulary.js';
import { blockedListReply, blockReply, linkReply, receiptsReply, supportAddressChangeReply, supportAddressesReply } from '../views/mail.js';
import { choice, type ArgReader } from './args.js';
import type { CommandRegistry } from './registry.js';
import { tokenSource } from './tokenize.js';

const department = choice('department', DEPARTMENTS, DEPARTMENT_ALIASES);
const onOff = choice('setting (on or off)', ['on', 'off'] as const, { yes: 'on', no: 'off', true: 'on', false: 'off' });

/** An address or @domain exactly as typed ("@example.com" lexes as a mention). */
function addressArgument(args: ArgReader, what: string): string {
  const token = args.next();
  if (!token) throw new UsageError(`Missing ${what}.`, '');
  return token.kind === 'quoted' ? token.value : tokenSource(args.source, token);
}

/** Registers the /mail and /requester families. */
export function registerMailCommands(registry: CommandRegistry): void {
  registry.family({ name: 'mail', aliases: ['email'], summary: 'email: the support addresses (department and tags per address) and receipts' });
  registry.family({ name: 'requester', aliases: ['requesters'], summary: 'requesters: block or unblock mail senders, link an email address to a person' });

  const list = (args: ArgReader, ctx: RequestContext) => {
    args.end();
    return supportAddressesReply(supportAddresses(ctx), undefined, receiptsOn(ctx));
  };

  registry.define({
    path: ['mail', 'addresses'],
    readsOnly: true,
    usage: '/mail addresses',
    summary: 'The support addresses with the department and tags mail to each gets, and whether new mail tickets get a receipt.',
    run: list,
  });

  registry.define({
    path: ['mail', 'address', 'list'],
    aliases: ['ls'],
    readsOnly: true,
    usage: '/mail address list',
    summary: 'Same as /mail addresses.',
    run: list,
  });

  registry.define({
    path: ['mail', 'address', 'add'],
    aliases: ['set'],
    usage: '/mail address add <address> [dept:paid|community|trials] [<family>:<tag>...]',
    summary: 'Maps a support address: mail sent to it opens tickets in that department with those tags, and answers come from it. Adding an address again replaces its mapping.',
    role: 'lead',
    examples: ['/mail address add cloud@example.com dept:paid area:"Cloud Service"', '/mail address add gdpr@example.com dept:paid area:Privacy special:"deletion request"'],
    run(args, ctx) {
      const address = addressArgument(args, 'the support address (cloud@example.com)');
      const { options, extra, claimed } = args.options({ dept: department, department }, { acceptKey: (key) => isTagFamily(ctx, key) });
      if (extra.length > 0) throw new UsageError(`Unexpected "${tokenSource(args.source, extra[0]!)}": after the address come dept:<department> and <family>:<tag> options only.`, '');
      const dept = options.dept ?? options.department;
      return supportAddressChangeReply(setSupportAddress(ctx, address, { ...(dept ? { department: dept } : {}), tags: claimed.map((t) => ({ family: t.key, value: t.value })) }));
    },
  });

  registry.define({
    path: ['mail', 'address', 'remove'],
    aliases: ['rm'],
    usage: '/mail address remove <address>',
    summary: 'Removes a support address from the mapping (the SMTP listener then refuses mail to it).',
    role: 'lead',
    examples: ['/mail address remove cloud@example.com'],
    run(args, ctx) {
      const address = addressArgument(args, 'the support address');
      args.end();
      return supportAddressChangeReply(removeSupportAddress(ctx, address));
    },
  });

  registry.define({
    path: ['mail', 'receipts'],
    usage: '/mail receipts on|off',
    summary: 'Whether a mail that opens a ticket is answered with a short receipt (off by default; robots, lists and bounces never get one).',
    role: 'lead',
    examples: ['/mail receipts on', '/mail receipts off'],
    run(args, ctx) {
      const value = args.choice('on or off', onOff);
      args.end();
      return receiptsReply(setReceipts(ctx, value === 'on'));
    },
  });

  registry.define({
    path: ['requester', 'block'],
    usage: '/requester block <email|@domain>',
    summary: 'Drops mail from a sender (or a whole domain) without a ticket or an answer.',
    role: 'lead',
    examples: ['/requester block spam@example.com', '/requester block @spam.example'],
    run(args, ctx) {
      const pattern = addressArgument(args, 'the sender (spam@example.com or @example.com)');
      args.end();
      return blockReply(blockSender(ctx, pattern), 'block');
    },
  });

  registry.define({
    path: ['requester', 'unblock'],
    usage: '/requester unblock <email|@domain>',
    summary: 'Takes mail from a blocked sender (or domain) in again.',
    role: 'lead',
    examples: ['/requester unblock spam@example.com'],
    run(args, ctx) {
      const pattern = addressArgument(args, 'the sender (spam@example.com or @example.com)');
      args.end();
      return blockReply(unblockSender(ctx, pattern), 'unblock');
    },
  });

  registry.define({
    path: ['requester', 'blocked'],
    readsOnly: true,
    usage: '/requester blocked',
    summary: 'The blocked senders and domains.',
    run(args, ctx) {
      args.end();
      return blockedListReply(blockedPatterns(ctx));
    },
  });

  registry.define({
    path: ['requester', 'link'],
    usage: '/requester link @user <email>',
    summary: "Puts an email address on a person deskops knows from chat: their mail answers their tickets, and one requester can write from several places. An address that was a requester of its own moves over with its tickets.",
    role: 'lead',
    examples: ['/requester link @jane jane@example.com'],
    run(args, ctx) {
      const who = args.optionalMention() ?? args.word('the person (@user)');
      const address = addressArgument(args, 'the email address');
      args.end();
      return linkReply(linkEmail(ctx, who, address));
    },
  });
}
