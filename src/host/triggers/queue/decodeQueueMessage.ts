import type { QueueMessageEncoding } from './readQueuesOptions';

// What .NET's Convert.FromBase64String accepts once white space is removed: the extension decodes with it.
const strictBase64 = /^[A-Za-z0-9+/]*={0,2}$/;
const base64WhiteSpace = /[ \t\r\n]/g;

/**
 * The body of a message as the function receives it: base64-decoded under `messageEncoding: base64`
 * (the extension's default), the text itself under `none`. Undefined when the text is not base64.
 */
export function decodeQueueMessage(messageText: string, encoding: QueueMessageEncoding): Buffer | undefined {
  if (encoding === 'none') return Buffer.from(messageText, 'utf8');
  const compact = messageText.replace(base64WhiteSpace, '');
  if (compact.length % 4 !== 0 || !strictBase64.test(compact)) return undefined;
  return Buffer.from(compact, 'base64');
}
