/**
 * The orders a summary lists (medications and other orders alike): those active as sent. One
 * rule for the summary screen and the printed summary, so the two never list different orders.
 */
export function activeOrders<T extends { status: string | null }>(orders: readonly T[]): T[] {
  return orders.filter((o) => o.status === 'active');
}
