import { describe, expect, it } from 'vitest';
import { checkAnswer } from './commands.js';

describe('checkAnswer: the acts.answer rule both the PC and the hub apply', () => {
  it('accepts an answer that fits the letter with the right number of documents', () => {
    expect(checkAnswer('2-1', '2-2', 1)).toBeNull();
    expect(checkAnswer('3-1', '3-2', 0)).toBeNull();
    expect(checkAnswer('3-1', '3-4', 3)).toBeNull();
  });

  it('refuses with the sentence the user reads', () => {
    expect(checkAnswer('5-1', '2-2', 1)?.message).toBe('Ce type de réponse ne correspond pas au courrier de la préfecture.');
    expect(checkAnswer('2-1', '3-2', 0)?.message).toBe('Ce type de réponse ne correspond pas au courrier de la préfecture.');
    expect(checkAnswer('4-1', '4-2', 1)?.message).toBe('Un accusé de réception ne porte pas de document.');
    expect(checkAnswer('4-1', '4-3', 0)?.message).toBe('Joignez le document de votre réponse.');
    expect(checkAnswer('3-1', '3-3', 2)?.message).toBe('Cette réponse ne porte qu’un seul document.');
  });
});
