/** How a resumed run treats the step that may have been in flight when its process died
 * (`record_interrupted`: not run again at all, see stalled-resume.ts). */
export type InterruptedStepPolicy = 'rerun_if_idempotent' | 'rerun' | 'record_interrupted';
