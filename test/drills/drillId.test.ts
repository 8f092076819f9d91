import { describe, expect, it } from 'vitest';
import { drillInstanceId } from '../../src/drills/setup.js';

// RDS DB instance identifiers: 1-63 characters, a letter first, letters digits and hyphens, no "--", no trailing hyphen
const RDS_ID = /^[a-z](?!.*--)[a-z0-9-]{0,62}(?<!-)$/;

describe('drill instance ids', () => {
  it('carry seconds, so two drills in the same minute get two ids', () => {
    const t = Date.UTC(2026, 10, 22, 9, 0, 5);
    expect(drillInstanceId('prod-db', t)).toBe('prod-db-drill-20261122090005');
    expect(drillInstanceId('prod-db', t + 1000)).not.toBe(drillInstanceId('prod-db', t));
  });

  it('stay a valid RDS identifier for the longest source ids', () => {
    const t = Date.UTC(2026, 10, 22, 23, 59, 59);
    for (const instance of ['a'.repeat(63), `${'a'.repeat(41)}-b${'c'.repeat(20)}`, 'Prod-DB', `${'x'.repeat(42)}-y`]) {
      const id = drillInstanceId(instance, t);
      expect(id.length).toBeLessThanOrEqual(63);
      expect(id).toMatch(RDS_ID);
      expect(id.endsWith('-drill-20261122235959')).toBe(true);
    }
  });
});
