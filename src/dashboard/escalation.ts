// The incident clock's marks and countdown, as `opsdeck incident status` prints them.
export { ESCALATION_MARKS } from '../incident/escalation.js';
export { countdown } from '../incident/format.js';
