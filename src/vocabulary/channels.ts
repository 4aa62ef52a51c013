/** Where approval requests are put to a human and decided. */
export const CHANNELS = ['console', 'telegram'] as const;
export type Channel = (typeof CHANNELS)[number];

/** What a request nobody decided becomes at its deadline. */
export const EXPIRY_RESOLUTIONS = ['reject', 'approve'] as const;
export type ExpiryResolution = (typeof EXPIRY_RESOLUTIONS)[number];
