export interface IdGenerator {
  /** A fresh UUID (v4) in lowercase. */
  uuid(): string;
}
