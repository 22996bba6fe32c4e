/** Index of the first C0/C1 control character or DEL in the text, or -1. A goal or a name is one
 * line of human text; control characters would hide or forge what an operator sees. */
export const controlCharacterIndex = (text: string): number => {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code <= 0x1f || (code >= 0x7f && code <= 0x9f)) return i;
  }
  return -1;
};
