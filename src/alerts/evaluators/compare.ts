/** The comparators of rules. */
import type { AlertRuleSpec } from '../../core/config/index.js';

/** `value op threshold`; false for NaN. */
export function compare(value: number, op: AlertRuleSpec['op'], threshold: number): boolean {
  switch (op) {
    case '>':
      return value > threshold;
    case '>=':
      return value >= threshold;
    case '<':
      return value < threshold;
    case '<=':
      return value <= threshold;
    case '==':
      return value === threshold;
    case '!=':
      return value !== threshold && !Number.isNaN(value);
  }
}
