const FLUSH_CHARS = 64 * 1024;

/**
 * Collects output text as UTF-8 bytes in chunks of about 64 KiB. Keeping a million line strings
 * alive until one big join left most of the time to the garbage collector; short-lived chunks do not.
 */
export class TextOutput {
  private readonly parts: Buffer[] = [];
  private pending = '';

  append(text: string): void {
    this.pending += text;
    if (this.pending.length >= FLUSH_CHARS) this.flush();
  }

  toBuffer(): Buffer {
    this.flush();
    return this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts);
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    this.parts.push(Buffer.from(this.pending, 'utf8'));
    this.pending = '';
  }
}
