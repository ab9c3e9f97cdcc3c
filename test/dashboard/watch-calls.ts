// A store (or any object) whose calls of some methods a test sees first, before they go on: the
// reads the app makes, counted or listed. Every other member is the object's own, bound to it.
export function watchCalls<T extends object>(target: T, methods: readonly string[], seen: (method: string, args: unknown[]) => void): T {
  return new Proxy(target, {
    get(object, prop) {
      const value: unknown = Reflect.get(object, prop);
      if (typeof value !== 'function') return value;
      if (typeof prop === 'string' && methods.includes(prop)) {
        return (...args: unknown[]) => {
          seen(prop, args);
          return (value as (...a: unknown[]) => unknown).apply(object, args);
        };
      }
      return value.bind(object);
    },
  });
}
