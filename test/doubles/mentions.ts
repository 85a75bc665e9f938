/**
 * What a live mass mention looks like in a rendered message, for tests that prove there is none.
 * Rocket.Chat usernames are letters, digits, '.', '_' and '-', so "@alla" or "@here.ford" names a
 * person ("ALLA" is a real username): only the bare word after "@" notifies everyone.
 */
export const LIVE_ROCKETCHAT_MASS_MENTION = /@(?:all|here|channel|everyone)(?![A-Za-z0-9_-]|\.[A-Za-z0-9])/i;
