import type { ID } from './messages.id';

/** The catalogue's shape: the Indonesian one's keys, every value a string. */
export type Messages = { [NS in keyof typeof ID]: { [K in keyof (typeof ID)[NS]]: string } };
export type Namespace = keyof Messages;
/** "namespace.key", e.g. "bot.busy". */
export type MessageKey = { [NS in Namespace]: `${NS & string}.${keyof Messages[NS] & string}` }[Namespace];
