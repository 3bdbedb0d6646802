import type { ClaimOutcome, DiscountCodes } from '../../../src/domain/discounts/ports.js';

/** Discount code claims in memory: a customer takes a brand's next free code once and gets the same one on every repeat. */
export class FakeDiscountCodes implements Pick<DiscountCodes, 'claim'> {
  private readonly free = new Map<string, string[]>();
  private readonly held = new Map<string, string>();
  claims = 0;

  /** Makes `codes` claimable for the brand (an empty list: a brand whose codes are all gone). */
  add(brandId: string, codes: readonly string[]): void {
    this.free.set(brandId, [...(this.free.get(brandId) ?? []), ...codes]);
  }

  async claim(brandId: string, customerId: number): Promise<ClaimOutcome> {
    this.claims += 1;
    const holder = `${brandId}/${customerId}`;
    const held = this.held.get(holder);
    if (held) return { status: 'already-claimed', code: held };
    const free = this.free.get(brandId);
    if (!free) return { status: 'unknown-brand' };
    const code = free.shift();
    if (!code) return { status: 'none-left' };
    this.held.set(holder, code);
    return { status: 'claimed', code };
  }
}
