// The one line editor behind every prompt (filter, command line, incident title,
// note, an action's value, the typed confirmation, the drill's phrase), and the
// dispatcher handing it pasted text.
import { describe, expect, test } from 'vitest';
import { editLine, typedText } from '../../src/keys/lineEditor.js';
import { confirmKey, startConfirm } from '../../src/actions/confirm.js';
import { splitKeys } from '../../views/keys.js';

describe('typed and pasted text', () => {
  test('escape sequences and C0/C1 controls are dropped; printable Unicode stays as it came', () => {
    expect(typedText('\x1b[200~prod/api\x1b[201~')).toBe('prod/api');
    expect(typedText('\x1b[31mred\x1b[0m')).toBe('red');
    expect(typedText('\x1b]0;retitled\x07ok')).toBe('ok');
    expect(typedText('a\x07b\x00c\x85d')).toBe('abcd');
    expect(typedText('\x9b31mred')).toBe('red');
    expect(typedText('a\tb\r\nc')).toBe('abc');
    expect(typedText('café 漢字 🙂 ñ')).toBe('café 漢字 🙂 ñ');
  });

  test('keys: Enter submits, Esc cancels, backspace drops one character (not one UTF-16 unit), ctrl+u clears', () => {
    expect(editLine('api', { input: '', return: true })).toEqual({ kind: 'submit' });
    expect(editLine('api', { input: '', escape: true })).toEqual({ kind: 'cancel' });
    expect(editLine('a🙂', { input: '', backspace: true })).toEqual({ kind: 'text', text: 'a' });
    expect(editLine('api', { input: '', delete: true })).toEqual({ kind: 'text', text: 'ap' });
    expect(editLine('api', { input: 'u', ctrl: true })).toEqual({ kind: 'text', text: '' });
  });

  test('keys that are not text leave the line as it is', () => {
    for (const press of [{ input: '', tab: true }, { input: '', upArrow: true }, { input: '', leftArrow: true }, { input: 'x', meta: true }, { input: 'a', ctrl: true }, { input: '', pageDown: true }]) {
      expect(editLine('api', press)).toEqual({ kind: 'text', text: 'api' });
    }
    expect(editLine('ap', { input: 'i' })).toEqual({ kind: 'text', text: 'api' });
    expect(editLine('', { input: '\x1b[201~' })).toEqual({ kind: 'text', text: '' });
  });

  test('the typed confirmation follows the same rule: a paste with its markers confirms, its controls do not sneak in', () => {
    let s = startConfirm('destructive', 'prod/api');
    s = confirmKey(s, { input: '\x1b[200~prod/\x07api\x1b[201~' });
    expect(s.typed).toBe('prod/api');
    expect(confirmKey(s, { input: '', return: true }).status).toBe('accepted');
  });

  test('the dispatcher keeps a paste one input while typing, and splits keys otherwise', () => {
    expect(splitKeys({ input: 'é\x1b[201~x\r' }, true)).toEqual([{ input: 'éx' }, { input: '', return: true }]);
    expect(splitKeys({ input: ':q\r' })).toEqual([{ input: ':', shift: false }, { input: 'q', shift: false }, { input: '', return: true }]);
  });
});
