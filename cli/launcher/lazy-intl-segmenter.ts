/**
 * Stands in for `Intl.Segmenter` in the CLI bundles (scripts/bundle-cli.mjs defines one as the
 * other). The string-width copies inside yargs create a segmenter when they are loaded, and the
 * first `new Intl.Segmenter()` of a process loads ICU's break-iteration data: about 10 ms of every
 * CLI call, for text measured only when help is printed. This one creates the real segmenter on
 * its first use.
 */
export class LazyIntlSegmenter {
  readonly #options: ConstructorParameters<typeof Intl.Segmenter>;
  #segmenter: Intl.Segmenter | undefined;

  constructor(...options: ConstructorParameters<typeof Intl.Segmenter>) {
    this.#options = options;
  }

  #real(): Intl.Segmenter {
    // globalThis.Intl, not Intl: the bundler replaces `Intl.Segmenter` with this class.
    this.#segmenter ??= new globalThis.Intl.Segmenter(...this.#options);
    return this.#segmenter;
  }

  segment(input: string): Intl.Segments {
    return this.#real().segment(input);
  }

  resolvedOptions(): Intl.ResolvedSegmenterOptions {
    return this.#real().resolvedOptions();
  }
}
