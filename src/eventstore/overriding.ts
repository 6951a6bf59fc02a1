import type { EventStore } from './port.js';

/**
 * The same store (adapter-specific extras included) with some methods replaced: what the
 * store's layers (versions, size limit, metrics) use. Every other method is bound to the store
 * once, so a call costs no closure.
 */
export function overriding(store: EventStore, methods: Partial<EventStore>): EventStore {
  const bound = new Map<PropertyKey, unknown>(Object.entries(methods));
  return new Proxy(store, {
    get(target, property) {
      if (bound.has(property)) return bound.get(property);
      const value: unknown = Reflect.get(target, property);
      if (typeof value !== 'function') return value;
      const method: unknown = value.bind(target);
      bound.set(property, method);
      return method;
    },
  });
}
