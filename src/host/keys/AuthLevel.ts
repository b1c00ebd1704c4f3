/** Who may call a route: anyone, a function key, the master key, or a system key (the Durable API). */
export type AuthLevel = 'anonymous' | 'function' | 'admin' | 'system';
