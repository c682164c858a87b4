// `sdna init`: finds which spec formats a project uses and writes a starter
// sdna.config.json for them. It never replaces a config the user wrote unless
// told to (`--force`, for sdna.config.json only), and writes atomically.

import { FORMATS, READERS } from './formats/readers.js';
import fs from 'node:fs';
import path from 'node:path';
import { CONFIG_FILES, FIXTURE_SPECS, resolveConfig, type UserConfig } from './config.js';
import { numbered } from './util/text.js';
import { SdnaError } from './util/errors.js';
import { listFiles, writeFileAtomic } from './util/files.js';
import { GuardedReader, readInRoot } from './util/guarded.js';
import type { Format } from './model/model.js';
import { readModel } from './read-model.js';
import { formatOf } from './formats/readers.js';
import { namedPaths } from './formats/named-paths.js';
import { configGlobs } from './util/globs.js';

export const CONFIG_FILE = 'sdna.config.json';

export interface InitResult {
  /** How many spec files of each format the project has. */
  found: Partial<Record<Format, number>>;
  config: UserConfig;
  /** Spec files that name no targets and whose documents name no source file: the config lists them to be filled in. */
  untargeted: string[];
  /** Spec files given the source files their documents (the spec, tasks.md, design.md, plan.md) name, to review. */
  inferred: { file: string; targets: string[] }[];
  /** The Vitest config file to add the plugin to, if the project has one. */
  vitestConfig?: string;
  /** The Vitest config already imports `sdna/vitest`. */
  pluginAdded: boolean;
  replaced: boolean;
}

export async function initProject(root: string, force: boolean): Promise<InitResult> {
  const existing = CONFIG_FILES.filter((f) => fs.existsSync(path.join(root, f)));
  const inPackage = hasPackageConfig(root);
  const other = [...existing.filter((f) => f !== CONFIG_FILE), ...(inPackage ? ['package.json ("sdna")'] : [])];
  if (other.length > 0) {
    throw new SdnaError(`${other.join(' and ')} already ${numbered(other.length, 'configures', 'configure')} sdna in ${root}: edit it, or remove it and run \`sdna init\` again`);
  }
  const replaced = existing.includes(CONFIG_FILE);
  if (replaced && !force) {
    throw new SdnaError(`${CONFIG_FILE} already exists in ${root} and was left as it is: pass --force to replace it`);
  }

  const { files, set } = listFiles(root);
  const found: InitResult['found'] = {};
  for (const f of files) {
    const format = formatOf(f);
    if (format) found[format] = (found[format] ?? 0) + 1;
  }
  const formats = FORMATS.filter((f) => found[f]);
  // Read the specs as the new config will, to see which ones govern no code yet.
  const specs: NonNullable<UserConfig['specs']> = [...(formats.length ? formats.map((f) => READERS[f].glob) : [READERS.tessl.glob]), ...FIXTURE_SPECS];
  const resolved = resolveConfig({ specs }, undefined, root);
  const reader = new GuardedReader(root);
  const model = await readModel(resolved, files, undefined, reader);
  const included = configGlobs('include', resolved.include).test;
  const excluded = configGlobs('exclude', resolved.exclude).test;
  const untargeted: string[] = [];
  const inferred: InitResult['inferred'] = [];
  for (const file of model.specs.filter((s) => s.targets.length === 0).map((s) => s.file).sort()) {
    const targets = namedPaths(reader, file, set, (f) => included(f) && !excluded(f)).map((p) => p.file);
    specs.push({ path: file, targets });
    if (targets.length > 0) inferred.push({ file, targets });
    else untargeted.push(file);
  }
  const config: UserConfig = { $schema: './node_modules/sdna/schema/config.schema.json', specs };

  writeFileAtomic(path.join(root, CONFIG_FILE), JSON.stringify(config, null, 2) + '\n', { within: root, shown: CONFIG_FILE });
  const vitestConfig = fs
    .readdirSync(root)
    .filter((f) => /^vitest\.config\.[cm]?[jt]s$/.test(f) || /^vite\.config\.[cm]?[jt]s$/.test(f))
    .sort((a, b) => Number(b.startsWith('vitest')) - Number(a.startsWith('vitest')))[0];
  const pluginAdded = vitestConfig !== undefined && (reader.tryText(vitestConfig, 'config') ?? '').includes('sdna/vitest');
  return { found, config, untargeted, inferred, vitestConfig, pluginAdded, replaced };
}

function hasPackageConfig(root: string): boolean {
  try {
    const pkg = JSON.parse(readInRoot(root, 'package.json', 'manifest') ?? '{}') as Record<string, unknown>;
    return Boolean(pkg && typeof pkg === 'object' && 'sdna' in pkg);
  } catch {
    return false;
  }
}
