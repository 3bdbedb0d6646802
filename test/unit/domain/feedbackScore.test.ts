import { describe, expect, it } from 'vitest';
import { readScore } from '../../../src/domain/feedback/score.js';

describe('readScore: a reply is feedback only when it reads as a score of 1 to 5', () => {
  it.each([
    // a bare score, as digits or a word
    ['5', 5],
    ['1', 1],
    [' 3 ', 3],
    ['5.', 5],
    ['5!', 5],
    ['five', 5],
    ['Five!', 5],
    ['two', 2],
    ['５', 5],
    // the usual scales
    ['5/5', 5],
    ['4 / 5', 4],
    ['3 out of 5', 3],
    ['2 of 5', 2],
    ['4 stars', 4],
    ['1 star', 1],
    ['5*', 5],
    ['five stars', 5],
    ['★★★★', 4],
    ['⭐️⭐️⭐️', 3],
    // a score first, a comment after
    ['3 - ok', 3],
    ['2 thanks', 2],
    ['5 stars! Lovely job', 5],
    ['4, quick and friendly', 4],
    ['Score: 4.', 4],
    ['rating 2', 2],
    // a scale anywhere
    ['I give it a 4/5', 4],
    ['Great job, 5 out of 5', 5],
    ['Very happy. 5 stars', 5],
  ])('%j reads as %i', (text, score) => {
    expect(readScore(text)).toBe(score);
  });

  it.each([
    // questions, whatever numbers they hold
    'When will my washer be ready?',
    '5 days and still waiting?',
    'Is 5/5 the top?',
    // no score of 1 to 5
    '',
    '   ',
    'great service',
    'Good',
    'Thanks, see you soon',
    'STOP please',
    '0',
    '6',
    '10/10',
    '6 out of 5!',
    '4/50',
    '3/10',
    '4 out of 10',
    '3.5',
    '3.5 stars',
    '2,5 maybe',
    '45',
    '12345',
    'job 12345: 3',
    // a number word that starts a sentence is not a score
    'one more thing: the door squeaks',
    'Two weeks is too long',
    '★★★★★★',
  ])('%j reads as no score', (text) => {
    expect(readScore(text)).toBeNull();
  });
});
