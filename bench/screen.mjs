// A small model of a terminal screen: it applies what a program writes (text,
// cursor moves, erases) to a grid of cells, so a bench can read the screen
// after each frame whether the program repainted all of it or only the rows
// that changed. It knows the sequences Ink and ansi-escapes write; colours and
// modes are dropped. Lines end as a pty delivers them (onlcr: \n moves to the
// start of the next row).
import stringWidth from 'string-width';

const ESC = '\x1b';

export class Screen {
  constructor(cols, rows) {
    this.cols = cols;
    this.rows = rows;
    this.grid = Array.from({ length: rows }, () => new Array(cols).fill(' '));
    this.r = 0;
    this.c = 0;
    this.saved = [0, 0];
    /** an escape sequence cut off at the end of the last chunk */
    this.pending = '';
  }

  /** The screen as text: one line per row, trailing blanks trimmed. */
  text() {
    return this.grid.map((row) => row.join('').trimEnd()).join('\n');
  }

  write(chunk) {
    const s = this.pending + chunk;
    this.pending = '';
    let i = 0;
    while (i < s.length) {
      const ch = s[i];
      if (ch === ESC) {
        const end = this.#escape(s, i);
        if (end === -1) {
          this.pending = s.slice(i);
          return;
        }
        i = end;
        continue;
      }
      if (ch === '\n') this.#lineFeed();
      else if (ch === '\r') this.c = 0;
      else if (ch === '\b') this.c = Math.max(0, this.c - 1);
      else if (ch >= ' ') {
        const cp = s.codePointAt(i);
        const char = String.fromCodePoint(cp);
        this.#put(char, cp < 0x7f ? 1 : stringWidth(char));
        i += char.length;
        continue;
      }
      i++;
    }
  }

  #put(char, width) {
    if (width === 0) return;
    if (this.c + width > this.cols) {
      this.c = 0;
      this.#lineFeed();
    }
    this.grid[this.r][this.c] = char;
    if (width === 2 && this.c + 1 < this.cols) this.grid[this.r][this.c + 1] = '';
    this.c += width;
  }

  #lineFeed() {
    this.c = 0;
    if (this.r < this.rows - 1) this.r++;
    else {
      this.grid.shift();
      this.grid.push(new Array(this.cols).fill(' '));
    }
  }

  #clearRow(r, from = 0, to = this.cols) {
    for (let c = from; c < to; c++) this.grid[r][c] = ' ';
  }

  /** Applies the escape sequence at `i`; returns the index after it, or -1 if it is incomplete. */
  #escape(s, i) {
    if (i + 1 >= s.length) return -1;
    const kind = s[i + 1];
    if (kind === ']') {
      const bel = s.indexOf('\x07', i);
      const st = s.indexOf('\x1b\\', i);
      const end = bel === -1 ? st : st === -1 ? bel : Math.min(bel, st);
      if (end === -1) return -1;
      return end + (s[end] === '\x07' ? 1 : 2);
    }
    if (kind === '7') {
      this.saved = [this.r, this.c];
      return i + 2;
    }
    if (kind === '8') {
      [this.r, this.c] = this.saved;
      return i + 2;
    }
    if (kind === '(' || kind === ')') return i + 3 <= s.length ? i + 3 : -1;
    if (kind !== '[') return i + 2;
    let j = i + 2;
    while (j < s.length && s.charCodeAt(j) >= 0x20 && s.charCodeAt(j) <= 0x3f) j++;
    while (j < s.length && s.charCodeAt(j) >= 0x20 && s.charCodeAt(j) <= 0x2f) j++;
    if (j >= s.length) return -1;
    const final = s[j];
    const params = s.slice(i + 2, j);
    if (!params.startsWith('?')) this.#csi(final, params.split(';').map((p) => (p === '' ? undefined : Number(p))));
    return j + 1;
  }

  #csi(final, [a, b]) {
    const n = a ?? 1;
    const clampR = (r) => Math.max(0, Math.min(this.rows - 1, r));
    const clampC = (c) => Math.max(0, Math.min(this.cols - 1, c));
    switch (final) {
      case 'H':
      case 'f':
        this.r = clampR((a ?? 1) - 1);
        this.c = clampC((b ?? 1) - 1);
        break;
      case 'A':
        this.r = clampR(this.r - n);
        break;
      case 'B':
        this.r = clampR(this.r + n);
        break;
      case 'C':
        this.c = clampC(this.c + n);
        break;
      case 'D':
        this.c = clampC(this.c - n);
        break;
      case 'E':
        this.r = clampR(this.r + n);
        this.c = 0;
        break;
      case 'F':
        this.r = clampR(this.r - n);
        this.c = 0;
        break;
      case 'G':
        this.c = clampC(n - 1);
        break;
      case 'J':
        if ((a ?? 0) === 0) {
          this.#clearRow(this.r, this.c);
          for (let r = this.r + 1; r < this.rows; r++) this.#clearRow(r);
        } else if (a === 1) {
          for (let r = 0; r < this.r; r++) this.#clearRow(r);
          this.#clearRow(this.r, 0, this.c + 1);
        } else if (a === 2) for (let r = 0; r < this.rows; r++) this.#clearRow(r);
        break;
      case 'K':
        if ((a ?? 0) === 0) this.#clearRow(this.r, this.c);
        else if (a === 1) this.#clearRow(this.r, 0, this.c + 1);
        else this.#clearRow(this.r);
        break;
      default:
      // SGR (m) and anything else: no effect on the text
    }
  }
}
