import type { Problem } from '../errors';
import { isCommentKey, isCommentValue } from './comment-keys';
import { pointer } from './json-pointer';

/** Deeper than any real config (which is 4 levels deep) and far below any stack limit. */
export const MAX_DEPTH = 32;

/**
 * Keys that rewrite prototypes once a parsed object goes through a deep merge. JSON.parse
 * makes `__proto__` an own property, so lodash.merge and friends would see it: refused here
 * before anything else touches the document.
 */
export const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Past this many problems a hostile file gets a summary line, not a megabyte of errors. */
const MAX_PROBLEMS = 50;

/**
 * Walk a freshly parsed JSON document (iteratively: a hostile document must not be able to
 * overflow the stack) and report what must never reach validation or merging: nesting past
 * MAX_DEPTH, prototype-polluting keys, and comment keys holding something other than text.
 */
export function scanHostileJson(root: unknown): Problem[] {
  const problems: Problem[] = [];
  let dropped = 0;
  const report = (p: Problem) => {
    if (problems.length < MAX_PROBLEMS) problems.push(p);
    else dropped++;
  };
  let depthReported = false;
  const stack: Array<{ value: unknown; path: Array<string | number>; depth: number }> = [{ value: root, path: [], depth: 1 }];
  while (stack.length > 0) {
    const { value, path, depth } = stack.pop()!;
    if (value === null || typeof value !== 'object') continue;
    if (depth > MAX_DEPTH) {
      if (!depthReported) report({ path: pointer(path), message: `nesting is deeper than ${MAX_DEPTH} levels; a repo config needs at most 4` });
      depthReported = true;
      continue;
    }
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], path: [...path, i], depth: depth + 1 });
      continue;
    }
    const keys = Object.keys(value);
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i];
      const child = (value as Record<string, unknown>)[key];
      if (FORBIDDEN_KEYS.has(key)) {
        report({ path: pointer([...path, key]), message: `the key "${key}" is not allowed anywhere in a repo config (it could alter object prototypes)` });
      } else if (isCommentKey(key)) {
        if (!isCommentValue(child)) report({ path: pointer([...path, key]), message: 'a comment key ("//…") must hold a string or an array of strings' });
      } else {
        stack.push({ value: child, path: [...path, key], depth: depth + 1 });
      }
    }
  }
  if (dropped > 0) problems.push({ path: '', message: `… and ${dropped} more problems of the same kinds` });
  return problems;
}
