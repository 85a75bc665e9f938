/** Team settings and channel settings (key/value data leads edit). */

// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled in as storage moves behind the port
export interface SettingsRepository {}
