/**
 * Names shared by main.ts and preload.ts. Core events go to the renderer on
 * a prefixed IPC channel so that an event name can never be mistaken for an
 * invoke channel of the same name ('sync:state' is both).
 */
export const EVENT_CHANNEL_PREFIX = 'guichet-event:';

export function eventChannel(event: string): string {
  return EVENT_CHANNEL_PREFIX + event;
}
