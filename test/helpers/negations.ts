/**
 * A seeded generator of a text task that word counts cannot decide: every sentence holds one
 * positive and one negative adjective and one `not`; its label is the polarity of the adjective
 * *not* negated ("the film was not good but it was bad" → negative). A bag of words sees the same
 * words for both labels, so it stays at chance; a model that reads the order can be right.
 * examples/data/negations.csv and examples/data/orders.csv are its output (test/engine/text.test.ts checks).
 * Regenerate: npx tsx test/helpers/negations.ts
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRng } from '../../engine/core/random';

const SUBJECTS = [
	'the film',
	'the food',
	'the service',
	'this phone',
	'the hotel',
	'the book',
	'the game',
	'the show',
	'my day',
	'the trip',
];
const VERBS = ['was', 'is', 'seemed', 'felt'];
const POSITIVE = ['good', 'great', 'fine', 'nice', 'lovely', 'superb'];
const NEGATIVE = ['bad', 'awful', 'poor', 'dull', 'terrible', 'boring'];
const JOINS = ['but', 'and', 'yet', 'so'];

export interface Sentence {
	text: string;
	positive: boolean;
}

export function negations(samples: number, seed: number): Sentence[] {
	const rng = createRng(seed);
	const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng.next() * xs.length)]!;
	const out: Sentence[] = [];
	for (let i = 0; i < samples; i++) {
		const pos = pick(POSITIVE);
		const neg = pick(NEGATIVE);
		const posFirst = rng.next() < 0.5;
		const negatePositive = rng.next() < 0.5;
		const word = (adj: string, isPositive: boolean) => (isPositive === negatePositive ? `not ${adj}` : adj);
		const [a, b] = posFirst ? [word(pos, true), word(neg, false)] : [word(neg, false), word(pos, true)];
		out.push({ text: `${pick(SUBJECTS)} ${pick(VERBS)} ${a} ${pick(JOINS)} it ${pick(VERBS)} ${b}`, positive: !negatePositive });
	}
	return out;
}

/** text,label rows. */
export function negationsCsv(samples: number, seed: number): string {
	return ['text,label', ...negations(samples, seed).map((s) => `${s.text},${s.positive ? 'positive' : 'negative'}`)].join('\n') + '\n';
}

/**
 * Orders with a review and a delivery delay: `refund` is yes when the review is negative or the
 * delay exceeds 5 days, so a model needs both the text and the number.
 */
export function ordersCsv(samples: number, seed: number): string {
	const rng = createRng(seed + 1);
	const rows = negations(samples, seed).map((s) => {
		const delay = Math.floor(rng.next() * 11);
		const price = Math.round(5 + rng.next() * 95);
		return `${s.text},${delay},${price},${!s.positive || delay > 5 ? 'yes' : 'no'}`;
	});
	return ['review,delay,price,refund', ...rows].join('\n') + '\n';
}

export const NEGATIONS_FILE = { samples: 800, seed: 11 };
export const ORDERS_FILE = { samples: 800, seed: 12 };

if (require.main === module) {
	const dir = path.join(__dirname, '..', '..', 'examples', 'data');
	fs.mkdirSync(dir, { recursive: true });
	fs.writeFileSync(path.join(dir, 'negations.csv'), negationsCsv(NEGATIONS_FILE.samples, NEGATIONS_FILE.seed));
	fs.writeFileSync(path.join(dir, 'orders.csv'), ordersCsv(ORDERS_FILE.samples, ORDERS_FILE.seed));
}
