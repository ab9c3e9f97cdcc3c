// One pass over a file finds every rule keyword (gitleaks' idea: cheap keywords before costly
// regular expressions). An Aho-Corasick automaton over ASCII, case-insensitive, as a dense table so
// the inner loop is one array read per character whatever the number of keywords.

const ALPHABET = 128;

export class KeywordMatcher {
  /** state * 128 + char -> next state (a complete DFA: failure links are folded in). */
  private readonly next: Int32Array;
  /** Keyword indexes that end in each state (including through failure links). */
  private readonly outputs: (readonly number[] | undefined)[];

  constructor(readonly keywords: readonly string[]) {
    const trie: number[][] = [new Array<number>(ALPHABET).fill(-1)];
    const out: number[][] = [[]];
    keywords.forEach((keyword, index) => {
      if (keyword.length === 0) throw new Error('empty keyword');
      let state = 0;
      for (const ch of keyword.toLowerCase()) {
        const c = ch.charCodeAt(0);
        if (c >= ALPHABET) throw new Error(`keyword "${keyword}" is not ASCII`);
        if (trie[state][c] === -1) {
          trie[state][c] = trie.length;
          trie.push(new Array<number>(ALPHABET).fill(-1));
          out.push([]);
        }
        state = trie[state][c];
      }
      out[state].push(index);
    });

    // Breadth-first: build failure links and fill the missing transitions.
    const fail = new Int32Array(trie.length);
    const queue: number[] = [];
    for (let c = 0; c < ALPHABET; c++) {
      const s = trie[0][c];
      if (s === -1) trie[0][c] = 0;
      else {
        fail[s] = 0;
        queue.push(s);
      }
    }
    for (let head = 0; head < queue.length; head++) {
      const state = queue[head];
      out[state].push(...out[fail[state]]);
      for (let c = 0; c < ALPHABET; c++) {
        const s = trie[state][c];
        if (s === -1) trie[state][c] = trie[fail[state]][c];
        else {
          fail[s] = trie[fail[state]][c];
          queue.push(s);
        }
      }
    }

    // Entries hold the next state's row offset (state * 128), saving a shift per character.
    this.next = new Int32Array(trie.length * ALPHABET);
    trie.forEach((row, state) => this.next.set(row.map((s) => s * ALPHABET), state * ALPHABET));
    this.outputs = out.map((o) => (o.length ? o : undefined));
    this.hasOutput = Uint8Array.from(out, (o) => (o.length ? 1 : 0));
  }

  /** 1 for states where a keyword ends (a typed array: the hot loop reads it per character). */
  private readonly hasOutput: Uint8Array;

  /** Calls `onHit(keywordIndex, end)` for every occurrence (end is exclusive), in text order. */
  scan(text: string, onHit: (keywordIndex: number, end: number) => void): void {
    const next = this.next;
    const hasOutput = this.hasOutput;
    let row = 0; // state * 128
    for (let i = 0, n = text.length; i < n; i++) {
      let c = text.charCodeAt(i);
      if (c >= ALPHABET) {
        row = 0;
        continue;
      }
      if (c >= 65 && c <= 90) c |= 32; // ASCII lower case
      row = next[row + c];
      if (hasOutput[row >> 7] === 1) {
        const hits = this.outputs[row >> 7] as readonly number[];
        for (let k = 0; k < hits.length; k++) onHit(hits[k], i + 1);
      }
    }
  }
}
