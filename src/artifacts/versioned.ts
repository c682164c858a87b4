// One way to read every versioned file sdna owns (the JSON plan, the
// interchange file, `.sdna/state.json`, and the files to come): parse the JSON,
// refuse a version this sdna does not know, validate with zod, and say what is
// wrong and how to recover, in the file's own words.

import fs from 'node:fs';
import path from 'node:path';
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
    const issue = parsed.error.issues[0];
    throw new SdnaError(format.invalid({ path: issue.path.join('.') || '<top>', code: issue.code, message: issue.message }));
  }
  return parsed.data;
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
  try {
    return fs.readFileSync(path.join(root, file), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new SdnaError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
}

/** A file whose `version` is newer than this sdna reads says so; any other is `otherwise`. */
export function newerOr(file: string, what: string, version: number, otherwise: string): (found: unknown) => string {
  return (found) =>
    typeof found === 'number' && found > version ? `${file} was written by a newer sdna (${what} version ${found}); upgrade sdna to read it` : otherwise;
}
