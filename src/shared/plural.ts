const whole = new Intl.NumberFormat("en");

/** plural is a count with its noun, singular for exactly one: "1 session", "2 sessions", "1,024 bytes". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${whole.format(n)} ${n === 1 ? one : many}`;
}
