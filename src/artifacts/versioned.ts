// One way to read every versioned file sdna owns (the JSON plan, the
// interchange file, `.sdna/state.json`, and the files to come): parse the JSON,
// refuse a version this sdna does not know, validate with zod, and say what is
// wrong and how to recover, in the file's own words.

import { readInRoot } from '../util/guarded.js';
import type * as z from 'zod/mini';
import { SdnaError } from '../util/errors.js';

export interface VersionedFormat<T> {
  version: number;
  schema: z.ZodMiniType<T>;
  /** The file is not JSON. */
  notJson: (reason: string) => string;
  /** Its `version` is not `version` (a newer sdna's file, another file, none). */
  badVersion: (found: unknown) => string;
  /** It does not have the form `schema` describes: the first issue, its path dotted. */
  invalid: (issue: { path: string; code: string; message: string }) => string;
}

/** The file's content, validated; SdnaError (exit 2) with the format's message otherwise. */
export function parseVersioned<T>(text: string, format: VersionedFormat<T>): T {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new SdnaError(format.notJson((error as Error).message));
  }
  const version = (data as { version?: unknown } | null)?.version;
  if (version !== format.version) throw new SdnaError(format.badVersion(version));
  const parsed = format.schema.safeParse(data);
  if (!parsed.success) {
    const issue = deepest(parsed.error.issues[0]);
    throw new SdnaError(format.invalid({ path: issue.path.join('.') || '<top>', code: issue.code, message: explain(issue, data) }));
  }
  return parsed.data;
}

type Issue = z.core.$ZodIssue;

/** Of a union's failed branches, the issue that got furthest into the data: it says what was meant. */
function deepest(issue: Issue): Issue {
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) return issue;
  const branches = issue.errors.map((errors) => errors.map((e) => deepest({ ...e, path: [...issue.path, ...e.path] } as Issue)));
  const best = branches.flat().sort((a, b) => b.path.length - a.path.length)[0];
  return best ?? issue;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return `a string (${JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value)})`;
  if (value === undefined) return 'nothing';
  return `${typeof value === 'number' ? 'a number' : typeof value === 'boolean' ? 'a boolean' : typeof value} (${String(value)})`;
}

/** What is wrong at the issue's path, in words: what was expected and what is there. */
function explain(issue: Issue, data: unknown): string {
  let value = data;
  for (const key of issue.path) value = (value as Record<PropertyKey, unknown> | undefined)?.[key as PropertyKey];
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${issue.expected === 'array' || issue.expected === 'object' ? `an ${issue.expected}` : `a ${issue.expected}`}, found ${typeName(value)}`;
    case 'invalid_value':
      return `expected ${issue.values.map((v) => JSON.stringify(v)).join(' or ')}, found ${typeName(value)}`;
    case 'unrecognized_keys':
      return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    case 'invalid_format':
      return `expected a string of the form ${'pattern' in issue && issue.pattern ? `/${String(issue.pattern).replace(/^\/|\/$/g, '')}/` : issue.format}, found ${typeName(value)}`;
    case 'invalid_union':
      return `found ${typeName(value)}, which is none of the forms allowed there`;
    default:
      return issue.message === 'Invalid input' ? `found ${typeName(value)}, which is not the form allowed there` : `expected ${issue.message}, found ${typeName(value)}`;
  }
}

/**
 * A versioned file sdna keeps in the project (`.sdna/…`, root-relative): its
 * content validated, or undefined when the file does not exist.
 */
export function readProjectFile<T>(root: string, file: string, format: VersionedFormat<T>): T | undefined {
  const text = readProjectText(root, file);
  return text === undefined ? undefined : parseVersioned(text, format);
}

/** The text of a file sdna keeps in the project, or undefined when it does not exist; SdnaError when it cannot be read. */
export function readProjectText(root: string, file: string): string | undefined {
  return readInRoot(root, file, 'record');
}

/** A file whose `version` is newer than this sdna reads says so; any other is `otherwise`. */
export function newerOr(file: string, what: string, version: number, otherwise: string): (found: unknown) => string {
  return (found) =>
    typeof found === 'number' && found > version ? `${file} was written by a newer sdna (${what} version ${found}); upgrade sdna to read it` : otherwise;
}
