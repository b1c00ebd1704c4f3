import { ApiError, SignInNeeded } from './api';
import { h } from './dom';

/** What a page drew, and when to draw it again (while something it shows is still changing). */
export interface Rendered {
  readonly title: string;
  readonly node: Node;
  readonly refreshMs?: number;
}

export type Page = (params: readonly string[]) => Promise<Rendered>;

interface Route {
  readonly pattern: RegExp;
  readonly page: Page;
}

/**
 * Hash routing (`#/jobs/<id>`): a route's page is drawn into `view`, and drawn again after its
 * `refreshMs` while the route stays the same, so running work updates without a reload.
 */
export class Router {
  readonly #routes: Route[] = [];
  #generation = 0;
  #timer: number | undefined;

  constructor(
    private readonly view: HTMLElement,
    private readonly signIn: (message?: string) => void,
  ) {}

  add(pattern: RegExp, page: Page): this {
    this.#routes.push({ pattern, page });
    return this;
  }

  start(): void {
    addEventListener('hashchange', () => void this.show());
    void this.show();
  }

  /** Draws the current route (a new route cancels the previous one's refresh). */
  async show(): Promise<void> {
    const generation = ++this.#generation;
    clearTimeout(this.#timer);
    const hash = location.hash.replace(/^#/, '') || '/jobs';
    for (const link of document.querySelectorAll<HTMLAnchorElement>('#nav a'))
      link.classList.toggle('active', hash.startsWith(link.hash.slice(1)));
    const route = this.#routes.find((candidate) => candidate.pattern.test(hash));
    if (!route) {
      this.view.replaceChildren(h('p', { class: 'empty' }, `No page at ${hash}.`));
      return;
    }
    const params = (route.pattern.exec(hash) ?? []).slice(1).map((part) => decodeURIComponent(part));
    try {
      const rendered = await route.page(params);
      if (generation !== this.#generation) return;
      document.title = `${rendered.title} · durable-scoring`;
      // Keep the reader's place: a refresh replaces the content, not the scroll position.
      const scroll = scrollY;
      this.view.replaceChildren(rendered.node);
      scrollTo(0, scroll);
      this.view.dataset.loaded = hash;
      if (rendered.refreshMs)
        this.#timer = window.setTimeout(() => void this.refresh(generation), rendered.refreshMs);
    } catch (error) {
      if (generation !== this.#generation) return;
      if (error instanceof SignInNeeded) return this.signIn(error.message);
      const message =
        error instanceof ApiError ? error.message : 'The page could not be drawn: ' + String(error);
      this.view.replaceChildren(h('p', { class: 'error', role: 'alert' }, message));
    }
  }

  private async refresh(generation: number): Promise<void> {
    if (generation !== this.#generation) return;
    // A refresh is the same route again: it keeps the generation's place in line.
    this.#generation--;
    await this.show();
  }
}
