// The one reader every check reads through: what it resolves on its own (a folder's real path, a file's end)
// must refuse and read exactly what a realpath of every file would.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { GuardedReader, ReadRefused } from '../src/util/guarded.js';
import { tempProject, write } from './helpers.js';

const refusal = (read: () => unknown) => {
  try {
    read();
  } catch (error) {
    if (error instanceof ReadRefused) return error.code;
    throw error;
  }
  return 'read';
};
const messageOf = (read: () => unknown) => {
  try {
    read();
  } catch (error) {
    return (error as Error).message;
  }
  return 'read';
};

describe('GuardedReader', () => {
  it('follows a folder symlink that stays inside the root and refuses, at any depth, one that leads out', () => {
    const root = tempProject();
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'sdna-outside-'));
    fs.mkdirSync(path.join(outside, 'deep', 'er'), { recursive: true });
    fs.writeFileSync(path.join(outside, 'deep', 'er', 'x.ts'), 'CANARY');
    write(root, 'src/real/deep/a.ts', 'inside');
    fs.symlinkSync(path.join(root, 'src', 'real'), path.join(root, 'src', 'alias'));
    fs.symlinkSync(outside, path.join(root, 'src', 'out'));
    // A folder that climbs out and back in is inside.
    fs.symlinkSync(path.join('..', '..', path.basename(root), 'src', 'real'), path.join(root, 'src', 'round'));

    const reader = new GuardedReader(root);
    expect(reader.text('src/real/deep/a.ts', 'source')).toBe('inside');
    expect(reader.text('src/alias/deep/a.ts', 'source')).toBe('inside');
    expect(reader.text('src/round/deep/a.ts', 'source')).toBe('inside');
    // Asked in either order: what one read learnt of a folder does not open another.
    for (const file of ['src/out/deep/er/x.ts', 'src/out/deep/x.ts']) expect(refusal(() => reader.text(file, 'source'))).toBe('outside');
    const fresh = new GuardedReader(root);
    expect(refusal(() => fresh.text('src/out/deep/er/x.ts', 'source'))).toBe('outside');
    expect(refusal(() => fresh.text('src/real/missing/a.ts', 'source'))).toBe('missing');
    expect(refusal(() => fresh.text('src/real/deep/a.ts/b.ts', 'source'))).not.toBe('read');
    // What a user is told, word for word.
    expect(messageOf(() => fresh.text('src/out/deep/x.ts', 'source'))).toBe(
      'cannot read src/out/deep/x.ts: it leads outside the project root (through a symlink); sdna reads nothing outside it',
    );
    expect(messageOf(() => fresh.text('src/real/missing/a.ts', 'source'))).toBe('cannot read src/real/missing/a.ts: it does not exist');
  });

  it("knowing the walk's folders, reads and refuses as before: the symlinked folders the walk skipped are still resolved on their own", async () => {
    const { walkListing } = await import('../src/util/files.js');
    const root = tempProject();
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'sdna-outside-'));
    fs.mkdirSync(path.join(outside, 'deep'), { recursive: true });
    fs.writeFileSync(path.join(outside, 'deep', 'x.ts'), 'CANARY');
    write(root, 'src/real/deep/a.ts', 'inside');
    write(root, 'top.ts', 'top');
    fs.symlinkSync(path.join(root, 'src', 'real'), path.join(root, 'src', 'alias'));
    fs.symlinkSync(outside, path.join(root, 'src', 'out'));
    const listing = walkListing(root);
    expect([...listing.folders!].sort()).toEqual(['src', 'src/real', 'src/real/deep']);
    const reader = new GuardedReader(root);
    reader.knowFolders(listing.folders);
    for (const file of listing.files) expect(reader.text(file, 'source')).toBe(file === 'top.ts' ? 'top' : 'inside');
    expect(reader.text('src/alias/deep/a.ts', 'source')).toBe('inside');
    expect(refusal(() => reader.text('src/out/deep/x.ts', 'source'))).toBe('outside');
    expect(messageOf(() => reader.text('src/out/deep/x.ts', 'source'))).toBe(
      'cannot read src/out/deep/x.ts: it leads outside the project root (through a symlink); sdna reads nothing outside it',
    );
    expect(refusal(() => reader.text('src/real/deep', 'source'))).toBe('not-a-file');
    expect(refusal(() => reader.text('src/real/missing.ts', 'source'))).toBe('missing');
    // The file itself is never followed out of the root, in a folder known or not.
    fs.symlinkSync(path.join(outside, 'deep', 'x.ts'), path.join(root, 'src', 'real', 'deep', 'link.ts'));
    expect(refusal(() => reader.text('src/real/deep/link.ts', 'source'))).toBe('outside');
  });

  it('reads a path written with `.`, `..`, `//` or as absolute as its plain form, and refuses one that climbs out of the root', () => {
    const root = tempProject();
    write(root, 'src/a/b.ts', 'b');
    write(root, 'top.ts', 'top');
    fs.writeFileSync(path.join(path.dirname(root), `${path.basename(root)}-sibling.ts`), 'CANARY');
    const reader = new GuardedReader(root);
    for (const file of ['src/a/b.ts', './src/a/b.ts', 'src/./a/b.ts', 'src//a/b.ts', 'src/x/../a/b.ts', path.join(root, 'src/a/b.ts')]) {
      expect(reader.text(file, 'source'), file).toBe('b');
    }
    for (const file of ['top.ts', './top.ts', 'src/../top.ts']) expect(reader.text(file, 'source'), file).toBe('top');
    for (const file of ['../x.ts', 'src/../../x.ts', `../${path.basename(root)}-sibling.ts`]) {
      expect(refusal(() => reader.text(file, 'source')), file).toBe('outside');
      expect(messageOf(() => reader.text(file, 'source')), file).toBe(`cannot read ${file}: it is outside the project root`);
    }
    // A name that only starts with dots is a plain name.
    write(root, '..b/.c..', 'dots');
    expect(reader.text('..b/.c..', 'source')).toBe('dots');
  });

  it('glances at the first bytes of a regular file, and at nothing else, at once: a FIFO with no writer, a folder, a symlink out of the root', () => {
    const root = tempProject();
    const outside = tempProject();
    write(root, 'a.ts', '// GENERATED FROM SPEC - DO NOT EDIT\nexport const a = 1;\n');
    write(outside, 'secret.ts', 'secret');
    fs.symlinkSync(path.join(outside, 'secret.ts'), path.join(root, 'out.ts'));
    fs.mkdirSync(path.join(root, 'dir.ts'));
    execFileSync('mkfifo', [path.join(root, 'pipe.ts')]);
    const reader = new GuardedReader(root);
    expect(reader.head('a.ts', 16)?.toString()).toBe('// GENERATED FRO');
    expect(reader.head('a.ts', 4096)?.toString()).toBe(fs.readFileSync(path.join(root, 'a.ts'), 'utf8'));
    const started = Date.now();
    for (const file of ['pipe.ts', 'dir.ts', 'out.ts', 'missing.ts']) expect(reader.head(file, 2048), file).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(2000);
    // A glance records nothing: the plan reports what its reads refused, not what it glanced at.
    expect(reader.refused).toEqual([]);
  });

  it('reads every byte of files of every size around its buffer, one after another', () => {
    const root = tempProject();
    const sizes = [0, 1, 4095, 4096, 65535, 65536, 65537, 200_000, 3, 131_073];
    sizes.forEach((size, i) => write(root, `f${i}.txt`, 'abcdefghij'.repeat(Math.ceil(size / 10)).slice(0, size)));
    const reader = new GuardedReader(root);
    sizes.forEach((size, i) => expect(reader.bytes(`f${i}.txt`, 'test').length, `f${i}`).toBe(size));
    sizes.forEach((_, i) => expect(reader.text(`f${i}.txt`, 'test')).toBe(fs.readFileSync(path.join(root, `f${i}.txt`), 'utf8')));
  });
});
