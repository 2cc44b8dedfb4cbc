import type { DemoState } from './demo-state.js';

/**
 * The state before anything happened: one lane per task, all starting.
 *
 * @example
 * import { scan, type Observable } from 'rxjs';
 * import { reduceDemoState } from './demo-state.js';
 * import type { DemoEvent } from './demo-event.js';
 * import { demoTasks } from './demo-script.js';
 *
 * declare const demoEvents$: Observable<DemoEvent>;
 * const state$ = demoEvents$.pipe(scan(reduceDemoState, initialDemoState(demoTasks(), Date.now())));
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
