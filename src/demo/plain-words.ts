/** A rate as people say it: whole messages per second, one decimal under 10. */
export function perSec(value: number): string {
  return `${value < 10 && !Number.isInteger(value) ? value.toFixed(1) : Math.round(value)}/s`;
}

/** The controller's view of a campaign in plain words: "capacity ≈ 300/s, sending 270/s". */
export function capacityAndRate(capacityPerSec: number | null | undefined, sendingPerSec: number): string {
  return capacityPerSec != null && capacityPerSec > 0
    ? `capacity ≈ ${perSec(capacityPerSec)}, sending ${perSec(sendingPerSec)}`
    : `sending ${perSec(sendingPerSec)}`;
}

/**
 * Rounds the long decimals other parts' messages carry (a planner's
 * "120.98809938682835/s") to what a reader needs: whole numbers from 10 up,
 * two decimals below.
 */
export function plainNumbers(text: string): string {
  return text.replace(/\d+\.\d{4,}/g, (n) => {
    const value = Number(n);
    return Math.abs(value) >= 10 ? String(Math.round(value)) : String(Number(value.toFixed(2)));
  });
}
