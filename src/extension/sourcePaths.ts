/**
 * Which files the read-only source view may show, and where it opens them. No VS Code API here.
 */
import * as path from 'node:path';
import { parseAnnotations } from '../shared/annotations';

/**
 * The extension-relative path of a shipped source a URI path names, or undefined when it is not
 * one: only normalised `src/…` paths, nothing that climbs out with `..`.
 */
export function shippedPath(uriPath: string): string | undefined {
  const relative = uriPath.replace(/^\/+/, '');
  const normal = path.posix.normalize(relative);
  if (normal !== relative || !normal.startsWith('src/') || normal.split('/').includes('..')) return undefined;
  return normal;
}

/** The line a source opens at: its first `@paper` annotation's target line, or the top. */
export function firstAnnotatedLine(text: string): number {
  return parseAnnotations(text)[0]?.target ?? 0;
}
