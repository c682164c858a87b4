// SARIF 2.1.0 for code scanning (GitHub, GitLab, Azure DevOps): one rule per
// finding kind, with the help `sdna explain` prints, and one result per finding.
// Code scanning keys an alert on the rule and `partialFingerprints`, so the
// finding's fingerprint (never its line or words) keeps one alert across runs.

import { pathToFileURL } from 'node:url';
import pkg from '../package.json' with { type: 'json' };
import { KINDS, KIND_NAMES, type KindInfo, type Severity } from '../src/model/kinds.js';
import type { Finding, Plan } from '../src/model/model.js';
import { messageOf } from '../src/model/words.js';
import type { Reporter, SarifOptions } from './types.js';
import { explainKind } from './util/explain.js';
import { locationOf, mostSevereFirst } from './util/findings.js';

/** GitHub code scanning rejects a run with more results than this (and more than 25,000 in all). */
export const SARIF_MAX_RESULTS = 5000;

const LEVEL: Record<Severity, 'error' | 'warning'> = { error: 'error', warn: 'warning' };
/** Paths in a plan are relative to the project root; `originalUriBaseIds` says where that is. */
const ROOT_ID = '%SRCROOT%';

const rules = KIND_NAMES.map((kind) => {
  const info: KindInfo = KINDS[kind];
  const help = explainKind(kind);
  return {
    id: kind,
    shortDescription: { text: info.meaning },
    fullDescription: { text: info.doc },
    help: { text: help, markdown: help },
    defaultConfiguration: { level: LEVEL[info.level] },
    properties: { category: info.category, tags: ['sdna', info.category] },
  };
});

function result(plan: Plan, f: Finding) {
  const { file, line } = locationOf(plan, f);
  return {
    ruleId: f.kind,
    ruleIndex: KIND_NAMES.indexOf(f.kind),
    level: LEVEL[f.severity],
    message: { text: messageOf(f) },
    ...(file !== undefined && {
      locations: [{ physicalLocation: { artifactLocation: { uri: file.split('/').map(encodeURIComponent).join('/'), uriBaseId: ROOT_ID }, ...(line !== undefined && { region: { startLine: line } }) } }],
    }),
    partialFingerprints: { 'sdnaFingerprint/v1': f.fingerprint },
    // Accepted in .sdna/baseline.json: shown as suppressed, never as a new alert.
    ...(f.baselined && { suppressions: [{ kind: 'external', justification: 'in .sdna/baseline.json' }] }),
    properties: { category: f.category, ...(f.spec !== undefined && { spec: f.spec }), ...(f.capability !== undefined && { capability: f.capability }) },
  };
}

export const sarif: Reporter<SarifOptions> = (plan, options) => {
  const max = options.maxResults ?? SARIF_MAX_RESULTS;
  const ranked = mostSevereFirst(plan.findings);
  const kept = ranked.slice(0, max);
  const omitted = ranked.length - kept.length;
  const run = {
    tool: { driver: { name: 'sdna', version: pkg.version, semanticVersion: pkg.version, rules } },
    originalUriBaseIds: { [ROOT_ID]: { uri: `${pathToFileURL(plan.root).href.replace(/\/?$/, '/')}` } },
    ...(omitted > 0 && {
      invocations: [
        {
          executionSuccessful: true,
          toolExecutionNotifications: [
            { level: 'warning', message: { text: `${omitted} of ${ranked.length} findings left out: code scanning takes at most ${max} results per run, and the ones kept are the most severe (sdna plan --json lists every finding)` } },
          ],
        },
      ],
    }),
    results: kept.map((f) => result(plan, f)),
    properties: { findings: ranked.length, ...(omitted > 0 && { omitted }) },
  };
  return JSON.stringify({ $schema: 'https://json.schemastore.org/sarif-2.1.0.json', version: '2.1.0', runs: [run] }, null, 2) + '\n';
};
