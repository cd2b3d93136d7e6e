// sastrawijs 1.1.0 ships its types, but its package.json "exports" map has no "types" entry, so
// node16 module resolution does not find them: the part we use, declared here.
declare module 'sastrawijs' {
  export class Stemmer {
    constructor(dictionary?: string[]);
    internalDictionary: object;
    remove(words: string[]): void;
    find(word: string): boolean;
    stem(word: string): string;
  }
}
