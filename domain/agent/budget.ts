/** What an agent's runs may spend, in cents: the budget an agent gets when none is given, and the
 * largest budget an agent or a run may have (100,000,000.00 in cents). */
export const DEFAULT_BUDGET_CENTS = 1000;
export const MAX_BUDGET_CENTS = 100_000_000_00;
