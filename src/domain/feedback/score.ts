/*
 * Whether a customer's message reads as a score for the feedback request (1 to 5) and which. Only
 * a message that reads as a score is feedback; anything else is a message for staff (the inbox).
 * The rules, and why, are in ASSUMPTIONS.md ("Feedback scores").
 */

const SCORE_WORDS: Readonly<Record<string, number>> = { one: 1, two: 2, three: 3, four: 4, five: 5 };

/** "score", "rating" or "rated" and an optional ":" / "=" may come before the score. */
const LABEL = String.raw`(?:(?:score|rating|rated)\s*[:=]?\s*)?`;
/** What marks a number as a score wherever it stands: "/5", "out of 5", "of 5", "*", "star(s)". */
const SCALE = String.raw`\s*(?:\/\s*5(?!\d)|out\s+of\s+5(?!\d)|of\s+5(?!\d)|\*|stars?\b)`;
const NUMBER = String.raw`([1-5]|one|two|three|four|five)`;

/**
 * The message opens with a number 1-5 that is not part of a longer or decimal number, nor out of a
 * scale other than 5 ("3/10"); anything may follow ("2 thanks", "3 - ok").
 */
const LEADING_DIGIT = new RegExp(String.raw`^${LABEL}([1-5])(?!\d|[.,]\d)(?!\s*(?:\/|(?:out\s+)?of)\s*(?!5(?!\d))\d)`, 'u');
/** A number word is a score alone (with trailing punctuation) or with a scale: "Five!", but not "one more thing". */
const WHOLE_WORD = new RegExp(String.raw`^${LABEL}(one|two|three|four|five)[\s.!]*$`, 'u');
/** A number with a scale anywhere in the text: "Great job, 4/5", "I'd say 4 out of 5". */
const WITH_SCALE = new RegExp(String.raw`(?<![\w.,])${NUMBER}${SCALE}`, 'u');
/** One to five star symbols and nothing else. */
const STAR_SYMBOLS = /^[★⭐]{1,5}$/u;

function scoreOf(token: string): number {
  return SCORE_WORDS[token] ?? Number(token);
}

/**
 * The score a message gives, or null when it does not read as one. A question is never a score
 * ("5 days and still not ready?"), whatever number it holds.
 */
export function readScore(text: string): number | null {
  const message = text.normalize('NFKC').replace(/\uFE0F/gu, '').trim().toLowerCase();
  if (message === '' || message.includes('?')) return null;
  const stars = STAR_SYMBOLS.exec(message);
  if (stars) return Array.from(stars[0]).length;
  const match = LEADING_DIGIT.exec(message) ?? WHOLE_WORD.exec(message) ?? WITH_SCALE.exec(message);
  return match ? scoreOf(match[1]!) : null;
}
