// context.ts: what every view gets: the signed-in user and the shared event socket.
import type { User } from './types';
import type { EventSocket } from './ws';

export interface Ctx {
  user: User;
  socket: EventSocket;
}

/** A view renders into `root` and returns a cleanup (timers, subscriptions). */
export type View = (ctx: Ctx, root: HTMLElement) => (() => void) | void;
