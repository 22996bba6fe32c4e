import { randomUUID } from 'node:crypto';
import type { IdGenerator } from '../domain/ports/id-generator.js';

export const randomIds: IdGenerator = { uuid: () => randomUUID() };
