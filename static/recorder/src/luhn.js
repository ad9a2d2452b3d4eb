// Luhn check for card numbers: only digit runs that pass it are treated as card numbers, so order ids,
// phone numbers and timestamps stay readable in recordings.

/** True when `digits` (only 0-9, 13 to 19 of them) passes the Luhn checksum. */
export function luhnValid(digits) {
  if (!/^\d{13,19}$/.test(digits)) return false;
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
