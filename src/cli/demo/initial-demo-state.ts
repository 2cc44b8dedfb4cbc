import type { DemoState } from './demo-state.js';

/**
 * The state before anything happened: one lane per task, all starting.
 *
 * @example
 * const state$ = events$.pipe(scan(reduceDemoState, initialDemoState(tasks, Date.now())));
 */
export function initialDemoState(tasks: readonly { readonly title: string; readonly prompt: string }[], now: number): DemoState {
  return {
    lanes: tasks.map(({ title, prompt }) => ({
      title,
      prompt,
      threadId: null,
      turnId: null,
      status: 'starting',
      messages: [],
      items: [],
      activity: null,
      approval: null,
      usage: null,
      startedAt: null,
      endedAt: null,
      error: null,
      result: null,
      finished: false,
    })),
    startedAt: now,
    now,
    stopping: null,
  };
}
