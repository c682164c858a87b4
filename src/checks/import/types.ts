// What `sdna import` proposes: links from capabilities to tests, and targets for
// specs, each with a confidence in [0, 1] and the evidence behind it.

import type { ModelReport } from '../../model/model.js';

/** `model`: Claude read the test's body beside the promise (`sdna import --semantic`) and confirmed or rejected the link. */
export const EVIDENCE_KINDS = ['ids', 'names', 'paths', 'imports', 'model'] as const;

export type EvidenceKind = (typeof EVIDENCE_KINDS)[number];

export interface Evidence {
  kind: EvidenceKind;
  detail: string;
  /** How much this evidence alone is worth (internal; combined into the confidence). */
  weight?: number;
}

export interface LinkProposal {
  capability: string;
  file: string;
  /** The test's full name; absent when the name has placeholders (the link is to the file). */
  name?: string;
  confidence: number;
  evidence: Evidence[];
}

export interface TargetProposal {
  spec: string;
  capability?: string;
  glob: string;
  confidence: number;
  evidence: Evidence[];
}

/** What `sdna import --semantic` asked, what the model answered, and what it cost. */
export interface LinkCheckReport extends ModelReport {
  /** Candidate links the answers (this run's and cached) confirmed, rejected, or left unclear. */
  links: { confirmed: number; rejected: number; unclear: number };
}

export interface ImportResult {
  version: 1;
  links: LinkProposal[];
  targets: TargetProposal[];
  /** With `--semantic`. */
  semantic?: LinkCheckReport;
}
