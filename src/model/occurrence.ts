import type { RecurringPlan } from './types.js';

/**
 * What one occurrence of a plan spans: an instant (a time of day is stated), or, without one, the whole
 * day it falls on, or the whole month for a monthly plan that names no day.
 */
export function occurrenceWindow(p: RecurringPlan): 'instant' | 'day' | 'month' {
  if (p.starting !== null) return 'instant';
  if ((p.every.kind === 'monthly' || p.every.kind === 'months') && p.every.day === null) return 'month';
  return 'day';
}
