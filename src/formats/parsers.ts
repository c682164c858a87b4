// Each format's parser, by format. Loaded on demand (`readModel` imports it at
// the first spec the cache does not have): markdown-it and js-yaml are most of
// sdna's start-up, and a warm plan needs neither.

import type { Format } from '../model/model.js';
import type { Parse } from './readers.js';
import { readKiro } from './kiro.js';
import { readOpenSpec } from './openspec.js';
import { readSpecKit } from './speckit.js';
import { readTessl } from './tessl.js';

export const PARSERS: Record<Format, Parse> = { tessl: readTessl, speckit: readSpecKit, kiro: readKiro, openspec: readOpenSpec };
