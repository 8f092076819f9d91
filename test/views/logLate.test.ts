// A line the tail shows after newer ones (a stream that uploaded late) says so in the log view.
import { describe, expect, test } from 'vitest';
import { logModel } from '../../views/logs/model.js';
import { itemRows, LATE_MARK, rowLayout } from '../../views/logs/rows.js';
import type { Line } from '../../views/text.js';
import { lines, snapshot } from './logSupport.js';

const text = (l: Line) => l.map((s) => s.text).join('');
const opts = { filter: '', errorsOnly: false, context: false };

describe('late lines', () => {
  test('are marked before the message, cut or wrapped; lines in order are not', () => {
    const [a, b] = lines([{ message: 'INFO in order' }, { message: 'INFO uploaded 40 s late' }]);
    const m = logModel(snapshot([a!, { ...b!, late: true }]), opts);
    for (const wrap of [false, true]) {
      const rows = m.items.map((i) => text(itemRows(m, i, rowLayout(m, 80, wrap))[0]!));
      expect(rows).toEqual([expect.stringMatching(/^\d\d:\d\d:\d\d INFO in order$/), expect.stringMatching(new RegExp(`^\\d\\d:\\d\\d:\\d\\d ${LATE_MARK}INFO uploaded 40 s late$`))]);
    }
  });
});
