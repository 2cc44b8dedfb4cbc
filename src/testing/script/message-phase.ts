/**
 * The phase the model gives an assistant message. `final_answer` marks the answer a turn
 * produces (what `TurnResult.finalResponse` picks); `commentary` marks progress notes.
 *
 * @example
 * const phase: MessagePhase = 'final_answer';
 * mock.enqueue(response(assistantMessage('42', { phase })));
 */
export type MessagePhase = 'commentary' | 'final_answer';
