/** The `openai` package, as this adapter uses it: the client and its error classes. */
export type OpenAiSdk = typeof import('openai');

let sdk: Promise<OpenAiSdk> | null = null;

/** Loaded once, on the first completion: most commands call no model, and loading the package
 * takes a noticeable part of a command's start-up. */
export const loadOpenAiSdk = (): Promise<OpenAiSdk> => (sdk ??= import('openai'));
