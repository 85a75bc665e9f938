/** The fixed vocabularies of the support workflow (docs/workflow.md), as data with display labels. */

export const PRIORITIES = ['high', 'medium', 'low'] as const;
export type Priority = (typeof PRIORITIES)[number];

export const SEVERITIES = ['critical', 'significant', 'minor', 'low'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const DEPARTMENTS = ['paid', 'community', 'trials'] as const;
export type Department = (typeof DEPARTMENTS)[number];

export const ORIGINS = ['chat', 'email', 'web', 'phone', 'social', 'review'] as const;
export type Origin = (typeof ORIGINS)[number];

/** Support tiers in escalation order; `oncall` sits beside the ladder, reachable from any tier. */
export const LADDER_TIERS = ['triage', 't1', 't2', 't3', 't4', 't5'] as const;
export const TIERS = [...LADDER_TIERS, 'oncall'] as const;
export type Tier = (typeof TIERS)[number];

export const STATUSES = ['open', 'pending', 'resolved', 'closed', 'waiting', 'hold', 'review'] as const;
export type Status = (typeof STATUSES)[number];

export const ROLES = ['agent', 'lead', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Who may read a reply or a notification: the support team only, or the requester too. */
export const AUDIENCES = ['staff', 'requester'] as const;
export type Audience = (typeof AUDIENCES)[number];

/** A decision by hand about someone's staff status, beating the DESKOPS_STAFF rules. */
export const STAFF_GRANTS = ['added', 'removed'] as const;
export type StaffGrant = (typeof STAFF_GRANTS)[number];

export const HANDOFF_TEAMS = ['engagement', 'product', 'marketing'] as const;
export type HandoffTeam = (typeof HANDOFF_TEAMS)[number];

export const KNOWN_ISSUE_STATUSES = ['investigating', 'identified', 'monitoring', 'resolved'] as const;
export type KnownIssueStatus = (typeof KNOWN_ISSUE_STATUSES)[number];

export const GUARD_KINDS = ['hotfix', 'sql', 'known-issue', 'loop'] as const;
export type GuardKind = (typeof GUARD_KINDS)[number];

export const PLATFORMS = ['shell', 'slack', 'rocketchat', 'email', 'system'] as const;
export type Platform = (typeof PLATFORMS)[number];

/** The platforms a running deskops (`deskops start`) can talk on. */
export type ServicePlatform = 'slack' | 'rocketchat' | 'email';

export const TIER_LABELS: Record<Tier, string> = {
  triage: 'Triage',
  t1: 'T1',
  t2: 'T2',
  t3: 'T3 (Eng1)',
  t4: 'T4 (Eng2)',
  t5: 'T5 (Arch)',
  oncall: 'On-Call',
};

export const STATUS_LABELS: Record<Status, string> = {
  open: 'Open',
  pending: 'Pending',
  resolved: 'Resolved',
  closed: 'Closed',
  waiting: 'Waiting on Customer',
  hold: 'Hold',
  review: 'Review',
};

export const PRIORITY_LABELS: Record<Priority, string> = { high: 'High', medium: 'Medium', low: 'Low' };

export const SEVERITY_LABELS: Record<Severity, string> = {
  critical: 'Critical',
  significant: 'Significant',
  minor: 'Minor',
  low: 'Low',
};

export const DEPARTMENT_LABELS: Record<Department, string> = {
  paid: 'Paid Support',
  community: 'Community',
  trials: 'Trials',
};

export const TEAM_LABELS: Record<HandoffTeam, string> = {
  engagement: 'Engagement',
  product: 'Product',
  marketing: 'Marketing',
};

export const KNOWN_ISSUE_STATUS_LABELS: Record<KnownIssueStatus, string> = {
  investigating: 'Investigating',
  identified: 'Identified',
  monitoring: 'Monitoring',
  resolved: 'Resolved',
};

/** Accepted spellings for tiers beyond their ids ("tier:eng1", "to:on-call"). */
export const TIER_ALIASES: Record<string, Tier> = {
  triage: 'triage',
  t1: 't1',
  t2: 't2',
  t3: 't3',
  eng1: 't3',
  t4: 't4',
  eng2: 't4',
  t5: 't5',
  arch: 't5',
  oncall: 'oncall',
  'on-call': 'oncall',
};

/** Accepted spellings for statuses ("waiting-on-customer" is how people say "waiting"). */
export const STATUS_ALIASES: Record<string, Status> = {
  open: 'open',
  pending: 'pending',
  resolved: 'resolved',
  resolve: 'resolved',
  closed: 'closed',
  close: 'closed',
  waiting: 'waiting',
  'waiting-on-customer': 'waiting',
  hold: 'hold',
  review: 'review',
};

/** The handbooks' words for where a request came from, as the channel of origin they mean. */
export const ORIGIN_ALIASES: Record<string, Origin> = {
  twitter: 'social',
  x: 'social',
  facebook: 'social',
  instagram: 'social',
  linkedin: 'social',
  livechat: 'chat',
  'live-chat': 'chat',
  slack: 'chat',
  rocketchat: 'chat',
  mail: 'email',
  'e-mail': 'email',
  website: 'web',
  form: 'web',
  call: 'phone',
  'app-store': 'review',
  'play-store': 'review',
  g2: 'review',
  capterra: 'review',
};

export const DEPARTMENT_ALIASES: Record<string, Department> = {
  paid: 'paid',
  'paid-support': 'paid',
  'paid support': 'paid',
  community: 'community',
  trials: 'trials',
  trial: 'trials',
};
