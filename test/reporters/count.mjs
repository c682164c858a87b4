// A custom reporter, loaded by path: `sdna plan --reporter test/reporters/count.mjs`.
export default function count(plan) {
  return `${plan.findings.length} findings, ${plan.capabilities.length} capabilities\n`;
}
