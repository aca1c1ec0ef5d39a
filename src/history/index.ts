export { addDuration, addMonths, daysBetween, parseIsoDate, todayIso } from './dates.js';
export { changeText, diffSops, formatChanges, type RuleChange } from './diff.js';
export {
  bumpVersion,
  checkRevisionChain,
  compareVersions,
  expectedHashes,
  type RevisionRecord,
  readRevisions,
  revisionHash,
  snapshotPath,
} from './revisions.js';
export { revisionChainRule } from './rule.js';
export { plannedReviews, reviewSchedule, reviewState, type SopReviewSchedule } from './schedule.js';
export { historyJson, historyMarkdown, historyTarget } from './target.js';
