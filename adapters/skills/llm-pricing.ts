/** Prices in exact integer micro-cents per 1000 tokens, so that a cost rounds up to whole cents
 * without floating-point error (10000 tokens at 0.1 ¢/1k is 1 cent, not 2). */
export type LlmPrices = {
  readonly promptMicroCentsPer1k: bigint;
  readonly completionMicroCentsPer1k: bigint;
};

export const FREE: LlmPrices = { promptMicroCentsPer1k: 0n, completionMicroCentsPer1k: 0n };

const PRICE = /^(\d{1,9})(?:\.(\d{1,6}))?$/;
const MICRO = 1_000_000n;

/** "0.15" → 150000n micro-cents; null for anything but a plain decimal >= 0 with at most 6 decimals. */
export const parsePrice = (text: string): bigint | null => {
  const match = PRICE.exec(text.trim());
  if (match === null) return null;
  const [, whole = '0', fraction = ''] = match;
  return BigInt(whole) * MICRO + BigInt(fraction.padEnd(6, '0'));
};

const ceilDiv = (n: bigint, d: bigint): bigint => (n + d - 1n) / d;

/** Whole cents for these token counts, rounded up. */
export const costCents = (prices: LlmPrices, promptTokens: number, completionTokens: number): number =>
  Number(
    ceilDiv(
      BigInt(promptTokens) * prices.promptMicroCentsPer1k +
        BigInt(completionTokens) * prices.completionMicroCentsPer1k,
      1000n * MICRO,
    ),
  );

/** A rough prompt size before tokenization: four characters a token, rounded up. */
export const estimatePromptTokens = (messages: readonly { readonly content: string }[]): number =>
  Math.ceil(messages.reduce((sum, m) => sum + m.content.length, 0) / 4);
