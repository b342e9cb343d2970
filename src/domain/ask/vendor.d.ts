/** Type declarations for the text libraries that ship none. */
declare module "wink-tokenizer" {
  interface Token { value: string; tag: string }
  class Tokenizer {
    tokenize(text: string): Token[];
    defineConfig(config: Record<string, boolean>): number;
  }
  export default Tokenizer;
}

declare module "snowball-stemmers" {
  interface Stemmer { stem(word: string): string }
  const snowball: { newStemmer(language: string): Stemmer; algorithms(): string[] };
  export default snowball;
}
