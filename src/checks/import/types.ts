// What `sdna import` proposes: links from capabilities to tests, and targets for
// specs, each with a confidence in [0, 1] and the evidence behind it.

export type EvidenceKind = 'ids' | 'names' | 'paths' | 'imports';

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

export interface ImportResult {
  version: 1;
  links: LinkProposal[];
  targets: TargetProposal[];
}
