const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** `text` with every lone surrogate replaced by U+FFFD: OTLP/JSON can spell one (`"\ud800"`) and the
 * JSON gate refuses it; a span's string then loses one character instead of the span being refused.
 * (U+0000, the gate's other refusal, is replaced on the whole span by withoutNul.) */
export const wellFormedText = (text: string): string => text.replace(LONE_SURROGATE, '\uFFFD');
