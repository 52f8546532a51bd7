/** ID and secret prefixes. Every server id is `<prefix>_<lower-case ULID>`. */
export const ID_PREFIX = {
  user: 'usr',
  identity: 'idn',
  workspace: 'wsp',
  channel: 'chn',
  directConversation: 'dm',
  message: 'msg',
  event: 'evt',
  cursor: 'cur',
  magicLink: 'mln',
  session: 'ses',
  botToken: 'btok',
  invite: 'inv',
  upload: 'upl',
  pin: 'pin',
  audit: 'aud',
  eventSubscription: 'sub',
  eventDelivery: 'edl',
  deliveryAttempt: 'eda',
  emailNotification: 'eml',
  appInstallation: 'app',
  slashCommand: 'cmd',
  slashInvocation: 'sci',
  incomingWebhook: 'whk',
  botCommand: 'bcm',
  botSetupCode: 'bsc',
} as const;

export const SECRET_PREFIX = {
  magicToken: 'mgt',
  sessionToken: 'sst',
  botToken: 'ccb',
  inviteToken: 'tok',
  signingSecret: 'ccs',
  webhookKey: 'whs',
} as const;

export type IdKind = keyof typeof ID_PREFIX;
