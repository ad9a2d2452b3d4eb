// Card numbers: a real network prefix (IIN) and length, then Luhn. The same rule as the server's
// sessions/privacy/cards.py; the shared vectors in tests/vectors/privacy/ hold both to it.
// Luhn alone is not enough: one number in ten passes it by chance, so one millisecond timestamp in ten
// would be "a card". No network issues 13-digit numbers starting with 1 (UATP, on 1, uses 15 digits).

const ANY = [13, 14, 15, 16, 17, 18, 19];
const range = (from, to) => Array.from({ length: to - from + 1 }, (_, i) => String(from + i));

/** Two-digit prefix -> allowed lengths (Set). */
export const CARD_LENGTHS = new Map();
const add = (prefixes, lengths) => {
  for (const p of prefixes) CARD_LENGTHS.set(p, new Set(lengths));
};
add(range(10, 19), [15]); // UATP
add(range(22, 27), [16, 17, 18, 19]); // Mir, BORICA, Mastercard 2-series
add(["30", "34", "35", "36", "37", "38", "39"], [14, 15, 16, 17, 18, 19]); // Diners, Amex, JCB
add(range(40, 49), [13, 16, 19]); // Visa
add(["50", "56", "57", "58"], ANY); // Maestro
add(range(51, 55), [16]); // Mastercard
add(range(60, 69), ANY); // Discover, UnionPay, Maestro, RuPay, Elo, ...
add(["81", "82", "86"], [16, 17, 18, 19]); // UnionPay, RuPay, Uzcard
add(["97", "98"], [16]); // Troy, Humo

/** True when `digits` (only 0-9, 13 to 19 of them) passes the Luhn checksum. */
export function luhnValid(digits) {
  if (!/^[0-9]{13,19}$/.test(digits)) return false;
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i -= 1) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/** True when `digits` has a card network's prefix and length and passes Luhn. */
export function isCardNumber(digits) {
  const lengths = CARD_LENGTHS.get(digits.slice(0, 2));
  return lengths !== undefined && lengths.has(digits.length) && luhnValid(digits);
}
