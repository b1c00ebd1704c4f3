import type { Receiver, Sender } from 'rhea';

// rhea's typings leave out two link fields it documents and its own code uses.

/** The attach frame the endpoint sends for a link it accepts, before it goes out (e.g. max_message_size). */
export function localAttach(link: Sender | Receiver): Record<string, unknown> {
  return (link as unknown as { local: { attach: Record<string, unknown> } }).local.attach;
}

/** The credit the peer has given a sending link. */
export function creditOf(sender: Sender): number {
  return (sender as unknown as { credit: number }).credit;
}
