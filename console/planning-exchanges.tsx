import type { PlanningAttempted } from '../domain/run/run-events.js';
import { duration, money } from './format.js';

/** One request to the planner's model: what was sent, what came back (or why nothing did), and
 * what was wrong with the plan it gave. All of it text. */
const Exchange = ({ exchange }: { exchange: PlanningAttempted }) => (
  <article class={`exchange exchange-${exchange.outcome}`} data-attempt={exchange.attempt}>
    <h4>
      Attempt {exchange.attempt}: {exchange.outcome} · model {exchange.answer?.model ?? exchange.model} ·{' '}
      {duration(exchange.latency_ms)} · {money(exchange.cost_cents)}
      {exchange.usage && ` · ${exchange.usage.total_tokens} tokens`}
    </h4>
    <details>
      <summary>Messages sent ({exchange.messages.length})</summary>
      {exchange.messages.map((m) => (
        <div class="message" data-role={m.role}>
          <span class="role">{m.role}</span>
          <pre class="message-text" tabIndex={0}>
            {m.content}
          </pre>
        </div>
      ))}
    </details>
    {exchange.answer && (
      <div class="message" data-role="answer">
        <span class="role">answer</span>
        <pre class="message-text answer-text" tabIndex={0}>
          {exchange.answer.content}
        </pre>
      </div>
    )}
    {exchange.failure && (
      <p class="reason">
        {exchange.failure.code}: {exchange.failure.message}
      </p>
    )}
    {exchange.validation_errors.length > 0 && (
      <ul class="validation-errors" aria-label="What was wrong with the plan">
        {exchange.validation_errors.map((p) => (
          <li>
            {p.step_index === null ? '' : `step ${p.step_index}: `}
            {p.field}: {p.message}
          </li>
        ))}
      </ul>
    )}
  </article>
);

/** The planner's exchanges with its model, in order, as the run's PlanningAttempted events keep them. */
export const PlanningExchanges = ({ planning }: { planning: readonly unknown[] }) => (
  <section class="exchanges" aria-label="Planner exchanges">
    {(planning as readonly PlanningAttempted[]).map((exchange) => (
      <Exchange exchange={exchange} />
    ))}
  </section>
);

/** What the planner's model cost, counted against the run's budget like its steps. */
export const planningCostCents = (planning: readonly unknown[]): number =>
  (planning as readonly PlanningAttempted[]).reduce((sum, p) => sum + (p.cost_cents ?? 0), 0);
