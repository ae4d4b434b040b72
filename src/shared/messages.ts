/**
 * Typed messages: one definition per message (type name + payload + guard), shared by both
 * ends. Anything arriving over a channel is `unknown` until a guard accepts it.
 */

export type Json = null | boolean | number | string | readonly Json[] | { readonly [key: string]: Json };

export interface MessageType<Name extends string, Payload extends object> {
  readonly type: Name;
  /** Builds a message of this type. */
  create(payload: Payload): { readonly type: Name } & Payload;
  /** True when `value` is a well-formed message of this type. */
  is(value: unknown): value is { readonly type: Name } & Payload;
}

export type MessageOf<M> = M extends MessageType<infer N, infer P> ? { readonly type: N } & P : never;

/**
 * Defines a message type. `check` receives the message as a record (already known to be an
 * object with the right `type`) and must verify every payload field it relies on.
 */
export function defineMessage<Name extends string, Payload extends object>(
  type: Name,
  check: (message: Readonly<Record<string, unknown>>) => boolean,
): MessageType<Name, Payload> {
  return {
    type,
    create: (payload) => ({ ...payload, type }),
    is: (value: unknown): value is { readonly type: Name } & Payload =>
      isRecord(value) && value['type'] === type && check(value),
  };
}

// ---------------------------------------------------------------------------------------------
// Small structural checks used by guards

export function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export const isString = (v: unknown): v is string => typeof v === 'string';
export const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
export const isNonNegativeInt = (v: unknown): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= Number.MAX_SAFE_INTEGER;

export function isArrayOf<T>(value: unknown, item: (v: unknown) => v is T): value is T[] {
  return Array.isArray(value) && value.every(item);
}

/** A short identifier: letters, digits, dots, dashes and underscores, at most 200 characters. */
export function isIdentifier(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= 200 && /^[A-Za-z0-9._-]+$/.test(value);
}

/** A flat record of config values (numbers, strings, booleans). */
export function isConfigRecord(value: unknown): value is Readonly<Record<string, number | string | boolean>> {
  if (!isRecord(value)) return false;
  const entries = Object.entries(value);
  return (
    entries.length <= 200 &&
    entries.every(
      ([k, v]) =>
        k.length <= 100 &&
        ((typeof v === 'number' && Number.isFinite(v)) ||
          typeof v === 'boolean' ||
          (typeof v === 'string' && v.length <= 200)),
    )
  );
}
